#include "storage/file_system.h"

#include <algorithm>

namespace stedi {

Result<std::string> FileSystem::ReadAll(const std::string& path) {
  STEDI_ASSIGN_OR_RETURN(auto file, OpenForRead(path));
  std::string data(file->size(), '\0');
  STEDI_ASSIGN_OR_RETURN(size_t n, file->ReadAt(0, data.size(), data.data()));
  if (n != data.size()) return Status::IOError(path + ": short read");
  return data;
}

Status FileSystem::WriteAll(const std::string& path, std::string_view data) {
  STEDI_ASSIGN_OR_RETURN(auto file, OpenForWrite(path));
  STEDI_RETURN_NOT_OK(file->Append(data));
  return file->Close();
}

Result<std::vector<FileInfo>> FileSystem::ListRecursive(const std::string& dir) {
  std::vector<FileInfo> out;
  std::vector<std::string> pending{dir};
  while (!pending.empty()) {
    std::string next = std::move(pending.back());
    pending.pop_back();
    STEDI_ASSIGN_OR_RETURN(auto entries, List(next));
    for (FileInfo& e : entries) {
      if (e.is_dir) {
        pending.push_back(e.path);
      } else {
        out.push_back(std::move(e));
      }
    }
  }
  std::sort(out.begin(), out.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.path < b.path; });
  return out;
}

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  std::string out(a);
  while (!out.empty() && out.back() == '/') out.pop_back();
  while (!b.empty() && b.front() == '/') b.remove_prefix(1);
  out += '/';
  out += b;
  return out;
}

std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view DirName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

}  // namespace stedi
