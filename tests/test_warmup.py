"""The script that warms the browser up while the dashboard's first run loads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import streamlit

from geo.view.warmup import (
    MAP_ASSET_FOLDERS,
    STREAMLIT_MODULES,
    frontend_modules,
    map_assets,
    warm_up_html,
)


def _touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("", encoding="utf-8")


def _listed(html: str, name: str) -> list[str]:
    """Return the JSON list the script iterates over as `name` (url or name)."""
    found = re.search(rf"for \(const {name} of (\[.*?\])\)", html)
    assert found is not None
    listed: list[str] = json.loads(found.group(1))
    return listed


def test_every_module_the_page_warms_is_in_the_installed_streamlit() -> None:
    found = frontend_modules(Path(streamlit.__file__).parent)
    assert tuple(name.split(".")[0] for name in found) == STREAMLIT_MODULES


def test_modules_are_found_by_their_names_start_in_the_given_order(tmp_path: Path) -> None:
    js = tmp_path / "static" / "static" / "js"
    for name in ("DataFrame.a1.js", "embed.b2.js", "embed.b2.js.map", "embedded.c3.js"):
        _touch(js / name)
    assert frontend_modules(tmp_path, ("embed", "Missing", "DataFrame")) == (
        "embed.b2.js",
        "DataFrame.a1.js",
    )


def test_the_maps_scripts_come_first_in_the_order_the_map_loads_them(tmp_path: Path) -> None:
    for name in ("leaflet/leaflet.css", "leaflet/leaflet.js", "leaflet/images/marker.png"):
        _touch(tmp_path / name)
    for name in ("faultlines/faultlines.js", "faultlines/basemap-1.geojson", "other/x.js"):
        _touch(tmp_path / name)
    assert map_assets(tmp_path, "/app/static/") == [
        "/app/static/leaflet/leaflet.js",
        "/app/static/faultlines/faultlines.js",
        "/app/static/leaflet/leaflet.css",
    ]
    assert set(MAP_ASSET_FOLDERS) >= {"leaflet", "faultlines"}


def test_without_a_static_folder_nothing_is_fetched(tmp_path: Path) -> None:
    assert map_assets(tmp_path / "missing", "/app/static") == []


def test_the_script_lists_the_files_and_nothing_can_end_it(tmp_path: Path) -> None:
    _touch(tmp_path / "st" / "static" / "static" / "js" / "Html.<!--x>.js")
    _touch(tmp_path / "app" / "leaflet" / "leaflet.js")
    html = warm_up_html(tmp_path / "st", tmp_path / "app", asset_base="/app/static")
    assert html.count("</script>") == 1
    assert "<!--" not in html
    assert _listed(html, "url") == ["/app/static/leaflet/leaflet.js"]
    assert _listed(html, "name") == ["Html.<!--x>.js"]
    assert 'class="fl-client"' in html  # its container takes no room
