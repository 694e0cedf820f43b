#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "formats/parquet/file_reader.h"
#include "formats/parquet/file_writer.h"

namespace stedi::parquet {
namespace {

std::shared_ptr<const Schema> AllTypesSchema(bool nullable) {
  std::vector<Field> fields = {
      {"b", TypeId::kBoolean, nullable, 1}, {"i", TypeId::kInt32, nullable, 2},
      {"l", TypeId::kInt64, nullable, 3},   {"d", TypeId::kFloat64, nullable, 4},
      {"s", TypeId::kString, nullable, 5},  {"bin", TypeId::kBinary, nullable, 6},
      {"dt", TypeId::kDate, nullable, 7},   {"ts", TypeId::kTimestamp, nullable, 8},
      {"u", TypeId::kString, nullable, 9},  // unique values: dictionary does not pay
  };
  return std::make_shared<const Schema>(std::move(fields));
}

// Row R of column C is null when (R + C) % 7 == 3 (for nullable schemas).
bool IsNullAt(size_t r, size_t c) { return (r + c) % 7 == 3; }

Batch MakeBatch(const std::shared_ptr<const Schema>& schema, size_t start, size_t rows,
                bool nulls) {
  BatchBuilder bb(schema);
  for (size_t r = start; r < start + rows; ++r) {
    const int64_t x = static_cast<int64_t>(r);
    for (size_t c = 0; c < schema->num_fields(); ++c) {
      ColumnBuilder& col = bb.column(c);
      if (nulls && IsNullAt(r, c)) {
        col.AppendNull();
        continue;
      }
      switch (schema->field(c).type) {
        case TypeId::kBoolean:
          col.AppendBool(r % 3 == 0);
          break;
        case TypeId::kInt32:
          col.AppendInt32(static_cast<int32_t>((x * 7919) % 2001 - 1000));
          break;
        case TypeId::kInt64:
          col.AppendInt64(x * 1099511627 - (int64_t{1} << 40));
          break;
        case TypeId::kFloat64:
          col.AppendDouble(static_cast<double>(x % 500) * 0.25 - 60.5);
          break;
        case TypeId::kString:
          if (schema->field(c).name == "u") {
            col.AppendString("unique-" + std::to_string(r * 31));
          } else {
            col.AppendString(r % 11 == 0 ? std::string() : "str" + std::to_string(r % 37));
          }
          break;
        case TypeId::kBinary:
          col.AppendString(std::string("\x00\xff", 2) + std::to_string(r % 5));
          break;
        case TypeId::kDate:
          col.AppendInt32(static_cast<int32_t>(x % 30000 - 15000));
          break;
        case TypeId::kTimestamp:
          col.AppendInt64(1'600'000'000'000'000 + x * 1'000'003 - 5'000'000'000'000);
          break;
      }
    }
  }
  return bb.Finish();
}

void ExpectSameRows(const Column& expected, size_t expected_offset, const Column& actual,
                    const std::string& name) {
  ASSERT_EQ(expected.type(), actual.type()) << name;
  for (size_t r = 0; r < actual.size(); ++r) {
    const size_t e = expected_offset + r;
    ASSERT_EQ(expected.IsNull(e), actual.IsNull(r)) << name << " row " << e;
    if (actual.IsNull(r)) continue;
    switch (actual.type()) {
      case TypeId::kBoolean:
        ASSERT_EQ(expected.GetBool(e), actual.GetBool(r)) << name << e;
        break;
      case TypeId::kInt32:
      case TypeId::kDate:
        ASSERT_EQ(expected.GetInt32(e), actual.GetInt32(r)) << name << e;
        break;
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        ASSERT_EQ(expected.GetInt64(e), actual.GetInt64(r)) << name << e;
        break;
      case TypeId::kFloat64:
        ASSERT_EQ(expected.GetDouble(e), actual.GetDouble(r)) << name << e;
        break;
      case TypeId::kString:
      case TypeId::kBinary:
        ASSERT_EQ(expected.GetString(e), actual.GetString(r)) << name << e;
        break;
    }
  }
}

struct Written {
  FileSummary summary;
  std::string bytes;
};

Written WriteFile(FileSystem& fs, const std::string& path, std::shared_ptr<const Schema> schema,
                  const std::vector<Batch>& batches, WriterOptions options) {
  auto out = fs.OpenForWrite(path);
  EXPECT_TRUE(out.ok());
  auto writer = FileWriter::Open(std::move(*out), std::move(schema), std::move(options));
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  for (const Batch& b : batches) {
    Status st = (*writer)->Write(b);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
  auto summary = (*writer)->Close();
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  auto bytes = fs.ReadAll(path);
  EXPECT_TRUE(bytes.ok());
  return {*summary, *bytes};
}

std::unique_ptr<FileReader> OpenReader(FileSystem& fs, const std::string& path) {
  auto file = fs.OpenForRead(path);
  EXPECT_TRUE(file.ok());
  auto reader = FileReader::Open(std::shared_ptr<RandomAccessFile>(std::move(*file)));
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  return reader.ok() ? std::move(*reader) : nullptr;
}

// Counts the data pages of every chunk by walking the page headers.
int CountDataPages(const std::string& file, const FileMetaData& md, int* dictionary_pages) {
  int pages = 0;
  *dictionary_pages = 0;
  for (const RowGroup& g : md.row_groups) {
    for (const ColumnChunk& c : g.columns) {
      const ColumnMetaData& m = *c.meta_data;
      size_t pos = static_cast<size_t>(m.dictionary_page_offset.value_or(m.data_page_offset));
      const size_t end = pos + static_cast<size_t>(m.total_compressed_size);
      while (pos < end) {
        size_t header_size = 0;
        auto h =
            ParsePageHeader(std::string_view(file).substr(pos, end - pos), "t", pos, &header_size);
        EXPECT_TRUE(h.ok());
        if (!h.ok()) return -1;
        if (h->type == PageType::kDictionaryPage) ++*dictionary_pages;
        if (h->type == PageType::kDataPage) ++pages;
        pos += header_size + static_cast<size_t>(h->compressed_page_size);
      }
    }
  }
  return pages;
}

struct Case {
  Compression compression;
  bool dictionary;
  bool nullable;
  bool delta_integers = false;
};

class RoundTripTest : public ::testing::TestWithParam<Case> {};

TEST_P(RoundTripTest, EveryTypeSurvivesWithStatistics) {
  const Case& p = GetParam();
  auto fs = NewMemoryFileSystem();
  auto schema = AllTypesSchema(p.nullable);
  const size_t kRows = 5000;
  // Batches of uneven size so row group boundaries fall inside batches.
  std::vector<Batch> batches;
  for (size_t start = 0; start < kRows;) {
    const size_t n = std::min<size_t>(777, kRows - start);
    batches.push_back(MakeBatch(schema, start, n, p.nullable));
    start += n;
  }
  const Batch all = MakeBatch(schema, 0, kRows, p.nullable);
  WriterOptions options;
  options.compression = p.compression;
  options.dictionary = p.dictionary;
  options.delta_integers = p.delta_integers;
  options.row_group_rows = 1800;
  options.page_bytes = 1024;
  options.key_value_metadata = {{"origin", "test"}};
  Written w = WriteFile(*fs, "/t.parquet", schema, batches, options);
  EXPECT_EQ(w.summary.num_rows, static_cast<int64_t>(kRows));
  EXPECT_EQ(w.summary.file_bytes, w.bytes.size());

  auto reader = OpenReader(*fs, "/t.parquet");
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(*reader->schema(), *schema);
  EXPECT_EQ(reader->num_rows(), static_cast<int64_t>(kRows));
  ASSERT_EQ(reader->num_row_groups(), 3);
  EXPECT_EQ(reader->key_value_metadata(), options.key_value_metadata);
  EXPECT_EQ(reader->metadata().created_by, "stedi version 0.1.0");

  int dictionary_pages = 0;
  const int pages = CountDataPages(w.bytes, reader->metadata(), &dictionary_pages);
  EXPECT_GT(pages, 3 * static_cast<int>(schema->num_fields()));  // several pages per chunk
  if (p.dictionary) {
    EXPECT_GT(dictionary_pages, 0);
  } else {
    EXPECT_EQ(dictionary_pages, 0);
  }

  size_t offset = 0;
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    auto batch = reader->ReadRowGroup(g, {});
    ASSERT_TRUE(batch.ok()) << batch.status().ToString();
    ASSERT_EQ(batch->num_columns(), schema->num_fields());
    for (size_t c = 0; c < schema->num_fields(); ++c) {
      ExpectSameRows(all.column(c), offset, batch->column(c), schema->field(c).name);
      // Chunk statistics equal values recomputed here from the expected rows.
      const ColumnMetaData& m = *reader->metadata().row_groups[g].columns[c].meta_data;
      int64_t nulls = 0;
      for (size_t r = offset; r < offset + batch->num_rows(); ++r) nulls += all.column(c).IsNull(r);
      EXPECT_EQ(m.statistics->null_count, nulls);
      EXPECT_EQ(m.codec, CodecFor(p.compression));
    }
    offset += batch->num_rows();
  }
  EXPECT_EQ(offset, kRows);

  // File summary statistics against values computed from the rows.
  ASSERT_EQ(w.summary.columns.size(), schema->num_fields());
  for (size_t c = 0; c < schema->num_fields(); ++c) {
    const Column& col = all.column(c);
    const ColumnSummary& s = w.summary.columns[c];
    EXPECT_EQ(s.field_id, schema->field(c).field_id);
    EXPECT_EQ(s.value_count, static_cast<int64_t>(kRows));
    EXPECT_EQ(s.null_count, static_cast<int64_t>(col.null_count()));
    EXPECT_GT(s.compressed_bytes, 0);
    std::string mn, mx;
    bool any = false;
    auto encode = [&](auto v) { return std::string(reinterpret_cast<const char*>(&v), sizeof(v)); };
    for (size_t r = 0; r < kRows; ++r) {
      if (col.IsNull(r)) continue;
      std::string v;
      bool less = false, greater = false;
      switch (col.type()) {
        case TypeId::kBoolean:
          v = std::string(1, static_cast<char>(col.GetBool(r)));
          break;
        case TypeId::kInt32:
        case TypeId::kDate:
          v = encode(col.GetInt32(r));
          break;
        case TypeId::kInt64:
        case TypeId::kTimestamp:
          v = encode(col.GetInt64(r));
          break;
        case TypeId::kFloat64:
          v = encode(col.GetDouble(r));
          break;
        default:
          v = std::string(col.GetString(r));
          break;
      }
      if (!any) {
        mn = mx = v;
        any = true;
        continue;
      }
      auto cmp = [&](const std::string& a, const std::string& b) {
        switch (col.type()) {
          case TypeId::kInt32:
          case TypeId::kDate: {
            int32_t x, y;
            std::memcpy(&x, a.data(), 4);
            std::memcpy(&y, b.data(), 4);
            return x < y ? -1 : x > y;
          }
          case TypeId::kInt64:
          case TypeId::kTimestamp: {
            int64_t x, y;
            std::memcpy(&x, a.data(), 8);
            std::memcpy(&y, b.data(), 8);
            return x < y ? -1 : x > y;
          }
          case TypeId::kFloat64: {
            double x, y;
            std::memcpy(&x, a.data(), 8);
            std::memcpy(&y, b.data(), 8);
            return x < y ? -1 : x > y;
          }
          default:
            return a.compare(b) < 0 ? -1 : a.compare(b) > 0;
        }
      };
      less = cmp(v, mn) < 0;
      greater = cmp(v, mx) > 0;
      if (less) mn = v;
      if (greater) mx = v;
    }
    ASSERT_TRUE(s.min.has_value()) << schema->field(c).name;
    EXPECT_EQ(*s.min, mn) << schema->field(c).name;
    EXPECT_EQ(*s.max, mx) << schema->field(c).name;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Codecs, RoundTripTest,
    ::testing::Values(Case{Compression::kNone, true, true}, Case{Compression::kNone, false, true},
                      Case{Compression::kSnappy, true, true},
                      Case{Compression::kSnappy, false, false},
                      Case{Compression::kZstd, true, true}, Case{Compression::kZstd, true, false},
                      Case{Compression::kGzip, true, true}, Case{Compression::kGzip, false, true},
                      Case{Compression::kZstd, false, true, true},
                      Case{Compression::kNone, false, false, true},
                      Case{Compression::kSnappy, true, true, true}));

// Encoding columns on several threads must not change a single byte of the file.
TEST(ParquetWriterTest, ThreadsDoNotChangeTheFile) {
  auto fs = NewMemoryFileSystem();
  auto schema = AllTypesSchema(true);
  WriterOptions options;
  options.row_group_rows = 7000;
  options.page_bytes = 4096;
  const std::vector<Batch> batches = {MakeBatch(schema, 0, 9000, true),
                                      MakeBatch(schema, 9000, 8000, true)};
  Written one = WriteFile(*fs, "/one.parquet", schema, batches, options);
  options.threads = 3;
  Written three = WriteFile(*fs, "/three.parquet", schema, batches, options);
  EXPECT_EQ(one.bytes, three.bytes);
  EXPECT_EQ(three.summary.num_rows, 17000);
}

TEST(ParquetWriterTest, DictionaryForRepeatsAndPlainForUniqueValues) {
  auto fs = NewMemoryFileSystem();
  auto schema = AllTypesSchema(true);
  WriterOptions options;
  options.page_bytes = 4096;
  Written w = WriteFile(*fs, "/d.parquet", schema, {MakeBatch(schema, 0, 20000, true)}, options);
  auto reader = OpenReader(*fs, "/d.parquet");
  ASSERT_NE(reader, nullptr);
  const auto& cols = reader->metadata().row_groups.at(0).columns;
  auto has = [](const ColumnMetaData& m, Encoding e) {
    return std::find(m.encodings.begin(), m.encodings.end(), e) != m.encodings.end();
  };
  // "s" has 37 distinct values, "u" 20000 distinct ones.
  EXPECT_TRUE(has(*cols[4].meta_data, Encoding::kRleDictionary));
  EXPECT_TRUE(cols[4].meta_data->dictionary_page_offset.has_value());
  EXPECT_FALSE(has(*cols[8].meta_data, Encoding::kRleDictionary));
  EXPECT_FALSE(cols[8].meta_data->dictionary_page_offset.has_value());
  // The dictionary column is much smaller than the plain one.
  EXPECT_LT(cols[4].meta_data->total_uncompressed_size * 4,
            cols[8].meta_data->total_uncompressed_size);
}

// A chunk of a million readings names ~35k devices: ~1.4 MB of ids, more than a page. Their
// dictionary is kept (up to dictionary_bytes), so readers get dictionary columns; numbers keep
// the page size as their limit (their PLAIN pages compress better than indices).
TEST(ParquetWriterTest, StringDictionariesMayOutgrowAPageNumbersMayNot) {
  auto fs = NewMemoryFileSystem();
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"device", TypeId::kString, false, 1}, {"time", TypeId::kInt64, false, 2}});
  BatchBuilder bb(schema);
  const size_t distinct = 40000, repeats = 3;  // 40000 ids of 40 bytes: a 1.7 MB dictionary
  for (size_t i = 0; i < distinct * repeats; ++i) {
    char id[48];
    std::snprintf(id, sizeof(id), "device-%033zu", i / repeats);
    bb.column(0).AppendString(id);
    bb.column(1).AppendInt64(static_cast<int64_t>(1650000000000 + i / repeats));
  }
  const Batch batch = bb.Finish();
  for (size_t limit : {size_t{4} << 20, size_t{1} << 20}) {
    WriterOptions options;
    options.dictionary_bytes = limit;
    WriteFile(*fs, "/d.parquet", schema, {batch}, options);
    auto reader = OpenReader(*fs, "/d.parquet");
    ASSERT_NE(reader, nullptr);
    auto read = reader->ReadRowGroup(0, {});
    ASSERT_TRUE(read.ok()) << read.status().ToString();
    // Under 4 MiB the ids stay a dictionary; under 1 MiB the chunk falls back part way.
    EXPECT_EQ(read->column(0).is_dictionary(), limit > (2u << 20)) << limit;
    EXPECT_EQ(read->column(0).GetString(distinct * repeats - 1),
              "device-" + std::string(28, '0') + std::to_string(distinct - 1));
    // Close numbers three to a value: a dictionary would save less than two thirds of their
    // PLAIN bytes, so they are PLAIN (which zstd compresses as well).
    const auto& time = *reader->metadata().row_groups.at(0).columns.at(1).meta_data;
    EXPECT_FALSE(time.dictionary_page_offset.has_value());
  }
  // A few hundred distinct numbers (a sensor's distances) keep their dictionary.
  BatchBuilder distances(schema);
  for (size_t i = 0; i < 100000; ++i) {
    distances.column(0).AppendString("d");
    distances.column(1).AppendInt64(static_cast<int64_t>((i * 7919) % 300));
  }
  WriteFile(*fs, "/s.parquet", schema, {distances.Finish()}, WriterOptions{});
  auto few = OpenReader(*fs, "/s.parquet");
  ASSERT_NE(few, nullptr);
  EXPECT_TRUE(
      few->metadata().row_groups.at(0).columns.at(1).meta_data->dictionary_page_offset.has_value());
  auto few_read = few->ReadRowGroup(0, {});
  ASSERT_TRUE(few_read.ok());
  EXPECT_EQ(few_read->column(1).GetInt64(99999), static_cast<int64_t>((99999 * 7919) % 300));
  BatchBuilder numbers(schema);
  for (size_t i = 0; i < 150000 * repeats; ++i) {
    numbers.column(0).AppendString("d");
    numbers.column(1).AppendInt64(static_cast<int64_t>(i / repeats));
  }
  WriteFile(*fs, "/n.parquet", schema, {numbers.Finish()}, WriterOptions{});
  auto reader = OpenReader(*fs, "/n.parquet");
  ASSERT_NE(reader, nullptr);
  // 150000 distinct int64 are 1.2 MB of dictionary: past the page size, so PLAIN from the start.
  EXPECT_FALSE(reader->metadata()
                   .row_groups.at(0)
                   .columns.at(1)
                   .meta_data->dictionary_page_offset.has_value());
}

// Strings of an all-dictionary chunk come back as a dictionary column; a chunk that falls back to
// PLAIN part-way comes back inline. Either way the values are the written ones, and writing what
// was read gives the same file as writing the original strings.
TEST(ParquetReaderTest, DictionaryChunksStayEncodedAndRewriteIdentically) {
  auto fs = NewMemoryFileSystem();
  auto schema = std::make_shared<const Schema>(std::vector<Field>{
      {"repeats", TypeId::kString, true, 1}, {"mixed", TypeId::kString, true, 2}});
  auto value = [](size_t c, size_t r) -> std::optional<std::string> {
    if (r % 7 == 2) return std::nullopt;
    if (c == 1 && r >= 20000) return "unique-" + std::to_string(r * 7919);
    return "v" + std::to_string(r % 37);
  };
  BatchBuilder bb(schema);
  const size_t rows = 30000;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < 2; ++c) {
      auto v = value(c, r);
      if (v) {
        bb.column(c).AppendString(*v);
      } else {
        bb.column(c).AppendNull();
      }
    }
  }
  WriterOptions options;
  options.page_bytes = 4096;
  options.dictionary_bytes = 4096;
  Written original = WriteFile(*fs, "/o.parquet", schema, {bb.Finish()}, options);
  auto reader = OpenReader(*fs, "/o.parquet");
  ASSERT_NE(reader, nullptr);
  auto batch = reader->ReadRowGroup(0, {});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  EXPECT_TRUE(batch->column(0).is_dictionary());
  EXPECT_FALSE(batch->column(1).is_dictionary());
  for (size_t c = 0; c < 2; ++c) {
    const Column& col = batch->column(c);
    ASSERT_EQ(col.size(), rows);
    for (size_t r = 0; r < rows; ++r) {
      auto v = value(c, r);
      ASSERT_EQ(col.IsNull(r), !v.has_value()) << c << " " << r;
      if (v) {
        ASSERT_EQ(col.GetString(r), *v) << c << " " << r;
      }
    }
  }
  Written rewritten = WriteFile(*fs, "/r.parquet", schema, {*batch}, options);
  EXPECT_EQ(original.bytes, rewritten.bytes);
}

// Property: the file's min and max are those of the values written, computed here one value at
// a time: NaN ignored, -0.0 below +0.0, infinities included; none when no value is a number. On
// random columns of edge values, with and without nulls.
TEST(ParquetWriterTest, StatisticsMatchTheValuesOneByOne) {
  auto fs = NewMemoryFileSystem();
  const std::vector<double> pool = {std::nan(""), -0.0, 0.0,   HUGE_VAL, -HUGE_VAL,
                                    1.5,          -2.5, 1e300, -1e-300,  7.0};
  std::mt19937_64 rng(1129);
  for (int round = 0; round < 300; ++round) {
    const bool nullable = round % 2 == 1;
    auto schema = std::make_shared<const Schema>(std::vector<Field>{
        {"d", TypeId::kFloat64, nullable, 1}, {"i", TypeId::kInt64, nullable, 2}});
    BatchBuilder bb(schema);
    const size_t rows = 1 + rng() % 700;
    const size_t kinds = 1 + rng() % pool.size();  // some rounds draw from a few values only
    const bool any_value = rng() % 2 == 0;         // others from the pool only
    std::optional<double> lo, hi;
    std::optional<int64_t> ilo, ihi;
    auto below = [](double a, double b) {
      return a < b || (a == 0 && b == 0 && std::signbit(a) && !std::signbit(b));
    };
    for (size_t r = 0; r < rows; ++r) {
      if (nullable && rng() % 4 == 0) {
        bb.column(0).AppendNull();
        bb.column(1).AppendNull();
        continue;
      }
      const double v = !any_value || rng() % 3
                           ? pool[rng() % kinds]
                           : std::ldexp(static_cast<double>(rng() % 1000) - 500, -3);
      const int64_t n = static_cast<int64_t>(rng() % 2001) - 1000;
      bb.column(0).AppendDouble(v);
      bb.column(1).AppendInt64(n);
      if (!std::isnan(v)) {
        if (!lo || below(v, *lo)) lo = v;
        if (!hi || below(*hi, v)) hi = v;
      }
      ilo = std::min(ilo.value_or(n), n);
      ihi = std::max(ihi.value_or(n), n);
    }
    WriterOptions options;
    options.page_bytes = 1 + rng() % 4096;  // pages of a few values to many
    Written w = WriteFile(*fs, "/s.parquet", schema, {bb.Finish()}, options);
    const ColumnSummary& d = w.summary.columns[0];
    ASSERT_EQ(d.min.has_value(), lo.has_value()) << round;
    if (lo) {
      // The spec writes a zero minimum as -0.0 and a zero maximum as +0.0.
      if (*lo == 0) lo = -0.0;
      if (*hi == 0) hi = 0.0;
      double min, max;
      std::memcpy(&min, d.min->data(), 8);
      std::memcpy(&max, d.max->data(), 8);
      EXPECT_EQ(std::bit_cast<uint64_t>(min), std::bit_cast<uint64_t>(*lo)) << round;
      EXPECT_EQ(std::bit_cast<uint64_t>(max), std::bit_cast<uint64_t>(*hi)) << round;
    }
    const ColumnSummary& i = w.summary.columns[1];
    ASSERT_EQ(i.min.has_value(), ilo.has_value()) << round;
    if (ilo) {
      int64_t min, max;
      std::memcpy(&min, i.min->data(), 8);
      std::memcpy(&max, i.max->data(), 8);
      EXPECT_EQ(min, *ilo) << round;
      EXPECT_EQ(max, *ihi) << round;
    }
  }
}

// Every data page's statistics describe exactly that page's values, including a page that
// starts with a repeat of the previous page's last string (which the writer does not look up
// again in its dictionary).
TEST(ParquetWriterTest, PageStatisticsDescribeTheirOwnPage) {
  auto fs = NewMemoryFileSystem();
  const std::vector<std::string> pool = {"", "a", "ab", "b", "zz", "m\xc3\xa9", "aa"};
  std::mt19937_64 rng(1130);
  for (int round = 0; round < 200; ++round) {
    const bool nullable = round % 2 == 1;
    auto schema =
        std::make_shared<const Schema>(std::vector<Field>{{"s", TypeId::kString, nullable, 1}});
    BatchBuilder bb(schema);
    std::vector<std::optional<std::string>> values;
    const size_t rows = 1 + rng() % 3000;
    while (values.size() < rows) {
      // Runs of one value, so that pages often begin in the middle of a run.
      std::optional<std::string> v;
      if (!nullable || rng() % 5 != 0) v = pool[rng() % pool.size()];
      for (size_t n = 1 + rng() % 40; n > 0 && values.size() < rows; --n) values.push_back(v);
    }
    for (const auto& v : values) {
      if (v) {
        bb.column(0).AppendString(*v);
      } else {
        bb.column(0).AppendNull();
      }
    }
    WriterOptions options;
    options.page_bytes = 1 + rng() % 512;
    Written w = WriteFile(*fs, "/p.parquet", schema, {bb.Finish()}, options);
    auto reader = OpenReader(*fs, "/p.parquet");
    ASSERT_NE(reader, nullptr);
    const ColumnMetaData& meta = *reader->metadata().row_groups[0].columns[0].meta_data;
    size_t at = static_cast<size_t>(meta.dictionary_page_offset.value_or(meta.data_page_offset));
    const size_t chunk_end = at + static_cast<size_t>(meta.total_compressed_size);
    size_t row = 0;
    int pages = 0;
    while (at < chunk_end) {
      size_t header_size = 0;
      auto header = ParsePageHeader(std::string_view(w.bytes).substr(at), "page", at, &header_size);
      ASSERT_TRUE(header.ok()) << header.status().ToString();
      at += header_size + static_cast<size_t>(header->compressed_page_size);
      if (!header->data_page) continue;
      const size_t n = static_cast<size_t>(header->data_page->num_values);
      std::optional<std::string> lo, hi;
      int64_t nulls = 0;
      for (size_t r = row; r < row + n; ++r) {
        if (!values[r]) {
          ++nulls;
          continue;
        }
        if (!lo || *values[r] < *lo) lo = values[r];
        if (!hi || *values[r] > *hi) hi = values[r];
      }
      const Statistics& stats = *header->data_page->statistics;
      EXPECT_EQ(stats.min_value, lo) << round << " page " << pages;
      EXPECT_EQ(stats.max_value, hi) << round << " page " << pages;
      EXPECT_EQ(stats.null_count.value_or(0), nulls) << round << " page " << pages;
      row += n;
      ++pages;
    }
    EXPECT_EQ(row, values.size()) << round;
  }
}

TEST(ParquetWriterTest, AllNullEmptyStringsAndZeroRows) {
  auto fs = NewMemoryFileSystem();
  auto schema =
      std::make_shared<const Schema>(std::vector<Field>{{"n", TypeId::kInt64, true, 1},
                                                        {"e", TypeId::kString, true, 2},
                                                        {"z", TypeId::kFloat64, false, 3}});
  BatchBuilder bb(schema);
  for (int r = 0; r < 3000; ++r) {
    bb.column(0).AppendNull();
    bb.column(1).AppendString("");
    bb.column(2).AppendDouble(r % 2 ? -0.0 : 0.0);
  }
  WriterOptions options;
  options.compression = Compression::kSnappy;
  Written w = WriteFile(*fs, "/n.parquet", schema, {bb.Finish()}, options);
  EXPECT_EQ(w.summary.columns[0].null_count, 3000);
  EXPECT_FALSE(w.summary.columns[0].min.has_value());
  EXPECT_EQ(w.summary.columns[1].min, std::string());
  EXPECT_EQ(w.summary.columns[1].max, std::string());
  double zmin, zmax;
  std::memcpy(&zmin, w.summary.columns[2].min->data(), 8);
  std::memcpy(&zmax, w.summary.columns[2].max->data(), 8);
  EXPECT_TRUE(std::signbit(zmin));   // -0.0 as the minimum, as the spec asks
  EXPECT_FALSE(std::signbit(zmax));  // +0.0 as the maximum
  auto reader = OpenReader(*fs, "/n.parquet");
  ASSERT_NE(reader, nullptr);
  auto batch = reader->ReadRowGroup(0, {1, 0});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->num_rows(), 3000u);
  EXPECT_EQ(batch->schema()->field(0).name, "e");
  EXPECT_EQ(batch->column(1).null_count(), 3000u);
  EXPECT_EQ(batch->column(0).null_count(), 0u);
  EXPECT_EQ(batch->column(0).GetString(2999), "");

  Written empty = WriteFile(*fs, "/empty.parquet", schema, {}, WriterOptions{});
  EXPECT_EQ(empty.summary.num_rows, 0);
  auto r2 = OpenReader(*fs, "/empty.parquet");
  ASSERT_NE(r2, nullptr);
  EXPECT_EQ(r2->num_row_groups(), 0);
  EXPECT_EQ(*r2->schema(), *schema);
  EXPECT_TRUE(r2->ReadRowGroup(0, {}).status().IsInvalid());
}

// A page whose definition levels are one run of 1s is read without expanding them; a page
// whose levels start with such a run and then turn to nulls must keep its nulls.
TEST(ParquetWriterTest, PagesStartingWithPresentRowsKeepTheirLaterNulls) {
  auto fs = NewMemoryFileSystem();
  auto schema = std::make_shared<const Schema>(std::vector<Field>{{"n", TypeId::kInt64, true, 1},
                                                                  {"d", TypeId::kFloat64, true, 2},
                                                                  {"s", TypeId::kString, true, 3}});
  constexpr int kRows = 3000;
  auto present = [](int r) { return r < 1000 || r >= 2000; };  // nulls in the middle
  BatchBuilder bb(schema);
  for (int r = 0; r < kRows; ++r) {
    if (!present(r)) {
      for (size_t c = 0; c < 3; ++c) bb.column(c).AppendNull();
      continue;
    }
    bb.column(0).AppendInt64(r);
    bb.column(1).AppendDouble(r % 5);
    bb.column(2).AppendString(r % 2 ? "odd" : "even");
  }
  WriteFile(*fs, "/levels.parquet", schema, {bb.Finish()}, WriterOptions{});
  auto reader = OpenReader(*fs, "/levels.parquet");
  ASSERT_NE(reader, nullptr);
  auto batch = reader->ReadRowGroup(0, {0, 1, 2});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->num_rows(), static_cast<size_t>(kRows));
  for (size_t c = 0; c < 3; ++c) {
    SCOPED_TRACE("column " + std::to_string(c));
    EXPECT_EQ(batch->column(c).null_count(), 1000u);
    for (int r = 0; r < kRows; r += 250) {
      EXPECT_EQ(batch->column(c).IsNull(r), !present(r)) << "row " << r;
    }
  }
  EXPECT_EQ(batch->column(0).GetInt64(2999), 2999);
  EXPECT_EQ(batch->column(1).GetDouble(2004), 4.0);
  EXPECT_EQ(batch->column(2).GetString(2001), "odd");
}

TEST(ParquetReaderTest, DictionaryStringsWithNullsOnlyInEarlyOrOnlyInLatePagesKeepThem) {
  // Pages of dictionary codes without a null keep no validity until a page with one: then the
  // earlier pages' rows must count as present, and later pages without nulls too.
  auto fs = NewMemoryFileSystem();
  auto schema = std::make_shared<const Schema>(
      std::vector<Field>{{"late", TypeId::kString, true, 1}, {"early", TypeId::kString, true, 2}});
  constexpr size_t kRows = 30000;
  auto value = [](size_t c, size_t r) -> std::optional<std::string> {
    const bool null = c == 0 ? (r >= 20000 && r % 5 == 0) : (r < 3000 && r % 3 == 0);
    if (null) return std::nullopt;
    return "v" + std::to_string(r % 37);
  };
  BatchBuilder bb(schema);
  size_t nulls[2] = {0, 0};
  for (size_t r = 0; r < kRows; ++r) {
    for (size_t c = 0; c < 2; ++c) {
      auto v = value(c, r);
      if (v) {
        bb.column(c).AppendString(*v);
      } else {
        bb.column(c).AppendNull();
        ++nulls[c];
      }
    }
  }
  WriterOptions options;
  options.page_bytes = 4096;  // many pages per chunk
  WriteFile(*fs, "/pages.parquet", schema, {bb.Finish()}, options);
  auto reader = OpenReader(*fs, "/pages.parquet");
  ASSERT_NE(reader, nullptr);
  auto batch = reader->ReadRowGroup(0, {});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  for (size_t c = 0; c < 2; ++c) {
    const Column& col = batch->column(c);
    ASSERT_TRUE(col.is_dictionary()) << c;
    ASSERT_EQ(col.size(), kRows);
    EXPECT_EQ(col.null_count(), nulls[c]) << c;
    for (size_t r = 0; r < kRows; ++r) {
      auto v = value(c, r);
      ASSERT_EQ(col.IsNull(r), !v.has_value()) << c << " " << r;
      if (v) {
        ASSERT_EQ(col.GetString(r), *v) << c << " " << r;
      }
    }
  }
}

TEST(ParquetWriterTest, RejectsMismatchedBatchesAndBadOptions) {
  auto fs = NewMemoryFileSystem();
  auto schema = AllTypesSchema(false);
  WriterOptions bad;
  bad.row_group_rows = 0;
  EXPECT_TRUE(
      FileWriter::Open(fs->OpenForWrite("/x").MoveValue(), schema, bad).status().IsInvalid());
  auto writer = FileWriter::Open(fs->OpenForWrite("/y").MoveValue(), schema, WriterOptions{});
  ASSERT_TRUE(writer.ok());
  auto nullable = AllTypesSchema(true);
  EXPECT_FALSE((*writer)->Write(MakeBatch(nullable, 0, 10, true)).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_TRUE((*writer)->Close().status().IsInvalid());
}

}  // namespace
}  // namespace stedi::parquet
