#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/staged_column.h"
#include "formats/json/landing_json_reader.h"

namespace stedi::json {

/// One member of an object FlatObjectScanner accepted.
struct ScannedMember {
  std::string_view key;  ///< The key's bytes between its quotes (it has no escapes).
  JsonKind kind;         ///< kString, kInteger, kFloat, kBoolean or kNull.
  /// kString: the bytes between the quotes (no escapes). Otherwise the token itself
  /// ("-12.5e3", "true", "false", "null").
  std::string_view text;
  /// Numbers: set when the value is an integer of at most 18 digits written without exponent
  /// (with or without a fraction of zeros: "-12", "7.00"); it is then exactly
  /// (negative ? -magnitude : magnitude), read as the digits were scanned.
  bool integral = false;
  bool negative = false;
  uint64_t magnitude = 0;
};

/// The keys of a row seen before, in order, and the kind of each value: landing rows nearly
/// always repeat the keys of the row before them, written the same way, so the next row can be
/// checked against these bytes instead of being scanned key by key.
class RowShape {
 public:
  /// Takes KEYS (bytes between the quotes, no escapes) and KINDS (kString, kInteger, kFloat,
  /// kBoolean or kNull), one per member.
  void Assign(const std::vector<std::string_view>& keys, const std::vector<JsonKind>& kinds);
  void Clear() {
    prefixes_.clear();
    kinds_.clear();
  }
  size_t size() const { return kinds_.size(); }
  bool empty() const { return kinds_.empty(); }

 private:
  friend class FlatObjectScanner;
  // Each member's bytes before its value: {"key": for the first, ,"key": for the others.
  std::vector<std::string> prefixes_;
  std::vector<JsonKind> kinds_;
};

/// Checks one line of landing JSON for the layout devices and apps write almost always: a single
/// flat object of scalars whose keys and strings carry no escapes. That subset of JSON is
/// simple enough to check in one pass over the bytes, several times faster than a general
/// parser (which, for a line of a hundred bytes, spends most of its time getting started).
///
/// Accepts TEXT only when it is exactly one object in that subset, as RFC 8259 writes it:
/// strings hold no control characters and are valid UTF-8, numbers follow the JSON grammar,
/// the closing brace is TEXT's last byte. Anything else, valid JSON or not (nested values,
/// escapes, trailing bytes), is refused without saying why: the caller then parses the line the
/// general way, which decides and explains.
class FlatObjectScanner {
 public:
  /// Returns whether TEXT is accepted; then members() lists its members in order (views into
  /// TEXT, valid while TEXT is).
  bool Scan(std::string_view text);

  /// As Scan, for an object at the start of TEXT written exactly in SHAPE (its keys in that
  /// order, each value of that kind, no whitespace between tokens) that more bytes may follow:
  /// returns how many bytes the object takes (through its closing brace), or 0 when TEXT does
  /// not start with one (Scan may still accept it). When not 0, members() is what Scan would
  /// give for those bytes. Lets a caller find the end of a line by scanning it once (no string
  /// holds a raw newline).
  size_t ScanShapedPrefix(std::string_view text, const RowShape& shape);

  const std::vector<ScannedMember>& members() const { return members_; }

  /// What TakeShapedRows took: how many rows, and the bytes from TEXT's start through the last
  /// one's closing brace.
  struct TakenRows {
    size_t rows = 0;
    size_t bytes = 0;
  };
  /// Takes the lines at the start of TEXT that are each one object in SHAPE (as
  /// ScanShapedPrefix accepts them, the closing brace followed by spaces and a newline, or by
  /// the end of TEXT when AT_EOF), at most MAX_ROWS of them and none longer than
  /// MAX_OBJECT_BYTES: member I's value goes to OUTS[I] straight away (a string's bytes, an
  /// integer as int64, a float as double). Stops at the first line that is not such a row and
  /// leaves it as it was, for the caller to read the usual way; so does an integer of more
  /// than 18 digits, or a float that does not read as a finite double. SHAPE's kinds must be
  /// strings, integers and floats only (else nothing is taken). One pass over each row, its
  /// values stored as they are read: the row-at-a-time path stores them for a second pass.
  TakenRows TakeShapedRows(std::string_view text, const RowShape& shape,
                           std::span<StagedColumn* const> outs, size_t max_rows,
                           size_t max_object_bytes, bool at_eof);

 private:
  std::vector<ScannedMember> members_;
};

}  // namespace stedi::json
