// Micro benchmark of the Parquet writer on ingest-shaped data: accelerometer rows (user email
// with ~20k distinct values, mostly unique epoch-ms timestamps, x/y/z in {-1, 0, 1}) and
// step-trainer rows (reading time, device serial number, distance). Test-only executable; prints
// throughput, not a pass/fail verdict.
//
// Usage: parquet_write_bench [repetitions [output_dir]]
// With OUTPUT_DIR the files go to the local disk (to inspect them), otherwise to memory.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "columnar/batch.h"
#include "formats/parquet/file_writer.h"
#include "storage/file_system.h"

namespace stedi::parquet {
namespace {

constexpr size_t kBatchRows = 8192;

struct Dataset {
  std::string name;
  std::shared_ptr<const Schema> schema;
  std::vector<Batch> batches;
  size_t rows = 0;
  size_t raw_bytes = 0;  // Sum of value sizes (strings' bytes, 8 per number).
};

Dataset MakeAccelerometer(size_t rows) {
  Dataset d;
  d.name = "accelerometer";
  d.schema = std::make_shared<const Schema>(std::vector<Field>{
      {"user", TypeId::kString, true, 1},
      {"timestamp", TypeId::kInt64, true, 2},
      {"x", TypeId::kFloat64, true, 3},
      {"y", TypeId::kFloat64, true, 4},
      {"z", TypeId::kFloat64, true, 5},
  });
  std::mt19937_64 rng(42);
  std::vector<std::string> users;
  for (int i = 0; i < 20000; ++i) {
    users.push_back("user" + std::to_string(i * 7919 % 100003) + "@example.com");
  }
  int64_t ts = 1655564444000;
  BatchBuilder bb(d.schema);
  for (size_t r = 0; r < rows; ++r) {
    const std::string& user = users[rng() % users.size()];
    ts += static_cast<int64_t>(rng() % 40);  // occasional repeats, mostly unique
    bb.column(0).AppendString(user);
    bb.column(1).AppendInt64(ts);
    for (size_t c = 2; c < 5; ++c) bb.column(c).AppendDouble(static_cast<double>(rng() % 3) - 1);
    d.raw_bytes += user.size() + 8 * 4;
    if (bb.num_rows() == kBatchRows) d.batches.push_back(bb.Finish());
  }
  if (bb.num_rows() > 0) d.batches.push_back(bb.Finish());
  d.rows = rows;
  return d;
}

Dataset MakeStepTrainer(size_t rows) {
  Dataset d;
  d.name = "step_trainer";
  d.schema = std::make_shared<const Schema>(std::vector<Field>{
      {"sensorReadingTime", TypeId::kInt64, true, 1},
      {"serialNumber", TypeId::kString, true, 2},
      {"distanceFromObject", TypeId::kInt64, true, 3},
  });
  std::mt19937_64 rng(7);
  std::vector<std::string> serials;
  for (int i = 0; i < 1000; ++i) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(rng()),
                  static_cast<unsigned>(rng() & 0xffff), static_cast<unsigned>(rng() & 0xfff),
                  static_cast<unsigned>(rng() & 0xfff),
                  static_cast<unsigned long long>(rng() & 0xffffffffffffULL));
    serials.push_back(buf);
  }
  int64_t ts = 1655564444000;
  BatchBuilder bb(d.schema);
  for (size_t r = 0; r < rows; ++r) {
    const std::string& serial = serials[rng() % serials.size()];
    ts += 1 + static_cast<int64_t>(rng() % 20);
    bb.column(0).AppendInt64(ts);
    bb.column(1).AppendString(serial);
    bb.column(2).AppendInt64(static_cast<int64_t>(rng() % 300));
    d.raw_bytes += serial.size() + 16;
    if (bb.num_rows() == kBatchRows) d.batches.push_back(bb.Finish());
  }
  if (bb.num_rows() > 0) d.batches.push_back(bb.Finish());
  d.rows = rows;
  return d;
}

int Run(const Dataset& d, FileSystem& fs, const std::string& dir, int repetitions) {
  double best = 1e30;
  uint64_t file_bytes = 0;
  for (int rep = 0; rep < repetitions; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    auto out = fs.OpenForWrite(JoinPath(dir, d.name + ".parquet"));
    if (!out.ok()) {
      std::fprintf(stderr, "%s\n", out.status().ToString().c_str());
      return 1;
    }
    WriterOptions options;
    options.compression = Compression::kZstd;
    auto writer = FileWriter::Open(std::move(*out), d.schema, options);
    if (!writer.ok()) {
      std::fprintf(stderr, "%s\n", writer.status().ToString().c_str());
      return 1;
    }
    for (const Batch& b : d.batches) {
      Status st = (*writer)->Write(b);
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.ToString().c_str());
        return 1;
      }
    }
    auto summary = (*writer)->Close();
    if (!summary.ok()) {
      std::fprintf(stderr, "%s\n", summary.status().ToString().c_str());
      return 1;
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, secs);
    file_bytes = summary->file_bytes;
  }
  std::printf("%-14s rows=%zu raw=%.1f MB file=%.2f MB best=%.3f s  %.1f MB/s  %.2f Mrows/s\n",
              d.name.c_str(), d.rows, static_cast<double>(d.raw_bytes) / 1e6,
              static_cast<double>(file_bytes) / 1e6, best,
              static_cast<double>(d.raw_bytes) / 1e6 / best,
              static_cast<double>(d.rows) / 1e6 / best);
  return 0;
}

}  // namespace
}  // namespace stedi::parquet

int main(int argc, char** argv) {
  const int repetitions = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  const std::string dir = argc > 2 ? argv[2] : "/bench";
  auto fs = argc > 2 ? stedi::NewLocalFileSystem() : stedi::NewMemoryFileSystem();
  int rc = stedi::parquet::Run(stedi::parquet::MakeAccelerometer(2'000'000), *fs, dir, repetitions);
  rc |= stedi::parquet::Run(stedi::parquet::MakeStepTrainer(600'000), *fs, dir, repetitions);
  return rc;
}
