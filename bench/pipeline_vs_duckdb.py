#!/usr/bin/env python3
"""Pipeline benchmark: stedi vs DuckDB doing the whole job, landing JSON to curated tables.

For each dataset (the real STEDI data when ../shared/data/stedi exists, and generated data of
each --scales size), alternates REPS runs of
  - stedi:  `stedi ingest --lake L DATA` then `stedi run --lake L --policy P --models models/`
            in a fresh lake (whole-process wall times, startup included; reported separately
            and summed);
  - duckdb: one fresh Python process per run: read_json with explicit columns and types ->
            Parquet (zstd) for the three landing tables, then every model of models/ in
            dependency order, its SQL text unchanged, as COPY (<sql>) TO '<table>.parquet', with a
            view over each written file for the later models. Its time runs from connect() to
            the last file written, measured inside the process, so the Python start and the
            `import duckdb` are not counted against it (the process wall time is kept too).
Peak RSS is each process's own (wait4); stedi's is the larger of ingest and run, DuckDB's
includes its Python interpreter. Rows per table must agree between the engines (stedi's from
`stedi tables --format json`, DuckDB's from its Parquet files) and, on the real data, with the
counts in its README: otherwise MISMATCH and exit 1. When stedi fails, the DuckDB side still
runs and is reported, and the exit code is 2.
Prints medians, the ratio duckdb/stedi (>1 means stedi is faster) and a markdown table, and
writes bench/results/pipeline_<UTC timestamp>.json. DuckDB is a peer here, never part of stedi.
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

# The landing tables as stedi ingest defines them (src/ingest/landing_sources.cc): lower-cased
# names and their types. DuckDB matches JSON keys case-sensitively while stedi does not, so each
# column also carries the key as the files spell it (the data's README).
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

# Rows per table on the real data, per policy, from /work/shared/data/stedi/README.md (measured
# there independently of both engines): a check of the models, not only of agreement.
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

DUCKDB_SCRIPT = r"""
import json, sys, time
job = json.loads(sys.argv[1])
import duckdb
out = job["out"]
start = time.perf_counter()
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
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
tables = [t for t, _, _ in job["landing"]] + [t for t, _ in job["models"]]
rows = {t: con.execute(f"SELECT count(*) FROM read_parquet('{out}/{t}.parquet')").fetchone()[0]
        for t in tables}
print(json.dumps({"ingest_seconds": ingested - start, "run_seconds": done - ingested,
                  "seconds": done - start, "table_seconds": table_seconds, "rows": rows,
                  "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
                  "version": duckdb.__version__}))
"""

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


def duckdb_once(python, source, out, models):
    out.mkdir()
    job = {"src": str(source), "out": str(out), "models": models,
           "landing": [[t, s, cols] for t, (s, cols) in LANDING.items()]}
    wall, rss, stdout = run_child([python, "-c", DUCKDB_SCRIPT, json.dumps(job)])
    result = json.loads(stdout.strip().splitlines()[-1])
    result.update({"process_seconds": wall, "peak_rss_mib": rss})
    return result


def medians(runs, keys):
    return {k: statistics.median(r[k] for r in runs) for k in keys}


def bench_dataset(name, source, args, models, work):
    stedi_runs, duck_runs, stedi_error = [], [], None
    # Every run writes into a new folder, deleted (and the deletion synced) before the next run:
    # no run pays for the write-back of another's output, and each finds memory as warm as the
    # last one left it. (On a VM, writing into never-touched guest memory costs several times a
    # warm write; keeping every run's output made later runs slower for no reason of their own.)
    def settle(folder):
        shutil.rmtree(folder, ignore_errors=True)
        os.sync()

    for rep in range(args.reps):
        if "stedi" in args.engines and stedi_error is None:
            lake = work / f"lake-{name}-{rep}"
            try:
                stedi_runs.append(stedi_once(args.stedi, source, lake, args.policy, args.models))
            except ChildFailed as e:
                stedi_error = str(e)
                print(f"[{name}] STEDI FAILED, skipping its remaining runs: {e}", file=sys.stderr)
            settle(lake)
        if "duckdb" in args.engines:
            out = work / f"duck-{name}-{rep}"
            try:
                duck_runs.append(duckdb_once(args.python, source, out, models))
            except ChildFailed as e:
                sys.exit(f"[{name}] DuckDB failed: {e}")
            settle(out)
        print(f"[{name}] rep {rep + 1}/{args.reps} done", file=sys.stderr)
    for leftover in work.glob(f"*-{name}-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    size = sum(f.stat().st_size for _, (s, _) in LANDING.items()
               for f in (source / s / "landing").glob("*"))
    result = {"dataset": name, "json_bytes": size, "reps": args.reps, "policy": args.policy,
              "stedi": None, "duckdb": None, "stedi_error": stedi_error}
    if stedi_runs and stedi_error is None:
        result["stedi"] = medians(stedi_runs, ["ingest_seconds", "run_seconds", "seconds"])
        result["stedi"].update({"ingest_peak_rss_mib": max(r["ingest_peak_rss_mib"]
                                                           for r in stedi_runs),
                                "run_peak_rss_mib": max(r["run_peak_rss_mib"] for r in stedi_runs),
                                "peak_rss_mib": max(r["peak_rss_mib"] for r in stedi_runs),
                                "all_seconds": [r["seconds"] for r in stedi_runs],
                                "rows": stedi_runs[-1]["rows"],
                                "run_report": stedi_runs[-1]["run_report"]})
    if duck_runs:
        result["duckdb"] = medians(duck_runs, ["ingest_seconds", "run_seconds", "seconds",
                                               "process_seconds"])
        result["duckdb"].update({"peak_rss_mib": max(r["peak_rss_mib"] for r in duck_runs),
                                 "all_seconds": [r["seconds"] for r in duck_runs],
                                 "threads": duck_runs[-1]["threads"],
                                 "version": duck_runs[-1]["version"],
                                 "table_seconds": {t: statistics.median(r["table_seconds"][t]
                                                                        for r in duck_runs)
                                                   for t in duck_runs[-1]["table_seconds"]},
                                 "rows": duck_runs[-1]["rows"]})
    if result["stedi"] and result["duckdb"]:
        result["ratio_duckdb_over_stedi"] = result["duckdb"]["seconds"] / result["stedi"]["seconds"]
    return result


def check_rows(result, models):
    """Returns the problems: tables whose row counts differ between the engines (or, on the real
    data, from the reference), or that one engine did not produce."""
    problems = []
    expected = list(LANDING) + [t for t, _ in models]
    counts = {e: result[e]["rows"] for e in ("stedi", "duckdb") if result[e]}
    if result["dataset"] == "real" and result["policy"] in REAL_REFERENCE:
        counts["reference"] = REAL_REFERENCE[result["policy"]]
    for table in expected:
        seen = {e: c.get(table) for e, c in counts.items()}
        if len(set(seen.values())) > 1:
            problems.append(f"{result['dataset']}: {table}: " +
                            ", ".join(f"{e} {n if n is not None else 'missing'}"
                                      for e, n in seen.items()))
    return problems


def print_tables(results, models):
    def secs(r, e):
        if not r[e]:
            return "failed" if e == "stedi" and r["stedi_error"] else "—"
        m = r[e]
        return f"{m['ingest_seconds']:.3f} + {m['run_seconds']:.3f} = **{m['seconds']:.3f} s**"

    def rss(r, e):
        return f"{r[e]['peak_rss_mib']:.0f}" if r[e] else "—"

    print("\n| dataset | JSON | stedi ingest + run | DuckDB ingest + run | DuckDB / stedi "
          "| peak RSS stedi / DuckDB |")
    print("|---|---|---|---|---|---|")
    for r in results:
        ratio = r.get("ratio_duckdb_over_stedi")
        print(f"| {r['dataset']} | {r['json_bytes'] / 1e6:.1f} MB | {secs(r, 'stedi')} "
              f"| {secs(r, 'duckdb')} | {f'{ratio:.2f}' if ratio else '—'} "
              f"| {rss(r, 'stedi')} / {rss(r, 'duckdb')} MiB |")
    print("\nRows per table (stedi / DuckDB):\n")
    print("| table | " + " | ".join(r["dataset"] for r in results) + " |")
    print("|---|" + "---|" * len(results))
    for table in list(LANDING) + [t for t, _ in models]:
        cells = []
        for r in results:
            s = r["stedi"]["rows"].get(table) if r["stedi"] else None
            d = r["duckdb"]["rows"].get(table) if r["duckdb"] else None
            cells.append(f"{s if s is not None else '—'} / {d if d is not None else '—'}")
        print(f"| {table} | " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--scales", default="real,20000",
                        help="comma-separated: 'real' (when present) and/or numbers of "
                             "generated customers (default real,20000)")
    parser.add_argument("--customers", type=int, action="append",
                        help="a generated size to add (repeatable)")
    parser.add_argument("--policy", default="standard",
                        choices=["standard", "since-consent", "rubric"])
    parser.add_argument("--engines", default="stedi,duckdb", help="stedi,duckdb or one of them")
    parser.add_argument("--build", default=str(ROOT / "build"), help="folder holding stedi")
    parser.add_argument("--models", default=str(ROOT / "models"))
    parser.add_argument("--python", default=sys.executable,
                        help="Python with duckdb for the DuckDB runs (default: this one)")
    parser.add_argument("--work", default=None, help="scratch folder (default: a temp folder)")
    args = parser.parse_args()
    args.stedi = Path(args.build) / "stedi"
    args.models = Path(args.models).resolve()
    args.engines = set(args.engines.split(","))
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    scales += [str(c) for c in args.customers or []]
    if not args.stedi.exists():
        sys.exit(f"{args.stedi} not found: build stedi or pass --build")
    models = load_models(args.models, args.policy)
    print(f"models in order ({args.policy}): {', '.join(t for t, _ in models)}", file=sys.stderr)

    load_before = os.getloadavg()
    if load_before[0] > 0.5:
        # Two cores, shared: a compile running next to the benchmark slows both engines.
        print(f"warning: load average {load_before[0]:.2f} before the start; timings will be "
              "noisy", file=sys.stderr)
    results = []
    with tempfile.TemporaryDirectory(prefix="stedi-pipeline-bench-", dir=args.work) as tmp:
        work = Path(tmp)
        for scale in scales:
            if scale == "real":
                if not REAL_DATA.exists():
                    print(f"skipping real data: {REAL_DATA} not present", file=sys.stderr)
                    continue
                results.append(bench_dataset("real", REAL_DATA, args, models, work))
                continue
            gen = work / f"generated-{scale}-data"
            subprocess.run([str(args.stedi), "generate", "--out", str(gen), "--customers",
                            str(int(scale)), "--seed", "7"], check=True,
                           stdout=subprocess.DEVNULL)
            results.append(bench_dataset(f"generated-{scale}", gen, args, models, work))
            shutil.rmtree(gen, ignore_errors=True)

    print_tables(results, models)
    problems = [p for r in results for p in check_rows(r, models)]
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"pipeline_{stamp}.json"
    baseline_rss = None
    if "duckdb" in args.engines:
        # What the DuckDB process holds before any work: its share of peak_rss_mib that is
        # Python and the loaded library rather than the job.
        _, baseline_rss, _ = run_child([args.python, "-c", "import duckdb; duckdb.connect()"])
    path.write_text(json.dumps({"created": stamp, "policy": args.policy, "cores": os.cpu_count(),
                                "load_average_before": load_before,
                                "load_average_after": os.getloadavg(),
                                "duckdb_idle_process_rss_mib": baseline_rss,
                                "models": [t for t, _ in models], "results": results,
                                "row_mismatches": problems}, indent=2) + "\n")
    print(f"\nload average before / after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f}")
    print(f"wrote {path.relative_to(ROOT)}")
    for p in problems:
        print(f"MISMATCH {p}", file=sys.stderr)
    if problems:
        sys.exit(1)
    errors = [f"{r['dataset']}: {r['stedi_error']}" for r in results if r["stedi_error"]]
    if errors:
        print("stedi did not finish: " + "; ".join(errors), file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
