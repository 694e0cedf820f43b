// An in-memory file system for tests: a sorted map from path to bytes. Folders exist
// implicitly as prefixes of file paths, or explicitly after CreateDirs.
#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <set>

#include "storage/file_system.h"

namespace stedi {
namespace {

std::string Normalize(std::string_view path) {
  std::string p(path);
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

struct MemoryState {
  std::mutex mu;
  std::map<std::string, std::shared_ptr<const std::string>> files;
  std::set<std::string> dirs;
};

class MemoryReadFile final : public RandomAccessFile {
 public:
  MemoryReadFile(std::string path, std::shared_ptr<const std::string> data)
      : path_(std::move(path)), data_(std::move(data)) {}
  uint64_t size() const override { return data_->size(); }
  const std::string& path() const override { return path_; }
  Result<size_t> ReadAt(uint64_t offset, size_t n, char* out) const override {
    if (offset >= data_->size()) return size_t{0};
    size_t take = std::min<uint64_t>(n, data_->size() - offset);
    std::memcpy(out, data_->data() + offset, take);
    return take;
  }

 private:
  std::string path_;
  std::shared_ptr<const std::string> data_;
};

class MemoryWriteFile final : public WritableFile {
 public:
  MemoryWriteFile(std::string path, std::shared_ptr<MemoryState> state)
      : path_(std::move(path)), state_(std::move(state)) {}
  const std::string& path() const override { return path_; }
  uint64_t position() const override { return buffer_.size(); }
  Status Append(std::string_view data) override {
    if (closed_) return Status::Internal(path_ + ": append after close");
    buffer_.append(data);
    return Status::OK();
  }
  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->files[path_] = std::make_shared<const std::string>(std::move(buffer_));
    return Status::OK();
  }

 private:
  std::string path_;
  std::shared_ptr<MemoryState> state_;
  std::string buffer_;
  bool closed_ = false;
};

class MemoryFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<RandomAccessFile>> OpenForRead(const std::string& path) override {
    std::string p = Normalize(path);
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->files.find(p);
    if (it == state_->files.end()) return Status::NotFound(p + ": no such file");
    return std::unique_ptr<RandomAccessFile>(new MemoryReadFile(p, it->second));
  }

  Status SyncWrites(const std::string&) override { return Status::OK(); }

 protected:
  Result<std::unique_ptr<WritableFile>> DoOpenForWrite(const std::string& path, SyncMode,
                                                       WriteCaching) override {
    return std::unique_ptr<WritableFile>(new MemoryWriteFile(Normalize(path), state_));
  }

 public:
  Result<std::vector<FileInfo>> List(const std::string& dir) override {
    std::string d = Normalize(dir);
    std::string prefix = d + "/";
    std::lock_guard<std::mutex> lock(state_->mu);
    std::map<std::string, FileInfo> entries;
    bool found = state_->dirs.count(d) > 0;
    for (auto it = state_->files.lower_bound(prefix);
         it != state_->files.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      found = true;
      std::string rest = it->first.substr(prefix.size());
      size_t slash = rest.find('/');
      if (slash == std::string::npos) {
        entries[rest] = FileInfo{it->first, it->second->size(), false};
      } else {
        std::string name = rest.substr(0, slash);
        entries[name] = FileInfo{prefix + name, 0, true};
      }
    }
    for (auto it = state_->dirs.lower_bound(prefix);
         it != state_->dirs.end() && it->compare(0, prefix.size(), prefix) == 0; ++it) {
      std::string rest = it->substr(prefix.size());
      std::string name = rest.substr(0, rest.find('/'));
      entries.emplace(name, FileInfo{prefix + name, 0, true});
    }
    if (!found) return Status::NotFound(d + ": no such folder");
    std::vector<FileInfo> out;
    for (auto& [name, info] : entries) out.push_back(std::move(info));
    return out;
  }

  Result<FileInfo> Stat(const std::string& path) override {
    std::string p = Normalize(path);
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      auto it = state_->files.find(p);
      if (it != state_->files.end()) return FileInfo{p, it->second->size(), false};
    }
    if (List(p).ok()) return FileInfo{p, 0, true};
    return Status::NotFound(p + ": no such file");
  }

  Result<bool> Exists(const std::string& path) override { return Stat(path).ok(); }

  Status CreateDirs(const std::string& dir) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    std::string d = Normalize(dir);
    while (!d.empty()) {
      state_->dirs.insert(d);
      d = std::string(DirName(d));
    }
    return Status::OK();
  }

  Status DeleteFile(const std::string& path) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->files.erase(Normalize(path));
    return Status::OK();
  }

  Status DeleteDirRecursive(const std::string& dir) override {
    std::string d = Normalize(dir);
    std::string prefix = d + "/";
    std::lock_guard<std::mutex> lock(state_->mu);
    for (auto it = state_->files.lower_bound(prefix);
         it != state_->files.end() && it->first.compare(0, prefix.size(), prefix) == 0;) {
      it = state_->files.erase(it);
    }
    for (auto it = state_->dirs.lower_bound(d);
         it != state_->dirs.end() && (*it == d || it->compare(0, prefix.size(), prefix) == 0);) {
      it = state_->dirs.erase(it);
    }
    return Status::OK();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->files.find(Normalize(from));
    if (it == state_->files.end()) return Status::NotFound(from + ": no such file");
    auto data = it->second;
    state_->files.erase(it);
    state_->files[Normalize(to)] = std::move(data);
    return Status::OK();
  }

 private:
  std::shared_ptr<MemoryState> state_ = std::make_shared<MemoryState>();
};

}  // namespace

std::unique_ptr<FileSystem> NewMemoryFileSystem() { return std::make_unique<MemoryFileSystem>(); }

}  // namespace stedi
