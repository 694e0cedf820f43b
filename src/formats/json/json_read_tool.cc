// Reads landing files with LandingJsonReader and prints counts and throughput, to measure the
// reader on real data:  json_read_tool <schema: name:type,...> FILE... [--repeat N]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "formats/json/landing_json_reader.h"

namespace {

std::shared_ptr<const stedi::Schema> ParseSchema(const std::string& spec) {
  std::vector<stedi::Field> fields;
  size_t start = 0;
  while (start < spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string::npos) comma = spec.size();
    std::string item = spec.substr(start, comma - start);
    size_t colon = item.find(':');
    if (colon == std::string::npos) return nullptr;
    auto type = stedi::TypeFromName(item.substr(colon + 1));
    if (!type) return nullptr;
    fields.push_back({item.substr(0, colon), *type, true, static_cast<int>(fields.size() + 1)});
    start = comma + 1;
  }
  return std::make_shared<stedi::Schema>(std::move(fields));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s name:type,... FILE... [--repeat N]\n", argv[0]);
    return 2;
  }
  auto schema = ParseSchema(argv[1]);
  if (!schema) {
    std::fprintf(stderr, "bad schema %s\n", argv[1]);
    return 2;
  }
  int repeat = 1;
  std::vector<std::string> paths;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--repeat" && i + 1 < argc) {
      repeat = std::atoi(argv[++i]);
    } else {
      paths.push_back(a);
    }
  }
  auto fs = stedi::NewLocalFileSystem();
  std::vector<std::string> contents;
  uint64_t total_bytes = 0;
  for (const std::string& p : paths) {
    auto data = fs->ReadAll(p);
    if (!data.ok()) {
      std::fprintf(stderr, "%s\n", data.status().ToString().c_str());
      return 1;
    }
    total_bytes += data->size();
    contents.push_back(data.MoveValue());
  }
  stedi::json::LandingJsonReader reader(schema);
  stedi::json::LandingFileStats stats;
  uint64_t rows = 0;
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < repeat; ++r) {
    for (size_t i = 0; i < paths.size(); ++i) {
      stedi::Status st = reader.ReadBuffer(
          paths[i], contents[i],
          [&](const stedi::Batch& b) {
            rows += b.num_rows();
            return stedi::Status::OK();
          },
          [&](const stedi::json::QuarantinedFragment&) { return stedi::Status::OK(); }, &stats);
      if (!st.ok()) {
        std::fprintf(stderr, "%s\n", st.ToString().c_str());
        return 1;
      }
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double mb = static_cast<double>(total_bytes) * repeat / 1e6;
  std::printf(
      "%llu rows, %llu fragments, %llu unconvertible fields, %.1f MB in %.3f s: %.0f MB/s\n",
      static_cast<unsigned long long>(rows),
      static_cast<unsigned long long>(stats.fragments_quarantined),
      static_cast<unsigned long long>(stats.unconvertible_fields), mb, secs, mb / secs);
  for (const auto& f : stats.fields) {
    std::printf("  %s: present %llu, nulls %llu, %s\n", f.name.c_str(),
                static_cast<unsigned long long>(f.present),
                static_cast<unsigned long long>(f.nulls),
                stedi::json::JsonKindsToString(f.kinds).c_str());
  }
  return 0;
}
