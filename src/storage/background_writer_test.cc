#include "storage/background_writer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <thread>

namespace stedi {
namespace {

// A memory file system whose files take a while to close (a slow disk), and whose writes to
// one path fail.
class SlowFileSystem final : public FileSystem {
 public:
  std::string failing_path;

  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override {
    return base_->OpenForRead(path);
  }
  Status SyncWrites(const std::string& dir) override { return base_->SyncWrites(dir); }
  Result<std::vector<FileInfo>> List(const std::string& dir) override { return base_->List(dir); }
  Result<FileInfo> Stat(const std::string& path) override { return base_->Stat(path); }
  Result<bool> Exists(const std::string& path) override { return base_->Exists(path); }
  Status CreateDirs(const std::string& dir) override { return base_->CreateDirs(dir); }
  Status DeleteFile(const std::string& path) override { return base_->DeleteFile(path); }
  Status DeleteDirRecursive(const std::string& dir) override {
    return base_->DeleteDirRecursive(dir);
  }
  Status Rename(const std::string& from, const std::string& to) override {
    return base_->Rename(from, to);
  }

 protected:
  Result<std::unique_ptr<WritableFile>> DoOpenForWrite(const std::string& path, SyncMode mode,
                                                       WriteCaching caching) override {
    if (path == failing_path) return Status::IOError(path + ": create: No space left on device");
    STEDI_ASSIGN_OR_RETURN(auto file, base_->OpenForWrite(path, mode, caching));
    return std::unique_ptr<WritableFile>(new SlowFile(std::move(file)));
  }

 private:
  class SlowFile final : public WritableFile {
   public:
    explicit SlowFile(std::unique_ptr<WritableFile> base) : base_(std::move(base)) {}
    Status Append(std::string_view data) override { return base_->Append(data); }
    uint64_t position() const override { return base_->position(); }
    Status Close() override {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return base_->Close();
    }
    const std::string& path() const override { return base_->path(); }

   private:
    std::unique_ptr<WritableFile> base_;
  };

  std::unique_ptr<FileSystem> base_ = NewMemoryFileSystem();
};

// Bytes whose owner counts how many of them are alive.
std::shared_ptr<const std::string> CountedBytes(std::string bytes, std::atomic<int64_t>* alive) {
  *alive += static_cast<int64_t>(bytes.size());
  return std::shared_ptr<const std::string>(new std::string(std::move(bytes)),
                                            [alive](const std::string* s) {
                                              *alive -= static_cast<int64_t>(s->size());
                                              delete s;
                                            });
}

TEST(BackgroundWriterTest, WritesEveryFileAndHoldsNoMoreThanItsLimit) {
  SlowFileSystem fs;
  constexpr uint64_t kLimit = 64 << 10;
  std::atomic<int64_t> alive{0};
  int64_t most_held = 0;
  std::mt19937 random(7);
  std::vector<std::string> expected;
  {
    BackgroundWriter writer(fs, 2, kLimit);
    for (int i = 0; i < 300; ++i) {
      // Up to 20 KiB each, and one file larger than the limit, which must still go through.
      size_t size = i == 150 ? 3 * kLimit : random() % (20 << 10);
      std::string bytes(size, '\0');
      for (char& c : bytes) c = static_cast<char>(random());
      expected.push_back(bytes);
      // Only the writer holds bytes now: what it has queued or is writing.
      most_held = std::max<int64_t>(most_held, alive.load());
      auto owner = CountedBytes(std::move(bytes), &alive);
      writer.Write("/out/" + std::to_string(i), *owner, owner, SyncMode::kDeferred,
                   WriteCaching::kUncached);
    }
    ASSERT_TRUE(writer.Finish().ok());
    EXPECT_EQ(alive.load(), 0);  // every owner released once its file is written
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    auto written = fs.ReadAll("/out/" + std::to_string(i));
    ASSERT_TRUE(written.ok()) << i;
    EXPECT_TRUE(*written == expected[i]) << i;
  }
  // The queue filled up (writes are slow), yet never beyond the limit, but for the big file
  // that went alone.
  EXPECT_GT(most_held, static_cast<int64_t>(kLimit / 2));
  EXPECT_LE(most_held, static_cast<int64_t>(3 * kLimit));
}

TEST(BackgroundWriterTest, QueuedBytesStayWithinTheLimitWhileWritesAreSlow) {
  SlowFileSystem fs;
  constexpr uint64_t kLimit = 64 << 10;
  std::atomic<int64_t> alive{0};
  int64_t most_held = 0;
  BackgroundWriter writer(fs, 3, kLimit);
  for (int i = 0; i < 200; ++i) {
    most_held = std::max<int64_t>(most_held, alive.load());  // held by the writer alone
    auto owner = CountedBytes(std::string(10 << 10, 'x'), &alive);
    writer.Write("/q/" + std::to_string(i), *owner, owner, SyncMode::kOnClose,
                 WriteCaching::kCached);
  }
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_LE(most_held, static_cast<int64_t>(kLimit));
  EXPECT_GE(most_held, static_cast<int64_t>(kLimit / 2));
}

TEST(BackgroundWriterTest, ReportsTheFirstFailureByFileAndWritesNothingAfterIt) {
  SlowFileSystem fs;
  fs.failing_path = "/f/10";
  BackgroundWriter writer(fs, 1, 1 << 20);
  auto bytes = std::make_shared<const std::string>("data");
  for (int i = 0; i < 100; ++i) {
    writer.Write("/f/" + std::to_string(i), *bytes, bytes, SyncMode::kDeferred,
                 WriteCaching::kCached);
  }
  Status status = writer.Finish();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("/f/10"), std::string::npos) << status.ToString();
  EXPECT_TRUE(*fs.Exists("/f/9"));
  EXPECT_FALSE(*fs.Exists("/f/10"));
  EXPECT_FALSE(*fs.Exists("/f/99"));  // queued after the failure: dropped
  EXPECT_EQ(bytes.use_count(), 1);    // and released
}

}  // namespace
}  // namespace stedi
