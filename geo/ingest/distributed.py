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
:func:`geo.ingest.pipeline.process_article` on the rest (within its time budget), then makes the
new articles' rows and their :class:`geo.ingest.batch.BatchDigest` (the office reports, place
mentions and the few event columns the zones and the page's summary need). Each worker process
loads the gazetteer once (:func:`geo.text.mentions.default_finder` is cached per process) and
keeps it for every later task. The rows stay on the worker.

The client then learns each chunk's article ids and digest (one small task per worker, for
the chunks it holds) and decides, in file order, which copy of a text that came in several
chunks is kept: the first, as one process does. Each worker then writes the events and
articles of all the chunks it holds, less the later copies, as Parquet parts into the store's
tables (:func:`geo.store.staging.stage_layer`: the parts a store write would make, one per
month), and sends back only the parts' descriptions. Meanwhile the client merges the digests
with the stored version (:func:`geo.ingest.commit.prepare_commit`: offices, places, zones and
their tables, the summary). It then commits all of it as one version
(:func:`geo.ingest.commit.commit_staged`): the workers' parts are added as they are, under
the store's write lock; if another ingest committed meanwhile, the articles it stored are left
out (only the parts holding their rows are written again) and the merge is made again. A run
that fails or is killed before its commit leaves only part files no version names: readers
never see them and ``python -m geo store repair`` removes them, as it does a killed writer's.
The cluster, no longer needed once the parts are written, shuts down while the client commits.

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
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Final, TypeVar

import pandas as pd

from geo.errors import FaultlinesError
from geo.ingest.batch import BatchDigest, digest_of, joined_digests
from geo.ingest.commit import commit_staged, new_rows, prepare_commit
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


@dataclass(frozen=True, slots=True, eq=False)
class ChunkWork:
    """What a task made of one chunk, kept on its worker until the worker writes it.

    Attributes
    ----------
    outcomes
        Per file: why it was skipped, the id of an article stored already or earlier in the
        chunk, or a processed article's id (a one-item tuple).
    events, articles
        The new articles' rows, as :func:`geo.ingest.commit.new_rows` makes them.
    digest
        What the commit needs of them (:meth:`geo.ingest.batch.BatchDigest.narrowed`).
    """

    outcomes: tuple[_Mark, ...]
    events: pd.DataFrame
    articles: pd.DataFrame
    digest: BatchDigest


@dataclass(frozen=True, slots=True, eq=False)
class ChunkMarks:
    """What the client learns of one chunk before anything is written.

    Attributes
    ----------
    gazetteer_version
        The worker's compiled gazetteer.
    marks
        `ChunkWork.outcomes`.
    digest
        `ChunkWork.digest`: the commit's half is merged while the workers write.
    """

    gazetteer_version: str
    marks: tuple[_Mark, ...]
    digest: BatchDigest


@dataclass(frozen=True, slots=True, eq=False)
class StagedChunks:
    """What a worker wrote for the chunks it holds.

    Attributes
    ----------
    chunks
        The indexes of the chunks, in file order.
    layers
        The ``events`` and ``articles`` parts written (not committed); none when the chunks
        brought no new article.
    """

    chunks: tuple[int, ...]
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
    with ExitStack() as cluster:
        client = cluster.enter_context(_connect(workers, scheduler))
        lap("cluster ready")
        works = _extract_chunks(client, items, known, chunk_size, stamp, progress)
        lap("extracted")
        plan, batch = _plan(client, works, gazetteer)
        lap("kept copies decided")
        writing = _stage_chunks(client, works, plan, store)
        # the commit's slow half reads only the stored version: done while the workers write
        prepared = None if batch is None else prepare_commit(store, batch, gazetteer, stored)
        lap("commit prepared")
        staged: list[StagedChunks] = client.gather(writing)  # type: ignore[no-untyped-call]
        lap("parts written by the workers")
        # the cluster is no longer needed: it shuts down while the client commits
        with _closed_meanwhile(cluster.pop_all()):
            version = store.current_version()
            written = batch
            if batch is not None:
                staged.sort(key=lambda s: s.chunks[0])
                layers = {n: [s.layers[n] for s in staged if n in s.layers] for n in _STAGED_LAYERS}
                version, written = commit_staged(
                    store, batch, layers, gazetteer, stored, prepared=prepared
                )
            lap("committed")
    lap("cluster closed")
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
    stamp: datetime.datetime,
    progress: ProgressCallback | None,
) -> list[Future[ChunkWork]]:
    """Run one extraction task per chunk of `items`; return their futures, in order, when done.

    The results stay on the workers.
    """
    as_completed = _distributed().as_completed
    chunks = [list(items[i : i + chunk_size]) for i in range(0, len(items), chunk_size)]
    known_ref: object = known
    if known:  # sent once to every worker; distributed leaves Client.scatter unannotated
        known_ref = client.scatter([known], broadcast=True)[0]  # type: ignore[no-untyped-call]
    futures: list[Future[ChunkWork]] = client.map(
        _extract_chunk, chunks, known=known_ref, stamp=stamp, pure=False
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
    client: Client, works: Sequence[Future[ChunkWork]], gazetteer: Gazetteer
) -> tuple[_Plan, BatchDigest | None]:
    """Decide, in file order, which copy of a text is kept; return that and the batch's digest.

    As :func:`geo.ingest.pipeline.read_new_articles` does: the first copy of a text goes in,
    later ones count as duplicates. The digest is the chunks' digests, less the later copies.
    """
    holders = _holders(client, works)
    asked = [  # one task per worker, for all the chunks it holds: not a round trip per chunk
        client.submit(
            _marks_of,
            *(works[i] for i in indexes),
            workers=address,
            allow_other_workers=True,
            pure=False,
        )
        for address, indexes in holders.items()
    ]
    answers: list[tuple[ChunkMarks, ...]] = client.gather(asked)  # type: ignore[no-untyped-call]
    marked_at: dict[int, ChunkMarks] = {}
    for indexes, answer in zip(holders.values(), answers, strict=True):
        marked_at.update(zip(indexes, answer, strict=True))
    marked = [marked_at[index] for index in range(len(works))]
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
    batch = joined_digests(
        chunk.digest.without(copies) for chunk, copies in zip(marked, later, strict=True)
    )
    return _Plan(tuple(skipped), duplicates, tuple(later)), batch


def _stage_chunks(
    client: Client, works: Sequence[Future[ChunkWork]], plan: _Plan, store: Store
) -> list[Future[StagedChunks]]:
    """Have each worker write the events and articles of the chunks it holds (futures).

    One task per worker, run where its chunks' rows are, so a month gets one part per
    worker however many chunks there were.
    """
    holders = _holders(client, works)
    Store.open(store.root)  # its directories exist before the workers write into them
    root = str(store.root.absolute())
    return [
        client.submit(
            _stage_held_chunks,
            root,
            tuple(indexes),
            tuple(plan.later_copies[i] for i in indexes),
            *(works[i] for i in indexes),
            workers=address,
            allow_other_workers=True,
            pure=False,
        )
        for address, indexes in holders.items()
    ]


def _holders(client: Client, works: Sequence[Future[ChunkWork]]) -> dict[str | None, list[int]]:
    """Return, per worker address, the indexes of the chunks it holds (None: not known)."""
    holders: dict[str | None, list[int]] = defaultdict(list)
    who_has = client.who_has(works)  # type: ignore[no-untyped-call]
    for index, future in enumerate(works):
        addresses = who_has.get(future.key) or (None,)
        holders[addresses[0]].append(index)
    return holders


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


def _dask_config() -> ModuleType:
    """Return ``dask.config`` (Dask comes with ``distributed``)."""
    return importlib.import_module("dask.config")


@contextmanager
def _closed_meanwhile(closing: ExitStack) -> Iterator[None]:
    """Close `closing` on another thread while the block runs; wait for it at the end.

    An error in closing is raised after the block, unless the block raised one itself.
    """
    problems: list[BaseException] = []

    def close() -> None:
        try:
            closing.close()
        except BaseException as error:  # raised on the caller's thread, below
            problems.append(error)

    closer = threading.Thread(target=close, name="faultlines-cluster-close", daemon=True)
    closer.start()
    try:
        yield
    finally:
        closer.join()
    if problems:
        raise problems[0]


@contextmanager
def _connect(workers: int, scheduler: str | None) -> Iterator[Client]:
    """Yield a client of a local cluster (closed afterwards) or of the scheduler at an address."""
    distributed = _distributed()
    if scheduler is None:
        # The workers' sampling profiler (100 stack walks a second) feeds only Dask's own
        # dashboard, which a local cluster here does not serve: off, as the nannies pass on.
        with _dask_config().set({"distributed.worker.profile.enabled": False}):
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host=_LOCALHOST,
                dashboard_address=None,
                # The scheduler serves health checks over HTTP even without a dashboard; a
                # free port on 127.0.0.1 instead of 8787 keeps two clusters on one machine apart.
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
    items: Sequence[tuple[str, str | Article | SkippedFile]],
    known: frozenset[str],
    stamp: datetime.datetime,
) -> ChunkWork:
    """Read and process one chunk of files, and make its rows (runs on a worker, kept there)."""
    finder = _worker_finder()
    seen: set[str] = set()
    outcomes: list[ArticleResult | SkippedFile | str] = []
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
    results = [outcome for outcome in outcomes if isinstance(outcome, ArticleResult)]
    events, articles_rows = new_rows(results, ingested_at=stamp)
    marks = tuple((o.article.id,) if isinstance(o, ArticleResult) else o for o in outcomes)
    return ChunkWork(marks, events, articles_rows, digest_of(results, events).narrowed())


def _marks_of(*works: ChunkWork) -> tuple[ChunkMarks, ...]:
    """Return what the client needs to know of chunks to decide what is kept, and commit it."""
    version = _worker_finder().gazetteer.version
    return tuple(ChunkMarks(version, work.outcomes, work.digest) for work in works)


def _stage_held_chunks(
    root: str,
    chunks: tuple[int, ...],
    later_copies: tuple[frozenset[str], ...],
    *works: ChunkWork,
) -> StagedChunks:
    """Write the events and articles of some chunks into the store's tables (on a worker).

    Articles of `later_copies` (per chunk: texts an earlier chunk holds) are left out; the
    parts are written, not committed (:func:`geo.store.staging.stage_layer`).
    """
    events, articles = [], []
    for copies, work in zip(later_copies, works, strict=True):
        events.append(_without(work.events, "article_id", copies))
        articles.append(_without(work.articles, "id", copies))
    frames = {"events": _joined_frames(events), "articles": _joined_frames(articles)}
    layers = {}
    if len(frames["articles"]):  # else nothing to write
        writers = _worker_threads()  # the cores it was given: its parts one at a time, on one
        layers = {
            name: stage_layer(Path(root), name, frame, writers=writers)
            for name, frame in frames.items()
        }
    return StagedChunks(chunks, layers)


def _worker_threads() -> int:
    """Return how many threads the Dask worker running this task was given (1 elsewhere)."""
    try:
        return max(1, int(_distributed().get_worker().state.nthreads))
    except (ValueError, AttributeError):  # not on a worker
        return 1


def _without(frame: _FrameT, column: str, article_ids: frozenset[str]) -> _FrameT:
    """Return `frame` without the rows whose `column` is one of `article_ids`."""
    if not article_ids or not len(frame):
        return frame
    keep = ~frame[column].isin(sorted(article_ids)).to_numpy(dtype=bool)
    kept: _FrameT = frame[keep].reset_index(drop=True)
    return kept


def _joined_frames(frames: list[_FrameT]) -> _FrameT:
    """Return `frames` one after the other (the first alone when all are empty)."""
    filled = [frame for frame in frames if len(frame)] or frames[:1]
    if len(filled) == 1:
        return filled[0]
    joined: _FrameT = pd.concat(filled, ignore_index=True)
    return joined
