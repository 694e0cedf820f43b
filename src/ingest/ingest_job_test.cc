#include "ingest/ingest_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "catalog/catalog.h"
#include "formats/parquet/file_reader.h"
#include "storage/checksum.h"

namespace stedi {
namespace {

namespace fsys = std::filesystem;

class IngestJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fsys::temp_directory_path() /
             ("stedi_ingest_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    fsys::remove_all(root_);
    fs_ = NewLocalFileSystem();
  }
  void TearDown() override { fsys::remove_all(root_); }

  Result<IngestReport> Ingest(const std::string& source) {
    IngestOptions options;
    options.lake_dir = JoinPath(root_, "lake");
    options.source_dir = source;
    return RunIngest(*fs_, options);
  }

  // Sums the rows of every data file of TABLE by reading the Parquet files back.
  int64_t RowsOnDisk(const std::string& table) {
    auto catalog = Catalog::Open(JoinPath(root_, "lake"), std::nullopt);
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    auto entry = (*catalog)->GetTable(table);
    EXPECT_TRUE(entry.ok()) << entry.status().ToString();
    int64_t rows = 0;
    for (const DataFile& f : entry->files) {
      auto file = fs_->OpenForRead(JoinPath(JoinPath(root_, "lake"), f.path));
      EXPECT_TRUE(file.ok());
      auto reader = parquet::FileReader::Open(std::shared_ptr<RandomAccessFile>(file->release()));
      EXPECT_TRUE(reader.ok()) << reader.status().ToString();
      rows += (*reader)->num_rows();
      EXPECT_EQ((*reader)->num_rows(), f.rows);
    }
    EXPECT_EQ(rows, entry->rows);
    return rows;
  }

  void Write(const std::string& relative, std::string_view bytes) {
    ASSERT_TRUE(fs_->WriteAll(JoinPath(JoinPath(root_, "src"), relative), bytes).ok());
  }

  std::string root_;
  std::unique_ptr<FileSystem> fs_;
};

const SourceIngestReport& SourceReport(const IngestReport& r, std::string_view source) {
  for (const auto& s : r.sources) {
    if (s.source == source) return s;
  }
  static SourceIngestReport none;
  ADD_FAILURE() << "no report for " << source;
  return none;
}

TEST_F(IngestJobTest, RealStediDataGivesReadmeCountsTwice) {
  const char* shared = std::getenv("STEDI_SHARED_DATA");
  if (shared == nullptr || !fsys::exists(shared)) GTEST_SKIP() << "no ../shared/data/stedi";
  // Counts from ../shared/data/stedi/README.md.
  for (int round = 0; round < 2; ++round) {
    auto report = Ingest(shared);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->fragments_quarantined(), 0);
    EXPECT_EQ(report->file_errors(), 0);
    const auto& customer = SourceReport(*report, "customer");
    EXPECT_EQ(customer.files_found, 1);
    EXPECT_EQ(customer.files_ingested, round == 0 ? 1 : 0);
    EXPECT_EQ(customer.files_already_ingested, round == 0 ? 0 : 1);
    EXPECT_EQ(customer.records, round == 0 ? 956 : 0);
    EXPECT_EQ(SourceReport(*report, "accelerometer").files_found, 9);
    EXPECT_EQ(RowsOnDisk("customer_landing"), 956);
    EXPECT_EQ(RowsOnDisk("accelerometer_landing"), 81273);
    EXPECT_EQ(RowsOnDisk("step_trainer_landing"), 28680);
    EXPECT_EQ(RowsOnDisk("quarantine"), 0);
  }
  // Raw files are kept byte for byte.
  std::string original = JoinPath(shared, "customer/landing/customer-1691348231425.json");
  std::string landed = JoinPath(root_, "lake/customer/landing/raw/customer-1691348231425.json");
  EXPECT_EQ(*FileSha256(*fs_, original), *FileSha256(*fs_, landed));
}

TEST_F(IngestJobTest, MessyFilesKeepEveryRecordAndQuarantineTheRest) {
  Write("accelerometer/landing/a.json",
        "{\"user\":\"a@x\",\"timeStamp\":1,\"x\":1.0,\"y\":0,\"z\":-1}{\"user\":\"b@x\","
        "\"timestamp\":2,\"x\":0,\"y\":0,\"z\":0}\r\n{\"user\":\"c@x\",\"timestamp\":\n"
        "{\"user\":\"d@x\",\"timestamp\":\"abc\",\"x\":1,\"y\":1,\"z\":1}\n");
  Write("customer/landing/empty.json", "");
  auto report = Ingest(JoinPath(root_, "src"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const auto& acc = SourceReport(*report, "accelerometer");
  EXPECT_EQ(acc.records, 3);
  EXPECT_EQ(acc.fragments_quarantined, 1);
  EXPECT_EQ(acc.records_with_unconvertible_fields, 1);
  EXPECT_EQ(RowsOnDisk("accelerometer_landing"), 3);
  EXPECT_EQ(RowsOnDisk("quarantine"), 1);
  EXPECT_EQ(RowsOnDisk("customer_landing"), 0);
  EXPECT_EQ(RowsOnDisk("step_trainer_landing"), 0);
}

TEST_F(IngestJobTest, ChangedFileUnderIngestedNameIsRefusedNotDuplicated) {
  Write("step_trainer/landing/s.json",
        "{\"sensorReadingTime\":1,\"serialNumber\":\"s1\",\"distanceFromObject\":200}\n");
  ASSERT_TRUE(Ingest(JoinPath(root_, "src")).ok());
  Write("step_trainer/landing/s.json",
        "{\"sensorReadingTime\":2,\"serialNumber\":\"s1\",\"distanceFromObject\":201}\n");
  auto report = Ingest(JoinPath(root_, "src"));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->file_errors(), 1);
  EXPECT_NE(SourceReport(*report, "step_trainer").file_errors[0].find("s.json"), std::string::npos);
  EXPECT_EQ(RowsOnDisk("step_trainer_landing"), 1);
}

TEST_F(IngestJobTest, MissingSourceFolderIsAClearError) {
  auto report = Ingest(JoinPath(root_, "nowhere"));
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status().IsNotFound());
  EXPECT_NE(report.status().message().find("nowhere"), std::string::npos);
}

}  // namespace
}  // namespace stedi
