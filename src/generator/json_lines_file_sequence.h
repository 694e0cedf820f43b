#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "status/status.h"
#include "storage/file_system.h"

namespace stedi {

/// Writes records into a sequence of files `<out_dir>/<folder>/<prefix>-<n>.json` holding at
/// most rows_per_file records each, where n starts at FIRST_NUMBER and grows by 40..149 (drawn
/// from NUMBER_SEED) per file, like the epoch-millisecond names of the real landing files. Bytes
/// are collected in a buffer of about 1 MiB before each WritableFile::Append, and a file is
/// opened only when its first bytes arrive, so no empty file is written unless asked for.
/// For messy datasets it can also end records with CRLF or nothing, write bytes that are not
/// records, start a file with a prefix (a BOM) and gzip every k-th file (`.json.gz`).
class JsonLinesFileSequence {
 public:
  JsonLinesFileSequence(FileSystem& fs, std::string out_dir, std::string folder, std::string prefix,
                        int64_t first_number, uint64_t number_seed, int64_t rows_per_file);
  ~JsonLinesFileSequence();
  JsonLinesFileSequence(const JsonLinesFileSequence&) = delete;
  JsonLinesFileSequence& operator=(const JsonLinesFileSequence&) = delete;

  /// Appends one record and its line ENDING ("\n", "\r\n", or "" to run into the next one),
  /// starting a new file when the current one is full.
  Status AppendRecord(std::string_view record, std::string_view ending);
  /// Appends LINE (without its '\n') as one record.
  Status AppendLine(std::string_view line) { return AppendRecord(line, "\n"); }
  /// Appends BYTES that are not a record (a fragment), to the current file.
  Status AppendBytes(std::string_view bytes);
  /// Closes the current file: the next bytes go to a new one.
  Status StartNewFile();
  /// Writes BYTES at the start of the next file opened (once).
  void SetNextFilePrefix(std::string bytes) { next_prefix_ = std::move(bytes); }
  /// Gzip-compresses the second file and every EVERY-th after it; 0 turns it off.
  void SetGzipEvery(int every) { gzip_every_ = every; }
  /// Writes one more file holding no bytes at all.
  Status WriteEmptyFile();
  /// Flushes and closes the current file; call once after the last record.
  Status Finish();

  /// Returns the paths written so far (closed files), relative to out_dir, in order.
  const std::vector<std::string>& files() const { return files_; }
  /// Returns the number of records appended.
  int64_t rows() const { return rows_; }

 private:
  class Deflater;

  Status OpenNext();
  Status Flush(bool last);
  Status CloseCurrent();

  FileSystem& fs_;
  std::string out_dir_;
  std::string folder_;
  std::string prefix_;
  int64_t next_number_;
  uint64_t number_state_;
  int64_t rows_per_file_;
  std::unique_ptr<WritableFile> file_;
  std::unique_ptr<Deflater> deflater_;  // set while the current file is gzip-compressed
  std::string current_relative_;
  int64_t rows_in_file_ = 0;
  int64_t rows_ = 0;
  int64_t files_opened_ = 0;
  int gzip_every_ = 0;
  std::string next_prefix_;
  std::string buffer_;
  std::vector<std::string> files_;
};

}  // namespace stedi
