#include "storage/file_uri.h"

namespace stedi {

std::string FileUri(std::string_view absolute_path) {
  return "file://" + std::string(absolute_path);
}

Result<std::string> LocalPathFromUri(std::string_view uri) {
  std::string_view path = uri;
  if (path.rfind("file://", 0) == 0) {
    path.remove_prefix(7);  // file:///p → /p; file://host/p is not local
    if (path.empty() || path.front() != '/') {
      return Status::Invalid("'" + std::string(uri) + "' names a file on another host");
    }
  } else if (path.rfind("file:", 0) == 0) {
    path.remove_prefix(5);  // Spark writes file:/p
  } else if (path.find("://") != std::string_view::npos) {
    return Status::NotImplemented("'" + std::string(uri) +
                                  "': only local files (file://) can be read yet");
  }
  if (path.empty() || path.front() != '/') {
    return Status::Invalid("'" + std::string(uri) + "' is not an absolute file location");
  }
  // No %XX decoding: writers (ours, PyIceberg) put paths in URIs unencoded.
  return std::string(path);
}

}  // namespace stedi
