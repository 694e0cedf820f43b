"""End-to-end: `stedi sql` through the CLI on a lake of the real data.

Expected values come from Python's json module over the raw landing files (or are fixed by the
task: the seed queries' counts), never from stedi itself.
"""
import csv
import io
import json
import os
import re
import select
import subprocess
import time

import pytest

DB = "my_stedi_project"


def sql(stedi, lake, query=None, *options, stdin=None, ok=(0,)):
    args = [str(stedi), "sql", "--lake", str(lake), *options]
    if query is not None:
        args.append(query)
    proc = subprocess.run(args, capture_output=True, text=True, input=stdin or "", timeout=600)
    assert proc.returncode in ok, f"exit {proc.returncode}: {proc.stderr}{proc.stdout}"
    return proc


def raw_records(shared_data, source):
    """Every record of a landing source, keys lower-cased as the landing tables name them."""
    records = []
    for path in sorted((shared_data / source / "landing").glob("*.json")):
        for line in path.read_text().splitlines():
            if line.strip():
                records.append({k.lower(): v for k, v in json.loads(line).items()})
    return records


@pytest.mark.parametrize("table,count", [("customer_landing", 956),
                                         ("accelerometer_landing", 81273),
                                         ("step_trainer_landing", 28680)])
def test_seed_queries(stedi_bin, sql_lake, table, count):
    query = f'SELECT count(1) FROM "{DB}"."{table}" limit 10;'
    rows = list(csv.reader(io.StringIO(sql(stedi_bin, sql_lake.path, query, "--format", "csv").stdout)))
    assert len(rows) == 2
    assert rows[1] == [str(count)]
    table_out = sql(stedi_bin, sql_lake.path, query).stdout
    assert str(count) in table_out
    assert "(1 row)" in table_out


def test_csv_has_header_and_values(stedi_bin, sql_lake, shared_data):
    customers = raw_records(shared_data, "customer")
    expected = sorted((c["email"], c.get("sharewithresearchasofdate")) for c in customers)[:5]
    out = sql(stedi_bin, sql_lake.path,
              "SELECT email, sharewithresearchasofdate AS consent FROM customer_landing "
              "ORDER BY email LIMIT 5", "--format", "csv").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["email", "consent"]
    assert [(r[0], int(r[1]) if r[1] else None) for r in rows[1:]] == expected


def test_csv_quotes_commas(stedi_bin, sql_lake):
    out = sql(stedi_bin, sql_lake.path, "SELECT 'a,b' AS s, 'say \"hi\"' AS q", "--format",
              "csv").stdout
    assert out == 's,q\n"a,b","say ""hi"""\n'


def test_json_values_keep_their_types(stedi_bin, sql_lake, shared_data):
    acc = raw_records(shared_data, "accelerometer")
    out = sql(stedi_bin, sql_lake.path,
              "SELECT count(*) AS n, sum(a.x) AS sx, min(a.user) AS u, "
              "CAST(NULL AS varchar) AS nothing, max(a.x) > 0 AS positive "
              "FROM accelerometer_landing a", "--format", "json").stdout
    rows = json.loads(out)
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == ["n", "sx", "u", "nothing", "positive"]
    assert row["n"] == len(acc) and type(row["n"]) is int
    assert isinstance(row["sx"], float)
    assert row["sx"] == pytest.approx(sum(r["x"] for r in acc), rel=1e-9, abs=1e-9)
    assert row["u"] == min(r["user"] for r in acc)
    assert row["nothing"] is None
    assert row["positive"] is True


def test_json_timestamps_are_strings_with_milliseconds(stedi_bin, sql_lake):
    # 1655564376.5 s after the epoch is 2022-06-18 14:59:36.500 UTC (Python's datetime agrees).
    out = sql(stedi_bin, sql_lake.path,
              "SELECT from_unixtime(1655564376.5) AS ts, from_unixtime(0) AS epoch",
              "--format", "json").stdout
    assert json.loads(out) == [{"ts": "2022-06-18 14:59:36.500",
                                "epoch": "1970-01-01 00:00:00.000"}]


def test_empty_result(stedi_bin, sql_lake):
    query = "SELECT email FROM customer_landing WHERE email = 'nobody'"
    assert json.loads(sql(stedi_bin, sql_lake.path, query, "--format", "json").stdout) == []
    assert sql(stedi_bin, sql_lake.path, query, "--format", "csv").stdout == "email\n"
    assert "(0 rows)" in sql(stedi_bin, sql_lake.path, query).stdout


@pytest.mark.parametrize("statement,kind", [
    ("DELETE FROM customer_landing", "DELETE"),
    ("INSERT INTO customer_landing (email) VALUES ('x@y.z')", "INSERT"),
    ("CREATE TABLE t AS SELECT * FROM customer_landing", "CREATE"),
    ("DROP TABLE customer_landing", "DROP"),
    ("UPDATE customer_landing SET email = 'x'", "UPDATE"),
])
def test_statements_that_change_data_are_refused(stedi_bin, sql_lake, statement, kind):
    proc = sql(stedi_bin, sql_lake.path, statement, ok=(2,))
    assert kind in proc.stderr.upper()
    assert re.search(r"read[- ]only", proc.stderr.lower()), proc.stderr
    assert proc.stdout == ""
    count = sql(stedi_bin, sql_lake.path, "SELECT count(*) FROM customer_landing", "--format",
                "csv").stdout
    assert count.splitlines()[1] == "956"


def test_syntax_error_names_line_and_column(stedi_bin, sql_lake):
    proc = sql(stedi_bin, sql_lake.path, "SELECT email\nFROM customer_landing\nWHERE WHERE",
               ok=(2,))
    assert "syntax error" in proc.stderr
    assert re.search(r"line 3, column \d+", proc.stderr), proc.stderr


def test_unknown_table_and_column(stedi_bin, sql_lake):
    proc = sql(stedi_bin, sql_lake.path, "SELECT * FROM no_such_table", ok=(2,))
    assert "no_such_table" in proc.stderr
    proc = sql(stedi_bin, sql_lake.path, "SELECT no_such_column FROM customer_landing", ok=(2,))
    assert "no_such_column" in proc.stderr
    assert "line 1" in proc.stderr
    proc = sql(stedi_bin, sql_lake.path, 'SELECT count(*) FROM "other_db"."customer_landing"',
               ok=(2,))
    assert "other_db" in proc.stderr


def test_missing_lake_and_bad_format(stedi_bin, sql_lake, tmp_path):
    proc = sql(stedi_bin, tmp_path / "nowhere", "SELECT 1", ok=(2,))
    assert "not a lake" in proc.stderr
    assert not (tmp_path / "nowhere").exists()
    proc = sql(stedi_bin, sql_lake.path, "SELECT 1", "--format", "xml", ok=(2,))
    assert "xml" in proc.stderr


def test_timer_goes_to_stderr(stedi_bin, sql_lake):
    proc = sql(stedi_bin, sql_lake.path, "SELECT count(*) AS n FROM step_trainer_landing",
               "--format", "csv", "--timer")
    assert proc.stdout == "n\n28680\n"
    assert re.fullmatch(r"Run Time: \d+\.\d{3} s\n", proc.stderr), proc.stderr


def test_script_from_stdin_runs_every_statement(stedi_bin, sql_lake):
    script = ("-- counts of two tables\n"
              "SELECT count(*) AS n FROM customer_landing;\n"
              "SELECT 'a;b' AS s;  SELECT count(*) AS n\n  FROM step_trainer_landing;\n")
    proc = sql(stedi_bin, sql_lake.path, None, "--format", "csv", stdin=script)
    assert proc.stdout == "n\n956\ns\na;b\nn\n28680\n"


def test_script_stops_at_the_first_error(stedi_bin, sql_lake):
    script = ("SELECT count(*) AS n FROM customer_landing;\n"
              "SELECT no_such_column FROM customer_landing;\n"
              "SELECT count(*) AS m FROM step_trainer_landing;\n")
    proc = sql(stedi_bin, sql_lake.path, None, "--format", "csv", stdin=script, ok=(2,))
    assert proc.stdout == "n\n956\n"
    assert "no_such_column" in proc.stderr
    assert "line 2" in proc.stderr  # positions count from the start of the script


class Terminal:
    """A child process on a pseudo-terminal, with expect-style reads."""

    def __init__(self, args, env):
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True)
        os.close(slave)
        self.output = ""

    def expect(self, text, timeout=60):
        deadline = time.monotonic() + timeout
        while text not in self.output:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {text!r}; got:\n{self.output}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"end of output before {text!r}; got:\n{self.output}")
                self.output += chunk.decode("utf-8", "replace")
        at = self.output.index(text) + len(text)
        seen, self.output = self.output[:at], self.output[at:]
        return seen

    def send(self, line):
        os.write(self.master, (line + "\n").encode())

    def close(self):
        try:
            code = self.proc.wait(timeout=60)
        finally:
            os.close(self.master)
        return code


def test_interactive_shell(stedi_bin, sql_lake, tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), TERM="dumb")
    term = Terminal([str(stedi_bin), "sql", "--lake", str(sql_lake.path)], env)
    term.expect("stedi> ")
    term.send(".tables")
    seen = term.expect("stedi> ")
    assert "customer_landing" in seen and "landing" in seen and "956" in seen
    term.send(".schema step_trainer_landing")
    seen = term.expect("stedi> ")
    assert "sensorreadingtime" in seen and "bigint" in seen
    term.send("SELECT count(*) AS n")
    term.expect("...> ")
    term.send("FROM step_trainer_landing;")
    seen = term.expect("stedi> ")
    assert "28680" in seen and "(1 row)" in seen
    term.send(".mode csv")
    term.expect("stedi> ")
    term.send("SELECT no_such_column FROM customer_landing;")
    seen = term.expect("stedi> ")
    assert "no_such_column" in seen  # the error is shown and the shell goes on
    term.send("SELECT count(*) AS n FROM customer_landing;")
    seen = term.expect("stedi> ")
    assert "n\r\n956" in seen or "n\n956" in seen
    term.send(".quit")
    assert term.close() == 0
    history = (tmp_path / ".stedi_history").read_text()
    assert "step_trainer_landing" in history  # libedit may encode blanks (\\040)


def test_interactive_shell_ends_on_ctrl_d(stedi_bin, sql_lake, tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), TERM="dumb")
    term = Terminal([str(stedi_bin), "sql", "--lake", str(sql_lake.path)], env)
    term.expect("stedi> ")
    # The prompt can reach us just before the line editor switches the terminal to raw mode; a
    # Ctrl-D sent in that window is turned into an end-of-line marker by the terminal, not a
    # key the editor sees. A user would press it again, and so does the test.
    for _ in range(30):
        os.write(term.master, b"\x04")
        try:
            term.proc.wait(timeout=1)
            break
        except subprocess.TimeoutExpired:
            continue
    assert term.close() == 0
