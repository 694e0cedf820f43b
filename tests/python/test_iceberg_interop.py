"""Independent readers of stedi's Iceberg tables, and stedi as a reader of a foreign one.

stedi registers every table in the Iceberg JDBC catalog schema inside LAKE/catalog.db (table
`iceberg_tables`, catalog `stedi`, namespace = the lake's database). Here:

(a) PyIceberg's SqlCatalog lists and scans each table;
(b) DuckDB's iceberg extension scans each table's metadata file directly;
(c) PyIceberg creates and appends to a table, and `stedi sql` must read it.

Every comparison is an order-independent multiset of normalised rows against `stedi sql --format
csv`, whose cells are parsed strictly by the Iceberg column type (longs must print as integers,
doubles with "."/"e", timestamps as "YYYY-MM-DD HH:MM:SS.mmm" UTC). stedi's CSV prints NULL and
the empty string alike, so both count as NULL in string and binary (hex) columns.
"""

import collections
import csv
import datetime
import hashlib
import importlib.util
import io
import math
import re
import shutil
import sqlite3
import subprocess
import urllib.parse
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")

CATALOG = "stedi"
LANDING = ["customer_landing", "accelerometer_landing", "step_trainer_landing", "quarantine"]
BUILT_BY_RUN = ["customer_trusted", "accelerometer_trusted", "step_trainer_trusted",
                "customer_curated", "machine_learning_curated"]
TABLES = LANDING + BUILT_BY_RUN
# The Iceberg types stedi's columns map to (quarantine.raw is binary).
STEDI_ICEBERG_TYPES = {"string", "long", "double", "boolean", "timestamptz", "binary"}
EPOCH = datetime.datetime(1970, 1, 1)
TIMESTAMP_TEXT = re.compile(r"-?\d{4,}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}")
DOUBLE_TEXT = re.compile(r"NaN|-?Infinity|-?\d+(\.\d+)?(e[+-]?\d+)?")
UNIT_PER_SECOND = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}


# ---------------------------------------------------------------------------------------------
# Row normalisation and multiset comparison.
# Each cell becomes None, int, bool or str; doubles become the repr of the float (so -0.0 and
# NaN compare exactly), timestamps the millisecond UTC text stedi prints.


def canonical_double(value):
    return "NaN" if math.isnan(value) else repr(float(value))


def timestamp_text(micros):
    """MICROS since the epoch as stedi prints it: floored to the millisecond, UTC."""
    t = EPOCH + datetime.timedelta(milliseconds=micros // 1000)
    return (f"{t.year:04d}-{t.month:02d}-{t.day:02d} "
            f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}.{t.microsecond // 1000:03d}")


def _kind(arrow_type):
    if pa.types.is_timestamp(arrow_type):
        return "timestamp"
    if pa.types.is_floating(arrow_type):
        return "double"
    if pa.types.is_integer(arrow_type):
        return "integer"
    if pa.types.is_boolean(arrow_type):
        return "boolean"
    if pa.types.is_date(arrow_type):
        return "date"
    if (pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
            or pa.types.is_string_view(arrow_type)):
        return "string"
    if (pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type)
            or pa.types.is_fixed_size_binary(arrow_type)):
        return "binary"
    raise AssertionError(f"no normalisation for Arrow type {arrow_type}")


def _arrow_cells(arrow_type, column):
    kind = _kind(arrow_type)
    if kind == "timestamp":
        per_second = UNIT_PER_SECOND[arrow_type.unit]
        # Integer arithmetic, flooring (as stedi does) for instants before 1970.
        return [None if v is None else timestamp_text(v * 1_000_000 // per_second)
                for v in column.cast(pa.int64()).to_pylist()]
    values = column.to_pylist()
    if kind == "double":
        return [None if v is None else canonical_double(v) for v in values]
    if kind == "string":
        return [None if v in (None, "") else v for v in values]
    if kind == "binary":
        return [v.hex() if v else None for v in values]
    if kind == "date":
        return [None if v is None else v.isoformat() for v in values]
    return values  # integer, boolean


def arrow_rows(table):
    """Lower-case column names, Arrow types and normalised rows of an Arrow table."""
    columns = [_arrow_cells(f.type, c) for f, c in zip(table.schema, table.columns)]
    rows = list(zip(*columns)) if columns else []
    return [n.lower() for n in table.column_names], [f.type for f in table.schema], rows


def parse_stedi_cell(text, arrow_type, where):
    """Parses a cell of stedi's CSV as a column of ARROW_TYPE, strictly, so a type mismatch
    between stedi and the reader shows up rather than compares equal."""
    if text == "":
        return None
    kind = _kind(arrow_type)
    if kind == "integer":
        assert re.fullmatch(r"-?\d+", text), f"{where}: {text!r} is not an integer"
        return int(text)
    if kind == "double":
        assert DOUBLE_TEXT.fullmatch(text) and not re.fullmatch(r"-?\d+", text), \
            f"{where}: {text!r} is not how stedi prints a double"
        return canonical_double(float(text))
    if kind == "boolean":
        assert text in ("true", "false"), f"{where}: {text!r} is not a boolean"
        return text == "true"
    if kind == "timestamp":
        assert TIMESTAMP_TEXT.fullmatch(text), f"{where}: {text!r} is not a stedi timestamp"
        return text
    return text  # string, date, binary (hex) print as compared


def stedi_csv(stedi_bin, lake, query):
    """(header, rows of text) of `stedi sql --format csv QUERY`."""
    proc = subprocess.run([str(stedi_bin), "sql", "--lake", str(lake), "--format", "csv", query],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, \
        f"stedi sql {query!r} failed (exit {proc.returncode}): {proc.stderr.strip()[:2000]}"
    records = list(csv.reader(io.StringIO(proc.stdout)))
    assert records, f"stedi sql {query!r} printed no header"
    return [h.lower() for h in records[0]], records[1:]


def stedi_rows(stedi_bin, lake, table, arrow_types):
    """Lower-case header and normalised rows of SELECT * FROM TABLE, cells parsed by the types
    the other reader saw (in column order)."""
    header, records = stedi_csv(stedi_bin, lake, f"SELECT * FROM {table}")
    rows = []
    for i, record in enumerate(records):
        assert len(record) == len(arrow_types), \
            f"{table} csv row {i + 1} has {len(record)} cells, expected {len(arrow_types)}"
        rows.append(tuple(parse_stedi_cell(text, t, f"{table} row {i + 1} column {header[j]}")
                          for j, (text, t) in enumerate(zip(record, arrow_types))))
    return header, rows


def multiset_digest(rows):
    """An order-independent digest of ROWS, for messages."""
    h = hashlib.sha256()
    for line in sorted(repr(r) for r in rows):
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()[:16]


def assert_same_rows(expected, actual, what, expected_name, actual_name):
    """EXPECTED and ACTUAL hold the same rows, each as often, in any order."""
    want, got = collections.Counter(expected), collections.Counter(actual)
    if want == got:
        return
    missing = list((want - got).elements())
    extra = list((got - want).elements())
    raise AssertionError(
        f"{what}: {expected_name} has {len(expected)} rows (digest {multiset_digest(expected)}), "
        f"{actual_name} has {len(actual)} (digest {multiset_digest(actual)}); "
        f"{len(missing)} rows only in {expected_name}, e.g. {sorted(missing, key=repr)[:3]}; "
        f"{len(extra)} only in {actual_name}, e.g. {sorted(extra, key=repr)[:3]}")


# ---------------------------------------------------------------------------------------------
# Catalog access.


def registered_metadata(lake, namespace, table):
    """TABLE's metadata_location in LAKE/catalog.db and the local file it names; fails clearly
    when stedi has not registered it. Reads the catalog read-only."""
    db = Path(lake) / "catalog.db"
    con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                           "AND name = 'iceberg_tables'").fetchone():
            pytest.fail(f"{db} has no iceberg_tables table: stedi registers no Iceberg tables",
                        pytrace=False)
        rows = con.execute(
            "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? "
            "AND table_namespace = ? AND table_name = ?", (CATALOG, namespace, table)).fetchall()
    finally:
        con.close()
    if not rows:
        pytest.fail(f"iceberg_tables has no row for {table} "
                    f"(catalog '{CATALOG}', namespace '{namespace}')", pytrace=False)
    location = rows[0][0]
    assert location and location.startswith("file:///"), \
        f"{table}: metadata_location {location!r} is not an absolute file:/// URI"
    parsed = urllib.parse.urlparse(location)
    path = Path(urllib.parse.unquote(parsed.path))
    assert path.name.endswith(".metadata.json"), f"{table}: {location} is not a metadata file"
    assert path.is_file(), f"{table}: metadata_location {location} does not exist"
    return location, path


def sql_catalog(lake, create_tables):
    """PyIceberg's SqlCatalog over LAKE/catalog.db. Without CREATE_TABLES it never adds the
    catalog tables, so reading leaves stedi's catalog untouched."""
    sql = pytest.importorskip("pyiceberg.catalog.sql")
    return sql.SqlCatalog(CATALOG, uri=f"sqlite:///{lake}/catalog.db", warehouse=f"file://{lake}",
                          init_catalog_tables="true" if create_tables else "false")


def _extension_file(name, version):
    """The extension binary shipped by the duckdb-extension-NAME wheel for duckdb VERSION."""
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None:
        pytest.skip(f"duckdb-extension-{name} is not installed (tests/python/requirements.txt)")
    root = Path(next(iter(spec.submodule_search_locations)))
    path = root / "extensions" / f"v{version}" / f"{name}.duckdb_extension"
    if not path.is_file():
        found = sorted(str(p.relative_to(root)) for p in root.glob("extensions/*/*"))
        pytest.fail(f"duckdb-extension-{name} has no build for duckdb {version}: {found}")
    return path


def duckdb_with_iceberg():
    """A DuckDB connection with the iceberg extension loaded from its wheel, never from the
    network, and the session time zone UTC."""
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect(config={"autoinstall_known_extensions": False,
                                 "autoload_known_extensions": False})
    for name in ("avro", "iceberg"):  # iceberg reads manifests through avro
        con.load_extension(str(_extension_file(name, duckdb.__version__)))
    con.execute("SET TimeZone = 'UTC'")
    return con


def duckdb_iceberg_scan(con, metadata_path):
    quoted = str(metadata_path).replace("'", "''")
    return con.execute(f"SELECT * FROM iceberg_scan('{quoted}')").to_arrow_table()


# ---------------------------------------------------------------------------------------------
# Tests.


def needs_table(sql_lake, table):
    if table in BUILT_BY_RUN and sql_lake.run_failure:
        pytest.skip(f"{table} is not built: {sql_lake.run_failure}")


def test_pyiceberg_lists_every_table(sql_lake):
    for table in TABLES:
        if not (table in BUILT_BY_RUN and sql_lake.run_failure):
            registered_metadata(sql_lake.path, sql_lake.database, table)
    catalog = sql_catalog(sql_lake.path, create_tables=False)
    listed = {name for *_, name in catalog.list_tables(sql_lake.database)}
    expected = set(TABLES) if not sql_lake.run_failure else set(LANDING)
    assert expected <= listed, \
        f"PyIceberg lists {sorted(listed)}; missing {sorted(expected - listed)}"


@pytest.mark.parametrize("table", TABLES)
def test_pyiceberg_reads_stedi_table(stedi_bin, sql_lake, table):
    needs_table(sql_lake, table)
    location, _ = registered_metadata(sql_lake.path, sql_lake.database, table)
    catalog = sql_catalog(sql_lake.path, create_tables=False)
    iceberg = catalog.load_table((sql_lake.database, table))
    version = iceberg.metadata.format_version
    assert version == 2, f"{table} is Iceberg format v{version}, expected v2"
    assert iceberg.metadata_location == location
    types = {f.name: str(f.field_type) for f in iceberg.schema().fields}
    odd = {n: t for n, t in types.items() if t not in STEDI_ICEBERG_TYPES}
    assert not odd, f"{table}: Iceberg types outside {sorted(STEDI_ICEBERG_TYPES)}: {odd}"

    names, arrow_types, rows = arrow_rows(iceberg.scan().to_arrow())
    header, expected = stedi_rows(stedi_bin, sql_lake.path, table, arrow_types)
    assert names == header, f"{table}: PyIceberg columns {names}, stedi sql columns {header}"
    assert_same_rows(expected, rows, table, "stedi sql", "PyIceberg")


@pytest.mark.parametrize("table", TABLES)
def test_duckdb_reads_stedi_table(stedi_bin, sql_lake, table):
    needs_table(sql_lake, table)
    _, metadata_path = registered_metadata(sql_lake.path, sql_lake.database, table)
    con = duckdb_with_iceberg()
    try:
        names, arrow_types, rows = arrow_rows(duckdb_iceberg_scan(con, metadata_path))
    finally:
        con.close()
    header, expected = stedi_rows(stedi_bin, sql_lake.path, table, arrow_types)
    assert names == header, f"{table}: DuckDB columns {names}, stedi sql columns {header}"
    assert_same_rows(expected, rows, table, "stedi sql", "DuckDB iceberg_scan")


def pyiceberg_made_batches():
    """Two batches covering every stedi type, with NULLs in each column."""
    schema = pa.schema([("id", pa.int64()), ("name", pa.string()), ("score", pa.float64()),
                        ("seen_at", pa.timestamp("us", tz="UTC")), ("ok", pa.bool_())])
    utc = datetime.timezone.utc
    first = pa.table({
        "id": [1, 2, None, -9_007_199_254_740_993],
        "name": ["alpha", None, "with, comma", "quote \"q\""],
        "score": [0.1 + 0.2, None, -0.0, 1e300],
        "seen_at": [datetime.datetime(2022, 6, 18, 14, 59, 35, 75000, tzinfo=utc), None,
                    datetime.datetime(1969, 12, 31, 23, 59, 59, 999000, tzinfo=utc),
                    datetime.datetime(2000, 2, 29, 0, 0, 0, 1000, tzinfo=utc)],
        "ok": [True, False, None, True],
    }, schema=schema)
    second = pa.table({
        "id": [3, 3, None],
        "name": ["ünïcode ✓", "ünïcode ✓", None],
        "score": [2.5, 2.5, None],
        "seen_at": [None, None, None],
        "ok": [None, None, False],
    }, schema=schema)
    return schema, [first, second]


def test_stedi_reads_pyiceberg_table(stedi_bin, sql_lake, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(sql_lake.path, lake)
    schema_mod = pytest.importorskip("pyiceberg.schema")
    types = pytest.importorskip("pyiceberg.types")
    catalog = sql_catalog(lake, create_tables=True)
    if not catalog.namespace_exists(sql_lake.database):
        catalog.create_namespace(sql_lake.database)
    iceberg_schema = schema_mod.Schema(
        types.NestedField(1, "id", types.LongType(), required=False),
        types.NestedField(2, "name", types.StringType(), required=False),
        types.NestedField(3, "score", types.DoubleType(), required=False),
        types.NestedField(4, "seen_at", types.TimestamptzType(), required=False),
        types.NestedField(5, "ok", types.BooleanType(), required=False))
    table = catalog.create_table((sql_lake.database, "pyiceberg_made"), schema=iceberg_schema)
    _, batches = pyiceberg_made_batches()
    for batch in batches:
        table.append(batch)
    assert len(table.scan().to_arrow()) == sum(len(b) for b in batches)  # PyIceberg agrees

    names, arrow_types, expected = arrow_rows(pa.concat_tables(batches))
    header, rows = stedi_rows(stedi_bin, lake, "pyiceberg_made", arrow_types)
    assert header == names, f"stedi sql columns {header}, PyIceberg wrote {names}"
    assert_same_rows(expected, rows, "pyiceberg_made", "PyIceberg batches", "stedi sql")
