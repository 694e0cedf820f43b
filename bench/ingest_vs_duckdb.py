#!/usr/bin/env python3
"""Ingest benchmark: stedi vs DuckDB on the same landing files, side by side in one run.

For each dataset (the real STEDI data when ../shared/data/stedi exists, and generated data),
alternates REPS runs of
  - stedi:  `build/stedi ingest` into a fresh lake (whole process wall time, startup included);
  - duckdb: read_json_auto -> Parquet for the three sources (time of the COPY statements only,
            measured inside the DuckDB process, so its Python startup is not counted against it).
Prints medians and the ratio duckdb/stedi (>1 means stedi is faster) and writes
bench/results/ingest.json. DuckDB is a peer here, never part of stedi.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline_harness import KeptOutputs

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["customer", "accelerometer", "step_trainer"]

DUCKDB_SCRIPT = r"""
import sys, time, duckdb, json
src, out = sys.argv[1], sys.argv[2]
con = duckdb.connect()
t = time.perf_counter()
rows = {}
for s in ["customer", "accelerometer", "step_trainer"]:
    con.execute(f"COPY (SELECT * FROM read_json_auto('{src}/{s}/landing/*.json')) "
                f"TO '{out}/{s}.parquet' (FORMAT parquet)")
    rows[s] = con.execute(f"SELECT count(*) FROM '{out}/{s}.parquet'").fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - t, "rows": rows}))
"""


def run_child(cmd):
    """Runs CMD; returns (wall seconds, stdout). Exit code 1 (quarantine) is not a failure."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({proc.returncode}): {err}")
    return wall, out


def peak_rss_mib(cmd):
    """Runs CMD once more under /usr/bin/time-like accounting and returns its peak RSS in MiB."""
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execvp(cmd[0], cmd)
    _, _, usage = os.wait4(pid, 0)
    return usage.ru_maxrss / 1024.0


def bench_dataset(name, source, reps, stedi, work, outputs):
    stedi_times, duck_times = [], []
    stedi_rows = duck_rows = None
    # Every run writes into a new folder, kept (its page cache dropped) until the end, so no
    # run pays for another's write-back or deleted files (see KeptOutputs).
    settle = outputs.settle

    for rep in range(reps):
        lake = work / f"lake-{name}-{rep}"
        wall, out = run_child([str(stedi), "ingest", "--lake", str(lake), str(source)])
        stedi_times.append(wall)
        stedi_rows = out
        settle(lake)
        duck_out = work / f"duck-{name}-{rep}"
        duck_out.mkdir()
        _, out = run_child([sys.executable, "-c", DUCKDB_SCRIPT, str(source), str(duck_out)])
        result = json.loads(out)
        duck_times.append(result["seconds"])
        duck_rows = result["rows"]
        settle(duck_out)
    stedi_rss = peak_rss_mib([str(stedi), "ingest", "--lake", str(work / f"lake-{name}-rss"),
                              str(source)])
    (work / f"duck-{name}-rss").mkdir()
    duck_rss = peak_rss_mib([sys.executable, "-c", DUCKDB_SCRIPT, str(source),
                             str(work / f"duck-{name}-rss")])
    settle(work / f"lake-{name}-rss")
    settle(work / f"duck-{name}-rss")
    size = sum(f.stat().st_size for s in SOURCES for f in (source / s / "landing").glob("*"))
    s_med, d_med = statistics.median(stedi_times), statistics.median(duck_times)
    return {
        "dataset": name,
        "json_bytes": size,
        "reps": reps,
        "stedi_seconds": s_med,
        "duckdb_seconds": d_med,
        "ratio_duckdb_over_stedi": d_med / s_med,
        "stedi_peak_rss_mib": stedi_rss,
        "duckdb_peak_rss_mib": duck_rss,
        "duckdb_rows": duck_rows,
        "stedi_report": stedi_rows,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--customers", type=int, default=20000)
    parser.add_argument("--build", default=str(ROOT / "build"))
    args = parser.parse_args()
    stedi = Path(args.build) / "stedi"
    results = []
    outputs = KeptOutputs()
    with tempfile.TemporaryDirectory(prefix="stedi-bench-") as tmp:
        work = Path(tmp)
        try:
            real = ROOT.parent / "shared" / "data" / "stedi"
            if real.exists():
                results.append(bench_dataset("real", real, args.reps, stedi, work, outputs))
            gen = work / "generated"
            subprocess.run([str(stedi), "generate", "--out", str(gen), "--customers",
                            str(args.customers), "--seed", "7"], check=True,
                           stdout=subprocess.DEVNULL)
            results.append(bench_dataset(f"generated-{args.customers}", gen, args.reps, stedi,
                                         work, outputs))
        finally:
            outputs.delete_all()
    print(f"{'dataset':<18} {'JSON MB':>8} {'stedi s':>8} {'duckdb s':>9} {'ratio':>6} "
          f"{'stedi MiB':>9} {'duckdb MiB':>10}")
    for r in results:
        print(f"{r['dataset']:<18} {r['json_bytes'] / 1e6:>8.1f} {r['stedi_seconds']:>8.3f} "
              f"{r['duckdb_seconds']:>9.3f} {r['ratio_duckdb_over_stedi']:>5.2f}x "
              f"{r['stedi_peak_rss_mib']:>9.0f} {r['duckdb_peak_rss_mib']:>10.0f}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "ingest.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
