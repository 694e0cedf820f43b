"""The synthetic landing generator, checked by plain Python.

check_generator_expected.py recounts every table of every policy from the generated JSON with
dicts and compares the result with the generator's expected.json. The recount itself is first
validated on the real data against the facts in ../shared/data/stedi/README.md.
"""
import filecmp
import os
import subprocess
from pathlib import Path

import pytest

import check_generator_expected as checker

ROOT = Path(__file__).resolve().parents[2]

# Facts measured on the real data (README of the shared data).
REAL_FACTS = {
    "rubric": dict(customer_trusted=482, accelerometer_trusted=40981, customer_curated=482,
                   step_trainer_trusted=14460, machine_learning_curated=43681),
    "standard": dict(customer_trusted=482, accelerometer_trusted=40981, customer_curated=482,
                     step_trainer_trusted=14460, machine_learning_curated=40981),
    "since-consent": dict(customer_trusted=482, accelerometer_trusted=32025, customer_curated=464,
                          step_trainer_trusted=11297, machine_learning_curated=32025),
}


def _generator_command():
    """Returns a function (out, customers, seed) -> argv, preferring the test-only tool."""
    if os.environ.get("STEDI_GENERATE_TOOL"):
        tool = Path(os.environ["STEDI_GENERATE_TOOL"])
        return lambda out, n, seed: [str(tool), str(out), str(n), str(seed)]
    builds = [Path(os.environ["STEDI_BUILD_DIR"])] if os.environ.get("STEDI_BUILD_DIR") else []
    builds += [ROOT / "build", ROOT / "build-gen"]
    for build in builds:
        tool = build / "src" / "generator" / "generate_tool"
        if tool.exists():
            return lambda out, n, seed: [str(tool), str(out), str(n), str(seed)]
    for build in builds:
        stedi = build / "stedi"
        if stedi.exists():
            return lambda out, n, seed: [str(stedi), "generate", "--out", str(out),
                                         "--customers", str(n), "--seed", str(seed)]
    pytest.fail("neither generate_tool nor stedi is built; build generate_tool or set "
                "STEDI_GENERATE_TOOL")


@pytest.fixture(scope="session")
def generate():
    command = _generator_command()

    def run(out, customers, seed):
        proc = subprocess.run(command(out, customers, seed), capture_output=True, text=True)
        assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr}{proc.stdout}"
        return out

    return run


def _files(folder):
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_recount_reproduces_the_real_data_facts(shared_data):
    problems = []
    actual = checker.recount(checker.load(shared_data, "customer", problems),
                             checker.load(shared_data, "accelerometer", problems),
                             checker.load(shared_data, "step_trainer", problems))
    assert problems == []  # the real files are formatted as the checker expects
    for policy, facts in REAL_FACTS.items():
        for table, rows in facts.items():
            assert actual[policy][table] == rows, (policy, table)


@pytest.mark.parametrize("customers,seed", [(600, 42), (450, 7)])
def test_expected_counts_match_an_independent_recount(generate, tmp_path, customers, seed):
    out = generate(tmp_path / "gen", customers, seed)
    problems, actual = checker.check(out)
    assert problems == []
    assert actual["standard"]["customer_landing"] == customers
    # The policies must differ on this data, or the comparison would not tell them apart.
    standard, since, rubric = actual["standard"], actual["since-consent"], actual["rubric"]
    assert since["accelerometer_trusted"] < standard["accelerometer_trusted"]
    assert since["customer_curated"] < standard["customer_curated"]
    assert since["step_trainer_trusted"] < standard["step_trainer_trusted"]
    assert rubric["machine_learning_curated"] > standard["machine_learning_curated"]
    # About half the customers have research consent, as in the real data (482 / 956).
    assert 0.4 < standard["customer_trusted"] / customers < 0.6
    # About 85 accelerometer and 30 step-trainer readings per customer.
    assert 75 < standard["accelerometer_landing"] / customers < 90
    assert 27 < standard["step_trainer_landing"] / customers < 31


def test_same_seed_same_bytes_other_seed_other_bytes(generate, tmp_path):
    a = generate(tmp_path / "a", 200, 5)
    b = generate(tmp_path / "b", 200, 5)
    c = generate(tmp_path / "c", 200, 6)
    files = _files(a)
    assert files == _files(b)
    match, mismatch, errors = filecmp.cmpfiles(a, b, [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == [] and len(match) == len(files)
    assert set(_files(c)) & set(files) == {Path("expected.json")}  # file names follow the seed
    assert (a / "expected.json").read_text() != (c / "expected.json").read_text()


def test_layout_matches_the_real_landing_folders(generate, tmp_path):
    out = generate(tmp_path / "gen", 300, 11)
    for source in ("customer", "accelerometer", "step_trainer"):
        names = [p.name for p in (out / source / "landing").iterdir()]
        assert names, source
        for name in names:
            stem = name.removeprefix(f"{source}-").removesuffix(".json")
            assert len(stem) == 13 and stem.isdigit(), name
    lines = [len(p.read_text().splitlines())
             for p in sorted((out / "accelerometer" / "landing").iterdir())]
    assert all(n == 10000 for n in lines[:-1]) and 0 < lines[-1] <= 10000
