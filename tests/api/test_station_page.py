"""The app page at /: the site's title and description, or with ?station= that station's, in the HTML
itself (chat apps build link previews from it without running JavaScript), escaped, and only from the
catalogue's own fields."""
import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.builders import add_centres, centre_record


class HeadReader(HTMLParser):
    """<html lang>, <title> text and <meta name|property> contents, as a browser or crawler reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.lang, self.title, self.meta, self._in_title = None, "", {}, False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "meta" and (values.get("name") or values.get("property")):
            self.meta[values.get("name") or values.get("property")] = values.get("content")

    def handle_endtag(self, tag: str) -> None:
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def head(client: TestClient, url: str, status: int = 200) -> HeadReader:
    response = client.get(url)
    assert response.status_code == status, response.text[:200]
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="js/app.js">' in response.text  # the app itself, whatever the station
    reader = HeadReader()
    reader.feed(response.text)
    return reader


def test_a_station_link_carries_the_stations_name_and_facts(client: TestClient, db: Session) -> None:
    add_centres(db, centre_record(id="test-shared", name_zh="测试驿站·翠湖", name_en="Test station Cuihu",
                                  kind="rider_station", address="测试地址1号", phone="0871-6000 0000",
                                  amenities=["drinking_water", "phone_charging"]))
    page = head(client, "/?station=test-shared")
    assert page.lang == "zh-CN"
    assert page.title == page.meta["og:title"] == "测试驿站·翠湖 · 昆明服务地图"
    description = "骑手驿站 · 五华区 · 地址：测试地址1号 · 电话：0871-6000 0000 · 服务：饮用水、手机充电"
    assert page.meta["description"] == page.meta["og:description"] == description
    assert page.meta["og:site_name"] == "昆明服务地图" and page.meta["og:type"] == "website"
    assert page.meta["og:image"].endswith("/icons/icon-512.png") and page.meta["og:image"].startswith("http")

    english = head(client, "/?station=test-shared&lang=en")
    assert english.lang == "en" and english.title == "Test station Cuihu · Kunming service map"
    assert english.meta["og:description"].startswith("Rider rest station · 五华区 · Address: 测试地址1号")


def test_empty_fields_are_left_out_not_made_up(client: TestClient, db: Session) -> None:
    add_centres(db, centre_record(id="test-bare", name_zh="测试中心", name_en=None, address=None, phone=None,
                                  amenities=[]))
    page = head(client, "/?station=test-bare&lang=en")
    assert page.title == "测试中心 · Kunming service map"  # no English name: the Chinese one, not a guess
    assert page.meta["description"] == "Party–mass service centre · 五华区"


def test_station_text_is_escaped(client: TestClient, db: Session) -> None:
    name = '测试"><script>alert(1)</script>&'
    add_centres(db, centre_record(id="test-escaped", name_zh=name, address="<b>测试</b> 'quoted'"))
    response = client.get("/?station=test-escaped")
    assert "<script>alert(1)" not in response.text and "<b>测试" not in response.text
    page = head(client, "/?station=test-escaped")
    assert page.title == f"{name} · 昆明服务地图" and page.meta["og:title"] == f"{name} · 昆明服务地图"
    assert "<b>测试</b> 'quoted'" in page.meta["og:description"]


def test_the_plain_page_and_unknown_stations_get_the_sites_own(client: TestClient) -> None:
    plain = head(client, "/")
    assert plain.title == "昆明服务地图 · 党群服务中心与骑手驿站" and plain.meta["og:title"] == plain.title
    assert plain.meta["description"].startswith("昆明党群服务中心与骑手驿站")
    for station in ("no-such-station", "NOT_AN_ID", "x" * 64, "x" * 500):
        assert head(client, f"/?station={station}", status=404).title == plain.title
    assert head(client, "/?lang=en").title == "Kunming service map · Party–mass centres and rider stations"
    assert len(re.findall("<title>", client.get("/").text)) == 1
