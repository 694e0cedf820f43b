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

from conftest import ROOT
from test_iceberg_interop import (BUILT_BY_RUN, CATALOG, TABLES, arrow_rows, assert_same_rows,
                                  needs_table, stedi_csv, stedi_rows)

pa = pytest.importorskip("pyarrow")

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
        .config("spark.ui.enabled", "false")
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
        # Each read sees the catalog as it is now, also after stedi or another session wrote.
        ".cache-enabled": "false",
    }.items():
        session.conf.set(prefix + key, value)
    return session
