#include "pipeline/model_set.h"

#include <algorithm>
#include <set>

#include "pipeline/embedded_models.h"

namespace stedi {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsModelZone(std::string_view name) { return name == "trusted" || name == "curated"; }

// Where a .sql file sits: the policy it belongs to, its zone and table name.
struct ModelPlace {
  std::string policy;
  std::string zone;
  std::string file_stem;
};

std::optional<ModelPlace> PlaceOf(std::string_view path) {
  std::vector<std::string_view> parts = SplitPath(path);
  if (parts.size() == 2 && IsModelZone(parts[0])) {
    return ModelPlace{std::string(ModelSet::kStandardPolicy), std::string(parts[0]),
                      std::string(parts[1].substr(0, parts[1].size() - 4))};
  }
  if (parts.size() == 4 && parts[0] == "policies" && !parts[1].empty() && IsModelZone(parts[2])) {
    return ModelPlace{std::string(parts[1]), std::string(parts[2]),
                      std::string(parts[3].substr(0, parts[3].size() - 4))};
  }
  return std::nullopt;
}

// Table names become folder names and SQL identifiers: keep them plain.
bool IsPlainTableName(std::string_view name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string SourceOfModelTable(std::string_view table) {
  if (table == "machine_learning_curated") return "step_trainer";
  for (std::string_view suffix : {"_trusted", "_curated", "_landing"}) {
    if (EndsWith(table, suffix) && table.size() > suffix.size()) {
      return std::string(table.substr(0, table.size() - suffix.size()));
    }
  }
  return std::string(table);
}

ModelSet ModelSet::Embedded() {
  std::map<std::string, std::string> files;
  for (const EmbeddedModelFile& f : EmbeddedModelFiles()) {
    files.emplace(std::string(f.path), std::string(f.contents));
  }
  return ModelSet("models", std::move(files));
}

Result<ModelSet> ModelSet::FromFolder(FileSystem& fs, const std::string& folder) {
  std::string dir = folder;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  STEDI_ASSIGN_OR_RETURN(std::vector<FileInfo> listed, fs.ListRecursive(dir));
  std::map<std::string, std::string> files;
  for (const FileInfo& f : listed) {
    std::string relative = f.path.substr(std::min(f.path.size(), dir.size() + 1));
    if (!EndsWith(relative, ".sql")) continue;
    STEDI_ASSIGN_OR_RETURN(std::string contents, fs.ReadAll(f.path));
    files.emplace(std::move(relative), std::move(contents));
  }
  if (files.empty()) {
    return Status::NotFound(dir + ": no models (expected <zone>/<table>.sql files)");
  }
  return ModelSet(dir, std::move(files));
}

std::vector<std::string> ModelSet::Policies() const {
  std::set<std::string> others;
  bool standard = false;
  for (const auto& [path, contents] : files_) {
    if (!EndsWith(path, ".sql")) continue;
    std::optional<ModelPlace> place = PlaceOf(path);
    if (!place) continue;
    if (place->policy == kStandardPolicy) {
      standard = true;
    } else {
      others.insert(place->policy);
    }
  }
  std::vector<std::string> out;
  if (standard || !others.empty()) out.emplace_back(kStandardPolicy);
  for (const std::string& p : others) {
    if (p != kStandardPolicy) out.push_back(p);
  }
  return out;
}

Result<std::vector<Model>> ModelSet::Load(std::string_view policy) const {
  for (const auto& [path, contents] : files_) {
    if (EndsWith(path, ".sql") && !PlaceOf(path)) {
      return Status::Invalid(JoinPath(origin_, path) +
                             ": a model must be <zone>/<table>.sql or "
                             "policies/<policy>/<zone>/<table>.sql, zone trusted or curated");
    }
  }
  std::vector<std::string> known = Policies();
  if (std::find(known.begin(), known.end(), policy) == known.end()) {
    std::string list;
    for (const std::string& p : known) list += (list.empty() ? "" : ", ") + p;
    return Status::Invalid("unknown policy '" + std::string(policy) + "' (known: " + list + ")");
  }
  std::map<std::string, Model> standard, replaced;
  for (const auto& [path, contents] : files_) {
    if (!EndsWith(path, ".sql")) continue;
    const std::string shown = JoinPath(origin_, path);
    std::optional<ModelPlace> place = PlaceOf(path);
    if (!place) continue;  // refused above
    if (place->policy != kStandardPolicy && place->policy != policy) continue;
    Model model;
    model.table = Lower(place->file_stem);
    if (!IsPlainTableName(model.table)) {
      return Status::Invalid(shown + ": table name '" + place->file_stem +
                             "' must use only letters, digits and '_'");
    }
    STEDI_ASSIGN_OR_RETURN(model.zone, ParseZone(place->zone));
    model.source = SourceOfModelTable(model.table);
    model.sql = contents;
    model.file = shown;
    auto& into = place->policy == kStandardPolicy ? standard : replaced;
    auto [it, inserted] = into.emplace(model.table, model);
    if (!inserted) {
      return Status::Invalid("table " + model.table + " is defined twice: " + it->second.file +
                             " and " + shown);
    }
  }
  for (auto& [table, model] : replaced) {
    auto it = standard.find(table);
    if (it != standard.end() && it->second.zone != model.zone) {
      return Status::Invalid(model.file + " replaces table " + table + " of zone " +
                             std::string(ZoneName(it->second.zone)) + " (" + it->second.file +
                             ") from another zone");
    }
    standard[table] = std::move(model);
  }
  std::vector<Model> out;
  for (auto& [table, model] : standard) out.push_back(std::move(model));
  std::stable_sort(out.begin(), out.end(), [](const Model& a, const Model& b) {
    return static_cast<int>(a.zone) < static_cast<int>(b.zone);
  });
  return out;
}

}  // namespace stedi
