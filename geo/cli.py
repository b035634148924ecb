"""Run Faultlines from the command line: ``python -m geo COMMAND``.

Commands (the contract in the README; scripts depend on it):

* ``geocode NAME [--format text|json|geojson]``: the best match; exit 1 with suggestions when
  nothing matches;
* ``places PATH... [--format jsonl]``: one JSON object per place mention (``-`` reads stdin);
* ``ingest PATH... [--store DIR]``: articles into the store (a bad file is reported and
  skipped; the same text twice adds nothing); http(s) addresses of feeds or article pages
  may stand beside the paths;
* ``feeds add URL [--every 30m] [--name NAME]``, ``feeds list``, ``feeds remove URL|NAME``:
  the feeds the store follows;
* ``watch [--once]``: poll the followed feeds on their schedules;
* ``export --layer events|offices|zones|places [--store DIR] [--format geojson|csv|parquet]``;
* ``store check``: look for damage in the store;
* ``store repair [--dry-run]``: bring a damaged store back to its newest sound version;
* ``store migrate``: convert a store of the older layout into Delta tables;
* ``gazetteer build`` / ``gazetteer info``: compile or describe the offline gazetteer.

Errors are one line on stderr and a non-zero exit status, never a traceback; in a batch, a bad
file is reported and the others are still processed.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from geo import settings
from geo.errors import FaultlinesError
from geo.places.names import MAX_NAME_CHARS
from geo.records import MAP_LAYERS
from geo.store.format import shown_name
from geo.text.decoding import ArticleError, decode_file

if TYPE_CHECKING:  # each command imports what it needs: ``dashboard`` starts a server quickly
    from geo.places.geocode import Resolution
    from geo.text.articles import Article
    from geo.text.mention_records import PlaceMention

#: Exit status when the input was understood but nothing matched.
EXIT_NO_MATCH = 1
#: Exit status for bad input (unreadable file, empty name).
EXIT_BAD_INPUT = 2


class CliError(FaultlinesError, click.ClickException):
    """A user-facing error: one line ``error: …`` on stderr and exit status `exit_code`."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(" ".join(message.split()))
        self.exit_code = exit_code  # type: ignore[misc]  # click makes it a class default

    def show(self, file: Any = None) -> None:
        """Print the message as one line on stderr."""
        click.echo(f"error: {self.message}", err=True)


def _fail(message: str, status: int = EXIT_BAD_INPUT) -> NoReturn:
    raise CliError(message, status)


@contextmanager
def _one_line_errors(*, in_store: bool = True) -> Iterator[None]:
    """Turn a failed read or write into a `CliError`, never a traceback.

    A full disk, a read-only store, a missing folder: one line that says what to do.
    """
    from geo.store.format import StoreError, describe_os_error

    try:
        yield
    except StoreError as error:
        raise CliError(str(error)) from error
    except OSError as error:
        raise CliError(describe_os_error(error, in_store=in_store)) from error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="faultlines")
def main() -> None:
    """Faultlines: places, events and tension zones from geopolitical news, offline."""


# --- geocode -------------------------------------------------------------------------------


def resolution_to_dict(resolution: Resolution) -> dict[str, Any]:
    """Return the JSON form of a resolution (the ``geocode --format json`` output)."""
    place = resolution.place
    return {
        "query": resolution.query,
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "country_codes": list(place.country_codes),
        "disputed_by": list(place.disputed_by),
        "lat": place.lat,
        "lon": place.lon,
        "bbox": list(place.bbox),
        "population": place.population,
        "confidence": resolution.confidence,
        "source": place.source,
        "alternatives": [
            {
                "id": alt.place_id,
                "name": alt.name,
                "kind": alt.kind,
                "country_codes": list(alt.country_codes),
                "score": alt.score,
            }
            for alt in resolution.alternatives
        ],
    }


@main.command()
@click.argument("name")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "geojson"]),
    default="text",
    show_default=True,
)
def geocode(name: str, output_format: str) -> None:
    """Resolve NAME to the place it most likely means."""
    if not name.strip():
        _fail("the place name is empty")
    if len(name) > MAX_NAME_CHARS:
        _fail(f"the place name is {len(name):,} characters long; the limit is {MAX_NAME_CHARS}")
    from geo.places.geocode import default_geocoder

    geocoder = default_geocoder()
    resolution = geocoder.geocode(name)
    if resolution is None:
        suggestions = geocoder.suggest(name)
        hint = ", ".join(repr(s.name) for s in suggestions) or "none"
        _fail(f"no place called {_printable(name)!r}; did you mean: {hint}", EXIT_NO_MATCH)
    place = resolution.place
    if output_format == "json":
        click.echo(json.dumps(resolution_to_dict(resolution), ensure_ascii=False))
    elif output_format == "geojson":
        properties = resolution_to_dict(resolution)
        feature = {
            "type": "Feature",
            "geometry": place.geometry.__geo_interface__,
            "properties": {k: v for k, v in properties.items() if k != "bbox"},
            "bbox": list(place.bbox),
        }
        click.echo(json.dumps(feature, ensure_ascii=False))
    else:
        where = ", ".join(place.country_codes) or "international"
        click.echo(
            f"{place.name} ({place.kind}, {where}) {place.id}  "
            f"lat {place.lat:.4f} lon {place.lon:.4f}  confidence {resolution.confidence:.2f}"
        )
        for alt in resolution.alternatives[:3]:
            click.echo(
                f"  also: {alt.name} ({alt.kind}, {', '.join(alt.country_codes)}) {alt.place_id}"
            )


def _printable(text: str) -> str:
    shown = "".join(ch if ch.isprintable() else "\ufffd" for ch in text)
    return shown if len(shown) <= 60 else shown[:57] + "…"


# --- places --------------------------------------------------------------------------------


def mention_to_dict(source: str, mention: PlaceMention, offset: int = 0) -> dict[str, Any]:
    """Return the JSON object the ``places`` command prints for one mention."""
    place = mention.place
    return {
        "source": source,
        "start": mention.start + offset,
        "end": mention.end + offset,
        "text": mention.text,
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "lat": place.lat,
        "lon": place.lon,
        "bbox": list(place.bbox),
        "confidence": mention.confidence,
    }


def _html_offsets(decoded: str, mentions: Sequence[PlaceMention]) -> Iterator[int | None]:
    """Map mentions found in text extracted from HTML back onto the decoded HTML source.

    Each mention's text is searched for in order, outside tags; a mention whose text does not
    appear verbatim (an entity-encoded name) maps to None.
    """
    position = 0
    for mention in mentions:
        found = decoded.find(mention.text, position)
        while found >= 0 and decoded.rfind("<", 0, found) > decoded.rfind(">", 0, found):
            found = decoded.find(mention.text, found + 1)  # inside a tag: keep looking
        if found < 0:
            yield None
            continue
        position = found + len(mention.text)
        yield found - mention.start


def _article_places(path: str, article: Article) -> Iterator[dict[str, Any]]:
    from geo.text.mentions import find_places

    mentions = find_places(article.text)
    if article.body_offset is not None:
        for mention in mentions:
            yield mention_to_dict(path, mention, article.body_offset)
        return
    decoded = decode_file(path) if path != "-" else ""
    for mention, offset in zip(mentions, _html_offsets(decoded, mentions), strict=True):
        record = mention_to_dict(path, mention, offset or 0)
        if offset is None:
            record["start"] = record["end"] = None
        yield record


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format", "output_format", type=click.Choice(["jsonl"]), default="jsonl", show_default=True
)
def places(paths: tuple[str, ...], output_format: str) -> None:
    """Print every place named in the articles at PATHS, one JSON object per line.

    Offsets are character offsets into each file's decoded text (``-`` reads stdin).
    """
    from geo.text.articles import read_article

    failures = 0
    for path in paths:
        try:
            article = read_article(path)
        except ArticleError as error:
            click.echo(f"error: {shown_name(error.path)}: {error.reason}", err=True)
            failures += 1
            continue
        for record in _article_places(path, article):
            click.echo(json.dumps(record, ensure_ascii=False))
    if failures:
        sys.exit(EXIT_BAD_INPUT if failures == len(paths) else EXIT_NO_MATCH)


# --- ingest and export ---------------------------------------------------------------------

_STORE_OPTION = click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Store directory (default: $FAULTLINES_STORE or ./data).",
)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_STORE_OPTION
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--workers",
    type=click.IntRange(min=1, max=256),
    default=1,
    show_default=True,
    help="Extract and write on a local Dask cluster of this many worker processes (1: no Dask).",
)
@click.option(
    "--scheduler",
    help="Address of an existing Dask scheduler (tcp://host:port); its workers must see the "
    "files and the store at the same paths.",
)
def ingest(
    paths: tuple[str, ...],
    store_dir: Path | None,
    quiet: bool,
    workers: int,
    scheduler: str | None,
) -> None:
    """Read the articles at PATHS (files, folders, - for stdin, feed or page addresses).

    An http(s) address is fetched and told apart by its content: a feed brings in its items'
    article pages, a web page is an article.
    """
    from tqdm import tqdm

    from geo.ingest.urls import is_web_url

    if any(is_web_url(path) for path in paths):
        if workers > 1 or scheduler:
            _fail("--workers and --scheduler read files only; give the addresses on their own")
        _ingest_web(paths, store_dir)
        return

    from geo.ingest.pipeline import ingest as ingest_paths
    from geo.store.format import describe_os_error
    from geo.store.store import Store, StoreError, default_store_dir

    try:
        store = Store.open(store_dir or default_store_dir())
    except StoreError as error:
        _fail(f"cannot open the store: {error}")
    except OSError as error:
        _fail(f"cannot open the store: {describe_os_error(error)}")
    bar: Any = None

    def progress(done: int, total: int, source: str) -> None:
        nonlocal bar
        if quiet or total < 2:
            return
        if bar is None:
            bar = tqdm(total=total, unit="article", file=sys.stderr, leave=False)
        bar.update(1)

    try:
        with _one_line_errors():
            if workers > 1 or scheduler:
                from geo.ingest.distributed import ingest_distributed

                report = ingest_distributed(
                    paths, store, workers=workers, scheduler=scheduler, progress=progress
                )
            else:
                report = ingest_paths(paths, store, progress=progress)
    except (RuntimeError, ImportError) as error:
        _fail(str(error))
    finally:
        if bar is not None:
            bar.close()
    click.echo(report.summary())
    if report.skipped:
        sys.exit(
            EXIT_BAD_INPUT if report.articles == 0 and report.duplicates == 0 else EXIT_NO_MATCH
        )


_EXPORT_COLUMNS_DROPPED = ("article_published", "text")


@main.command()
@click.option(
    "--layer",
    type=click.Choice(MAP_LAYERS),
    required=True,
)
@_STORE_OPTION
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["geojson", "csv", "parquet"]),
    default="geojson",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (required for parquet; stdout otherwise).",
)
def export(layer: str, store_dir: Path | None, output_format: str, output: Path | None) -> None:
    """Export one layer of the bundled seeds plus the store."""
    from geo.layers.export import layer_to_csv, layer_to_geojson
    from geo.places.gazetteer import load_gazetteer
    from geo.store.store import default_store_dir
    from geo.view.dataset import load_dataset

    if output_format == "parquet" and output is None:
        _fail("--format parquet needs --output FILE")
    if output is not None and not output.absolute().parent.is_dir():
        folder = shown_name(output.parent)
        _fail(f"cannot write {shown_name(output)}: the folder {folder} does not exist")
    gazetteer = load_gazetteer()
    with _one_line_errors():
        dataset = load_dataset(gazetteer, store_dir=store_dir or default_store_dir())
    if dataset.notice:
        click.echo(f"note: {' '.join(dataset.notice.split())}", err=True)
    frame = {
        "events": dataset.events,
        "offices": dataset.offices,
        "places": dataset.places,
        "zones": None,
    }[layer]
    if frame is None:
        frame = dataset.zones(gazetteer)
    frame = frame.drop(columns=[c for c in _EXPORT_COLUMNS_DROPPED if c in frame.columns])
    if output_format == "parquet":
        assert output is not None
        with _one_line_errors(in_store=False):
            frame.to_parquet(output)
        click.echo(f"{len(frame)} {layer} written to {shown_name(output)}", err=True)
        return
    text = layer_to_geojson(frame) if output_format == "geojson" else layer_to_csv(frame)
    if output is None:
        click.echo(text, nl=False)
    else:
        with _one_line_errors(in_store=False):
            output.write_text(text, encoding="utf-8")
        click.echo(f"{len(frame)} {layer} written to {shown_name(output)}", err=True)


@main.group()
def store() -> None:
    """Look after the store."""


@store.command("check")
@_STORE_OPTION
@click.option("--deep", is_flag=True, help="Also decode every part file in full.")
def store_check(store_dir: Path | None, deep: bool) -> None:
    """Report damage in the store, and Delta tables that disagree with it (exit 1 if any)."""
    from geo.store.store import Store, default_store_dir

    directory = store_dir or default_store_dir()
    if not directory.exists():
        _fail(f"no store at {shown_name(directory)}")
    with _one_line_errors():
        problems = Store(directory).check(deep=deep)
    for problem in problems:
        click.echo(problem)
    if problems:
        sys.exit(EXIT_NO_MATCH)
    click.echo(f"store at {shown_name(directory)} is sound")


@store.command("repair")
@_STORE_OPTION
@click.option("--dry-run", is_flag=True, help="Only say what would be done; change nothing.")
@click.option("--deep", is_flag=True, help="Also decode every part file in full.")
def store_repair(store_dir: Path | None, dry_run: bool, deep: bool) -> None:
    """Bring a damaged store back to its newest sound version.

    Points CURRENT at the newest version whose manifest and part files are all sound, moves
    unreadable or unsound manifests and damaged part files to STORE/quarantine/, removes
    files left by crashed writers, and commits to each layer's Delta table whose newest version
    holds other files than the current version. Part files a sound version uses are never
    touched.

    Exit status: 0 when the store is sound (with --dry-run: nothing to repair); 1 when problems
    remain (with --dry-run: something to repair); 2 when there is no store at that path, the
    store is in another format, or another writer holds it.
    """
    from geo.store.store import Store, default_store_dir

    directory = store_dir or default_store_dir()
    with _one_line_errors():
        report = Store(directory).repair(dry_run=dry_run, deep=deep)
    click.echo(report.summary())
    if report.problems or (dry_run and report.changed):
        sys.exit(EXIT_NO_MATCH)


@store.command("migrate")
@_STORE_OPTION
def store_migrate(store_dir: Path | None) -> None:
    """Convert a store of the older layout (objects/, versions/) into Delta tables.

    Every version stays readable under its id (shared links keep working), oldest first, one
    Delta table version per stored version. The old layout stays whole until the last step, so
    an interrupted migration is run again.

    Exit status: 0 when the store is converted (or already was); 2 when there is no store at
    that path or another writer holds it.
    """
    from geo.store.migrate import migrate_store
    from geo.store.store import default_store_dir

    directory = store_dir or default_store_dir()
    with _one_line_errors():
        report = migrate_store(directory)
    click.echo(report.summary())


# --- gazetteer -----------------------------------------------------------------------------


@main.group()
def gazetteer() -> None:
    """Compile or describe the offline gazetteer."""


@gazetteer.command("build")
@click.option("--out", type=click.Path(path_type=Path), help="Directory to write into.")
def gazetteer_build(out: Path | None) -> None:
    """Compile the gazetteer from the pinned source packages and the curated files."""
    from geo.places.gazetteer import ensure_gazetteer
    from geo.places.sources import GazetteerBuildError

    try:
        directory = ensure_gazetteer(out, rebuild=True)
    except GazetteerBuildError as error:
        _fail(str(error))
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    click.echo(f"gazetteer written to {directory}: {manifest['places']:,} places")
    for kind, count in sorted(manifest["by_kind"].items()):
        click.echo(f"  {kind:<13} {count:>7,}")


@gazetteer.command("info")
def gazetteer_info() -> None:
    """Describe the compiled gazetteer (building it first if needed)."""
    from geo.places.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    click.echo(json.dumps({"directory": str(gaz.directory), **gaz.manifest}, indent=2))


@main.command(context_settings={"ignore_unknown_options": True})
@click.option("--port", type=click.IntRange(1, 65535), default=8501, show_default=True)
@click.argument("streamlit_args", nargs=-1, type=click.UNPROCESSED)
def dashboard(port: int, streamlit_args: tuple[str, ...]) -> None:
    """Start the dashboard (``streamlit run dashboard.py``) on 127.0.0.1, from any folder.

    Further arguments go to ``streamlit run`` unchanged (``--server.address 0.0.0.0`` …). The
    server runs in this process, beside a thread that prepares what the first visitor's page
    needs (:mod:`geo.view.preload`) while the server starts and the page loads.
    """
    import runpy

    from geo.bundled import dashboard_script
    from geo.view.preload import start_preload

    script = dashboard_script()
    store_dir = settings.default_store_dir()  # without importing the store
    # The store stays where it was asked for from here, before moving to the script's folder
    # (where Streamlit reads .streamlit/config.toml and secrets).
    os.environ[settings.STORE.name] = str(store_dir)
    os.chdir(script.parent)
    start_preload(
        script,
        script.parent / "static",
        store_dir,
        server_up=lambda: _listening(port),
        page_first=lambda: _first_view_kept(script, store_dir),
    )
    sys.argv = [
        "streamlit",
        *("run", str(script)),
        *("--server.port", str(port), "--server.address", "127.0.0.1"),
        *("--server.enableStaticServing", "true", "--server.headless", "true"),
        *("--browser.gatherUsageStats", "false", *streamlit_args),
    ]
    runpy.run_module("streamlit", run_name="__main__", alter_sys=True)  # python -m streamlit


def _first_view_kept(script: Path, store_dir: Path) -> bool:
    """Return whether the dashboard keeps a map for a first visit today (it goes out first)."""
    import datetime

    from geo.view import first_view

    key = first_view.dashboard_key(script, store_dir, datetime.date.today())
    return first_view.read_arguments(script.parent / first_view.FOLDER, key) is not None


def _listening(port: int) -> bool:
    """Return whether a server accepts connections on `port` of 127.0.0.1."""
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.05):
            return True
    except OSError:
        return False


# --- feeds and watch -----------------------------------------------------------------------


def _ingest_web(paths: Sequence[str], store_dir: Path | None) -> None:
    """Ingest addresses (and any paths beside them); exit as ``ingest`` does."""
    from geo.ingest.feeds import ingest_web
    from geo.store.store import Store, StoreError, default_store_dir

    try:
        store = Store.open(store_dir or default_store_dir())
        report = ingest_web(paths, store)
    except (StoreError, OSError) as error:
        _fail(f"cannot write the store: {error}")
        return
    click.echo(report.summary())
    if report.failures:
        nothing = report.ingest.articles == 0 and report.ingest.duplicates == 0
        sys.exit(EXIT_BAD_INPUT if nothing else EXIT_NO_MATCH)


@main.group()
def feeds() -> None:
    """Follow RSS and Atom feeds (polled by ``watch``)."""


@feeds.command("add")
@click.argument("url")
@_STORE_OPTION
@click.option("--every", default="30m", show_default=True, help="Poll interval: 30m, 2h, 1d.")
@click.option("--name", help="A short name to show (default: the address).")
def feeds_add(url: str, store_dir: Path | None, every: str, name: str | None) -> None:
    """Follow the feed at URL (first polled by the next ``watch``)."""
    from geo.ingest.registry import RegistryError, add_feed, format_every, parse_every
    from geo.store.store import Store, StoreError, default_store_dir

    directory = store_dir or default_store_dir()
    try:
        seconds = parse_every(every)
        Store.open(directory)
        feed = add_feed(directory, url, every=seconds, name=name)
    except (RegistryError, StoreError, OSError) as error:
        _fail(str(error))
        return
    click.echo(f"following {feed.url} every {format_every(feed.every)} as {feed.name!r}")


@feeds.command("list")
@_STORE_OPTION
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def feeds_list(store_dir: Path | None, output_format: str) -> None:
    """List the followed feeds: last poll, status, items seen, next poll."""
    from geo.ingest.registry import RegistryError, format_every, load_feeds
    from geo.store.store import default_store_dir

    try:
        followed = load_feeds(store_dir or default_store_dir())
    except RegistryError as error:
        _fail(str(error))
        return
    if output_format == "json":
        for feed in followed:
            record = {
                "url": feed.url,
                "name": feed.name,
                "every": format_every(feed.every),
                "last_poll": _iso(feed.last_poll),
                "status": feed.status,
                "message": feed.message,
                "items_seen": feed.items_seen,
                "articles_added": feed.articles_added,
                "next_poll": _iso(feed.next_poll),
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        return
    if not followed:
        click.echo("no feeds followed; add one with: python -m geo feeds add URL")
    for feed in followed:
        click.echo(
            f"{feed.name}  {feed.url}\n"
            f"  every {format_every(feed.every)}; last poll {_iso(feed.last_poll) or 'never'}; "
            f"status {feed.status}{': ' + feed.message if feed.message else ''}; "
            f"{feed.items_seen} item(s) seen, {feed.articles_added} article(s) added; "
            f"next poll {_iso(feed.next_poll) or 'now'}"
        )


def _iso(moment: datetime.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


@feeds.command("remove")
@click.argument("which")
@_STORE_OPTION
def feeds_remove(which: str, store_dir: Path | None) -> None:
    """Stop following the feed with address or name WHICH (its articles stay)."""
    from geo.ingest.registry import RegistryError, remove_feed
    from geo.store.store import default_store_dir

    try:
        feed = remove_feed(store_dir or default_store_dir(), which)
    except RegistryError as error:
        _fail(str(error))
        return
    click.echo(f"no longer following {feed.url}")


@main.command()
@_STORE_OPTION
@click.option("--once", is_flag=True, help="Poll the feeds that are due once, then exit.")
def watch(store_dir: Path | None, once: bool) -> None:
    """Poll the followed feeds on their schedules until stopped (Ctrl-C or SIGTERM).

    One watcher polls a store at a time: a second ``watch`` exits with status 2, a second
    ``watch --once`` (an overlapping cron run) with status 0 and a note.
    """
    import signal
    import threading

    from geo.ingest.registry import RegistryError
    from geo.ingest.watch import WatcherBusyError
    from geo.ingest.watch import watch as watch_feeds
    from geo.store.store import StoreError, default_store_dir

    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    try:
        watch_feeds(store_dir or default_store_dir(), once=once, stop=stop, log=click.echo)
    except WatcherBusyError as error:  # an overlapping cron run leaves the pass to the other
        click.echo(f"{'note' if once else 'error'}: {error}", err=True)
        if not once:
            sys.exit(EXIT_BAD_INPUT)
    except (RegistryError, StoreError, OSError) as error:
        _fail(str(error))
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
