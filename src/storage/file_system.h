#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "status/result.h"

namespace stedi {

/// A file opened for positional reads. Safe to call from several threads at once.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  /// Returns the file's size in bytes.
  virtual uint64_t size() const = 0;
  /// Reads up to N bytes at OFFSET into OUT; returns how many were read (short only at EOF).
  virtual Result<size_t> ReadAt(uint64_t offset, size_t n, char* out) const = 0;
  /// Returns the path it was opened with, for error messages.
  virtual const std::string& path() const = 0;
};

/// A file being written from start to end. Not thread-safe.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  /// Returns bytes appended so far.
  virtual uint64_t position() const = 0;
  /// Makes the bytes durable and visible under the final path. A file destroyed without
  /// Close() leaves nothing behind under its final path.
  virtual Status Close() = 0;
  virtual const std::string& path() const = 0;
};

struct FileInfo {
  std::string path;  ///< Full path, as passed to List's DIR joined with the name.
  uint64_t size = 0;
  bool is_dir = false;
  int64_t modified_ms = 0;  ///< Last modification, ms since the epoch (0 when unknown).
};

/// When a written file's bytes must be on stable storage.
enum class SyncMode {
  kOnClose,   ///< Close() syncs before publishing: the file is durable once visible.
  kDeferred,  ///< Close() publishes without syncing; a later SyncWrites() makes it durable.
};

/// Whether a written file's bytes pass through the operating system's page cache.
enum class WriteCaching {
  kCached,
  /// For files written once and seldom read back (raw copies of landing files): appends whose
  /// address and length are multiples of kUncachedWriteAlignment go straight to the disk. Filling
  /// memory with pages nobody reads costs more than the copy itself (on a VM, several times the
  /// CPU), and those pages would push out the ones that are read. The first other append, and a
  /// file system without direct I/O, fall back to cached writes, so any data may be appended.
  kUncached,
};

/// Address and length alignment that lets a WriteCaching::kUncached append skip the page cache.
inline constexpr size_t kUncachedWriteAlignment = 4096;

/// All file I/O goes through this interface, so tests run in memory and object stores
/// (s3://) can slot in later. Paths use '/' separators. Implementations are thread-safe.
class FileSystem {
 public:
  virtual ~FileSystem() = default;

  virtual Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) = 0;
  /// Opens PATH for writing, creating parent folders. The content appears at PATH atomically
  /// on Close() (write to a temporary name, then rename), replacing any older file.
  Result<std::unique_ptr<WritableFile>> OpenForWrite(const std::string& path,
                                                     SyncMode mode = SyncMode::kOnClose,
                                                     WriteCaching caching = WriteCaching::kCached) {
    return DoOpenForWrite(path, mode, caching);
  }
  /// Makes every file written below DIR with SyncMode::kDeferred durable. One barrier for many
  /// files lets the OS write them back together instead of waiting on each.
  virtual Status SyncWrites(const std::string& dir) = 0;
  /// Lists the direct entries of DIR, sorted by name; NotFound when DIR does not exist.
  virtual Result<std::vector<FileInfo>> List(const std::string& dir) = 0;
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  virtual Result<bool> Exists(const std::string& path) = 0;
  /// Creates DIR and its parents; OK when it exists.
  virtual Status CreateDirs(const std::string& dir) = 0;
  /// Deletes the file at PATH; OK when it does not exist.
  virtual Status DeleteFile(const std::string& path) = 0;
  /// Deletes DIR and everything below it; OK when it does not exist.
  virtual Status DeleteDirRecursive(const std::string& dir) = 0;
  /// Moves FROM to TO atomically, replacing TO.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;

  /// Reads the whole file at PATH.
  Result<std::string> ReadAll(const std::string& path);
  /// Writes DATA as the whole content of PATH, atomically.
  Status WriteAll(const std::string& path, std::string_view data);
  /// Lists every file (not folder) below DIR, recursively, sorted by path.
  Result<std::vector<FileInfo>> ListRecursive(const std::string& dir);

 protected:
  virtual Result<std::unique_ptr<WritableFile>> DoOpenForWrite(const std::string& path,
                                                               SyncMode mode,
                                                               WriteCaching caching) = 0;
};

/// Returns the file system of the local disk.
std::unique_ptr<FileSystem> NewLocalFileSystem();
/// Returns an empty in-memory file system, for tests.
std::unique_ptr<FileSystem> NewMemoryFileSystem();

/// Joins path parts with exactly one '/' between them.
std::string JoinPath(std::string_view a, std::string_view b);
/// Returns the part after the last '/'.
std::string_view BaseName(std::string_view path);
/// Returns the part before the last '/' ("" when there is none).
std::string_view DirName(std::string_view path);

}  // namespace stedi
