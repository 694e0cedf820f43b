#include "storage/file_system.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "storage/aligned_buffer.h"
#include "storage/checksum.h"

namespace stedi {
namespace {

// Runs every case against both implementations: the memory one must behave like the disk.
class FileSystemTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      fs_ = NewLocalFileSystem();
      root_ =
          (std::filesystem::temp_directory_path() / ("stedi_fs_test_" + std::to_string(::getpid())))
              .string();
      ASSERT_TRUE(fs_->DeleteDirRecursive(root_).ok());
    } else {
      fs_ = NewMemoryFileSystem();
      root_ = "/mem";
    }
  }
  void TearDown() override { ASSERT_TRUE(fs_->DeleteDirRecursive(root_).ok()); }

  std::unique_ptr<FileSystem> fs_;
  std::string root_;
};

TEST_P(FileSystemTest, WriteIsInvisibleUntilClose) {
  std::string path = JoinPath(root_, "a/b/file.txt");
  auto w = fs_->OpenForWrite(path);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  ASSERT_TRUE((*w)->Append("hello ").ok());
  ASSERT_TRUE((*w)->Append("world").ok());
  EXPECT_EQ((*w)->position(), 11u);
  EXPECT_FALSE(*fs_->Exists(path));
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*fs_->ReadAll(path), "hello world");
}

TEST_P(FileSystemTest, AbandonedWriteLeavesNothing) {
  std::string path = JoinPath(root_, "x.bin");
  {
    auto w = fs_->OpenForWrite(path);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append("partial").ok());
  }
  EXPECT_FALSE(*fs_->Exists(path));
  auto listed = fs_->ListRecursive(root_);
  if (listed.ok()) {
    EXPECT_TRUE(listed->empty());
  }
}

TEST_P(FileSystemTest, ListsSortedAndRecursive) {
  ASSERT_TRUE(fs_->WriteAll(JoinPath(root_, "d/b.json"), "2").ok());
  ASSERT_TRUE(fs_->WriteAll(JoinPath(root_, "d/a.json"), "1").ok());
  ASSERT_TRUE(fs_->WriteAll(JoinPath(root_, "d/sub/c.json"), "333").ok());
  auto top = fs_->List(JoinPath(root_, "d"));
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 3u);
  EXPECT_EQ(BaseName((*top)[0].path), "a.json");
  EXPECT_TRUE((*top)[2].is_dir);
  auto all = fs_->ListRecursive(root_);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].size, 3u);
  EXPECT_TRUE(fs_->List(JoinPath(root_, "missing")).status().IsNotFound());
}

TEST_P(FileSystemTest, ReadAtAndRename) {
  std::string a = JoinPath(root_, "a"), b = JoinPath(root_, "b");
  ASSERT_TRUE(fs_->WriteAll(a, "0123456789").ok());
  auto f = fs_->OpenForRead(a);
  ASSERT_TRUE(f.ok());
  char buf[8];
  EXPECT_EQ(*(*f)->ReadAt(7, 8, buf), 3u);
  EXPECT_EQ(std::string(buf, 3), "789");
  ASSERT_TRUE(fs_->Rename(a, b).ok());
  EXPECT_FALSE(*fs_->Exists(a));
  EXPECT_EQ(*fs_->ReadAll(b), "0123456789");
  EXPECT_TRUE(fs_->OpenForRead(a).status().IsNotFound());
}

TEST_P(FileSystemTest, DeferredSyncPublishesOnCloseAndSyncsLater) {
  std::string path = JoinPath(root_, "deferred/file.bin");
  auto w = fs_->OpenForWrite(path, SyncMode::kDeferred);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("bytes").ok());
  EXPECT_FALSE(*fs_->Exists(path));
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*fs_->ReadAll(path), "bytes");
  EXPECT_TRUE(fs_->SyncWrites(root_).ok());
  if (GetParam()) {
    EXPECT_TRUE(fs_->SyncWrites(JoinPath(root_, "missing")).IsNotFound());
  }
}

TEST_P(FileSystemTest, UncachedWritesKeepEveryByteWhateverTheAlignment) {
  constexpr size_t kBlock = kUncachedWriteAlignment;
  AlignedBuffer buffer(8 * kBlock);
  std::mt19937 random(11);
  for (size_t i = 0; i < buffer.size(); ++i) buffer.data()[i] = static_cast<char>(random());
  const std::string_view all(buffer.data(), buffer.size());
  // Whole blocks from an aligned address (direct), blocks and a tail (direct, then cached),
  // an unaligned address, more aligned blocks (cached by now), an empty append, a tiny file.
  const std::vector<std::string_view> appends = {
      all.substr(0, 2 * kBlock), all.substr(0, 3 * kBlock + 100), all.substr(1, kBlock),
      all.substr(0, 2 * kBlock), all.substr(0, 0)};
  for (size_t files = 0; files < 3; ++files) {
    std::string path = JoinPath(root_, "uncached/" + std::to_string(files));
    auto w = fs_->OpenForWrite(path, SyncMode::kDeferred, WriteCaching::kUncached);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    std::string expected;
    const size_t count = files == 2 ? 1 : appends.size() - files;
    for (size_t i = 0; i < count; ++i) {
      std::string_view data = files == 2 ? all.substr(0, 7) : appends[i];
      ASSERT_TRUE((*w)->Append(data).ok());
      expected.append(data);
      EXPECT_EQ((*w)->position(), expected.size());
    }
    EXPECT_FALSE(*fs_->Exists(path));
    ASSERT_TRUE((*w)->Close().ok());
    auto written = fs_->ReadAll(path);
    ASSERT_TRUE(written.ok());
    EXPECT_TRUE(*written == expected) << path;
  }
}

TEST_P(FileSystemTest, Sha256MatchesKnownVector) {
  // FIPS 180-2 test vector for "abc".
  std::string path = JoinPath(root_, "abc");
  ASSERT_TRUE(fs_->WriteAll(path, "abc").ok());
  EXPECT_EQ(*FileSha256(*fs_, path),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Pages of FILE (local) the page cache holds now.
size_t CachedPages(const std::string& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  struct stat st;
  ::fstat(fd, &st);
  const size_t size = static_cast<size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return 0;
  const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((size + page - 1) / page);
  size_t cached = 0;
  if (::mincore(map, size, resident.data()) == 0) {
    for (unsigned char r : resident) cached += r & 1;
  }
  ::munmap(map, size);
  return cached;
}

TEST(LocalFileSystemTest, UncachedWritesLeaveThePageCacheAlone) {
  auto fs = NewLocalFileSystem();
  std::string root = (std::filesystem::temp_directory_path() /
                      ("stedi_uncached_test_" + std::to_string(::getpid())))
                         .string();
  ASSERT_TRUE(fs->CreateDirs(root).ok());
  int probe = ::open(JoinPath(root, "probe").c_str(), O_WRONLY | O_CREAT | O_DIRECT, 0644);
  if (probe < 0) {
    ASSERT_TRUE(fs->DeleteDirRecursive(root).ok());
    GTEST_SKIP() << "no direct I/O on " << root;
  }
  ::close(probe);
  AlignedBuffer buffer(64 * kUncachedWriteAlignment);
  std::memset(buffer.data(), 'x', buffer.size());
  const std::string_view bytes(buffer.data(), buffer.size());
  size_t pages[2];
  for (WriteCaching caching : {WriteCaching::kCached, WriteCaching::kUncached}) {
    std::string path = JoinPath(root, caching == WriteCaching::kCached ? "cached" : "uncached");
    auto w = fs->OpenForWrite(path, SyncMode::kDeferred, caching);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(bytes).ok());
    ASSERT_TRUE((*w)->Close().ok());
    pages[static_cast<int>(caching)] = CachedPages(path);
  }
  // A cached write leaves its pages in memory; an uncached one went straight to the disk.
  EXPECT_GT(pages[static_cast<int>(WriteCaching::kCached)], 0u);
  EXPECT_EQ(pages[static_cast<int>(WriteCaching::kUncached)], 0u);
  EXPECT_EQ(*fs->ReadAll(JoinPath(root, "uncached")), std::string(bytes));
  ASSERT_TRUE(fs->DeleteDirRecursive(root).ok());
}

INSTANTIATE_TEST_SUITE_P(LocalAndMemory, FileSystemTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Local" : "Memory"; });

}  // namespace
}  // namespace stedi
