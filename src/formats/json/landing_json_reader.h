#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/batch.h"
#include "columnar/schema.h"
#include "status/status.h"
#include "storage/file_system.h"

namespace stedi::json {

/// Bits of FieldSighting::kinds: which JSON kinds a key's values had.
enum class JsonKind : uint32_t {
  kString = 1u << 0,
  kInteger = 1u << 1,  ///< A number written without '.', 'e' or 'E'.
  kFloat = 1u << 2,    ///< A number written with '.', 'e' or 'E'.
  kBoolean = 1u << 3,
  kNull = 1u << 4,
  kObject = 1u << 5,
  kArray = 1u << 6,
};

/// Returns the kinds set in KINDS as names joined by '|', in the order string, integer, float,
/// boolean, null, object, array (e.g. "integer|null"); "" when no bit is set.
std::string JsonKindsToString(uint32_t kinds);

/// A stretch of a landing file that did not become a row.
struct QuarantinedFragment {
  /// Byte offset of the fragment's first byte in the file; for a gzip file, in the decompressed
  /// stream. A UTF-8 byte order mark at the very start counts (the first object is then at 3).
  uint64_t offset = 0;
  /// Why, e.g. "truncated object at end of file", "invalid JSON: <simdjson error> at byte N",
  /// "not an object: array".
  std::string reason;
  /// The exact bytes of the fragment without trailing whitespace; for a fragment longer than
  /// ReaderOptions::max_object_bytes only its first max_object_bytes bytes (the reason says so).
  std::string raw;

  bool operator==(const QuarantinedFragment&) const = default;
};

/// What the file said about one key, spelled as in the file (so "timeStamp" and "timestamp" are
/// two sightings). Only keys of the top-level objects that became rows are counted.
struct FieldSighting {
  std::string name;
  uint64_t present = 0;  ///< Occurrences of the key (a key repeated in one object counts twice).
  uint64_t nulls = 0;    ///< Occurrences whose value was JSON null.
  uint32_t kinds = 0;    ///< Bitmask of JsonKind.

  bool operator==(const FieldSighting&) const = default;
};

/// Counters of one read. ReadFile/ReadBuffer add to them (they do not reset them).
struct LandingFileStats {
  uint64_t bytes = 0;    ///< Bytes of the (decompressed) stream read.
  uint64_t records = 0;  ///< Rows produced.
  uint64_t fragments_quarantined = 0;
  uint64_t records_with_unconvertible_fields = 0;
  uint64_t unconvertible_fields = 0;
  uint64_t records_with_repaired_utf8 = 0;
  bool gzip = false;
  std::vector<FieldSighting> fields;  ///< Every key seen, in first-seen order.
};

struct ReaderOptions {
  /// Rows per Batch handed to on_batch (the last batch may be shorter).
  size_t batch_rows = 64 * 1024;
  /// Bytes read (or decompressed) per step. Memory stays below about
  /// chunk_bytes + max_object_bytes.
  size_t chunk_bytes = 16 << 20;
  /// Largest object (or other fragment) kept whole; a longer one is quarantined up to the end of
  /// its line, with only its first max_object_bytes bytes in QuarantinedFragment::raw.
  size_t max_object_bytes = 64 << 20;
  /// File offset of the first byte read: fragment offsets and "at byte N" in reasons count from
  /// it, so one range of a plain file can be read on its own. The byte order mark is only looked
  /// for when it is 0.
  uint64_t start_offset = 0;
  /// Set when the bytes stop right before a `{` that opens a line (a range of a file split at
  /// such a point). That `{` would cut any value still open at the end, so such a value is
  /// quarantined as "truncated ...: a new object starts at byte N" (N = where the bytes stop),
  /// exactly as reading the whole file says, not as truncated at end of file.
  bool cut_before_object = false;
  /// Schema evolution: called with a key that matches no target column and the kind of its
  /// first non-null value. A returned field becomes a new last column from that row on (rows
  /// before it, and earlier batches, lack it: readers see nulls there); nullopt ignores the key
  /// for the rest of the read. Unset: unknown keys are only counted in the stats.
  std::function<std::optional<Field>(std::string_view key, JsonKind kind)> new_field = {};
  /// Lines holding one flat object without escapes are checked and converted by a one-pass
  /// scanner instead of simdjson, with the same result. Turned off only by tests that compare
  /// the two.
  bool flat_object_fast_path = true;
};

/// Turns landing files of JSON objects (newline-delimited, glued `}{`, or messy) into Batches of
/// a flat target schema without losing data: every complete object becomes a row, every other
/// stretch of non-whitespace bytes becomes a QuarantinedFragment. docs/formats/landing-json.md
/// states the rules (key matching, conversions, recovery after broken objects).
///
/// Keys match target fields case-insensitively (an exact-case match is tried first); when one
/// object holds the same key more than once (in any case), the first occurrence wins.
/// A reader may be reused for several files, one at a time; it is not thread-safe.
class LandingJsonReader {
 public:
  explicit LandingJsonReader(std::shared_ptr<const Schema> target, ReaderOptions options = {});
  ~LandingJsonReader();
  LandingJsonReader(const LandingJsonReader&) = delete;
  LandingJsonReader& operator=(const LandingJsonReader&) = delete;

  using BatchCallback = std::function<Status(Batch)>;
  using FragmentCallback = std::function<Status(QuarantinedFragment)>;

  /// Streams FILE (plain or gzip, detected by the magic bytes 1f 8b; concatenated gzip members
  /// are read one after the other): calls ON_BATCH with each full batch and the last partial one
  /// (never with an empty batch), ON_FRAGMENT with each quarantined fragment in file order, and
  /// adds to STATS (may be null). Returns non-OK only for real failures, with the file path in
  /// the message: I/O errors, corrupt gzip data, or a callback's error.
  Status ReadFile(const RandomAccessFile& file, const BatchCallback& on_batch,
                  const FragmentCallback& on_fragment, LandingFileStats* stats);

  /// Same as ReadFile over BYTES already in memory; NAME stands for the path in messages.
  ///
  /// Reading a plain file in ranges split where a line starts with `{` (the byte before is
  /// '\n'), each range with start_offset set and all but the last with cut_before_object,
  /// gives the rows, fragments and stats of one read of the whole file when concatenated in
  /// file order (stats summed, fields merged by name); such a `{` always starts a new value.
  Status ReadBuffer(std::string_view name, std::string_view bytes, const BatchCallback& on_batch,
                    const FragmentCallback& on_fragment, LandingFileStats* stats);

  /// Bytes ReadPaddedBuffer may read past the end of its buffer (their values do not matter).
  static constexpr size_t kPadding = 64;

  /// Same as ReadBuffer over BYTES that are followed in memory by kPadding readable bytes:
  /// plain JSON is then parsed where it lies, without the copy ReadBuffer makes (gzip bytes are
  /// decompressed as ReadBuffer does). For callers that hold a whole file anyway.
  Status ReadPaddedBuffer(std::string_view name, std::string_view bytes,
                          const BatchCallback& on_batch, const FragmentCallback& on_fragment,
                          LandingFileStats* stats);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace stedi::json
