#include <gtest/gtest.h>

#include "formats/avro/container_reader.h"
#include "formats/iceberg/manifest.h"
#include "formats/iceberg/table_metadata.h"
#include "storage/file_system.h"

namespace stedi::iceberg {
namespace {

Schema TwoColumns() {
  return Schema({Field{"user", TypeId::kString, true, 1}, Field{"x", TypeId::kFloat64, false, 2},
                 Field{"ts", TypeId::kTimestamp, true, 3}});
}

std::string LittleEndian64(int64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i)
    out[i] = static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff);
  return out;
}

TEST(IcebergManifestTest, EntriesRoundTripThroughLibavroWithFieldIdsInTheHeader) {
  auto fs = NewMemoryFileSystem();
  ManifestContext context{TwoColumns(), 3, 77, 5};
  std::vector<ManifestEntry> entries;
  ManifestEntry added;
  added.status = EntryStatus::kAdded;
  added.snapshot_id = 77;
  added.sequence_number = 5;
  added.file_sequence_number = 5;
  added.file.file_path = "file:///lake/t/data/a.parquet";
  added.file.record_count = 10;
  added.file.file_size_in_bytes = 1234;
  added.file.metrics = {ColumnMetrics{1, 100, 10, 2, std::string("ann"), std::string("zoe")},
                        ColumnMetrics{2, 80, 10, 0, LittleEndian64(1), LittleEndian64(9)},
                        ColumnMetrics{3, 60, 10, 10, std::nullopt, std::nullopt}};
  entries.push_back(added);
  ManifestEntry existing = added;
  existing.status = EntryStatus::kExisting;
  existing.snapshot_id = 70;
  existing.sequence_number = 2;
  existing.file_sequence_number = 2;
  existing.file.file_path = "file:///lake/t/data/b.parquet";
  existing.file.record_count = 4;
  entries.push_back(existing);

  auto written = WriteManifest(*fs, "/m/a.avro", "file:///m/a.avro", context, entries);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  EXPECT_EQ(written->added_files_count, 1);
  EXPECT_EQ(written->existing_files_count, 1);
  EXPECT_EQ(written->added_rows_count, 10);
  EXPECT_EQ(written->existing_rows_count, 4);
  EXPECT_EQ(written->min_sequence_number, 2);
  EXPECT_EQ(written->sequence_number, 5);
  auto size = fs->Stat("/m/a.avro");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(static_cast<uint64_t>(written->manifest_length), size->size);

  // The header keeps the schema text as written, field ids included.
  auto reader = avro::ContainerReader::Open(*fs, "/m/a.avro");
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& meta = (*reader)->metadata();
  EXPECT_NE(meta.at("avro.schema").find("\"field-id\":134"), std::string::npos);
  EXPECT_NE(meta.at("avro.schema").find("\"field-id\":117"), std::string::npos);
  EXPECT_EQ(meta.at("format-version"), "2");
  EXPECT_EQ(meta.at("content"), "data");
  EXPECT_NE(meta.at("schema").find("\"name\":\"user\""), std::string::npos);

  auto read = ReadManifest(*fs, "/m/a.avro", *written);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  const ManifestEntry& a = (*read)[0];
  EXPECT_EQ(a.status, EntryStatus::kAdded);
  EXPECT_EQ(a.snapshot_id, 77);
  EXPECT_EQ(a.sequence_number, 5);
  EXPECT_EQ(a.file.file_path, "file:///lake/t/data/a.parquet");
  EXPECT_EQ(a.file.file_format, "PARQUET");
  EXPECT_EQ(a.file.record_count, 10);
  EXPECT_EQ(a.file.file_size_in_bytes, 1234);
  EXPECT_EQ(a.file.metrics, added.file.metrics);
  const ManifestEntry& b = (*read)[1];
  EXPECT_EQ(b.status, EntryStatus::kExisting);
  EXPECT_EQ(b.snapshot_id, 70);
  EXPECT_EQ(b.sequence_number, 2);
  EXPECT_EQ(b.file.record_count, 4);
}

TEST(IcebergManifestTest, NullSequenceNumbersInheritFromTheManifest) {
  auto fs = NewMemoryFileSystem();
  ManifestEntry e;
  e.file.file_path = "file:///x.parquet";
  e.file.record_count = 1;
  auto written = WriteManifest(*fs, "/m.avro", "file:///m.avro", {TwoColumns(), 0, 9, 4}, {e});
  ASSERT_TRUE(written.ok());
  auto read = ReadManifest(*fs, "/m.avro", *written);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 1u);
  EXPECT_EQ((*read)[0].snapshot_id, 9);
  EXPECT_EQ((*read)[0].sequence_number, 4);
  EXPECT_EQ((*read)[0].file_sequence_number, 4);
}

TEST(IcebergManifestTest, ManifestListRoundTrips) {
  auto fs = NewMemoryFileSystem();
  std::vector<ManifestFile> manifests(2);
  manifests[0].manifest_path = "file:///m/1.avro";
  manifests[0].manifest_length = 321;
  manifests[0].sequence_number = 1;
  manifests[0].min_sequence_number = 1;
  manifests[0].added_snapshot_id = 11;
  manifests[0].added_files_count = 3;
  manifests[0].added_rows_count = 300;
  manifests[1].manifest_path = "file:///m/2.avro";
  manifests[1].manifest_length = 123;
  manifests[1].sequence_number = 2;
  manifests[1].min_sequence_number = 1;
  manifests[1].added_snapshot_id = 12;
  manifests[1].existing_files_count = 2;
  manifests[1].deleted_files_count = 1;
  manifests[1].existing_rows_count = 20;
  manifests[1].deleted_rows_count = 7;
  ASSERT_TRUE(WriteManifestList(*fs, "/list.avro", 12, 11, 2, manifests).ok());
  auto read = ReadManifestList(*fs, "/list.avro");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    const ManifestFile& want = manifests[i];
    const ManifestFile& got = (*read)[i];
    EXPECT_EQ(got.manifest_path, want.manifest_path);
    EXPECT_EQ(got.manifest_length, want.manifest_length);
    EXPECT_EQ(got.sequence_number, want.sequence_number);
    EXPECT_EQ(got.min_sequence_number, want.min_sequence_number);
    EXPECT_EQ(got.added_snapshot_id, want.added_snapshot_id);
    EXPECT_EQ(got.added_files_count, want.added_files_count);
    EXPECT_EQ(got.existing_files_count, want.existing_files_count);
    EXPECT_EQ(got.deleted_files_count, want.deleted_files_count);
    EXPECT_EQ(got.added_rows_count, want.added_rows_count);
    EXPECT_EQ(got.existing_rows_count, want.existing_rows_count);
    EXPECT_EQ(got.deleted_rows_count, want.deleted_rows_count);
  }
}

TEST(IcebergManifestTest, NotAnAvroFileIsReportedWithItsPath) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteAll("/bad.avro", "{\"not\": \"avro\"}").ok());
  auto read = ReadManifestList(*fs, "/bad.avro");
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().ToString().find("/bad.avro"), std::string::npos);
  EXPECT_NE(read.status().ToString().find("magic"), std::string::npos);
}

TEST(IcebergMetadataTest, MetadataRoundTripsThroughJson) {
  TableMetadata m;
  m.table_uuid = "9c12d441-03fe-4693-9a96-a0705ddf69c1";
  m.location = "file:///lake/customer/landing/customer_landing";
  m.last_sequence_number = 2;
  m.last_updated_ms = 1700000000123;
  m.last_column_id = 3;
  m.schemas = {{0, TwoColumns()}};
  m.properties = {{"write.format.default", "parquet"}};
  Snapshot s1;
  s1.snapshot_id = 11;
  s1.sequence_number = 1;
  s1.timestamp_ms = 1700000000000;
  s1.manifest_list = "file:///lake/m/snap-11.avro";
  s1.summary = {{"operation", "append"}, {"total-records", "10"}};
  s1.schema_id = 0;
  Snapshot s2 = s1;
  s2.snapshot_id = 12;
  s2.parent_snapshot_id = 11;
  s2.sequence_number = 2;
  s2.summary = {{"operation", "overwrite"}, {"total-records", "4"}};
  m.snapshots = {s1, s2};
  m.current_snapshot_id = 12;
  m.snapshot_log = {{1700000000000, 11}, {1700000000100, 12}};
  m.metadata_log = {{1700000000000, "file:///lake/m/00000-a.metadata.json"}};

  std::string json = TableMetadataToJson(m);
  EXPECT_NE(json.find("\"refs\":{\"main\":{\"snapshot-id\":12,\"type\":\"branch\"}}"),
            std::string::npos);
  auto parsed = ParseTableMetadata(json, "t.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->table_uuid, m.table_uuid);
  EXPECT_EQ(parsed->location, m.location);
  EXPECT_EQ(parsed->last_sequence_number, 2);
  EXPECT_EQ(parsed->last_column_id, 3);
  ASSERT_NE(parsed->current_schema(), nullptr);
  EXPECT_EQ(*parsed->current_schema(), TwoColumns());
  ASSERT_NE(parsed->current_snapshot(), nullptr);
  EXPECT_EQ(parsed->current_snapshot()->snapshot_id, 12);
  EXPECT_EQ(parsed->current_snapshot()->parent_snapshot_id, 11);
  EXPECT_EQ(parsed->current_snapshot()->operation(), "overwrite");
  EXPECT_EQ(parsed->current_snapshot()->total_records(), 4);
  EXPECT_EQ(parsed->snapshots.size(), 2u);
  EXPECT_EQ(parsed->snapshot_log.size(), 2u);
  ASSERT_EQ(parsed->metadata_log.size(), 1u);
  EXPECT_EQ(parsed->metadata_log[0].metadata_file, m.metadata_log[0].metadata_file);
  EXPECT_EQ(parsed->properties, m.properties);
  // Writing the parsed metadata again gives the same document.
  EXPECT_EQ(TableMetadataToJson(*parsed), json);
}

TEST(IcebergMetadataTest, ErrorsNameTheFileAndWhatIsMissing) {
  auto bad = ParseTableMetadata("{\"format-version\":2}", "m.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("m.json"), std::string::npos);
  EXPECT_NE(bad.status().ToString().find("location"), std::string::npos);
  auto v3 = ParseTableMetadata("{\"format-version\":3,\"location\":\"x\"}", "m.json");
  ASSERT_FALSE(v3.ok());
  EXPECT_TRUE(v3.status().IsNotImplemented()) << v3.status().ToString();
  auto nested = ParseTableMetadata(
      "{\"format-version\":2,\"location\":\"x\",\"current-schema-id\":0,\"schemas\":[{"
      "\"schema-id\":0,\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":\"tags\","
      "\"required\":false,\"type\":{\"type\":\"list\"}}]}]}",
      "m.json");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().ToString().find("tags"), std::string::npos);
}

}  // namespace
}  // namespace stedi::iceberg
