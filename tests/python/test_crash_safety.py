"""Crash safety: SIGKILL `stedi ingest` and `stedi run` at many points and check the lake.

Requirement: a kill at >= 50 points spread over ingest and run always leaves a lake that PyIceberg
can load, and a rerun brings it to the same content as an uninterrupted run.

One small dataset is generated once. A reference lake gets an uninterrupted ingest + run; the
content of each of its tables (read by PyIceberg, sorted by every column, so independent of file
layout and row order) and the `stedi tables` counts are the expected result. The durations of those
uninterrupted commands give the windows the kill delays are spread over.

Ingest phase: a fresh lake, `stedi ingest` killed after DELAY. Run phase: a copy of a lake whose
ingest completed, restored at the same path (Iceberg metadata holds absolute paths), `stedi run`
killed after DELAY. After every kill:
  1. every table registered in iceberg_tables loads and scans with PyIceberg, and the lake shows
     either nothing or everything of the interrupted commit (both commands commit once, atomically);
  2. `stedi tables` works and agrees with the catalog;
  3. no catalog entry or Iceberg file list references a `*.tmp-*` file (orphans on disk are allowed
     and only counted);
  4. the rerun (ingest then run, or run) gives exactly the reference content and counts, and one
     more `stedi ingest` finds nothing new.
A kill "lands" when the process was still alive when it was killed; at least 50 must land.
"""
import csv
import io
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import time
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("pyiceberg.catalog.sql")

CUSTOMERS = 1000
SEED = 7
LANDING = {"customer_landing", "accelerometer_landing", "step_trainer_landing", "quarantine"}
BUILT = {"customer_trusted", "accelerometer_trusted", "step_trainer_trusted", "customer_curated",
         "machine_learning_curated"}
LANDED_PER_PHASE = 30  # 60 landed kills in all
MAX_ATTEMPTS_PER_PHASE = 80
TIMEOUT = 120  # a rerun that takes longer is taken as a stuck lock


# ---------------------------------------------------------------------------------------------
# Helpers


def run(stedi, *args, ok=(0,)):
    proc = subprocess.run([str(stedi), *map(str, args)], capture_output=True, text=True,
                          timeout=TIMEOUT)
    assert proc.returncode in ok, (f"`stedi {' '.join(map(str, args))}` exit {proc.returncode}: "
                                   f"{proc.stderr}{proc.stdout}")
    return proc


def timed(stedi, *args):
    start = time.monotonic()
    run(stedi, *args)
    return time.monotonic() - start


def stedi_tables(stedi, lake):
    out = run(stedi, "tables", "--lake", lake, "--format", "csv").stdout
    return {r["table"]: int(r["rows"]) for r in csv.DictReader(io.StringIO(out))}


def catalog_rows(lake, query):
    db = sqlite3.connect(f"file:{lake}/catalog.db?mode=ro", uri=True)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


def registered(lake):
    """(namespace, table) of every table in iceberg_tables; empty when the catalog has none yet."""
    if not (lake / "catalog.db").exists():
        return []
    try:
        return catalog_rows(lake, "SELECT table_namespace, table_name FROM iceberg_tables "
                                  "WHERE catalog_name = 'stedi' ORDER BY table_name")
    except sqlite3.OperationalError as e:
        if "no such table" in str(e):
            return []
        raise


def stedi_catalog_counts(lake):
    """{table: (stedi_tables.row_count, rows of its stedi_data_files)} from stedi's own tables."""
    if not registered(lake):
        return {}
    return {name: (rows, files) for name, rows, files in catalog_rows(
        lake, "SELECT name, row_count, (SELECT coalesce(sum(f.row_count), 0) FROM stedi_data_files f"
              " WHERE f.table_name = t.name) FROM stedi_tables t")}


def catalog_dump(lake):
    """iceberg_tables and stedi_tables as text, for failure reports."""
    if not (lake / "catalog.db").exists():
        return "  (no catalog.db)"
    lines = []
    for query in ["SELECT * FROM iceberg_tables",
                  "SELECT name, zone, location, row_count, version, updated_at FROM stedi_tables",
                  "SELECT table_name, path, row_count FROM stedi_data_files",
                  "SELECT source, name, landed_path, records FROM stedi_source_files"]:
        lines.append(f"  {query}")
        try:
            lines += [f"    {row}" for row in catalog_rows(lake, query)]
        except sqlite3.Error as e:
            lines.append(f"    error: {e}")
    return "\n".join(lines)


def open_catalog(lake):
    from pyiceberg.catalog import sql
    return sql.SqlCatalog("stedi", uri=f"sqlite:///{lake}/catalog.db", warehouse=f"file://{lake}",
                          init_catalog_tables="false")


def canonical(table):
    """TABLE sorted by all its columns: equal contents give equal tables whatever the file split."""
    table = table.replace_schema_metadata(None).combine_chunks()
    return table.sort_by([(name, "ascending") for name in table.column_names])


def read_lake(lake):
    """{table: canonical arrow table} for every registered table, plus every path the catalog and
    the Iceberg metadata reference. Closes the catalog so no SQLite handle outlives the call."""
    catalog = open_catalog(lake)
    contents, paths = {}, []
    try:
        for namespace, name in registered(lake):
            table = catalog.load_table((namespace, name))
            paths.append(table.metadata_location)
            snapshot = table.current_snapshot()
            if snapshot is not None:
                paths.append(snapshot.manifest_list)
                paths += [m.manifest_path for m in snapshot.manifests(table.io)]
            paths += [task.file.file_path for task in table.scan().plan_files()]
            contents[name] = canonical(table.scan().to_arrow())
    finally:
        catalog.engine.dispose()
    for query in ["SELECT metadata_location, previous_metadata_location FROM iceberg_tables",
                  "SELECT location FROM stedi_tables", "SELECT path FROM stedi_data_files",
                  "SELECT landed_path FROM stedi_source_files"]:
        if contents:
            paths += [p for row in catalog_rows(lake, query) for p in row if p]
    return contents, paths


def tmp_files(lake):
    return sorted(str(p.relative_to(lake)) for p in lake.rglob("*.tmp-*")) if lake.exists() else []


def differences(expected, actual):
    """Human-readable differences between two {table: canonical arrow table} maps."""
    out = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            out.append(f"{name}: missing")
        elif name not in expected:
            out.append(f"{name}: unexpected table")
        elif not actual[name].equals(expected[name]):
            want = {str(r) for r in expected[name].to_pylist()}
            got = {str(r) for r in actual[name].to_pylist()}
            out.append(f"{name}: {actual[name].num_rows} rows, expected {expected[name].num_rows}; "
                       f"{len(got - want)} unexpected e.g. {sorted(got - want)[:2]}, "
                       f"{len(want - got)} missing e.g. {sorted(want - got)[:2]}")
    return out


def kill_after(stedi, delay, *args):
    """Starts `stedi ARGS`, SIGKILLs it after DELAY seconds. True when the kill landed, i.e. the
    process was still running and died of it."""
    proc = subprocess.Popen([str(stedi), *map(str, args)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)  # not reaped yet, so the pid is still this process
    rc = proc.wait(timeout=TIMEOUT)
    assert rc in (0, -signal.SIGKILL), f"`stedi {' '.join(map(str, args))}` exit {rc}"
    return rc == -signal.SIGKILL


def delays(duration, rng, landed):
    """Kill delays: two tiny ones, then one per slot across the whole measured DURATION (the last
    ones may come after the commit or the exit), then random fill-ins while LANDED() is short."""
    yield from (0.0005, 0.002)
    slots = LANDED_PER_PHASE + 4
    for i in range(slots):
        yield (i + 0.5) / slots * 1.1 * duration
    # The window between the commit and the exit is short: aim a few more at the end.
    for i in range(6):
        yield (0.85 + 0.05 * i) * duration
    while landed() < LANDED_PER_PHASE:
        yield rng.uniform(0.0, 0.9 * duration)


# ---------------------------------------------------------------------------------------------
# Fixture: dataset, reference content, measured durations


class Reference:
    def __init__(self, stedi, source, contents, counts, ingest_s, run_s):
        self.stedi = stedi
        self.source = source
        self.contents = contents
        self.counts = counts
        self.ingest_s = ingest_s
        self.run_s = run_s


@pytest.fixture(scope="module")
def reference(stedi_bin, tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    # A private copy: the kill loop runs for tens of seconds and must not see a concurrent relink.
    stedi_bin = Path(shutil.copy2(stedi_bin, root / "stedi"))
    source = root / "source"
    run(stedi_bin, "generate", "--out", source, "--customers", CUSTOMERS, "--seed", SEED)
    ingests, runs, lakes = [], [], []
    for i in range(3):
        lake = root / f"reference-{i}"
        ingests.append(timed(stedi_bin, "ingest", "--lake", lake, source))
        if i == 0:
            landing_counts = stedi_tables(stedi_bin, lake)
        runs.append(timed(stedi_bin, "run", "--lake", lake))
        lakes.append(lake)
    contents, _ = read_lake(lakes[0])
    assert set(contents) == LANDING | BUILT, f"reference lake tables: {sorted(contents)}"
    # Two uninterrupted runs must agree, or no rerun could be held to the reference.
    again, _ = read_lake(lakes[1])
    assert not differences(contents, again), \
        f"two uninterrupted ingest+run differ: {differences(contents, again)}"
    counts = stedi_tables(stedi_bin, lakes[0])
    assert counts == {name: t.num_rows for name, t in contents.items()}, counts
    assert set(landing_counts) == LANDING, landing_counts
    for lake in lakes[1:]:
        shutil.rmtree(lake)
    return Reference(stedi_bin, source, contents, counts, statistics.median(ingests),
                     statistics.median(runs))


# ---------------------------------------------------------------------------------------------
# The kill test


class Phase:
    def __init__(self, name):
        self.name = name
        self.attempts = 0
        self.landed = 0
        self.failures = []
        self.orphans_after_kill = 0
        self.orphans_after_rerun = 0
        self.partial_states = {}


def check_after_kill(stedi, lake, ref, phase):
    """Checks 1-3 on a killed lake. Returns the names of the tables it holds."""
    contents, paths = read_lake(lake)
    names = set(contents)
    allowed = [set(), LANDING] if phase == "ingest" else [LANDING, LANDING | BUILT]
    assert names in allowed, f"tables after the kill: {sorted(names)}; a commit was split"
    for name, table in contents.items():
        assert table.equals(ref.contents[name]), \
            f"{name} after the kill: {differences({name: ref.contents[name]}, {name: table})}"
    referenced_tmp = [p for p in paths if ".tmp-" in p]
    assert not referenced_tmp, f"catalog references temp files: {referenced_tmp}"
    missing = [p for p in paths if p.startswith("file://") and not os.path.exists(p[7:])]
    assert not missing, f"catalog references missing files: {missing[:5]}"
    if (lake / "catalog.db").exists():
        listed = stedi_tables(stedi, lake)
        assert listed == {n: ref.counts[n] for n in names}, \
            f"`stedi tables` after the kill: {listed}; PyIceberg sees {sorted(names)}"
    own = stedi_catalog_counts(lake)
    assert own == {n: (ref.counts[n], ref.counts[n]) for n in names}, \
        f"stedi_tables/stedi_data_files after the kill: {own}; PyIceberg sees {sorted(names)}"
    return names


def check_rerun(stedi, lake, ref, phase):
    """Check 4: the rerun reaches the reference content; one more ingest changes nothing."""
    if phase == "ingest":
        run(stedi, "ingest", "--lake", lake, ref.source)
    run(stedi, "run", "--lake", lake)
    contents, paths = read_lake(lake)
    diff = differences(ref.contents, contents)
    assert not diff, f"rerun differs from the uninterrupted run: {diff}"
    assert stedi_tables(stedi, lake) == ref.counts
    own = stedi_catalog_counts(lake)
    assert own == {n: (c, c) for n, c in ref.counts.items()}, \
        f"stedi_tables/stedi_data_files after the rerun: {own}"
    referenced_tmp = [p for p in paths if ".tmp-" in p]
    assert not referenced_tmp, f"catalog references temp files after the rerun: {referenced_tmp}"
    out = run(stedi, "ingest", "--lake", lake, ref.source).stdout
    rows = [[c.strip() for c in line.split("|")] for line in out.splitlines() if "|" in line]
    per_source = [r for r in rows if len(r) == 7 and r[2].isdigit()]
    assert len(per_source) == 3, f"unexpected ingest report:\n{out}"
    new = [r for r in per_source if r[3] != "0" or r[4] != "0"]
    assert not new, f"a second ingest after the rerun found new files:\n{out}"
    assert stedi_tables(stedi, lake) == ref.counts


def kill_phase(stedi, ref, root, phase):
    """Kills `stedi ingest` (or `stedi run`) at spread delays, and more until LANDED_PER_PHASE
    kills landed mid-process."""
    state = Phase(phase)
    lake = root / f"lake-{phase}"
    pristine = None
    if phase == "run":
        # An ingested lake, kept aside and restored at the same path before each kill.
        run(stedi, "ingest", "--lake", lake, ref.source)
        pristine = root / "ingested-pristine"
        shutil.copytree(lake, pristine)
    duration = ref.ingest_s if phase == "ingest" else ref.run_s
    rng = random.Random(SEED)
    for delay in delays(duration, rng, lambda: state.landed):
        if state.attempts >= MAX_ATTEMPTS_PER_PHASE:
            break
        state.attempts += 1
        shutil.rmtree(lake, ignore_errors=True)
        if phase == "ingest":
            landed = kill_after(stedi, delay, "ingest", "--lake", lake, ref.source)
        else:
            shutil.copytree(pristine, lake)
            landed = kill_after(stedi, delay, "run", "--lake", lake)
        state.landed += landed
        step = "after the kill"
        try:
            state.orphans_after_kill += len(tmp_files(lake))
            names = check_after_kill(stedi, lake, ref, phase)
            committed = names == (LANDING if phase == "ingest" else LANDING | BUILT)
            key = ("killed after the commit" if committed else "killed before the commit") \
                if landed else "finished before the kill"
            state.partial_states[key] = state.partial_states.get(key, 0) + 1
            step = "rerun"
            check_rerun(stedi, lake, ref, phase)
            state.orphans_after_rerun += len(tmp_files(lake))
        except Exception as e:  # noqa: BLE001 - every failure is collected with its kill point
            kept = root / f"failed-{phase}-{state.attempts}"
            if lake.exists():
                shutil.copytree(lake, kept, dirs_exist_ok=True)
            state.failures.append(
                f"{phase} killed at {delay * 1000:.2f} ms (landed={landed}), {step}: "
                f"{type(e).__name__}: {e}\n  lake kept at {kept}\n{catalog_dump(lake)}")
    return state


def test_sigkill_during_ingest_and_run_leaves_a_recoverable_lake(reference, tmp_path,
                                                                   record_property):
    started = time.monotonic()
    phases = [kill_phase(reference.stedi, reference, tmp_path, p) for p in ("ingest", "run")]
    summary = [f"uninterrupted: ingest {reference.ingest_s * 1000:.0f} ms, "
               f"run {reference.run_s * 1000:.0f} ms; kill test {time.monotonic() - started:.1f} s"]
    for p in phases:
        summary.append(f"{p.name}: {p.attempts} kills, {p.landed} landed mid-process, "
                       f"states {p.partial_states}, *.tmp-* orphans seen after kills "
                       f"{p.orphans_after_kill}, after reruns {p.orphans_after_rerun}, "
                       f"{len(p.failures)} failures")
        record_property(f"{p.name}_kills", p.attempts)
        record_property(f"{p.name}_landed", p.landed)
        record_property(f"{p.name}_tmp_orphans", p.orphans_after_kill)
    print("\n" + "\n".join(summary))
    failures = [f for p in phases for f in p.failures]
    assert not failures, (f"{len(failures)} kill points broke the lake:\n" + "\n\n".join(failures[:5])
                          + "\n" + "\n".join(summary))
    landed = sum(p.landed for p in phases)
    assert landed >= 50, f"only {landed} kills landed mid-process:\n" + "\n".join(summary)
    assert all(p.landed >= LANDED_PER_PHASE // 2 for p in phases), "\n".join(summary)
