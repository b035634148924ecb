"""Ingest articles into a store, export layers, and keep going past bad files."""

import cProfile
import datetime
import gc
import json
import pstats
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from geo.cli import main
from geo.ingest import commit, pipeline
from geo.ingest.pipeline import ingest, process_article
from geo.ingest.uploads import articles_from_files
from geo.places.gazetteer import Gazetteer
from geo.store.parts import SIDE_PART_MARK
from geo.store.store import Store
from geo.text import sentences
from geo.text.articles import article_from_text, read_article
from geo.text.mentions import PlaceFinder
from geo.view.dataset import load_dataset

EVENTS = Path(__file__).resolve().parent / "data" / "events"


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "drills.md").write_text(
        "---\ntitle: Drills in the Sea of Japan\noutlet: Pacific Ledger\n"
        "published: 2024-05-10\n---\n"
        "Russian warships conducted anti-submarine exercises in the Sea of Japan in April, "
        "the defence ministry in Tokyo said on Friday.\n",
        encoding="utf-8",
    )
    (folder / "office.txt").write_text(
        "NATO plans to open a liaison office in Japan, officials said. "
        "China has warned against such a move.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def hostile(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "bad"
    folder.mkdir()
    broken = folder / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nText in Japan.\n", encoding="utf-8")
    bad_date = folder / "bad-date.md"
    bad_date.write_text(
        "---\ntitle: Bad date\npublished: 2023-13-45\n---\nChina claimed the Senkaku Islands.\n",
        encoding="utf-8",
    )
    empty = folder / "empty.txt"
    empty.write_text("", encoding="utf-8")
    binary = folder / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    big = folder / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    scripted = folder / "scripted.html"
    scripted.write_text(
        "<html><head><title>Patrols <script>alert(1)</script></title></head><body><article>"
        "<h1>Joint patrols</h1><p>Chinese and Russian ships held joint naval patrols in the "
        "western Pacific on Tuesday, officials in Tokyo said.</p><script>alert('x')</script>"
        "<p>The patrols lasted a week and passed near Okinawa.</p></article></body></html>",
        encoding="utf-8",
    )
    return [broken, bad_date, empty, binary, big, scripted]


def test_ingest_adds_events_offices_places_and_articles(
    tmp_path: Path, articles: Path, finder: PlaceFinder
) -> None:
    store = Store.open(tmp_path / "store")
    report = ingest([articles], store, finder=finder)
    assert (report.articles, report.duplicates, report.skipped) == (2, 0, ())
    layers = store.read_all()
    types = set(layers.events["type"])
    assert {"exercise", "office_opening", "criticism"} <= types
    drill = layers.events[layers.events["type"] == "exercise"].iloc[0]
    assert list(drill["place_ids"]) == ["ne:sea:sea-of-japan"]
    assert str(drill["date_start"])[:10] == "2024-04-01"
    assert set(layers.offices["status"]) == {"proposed"}
    assert "ne:sea:sea-of-japan" in set(layers.places["id"])
    assert set(layers.articles["title"]) >= {"Drills in the Sea of Japan"}


def test_reingesting_the_same_text_adds_nothing(
    tmp_path: Path, articles: Path, finder: PlaceFinder
) -> None:
    store = Store.open(tmp_path / "store")
    first = ingest([articles], store, finder=finder)
    again = ingest([articles], store, finder=finder)
    assert again.articles == 0
    assert again.duplicates == 2
    assert again.version == first.version
    assert len(store.versions()) == 1


def test_ingesting_in_batches_gives_the_layers_of_one_ingest(
    tmp_path: Path, finder: PlaceFinder
) -> None:
    files = sorted(EVENTS.glob("*.md"))
    assert len(files) >= 6
    whole = Store.open(tmp_path / "whole")
    ingest(files, whole, finder=finder)
    batches = Store.open(tmp_path / "batches")
    ingest(files[: len(files) // 2], batches, finder=finder)
    before = {part.key: part.object for part in batches.parts_for("events")}
    report = ingest(files[len(files) // 2 :], batches, finder=finder)
    assert report.articles == len(files) - len(files) // 2
    one, two = whole.read_all(), batches.read_all()
    for layer in ("events", "offices", "places", "zones"):
        assert _records(getattr(two, layer)) == _records(getattr(one, layer)), layer
    assert _records(two.articles.drop(columns="ingested_at")) == _records(
        one.articles.drop(columns="ingested_at")
    )
    # the second batch rewrote only the months it added events to
    after = {part.key: part.object for part in batches.parts_for("events")}
    added = set(two.events["id"]) - set(_first_batch_ids(before, batches))
    months = {str(d)[:7] for d in two.events.set_index("id").loc[sorted(added), "date_start"]}
    changed = {key.split(SIDE_PART_MARK)[0] for key in after if after[key] != before.get(key)}
    assert changed <= {m if m != "NaT" else "unknown" for m in months}
    assert any(after.get(key) == obj for key, obj in before.items()), "no month was kept as it was"


def _first_batch_ids(parts: dict[str, str], store: Store) -> list[str]:
    ids: list[str] = []
    for obj in parts.values():
        path = store.part_path("events", obj)
        ids += pq.read_table(path, columns=["id"])["id"].to_pylist()
    return ids


def _records(frame: Any) -> list[tuple[Any, ...]]:
    """Rows as comparable tuples (geometries as WKB), in id order."""
    rows = []
    for record in frame.sort_values("id").to_dict("records"):
        rows.append(
            tuple(
                (key, value.wkb if hasattr(value, "wkb") else repr(value))
                for key, value in sorted(record.items())
            )
        )
    return rows


def test_bad_files_are_reported_and_the_rest_goes_in(
    tmp_path: Path, hostile: list[Path], articles: Path, finder: PlaceFinder
) -> None:
    store = Store.open(tmp_path / "store")
    ingest([articles], store, finder=finder)
    before = store.read_all()
    report = ingest(hostile, store, finder=finder)
    reasons = {Path(s.source).name: s.reason for s in report.skipped}
    assert set(reasons) == {"broken.md", "empty.txt", "photo.txt", "big.txt"}
    assert "YAML" in reasons["broken.md"]
    assert "limit" in reasons["big.txt"]
    assert report.articles == 2  # the bad date keeps its article, the HTML page goes in
    after = store.read_all()
    assert set(before.events["id"]) <= set(after.events["id"])
    assert set(before.articles["id"]) <= set(after.articles["id"])
    titles = " ".join(after.articles["title"])
    assert "<script>" not in " ".join(after.articles["text"])
    assert "alert" not in titles or "<script>" not in titles


def test_dataset_combines_seeds_and_store_without_duplicating_curated_articles(
    tmp_path: Path, gazetteer: Gazetteer, finder: PlaceFinder, founding_text: str
) -> None:
    from tests.conftest import FOUNDING_ARTICLE

    seeds_only = load_dataset(gazetteer)
    store = Store.open(tmp_path / "store")
    ingest([FOUNDING_ARTICLE, EVENTS / "baltic-drills.md"], store, finder=finder)
    combined = load_dataset(gazetteer, store_dir=store.root)
    founding = "art-972ca0e5bbbd3211"
    curated = combined.events[combined.events["article_id"] == founding]
    assert set(curated["origin"]) == {"curated"}  # extracted duplicates of seeds are hidden
    assert len(curated) == len(seeds_only.events)
    assert (combined.events["origin"] == "extracted").sum() > 0
    assert combined.version == store.current_version()
    zones = combined.zones(gazetteer)
    assert len(zones) >= len(seeds_only.curated_zones)


def test_a_view_reads_the_stored_articles_without_their_texts(
    tmp_path: Path, gazetteer: Gazetteer, finder: PlaceFinder
) -> None:
    store = Store.open(tmp_path / "store")
    ingest([EVENTS / "baltic-drills.md"], store, finder=finder)
    stored_id = store.read_layer("articles")["id"].iloc[0]
    articles = load_dataset(gazetteer, store_dir=store.root).articles.set_index("id")
    assert articles.loc[stored_id, "title"]  # what the list and the popups show is there
    assert pd.isna(articles.loc[stored_id, "text"])  # the article itself stays on disk


def test_a_missing_pinned_version_falls_back_with_a_notice(
    tmp_path: Path, gazetteer: Gazetteer
) -> None:
    dataset = load_dataset(gazetteer, store_dir=tmp_path / "nothing", version="abcdef123456")
    assert dataset.notice is not None
    assert "abcdef123456" in dataset.notice


def test_a_missing_store_path_gives_a_notice(tmp_path: Path, gazetteer: Gazetteer) -> None:
    missing = tmp_path / "typo"
    dataset = load_dataset(gazetteer, store_dir=missing)
    assert dataset.notice == (
        f"There is no data store at {str(missing)!r} (FAULTLINES_STORE or --store): "
        "showing the bundled data only."
    )
    assert load_dataset(gazetteer, store_dir=None).notice is None
    result = CliRunner().invoke(main, ["export", "--layer", "offices", "--store", str(missing)])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("note: There is no data store at ")


def test_cli_ingest_and_export(tmp_path: Path, articles: Path) -> None:
    runner = CliRunner()
    store = tmp_path / "store"
    result = runner.invoke(main, ["ingest", str(articles), "--store", str(store), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "2 article(s) added" in result.output
    result = runner.invoke(main, ["export", "--layer", "events", "--store", str(store)])
    assert result.exit_code == 0, result.output
    collection = json.loads(result.output)
    properties = [f["properties"] for f in collection["features"]]
    assert {
        "id",
        "type",
        "cameo",
        "date_start",
        "date_precision",
        "actors",
        "span",
        "origin",
    } <= set(properties[0])
    assert any(p["type"] == "exercise" for p in properties)
    csv_result = runner.invoke(
        main, ["export", "--layer", "offices", "--store", str(store), "--format", "csv"]
    )
    assert csv_result.exit_code == 0, csv_result.output
    assert csv_result.output.splitlines()[0].startswith("id,org,host_place_id")
    out = tmp_path / "zones.parquet"
    parquet = runner.invoke(
        main,
        [
            "export",
            "--layer",
            "zones",
            "--store",
            str(store),
            "--format",
            "parquet",
            "-o",
            str(out),
        ],
    )
    assert parquet.exit_code == 0, parquet.output
    assert out.stat().st_size > 0
    check = runner.invoke(main, ["store", "check", "--store", str(store)])
    assert check.exit_code == 0, check.output


def test_cli_ingest_reports_bad_files_on_one_line_each(tmp_path: Path, hostile: list[Path]) -> None:
    result = CliRunner().invoke(
        main, ["ingest", *map(str, hostile), "--store", str(tmp_path / "s"), "--quiet"]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("skipped ")]
    assert len(skipped) == 4


def test_export_escapes_markup_for_html_embedding(tmp_path: Path) -> None:
    runner = CliRunner()
    article = tmp_path / "x.md"
    article.write_text(
        "---\ntitle: <img src=x onerror=alert(1)>\n---\n<script>alert(1)</script> Russian warships "
        "conducted exercises in the Sea of Japan.\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    assert (
        runner.invoke(main, ["ingest", str(article), "--store", str(store), "--quiet"]).exit_code
        == 0
    )
    result = runner.invoke(main, ["export", "--layer", "events", "--store", str(store)])
    assert "<script>" not in result.output
    assert "\\u003cscript\\u003e" in result.output
    assert json.loads(result.output)["features"]


def test_a_feed_style_publication_date_dates_the_weekday_events(
    tmp_path: Path, finder: PlaceFinder
) -> None:
    path = tmp_path / "rfc.md"
    path.write_text(
        "---\ntitle: Drills\npublished: 'Wed, 10 May 2023 08:30:00 +0000'\n---\n"
        "Russian warships held live-fire drills in the Sea of Japan on Monday, "
        "the Pacific Fleet said.\n",
        encoding="utf-8",
    )
    result = process_article(read_article(path), finder=finder)
    assert result.article.published == datetime.date(2023, 5, 10)
    dated = [event for event in result.extraction.events if event.date_precision == "day"]
    assert dated
    assert {event.date_start for event in dated} == {datetime.date(2023, 5, 8)}


# -- cost on hostile text ------------------------------------------------------------------


def _calls(text: str, finder: PlaceFinder) -> int:
    """Return the Python function calls one extraction from `text` makes (a count, not a time)."""
    article = article_from_text(text, source="<test>")
    profile = cProfile.Profile()
    profile.enable()
    process_article(article, finder=finder, time_budget=None)
    profile.disable()
    return int(pstats.Stats(profile).total_calls)


@pytest.mark.parametrize(
    "unit", ["U.S. ", "U.S. and Japan. Both countries ", "NATO and the alliance "]
)
def test_extraction_work_grows_linearly_on_repeated_abbreviations(
    finder: PlaceFinder, unit: str
) -> None:
    process_article(article_from_text("Ships sailed near Tokyo.", source="w"), finder=finder)
    single, double = _calls(unit * 1500, finder), _calls(unit * 3000, finder)
    assert double / single < 2.5, (single, double)  # quadratic work gave 3.9


def test_the_sentence_splitter_looks_only_a_little_ahead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[int] = []
    original = sentences._abbreviation

    def recording(word: str, rest: str) -> bool:
        seen.append(len(rest))
        return original(word, rest)

    monkeypatch.setattr(sentences, "_abbreviation", recording)
    found = sentences.split_sentences("Talks with the U.S. Navy went on. " * 2000)
    assert len(found) == 2000
    assert seen
    assert max(seen) <= 100


@pytest.fixture
def no_gc_callbacks() -> Iterator[None]:
    """Take the garbage collector's hooks (hypothesis installs one) away for a test.

    A time budget interrupts its thread wherever it is; in a hook the interrupt is printed and
    dropped (and asked again), which pytest reports as an unraisable exception.
    """
    saved = gc.callbacks[:]
    gc.callbacks.clear()
    try:
        yield
    finally:
        gc.callbacks[:] = saved


@pytest.mark.usefixtures("no_gc_callbacks")
def test_an_article_over_the_time_budget_is_skipped_with_a_clear_reason(
    tmp_path: Path, finder: PlaceFinder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "ARTICLE_TIME_BUDGET", 0.001)
    big = article_from_text("U.S. officials met in Tokyo. " * 20_000, source="big.txt")
    report = pipeline.ingest_articles([big], Store.open(tmp_path / "store"), finder=finder)
    assert report.articles == 0
    (skipped,) = report.skipped
    assert skipped.source == "big.txt"
    assert skipped.reason == (
        "extraction took longer than the 0.001 s allowed per article; "
        "split the text into smaller articles"
    )
    monkeypatch.setattr(pipeline, "ARTICLE_TIME_BUDGET", 30.0)
    small = article_from_text("Russia fired missiles at Kyiv on Monday.", source="small.txt")
    report = pipeline.ingest_articles([small], Store.open(tmp_path / "store"), finder=finder)
    assert (report.articles, report.skipped) == (1, ())


# -- dates far from the publication date ---------------------------------------------------


def _dated_articles(folder: Path) -> list[Path]:
    folder.mkdir()
    texts = [
        ("drills", "2024-05-10", "Russian warships held drills in the Sea of Japan on May 8."),
        ("missile", "2024-05-12", "North Korea fired a ballistic missile on May 11, Seoul said."),
        ("patrol", "2024-05-14", "Chinese coast guard ships patrolled near the Senkaku Islands."),
    ]
    paths = []
    for name, published, text in texts:
        path = folder / f"{name}.md"
        path.write_text(f"---\ntitle: {name}\npublished: {published}\n---\n{text}\n")
        paths.append(path)
    return paths


def test_one_article_about_2100_neither_stretches_the_dates_nor_ages_the_zones(
    tmp_path: Path, finder: PlaceFinder
) -> None:
    normal = _dated_articles(tmp_path / "in")
    odd = tmp_path / "odd.md"
    odd.write_text(
        "---\ntitle: Far ahead\npublished: 2024-05-13\n---\nNorth Korea fired a ballistic "
        "missile into the Sea of Japan on January 1, 2100, the ministry in Tokyo said.\n"
    )
    plain = Store.open(tmp_path / "plain")
    ingest(normal, plain, finder=finder)
    store = Store.open(tmp_path / "store")
    report = ingest([*normal, odd], store, finder=finder)
    assert report.articles == 4
    assert report.warnings == (
        (
            str(odd),
            "an event dated 2100-01-01 is more than a year after publication "
            "(2024-05-13); its date was dropped",
        ),
    )
    events = store.read_layer("events")
    assert pd.to_datetime(events["date_end"]).max() < pd.Timestamp("2025-01-01")
    severities = store.read_layer("zones").set_index("id")["severity"]
    before = plain.read_layer("zones").set_index("id")["severity"]
    assert (severities.reindex(before.index) >= before - 1e-9).all()


def test_event_dates_far_before_publication_are_dropped(finder: PlaceFinder) -> None:
    article = article_from_text(
        "Russian warships fired missiles in the Black Sea in 1853, historians said.",
        source="history.txt",
        published=datetime.date(2024, 5, 10),
    )
    result = process_article(article, finder=finder)
    assert [e.date_precision for e in result.extraction.events] == ["unknown"]
    assert result.article.warnings == (
        "an event dated 1853-01-01–1853-12-31 is more than 50 years before publication "
        "(2024-05-10); its date was dropped",
    )
    assert (
        "warning history.txt: an event dated 1853"
        in pipeline.report_of([result], None, skipped=(), duplicates=0, started=0.0).summary()
    )


def test_a_line_break_in_a_file_name_cannot_forge_a_line_of_output(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a\nskipped forged.md: nothing wrong here\n.md").write_bytes(b"")
    (folder / "b\u202egpj.md").write_bytes(b"")  # a right-to-left override disguises a name
    result = CliRunner().invoke(
        main, ["ingest", str(folder), "--store", str(tmp_path / "s"), "--quiet"]
    )
    assert result.exit_code == 2, result.output
    lines = result.output.splitlines()
    assert len(lines) == 3, lines  # the summary and one line per file
    assert lines[1].startswith(f"skipped {str(folder / 'a')!r}"[:-1] + "\\nskipped forged.md")
    assert lines[2].startswith("skipped '")
    assert "\\u202e" in lines[2]
    missing = CliRunner().invoke(main, ["places", str(tmp_path / "gone\nerror: forged.txt")])
    assert len(missing.stderr.splitlines()) == 1


def test_a_file_whose_reading_runs_over_its_budget_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "long.html"
    page.write_text(
        "<html><body>" + "<p>Ships sailed near <b>Tokyo</b>.</p>" * 20_000 + "</body></html>"
    )
    monkeypatch.setattr(pipeline, "READ_TIME_BUDGET", 0.001)
    articles, skipped, _ = pipeline.read_new_articles([page], set())
    assert articles == []
    assert skipped == [
        pipeline.SkippedFile(
            str(page),
            "reading took longer than the 0.001 s allowed per file; split it into smaller articles",
        )
    ]
    read, problems = articles_from_files([("long.html", page.read_bytes())])
    assert read == []
    assert [p.reason for p in problems] == [skipped[0].reason]


def test_merged_reports_of_an_office_keep_the_precision_of_the_earliest_since() -> None:
    from shapely.geometry import Point

    from geo.records import Office, Precision

    def report(since: datetime.date | None, precision: Precision, article: str) -> Office:
        return Office(
            id="of-1",
            org="NATO",
            host_place_id="ne:country:JPN",
            city="Tokyo",
            status="open",
            since=since,
            article_ids=(article,),
            geometry=Point(139.7, 35.7),
            origin="extracted",
            since_precision=precision,
        )

    may = report(datetime.date(2023, 5, 1), "month", "art-1")
    later = report(datetime.date(2023, 6, 12), "day", "art-2")
    undated = report(None, "day", "art-3")
    (merged,) = commit._merge_offices(
        [(later, datetime.date(2023, 6, 12)), (may, None), (undated, datetime.date(2023, 7, 1))]
    )
    assert (merged.since, merged.since_precision) == (datetime.date(2023, 5, 1), "month")
    assert merged.article_ids == ("art-1", "art-2", "art-3")
    (alone,) = commit._merge_offices([(undated, None)])
    assert (alone.since, alone.since_precision) == (None, "day")
    assert commit._since_precision(float("nan")) == "day"  # a store written before the column
    assert commit._since_precision("year") == "year"
