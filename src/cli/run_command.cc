#include "cli/commands.h"

namespace stedi {

int RunRunCommand(const RunArgs& /*args*/) {
  return ReportFailure(Status::NotImplemented("not built yet"));
}

}  // namespace stedi
