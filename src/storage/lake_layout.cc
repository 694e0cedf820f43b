#include "storage/lake_layout.h"

#include "storage/file_system.h"

namespace stedi {

std::string LakeLayout::Resolve(std::string_view relative) const {
  // Files other engines wrote may live outside the lake; the catalog keeps those absolute.
  if (!relative.empty() && relative.front() == '/') return std::string(relative);
  return JoinPath(root_, relative);
}

std::string LakeLayout::CatalogPath() const { return JoinPath(root_, "catalog.db"); }

std::string LakeLayout::RawFolder(std::string_view source) {
  return std::string(source) + "/landing/raw";
}

std::string LakeLayout::TableFolder(std::string_view source, std::string_view zone,
                                    std::string_view table) {
  if (source.empty()) return std::string(table);
  return std::string(source) + "/" + std::string(zone) + "/" + std::string(table);
}

std::string LakeLayout::TempFolder() const { return JoinPath(root_, "_tmp"); }

}  // namespace stedi
