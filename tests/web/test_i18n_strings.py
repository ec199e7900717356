"""Every interface string exists in Chinese and in English (web/js/i18n.js, and the planner view's own
web/js/planner-strings.js), and every key the page uses is defined: nobody sees a key name or a message
in the other language."""
import re

import pytest

from bench.web_weight import WEB, static_closure

STRING_FILES = [WEB / "js" / "i18n.js", WEB / "js" / "planner-strings.js"]
KEY = re.compile(r"^    (\w+): ", re.M)
USED = [re.compile(r'\bt\("(\w+)"'), re.compile(r'data-i18n(?:-label)?="(\w+)"'), re.compile(r'labelKey: "(\w+)"'),
        re.compile(r'"data-i18n(?:-label)?": "(\w+)"')]


def keys(language: str, path=STRING_FILES[0]) -> set[str]:
    text = path.read_text(encoding="utf-8")
    start = text.index(f"  {language}: {{")
    return set(KEY.findall(text[start:text.index("\n  },", start)]))


@pytest.mark.parametrize("path", STRING_FILES, ids=lambda p: p.name)
def test_both_languages_have_every_string(path) -> None:
    chinese, english = keys("zh", path), keys("en", path)
    assert len(chinese) > 50
    assert chinese == english, {"only in zh": chinese - english, "only in en": english - chinese}


def test_every_key_the_page_uses_is_defined() -> None:
    sources = [*(WEB / "js").glob("*.js"), WEB / "index.html"]
    used = {key for path in sources for pattern in USED for key in pattern.findall(path.read_text(encoding="utf-8"))}
    defined = set().union(*(keys("zh", path) for path in STRING_FILES))
    assert used and used <= defined, sorted(used - defined)


def test_the_rider_page_needs_no_planner_string() -> None:
    """The rider page never loads planner-strings.js: its modules use only the keys of i18n.js."""
    rider = static_closure("app.js") | static_closure("map.js") | static_closure("share.js")
    used = {key for name in rider for pattern in USED
            for key in pattern.findall((WEB / "js" / name).read_text(encoding="utf-8"))}
    used |= {key for pattern in USED for key in pattern.findall((WEB / "index.html").read_text(encoding="utf-8"))}
    assert used <= keys("zh"), sorted(used - keys("zh"))
