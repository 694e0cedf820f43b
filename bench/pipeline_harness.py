#!/usr/bin/env python3
"""Pipeline harness: stedi vs DuckDB vs PySpark vs a Parquet-writing floor, landing JSON to
curated tables, on the real data and on generated data of growing size.

For each dataset (the real STEDI data when ../shared/data/stedi exists, and generated data of
each --scales size, made once per scale by `stedi generate --seed 7` and shared by every engine
and repetition), alternates REPS runs of each engine of --engines (Spark's after the others'):
  - stedi:  `stedi ingest --lake L DATA` then `stedi run --lake L --policy P --models models/`
            in a fresh lake (whole-process wall times, startup included; reported separately
            and summed);
  - duckdb: one fresh Python process per run: read_json with explicit columns and types ->
            Parquet (zstd) for the three landing tables, then every model of models/ in
            dependency order, its SQL text unchanged, as COPY (<sql>) TO '<table>.parquet', with a
            view over each written file for the later models;
  - spark:  one fresh Python process per run, PySpark in local mode (local[*], driver memory
            half the machine's, shuffle partitions 2 x cores, no UI, log level ERROR): spark.read.json of each landing folder
            with an explicit schema (keys as the files spell them, aliased to stedi's lower-case
            names) -> Parquet (zstd), a temp view over each written table, then the same model
            SQL texts, unchanged, each written as Parquet. A model Spark cannot run is reported
            with Spark's message (the models are never adapted to it);
  - floor:  one fresh Python process per run, pyarrow only: the least work that still reads the
            same JSON and writes the same number of Parquet rows. It parses every landing file
            with pyarrow.json.read_json and the explicit schema (files parsed in parallel, one
            thread per core), writes the three landing tables as Parquet (zstd), and for each of
            the five model tables writes (zstd) the first N rows of the landing table it derives
            from (customer_trusted and customer_curated from customer_landing;
            accelerometer_trusted and machine_learning_curated from accelerometer_landing;
            step_trainer_trusted from step_trainer_landing), N being that table's row count in
            the manifest (expected.json of the generated data, the README counts of the real
            data). No filter, join or catalog: any engine's time above it is the price of those.
The Python engines' times run from the start of the work (after connect(), after the
SparkSession is up, after the imports) to the last file written, measured inside the process, so
neither the interpreter start, the imports nor the JVM launch count against them; each process's
wall time is kept too (process_seconds).
With --baseline-build DIR, a second stedi binary (an older build, say) runs too, interleaved
with the others in every repetition, and its ratio is reported beside the current one: the way
to tell whether a change made the ratio better or worse on a machine whose speed drifts.
Peak RSS is each process's own (wait4, which includes its reaped children: Spark's JVM is reaped
by its Python process before it exits); stedi's is the larger of ingest and run, the Python
engines' include their interpreter (the idle footprint of each is recorded in the JSON).
Records per engine and dataset the median seconds (ingest + run split), landing rows per second,
peak RSS, and the ratios duckdb/stedi and spark/stedi (above 1: stedi is that many times
faster) and stedi/floor (how many times the floor's time stedi takes; the target is at most
2). Every engine's rows of all eight tables must equal the manifest's for the
policy (generated data: its expected.json; real data: REAL_REFERENCE, from its README), or, with
no manifest, agree between the engines: otherwise MISMATCH and exit 1. An engine that fails
skips its remaining runs, the others still run and are reported, and the exit code is 2.
Prints markdown tables, writes bench/results/pipeline_<UTC timestamp>.json and a log-log chart of
seconds against landing rows, one line per engine, beside it (.png; skipped with a warning when
matplotlib is missing). DuckDB, Spark and pyarrow are peers here, never part of stedi.

Every run's output (and each generated dataset) stays in the scratch folder until the harness
ends, its page cache dropped after the run (see KeptOutputs): deleting thousands of files just
before stedi's next ingest made it pay for them on journal-less ext4. The scratch folder thus
needs room for all of a run's outputs (the oldest go early, with a warning, when the disk runs
short).

Python packages: bench/requirements.txt (build/venv/bin/pip install -r bench/requirements.txt),
and Java 17 for Spark. Usual run (CI-sized) and the full range of scales (a long run, for an idle
machine: 1.2M customers is ~13 GB of JSON in the scratch folder, plus ~14 GB per stedi lake, see
--work):
    build/venv/bin/python bench/pipeline_harness.py --reps 3
    build/venv/bin/python bench/pipeline_harness.py --reps 3 --scales real,20000,200000,1200000
"""
import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = ROOT.parent / "shared" / "data" / "stedi"
ENGINES = ("stedi", "duckdb", "spark", "floor")
PYTHON_ENGINES = ("duckdb", "spark", "floor")
LABELS = {"stedi": "stedi", "baseline": "stedi baseline", "duckdb": "DuckDB", "spark": "Spark",
          "floor": "floor"}

# The landing tables as stedi ingest defines them (src/ingest/landing_sources.cc): lower-cased
# names and their types. DuckDB, Spark and pyarrow match JSON keys case-sensitively while stedi
# does not, so each column also carries the key as the files spell it (the data's README).
LANDING = {
    "customer_landing": ("customer", [
        ("customerName", "customername", "VARCHAR"),
        ("email", "email", "VARCHAR"),
        ("phone", "phone", "VARCHAR"),
        ("birthDay", "birthday", "VARCHAR"),
        ("serialNumber", "serialnumber", "VARCHAR"),
        ("registrationDate", "registrationdate", "BIGINT"),
        ("lastUpdateDate", "lastupdatedate", "BIGINT"),
        ("shareWithResearchAsOfDate", "sharewithresearchasofdate", "BIGINT"),
        ("shareWithPublicAsOfDate", "sharewithpublicasofdate", "BIGINT"),
        ("shareWithFriendsAsOfDate", "sharewithfriendsasofdate", "BIGINT"),
    ]),
    "accelerometer_landing": ("accelerometer", [
        ("user", "user", "VARCHAR"),
        ("timestamp", "timestamp", "BIGINT"),
        ("x", "x", "DOUBLE"),
        ("y", "y", "DOUBLE"),
        ("z", "z", "DOUBLE"),
    ]),
    "step_trainer_landing": ("step_trainer", [
        ("sensorReadingTime", "sensorreadingtime", "BIGINT"),
        ("serialNumber", "serialnumber", "VARCHAR"),
        ("distanceFromObject", "distancefromobject", "BIGINT"),
    ]),
}

# The landing table each model table is cut from for the floor (see the docstring).
FLOOR_SOURCE = {"customer_trusted": "customer_landing", "customer_curated": "customer_landing",
                "accelerometer_trusted": "accelerometer_landing",
                "machine_learning_curated": "accelerometer_landing",
                "step_trainer_trusted": "step_trainer_landing"}

# Rows per table on the real data, per policy, from /work/shared/data/stedi/README.md (measured
# there independently of every engine): a check of the models, not only of agreement.
REAL_REFERENCE = {
    "standard": {"customer_landing": 956, "accelerometer_landing": 81273,
                 "step_trainer_landing": 28680, "customer_trusted": 482,
                 "accelerometer_trusted": 40981, "customer_curated": 482,
                 "step_trainer_trusted": 14460, "machine_learning_curated": 40981},
    "since-consent": {"customer_landing": 956, "accelerometer_landing": 81273,
                      "step_trainer_landing": 28680, "customer_trusted": 482,
                      "accelerometer_trusted": 32025, "customer_curated": 464,
                      "step_trainer_trusted": 11297, "machine_learning_curated": 32025},
    "rubric": {"customer_landing": 956, "accelerometer_landing": 81273,
               "step_trainer_landing": 28680, "customer_trusted": 482,
               "accelerometer_trusted": 40981, "customer_curated": 482,
               "step_trainer_trusted": 14460, "machine_learning_curated": 43681},
}

# Each child script takes the job as JSON in argv[1] and prints one JSON line. With
# {"idle": true} it stops right after its setup: the footprint of the engine doing nothing.
DUCKDB_SCRIPT = r"""
import json, sys, time
job = json.loads(sys.argv[1])
import duckdb
start = time.perf_counter()
con = duckdb.connect()
if job.get("idle"):
    sys.exit(print("{}"))
con.execute("SET enable_progress_bar = false")
out = job["out"]
table_seconds = {}
def publish(table, select):
    begin = time.perf_counter()
    path = f"{out}/{table}.parquet"
    con.execute(f"COPY (\n{select}\n) TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
    con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    table_seconds[table] = time.perf_counter() - begin
for table, source, columns in job["landing"]:
    types = ", ".join(f"'{key}': '{type_}'" for key, _, type_ in columns)
    names = ", ".join(f'"{key}" AS "{name}"' for key, name, _ in columns)
    publish(table, f"SELECT {names} FROM read_json('{job['src']}/{source}/landing/*.json', "
                   f"format = 'newline_delimited', columns = {{{types}}})")
ingested = time.perf_counter()
for table, sql in job["models"]:
    publish(table, sql)
done = time.perf_counter()
rows = {t: con.execute(f"SELECT count(*) FROM read_parquet('{out}/{t}.parquet')").fetchone()[0]
        for t in table_seconds}
print(json.dumps({"ingest_seconds": ingested - start, "run_seconds": done - ingested,
                  "seconds": done - start, "table_seconds": table_seconds, "rows": rows,
                  "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
                  "version": duckdb.__version__}))
"""

SPARK_SCRIPT = r"""
import json, os, sys, time
job = json.loads(sys.argv[1])
from pyspark import SparkContext
from pyspark.sql import SparkSession, functions as F, types as T
# Local mode runs everything in the driver: its default 1 GiB cannot broadcast the joins'
# build sides from 200,000 customers on. Half the machine's memory, as DuckDB takes 80 %.
memory_gib = max(1, os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // (2 << 30))
spark = (SparkSession.builder.master("local[*]").appName("stedi-pipeline-bench")
         .config("spark.driver.memory", f"{memory_gib}g")
         .config("spark.ui.enabled", "false")
         .config("spark.sql.shuffle.partitions", str(2 * os.cpu_count()))
         .config("spark.sql.parquet.compression.codec", "zstd")
         .getOrCreate())
spark.sparkContext.setLogLevel("ERROR")

def shut_down():
    # The JVM exits when its stdin closes; waiting for it here makes its peak RSS part of this
    # process's rusage (wait4 in the harness counts reaped children).
    jvm = SparkContext._gateway.proc
    spark.stop()
    jvm.stdin.close()
    jvm.wait()

if job.get("idle"):
    shut_down()
    sys.exit(print("{}"))
TYPES = {"VARCHAR": T.StringType(), "BIGINT": T.LongType(), "DOUBLE": T.DoubleType()}
out = job["out"]
table_seconds = {}
def publish(table, frame):
    begin = time.perf_counter()
    path = f"{out}/{table}"
    frame.write.parquet(path, compression="zstd")
    spark.read.parquet(path).createOrReplaceTempView(table)
    table_seconds[table] = time.perf_counter() - begin
start = time.perf_counter()
for table, source, columns in job["landing"]:
    schema = T.StructType([T.StructField(key, TYPES[type_]) for key, _, type_ in columns])
    frame = spark.read.schema(schema).json(f"{job['src']}/{source}/landing/*.json")
    publish(table, frame.select([F.col(f"`{key}`").alias(name) for key, name, _ in columns]))
ingested = time.perf_counter()
error = None
for table, sql in job["models"]:
    try:
        publish(table, spark.sql(sql))
    except Exception as e:  # report which model Spark cannot run, and why, then stop
        error = {"table": table, "message": str(e).strip()[:1500]}
        break
done = time.perf_counter()
rows = {t: spark.read.parquet(f"{out}/{t}").count() for t in table_seconds}
result = {"ingest_seconds": ingested - start, "run_seconds": done - ingested,
          "seconds": done - start, "table_seconds": table_seconds, "rows": rows,
          "threads": spark.sparkContext.defaultParallelism, "version": spark.version}
if error:
    result["error"] = error
shut_down()
print(json.dumps(result))
"""

FLOOR_SCRIPT = r"""
import glob, json, os, sys, time
from concurrent.futures import ThreadPoolExecutor
job = json.loads(sys.argv[1])
import pyarrow as pa, pyarrow.json as pj, pyarrow.parquet as pq
if job.get("idle"):
    sys.exit(print("{}"))
TYPES = {"VARCHAR": pa.string(), "BIGINT": pa.int64(), "DOUBLE": pa.float64()}
out = job["out"]
pool = ThreadPoolExecutor(os.cpu_count())  # pyarrow releases the GIL while parsing and writing

def parse(source, columns):
    schema = pa.schema([(key, TYPES[type_]) for key, _, type_ in columns])
    options = pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore")
    files = sorted(glob.glob(f"{job['src']}/{source}/landing/*.json"))
    parts = pool.map(lambda f: pj.read_json(f, parse_options=options), files)
    return pa.concat_tables(parts).rename_columns([name for _, name, _ in columns])

def write(item):
    table, data = item
    pq.write_table(data, f"{out}/{table}.parquet", compression="zstd")

def first_rows(data, n):
    # Repeats the source if a model table were ever longer than it, so N rows are always written.
    copies = -(-n // data.num_rows) if data.num_rows else 1
    return pa.concat_tables([data] * max(copies, 1)).slice(0, n)

start = time.perf_counter()
landing = {table: parse(source, columns) for table, source, columns in job["landing"]}
list(pool.map(write, landing.items()))
ingested = time.perf_counter()
derived = {table: first_rows(landing[source], job["targets"][table])
           for table, source in job["derived"]}
list(pool.map(write, derived.items()))
done = time.perf_counter()
rows = {t: pq.ParquetFile(f"{out}/{t}.parquet").metadata.num_rows for t in [*landing, *derived]}
print(json.dumps({"ingest_seconds": ingested - start, "run_seconds": done - ingested,
                  "seconds": done - start, "rows": rows, "threads": os.cpu_count(),
                  "version": pa.__version__}))
"""

SCRIPTS = {"duckdb": DUCKDB_SCRIPT, "spark": SPARK_SCRIPT, "floor": FLOOR_SCRIPT}

TABLE_NAME = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


class ChildFailed(Exception):
    pass


def load_models(models_dir, policy):
    """Returns [(table, sql)] in dependency order: the standard models with the policy's files
    replacing those of the same zone and table."""
    files = {}
    for zone in ("trusted", "curated"):
        for path in sorted((models_dir / zone).glob("*.sql")):
            files[path.stem] = path
    if policy != "standard":
        overlay = models_dir / "policies" / policy
        if not overlay.is_dir():
            sys.exit(f"no policy folder {overlay}")
        for path in sorted(overlay.glob("*/*.sql")):
            files[path.stem] = path
    sql = {t: p.read_text().strip().rstrip(";").rstrip() for t, p in files.items()}
    deps = {}
    for table, text in sql.items():
        code = re.sub(r"--[^\n]*", "", text)
        deps[table] = {n.lower() for n in TABLE_NAME.findall(code)} & (set(sql) - {table})
        unknown = {n.lower() for n in TABLE_NAME.findall(code)} - set(sql) - set(LANDING)
        if unknown:
            sys.exit(f"model {table} reads unknown tables {sorted(unknown)}")
    ordered, done = [], set()
    while len(ordered) < len(sql):
        ready = sorted(t for t in sql if t not in done and deps[t] <= done)
        if not ready:
            sys.exit(f"models form a cycle: {sorted(set(sql) - done)}")
        ordered.extend(ready)
        done.update(ready)
    return [(t, sql[t]) for t in ordered]


def run_child(cmd, ok_codes=(0,)):
    """Runs CMD; returns (wall seconds, peak RSS MiB, stdout). Raises ChildFailed otherwise."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode not in ok_codes:
        name = " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd[:2]))
        if cmd[1:2] == ["-c"]:
            name = Path(cmd[0]).name + " -c <engine script>"
        detail = (stderr.strip() or stdout.strip())[-2000:]
        raise ChildFailed(f"`{name}` exited with {proc.returncode}: {detail}")
    return wall, usage.ru_maxrss / 1024.0, stdout


def stedi_once(stedi, source, lake, policy, models_dir):
    # Exit code 1 of ingest means records were quarantined: still a finished ingest.
    i_wall, i_rss, _ = run_child([str(stedi), "ingest", "--lake", str(lake), str(source)],
                                 ok_codes=(0, 1))
    r_wall, r_rss, report = run_child([str(stedi), "run", "--lake", str(lake), "--policy", policy,
                                       "--models", str(models_dir)])
    _, _, listing = run_child([str(stedi), "tables", "--lake", str(lake), "--format", "json"])
    rows = {t["table"]: t["rows"] for t in json.loads(listing) if t["table"] != "quarantine"}
    return {"ingest_seconds": i_wall, "run_seconds": r_wall, "seconds": i_wall + r_wall,
            "ingest_peak_rss_mib": i_rss, "run_peak_rss_mib": r_rss,
            "peak_rss_mib": max(i_rss, r_rss), "rows": rows, "run_report": report}


def python_engine_job(source, out, models, targets):
    return {"src": str(source), "out": str(out), "models": models, "targets": targets,
            "landing": [[t, s, cols] for t, (s, cols) in LANDING.items()],
            "derived": [[t, FLOOR_SOURCE.get(t)] for t, _ in models]}


def python_engine_once(engine, python, job):
    """One run of DuckDB, Spark or the floor in a fresh Python process."""
    Path(job["out"]).mkdir()
    wall, rss, stdout = run_child([python, "-c", SCRIPTS[engine], json.dumps(job)])
    result = json.loads(stdout.strip().splitlines()[-1])
    if "error" in result:
        e = result["error"]
        raise ChildFailed(f"model {e['table']} failed: {e['message']}")
    result.update({"process_seconds": wall, "peak_rss_mib": rss})
    return result


def idle_rss(engine, python):
    """Peak RSS of the engine's process when it only starts up (its share that is not the job)."""
    _, rss, _ = run_child([python, "-c", SCRIPTS[engine], json.dumps({"idle": True})])
    return rss


def medians(runs, keys):
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def summarize_stedi(runs):
    summary = medians(runs, ["ingest_seconds", "run_seconds", "seconds"])
    summary.update({"ingest_peak_rss_mib": max(r["ingest_peak_rss_mib"] for r in runs),
                    "run_peak_rss_mib": max(r["run_peak_rss_mib"] for r in runs),
                    "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
                    "all_seconds": [r["seconds"] for r in runs],
                    "rows": runs[-1]["rows"], "run_report": runs[-1]["run_report"]})
    return summary


def summarize_python_engine(runs):
    summary = medians(runs, ["ingest_seconds", "run_seconds", "seconds", "process_seconds"])
    summary.update({"peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
                    "all_seconds": [r["seconds"] for r in runs],
                    "threads": runs[-1]["threads"], "version": runs[-1]["version"],
                    "rows": runs[-1]["rows"]})
    if "table_seconds" in runs[-1]:
        summary["table_seconds"] = {t: statistics.median(r["table_seconds"][t] for r in runs)
                                    for t in runs[-1]["table_seconds"]}
    return summary


def manifest_for(name, source, policy):
    """Rows per table the models must give on this dataset, or None when nothing says."""
    if name == "real":
        return REAL_REFERENCE.get(policy)
    expected = source / "expected.json"
    if not expected.exists():
        return None
    return json.loads(expected.read_text()).get("policies", {}).get(policy)


def drop_page_cache(folder):
    """Drops the page cache of every file under FOLDER; returns their total size."""
    total = 0
    for f in Path(folder).rglob("*"):
        if f.is_file():
            fd = os.open(f, os.O_RDONLY)
            try:
                total += os.fstat(fd).st_size
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
    return total


class KeptOutputs:
    """Every run's output folder (and each generated dataset), kept until the harness ends.

    Deleting a run's output just before the next run made stedi's next ingest a fifth slower on
    this VM (200k customers: 4.8 s instead of 3.9 s): on ext4 without a journal, a new inode
    skips each inode of its block group deleted in the last six minutes, checking them one by
    one, and stedi creates a file per landing file. Users rarely delete thousands of files just
    before an ingest; a benchmark that does measures its own housekeeping. So folders stay, and
    after each run its page cache is dropped (sync, then POSIX_FADV_DONTNEED): the next run
    finds memory as free and warm as a deletion would have left it. Only when the disk runs
    short are the oldest folders deleted early, with a warning.
    """

    def __init__(self):
        self.kept = []  # (folder, bytes), oldest first
        self.deleted_early = 0

    def settle(self, folder):
        os.sync()
        if not Path(folder).exists():
            return
        self.kept.append((Path(folder), drop_page_cache(folder)))
        # Room for one more of the largest output so far, and 2 GiB.
        need = max(b for _, b in self.kept) + (2 << 30)
        while len(self.kept) > 1 and shutil.disk_usage(folder).free < need:
            old, _ = self.kept.pop(0)
            print(f"warning: disk short, deleting {old.name} early: stedi's next ingest may "
                  "pay for the deleted inodes (see KeptOutputs)", file=sys.stderr)
            shutil.rmtree(old, ignore_errors=True)
            os.sync()
            self.deleted_early += 1

    def delete_all(self):
        for folder, _ in self.kept:
            shutil.rmtree(folder, ignore_errors=True)
        self.kept = []


def check_floor_inputs(models, targets):
    if not targets:
        raise ChildFailed("no manifest and no stedi rows to size its tables")
    unknown = [t for t, _ in models if t not in FLOOR_SOURCE]
    if unknown:
        raise ChildFailed(f"no landing table to cut {unknown} from: extend FLOOR_SOURCE")


def run_engines(name, source, manifest, args, models, work, outputs):
    """REPS runs of every selected engine, interleaved: ({engine: [run]}, {engine: error})."""
    order = [e for e in ENGINES if e in args.engines]
    if args.baseline_stedi:
        order.insert(1, "baseline")
    runs, errors = {e: [] for e in order}, {}
    # Spark's repetitions come after all the others: a JVM leaving gigabytes of memory behind
    # made the next engine's run up to twice as slow (stedi on the real data: 0.09 s after the
    # floor, 0.14-0.37 s after Spark), and Spark's own ratio is far from any close call.
    interleaved = [e for e in order if e != "spark"]
    schedule = [(rep, e) for rep in range(args.reps) for e in interleaved]
    schedule += [(rep, "spark") for rep in range(args.reps) if "spark" in order]
    for rep, engine in schedule:
        if engine in errors:
            continue
        folder = work / f"{engine}-{name}-{rep}"
        try:
            if engine in ("stedi", "baseline"):
                binary = args.stedi if engine == "stedi" else args.baseline_stedi
                run = stedi_once(binary, source, folder, args.policy, args.models)
            else:
                # The floor needs the row counts to write: the manifest's, else stedi's.
                targets = manifest or (runs.get("stedi") or [{}])[-1].get("rows")
                if engine == "floor":
                    check_floor_inputs(models, targets)
                job = python_engine_job(source, folder, models, targets)
                run = python_engine_once(engine, args.python, job)
            runs[engine].append(run)
        except ChildFailed as e:
            errors[engine] = str(e)
            print(f"[{name}] {engine.upper()} FAILED, skipping its remaining runs: {e}",
                  file=sys.stderr)
        outputs.settle(folder)
        print(f"[{name}] {engine} {rep + 1}/{args.reps} done", file=sys.stderr)
    return runs, errors


def bench_dataset(name, source, args, models, work, outputs):
    manifest = manifest_for(name, source, args.policy)
    runs, errors = run_engines(name, source, manifest, args, models, work, outputs)
    size = sum(f.stat().st_size for _, (s, _) in LANDING.items()
               for f in (source / s / "landing").glob("*"))
    result = {"dataset": name, "json_bytes": size, "reps": args.reps, "policy": args.policy,
              "manifest": manifest, "errors": errors}
    for engine, engine_runs in runs.items():
        if not engine_runs or engine in errors:
            result[engine] = None
        elif engine in ("stedi", "baseline"):
            result[engine] = summarize_stedi(engine_runs)
        else:
            result[engine] = summarize_python_engine(engine_runs)
    if result.get("baseline"):
        result["baseline"]["build"] = str(args.baseline_stedi.parent)
    add_throughput_and_ratios(result)
    return result


def add_throughput_and_ratios(result):
    counts = result["manifest"] or (result.get("stedi") or {}).get("rows") or {}
    landing_rows = sum(counts.get(t, 0) for t in LANDING) or None
    result["landing_rows"] = landing_rows
    for engine in ("stedi", "baseline", *PYTHON_ENGINES):
        if result.get(engine) and landing_rows:
            result[engine]["rows_per_second"] = landing_rows / result[engine]["seconds"]

    def ratio(key, top, bottom):
        if result.get(top) and result.get(bottom):
            result[key] = result[top]["seconds"] / result[bottom]["seconds"]
    ratio("ratio_duckdb_over_stedi", "duckdb", "stedi")
    ratio("ratio_spark_over_stedi", "spark", "stedi")
    ratio("ratio_stedi_over_floor", "stedi", "floor")
    ratio("ratio_duckdb_over_baseline", "duckdb", "baseline")
    ratio("ratio_baseline_over_floor", "baseline", "floor")


def engines_in(result):
    return [e for e in ("stedi", "baseline", *PYTHON_ENGINES) if result.get(e)]


def check_rows(result, tables):
    """Returns the problems: an engine's row count of a table that differs from the manifest's
    (or, with no manifest, from the other engines'), or a table an engine did not write."""
    problems = []
    counts = {e: result[e]["rows"] for e in engines_in(result)}
    if result["manifest"]:
        for engine, rows in counts.items():
            for table in tables:
                if rows.get(table) != result["manifest"].get(table):
                    problems.append(f"{result['dataset']}: {table}: {engine} "
                                    f"{rows.get(table, 'missing')}, manifest "
                                    f"{result['manifest'].get(table, 'missing')}")
        return problems
    counts.pop("floor", None)  # its model tables are sized from stedi's counts: no evidence
    for table in tables:
        seen = {e: c.get(table) for e, c in counts.items()}
        if len(set(seen.values())) > 1:
            problems.append(f"{result['dataset']}: {table}: " +
                            ", ".join(f"{e} {n if n is not None else 'missing'}"
                                      for e, n in seen.items()))
    return problems


def print_tables(results, tables, engines):
    def secs(r, e):
        if not r.get(e):
            return "failed" if e in r["errors"] else "—"
        m = r[e]
        return f"{m['ingest_seconds']:.3f} + {m['run_seconds']:.3f} = **{m['seconds']:.3f} s**"

    def num(value, fmt):
        return format(value, fmt) if value is not None else "—"

    heads = [f"{LABELS[e]} ingest + run" for e in engines]
    ratios = [("duckdb", "ratio_duckdb_over_stedi", "DuckDB / stedi"),
              ("spark", "ratio_spark_over_stedi", "Spark / stedi"),
              ("floor", "ratio_stedi_over_floor", "stedi / floor")]
    ratios = [(k, h) for e, k, h in ratios if e in engines and "stedi" in engines]
    print("\n| dataset | JSON | landing rows | " + " | ".join(heads + [h for _, h in ratios]) +
          " | peak RSS " + " / ".join(LABELS[e] for e in engines) + " |")
    print("|---|---|---|" + "---|" * (len(heads) + len(ratios) + 1))
    for r in results:
        cells = [secs(r, e) for e in engines] + [num(r.get(k), ".2f") for k, _ in ratios]
        rss = " / ".join(num(r[e]["peak_rss_mib"] if r.get(e) else None, ".0f") for e in engines)
        print(f"| {r['dataset']} | {r['json_bytes'] / 1e6:.1f} MB | {num(r['landing_rows'], ',')} "
              f"| " + " | ".join(cells) + f" | {rss} MiB |")

    print("\nLanding rows per second (millions):\n")
    print("| dataset | " + " | ".join(LABELS[e] for e in engines) + " |")
    print("|---|" + "---|" * len(engines))
    for r in results:
        print(f"| {r['dataset']} | " + " | ".join(
            num(r[e]["rows_per_second"] / 1e6 if r.get(e) and "rows_per_second" in r[e]
                else None, ".2f") for e in engines) + " |")

    for r in results:
        if r.get("baseline"):
            b = r["baseline"]
            print(f"\nbaseline {b['build']} on {r['dataset']}: {b['ingest_seconds']:.3f} + "
                  f"{b['run_seconds']:.3f} = {b['seconds']:.3f} s, DuckDB / baseline "
                  f"{num(r.get('ratio_duckdb_over_baseline'), '.2f')} (this build: "
                  f"{num(r.get('ratio_duckdb_over_stedi'), '.2f')})")

    print("\nRows per table (manifest: " + " / ".join(LABELS[e] for e in engines) + "):\n")
    print("| table | " + " | ".join(r["dataset"] for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for table in tables:
        cells = []
        for r in results:
            expected = (r["manifest"] or {}).get(table)
            got = [r[e]["rows"].get(table) if r.get(e) else None for e in engines]
            cells.append(f"{num(expected, '')}: " + " / ".join(num(n, "") for n in got))
        print(f"| {table} | " + " | ".join(cells) + " |")


def draw_chart(results, path, policy):
    """Seconds against landing rows, log-log, one line per engine. Returns whether it drew."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print(f"warning: no chart ({e}); pip install -r bench/requirements.txt", file=sys.stderr)
        return False
    points = sorted((r for r in results if r["landing_rows"]), key=lambda r: r["landing_rows"])
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for engine in ("stedi", "baseline", *PYTHON_ENGINES):
        line = [(r["landing_rows"], r[engine]["seconds"]) for r in points if r.get(engine)]
        if line:
            ax.plot(*zip(*line), marker="o", label=LABELS[engine])
    ax.set_xscale("log")
    ax.set_yscale("log")
    for r in points:  # name each dataset at the foot of its x position
        ax.annotate(r["dataset"], (r["landing_rows"], 0.02), xycoords=ax.get_xaxis_transform(),
                    xytext=(-8, 0), textcoords="offset points", fontsize=8, rotation=90,
                    va="bottom", ha="center", color="gray")
    ax.set_xlabel("landing rows (all three tables)")
    ax.set_ylabel("median seconds, landing JSON to curated Parquet")
    ax.set_title(f"STEDI pipeline, policy {policy}, {os.cpu_count()} cores")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--scales", default="real,20000",
                        help="comma-separated: 'real' (when present) and/or numbers of "
                             "generated customers (default real,20000; the full range is "
                             "real,20000,200000,1200000)")
    parser.add_argument("--customers", type=int, action="append",
                        help="a generated size to add (repeatable)")
    parser.add_argument("--policy", default="standard",
                        choices=["standard", "since-consent", "rubric"])
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"comma-separated subset of {','.join(ENGINES)} (default all)")
    parser.add_argument("--build", default=str(ROOT / "build"), help="folder holding stedi")
    parser.add_argument("--baseline-build", default=None,
                        help="folder holding an older stedi to run interleaved for comparison")
    parser.add_argument("--models", default=str(ROOT / "models"))
    parser.add_argument("--python", default=sys.executable,
                        help="Python with duckdb, pyspark and pyarrow (default: this one)")
    parser.add_argument("--work", default=None, help="scratch folder (default: a temp folder)")
    args = parser.parse_args()
    args.stedi = Path(args.build) / "stedi"
    args.baseline_stedi = Path(args.baseline_build) / "stedi" if args.baseline_build else None
    if args.baseline_stedi and not args.baseline_stedi.exists():
        sys.exit(f"{args.baseline_stedi} not found")
    args.models = Path(args.models).resolve()
    args.engines = {e.strip() for e in args.engines.split(",") if e.strip()}
    if not args.engines or args.engines - set(ENGINES):
        sys.exit(f"--engines: choose from {','.join(ENGINES)}")
    args.scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    args.scales += [str(c) for c in args.customers or []]
    if not args.stedi.exists():
        sys.exit(f"{args.stedi} not found: build stedi or pass --build")
    return args


def bench_scales(args, models):
    results = []
    if args.work:
        Path(args.work).mkdir(parents=True, exist_ok=True)  # a scratch folder may be new
    outputs = KeptOutputs()
    with tempfile.TemporaryDirectory(prefix="stedi-pipeline-bench-", dir=args.work) as tmp:
        work = Path(tmp)
        try:
            for scale in args.scales:
                if scale == "real":
                    if not REAL_DATA.exists():
                        print(f"skipping real data: {REAL_DATA} not present", file=sys.stderr)
                        continue
                    results.append(bench_dataset("real", REAL_DATA, args, models, work, outputs))
                    continue
                # Generated once per scale, shared by every engine and repetition.
                gen = work / f"generated-{scale}-data"
                subprocess.run([str(args.stedi), "generate", "--out", str(gen), "--customers",
                                str(int(scale)), "--seed", "7"], check=True,
                               stdout=subprocess.DEVNULL)
                results.append(bench_dataset(f"generated-{scale}", gen, args, models, work,
                                             outputs))
                outputs.settle(gen)
        finally:
            outputs.delete_all()
    for r in results:
        r["outputs_deleted_early"] = outputs.deleted_early
    return results


def main():
    args = parse_args()
    models = load_models(args.models, args.policy)
    tables = list(LANDING) + [t for t, _ in models]
    print(f"models in order ({args.policy}): {', '.join(t for t, _ in models)}", file=sys.stderr)
    load_before = os.getloadavg()
    if load_before[0] > 0.5:
        # Two cores, shared: a compile running next to the benchmark slows every engine.
        print(f"warning: load average {load_before[0]:.2f} before the start; timings will be "
              "noisy", file=sys.stderr)

    results = bench_scales(args, models)
    engines = [e for e in ENGINES if e in args.engines]
    print_tables(results, tables, engines)
    problems = [p for r in results for p in check_rows(r, tables)]
    idle = {}
    for engine in PYTHON_ENGINES:
        if engine in args.engines:
            try:
                idle[engine] = idle_rss(engine, args.python)
            except ChildFailed as e:
                print(f"warning: idle {engine} process failed: {e}", file=sys.stderr)

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"pipeline_{stamp}.json"
    chart = path.with_suffix(".png")
    drawn = draw_chart(results, chart, args.policy)
    path.write_text(json.dumps({"created": stamp, "policy": args.policy, "cores": os.cpu_count(),
                                "engines": engines, "load_average_before": load_before,
                                "load_average_after": os.getloadavg(),
                                "idle_process_rss_mib": idle,
                                "models": [t for t, _ in models], "results": results,
                                "chart": chart.name if drawn else None,
                                "row_mismatches": problems}, indent=2) + "\n")
    print(f"\nload average before / after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f}")
    print(f"wrote {path.relative_to(ROOT)}" + (f" and {chart.name}" if drawn else ""))
    for p in problems:
        print(f"MISMATCH {p}", file=sys.stderr)
    if problems:
        sys.exit(1)
    errors = [f"{r['dataset']}: {e}: {msg}" for r in results for e, msg in r["errors"].items()]
    if errors:
        print("engines that did not finish: " + "; ".join(errors), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
