"""Data-driven oracle test: every query of tests/sql/oracle_queries.sql runs in stedi
(`stedi sql --format json`) and in DuckDB over the same Parquet files, and the results must
agree: the same multiset of rows (the same sequence when the query has a top-level ORDER BY),
doubles within a relative 1e-9, timestamps compared as "YYYY-MM-DD HH:MM:SS.mmm" in UTC.

The query file: each query starts with a line `-- query: <name>`; an optional line `-- duckdb:`
starts DuckDB's spelling of the same query (Athena functions, integer division, ...).
"""
import datetime
import decimal
import json
import math
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest

duckdb = pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parents[2]
QUERY_FILE = Path(os.environ.get("STEDI_ORACLE_QUERIES", ROOT / "tests" / "sql" / "oracle_queries.sql"))
REL_TOLERANCE = 1e-9
ABS_TOLERANCE = 1e-9

DUCKDB_TYPES = {"boolean": "BOOLEAN", "int": "INTEGER", "bigint": "BIGINT", "double": "DOUBLE",
                "string": "VARCHAR", "binary": "BLOB", "date": "DATE", "timestamp": "TIMESTAMP"}


class OracleQuery:
    def __init__(self, name, line, stedi_sql, duckdb_sql):
        self.name = name
        self.line = line
        self.stedi_sql = stedi_sql
        self.duckdb_sql = duckdb_sql or stedi_sql


def load_queries(path):
    """Splits the query file into OracleQuery blocks; malformed files fail loudly."""
    queries = []
    current = None  # [name, line, stedi lines, duckdb lines or None]
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        header = re.match(r"^--\s*query:\s*(\S+)\s*$", line)
        if header:
            if current:
                queries.append(current)
            current = [header.group(1), number, [], None]
        elif re.match(r"^--\s*duckdb:\s*$", line):
            if current is None or current[3] is not None:
                raise ValueError(f"{path}:{number}: '-- duckdb:' outside a query or twice")
            current[3] = []
        elif current is not None:
            (current[2] if current[3] is None else current[3]).append(line)
        elif line.strip() and not line.startswith("--"):
            raise ValueError(f"{path}:{number}: SQL before the first '-- query:' line")
    if current:
        queries.append(current)

    def text(lines):
        return "\n".join(lines).strip().rstrip(";").strip() if lines is not None else None

    result, names = [], set()
    for name, number, stedi_lines, duckdb_lines in queries:
        if name in names:
            raise ValueError(f"{path}:{number}: query name {name} used twice")
        names.add(name)
        stedi_sql = text(stedi_lines)
        if not stedi_sql:
            raise ValueError(f"{path}:{number}: query {name} has no SQL")
        result.append(OracleQuery(name, number, stedi_sql, text(duckdb_lines)))
    return result


QUERIES = load_queries(QUERY_FILE)


def without_literals_and_comments(sql):
    sql = re.sub(r"--[^\n]*", " ", sql)
    sql = re.sub(r"/\*.*?\*/", " ", sql, flags=re.S)
    sql = re.sub(r"'(?:[^']|'')*'", "''", sql)
    return re.sub(r'"(?:[^"]|"")*"', '""', sql)


def has_top_level_order_by(sql):
    """True when the statement itself (not a subquery or an OVER clause) has ORDER BY."""
    text = without_literals_and_comments(sql).lower()
    for match in re.finditer(r"\border\s+by\b", text):
        prefix = text[:match.start()]
        if prefix.count("(") == prefix.count(")"):
            return True
    return False


def lake_catalog(lake):
    """Returns {table: (zone, [(column, type)], [absolute data file paths])} from catalog.db."""
    con = sqlite3.connect(f"file:{lake / 'catalog.db'}?mode=ro", uri=True)
    try:
        tables = {}
        for name, zone, schema_json in con.execute(
                "SELECT name, zone, schema_json FROM stedi_tables ORDER BY name"):
            columns = [(f["name"], f["type"]) for f in json.loads(schema_json)]
            files = [str(lake / p) for (p,) in con.execute(
                "SELECT path FROM stedi_data_files WHERE table_name = ? ORDER BY file_id", (name,))]
            tables[name.lower()] = (zone, columns, files)
        return tables
    finally:
        con.close()


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def duckdb_over_lake(lake, database):
    """A DuckDB connection with one view per lake table over the same Parquet files, reachable
    as `table` and as `database.table`."""
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.execute(f"CREATE SCHEMA {quote(database)}")
    for name, (_, columns, files) in lake_catalog(lake).items():
        if files:
            paths = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            body = f"SELECT * FROM read_parquet([{paths}])"
        else:  # a table without data files still has its columns
            cols = ", ".join(f"CAST(NULL AS {DUCKDB_TYPES[t]}) AS {quote(c)}" for c, t in columns)
            body = f"SELECT {cols} WHERE false"
        con.execute(f"CREATE VIEW main.{quote(name)} AS {body}")
        con.execute(f"CREATE VIEW {quote(database)}.{quote(name)} AS SELECT * FROM main.{quote(name)}")
    return con


def normalized(value):
    """Brings a value of either engine to one comparable form."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, (float, decimal.Decimal)):
        return float(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    raise TypeError(f"no comparison for {type(value).__name__} {value!r}")


def sort_key(row):
    key = []
    for v in row:
        if v is None:
            key.append((0, 0))
        elif isinstance(v, bool):
            key.append((1, v))
        elif isinstance(v, int):
            key.append((2, v))
        elif isinstance(v, float):
            # Rounded so that sums added up in another order still sort alike on both sides.
            key.append((2, float(f"{v:.12g}") if math.isfinite(v) else v))
        else:
            key.append((3, str(v)))
    return key


def values_match(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if isinstance(a, int) and isinstance(b, int):
            return a == b
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=REL_TOLERANCE, abs_tol=ABS_TOLERANCE)
    if isinstance(a, float) and isinstance(b, str):  # stedi writes NaN/infinities as strings
        a, b = b, a
    if isinstance(a, str) and isinstance(b, float) and not math.isfinite(b):
        return a == {math.inf: "Infinity", -math.inf: "-Infinity"}.get(b, "NaN")
    return type(a) is type(b) and a == b


def compare(stedi_rows, duck_rows, ordered):
    """Returns None when the results agree, else a message showing where they part."""
    if len(stedi_rows) != len(duck_rows):
        return (f"row counts differ: stedi {len(stedi_rows)}, duckdb {len(duck_rows)}\n"
                f"stedi first rows: {stedi_rows[:5]}\nduckdb first rows: {duck_rows[:5]}")
    if not ordered:
        stedi_rows = sorted(stedi_rows, key=sort_key)
        duck_rows = sorted(duck_rows, key=sort_key)
    for i, (s, d) in enumerate(zip(stedi_rows, duck_rows)):
        if len(s) != len(d):
            return f"column counts differ: stedi {len(s)} {s}, duckdb {len(d)} {d}"
        if not all(values_match(a, b) for a, b in zip(s, d)):
            what = "row" if ordered else "row (after sorting both sides)"
            return f"{what} {i} differs:\n  stedi  {s}\n  duckdb {d}"
    return None


@pytest.fixture(scope="session")
def lake_tables(sql_lake):
    return lake_catalog(sql_lake.path)


@pytest.fixture(scope="session")
def oracle(sql_lake):
    con = duckdb_over_lake(sql_lake.path, sql_lake.database)
    yield con
    con.close()


def stedi_json(stedi_bin, lake, query):
    proc = subprocess.run([str(stedi_bin), "sql", "--lake", str(lake), "--format", "json", query],
                          capture_output=True, text=True, timeout=600)
    return proc, (json.loads(proc.stdout) if proc.returncode == 0 else None)


# The stedi side may be replaced by DuckDB itself (STEDI_ORACLE_SELF_CHECK=1) to check the
# harness when the engine is not there: then every query must pass trivially.
SELF_CHECK = os.environ.get("STEDI_ORACLE_SELF_CHECK") == "1"


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_query_matches_duckdb(stedi_bin, sql_lake, lake_tables, oracle, query):
    needed = set(re.findall(r"\b(\w+_(?:trusted|curated))\b", query.stedi_sql.lower()))
    missing = sorted(needed - set(lake_tables))
    if missing:
        pytest.skip(f"tables {', '.join(missing)} are not built: {sql_lake.run_failure}")

    cursor = oracle.execute(query.duckdb_sql)
    duck_rows = [tuple(normalized(v) for v in row) for row in cursor.fetchall()]
    if SELF_CHECK:
        cursor = oracle.execute(query.duckdb_sql)
        stedi_rows = [tuple(normalized(v) for v in row) for row in cursor.fetchall()]
    else:
        proc, result = stedi_json(stedi_bin, sql_lake.path, query.stedi_sql)
        assert proc.returncode == 0, (
            f"{QUERY_FILE.name}:{query.line} {query.name}: stedi exit {proc.returncode}: "
            f"{proc.stderr.strip()}")
        stedi_rows = [tuple(normalized(v) for v in row.values()) for row in result]
    problem = compare(stedi_rows, duck_rows, has_top_level_order_by(query.stedi_sql))
    assert problem is None, f"{QUERY_FILE.name}:{query.line} {query.name}: {problem}"


def test_query_file_is_broad_enough():
    assert len(QUERIES) >= 60


def test_order_by_detection():
    assert has_top_level_order_by("SELECT a FROM t ORDER BY a")
    assert not has_top_level_order_by("SELECT row_number() OVER (ORDER BY a) FROM t")
    assert not has_top_level_order_by("SELECT * FROM (SELECT a FROM t ORDER BY a LIMIT 3) s")
    assert not has_top_level_order_by("SELECT 'order by' AS s -- order by\nFROM t")


ERROR_CASES = [
    # (name, sql, words the message must hold besides "line"; a tuple: any one of them)
    ("unknown_table", "SELECT * FROM no_such_table", ["no_such_table"]),
    ("unknown_column", "SELECT no_such_column FROM customer_landing", ["no_such_column"]),
    ("unknown_qualified_column", "SELECT c.no_such_column FROM customer_landing c",
     ["no_such_column"]),
    ("unknown_function", "SELECT no_such_function(email) FROM customer_landing",
     ["no_such_function"]),
    ("syntax_error", "SELECT email FROM customer_landing WHERE", ["syntax error"]),
    ("lateral", "SELECT * FROM customer_landing c, LATERAL (SELECT 1 AS one) l", ["lateral"]),
    ("grouping_sets",
     "SELECT email, count(*) FROM customer_landing GROUP BY GROUPING SETS ((email), ())",
     ["grouping sets"]),
    ("window_frame",
     "SELECT sum(x) OVER (ORDER BY a.timestamp ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) "
     "FROM accelerometer_landing a", ["frame"]),
    ("string_plus_number", "SELECT email + 1 FROM customer_landing", [("+", "add")]),
    ("lower_of_double", "SELECT lower(x) FROM accelerometer_landing", ["lower"]),
    ("ambiguous_column",
     "SELECT serialnumber FROM customer_landing c JOIN step_trainer_landing s "
     "ON c.serialnumber = s.serialnumber", ["serialnumber"]),
    ("aggregate_in_where", "SELECT email FROM customer_landing WHERE count(*) > 1",
     [("count", "aggregate")]),
    ("not_grouped", "SELECT email, count(*) FROM customer_landing GROUP BY serialnumber",
     ["email"]),
    ("wrong_database", 'SELECT * FROM "other_db"."customer_landing"', ["other_db"]),
]


@pytest.mark.parametrize("name,sql,words", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_errors_name_the_construct_and_line(stedi_bin, sql_lake, name, sql, words):
    if SELF_CHECK:
        pytest.skip("self-check runs DuckDB only")
    proc = subprocess.run([str(stedi_bin), "sql", "--lake", str(sql_lake.path), sql],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 2, f"{name}: exit {proc.returncode}: {proc.stderr}{proc.stdout}"
    message = proc.stderr.lower()
    assert "line" in message, proc.stderr
    for word in words:
        choices = word if isinstance(word, tuple) else (word,)
        assert any(w in message for w in choices), f"{name}: {word!r} not in {proc.stderr!r}"


def test_comparison_rules():
    # Multisets: order does not matter without ORDER BY, multiplicity does.
    assert compare([(1, "a"), (2, "b")], [(2, "b"), (1, "a")], ordered=False) is None
    assert compare([(1, "a"), (2, "b")], [(2, "b"), (1, "a")], ordered=True) is not None
    assert compare([(1,), (1,)], [(1,), (2,)], ordered=False) is not None
    assert compare([(1,)], [(1,), (1,)], ordered=False) is not None
    # Doubles within 1e-9 relative, not beyond; integers exactly; types not mixed up.
    assert compare([(1.0 + 1e-12,)], [(1.0,)], ordered=True) is None
    assert compare([(1.0 + 1e-6,)], [(1.0,)], ordered=True) is not None
    assert compare([(3,)], [(3.0,)], ordered=True) is None
    assert compare([(True,)], [(1,)], ordered=True) is not None
    assert compare([("1",)], [(1,)], ordered=True) is not None
    assert compare([(None,)], [(0,)], ordered=True) is not None
    assert compare([(None, 1)], [(None, 1)], ordered=True) is None
    # Timestamps: DuckDB's datetimes become stedi's text, to the millisecond, in UTC.
    when = datetime.datetime(2022, 6, 18, 14, 59, 36, 361999)
    assert normalized(when) == "2022-06-18 14:59:36.361"
    utc = datetime.datetime(2022, 6, 18, 16, 59, 36, 361000,
                            tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert normalized(utc) == "2022-06-18 14:59:36.361"
    assert normalized(decimal.Decimal("76.67")) == 76.67
    assert compare([("NaN",)], [(float("nan"),)], ordered=True) is None


def test_query_file_parsing(tmp_path):
    path = tmp_path / "q.sql"
    path.write_text("-- header comment\n\n-- query: a\nSELECT 1;\n-- query: b\nSELECT 7 / 2\n"
                    "-- duckdb:\nSELECT 7 // 2;\n")
    a, b = load_queries(path)
    assert (a.name, a.stedi_sql, a.duckdb_sql, a.line) == ("a", "SELECT 1", "SELECT 1", 3)
    assert (b.name, b.stedi_sql, b.duckdb_sql) == ("b", "SELECT 7 / 2", "SELECT 7 // 2")
    path.write_text("-- query: a\nSELECT 1\n-- query: a\nSELECT 2\n")
    with pytest.raises(ValueError):
        load_queries(path)
