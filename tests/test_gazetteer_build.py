"""The build is reproducible and refuses bad curated records with a clear message."""

import pickle
from pathlib import Path

import pytest

from geo.places import build as gazetteer_build
from geo.places import sources
from geo.places.build import build_gazetteer
from geo.places.gazetteer import Gazetteer
from geo.places.sources import GazetteerBuildError


@pytest.mark.slow
def test_rebuilding_gives_identical_files(tmp_path: Path, gazetteer: Gazetteer) -> None:
    manifest = build_gazetteer(tmp_path)
    assert manifest["content_hash"] == gazetteer.version
    for name in ("places.parquet", "names.parquet", "coasts.parquet", "common_words.txt"):
        assert (tmp_path / name).read_bytes() == (gazetteer.directory / name).read_bytes()
    assert not list(tmp_path.glob(".*.tmp"))


def test_marine_cache_unpickler_refuses_code() -> None:
    class Evil:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("pwned",))

    payload = pickle.dumps({"marine": [Evil()]})
    import io

    with pytest.raises(pickle.UnpicklingError, match=r"refusing to load builtins\.print"):
        sources._NoClassesUnpickler(io.BytesIO(payload)).load()


def test_curated_shape_without_components_is_named_in_the_error() -> None:
    record = {"id": "fl:nowhere", "shape": {}}
    with pytest.raises(GazetteerBuildError, match="place 'fl:nowhere': the shape has no component"):
        gazetteer_build._curated_shape(record, {}, gazetteer_build.Polygon())


def test_curated_shape_with_unknown_country_is_named_in_the_error() -> None:
    record = {"id": "fl:x", "shape": {"countries": ["XXX"]}}
    with pytest.raises(GazetteerBuildError, match="country 'XXX' is not in the gazetteer"):
        gazetteer_build._curated_shape(record, {}, gazetteer_build.Polygon())


def test_islets_are_buffered_by_kilometres() -> None:
    record = {"id": "fl:x", "shape": {"islets": [[123.5, 25.7]], "buffer_km": 3.0}}
    shape = gazetteer_build._curated_shape(record, {}, gazetteer_build.Polygon())
    height_km = (shape.bounds[3] - shape.bounds[1]) * 111.32
    assert 5.5 < height_km < 6.5
