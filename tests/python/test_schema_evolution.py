"""Schema evolution by field id: a landing field stedi has never seen becomes a new column.

Two ingests into one lake: the second brings customer records with keys the built-in schema
does not have. PyIceberg (an independent reader) must then see the new columns with fresh field
ids and types after the JSON values, null in the rows of the first ingest; `stedi sql` must agree
row for row; and the first snapshot, read by time travel, keeps its original columns.
"""
import csv
import io
import json
import sqlite3
import subprocess

import pytest

pytest.importorskip("pyiceberg")
from pyiceberg.catalog import sql as iceberg_sql  # noqa: E402
from pyiceberg.types import BooleanType, DoubleType, LongType, StringType  # noqa: E402

BASE = {"customerName": "Ann Lee", "email": "ann@x.test", "phone": "1", "birthDay": "1990-01-01",
        "serialNumber": "s-1", "registrationDate": 1, "lastUpdateDate": 2,
        "shareWithResearchAsOfDate": 3, "shareWithPublicAsOfDate": None,
        "shareWithFriendsAsOfDate": None}


def stedi(binary, *args):
    proc = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, f"stedi {args[0]} exit {proc.returncode}: {proc.stderr}"
    return proc.stdout


def customer(**changes):
    record = dict(BASE)
    record.update(changes)
    return json.dumps(record)


def load(lake):
    catalog = iceberg_sql.SqlCatalog("stedi", uri=f"sqlite:///{lake}/catalog.db",
                                     warehouse=f"file://{lake}", init_catalog_tables="false")
    return catalog.load_table(("stedi", "customer_landing"))


@pytest.fixture(scope="module")
def lake(stedi_bin, tmp_path_factory):
    root = tmp_path_factory.mktemp("evolve")
    landing = root / "src" / "customer" / "landing"
    landing.mkdir(parents=True)
    (landing / "a.json").write_text(customer(email="a1@x.test") + "\n" +
                                    customer(email="a2@x.test") + "\n")
    lake = root / "lake"
    stedi(stedi_bin, "ingest", "--lake", lake, root / "src")
    (landing / "b.json").write_text("\n".join([
        customer(email="b1@x.test", loyaltyTier="gold", visits=None, score=1.5,
                 tags=["x", "y"], premium=True),
        customer(email="b2@x.test", LOYALTYTIER="silver", visits=3, score=2,
                 tags=None, premium=False),
    ]) + "\n")
    stedi(stedi_bin, "ingest", "--lake", lake, root / "src")
    return lake


def test_new_keys_become_columns_with_new_field_ids(lake):
    schema = load(lake).schema()
    old_ids = {f.name: f.field_id for f in schema.fields if f.field_id <= 10}
    assert len(old_ids) == 10  # the built-in columns keep their ids
    added = [(f.name, f.field_id, f.field_type) for f in schema.fields if f.field_id > 10]
    # In order of first sighting; the type follows the first non-null value.
    assert added == [("loyaltytier", 11, StringType()), ("score", 12, DoubleType()),
                     ("tags", 13, StringType()), ("premium", 14, BooleanType()),
                     ("visits", 15, LongType())]
    assert load(lake).metadata.last_column_id == 15


def test_pyiceberg_and_stedi_read_the_same_evolved_rows(stedi_bin, lake):
    columns = ("email", "loyaltytier", "visits", "score", "premium")
    arrow = load(lake).scan(selected_fields=columns).to_arrow()
    theirs = sorted(zip(*(arrow[c].to_pylist() for c in columns)),
                    key=lambda r: r[0])
    assert theirs == [("a1@x.test", None, None, None, None),
                      ("a2@x.test", None, None, None, None),
                      ("b1@x.test", "gold", None, 1.5, True),
                      ("b2@x.test", "silver", 3, 2.0, False)]
    out = stedi(stedi_bin, "sql", "--lake", lake, "--format", "csv",
                "SELECT email, loyaltytier, visits, score, premium, tags FROM customer_landing "
                "ORDER BY email")
    rows = list(csv.reader(io.StringIO(out)))[1:]
    ours = [(r[0], r[1] or None, int(r[2]) if r[2] else None, float(r[3]) if r[3] else None,
             {"true": True, "false": False, "": None}[r[4]]) for r in rows]
    assert ours == theirs
    assert json.loads(rows[2][5]) == ["x", "y"] and rows[3][5] == ""


def test_the_first_snapshot_keeps_its_own_columns(stedi_bin, lake):
    first = list(csv.DictReader(io.StringIO(stedi(
        stedi_bin, "history", "--lake", lake, "customer_landing", "--format", "csv"))))[0]
    out = stedi(stedi_bin, "sql", "--lake", lake, "--format", "csv",
                f"SELECT * FROM customer_landing FOR VERSION AS OF {first['snapshot_id']}")
    header, *rows = list(csv.reader(io.StringIO(out)))
    assert "loyaltytier" not in header and len(header) == 10
    assert len(rows) == 2


def test_reingest_adds_nothing(stedi_bin, lake):
    before = load(lake).metadata.current_snapshot_id
    stedi(stedi_bin, "ingest", "--lake", lake, lake.parent / "src")
    assert load(lake).metadata.current_snapshot_id == before
    with sqlite3.connect(f"file:{lake}/catalog.db?mode=ro", uri=True) as db:
        assert db.execute("SELECT count(*) FROM stedi_source_files").fetchone()[0] == 2
