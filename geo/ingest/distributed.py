"""Ingest article files on a Dask cluster: the workers extract and write, the client commits once.

:func:`ingest_distributed` is :func:`geo.ingest.pipeline.ingest` with the per-article work (reading,
finding places, extracting events and offices) and the writing of the new events and articles
spread over the workers of a ``dask.distributed`` cluster: a local one started for the run (one
process per worker, one thread each, listening on 127.0.0.1 only, no dashboard) or an existing
scheduler given by address. The client then commits the workers' files and the small layers as
one new store version, so both paths give the same records.

How the work is split
---------------------
The files (directories expanded, in order) are cut into chunks of ``chunk_size`` files
(`DEFAULT_CHUNK_SIZE`); each chunk is one task. A task reads its files (an unreadable file becomes a
:class:`geo.ingest.pipeline.SkippedFile`, as in :func:`geo.ingest.pipeline.read_new_articles`),
drops texts the store already holds or that came earlier in the chunk, and runs
:func:`geo.ingest.pipeline.process_article` on the rest (within its time budget). Each
worker process loads the gazetteer once (:func:`geo.text.mentions.default_finder` is cached
per process) and keeps it for every later task. The results stay on the worker.

The client then learns each chunk's article ids alone (a small task per chunk, run where the
chunk's results are) and decides, in file order, which copy of a text that came in several
chunks is kept: the first, as one process does. Each worker then writes the events and
articles of all the chunks it holds, less the later copies, as Parquet parts into the store's
tables (:func:`geo.store.staging.stage_layer`: the parts a store write would make, one per
month), and sends back only the parts' descriptions and each chunk's
:class:`geo.ingest.batch.BatchDigest` (its office reports, place mentions and the few event
columns the zones and the page's summary need). The client commits all of it as one version
(:func:`geo.ingest.commit.commit_staged`): the workers' parts are added as they are, under
the store's write lock; if another ingest committed meanwhile, the articles it stored are left
out (only the parts holding their rows are written again). A run that fails or is killed before
its commit leaves only part files no version names: readers never see them and
``python -m geo store repair`` removes them, as it does a killed writer's.

Files are read, and the store written, by the workers: with a remote scheduler every worker
must see the articles and the store at the same absolute paths as the client (a shared file
system) and use the same compiled gazetteer (checked). Relative paths are resolved on the
client and reported as given. Standard input (``"-"``) is read on the client.

Worker processes are started fresh (not forked) and import the main module of the program
that starts them, so a script calling :func:`ingest_distributed` must keep its work under
``if __name__ == "__main__":`` (and a script read from standard input cannot start a local
cluster). ``dask.distributed`` is an optional dependency:
``pip install "dask[distributed]"``.
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Final, TypeVar

import pandas as pd

from geo.errors import FaultlinesError
from geo.ingest.batch import BatchDigest, digest_of, joined_digests
from geo.ingest.commit import commit_staged, new_rows
from geo.ingest.pipeline import (
    ArticleResult,
    IngestReport,
    ProgressCallback,
    SkippedFile,
    process_or_skip,
    read_new_articles,
    report_of_batch,
)
from geo.ingest.stored import read_for_commit
from geo.places.gazetteer import Gazetteer
from geo.places.geocode import default_geocoder
from geo.store.staging import stage_layer
from geo.store.store import LayerInfo, Store
from geo.text.articles import Article, iter_article_paths
from geo.text.mentions import PlaceFinder, default_finder

if TYPE_CHECKING:
    from distributed import Client, Future

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
_STAGED_LAYERS: Final = ("events", "articles")
_LOG = logging.getLogger(__name__)

# One finder per worker process; the lock keeps two threads of one worker from loading it twice.
_FINDER_LOCK = threading.Lock()

# What one file comes to in a task: its result, why it was skipped, or the id of an article
# that is already stored or came earlier in the same chunk.
_Outcome = ArticleResult | SkippedFile | str

# What the client learns of one file before anything is written: why it was skipped, the id
# of an article already stored or earlier in its chunk (a string), or a processed article's
# id (a one-item tuple).
_Mark = SkippedFile | str | tuple[str]

_FrameT = TypeVar("_FrameT", bound=pd.DataFrame)


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


@dataclass(frozen=True, slots=True)
class ChunkMarks:
    """What the client learns of one chunk before anything is written (`_Mark` per file)."""

    gazetteer_version: str
    marks: tuple[_Mark, ...]


@dataclass(frozen=True, slots=True, eq=False)
class StagedChunks:
    """What a worker wrote for the chunks it holds, and what the commit needs of them.

    Attributes
    ----------
    chunks
        The indexes of the chunks, in file order.
    digests
        Each chunk's digest (its later copies of texts left out), in the same order.
    layers
        The ``events`` and ``articles`` parts written (not committed); none when the chunks
        brought no new article.
    """

    chunks: tuple[int, ...]
    digests: tuple[BatchDigest, ...]
    layers: dict[str, LayerInfo]


@dataclass(frozen=True, slots=True)
class _Plan:
    """The client's verdict on every file: skipped ones, duplicates, later copies to leave out."""

    skipped: tuple[SkippedFile, ...]
    duplicates: int
    later_copies: tuple[frozenset[str], ...]  # per chunk


def ingest_distributed(
    paths: Iterable[str | Path],
    store: Store,
    *,
    workers: int = DEFAULT_WORKERS,
    scheduler: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest article files into `store`, extracting and writing on a Dask cluster.

    The result is the one :func:`geo.ingest.pipeline.ingest` gives for the same files and store: the
    same articles, events, offices, places and zones, the same duplicates and skipped files,
    written as one new store version.

    Parameters
    ----------
    paths
        Files and directories (expanded as by :func:`geo.text.articles.iter_article_paths`);
        ``"-"`` reads standard input.
    store
        The store to write into; its workers must see it at the same path.
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
    stored = read_for_commit(store)
    if not items:
        return report_of_batch(
            None, store.current_version(), skipped=(), duplicates=0, started=started
        )
    known = frozenset(stored.articles["id"]) if stored and len(stored.articles) else frozenset()
    gazetteer = default_geocoder().gazetteer  # the client draws offices, places and zones
    stamp = datetime.datetime.now(datetime.UTC)  # every article of the run: as one process
    lap = _stopwatch()
    with _connect(workers, scheduler) as client:
        lap("cluster ready")
        outcomes = _extract_chunks(client, items, known, chunk_size, progress)
        lap("extracted")
        plan = _plan(client, outcomes, gazetteer)
        lap("kept copies decided")
        staged = _stage_chunks(client, outcomes, plan, store, stamp)
        lap("parts written by the workers")
    lap("cluster closed")
    by_chunk = {index: d for s in staged for index, d in zip(s.chunks, s.digests, strict=True)}
    batch = joined_digests(by_chunk[index] for index in sorted(by_chunk))
    version = store.current_version()
    written = batch
    if batch is not None:
        layers = {n: [s.layers[n] for s in staged if n in s.layers] for n in _STAGED_LAYERS}
        version, written = commit_staged(store, batch, layers, gazetteer, stored)
    lap("committed")
    duplicates = plan.duplicates
    if batch is not None and written is not None:
        duplicates += len(batch.article_ids) - len(written.article_ids)
    return report_of_batch(
        written, version, skipped=plan.skipped, duplicates=duplicates, started=started
    )


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


def _extract_chunks(
    client: Client,
    items: Sequence[tuple[str, str | Article | SkippedFile]],
    known: frozenset[str],
    chunk_size: int,
    progress: ProgressCallback | None,
) -> list[Future[list[_Outcome]]]:
    """Run one extraction task per chunk of `items`; return their futures, in order, when done.

    The results stay on the workers.
    """
    as_completed = _distributed().as_completed
    chunks = [list(items[i : i + chunk_size]) for i in range(0, len(items), chunk_size)]
    known_ref: object = known
    if known:  # sent once to every worker; distributed leaves Client.scatter unannotated
        known_ref = client.scatter([known], broadcast=True)[0]  # type: ignore[no-untyped-call]
    futures: list[Future[list[_Outcome]]] = client.map(
        _extract_chunk, chunks, known=known_ref, pure=False
    )
    index_of = {future.key: index for index, future in enumerate(futures)}
    done = 0
    for future in as_completed(futures, loop=client.loop):
        index = index_of[future.key]
        if future.status == "error":
            future.result()  # raises the task's error here
        done += len(chunks[index])
        if progress is not None:
            progress(done, len(items), chunks[index][-1][0])
    return futures


def _plan(
    client: Client, outcomes: Sequence[Future[list[_Outcome]]], gazetteer: Gazetteer
) -> _Plan:
    """Learn each chunk's article ids and decide, in file order, which copy of a text is kept.

    As :func:`geo.ingest.pipeline.read_new_articles` does: the first copy of a text goes in,
    later ones count as duplicates.
    """
    marked: list[ChunkMarks] = client.gather(  # type: ignore[no-untyped-call]
        client.map(_marks_of, outcomes, pure=False)
    )
    skipped: list[SkippedFile] = []
    duplicates = 0
    seen: set[str] = set()
    later: list[frozenset[str]] = []
    for chunk in marked:
        _check_gazetteer(chunk.gazetteer_version, gazetteer)
        copies: set[str] = set()
        for mark in chunk.marks:
            if isinstance(mark, SkippedFile):
                skipped.append(mark)
            elif isinstance(mark, str):
                duplicates += 1
            elif mark[0] in seen:
                duplicates += 1
                copies.add(mark[0])
            else:
                seen.add(mark[0])
        later.append(frozenset(copies))
    return _Plan(tuple(skipped), duplicates, tuple(later))


def _stage_chunks(
    client: Client,
    outcomes: Sequence[Future[list[_Outcome]]],
    plan: _Plan,
    store: Store,
    stamp: datetime.datetime,
) -> list[StagedChunks]:
    """Have each worker write the events and articles of the chunks it holds; return what it did.

    One task per worker, run where its chunks' results are, so a month gets one part per
    worker however many chunks there were.
    """
    holders: dict[str, list[int]] = defaultdict(list)
    who_has = client.who_has(outcomes)  # type: ignore[no-untyped-call]
    for index, future in enumerate(outcomes):
        addresses = who_has.get(future.key) or ("",)
        holders[addresses[0]].append(index)
    Store.open(store.root)  # its directories exist before the workers write into them
    root = str(store.root.absolute())
    tasks = [
        client.submit(
            _stage_held_chunks,
            root,
            stamp,
            tuple(indexes),
            tuple(plan.later_copies[i] for i in indexes),
            *(outcomes[i] for i in indexes),
            workers=[address] if address else None,
            allow_other_workers=True,
            pure=False,
        )
        for address, indexes in holders.items()
    ]
    staged: list[StagedChunks] = client.gather(tasks)  # type: ignore[no-untyped-call]
    return sorted(staged, key=lambda s: s.chunks[0])


def _stopwatch() -> Callable[[str], None]:
    """Return a function that logs (debug) what was done and the seconds since its last call."""
    last = time.perf_counter()

    def lap(what: str) -> None:
        nonlocal last
        now = time.perf_counter()
        _LOG.debug("%s: %.2f s", what, now - last)
        last = now

    return lap


def _check_gazetteer(version: str, gazetteer: Gazetteer) -> None:
    """Raise `GazetteerMismatchError` unless a worker's gazetteer `version` is the client's."""
    if version != gazetteer.version:
        raise GazetteerMismatchError(version, gazetteer.version)


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


def _extract_chunk(
    items: Sequence[tuple[str, str | Article | SkippedFile]], known: frozenset[str]
) -> list[_Outcome]:
    """Read and process one chunk of files (runs on a worker, where the outcomes stay)."""
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
    return outcomes


def _marks_of(outcomes: Sequence[_Outcome]) -> ChunkMarks:
    """Return what the client needs to know of a chunk's outcomes to decide what is kept."""
    marks: list[_Mark] = []
    for outcome in outcomes:
        marks.append((outcome.article.id,) if isinstance(outcome, ArticleResult) else outcome)
    return ChunkMarks(_worker_finder().gazetteer.version, tuple(marks))


def _stage_held_chunks(
    root: str,
    stamp: datetime.datetime,
    chunks: tuple[int, ...],
    later_copies: tuple[frozenset[str], ...],
    *outcomes: Sequence[_Outcome],
) -> StagedChunks:
    """Write the events and articles of some chunks into the store's tables (on a worker).

    Articles of `later_copies` (per chunk: texts an earlier chunk holds) are left out; the
    parts are written, not committed (:func:`geo.store.staging.stage_layer`).
    """
    digests, events, articles = [], [], []
    for copies, chunk in zip(later_copies, outcomes, strict=True):
        results = [o for o in chunk if isinstance(o, ArticleResult) and o.article.id not in copies]
        chunk_events, chunk_articles = new_rows(results, ingested_at=stamp)
        digests.append(digest_of(results, chunk_events).narrowed())
        events.append(chunk_events)
        articles.append(chunk_articles)
    frames = {"events": _joined_frames(events), "articles": _joined_frames(articles)}
    layers = {}
    if any(digest.article_ids for digest in digests):  # else nothing to write
        layers = {name: stage_layer(Path(root), name, frame) for name, frame in frames.items()}
    return StagedChunks(chunks, tuple(digests), layers)


def _joined_frames(frames: list[_FrameT]) -> _FrameT:
    """Return `frames` one after the other (the first alone when all are empty)."""
    filled = [frame for frame in frames if len(frame)] or frames[:1]
    if len(filled) == 1:
        return filled[0]
    joined: _FrameT = pd.concat(filled, ignore_index=True)
    return joined
