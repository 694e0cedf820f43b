// stedi history | rollback | expire: a table's Iceberg snapshots.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <tuple>

#include "catalog/catalog.h"
#include "cli/commands.h"
#include "cli/table_printer.h"

namespace stedi {
namespace {

std::string IsoMillis(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[40];
  size_t n = std::strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(out + n, sizeof(out) - n, ".%03dZ", static_cast<int>(ms % 1000));
  return out;
}

}  // namespace

Result<int64_t> ParseDurationMillis(std::string_view text) {
  size_t digits = 0;
  int64_t value = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') {
    if (value > (int64_t{1} << 40)) break;
    value = value * 10 + (text[digits] - '0');
    ++digits;
  }
  std::string_view unit = text.substr(digits);
  int64_t scale = 0;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60 * 1000;
  if (unit == "h") scale = 3600 * 1000;
  if (unit == "d") scale = 24 * 3600 * 1000;
  if (unit == "w") scale = 7 * 24 * 3600 * 1000;
  if (digits == 0 || scale == 0 || value > (int64_t{1} << 40)) {
    return Status::Invalid("duration '" + std::string(text) +
                           "' is not valid: use a whole number and a unit s, m, h, d or w "
                           "(e.g. 7d, 12h, 0s)");
  }
  return value * scale;
}

int RunHistoryCommand(const HistoryArgs& args) {
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) return ReportFailure(format.status());
  auto catalog = Catalog::OpenExisting(args.lake);
  if (!catalog.ok()) return ReportFailure(catalog.status());
  auto metadata = (*catalog)->IcebergMetadata(args.table);
  if (!metadata.ok()) return ReportFailure(metadata.status());
  std::vector<const iceberg::Snapshot*> snapshots;
  for (const iceberg::Snapshot& s : metadata->snapshots) snapshots.push_back(&s);
  // Oldest first; the sequence number breaks ties between commits in one millisecond.
  std::sort(snapshots.begin(), snapshots.end(), [](const auto* a, const auto* b) {
    return std::tie(a->timestamp_ms, a->sequence_number) <
           std::tie(b->timestamp_ms, b->sequence_number);
  });
  TextTable out;
  out.columns = {"snapshot_id", "committed_at", "operation", "rows"};
  out.numeric = {true, false, false, true};
  for (const iceberg::Snapshot* s : snapshots) {
    std::optional<int64_t> rows = s->total_records();
    out.rows.push_back({std::to_string(s->snapshot_id), IsoMillis(s->timestamp_ms), s->operation(),
                        rows ? std::to_string(*rows) : std::string()});
  }
  PrintTable(out, *format, std::cout);
  return kExitOk;
}

int RunRollbackCommand(const RollbackArgs& args) {
  auto catalog = Catalog::OpenExisting(args.lake);
  if (!catalog.ok()) return ReportFailure(catalog.status());
  Status rolled = (*catalog)->Rollback(args.table, args.snapshot_id);
  if (!rolled.ok()) return ReportFailure(rolled);
  std::cout << "table " << args.table << " is at snapshot " << args.snapshot_id << " again\n";
  return kExitOk;
}

int RunExpireCommand(const ExpireArgs& args) {
  auto age = ParseDurationMillis(args.older_than);
  if (!age.ok()) return ReportFailure(age.status().WithContext("--older-than"));
  auto catalog = Catalog::OpenExisting(args.lake);
  if (!catalog.ok()) return ReportFailure(catalog.status());
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  auto report = (*catalog)->ExpireSnapshots(now_ms - *age);
  if (!report.ok()) return ReportFailure(report.status());
  std::cout << "expired " << report->snapshots_expired << " snapshot(s) in "
            << report->tables_changed << " table(s); deleted " << report->files_deleted
            << " file(s)";
  if (report->orphans_deleted > 0) {
    std::cout << " and " << report->orphans_deleted << " orphan(s) of interrupted writers";
  }
  std::cout << "\n";
  for (const std::string& w : report->warnings) std::cerr << "warning: " << w << "\n";
  return kExitOk;
}

}  // namespace stedi
