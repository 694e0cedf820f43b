#include "catalog/crawler_findings.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <set>
#include <string_view>

namespace stedi {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Orders JSON kinds the way people read them (null first, containers last), unknown
// kinds after the known ones, alphabetically, so output never depends on input order.
struct KindOrder {
  static int Rank(const std::string& kind) {
    static constexpr std::array<std::string_view, 8> kKnown = {
        "null", "boolean", "integer", "float", "number", "string", "array", "object"};
    for (size_t i = 0; i < kKnown.size(); ++i) {
      if (kKnown[i] == kind) return static_cast<int>(i);
    }
    return static_cast<int>(kKnown.size());
  }
  bool operator()(const std::string& a, const std::string& b) const {
    int ra = Rank(a), rb = Rank(b);
    return ra != rb ? ra < rb : a < b;
  }
};
using KindSet = std::set<std::string, KindOrder>;

void AddKinds(std::string_view joined, KindSet* kinds) {
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find('|', start);
    if (end == std::string_view::npos) end = joined.size();
    std::string kind = Lower(joined.substr(start, end - start));
    if (!kind.empty()) kinds->insert(std::move(kind));
    start = end + 1;
  }
}

std::string Join(const KindSet& kinds) {
  std::string out;
  for (const std::string& k : kinds) out += (out.empty() ? "" : "|") + k;
  return out;
}

// What one file says about one column.
struct FileSighting {
  std::vector<std::string> spellings;
  KindSet kinds;
  int64_t present = 0;
  int64_t nulls = 0;
};

struct ColumnSightings {
  std::string column;
  std::vector<std::string> spellings;
  std::map<size_t, FileSighting> by_file;  // file index → sighting
};

struct FileRecords {
  std::string name;
  int64_t records = 0;
};

// Gathers observations by column (first-sighting order) and lists the files that count.
struct Gathered {
  std::vector<FileRecords> files;  // all known files, ingest order
  std::vector<bool> counts;        // files[i] yielded records (or has observations)
  int64_t files_total = 0;
  std::vector<ColumnSightings> columns;
};

Gathered Gather(const std::vector<SourceFile>& files,
                const std::vector<FieldObservation>& observations) {
  Gathered g;
  std::map<std::string, size_t> file_index;
  for (const SourceFile& f : files) {
    if (file_index.emplace(f.name, g.files.size()).second) {
      g.files.push_back({f.name, f.records});
    }
  }
  std::map<std::string, size_t> column_index;
  for (const FieldObservation& o : observations) {
    auto [fit, new_file] = file_index.emplace(o.file, g.files.size());
    if (new_file) g.files.push_back({o.file, 0});
    std::string column = Lower(o.field);
    auto [cit, new_column] = column_index.emplace(column, g.columns.size());
    if (new_column) g.columns.push_back({column, {}, {}});
    ColumnSightings& c = g.columns[cit->second];
    if (std::find(c.spellings.begin(), c.spellings.end(), o.field) == c.spellings.end()) {
      c.spellings.push_back(o.field);
    }
    FileSighting& s = c.by_file[fit->second];
    if (std::find(s.spellings.begin(), s.spellings.end(), o.field) == s.spellings.end()) {
      s.spellings.push_back(o.field);
    }
    AddKinds(o.json_types, &s.kinds);
    s.present += o.present;
    s.nulls += o.nulls;
    // A file recorded without its record count still has at least this many records.
    g.files[fit->second].records = std::max(g.files[fit->second].records, o.present);
  }
  g.counts.assign(g.files.size(), false);
  for (size_t i = 0; i < g.files.size(); ++i) {
    g.counts[i] = g.files[i].records > 0;
    if (g.counts[i]) ++g.files_total;
  }
  return g;
}

// Names a group of files in a drift note: one file by name, the biggest group of several
// as "N other files", small groups by name, big ones by count.
std::string DescribeFiles(const std::vector<std::string>& names, bool is_last, size_t groups) {
  if (names.size() == 1) return names[0];
  if (is_last && groups > 1) return std::to_string(names.size()) + " other files";
  if (names.size() <= 3) {
    std::string out;
    for (size_t i = 0; i < names.size(); ++i) {
      out += (i == 0 ? "" : (i + 1 == names.size() ? " and " : ", ")) + names[i];
    }
    return out;
  }
  return std::to_string(names.size()) + " files";
}

// Words "A in x.json and B in 8 other files" for files grouped by what they show (KEY);
// smallest groups first, so the odd ones out are named.
std::string DescribeGroups(const std::vector<std::pair<std::string, std::string>>& key_file,
                           std::string_view connector) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& [group_key, file] : key_file) {
    const std::string& key = group_key;  // clang < 16 cannot capture structured bindings
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
    if (it == groups.end()) {
      groups.push_back({key, {file}});
    } else {
      it->second.push_back(file);
    }
  }
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.second.size() < b.second.size(); });
  std::string out;
  for (size_t i = 0; i < groups.size(); ++i) {
    if (i > 0) out += (i + 1 == groups.size()) ? " and " : ", ";
    out += groups[i].first;
    out += connector;
    out += DescribeFiles(groups[i].second, i + 1 == groups.size(), groups.size());
  }
  return out;
}

size_t CountDistinctKeys(const std::vector<std::pair<std::string, std::string>>& key_file) {
  std::set<std::string> keys;
  for (const auto& kf : key_file) keys.insert(kf.first);
  return keys.size();
}

}  // namespace

std::vector<FieldSummary> SummarizeFieldObservations(
    const std::vector<SourceFile>& files, const std::vector<FieldObservation>& observations) {
  Gathered g = Gather(files, observations);
  std::vector<FieldSummary> out;
  for (const ColumnSightings& c : g.columns) {
    FieldSummary s;
    s.column = c.column;
    s.spellings = c.spellings;
    s.files_total = g.files_total;
    KindSet kinds;
    for (size_t i = 0; i < g.files.size(); ++i) {
      if (!g.counts[i]) continue;
      auto it = c.by_file.find(i);
      if (it == c.by_file.end() || it->second.present == 0) {
        s.files_missing.push_back(g.files[i].name);
        s.nullable = true;
        continue;
      }
      const FileSighting& f = it->second;
      ++s.files_seen;
      kinds.insert(f.kinds.begin(), f.kinds.end());
      if (f.nulls > 0 || f.present < g.files[i].records) s.nullable = true;
    }
    s.json_types = Join(kinds);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<DriftNote> FindSchemaDrift(const std::vector<SourceFile>& files,
                                       const std::vector<FieldObservation>& observations) {
  Gathered g = Gather(files, observations);
  std::string source = !files.empty()          ? files[0].source
                       : !observations.empty() ? observations[0].source
                                               : std::string();
  std::vector<DriftNote> notes;
  for (const ColumnSightings& c : g.columns) {
    std::vector<std::pair<std::string, std::string>> spelling_of_file, kinds_of_file;
    std::vector<std::string> missing;
    for (size_t i = 0; i < g.files.size(); ++i) {
      if (!g.counts[i]) continue;
      auto it = c.by_file.find(i);
      if (it == c.by_file.end() || it->second.present == 0) {
        missing.push_back(g.files[i].name);
        continue;
      }
      const FileSighting& f = it->second;
      std::string spelled;
      for (const std::string& sp : f.spellings)
        spelled += (spelled.empty() ? "'" : "/'") + sp + "'";
      spelling_of_file.push_back({spelled, g.files[i].name});
      // Null goes with every kind, so only the non-null kinds can drift.
      KindSet non_null = f.kinds;
      non_null.erase("null");
      if (!non_null.empty()) kinds_of_file.push_back({Join(non_null), g.files[i].name});
    }
    if (CountDistinctKeys(spelling_of_file) > 1) {
      notes.push_back({source, "field " + c.spellings[0] + " spelled " +
                                   DescribeGroups(spelling_of_file, " in ")});
    }
    if (CountDistinctKeys(kinds_of_file) > 1) {
      notes.push_back(
          {source, "field " + c.spellings[0] + " is " + DescribeGroups(kinds_of_file, " in ")});
    }
    if (!missing.empty()) {
      std::string message = "field " + c.spellings[0] + " absent from " +
                            std::to_string(missing.size()) + " of " +
                            std::to_string(g.files_total) + " files: ";
      constexpr size_t kListed = 5;
      for (size_t i = 0; i < missing.size() && i < kListed; ++i) {
        message += (i == 0 ? "" : ", ") + missing[i];
      }
      if (missing.size() > kListed) message += ", …";
      notes.push_back({source, std::move(message)});
    }
  }
  return notes;
}

}  // namespace stedi
