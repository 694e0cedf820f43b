import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def stedi_bin():
    build = Path(os.environ.get("STEDI_BUILD_DIR", ROOT / "build"))
    binary = build / "stedi"
    if not binary.exists():
        pytest.fail(f"{binary} not built; run tools/bootstrap test")
    return binary


@pytest.fixture(scope="session")
def shared_data():
    path = ROOT.parent / "shared" / "data" / "stedi"
    if not path.exists():
        pytest.skip("../shared/data/stedi is not present")
    return path


class SqlLake:
    """A lake built from the real data for the SQL tests: PATH, its DATABASE name, and
    RUN_FAILURE (None when `stedi run` built the trusted and curated tables, else why not)."""

    def __init__(self, path, database, run_failure):
        self.path = path
        self.database = database
        self.run_failure = run_failure


@pytest.fixture(scope="session")
def sql_lake(stedi_bin, shared_data, tmp_path_factory):
    import subprocess

    lake = tmp_path_factory.mktemp("sql") / "lake"
    database = "my_stedi_project"
    ingest = subprocess.run(
        [str(stedi_bin), "ingest", "--lake", str(lake), "--database", database, str(shared_data)],
        capture_output=True, text=True, timeout=600)
    if ingest.returncode != 0:
        pytest.fail(f"stedi ingest failed (exit {ingest.returncode}): {ingest.stderr}")
    run = subprocess.run([str(stedi_bin), "run", "--lake", str(lake)],
                         capture_output=True, text=True, timeout=600)
    failure = None
    if run.returncode != 0:
        failure = f"`stedi run` failed (exit {run.returncode}): {run.stderr.strip()[:500]}"
    return SqlLake(lake, database, failure)
