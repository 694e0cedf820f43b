"""End-to-end: `stedi generate` → `stedi ingest` → `stedi run` through the CLI.

The generator writes expected.json, the row count of every table under every policy, computed
from its own model of the customers (and recounted independently by check_generator_expected.py).
Each run's tables must hold exactly those counts, read back by pyarrow from the Parquet files.
"""
import csv
import io
import json
import subprocess

import pytest

pa_parquet = pytest.importorskip("pyarrow.parquet")

POLICIES = ["standard", "since-consent", "rubric"]
BUILT = ["customer_trusted", "accelerometer_trusted", "customer_curated", "step_trainer_trusted",
         "machine_learning_curated"]


def run(stedi, *args, ok=(0,)):
    proc = subprocess.run([str(stedi), *map(str, args)], capture_output=True, text=True)
    assert proc.returncode in ok, f"exit {proc.returncode}: {proc.stderr}{proc.stdout}"
    return proc


def tables(stedi, lake):
    out = run(stedi, "tables", "--lake", lake, "--format", "csv").stdout
    return {r["table"]: int(r["rows"]) for r in csv.DictReader(io.StringIO(out))}


def current_table(lake, table):
    """TABLE as PyIceberg loads it from the lake's catalog: the current snapshot only (older
    snapshots' files stay on disk for time travel)."""
    from pyiceberg.catalog import sql
    import sqlite3
    with sqlite3.connect(f"file:{lake}/catalog.db?mode=ro", uri=True) as db:
        (namespace,) = db.execute("SELECT database_name FROM stedi_lake").fetchone()
    catalog = sql.SqlCatalog("stedi", uri=f"sqlite:///{lake}/catalog.db",
                             warehouse=f"file://{lake}", init_catalog_tables="false")
    return catalog.load_table((namespace, table))


def parquet_rows(lake, table):
    """Rows of TABLE's current snapshot: PyIceberg plans the data files, pyarrow counts them."""
    tasks = current_table(lake, table).scan().plan_files()
    return sum(pa_parquet.read_metadata(t.file.file_path.removeprefix("file://")).num_rows
               for t in tasks)


def current_rows(lake, table):
    return sorted(map(str, current_table(lake, table).scan().to_arrow().to_pylist()))


@pytest.fixture(scope="module")
def generated_lake(stedi_bin, tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    source = root / "source"
    run(stedi_bin, "generate", "--out", source, "--customers", 300, "--seed", 7)
    expected = json.loads((source / "expected.json").read_text())
    lake = root / "lake"
    run(stedi_bin, "ingest", "--lake", lake, source)
    return lake, expected


@pytest.mark.parametrize("policy", POLICIES + ["standard"])  # back to standard at the end
def test_generated_counts_match_expected(stedi_bin, generated_lake, policy):
    lake, expected = generated_lake
    proc = run(stedi_bin, "run", "--lake", lake, "--policy", policy, "--format", "json")
    report = json.loads(proc.stdout)
    assert report["policy"] == policy
    assert report["passed"] is True
    assert report["real_stedi_data"] is False
    want = expected["policies"][policy]
    assert {t["table"]: t["rows"] for t in report["tables"]} == want
    assert {t["table"]: t["rows"] for t in report["built"]} == {t: want[t] for t in BUILT}
    assert all(c["result"] in ("ok", "info") for c in report["checks"])
    assert tables(stedi_bin, lake) == {**want, "quarantine": 0}
    for t in BUILT:
        assert parquet_rows(lake, t) == want[t], t


def test_rerun_changes_nothing(stedi_bin, generated_lake):
    lake, expected = generated_lake
    run(stedi_bin, "run", "--lake", lake)
    first = {t: current_rows(lake, t) for t in BUILT}
    run(stedi_bin, "run", "--lake", lake)
    second = {t: current_rows(lake, t) for t in BUILT}
    assert first == second
    assert {t: len(r) for t, r in first.items()} == {
        t: expected["policies"]["standard"][t] for t in BUILT}


def test_table_and_csv_reports(stedi_bin, generated_lake):
    lake, _ = generated_lake
    text = run(stedi_bin, "run", "--lake", lake, "--policy", "rubric").stdout
    assert "all checks passed" in text
    assert "machine_learning_curated" in text
    rows = list(csv.DictReader(io.StringIO(
        run(stedi_bin, "run", "--lake", lake, "--format", "csv").stdout)))
    assert {r["kind"] for r in rows} == {"built", "count", "check"}
    assert all(r["result"] == "ok" for r in rows if r["kind"] == "check")


def test_failing_check_exits_1(stedi_bin, generated_lake, tmp_path):
    """A model that lets a non-consenting customer through must fail the report (exit 1)."""
    lake, _ = generated_lake
    models = tmp_path / "models"
    (models / "trusted").mkdir(parents=True)
    (models / "trusted" / "customer_trusted.sql").write_text("SELECT * FROM customer_landing\n")
    proc = run(stedi_bin, "run", "--lake", lake, "--models", models, "--format", "json", ok=(1,))
    report = json.loads(proc.stdout)
    assert report["passed"] is False
    failed = [c for c in report["checks"] if c["result"] == "FAILED"]
    assert [c["table"] for c in failed] == ["customer_trusted"]
    # Put the standard tables back for the other tests of this module.
    run(stedi_bin, "run", "--lake", lake)


def test_errors(stedi_bin, tmp_path):
    proc = run(stedi_bin, "run", "--lake", tmp_path / "nowhere", ok=(2,))
    assert "not a lake" in proc.stderr
    models = tmp_path / "models" / "curated"
    models.mkdir(parents=True)
    (models / "x_curated.sql").write_text("SELECT * FROM missing_table\n")
    lake = tmp_path / "lake"
    src = tmp_path / "src" / "customer" / "landing"
    src.mkdir(parents=True)
    (src / "c.json").write_text('{"email":"a@x","shareWithResearchAsOfDate":1}\n')
    run(stedi_bin, "ingest", "--lake", lake, tmp_path / "src")
    proc = run(stedi_bin, "run", "--lake", lake, "--models", tmp_path / "models", ok=(2,))
    assert "x_curated.sql" in proc.stderr and "missing_table" in proc.stderr


def test_real_data_report(stedi_bin, shared_data, tmp_path):
    lake = tmp_path / "lake"
    run(stedi_bin, "ingest", "--lake", lake, shared_data)
    report = json.loads(run(stedi_bin, "run", "--lake", lake, "--format", "json").stdout)
    assert report["real_stedi_data"] is True
    by_table = {t["table"]: t for t in report["tables"]}
    assert by_table["machine_learning_curated"]["rows"] == 40981
    assert by_table["machine_learning_curated"]["original lake"] == 43681
    assert "2,700" in by_table["machine_learning_curated"]["why different"]
    rubric = json.loads(run(stedi_bin, "run", "--lake", lake, "--policy", "rubric",
                            "--format", "json").stdout)
    cross = [c for c in rubric["checks"] if "another customer" in c["check"]]
    assert [(c["value"], c["result"]) for c in cross] == [(2700, "info")]


def test_tiny_memory_limit_spills_and_changes_nothing(stedi_bin, generated_lake):
    """With 64 KiB for all hash tables and sort buffers, joins and aggregations spill to the
    lake's _tmp folder; the tables are the same and no spill file is left behind."""
    lake, expected = generated_lake
    proc = run(stedi_bin, "run", "--lake", lake, "--memory-limit", "64KiB", "--format", "json")
    report = json.loads(proc.stdout)
    assert report["passed"] is True
    assert {t["table"]: t["rows"] for t in report["tables"]} == expected["policies"]["standard"]
    for t in BUILT:
        assert parquet_rows(lake, t) == expected["policies"]["standard"][t], t
    assert list((lake / "_tmp").iterdir()) == []
    # The same query answers alike under a tiny limit and the default one.
    query = ("SELECT user, count(*) AS n, count(DISTINCT timestamp) AS t FROM "
             "accelerometer_trusted GROUP BY user ORDER BY n DESC, user LIMIT 50")
    tiny = run(stedi_bin, "sql", "--lake", lake, "--memory-limit", "16KiB", "--format", "csv",
               query).stdout
    default = run(stedi_bin, "sql", "--lake", lake, "--format", "csv", query).stdout
    assert tiny == default and tiny.count("\n") == 51


def test_memory_limit_that_is_no_size_is_refused(stedi_bin, generated_lake):
    lake, _ = generated_lake
    proc = run(stedi_bin, "run", "--lake", lake, "--memory-limit", "lots", ok=(2,))
    assert "--memory-limit: 'lots' is not a size" in proc.stderr
