"""Snapshots, time travel, rollback and expire, checked with PyIceberg as the independent reader.

The real STEDI data gives accelerometer_trusted 40,981 rows under `standard` and 32,025 under
`since-consent` (the shared README's counts): after a standard run and a since-consent run, the
table's first snapshot must still hold the standard rows, whichever reader asks.
"""
import csv
import io
import sqlite3
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("pyiceberg")
from pyiceberg.catalog import sql as iceberg_sql  # noqa: E402

STANDARD, SINCE_CONSENT = 40981, 32025
TABLE = "accelerometer_trusted"


def stedi(binary, *args, ok=(0,)):
    proc = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode in ok, f"stedi {args[0]} exit {proc.returncode}: {proc.stderr}"
    return proc


def csv_rows(binary, lake, query):
    out = stedi(binary, "sql", "--lake", lake, "--format", "csv", query).stdout
    return list(csv.reader(io.StringIO(out)))[1:]


def count(binary, lake, query):
    return int(csv_rows(binary, lake, query)[0][0])


def history(binary, lake, table):
    out = stedi(binary, "history", "--lake", lake, table, "--format", "csv").stdout
    return list(csv.DictReader(io.StringIO(out)))


def load(lake, table):
    with sqlite3.connect(f"file:{lake}/catalog.db?mode=ro", uri=True) as db:
        (namespace,) = db.execute("SELECT database_name FROM stedi_lake").fetchone()
    catalog = iceberg_sql.SqlCatalog("stedi", uri=f"sqlite:///{lake}/catalog.db",
                                     warehouse=f"file://{lake}", init_catalog_tables="false")
    return catalog.load_table((namespace, table))


def referenced_files(table):
    """Every file the table's metadata reaches, by PyIceberg: metadata files (current and
    logged), manifest lists, manifests and data files of every snapshot."""
    io_ = table.io
    files = {table.metadata_location}
    files.update(e.metadata_file for e in table.metadata.metadata_log)
    for snapshot in table.metadata.snapshots:
        files.add(snapshot.manifest_list)
        for manifest in snapshot.manifests(io_):
            files.add(manifest.manifest_path)
            for entry in manifest.fetch_manifest_entry(io_, discard_deleted=False):
                files.add(entry.data_file.file_path)
    return {f.removeprefix("file://") for f in files}


@pytest.fixture(scope="module")
def lake(stedi_bin, shared_data, tmp_path_factory):
    lake = tmp_path_factory.mktemp("snapshots") / "lake"
    stedi(stedi_bin, "ingest", "--lake", lake, shared_data)
    stedi(stedi_bin, "run", "--lake", lake, "--policy", "standard")
    stedi(stedi_bin, "run", "--lake", lake, "--policy", "since-consent")
    return lake


def test_history_lists_each_run_oldest_first(stedi_bin, lake):
    snapshots = history(stedi_bin, lake, TABLE)
    assert [s["operation"] for s in snapshots] == ["append", "overwrite"]
    assert [int(s["rows"]) for s in snapshots] == [STANDARD, SINCE_CONSENT]
    assert snapshots[0]["committed_at"] <= snapshots[1]["committed_at"]
    pyiceberg_ids = [s.snapshot_id for s in load(lake, TABLE).metadata.snapshots]
    assert sorted(pyiceberg_ids) == sorted(int(s["snapshot_id"]) for s in snapshots)


def test_time_travel_returns_the_earlier_snapshot(stedi_bin, lake):
    first, second = history(stedi_bin, lake, TABLE)
    assert count(stedi_bin, lake, f"SELECT count(*) FROM {TABLE}") == SINCE_CONSENT
    by_version = csv_rows(stedi_bin, lake,
                          f"SELECT user, timestamp FROM {TABLE} FOR VERSION AS OF "
                          f"{first['snapshot_id']}")
    assert len(by_version) == STANDARD
    # The same snapshot through PyIceberg: the same (user, timestamp) pairs.
    theirs = load(lake, TABLE).scan(snapshot_id=int(first["snapshot_id"]),
                                    selected_fields=("user", "timestamp")).to_arrow()
    assert sorted((r[0], int(r[1])) for r in by_version) == sorted(
        zip(theirs["user"].to_pylist(), theirs["timestamp"].to_pylist()))
    at = first["committed_at"].replace("T", " ").removesuffix("Z")
    assert count(stedi_bin, lake, f"SELECT count(*) FROM {TABLE} FOR TIMESTAMP AS OF "
                                  f"TIMESTAMP '{at}'") == STANDARD
    at = second["committed_at"].replace("T", " ").removesuffix("Z")
    assert count(stedi_bin, lake, f"SELECT count(*) FROM {TABLE} FOR TIMESTAMP AS OF "
                                  f"TIMESTAMP '{at}'") == SINCE_CONSENT
    missing = stedi(stedi_bin, "sql", "--lake", lake,
                    f"SELECT count(*) FROM {TABLE} FOR VERSION AS OF 42", ok=(2,))
    assert "no snapshot 42" in missing.stderr and "column" in missing.stderr
    early = stedi(stedi_bin, "sql", "--lake", lake,
                  f"SELECT count(*) FROM {TABLE} FOR TIMESTAMP AS OF TIMESTAMP '2001-01-01 00:00:00'",
                  ok=(2,))
    assert "no snapshot at or before" in early.stderr


def test_rollback_then_expire_leaves_only_referenced_files(stedi_bin, lake):
    # Runs last in this module: it changes the lake the tests above read.
    first, _ = history(stedi_bin, lake, TABLE)
    stedi(stedi_bin, "rollback", "--lake", lake, TABLE, first["snapshot_id"])
    assert count(stedi_bin, lake, f"SELECT count(*) FROM {TABLE}") == STANDARD
    assert len(load(lake, TABLE).scan().to_arrow()) == STANDARD
    assert int(next(r for r in csv.DictReader(io.StringIO(stedi(
        stedi_bin, "tables", "--lake", lake, "--format", "csv").stdout))
        if r["table"] == TABLE)["rows"]) == STANDARD
    bad = stedi(stedi_bin, "rollback", "--lake", lake, TABLE, "42", ok=(2,))
    assert "no snapshot 42" in bad.stderr

    stedi(stedi_bin, "expire", "--lake", lake, "--older-than", "0s")
    for table in ("customer_landing", "accelerometer_landing", "step_trainer_landing",
                  "quarantine", "customer_trusted", TABLE, "step_trainer_trusted",
                  "customer_curated", "machine_learning_curated"):
        loaded = load(lake, table)
        assert len(loaded.metadata.snapshots) == 1, table
        folder = Path(loaded.metadata.location.removeprefix("file://"))
        on_disk = {str(p) for p in folder.rglob("*") if p.is_file()}
        assert on_disk == referenced_files(loaded), table
    assert count(stedi_bin, lake, f"SELECT count(*) FROM {TABLE}") == STANDARD
    again = stedi(stedi_bin, "expire", "--lake", lake, "--older-than", "0s").stdout
    assert "expired 0 snapshot(s) in 0 table(s); deleted 0 file(s)" in again


def test_expire_removes_what_interrupted_writers_left(stedi_bin, lake):
    """A killed writer leaves temporary files (its pid in the name) and, when killed between
    writing and committing, whole files no metadata names. Expire removes the first at once
    and the second once it is older than an hour; a fresh unreferenced file may belong to a
    commit in progress and stays."""
    import os
    import time
    data = Path(load(lake, TABLE).metadata.location.removeprefix("file://")) / "data"
    dead = subprocess.Popen(["true"])
    dead.wait()
    abandoned = data / f"run-x-0.parquet.tmp-{dead.pid}-0"
    abandoned.write_bytes(b"partial")
    old = data / "run-old-0.parquet"
    old.write_bytes(b"never committed")
    two_hours_ago = time.time() - 7200
    os.utime(old, (two_hours_ago, two_hours_ago))
    fresh = data / "run-fresh-0.parquet"
    fresh.write_bytes(b"maybe being committed")
    out = stedi(stedi_bin, "expire", "--lake", lake, "--older-than", "0s").stdout
    assert "2 orphan(s)" in out, out
    assert not abandoned.exists() and not old.exists()
    assert fresh.exists()
    assert count(stedi_bin, lake, f"SELECT count(*) FROM {TABLE}") == STANDARD
