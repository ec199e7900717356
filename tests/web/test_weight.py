"""The page stays light: our JS + CSS + Leaflet under the gzipped budget, and the offline shell is complete."""
import re

from bench.web_weight import BUDGET_GZIP_KB, WEB, asset_groups, weigh


def test_js_css_and_leaflet_fit_the_gzip_budget() -> None:
    groups = asset_groups()
    paths = groups["our JS"] + groups["our CSS"] + groups["Leaflet 1.9.4 JS+CSS"]
    _, packed = weigh(paths)
    assert packed / 1024 < BUDGET_GZIP_KB


def test_service_worker_caches_every_module_and_stylesheet() -> None:
    shell = set(re.findall(r'"((?:js|css|vendor|icons)/[^"]+)"', (WEB / "sw.js").read_text(encoding="utf-8")))
    shipped = {str(path.relative_to(WEB)) for pattern in ("js/*.js", "css/*.css", "icons/*.png", "icons/*.svg")
               for path in WEB.glob(pattern)}
    assert shipped <= shell, f"not cached for offline use: {sorted(shipped - shell)}"
    assert all((WEB / path).exists() for path in shell), "sw.js caches a file that does not exist"


def test_every_module_is_preloaded() -> None:
    html = (WEB / "index.html").read_text(encoding="utf-8")
    preloaded = set(re.findall(r'<link rel="modulepreload" href="(js/[^"]+)">', html))
    assert preloaded == {str(path.relative_to(WEB)) for path in WEB.glob("js/*.js")}
