"""End-to-end: `stedi ingest` through the CLI, checked by independent readers.

The expected values come from Python's own json module over the raw files, and the Parquet files
are read by pyarrow and DuckDB, never by stedi itself.
"""
import csv
import io
import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

pa_parquet = pytest.importorskip("pyarrow.parquet")
duckdb = pytest.importorskip("duckdb")

COLUMNS = {
    "customer": ["customername", "email", "phone", "birthday", "serialnumber", "registrationdate",
                 "lastupdatedate", "sharewithresearchasofdate", "sharewithpublicasofdate",
                 "sharewithfriendsasofdate"],
    "accelerometer": ["user", "timestamp", "x", "y", "z"],
    "step_trainer": ["sensorreadingtime", "serialnumber", "distancefromobject"],
}


def run(stedi, *args, ok=(0,)):
    proc = subprocess.run([str(stedi), *map(str, args)], capture_output=True, text=True)
    assert proc.returncode in ok, f"exit {proc.returncode}: {proc.stderr}{proc.stdout}"
    return proc


def tables(stedi, lake):
    out = run(stedi, "tables", "--lake", lake, "--format", "csv").stdout
    return {r["table"]: (r["zone"], int(r["rows"])) for r in csv.DictReader(io.StringIO(out))}


def parquet_files(lake, source, table):
    return sorted((lake / source / "landing" / table / "data").glob("*.parquet"))


def expected_rows(source_dir, source):
    """Parses the raw JSON with Python and lower-cases keys, as the landing tables do."""
    rows = []
    for path in sorted((source_dir / source / "landing").glob("*.json")):
        for line in path.read_text().splitlines():
            if line.strip():
                record = {k.lower(): v for k, v in json.loads(line).items()}
                rows.append(tuple(record.get(c) for c in COLUMNS[source]))
    return rows


def test_real_data_counts_and_values(stedi_bin, shared_data, tmp_path):
    lake = tmp_path / "lake"
    for _ in range(2):  # the second ingest must change nothing
        run(stedi_bin, "ingest", "--lake", lake, shared_data)
        t = tables(stedi_bin, lake)
        assert t["customer_landing"] == ("landing", 956)
        assert t["accelerometer_landing"] == ("landing", 81273)
        assert t["step_trainer_landing"] == ("landing", 28680)
        assert t["quarantine"] == ("landing", 0)

    for source in COLUMNS:
        files = parquet_files(lake, source, f"{source}_landing")
        assert files
        got = []
        for f in files:
            table = pa_parquet.read_table(f)
            assert table.column_names == COLUMNS[source]
            got.extend(zip(*[table.column(c).to_pylist() for c in COLUMNS[source]]))
        assert Counter(got) == Counter(expected_rows(shared_data, source)), source

    con = duckdb.connect()
    glob = str(lake / "accelerometer" / "landing" / "accelerometer_landing" / "data" / "*.parquet")
    n, users, xsum = con.execute(
        f"SELECT count(*), count(DISTINCT user), sum(x) FROM read_parquet('{glob}')").fetchone()
    exp = expected_rows(shared_data, "accelerometer")
    assert n == len(exp)
    assert users == len({r[0] for r in exp})
    assert xsum == pytest.approx(sum(r[2] for r in exp))


def test_messy_input_is_kept_or_quarantined(stedi_bin, tmp_path):
    src = tmp_path / "src" / "accelerometer" / "landing"
    src.mkdir(parents=True)
    good = b'{"user":"a@x","timestamp":1,"x":1.0,"y":0.0,"z":-1.0}'
    broken = b'{"user":"b@x","timestamp":'
    data = b"\xef\xbb\xbf" + good + good.replace(b"a@x", b"c@x") + b"\r\n" + broken + b"\n" + \
        good.replace(b"a@x", b"d@x").replace(b'"timestamp"', b'"timeStamp"') + b"\n"
    (src / "messy.json").write_bytes(data)
    lake = tmp_path / "lake"
    proc = run(stedi_bin, "ingest", "--lake", lake, tmp_path / "src", ok=(1,))
    assert "quarantine" in proc.stdout
    t = tables(stedi_bin, lake)
    assert t["accelerometer_landing"][1] == 3
    assert t["quarantine"][1] == 1

    rows = pa_parquet.read_table(
        parquet_files(lake, "accelerometer", "accelerometer_landing")).to_pylist()
    assert sorted(r["user"] for r in rows) == ["a@x", "c@x", "d@x"]
    assert all(r["timestamp"] == 1 for r in rows)

    q = pa_parquet.read_table(sorted((lake / "quarantine" / "data").glob("*.parquet"))).to_pylist()
    assert len(q) == 1
    entry = q[0]
    assert entry["source"] == "accelerometer"
    assert entry["file"] == "messy.json"
    off = entry["offset"]
    assert data[off:off + len(entry["raw"])] == entry["raw"]
    assert entry["raw"].startswith(broken)
    # The raw file is kept byte for byte.
    assert (lake / "accelerometer" / "landing" / "raw" / "messy.json").read_bytes() == data


def test_tables_formats_and_describe(stedi_bin, tmp_path):
    src = tmp_path / "src" / "step_trainer" / "landing"
    src.mkdir(parents=True)
    (src / "s.json").write_text(
        '{"sensorReadingTime":5,"serialNumber":"s","distanceFromObject":250}\n'
        '{"sensorReadingTime":6,"serialNumber":"s","distanceFromObject":"far","extra":true}\n')
    lake = tmp_path / "lake"
    proc = run(stedi_bin, "ingest", "--lake", lake, "--database", "my_stedi_project", tmp_path / "src")
    assert "could not be converted" in proc.stdout
    listed = json.loads(run(stedi_bin, "tables", "--lake", lake, "--format", "json").stdout)
    by_name = {r["table"]: r for r in listed}
    assert by_name["step_trainer_landing"]["rows"] == 2
    assert by_name["step_trainer_landing"]["zone"] == "landing"
    out = run(stedi_bin, "describe", "--lake", lake, "step_trainer_landing").stdout
    for column in COLUMNS["step_trainer"]:
        assert column in out
    assert "my_stedi_project.step_trainer_landing" in out
    assert "extra" in out  # the crawler saw the unknown field
    missing = run(stedi_bin, "describe", "--lake", lake, "no_such_table", ok=(2,))
    assert "no_such_table" in missing.stderr
    other_db = run(stedi_bin, "ingest", "--lake", lake, "--database", "other", tmp_path / "src",
                   ok=(2,))
    assert "my_stedi_project" in other_db.stderr
