"""The app page's title and description: the site's, or a shared station's, in the link's language.

Chat apps (WeChat, QQ, Telegram…) read <title>, the description meta and Open Graph tags of a link
to build its preview card, without running JavaScript: so a station's link carries them in its HTML.
Only catalogue fields go in, every one HTML-escaped; nothing is made up when a field is empty.
"""
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Literal

from geo.amenities import AMENITY_LABELS, KIND_LABELS, Amenity, Kind

Lang = Literal["zh", "en"]
# index.html marks the block this module writes; the static file keeps the site's own tags.
META_BLOCK = re.compile(r"<!-- page-meta -->.*?<!-- /page-meta -->", re.S)
SITE = {
    "zh": ("昆明服务地图", "党群服务中心与骑手驿站",
           "昆明党群服务中心与骑手驿站（暖“新”驿站）地图：找离您最近、现在开放、有所需服务的站点。"),
    "en": ("Kunming service map", "Party–mass centres and rider stations",
           "Map of Kunming's Party–mass service centres and rider rest stations: find the nearest one that is "
           "open now and has what you need."),
}
FIELD_NAMES = {"zh": {"address": "地址：", "phone": "电话：", "amenities": "服务：", "list": "、"},
               "en": {"address": "Address: ", "phone": "Phone: ", "amenities": "Services: ", "list": ", "}}


@dataclass(frozen=True)
class PageMeta:
    lang: Lang
    title: str
    description: str


def site_meta(lang: Lang) -> PageMeta:
    name, subtitle, description = SITE[lang]
    return PageMeta(lang=lang, title=f"{name} · {subtitle}", description=description)


def _label(labels: tuple[str, str], lang: Lang) -> str:
    return labels[0] if lang == "zh" else labels[1]


def station_meta(props: dict, lang: Lang) -> PageMeta:
    """From a centre's properties (as the API gives them): name, then kind, district, address, phone, services."""
    words = FIELD_NAMES[lang]
    name = props["name_en"] if lang == "en" and props.get("name_en") else props["name_zh"]
    amenities = words["list"].join(_label(AMENITY_LABELS[Amenity(a)], lang) for a in props.get("amenities") or [])
    parts = [
        _label(KIND_LABELS[Kind(props["kind"])], lang),
        props.get("district_name"),
        props.get("address") and words["address"] + props["address"],
        props.get("phone") and words["phone"] + props["phone"],
        amenities and words["amenities"] + amenities,
    ]
    return PageMeta(lang=lang, title=f"{name} · {SITE[lang][0]}", description=" · ".join(p for p in parts if p))


def meta_tags(meta: PageMeta, *, image_url: str) -> str:
    title, description = escape(meta.title), escape(meta.description)
    return "\n".join([
        "<!-- page-meta -->",
        f"<title>{title}</title>",
        f'<meta name="description" content="{description}">',
        '<meta property="og:type" content="website">',
        f'<meta property="og:site_name" content="{escape(SITE[meta.lang][0])}">',
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:description" content="{description}">',
        f'<meta property="og:image" content="{escape(image_url)}">',
        "<!-- /page-meta -->",
    ])


@lru_cache(maxsize=4)
def _template(path: Path, modified_ns: int) -> str:
    """The page's HTML, read once per version of the file (not on every request)."""
    return path.read_text(encoding="utf-8")


def render_page(template: Path, meta: PageMeta, *, image_url: str) -> str:
    html = _template(template, template.stat().st_mtime_ns)
    page = META_BLOCK.sub(lambda _: meta_tags(meta, image_url=image_url), html, 1)
    return page.replace('<html lang="zh-CN">', '<html lang="en">', 1) if meta.lang == "en" else page
