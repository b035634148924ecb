from __future__ import annotations

import dataclasses
import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.records import PRECISIONS
from geo.text.dates import (
    DateInterval,
    DateIntervalError,
    DateMention,
    date_of_sentence,
    find_dates,
)
from geo.text.published import parse_published

D = datetime.date
PUB = D(2023, 5, 10)  # a Wednesday: the founding article's publication date

# sentence, mention, expected interval ("START..END PRECISION", one date when START == END,
# "unknown" when unresolved); published 2023-05-10 unless given as a fourth item
CASES: list[tuple[str, str, str] | tuple[str, str, str, D | None]] = [
    # explicit dates
    ("The test took place on 2023-03-14.", "on 2023-03-14", "2023-03-14 day"),
    ("Talks opened 14 March 2023 in Tokyo.", "14 March 2023", "2023-03-14 day"),
    ("Talks opened March 14, 2023.", "March 14, 2023", "2023-03-14 day"),
    ("Talks opened on the 14th of March.", "on the 14th of March", "2023-03-14 day"),
    ("Talks opened Jan. 14, 2023.", "Jan. 14, 2023", "2023-01-14 day"),
    ("Talks opened on March 14.", "on March 14", "2023-03-14 day"),
    ("Talks opened on December 14.", "on December 14", "2022-12-14 day"),
    ("The vote is on June 14.", "on June 14", "2023-06-14 day"),
    ("Leaders met at the summit on May 19.", "on May 19", "2023-05-19 day"),
    ("Leaders met on Dec. 29.", "on Dec. 29", "2022-12-29 day", D(2023, 1, 2)),
    ("Talks will open on June 14.", "on June 14", "2023-06-14 day"),
    ("Talks will open on March 14.", "on March 14", "2024-03-14 day"),
    ("It rained on Feb 29, 2024.", "on Feb 29, 2024", "2024-02-29 day"),
    ("It rained on February 29.", "on February 29", "2024-02-29 day", D(2024, 3, 10)),
    ("The G7 meets on May 19-21.", "on May 19-21", "2023-05-19..2023-05-21 day"),
    ("The G7 met on 19–21 May 2023.", "on 19–21 May 2023", "2023-05-19..2023-05-21 day"),
    # ranges of days in words, as conflict monitors write them
    (
        "Between 6 and 8 May 2023, rebels attacked.",
        "6 and 8 May 2023",
        "2023-05-06..2023-05-08 day",
    ),
    (
        "From 1 to 3 March 2023, troops shelled it.",
        "1 to 3 March 2023",
        "2023-03-01..2023-03-03 day",
    ),
    ("On March 4 and 5, militants attacked.", "On March 4 and 5", "2023-03-04..2023-03-05 day"),
    # "and" then a count is no range
    ("On March 4 and 12 people were killed.", "On March 4", "2023-03-04 day"),
    ("Drills began in March 2023.", "in March 2023", "2023-03-01..2023-03-31 month"),
    ("Drills began in Sept. 2022.", "in Sept. 2022", "2022-09-01..2022-09-30 month"),
    ("Russia invaded Ukraine in 2022.", "in 2022", "2022-01-01..2022-12-31 year"),
    ("Russia invaded Ukraine in 2022.", "in 2022", "2022-01-01..2022-12-31 year", None),
    ("The base was built in mid-2021.", "in mid-2021", "2021-05-01..2021-08-31 month"),
    ("The base was built in early 2020.", "in early 2020", "2020-01-01..2020-04-30 month"),
    ("The base was built in late 2019.", "in late 2019", "2019-09-01..2019-12-31 month"),
    ("It ends by the end of 2024.", "the end of 2024", "2024-09-01..2024-12-31 month"),
    ("Tensions grew in the 1990s.", "in the 1990s", "1990-01-01..1999-12-31 year"),
    ("Tensions grew in the early 1990s.", "in the early 1990s", "1990-01-01..1993-12-31 year"),
    ("Patrols ran between 2019 and 2021.", "between 2019 and 2021", "2019-01-01..2021-12-31 year"),
    ("Patrols ran in 2019–2021.", "in 2019–2021", "2019-01-01..2021-12-31 year"),
    ("In early March, boats sailed.", "In early March", "2023-03-01..2023-03-10 day"),
    ("Boats sailed at the end of March.", "at the end of March", "2023-03-21..2023-03-31 day"),
    (
        "Boats sailed in late February.",
        "in late February",
        "2024-02-21..2024-02-29 day",
        D(2024, 3, 1),
    ),
    # month names alone
    ("In April, warships held exercises.", "In April", "2023-04-01..2023-04-30 month"),
    ("In June, warships held exercises.", "In June", "2022-06-01..2022-06-30 month"),
    ("Warships will hold exercises in June.", "in June", "2023-06-01..2023-06-30 month"),
    ("Japan plans to open the office in June.", "in June", "2023-06-01..2023-06-30 month"),
    ("The summit is set to open in March.", "in March", "2024-03-01..2024-03-31 month"),
    ("Warships held exercises in May.", "in May", "2023-05-01..2023-05-31 month"),
    (
        "Warships held exercises in February.",
        "in February",
        "2024-02-01..2024-02-29 month",
        D(2024, 2, 10),
    ),
    ("Warships held exercises last March.", "last March", "2023-03-01..2023-03-31 month"),
    ("Warships held exercises last May.", "last May", "2022-05-01..2022-05-31 month"),
    ("Warships hold exercises this March.", "this March", "2023-03-01..2023-03-31 month"),
    ("Warships hold exercises next March.", "next March", "2024-03-01..2024-03-31 month"),
    ("Warships have patrolled since March.", "since March", "2023-03-01..2023-05-10 month"),
    ("Warships have patrolled since 2014.", "since 2014", "2014-01-01..2023-05-10 year"),
    ("Warships have patrolled since last year.", "since last year", "2022-01-01..2023-05-10 year"),
    ("Warships have patrolled since Monday.", "since Monday", "2023-05-08..2023-05-10 day"),
    ("Warships have patrolled since mid-2021.", "since mid-2021", "2021-05-01..2023-05-10 month"),
    # weekdays
    ("He said on Wednesday.", "on Wednesday", "2023-05-10 day"),
    ("He said on Monday.", "on Monday", "2023-05-08 day"),
    ("He said Thursday.", "Thursday", "2023-05-04 day"),
    ("He will speak on Thursday.", "on Thursday", "2023-05-11 day"),
    ("Nikkei reported it last Wednesday.", "last Wednesday", "2023-05-03 day"),
    ("Nikkei reported it last Friday.", "last Friday", "2023-05-05 day", D(2023, 5, 8)),
    ("They meet next Monday.", "next Monday", "2023-05-15 day"),
    ("They meet this Friday.", "this Friday", "2023-05-12 day"),
    ("They met Sunday.", "Sunday", "2023-12-31 day", D(2024, 1, 1)),
    # relative to publication
    ("Hayashi spoke today.", "today", "2023-05-10 day"),
    ("Hayashi spoke yesterday.", "yesterday", "2023-05-09 day"),
    ("Hayashi spoke yesterday.", "yesterday", "2024-02-29 day", D(2024, 3, 1)),
    ("Hayashi speaks tomorrow.", "tomorrow", "2023-05-11 day"),
    ("Hayashi spoke last night.", "last night", "2023-05-09 day"),
    ("Nikkei reported last week.", "last week", "2023-05-01..2023-05-07 day"),
    ("Nikkei reported this week.", "this week", "2023-05-08..2023-05-14 day"),
    ("Nikkei reports next week.", "next week", "2023-05-15..2023-05-21 day"),
    ("Protests took place last weekend.", "last weekend", "2023-05-06..2023-05-07 day"),
    ("Protests took place over the weekend.", "over the weekend", "2023-05-06..2023-05-07 day"),
    ("Finland joined last month.", "last month", "2023-04-01..2023-04-30 month"),
    ("Finland joined last month.", "last month", "2022-12-01..2022-12-31 month", D(2023, 1, 1)),
    ("Finland joined last month.", "last month", "2024-02-01..2024-02-29 month", D(2024, 3, 31)),
    ("Finland joined this month.", "this month", "2023-05-01..2023-05-31 month"),
    ("Finland joins next month.", "next month", "2024-01-01..2024-01-31 month", D(2023, 12, 15)),
    ("Russia invaded last year.", "last year", "2022-01-01..2022-12-31 year"),
    ("Russia invaded late last year.", "late last year", "2022-09-01..2022-12-31 month"),
    ("Budgets rose this year.", "this year", "2023-01-01..2023-12-31 year"),
    ("Budgets rise next year.", "next year", "2024-01-01..2024-12-31 year"),
    ("It was announced earlier this year.", "earlier this year", "2023-01-01..2023-05-10 year"),
    ("It was announced earlier this month.", "earlier this month", "2023-05-01..2023-05-10 month"),
    ("It was announced earlier this week.", "earlier this week", "2023-05-08..2023-05-10 day"),
    ("It will be announced later this year.", "later this year", "2023-05-10..2023-12-31 year"),
    ("Tensions rose in recent months.", "in recent months", "2023-02-10..2023-05-10 month"),
    ("Tensions rose in recent weeks.", "in recent weeks", "2023-04-19..2023-05-10 day"),
    ("Tensions rose in recent days.", "in recent days", "2023-05-07..2023-05-10 day"),
    (
        "Tensions rose over the past few months.",
        "over the past few months",
        "2023-02-10..2023-05-10 month",
    ),
    ("Tensions rose in the past two weeks.", "in the past two weeks", "2023-04-26..2023-05-10 day"),
    ("Tensions rose in the last year.", "in the last year", "2022-05-10..2023-05-10 year"),
    ("Tensions rose in the past week.", "in the past week", "2023-05-03..2023-05-10 day"),
    (
        "Tensions rose over the past 24 hours.",
        "over the past 24 hours",
        "2023-05-09..2023-05-10 day",
    ),
    (
        "Tensions rose in recent months.",
        "in recent months",
        "2024-02-29..2024-05-31 month",
        D(2024, 5, 31),
    ),
    ("Talks resume in the coming weeks.", "in the coming weeks", "2023-05-10..2023-05-31 day"),
    (
        "Prices rise over the next two years.",
        "over the next two years",
        "2023-05-10..2025-05-10 year",
    ),
    ("The drill was two days ago.", "two days ago", "2023-05-08 day"),
    ("The drill was 10 days ago.", "10 days ago", "2023-04-30 day"),
    ("The drill was three weeks ago.", "three weeks ago", "2023-04-16..2023-04-22 day"),
    ("The drill was two months ago.", "two months ago", "2023-03-01..2023-03-31 month"),
    ("The drill was a year ago.", "a year ago", "2022-01-01..2022-12-31 year"),
    ("The drill was a decade ago.", "a decade ago", "2013-01-01..2013-12-31 year"),
    ("The drill was a few days ago.", "a few days ago", "2023-05-05..2023-05-08 day"),
    ("Japan recently announced plans.", "recently", "2022-11-10..2023-05-10 unknown"),
    # without a publication date, relative expressions are found but not resolved
    ("He said on Wednesday.", "on Wednesday", "unknown", None),
    ("Finland joined last month.", "last month", "unknown", None),
    ("In April, warships held exercises.", "In April", "unknown", None),
    ("Warships have patrolled since 2014.", "since 2014", "unknown", None),
    ("Talks opened on March 14.", "on March 14", "unknown", None),
]


def _interval(spec: str) -> DateInterval:
    if spec == "unknown":
        return DateInterval.UNKNOWN
    dates, precision = spec.split()
    start, _, end = dates.partition("..")
    return DateInterval(D.fromisoformat(start), D.fromisoformat(end or start), precision)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_find_dates_resolves_each_expression(
    case: tuple[str, str, str] | tuple[str, str, str, D | None],
) -> None:
    sentence, text, expected = case[:3]
    published = case[3] if len(case) == 4 else PUB
    mentions = find_dates(sentence, published)
    assert [m.text for m in mentions] == [text]
    (mention,) = mentions
    assert sentence[mention.start : mention.end] == text
    assert mention.interval == _interval(expected)


@pytest.mark.parametrize(
    "sentence",
    [
        "The situation may change quickly.",
        "May I ask a question?",
        "Troops march on the capital.",
        "Whatever happens in may matter later.",
        "The troops were on the march 5 days later.",
        "Columns on the march since dawn.",
        "They will march towards the border.",
        "An august institution.",
        "Russia sent 500 troops.",
        "Russia sent 2000 troops in 2000 vehicles.",
        "The Covid-19 pandemic.",
        "Japan will buy F-35 jets.",
        "The biggest buildup since World War II.",
        "They flew for more than seven hours.",
        "It costs $2022.",
        "The count rose to 1,999.",
        "Ships sailed 25 miles west.",
        "Markets fell on Black Friday.",
        "Pilgrims gathered on Good Friday.",
        "The Wednesdays were quiet.",
        "He stood next to the minister.",
        "The Marshall Islands and Mayotte.",
        "",
    ],
)
def test_find_dates_ignores_words_that_are_not_dates(sentence: str) -> None:
    assert find_dates(sentence, PUB) == []


def test_find_dates_offsets_point_into_the_text() -> None:
    text = "Hayashi said on Wednesday that, last week, talks began; in March they stalled."
    mentions = find_dates(text, PUB)
    assert [(m.start, m.end, m.text) for m in mentions] == [
        (13, 25, "on Wednesday"),
        (32, 41, "last week"),
        (56, 64, "in March"),
    ]


def test_find_dates_prefers_the_longest_overlapping_expression() -> None:
    mentions = find_dates("Drills began on Wednesday, May 10, 2023, near Hokkaido.", None)
    assert [m.text for m in mentions] == ["on Wednesday", "May 10, 2023"]
    assert mentions[1].interval == DateInterval(D(2023, 5, 10), D(2023, 5, 10), "day")


def test_find_dates_reads_the_future_sentence_by_sentence() -> None:
    text = "Exercises took place in June. More will follow in June."
    assert [m.interval.start for m in find_dates(text, PUB)] == [D(2022, 6, 1), D(2023, 6, 1)]


@pytest.mark.parametrize(("future", "expected"), [(True, D(2023, 6, 1)), (False, D(2022, 6, 1))])
def test_find_dates_future_can_be_forced(future: bool, expected: D) -> None:
    (mention,) = find_dates("Exercises will take place in June.", PUB, future=future)
    assert mention.interval.start == expected


@pytest.mark.parametrize(
    ("future", "expected"),
    [(None, D(2023, 6, 14)), (True, D(2023, 6, 14)), (False, D(2022, 6, 14))],
)
def test_a_day_without_year_is_the_nearest_unless_the_tense_says(
    future: bool | None, expected: D
) -> None:
    (mention,) = find_dates("Talks are on June 14.", PUB, future=future)
    assert mention.interval.start == expected


def test_find_dates_since_is_never_read_as_future() -> None:
    (mention,) = find_dates("Patrols will continue, as they have since June.", PUB)
    assert mention.interval == DateInterval(D(2022, 6, 1), PUB, "month")


def test_find_dates_accepts_a_datetime_as_publication() -> None:
    (mention,) = find_dates("He spoke yesterday.", datetime.datetime(2023, 5, 10, 23, 59))
    assert mention.interval.start == D(2023, 5, 9)


def test_find_dates_survives_the_edges_of_the_calendar() -> None:
    (mention,) = find_dates("He speaks tomorrow.", D.max)
    assert mention.interval is DateInterval.UNKNOWN
    (mention,) = find_dates("He spoke last year.", D.min)
    assert mention.interval is DateInterval.UNKNOWN


# --- the founding article -----------------------------------------------------------------

# The sentences of the founding article (CNN, 2023-05-10) that carry a date, in order.
FOUNDING_TEXT = """\
Japan is in talks to open a NATO liaison office, the first of its kind in Asia, the country’s \
foreign minister told CNN in an exclusive interview on Wednesday, saying Russia’s invasion of \
Ukraine has made the world less stable.
“We are already in discussions, but no details (have been) finalized yet,” Foreign Minister \
Yoshimasa Hayashi said on Wednesday.
Hayashi specifically cited Russia’s invasion of Ukraine last year as an event with \
repercussions far beyond Europe’s borders that forced Japan to rethink regional security.
The Nikkei Asia first reported plans to open the office in Japan last Wednesday, citing \
unnamed Japanese and NATO officials.
NATO has similar liaison offices in other places including Ukraine and Vienna. The liaison \
office in Japan will enable discussions with NATO’s security partners, such as South Korea, \
Australia and New Zealand, on geopolitical challenges, emerging and disruptive technologies, \
and cyber threats, Nikkei reported last week.
In a statement to CNN last week, a NATO spokesperson said: “As to plans to open a liaison \
office in Japan, we won’t go into the details of ongoing deliberations among NATO allies.”
CNN reached out to NATO for comment on Wednesday after Hayashi’s remarks.
Russia’s invasion of Ukraine sent shockwaves through Europe and drove non-aligned Finland and \
Sweden to abandon their neutrality and seek protection within NATO, with Finland formally \
joining the bloc last month.
Speaking to CNN on Wednesday, Hayashi highlighted what he described as Japan’s “severe and \
complex” regional security environment.
In the face of growing friction, Japan recently announced plans for its biggest military \
buildup since World War II.
Tensions between Japan and Russia have also been increasing in recent months, fueled in part \
by Russian military drills in the waters between the two nations.
In April, Russian warships conducted anti-submarine exercises in the Sea of Japan, also known \
as the East Sea – and in March, Russian missile boats fired cruise missiles at a mock target \
in the same waters. And after Japanese Prime Minister Fumio Kishida made a surprise visit to \
Ukraine in March, two Russian strategic bombers, capable of carrying nuclear weapons, flew \
over waters off the Japanese coast for more than seven hours, Reuters reported.
He added that Japan and other countries still need to cooperate with China on larger issues \
such as climate change and the Covid-19 pandemic.
"""

FOUNDING_MENTIONS = [
    ("on Wednesday", "2023-05-10", "2023-05-10", "day"),
    ("on Wednesday", "2023-05-10", "2023-05-10", "day"),
    ("last year", "2022-01-01", "2022-12-31", "year"),
    ("last Wednesday", "2023-05-03", "2023-05-03", "day"),
    ("last week", "2023-05-01", "2023-05-07", "day"),
    ("last week", "2023-05-01", "2023-05-07", "day"),
    ("on Wednesday", "2023-05-10", "2023-05-10", "day"),
    ("last month", "2023-04-01", "2023-04-30", "month"),
    ("on Wednesday", "2023-05-10", "2023-05-10", "day"),
    ("recently", "2022-11-10", "2023-05-10", "unknown"),
    ("in recent months", "2023-02-10", "2023-05-10", "month"),
    ("In April", "2023-04-01", "2023-04-30", "month"),
    ("in March", "2023-03-01", "2023-03-31", "month"),
    ("in March", "2023-03-01", "2023-03-31", "month"),
]


def test_founding_article_dates() -> None:
    found = [
        (m.text, *m.interval.to_iso(), m.interval.precision) for m in find_dates(FOUNDING_TEXT, PUB)
    ]
    assert found == FOUNDING_MENTIONS


# sentence (from the founding article), start, end, precision
SENTENCE_CASES = [
    (
        "Foreign Minister Yoshimasa Hayashi said on Wednesday.",
        "2023-05-10",
        "2023-05-10",
        "day",
    ),
    (
        "Hayashi specifically cited Russia’s invasion of Ukraine last year as an event with "
        "repercussions far beyond Europe’s borders.",
        "2022-01-01",
        "2022-12-31",
        "year",
    ),
    (
        "The Nikkei Asia first reported plans to open the office in Japan last Wednesday.",
        "2023-05-03",
        "2023-05-03",
        "day",
    ),
    ("Nikkei reported last week.", "2023-05-01", "2023-05-07", "day"),
    ("With Finland formally joining the bloc last month.", "2023-04-01", "2023-04-30", "month"),
    (
        "Tensions between Japan and Russia have also been increasing in recent months.",
        "2023-02-10",
        "2023-05-10",
        "month",
    ),
    (
        "In April, Russian warships conducted anti-submarine exercises in the Sea of Japan, "
        "also known as the East Sea – and in March, Russian missile boats fired cruise "
        "missiles at a mock target in the same waters.",
        "2023-04-01",
        "2023-04-30",
        "month",
    ),
    (
        "And after Japanese Prime Minister Fumio Kishida made a surprise visit to Ukraine in "
        "March, two Russian strategic bombers flew over waters off the Japanese coast for more "
        "than seven hours, Reuters reported.",
        "2023-03-01",
        "2023-03-31",
        "month",
    ),
    (
        "Japan recently announced plans for its biggest military buildup since World War II.",
        "2022-11-10",
        "2023-05-10",
        "unknown",
    ),
    (
        "Speaking to CNN on Wednesday, Hayashi said that, last year, Russia invaded Ukraine.",
        "2023-05-10",
        "2023-05-10",
        "day",
    ),
    # no date expression: dated by publication, precision unknown
    (
        "NATO has similar liaison offices in other places including Ukraine and Vienna.",
        "2023-05-10",
        "2023-05-10",
        "unknown",
    ),
]


@pytest.mark.parametrize(("sentence", "start", "end", "precision"), SENTENCE_CASES)
def test_date_of_sentence(sentence: str, start: str, end: str, precision: str) -> None:
    interval = date_of_sentence(sentence, PUB)
    assert (*interval.to_iso(), interval.precision) == (start, end, precision)


def test_date_of_sentence_without_publication_date() -> None:
    assert date_of_sentence("NATO has offices in Vienna.", None) is DateInterval.UNKNOWN
    assert date_of_sentence("He said on Wednesday.", None) is DateInterval.UNKNOWN
    interval = date_of_sentence("He said on Wednesday that in 2022 it began.", None)
    assert interval == DateInterval(D(2022, 1, 1), D(2022, 12, 31), "year")


def test_date_of_sentence_prefers_the_narrower_interval_of_equal_precision() -> None:
    interval = date_of_sentence("Talks began last week and resumed on Monday.", PUB)
    assert interval == DateInterval(D(2023, 5, 8), D(2023, 5, 8), "day")


# --- DateInterval ----------------------------------------------------------------------------


def test_unknown_interval() -> None:
    unknown = DateInterval.UNKNOWN
    assert unknown == DateInterval(None, None, "unknown")
    assert not unknown.is_resolved
    assert unknown.to_iso() == (None, None)
    assert unknown.days is None


def test_resolved_interval() -> None:
    interval = DateInterval(D(2024, 2, 1), D(2024, 2, 29), "month")
    assert interval.is_resolved
    assert interval.to_iso() == ("2024-02-01", "2024-02-29")
    assert interval.days == 29
    with pytest.raises(dataclasses.FrozenInstanceError):
        interval.start = D(2024, 1, 1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("start", "end", "precision", "message"),
    [
        (D(2023, 5, 2), D(2023, 5, 1), "day", "after"),
        (D(2023, 5, 2), None, "day", "both bounds"),
        (None, D(2023, 5, 2), "unknown", "both bounds"),
        (None, None, "day", "without bounds"),
        (D(2023, 5, 1), D(2023, 5, 2), "week", "precision must be"),
    ],
)
def test_inconsistent_intervals_are_refused(
    start: D | None, end: D | None, precision: str, message: str
) -> None:
    with pytest.raises(DateIntervalError, match=message):
        DateInterval(start, end, precision)  # type: ignore[arg-type]
    assert issubclass(DateIntervalError, ValueError)


# --- parse_published ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(2023, 5, 10), D(2023, 5, 10)),
        (datetime.datetime(2023, 5, 10, 8, 30), D(2023, 5, 10)),
        ("2023-05-10", D(2023, 5, 10)),
        ("  2023-05-10\n", D(2023, 5, 10)),
        ("2023-05-10T08:30:00Z", D(2023, 5, 10)),
        ("2023-05-10 08:30:00+09:00", D(2023, 5, 10)),
        ("10 May 2023", D(2023, 5, 10)),
        ("10th May 2023", D(2023, 5, 10)),
        ("May 10, 2023", D(2023, 5, 10)),
        ("Wednesday, May 10, 2023 8:30 AM EDT", D(2023, 5, 10)),
        ("Wed, 10 May 2023 08:30:00 +0000", D(2023, 5, 10)),
        ("2023/05/10", D(2023, 5, 10)),
        ("2023.05.10", D(2023, 5, 10)),
        ("2023/05/10 08:30", D(2023, 5, 10)),
        ("1850-01-01", None),
        ("Feb 29, 2024", D(2024, 2, 29)),
        ("Feb 29, 2023", None),
        ("2023-13-45", None),
        ("2023-02-30", None),
        ("May 2023", None),
        ("May 10", None),
        ("10-12 May 2023", None),
        ("yesterday", None),
        ("", None),
        ("   ", None),
        (None, None),
        (20230510, None),
        (1683676800.0, None),
        (True, None),
        (["2023-05-10"], None),
        ("x" * 10_000, None),
    ],
)
def test_parse_published(value: object, expected: D | None) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    ("value", "warning"),
    [
        ("2023-13-45", "published '2023-13-45' is not a valid date; ignored"),
        ("2023/02/30", "published '2023/02/30' is not a valid date; ignored"),
        ("yesterday", "published 'yesterday' is not a date like"),
        ("2101-06-01", "published '2101-06-01' is outside the years 1900–2100; ignored"),
        (20230510, "published 20230510 is a number, not a date; ignored"),
        ([[1, 2]] * 1000, "published is a list, not a date; ignored"),
        ("x" * 5000, "published 'xxxxxxx"),
    ],
)
def test_parse_published_says_why_a_value_is_ignored_in_one_short_line(
    value: object, warning: str
) -> None:
    warnings: list[str] = []
    assert parse_published(value, warnings) is None
    assert len(warnings) == 1
    assert warnings[0].startswith(warning)
    assert len(warnings[0]) < 200


# --- properties ---------------------------------------------------------------------------------

VOCABULARY = [
    "in", "on", "since", "last", "this", "next", "early", "mid-", "late", "the", "end of",
    "March", "march", "May", "may", "February", "Feb.", "Sept", "Wednesday", "Sunday",
    "14", "29", "31", "14th", "2023", "2024", "1990s", "2019–2021", "between", "and",
    "week", "weekend", "month", "year", "years", "recent", "months", "past", "few", "two",
    "a", "ago", "days", "hours", "today", "yesterday", "tomorrow", "earlier", "later",
    "recently", "will", "coming", "19-21", "2023-02-29", "2024-02-29", ",", ".", "-", "\n", "’s",
]  # fmt: skip
PUBLISHED = st.one_of(st.none(), st.dates())
DATE_LIKE_TEXT = st.lists(st.sampled_from(VOCABULARY), max_size=12).map(" ".join)


def _check(text: str, mentions: list[DateMention]) -> None:
    previous_end = 0
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
        assert mention.text
        assert mention.start >= previous_end
        previous_end = mention.end
        interval = mention.interval
        assert interval.precision in PRECISIONS
        if interval.start is None or interval.end is None:
            assert interval is DateInterval.UNKNOWN or interval == DateInterval.UNKNOWN
        else:
            assert interval.start <= interval.end


@given(st.text(max_size=300), PUBLISHED)
def test_find_dates_never_raises_on_arbitrary_text(text: str, published: D | None) -> None:
    _check(text, find_dates(text, published))


@given(DATE_LIKE_TEXT, PUBLISHED, st.sampled_from([None, True, False]))
def test_find_dates_is_consistent_on_date_like_text(
    text: str, published: D | None, future: bool | None
) -> None:
    mentions = find_dates(text, published, future=future)
    _check(text, mentions)
    interval = date_of_sentence(text, published, future=future)
    assert interval.is_resolved or published is None


@given(DATE_LIKE_TEXT, st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_explicit_dates_do_not_depend_on_publication(text: str, published: D) -> None:
    """Mentions that resolve without a publication date resolve the same way with one."""
    without = {(m.start, m.end): m.interval for m in find_dates(text, None)}
    for mention in find_dates(text, published):
        if (mention.start, mention.end) in without and without[
            mention.start, mention.end
        ].is_resolved:
            assert mention.interval == without[mention.start, mention.end]


@given(st.one_of(st.text(max_size=60), st.integers(), st.floats(), st.none(), st.dates()))
def test_parse_published_never_raises(value: object) -> None:
    result = parse_published(value)
    assert result is None or type(result) is D


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shelling resumed on 18/06 near the border post.", "2024-06-18"),
        ("The attack of 18/06/2023 was the deadliest.", "2023-06-18"),
        ("Troops crossed the river on 4/9, officials said.", "2024-04-09"),
        ("The embassy reopened (12/06) after a year.", "2024-06-12"),
    ],
)
def test_numeric_dates_read_against_the_publication(text: str, expected: str) -> None:
    found = [m for m in find_dates(text, datetime.date(2024, 6, 20)) if m.interval.is_resolved]
    assert found
    assert found[0].interval.start is not None
    assert found[0].interval.start.isoformat() == expected


@pytest.mark.parametrize("text", ["A ratio of 3/4 held.", "He scored 2/3 of the votes."])
def test_fractions_are_not_dates(text: str) -> None:
    assert find_dates(text, datetime.date(2024, 6, 20)) == []
