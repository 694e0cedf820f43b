#include "catalog/catalog.h"
#include "sql/expression/value_text.h"
#include "sql/table_resolver.h"
#include "storage/lake_layout.h"

namespace stedi::sql {
namespace {

class CatalogResolver final : public TableResolver {
 public:
  explicit CatalogResolver(Catalog* catalog) : catalog_(catalog) {}

  const std::string& database() const override { return catalog_->database(); }

  Result<TableSource> Resolve(std::string_view name,
                              const std::optional<TimeTravel>& time_travel) override {
    SnapshotSelector at;
    if (time_travel && time_travel->kind == TimeTravel::Kind::kVersion) {
      at.snapshot_id = time_travel->version;
    } else if (time_travel) {
      std::optional<int64_t> micros = ParseTimestamp(time_travel->timestamp);
      if (!micros) {
        return Status::Invalid("FOR TIMESTAMP AS OF: '" + time_travel->timestamp +
                               "' is not a timestamp (expected YYYY-MM-DD HH:MM:SS[.fff], UTC)");
      }
      // Floor to milliseconds, the resolution of Iceberg's snapshot times.
      at.as_of_ms = *micros >= 0 ? *micros / 1000 : -((-*micros + 999) / 1000);
    }
    STEDI_ASSIGN_OR_RETURN(TableEntry entry, catalog_->GetTable(name, at));
    LakeLayout layout(catalog_->lake_dir());
    TableSource source;
    source.name = entry.name;
    source.schema = std::make_shared<const Schema>(entry.schema);
    source.rows = static_cast<uint64_t>(entry.rows);
    for (const DataFile& f : entry.files) source.files.push_back(layout.Resolve(f.path));
    return source;
  }

  Result<std::vector<std::string>> TableNames() override {
    STEDI_ASSIGN_OR_RETURN(std::vector<TableEntry> tables, catalog_->ListTables());
    std::vector<std::string> names;
    for (const TableEntry& t : tables) names.push_back(t.name);
    return names;
  }

 private:
  Catalog* catalog_;
};

}  // namespace

std::unique_ptr<TableResolver> MakeCatalogResolver(Catalog* catalog) {
  return std::make_unique<CatalogResolver>(catalog);
}

}  // namespace stedi::sql
