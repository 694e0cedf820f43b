"""Interop between our Parquet writer/reader and pyarrow and DuckDB.

(a) A file written by `parquet_interop_tool write` is read with pyarrow and DuckDB and every value
    is compared with the formula the tool used (expected_row below).
(b) Files written by pyarrow (every codec, dictionary on/off, data page v1/v2) and by DuckDB are
    dumped with `parquet_interop_tool dump` and compared with what pyarrow reads from them.
"""

import datetime
import json
import math
import os
import subprocess
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parents[2]
ROWS = 100_000
EPOCH_DAY = datetime.date(1970, 1, 1)
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="session")
def tool():
    build = Path(os.environ.get("STEDI_BUILD_DIR", ROOT / "build"))
    binary = build / "src" / "formats" / "parquet" / "parquet_interop_tool"
    if not binary.exists():
        pytest.fail(f"{binary} not built; build target parquet_interop_tool")
    return binary


def expected_row(r):
    """Mirrors WriteFile in src/formats/parquet/parquet_interop_tool.cc."""
    return {
        "id": r,
        "flag": None if r % 7 == 0 else r % 3 == 0,
        "small": None if r % 11 == 0 else (r * 7919) % 100000 - 50000,
        "big": None if r % 13 == 0 else r * 1099511627 - (1 << 40),
        "ratio": None if r % 17 == 0 else r * 0.25 - 1000.5,
        "label": None if r % 19 == 0 else ("" if r % 23 == 0 else f"s{r % 1000}é"),
        "payload": None if r % 29 == 0 else f"b{r}".encode(),
        "day": None if r % 31 == 0 else r % 20000 - 10000,
        "at": None if r % 37 == 0 else 1_600_000_000_000_000 + r * 1_000_003,
    }


def to_plain(v):
    """Normalises a value read by pyarrow or DuckDB to what our dump prints."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=datetime.timezone.utc)
        delta = v - EPOCH
        return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    if isinstance(v, datetime.date):
        return (v - EPOCH_DAY).days
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).hex()
    if isinstance(v, float) and not math.isfinite(v):
        return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")
    return v


def dump(tool, path):
    out = subprocess.run([str(tool), "dump", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(scope="session")
def our_file(tool, tmp_path_factory):
    path = tmp_path_factory.mktemp("ours") / "stedi.parquet"
    subprocess.run([str(tool), "write", str(path)], check=True)
    return path


def test_pyarrow_reads_our_file(our_file):
    f = pq.ParquetFile(our_file)
    assert f.metadata.num_rows == ROWS
    assert f.metadata.num_row_groups >= 2
    assert f.metadata.created_by == "stedi version 0.1.0"
    table = f.read()
    ids = {name: int(table.schema.field(name).metadata[b"PARQUET:field_id"])
           for name in table.column_names}
    assert ids == {"id": 1, "flag": 2, "small": 3, "big": 4, "ratio": 5, "label": 6,
                   "payload": 7, "day": 8, "at": 9}
    assert table.schema.metadata[b"stedi.test"] == b"interop"
    # Unique integers and timestamps are written DELTA_BINARY_PACKED: pyarrow's decoder checks
    # our encoder.
    columns = [f.metadata.row_group(0).column(i) for i in range(f.metadata.num_columns)]
    delta = {c.path_in_schema for c in columns if "DELTA_BINARY_PACKED" in c.encodings}
    assert {"id", "at"} <= delta, delta
    assert table.schema.field("id").nullable is False
    assert str(table.schema.field("at").type) == "timestamp[us, tz=UTC]"
    assert str(table.schema.field("label").type) == "string"
    assert str(table.schema.field("payload").type) == "binary"
    rows = table.to_pylist()
    assert len(rows) == ROWS
    for r, row in enumerate(rows):
        exp = expected_row(r)
        got = {k: to_plain(v) for k, v in row.items()}
        want = {k: to_plain(v) for k, v in exp.items()}
        want["day"] = exp["day"]
        want["at"] = exp["at"]
        assert got == want, f"row {r}"
    # Statistics in the footer must agree with the data pyarrow decoded.
    for g in range(f.metadata.num_row_groups):
        stats = f.metadata.row_group(g).column(2).statistics  # small: int32
        col = f.read_row_group(g, columns=["small"]).column(0).to_pylist()
        present = [v for v in col if v is not None]
        assert stats.min == min(present) and stats.max == max(present)
        assert stats.null_count == len(col) - len(present)


def test_duckdb_reads_our_file(our_file):
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    rows = con.execute(
        'SELECT id, flag, small, big, ratio, label, payload, '
        '"day" - DATE \'1970-01-01\', epoch_us("at") '
        f"FROM read_parquet('{our_file}') ORDER BY id").fetchall()
    assert len(rows) == ROWS
    names = ["id", "flag", "small", "big", "ratio", "label", "payload", "day", "at"]
    for r, row in enumerate(rows):
        exp = expected_row(r)
        got = dict(zip(names, (to_plain(v) for v in row)))
        want = {k: to_plain(v) for k, v in exp.items()}
        want["day"] = exp["day"]
        want["at"] = exp["at"]
        assert got == want, f"row {r}"


def sample_table(n=30_000):
    def nullify(values, every):
        return [None if i % every == 0 else v for i, v in enumerate(values)]

    rng = range(n)
    return pa.table({
        "b": pa.array(nullify([i % 3 == 0 for i in rng], 5), pa.bool_()),
        "i8": pa.array(nullify([(i % 250) - 125 for i in rng], 7), pa.int8()),
        "i16": pa.array(nullify([(i * 37) % 60000 - 30000 for i in rng], 9), pa.int16()),
        "i32": pa.array(nullify([(i * 7919) % 100000 - 50000 for i in rng], 11), pa.int32()),
        "i64": pa.array([i * 1099511627 - (1 << 40) for i in rng], pa.int64()),  # no nulls
        "f32": pa.array(nullify([i * 0.5 for i in rng], 13), pa.float32()),
        "f64": pa.array(nullify([i * 0.25 - 99.75 for i in rng], 17), pa.float64()),
        "s": pa.array(nullify([f"k{i % 100}" if i % 19 else "" for i in rng], 23), pa.string()),
        "u": pa.array(nullify([f"unique-{i}-ü" for i in rng], 29), pa.string()),
        "bin": pa.array(nullify([bytes([i % 256, (i * 7) % 256]) for i in rng], 31), pa.binary()),
        "d": pa.array(nullify([i % 40000 - 20000 for i in rng], 37), pa.date32()),
        "ts_ms": pa.array(nullify([1_600_000_000_000 + i * 1001 for i in rng], 41),
                          pa.timestamp("ms", tz="UTC")),
        "ts_us": pa.array(nullify([1_600_000_000_000_000 + i * 1_000_003 for i in rng], 43),
                          pa.timestamp("us")),
        "ts_ns": pa.array(nullify([1_600_000_000_000_000_000 + i * 1_000_003_000 for i in rng], 47),
                          pa.timestamp("ns", tz="UTC")),
        "all_null": pa.array([None] * n, pa.int64()),
    })


def pyarrow_rows(path):
    table = pq.read_table(path)
    out = []
    for row in table.to_pylist():
        out.append({k: to_plain(v) for k, v in row.items()})
    return out


def compare_dump(tool, path):
    ours = dump(tool, path)
    theirs = pyarrow_rows(path)
    assert len(ours) == len(theirs)
    for r, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, f"{path.name} row {r}"


@pytest.mark.parametrize("compression", ["none", "snappy", "zstd", "gzip"])
@pytest.mark.parametrize("dictionary", [True, False])
@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
def test_we_read_pyarrow_files(tool, tmp_path, compression, dictionary, page_version):
    path = tmp_path / f"pa_{compression}_{dictionary}_{page_version}.parquet"
    pq.write_table(sample_table(), path, compression=compression, use_dictionary=dictionary,
                   data_page_version=page_version, row_group_size=12_000,
                   data_page_size=8 << 10, write_statistics=True)
    md = pq.ParquetFile(path).metadata
    assert md.num_row_groups >= 2
    compare_dump(tool, path)


@pytest.mark.parametrize("compression", ["uncompressed", "snappy", "zstd", "gzip"])
def test_we_read_duckdb_files(tool, tmp_path, compression):
    duckdb = pytest.importorskip("duckdb")
    path = tmp_path / f"duck_{compression}.parquet"
    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT
            CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
            CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 250 - 125)::TINYINT END AS i8,
            CASE WHEN i % 9 = 0 THEN NULL ELSE ((i * 37) % 60000 - 30000)::SMALLINT END AS i16,
            CASE WHEN i % 11 = 0 THEN NULL ELSE ((i * 7919) % 100000 - 50000)::INTEGER END AS i32,
            (i * 1099511627 - 1099511627776)::BIGINT AS i64,
            CASE WHEN i % 17 = 0 THEN NULL ELSE i * 0.25 - 99.75 END::DOUBLE AS f64,
            CASE WHEN i % 23 = 0 THEN NULL ELSE 'k' || (i % 100)::VARCHAR END AS s,
            CASE WHEN i % 29 = 0 THEN NULL ELSE 'unique-' || i::VARCHAR END AS u,
            CASE WHEN i % 31 = 0 THEN NULL ELSE ('x' || (i % 7)::VARCHAR)::BLOB END AS bin,
            CASE WHEN i % 37 = 0 THEN NULL ELSE DATE '1970-01-01' + (i % 40000 - 20000)::INTEGER END AS d,
            CASE WHEN i % 43 = 0 THEN NULL
                 ELSE make_timestamp(1600000000000000 + i * 1000003) END AS ts
          FROM range(150000) t(i)
        ) TO '{path}' (FORMAT parquet, COMPRESSION {compression}, ROW_GROUP_SIZE 60000)
    """)
    assert pq.ParquetFile(path).metadata.num_row_groups >= 2
    compare_dump(tool, path)


@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
def test_we_read_pyarrow_delta_binary_packed(tool, tmp_path, page_version):
    # Every integer, date and timestamp column DELTA_BINARY_PACKED by another writer: wrapping
    # differences (i32 jumps across its range, i64 spans 2^45), nulls, several pages and groups.
    path = tmp_path / f"pa_delta_{page_version}.parquet"
    ints = ["i8", "i16", "i32", "i64", "d", "ts_ms", "ts_us", "ts_ns", "all_null"]
    pq.write_table(sample_table(), path, use_dictionary=False,
                   column_encoding={c: "DELTA_BINARY_PACKED" for c in ints},
                   data_page_version=page_version, row_group_size=12_000,
                   data_page_size=8 << 10)
    md = pq.ParquetFile(path).metadata
    col = [md.row_group(0).column(i).path_in_schema for i in range(md.num_columns)].index("i64")
    assert "DELTA_BINARY_PACKED" in md.row_group(0).column(col).encodings
    compare_dump(tool, path)


def test_dump_rejects_non_parquet(tool, tmp_path):
    path = tmp_path / "junk.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 100 + b"PAR1")
    result = subprocess.run([str(tool), "dump", str(path)], capture_output=True, text=True)
    assert result.returncode != 0
    assert "Corruption" in result.stderr or "corrupt" in result.stderr.lower()
