#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "status/status.h"

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
};
int RunSqlCommand(const SqlArgs& args);

struct RunArgs {
  std::string lake;
  std::string policy = "standard";
  std::optional<std::string> models;  ///< folder of models; none: the models built into stedi
  std::string format = "table";
  size_t threads = 0;
};
int RunRunCommand(const RunArgs& args);

}  // namespace stedi
