#include "formats/parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include "formats/parquet/metadata.h"

namespace stedi::parquet {
namespace {

TEST(ThriftCompactTest, EncodesFieldHeadersAsTheSpecSays) {
  ThriftCompactWriter w;
  w.StructBegin();
  w.FieldI32(1, 5);    // delta 1, type 5; zigzag(5) = 10
  w.FieldI32(20, -1);  // delta 19 > 15: long form, zigzag id 40, zigzag(-1) = 1
  w.FieldBool(21, true);
  w.FieldBinary(22, "ab");
  w.StructEnd();
  const std::string expected(
      "\x15\x0A\x05\x28\x01\x11\x18\x02"
      "ab\x00",
      11);
  EXPECT_EQ(w.bytes(), expected);
}

TEST(ThriftCompactTest, RoundTripsFileMetaData) {
  FileMetaData md;
  md.version = 1;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 2;
  SchemaElement a;
  a.name = "ts";
  a.type = PhysicalType::kInt64;
  a.repetition = Repetition::kOptional;
  a.field_id = 7;
  a.logical_type = {
      .kind = LogicalType::Kind::kTimestamp, .adjusted_to_utc = false, .unit = TimeUnit::kNanos};
  SchemaElement b;
  b.name = "n";
  b.type = PhysicalType::kInt32;
  b.repetition = Repetition::kRequired;
  b.logical_type = {.kind = LogicalType::Kind::kInteger, .bit_width = 16, .is_signed = true};
  md.schema = {root, a, b};
  md.num_rows = 1234567890123;
  RowGroup g;
  g.num_rows = md.num_rows;
  g.total_byte_size = 99;
  ColumnChunk c;
  c.file_offset = 4;
  ColumnMetaData cm;
  cm.type = PhysicalType::kInt64;
  cm.encodings = {Encoding::kPlain, Encoding::kRle};
  cm.path_in_schema = {"ts"};
  cm.codec = Codec::kZstd;
  cm.num_values = 3;
  cm.total_compressed_size = 17;
  cm.total_uncompressed_size = 18;
  cm.data_page_offset = 4;
  cm.dictionary_page_offset = 5;
  cm.statistics = Statistics{std::string("\x01\x00", 2), std::string("\xff"), 2, {}, {}};
  c.meta_data = cm;
  g.columns = {c, c};
  md.row_groups = {g};
  md.key_value_metadata = {{"k", "v"}, {"empty", ""}};
  md.created_by = "stedi version 0.1.0";
  md.type_defined_column_orders = 2;

  const std::string bytes = SerializeFileMetaData(md);
  auto parsed = ParseFileMetaData(bytes, "test", 0);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->schema.size(), 3u);
  EXPECT_EQ(parsed->schema[0].num_children, 2);
  EXPECT_EQ(parsed->schema[1].field_id, 7);
  EXPECT_EQ(parsed->schema[1].logical_type.kind, LogicalType::Kind::kTimestamp);
  EXPECT_EQ(parsed->schema[1].logical_type.unit, TimeUnit::kNanos);
  EXPECT_FALSE(parsed->schema[1].logical_type.adjusted_to_utc);
  EXPECT_EQ(parsed->schema[2].logical_type.bit_width, 16);
  EXPECT_EQ(parsed->schema[2].repetition, Repetition::kRequired);
  EXPECT_FALSE(parsed->schema[2].field_id.has_value());
  EXPECT_EQ(parsed->num_rows, 1234567890123);
  ASSERT_EQ(parsed->row_groups.size(), 1u);
  ASSERT_EQ(parsed->row_groups[0].columns.size(), 2u);
  const ColumnMetaData& pm = *parsed->row_groups[0].columns[1].meta_data;
  EXPECT_EQ(pm.encodings, cm.encodings);
  EXPECT_EQ(pm.path_in_schema, cm.path_in_schema);
  EXPECT_EQ(pm.codec, Codec::kZstd);
  EXPECT_EQ(pm.dictionary_page_offset, 5);
  EXPECT_EQ(pm.statistics->min_value, std::string("\x01\x00", 2));
  EXPECT_EQ(pm.statistics->max_value, "\xff");
  EXPECT_EQ(pm.statistics->null_count, 2);
  EXPECT_EQ(parsed->key_value_metadata, md.key_value_metadata);
  EXPECT_EQ(parsed->created_by, md.created_by);
}

TEST(ThriftCompactTest, SkipsUnknownFieldsOfEveryType) {
  ThriftCompactWriter w;
  w.StructBegin();
  w.FieldI32(1, 0);  // DATA_PAGE
  w.FieldI32(2, 10);
  w.FieldI32(3, 9);
  w.FieldStructBegin(4);  // unknown id 4 (crc is i32 in the spec; here a struct to test skipping)
  w.FieldListBegin(1, ThriftType::kBinary, 20);
  for (int i = 0; i < 20; ++i) w.ElementBinary("x");
  w.FieldBool(2, false);
  w.StructEnd();
  std::string bytes = w.Release();
  // A map<i32,i32> field with id 40 (long header form) and two entries, then a double.
  bytes += std::string("\x0B\x50\x02\x55\x02\x04\x06\x08", 8);
  bytes += std::string("\x07\x52", 2) + std::string(8, '\x01');
  bytes += std::string("\x00", 1);
  size_t header_size = 0;
  auto h = ParsePageHeader(bytes, "test", 0, &header_size);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->uncompressed_page_size, 10);
  EXPECT_EQ(h->compressed_page_size, 9);
  EXPECT_EQ(header_size, bytes.size());
}

TEST(ThriftCompactTest, TruncationAtEveryByteIsCorruption) {
  PageHeader h;
  h.type = PageType::kDataPage;
  h.uncompressed_page_size = 100;
  h.compressed_page_size = 50;
  h.data_page = DataPageHeader{1000, Encoding::kRleDictionary, Encoding::kRle, Encoding::kRle,
                               Statistics{std::string("aa"), std::string("zz"), 3, {}, {}}};
  const std::string bytes = SerializePageHeader(h);
  for (size_t n = 0; n < bytes.size(); ++n) {
    size_t header_size = 0;
    auto parsed = ParsePageHeader(std::string_view(bytes).substr(0, n), "hdr", 100, &header_size);
    ASSERT_FALSE(parsed.ok()) << n;
    EXPECT_TRUE(parsed.status().IsCorruption()) << parsed.status().ToString();
    EXPECT_NE(parsed.status().message().find("hdr"), std::string::npos);
  }
  size_t header_size = 0;
  auto full = ParsePageHeader(bytes, "hdr", 0, &header_size);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->data_page->num_values, 1000);
  EXPECT_EQ(full->data_page->statistics->max_value, "zz");
}

TEST(ThriftCompactTest, HostileListSizesAndNestingFailCleanly) {
  // FileMetaData with a schema list claiming 2^31 elements.
  std::string huge("\x15\x02\x19\xF8\x80\x80\x80\x80\x08", 9);
  auto a = ParseFileMetaData(huge, "huge", 0);
  EXPECT_TRUE(a.status().IsCorruption()) << a.status().ToString();
  // Unknown field that nests structs 1000 deep.
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += '\xFC';  // unknown field 15, a struct
  auto b = ParseFileMetaData(deep, "deep", 0);
  EXPECT_TRUE(b.status().IsCorruption()) << b.status().ToString();
  // Field type 13 does not exist.
  auto c = ParseFileMetaData(std::string("\x1D", 1), "type", 0);
  EXPECT_TRUE(c.status().IsCorruption());
}

}  // namespace
}  // namespace stedi::parquet
