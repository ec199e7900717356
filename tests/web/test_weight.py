"""The page stays light: our JS + CSS + Leaflet under the gzipped budget, and the offline shell is the rider page."""
import re

from bench.web_weight import BUDGET_GZIP_KB, WEB, asset_groups, static_closure, view_groups, weigh


def test_js_css_and_leaflet_fit_the_gzip_budget() -> None:
    groups = asset_groups()
    paths = groups["our JS"] + groups["our CSS"] + groups["Leaflet 1.9.4 JS+CSS"]
    _, packed = weigh(paths)
    assert packed / 1024 < BUDGET_GZIP_KB


def test_service_worker_installs_the_rider_page_and_none_of_the_planner() -> None:
    shell = set(re.findall(r'"((?:js|css|vendor|icons)/[^"]+)"', (WEB / "sw.js").read_text(encoding="utf-8")))
    groups = view_groups()
    rider = {str(path.relative_to(WEB)) for path in groups["rider page"]}
    icons = {str(path.relative_to(WEB)) for pattern in ("icons/*.png", "icons/*.svg") for path in WEB.glob(pattern)}
    planner = {str(path.relative_to(WEB)) for path in groups["planner view adds"]}
    assert rider | icons <= shell, f"not cached for offline use: {sorted(rider | icons - shell)}"
    assert not shell & planner, f"installed on every rider's phone: {sorted(shell & planner)}"
    assert shell <= rider | icons, f"cached but not on the rider page: {sorted(shell - rider - icons)}"
    assert all((WEB / path).exists() for path in shell), "sw.js caches a file that does not exist"


DYNAMIC_IMPORT = re.compile(r'import\("\./([\w-]+\.js)"\)')


def test_the_first_screens_modules_are_preloaded_and_the_rest_imported_when_wanted() -> None:
    html = (WEB / "index.html").read_text(encoding="utf-8")
    preloaded = set(re.findall(r'<link rel="modulepreload" href="js/([^"]+)">', html))
    first_screen = static_closure("app.js")
    assert preloaded == first_screen, "every module app.js needs at once is preloaded, and only those"
    later = {name for path in (WEB / "js").glob("*.js") for name in DYNAMIC_IMPORT.findall(path.read_text("utf-8"))}
    assert {"map.js", "planner.js", "share.js"} <= later and not later & first_screen
    shipped = {path.name for path in (WEB / "js").glob("*.js")}
    assert shipped == first_screen | later | {name for lazy in later for name in static_closure(lazy)}


def test_the_planner_code_is_not_on_the_rider_page() -> None:
    """The rider page loads none of the planner's modules or its stylesheet; its own weight fits the budget."""
    groups = view_groups()
    rider = {path.name for path in groups["rider page"]}
    assert not rider & {"planner.js", "planner-strings.js", "coveragemap.js", "planner.css"}
    assert {"planner.js", "planner-strings.js", "planner.css"} <= {path.name for path in groups["planner view adds"]}
    _, packed = weigh(groups["rider page"])
    assert packed / 1024 < BUDGET_GZIP_KB
