"""The store on object storage: its Delta tables read from an S3-compatible server.

The server is moto's, run on loopback inside the test (no network, no credentials). A store is
written locally, its folder copied to a bucket as any sync tool would (``pyarrow.fs``), and
every layer is read back from the bucket at every store version with ``deltalake`` and DuckDB
alone, never the store's code: the Delta logs hold relative paths, so the same tables serve from
a folder or a bucket.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow.fs as pafs
import pytest
from deltalake import DeltaTable
from test_store_delta import _store_ids, _two_versions

from geo.store.store import LAYERS, Store

moto_server = pytest.importorskip("moto.server")

BUCKET = "faultlines-archive"
PREFIX = "stores/main"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def s3() -> Iterator[dict[str, str]]:
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    options = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1",
        "AWS_ALLOW_HTTP": "true",
    }
    try:
        yield options
    finally:
        server.stop()


def _filesystem(options: dict[str, str]) -> pafs.S3FileSystem:
    endpoint = options["AWS_ENDPOINT_URL"].removeprefix("http://")
    return pafs.S3FileSystem(
        access_key=options["AWS_ACCESS_KEY_ID"],
        secret_key=options["AWS_SECRET_ACCESS_KEY"],
        region=options["AWS_REGION"],
        endpoint_override=endpoint,
        scheme="http",
        allow_bucket_creation=True,
    )


def _upload(root: Path, options: dict[str, str]) -> None:
    """Copy the store's folder to the bucket, file by file (what a sync tool does)."""
    bucket = _filesystem(options)
    bucket.create_dir(BUCKET)
    pafs.copy_files(
        str(root),
        f"{BUCKET}/{PREFIX}",
        source_filesystem=pafs.LocalFileSystem(),
        destination_filesystem=bucket,
    )


def _table_version(store: Store, version: str, layer: str) -> int:
    """Return the Delta table version a store version's manifest names for `layer`."""
    manifest = store.manifest(version)
    assert manifest is not None
    return manifest.layers[layer].table_version


def _ids(table: DeltaTable) -> list[str]:
    return sorted(table.to_pyarrow_table(columns=["id"]).column("id").to_pylist())


def test_every_layer_reads_from_the_bucket_at_every_store_version(
    tmp_path: Path, s3: dict[str, str]
) -> None:
    store = Store.open(tmp_path / "store")
    first, second = _two_versions(store)
    _upload(store.root, s3)
    for layer in LAYERS:
        uri = f"s3://{BUCKET}/{PREFIX}/tables/{layer}"
        assert _ids(DeltaTable(uri, storage_options=s3)) == _store_ids(store, layer)
        for version in (first, second):
            number = _table_version(store, version, layer)
            remote = DeltaTable(uri, version=number, storage_options=s3)
            assert _ids(remote) == _store_ids(store, layer, version)


def test_the_commit_record_in_the_bucket_names_each_table_version(
    tmp_path: Path, s3: dict[str, str]
) -> None:
    store = Store.open(tmp_path / "store")
    first, _ = _two_versions(store)
    _upload(store.root, s3)
    bucket = _filesystem(s3)
    with bucket.open_input_stream(f"{BUCKET}/{PREFIX}/commits/{first}.json") as stream:
        record = json.loads(stream.read())
    number = _table_version(store, first, "zones")
    assert json.dumps(record).count('"table_version"') >= len(LAYERS)
    zones = DeltaTable(f"s3://{BUCKET}/{PREFIX}/tables/zones", version=number, storage_options=s3)
    assert _ids(zones) == _store_ids(store, "zones", first)


def test_duckdb_queries_a_table_version_read_from_the_bucket(
    tmp_path: Path, s3: dict[str, str]
) -> None:
    store = Store.open(tmp_path / "store")
    first, second = _two_versions(store)
    _upload(store.root, s3)
    uri = f"s3://{BUCKET}/{PREFIX}/tables/events"
    counts = []
    for version in (first, second):
        number = _table_version(store, version, "events")
        events = DeltaTable(uri, version=number, storage_options=s3).to_pyarrow_dataset()
        connection = duckdb.connect()
        connection.register("events", events)
        counts.append(connection.sql("SELECT count(*) FROM events").fetchall()[0][0])
    assert counts[1] == counts[0] + 1
