from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import re
import socket
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.text import articles, decoding
from geo.text.articles import (
    Article,
    article_from_bytes,
    article_from_text,
    article_id,
    iter_article_paths,
    read_article,
    read_articles,
)
from geo.text.decoding import MAX_ARTICLE_BYTES, ArticleError, decode_bytes, decode_file

DATA = Path(__file__).parent / "data" / "articles"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
FOUNDING = SEEDS / "000_d1f25bd5a2b7e8ac.txt"
ID_PATTERN = re.compile(r"art-[0-9a-f]{16}")


def write(path: Path, data: bytes | str) -> Path:
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def error_of(path: str | Path) -> ArticleError:
    with pytest.raises(ArticleError) as caught:
        read_article(path)
    return caught.value


# --- ids -----------------------------------------------------------------------------------


def test_article_id_follows_the_documented_recipe() -> None:
    expected = "art-" + hashlib.sha256(b"Hello world. Second line.").hexdigest()[:16]
    assert article_id("  Hello   world.\n\nSecond line.\t") == expected


@pytest.mark.parametrize(
    "variant",
    [
        "Tokyo talks resume.\nSeoul waits.",
        "Tokyo talks resume. Seoul waits.",
        "  Tokyo   talks resume.\r\n\r\nSeoul waits.  \n",
        "\tTokyo talks\u00a0resume.\n    Seoul waits.",
    ],
)
def test_article_id_ignores_whitespace_differences(variant: str) -> None:
    assert article_id(variant) == article_id("Tokyo talks resume. Seoul waits.")


def test_article_id_normalises_unicode_composition() -> None:
    composed = "Caf\u00e9 owners protest."
    decomposed = "Cafe\u0301 owners protest."
    assert composed != decomposed
    assert article_id(composed) == article_id(decomposed)


@pytest.mark.parametrize(
    "other",
    ["Tokyo talks resumed. Seoul waits.", "tokyo talks resume. Seoul waits.", "Tokyo talks."],
)
def test_article_id_differs_for_different_text(other: str) -> None:
    assert article_id(other) != article_id("Tokyo talks resume. Seoul waits.")


def test_same_story_gets_same_id_whatever_front_matter_and_line_endings(tmp_path: Path) -> None:
    story = "Tokyo is in talks to host a liaison office.\nOfficials declined to comment.\n"
    plain = write(tmp_path / "plain.txt", story)
    fronted = write(
        tmp_path / "fronted.md",
        "---\ntitle: Liaison office\noutlet: Gazette\n---\n" + story.replace("\n", "\r\n"),
    )
    reflowed = write(tmp_path / "reflowed.txt", "\ufeff  " + story.replace(".\n", ".  \n\n"))
    ids = {read_article(path).id for path in (plain, fronted, reflowed)}
    assert len(ids) == 1
    (only,) = ids
    assert ID_PATTERN.fullmatch(only)
    assert read_article(plain).id == article_from_text(story).id


# --- plain text and front matter ----------------------------------------------------------


def test_plain_text_article() -> None:
    path = DATA / "plain.txt"
    article = read_article(path)
    assert article.title == "Fishing fleets wait out storm near Okinawa"
    assert article.text == path.read_text(encoding="utf-8")
    assert article.body_offset == 0
    assert article.source == str(path)
    assert (article.outlet, article.published, article.url, article.author) == (None,) * 4
    assert article.language == "en"
    assert article.warnings == ()
    assert dict(article.extra) == {}
    assert article.id == article_id(article.text)


def test_source_is_the_path_as_given() -> None:
    given = str(DATA / "plain.txt")
    assert read_article(given).source == given


def test_front_matter_fields() -> None:
    path = DATA / "front_matter.md"
    article = read_article(path)
    assert article.title == "Japan weighs liaison office with the alliance"
    assert article.outlet == "Harbour Gazette"
    assert article.published == date(2023, 5, 10)
    assert article.url == "https://harbour-gazette.example/world/liaison-office"
    assert article.language == "en-GB"
    assert article.author == "Mara Lindqvist, Kenji Ito"
    assert dict(article.extra) == {"section": "World", "tags": '["nato", "japan"]', "priority": "3"}
    assert article.warnings == ()
    assert article.text.startswith("# Japan weighs liaison office with the alliance\n\nTokyo")
    assert "title:" not in article.text


def test_body_offset_points_into_the_decoded_file() -> None:
    path = DATA / "front_matter.md"
    article = read_article(path)
    decoded = decode_file(path)
    assert article.body_offset is not None
    assert article.body_offset > 0
    assert decoded[article.body_offset :] == article.text
    start = article.text.index("Brussels")
    file_start = article.body_offset + start
    assert decoded[file_start : file_start + len("Brussels")] == "Brussels"


def test_body_offset_with_bom_and_crlf(tmp_path: Path) -> None:
    raw = "\ufeff---\r\ntitle: Seoul talks\r\n---\r\nTalks in Seoul resumed.\r\nMore later.\r\n"
    path = write(tmp_path / "crlf.md", raw)
    article = read_article(path)
    decoded = decode_file(path)
    assert decoded == "---\ntitle: Seoul talks\n---\nTalks in Seoul resumed.\nMore later.\n"
    assert article.body_offset == len("---\ntitle: Seoul talks\n---\n")
    assert (
        decoded[article.body_offset :] == article.text == "Talks in Seoul resumed.\nMore later.\n"
    )


@settings(deadline=None)
@given(
    body=st.text(
        alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=200
    ).filter(lambda text: text.strip() != ""),
    title=st.text(alphabet="abcdefghij KLMNOP", min_size=1, max_size=30),
)
def test_body_is_an_exact_slice_of_the_decoded_text(body: str, title: str) -> None:
    data = f"---\ntitle: '{title}'\n---\n{body}".encode()
    article = article_from_bytes(data, source="any.md")
    assert article.body_offset is not None
    assert decode_bytes(data)[article.body_offset :] == article.text == body


def test_markup_in_text_files_stays_verbatim() -> None:
    article = read_article(DATA / "script_text.txt")
    assert '<script>alert("not executed")</script>' in article.text
    assert "<b>bold</b>" in article.text
    assert article.body_offset == 0


def test_markup_in_text_with_doctype_suffix_txt_is_not_extracted(tmp_path: Path) -> None:
    raw = "<!DOCTYPE html>\n<html><body><p>Plain text that looks like a page.</p></body></html>\n"
    article = read_article(write(tmp_path / "page.txt", raw))
    assert article.text == raw


def test_title_falls_back_to_the_file_stem_for_a_long_first_line(tmp_path: Path) -> None:
    first = "Japan is in talks to open a liaison office, the first of its kind in Asia, " * 3
    article = read_article(write(tmp_path / "long_opening.txt", first + "\nSecond line.\n"))
    assert article.title == "long_opening"


def test_front_matter_without_closing_fence_is_text_with_a_warning(tmp_path: Path) -> None:
    raw = "---\nA story opening with a rule.\nMore text.\n"
    article = read_article(write(tmp_path / "rule.md", raw))
    assert article.text == raw
    assert article.body_offset == 0
    assert len(article.warnings) == 1
    assert "no closing '---'" in article.warnings[0]


def test_empty_front_matter_is_allowed(tmp_path: Path) -> None:
    article = read_article(write(tmp_path / "e.md", "---\n---\nBody text here.\n"))
    assert article.text == "Body text here.\n"
    assert article.body_offset == len("---\n---\n")


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2023-05-10", date(2023, 5, 10)),
        ("'2023-05-10'", date(2023, 5, 10)),
        ("2023-05-10T08:30:00Z", date(2023, 5, 10)),
        ("2023-05-10 23:59:00+09:00", date(2023, 5, 10)),
        ("!!timestamp 2023-05-10", date(2023, 5, 10)),
        ("10 May 2023", date(2023, 5, 10)),
        ("May 10, 2023", date(2023, 5, 10)),
        ("Wednesday, May 10th, 2023", date(2023, 5, 10)),
        ("3 Sept. 2021", date(2021, 9, 3)),
        ("2023/05/10", date(2023, 5, 10)),
        # a feed's RFC 2822 date, once read by one parser and refused by the other
        ("'Wed, 10 May 2023 08:30:00 +0000'", date(2023, 5, 10)),
        ("Wednesday, May 10, 2023 8:30 AM EDT", date(2023, 5, 10)),
    ],
)
def test_published_forms(tmp_path: Path, published: str, expected: date) -> None:
    path = write(tmp_path / "d.md", f"---\npublished: {published}\n---\nBody.\n")
    article = read_article(path)
    assert article.published == expected
    assert article.warnings == ()


@pytest.mark.parametrize(
    ("published", "warning_part"),
    [
        ("2023-13-45", "'2023-13-45' is not a valid date"),
        ("February 30, 2023", "'February 30, 2023' is not a valid date"),
        ("1850-01-01", "outside the years 1900–2100"),
        ("2101-06-01", "outside the years 1900–2100"),
        ("last Wednesday", "'last Wednesday' is not a date like"),
        ("2023", "2023 is a number, not a date"),
        ("20230510", "20230510 is a number, not a date"),
        ("[2023, 5, 10]", "is a list, not a date"),
    ],
)
def test_bad_published_keeps_the_article_with_a_warning(
    tmp_path: Path, published: str, warning_part: str
) -> None:
    path = write(tmp_path / "d.md", f"---\ntitle: Story\npublished: {published}\n---\nBody.\n")
    article = read_article(path)
    assert article.published is None
    assert article.title == "Story"
    assert len(article.warnings) == 1
    assert warning_part in article.warnings[0]


def test_bad_date_fixture() -> None:
    article = read_article(DATA / "bad_date.md")
    assert article.published is None
    assert article.title == "Patrol boats sighted off the coast"
    assert article.warnings == ("published '2023-13-45' is not a valid date; ignored",)
    assert article.text.startswith("Patrol boats were sighted")


@pytest.mark.parametrize(
    ("front_matter", "field_name", "kind"),
    [
        ("title: [one, two]", "title", "list"),
        ("outlet: {name: Gazette}", "outlet", "mapping"),
        ("author: true", "author", "boolean"),
        ("language: [en]", "language", "list"),
    ],
)
def test_wrong_types_are_ignored_with_a_warning(
    tmp_path: Path, front_matter: str, field_name: str, kind: str
) -> None:
    path = write(tmp_path / "typed.md", f"---\n{front_matter}\n---\nShort headline\nBody.\n")
    article = read_article(path)
    assert article.warnings == (f"{field_name} is a {kind}, not text; ignored",)
    assert article.title == "Short headline"
    assert article.language == "en"
    assert article.outlet is None
    assert article.author is None


def test_numeric_title_is_text(tmp_path: Path) -> None:
    article = read_article(write(tmp_path / "n.md", "---\ntitle: 1984\n---\nBody.\n"))
    assert article.title == "1984"
    assert article.warnings == ()


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("http://example.org/", "http://example.org/"),
        ("javascript:alert(1)", None),
        ("ftp://example.org/file", None),
        ("file:///etc/passwd", None),
        ("example.org/no-scheme", None),
        ("https://", None),
    ],
)
def test_only_http_urls_are_kept(tmp_path: Path, url: str, kept: str | None) -> None:
    path = write(tmp_path / "u.md", f"---\nurl: '{url}'\n---\nBody.\n")
    article = read_article(path)
    assert article.url == kept
    if kept is None:
        assert article.warnings == (f"url {url!r} is not an http(s) address; dropped",)
    else:
        assert article.warnings == ()


def test_extra_values_become_strings(tmp_path: Path) -> None:
    raw = (
        "---\nTitle: Case-insensitive key\nviews: 12\nflag: yes\nnote:\nwhen: 2023-05-10\n---\nB\n"
    )
    article = read_article(write(tmp_path / "x.md", raw))
    assert article.title == "Case-insensitive key"
    assert dict(article.extra) == {"views": "12", "flag": "true", "note": "", "when": "2023-05-10"}


def test_date_key_is_read_when_published_is_absent(tmp_path: Path) -> None:
    article = read_article(write(tmp_path / "x.md", "---\ndate: 10 May 2023\n---\nBody.\n"))
    assert article.published == date(2023, 5, 10)
    assert "date" not in article.extra


def test_alias_bomb_in_front_matter_is_dropped(tmp_path: Path) -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]")
    raw = "---\n" + "\n".join(lines) + "\n---\nThe body survives.\n"
    article = read_article(write(tmp_path / "bomb.md", raw))
    assert article.text == "The body survives.\n"
    assert "i" not in article.extra
    assert "front matter 'i' expands (YAML aliases) to more than 1,000 values; ignored" in (
        article.warnings
    )
    assert len(article.extra["a"]) < 100


def test_alias_bomb_as_the_publication_date_is_refused_in_one_short_warning(
    tmp_path: Path,
) -> None:
    levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in "bcde":
        previous = chr(ord(level) - 1)
        levels.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 10) + "]")
    raw = "---\ntitle: Bomb\npublished:\n" + "\n".join(f"  {line}" for line in levels)
    article = read_article(write(tmp_path / "bomb.md", raw + "\n---\nThe body survives.\n"))
    assert article.published is None
    assert article.title == "Bomb"
    assert article.warnings == (
        "front matter 'published' expands (YAML aliases) to more than 1,000 values; ignored",
    )


def test_a_value_that_contains_itself_is_dropped(tmp_path: Path) -> None:
    raw = "---\ntags: &t [a, *t]\nauthor: Kim\n---\nThe body survives.\n"
    article = read_article(write(tmp_path / "loop.md", raw))
    assert article.author == "Kim"
    assert "tags" not in article.extra
    assert any("'tags' expands" in warning for warning in article.warnings)


def test_front_matter_that_is_one_exploding_list_is_refused(tmp_path: Path) -> None:
    raw = (
        "---\n- &a [x, x, x, x, x, x, x, x, x, x]\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    )
    raw += "- [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\nBody.\n"
    err = error_of(write(tmp_path / "list.md", raw))
    assert "expands (YAML aliases) to more than 1,000 values" in err.reason


def test_long_values_are_cut_short_in_warnings(tmp_path: Path) -> None:
    raw = "---\npublished: '" + "9" * 10_000 + "'\nurl: " + "x" * 10_000 + "\n---\nBody.\n"
    article = read_article(write(tmp_path / "long.md", raw))
    assert article.published is None
    assert len(article.warnings) == 2
    assert all(len(warning) < 200 for warning in article.warnings)


# --- errors --------------------------------------------------------------------------------


def test_broken_front_matter_is_an_error_naming_file_and_line() -> None:
    path = DATA / "broken_front_matter.md"
    err = error_of(path)
    assert err.path == str(path)
    assert err.reason.startswith("front matter is not valid YAML (line 4: ")
    assert str(err) == f"{path}: {err.reason}"
    assert "\n" not in str(err)


@pytest.mark.parametrize(
    ("front_matter", "reason"),
    [
        ("- a\n- b", "front matter is a list, not a mapping of keys to values"),
        ("just a sentence", "front matter is a string, not a mapping of keys to values"),
        ("title: 'unclosed", "front matter is not valid YAML (line 3: "),
        ("published: !!timestamp 2023-13-45", "front matter is not valid YAML ("),
        ("evil: !!python/object/apply:os.system ['true']", "front matter is not valid YAML ("),
    ],
)
def test_front_matter_errors(tmp_path: Path, front_matter: str, reason: str) -> None:
    path = write(tmp_path / "fm.md", f"---\n{front_matter}\n---\nBody.\n")
    err = error_of(path)
    assert err.reason.startswith(reason), err.reason


@pytest.mark.parametrize("name", ["empty.txt", "blank.txt"])
def test_empty_files_are_rejected(name: str) -> None:
    path = DATA / name
    assert str(error_of(path)) == f"{path}: empty file, no article text"


def test_front_matter_only_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "only.md", "---\ntitle: Nothing else\n---\n\n  \n")
    assert error_of(path).reason == "no article text after the front matter"


def test_binary_file_is_rejected() -> None:
    path = DATA / "photo.jpg"
    assert str(error_of(path)) == f"{path}: binary file, not an article"


def test_control_characters_make_a_file_binary(tmp_path: Path) -> None:
    path = write(tmp_path / "controls.txt", b"ab\x01\x02\x03\x04cd\x05\x06")
    assert error_of(path).reason == "binary file, not an article"


def test_a_few_control_characters_are_tolerated(tmp_path: Path) -> None:
    article = read_article(write(tmp_path / "few.txt", b"Text with one \x07 bell in it.\n"))
    assert "\x07" in article.text


def test_missing_file() -> None:
    path = DATA / "missing.txt"
    assert str(error_of(path)) == f"{path}: no such file"


def test_directory_is_not_an_article(tmp_path: Path) -> None:
    assert error_of(tmp_path).reason == "is a directory, not an article file"


@pytest.mark.parametrize(
    ("size", "reason"),
    [
        (int(52.4 * 1024 * 1024), "52.4 MB is over the 20 MB limit"),
        (MAX_ARTICLE_BYTES + 1, "20.0 MB is over the 20 MB limit"),
    ],
)
def test_large_files_are_rejected_before_reading(tmp_path: Path, size: int, reason: str) -> None:
    path = tmp_path / "big.txt"
    with path.open("wb") as stream:
        stream.truncate(size)  # sparse: nothing is written to disk
    err = error_of(path)
    assert str(err) == f"{path}: {reason}"


def test_a_file_at_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoding, "MAX_ARTICLE_BYTES", 20)
    assert read_article(write(tmp_path / "ok.txt", b"x" * 20)).text == "x" * 20
    assert "over the" in error_of(write(tmp_path / "no.txt", b"x" * 21)).reason


def test_utf16_with_bom_is_broken_utf16(tmp_path: Path) -> None:
    path = write(tmp_path / "odd.txt", b"\xff\xfeA\x00B")  # odd number of bytes
    assert error_of(path).reason.startswith("not valid UTF-16 text")


def test_article_error_is_a_value_error_and_pickles() -> None:
    err = ArticleError("broken.md", "front matter is not valid YAML (line 3: x)")
    assert isinstance(err, ValueError)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.path, copy.reason, str(copy)) == (err.path, err.reason, str(err))


# --- decoding ------------------------------------------------------------------------------


def test_utf16_file() -> None:
    article = read_article(DATA / "utf16.txt")
    assert article.title == "Ōkinawa talks: délégués meet in Naha"
    assert "Friday — the talks" in article.text
    assert "\r" not in article.text
    assert "\ufeff" not in article.text


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
)
def test_encodings_with_and_without_bom(tmp_path: Path, encoding: str) -> None:
    text = "Ōkinawa — talks\r\nin Naha’s port.\r"
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}.get(encoding, b"")
    path = write(tmp_path / "enc.txt", bom + text.encode(encoding))
    assert decode_file(path) == "Ōkinawa — talks\nin Naha’s port.\n"


def test_cp1252_file() -> None:
    article = read_article(DATA / "cp1252.txt")
    assert article.title == "Café owners in Nice protest new rules"
    assert "owners’ association said the rules – announced in March – were naïve." in article.text


def test_latin1_bytes_undefined_in_cp1252(tmp_path: Path) -> None:
    path = write(tmp_path / "l1.txt", "Zürich talks\x81 resumed.".encode("latin-1"))
    assert decode_file(path) == "Zürich talks\x81 resumed."


def test_decode_bytes_names_the_source() -> None:
    with pytest.raises(ArticleError, match=r"^upload\.bin: binary file, not an article$"):
        decode_bytes(b"\x00\x01\x02", source="upload.bin")


# --- HTML ----------------------------------------------------------------------------------


def test_html_main_text_is_extracted() -> None:
    article = read_article(DATA / "story.html")
    assert "Two coast guard vessels followed a naval patrol" in article.text
    assert "without open conflict." in article.text
    for noise in (
        "NAV-LINK",
        "ADVERT-BANNER",
        "READER-COMMENT",
        "FOOTER-TEXT",
        "HEAD-SCRIPT-ALPHA",
        "BODY-SCRIPT-BETA",
        "color: red",
        "<p>",
    ):
        assert noise not in article.text, noise
    assert article.body_offset is None
    assert article.id == article_id(article.text)


def test_html_metadata() -> None:
    article = read_article(DATA / "story.html")
    assert article.title == "Coast guard ships shadow patrol near disputed islets"
    assert article.outlet == "Harbour Gazette"
    assert article.published == date(2023, 5, 10)
    assert article.url == "https://harbour-gazette.example/world/2023/05/10/islets-patrol"
    assert article.author == "Mara Lindqvist"
    assert article.language == "en-GB"
    assert article.warnings == ()


def test_script_inside_the_html_story_is_left_out() -> None:
    article = read_article(DATA / "script_in_body.html")
    assert "Negotiators from three countries met in Seoul" in article.text
    assert "Delegates said the discussions focused on quotas" in article.text
    assert "A further round is planned for the autumn" in article.text
    assert "INLINE-SCRIPT-GAMMA" not in article.text
    assert "document.cookie" not in article.text
    assert "NOSCRIPT-DELTA" not in article.text
    assert article.title == "Talks on fishing rights resume in Seoul"
    assert article.published is None
    assert article.language == "en"


def test_html_without_story_is_rejected(tmp_path: Path) -> None:
    raw = (
        "<!DOCTYPE html><html><head><title>T</title></head><body><script>a=1</script></body></html>"
    )
    assert error_of(write(tmp_path / "nav.html", raw)).reason == "no article text found in the HTML"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://harbour-gazette.example/a"])
def test_html_with_non_http_canonical_url_has_none(tmp_path: Path, url: str) -> None:
    page = (DATA / "story.html").read_text(encoding="utf-8")
    page = page.replace("https://harbour-gazette.example/world/2023/05/10/islets-patrol", url)
    article = read_article(write(tmp_path / "bad_url.html", page))
    assert article.url is None
    assert article.title == "Coast guard ships shadow patrol near disputed islets"


def test_uppercase_html_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "STORY.HTM", (DATA / "story.html").read_bytes())
    assert read_article(path).body_offset is None


def test_html_bytes_from_an_upload() -> None:
    data = (DATA / "story.html").read_bytes()
    article = article_from_bytes(data, source="upload.html")
    assert article.source == "upload.html"
    assert article == dataclasses.replace(read_article(DATA / "story.html"), source="upload.html")


# --- strings and standard input ------------------------------------------------------------


def test_article_from_text_defaults() -> None:
    article = article_from_text("Tokyo talks\r\nresume today.\r\n")
    assert article.source == "<pasted>"
    assert article.text == "Tokyo talks\nresume today.\n"
    assert article.body_offset == 0
    assert article.title == "Tokyo talks"
    assert article.language == "en"
    assert article.warnings == ()


def test_article_from_text_keeps_front_matter_lookalikes_as_text() -> None:
    text = "---\ntitle: not parsed\n---\nBody.\n"
    article = article_from_text(text)
    assert article.text == text
    assert article.title == "---"


def test_article_from_text_metadata() -> None:
    article = article_from_text(
        "A story.",
        title="  Liaison   office ",
        outlet="CNN",
        published="May 10, 2023",
        url="https://example.org/story",
        language="ja",
        source="clipboard",
    )
    assert article.title == "Liaison office"
    assert (article.outlet, article.published, article.url) == (
        "CNN",
        date(2023, 5, 10),
        "https://example.org/story",
    )
    assert (article.language, article.source) == ("ja", "clipboard")


@pytest.mark.parametrize(
    "published", [date(2023, 5, 10), datetime(2023, 5, 10, 23, 0), "10 May 2023"]
)
def test_article_from_text_published_values(published: date | str) -> None:
    assert article_from_text("Body.", published=published).published == date(2023, 5, 10)


def test_article_from_text_bad_metadata_warns() -> None:
    article = article_from_text(
        "Body.", published="13/13/2023", url="mailto:desk@example.org", language="english!"
    )
    assert (article.published, article.url, article.language) == (None, None, "en")
    assert len(article.warnings) == 3


def test_pasted_title_is_a_shortened_first_line() -> None:
    text = "word " * 60
    title = article_from_text(text).title
    assert title.endswith("…")
    assert len(title) <= 81
    assert title.startswith("word word")


@pytest.mark.parametrize("text", ["", "   \n\t ", "\ufeff\n"])
def test_article_from_text_rejects_empty_text(text: str) -> None:
    with pytest.raises(ArticleError, match=r"^<pasted>: no article text$"):
        article_from_text(text)


def test_article_from_text_rejects_binary() -> None:
    with pytest.raises(ArticleError, match="binary"):
        article_from_text("a\x00b")


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = "---\ntitle: From a pipe\n---\nPiped text about Busan.\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw.encode("utf-16"))))
    article = read_article("-")
    assert article.source == "<stdin>"
    assert article.title == "From a pipe"
    assert article.text == "Piped text about Busan.\n"
    assert article.body_offset == raw.index("Piped")


def test_stdin_html_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (DATA / "story.html").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    article = read_article("-")
    assert article.body_offset is None
    assert "NAV-LINK" not in article.text


def test_stdin_errors_name_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    assert str(error_of("-")) == "<stdin>: empty file, no article text"


# --- many files ----------------------------------------------------------------------------


def test_iter_article_paths_expands_directories(tmp_path: Path) -> None:
    for name in ["b.txt", "a.md", "sub/c.html", "sub/deeper/d.HTM", "Z.TXT", "e.jpg"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        write(tmp_path / name, "Text.")
    for hidden in [".hidden.txt", ".git/f.txt"]:
        (tmp_path / hidden).parent.mkdir(parents=True, exist_ok=True)
        write(tmp_path / hidden, "Text.")
    explicit = tmp_path / "e.jpg"
    found = list(iter_article_paths([tmp_path, explicit, "-"]))
    relative = [path.relative_to(tmp_path).as_posix() for path in found[:-2]]
    assert relative == ["Z.TXT", "a.md", "b.txt", "sub/c.html", "sub/deeper/d.HTM"]
    assert found[-2:] == [explicit, Path("-")]


def test_read_articles_goes_on_after_bad_files() -> None:
    paths = [
        DATA / "plain.txt",
        DATA / "missing.txt",
        DATA / "photo.jpg",
        DATA / "broken_front_matter.md",
        DATA / "front_matter.md",
    ]
    results = list(read_articles(paths))
    assert [type(result) for result in results] == [
        Article,
        ArticleError,
        ArticleError,
        ArticleError,
        Article,
    ]
    errors = [result for result in results if isinstance(result, ArticleError)]
    assert [error.path for error in errors] == [str(path) for path in paths[1:4]]
    assert [error.reason for error in errors[:2]] == ["no such file", "binary file, not an article"]


def test_read_articles_over_the_data_folder() -> None:
    results = list(read_articles([DATA]))
    names = [
        Path(result.path if isinstance(result, ArticleError) else result.source).name
        for result in results
    ]
    assert names == sorted(path.name for path in DATA.iterdir() if path.suffix != ".jpg")
    failed = {Path(r.path).name for r in results if isinstance(r, ArticleError)}
    assert failed == {"blank.txt", "broken_front_matter.md", "empty.txt"}


# --- the record ----------------------------------------------------------------------------


def test_article_is_frozen_hashable_and_picklable() -> None:
    article = read_article(DATA / "front_matter.md")
    with pytest.raises(dataclasses.FrozenInstanceError):
        article.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        article.extra["section"] = "Sport"  # type: ignore[index]
    assert hash(article) == hash(read_article(DATA / "front_matter.md"))
    copy = pickle.loads(pickle.dumps(article))
    assert copy == article
    assert dict(copy.extra) == dict(article.extra)


# --- the founding article ------------------------------------------------------------------


@pytest.mark.skipif(not FOUNDING.exists(), reason="founding article not checked out alongside")
def test_founding_article() -> None:
    article = read_article(FOUNDING)
    assert article.text == decode_file(FOUNDING)
    assert article.body_offset == 0
    assert article.text.lstrip().startswith("Japan is in talks to open a NATO liaison office")
    assert "Yoshimasa Hayashi" in article.text
    assert article.title == FOUNDING.stem  # the first line is too long to be a title
    assert article.published is None  # plain text, no metadata
    assert article.warnings == ()
    assert ID_PATTERN.fullmatch(article.id)
    assert article.id == article_id(article.text)
    assert article.id == article_from_text(article.text.strip()).id


# --- hostile markup ------------------------------------------------------------------------

_STORY = (
    "<article><p>Russian warships sailed in the Sea of Japan on Tuesday, the defence ministry "
    "in Tokyo said. The drills lasted three days and involved ten ships.</p></article>"
)


def test_a_tag_with_very_many_attributes_is_cut_before_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    parsed: list[str] = []
    original = articles.load_html

    def recording(html: str) -> object:
        parsed.append(html)
        return original(html)

    monkeypatch.setattr(articles, "load_html", recording)
    attributes = " ".join(f'data-a{i}="x"' for i in range(40_000))
    html = f"<html><body><div {attributes}>menu</div>{_STORY}</body></html>"
    article = article_from_bytes(html.encode(), source="attributes.html")
    assert article.text.startswith("Russian warships sailed in the Sea of Japan")
    assert article.warnings == ("1 HTML tag(s) had more than 100 attributes; the rest dropped",)
    (given,) = parsed
    assert given.count('="x"') == 100
    assert given.endswith(f' data-a99="x">menu</div>{_STORY}</body></html>')


def test_long_tags_with_few_attributes_are_left_alone() -> None:
    style = "color: red; " * 400
    html = f'<html><body><div style="{style}" class="x > y" id=main>{_STORY}</div></body></html>'
    capped, count = articles._cap_attributes(html)
    assert (capped, count) == (html, 0)


def test_a_publication_date_after_today_is_dropped(tmp_path: Path) -> None:
    article = read_article(write(tmp_path / "x.md", "---\npublished: 2100-01-01\n---\nBody.\n"))
    assert article.published is None
    (warning,) = article.warnings
    assert warning.startswith("published '2100-01-01' is after today (")


def test_named_pipes_and_sockets_in_a_folder_are_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    write(folder / "story.md", "Ships sailed near Tokyo.\n")
    os.mkfifo(folder / "pipe.md")  # opening it to read would wait for a writer forever
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(folder / "socket.txt"))
        assert list(iter_article_paths([folder])) == [folder / "story.md"]
        assert [a.source for a in read_articles([folder])] == [str(folder / "story.md")]


def test_front_matter_over_the_size_limit_is_not_parsed(tmp_path: Path) -> None:
    keys = "".join(f"key{i}: value {i}\n" for i in range(60_000))  # about 1 MB of YAML
    article = read_article(write(tmp_path / "big.md", f"---\n{keys}---\nThe body survives.\n"))
    assert article.text == "The body survives.\n"
    assert not article.extra
    (warning,) = article.warnings
    assert warning.startswith("front matter is 1,")
    assert warning.endswith("characters long, over the 32,768 read; ignored")
