"""The bundled seed records: they load, say what the founding article says, in our own words."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from shapely.geometry import Point

from geo.layers.seeds import SEED_FILES, SEEDS_DIR, SeedData, SeedError, load_seeds
from geo.places.gazetteer import Gazetteer
from geo.records import Event, stable_id
from geo.taxonomy import EVENT_TYPE_KEYS, event_type
from geo.text.articles import article_id

FOUNDING_ID = "art-972ca0e5bbbd3211"
SHARED_COPY = 12  # words in a row that count as copied text


@pytest.fixture(scope="module")
def seeds(gazetteer: Gazetteer) -> SeedData:
    return load_seeds(gazetteer=gazetteer)


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, target)
    return target


def read_records(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def write_records(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text(yaml.safe_dump(records, sort_keys=False), encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.replace("’", "'").lower())


def shared_runs(text: str, source: str, size: int = SHARED_COPY) -> set[str]:
    source_words = words(source)
    grams = {" ".join(source_words[i : i + size]) for i in range(len(source_words) - size + 1)}
    mine = words(text)
    return {
        " ".join(mine[i : i + size])
        for i in range(len(mine) - size + 1)
        if " ".join(mine[i : i + size]) in grams
    }


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


# --- the bundled seeds ---------------------------------------------------------------------


def test_seed_folder_holds_every_file() -> None:
    assert Path(__file__).resolve().parents[1] / "seeds" == SEEDS_DIR
    for name in SEED_FILES:
        assert (SEEDS_DIR / name).is_file(), name


def test_seeds_load(seeds: SeedData) -> None:
    assert [article.id for article in seeds.articles] == [FOUNDING_ID]
    assert len(seeds.events) >= 13
    assert len(seeds.offices) == 3
    assert len(seeds.zones) == 4
    ids = [e.id for e in seeds.events] + [o.id for o in seeds.offices]
    ids += [z.id for z in seeds.zones]
    assert len(ids) == len(set(ids))
    assert set(seeds.sources) == set(ids)


def test_seeds_load_the_same_twice(seeds: SeedData, gazetteer: Gazetteer) -> None:
    again = load_seeds(gazetteer=gazetteer)
    assert [e.id for e in again.events] == [e.id for e in seeds.events]
    assert again.events == seeds.events


def test_founding_article_metadata(seeds: SeedData) -> None:
    (article,) = seeds.articles
    assert article.title == "Japan in talks to open NATO liaison office, first in Asia"
    assert article.outlet == "CNN"
    assert article.published == dt.date(2023, 5, 10)
    assert article.url is None
    assert article.language == "en"
    assert article.source == "shared/seeds/000_d1f25bd5a2b7e8ac.txt"


def test_founding_article_id_is_its_content_hash(founding_text: str) -> None:
    assert article_id(founding_text) == FOUNDING_ID


def test_events_are_curated_records(seeds: SeedData) -> None:
    for event in seeds.events:
        assert event.origin == "curated"
        assert event.article_id == FOUNDING_ID
        assert event.type in EVENT_TYPE_KEYS
        assert event.cameo == event_type(event.type).cameo
        assert event.id.startswith("ev-")
        assert len(event.place_names) == len(event.place_ids)
        if event.place_ids:
            assert isinstance(event.geometry, Point)
        else:
            assert event.geometry is None
        if event.date_precision == "unknown":
            assert event.date_start is None
            assert event.date_end is None
        else:
            assert event.date_start is not None
            assert event.date_end is not None
            assert event.date_start <= event.date_end


def test_event_ids_follow_the_documented_formula(seeds: SeedData) -> None:
    for number, event in enumerate(seeds.events, start=1):
        assert event.id == stable_id("ev", FOUNDING_ID, "curated", number, event.type)


D = dt.date
SOJ = "ne:sea:sea-of-japan"


@dataclass(frozen=True)
class ExpectedEvent:
    """One curated event the seed articles must yield: fields None are not checked."""

    kind: str
    place: str | None
    start: dt.date | None
    end: dt.date | None
    precision: str | None
    modality: str | None
    actor: str

    def matches(self, event: Event) -> bool:
        return (
            event.type == self.kind
            and (event.place_ids[:1] == (self.place,) if self.place else True)
            and (self.start is None or event.date_start == self.start)
            and (self.end is None or event.date_end == self.end)
            and (self.precision is None or event.date_precision == self.precision)
            and (self.modality is None or event.modality == self.modality)
            and self.actor in event.actors
        )


# type, first place, start, end, precision, modality, an actor
EXPECTED_EVENTS = [
    ("office_opening", "ne:country:JPN", None, None, None, "planned", "NATO"),
    ("armed_attack", "ne:country:UKR", D(2022, 2, 24), D(2022, 2, 24), "day", None, "RUS"),
    ("accession", "ne:country:FIN", D(2023, 4, 4), D(2023, 4, 4), "day", None, "FIN"),
    ("territorial_claim", "fl:senkaku-islands", None, None, "unknown", None, "CHN"),
    ("buildup", "ne:sea:east-china-sea", None, None, None, None, "CHN"),
    ("buildup", "ne:country:JPN", None, None, None, None, "JPN"),
    ("exercise", SOJ, None, None, "unknown", None, "RUS"),
    ("patrol", "fl:western-pacific", None, None, None, None, "CHN"),
    ("exercise", SOJ, D(2023, 4, 1), D(2023, 4, 30), "month", None, "RUS"),
    ("missile_launch", SOJ, D(2023, 3, 1), D(2023, 3, 31), "month", None, "RUS"),
    ("visit", "gn:703448", D(2023, 3, 21), D(2023, 3, 21), "day", None, "JPN"),
    ("incursion", SOJ, D(2023, 3, 1), D(2023, 3, 31), "month", None, "RUS"),
    ("criticism", None, None, None, None, None, "CHN"),
]  # fmt: skip


@pytest.mark.parametrize(
    "expected", [ExpectedEvent(*row) for row in EXPECTED_EVENTS], ids=lambda e: e.kind
)
def test_article_events_are_covered(seeds: SeedData, expected: ExpectedEvent) -> None:
    found = [e for e in seeds.events if expected.matches(e)]
    assert len(found) == 1, [(e.type, e.place_ids, e.date_start) for e in seeds.events]


def test_china_criticism_has_no_place(seeds: SeedData) -> None:
    (criticism,) = [e for e in seeds.events if e.type == "criticism"]
    assert criticism.place_ids == ()
    assert criticism.geometry is None
    assert criticism.date_precision == "unknown"


# keywords that the source paragraph of each event type must contain (any of them)
PARAGRAPH_WORDS = {
    "office_opening": ("liaison office",),
    "armed_attack": ("invasion",),
    "accession": ("Finland",),
    "territorial_claim": ("claiming the Senkaku",),
    "buildup": ("buildup", "growing its naval", "nuclear-armed"),
    "exercise": ("drills", "exercises"),
    "patrol": ("patrols",),
    "missile_launch": ("cruise missiles",),
    "visit": ("visit to Ukraine",),
    "incursion": ("bombers",),
    "criticism": ("warned against",),
}


def test_event_sources_point_at_the_right_paragraph(seeds: SeedData, founding_text: str) -> None:
    lines = paragraphs(founding_text)
    for event in seeds.events:
        source = seeds.sources[event.id]
        assert source.article == FOUNDING_ID
        assert 1 <= source.paragraph <= len(lines)
        text = lines[source.paragraph - 1]
        assert any(w in text for w in PARAGRAPH_WORDS[event.type]), (event.sentence, text)


def test_office_and_zone_sources_exist(seeds: SeedData, founding_text: str) -> None:
    lines = paragraphs(founding_text)
    for office in seeds.offices:
        text = lines[seeds.sources[office.id].paragraph - 1]
        assert "liaison office" in text
        assert office.article_ids == (FOUNDING_ID,)
    for zone in seeds.zones:
        assert 1 <= seeds.sources[zone.id].paragraph <= len(lines)


EXPECTED_OFFICES = [
    ("ne:country:JPN", "Tokyo", "in_talks", dt.date(2023, 5, 1), (139.69, 35.69)),
    ("ne:country:UKR", "Kyiv", "open", None, (30.52, 50.45)),
    ("ne:country:AUT", "Vienna", "open", None, (16.37, 48.21)),
]


@pytest.mark.parametrize(("host", "city", "status", "since", "lonlat"), EXPECTED_OFFICES)
def test_offices(
    seeds: SeedData,
    host: str,
    city: str,
    status: str,
    since: dt.date | None,
    lonlat: tuple[float, float],
) -> None:
    (office,) = [o for o in seeds.offices if o.host_place_id == host]
    assert (office.org, office.city, office.status, office.since) == ("NATO", city, status, since)
    assert office.origin == "curated"
    assert office.id == stable_id("of", "NATO", host)
    assert isinstance(office.geometry, Point)
    assert office.geometry.x == pytest.approx(lonlat[0], abs=0.05)
    assert office.geometry.y == pytest.approx(lonlat[1], abs=0.05)


EXPECTED_ZONES = [
    ("Senkaku Islands / East China Sea", "territorial_dispute", {"CHN", "JPN", "TWN"},
     "fl:senkaku-islands", (125.0, 28.0)),
    ("Korean Peninsula", "military_activity", {"PRK", "KOR", "USA"}, "fl:korean-peninsula",
     (127.0, 37.5)),
    ("Ukraine", "war", {"RUS", "UKR"}, "ne:country:UKR", (30.5, 50.4)),
    ("Sea of Japan", "military_activity", {"RUS", "JPN"}, "ne:sea:sea-of-japan", (135.0, 40.0)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "kind", "parties", "place", "inside"), EXPECTED_ZONES)
def test_zones(
    seeds: SeedData,
    gazetteer: Gazetteer,
    name: str,
    kind: str,
    parties: set[str],
    place: str,
    inside: tuple[float, float],
) -> None:
    (zone,) = [z for z in seeds.zones if z.name == name]
    assert zone.kind == kind
    assert set(zone.parties) == parties
    assert zone.place_id == place
    assert zone.origin == "curated"
    assert zone.severity == 0.0
    assert zone.event_ids == ()
    assert zone.geometry.is_valid
    assert zone.geometry.covers(Point(inside))
    assert zone.geometry.covers(gazetteer.place(place).geometry.representative_point())


def test_senkaku_zone_joins_the_islands_and_the_sea(seeds: SeedData, gazetteer: Gazetteer) -> None:
    (zone,) = [z for z in seeds.zones if z.kind == "territorial_dispute"]
    islands = gazetteer.place("fl:senkaku-islands").geometry
    sea = gazetteer.place("ne:sea:east-china-sea").geometry
    assert zone.geometry.covers(islands.representative_point())
    assert zone.geometry.area == pytest.approx(islands.union(sea).area, rel=1e-6)
    assert zone.id == stable_id("zn", "fl:senkaku-islands", "ne:sea:east-china-sea")


# --- our words, not theirs -----------------------------------------------------------------


def test_overlap_check_can_fail(founding_text: str) -> None:
    copied = " ".join(paragraphs(founding_text)[16].split()[:20])
    assert shared_runs(copied, founding_text)
    assert not shared_runs("Russia held military drills in the sea near Japan.", founding_text)


@pytest.mark.parametrize("name", SEED_FILES)
def test_seeds_do_not_copy_the_article(name: str, founding_text: str) -> None:
    raw = yaml.safe_load((SEEDS_DIR / name).read_text(encoding="utf-8"))
    text = (SEEDS_DIR / name).read_text(encoding="utf-8")  # comments too
    for value in [*strings_in(raw), text]:
        assert not shared_runs(value, founding_text), value


# --- broken seeds --------------------------------------------------------------------------

DELETE = object()

# file, record number (1-based), field path, new value (DELETE removes it), message fragment
BROKEN = [
    ("events.yaml", 3, "date_precision", "weekly",
     "date_precision: Input should be 'day', 'month', 'year' or 'unknown'"),
    ("events.yaml", 2, "place_ids", ["ne:country:XXX", "ne:country:UKR"],
     "place_ids: unknown place id 'ne:country:XXX'"),
    ("events.yaml", 1, "type", DELETE, "type: Field required"),
    ("events.yaml", 4, "actors", "CHN", "actors: Input should be a valid list"),
    ("events.yaml", 4, "confidence", "high", "confidence: Input should be a valid number"),
    ("events.yaml", 5, "type", "skirmish", "type: unknown event type 'skirmish'"),
    ("events.yaml", 2, "date_start", 2022, "date_start: Input should be a date"),
    ("events.yaml", 9, "date_start", D(2023, 4, 15), "date_start: '2023-04-15' is not the first"),
    ("events.yaml", 2, "date_end", D(2022, 2, 1), "date_end: '2022-02-01' is before date_start"),
    ("events.yaml", 4, "date_start", dt.date(2023, 1, 1), "date_start: must be null"),
    ("events.yaml", 3, "date_end", None, "date_end: is required when date_precision is 'day'"),
    ("events.yaml", 6, "source.paragraph", 0, "source.paragraph: Input should be greater than"),
    ("events.yaml", 6, "source.article", "art-0000000000000000",
     "source.article: 'art-0000000000000000' is not in"),
    ("events.yaml", 7, "colour", "red", "colour: Extra inputs are not permitted"),
    ("events.yaml", 8, "actors", ["CHN", "CHN"], "actors: listed more than once: CHN"),
    ("events.yaml", 8, "origin", "extracted", "origin: Input should be 'curated'"),
    ("offices.yaml", 1, "status", "maybe", "status: Input should be"),
    ("offices.yaml", 2, "host_place_id", "ne:country:ZZZ", "host_place_id: unknown place id"),
    ("offices.yaml", 3, "city_place_id", "gn:0", "city_place_id: unknown place id 'gn:0'"),
    ("offices.yaml", 1, "org", DELETE, "org: Field required"),
    ("offices.yaml", 1, "since", "soon", "since: Input should be a valid date"),
    ("zones.yaml", 1, "kind", "skirmish", "kind: Input should be"),
    ("zones.yaml", 2, "place_ids", ["fl:nowhere"], "place_ids: unknown place id 'fl:nowhere'"),
    ("zones.yaml", 3, "parties", [], "parties: List should have at least 1 item"),
    ("zones.yaml", 4, "name", DELETE, "name: Field required"),
    ("zones.yaml", 4, "parties", [1, 2], "parties.0: Input should be a valid string"),
    ("articles.yaml", 1, "id", "art-123", "id: String should match pattern"),
    ("articles.yaml", 1, "published", "yesterday", "published: Input should be a valid date"),
    ("articles.yaml", 1, "title", DELETE, "title: Field required"),
    ("articles.yaml", 1, "url", "ftp://example.org/x", "url: String should match pattern"),
]  # fmt: skip


def expected_id(name: str, number: int, record: dict[str, Any]) -> str | None:
    """The id a broken record should be named by, when it can still be worked out."""
    if name == "events.yaml" and isinstance(record.get("type"), str):
        return stable_id("ev", record["source"]["article"], "curated", number, record["type"])
    if name == "offices.yaml" and isinstance(record.get("org"), str):
        return stable_id("of", record["org"], record["host_place_id"])
    if name == "zones.yaml" and all(isinstance(p, str) for p in record["place_ids"]):
        return stable_id("zn", *sorted(record["place_ids"]))
    if name == "articles.yaml":
        return str(record["id"])
    return None


@pytest.mark.parametrize(("name", "number", "path", "value", "fragment"), BROKEN)
def test_broken_seed_names_file_record_and_field(
    seed_copy: Path,
    gazetteer: Gazetteer,
    name: str,
    number: int,
    path: str,
    value: object,
    fragment: str,
) -> None:
    records = read_records(seed_copy / name)
    target = records[number - 1]
    *parents, last = path.split(".")
    for part in parents:
        target = target[part]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    write_records(seed_copy / name, records)

    with pytest.raises(SeedError) as caught:
        load_seeds(seed_copy, gazetteer=gazetteer)
    message = str(caught.value)
    assert message.startswith(f"seeds/{name}, record {number}"), message
    assert fragment in message, message
    record_id = expected_id(name, number, records[number - 1])
    if record_id is not None:
        assert f"record {number} ({record_id!r}): " in message, message


def test_unbroken_copy_loads(seed_copy: Path, gazetteer: Gazetteer, seeds: SeedData) -> None:
    for name in SEED_FILES:  # rewriting through YAML changes nothing
        write_records(seed_copy / name, read_records(seed_copy / name))
    assert load_seeds(seed_copy, gazetteer=gazetteer) == seeds


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("events.yaml", "type: exercise\n", "seeds/events.yaml: expected a list of records"),
        ("zones.yaml", "- name: [unclosed\n", "seeds/zones.yaml: not valid YAML (line"),
        ("offices.yaml", "- just a string\n", "seeds/offices.yaml, record 1: expected a mapping"),
    ],
)
def test_broken_seed_file(
    seed_copy: Path, gazetteer: Gazetteer, name: str, content: str, fragment: str
) -> None:
    (seed_copy / name).write_text(content, encoding="utf-8")
    with pytest.raises(SeedError, match=re.escape(fragment)):
        load_seeds(seed_copy, gazetteer=gazetteer)


def test_missing_seed_file(seed_copy: Path, gazetteer: Gazetteer) -> None:
    (seed_copy / "offices.yaml").unlink()
    with pytest.raises(SeedError, match=re.escape("seeds/offices.yaml: no such file")):
        load_seeds(seed_copy, gazetteer=gazetteer)


def test_repeated_id(seed_copy: Path, gazetteer: Gazetteer) -> None:
    records = read_records(seed_copy / "offices.yaml")
    write_records(seed_copy / "offices.yaml", [*records, records[0]])
    with pytest.raises(SeedError, match=r"offices\.yaml, record 4 \('of-[0-9a-f]{12}'\): id: "):
        load_seeds(seed_copy, gazetteer=gazetteer)


def test_empty_seed_files(tmp_path: Path, gazetteer: Gazetteer) -> None:
    for name in SEED_FILES:
        (tmp_path / name).write_text("# nothing yet\n", encoding="utf-8")
    data = load_seeds(tmp_path, gazetteer=gazetteer)
    assert (data.articles, data.events, data.offices, data.zones) == ((), (), (), ())


def test_explicit_ids_and_partial_since(seed_copy: Path, gazetteer: Gazetteer) -> None:
    events = read_records(seed_copy / "events.yaml")
    events[0]["id"] = "ev-japan-nato-talks"
    write_records(seed_copy / "events.yaml", events)
    offices = read_records(seed_copy / "offices.yaml")
    offices[1]["since"] = 1999
    offices[2]["since"] = "2019-07"
    write_records(seed_copy / "offices.yaml", offices)
    data = load_seeds(seed_copy, gazetteer=gazetteer)
    assert data.events[0].id == "ev-japan-nato-talks"
    assert data.sources["ev-japan-nato-talks"].paragraph == 1
    assert [o.since for o in data.offices[1:]] == [dt.date(1999, 1, 1), dt.date(2019, 7, 1)]
    assert [o.since_precision for o in data.offices[1:]] == ["year", "month"]


def test_an_office_since_keeps_the_precision_of_its_seed(seeds: SeedData) -> None:
    (tokyo,) = [o for o in seeds.offices if o.city == "Tokyo"]  # since: "2023-05"
    assert (tokyo.since, tokyo.since_precision) == (dt.date(2023, 5, 1), "month")
