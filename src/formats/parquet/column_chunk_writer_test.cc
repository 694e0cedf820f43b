#include "formats/parquet/column_chunk_writer.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "columnar/batch.h"
#include "formats/parquet/file_reader.h"
#include "formats/parquet/file_writer.h"
#include "storage/file_system.h"

namespace stedi::parquet {
namespace {

bool Has(const ColumnMetaData& m, Encoding e) {
  return std::find(m.encodings.begin(), m.encodings.end(), e) != m.encodings.end();
}

// Columns: "unique" (int64, all distinct), "low" (int64, 10 values), "front" (string: the first
// 20000 values distinct, then one value repeated), "dbl" (double, 3 values).
std::shared_ptr<const Schema> FallbackSchema() {
  return std::make_shared<const Schema>(std::vector<Field>{{"unique", TypeId::kInt64, true, 1},
                                                           {"low", TypeId::kInt64, true, 2},
                                                           {"front", TypeId::kString, true, 3},
                                                           {"dbl", TypeId::kFloat64, false, 4}});
}

Batch MakeFallbackBatch(size_t rows) {
  BatchBuilder bb(FallbackSchema());
  for (size_t r = 0; r < rows; ++r) {
    bb.column(0).AppendInt64(1'655'564'444'000 + static_cast<int64_t>(r) * 3);
    if (r % 13 == 5) {
      bb.column(1).AppendNull();
    } else {
      bb.column(1).AppendInt64(static_cast<int64_t>(r % 10) - 4);
    }
    bb.column(2).AppendString(r < 20'000 ? "id-" + std::to_string(r) : std::string("same"));
    bb.column(3).AppendDouble(static_cast<double>(r % 3) - 1);
  }
  return bb.Finish();
}

TEST(ColumnChunkWriterTest, EarlyFallbackForUniqueValuesDictionaryForRepeats) {
  auto fs = NewMemoryFileSystem();
  const size_t rows = 200'000;
  const Batch batch = MakeFallbackBatch(rows);
  {
    auto out = fs->OpenForWrite("/f.parquet");
    ASSERT_TRUE(out.ok());
    auto writer = FileWriter::Open(std::move(*out), FallbackSchema(), WriterOptions{});
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)->Write(batch).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  auto file = fs->OpenForRead("/f.parquet");
  ASSERT_TRUE(file.ok());
  auto reader = FileReader::Open(std::shared_ptr<RandomAccessFile>(std::move(*file)));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& cols = (*reader)->metadata().row_groups.at(0).columns;
  ASSERT_EQ(cols.size(), 4u);
  // Unique timestamps: PLAIN only, no dictionary page.
  EXPECT_FALSE(Has(*cols[0].meta_data, Encoding::kRleDictionary));
  EXPECT_TRUE(Has(*cols[0].meta_data, Encoding::kPlain));
  EXPECT_FALSE(cols[0].meta_data->dictionary_page_offset.has_value());
  // Ten values: dictionary.
  EXPECT_TRUE(Has(*cols[1].meta_data, Encoding::kRleDictionary));
  EXPECT_TRUE(cols[1].meta_data->dictionary_page_offset.has_value());
  // Distinct first values: the dictionary would pay over the whole chunk (20000 entries and
  // 200000 indices of 15 bits beat 200000 PLAIN strings), but the first 16k values say it does
  // not, and the chunk goes PLAIN right there.
  EXPECT_FALSE(Has(*cols[2].meta_data, Encoding::kRleDictionary));
  EXPECT_FALSE(cols[2].meta_data->dictionary_page_offset.has_value());
  // Three doubles: dictionary.
  EXPECT_TRUE(Has(*cols[3].meta_data, Encoding::kRleDictionary));

  // The values read back are those written.
  auto read = (*reader)->ReadRowGroup(0, {0, 1, 2, 3});
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->num_rows(), rows);
  for (size_t r = 0; r < rows; r += 997) {
    EXPECT_EQ(read->column(0).GetInt64(r), batch.column(0).GetInt64(r)) << r;
    EXPECT_EQ(read->column(1).IsNull(r), batch.column(1).IsNull(r)) << r;
    if (!batch.column(1).IsNull(r)) {
      EXPECT_EQ(read->column(1).GetInt64(r), batch.column(1).GetInt64(r)) << r;
    }
    EXPECT_EQ(read->column(2).GetString(r), batch.column(2).GetString(r)) << r;
    EXPECT_EQ(read->column(3).GetDouble(r), batch.column(3).GetDouble(r)) << r;
  }
}

TEST(ColumnChunkWriterTest, UniqueStartGoesPlainEvenWhenLaterValuesRepeat) {
  // kEarlyCheckValues - 1 distinct values, then one value repeated. At the checkpoint the
  // dictionary (4-byte entries plus 14-bit indices) costs more than PLAIN, so the chunk goes
  // PLAIN, although over the whole chunk the dictionary would be smaller and the end-of-page
  // rule alone would have kept it.
  ChunkWriterOptions options;
  ColumnChunkWriter w(Field{"v", TypeId::kInt32, false, 1}, options);
  ColumnBuilder b(TypeId::kInt32);
  const size_t n = ColumnChunkWriter::kEarlyCheckValues;
  for (size_t i = 0; i < n - 1; ++i) b.AppendInt32(static_cast<int32_t>(i));
  for (size_t i = 0; i < 100'000; ++i) b.AppendInt32(7);
  const Column col = b.Finish();
  ASSERT_TRUE(w.Append(col, 0, col.size()).ok());
  auto chunk = w.Finish();
  ASSERT_TRUE(chunk.ok());
  EXPECT_FALSE(chunk->dictionary_page_offset.has_value());
  EXPECT_EQ(chunk->num_values, static_cast<int64_t>(col.size()));

  // A chunk shorter than the checkpoint keeps the old rule (dictionary when it pays).
  ColumnBuilder small(TypeId::kInt32);
  for (size_t i = 0; i < 5000; ++i) small.AppendInt32(static_cast<int32_t>(i % 4));
  const Column small_col = small.Finish();
  ASSERT_TRUE(w.Append(small_col, 0, small_col.size()).ok());
  auto small_chunk = w.Finish();
  ASSERT_TRUE(small_chunk.ok());
  EXPECT_TRUE(small_chunk->dictionary_page_offset.has_value());
  EXPECT_EQ(small_chunk->encodings.front(), Encoding::kRleDictionary);
}

}  // namespace
}  // namespace stedi::parquet
