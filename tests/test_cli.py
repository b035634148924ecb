import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_geocode_text(runner: CliRunner) -> None:
    result = runner.invoke(main, ["geocode", "Senkaku Islands"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Senkaku Islands (island_group, JP) fl:senkaku-islands")


def test_geocode_json(runner: CliRunner) -> None:
    result = runner.invoke(main, ["geocode", "East Sea", "--format", "json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["id"] == "ne:sea:sea-of-japan"
    assert record["kind"] == "sea"
    assert len(record["bbox"]) == 4


def test_geocode_geojson_is_a_feature_with_the_shape(runner: CliRunner) -> None:
    result = runner.invoke(main, ["geocode", "Ukraine", "--format", "geojson"])
    assert result.exit_code == 0, result.output
    feature = json.loads(result.output)
    assert feature["type"] == "Feature"
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert feature["properties"]["id"] == "ne:country:UKR"


def test_geocode_unknown_exits_1_with_suggestions_on_one_line(runner: CliRunner) -> None:
    result = runner.invoke(main, ["geocode", "Senkaku Iislands"])
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "did you mean" in lines[0]
    assert "Senkaku Islands" in lines[0]


@pytest.mark.parametrize("name", ["", "   ", "x" * 10_000_000])
def test_geocode_bad_names_exit_2_without_traceback(runner: CliRunner, name: str) -> None:
    result = runner.invoke(main, ["geocode", name])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_places_jsonl_offsets_into_the_decoded_file(runner: CliRunner, tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text(
        "---\ntitle: Drills\n---\nRussian ships sailed in the Sea of Japan near Vladivostok.\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["places", str(article), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    decoded = article.read_text(encoding="utf-8")
    assert [r["text"] for r in records] == ["Sea of Japan", "Vladivostok"]
    for record in records:
        assert decoded[record["start"] : record["end"]] == record["text"]
        assert set(record) == {
            "source",
            "start",
            "end",
            "text",
            "id",
            "name",
            "kind",
            "lat",
            "lon",
            "bbox",
            "confidence",
        }
        assert record["source"] == str(article)


def test_places_reads_stdin(runner: CliRunner) -> None:
    result = runner.invoke(main, ["places", "-"], input="Talks were held in Vienna.\n")
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in result.output.splitlines()]
    assert (record["source"], record["id"], record["start"]) == ("-", "gn:2761369", 19)


def test_places_batch_goes_on_after_bad_files(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Ukraine and Finland.", encoding="utf-8")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x01\x02" * 100)
    result = runner.invoke(main, ["places", str(tmp_path / "missing.txt"), str(binary), str(good)])
    assert result.exit_code == 1
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == [
        "Ukraine",
        "Finland",
    ]
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 2
    assert "missing.txt" in errors[0]
    assert "photo.txt" in errors[1]
    assert "Traceback" not in result.output


def test_places_on_the_founding_article(runner: CliRunner, founding_text: str) -> None:
    from tests.conftest import FOUNDING_ARTICLE

    result = runner.invoke(main, ["places", str(FOUNDING_ARTICLE)])
    assert result.exit_code == 0, result.output
    ids = {json.loads(line)["id"] for line in result.output.splitlines()}
    assert {"fl:senkaku-islands", "ne:sea:sea-of-japan", "gn:2761369", "fl:western-pacific"} <= ids


def test_export_csv_neutralises_formulas_from_articles(runner: CliRunner, tmp_path: Path) -> None:
    article = tmp_path / "formula.md"
    article.write_text(
        '---\ntitle: \'=HYPERLINK("https://evil.example","Report")\'\npublished: 2024-03-05\n'
        "---\n=1+2 North Korea fired a ballistic missile into the Sea of Japan on Tuesday.\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    ingested = runner.invoke(main, ["ingest", str(article), "--store", str(store), "--quiet"])
    assert ingested.exit_code == 0, ingested.output
    result = runner.invoke(
        main, ["export", "--layer", "events", "--format", "csv", "--store", str(store)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    mine = [row for row in rows if "North Korea fired" in row["sentence"]]
    assert mine, "the ingested event is exported"
    for row in mine:
        assert row["sentence"].startswith("'=1+2 North Korea")
    assert not [v for row in rows for v in row.values() if v.startswith(("=", "+", "-", "@"))]
