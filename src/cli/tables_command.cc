#include <iostream>

#include "catalog/catalog.h"
#include "cli/commands.h"
#include "cli/table_printer.h"
#include "ingest/landing_sources.h"
#include "storage/file_system.h"

namespace stedi {
namespace {

// Returns the landing source whose table is TABLE, if any.
const LandingSource* SourceOfTable(std::string_view table) {
  for (const LandingSource& s : LandingSources()) {
    if (NamesEqual(s.table, table)) return &s;
  }
  return nullptr;
}

}  // namespace

int RunTablesCommand(const TablesArgs& args) {
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) return ReportFailure(format.status());
  auto catalog = Catalog::OpenExisting(args.lake);
  if (!catalog.ok()) return ReportFailure(catalog.status());
  auto tables = (*catalog)->ListTables();
  if (!tables.ok()) return ReportFailure(tables.status());
  TextTable out;
  out.columns = {"table", "zone", "rows"};
  out.numeric = {false, false, true};
  for (const TableEntry& t : *tables) {
    // A table we cannot read still shows up, without a count, and stderr says why.
    out.rows.push_back({t.name, std::string(ZoneName(t.zone)),
                        t.unreadable.empty() ? std::to_string(t.rows) : std::string()});
    if (!t.unreadable.empty()) std::cerr << "warning: " << t.name << ": " << t.unreadable << "\n";
  }
  PrintTable(out, *format, std::cout);
  return kExitOk;
}

int RunDescribeCommand(const DescribeArgs& args) {
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) return ReportFailure(format.status());
  auto catalog = Catalog::OpenExisting(args.lake);
  if (!catalog.ok()) return ReportFailure(catalog.status());
  auto table = (*catalog)->GetTable(args.table);
  if (!table.ok()) return ReportFailure(table.status());

  if (*format == OutputFormat::kTable) {
    std::cout << "table    " << (*catalog)->database() << "." << table->name << "\n"
              << "zone     " << ZoneName(table->zone) << "\n"
              << "location " << table->location << "\n"
              << "rows     " << table->rows << "\n"
              << "updated  " << table->updated_at << "\n\n";
  }
  TextTable columns;
  columns.columns = {"column", "type", "nullable", "field_id"};
  columns.numeric = {false, false, false, true};
  for (const Field& f : table->schema.fields()) {
    columns.rows.push_back({f.name, std::string(TypeName(f.type)), f.nullable ? "yes" : "no",
                            std::to_string(f.field_id)});
  }
  PrintTable(columns, *format, std::cout);
  if (*format != OutputFormat::kTable) return kExitOk;

  TextTable files;
  files.columns = {"data file", "rows", "bytes"};
  files.numeric = {false, true, true};
  for (const DataFile& f : table->files) {
    files.rows.push_back({f.path, std::to_string(f.rows), std::to_string(f.bytes)});
  }
  std::cout << "\n";
  PrintTable(files, *format, std::cout);

  const LandingSource* source = SourceOfTable(table->name);
  if (source == nullptr) return kExitOk;
  auto fields = (*catalog)->SummarizeFields(source->name);
  if (!fields.ok()) return ReportFailure(fields.status());
  TextTable inferred;
  inferred.columns = {"field (as crawled)", "spellings", "json types", "nullable", "files"};
  inferred.numeric = {false, false, false, false, false};
  for (const FieldSummary& f : *fields) {
    std::string spellings;
    for (const std::string& s : f.spellings) spellings += (spellings.empty() ? "" : ", ") + s;
    inferred.rows.push_back({f.column, spellings, f.json_types, f.nullable ? "yes" : "no",
                             std::to_string(f.files_seen) + "/" + std::to_string(f.files_total)});
  }
  std::cout << "\ninferred schema of landing source " << source->name << "\n";
  PrintTable(inferred, *format, std::cout);
  auto drift = (*catalog)->Drift(source->name);
  if (!drift.ok()) return ReportFailure(drift.status());
  std::cout << "\nschema drift between files: " << (drift->empty() ? "none" : "") << "\n";
  for (const DriftNote& d : *drift) std::cout << "- " << d.message << "\n";
  return kExitOk;
}

}  // namespace stedi
