"""Put the map's files in place: Leaflet, MarkerCluster, our CSS and icons, the basemap.

The map never loads anything from the network unless the view asks for a tile basemap.
Leaflet and the MarkerCluster plugin come from the ``xstatic-leaflet*`` packages and our CSS
and icons from ``assets/``; :func:`ensure_static_assets` copies them into the app's static
folder, :func:`asset_links` names them for a map's ``default_js``/``default_css`` (paths on this
server only), and :func:`offline_head` inlines them for a single page that opens offline. The
world basemap is written once as a GeoJSON file (:func:`write_basemap`) that browsers cache.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import numpy as np
import shapely
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from shapely.geometry import mapping

from geo.errors import FaultlinesError
from geo.places.gazetteer import Gazetteer, Place
from geo.view.styles import ASSETS_DIR, ICONS_DIR

if TYPE_CHECKING:
    from geopandas import GeoDataFrame

__all__ = [
    "BASEMAP_MIN_AREA",
    "BASEMAP_TOLERANCE",
    "LEAFLET_CSS",
    "LEAFLET_JS",
    "MARKERCLUSTER_CSS",
    "MARKERCLUSTER_JS",
    "OWN_CSS",
    "OWN_JS",
    "TILE_PROVIDERS",
    "VECTOR_ATTRIBUTION",
    "MapViewError",
    "TileProvider",
    "asset_links",
    "basemap_geojson",
    "ensure_static_assets",
    "inline_css",
    "inline_script",
    "labels_file",
    "labels_json",
    "offline_head",
    "write_basemap",
]

LEAFLET_JS: str = "leaflet/leaflet.js"
"""Leaflet's script, relative to the static folder."""


LEAFLET_CSS: str = "leaflet/leaflet.css"
"""Leaflet's stylesheet (its ``images/`` sit beside it)."""


OWN_CSS: str = "faultlines/faultlines.css"
"""Our marker and popup styles (``icons/`` sit beside it)."""

OWN_JS: str = "faultlines/faultlines.js"
"""Our scripts: cluster discs and their clicks, place names on the basemap."""


MARKERCLUSTER_JS: str = "markercluster/leaflet.markercluster.js"
"""The MarkerCluster plugin's script."""


MARKERCLUSTER_CSS: tuple[str, ...] = (
    "markercluster/MarkerCluster.css",
    "markercluster/MarkerCluster.Default.css",
)
"""The MarkerCluster plugin's stylesheets."""


_LEAFLET_DIR = Path(xstatic.pkg.leaflet.BASE_DIR)


_MARKERCLUSTER_DIR = Path(xstatic.pkg.leaflet_markercluster.BASE_DIR)


_OWN_CSS_FILE = ASSETS_DIR / "faultlines.css"


#: Detail of the world basemap file, in degrees (about 10 km), and its smallest islands.
BASEMAP_TOLERANCE = 0.1


BASEMAP_MIN_AREA = 0.01


_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


_CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")


_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


VECTOR_ATTRIBUTION: str = "Land: Natural Earth (public domain)"
"""Attribution shown with the offline vector basemap."""


@dataclass(frozen=True, slots=True)
class TileProvider:
    """A tile basemap for people who are online.

    Attributes
    ----------
    key
        The ``basemap`` value of a view.
    url
        Leaflet URL template.
    attribution
        Attribution HTML (required by the providers' terms).
    max_zoom
        Deepest zoom level served.
    subdomains
        Values of ``{s}`` in `url`.
    """

    key: str
    url: str
    attribution: str
    max_zoom: int
    subdomains: str = "abc"


_OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


_CARTO_ATTRIBUTION = f'{_OSM_ATTRIBUTION} &copy; <a href="https://carto.com/attributions">CARTO</a>'


TILE_PROVIDERS: Mapping[str, TileProvider] = MappingProxyType(
    {
        "osm": TileProvider(
            "osm", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", _OSM_ATTRIBUTION, 19
        ),
        "carto-light": TileProvider(
            "carto-light",
            "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
            _CARTO_ATTRIBUTION,
            20,
            "abcd",
        ),
        "carto-dark": TileProvider(
            "carto-dark",
            "https://{s}.basemaps.cartocdn.com/dark_all/{z}/{x}/{y}{r}.png",
            _CARTO_ATTRIBUTION,
            20,
            "abcd",
        ),
    }
)
"""Tile basemaps by key; every basemap of :data:`geo.view.state.BASEMAPS` but ``vector``."""


class MapViewError(FaultlinesError, ValueError):
    """The map cannot be built as asked (an online asset base, a missing static file)."""


def _static_files() -> Iterator[tuple[Path, str]]:
    """Yield every (source file, path inside the static folder) the map may load."""
    yield _LEAFLET_DIR / "leaflet.js", LEAFLET_JS
    yield _LEAFLET_DIR / "leaflet.css", LEAFLET_CSS
    for image in sorted((_LEAFLET_DIR / "images").glob("*.png")):
        yield image, f"leaflet/images/{image.name}"
    yield _MARKERCLUSTER_DIR / "leaflet.markercluster.js", MARKERCLUSTER_JS
    for css in MARKERCLUSTER_CSS:
        yield _MARKERCLUSTER_DIR / Path(css).name, css
    yield _OWN_CSS_FILE, OWN_CSS
    yield ASSETS_DIR / "faultlines.js", OWN_JS
    for icon in sorted(ICONS_DIR.glob("*.svg")):
        yield icon, f"faultlines/icons/{icon.name}"


def ensure_static_assets(static_dir: Path) -> Path:
    """Copy Leaflet, MarkerCluster and our CSS and icons into `static_dir`; return it.

    Files already there with the same bytes are left alone, so calling this on every app start
    is cheap; changed files are replaced atomically. Streamlit serves ``<app>/static/*`` at
    ``/app/static/*`` (``server.enableStaticServing``), so pass ``asset_base="/app/static"`` to
    :func:`build_map` when `static_dir` is the app's ``static`` folder.

    Raises
    ------
    MapViewError
        If a source file is missing (a broken ``xstatic`` install or checkout).
    """
    for source, relative in _static_files():
        if not source.is_file():
            msg = f"static asset {str(source)!r} is missing; reinstall the xstatic packages"
            raise MapViewError(msg)
        target = static_dir / relative
        data = source.read_bytes()
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            Path(temporary).chmod(0o644)
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return static_dir


def asset_links(asset_base: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Return the map's ``default_js`` and ``default_css`` under `asset_base`."""
    base = asset_base.rstrip("/")
    parts = urlsplit(base)
    if parts.scheme or parts.netloc or base.startswith("//"):
        msg = f"asset_base must be a path on this server, not {asset_base!r}"
        raise MapViewError(msg)
    js = [("leaflet", f"{base}/{LEAFLET_JS}"), ("markercluster", f"{base}/{MARKERCLUSTER_JS}")]
    js.append(("faultlines_js", f"{base}/{OWN_JS}"))
    css = [("leaflet_css", f"{base}/{LEAFLET_CSS}")]
    css += [
        (f"markercluster_css_{i}", f"{base}/{name}") for i, name in enumerate(MARKERCLUSTER_CSS)
    ]
    css.append(("faultlines_css", f"{base}/{OWN_CSS}"))
    return js, css


def _data_uri(path: Path) -> str:
    mime = _MIME.get(path.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_css(path: Path) -> str:
    """Return the stylesheet at `path` without comments, its ``url(...)`` files as data URIs."""

    def replace(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        if target.startswith(("#", "data:")) or urlsplit(target).scheme:
            return match.group(0)
        return f'url("{_data_uri(path.parent / target)}")'

    text = _CSS_COMMENT.sub("", path.read_text(encoding="utf-8"))
    return _CSS_URL.sub(replace, text).replace("</", "<\\/")


def inline_script(code: str) -> str:
    """Make `code` safe inside ``<script>``: no ``</script`` or ``<!--`` can end it early."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def basemap_geojson(basemap_frame: GeoDataFrame) -> str:
    """Return land polygons as compact GeoJSON for a world basemap (about 1 km detail).

    Simplified to :data:`BASEMAP_TOLERANCE` degrees, coordinates to two decimals, islets
    under :data:`BASEMAP_MIN_AREA` square degrees left out (each country keeps its largest
    part): small enough to send once and let the browser cache.
    """
    features = []
    for geometry in basemap_frame.geometry:
        if geometry is None or geometry.is_empty:
            continue
        simple = shapely.simplify(geometry, BASEMAP_TOLERANCE, preserve_topology=True)
        parts = list(getattr(simple, "geoms", [simple]))
        kept = [part for part in parts if part.area >= BASEMAP_MIN_AREA] or [
            max(parts, key=lambda part: part.area)
        ]
        shape = shapely.MultiPolygon(kept) if len(kept) > 1 else kept[0]
        rounded = shapely.transform(shape, lambda xy: np.round(xy, 2))
        features.append({"type": "Feature", "properties": {}, "geometry": mapping(rounded)})
    collection = {"type": "FeatureCollection", "features": features}
    return json.dumps(collection, separators=(",", ":"))


def write_basemap(static_dir: Path, basemap_frame: GeoDataFrame, *, name: str | None = None) -> str:
    """Write the basemap GeoJSON into `static_dir` (once per name) and return its name.

    The name carries a hash of the content unless given, so a browser may cache it for good.
    """
    text = basemap_geojson(basemap_frame)
    if name is None:
        name = f"faultlines/basemap-{hashlib.sha256(text.encode()).hexdigest()[:12]}.geojson"
    target = static_dir / name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    return name


def offline_head() -> list[tuple[str, str]]:
    """Return ``(name, element)`` pairs for a page's head: every file the map needs, inlined.

    Styles first (Leaflet's, MarkerCluster's, ours, their images as data URIs), then Leaflet's
    and MarkerCluster's scripts, made safe inside ``<script>``.
    """
    styles = [
        ("leaflet_css", _LEAFLET_DIR / "leaflet.css"),
        *(
            (f"markercluster_css_{i}", _MARKERCLUSTER_DIR / Path(name).name)
            for i, name in enumerate(MARKERCLUSTER_CSS)
        ),
        ("faultlines_css", _OWN_CSS_FILE),
    ]
    scripts = [
        ("leaflet", _LEAFLET_DIR / "leaflet.js"),
        ("markercluster", _MARKERCLUSTER_DIR / "leaflet.markercluster.js"),
        ("faultlines_js", ASSETS_DIR / "faultlines.js"),
    ]
    head = [(name, f"<style>{inline_css(path)}</style>") for name, path in styles]
    head += [
        (name, f"<script>{inline_script(path.read_text(encoding='utf-8'))}</script>")
        for name, path in scripts
    ]
    return head


#: Smallest population of a city named on the basemap, by the zoom its name appears at.
CITY_LABEL_ZOOMS: tuple[tuple[int, int], ...] = (
    (5_000_000, 4),
    (1_000_000, 5),
    (300_000, 7),
    (100_000, 8),
)
_PLACE_LABEL_ZOOMS = {"ocean": 2, "sea": 4, "strait": 6, "island_group": 6}
LABELS_FORMAT = 1
"""Version of :func:`labels_json`'s output; raise it when that changes."""


def _label_zoom(place: Place) -> int | None:
    """Return the zoom from which `place`'s name is drawn on the basemap, None for never."""
    if place.kind == "country":
        minx, miny, maxx, maxy = place.bbox
        return 3 if (maxx - minx) * (maxy - miny) > 150 else 5
    if place.kind == "city":
        population = place.population or 0
        return next((zoom for least, zoom in CITY_LABEL_ZOOMS if population >= least), None)
    return _PLACE_LABEL_ZOOMS.get(place.kind)


def labels_json(places: Iterable[Place]) -> str:
    """Return the basemap's place names as compact JSON: ``[name, lat, lon, zoom, kind]`` rows.

    Countries, oceans, seas, straits, island groups and cities of at least 100,000 people
    (:data:`CITY_LABEL_ZOOMS`), each from the zoom at which it fits; most prominent first, as
    the browser draws at most a few hundred at once (``assets/labels.js``).
    """
    rows = []
    for place in places:
        zoom = _label_zoom(place)
        if zoom is not None and place.name:
            lon, lat = place.point
            rows.append(
                (
                    zoom,
                    -(place.population or 0),
                    place.name,
                    round(lat, 3),
                    round(lon, 3),
                    place.kind,
                )
            )
    rows.sort()
    return json.dumps([[n, y, x, z, k] for z, _, n, y, x, k in rows], separators=(",", ":"))


def labels_file(static_dir: Path, gazetteer: Gazetteer) -> str:
    """Return the name of the basemap's labels file under `static_dir`, writing it once.

    Named from the gazetteer's content hash and :data:`LABELS_FORMAT` (from the labels when
    the gazetteer has no hash), so browsers may cache it for good.
    """
    text = None if gazetteer.version else labels_json(gazetteer.iter_places())
    key = f"{gazetteer.version}|{LABELS_FORMAT}" if gazetteer.version else text or ""
    name = f"faultlines/labels-{hashlib.sha256(key.encode()).hexdigest()[:12]}.json"
    target = static_dir / name
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.write_text(text or labels_json(gazetteer.iter_places()), encoding="utf-8")
        tmp.replace(target)
    return name
