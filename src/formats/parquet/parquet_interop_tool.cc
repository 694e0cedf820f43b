// Test-only tool for the pyarrow/DuckDB interop tests (tests/python/test_parquet_interop.py):
//   parquet_interop_tool write PATH   writes a deterministic file with every type
//   parquet_interop_tool dump PATH    prints every row of a Parquet file as one JSON object a line
// The formulas in WriteFile must stay in step with expected_row() in the Python test.

#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string>

#include "formats/parquet/file_reader.h"
#include "formats/parquet/file_writer.h"

namespace stedi::parquet {
namespace {

constexpr int64_t kRows = 100000;

int WriteFile(const std::string& path) {
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"id", TypeId::kInt64, false, 1},
      {"flag", TypeId::kBoolean, true, 2},
      {"small", TypeId::kInt32, true, 3},
      {"big", TypeId::kInt64, true, 4},
      {"ratio", TypeId::kFloat64, true, 5},
      {"label", TypeId::kString, true, 6},
      {"payload", TypeId::kBinary, true, 7},
      {"day", TypeId::kDate, true, 8},
      {"at", TypeId::kTimestamp, true, 9},
  });
  auto fs = NewLocalFileSystem();
  auto out = fs->OpenForWrite(path);
  if (!out.ok()) {
    std::fprintf(stderr, "%s\n", out.status().ToString().c_str());
    return 1;
  }
  WriterOptions options;
  options.row_group_rows = 40000;
  options.page_bytes = 16 << 10;
  options.key_value_metadata = {{"stedi.test", "interop"}};
  // Integers DELTA_BINARY_PACKED, so that pyarrow and DuckDB check that encoder too (the
  // lake's tables check PLAIN).
  options.delta_integers = true;
  auto writer = FileWriter::Open(out.MoveValue(), schema, options);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.status().ToString().c_str());
    return 1;
  }
  BatchBuilder bb(schema);
  for (int64_t r = 0; r < kRows; ++r) {
    bb.column(0).AppendInt64(r);
    if (r % 7 == 0)
      bb.column(1).AppendNull();
    else
      bb.column(1).AppendBool(r % 3 == 0);
    if (r % 11 == 0)
      bb.column(2).AppendNull();
    else
      bb.column(2).AppendInt32(static_cast<int32_t>((r * 7919) % 100000 - 50000));
    if (r % 13 == 0)
      bb.column(3).AppendNull();
    else
      bb.column(3).AppendInt64(r * 1099511627 - (int64_t{1} << 40));
    if (r % 17 == 0)
      bb.column(4).AppendNull();
    else
      bb.column(4).AppendDouble(static_cast<double>(r) * 0.25 - 1000.5);
    if (r % 19 == 0) {
      bb.column(5).AppendNull();
    } else {
      bb.column(5).AppendString(r % 23 == 0 ? std::string() : "s" + std::to_string(r % 1000) + "é");
    }
    if (r % 29 == 0)
      bb.column(6).AppendNull();
    else
      bb.column(6).AppendString("b" + std::to_string(r));
    if (r % 31 == 0)
      bb.column(7).AppendNull();
    else
      bb.column(7).AppendInt32(static_cast<int32_t>(r % 20000 - 10000));
    if (r % 37 == 0)
      bb.column(8).AppendNull();
    else
      bb.column(8).AppendInt64(1'600'000'000'000'000 + r * 1'000'003);
    if (bb.num_rows() == 8192) {
      Status st = (*writer)->Write(bb.Finish());
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.ToString().c_str());
        return 1;
      }
    }
  }
  Status st = (*writer)->Write(bb.Finish());
  auto summary = st.ok() ? (*writer)->Close() : Result<FileSummary>(st);
  if (!summary.ok()) {
    std::fprintf(stderr, "%s\n", summary.status().ToString().c_str());
    return 1;
  }
  return 0;
}

void PrintJsonString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
  std::fputs(out.c_str(), stdout);
}

// Prints the value: numbers as JSON numbers (doubles with 17 digits, non-finite as strings),
// strings as JSON strings, binaries as lower-case hex strings, dates as days, timestamps as
// microseconds.
void PrintValue(const Column& c, size_t r) {
  if (c.IsNull(r)) {
    std::fputs("null", stdout);
    return;
  }
  switch (c.type()) {
    case TypeId::kBoolean:
      std::fputs(c.GetBool(r) ? "true" : "false", stdout);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      std::printf("%" PRId32, c.GetInt32(r));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      std::printf("%" PRId64, c.GetInt64(r));
      break;
    case TypeId::kFloat64: {
      const double d = c.GetDouble(r);
      if (std::isfinite(d)) {
        std::printf("%.17g", d);
      } else {
        std::printf("\"%s\"", std::isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
      }
      break;
    }
    case TypeId::kString:
      PrintJsonString(c.GetString(r));
      break;
    case TypeId::kBinary: {
      std::string hex;
      for (unsigned char ch : c.GetString(r)) {
        hex += "0123456789abcdef"[ch >> 4];
        hex += "0123456789abcdef"[ch & 15];
      }
      PrintJsonString(hex);
      break;
    }
  }
}

int DumpFile(const std::string& path) {
  auto fs = NewLocalFileSystem();
  auto file = fs->OpenForRead(path);
  if (!file.ok()) {
    std::fprintf(stderr, "%s\n", file.status().ToString().c_str());
    return 1;
  }
  auto reader = FileReader::Open(std::shared_ptr<RandomAccessFile>(file.MoveValue()));
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
    return 2;
  }
  const Schema& schema = *(*reader)->schema();
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto batch = (*reader)->ReadRowGroup(g, {});
    if (!batch.ok()) {
      std::fprintf(stderr, "%s\n", batch.status().ToString().c_str());
      return 2;
    }
    for (size_t r = 0; r < batch->num_rows(); ++r) {
      std::fputs("{", stdout);
      for (size_t c = 0; c < schema.num_fields(); ++c) {
        if (c > 0) std::fputs(", ", stdout);
        PrintJsonString(schema.field(c).name);
        std::fputs(": ", stdout);
        PrintValue(batch->column(c), r);
      }
      std::fputs("}\n", stdout);
    }
  }
  return 0;
}

}  // namespace
}  // namespace stedi::parquet

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "write") return stedi::parquet::WriteFile(argv[2]);
  if (argc == 3 && std::string(argv[1]) == "dump") return stedi::parquet::DumpFile(argv[2]);
  std::fprintf(stderr, "usage: %s write|dump PATH\n", argv[0]);
  return 64;
}
