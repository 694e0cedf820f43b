"""`stedi generate --messy`: bad input that loses nothing, checked through the real reader.

The same seed is generated clean and messy. Ingesting the messy copy must keep every record
whole — the landing tables hold the same multiset of values as the clean copy's (customer names
aside, where invalid UTF-8 became U+FFFD) — and put exactly the fragments expected.json counts
into `quarantine`, each one a truncated record. The pipeline then gives expected.json's counts.
"""
import csv
import io
import json
import os
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


def run(stedi, *args, ok=(0,), env=None):
    proc = subprocess.run([str(stedi), *map(str, args)], capture_output=True,
                          env={**os.environ, **(env or {})})
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
    # The messy copy again, with every landing file over 32 KiB parsed in 16 KiB ranges on
    # several workers (the hidden knob; by default only files over 64 MiB are split).
    source = made["messy"][0]
    lake = root / "ranged-lake"
    ingest = run(stedi_bin, "ingest", "--lake", lake, "--threads", 3, source, ok=(0, 1),
                 env={"STEDI_INGEST_RANGE_BYTES": "16384"})
    made["ranged"] = (source, lake, ingest.returncode, made["messy"][3])
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


def test_files_parsed_in_ranges_give_the_same_tables(stedi_bin, lakes):
    source, lake, rc, expected = lakes["ranged"]
    assert rc == 1
    sizes = [f.stat().st_size for f in (source / "accelerometer" / "landing").iterdir()]
    assert max(sizes) > 20 * 16384  # split into many ranges
    messy_lake = lakes["messy"][1]
    # Same quarantine, fragment for fragment (file, offset, reason, bytes).
    query = "SELECT source, file, \"offset\", reason, raw FROM quarantine"
    quarantine = sorted(map(tuple, sql_rows(stedi_bin, lake, query)[1:]))
    assert len(quarantine) == expected["quarantine"]
    assert quarantine == sorted(map(tuple, sql_rows(stedi_bin, messy_lake, query)[1:]))
    for table in COLUMNS:
        query = f"SELECT * FROM {table}"
        ranged = sorted(map(tuple, sql_rows(stedi_bin, lake, query)[1:]))
        assert len(ranged) == expected["landing"][table], table
        assert ranged == sorted(map(tuple, sql_rows(stedi_bin, messy_lake, query)[1:])), table
    report = json.loads(run(stedi_bin, "run", "--lake", lake, "--format", "json").stdout)
    assert report["passed"] is True
    assert {t["table"]: t["rows"] for t in report["tables"]} == expected["policies"]["standard"]
