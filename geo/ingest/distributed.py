"""Ingest article files on a Dask cluster: read and extract in parallel, merge and write once.

:func:`ingest_distributed` is :func:`geo.ingest.pipeline.ingest` with the per-article work (reading,
finding places, extracting events and offices) spread over the workers of a
``dask.distributed`` cluster: a local one started for the run (one process per worker, one
thread each, listening on 127.0.0.1 only, no dashboard) or an existing scheduler given by
address. The client then merges the results in the order of the files, exactly as the
single-process path does, and writes one new store version, so both give the same records.

How the work is split
---------------------
The files (directories expanded, in order) are cut into chunks of ``chunk_size`` files
(`DEFAULT_CHUNK_SIZE`); each chunk is one task. A task reads its files (an unreadable file becomes a
:class:`geo.ingest.pipeline.SkippedFile`, as in :func:`geo.ingest.pipeline.read_new_articles`),
drops texts the store already holds or that came earlier in the chunk, and runs
:func:`geo.ingest.pipeline.process_article` on the rest (within its time budget). Each
worker process loads the gazetteer once (:func:`geo.text.mentions.default_finder` is cached
per process) and keeps it for every later task. Results travel back with the places they
mention replaced by their gazetteer ids (a country's shape would otherwise be sent with every
mention), and the client puts its own copies of those places back; both sides must therefore
run on the same compiled gazetteer, which is checked.

Files are read by the workers, so with a remote scheduler every worker must see them at the
same absolute path (a shared file system). Relative paths are resolved on the client and
reported as given. Standard input (``"-"``) is read on the client.

Worker processes are started fresh (not forked) and import the main module of the program
that starts them, so a script calling :func:`ingest_distributed` must keep its work under
``if __name__ == "__main__":`` (and a script read from standard input cannot start a local
cluster). ``dask.distributed`` is an optional dependency:
``pip install "dask[distributed]"``.
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import logging
import pickle
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Final

from geo.errors import FaultlinesError
from geo.ingest.pipeline import (
    ArticleResult,
    IngestReport,
    ProgressCallback,
    SkippedFile,
    commit_results,
    process_or_skip,
    read_new_articles,
    report_of,
)
from geo.ingest.stored import read_for_commit
from geo.places.gazetteer import Gazetteer, Place
from geo.places.geocode import default_geocoder
from geo.store.store import Store
from geo.text.articles import Article, iter_article_paths
from geo.text.mentions import PlaceFinder, default_finder

if TYPE_CHECKING:
    from distributed import Client

__all__ = [
    "CONNECT_TIMEOUT",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_WORKERS",
    "DaskMissingError",
    "GazetteerMismatchError",
    "SchedulerUnreachableError",
    "ingest_distributed",
]

DEFAULT_WORKERS: Final = 2
"""Worker processes of the local cluster started when no scheduler is given (default 2)."""

DEFAULT_CHUNK_SIZE: Final = 64
"""Files per task (default 64): large enough to hide task overhead, small enough to balance."""

CONNECT_TIMEOUT: float = 5.0
"""Seconds to wait for a scheduler given by address before giving up (default 5)."""

INSTALL_HINT: Final = 'pip install "dask[distributed]"'
_STDIN: Final = "-"
_LOCALHOST: Final = "127.0.0.1"

# One finder per worker process; the lock keeps two threads of one worker from loading it twice.
_FINDER_LOCK = threading.Lock()

# What one file comes to in a task: its result, why it was skipped, or the id of an article
# that is already stored or came earlier in the same chunk.
_Outcome = ArticleResult | SkippedFile | str


class DaskMissingError(FaultlinesError, ImportError):
    """``dask.distributed`` is not installed."""


class SchedulerUnreachableError(FaultlinesError, RuntimeError):
    """No Dask scheduler answered at `address` within `CONNECT_TIMEOUT` seconds."""

    def __init__(self, address: str, problem: str) -> None:
        message = f"cannot reach the Dask scheduler at {address!r}: {problem}"
        super().__init__(message)
        self.address = address
        self.problem = problem


class GazetteerMismatchError(FaultlinesError, RuntimeError):
    """A worker runs on another compiled gazetteer than the client."""

    def __init__(self, worker_version: str, client_version: str) -> None:
        message = (
            f"a worker uses gazetteer {worker_version!r} and this process {client_version!r}; "
            "compile the same gazetteer on every machine (python -m geo gazetteer build)"
        )
        super().__init__(message)
        self.worker_version = worker_version
        self.client_version = client_version


def ingest_distributed(
    paths: Iterable[str | Path],
    store: Store,
    *,
    workers: int = DEFAULT_WORKERS,
    scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest article files into `store`, extracting on a Dask cluster.

    The result is the one :func:`geo.ingest.pipeline.ingest` gives for the same files and store: the
    same articles, events, offices, places and zones, the same duplicates and skipped files,
    written as one new store version.

    Parameters
    ----------
    paths
        Files and directories (expanded as by :func:`geo.text.articles.iter_article_paths`);
        ``"-"`` reads standard input.
    store
        The store to write into.
    workers
        Worker processes of the local cluster (ignored when `scheduler` is given).
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``); a local cluster when None.
    chunk_size
        Files per task.
    progress
        Called as ``progress(files_done, files_total, last_source)`` as chunks finish.

    Returns
    -------
    IngestReport
        As :func:`geo.ingest.pipeline.ingest`.

    Raises
    ------
    ValueError
        If `workers` or `chunk_size` is below 1, or `scheduler` is blank.
    SchedulerUnreachableError
        If no scheduler answers at `scheduler` within `CONNECT_TIMEOUT` seconds.
    GazetteerMismatchError
        If a worker runs on another compiled gazetteer.
    DaskMissingError
        If ``dask.distributed`` is not installed.
    """
    if workers < 1:
        msg = f"workers must be at least 1, got {workers!r}"
        raise ValueError(msg)
    if chunk_size < 1:
        msg = f"chunk_size must be at least 1, got {chunk_size!r}"
        raise ValueError(msg)
    if scheduler is not None and not scheduler.strip():
        msg = f"scheduler must be an address such as 'tcp://127.0.0.1:8786', got {scheduler!r}"
        raise ValueError(msg)
    started = time.perf_counter()
    items = _work_items(paths)
    stored_ids: set[str] = set()
    if store.current_version():
        stored_articles = store.read_layer("articles", columns=["id"])
        stored_ids = set(stored_articles["id"]) if len(stored_articles) else set()
    if not items:
        return _write_results([], store, None, [], 0, started)
    gazetteer = default_geocoder().gazetteer  # places by id: the client finds no names
    with _connect(workers, scheduler) as client:
        outcomes = _run_chunks(
            client, items, frozenset(stored_ids), chunk_size, gazetteer, progress
        )
    results, skipped, duplicates = _merge_outcomes(outcomes, stored_ids)
    return _write_results(results, store, gazetteer, skipped, duplicates, started)


# --- client side --------------------------------------------------------------------------------


def _work_items(paths: Iterable[str | Path]) -> list[tuple[str, str | Article | SkippedFile]]:
    """Return ``(source as given, what to read)`` per file: an absolute path, or what stdin held."""
    items: list[tuple[str, str | Article | SkippedFile]] = []
    for path in paths:
        if str(path) == _STDIN:
            articles, skipped, _ = read_new_articles([_STDIN], set())
            items.append((_STDIN, articles[0] if articles else skipped[0]))
            continue
        expanded = iter_article_paths([path]) if Path(path).is_dir() else [path]
        for file in expanded:
            items.append((str(file), str(Path(file).absolute())))
    return items


def _run_chunks(
    client: Client,
    items: Sequence[tuple[str, str | Article | SkippedFile]],
    known: frozenset[str],
    chunk_size: int,
    gazetteer: Gazetteer,
    progress: ProgressCallback | None,
) -> list[_Outcome]:
    """Run one task per chunk of `items`; return the outcomes in the order of `items`."""
    as_completed = _distributed().as_completed
    chunks = [list(items[i : i + chunk_size]) for i in range(0, len(items), chunk_size)]
    known_ref: object = known
    if known:  # sent once to every worker; distributed leaves Client.scatter unannotated
        known_ref = client.scatter([known], broadcast=True)[0]  # type: ignore[no-untyped-call]
    futures = client.map(_ingest_chunk, chunks, known=known_ref, pure=False)
    index_of = {future.key: index for index, future in enumerate(futures)}
    by_chunk: list[list[_Outcome]] = [[] for _ in chunks]
    done = 0
    for future in as_completed(futures, loop=client.loop):
        index = index_of[future.key]
        by_chunk[index] = _loads(future.result(), gazetteer)
        future.release()
        done += len(chunks[index])
        if progress is not None:
            progress(done, len(items), chunks[index][-1][0])
    return [outcome for chunk in by_chunk for outcome in chunk]


def _merge_outcomes(
    outcomes: Iterable[_Outcome], stored_ids: set[str]
) -> tuple[list[ArticleResult], list[SkippedFile], int]:
    """Keep the first result of each text, in file order, as `read_new_articles` does."""
    results: list[ArticleResult] = []
    skipped: list[SkippedFile] = []
    duplicates = 0
    seen = set(stored_ids)
    for outcome in outcomes:
        if isinstance(outcome, SkippedFile):
            skipped.append(outcome)
        elif isinstance(outcome, str) or outcome.article.id in seen:
            duplicates += 1
        else:
            seen.add(outcome.article.id)
            results.append(outcome)
    return results, skipped, duplicates


def _write_results(
    results: Sequence[ArticleResult],
    store: Store,
    gazetteer: Gazetteer | None,
    skipped: Sequence[SkippedFile],
    duplicates: int,
    started: float,
) -> IngestReport:
    """Merge `results` with the stored layers and write one version, as `ingest_articles` does.

    Through :func:`geo.ingest.pipeline.commit_results`, so the merge happens under the store's write
    lock and an ingest running at the same time keeps its articles.
    """
    gazetteer = gazetteer if gazetteer is not None else default_geocoder().gazetteer
    stored = read_for_commit(store)
    known = set() if stored is None or not len(stored.articles) else set(stored.articles["id"])
    fresh = [r for r in results if r.article.id not in known]
    duplicates += len(results) - len(fresh)
    version, written, duplicates = commit_results(store, fresh, gazetteer, stored, duplicates)
    return report_of(written, version, skipped=skipped, duplicates=duplicates, started=started)


def _distributed() -> ModuleType:
    """Return the ``distributed`` module (untyped), or say how to install it."""
    try:
        return importlib.import_module("distributed")
    except ImportError as error:
        msg = f"distributed ingestion needs dask.distributed: {INSTALL_HINT}"
        raise DaskMissingError(msg) from error


@contextmanager
def _connect(workers: int, scheduler: str | None) -> Iterator[Client]:
    """Yield a client of a local cluster (closed afterwards) or of the scheduler at an address."""
    distributed = _distributed()
    if scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host=_LOCALHOST,
            dashboard_address=None,
            # The scheduler serves health checks over HTTP even without a dashboard; a free
            # port on 127.0.0.1 instead of 8787 keeps two clusters on one machine apart.
            scheduler_kwargs={"dashboard": False, "dashboard_address": f"{_LOCALHOST}:0"},
            silence_logs=logging.ERROR,
        )
        with cluster, distributed.Client(cluster, set_as_default=False) as client:
            yield client
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        problem = " ".join(str(error).split()) or type(error).__name__
        raise SchedulerUnreachableError(scheduler, problem) from error
    with client:
        yield client


# --- worker side --------------------------------------------------------------------------------


def _worker_finder() -> PlaceFinder:
    with _FINDER_LOCK:
        return default_finder()


def _ingest_chunk(
    items: Sequence[tuple[str, str | Article | SkippedFile]], known: frozenset[str]
) -> tuple[str, bytes]:
    """Read and process one chunk of files (runs on a worker); return the packed outcomes."""
    finder = _worker_finder()
    seen: set[str] = set()
    outcomes: list[_Outcome] = []
    for given, what in items:
        if isinstance(what, SkippedFile):
            outcomes.append(what)
            continue
        if isinstance(what, Article):
            article = what
        else:
            articles, skipped, _ = read_new_articles([what], set())
            if skipped:
                outcomes.append(SkippedFile(given, skipped[0].reason))
                continue
            article = dataclasses.replace(articles[0], source=given)
        if article.id in known or article.id in seen:
            outcomes.append(article.id)
            continue
        seen.add(article.id)
        outcomes.append(process_or_skip(article, finder=finder))
    return _dumps(outcomes, finder.gazetteer)


class _PlacePickler(pickle.Pickler):
    """Pickle gazetteer places as their ids."""

    def __init__(self, file: io.BytesIO, gazetteer: Gazetteer) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.gazetteer = gazetteer

    def persistent_id(self, obj: object) -> str | None:
        if type(obj) is Place and self.gazetteer.get(obj.id) is obj:
            return obj.id
        return None


class _PlaceUnpickler(pickle.Unpickler):
    """Unpickle place ids as this process's gazetteer places."""

    def __init__(self, file: io.BytesIO, gazetteer: Gazetteer) -> None:
        super().__init__(file)
        self.gazetteer = gazetteer

    def persistent_load(self, pid: object) -> Place:
        return self.gazetteer.place(str(pid))


def _dumps(outcomes: list[_Outcome], gazetteer: Gazetteer) -> tuple[str, bytes]:
    """Pack outcomes with the version of the gazetteer their place ids refer to."""
    buffer = io.BytesIO()
    _PlacePickler(buffer, gazetteer).dump(outcomes)
    return gazetteer.version, buffer.getvalue()


def _loads(packed: tuple[str, bytes], gazetteer: Gazetteer) -> list[_Outcome]:
    """Unpack what `_dumps` made on a worker, with this process's places."""
    version, data = packed
    if version != gazetteer.version:
        raise GazetteerMismatchError(version, gazetteer.version)
    outcomes: list[_Outcome] = _PlaceUnpickler(io.BytesIO(data), gazetteer).load()
    return outcomes
