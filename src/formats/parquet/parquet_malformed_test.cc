#include <gtest/gtest.h>

#include <random>

#include "formats/parquet/file_reader.h"
#include "formats/parquet/file_writer.h"

namespace stedi::parquet {
namespace {

class MalformedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = NewMemoryFileSystem();
    auto schema =
        std::make_shared<const Schema>(std::vector<Field>{{"id", TypeId::kInt64, false, 1},
                                                          {"s", TypeId::kString, true, 2},
                                                          {"b", TypeId::kBoolean, true, 3}});
    BatchBuilder bb(schema);
    for (int r = 0; r < 300; ++r) {
      bb.column(0).AppendInt64(r);
      if (r % 5 == 0) {
        bb.column(1).AppendNull();
      } else {
        bb.column(1).AppendString("v" + std::to_string(r % 9));
      }
      bb.column(2).AppendBool(r % 2 == 0);
    }
    WriterOptions options;
    options.compression = Compression::kNone;
    options.row_group_rows = 100;
    options.page_bytes = 64;
    auto writer = FileWriter::Open(fs_->OpenForWrite("/good.parquet").MoveValue(), schema, options);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(bb.Finish()).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    good_ = *fs_->ReadAll("/good.parquet");
  }

  // Opens BYTES and reads every row group; returns the first failure, or OK.
  Status ReadEverything(const std::string& bytes) {
    EXPECT_TRUE(fs_->WriteAll("/bad.parquet", bytes).ok());
    auto file = fs_->OpenForRead("/bad.parquet");
    EXPECT_TRUE(file.ok());
    auto reader = FileReader::Open(std::shared_ptr<RandomAccessFile>(std::move(*file)));
    if (!reader.ok()) return reader.status();
    for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
      auto batch = (*reader)->ReadRowGroup(g, {});
      if (!batch.ok()) return batch.status();
    }
    return Status::OK();
  }

  std::unique_ptr<FileSystem> fs_;
  std::string good_;
};

TEST_F(MalformedTest, GoodFileReads) { EXPECT_TRUE(ReadEverything(good_).ok()); }

TEST_F(MalformedTest, BadMagicIsCorruption) {
  std::string bytes = good_;
  bytes[0] = 'X';
  Status st = ReadEverything(bytes);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("/bad.parquet"), std::string::npos);
  EXPECT_NE(st.message().find("offset 0"), std::string::npos);
  bytes = good_;
  bytes.back() = 'X';
  EXPECT_TRUE(ReadEverything(bytes).IsCorruption());
}

TEST_F(MalformedTest, EveryTruncationIsCorruption) {
  for (size_t n = 0; n < good_.size(); ++n) {
    Status st = ReadEverything(good_.substr(0, n));
    ASSERT_TRUE(st.IsCorruption()) << n << ": " << st.ToString();
  }
}

TEST_F(MalformedTest, FooterLengthBeyondFileIsCorruption) {
  std::string bytes = good_;
  bytes[bytes.size() - 5] = '\x7f';  // high byte of the footer length
  Status st = ReadEverything(bytes);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("footer length"), std::string::npos);
}

TEST_F(MalformedTest, CorruptedPageHeaderIsCorruption) {
  // The first page header starts right after the magic; field 1 (page type) then sizes.
  std::string bytes = good_;
  bytes[4] = '\x0D';  // a field header of unknown type 13
  Status st = ReadEverything(bytes);
  EXPECT_TRUE(st.IsCorruption()) << st.ToString();
  EXPECT_NE(st.message().find("offset 4"), std::string::npos) << st.ToString();
  // A page size pointing past the chunk.
  bytes = good_;
  bytes[6] = '\x7e';  // uncompressed size varint -> large
  bytes[7] = '\x7e';
  st = ReadEverything(bytes);
  EXPECT_FALSE(st.ok());
}

TEST_F(MalformedTest, RandomByteFlipsNeverCrash) {
  std::mt19937 rng(7);
  int failures = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bytes = good_;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    Status st = ReadEverything(bytes);
    if (!st.ok()) {
      ++failures;
      EXPECT_TRUE(st.IsCorruption() || st.code() == StatusCode::kNotImplemented || st.IsInvalid())
          << st.ToString();
    }
  }
  EXPECT_GT(failures, 100);  // most flips must be noticed
}

}  // namespace
}  // namespace stedi::parquet
