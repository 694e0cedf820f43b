// Test-only driver: generate_tool OUT CUSTOMERS SEED [ROWS_PER_FILE]. Writes a landing dataset
// and prints the summary; the product's entry point is `stedi generate`.
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "generator/landing_generator.h"

namespace {

template <typename T>
bool ParseNumber(const char* text, T* out) {
  const char* end = text + std::strlen(text);
  auto [ptr, ec] = std::from_chars(text, end, *out);
  return ec == std::errc() && ptr == end;
}

}  // namespace

int main(int argc, char** argv) {
  stedi::GeneratorOptions options;
  if ((argc != 4 && argc != 5) || !ParseNumber(argv[2], &options.customers) ||
      !ParseNumber(argv[3], &options.seed) ||
      (argc == 5 && !ParseNumber(argv[4], &options.rows_per_file))) {
    std::fprintf(stderr, "usage: generate_tool OUT CUSTOMERS SEED [ROWS_PER_FILE]\n");
    return 2;
  }
  auto fs = stedi::NewLocalFileSystem();
  stedi::GeneratorSummary summary;
  stedi::Status status = stedi::GenerateLanding(*fs, argv[1], options, &summary);
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return 3;
  }
  std::printf("customers %lld accelerometer %lld step_trainer %lld files %zu\n",
              static_cast<long long>(summary.customers),
              static_cast<long long>(summary.accelerometer),
              static_cast<long long>(summary.step_trainer), summary.files.size());
  return 0;
}
