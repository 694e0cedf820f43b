"""`stedi generate --messy`: bad input that loses nothing, checked through the real reader.

The same seed is generated clean and messy. Ingesting the messy copy must keep every record
whole — the landing tables hold the same multiset of values as the clean copy's (customer names
aside, where invalid UTF-8 became U+FFFD) — and put exactly the fragments expected.json counts
into `quarantine`, each one a truncated record. The pipeline then gives expected.json's counts.
"""
import csv
import io
import json
import subprocess

import pytest

CUSTOMERS = 400
RATE = 0.05
# Columns every record keeps exactly; the customer name may carry a repaired byte.
COLUMNS = {
    "customer_landing": "email, serialnumber, birthday, registrationdate, lastupdatedate, "
                        "sharewithresearchasofdate, sharewithpublicasofdate, "
                        "sharewithfriendsasofdate",
    "accelerometer_landing": "user, timestamp, x, y, z",
    "step_trainer_landing": "sensorreadingtime, serialnumber, distancefromobject",
}


def run(stedi, *args, ok=(0,)):
    proc = subprocess.run([str(stedi), *map(str, args)], capture_output=True)
    assert proc.returncode in ok, f"exit {proc.returncode}: {proc.stderr!r}{proc.stdout[-2000:]!r}"
    return proc


def sql_rows(stedi, lake, query):
    out = run(stedi, "sql", "--lake", lake, "--format", "csv", query).stdout.decode()
    return list(csv.reader(io.StringIO(out)))


@pytest.fixture(scope="module")
def lakes(stedi_bin, tmp_path_factory):
    root = tmp_path_factory.mktemp("messy")
    made = {}
    for name, extra in (("clean", []), ("messy", ["--messy", RATE])):
        source = root / f"{name}-source"
        run(stedi_bin, "generate", "--out", source, "--customers", CUSTOMERS, "--seed", 5,
            "--files-per-source", 3, *extra)
        lake = root / f"{name}-lake"
        # Exit code 1: fragments went to quarantine (never for the clean copy).
        ingest = run(stedi_bin, "ingest", "--lake", lake, source, ok=(0, 1))
        made[name] = (source, lake, ingest.returncode,
                      json.loads((source / "expected.json").read_text()))
    return made


def test_messy_files_hold_every_kind_of_mess(lakes):
    source, _, _, expected = lakes["messy"]
    assert expected["quarantine"] > 0
    assert all(n > 0 for n in expected["messes"].values()), expected["messes"]
    for src in ("customer", "accelerometer", "step_trainer"):
        files = sorted((source / src / "landing").iterdir())
        assert len(files) == 4, files  # three by customer range plus an empty one
        assert sum(f.stat().st_size == 0 for f in files) == 1
        assert sum(f.name.endswith(".json.gz") for f in files) == 1
        assert sum(f.read_bytes().startswith(b"\xef\xbb\xbf") for f in files) == 1


def test_ingest_quarantines_exactly_the_fragments(stedi_bin, lakes):
    _, clean_lake, clean_rc, _ = lakes["clean"]
    _, lake, rc, expected = lakes["messy"]
    assert clean_rc == 0 and rc == 1
    counts = {r[0]: int(r[1]) for r in sql_rows(stedi_bin, lake, "SELECT 'quarantine', "
                                                "count(*) FROM quarantine")[1:]}
    assert counts == {"quarantine": expected["quarantine"]}
    for table, rows in expected["landing"].items():
        (_, (n,)) = sql_rows(stedi_bin, lake, f"SELECT count(*) FROM {table}")
        assert int(n) == rows, table
    # Each fragment is the start of a record, cut off: never a parsable object. (csv shows the
    # binary column `raw` as hex.)
    raws = [bytes.fromhex(r[0]) for r in sql_rows(stedi_bin, lake, "SELECT raw FROM quarantine")[1:]]
    assert len(raws) == expected["quarantine"]
    for raw in raws:
        assert raw.startswith(b"{"), raw
        with pytest.raises(json.JSONDecodeError):
            json.loads(raw)


@pytest.mark.parametrize("table", sorted(COLUMNS))
def test_every_record_is_whole(stedi_bin, lakes, table):
    query = f"SELECT {COLUMNS[table]} FROM {table}"
    clean = sorted(map(tuple, sql_rows(stedi_bin, lakes["clean"][1], query)[1:]))
    messy = sorted(map(tuple, sql_rows(stedi_bin, lakes["messy"][1], query)[1:]))
    assert len(messy) == len(clean)
    assert messy == clean


def test_pipeline_on_messy_data_gives_the_expected_counts(stedi_bin, lakes):
    _, lake, _, expected = lakes["messy"]
    report = json.loads(run(stedi_bin, "run", "--lake", lake, "--format", "json").stdout)
    assert report["passed"] is True
    assert {t["table"]: t["rows"] for t in report["tables"]} == expected["policies"]["standard"]
