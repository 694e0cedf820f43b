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
