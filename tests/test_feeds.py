from __future__ import annotations

import datetime
import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import filelock
import pytest
import urllib3.util.connection
from click.testing import CliRunner

import geo.ingest.watch
from geo.cli import main
from geo.ingest import feed_panel
from geo.ingest.feeds import (
    FeedError,
    SourceRequest,
    gather,
    ingest_web,
    known_in_store,
    parse_feed,
    sniff,
)
from geo.ingest.fetch import Fetcher, FetchError, FetchSettings, is_private
from geo.ingest.registry import (
    RegistryError,
    add_feed,
    load_feeds,
    parse_every,
    remove_feed,
    update_feeds,
)
from geo.ingest.urls import clean_url, url_key
from geo.ingest.watch import Watcher, WatcherBusyError, poll_due, watch
from geo.places.gazetteer import Gazetteer
from geo.store.store import Store, StoreBusyError
from geo.text.mentions import PlaceFinder
from geo.view.dataset import load_dataset
from geo.view.fresh import new_since
from geo.view.page import with_articles
from geo.view.panel import Selection, describe
from geo.view.popups import event_popup
from tests.feedserver import FeedServer, Reply, atom, page, rss, serving

RSS_TYPE = "application/rss+xml"
MIB = 1024 * 1024

# --- articles we write for the server: one per place, each distinct ------------------------

_STORIES = [
    ("Missile fired into the Sea of Japan", "North Korea", "the Sea of Japan", "Seoul"),
    ("Coast guard ships near the Senkaku Islands", "China", "the Senkaku Islands", "Tokyo"),
    ("Drills in the Taiwan Strait", "China", "the Taiwan Strait", "Taipei"),
    ("Patrol boats in the South China Sea", "Vietnam", "the South China Sea", "Hanoi"),
    ("Troops moved towards the Black Sea coast", "Russia", "the Black Sea", "Kyiv"),
    ("Naval exercise off the Korean Peninsula", "South Korea", "the Yellow Sea", "Busan"),
]


def story(index: int, *, extra: str = "") -> tuple[str, list[str]]:
    title, actor, place, city = _STORIES[index % len(_STORIES)]
    return title, [
        f"{actor} fired a ballistic missile into {place} on Tuesday, officials in {city} said, "
        f"the {index + 2}th such launch reported this year by the defence ministry.",
        f"Officials in {city} said they were studying the flight data with allies and called "
        f"an emergency meeting of the security council for the following morning. {extra}",
        f"Analysts in {city} said the launch near {place} was meant as a warning before "
        f"planned exercises, and that further tests could follow in the coming weeks.",
    ]


def article_page(index: int, *, meta: str = "", extra: str = "") -> Reply:
    title, paragraphs = story(index, extra=extra)
    return Reply(page(title, paragraphs, meta=meta, site="Harbour Gazette"))


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _only_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any connection to a host other than 127.0.0.1 fail the test."""
    real = urllib3.util.connection.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        assert address[0] in {"127.0.0.1", "localhost"}, f"test reached out to {address}"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", guarded)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with serving() as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    settings = FetchSettings(
        min_interval=0, backoff=0, connect_timeout=2, read_timeout=0.5, total_timeout=10
    )
    with Fetcher(settings) as running:
        yield running


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "store")


def items(server: FeedServer, paths: list[str], *, dated: bool = True) -> list[dict[str, str]]:
    return [
        {
            "title": f"Item {path}",
            "link": server.url(path),
            "date": "Sat, 06 May 2023 08:00:00 GMT" if dated else "",
        }
        for path in paths
    ]


def stored_urls(store: Store) -> list[str]:
    return sorted(store.read_layer("articles", columns=["url"])["url"])


# --- telling feeds from pages ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "feed"),
        (b'<?xml version="1.0"?>\n<!-- hi --><feed xmlns="http://www.w3.org/2005/Atom"/>', "feed"),
        (b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="x"><channel/></rdf:RDF>', "feed"),
        (b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x"><rss version="0.91"/>', "feed"),
        (b"\xef\xbb\xbf  <rss version='2.0'/>", "feed"),
        ('<?xml version="1.0" encoding="utf-16"?><rss/>'.encode("utf-16"), "feed"),
        (b"<!DOCTYPE html><html><body>x</body></html>", "html"),
        (b"  <html lang='en'><p>x</p></html>", "html"),
        (b"<div>a fragment</div>", "html"),
        (b'<?xml version="1.0"?><urlset><url/></urlset>', "xml"),
        (b"Plain words about a missile launch.", "text"),
    ],
)
def test_sniff_tells_feeds_pages_and_other_xml_apart_by_content(body: bytes, kind: str) -> None:
    assert sniff(body) == kind


# --- addresses -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "variant",
    [
        "http://example.com/news/story",
        "https://www.example.com/news/story/",
        "https://example.com/news/story?utm_source=rss&utm_medium=feed",
        "https://example.com/news/story?fbclid=abc#comments",
        "https://example.com/news/story/amp/",
        "https://example.com/news/story?amp=1",
        "https://example.com/news/story?outputType=amp",
        "https://amp.example.com/news/story",
        "https://example-com.cdn.ampproject.org/c/s/example.com/news/story/amp",
        "HTTPS://EXAMPLE.COM:443/news/story",
    ],
)
def test_url_key_is_the_same_for_every_address_of_one_article(variant: str) -> None:
    assert url_key(variant) == url_key("https://example.com/news/story")


def test_url_key_keeps_parameters_that_name_the_article() -> None:
    assert url_key("https://example.com/story?id=1") != url_key("https://example.com/story?id=2")
    assert url_key("https://example.com/a.amp.html") == url_key("https://example.com/a.html")


def test_clean_url_keeps_the_scheme_and_drops_trackers() -> None:
    cleaned = clean_url("http://example.com/story?id=4&utm_campaign=x")
    assert cleaned == "http://example.com/story?id=4"


# --- parsing feeds -------------------------------------------------------------------------


def test_parse_rss2_with_relative_links_and_dates() -> None:
    body = rss([{"title": "A", "link": "/news/a", "date": "Thu, 04 May 2023 10:00:00 GMT"}])
    feed = parse_feed(body, url="http://127.0.0.1:1/feeds/world.xml")
    assert feed.title == "Harbour Gazette"
    assert feed.version == "rss20"
    (item,) = feed.items
    assert item.url == "http://127.0.0.1:1/news/a"
    assert item.published == datetime.date(2023, 5, 4)
    assert item.outlet == "Harbour Gazette"


def test_parse_atom_and_rss1() -> None:
    feed = parse_feed(atom([{"title": "B", "link": "http://x.test/b"}]), url="http://x.test/f")
    assert feed.version == "atom10"
    assert [i.url for i in feed.items] == ["http://x.test/b"]
    rdf = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        b' xmlns="http://purl.org/rss/1.0/"><channel rdf:about="http://x.test/"><title>R</title>'
        b'</channel><item rdf:about="http://x.test/c"><title>C</title><link>http://x.test/c</link>'
        b"</item></rdf:RDF>"
    )
    assert [i.url for i in parse_feed(rdf, url="http://x.test/f").items] == ["http://x.test/c"]


def test_malformed_xml_fails_the_feed_with_the_line() -> None:
    body = rss(items_of_two := [{"title": "A", "link": "http://x.test/a"}] * 2)[:-40]
    assert items_of_two
    with pytest.raises(FeedError, match=r"malformed XML \(line \d+"):
        parse_feed(body, url="http://x.test/f")


def test_an_undefined_entity_is_read_past_with_a_warning() -> None:
    body = rss([{"title": "A&nbsp;B", "link": "http://x.test/a"}])
    feed = parse_feed(body, url="http://x.test/f")
    assert [i.url for i in feed.items] == ["http://x.test/a"]
    assert "undefined entity" in feed.warnings[0]


# --- fetching politely ---------------------------------------------------------------------


def test_conditional_get_is_answered_304(server: FeedServer, fetcher: Fetcher) -> None:
    server.routes["/f"] = Reply(rss([]), content_type=RSS_TYPE)
    first = fetcher.fetch(server.url("/f"))
    assert first.status == 200
    assert first.etag
    again = fetcher.fetch(server.url("/f"), etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified
    assert again.body == b""
    assert fetcher.not_modified == 1


def test_5xx_is_retried_then_reported_as_passing(server: FeedServer, fetcher: Fetcher) -> None:
    server.routes["/f"] = Reply(b"down", status=500)
    with pytest.raises(FetchError, match=r"HTTP 500") as caught:
        fetcher.fetch(server.url("/f"))
    assert caught.value.transient
    assert server.hits["/f"] == 1 + fetcher.settings.retries


def test_a_timeout_is_retried_then_reported(server: FeedServer, fetcher: Fetcher) -> None:
    server.routes["/slow"] = Reply(rss([]), delay=30)
    with pytest.raises(FetchError, match="timed out") as caught:
        fetcher.fetch(server.url("/slow"))
    assert caught.value.transient


def test_404_is_permanent(server: FeedServer, fetcher: Fetcher) -> None:
    with pytest.raises(FetchError, match=r"HTTP 404 \(not found\)") as caught:
        fetcher.fetch(server.url("/nothing"))
    assert not caught.value.transient
    assert server.hits["/nothing"] == 1


def test_redirect_loop_and_too_many_redirects(server: FeedServer, fetcher: Fetcher) -> None:
    server.routes["/a"] = Reply(status=302, headers={"Location": "/b"})
    server.routes["/b"] = Reply(status=301, headers={"Location": server.url("/a")})
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher.fetch(server.url("/a"))
    for step in range(8):
        server.routes[f"/hop{step}"] = Reply(status=307, headers={"Location": f"/hop{step + 1}"})
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetcher.fetch(server.url("/hop0"))


def test_a_redirect_is_followed_and_reported(server: FeedServer, fetcher: Fetcher) -> None:
    server.routes["/old"] = Reply(status=301, headers={"Location": "/new"})
    server.routes["/new"] = Reply(rss([]), content_type=RSS_TYPE)
    fetched = fetcher.fetch(server.url("/old"))
    assert fetched.final_url == server.url("/new")


@pytest.mark.parametrize("declare", [True, False])
def test_a_50_mb_page_is_refused(server: FeedServer, fetcher: Fetcher, declare: bool) -> None:
    server.routes["/huge"] = Reply(stream=50 * MIB, declare=declare)
    with pytest.raises(FetchError, match="MiB") as caught:
        fetcher.fetch(server.url("/huge"))
    assert not caught.value.transient


def test_a_content_type_that_is_no_page_is_refused(server: FeedServer, fetcher: Fetcher) -> None:
    server.routes["/photo"] = Reply(b"\x89PNG", content_type="image/png")
    with pytest.raises(FetchError, match="'image/png' is not a web page or a feed"):
        fetcher.fetch(server.url("/photo"))


def test_robots_txt_is_obeyed(server: FeedServer, fetcher: Fetcher) -> None:
    server.routes["/robots.txt"] = Reply(
        b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"
    )
    server.routes["/private/f"] = Reply(rss([]), content_type=RSS_TYPE)
    server.routes["/public/f"] = Reply(rss([]), content_type=RSS_TYPE)
    with pytest.raises(FetchError, match=r"robots\.txt .* disallows"):
        fetcher.fetch(server.url("/private/f"))
    assert fetcher.fetch(server.url("/public/f")).status == 200
    assert server.hits["/private/f"] == 0
    assert server.hits["/robots.txt"] == 1  # read once per site


def test_an_unreachable_robots_txt_keeps_the_site_off_limits(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.routes["/robots.txt"] = Reply(b"oops", status=503)
    server.routes["/f"] = Reply(rss([]), content_type=RSS_TYPE)
    with pytest.raises(FetchError, match=r"robots\.txt unreachable"):
        fetcher.fetch(server.url("/f"))
    assert server.hits["/f"] == 0


@pytest.mark.parametrize(
    ("url", "private"),
    [
        ("http://127.0.0.1:8080/a", True),
        ("http://10.1.2.3/a", True),
        ("http://192.168.0.7/a", True),
        ("http://169.254.169.254/latest/meta-data", True),
        ("http://[::1]/a", True),
        ("http://93.184.216.34/a", False),
    ],
)
def test_is_private(url: str, private: bool) -> None:
    assert is_private(url) is private


def test_a_feed_item_may_not_reach_into_a_private_network(
    server: FeedServer, fetcher: Fetcher
) -> None:
    server.routes["/f"] = Reply(rss([]), content_type=RSS_TYPE)
    with pytest.raises(FetchError, match="private network"):
        fetcher.fetch(server.url("/f"), private=False)
    assert server.hits["/f"] == 0


def test_requests_to_one_host_are_spaced_by_the_rate_limit(server: FeedServer) -> None:
    server.routes["/f"] = Reply(rss([]), content_type=RSS_TYPE)
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    settings = FetchSettings(min_interval=2.0, obey_robots=False)
    with Fetcher(settings, sleep=sleep, clock=lambda: now[0]) as polite:
        for _ in range(3):
            polite.fetch(server.url("/f"))
    assert waits == [2.0, 2.0]


def test_crawl_delay_in_robots_txt_widens_the_interval(server: FeedServer) -> None:
    server.routes["/robots.txt"] = Reply(
        b"User-agent: *\nCrawl-delay: 5\n", content_type="text/plain"
    )
    server.routes["/f"] = Reply(rss([]), content_type=RSS_TYPE)
    now = [0.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    with Fetcher(FetchSettings(min_interval=0), sleep=sleep, clock=lambda: now[0]) as polite:
        for _ in range(3):
            polite.fetch(server.url("/f"))
    assert waits == [5.0, 5.0]  # robots.txt first, then three requests five seconds apart


# --- ingesting addresses ------------------------------------------------------------------


def test_a_feed_brings_in_its_items_and_a_dead_one_is_reported(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    server.routes["/feed"] = Reply(rss(items(server, ["/a", "/b", "/gone"])), content_type=RSS_TYPE)
    server.routes["/a"] = article_page(0)
    server.routes["/b"] = article_page(1)
    report = ingest_web([server.url("/feed")], store, fetcher=fetcher, finder=finder)
    assert report.ingest.articles == 2
    assert f"failed {server.url('/gone')}: HTTP 404 (not found)" in report.summary()
    articles = store.read_layer("articles")
    assert set(articles["outlet"]) == {"Harbour Gazette"}
    assert set(articles["title"]) == {"Item /a", "Item /b"}  # the feed item's title first
    assert set(articles["published"].astype(str)) == {"2023-05-06"}
    # relative dates resolve against the feed's publication date: Tuesday before 6 May 2023
    events = store.read_layer("events")
    assert datetime.date(2023, 5, 2) in set(events["date_start"].dt.date)
    # a second run fetches no article page again
    again = ingest_web([server.url("/feed")], store, fetcher=fetcher, finder=finder)
    assert again.ingest.articles == 0
    assert again.ingest.version == report.ingest.version
    assert server.hits["/a"] == 1
    assert server.hits["/b"] == 1


def test_an_article_address_is_an_article(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    meta = '<meta property="article:published_time" content="2024-03-14T09:00:00Z">'
    server.routes["/story"] = article_page(2, meta=meta)
    report = ingest_web([server.url("/story")], store, fetcher=fetcher, finder=finder)
    assert report.ingest.articles == 1
    row = store.read_layer("articles").iloc[0]
    assert str(row["published"])[:10] == "2024-03-14"  # from the page's Open Graph metadata
    assert row["title"] == story(2)[0]
    assert row["url"] == server.url("/story")


def test_json_ld_date_and_the_fetch_time_when_nothing_says(
    server: FeedServer, fetcher: Fetcher
) -> None:
    ld = (
        '<script type="application/ld+json">{"@context": "https://schema.org", '
        '"@type": "NewsArticle", "headline": "X", "datePublished": "2022-11-03T07:00:00Z"}'
        "</script>"
    )
    server.routes["/ld"] = article_page(3, meta=ld)
    server.routes["/undated"] = article_page(4)
    articles, _ = gather(
        [SourceRequest(server.url("/ld")), SourceRequest(server.url("/undated"))],
        fetcher,
        known=lambda: (set(), set()),
    )
    by_source = {a.source: a for a in articles}
    dated = by_source[server.url("/ld")]
    assert dated.published == datetime.date(2022, 11, 3)
    assert dated.extra["published_from"] == "page"
    undated = by_source[server.url("/undated")]
    assert undated.published == datetime.datetime.now(datetime.UTC).date()
    assert undated.extra["published_from"] == "fetched"
    assert any("dated by the fetch" in w for w in undated.warnings)


def test_where_the_date_came_from_is_stored_and_shown_with_it(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder, gazetteer: Gazetteer
) -> None:
    meta = '<meta property="article:published_time" content="2024-03-14T09:00:00Z">'
    server.routes["/feed"] = Reply(rss(items(server, ["/a"])), content_type=RSS_TYPE)
    server.routes["/a"] = article_page(0)
    server.routes["/meta"] = article_page(2, meta=meta)
    server.routes["/undated"] = article_page(4)
    sources = [server.url(p) for p in ("/feed", "/meta", "/undated")]
    assert ingest_web(sources, store, fetcher=fetcher, finder=finder).ingest.articles == 3
    stored = store.read_layer("articles", columns=["url", "published_from"])
    assert dict(zip(stored["url"], stored["published_from"], strict=True)) == {
        server.url("/a"): "feed",
        server.url("/meta"): "page",
        server.url("/undated"): "fetched",
    }
    data = load_dataset(gazetteer, store_dir=store.root)
    events = with_articles(data.events, data.articles)
    shown = {}
    for record in events[events["url"].isin(stored["url"])].to_dict("records"):
        popup = event_popup(record)
        caption = describe(Selection(record["id"], "events", record), data).caption or ""
        shown[record["url"]] = (popup, caption)
    assert "(from the feed)" in shown[server.url("/a")][0]
    assert "\\(from the feed\\)" in shown[server.url("/a")][1]  # Markdown, escaped
    assert "(from the page)" in shown[server.url("/meta")][0]
    assert "fetch time, day precision" in shown[server.url("/undated")][0]
    assert "fetch time, day precision" in shown[server.url("/undated")][1]
    seeds = with_articles(data.events, data.articles)
    seeded = seeds[~seeds["url"].isin(stored["url"])].to_dict("records")[0]
    assert "fl-provenance" not in event_popup(seeded)  # files and seeds do not say


def test_the_same_article_reached_many_ways_is_stored_once(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    canonical = f'<link rel="canonical" href="{server.url("/world/story")}">'
    server.routes["/world/story"] = article_page(0)
    server.routes["/world/story/amp"] = article_page(0, meta=canonical, extra="(AMP edition.)")
    server.routes["/reposted"] = article_page(0)  # same text elsewhere: the content hash
    first = rss(items(server, ["/world/story?utm_source=rss", "/world/story/amp"]), title="One")
    second = rss(items(server, ["/world/story/?fbclid=1", "/reposted"]), title="Two")
    server.routes["/one"] = Reply(first, content_type=RSS_TYPE)
    server.routes["/two"] = Reply(second, content_type=RSS_TYPE)
    report = ingest_web(
        [server.url("/one"), server.url("/two")], store, fetcher=fetcher, finder=finder
    )
    assert report.ingest.articles == 1
    assert report.ingest.duplicates == 3
    assert server.hits["/world/story/amp"] == 0  # known by its address: never fetched
    https_twin = server.url("/world/story").replace("http://", "https://")
    keys, _ = known_in_store(store)
    assert url_key(https_twin) in keys


def test_an_amp_page_naming_its_canonical_is_a_duplicate(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    server.routes["/s1"] = article_page(5)
    canonical = f'<link rel="canonical" href="{server.url("/s1")}">'
    server.routes["/amp-edition/s1"] = article_page(5, meta=canonical, extra="AMP.")
    ingest_web([server.url("/s1")], store, fetcher=fetcher, finder=finder)
    report = ingest_web([server.url("/amp-edition/s1")], store, fetcher=fetcher, finder=finder)
    assert report.ingest.articles == 0
    assert len(stored_urls(store)) == 1


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (Reply(b"down", status=500), "HTTP 500"),
        (Reply(rss([]), delay=30), "timed out"),
        (Reply(rss([])[:-30], content_type=RSS_TYPE), "malformed XML"),
        (Reply(b"<?xml version='1.0'?><urlset/>", content_type="text/xml"), "XML where a feed"),
        (Reply(stream=50 * MIB), "MiB"),
        (Reply(status=302, headers={"Location": "/bad"}), "redirect loop"),
    ],
    ids=["500", "timeout", "malformed", "not-a-feed", "50MB", "redirect-loop"],
)
def test_a_failing_source_is_reported_and_the_rest_go_in_untouched(
    server: FeedServer,
    fetcher: Fetcher,
    store: Store,
    finder: PlaceFinder,
    route: Reply,
    reason: str,
) -> None:
    server.routes["/a"] = article_page(0)
    ingest_web([server.url("/a")], store, fetcher=fetcher, finder=finder)
    before = store.current_version()
    server.routes["/bad"] = route
    server.routes["/good"] = Reply(rss(items(server, ["/b"])), content_type=RSS_TYPE)
    server.routes["/b"] = article_page(1)
    report = ingest_web(
        [server.url("/bad"), server.url("/good")], store, fetcher=fetcher, finder=finder
    )
    assert report.ingest.articles == 1
    (line,) = [line for line in report.summary().splitlines() if "/bad" in line]
    assert line.startswith(f"failed {server.url('/bad')}: ")
    assert reason in line
    assert store.versions()[-1].parent == before
    assert len(store.read_layer("articles", version=before)) == 1  # the old version intact


def test_nothing_stored_changes_when_everything_fails(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    server.routes["/a"] = article_page(0)
    ingest_web([server.url("/a")], store, fetcher=fetcher, finder=finder)
    before = (store.current_version(), sorted(p.name for p in store.root.rglob("*")))
    server.routes["/bad"] = Reply(b"down", status=503)
    report = ingest_web([server.url("/bad")], store, fetcher=fetcher, finder=finder)
    assert report.failures == 1
    assert (store.current_version(), sorted(p.name for p in store.root.rglob("*"))) == before


# --- following feeds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"), [("30m", 1800), ("2h", 7200), ("1h30m", 5400), ("1d", 86400)]
)
def test_parse_every(text: str, seconds: int) -> None:
    assert parse_every(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "30", "1m", "-5m", "30x"])
def test_parse_every_refuses_odd_or_too_short_intervals(text: str) -> None:
    with pytest.raises(RegistryError):
        parse_every(text)


def test_registry_add_list_remove(tmp_path: Path) -> None:
    add_feed(tmp_path, "https://example.com/world.rss", name="World")
    add_feed(tmp_path, "https://example.com/asia.rss", every=3600)
    with pytest.raises(RegistryError, match="followed already"):
        add_feed(tmp_path, "https://example.com/world.rss")
    with pytest.raises(RegistryError, match="not an http"):
        add_feed(tmp_path, "file:///etc/passwd")
    assert [f.name for f in load_feeds(tmp_path)] == ["World", "https://example.com/asia.rss"]
    assert remove_feed(tmp_path, "World").url == "https://example.com/world.rss"
    assert [f.every for f in load_feeds(tmp_path)] == [3600]
    with pytest.raises(RegistryError, match="no followed feed"):
        remove_feed(tmp_path, "World")
    assert not list(tmp_path.glob(".tmp-*"))  # written by rename, nothing left over


def test_a_damaged_registry_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "feeds.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(RegistryError, match="not valid JSON"):
        load_feeds(tmp_path)


def test_an_update_keeps_a_feed_added_meanwhile(tmp_path: Path) -> None:
    add_feed(tmp_path, "https://example.com/a.rss")
    add_feed(tmp_path, "https://example.com/b.rss")
    update_feeds(tmp_path, {"https://example.com/a.rss": lambda f: replace(f, status="ok")})
    assert [f.status for f in load_feeds(tmp_path)] == ["ok", "new"]


def test_polls_use_304_and_retry_items_that_failed_for_a_passing_reason(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    server.routes["/feed"] = Reply(rss(items(server, ["/a", "/late"])), content_type=RSS_TYPE)
    server.routes["/a"] = article_page(0)
    server.routes["/late"] = Reply(b"busy", status=503)
    add_feed(store.root, server.url("/feed"))
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)

    first = poll_due(store, fetcher=fetcher, finder=finder)
    assert first.web.ingest.articles == 1
    (feed,) = load_feeds(store.root)
    assert feed.status == "ok"
    assert feed.etag
    assert feed.items_seen == 1
    assert [url for url, _ in feed.retry] == [server.url("/late")]

    server.routes["/late"] = article_page(1)
    second = poll_due(store, fetcher=fetcher, finder=finder, now=later)
    assert second.web.not_modified == 1  # the feed did not change
    assert second.web.ingest.articles == 1  # but the item that failed came in
    (feed,) = load_feeds(store.root)
    assert feed.status == "not_modified"
    assert feed.items_seen == 2
    assert feed.retry == ()
    assert feed.articles_added == 2
    assert server.hits["/a"] == 1


def test_a_feed_that_is_html_fails_and_backs_off(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    server.routes["/feed"] = article_page(0)
    add_feed(store.root, server.url("/feed"))
    now = datetime.datetime.now(datetime.UTC)
    report = poll_due(store, fetcher=fetcher, finder=finder, now=now)
    assert "an HTML page where a feed was expected" in report.summary()
    (feed,) = load_feeds(store.root)
    assert feed.status == "failed"
    assert feed.failures == 1
    assert feed.next_poll == now + datetime.timedelta(seconds=feed.every)
    assert store.current_version() is None  # nothing written


def test_a_store_that_cannot_be_written_leaves_the_feeds_as_they_were(
    server: FeedServer,
    fetcher: Fetcher,
    store: Store,
    finder: PlaceFinder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.routes["/feed"] = Reply(rss(items(server, ["/a"])), content_type=RSS_TYPE)
    server.routes["/a"] = article_page(0)
    add_feed(store.root, server.url("/feed"))

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise StoreBusyError("another writer holds the lock")

    real = geo.ingest.watch.ingest_articles
    monkeypatch.setattr(geo.ingest.watch, "ingest_articles", busy)
    report = poll_due(store, fetcher=fetcher, finder=finder)
    assert report.error
    assert "could not be written" in report.error
    (feed,) = load_feeds(store.root)
    assert feed.etag is None
    assert feed.seen == ()
    assert feed.status == "failed"
    monkeypatch.setattr(geo.ingest.watch, "ingest_articles", real)
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)
    assert poll_due(store, fetcher=fetcher, finder=finder, now=later).web.ingest.articles == 1


# --- command line --------------------------------------------------------------------------


def test_cli_ingest_url_feeds_and_watch_once(server: FeedServer, tmp_path: Path) -> None:
    store_dir = str(tmp_path / "store")
    server.routes["/feed"] = Reply(rss(items(server, ["/a"])), content_type=RSS_TYPE)
    server.routes["/a"] = article_page(0)
    server.routes["/b"] = article_page(1)
    runner = CliRunner()

    result = runner.invoke(main, ["ingest", server.url("/b"), "--store", store_dir])
    assert result.exit_code == 0, result.output
    assert "1 article(s) added" in result.output

    result = runner.invoke(
        main,
        [
            "feeds",
            "add",
            server.url("/feed"),
            "--every",
            "1h",
            "--name",
            "Gazette",
            "--store",
            store_dir,
        ],
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        main, ["feeds", "add", server.url("/x"), "--every", "10s", "--store", store_dir]
    )
    assert result.exit_code == 2
    assert "too often" in result.output

    result = runner.invoke(main, ["watch", "--once", "--store", store_dir])
    assert result.exit_code == 0, result.output
    assert "1 article(s) added" in result.output

    result = runner.invoke(main, ["feeds", "list", "--format", "json", "--store", store_dir])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.output.splitlines()]
    assert record["name"] == "Gazette"
    assert record["status"] == "ok"
    assert record["items_seen"] == 1
    assert record["every"] == "1h"
    assert record["last_poll"]

    result = runner.invoke(main, ["feeds", "remove", "Gazette", "--store", store_dir])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["feeds", "list", "--store", store_dir])
    assert "no feeds followed" in result.output


def test_cli_ingest_reports_a_dead_address_and_exits_2(server: FeedServer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["ingest", server.url("/gone"), "--store", str(tmp_path / "s")]
    )
    assert result.exit_code == 2
    assert f"failed {server.url('/gone')}: HTTP 404 (not found)" in result.output
    assert "Traceback" not in result.output


# --- what is new to a reader ----------------------------------------------------------------


def test_new_since_counts_articles_after_a_version_or_a_moment(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    server.routes["/a"] = article_page(0)
    server.routes["/b"] = article_page(1)
    server.routes["/c"] = article_page(2)
    assert new_since(store, version="000000000000").count == 0  # empty store, unknown version
    ingest_web([server.url("/a")], store, fetcher=fetcher, finder=finder)
    seen = store.current_version()
    assert seen is not None
    assert new_since(store, version=seen).count == 0
    ingest_web([server.url("/b"), server.url("/c")], store, fetcher=fetcher, finder=finder)
    fresh = new_since(store, version=seen)
    assert fresh.count == 2
    stored = store.read_layer("articles", columns=["id", "url"])
    expected = set(stored[stored["url"] != server.url("/a")]["id"])
    assert set(fresh.article_ids) == expected
    long_ago = datetime.datetime(2000, 1, 1)
    assert new_since(store, since=long_ago).count == 3
    assert new_since(store, version="0123456789ab", since=long_ago).count == 3  # pruned version
    assert new_since(store).count == 0


def test_with_metadata_prefers_what_it_is_given_and_cleans_it() -> None:
    from geo.text.articles import article_from_html, with_metadata

    title, paragraphs = story(0)
    article = article_from_html(page(title, paragraphs).decode(), source="http://x.test/a")
    assert article.body_offset is None
    changed = with_metadata(
        article,
        title="  Feed   title ",
        published=datetime.date(2023, 5, 6),
        url="javascript:alert(1)",
        extra={"published_from": "feed"},
    )
    assert changed.title == "Feed title"
    assert changed.published == datetime.date(2023, 5, 6)
    assert changed.url == article.url  # a bad address is dropped, with a warning
    assert any("not an http(s) address" in w for w in changed.warnings)
    assert changed.extra["published_from"] == "feed"
    assert (changed.id, changed.text) == (article.id, article.text)
    assert with_metadata(article) == article


def test_items_that_are_not_web_addresses_are_failed_and_not_fetched(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    body = rss(
        [
            {"title": "<script>alert(1)</script>", "link": "javascript:alert(1)"},
            {"title": "Local", "link": "file:///etc/passwd"},
            {"title": "Good", "link": server.url("/a")},
        ]
    )
    server.routes["/feed"] = Reply(body, content_type=RSS_TYPE)
    server.routes["/a"] = article_page(0)
    report = ingest_web([server.url("/feed")], store, fetcher=fetcher, finder=finder)
    assert report.ingest.articles == 1
    failed = [i for s in report.sources for i in s.items if i.outcome == "failed"]
    assert all("not an http(s) address" in i.reason for i in failed)
    assert stored_urls(store) == [server.url("/a")]


def test_files_and_addresses_go_in_together_as_one_version(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder, tmp_path: Path
) -> None:
    title, paragraphs = story(3)
    path = tmp_path / "local.md"
    path.write_text(f"---\ntitle: {title}\npublished: 2023-05-06\n---\n" + "\n\n".join(paragraphs))
    server.routes["/a"] = article_page(0)
    report = ingest_web([str(path), server.url("/a")], store, fetcher=fetcher, finder=finder)
    assert report.ingest.articles == 2
    assert len(store.versions()) == 1
    again = ingest_web([str(path), server.url("/a")], store, fetcher=fetcher, finder=finder)
    assert again.ingest.articles == 0
    assert again.ingest.duplicates == 2


def test_the_watcher_polls_in_the_background_until_stopped(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    server.routes["/feed"] = Reply(rss(items(server, ["/a"])), content_type=RSS_TYPE)
    server.routes["/a"] = article_page(0)
    add_feed(store.root, server.url("/feed"))
    lines: list[str] = []
    watcher = Watcher(store.root, fetcher=fetcher, finder=finder, log=lines.append).start()
    try:
        for _ in range(600):  # wait for the first pass, at most a minute
            if load_feeds(store.root)[0].status != "new":
                break
            threading.Event().wait(0.1)
    finally:
        watcher.stop(timeout=60)
    (feed,) = load_feeds(store.root)
    assert feed.status == "ok"
    assert feed.articles_added == 1
    assert watcher.errors == []
    assert any("1 article(s) added" in line for line in lines)


def test_one_watcher_at_a_time(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    Store.open(store_dir)
    lock = filelock.FileLock(store_dir / ".watch.lock")
    with lock:
        with pytest.raises(WatcherBusyError, match="another watcher"):
            watch(store_dir, once=True)
        runner = CliRunner()
        result = runner.invoke(main, ["watch", "--once", "--store", str(store_dir)])
        assert result.exit_code == 0
        assert "note: another watcher" in result.output
        result = runner.invoke(main, ["watch", "--store", str(store_dir)])
        assert result.exit_code == 2
    assert watch(store_dir, once=True) == 1


@pytest.mark.parametrize("declared", ["header", "meta"])
def test_a_page_is_decoded_in_its_declared_charset(
    server: FeedServer, fetcher: Fetcher, declared: str
) -> None:
    title, paragraphs = story(1)
    paragraphs = [*paragraphs, "Москва заявила протест, сообщили в Токио."]
    html = page(title, paragraphs).decode().replace("<meta charset='utf-8'>", "")
    if declared == "meta":
        html = html.replace("<head>", "<head><meta charset='windows-1251'>")
        content_type = "text/html"
    else:
        content_type = "text/html; charset=windows-1251"
    server.routes["/ru"] = Reply(html.encode("cp1251"), content_type=content_type)
    articles, _ = gather([SourceRequest(server.url("/ru"))], fetcher, known=lambda: (set(), set()))
    (article,) = articles
    assert "Москва заявила протест" in article.text


# --- the dashboard's Feeds panel ---------------------------------------------------------------


def test_the_panel_lists_nothing_then_adds_with_clear_refusals(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    empty = feed_panel.feed_list(store_dir)
    assert list(empty.table.columns) == list(feed_panel.FEED_COLUMNS)
    assert len(empty.table) == 0
    assert empty.problem is None
    refusals = {
        "": "Give the feed's address",
        "example.com/feed": "is not a web address",
        "ftp://example.com/feed": "is not a web address",
    }
    for url, reason in refusals.items():
        note = feed_panel.add_from_form(store_dir, url, every="1h")
        assert note.failed
        assert reason in note.lines[0]
    for every, reason in {"10s": "too often", "soon": "not an interval"}.items():
        note = feed_panel.add_from_form(store_dir, "https://example.com/a.rss", every=every)
        assert note.failed
        assert note.lines[0].startswith("Every: ")
        assert reason in note.lines[0]
    assert load_feeds(store_dir) == []

    now = datetime.datetime(2024, 5, 6, 8, 30, tzinfo=datetime.UTC)
    note = feed_panel.add_from_form(
        store_dir, " https://example.com/a.rss ", name="Gazette", every="1h", now=now
    )
    assert not note.failed, note
    assert "Following 'Gazette' every 1h" in note.lines[0]
    again = feed_panel.add_from_form(store_dir, "https://example.com/a.rss", every="2h")
    assert again.failed
    assert "followed already, as 'Gazette'" in again.lines[0]
    listed = feed_panel.feed_list(store_dir, now=now)
    assert listed.names == {"https://example.com/a.rss": "Gazette"}
    (row,) = listed.table.to_dict("records")
    assert row == {
        "name": "Gazette",
        "address": "https://example.com/a.rss",
        "every": "1h",
        "last poll": "never",
        "status": "not polled yet",
        "items seen": 0,
        "articles added": 0,
        "next poll": "due now",
    }

    assert not feed_panel.remove(store_dir, "https://example.com/a.rss").failed
    assert feed_panel.remove(store_dir, "https://example.com/a.rss").failed
    assert feed_panel.feed_list(store_dir).names == {}


def test_the_panel_names_a_damaged_feed_list(tmp_path: Path) -> None:
    (tmp_path / "feeds.json").write_text("{not json", encoding="utf-8")
    listed = feed_panel.feed_list(tmp_path)
    assert listed.problem is not None
    assert listed.problem.failed
    assert "not valid JSON" in listed.problem.lines[0]
    assert len(listed.table) == 0


def test_poll_now_polls_that_feed_only_as_watch_once_does(
    server: FeedServer, fetcher: Fetcher, store: Store, finder: PlaceFinder
) -> None:
    server.routes["/feed"] = Reply(rss(items(server, ["/a"])), content_type=RSS_TYPE)
    server.routes["/other"] = Reply(rss(items(server, ["/b"])), content_type=RSS_TYPE)
    server.routes["/a"] = article_page(0)
    server.routes["/b"] = article_page(1)
    server.routes["/broken"] = Reply(b"<rss><channel><item>", content_type=RSS_TYPE)
    for path in ("/feed", "/other", "/broken"):
        assert not feed_panel.add_from_form(store.root, server.url(path), every="1h").failed

    note = feed_panel.poll_now(store.root, server.url("/feed"), fetcher=fetcher, finder=finder)
    assert not note.failed, note
    assert f"feed {server.url('/feed')}: 1 added" in note.lines
    assert any("1 article(s) added" in line for line in note.lines)
    by_url = {f.url: f for f in load_feeds(store.root)}
    assert by_url[server.url("/feed")].status == "ok"
    assert by_url[server.url("/feed")].items_seen == 1
    assert by_url[server.url("/other")].status == "new"  # due too, but not asked for
    assert server.hits["/other"] == 0
    assert stored_urls(store) == [server.url("/a")]
    row = feed_panel.feed_list(store.root).table.iloc[0]
    assert row["status"] == "ok: 1 new article(s)"
    assert row["next poll"].endswith(" UTC")

    broken = feed_panel.poll_now(store.root, server.url("/broken"), fetcher=fetcher)
    assert broken.failed
    assert any(line.startswith(f"failed {server.url('/broken')}") for line in broken.lines)
    gone = feed_panel.poll_now(store.root, server.url("/nowhere"), fetcher=fetcher)
    assert gone.failed
    assert "is not followed" in gone.lines[0]


def test_poll_now_beside_a_running_watcher_makes_the_feed_due(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1)
    feed_panel.add_from_form(store_dir, "https://example.com/a.rss", now=later)
    now = datetime.datetime.now(datetime.UTC)
    with filelock.FileLock(store_dir / ".watch.lock"):
        note = feed_panel.poll_now(store_dir, "https://example.com/a.rss", now=now)
    assert not note.failed
    assert "Another watcher is polling these feeds" in note.lines[0]
    (feed,) = load_feeds(store_dir)
    assert feed.next_poll == now
