#include "pipeline/overlay_table_resolver.h"

#include <algorithm>

namespace stedi {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

void OverlayTableResolver::Add(sql::TableSource source) {
  std::string key = Lower(source.name);
  built_[key] = std::move(source);
}

Result<sql::TableSource> OverlayTableResolver::Resolve(
    std::string_view name, const std::optional<sql::TimeTravel>& time_travel) {
  auto it = built_.find(Lower(name));
  if (it == built_.end()) return base_->Resolve(name, time_travel);
  if (time_travel) {
    return Status::Invalid("table " + it->first +
                           " is being rebuilt by this run; time travel reads published tables "
                           "only");
  }
  return it->second;
}

Result<std::vector<std::string>> OverlayTableResolver::TableNames() {
  STEDI_ASSIGN_OR_RETURN(std::vector<std::string> names, base_->TableNames());
  for (const auto& [name, source] : built_) {
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

}  // namespace stedi
