#include "ingest/ingest_job.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

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

  Result<IngestReport> Ingest(const std::string& source, const std::string& lake = "lake",
                              uint64_t range_bytes = IngestOptions{}.range_bytes,
                              size_t threads = 0) {
    IngestOptions options;
    options.lake_dir = JoinPath(root_, lake);
    options.source_dir = source;
    options.range_bytes = range_bytes;
    options.threads = threads;
    return RunIngest(*fs_, options);
  }

  // Every row of TABLE in LAKE, rendered as its non-null "column=value" cells in column-name
  // order (so column order and columns added later do not matter), sorted: a multiset.
  std::vector<std::string> TableRows(const std::string& lake, const std::string& table) {
    std::vector<std::string> rows;
    auto catalog = Catalog::Open(JoinPath(root_, lake), std::nullopt);
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    if (!catalog.ok()) return rows;
    auto entry = (*catalog)->GetTable(table);
    EXPECT_TRUE(entry.ok()) << entry.status().ToString();
    if (!entry.ok()) return rows;
    for (const DataFile& f : entry->files) {
      auto file = fs_->OpenForRead(JoinPath(JoinPath(root_, lake), f.path));
      EXPECT_TRUE(file.ok());
      auto reader = parquet::FileReader::Open(std::shared_ptr<RandomAccessFile>(file->release()));
      EXPECT_TRUE(reader.ok()) << reader.status().ToString();
      for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
        auto batch = (*reader)->ReadRowGroup(g, {});
        EXPECT_TRUE(batch.ok()) << batch.status().ToString();
        for (size_t r = 0; r < batch->num_rows(); ++r) {
          std::vector<std::string> cells;
          for (size_t c = 0; c < batch->num_columns(); ++c) {
            const Column& column = batch->column(c);
            if (column.IsNull(r)) continue;
            cells.push_back(batch->schema()->field(c).name + "=" + CellText(column, r));
          }
          std::sort(cells.begin(), cells.end());
          std::string row;
          for (const std::string& cell : cells) row += cell + "\x1f";
          rows.push_back(std::move(row));
        }
      }
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  static std::string CellText(const Column& c, size_t row) {
    switch (c.type()) {
      case TypeId::kBoolean:
        return c.GetBool(row) ? "true" : "false";
      case TypeId::kInt32:
      case TypeId::kDate:
        return std::to_string(c.GetInt32(row));
      case TypeId::kInt64:
      case TypeId::kTimestamp:
        return std::to_string(c.GetInt64(row));
      case TypeId::kFloat64: {
        char buf[64];
        std::snprintf(buf, sizeof(buf), "%.17g", c.GetDouble(row));
        return buf;
      }
      case TypeId::kString:
      case TypeId::kBinary:
        return std::string(c.GetString(row));
    }
    return "?";
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
  // Every raw file is kept byte for byte (most of each is written past the page cache, the
  // rest through it).
  auto originals = fs_->ListRecursive(shared);
  ASSERT_TRUE(originals.ok());
  int compared = 0;
  for (const FileInfo& original : *originals) {
    std::string_view relative = std::string_view(original.path).substr(std::string(shared).size());
    if (relative.find("/landing/") == std::string_view::npos) continue;  // the README
    std::string source(relative.substr(1, relative.find('/', 1) - 1));
    auto landed = fs_->ReadAll(
        JoinPath(root_, "lake/" + source + "/landing/raw/" + std::string(BaseName(relative))));
    ASSERT_TRUE(landed.ok()) << landed.status().ToString();
    EXPECT_TRUE(*landed == *fs_->ReadAll(original.path)) << original.path;
    ++compared;
  }
  EXPECT_EQ(compared, 1 + 9 + 3);  // customer, accelerometer, step_trainer files
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

// A messy accelerometer file of a few MB, with its exact counts. Every kind of line the JSON
// reader recovers from appears many times, also around the points where ingest splits a file.
struct MessyFile {
  std::string bytes;
  int64_t records = 0;
  int64_t fragments = 0;
};

MessyFile MakeMessyAccelerometerFile(size_t target_bytes) {
  std::mt19937_64 rng(7);
  MessyFile f;
  auto record = [&](bool extra) {
    std::string r = "{\"user\":\"u" + std::to_string(rng() % 5000) +
                    "@x.com\",\"timeStamp\":" + std::to_string(1655564000000 + rng() % 1000000) +
                    ",\"x\":" + std::to_string(static_cast<int>(rng() % 200) - 100) +
                    ".0,\"y\":" + std::to_string(rng() % 7) + ",\"z\":-" +
                    std::to_string(rng() % 3) + ".5";
    if (extra) r += ",\"note\":\"n" + std::to_string(rng() % 10) + "\"";
    return r + "}";
  };
  while (f.bytes.size() < target_bytes) {
    const int kind = static_cast<int>(rng() % 100);
    if (kind < 60) {  // one clean record per line
      f.bytes += record(false) + "\n";
      f.records += 1;
    } else if (kind < 65) {  // CRLF
      f.bytes += record(false) + "\r\n";
      f.records += 1;
    } else if (kind < 70) {  // glued objects
      f.bytes += record(false) + record(false) + "\n";
      f.records += 2;
    } else if (kind < 74) {  // a copy cut inside a string, then the record
      const std::string r = record(false);
      f.bytes += r.substr(0, 12) + "\n" + r + "\n";
      f.records += 1;
      f.fragments += 1;
    } else if (kind < 76) {  // garbage
      f.bytes += "xyz\n";
      f.fragments += 1;
    } else if (kind < 80) {  // one record over two lines
      const std::string r = record(false);
      const size_t comma = r.find(',');
      f.bytes += r.substr(0, comma + 1) + "\n" + r.substr(comma + 1) + "\n";
      f.records += 1;
    } else if (kind < 86) {  // an array of records with '{' in the first column
      f.bytes += "[\n" + record(false) + ",\n" + record(false) + "\n]\n";
      f.records += 2;
      f.fragments += 3;
    } else if (kind < 94) {  // a record cut after a comma, then a record on the next line
      const std::string r = record(false);
      f.bytes += r.substr(0, r.find(',') + 1) + "\n" + record(false) + "\n";
      f.records += 1;
      f.fragments += 1;
    } else if (kind < 97) {  // an unknown key: a new column
      f.bytes += record(true) + "\n";
      f.records += 1;
    } else {  // a wrong type: kept, the field null
      f.bytes += "{\"user\":\"w@x.com\",\"timestamp\":\"soon\",\"x\":1,\"y\":2,\"z\":3}\n";
      f.records += 1;
    }
  }
  return f;
}

// A big file parsed in ranges on several workers gives exactly what one worker reading it whole
// gives: the same rows, quarantine, source-file record and field observations.
TEST_F(IngestJobTest, BigFileParsedInRangesMatchesOneSequentialRead) {
  const MessyFile messy = MakeMessyAccelerometerFile(3 << 20);
  Write("accelerometer/landing/big.json", messy.bytes);
  Write("accelerometer/landing/small.json", "{\"user\":\"s@x\",\"timestamp\":1}\n");
  const std::string src = JoinPath(root_, "src");

  auto ranged = Ingest(src, "ranged", 16 << 10, 3);
  ASSERT_TRUE(ranged.ok()) << ranged.status().ToString();
  auto whole = Ingest(src, "whole", 0);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  const SourceIngestReport& r = SourceReport(*ranged, "accelerometer");
  const SourceIngestReport& w = SourceReport(*whole, "accelerometer");
  EXPECT_EQ(r.files_split, 1);  // the big file only
  EXPECT_EQ(w.files_split, 0);
  EXPECT_EQ(w.records, messy.records + 1);
  EXPECT_EQ(w.fragments_quarantined, messy.fragments);
  EXPECT_EQ(r.files_ingested, 2);
  EXPECT_EQ(r.records, w.records);
  EXPECT_EQ(r.fragments_quarantined, w.fragments_quarantined);
  EXPECT_EQ(r.records_with_unconvertible_fields, w.records_with_unconvertible_fields);
  EXPECT_EQ(r.unconvertible_fields, w.unconvertible_fields);

  const std::vector<std::string> rows = TableRows("ranged", "accelerometer_landing");
  EXPECT_EQ(static_cast<int64_t>(rows.size()), messy.records + 1);
  EXPECT_TRUE(rows == TableRows("whole", "accelerometer_landing"));
  const std::vector<std::string> quarantine = TableRows("ranged", "quarantine");
  EXPECT_EQ(static_cast<int64_t>(quarantine.size()), messy.fragments);
  EXPECT_TRUE(quarantine == TableRows("whole", "quarantine"));

  auto ranged_catalog = Catalog::Open(JoinPath(root_, "ranged"), std::nullopt);
  auto whole_catalog = Catalog::Open(JoinPath(root_, "whole"), std::nullopt);
  ASSERT_TRUE(ranged_catalog.ok() && whole_catalog.ok());
  auto ranged_files = (*ranged_catalog)->ListSourceFiles("accelerometer");
  auto whole_files = (*whole_catalog)->ListSourceFiles("accelerometer");
  ASSERT_TRUE(ranged_files.ok() && whole_files.ok());
  ASSERT_EQ(ranged_files->size(), 2u);
  ASSERT_EQ(whole_files->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    SourceFile a = (*ranged_files)[i];
    SourceFile b = (*whole_files)[i];
    a.ingested_at = b.ingested_at = "";
    EXPECT_EQ(a, b) << a.name;
  }
  auto big = std::find_if(ranged_files->begin(), ranged_files->end(),
                          [](const SourceFile& f) { return f.name == "big.json"; });
  ASSERT_NE(big, ranged_files->end());
  EXPECT_EQ(big->records, messy.records);
  EXPECT_EQ(big->quarantined, messy.fragments);
  EXPECT_EQ(big->bytes, messy.bytes.size());
  // The raw copy is byte for byte the file.
  EXPECT_EQ(*FileSha256(*fs_, JoinPath(src, "accelerometer/landing/big.json")), big->sha256);
  EXPECT_EQ(*FileSha256(*fs_, JoinPath(root_, "ranged/" + big->landed_path)), big->sha256);

  auto ranged_seen = (*ranged_catalog)->Observations("accelerometer");
  auto whole_seen = (*whole_catalog)->Observations("accelerometer");
  ASSERT_TRUE(ranged_seen.ok() && whole_seen.ok());
  EXPECT_FALSE(ranged_seen->empty());
  EXPECT_TRUE(*ranged_seen == *whole_seen);

  // Ingesting again: the known name is hashed first and skipped, not split again.
  auto again = Ingest(src, "ranged", 16 << 10, 3);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(SourceReport(*again, "accelerometer").files_already_ingested, 2);
  EXPECT_EQ(SourceReport(*again, "accelerometer").files_split, 0);
  EXPECT_EQ(TableRows("ranged", "accelerometer_landing").size(), rows.size());
}

// Enough small files that workers take them two at a time (their SHA-256s computed together):
// every file keeps its own checksum, rows and raw copy, whichever file it was paired with.
TEST_F(IngestJobTest, ManySmallFilesEachKeepTheirOwnChecksumAndRows) {
  const std::string src = JoinPath(root_, "src");
  std::mt19937 rng(11);
  int64_t accelerometer_rows = 0;
  int64_t step_rows = 0;
  std::map<std::string, std::pair<std::string, int64_t>> expected;  // name -> (sha, records)
  for (int f = 0; f < 41; ++f) {
    const bool steps = f % 3 == 0;
    const int rows = static_cast<int>(rng() % 200);  // some files empty, sizes all different
    std::string text;
    for (int r = 0; r < rows; ++r) {
      text += steps ? "{\"sensorReadingTime\":" + std::to_string(1655564444000 + r) +
                          ",\"serialNumber\":\"dev-" + std::to_string(f) +
                          "\",\"distanceFromObject\":" + std::to_string(r % 300) + "}\n"
                    : "{\"user\":\"u" + std::to_string(f) +
                          "@x.com\",\"timestamp\":" + std::to_string(1655564444000 + r) +
                          ",\"x\":" + std::to_string(r % 7) + ".5,\"y\":0.0,\"z\":-1.0}\n";
    }
    (steps ? step_rows : accelerometer_rows) += rows;
    const std::string name = "part-" + std::to_string(f) + ".json";
    Write(std::string(steps ? "step_trainer" : "accelerometer") + "/landing/" + name, text);
    Sha256 hash;
    hash.Update(text);
    expected[name] = {hash.Finish(), rows};
  }
  auto report = Ingest(src, "lake", IngestOptions{}.range_bytes, 2);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(SourceReport(*report, "accelerometer").records, accelerometer_rows);
  EXPECT_EQ(SourceReport(*report, "step_trainer").records, step_rows);
  EXPECT_EQ(RowsOnDisk("accelerometer_landing"), accelerometer_rows);
  EXPECT_EQ(RowsOnDisk("step_trainer_landing"), step_rows);

  auto catalog = Catalog::Open(JoinPath(root_, "lake"), std::nullopt);
  ASSERT_TRUE(catalog.ok());
  size_t seen = 0;
  for (const char* source : {"accelerometer", "step_trainer"}) {
    auto files = (*catalog)->ListSourceFiles(source);
    ASSERT_TRUE(files.ok());
    for (const SourceFile& file : *files) {
      ++seen;
      ASSERT_EQ(expected.count(file.name), 1u) << file.name;
      EXPECT_EQ(file.sha256, expected[file.name].first) << file.name;
      EXPECT_EQ(file.records, expected[file.name].second) << file.name;
      EXPECT_EQ(*FileSha256(*fs_, JoinPath(JoinPath(root_, "lake"), file.landed_path)), file.sha256)
          << file.name;
    }
  }
  EXPECT_EQ(seen, expected.size());
}

TEST_F(IngestJobTest, MissingSourceFolderIsAClearError) {
  auto report = Ingest(JoinPath(root_, "nowhere"));
  ASSERT_FALSE(report.ok());
  EXPECT_TRUE(report.status().IsNotFound());
  EXPECT_NE(report.status().message().find("nowhere"), std::string::npos);
}

}  // namespace
}  // namespace stedi
