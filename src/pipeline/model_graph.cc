#include "pipeline/model_graph.h"

#include <map>

#include "columnar/schema.h"
#include "sql/query.h"

namespace stedi {
namespace {

bool Contains(const std::vector<std::string>& names, std::string_view name) {
  for (const std::string& n : names) {
    if (NamesEqual(n, name)) return true;
  }
  return false;
}

// Returns "a → b → a" for the cycle reached by following dependencies from START among the
// models not yet ordered (each of which still waits on at least one other).
std::string DescribeCycle(const std::vector<Model>& models,
                          const std::vector<std::vector<size_t>>& reads,
                          const std::vector<bool>& done, size_t start) {
  std::vector<size_t> path;
  std::map<size_t, size_t> position;
  size_t at = start;
  while (position.find(at) == position.end()) {
    position[at] = path.size();
    path.push_back(at);
    for (size_t next : reads[at]) {
      if (!done[next]) {
        at = next;
        break;
      }
    }
  }
  std::string text;
  for (size_t i = position[at]; i < path.size(); ++i) {
    text += models[path[i]].table + " (" + models[path[i]].file + ") → ";
  }
  return text + models[at].table;
}

}  // namespace

Result<std::vector<Model>> OrderModels(std::vector<Model> models,
                                       const std::vector<std::string>& existing_tables) {
  std::map<std::string, size_t> built;
  for (size_t i = 0; i < models.size(); ++i) built[models[i].table] = i;

  std::vector<std::vector<size_t>> reads(models.size());
  for (size_t i = 0; i < models.size(); ++i) {
    Model& m = models[i];
    auto tables = sql::ReferencedTables(m.sql);
    if (!tables.ok()) return tables.status().WithContext(m.file);
    m.dependencies.clear();
    for (const std::string& t : *tables) {
      auto it = built.find(t);
      if (it != built.end()) {
        reads[i].push_back(it->second);
        m.dependencies.push_back(t);
      } else if (!Contains(existing_tables, t)) {
        return Status::Invalid(m.file + ": reads table " + t +
                               ", which no model builds and the lake does not have");
      }
    }
  }

  // Kahn's algorithm, always taking the earliest ready model so the order is stable.
  std::vector<bool> done(models.size(), false);
  std::vector<size_t> order;
  while (order.size() < models.size()) {
    bool progressed = false;
    for (size_t i = 0; i < models.size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (size_t d : reads[i]) ready = ready && done[d];
      if (!ready) continue;
      done[i] = true;
      order.push_back(i);
      progressed = true;
      break;
    }
    if (!progressed) {
      size_t start = 0;
      while (done[start]) ++start;
      return Status::Invalid("models read each other in a cycle: " +
                             DescribeCycle(models, reads, done, start));
    }
  }
  std::vector<Model> out;
  out.reserve(models.size());
  for (size_t i : order) out.push_back(std::move(models[i]));
  return out;
}

}  // namespace stedi
