"""Other engines' commits to our tables are never lost, and ours build on theirs.

PyIceberg appends rows to customer_landing between two stedi ingests. The second ingest must
commit on top of PyIceberg's snapshot (Iceberg's optimistic commit: re-read, then compare-and-swap),
so the table ends with all three sets of rows, and `stedi run` sees PyIceberg's customers too.
"""
import csv
import io
import json
import subprocess

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("pyiceberg")
from pyiceberg.catalog import sql as iceberg_sql  # noqa: E402

COLUMNS = ["customername", "email", "phone", "birthday", "serialnumber", "registrationdate",
           "lastupdatedate", "sharewithresearchasofdate", "sharewithpublicasofdate",
           "sharewithfriendsasofdate"]


def stedi(binary, *args):
    proc = subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, f"stedi {args[0]} exit {proc.returncode}: {proc.stderr}"
    return proc.stdout


def count(binary, lake, table):
    out = stedi(binary, "sql", "--lake", lake, "--format", "csv", f"SELECT count(*) FROM {table}")
    return int(list(csv.reader(io.StringIO(out)))[1][0])


def customer(email, consent):
    return {"customerName": email.split("@")[0], "email": email, "phone": "1",
            "birthDay": "1990-01-01", "serialNumber": f"serial-{email}", "registrationDate": 1,
            "lastUpdateDate": 2, "shareWithResearchAsOfDate": consent,
            "shareWithPublicAsOfDate": None, "shareWithFriendsAsOfDate": None}


def test_pyiceberg_append_between_two_ingests_is_kept(stedi_bin, tmp_path):
    landing = tmp_path / "src" / "customer" / "landing"
    landing.mkdir(parents=True)
    (landing / "a.json").write_text("\n".join(json.dumps(customer(f"a{i}@x.test", 5))
                                              for i in range(4)) + "\n")
    lake = tmp_path / "lake"
    stedi(stedi_bin, "ingest", "--lake", lake, tmp_path / "src")

    catalog = iceberg_sql.SqlCatalog("stedi", uri=f"sqlite:///{lake}/catalog.db",
                                     warehouse=f"file://{lake}", init_catalog_tables="false")
    table = catalog.load_table(("stedi", "customer_landing"))
    theirs = [customer(f"p{i}@x.test", 7 if i % 2 else None) for i in range(3)]
    arrow_schema = table.schema().as_arrow()
    rows = {c: [r[k] for r in theirs] for c, k in zip(COLUMNS, theirs[0].keys())}
    table.append(pa.Table.from_pydict(rows, schema=arrow_schema))
    assert count(stedi_bin, lake, "customer_landing") == 7

    (landing / "b.json").write_text(json.dumps(customer("b0@x.test", 9)) + "\n")
    stedi(stedi_bin, "ingest", "--lake", lake, tmp_path / "src")
    assert count(stedi_bin, lake, "customer_landing") == 8
    reloaded = catalog.load_table(("stedi", "customer_landing"))
    emails = sorted(reloaded.scan(selected_fields=("email",)).to_arrow()["email"].to_pylist())
    assert emails == sorted([f"a{i}@x.test" for i in range(4)] + ["p0@x.test", "p1@x.test",
                                                                  "p2@x.test", "b0@x.test"])
    history = list(csv.DictReader(io.StringIO(stedi(
        stedi_bin, "history", "--lake", lake, "customer_landing", "--format", "csv"))))
    assert [int(h["rows"]) for h in history] == [4, 7, 8]

    # The run reads PyIceberg's consenting customer (p1) like any other.
    stedi(stedi_bin, "run", "--lake", lake)
    out = stedi(stedi_bin, "sql", "--lake", lake, "--format", "csv",
                "SELECT email FROM customer_trusted ORDER BY email")
    assert [r[0] for r in csv.reader(io.StringIO(out))][1:] == sorted(
        [f"a{i}@x.test" for i in range(4)] + ["b0@x.test", "p1@x.test"])
