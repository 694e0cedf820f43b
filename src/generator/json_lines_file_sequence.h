#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "status/status.h"
#include "storage/file_system.h"

namespace stedi {

/// Writes lines into a sequence of files `<out_dir>/<folder>/<prefix>-<n>.json` holding at most
/// rows_per_file lines each, where n starts at FIRST_NUMBER and grows by 40..149 (drawn from
/// NUMBER_SEED) per file, like the epoch-millisecond names of the real landing files. Bytes are
/// collected in a buffer of about 1 MiB before each WritableFile::Append, and a file is opened
/// only when its first line arrives, so no empty file is written.
class JsonLinesFileSequence {
 public:
  JsonLinesFileSequence(FileSystem& fs, std::string out_dir, std::string folder, std::string prefix,
                        int64_t first_number, uint64_t number_seed, int64_t rows_per_file);
  ~JsonLinesFileSequence();
  JsonLinesFileSequence(const JsonLinesFileSequence&) = delete;
  JsonLinesFileSequence& operator=(const JsonLinesFileSequence&) = delete;

  /// Appends LINE (without its '\n'), starting a new file when the current one is full.
  Status AppendLine(std::string_view line);
  /// Flushes and closes the current file; call once after the last line.
  Status Finish();

  /// Returns the paths written so far (closed files), relative to out_dir, in order.
  const std::vector<std::string>& files() const { return files_; }
  /// Returns the number of lines appended.
  int64_t rows() const { return rows_; }

 private:
  Status OpenNext();
  Status Flush();
  Status CloseCurrent();

  FileSystem& fs_;
  std::string out_dir_;
  std::string folder_;
  std::string prefix_;
  int64_t next_number_;
  uint64_t number_state_;
  int64_t rows_per_file_;
  std::unique_ptr<WritableFile> file_;
  std::string current_relative_;
  int64_t rows_in_file_ = 0;
  int64_t rows_ = 0;
  std::string buffer_;
  std::vector<std::string> files_;
};

}  // namespace stedi
