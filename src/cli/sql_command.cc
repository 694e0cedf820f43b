#include <unistd.h>

#include <iostream>
#include <iterator>
#include <string>

#include "cli/byte_size.h"
#include "cli/commands.h"
#include "cli/sql_script.h"
#include "cli/sql_session.h"
#include "cli/sql_shell.h"

namespace stedi {

int RunSqlCommand(const SqlArgs& args) {
  auto format = ParseOutputFormat(args.format);
  if (!format.ok()) return ReportFailure(format.status());
  size_t memory_limit = 0;
  if (!args.memory_limit.empty()) {
    Result<uint64_t> limit = ParseByteSize(args.memory_limit);
    if (!limit.ok()) return ReportFailure(limit.status().WithContext("--memory-limit"));
    memory_limit = *limit;
  }
  auto session = SqlSession::Open(args.lake, args.threads, memory_limit);
  if (!session.ok()) return ReportFailure(session.status());
  (*session)->settings() = {*format, args.timer};

  if (args.query) {
    Status run = (*session)->Run(*args.query, std::cout, std::cerr);
    return run.ok() ? kExitOk : ReportFailure(run);
  }
  if (isatty(STDIN_FILENO)) return RunSqlShell(**session);

  const std::string script((std::istreambuf_iterator<char>(std::cin)),
                           std::istreambuf_iterator<char>());
  if (std::cin.bad()) return ReportFailure(Status::IOError("cannot read the script from stdin"));
  Status run = RunSqlScript(**session, script, std::cout, std::cerr);
  return run.ok() ? kExitOk : ReportFailure(run);
}

}  // namespace stedi
