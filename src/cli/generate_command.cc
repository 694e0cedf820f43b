#include <cmath>
#include <iostream>

#include "cli/commands.h"
#include "generator/landing_generator.h"
#include "storage/file_system.h"

namespace stedi {

int RunGenerateCommand(const GenerateArgs& args) {
  auto fs = NewLocalFileSystem();
  GeneratorOptions options;
  options.customers = args.customers;
  options.seed = args.seed;
  options.files_per_source = args.files_per_source;
  options.messy_per_million = static_cast<uint32_t>(std::lround(args.messy * 1e6));
  GeneratorSummary summary;
  Status s = GenerateLanding(*fs, args.out, options, &summary);
  if (!s.ok()) return ReportFailure(s);
  std::cout << "generated " << summary.customers << " customers, " << summary.accelerometer
            << " accelerometer readings, " << summary.step_trainer << " step-trainer readings in "
            << summary.files.size() - 1 << " landing files under " << args.out
            << " (expected row counts per policy in expected.json)\n";
  if (options.messy_per_million > 0) {
    std::cout << "messy: " << summary.expected.quarantine
              << " fragments for the quarantine table; every record is still whole\n";
  }
  return kExitOk;
}

}  // namespace stedi
