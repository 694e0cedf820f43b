#include "catalog/catalog.h"
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
    if (time_travel) {
      return Status::NotImplemented(
          "time travel (FOR VERSION/TIMESTAMP AS OF) needs Iceberg snapshots, which this lake "
          "does not have yet");
    }
    STEDI_ASSIGN_OR_RETURN(TableEntry entry, catalog_->GetTable(name));
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
