#include <iostream>

#include "cli/commands.h"

namespace stedi {

int ReportFailure(const Status& status) {
  std::cerr << "stedi: " << status.ToString() << "\n";
  switch (status.code()) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kNotImplemented:
      return 2;
    case StatusCode::kIOError:
    case StatusCode::kCorruption:
    case StatusCode::kConflict:
      return 3;
    case StatusCode::kInternal:
      return 4;
  }
  return 4;
}

}  // namespace stedi
