#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "status/result.h"

namespace stedi {

/// Exit codes shared by every command.
inline constexpr int kExitOk = 0;
inline constexpr int kExitQuarantined = 1;  ///< ingest kept going but quarantined fragments.

/// Prints STATUS to stderr and returns its exit code (2 user error, 3 data/I/O, 4 internal).
int ReportFailure(const Status& status);

struct GenerateArgs {
  std::string out;
  int64_t customers = 1000;
  uint64_t seed = 42;
  int64_t files_per_source = 0;  // 0: 10,000 records per file, like the real landing files
  double messy = 0;              // share of records with bad input, in [0, 1]
};
int RunGenerateCommand(const GenerateArgs& args);

struct IngestArgs {
  std::string lake;
  std::optional<std::string> database;
  std::string source;
  size_t threads = 0;
};
int RunIngestCommand(const IngestArgs& args);

struct TablesArgs {
  std::string lake;
  std::string format = "table";
};
int RunTablesCommand(const TablesArgs& args);

struct DescribeArgs {
  std::string lake;
  std::string table;
  std::string format = "table";
};
int RunDescribeCommand(const DescribeArgs& args);

struct SqlArgs {
  std::string lake;
  std::string format = "table";
  std::optional<std::string> query;  ///< none: interactive shell on a terminal, else stdin
  bool timer = false;
  size_t threads = 0;
  std::string memory_limit;  ///< e.g. "512MiB"; empty: the default share of the machine
};
int RunSqlCommand(const SqlArgs& args);

struct RunArgs {
  std::string lake;
  std::string policy = "standard";
  std::optional<std::string> models;  ///< folder of models; none: the models built into stedi
  std::string format = "table";
  size_t threads = 0;
  std::string memory_limit;  ///< e.g. "2GiB"; empty: the default share of the machine
};
int RunRunCommand(const RunArgs& args);

struct HistoryArgs {
  std::string lake;
  std::string table;
  std::string format = "table";
};
int RunHistoryCommand(const HistoryArgs& args);

struct RollbackArgs {
  std::string lake;
  std::string table;
  int64_t snapshot_id = 0;
};
int RunRollbackCommand(const RollbackArgs& args);

struct ExpireArgs {
  std::string lake;
  std::string older_than;  ///< e.g. "7d", "12h", "0s"
};
int RunExpireCommand(const ExpireArgs& args);

/// Parses "<n>s|m|h|d|w" into milliseconds; Invalid names the text.
Result<int64_t> ParseDurationMillis(std::string_view text);

}  // namespace stedi
