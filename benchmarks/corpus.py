"""Write a deterministic synthetic news corpus for scale benchmarks and distributed tests.

Every article is a Markdown file with YAML front matter (``title``, ``outlet``, ``published``,
``url`` on example.org) and a body of 2–8 KB built from sentence templates written for this
project: twelve families that state events (one per event type of ``geo.taxonomy``) and four
of neutral filler (economy, weather, quotes, background). Actors come from the demonyms of
``geo/data/actors.toml``; places come from the compiled gazetteer, drawn per kind (seas,
straits, island groups, regions, countries, cities) with weights rising steeply with their
importance, so well-known places dominate and the long tail still appears. Publication dates
are spread over 2019–2025 and the date expressions in the text ("on Tuesday", "last month",
"on 3 March 2022") are written relative to them. A share of the files are exact copies of an
earlier article under another name, and a share are broken (binary bytes, empty, front matter
that is not YAML).

The same seed (and the same compiled gazetteer) gives the same bytes in every file. Article
``i`` depends only on the seed and ``i``, so a smaller corpus is a prefix of a larger one
except for which files are duplicates or broken.

Usage::

    python benchmarks/corpus.py OUT_DIR --count 1000 [--seed 7]

A ``corpus.json`` beside the articles lists the duplicates and the broken files.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import itertools
import json
import random
import re
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.places.gazetteer import Gazetteer, load_gazetteer  # noqa: E402

ACTORS_FILE: Final = ROOT / "geo" / "data" / "actors.toml"
MIN_BYTES: Final = 2048
MAX_BYTES: Final = 8192
FIRST_DAY: Final = datetime.date(2019, 1, 1)
LAST_DAY: Final = datetime.date(2025, 12, 31)
BROKEN_KINDS: Final = ("binary", "empty", "bad_yaml")

# --- sentence templates ----------------------------------------------------------------------
# Slots: {A} {B} demonyms ("Russian"); {Acountry} {Bcountry} country names; {Acap} {Bcap}
# capitals; {org} an organisation as a noun phrase, {orgadj} as a modifier; {sea} {strait}
# {islands} {region} {country} {city} {city2} places; {date} a past date expression, {future}
# a future one, {year} {decade} a past year or decade; {n} {big} {pct} numbers; {missile}
# {ship} {aircraft} {topic} {official} vocabulary. "a" before a vowel becomes "an" afterwards.

EVENT_TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "exercise": (
        "{A} forces conducted large-scale drills in {sea} {date}, the defence ministry said.",
        "The {A} navy held live-fire exercises near {islands} {date}.",
        "{A} and {B} troops staged joint war games in {region} {date}, involving some {big} "
        "personnel.",
        "Warships from {Acountry} and {Bcountry} began a week of naval manoeuvres in {sea} {date}.",
        "{A} air force units carried out exercises over {sea} {date}, practising "
        "interceptions of mock targets.",
        "More than {n} ships took part in the {A}-led exercise off the coast of {country} {date}.",
        "{org} kicked off its annual exercises in {region} {date}, with forces from {n} member "
        "states.",
        "{A} marines trained alongside {B} units on beaches near {city} {date}.",
        "{Acountry} launched snap combat-readiness drills across its eastern military district "
        "{date}.",
        "{A} military drills around {islands} {date} were described in {Bcap} as a show of force.",
        "Exercises involving {A} and {B} submarines are scheduled to begin in {sea} {future}.",
        "The {A} army staged amphibious landing drills on the coast facing {islands} {date}.",
        "{A} pilots practised refuelling over {sea} {date}, the air force said.",
        "{A} coast guard vessels held search-and-rescue drills with {B} crews near {city} {date}.",
        "Around {big} {A} troops are taking part in the exercises in {region}, which run until "
        "the end of the month.",
        "The {A} and {B} navies conducted a joint anti-submarine exercise in {sea} {date}.",
        "The {A} defence ministry said its forces had conducted command-post exercises near the "
        "border with {country} {date}.",
        "{Acountry} staged a rare show of force in {sea} {date}, sending {n} warships into the "
        "area.",
        "{A} special forces held night-time drills outside {city} {date}, according to state "
        "media.",
        "{Acountry} and {Bcountry} began their biggest joint military exercise in years in "
        "{region} {date}.",
        "The {A} air force conducted a series of exercises with {aircraft} over {sea} {date}.",
        "Troops from {n} {orgadj} members joined exercises in {country} {date}.",
        "{A} warships started live-fire drills in {strait} {date}, closing the area to shipping.",
        "{A} and {B} forces drilled together in {region} {date} for the first time since {year}.",
        "The {A} navy carried out tactical manoeuvres east of {islands} {date}.",
        "{A} artillery units held live-fire exercises at a range near {city} {date}.",
        "The {A} and {B} air forces held a joint air-defence exercise over {sea} {date}.",
    ),
    "missile_launch": (
        "{Acountry} fired a {missile} into {sea} {date}, {B} officials said.",
        "The {A} military test-fired {n} short-range missiles from a site near {city} {date}.",
        "{A} forces launched a {missile} that flew about {big} km before landing in {sea} {date}.",
        "A {missile} was launched from the {A} coast toward {sea} {date}, the {B} joint chiefs "
        "said.",
        "{Acountry} conducted a test of a new hypersonic missile over {sea} {date}.",
        "The {A} leader oversaw the test launch of a {missile} {date}, state media reported.",
        "{Acountry} test-launched a submarine-launched ballistic missile off the coast near "
        "{city} {date}.",
        "{A} forces fired a salvo of cruise missiles into waters off {islands} {date}.",
        "Several rockets were fired from {region} toward {sea} {date}, the {B} military said.",
        "{Acountry} launched an ICBM on a lofted trajectory that splashed down in {sea} {date}.",
        "{A} engineers test-fired a solid-fuel rocket engine at a site near {city} {date}.",
        "The {A} navy test-fired an anti-ship missile in {sea} {date}.",
        "{Acountry} fired {n} ballistic missiles toward {sea} {date}, prompting {B} protests.",
        "{Acountry} launched a {missile} {date} that flew over {islands} before falling into "
        "{sea}.",
        "{A} forces tested a new air-defence missile at a range near {city} {date}.",
        "The {A} rocket force fired missiles into designated zones around {islands} {date}.",
        "{Acountry} lobbed {n} artillery rockets into {sea} {date}, the {B} defence ministry said.",
        "The {A} military said it had test-fired a long-range cruise missile over {sea} {date}.",
        "{Acountry} fired a {missile} from {region} {date} that landed inside {B} waters.",
        "{A} scientists launched a satellite carrier rocket from a site near {city} {date}, a "
        "launch {B} officials called a disguised missile test.",
        "The {A} army test-fired a new multiple rocket launcher near the border with {country} "
        "{date}.",
        "{Acountry} launched {n} missiles from submarines in {sea} {date}, the navy said.",
        "A hypersonic missile was test-fired by {A} forces over {sea} {date}.",
        "{A} forces fired {n} short-range ballistic missiles off the east coast {date}, the "
        "third launch this month.",
        "The {A} defence ministry confirmed it had launched an intermediate-range missile over "
        "{sea} {date}.",
        "{Acountry} carried out a missile test in {region} {date}, monitoring groups said.",
    ),
    "patrol": (
        "{A} and {B} bombers flew a joint patrol over {sea} {date}.",
        "{A} warships conducted a patrol through {strait} {date}, the navy said.",
        "A {A} destroyer sailed through {strait} {date} in what the navy called a routine transit.",
        "The {A} coast guard patrolled waters around {islands} {date}.",
        "{A} maritime patrol aircraft flew surveillance missions over {sea} {date}.",
        "The {A} navy carried out a freedom-of-navigation operation near {islands} {date}.",
        "{A} and {B} vessels held joint patrols in {sea} {date}, the first since {year}.",
        "{A} aircraft conducted reconnaissance flights along the coast of {country} {date}.",
        "The {A} navy stepped up patrols in {sea} {date} after a series of incidents.",
        "{A} coast guard cutters began regular patrols near {islands} {date}.",
        "A {A} frigate sailed across {strait} {date}, shadowed by {B} ships.",
        "The {A} and {B} navies launched joint patrols in {sea} {date} to guard shipping lanes.",
        "The {A} navy increased patrols in {strait} {date}, its spokesman said.",
        "{A} drones flew {n} surveillance sorties over {sea} {date}.",
        "{A} fighter jets intensified air patrols over {region} {date}.",
        "{A} submarines have been patrolling {sea} for weeks, officials said {date}.",
        "{A} ships resumed patrols in waters off {islands} {date}.",
        "Two {A} warships sailed through {strait} {date}, the {B} defence ministry said.",
        "{A} coast guard ships undertook a joint patrol with {B} vessels in {sea} {date}.",
        "The {A} air force conducted long-range patrols over {sea} {date}, refuelling in mid-air.",
        "{A} naval vessels steamed through {strait} {date} on their way to {sea}.",
        "{A} border guards mounted patrols along the frontier with {country} {date}.",
        "{org} began air policing patrols over {region} {date}.",
        "{A} and {B} warships conducted a joint sail in {sea} {date}.",
        "{A} navy ships held a patrol near {islands} {date}, the third this year.",
        "{A} forces flew reconnaissance missions near {region} {date}.",
    ),
    "incursion": (
        "{A} military aircraft entered {B} airspace near {islands} {date}, the {B} defence "
        "ministry said.",
        "A total of {n} {A} fighter jets crossed the median line in {strait} {date}.",
        "{A} coast guard vessels entered the territorial waters around {islands} {date}.",
        "A {A} drone violated the airspace of {Bcountry} {date}, officials said.",
        "{A} coast guard ships fired water cannon at a {B} supply boat near {islands} {date}.",
        "A {A} vessel rammed a {B} fishing boat near {islands} {date}.",
        "{A} bombers flew close to the coast of {Bcountry} {date}, prompting {B} jets to scramble.",
        "{A} aircraft entered the {B} air defence identification zone {date}.",
        "{A} forces seized a tanker in {strait} {date}.",
        "A {A} fighter jet made a dangerous intercept of a {B} surveillance plane over {sea} "
        "{date}.",
        "{A} coast guard vessels blocked the path of a {B} resupply ship near {islands} {date}.",
        "{A} troops crossed the line of control near {city} {date}, the {B} army said.",
        "As many as {n} {A} warships intruded into {B} territorial waters near {islands} {date}.",
        "A {A} fighter dumped fuel in front of a {B} drone over {sea} {date}.",
        "{A} military drones flew over {city} {date}, according to the {B} defence ministry.",
        "{A} jets briefly penetrated {B} airspace near {city} {date}.",
        "{A} sailors boarded a {B} freighter in {sea} {date}.",
        "The {B} navy said a {A} submarine had entered its territorial waters near {islands} "
        "{date}.",
        "{A} military aircraft strayed into {B} airspace {date}, the {B} foreign ministry said.",
        "{A} vessels harassed {B} fishing boats near {islands} {date}.",
        "A {A} jet struck the propeller of a {B} drone over {sea} {date}.",
        "{A} patrol boats encroached on {B} territorial waters near {islands} {date}.",
        "{A} drones operated inside {B} airspace for several hours {date}.",
        "A {A} warship collided with a {B} coast guard vessel near {islands} {date}.",
        "{A} fishing vessels escorted by coast guard ships trespassed in waters off {islands} "
        "{date}.",
        "{A} helicopters flew near {islands} {date}, the {B} coast guard said.",
    ),
    "armed_attack": (
        "{A} forces shelled positions near {city} {date}, killing {n} soldiers.",
        "{A} drones attacked an oil depot in {city} {date}, regional officials said.",
        "{A} forces launched an offensive in {region} {date}.",
        "A {A} airstrike on a village near {city} {date} killed {n} civilians.",
        "{A} artillery pounded {B} positions along the front near {city} {date}.",
        "{A} troops ambushed a {B} convoy near {city} {date}.",
        "{A} and {B} troops clashed along the disputed border near {city} {date}.",
        "{A} warplanes struck targets in {region} {date}, the military said.",
        "{A}-backed rebels fired missiles at a tanker in {sea} {date}.",
        "A {B} warship was damaged by a drone in {sea} {date}.",
        "{A} forces mounted a cross-border raid into {region} {date}.",
        "{A} forces invaded {country} {date}.",
        "The {A} army bombed militant camps in {region} {date}.",
        "Cross-border shelling from {A} positions killed {n} villagers near {city} {date}.",
        "{A} forces carried out airstrikes against targets in {country} {date}.",
        "Unprovoked fire from {A} posts wounded {n} {B} soldiers near {city} {date}.",
        "{A} missiles hit infrastructure in {city} {date}, cutting power to thousands.",
        "{A} troops opened fire at {B} positions near {city} {date}.",
        "A {A} attack on a {B} base near {city} {date} killed {n} soldiers, officials said.",
        "{A} gunboats attacked a {B} vessel in {strait} {date}.",
        "{A} forces targeted ammunition depots near {city} {date}.",
        "{A} special forces staged a raid on a {B} outpost in {region} {date}.",
        "{A} aircraft bombarded towns in {region} {date}.",
        "{A} troops killed {n} militants in a raid near {city} {date}.",
        "The {A} military struck {B} military bases in {region} {date}.",
        "{A} forces launched a barrage of rockets at {city} {date}.",
    ),
    "buildup": (
        "{Acountry} deployed an additional {big} troops to the border with {Bcountry} {date}.",
        "The {A} navy sent {n} warships to {sea} {date}.",
        "{A} forces moved air-defence systems to {islands} {date}.",
        "{Acountry} stationed fighter jets at an airbase near {city} {date}.",
        "{A} troops arrived in {country} {date} as part of a new military rotation.",
        "{B} analysts tracked a {A} military buildup near {city} {date}.",
        "{Acountry} expanded its navy rapidly, adding {n} warships {date}.",
        "{A} commanders formed a new army corps in {region} {date}.",
        "{Acountry} rushed reinforcements to {region} {date}.",
        "The {A} military dispatched a carrier strike group to {sea} {date}.",
        "{Acountry} amassed tanks and artillery near {city} {date}, {B} intelligence said.",
        "{Acountry} redeployed {n} bombers to a base near {city} {date}.",
        "{Acountry} boosted its military presence in {region} {date} with {big} extra troops.",
        "{A} marines landed on {islands} {date} to reinforce the naval garrison there.",
        "{Acountry} bolstered its forces in {region} {date}.",
        "The {A} army massed armoured units near the frontier with {country} {date}.",
        "{Acountry} deployed long-range missiles to {region} {date}.",
        "{A} military instructors arrived in {country} {date}.",
        "{Acountry} reinforced its garrison on {islands} with anti-ship missiles {date}.",
        "{Acountry} moved {n} destroyers into {sea} {date}.",
        "{Acountry} began stationing troops permanently in {country} {date}.",
        "The {A} government grew its coast guard fleet by {n} cutters {date}.",
        "{Acountry} sent warships to {strait} {date} amid rising tension.",
        "{Acountry} formed a new division {date} to defend {region}.",
        "{A} personnel and equipment arrived at a new base near {city} {date}, the defence "
        "ministry said.",
        "{Acountry} deployed drones and attack helicopters to {islands} {date}.",
    ),
    "visit": (
        "The {A} foreign minister visited {Bcap} {date} for two days of meetings.",
        "The {A} president made a state visit to {Bcountry} {date}.",
        "The {A} defence minister arrived in {Bcap} {date} on an unannounced trip.",
        "The {A} prime minister paid an official visit to {Bcap} {date}.",
        "A {A} delegation travelled to {city} {date} to inspect reconstruction projects.",
        "The {A} envoy visited {country} {date}, the first such trip in a decade.",
        "The {orgadj} secretary-general visited {Bcap} {date}.",
        "The {A} president made transit stops in {city} {date} on his way to {Bcap}.",
        "{A} lawmakers visited {islands} {date}, angering {Bcountry}.",
        "The {A} navy chief undertook a tour to {region} {date}.",
        "The {A} foreign minister flew to {Bcap} {date} for a round of meetings.",
        "The {A} king paid a visit to {city} {date}.",
        "The {A} defence chief visited {region} {date} to meet troops stationed there.",
        "A {A} parliamentary delegation arrived in {Bcap} {date}.",
        "The {A} prime minister headed to {Bcap} {date} for a summit.",
        "The {A} president visited {city} {date}, his first trip abroad this year.",
        "The {A} foreign secretary made a surprise trip to {Bcap} {date}.",
        "The {A} ambassador visited {city} {date} to meet local officials.",
        "The {A} trade minister arrived in {city} {date} at the head of a business delegation.",
        "The {A} leader visited {Bcountry} {date}, the first such visit in {n} years.",
        "The {A} crown prince paid a two-day visit to {Bcountry} {date}.",
        "The {A} premier visited {Bcap} and {city} {date}.",
        "The {A} interior minister travelled to {city} {date} to discuss border security.",
        "The {orgadj} envoy visited {region} {date}.",
        "A {A} ministerial delegation made a week-long trip to {country} {date}.",
        "The {A} chancellor landed in {Bcap} {date} for a two-day visit.",
    ),
    "talks": (
        "{A} and {B} officials held talks in {city} {date} on {topic}.",
        "The {A} foreign minister met his {B} counterpart in {city} {date}.",
        "{A} and {B} negotiators resumed talks in {city} {date}.",
        "{Acountry} hosted a regional security summit in {Acap} {date}.",
        "The {A} and {B} leaders spoke by phone {date} about {topic}.",
        "{A} officials negotiated with {B} counterparts in {city} {date}.",
        "Delegations from {Acountry} and {Bcountry} began consultations in {city} {date}.",
        "A new round of talks between {Acountry} and {Bcountry} is scheduled to take place in "
        "{city} {future}.",
        "The {A} president met the {orgadj} secretary-general in {city} {date}.",
        "{Acountry} and {Bcountry} held a strategic dialogue in {Bcap} {date}.",
        "The {A} defence minister held a phone call with his {B} counterpart {date}.",
        "{A} diplomats consulted with {B} officials in {city} {date} about {topic}.",
        "{Acountry} hosted {B} negotiators in {Acap} {date}.",
        "Talks between {A} and {B} officials were held in {city} {date}.",
        "{orgadj} foreign ministers met in {city} {date} to discuss {topic}.",
        "The {A} prime minister attended a summit in {city} {date}.",
        "{A} and {B} military officers held a meeting at the border near {city} {date}.",
        "{A} and {B} trade ministers launched negotiations on a new trade deal in {city} {date}.",
        "The {A} and {B} national security advisers met in {city} {date}.",
        "{A} officials joined talks in {city} {date} on {topic}.",
        "Senior {A} and {B} diplomats conducted consultations in {Bcap} {date}.",
        "The {A} leader chaired a summit of regional leaders in {Acap} {date}.",
        "{A} and {B} coast guard commanders met in {city} {date} to discuss {topic}.",
        "{A} envoys started talks with {B} officials in {city} {date}.",
        "The {A} foreign minister spoke by telephone with his {B} counterpart {date}.",
        "{A} and {B} officials held a fourth round of talks in {city} {date}.",
    ),
    "accession": (
        "{Acountry} formally joined {org} {date}.",
        "{Acountry} became the {nth} member of {org} {date}.",
        "{Acountry} and {Bcountry} signed a defence cooperation agreement in {city} {date}.",
        "{A} and {B} officials signed a memorandum on maritime security in {city} {date}.",
        "{Acountry} and {Bcountry} reached a ceasefire agreement {date} after weeks of fighting.",
        "A reciprocal access agreement between {Acountry} and {Bcountry} was signed in {city} "
        "{date}.",
        "{Acountry} and {Bcountry} concluded a free trade deal in {city} {date}.",
        "{Acountry} became a full member of {org} {date} after years of negotiations.",
        "{Acountry} signed a security pact with {Bcountry} {date}.",
        "{Acountry} and {Bcountry} agreed a truce {date}, mediators in {city} said.",
        "A border treaty was concluded between {Acountry} and {Bcountry} {date}.",
        "{A} and {B} ministers inked a strategic partnership in {city} {date}.",
        "{Acountry} joined {org} as an observer {date}.",
        "{Acountry} and {Bcountry} sealed an arms deal worth ${big} million {date}.",
        "{Acountry} signed up to the {orgadj} defence pact {date}.",
        "{Acountry} and {Bcountry} struck a deal on fishing rights around {islands} {date}.",
        "{Acountry} and {Bcountry} signed a declaration on maritime cooperation in {city} {date}.",
        "{Acountry} became a signatory to the regional maritime code of conduct {date}.",
        "A status of forces agreement between {Acountry} and {Bcountry} was reached {date}.",
        "{A} and {B} negotiators clinched a deal on prisoner exchanges in {city} {date}.",
        "{Acountry} joined {org} {date}, ending decades of neutrality.",
        "{Acountry} and {Bcountry} concluded a treaty on their maritime boundary in {sea} {date}.",
        "{Acountry} signed an accord with {Bcountry} on energy cooperation {date}.",
        "The {A} and {B} governments agreed a partnership on critical minerals {date}.",
        "{Acountry} became part of the {orgadj} partnership programme {date}.",
        "{Acountry} and {Bcountry} signed a memorandum of understanding on coast guard "
        "cooperation in {city} {date}.",
    ),
    "office_opening": (
        "{org} opened a liaison office in {city} {date}.",
        "{Acountry} reopened its embassy in {Bcap} {date} after a {n}-year closure.",
        "{Acountry} established a consulate in {city} {date}.",
        "{Acountry} set up a trade office in {city} {date}.",
        "The opening of a {A} representative office in {city} {date} drew a protest from "
        "{Bcountry}.",
        "{Acountry} inaugurated a new embassy in {Bcap} {date}.",
        "{Acountry} and {Bcountry} held talks about opening consulates in {city} and {city2} "
        "{date}.",
        "{org} established a permanent mission in {Bcap} {date}.",
        "{Acountry} opened a consulate-general in {city} {date}.",
        "The reopening of the {A} embassy in {Bcap} {date} ended years of frozen ties.",
        "{Acountry} plans to open an embassy in {Bcap} {future}, its foreign ministry said.",
        "{Acountry} opened a diplomatic mission in {city} {date}.",
        "{Acountry} set up a representative office in {city} {date}.",
        "{Acountry} re-opened its consulate in {city} {date}.",
        "{A} officials inaugurated a trade mission in {city} {date}.",
        "The establishment of a {orgadj} liaison office in {city} was announced {date}.",
        "{Acountry} opened an interests office in {Bcap} {date}.",
        "{Acountry} established diplomatic missions in {city} and {city2} {date}.",
        "{Acountry} opened its first embassy in {region}, in {city}, {date}.",
        "{orgadj} officials set up a liaison office in {city} {date} to coordinate aid.",
        "{Acountry} reopened its consulate-general in {city} {date}.",
        "Discussions on a {orgadj} office in {city} began {date}.",
        "{Acountry} opened a new trade office in {city} {date} to promote exports.",
        "{Acountry} established an embassy in {Bcap} {date}, {n} years after recognising "
        "{Bcountry}.",
        "The {A} foreign ministry opened a consulate in {city} {date}.",
        "{Acountry} inaugurated a liaison office in {city} {date}.",
    ),
    "territorial_claim": (
        "{Acountry} reiterated {date} that it claims {islands}.",
        "{Acountry} insists that {islands} are its sovereign territory.",
        "{Acountry} regards {islands} as part of its territory.",
        "{A} officials asserted sovereignty over {islands} {date}.",
        "{Acountry} claimed sovereignty over most of {sea} {date}.",
        "{Acountry} annexed {region} {date}.",
        "{Acountry} considers {region} a province of its own.",
        "{Acountry} declared sovereignty over the waters around {islands} {date}.",
        "{A} lawmakers passed a bill {date} restating that {Acountry} claims {islands}.",
        "{Acountry} reasserted sovereignty over {islands} {date}.",
        "{Acountry} views {islands} as an inseparable part of its territory.",
        "{Acountry} claims {islands}, which {Bcountry} administers.",
        "{Acountry} restored sovereignty over {region} {date}, officials in {Acap} said.",
        "The {A} government insisted {date} that {region} is {A} territory.",
        "{Acountry} extended sovereignty over a wider strip of {sea} {date}.",
        "{Acountry} continues to claim {islands}, which it calls part of its territory.",
        "{Acountry} claimed {islands} in a new national map published {date}.",
        "{Acountry} considers the waters around {islands} to be part of its territory.",
        "{Acountry} claims most of {sea}, including {islands}.",
        "{A} officials said {date} that {Acountry} regards {region} as its sovereign territory.",
        "{Acountry} claimed {region} as its own territory {date}.",
        "{Acountry} annexed {region} {date}, a move few countries recognised.",
        "{Acountry} again claimed sovereignty over {islands} {date}.",
        "{A} leaders insist that {islands} belong to {Acountry}'s territory.",
        "{Acountry} claims all of {region}.",
        "{Acountry} regards {Bcountry} as a breakaway province.",
    ),
    "criticism": (
        "{Acountry} condemned the {B} drills as provocative {date}.",
        "The {A} foreign ministry summoned the {B} ambassador {date} over the incident.",
        "{A} officials accused {Bcountry} of violating the ceasefire {date}.",
        "{Acountry} lodged a formal protest with {Bcountry} {date}.",
        "The {A} government warned {Bcountry} against further deployments near {islands} {date}.",
        "{A} diplomats denounced the {B} missile programme at the United Nations {date}.",
        "{Acountry} urged {Bcountry} to halt its military activity near {islands} {date}.",
        "The {A} defence ministry called the {B} manoeuvres a dangerous provocation {date}.",
        "{Acountry} criticised {Bcountry} {date} for detaining {n} of its fishermen.",
        "The {A} president rebuked {Bcountry} for its conduct in {sea} {date}.",
        "{Acountry} threatened {date} to respond to any violation of its waters.",
        "{org} condemned the seizure of ships in {sea} {date}.",
        "{Acountry} objected to {B} survey ships near {islands} {date}.",
        "{A} officials deplored the loss of life in {city} {date}.",
        "{Acountry} called on {Bcountry} to withdraw its troops from {region} {date}.",
        "{A} diplomats protested {date} against the detention of a {A} fishing crew near "
        "{islands}.",
        "{Acountry} slammed the {B} decision as unacceptable {date}.",
        "The {A} foreign ministry issued a warning to {Bcountry} {date}.",
        "{Acountry} accused {B} forces of targeting civilian areas near {city} {date}.",
        "{A} officials called the {B} survey flights illegal {date}.",
        "{Acountry} censured {Bcountry} at a meeting of {org} {date}.",
        "The {A} foreign minister warned against any change to the status quo in {strait} {date}.",
        "{Acountry} pressed {Bcountry} to release the detained sailors {date}.",
        "The {A} embassy in {Bcap} lodged a complaint over the incident {date}.",
        "{Acountry} lambasted {Bcountry} for its military buildup near {city} {date}.",
        "{A} leaders said {date} that {Bcountry} must respect the sovereignty of its neighbours.",
    ),
}

FILLER_TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "economy": (
        "Shares in {A} shipping companies fell {pct} per cent in early trading.",
        "The {A} currency weakened against the dollar for a third straight session.",
        "Insurers have raised premiums for vessels crossing {sea}, traders said.",
        "Trade between {Acountry} and {Bcountry} reached ${big} million last year, according to "
        "customs data.",
        "Oil prices rose {pct} per cent on concerns about supply routes through {strait}.",
        "Fishing communities in {city} depend heavily on catches from nearby waters.",
        "The port of {city} handled a record volume of containers in the first quarter.",
        "Economists expect growth in {Acountry} to slow to {pct} per cent this year.",
        "Freight rates on routes through {strait} have doubled since the start of the year.",
        "{A} exporters have complained about delays at the border crossing near {city}.",
        "Tourism to {islands} has dropped sharply, local businesses say.",
        "The central bank of {Acountry} left interest rates unchanged at its latest review.",
        "Investors in {city} are watching the dispute closely, brokers said.",
        "Natural gas output from fields in {sea} has risen steadily.",
        "Food prices in {city} have climbed {pct} per cent over the past year.",
        "The shipping lane through {strait} carries a large share of the region's traded oil.",
        "{A} manufacturers rely on components shipped across {sea}.",
        "A new rail link between {city} and {city2} started carrying freight in the spring.",
        "The government in {Acap} has promised subsidies to fishermen affected by the closures.",
        "Exports of grain from {city} resumed after a pause of several weeks.",
        "Unemployment in the region stands at about {pct} per cent.",
        "Container traffic at {city} fell by {pct} per cent compared with a year earlier.",
        "The {A} stock index closed {pct} per cent lower.",
        "Energy companies have postponed drilling plans in {sea} because of the tensions.",
        "Remittances from workers abroad make up a large share of household income in {city}.",
        "Prices for rice and cooking oil in {city} markets have stabilised.",
    ),
    "weather": (
        "Heavy rain was forecast for {city} later in the week.",
        "Rough seas in {sea} have delayed several fishing fleets.",
        "Temperatures in {city} reached {temp} degrees Celsius on the day.",
        "A typhoon passing near {islands} disrupted flights for two days.",
        "Fog over {strait} slowed commercial traffic, port officials said.",
        "Forecasters expect winds in {sea} to ease by the weekend.",
        "Snow closed mountain roads around {city}.",
        "The monsoon season usually brings storms to {region} from June.",
        "Visibility at the airport in {city} was poor because of smog.",
        "A heatwave has gripped {region} for most of the month.",
        "Ice cover in {sea} is thinner than usual this winter, scientists said.",
        "Flooding along the coast near {city} forced hundreds of families from their homes.",
        "Calm weather allowed fishing boats from {city} to return to sea.",
        "A storm warning remained in force for the coast of {country}.",
        "Dust storms swept across {region} earlier in the week.",
        "Cold air from the north brought frost to {city}.",
        "Sea temperatures in {sea} have risen by about one degree over a decade.",
        "Strong currents in {strait} make navigation difficult in winter.",
        "Drought has left reservoirs near {city} at a third of their capacity.",
        "Meteorologists expect a mild winter across {region}.",
        "Waves of up to {n} metres were recorded off {islands}.",
        "Cyclone season in {sea} runs from November to April.",
        "Thick cloud hid the coastline from satellites for several days.",
        "The rainy season arrived early in {city} this year.",
        "Gales are common in {strait} at this time of year.",
    ),
    "quotes": (
        '"We are watching the situation very closely," a {A} official said.',
        '"Our priority is the safety of our citizens," the {A} foreign ministry said in a '
        "statement.",
        '"This is a difficult moment for the whole region," said a diplomat in {city}.',
        '"Nobody wants an accident at sea," a retired {A} admiral told reporters.',
        '"We remain open to dialogue," a spokesperson for the {B} government said.',
        '"The people of {city} just want to live normally," a local teacher said.',
        '"It is too early to say what comes next," one analyst in {Acap} said.',
        '"We have made our position clear many times," the {A} spokesperson said.',
        '"These waters have fed our families for generations," a fisherman from {city} said.',
        '"There is no military solution," a {orgadj} official said.',
        '"The situation remains calm but tense," a resident of {city} said.',
        '"We will defend every inch of our land," the {A} president said.',
        '"Our doors are always open," the ambassador said.',
        '"It was a long night," said a nurse at the hospital in {city}.',
        '"Shipping companies need predictability," said the head of a trade group in {city}.',
        '"We hope common sense prevails," a {B} lawmaker said.',
        '"History will judge these decisions," a former {A} diplomat wrote in a newspaper column.',
        '"Everyone here has relatives on both sides," said a shopkeeper in {city}.',
        '"We do not comment on operational matters," a {A} military spokesperson said.',
        '"The next few weeks will be decisive," an official in {Acap} said.',
        '"Our fishermen have the right to work in these waters," a {A} provincial governor said.',
        '"We are ready for any scenario," a {A} general told state television.',
        '"This is about the rules that keep trade flowing," a diplomat in {Bcap} said.',
        '"We have asked everyone to stay calm," a spokesperson for {org} said.',
        '"I have never seen so many ships here," a ferry captain in {city} said.',
    ),
    "background": (
        "{Acountry} and {Bcountry} have disputed the area for decades.",
        "The two countries fought a brief war in {year}.",
        "{islands} lie near rich fishing grounds and possible oil and gas reserves.",
        "{strait} is one of the busiest shipping lanes in the world.",
        "Relations between {Acap} and {Bcap} have been strained since {year}.",
        "{Acountry} has a population of about {n} million.",
        "{city} lies about {big} km from the nearest border crossing.",
        "The region has seen repeated flare-ups over the past decade.",
        "{org} has widened its agenda in the region in recent years.",
        "Diplomatic ties between {Acountry} and {Bcountry} were established in {year}.",
        "{A} officials say the area has belonged to their country since ancient times.",
        "The maritime boundary in {sea} has never been settled.",
        "{city} is home to a large {A} community.",
        "{sea} has long been an important route for trade between Asia and Europe.",
        "The dispute dates back to the end of the nineteenth century.",
        "{Acountry} spends about {pctsmall} per cent of its economic output on defence.",
        "Both governments describe their ties as stable despite occasional friction.",
        "The area saw heavy fighting during the war in the {decade}.",
        "International courts have been asked to rule on similar disputes in the past.",
        "{city} grew up around a trading post in the {century} century.",
        "Earlier efforts in the {decade} failed to produce a settlement.",
        "The population of {islands} is small, and most residents work in fishing or tourism.",
        "{region} has a long history of rivalry between larger powers.",
        "{Acountry} and {Bcountry} share a land border of about {big} km.",
        "Most of the country's trade passes through the port of {city}.",
    ),
}

TITLE_TEMPLATES: Final[dict[str, tuple[str, ...]]] = {
    "exercise": (
        "{A} forces hold drills in {sea}",
        "{A} and {B} troops begin joint exercises in {region}",
        "Live-fire drills near {islands} raise tension",
    ),
    "missile_launch": (
        "{Acountry} fires {missile} into {sea}",
        "{Acountry} tests new missile as {B} officials watch",
        "Missile launch near {city} alarms neighbours",
    ),
    "patrol": (
        "{A} warships patrol {strait}",
        "{A} and {B} bombers fly joint patrol over {sea}",
        "Patrols stepped up around {islands}",
    ),
    "incursion": (
        "{A} aircraft enter {B} airspace near {islands}",
        "Coast guard standoff near {islands}",
        "{B} reports {A} incursion in {strait}",
    ),
    "armed_attack": (
        "{A} forces strike targets in {region}",
        "Shelling near {city} kills {n}",
        "Fighting flares near {city}",
    ),
    "buildup": (
        "{Acountry} deploys more troops to {region}",
        "{A} buildup near {city} worries {Bcountry}",
        "{Acountry} sends warships to {sea}",
    ),
    "visit": (
        "{A} foreign minister visits {Bcap}",
        "{A} leader makes first trip to {Bcountry}",
        "{A} delegation arrives in {city}",
    ),
    "talks": (
        "{A} and {B} officials hold talks in {city}",
        "{Acountry} and {Bcountry} resume negotiations",
        "Leaders meet in {city} on {topic}",
    ),
    "accession": (
        "{Acountry} joins {org}",
        "{Acountry} and {Bcountry} sign defence pact",
        "Ceasefire agreement reached in {city}",
    ),
    "office_opening": (
        "{orgadj} opens liaison office in {city}",
        "{Acountry} reopens embassy in {Bcap}",
        "{Acountry} sets up consulate in {city}",
    ),
    "territorial_claim": (
        "{Acountry} restates claim to {islands}",
        "Dispute over {islands} flares again",
        "{Acountry} asserts sovereignty over {sea}",
    ),
    "criticism": (
        "{Acountry} condemns {B} drills",
        "{Acountry} summons {B} envoy",
        "{A} officials protest over {islands}",
    ),
}

OUTLETS: Final = (
    "Meridian Wire",
    "Harbour Ledger",
    "Northern Dispatch",
    "Coastline Herald",
    "Continental Review",
    "Strait Times Digest",
    "Frontier Bulletin",
    "Atlas Report",
    "Lighthouse News",
    "Compass Daily",
    "Parallel Post",
    "Tidewater Chronicle",
)
MISSILES: Final = (
    "ballistic missile",
    "short-range ballistic missile",
    "cruise missile",
    "hypersonic missile",
    "intercontinental ballistic missile",
    "medium-range missile",
)
AIRCRAFT: Final = ("fighter jets", "bombers", "tanker aircraft", "transport planes", "drones")
TOPICS: Final = (
    "fishing rights",
    "maritime security",
    "the border dispute",
    "prisoner exchanges",
    "energy supplies",
    "trade barriers",
    "a possible ceasefire",
    "nuclear safety",
    "refugee returns",
    "water sharing",
    "cyber security",
    "grain exports",
)
ORGANISATIONS: Final = (
    ("NATO", "NATO"),
    ("the European Union", "EU"),
    ("the African Union", "African Union"),
    ("ASEAN", "ASEAN"),
    ("the Arab League", "Arab League"),
    ("the Gulf Cooperation Council", "GCC"),
    ("ECOWAS", "ECOWAS"),
    ("the CSTO", "CSTO"),
    ("the OSCE", "OSCE"),
    ("the Shanghai Cooperation Organisation", "SCO"),
    ("the Pacific Islands Forum", "Pacific Islands Forum"),
    ("the United Nations", "UN"),
)
COUNTRY_NAMES: Final = {
    "CHN": "China",
    "USA": "the United States",
    "GBR": "the United Kingdom",
    "COD": "the Democratic Republic of the Congo",
    "COG": "the Republic of the Congo",
    "PHL": "the Philippines",
    "NLD": "the Netherlands",
    "ARE": "the United Arab Emirates",
    "CAF": "the Central African Republic",
    "DOM": "the Dominican Republic",
    "CZE": "the Czech Republic",
    "BHS": "the Bahamas",
    "MDV": "the Maldives",
    "GMB": "the Gambia",
}
MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ORDINALS: Final = ("tenth", "eleventh", "twelfth", "fifteenth", "twentieth", "thirty-second")
CENTURIES: Final = ("sixteenth", "seventeenth", "eighteenth", "nineteenth")
# Place kinds per slot, and the power the importance is raised to for the draw.
PLACE_SLOTS: Final = {
    "sea": (("sea", "ocean"), 1.0),
    "strait": (("strait",), 1.0),
    "islands": (("island_group",), 1.0),
    "region": (("region",), 1.0),
    "country": (("country",), 50.0),
    "city": (("city",), 8.0),
}
#: Places in the news far more often than their gazetteer importance tells (our own list):
#: their weight is multiplied by `NEWSWORTHY_BOOST`.
NEWSWORTHY: Final = frozenset(
    {
        "South China Sea",
        "East China Sea",
        "Sea of Japan",
        "Yellow Sea",
        "Philippine Sea",
        "Black Sea",
        "Baltic Sea",
        "Red Sea",
        "Mediterranean Sea",
        "Arabian Sea",
        "Persian Gulf",
        "Gulf of Aden",
        "Gulf of Oman",
        "Sea of Azov",
        "Barents Sea",
        "Aegean Sea",
        "Caribbean Sea",
        "Bay of Bengal",
        "Sulu Sea",
        "Bering Sea",
        "Taiwan Strait",
        "Strait of Hormuz",
        "Bab el Mandeb",
        "Strait of Malacca",
        "Bosporus",
        "Dardanelles",
        "Kerch Strait",
        "Korea Strait",
        "Miyako Strait",
        "Tsugaru Strait",
        "Strait of Gibraltar",
        "English Channel",
        "Suez Canal",
        "Korean Peninsula",
        "Donbas",
        "Crimea",
        "Kashmir",
        "Gaza Strip",
        "West Bank",
        "Golan Heights",
        "Nagorno-Karabakh",
        "Sahel",
        "Horn of Africa",
        "Middle East",
        "Indo-Pacific",
        "Balkans",
        "South Caucasus",
        "Arctic",
        "Transnistria",
        "Abkhazia",
        "South Ossetia",
        "Sinai Peninsula",
        "Levant",
    }
)
NEWSWORTHY_BOOST: Final = 25.0
_FOREIGN_GENERIC = re.compile(r"^(Golfo|Golfe|Bah[ií]a|Ba[ií]a|Canal|Estrecho|Boca)\b")
_NEEDS_THE = re.compile(
    r"\b(Peninsula|Valley|Glacier|Heights|Strip|Gap|Zone|Chain|states|countries|Bank|Riviera|"
    r"Caucasus|Balkans|Sahel|Levant|Maghreb|Arctic|East|Pacific|Alps|Caribbean)$|^Horn of"
)
_NO_THE = re.compile(r"\b(Bay|Inlet|Sound|Harbour|Harbor|Shoal|Reef)$")
_AN = re.compile(r"\b([Aa])(?= (?:[AIOaio](?!ne\b)|[Ee](?!u)|[Uu](?!k|g|z|r|ni|s)))")
_SLUG = re.compile(r"[^a-z0-9]+")
_FIELD = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True, slots=True)
class CorpusInfo:
    """What `generate_corpus` wrote.

    Attributes
    ----------
    directory
        Where the files are.
    seed
        The seed they were made from.
    files
        Every file written, in order (``000000.md`` …).
    duplicates
        ``(copy, original)`` pairs: the copy has the same bytes as the earlier original.
    broken
        ``(file, kind)`` pairs, kind one of ``binary``, ``empty``, ``bad_yaml``.
    total_bytes
        Bytes written over all files.
    """

    directory: Path
    seed: int
    files: tuple[Path, ...]
    duplicates: tuple[tuple[Path, Path], ...] = ()
    broken: tuple[tuple[Path, str], ...] = ()
    total_bytes: int = 0

    @property
    def articles(self) -> int:
        """Distinct readable articles: files less duplicates and broken files."""
        return len(self.files) - len(self.duplicates) - len(self.broken)


@dataclass(frozen=True, slots=True)
class _Actor:
    demonym: str
    country: str
    capital: str


class _Pool:
    """Items drawn with fixed weights (cumulative, for `random.Random.choices`)."""

    __slots__ = ("cumulative", "items")

    def __init__(self, items: Sequence[str], weights: Sequence[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random) -> str:
        point = rng.random() * self.cumulative[-1]
        return self.items[bisect.bisect_right(self.cumulative, point)]


class _Vocabulary:
    """Actors and places drawn from the gazetteer and the demonym table."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.places = {
            slot: self._place_pool(gazetteer, kinds, power)
            for slot, (kinds, power) in PLACE_SLOTS.items()
        }
        capitals: dict[str, str] = {}
        for i, kind in enumerate(gazetteer.kinds):
            if kind == "city" and gazetteer.capital[i] and gazetteer.country_codes[i]:
                capitals.setdefault(gazetteer.country_codes[i][0], gazetteer.names[i])
        with ACTORS_FILE.open("rb") as handle:
            records = tomllib.load(handle)["demonym"]
        actors: list[_Actor] = []
        weights: list[float] = []
        for record in records:
            alpha3 = record["country"]
            place_id = f"ne:country:{alpha3}"
            alpha2 = gazetteer.alpha2_by_alpha3.get(alpha3)
            if place_id not in gazetteer or alpha2 not in capitals:
                continue
            index = gazetteer.index_of(place_id)
            name = COUNTRY_NAMES.get(alpha3, gazetteer.names[index])
            actors.append(_Actor(record["words"][0], name, capitals[alpha2]))
            weights.append(gazetteer.importance[index] ** 50)
        self.actors = actors
        self.actor_cumulative = list(itertools.accumulate(weights))

    @staticmethod
    def _place_pool(gazetteer: Gazetteer, kinds: tuple[str, ...], power: float) -> _Pool:
        names: list[str] = []
        weights: list[float] = []
        for i, kind in enumerate(gazetteer.kinds):
            if kind not in kinds:
                continue
            name = gazetteer.names[i]
            if not name.isascii() or _FOREIGN_GENERIC.match(name) or len(name) > 40:
                continue
            if kind != "city" and gazetteer.place_at(i).geometry.is_empty:
                continue  # a place without a shape cannot be mapped
            boost = NEWSWORTHY_BOOST if name in NEWSWORTHY else 1.0
            names.append(_with_article(name, kind))
            weights.append(boost * gazetteer.importance[i] ** power)
        return _Pool(names, weights)

    def actor(self, rng: random.Random, *, other_than: _Actor | None = None) -> _Actor:
        while True:
            point = rng.random() * self.actor_cumulative[-1]
            actor = self.actors[bisect.bisect_right(self.actor_cumulative, point)]
            if actor is not other_than:
                return actor


def _with_article(name: str, kind: str) -> str:
    """Return `name` as it stands in running text: "the Baltic Sea", "the Kuril Islands"."""
    if name.startswith("The "):
        return "the " + name[4:]
    if kind == "country" and name.startswith(("United ", "Republic ", "Democratic ")):
        return "the " + name
    if " the " in name or _NO_THE.search(name):
        return name
    plural = name.endswith("s")
    if kind in {"sea", "ocean", "strait"} or (kind in {"island_group", "country"} and plural):
        return "the " + name
    if kind == "region" and _NEEDS_THE.search(name):
        return "the " + name
    return name


# --- dates ------------------------------------------------------------------------------------


def _day_text(day: datetime.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}"


def _past_date(rng: random.Random, published: datetime.date) -> str:
    """A date expression for a day before `published`, as a reporter would write it."""
    form = rng.randrange(12)
    if form == 0:
        return (
            "on " + WEEKDAYS[(published - datetime.timedelta(days=rng.randrange(1, 7))).weekday()]
        )
    if form == 1:
        return "yesterday"
    if form == 2:
        return rng.choice(("earlier this week", "last week", "over the weekend"))
    if form == 3:
        return rng.choice(("last month", "earlier this month"))
    if form == 4:
        months_back = rng.randrange(1, 6)
        month = published.month - months_back
        if month >= 1:
            return f"in {MONTHS[month - 1]}"
        return f"in {MONTHS[month + 11]} {published.year - 1}"
    if form in {5, 6}:
        return "on " + _day_text(published - datetime.timedelta(days=rng.randrange(1, 40)))
    day = published - datetime.timedelta(days=rng.randrange(1, 400))
    if form in {7, 8}:
        return f"on {day.day} {MONTHS[day.month - 1]} {day.year}"
    if form in {9, 10}:
        return f"on {_day_text(day)}, {day.year}"
    return rng.choice(("earlier this year", f"in {MONTHS[day.month - 1]} {day.year}"))


def _future_date(rng: random.Random, published: datetime.date) -> str:
    form = rng.randrange(4)
    if form == 0:
        return rng.choice(("next week", "next month"))
    if form == 1 and published.month < 12:
        return f"in {MONTHS[rng.randrange(published.month, 12)]}"
    if form == 2:
        return "later this year" if published.month < 11 else "early next year"
    return "on " + _day_text(published + datetime.timedelta(days=rng.randrange(3, 60)))


# --- articles ---------------------------------------------------------------------------------


class _Writer:
    """Builds one article from an RNG and a publication date."""

    def __init__(self, vocabulary: _Vocabulary, rng: random.Random) -> None:
        self.vocabulary = vocabulary
        self.rng = rng
        self.published = FIRST_DAY + datetime.timedelta(
            days=rng.randrange((LAST_DAY - FIRST_DAY).days + 1)
        )
        self.actor_a = vocabulary.actor(rng)
        self.actor_b = vocabulary.actor(rng, other_than=self.actor_a)
        org, orgadj = rng.choice(ORGANISATIONS)
        places = vocabulary.places
        self.cast = {
            "A": self.actor_a.demonym,
            "B": self.actor_b.demonym,
            "Acountry": self.actor_a.country,
            "Bcountry": self.actor_b.country,
            "Acap": self.actor_a.capital,
            "Bcap": self.actor_b.capital,
            "org": org,
            "orgadj": orgadj,
            **{slot: pool.draw(rng) for slot, pool in places.items()},
            "city2": places["city"].draw(rng),
            "missile": rng.choice(MISSILES),
            "aircraft": rng.choice(AIRCRAFT),
            "topic": rng.choice(TOPICS),
        }

        rng, year = self.rng, self.published.year
        self.makers: dict[str, Callable[[], str]] = {
            "date": lambda: _past_date(rng, self.published),
            "future": lambda: _future_date(rng, self.published),
            "year": lambda: str(rng.randrange(1950, year - 1)),
            "decade": lambda: f"{rng.randrange(195, 201)}0s",
            "century": lambda: rng.choice(CENTURIES),
            "n": lambda: str(rng.randrange(2, 40)),
            "nth": lambda: rng.choice(ORDINALS),
            "big": lambda: f"{rng.randrange(100, 9000):,}",
            "pct": lambda: f"{rng.randrange(5, 99) / 10:.1f}",
            "pctsmall": lambda: f"{rng.randrange(8, 45) / 10:.1f}",
            "temp": lambda: str(rng.randrange(-15, 44)),
        }

    def _value(self, name: str) -> str:
        known = self.cast.get(name)
        return known if known is not None else self.makers[name]()

    def fill(self, template: str) -> str:
        text = _FIELD.sub(lambda m: self._value(m.group(1)), template)
        text = _AN.sub(r"\1n", text)
        return text[0].upper() + text[1:]

    def article(self, index: int, target: int) -> bytes:
        rng = self.rng
        families = list(EVENT_TEMPLATES)
        main = families[index % len(families)] if rng.random() < 0.5 else rng.choice(families)
        others = rng.sample([f for f in families if f != main], rng.randrange(2, 5))
        title = self.fill(rng.choice(TITLE_TEMPLATES[main]))
        outlet = rng.choice(OUTLETS)
        day = self.published
        slug = _SLUG.sub("-", title.lower()).strip("-")[:60].rstrip("-")
        url = (
            f"https://example.org/{_SLUG.sub('-', outlet.lower())}/{day.year}/"
            f"{day.month:02d}/{day.day:02d}/{slug}-{index}"
        )
        head = (
            f'---\ntitle: "{title}"\noutlet: "{outlet}"\npublished: {day.isoformat()}\n'
            f"url: {url}\n---\n\n"
        )
        decks = {f: list(EVENT_TEMPLATES[f]) for f in (main, *others)}
        decks.update({f: list(t) for f, t in FILLER_TEMPLATES.items()})
        for deck in decks.values():
            rng.shuffle(deck)
        plan = [main] * rng.randrange(2, 5) + [
            f for f in others for _ in range(rng.randrange(1, 3))
        ]
        rng.shuffle(plan)
        plan.insert(0, main)
        fillers = list(FILLER_TEMPLATES)
        dateline_city = rng.choice((self.actor_a.capital, self.cast["city"]))
        dateline = f"{dateline_city.upper()}, {_day_text(day)} ({outlet}) - "
        paragraphs: list[str] = []
        size = len(head.encode()) + len(dateline.encode()) + 1
        sentences: list[str] = []
        while any(decks.values()):
            if plan:
                family = plan.pop(0)
            elif rng.random() < 0.15:
                family = rng.choice((main, *others))
            else:
                family = rng.choice(fillers)
            deck = decks[family]
            if not deck:
                continue
            sentence = self.fill(deck.pop())
            cost = len(sentence.encode()) + 2
            if size + cost > min(target, MAX_BYTES) and size >= MIN_BYTES:
                break
            sentences.append(sentence)
            size += cost
            if len(sentences) >= rng.randrange(1, 4):
                paragraphs.append(" ".join(sentences))
                sentences = []
        if sentences:
            paragraphs.append(" ".join(sentences))
        body = dateline + "\n\n".join(paragraphs) + "\n"
        return (head + body).encode("utf-8")


def _broken_bytes(kind: str, rng: random.Random, good: bytes) -> bytes:
    if kind == "binary":
        return b"\x00\x01PK\x03\x04" + rng.randbytes(rng.randrange(512, 4096))
    if kind == "empty":
        return b""
    lines = good.decode("utf-8").split("\n")
    lines[1] = rng.choice(
        ('title: "unclosed quote', "title: [no closing bracket", "title: a: b: c")
    )
    return "\n".join(lines).encode("utf-8")


def generate_corpus(
    directory: Path,
    count: int,
    *,
    seed: int = 7,
    duplicate_rate: float = 0.02,
    broken_rate: float = 0.01,
    gazetteer: Gazetteer | None = None,
) -> CorpusInfo:
    """Write `count` article files into `directory` and return what was written.

    Parameters
    ----------
    directory
        Created if missing; files already there with the same names are overwritten.
    count
        Number of files (articles, duplicates and broken files together).
    seed
        The same seed gives the same bytes.
    duplicate_rate, broken_rate
        Shares of the files that are exact copies of an earlier article, and broken files
        (rounded to whole files; the first file is always a readable article).
    gazetteer
        Where places are drawn from (the default compiled gazetteer when None).
    """
    if count < 0:
        msg = f"count must be at least 0, got {count!r}"
        raise ValueError(msg)
    for name, rate in (("duplicate_rate", duplicate_rate), ("broken_rate", broken_rate)):
        if not 0.0 <= rate <= 1.0:
            msg = f"{name} must be between 0 and 1, got {rate!r}"
            raise ValueError(msg)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    vocabulary = _Vocabulary(gazetteer or load_gazetteer())
    picker = random.Random(f"faultlines-corpus/{seed}/layout")
    n_broken = min(round(count * broken_rate), max(count - 1, 0))
    n_duplicates = min(round(count * duplicate_rate), max(count - 1 - n_broken, 0))
    special = picker.sample(range(1, count), n_broken + n_duplicates) if count > 1 else []
    broken_at = {i: BROKEN_KINDS[k % len(BROKEN_KINDS)] for k, i in enumerate(special[:n_broken])}
    duplicate_at = set(special[n_broken:])
    files: list[Path] = []
    duplicates: list[tuple[Path, Path]] = []
    broken: list[tuple[Path, str]] = []
    originals: list[int] = []
    total = 0
    for index in range(count):
        path = directory / f"{index:06d}.md"
        if index in duplicate_at:
            original = originals[picker.randrange(len(originals))]
            data = files[original].read_bytes()
            duplicates.append((path, files[original]))
        else:
            rng = random.Random(f"faultlines-corpus/{seed}/{index}")
            target = int(rng.triangular(MIN_BYTES, MAX_BYTES, 3500))
            data = _Writer(vocabulary, rng).article(index, target)
            if index in broken_at:
                data = _broken_bytes(broken_at[index], rng, data)
                broken.append((path, broken_at[index]))
            else:
                originals.append(index)
        path.write_bytes(data)
        files.append(path)
        total += len(data)
    info = CorpusInfo(
        directory=directory,
        seed=seed,
        files=tuple(files),
        duplicates=tuple(duplicates),
        broken=tuple(broken),
        total_bytes=total,
    )
    _write_manifest(info)
    return info


def _write_manifest(info: CorpusInfo) -> None:
    manifest = {
        "seed": info.seed,
        "files": len(info.files),
        "articles": info.articles,
        "total_bytes": info.total_bytes,
        "duplicates": [[copy.name, original.name] for copy, original in info.duplicates],
        "broken": [[path.name, kind] for path, kind in info.broken],
    }
    text = json.dumps(manifest, indent=1) + "\n"
    (info.directory / "corpus.json").write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="directory to write the articles into")
    parser.add_argument("--count", type=int, required=True, help="number of files")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--duplicate-rate", type=float, default=0.02)
    parser.add_argument("--broken-rate", type=float, default=0.01)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    info = generate_corpus(
        args.out_dir,
        args.count,
        seed=args.seed,
        duplicate_rate=args.duplicate_rate,
        broken_rate=args.broken_rate,
    )
    seconds = time.perf_counter() - started
    print(
        f"{len(info.files)} files ({info.articles} articles, {len(info.duplicates)} duplicates, "
        f"{len(info.broken)} broken), {info.total_bytes / 1e6:.1f} MB in {args.out_dir} "
        f"({seconds:.1f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
