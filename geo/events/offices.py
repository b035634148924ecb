"""Offices of organisations and states that an article reports.

Liaison offices, embassies and consulates: opened, proposed or in talks (from opening
triggers), said to exist or to be closed, or named ("the Australian Embassy in Manila"); one
:class:`OfficeReport` per organisation and host, with the most advanced status.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from shapely.geometry import Point

from geo.events import lexicon as lx
from geo.events.lexicon import compile_pattern
from geo.events.negation import WORDS_AND_MARKS, hypothetical
from geo.events.reading import Context, Match, Reading
from geo.places.gazetteer import Place
from geo.records import (
    OFFICE_STATUS_RANK,
    Office,
    OfficeStatus,
    stable_id,
)

__all__ = ["OfficeFinding", "OfficeReport"]


@dataclass(slots=True)
class OfficeReport:
    """An office as reported so far: organisation, host, city, point, status, date."""

    org: str
    host: str
    city: str
    point: tuple[float, float]
    status: OfficeStatus
    since: datetime.date | None


#: Places an office's host city may be: a city, or a city-state emirate or province ("Dubai").
_CITY_KINDS = frozenset({"city", "admin1"})
_EXISTING = compile_pattern(lx.EXISTING_OFFICE)
_CLOSED = compile_pattern(lx.CLOSED_OFFICE)


class OfficeFinding(Reading):
    """Find the offices an article reports, one per organisation and host."""

    def _office_org(self, start: int, clause: tuple[int, int], word_start: int) -> str:
        """Who an office belongs to: "a NATO liaison office", "its embassy", "the office"."""
        near = [
            a
            for a in self.actors
            if start <= a.start and a.end <= word_start and word_start - a.end <= 30
        ]
        if near and not near[-1].locative:
            return near[-1].code
        if self.office_memory and re.search(
            r"\bthe\s+(\w+\s+)?$", self.text[word_start - 20 : word_start]
        ):
            return self.office_memory[0]
        subjects = [a for a in self.actors if clause[0] <= a.start < start and not a.locative]
        if subjects:
            return subjects[0].code
        return self.office_memory[0] if self.office_memory else ""  # the article's last office

    def _opening_office(
        self, match: Match, clause: tuple[int, int], actors: list[str]
    ) -> tuple[str, Place, Place | None] | None:
        word = list(lx.OFFICE_WORD.finditer(self.text, match.start, match.end))[-1]
        org = self._office_org(match.start, clause, word.start())
        named, host_from = self._named_office(word.start(), word.end())
        if named and not org:  # "the Embassy of Qatar in Doha"
            org = named[0]
        else:
            host_from = word.end()
        hosts = self._hosts(host_from, clause[1], first_only=True)
        if not hosts and self.office_memory is not None and org == self.office_memory[0]:
            remembered = self.gaz.get(self.office_memory[1])
            hosts = [remembered] if remembered else []
        if not hosts:  # "Japan is in talks to open a NATO liaison office"
            others = [a for a in actors if a != org and a in self.gaz.alpha2_by_alpha3]
            country = self._country_place(others[0]) if others else None
            hosts = [country] if country else []
        country = self._host_country(hosts[0]) if hosts else None
        if not org or country is None:
            return None
        city = hosts[0] if hosts[0].kind in _CITY_KINDS else None
        self.office_memory = (org, country.id, city.name if city else "")
        return org, country, city

    def _record_opening(
        self,
        match: Match,
        clause: tuple[int, int],
        actors: list[str],
        offices: dict[tuple[str, str, str], OfficeReport],
        *,
        planned: bool,
    ) -> tuple[str, Place, Place | None] | None:
        """Record the office an opening trigger reports; return its organisation, host, city."""
        report = self._opening_office(match, clause, actors)
        if report is None:
            return None
        org, host, city = report
        status: OfficeStatus = "open"
        if planned:
            in_talks = lx.IN_TALKS.search(self.text, clause[0], match.end)
            status = "in_talks" if in_talks else "proposed"
        self._add_office(offices, org, host, city, status, self.article.published)
        if lx.RECIPROCAL.search(self.text, clause[0], clause[1]):  # "in our respective capitals"
            home = self._country_place(org)
            if home is not None and self._alpha3(host):
                self._add_office(offices, self._alpha3(host), home, None, status, None)
        return report

    def _hosts(self, start: int, end: int, *, first_only: bool) -> list[Place]:
        """Host places named after an office word: "in Kyiv, Tbilisi and Vienna"."""
        found: list[Place] = []
        for mention in self.places:
            if not start <= mention.start < end:
                continue
            in_or_at = self._preceding(mention.start) in {"in", "at"}
            of_place = lx.LOCATIVE_OF.search(self.text, max(0, mention.start - 60), mention.start)
            if first_only and not in_or_at and of_place is None:  # "in the state of X"
                break
            if mention.place.kind in {"country", "city", "admin1", "island_group"}:
                found.append(mention.place)
                if first_only:
                    break
        return found

    def _host_country(self, place: Place) -> Place | None:
        return place if place.kind == "country" else self._country_place(self._alpha3(place))

    def _add_office(
        self,
        offices: dict[tuple[str, str, str], OfficeReport],
        org: str,
        host: Place,
        city: Place | None,
        status: OfficeStatus,
        since: datetime.date | None,
    ) -> None:
        point = (city or host).point
        report = offices.get((org, host.id, ""))
        if report is not None and city is not None and report.city not in {"", city.name}:
            report = offices.get((org, host.id, city.name))  # a second office in another city
            key = (org, host.id, city.name)
        else:
            key = (org, host.id, "")
        if report is None:
            city_name = city.name if city else ""
            offices[key] = OfficeReport(org, host.id, city_name, point, status, since)
            return
        if OFFICE_STATUS_RANK[status] > OFFICE_STATUS_RANK[report.status]:
            report.status = status
        if city is not None and not report.city:
            report.city, report.point = city.name, point
        report.since = report.since or since

    def _stated_offices(
        self, ctx: Context, body: int, offices: dict[tuple[str, str, str], OfficeReport]
    ) -> None:
        """Record offices said to exist ("NATO has liaison offices in ...") or to be closed."""
        text, end = self.text, ctx.sentence.end
        opened = [
            (m.start, m.end)
            for m in ctx.matches
            if m.trigger.type == "office_opening" and m.trigger.action != "office_closure"
        ]
        found: list[tuple[int, int, OfficeStatus, bool]] = [
            (h.start(), h.end(), "open", False) for h in _EXISTING.finditer(text, body, end)
        ]
        found += [(h.start(), h.end(), "closed", False) for h in _CLOSED.finditer(text, body, end)]
        for hit in lx.OFFICE_WORD.finditer(text, body, end):  # "the Australian Embassy in Manila"
            if hit.group().lower().startswith(("embass", "consul")):
                found.append((hit.start(), hit.end(), "open", True))
        for start, stop, status, named in found:
            word = list(lx.OFFICE_WORD.finditer(text, start, stop))[-1]
            if any(a < stop and start < b for a, b in opened) or not self._diplomatic_office(
                start, stop
            ):
                continue
            words = WORDS_AND_MARKS.findall(text[max(body, start - 60) : start])
            if hypothetical(words, "", noun_start=False):
                continue
            if lx.EXCLUDE_BEFORE["office_opening"].search(text[body : word.start()]):
                continue
            clause = ctx.clause_of(start)
            if named:
                orgs, host_from = self._named_office(word.start(), word.end())
            else:
                orgs, host_from = [self._office_org(start, clause, word.start())], word.end()
            for org in orgs:
                for host in self._hosts(host_from, clause[1], first_only=named):
                    country = self._host_country(host)
                    if org and country is not None and self._alpha3(country) != org:
                        city = host if host.kind in _CITY_KINDS else None
                        self._add_office(offices, org, country, city, status, None)
                        self.office_memory = (org, country.id, city.name if city else "")

    def _named_office(self, word_start: int, word_end: int) -> tuple[list[str], int]:
        """Return who a named embassy belongs to and where its host may be named.

        "the Australian Embassy in Manila", "Mexico's embassy in Lima", "Russian and Chinese
        embassy officials in Seoul", "the Embassy of Saudi Arabia in Damascus".
        """
        text, orgs = self.text, []
        before = [a for a in self.actors if a.end <= word_start and word_start - a.end <= 3]
        if before and text[before[-1].end : word_start] in {" ", "'s ", "’s "}:
            chain = [before[-1]]
            while True:
                earlier = [a for a in self.actors if a.end <= chain[-1].start]
                gap = text[earlier[-1].end : chain[-1].start] if earlier else ""
                if not earlier or gap not in {" and ", ", ", ", and "}:
                    break
                chain.append(earlier[-1])
            orgs = [a.code for a in reversed(chain)]
        host_from = word_end
        of = re.match(r"\s+of\s+(?:the\s+)?", text[word_end : word_end + 12])
        if not orgs and of is not None:
            after = [a for a in self.actors if a.start == word_end + of.end()]
            if after:
                orgs, host_from = [after[0].code], after[0].end
        staff = re.match(
            r"\s+(?:officials?|staff|diplomats?|building|compound|premises)\b",
            text[host_from : host_from + 20],
        )
        host_from += staff.end() if staff else 0
        if not re.match(r"\s+(?:in|at)\s", text[host_from : host_from + 5]):
            return [], host_from
        return orgs, host_from

    def _office_records(self, offices: dict[tuple[str, str, str], OfficeReport]) -> list[Office]:
        return [
            Office(
                id=stable_id("of", report.org, report.host, *key[2:3] if key[2] else ()),
                org=report.org,
                host_place_id=report.host,
                city=report.city,
                status=report.status,
                since=report.since,
                article_ids=(self.article.id,),
                geometry=Point(report.point),
                origin="extracted",
            )
            for key, report in offices.items()
        ]
