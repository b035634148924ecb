"""Distributed ingestion gives the single-process records; the synthetic corpus is as promised."""

from __future__ import annotations

import datetime
import importlib.util
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from benchmarks.corpus import (
    EVENT_TEMPLATES,
    FILLER_TEMPLATES,
    MAX_BYTES,
    MIN_BYTES,
    CorpusInfo,
    generate_corpus,
)
from geo.events.extract import extract
from geo.ingest import distributed as dist
from geo.ingest.pipeline import ingest
from geo.places.gazetteer import Gazetteer
from geo.store.store import LAYERS, TABLES, Store
from geo.taxonomy import EVENT_TYPE_KEYS
from geo.text.articles import read_article
from geo.text.decoding import ArticleError
from geo.text.mentions import PlaceFinder

needs_dask = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None,
    reason='dask.distributed is not installed (pip install "dask[distributed]")',
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, gazetteer: Gazetteer) -> CorpusInfo:
    directory = tmp_path_factory.mktemp("corpus")
    return generate_corpus(
        directory, 40, seed=11, duplicate_rate=0.1, broken_rate=0.1, gazetteer=gazetteer
    )


def _comparable(frame: Any) -> pd.DataFrame:
    """A layer as a plain frame sorted by id: geometry as WKB, ingest stamps dropped."""
    frame = frame.drop(columns=[c for c in ("ingested_at",) if c in frame.columns])
    if "geometry" in frame.columns:
        wkb = frame.geometry.to_wkb().to_numpy()
        frame = pd.DataFrame(frame.drop(columns="geometry"))
        frame["geometry"] = wkb
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, list)).any():
            frame[column] = frame[column].map(tuple)
    return frame.sort_values("id").reset_index(drop=True) if "id" in frame else frame


# --- the corpus --------------------------------------------------------------------------------


def test_corpus_has_a_template_family_per_event_type() -> None:
    assert set(EVENT_TEMPLATES) == set(EVENT_TYPE_KEYS)
    assert set(FILLER_TEMPLATES) == {"economy", "weather", "quotes", "background"}
    for family, templates in {**EVENT_TEMPLATES, **FILLER_TEMPLATES}.items():
        assert len(set(templates)) >= 25, family


def test_corpus_counts_match_the_rates_and_the_manifest(corpus: CorpusInfo) -> None:
    assert len(corpus.files) == 40
    assert len(corpus.duplicates) == 4
    assert len(corpus.broken) == 4
    assert {kind for _, kind in corpus.broken} == {"binary", "empty", "bad_yaml"}
    assert corpus.articles == 32
    assert corpus.total_bytes == sum(path.stat().st_size for path in corpus.files)
    assert (corpus.directory / "corpus.json").is_file()


def test_corpus_duplicates_are_byte_copies_of_earlier_articles(corpus: CorpusInfo) -> None:
    broken = {path for path, _ in corpus.broken}
    for copy, original in corpus.duplicates:
        assert copy != original
        assert original.name < copy.name
        assert original not in broken
        assert copy.read_bytes() == original.read_bytes()


def test_corpus_broken_files_are_rejected_by_the_reader(corpus: CorpusInfo) -> None:
    for path, kind in corpus.broken:
        with pytest.raises(ArticleError):
            read_article(path)
        if kind == "empty":
            assert path.stat().st_size == 0


def test_corpus_articles_read_cleanly_with_front_matter(corpus: CorpusInfo) -> None:
    special = {p for p, _ in corpus.broken} | {copy for copy, _ in corpus.duplicates}
    ids = set()
    for path in corpus.files:
        if path in special:
            continue
        assert MIN_BYTES <= path.stat().st_size <= MAX_BYTES, path
        article = read_article(path)
        assert article.warnings == ()
        assert article.outlet
        assert article.title
        assert article.title != path.stem
        assert article.url is not None
        assert article.url.startswith("https://example.org/")
        assert article.published is not None
        assert datetime.date(2019, 1, 1) <= article.published <= datetime.date(2025, 12, 31)
        ids.add(article.id)
    assert len(ids) == corpus.articles


def test_corpus_is_the_same_bytes_for_the_same_seed(tmp_path: Path, gazetteer: Gazetteer) -> None:
    first = generate_corpus(tmp_path / "a", 12, seed=3, gazetteer=gazetteer)
    second = generate_corpus(tmp_path / "b", 12, seed=3, gazetteer=gazetteer)
    other = generate_corpus(tmp_path / "c", 12, seed=4, gazetteer=gazetteer)
    assert [p.read_bytes() for p in first.files] == [p.read_bytes() for p in second.files]
    assert [p.read_bytes() for p in first.files] != [p.read_bytes() for p in other.files]
    manifest = (tmp_path / "a" / "corpus.json").read_bytes()
    assert manifest == (tmp_path / "b" / "corpus.json").read_bytes()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"count": -1}, "count"),
        ({"count": 5, "duplicate_rate": 1.5}, "duplicate_rate"),
        ({"count": 5, "broken_rate": -0.1}, "broken_rate"),
    ],
)
def test_corpus_rejects_bad_arguments(
    tmp_path: Path, gazetteer: Gazetteer, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        generate_corpus(tmp_path, gazetteer=gazetteer, **arguments)


def test_corpus_articles_state_many_kinds_of_event(
    tmp_path: Path, gazetteer: Gazetteer, finder: PlaceFinder
) -> None:
    info = generate_corpus(
        tmp_path, 50, seed=5, duplicate_rate=0, broken_rate=0, gazetteer=gazetteer
    )
    types = {
        event.type
        for path in info.files
        for event in extract(read_article(path), finder=finder).events
    }
    assert len(types) >= 10, sorted(types)
    assert types <= set(EVENT_TYPE_KEYS)


# --- distributed ingestion -----------------------------------------------------------------------


@needs_dask
@pytest.mark.slow
def test_two_local_workers_give_the_single_process_records(
    corpus: CorpusInfo, tmp_path: Path, finder: PlaceFinder
) -> None:
    single = ingest([corpus.directory], Store.open(tmp_path / "single"), finder=finder)
    calls: list[tuple[int, int, str]] = []
    spread = dist.ingest_distributed(
        [corpus.directory],
        Store.open(tmp_path / "spread"),
        workers=2,
        chunk_size=6,
        progress=lambda done, total, source: calls.append((done, total, source)),
    )

    assert single.articles == corpus.articles
    for name in ("articles", "duplicates", "places", "events", "offices", "skipped"):
        assert getattr(spread, name) == getattr(single, name), name
    assert spread.duplicates == len(corpus.duplicates)
    assert [s.source for s in spread.skipped] == sorted(str(p) for p, _ in corpus.broken)
    assert calls[-1][:2] == (40, 40)
    assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)

    for layer in (*LAYERS, *TABLES):  # the zones' tables and the summary too
        expected = _comparable(Store(tmp_path / "single").read_layer(layer))
        got = _comparable(Store(tmp_path / "spread").read_layer(layer))
        assert len(expected) > 0, layer
        pd.testing.assert_frame_equal(got, expected, obj=layer)


@needs_dask
@pytest.mark.slow
def test_an_existing_scheduler_is_used_and_stored_texts_are_not_redone(
    corpus: CorpusInfo, tmp_path: Path, finder: PlaceFinder
) -> None:
    files = corpus.files[:24]
    first = ingest(files[:8], Store.open(tmp_path / "spread"), finder=finder)
    shutil.copytree(tmp_path / "spread", tmp_path / "single")
    single = ingest(files, Store(tmp_path / "single"), finder=finder)
    with local_cluster(workers=1, threads=2) as cluster:
        spread = dist.ingest_distributed(
            files,
            Store(tmp_path / "spread"),
            scheduler=cluster.scheduler_address,
            chunk_size=10,
        )

    assert 0 < first.articles < spread.articles
    assert spread.duplicates >= first.articles
    for name in ("articles", "duplicates", "places", "events", "offices", "skipped"):
        assert getattr(spread, name) == getattr(single, name), name
    assert spread.version != first.version
    for layer in LAYERS:
        expected = _comparable(Store(tmp_path / "single").read_layer(layer))
        got = _comparable(Store(tmp_path / "spread").read_layer(layer))
        pd.testing.assert_frame_equal(got, expected, obj=layer)


@needs_dask
def test_the_local_cluster_runs_its_workers_without_dasks_sampling_profiler() -> None:
    import dask.config

    with dist._connect(1, None) as client:  # the cluster an ingest starts
        callbacks = client.run(lambda dask_worker: sorted(dask_worker.periodic_callbacks))
        assert callbacks
        assert all("profile" not in names for names in callbacks.values())
    assert dask.config.get("distributed.worker.profile.enabled")  # this process's is left


@needs_dask
def test_a_worker_writes_with_as_many_threads_as_it_was_given() -> None:
    from distributed import Client

    with dist._connect(2, None) as client:  # the cluster an ingest starts: a thread each
        assert client.submit(dist._worker_threads, pure=False).result() == 1
    with local_cluster(workers=1, threads=2) as cluster, Client(cluster) as client:
        assert client.submit(dist._worker_threads, pure=False).result() == 2


def test_the_cluster_shuts_down_on_another_thread_while_the_commit_runs() -> None:
    closed = threading.Event()
    closed_on: list[str] = []

    def shut_down() -> None:
        closed_on.append(threading.current_thread().name)
        closed.set()

    with ExitStack() as cluster:
        cluster.callback(shut_down)
        with dist._closed_meanwhile(cluster.pop_all()):
            assert closed.wait(10)  # not after the block: during it
    assert closed_on
    assert closed_on[0] != threading.current_thread().name


def test_a_failure_to_shut_the_cluster_down_is_raised_after_the_commit() -> None:
    committed = []

    def shut_down() -> None:
        raise OSError("the nanny did not answer")

    with ExitStack() as cluster:
        cluster.callback(shut_down)
        with pytest.raises(OSError, match="nanny"), dist._closed_meanwhile(cluster.pop_all()):
            committed.append(True)
    assert committed == [True]


def test_a_failing_commit_is_the_error_raised_while_the_cluster_shuts_down() -> None:
    def shut_down() -> None:
        raise OSError("closing")

    with ExitStack() as cluster:
        cluster.callback(shut_down)
        with pytest.raises(ValueError, match="commit"), dist._closed_meanwhile(cluster.pop_all()):
            raise ValueError("the commit failed")


def test_nothing_to_read_starts_no_cluster(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    report = dist.ingest_distributed([], store, scheduler="tcp://127.0.0.1:1")
    assert (report.articles, report.duplicates, report.version) == (0, 0, None)


@needs_dask
def test_an_unreachable_scheduler_is_named_in_the_error(
    tmp_path: Path, corpus: CorpusInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port on this machine that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    monkeypatch.setattr(dist, "CONNECT_TIMEOUT", 1.0)
    with pytest.raises(dist.SchedulerUnreachableError, match=address) as caught:
        dist.ingest_distributed(corpus.files[:2], Store.open(tmp_path), scheduler=address)
    assert isinstance(caught.value, RuntimeError)
    assert caught.value.address == address
    assert Store(tmp_path).current_version() is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"workers": 0}, "workers must be at least 1"),
        ({"chunk_size": 0}, "chunk_size must be at least 1"),
        ({"workers": -1, "chunk_size": 8}, "workers must be at least 1"),
        ({"scheduler": "  "}, "scheduler must be an address"),
    ],
)
def test_bad_arguments_are_refused_before_any_work(
    tmp_path: Path, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        dist.ingest_distributed([tmp_path], Store.open(tmp_path), **arguments)


def test_a_worker_on_another_gazetteer_is_refused(gazetteer: Gazetteer) -> None:
    dist._check_gazetteer(gazetteer.version, gazetteer)
    with pytest.raises(dist.GazetteerMismatchError, match="same gazetteer"):
        dist._check_gazetteer("not-" + gazetteer.version, gazetteer)


# --- the workers write, the client commits ------------------------------------------------------


def local_cluster(*, workers: int, threads: int) -> Any:
    """Return a local Dask cluster on 127.0.0.1 with no dashboard, as the tests start it."""
    from distributed import LocalCluster

    return LocalCluster(
        n_workers=workers,
        threads_per_worker=threads,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"},
    )


@pytest.fixture(scope="module")
def cluster_address() -> Iterator[str]:
    if importlib.util.find_spec("distributed") is None:
        pytest.skip("dask.distributed is not installed")
    with local_cluster(workers=2, threads=1) as cluster:
        yield cluster.scheduler_address


def _assert_same_records(expected: Store, got: Store) -> None:
    for layer in LAYERS:
        pd.testing.assert_frame_equal(
            _comparable(got.read_layer(layer)), _comparable(expected.read_layer(layer)), obj=layer
        )


def _part_files(root: Path) -> set[Path]:
    return set((root / "tables").glob("*/*.parquet"))


@needs_dask
@pytest.mark.slow
def test_the_workers_write_the_parts_and_one_version_names_them(
    corpus: CorpusInfo, tmp_path: Path, finder: PlaceFinder, cluster_address: str
) -> None:
    store = Store.open(tmp_path / "spread")
    report = dist.ingest_distributed(
        [corpus.directory], store, scheduler=cluster_address, chunk_size=5
    )

    assert [v.id for v in store.versions()] == [report.version]
    manifest = store.manifest()
    assert manifest is not None
    for layer in ("events", "articles"):  # one part per month and worker, not per chunk
        months = [part.key.split("+")[0] for part in manifest.layers[layer].parts]
        assert max(months.count(month) for month in months) <= 2, layer
    named = {
        store.part_path(layer, part.object)
        for layer, info in manifest.layers.items()
        for part in info.parts
    }
    assert _part_files(store.root) == named  # the workers wrote nothing the version leaves out
    assert store.check(deep=True) == []


@needs_dask
@pytest.mark.slow
def test_a_text_in_two_chunks_is_kept_from_the_first_file_in_a_new_store_folder(
    corpus: CorpusInfo, tmp_path: Path, finder: PlaceFinder, cluster_address: str
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    odd = {copy for copy, _ in corpus.duplicates} | {path for path, _ in corpus.broken}
    originals = [p for p in corpus.files if p not in odd][:6]
    for index, original in enumerate(originals):
        shutil.copy(original, folder / f"{index:02d}{original.suffix}")
    later, earlier = f"07-copy-of-01{originals[1].suffix}", f"00a-copy-of-04{originals[4].suffix}"
    shutil.copy(originals[1], folder / later)  # a later chunk
    shutil.copy(originals[4], folder / earlier)  # an earlier chunk than its original
    single = ingest([folder], Store.open(tmp_path / "single"), finder=finder)
    spread = dist.ingest_distributed(
        [folder], Store(tmp_path / "spread"), scheduler=cluster_address, chunk_size=2
    )

    assert (spread.articles, spread.duplicates) == (single.articles, single.duplicates) == (6, 2)
    _assert_same_records(Store(tmp_path / "single"), Store(tmp_path / "spread"))
    sources = set(Store(tmp_path / "spread").read_layer("articles")["source"])
    assert str(folder / earlier) in sources
    assert str(folder / later) not in sources
    assert Store(tmp_path / "spread").check() == []


@needs_dask
@pytest.mark.slow
def test_an_ingest_that_committed_meanwhile_keeps_its_articles_and_the_parts_drop_them(
    corpus: CorpusInfo,
    tmp_path: Path,
    finder: PlaceFinder,
    cluster_address: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = corpus.files[:30]
    ingest(files[:4], Store.open(tmp_path / "spread"), finder=finder)
    shutil.copytree(tmp_path / "spread", tmp_path / "single")
    ingest(files[10:20], Store(tmp_path / "single"), finder=finder)
    single = ingest(files, Store(tmp_path / "single"), finder=finder)
    real_commit = dist.commit_staged

    def commit_after_another_ingest(*args: Any, **kwargs: Any) -> Any:
        ingest(files[10:20], Store(tmp_path / "spread"), finder=finder)  # commits meanwhile
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(dist, "commit_staged", commit_after_another_ingest)
    spread = dist.ingest_distributed(
        files, Store(tmp_path / "spread"), scheduler=cluster_address, chunk_size=4
    )

    assert spread.articles == single.articles > 0
    assert spread.duplicates == single.duplicates
    _assert_same_records(Store(tmp_path / "single"), Store(tmp_path / "spread"))
    assert Store(tmp_path / "spread").check(deep=True) == []


@needs_dask
@pytest.mark.slow
def test_a_merge_made_before_another_ingest_committed_is_made_again(
    corpus: CorpusInfo,
    tmp_path: Path,
    finder: PlaceFinder,
    cluster_address: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the other ingest brings other articles: the batch is the same, the stored version is not
    files = corpus.files[:26]
    ingest(files[:4], Store.open(tmp_path / "spread"), finder=finder)
    shutil.copytree(tmp_path / "spread", tmp_path / "single")
    ingest(files[20:], Store(tmp_path / "single"), finder=finder)
    single = ingest(files[4:20], Store(tmp_path / "single"), finder=finder)
    real_commit = dist.commit_staged
    merges = []

    def commit_after_another_ingest(*args: Any, **kwargs: Any) -> Any:
        merges.append(kwargs["prepared"])
        ingest(files[20:], Store(tmp_path / "spread"), finder=finder)  # commits meanwhile
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(dist, "commit_staged", commit_after_another_ingest)
    spread = dist.ingest_distributed(
        files[4:20], Store(tmp_path / "spread"), scheduler=cluster_address, chunk_size=4
    )

    assert merges[0] is not None  # made while the workers wrote, then not used
    assert spread.articles == single.articles > 0
    _assert_same_records(Store(tmp_path / "single"), Store(tmp_path / "spread"))
    assert Store(tmp_path / "spread").check(deep=True) == []


@needs_dask
@pytest.mark.slow
def test_a_run_that_fails_before_its_commit_leaves_the_store_as_it_was(
    corpus: CorpusInfo,
    tmp_path: Path,
    finder: PlaceFinder,
    cluster_address: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = Store.open(tmp_path / "store")
    before = ingest(corpus.files[:5], store, finder=finder)
    stored = {layer: _comparable(store.read_layer(layer)) for layer in LAYERS}
    files_before = _part_files(store.root)

    def killed(*args: Any, **kwargs: Any) -> Any:
        raise KeyboardInterrupt  # the client dies after the workers wrote their parts

    monkeypatch.setattr(dist, "commit_staged", killed)
    with pytest.raises(KeyboardInterrupt):
        dist.ingest_distributed(corpus.files, store, scheduler=cluster_address, chunk_size=8)

    store = Store(tmp_path / "store")
    assert store.current_version() == before.version
    assert len(store.versions()) == 1
    for layer in LAYERS:
        pd.testing.assert_frame_equal(_comparable(store.read_layer(layer)), stored[layer])
    left = _part_files(store.root) - files_before
    assert left  # the workers' parts, named by no version
    assert store.check(deep=True) == []
    report = store.repair(dry_run=True)
    assert not report.changed  # young: a writer may still use them
    old = 1_000_000_000
    for path in left:
        os.utime(path, (old, old))
    store.repair()
    assert _part_files(store.root) == files_before
    assert store.check(deep=True) == []
    monkeypatch.undo()
    again = dist.ingest_distributed(corpus.files, store, scheduler=cluster_address, chunk_size=8)
    assert again.articles + before.articles == corpus.articles
    files_now = _part_files(store.root)
    third = dist.ingest_distributed(corpus.files, store, scheduler=cluster_address, chunk_size=8)
    assert (third.articles, third.version) == (0, again.version)
    assert _part_files(store.root) == files_now  # nothing new: the workers wrote nothing
