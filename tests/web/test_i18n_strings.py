"""Every interface string exists in Chinese and in English (web/js/i18n.js), and every key the page uses
is defined: a rider never sees a key name or a message in the other language."""
import re

from bench.web_weight import WEB

I18N = (WEB / "js" / "i18n.js").read_text(encoding="utf-8")
KEY = re.compile(r"^    (\w+): ", re.M)
USED = [re.compile(r'\bt\("(\w+)"'), re.compile(r'data-i18n(?:-label)?="(\w+)"'), re.compile(r'labelKey: "(\w+)"')]


def keys(language: str) -> set[str]:
    start = I18N.index(f"  {language}: {{")
    return set(KEY.findall(I18N[start:I18N.index("\n  },", start)]))


def test_both_languages_have_every_string() -> None:
    chinese, english = keys("zh"), keys("en")
    assert len(chinese) > 100
    assert chinese == english, {"only in zh": chinese - english, "only in en": english - chinese}


def test_every_key_the_page_uses_is_defined() -> None:
    sources = [*(WEB / "js").glob("*.js"), WEB / "index.html"]
    used = {key for path in sources for pattern in USED for key in pattern.findall(path.read_text(encoding="utf-8"))}
    assert used and used <= keys("zh"), sorted(used - keys("zh"))
