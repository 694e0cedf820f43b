#include "storage/file_system.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

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

TEST_P(FileSystemTest, Sha256MatchesKnownVector) {
  // FIPS 180-2 test vector for "abc".
  std::string path = JoinPath(root_, "abc");
  ASSERT_TRUE(fs_->WriteAll(path, "abc").ok());
  EXPECT_EQ(*FileSha256(*fs_, path),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

INSTANTIATE_TEST_SUITE_P(LocalAndMemory, FileSystemTest, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "Local" : "Memory"; });

}  // namespace
}  // namespace stedi
