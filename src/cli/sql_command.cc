#include "cli/commands.h"

namespace stedi {

int RunSqlCommand(const SqlArgs& /*args*/) {
  return ReportFailure(Status::NotImplemented("not built yet"));
}

}  // namespace stedi
