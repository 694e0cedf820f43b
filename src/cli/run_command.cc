#include <cstdio>
#include <iostream>
#include <sstream>

#include "catalog/catalog.h"
#include "cli/byte_size.h"
#include "cli/commands.h"
#include "cli/table_printer.h"
#include "pipeline/run_job.h"
#include "pipeline/validation_report.h"
#include "storage/file_system.h"

namespace stedi {
namespace {

std::string Seconds(double s) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.2f", s);
  return text;
}

std::string CheckResult(const ValidationCheck& c) {
  if (c.kind == ValidationCheck::Kind::kInformation) return "info";
  return c.passed() ? "ok" : "FAILED";
}

std::string Joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

TextTable BuiltTables(const RunReport& run) {
  TextTable t;
  t.columns = {"table", "zone", "rows", "files", "version", "reads", "seconds"};
  t.numeric = {false, false, true, true, true, false, true};
  for (const BuiltTable& b : run.tables) {
    t.rows.push_back({b.table, std::string(ZoneName(b.zone)), std::to_string(b.rows),
                      std::to_string(b.data_files), std::to_string(b.version),
                      Joined(b.dependencies), Seconds(b.seconds)});
  }
  return t;
}

TextTable TableCounts(const ValidationReport& report) {
  TextTable t;
  t.columns = {"table", "zone", "rows"};
  t.numeric = {false, false, true};
  if (report.real_stedi_data) {
    t.columns.insert(t.columns.end(), {"original lake", "why different"});
    t.numeric.insert(t.numeric.end(), {true, false});
  }
  for (const TableCountLine& line : report.tables) {
    std::vector<std::optional<std::string>> row = {line.table, std::string(ZoneName(line.zone)),
                                                   std::to_string(line.rows)};
    if (report.real_stedi_data) {
      row.push_back(line.original ? std::optional<std::string>(std::to_string(*line.original))
                                  : std::nullopt);
      row.push_back(line.note);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

TextTable Checks(const ValidationReport& report) {
  TextTable t;
  t.columns = {"table", "check", "value", "result"};
  t.numeric = {false, false, true, false};
  for (const ValidationCheck& c : report.checks) {
    t.rows.push_back({c.table, c.description, std::to_string(c.value), CheckResult(c)});
  }
  return t;
}

std::string JsonArray(const TextTable& table) {
  std::ostringstream out;
  PrintTable(table, OutputFormat::kJson, out);
  std::string text = out.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// One CSV for everything: a `kind` column tells built tables, counts and checks apart.
TextTable CombinedCsv(const RunReport& run, const ValidationReport& report) {
  TextTable t;
  t.columns = {"kind", "table", "zone", "rows", "original", "check", "value", "result", "note"};
  t.numeric = {false, false, false, true, true, false, true, false, false};
  for (const BuiltTable& b : run.tables) {
    t.rows.push_back({"built", b.table, std::string(ZoneName(b.zone)), std::to_string(b.rows),
                      std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                      "version " + std::to_string(b.version)});
  }
  for (const TableCountLine& line : report.tables) {
    t.rows.push_back(
        {"count", line.table, std::string(ZoneName(line.zone)), std::to_string(line.rows),
         line.original ? std::optional<std::string>(std::to_string(*line.original)) : std::nullopt,
         std::nullopt, std::nullopt, std::nullopt, line.note});
  }
  for (const ValidationCheck& c : report.checks) {
    t.rows.push_back({"check", c.table, std::nullopt, std::nullopt, std::nullopt, c.description,
                      std::to_string(c.value), CheckResult(c), std::nullopt});
  }
  return t;
}

void PrintReport(const RunArgs& args, const RunReport& run, const ValidationReport& report,
                 OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson:
      std::cout << "{\"policy\": \"" << run.policy << "\", \"database\": \"" << run.database
                << "\", \"run_id\": \"" << run.run_id << "\", \"seconds\": " << Seconds(run.seconds)
                << ", \"real_stedi_data\": " << (report.real_stedi_data ? "true" : "false")
                << ", \"passed\": " << (report.passed() ? "true" : "false")
                << ",\n\"built\": " << JsonArray(BuiltTables(run))
                << ",\n\"tables\": " << JsonArray(TableCounts(report))
                << ",\n\"checks\": " << JsonArray(Checks(report)) << "}\n";
      return;
    case OutputFormat::kCsv:
      PrintTable(CombinedCsv(run, report), OutputFormat::kCsv, std::cout);
      return;
    case OutputFormat::kTable:
      break;
  }
  std::cout << "run: policy " << run.policy << " on lake " << args.lake << " (database "
            << run.database << "), " << run.tables.size()
            << " tables built and published in one commit in " << Seconds(run.seconds) << " s\n";
  PrintTable(BuiltTables(run), OutputFormat::kTable, std::cout);
  std::cout << "\nrows per table"
            << (report.real_stedi_data ? " (real STEDI landing data: the original lake's counts "
                                         "beside ours)"
                                       : "")
            << "\n";
  PrintTable(TableCounts(report), OutputFormat::kTable, std::cout);
  std::cout << "\nchecks that hold by construction\n";
  PrintTable(Checks(report), OutputFormat::kTable, std::cout);
  size_t failed = 0;
  for (const ValidationCheck& c : report.checks) failed += c.passed() ? 0 : 1;
  if (failed == 0) {
    std::cout << "all checks passed\n";
  } else {
    std::cout << failed << " check(s) FAILED\n";
  }
}

}  // namespace

int RunRunCommand(const RunArgs& args) {
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) return ReportFailure(format.status());
  auto fs = NewLocalFileSystem();
  RunOptions options;
  options.lake_dir = args.lake;
  options.policy = args.policy;
  options.models_dir = args.models;
  options.threads = args.threads;
  if (!args.memory_limit.empty()) {
    Result<uint64_t> limit = ParseByteSize(args.memory_limit);
    if (!limit.ok()) return ReportFailure(limit.status().WithContext("--memory-limit"));
    options.memory_limit = *limit;
  }
  Result<std::unique_ptr<Catalog>> catalog = Catalog::OpenExisting(args.lake);
  if (!catalog.ok()) return ReportFailure(catalog.status());
  options.validate = true;
  Result<RunReport> run = RunPipeline(*fs, **catalog, options);
  if (!run.ok()) return ReportFailure(run.status());
  for (const std::string& w : run->warnings) std::cerr << "stedi: warning: " << w << "\n";
  Result<ValidationReport>& report = *run->validation;
  if (!report.ok()) {
    return ReportFailure(
        report.status().WithContext("the tables were published, but validating them failed"));
  }
  PrintReport(args, *run, *report, *format);
  if (!report->passed()) {
    std::cerr << "stedi: a validation check failed: the tables break a rule they must hold\n";
    return 1;
  }
  return kExitOk;
}

}  // namespace stedi
