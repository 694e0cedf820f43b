#!/usr/bin/env python3
"""Recomputes every expected row count of a generated landing dataset with plain Python.

Usage: check_generator_expected.py OUT_DIR

Reads OUT_DIR/{customer,accelerometer,step_trainer}/landing/*.json with the json module, derives
each table of each policy from its definition with dicts and sets (independently of the
generator's own bookkeeping and of any SQL engine), and compares the results with
OUT_DIR/expected.json. Also checks that every line is formatted like the real files (what
json.dumps writes with the real separators). Exits 0 when everything matches, 1 otherwise,
printing each mismatch.
"""
import json
import sys
from collections import Counter
from pathlib import Path

# The real files are exactly json.dumps output with these separators.
SEPARATORS = {
    "customer": (", ", ": "),
    "accelerometer": (",", ":"),
    "step_trainer": (",", ":"),
}


def load(out_dir, source, problems):
    rows = []
    for path in sorted((out_dir / source / "landing").glob(f"{source}-*.json")):
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                obj = json.loads(line)
                if json.dumps(obj, separators=SEPARATORS[source]) != line.rstrip("\n"):
                    problems.append(f"{path.name}:{number}: not formatted like the real files")
                rows.append(obj)
    return rows


def recount(customers, accelerometer, step_trainer):
    """Returns {policy: {table: rows}} computed from the table definitions."""
    consent = {}  # trusted email -> shareWithResearchAsOfDate
    owner = {}  # serialNumber -> email
    for c in customers:
        owner[c["serialNumber"]] = c["email"]
        if c.get("shareWithResearchAsOfDate") is not None:
            consent[c["email"]] = c["shareWithResearchAsOfDate"]

    def policy(since_consent, timestamp_only):
        def counted(email, time):
            return email in consent and (not since_consent or time >= consent[email])

        acc_trusted = [a for a in accelerometer if counted(a["user"], a["timestamp"])]
        curated = {a["user"] for a in acc_trusted}
        step_trusted = [
            s for s in step_trainer
            if owner.get(s["serialNumber"]) in curated
            and counted(owner[s["serialNumber"]], s["sensorReadingTime"])
        ]
        if timestamp_only:
            at_time = Counter(a["timestamp"] for a in acc_trusted)
            ml = sum(at_time[s["sensorReadingTime"]] for s in step_trusted)
        else:
            at_user_time = Counter((a["user"], a["timestamp"]) for a in acc_trusted)
            ml = sum(at_user_time[(owner[s["serialNumber"]], s["sensorReadingTime"])]
                     for s in step_trusted)
        return {
            "customer_landing": len(customers),
            "accelerometer_landing": len(accelerometer),
            "step_trainer_landing": len(step_trainer),
            "customer_trusted": len(consent),
            "accelerometer_trusted": len(acc_trusted),
            "customer_curated": len(curated),
            "step_trainer_trusted": len(step_trusted),
            "machine_learning_curated": ml,
        }

    return {
        "standard": policy(since_consent=False, timestamp_only=False),
        "since-consent": policy(since_consent=True, timestamp_only=False),
        "rubric": policy(since_consent=False, timestamp_only=True),
    }


def check(out_dir):
    """Returns (problems, recounted policies)."""
    out_dir = Path(out_dir)
    problems = []
    customers = load(out_dir, "customer", problems)
    accelerometer = load(out_dir, "accelerometer", problems)
    step_trainer = load(out_dir, "step_trainer", problems)
    expected = json.loads((out_dir / "expected.json").read_text())
    actual = recount(customers, accelerometer, step_trainer)
    landing = {k: v for k, v in actual["standard"].items() if k.endswith("_landing")}
    if expected["landing"] != landing:
        problems.append(f"landing: expected.json {expected['landing']} != recount {landing}")
    if set(expected["policies"]) != set(actual):
        problems.append(f"policies: {sorted(expected['policies'])} != {sorted(actual)}")
    for name, tables in actual.items():
        written = expected["policies"].get(name, {})
        for table, rows in tables.items():
            if written.get(table) != rows:
                problems.append(f"{name}.{table}: expected.json {written.get(table)} != "
                                f"recount {rows}")
    return problems, actual


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems, actual = check(argv[1])
    for p in problems[:50]:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print(json.dumps(actual, indent=2))
    print("expected.json matches the recount")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
