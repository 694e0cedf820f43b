"""Apache Spark 4.1 with Iceberg's SparkCatalog as a third independent reader and writer.

Spark opens LAKE/catalog.db as Iceberg's JDBC catalog (schema version V1, which has the
iceberg_type column stedi writes) through the sqlite-jdbc driver. Here:

(a) Spark reads each of stedi's tables: same columns, same multiset of rows as `stedi sql`;
(b) Spark creates and fills a table in a copy of the lake, and `stedi sql` must read it;
(c) Spark appends to one of stedi's tables in a copy, and `stedi sql` must see the new rows.

The jars come from Maven Central once, into BUILD/jars, checked against pinned SHA-1 sums (the
values Maven Central publishes next to each jar); later runs use the cache without the network.
Rows are compared with the helpers of test_iceberg_interop.py, after Spark's Arrow export.
"""

import hashlib
import os
import shutil
import sqlite3
import urllib.request
from pathlib import Path

import pytest

# Shared with the PyIceberg and DuckDB tests, so all three readers are held to the same rules.
from test_iceberg_interop import (BUILT_BY_RUN, CATALOG, TABLES, arrow_rows, assert_same_rows,
                                  needs_table, registered_metadata, stedi_csv, stedi_rows)

pa = pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parents[2]

MAVEN = "https://repo1.maven.org/maven2"
# (Maven path, SHA-1 from Maven Central's .sha1 file next to the jar).
JARS = [
    ("org/apache/iceberg/iceberg-spark-runtime-4.1_2.13/1.11.0/"
     "iceberg-spark-runtime-4.1_2.13-1.11.0.jar", "f9b1e4a18797c58ae406104ef5c75d1b64a373c5"),
    ("org/xerial/sqlite-jdbc/3.50.3.0/sqlite-jdbc-3.50.3.0.jar",
     "220f0cdfe9c5b97926a417fa11848ce8817d2135"),
]


def _sha1(path):
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _cached_jar(cache, maven_path, sha1):
    """The jar at MAVEN_PATH in CACHE, downloaded first when missing or corrupt."""
    jar = cache / Path(maven_path).name
    if jar.is_file() and _sha1(jar) == sha1:
        return jar
    url = f"{MAVEN}/{maven_path}"
    part = jar.with_name(f"{jar.name}.{os.getpid()}.part")
    try:
        with urllib.request.urlopen(url, timeout=300) as response, open(part, "wb") as out:
            shutil.copyfileobj(response, out, 1 << 20)
        got = _sha1(part)
        if got != sha1:
            pytest.fail(f"{url}: SHA-1 {got}, expected {sha1}", pytrace=False)
        part.replace(jar)  # atomic, so a concurrent or interrupted run never sees half a jar
    except OSError as e:
        pytest.fail(f"cannot download {url} into {cache}: {e}", pytrace=False)
    finally:
        part.unlink(missing_ok=True)
    return jar


@pytest.fixture(scope="module")
def spark_jars():
    cache = Path(os.environ.get("STEDI_BUILD_DIR", ROOT / "build")) / "jars"
    cache.mkdir(parents=True, exist_ok=True)
    return [_cached_jar(cache, path, sha1) for path, sha1 in JARS]


@pytest.fixture(scope="module")
def spark(spark_jars, tmp_path_factory):
    """One local Spark session for the module (its JVM takes seconds to start), stopped after."""
    sql = pytest.importorskip("pyspark.sql")
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        pytest.skip("no Java runtime (tools/bootstrap installs openjdk-17-jre-headless)")
    scratch = tmp_path_factory.mktemp("spark")
    session = (
        sql.SparkSession.builder.master("local[2]").appName("stedi-spark-interop")
        .config("spark.jars", ",".join(str(j) for j in spark_jars))
        .config("spark.driver.memory", "1g")
        # Loopback only: no dependence on how the machine's host name resolves.
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(scratch / "spark-warehouse"))
        .config("spark.local.dir", str(scratch / "local"))
        .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def lake_session(spark, lake):
    """A Spark session (sharing SPARK's JVM) whose catalog `stedi` is the Iceberg JDBC catalog
    of LAKE. Iceberg names the catalog after Spark's, so it must be `stedi` to find stedi's
    rows in iceberg_tables; a new session per lake gives each its own catalog instance."""
    session = spark.newSession()
    prefix = f"spark.sql.catalog.{CATALOG}"
    for key, value in {
        "": "org.apache.iceberg.spark.SparkCatalog",
        ".type": "jdbc",
        ".uri": f"jdbc:sqlite:{lake}/catalog.db",
        ".warehouse": f"file://{lake}",
        ".jdbc.schema-version": "V1",
        # stedi must have made the catalog tables; Spark never adds them.
        ".jdbc.init-catalog-tables": "false",
        # Each read sees the catalog as it is now, also after stedi or another session wrote.
        ".cache-enabled": "false",
    }.items():
        session.conf.set(prefix + key, value)
    return session


@pytest.fixture(scope="module")
def lake_spark(spark, sql_lake):
    """A session whose `stedi` catalog is the shared lake, which the tests here only read."""
    return lake_session(spark, sql_lake.path)


def spark_rows(session, database, table):
    """Lower-case column names, Arrow types and normalised rows of Spark's read of TABLE."""
    return arrow_rows(session.table(f"{CATALOG}.{database}.{table}").toArrow())


def stedi_count(stedi_bin, lake, table):
    header, records = stedi_csv(stedi_bin, lake, f"SELECT count(*) FROM {table}")
    assert len(header) == 1 and len(records) == 1 and len(records[0]) == 1, \
        f"stedi sql count(*) of {table} printed {header} {records}"
    return int(records[0][0])


def copy_lake(sql_lake, tmp_path):
    lake = tmp_path / "lake"
    shutil.copytree(sql_lake.path, lake)
    return lake


def catalog_row(lake, database, table):
    """TABLE's metadata_location in LAKE/catalog.db, or None; read-only."""
    con = sqlite3.connect(f"{(Path(lake) / 'catalog.db').as_uri()}?mode=ro", uri=True)
    try:
        row = con.execute(
            "SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? "
            "AND table_namespace = ? AND table_name = ?", (CATALOG, database, table)).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def files_under(path):
    return sorted(str(p.relative_to(path)) for p in Path(path).rglob("*") if p.is_file())


# ---------------------------------------------------------------------------------------------
# Tests.


def test_spark_lists_every_table(lake_spark, sql_lake):
    listed = {r.tableName for r in
              lake_spark.sql(f"SHOW TABLES IN {CATALOG}.{sql_lake.database}").collect()}
    expected = set(TABLES) if not sql_lake.run_failure else set(TABLES) - set(BUILT_BY_RUN)
    assert expected <= listed, \
        f"Spark lists {sorted(listed)}; missing {sorted(expected - listed)}"


@pytest.mark.parametrize("table", TABLES)
def test_spark_reads_stedi_table(stedi_bin, sql_lake, lake_spark, table):
    needs_table(sql_lake, table)
    names, arrow_types, rows = spark_rows(lake_spark, sql_lake.database, table)
    header, expected = stedi_rows(stedi_bin, sql_lake.path, table, arrow_types)
    assert names == header, f"{table}: Spark columns {names}, stedi sql columns {header}"
    assert_same_rows(expected, rows, table, "stedi sql", "Spark")


# Two INSERTs (two snapshots, each with its own data files) covering every type the table has,
# with NULLs in each column, a pre-1970 instant below the millisecond and duplicate rows.
SPARK_MADE_INSERTS = [
    """VALUES (1, 'alpha', 0.1D + 0.2D, TIMESTAMP '2022-06-18 14:59:35.075', true),
              (2, NULL, NULL, NULL, false),
              (NULL, 'with, comma', -0.0D, TIMESTAMP '1969-12-31 23:59:59.9995', NULL),
              (-9007199254740993, 'quote "q"', 1e300D,
               TIMESTAMP '2000-02-29 00:00:00.001', true)""",
    """VALUES (3, 'ünïcode ✓', 2.5D, CAST(NULL AS TIMESTAMP), CAST(NULL AS BOOLEAN)),
              (3, 'ünïcode ✓', 2.5D, NULL, NULL),
              (NULL, NULL, NULL, NULL, false)""",
]


def test_stedi_reads_spark_table(stedi_bin, sql_lake, spark, tmp_path):
    lake = copy_lake(sql_lake, tmp_path)
    session = lake_session(spark, lake)
    name = f"{CATALOG}.{sql_lake.database}.spark_made"
    session.sql(f"CREATE TABLE {name} (id bigint, name string, score double, ts timestamp, "
                "ok boolean) USING iceberg")
    for values in SPARK_MADE_INSERTS:
        session.sql(f"INSERT INTO {name} {values}")
    location = catalog_row(lake, sql_lake.database, "spark_made")
    assert location, "Spark's CREATE TABLE added no row to the copy's iceberg_tables"

    names, arrow_types, expected = spark_rows(session, sql_lake.database, "spark_made")
    assert names == ["id", "name", "score", "ts", "ok"], f"Spark reads columns {names}"
    assert len(expected) == 7, f"Spark reads {len(expected)} rows of spark_made, inserted 7"
    header, rows = stedi_rows(stedi_bin, lake, "spark_made", arrow_types)
    assert header == names, f"stedi sql columns {header}, Spark wrote {names}"
    assert_same_rows(expected, rows, "spark_made", "Spark", "stedi sql")


def test_stedi_sees_spark_append(stedi_bin, sql_lake, spark, tmp_path):
    table = "customer_landing"
    lake = copy_lake(sql_lake, tmp_path)
    # The copied catalog names the original's metadata file, whose table location is in the
    # original lake; point Iceberg's writes at the copy so the shared lake stays untouched.
    original_location, original_metadata = registered_metadata(sql_lake.path, sql_lake.database,
                                                               table)
    original_dir = original_metadata.parent.parent
    copy_dir = lake / original_dir.relative_to(sql_lake.path)
    original_files = files_under(original_dir)
    session = lake_session(spark, lake)
    name = f"{CATALOG}.{sql_lake.database}.{table}"
    session.sql(f"ALTER TABLE {name} SET TBLPROPERTIES ("
                f"'write.data.path' = 'file://{copy_dir}/data', "
                f"'write.metadata.path' = 'file://{copy_dir}/metadata')")

    before = stedi_count(stedi_bin, lake, table)
    session.sql(f"INSERT INTO {name} SELECT * FROM {name} LIMIT 5")
    after = stedi_count(stedi_bin, lake, table)
    assert after == before + 5, \
        f"stedi sql counts {after} rows in {table} after Spark appended 5 to {before}"

    names, arrow_types, expected = spark_rows(session, sql_lake.database, table)
    assert len(expected) == after, f"Spark reads {len(expected)} rows, stedi counts {after}"
    header, rows = stedi_rows(stedi_bin, lake, table, arrow_types)
    assert header == names, f"stedi sql columns {header}, Spark columns {names}"
    assert_same_rows(expected, rows, table, "Spark", "stedi sql")

    assert catalog_row(sql_lake.path, sql_lake.database, table) == original_location, \
        "Spark's append to the copy moved the shared lake's catalog pointer"
    assert files_under(original_dir) == original_files, \
        f"Spark's append to the copy wrote into the shared lake's {original_dir}"


def test_stedi_reads_spark_evolved_table(stedi_bin, sql_lake, spark, tmp_path):
    """Schema evolution by another engine: int→long and float→double promotions and a rename.
    Old files keep their INT32/FLOAT columns and old names; stedi matches by field id."""
    lake = copy_lake(sql_lake, tmp_path)
    session = lake_session(spark, lake)
    name = f"{CATALOG}.{sql_lake.database}.spark_evolved"
    session.sql(f"CREATE TABLE {name} (i int, f float, name string) USING iceberg")
    session.sql(f"INSERT INTO {name} VALUES (1, CAST(1.5 AS FLOAT), 'a'), (NULL, NULL, NULL)")
    session.sql(f"ALTER TABLE {name} ALTER COLUMN i TYPE bigint")
    session.sql(f"ALTER TABLE {name} ALTER COLUMN f TYPE double")
    session.sql(f"ALTER TABLE {name} RENAME COLUMN name TO label")
    session.sql(f"INSERT INTO {name} VALUES (5000000000, 2.25D, 'b')")
    names, arrow_types, expected = spark_rows(session, sql_lake.database, "spark_evolved")
    assert names == ["i", "f", "label"], f"Spark reads columns {names}"
    assert len(expected) == 3
    header, rows = stedi_rows(stedi_bin, lake, "spark_evolved", arrow_types)
    assert header == names, f"stedi sql columns {header}, Spark has {names}"
    assert_same_rows(expected, rows, "spark_evolved", "Spark", "stedi sql")
