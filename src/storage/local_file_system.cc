// The local disk, through POSIX calls (positional reads need no shared file offset, so one
// open file serves many reader threads).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "storage/file_system.h"

namespace stedi {
namespace {

Status ErrnoStatus(const std::string& path, std::string_view what, int err) {
  std::string msg = path + ": " + std::string(what) + ": " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(msg);
  return Status::IOError(msg);
}

Status ErrorCodeStatus(const std::string& path, std::string_view what, const std::error_code& ec) {
  return ErrnoStatus(path, what, ec.value());
}

class LocalReadFile final : public RandomAccessFile {
 public:
  LocalReadFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~LocalReadFile() override { ::close(fd_); }

  uint64_t size() const override { return size_; }
  const std::string& path() const override { return path_; }

  Result<size_t> ReadAt(uint64_t offset, size_t n, char* out) const override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, out + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(path_, "read at offset " + std::to_string(offset + done), errno);
      }
      if (r == 0) break;
      done += static_cast<size_t>(r);
    }
    return done;
  }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

std::string TempNameFor(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  return path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

class LocalWriteFile final : public WritableFile {
 public:
  LocalWriteFile(std::string path, std::string temp, int fd, SyncMode mode, bool direct)
      : path_(std::move(path)), temp_(std::move(temp)), fd_(fd), mode_(mode), direct_(direct) {}
  ~LocalWriteFile() override {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(temp_.c_str());
    }
  }

  const std::string& path() const override { return path_; }
  uint64_t position() const override { return position_; }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Status::Internal(path_ + ": append after close");
    if (direct_) {
      // Whole aligned blocks go to the disk directly; the rest, and every append after it,
      // through the page cache (direct I/O needs the file offset aligned too).
      const size_t blocks = data.size() / kUncachedWriteAlignment * kUncachedWriteAlignment;
      if (blocks > 0 && reinterpret_cast<uintptr_t>(data.data()) % kUncachedWriteAlignment == 0) {
        STEDI_RETURN_NOT_OK(WriteOut(data.substr(0, blocks)));
        data.remove_prefix(blocks);
      }
      if (!data.empty()) STEDI_RETURN_NOT_OK(StopDirect());
    }
    return WriteOut(data);
  }

  Status Close() override {
    if (fd_ < 0) return Status::OK();
    // Data must be on disk before the rename makes it visible, or a crash could publish a
    // file with holes.
    if (mode_ == SyncMode::kOnClose && ::fdatasync(fd_) != 0) {
      return ErrnoStatus(path_, "sync", errno);
    }
    // A deferred file is made durable later by SyncWrites; starting its writeback now lets the
    // disk work while the process goes on, so that barrier mostly finds the data written. Only a
    // hint: a failure here changes nothing the barrier does not check again.
    if (mode_ == SyncMode::kDeferred) (void)::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
    if (::close(fd_) != 0) {
      fd_ = -1;
      return ErrnoStatus(path_, "close", errno);
    }
    fd_ = -1;
    if (::rename(temp_.c_str(), path_.c_str()) != 0) {
      int err = errno;
      ::unlink(temp_.c_str());
      return ErrnoStatus(path_, "rename into place", err);
    }
    return Status::OK();
  }

 private:
  Status WriteOut(std::string_view data) {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      ssize_t w = ::write(fd_, p, left);
      if (w < 0) {
        if (errno == EINTR) continue;
        // A device wanting a larger alignment, or a short direct write before: go on cached.
        if (errno == EINVAL && direct_) {
          STEDI_RETURN_NOT_OK(StopDirect());
          continue;
        }
        return ErrnoStatus(path_, "write", errno);
      }
      p += w;
      left -= static_cast<size_t>(w);
      position_ += static_cast<uint64_t>(w);
    }
    return Status::OK();
  }

  Status StopDirect() {
    if (!direct_) return Status::OK();
    int flags = ::fcntl(fd_, F_GETFL);
    if (flags < 0 || ::fcntl(fd_, F_SETFL, flags & ~O_DIRECT) != 0) {
      return ErrnoStatus(path_, "switch to cached writes", errno);
    }
    direct_ = false;
    return Status::OK();
  }

  std::string path_;
  std::string temp_;
  int fd_;
  SyncMode mode_;
  bool direct_;  // O_DIRECT is set on fd_
  uint64_t position_ = 0;
};

class LocalFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(path, "open", errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus(path, "stat", err);
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return Status::IOError(path + ": is a folder, not a file");
    }
    return std::unique_ptr<RandomAccessFile>(
        new LocalReadFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  Status SyncWrites(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(dir, "open for sync", errno);
    // syncfs flushes the whole file system in one go: far cheaper than walking the tree.
    int rc = ::syncfs(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus(dir, "sync", err);
    return Status::OK();
  }

 protected:
  Result<std::unique_ptr<WritableFile>> DoOpenForWrite(const std::string& path, SyncMode mode,
                                                       WriteCaching caching) override {
    std::string_view dir = DirName(path);
    if (!dir.empty()) STEDI_RETURN_NOT_OK(CreateDirs(std::string(dir)));
    std::string temp = TempNameFor(path);
    const int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
    bool direct = caching == WriteCaching::kUncached;
    int fd = direct ? ::open(temp.c_str(), flags | O_DIRECT, 0644) : -1;
    if (fd < 0) {
      // EINVAL: a file system without direct I/O (tmpfs before Linux 6.6); write it cached.
      if (direct && errno != EINVAL) return ErrnoStatus(path, "create", errno);
      direct = false;
      fd = ::open(temp.c_str(), flags, 0644);
    }
    if (fd < 0) return ErrnoStatus(path, "create", errno);
    return std::unique_ptr<WritableFile>(
        new LocalWriteFile(path, std::move(temp), fd, mode, direct));
  }

 public:
  Result<std::vector<FileInfo>> List(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) return ErrorCodeStatus(dir, "list", ec);
    std::vector<FileInfo> out;
    for (const auto& entry : it) {
      FileInfo info;
      info.path = JoinPath(dir, entry.path().filename().string());
      struct stat st;
      if (::stat(info.path.c_str(), &st) != 0) {
        if (errno == ENOENT) continue;  // deleted since the listing began
        return ErrnoStatus(info.path, "stat", errno);
      }
      info.is_dir = S_ISDIR(st.st_mode);
      if (!info.is_dir) info.size = static_cast<uint64_t>(st.st_size);
      info.modified_ms =
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
      out.push_back(std::move(info));
    }
    std::sort(out.begin(), out.end(),
              [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
    return out;
  }

  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(path, "stat", errno);
    return FileInfo{path, static_cast<uint64_t>(st.st_size), S_ISDIR(st.st_mode),
                    static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000};
  }

  Result<bool> Exists(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) == 0) return true;
    if (errno == ENOENT || errno == ENOTDIR) return false;
    return ErrnoStatus(path, "stat", errno);
  }

  Status CreateDirs(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return ErrorCodeStatus(dir, "create folder", ec);
    return Status::OK();
  }

  Status DeleteFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(path, "delete", errno);
    return Status::OK();
  }

  Status DeleteDirRecursive(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    if (ec) return ErrorCodeStatus(dir, "delete folder", ec);
    return Status::OK();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    std::string_view dir = DirName(to);
    if (!dir.empty()) STEDI_RETURN_NOT_OK(CreateDirs(std::string(dir)));
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus(from, "rename to " + to, errno);
    }
    return Status::OK();
  }
};

}  // namespace

std::unique_ptr<FileSystem> NewLocalFileSystem() { return std::make_unique<LocalFileSystem>(); }

}  // namespace stedi
