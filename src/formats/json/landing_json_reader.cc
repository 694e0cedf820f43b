#include "formats/json/landing_json_reader.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "columnar/staged_column.h"
#include "formats/json/byte_stream.h"
#include "formats/json/flat_object_scanner.h"
#include "formats/json/utf8_repair.h"

namespace stedi::json {

namespace od = simdjson::ondemand;
using simdjson::error_code;

std::string JsonKindsToString(uint32_t kinds) {
  static constexpr std::pair<JsonKind, std::string_view> kNames[] = {
      {JsonKind::kString, "string"}, {JsonKind::kInteger, "integer"},
      {JsonKind::kFloat, "float"},   {JsonKind::kBoolean, "boolean"},
      {JsonKind::kNull, "null"},     {JsonKind::kObject, "object"},
      {JsonKind::kArray, "array"}};
  std::string out;
  for (const auto& [kind, name] : kNames) {
    if ((kinds & static_cast<uint32_t>(kind)) == 0) continue;
    if (!out.empty()) out += '|';
    out += name;
  }
  return out;
}

namespace {

constexpr uint32_t Bit(JsonKind k) { return static_cast<uint32_t>(k); }

// Bytes inside a string that the framer must look at.
constexpr auto kStringStop = [] {
  std::array<bool, 256> t{};
  t['"'] = t['\\'] = t['\n'] = t['{'] = true;
  return t;
}();

bool IsJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

std::string_view TrimTrailingSpace(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Exposes bytes in memory as a file, so ReadBuffer shares ReadFile's code path (gzip included).
class BufferFile final : public RandomAccessFile {
 public:
  BufferFile(std::string_view name, std::string_view bytes) : path_(name), bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  const std::string& path() const override { return path_; }
  Result<size_t> ReadAt(uint64_t offset, size_t n, char* out) const override {
    if (offset >= bytes_.size()) return size_t{0};
    size_t take = std::min<uint64_t>(n, bytes_.size() - offset);
    std::memcpy(out, bytes_.data() + offset, take);
    return take;
  }

 private:
  std::string path_;
  std::string_view bytes_;
};

// How the framer ended a candidate value that starts with '{' or '['.
enum class FrameOutcome {
  kComplete,  // brackets balance at `end`
  kBroken,    // cannot be a complete value; quarantine [start, resume)
  kTooLarge,  // not complete within max_object_bytes
  kNeedMore,  // the buffer ends before a decision; call again with more bytes
};

struct Frame {
  explicit Frame(FrameOutcome o) : outcome(o) {}
  FrameOutcome outcome;
  size_t end = 0;                      // kComplete: one past the closing bracket
  size_t restart = std::string::npos;  // kComplete: a `{"` seen inside a string, if any
  size_t resume = 0;                   // kBroken: where scanning restarts
  std::string reason;
};

// A value converted for one target column, held until the whole object parsed cleanly.
struct Cell {
  enum class State : uint8_t { kNull, kInt, kDouble, kBool, kString } state = State::kNull;
  int64_t i = 0;
  double d = 0;
  std::string_view s;
};

// One key of the current object, counted in stats only when the object becomes a row.
struct PendingKey {
  std::string_view name;
  uint32_t kind;
  size_t column;  // target column the key matches, or the number of columns
};

bool ParseExactInt64(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  const char c = s.front();
  if (!(c == '-' || c == '.' || (c >= '0' && c <= '9'))) return false;  // no "inf", "nan"
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

bool IntegralDoubleToInt64(double d, int64_t* out) {
  // 2^63 is exactly representable; every double below it in magnitude that is integral fits.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;
  if (std::trunc(d) != d) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

// True when the document has no token left (3.0.1 has no document::at_end()).
bool AtEnd(od::document& doc) {
  const char* at = nullptr;
  return doc.current_location().get(at) == simdjson::OUT_OF_BOUNDS;
}

// Compares two short strings (keys) without a call into the C library.
bool SameKey(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// Reads a number token of the form -?(0|[1-9][0-9]{0,14})\.0+ , an integral value written as a
// decimal (as sensors often write them). Its value is the integer part, which a double holds
// exactly, so this is the correctly rounded result simdjson's get_double() would give, without
// its division by a power of ten. Returns false for any other token.
bool ParseIntegralDecimal(std::string_view t, double* out) {
  size_t i = 0;
  const bool negative = !t.empty() && t[0] == '-';
  if (negative) ++i;
  const size_t first_digit = i;
  uint64_t v = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
    v = v * 10 + static_cast<uint64_t>(t[i] - '0');
    ++i;
  }
  const size_t digits = i - first_digit;
  if (digits == 0 || digits > 15 || (digits > 1 && t[first_digit] == '0')) return false;
  if (i + 1 >= t.size() || t[i] != '.') return false;
  for (++i; i < t.size(); ++i) {
    if (t[i] != '0') return false;
  }
  const double d = static_cast<double>(v);
  *out = negative ? -d : d;
  return true;
}

bool IsFloatToken(std::string_view token) {
  for (char c : token) {
    if (c == '.' || c == 'e' || c == 'E') return true;
  }
  return false;
}

// The conversions of one JSON scalar for a target column, shared by the general parse and the
// flat-object fast path so that both give the same cells. Each returns whether the value
// converted; a value that does not leaves the cell null.

bool BoolToCell(bool b, TypeId target, Cell* cell) {
  if (target == TypeId::kBoolean) {
    cell->state = Cell::State::kBool;
    cell->i = b;
    return true;
  }
  if (IsVariableWidth(target)) {
    cell->state = Cell::State::kString;
    cell->s = b ? "true" : "false";
    return true;
  }
  return false;
}

// S is the string's value (escapes resolved).
bool StringToCell(std::string_view s, TypeId target, Cell* cell) {
  switch (target) {
    case TypeId::kString:
    case TypeId::kBinary:
      cell->state = Cell::State::kString;
      cell->s = s;
      return true;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kInt32:
    case TypeId::kDate: {
      int64_t v;
      bool converted = ParseExactInt64(s, &v);
      if (converted && (target == TypeId::kInt32 || target == TypeId::kDate)) {
        converted =
            v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
      }
      if (converted) {
        cell->state = Cell::State::kInt;
        cell->i = v;
      }
      return converted;
    }
    case TypeId::kFloat64: {
      double d;
      if (!ParseDouble(s, &d)) return false;
      cell->state = Cell::State::kDouble;
      cell->d = d;
      return true;
    }
    case TypeId::kBoolean:
      return false;
  }
  return false;
}

// TOKEN is a JSON number; NUMBER reads it (error_code AsInt64(int64_t*), AsDouble(double*)),
// and an error of NUMBER's is returned as is (the token then is not a number that reads).
template <typename Number>
error_code NumberToCell(std::string_view token, bool is_float, TypeId target, Number& number,
                        Cell* cell, bool* converted) {
  double d;
  error_code err;
  *converted = true;
  switch (target) {
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kInt32:
    case TypeId::kDate: {
      int64_t v = 0;
      bool ok;
      if (!is_float && !number.AsInt64(&v)) {
        ok = true;
      } else {
        // A float, or an integer outside int64: it converts only when integral and in range.
        if ((err = number.AsDouble(&d))) return err;
        ok = IntegralDoubleToInt64(d, &v);
      }
      if (ok && (target == TypeId::kInt32 || target == TypeId::kDate)) {
        ok = v >= std::numeric_limits<int32_t>::min() && v <= std::numeric_limits<int32_t>::max();
      }
      if (ok) {
        cell->state = Cell::State::kInt;
        cell->i = v;
      } else {
        *converted = false;
      }
      return simdjson::SUCCESS;
    }
    case TypeId::kFloat64:
      // An integral decimal ("1.0") is read here; the value is then left unconsumed, which
      // On-Demand allows (the object iteration skips it).
      if (!is_float || !number.IntegralDecimal(&d)) {
        if ((err = number.AsDouble(&d))) return err;
      }
      cell->state = Cell::State::kDouble;
      cell->d = d;
      return simdjson::SUCCESS;
    case TypeId::kString:
    case TypeId::kBinary:
      if ((err = number.AsDouble(&d))) return err;  // validates the token
      cell->state = Cell::State::kString;
      cell->s = token;
      return simdjson::SUCCESS;
    case TypeId::kBoolean:
      if ((err = number.AsDouble(&d))) return err;
      *converted = false;
      return simdjson::SUCCESS;
  }
  return simdjson::SUCCESS;
}

// A number On-Demand is positioned on.
struct OnDemandNumber {
  od::value& value;
  std::string_view token;
  error_code AsInt64(int64_t* v) { return value.get_int64().get(*v); }
  error_code AsDouble(double* d) { return value.get_double().get(*d); }
  bool IntegralDecimal(double* d) const { return ParseIntegralDecimal(token, d); }
};

// A number FlatObjectScanner accepted (so in JSON's grammar). Reads it as simdjson would: an
// integer of up to 18 digits is the value the scanner read (a double converts it with correct
// rounding, as parsing its text would); any other token goes through std::from_chars, which
// also rounds correctly, so the two agree on every double. A token that does not read exactly
// (beyond int64, out of double's range) gives an error and the general parse decides.
struct ScannedNumber {
  const ScannedMember& member;
  error_code AsInt64(int64_t* v) const {
    if (member.integral) {
      *v = member.negative ? -static_cast<int64_t>(member.magnitude)
                           : static_cast<int64_t>(member.magnitude);
      return simdjson::SUCCESS;
    }
    const std::string_view t = member.text;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), *v);
    return ec == std::errc() && ptr == t.data() + t.size() ? simdjson::SUCCESS
                                                           : simdjson::NUMBER_ERROR;
  }
  error_code AsDouble(double* d) const {
    if (IntegralDecimal(d)) return simdjson::SUCCESS;
    const std::string_view t = member.text;
    auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), *d);
    return ec == std::errc() && ptr == t.data() + t.size() && std::isfinite(*d)
               ? simdjson::SUCCESS
               : simdjson::NUMBER_ERROR;
  }
  // As ParseIntegralDecimal, and for up to 18 digits (beyond 15 the double rounds, as
  // simdjson's would). -0 and -0.0 are -0.0.
  bool IntegralDecimal(double* d) const {
    if (!member.integral) return false;
    const double m = static_cast<double>(member.magnitude);
    *d = member.negative ? -m : m;
    return true;
  }
};

}  // namespace

// FindColumn's answer for a key that matches no target column.
constexpr size_t kNoColumn = SIZE_MAX;

class LandingJsonReader::Impl {
 public:
  Impl(std::shared_ptr<const Schema> target, ReaderOptions options)
      : schema_(std::move(target)), options_(std::move(options)) {
    if (options_.batch_rows == 0) options_.batch_rows = 1;
    if (options_.chunk_bytes == 0) options_.chunk_bytes = 1;
    if (options_.max_object_bytes == 0) options_.max_object_bytes = 1;
    for (const Field& f : schema_->fields()) names_.push_back(f.name);
    cells_.resize(names_.size());
    cell_stamp_.assign(names_.size(), 0);
  }

  // IN_PLACE: FILE's bytes in memory, followed by kPadding readable bytes (plain JSON only).
  Status Read(const RandomAccessFile& file, const BatchCallback& on_batch,
              const FragmentCallback& on_fragment, LandingFileStats* stats,
              const char* in_place = nullptr);

 private:
  Status ReadStream(const RandomAccessFile& file, const char* in_place);
  Status FinishRead();
  size_t ByteOrderMarkLength() const;
  // --- per-file driving ---
  Status Process(size_t begin, bool eof, size_t* consumed);
  Status EmitFragment(uint64_t offset, std::string reason, std::string_view raw);
  Status FlushBatch();
  void MoveStagedRows();
  void ReserveStaged(std::string_view bytes);
  void ReserveRows();

  // --- framing ---
  Frame FrameValue(size_t start, bool eof);
  Frame FrameOther(size_t start, bool eof);

  // --- parsing one complete value ---
  Status HandleComplete(size_t start, const Frame& frame, size_t* next);
  Status TryWholeLine(size_t start, bool eof, bool* handled, size_t* next);
  Status ClassifyOther(size_t start, size_t end);
  error_code ParseObject(const char* data, size_t len, size_t capacity, const char** error_at);
  bool TakeFlatObject(std::string_view text);
  // Stages the row scanner_ just scanned in shape_; false (nothing staged) when a value does
  // not convert the usual way.
  bool TakeShapedRow();
  bool ConvertScanned(const ScannedMember& member, size_t column);
  error_code ConvertValue(od::value& value, size_t column, uint32_t* kind);
  error_code Validate(od::value& value, uint32_t* kind);
  error_code ValidateNested(od::value& value, int depth);
  void CommitRow();
  // Appends the current object's cells as a row and counts it.
  void AppendCells();
  static void AppendCell(const Cell& cell, StagedColumn& out);
  // Counts a row just staged.
  void CountRow();
  // Sets shape_ from the run's keys when rows like them can take TakeShapedRow.
  void ShapeFromRun();
  size_t FindColumn(std::string_view key, size_t position);
  // The target column of the key at POSITION, or kNoColumn (clears keys_match_run_ when the
  // keys stop following the run's).
  size_t ColumnOfKey(std::string_view key, size_t position);
  bool Declined(std::string_view key) const;
  // Asks options_.new_field whether KEY (unknown) becomes a column; returns it or kNoColumn.
  size_t MaybeAddColumn(std::string_view key, od::value& value);
  void CountKey(std::string_view key, uint32_t kind, size_t position);
  bool SameKeysAsRun() const;
  void FlushKeyRun();

  std::shared_ptr<const Schema> schema_;
  ReaderOptions options_;
  std::vector<std::string> names_;

  // Per-read state.
  const RandomAccessFile* file_ = nullptr;
  const BatchCallback* on_batch_ = nullptr;
  const FragmentCallback* on_fragment_ = nullptr;
  LandingFileStats* stats_ = nullptr;
  // Kept from one read to the next, with room reserved for as many rows as the last batch had:
  // growing fresh column buffers row by row for every file costs reallocations and page faults.
  std::unique_ptr<BatchBuilder> builder_;
  // The batch's rows, appended here first and moved to builder_ in one step per column
  // (MoveStagedRows) before anything else reads or changes builder_.
  std::vector<StagedColumn> staged_;
  size_t staged_rows_ = 0;
  size_t rows_hint_ = 0;
  std::vector<char> buffer_;  // holds the stream's bytes, unless they are read in place
  // The bytes being processed: [0, length_) are the stream's from base_, and capacity_ bytes
  // (simdjson's padding included) may be read from data_. data_ is buffer_.data(), or the
  // caller's bytes for ReadPaddedBuffer.
  const char* data_ = nullptr;
  size_t capacity_ = 0;
  size_t length_ = 0;
  uint64_t base_ = 0;
  std::vector<uint8_t> stack_;  // open brackets of the value being framed
  // Stream offset up to which the whole-line fast path is known not to apply (the line there
  // failed it, or had no end in the buffer): glued objects on one long line are framed one by
  // one without parsing the rest of the line again for each of them.
  uint64_t no_fast_path_until_ = 0;

  // An over-long fragment being skipped up to the end of its line.
  bool skipping_ = false;
  uint64_t skip_offset_ = 0;
  uint64_t skip_length_ = 0;
  std::string skip_raw_;

  simdjson::ondemand::parser parser_;
  FlatObjectScanner scanner_;
  std::string scratch_;  // repaired or standalone copies, padded for simdjson

  // Current object.
  std::vector<Cell> cells_;
  std::vector<uint64_t> cell_stamp_;  // == row_stamp_ when the column is set in this object
  uint64_t row_stamp_ = 0;
  std::vector<PendingKey> pending_keys_;
  uint64_t row_unconvertible_ = 0;
  // Set when a nested object or array was taken as raw text without being walked: simdjson then
  // has not checked its grammar, so the whole-line fast path cannot vouch for the line.
  bool took_raw_container_ = false;
  // Column and sighting guesses per key position: objects usually list keys in one order.
  // A column hint remembers the key spelling it was found for, so camelCase keys matched
  // case-insensitively are looked up once, not per record.
  struct ColumnHint {
    std::string key;
    size_t column = 0;
    bool valid = false;
  };
  std::vector<ColumnHint> column_hint_;
  // Unknown keys new_field declined (lower-case): not asked again in this read.
  std::vector<std::string> declined_keys_;
  std::vector<size_t> sighting_hint_;
  // Rows usually repeat one key sequence. The keys (spelling and kind) of the last row counted
  // in stats_->fields, with their indexes there, and how many rows since had exactly the same
  // keys: their sightings are added in one step by FlushKeyRun (before a different row is
  // counted, and at the end of each read).
  struct RunKey {
    std::string name;
    uint32_t kind = 0;
    size_t index = 0;   // in stats_->fields
    size_t column = 0;  // as FindColumn gives it
  };
  std::vector<RunKey> run_keys_;
  size_t run_size_ = 0;  // run_keys_[0, run_size_) hold the sequence
  // Whether every key of the current object so far has the spelling of the run's key at its
  // position (set by ParseObject).
  bool keys_match_run_ = false;
  uint64_t run_repeats_ = 0;
  // The run's keys as bytes to match the next line against (empty when the run's keys cannot
  // be matched that way), and the column of each.
  RowShape shape_;
  std::vector<size_t> shape_columns_;
  // How each shaped member goes to its column: the usual pairs directly, others through a Cell.
  enum class ShapedOp : uint8_t { kString, kInteger, kFloat, kOther };
  std::vector<ShapedOp> shape_ops_;
  // Whether every shaped member is a string, an integer or a float its column takes as it
  // is (no kOther): FlatObjectScanner::TakeShapedRows then takes rows into shape_outs_.
  bool shape_takes_rows_ = false;
  std::vector<StagedColumn*> shape_outs_;  // staged_[shape_columns_[i]], set before each use
  std::vector<size_t> unshaped_columns_;   // columns no shaped member sets: null in such rows
};

LandingJsonReader::LandingJsonReader(std::shared_ptr<const Schema> target, ReaderOptions options)
    : impl_(std::make_unique<Impl>(std::move(target), std::move(options))) {}
LandingJsonReader::~LandingJsonReader() = default;

Status LandingJsonReader::ReadFile(const RandomAccessFile& file, const BatchCallback& on_batch,
                                   const FragmentCallback& on_fragment, LandingFileStats* stats) {
  return impl_->Read(file, on_batch, on_fragment, stats);
}

Status LandingJsonReader::ReadBuffer(std::string_view name, std::string_view bytes,
                                     const BatchCallback& on_batch,
                                     const FragmentCallback& on_fragment, LandingFileStats* stats) {
  BufferFile file(name, bytes);
  return impl_->Read(file, on_batch, on_fragment, stats);
}

static_assert(LandingJsonReader::kPadding >= simdjson::SIMDJSON_PADDING);

Status LandingJsonReader::ReadPaddedBuffer(std::string_view name, std::string_view bytes,
                                           const BatchCallback& on_batch,
                                           const FragmentCallback& on_fragment,
                                           LandingFileStats* stats) {
  BufferFile file(name, bytes);
  const bool gzip = bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
                    static_cast<unsigned char>(bytes[1]) == 0x8b;
  return impl_->Read(file, on_batch, on_fragment, stats, gzip ? nullptr : bytes.data());
}

Status LandingJsonReader::Impl::Read(const RandomAccessFile& file, const BatchCallback& on_batch,
                                     const FragmentCallback& on_fragment, LandingFileStats* stats,
                                     const char* in_place) {
  LandingFileStats local_stats;
  on_batch_ = &on_batch;
  on_fragment_ = &on_fragment;
  stats_ = stats ? stats : &local_stats;
  run_size_ = 0;
  run_repeats_ = 0;
  shape_.Clear();
  Status st = ReadStream(file, in_place);
  // The caller may read or change stats between reads: settle the pending sightings now.
  FlushKeyRun();
  run_size_ = 0;
  shape_.Clear();
  return st;
}

Status LandingJsonReader::Impl::ReadStream(const RandomAccessFile& file, const char* in_place) {
  file_ = &file;
  if (builder_ == nullptr) {
    builder_ = std::make_unique<BatchBuilder>(schema_);
    staged_.clear();
    for (const Field& f : schema_->fields()) staged_.emplace_back(f.type);
  } else if (MoveStagedRows(), builder_->num_rows() > 0) {
    builder_->Finish();  // rows of a read that failed part way; they were never handed over
    ReserveRows();
  }
  length_ = 0;
  base_ = options_.start_offset;
  skipping_ = false;
  no_fast_path_until_ = 0;

  if (in_place != nullptr) {
    // The whole (plain) file is in memory with padding after it: one pass where it lies.
    data_ = in_place;
    length_ = file.size();
    capacity_ = length_ + kPadding;
    ReserveStaged(std::string_view(data_, length_));
    stats_->gzip = false;
    stats_->bytes += length_;
    size_t consumed = 0;
    STEDI_RETURN_NOT_OK(Process(ByteOrderMarkLength(), /*eof=*/true, &consumed));
    return FinishRead();
  }

  STEDI_ASSIGN_OR_RETURN(std::unique_ptr<ByteStream> stream, OpenByteStream(file));
  stats_->gzip = stream->gzip();

  bool eof = false;
  bool first = true;
  while (true) {
    const size_t want = options_.chunk_bytes;
    if (buffer_.size() < length_ + want + simdjson::SIMDJSON_PADDING) {
      buffer_.resize(length_ + want + simdjson::SIMDJSON_PADDING);
    }
    STEDI_ASSIGN_OR_RETURN(size_t got, stream->Read(buffer_.data() + length_, want));
    data_ = buffer_.data();
    capacity_ = buffer_.size();
    if (got < want) eof = true;
    length_ += got;
    stats_->bytes += got;
    size_t begin = 0;
    if (first) {
      // The byte order mark needs the first three bytes; wait for them.
      if (length_ < 3 && !eof) continue;
      first = false;
      begin = ByteOrderMarkLength();
    }
    size_t consumed = 0;
    STEDI_RETURN_NOT_OK(Process(begin, eof, &consumed));
    if (eof) break;
    std::memmove(buffer_.data(), buffer_.data() + consumed, length_ - consumed);
    length_ -= consumed;
    base_ += consumed;
  }
  STEDI_RETURN_NOT_OK(FinishRead());
  // Keep the buffer only when it is modest; a huge object should not pin memory.
  if (buffer_.size() > (64u << 20)) std::vector<char>().swap(buffer_);
  return Status::OK();
}

// Returns 3 when the bytes start with a UTF-8 byte order mark, else 0. Only a file's own start
// can hold one, not a range's.
size_t LandingJsonReader::Impl::ByteOrderMarkLength() const {
  return options_.start_offset == 0 && length_ >= 3 && std::memcmp(data_, "\xEF\xBB\xBF", 3) == 0
             ? 3
             : 0;
}

// Quarantines a fragment still being skipped at the end of the bytes and hands over the last
// batch.
Status LandingJsonReader::Impl::FinishRead() {
  if (skipping_) {
    STEDI_RETURN_NOT_OK(EmitFragment(skip_offset_,
                                     "fragment larger than max_object_bytes (" +
                                         std::to_string(options_.max_object_bytes) +
                                         "): " + std::to_string(skip_length_) +
                                         " bytes up to the end of its line; raw holds "
                                         "only the first " +
                                         std::to_string(skip_raw_.size()),
                                     skip_raw_));
    skipping_ = false;
  }
  return FlushBatch();
}

Status LandingJsonReader::Impl::EmitFragment(uint64_t offset, std::string reason,
                                             std::string_view raw) {
  ++stats_->fragments_quarantined;
  Status st = (*on_fragment_)(QuarantinedFragment{offset, std::move(reason), std::string(raw)});
  return st.WithContext(file_->path());
}

// Sizes the staged columns for the rows BYTES likely hold (lines counted in a sample, at most a
// batch): growing them by doubling from empty copied each buffer about once more, per file.
void LandingJsonReader::Impl::ReserveStaged(std::string_view bytes) {
  const size_t sample = std::min<size_t>(bytes.size(), 16 << 10);
  if (sample == 0) return;
  const size_t lines =
      1 + static_cast<size_t>(std::count(bytes.data(), bytes.data() + sample, '\n'));
  const size_t rows = std::min(options_.batch_rows, lines * (bytes.size() / sample + 1));
  // A string column holds at most the file's bytes; 32 a row covers the usual e-mail, device
  // id or name, and longer ones grow the buffer as before.
  const size_t string_bytes = std::min(bytes.size(), rows * 32);
  for (StagedColumn& column : staged_) column.Reserve(rows, string_bytes);
}

void LandingJsonReader::Impl::MoveStagedRows() {
  for (size_t c = 0; c < staged_.size(); ++c) staged_[c].MoveTo(builder_->column(c));
  staged_rows_ = 0;
}

Status LandingJsonReader::Impl::FlushBatch() {
  MoveStagedRows();
  if (builder_->num_rows() == 0) return Status::OK();
  rows_hint_ = builder_->num_rows();
  Batch batch = builder_->Finish();
  ReserveRows();
  return (*on_batch_)(std::move(batch)).WithContext(file_->path());
}

void LandingJsonReader::Impl::ReserveRows() {
  for (size_t c = 0; c < names_.size(); ++c) builder_->column(c).Reserve(rows_hint_);
}

// Walks the buffer from BEGIN, turning every complete value into a row or a fragment. Stops
// at a value the buffer ends inside (unless EOF) and reports where it starts in *CONSUMED.
Status LandingJsonReader::Impl::Process(size_t begin, bool eof, size_t* consumed) {
  const char* buf = data_;
  size_t pos = begin;
  while (pos < length_) {
    if (skipping_) {
      const void* nl = std::memchr(buf + pos, '\n', length_ - pos);
      size_t stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - buf) : length_;
      skip_length_ += stop - pos;
      pos = stop;
      if (nl == nullptr) break;
      skipping_ = false;
      STEDI_RETURN_NOT_OK(EmitFragment(
          skip_offset_,
          "fragment larger than max_object_bytes (" + std::to_string(options_.max_object_bytes) +
              "): " + std::to_string(skip_length_) +
              " bytes up to the end of its line; raw holds only the first " +
              std::to_string(skip_raw_.size()),
          skip_raw_));
      continue;
    }
    const char c = buf[pos];
    if (IsJsonSpace(c)) {
      ++pos;
      continue;
    }
    if (c == '{' && base_ + pos >= no_fast_path_until_) {
      bool handled = false;
      STEDI_RETURN_NOT_OK(TryWholeLine(pos, eof, &handled, &pos));
      if (handled) continue;
    }
    Frame frame = (c == '{' || c == '[') ? FrameValue(pos, eof) : FrameOther(pos, eof);
    switch (frame.outcome) {
      case FrameOutcome::kNeedMore:
        *consumed = pos;
        return Status::OK();
      case FrameOutcome::kComplete:
        if (c == '{' || c == '[') {
          STEDI_RETURN_NOT_OK(HandleComplete(pos, frame, &pos));
        } else {
          STEDI_RETURN_NOT_OK(ClassifyOther(pos, frame.end));
          pos = frame.end;
        }
        break;
      case FrameOutcome::kBroken:
        STEDI_RETURN_NOT_OK(
            EmitFragment(base_ + pos, std::move(frame.reason),
                         TrimTrailingSpace(std::string_view(buf + pos, frame.resume - pos))));
        pos = frame.resume;
        break;
      case FrameOutcome::kTooLarge:
        skipping_ = true;
        skip_offset_ = base_ + pos;
        skip_raw_.assign(buf + pos, options_.max_object_bytes);
        skip_length_ = options_.max_object_bytes;
        pos += options_.max_object_bytes;
        break;
    }
  }
  *consumed = length_;
  return Status::OK();
}

// Finds where the value starting with '{' or '[' at START ends, using only bracket and string
// structure, and decides early when it cannot be one value. The recovery rules (documented in
// docs/formats/landing-json.md) look for the start of the next object:
//  - a '{' where JSON does not allow one (after a value instead of after ':' / '[' / ','), or a
//    '{' opening a line inside an object, starts a new object: the current one was truncated;
//  - a line ending inside a string means the value was truncated (JSON strings hold no raw
//    newline); scanning resumes at the first `{"` seen inside a string (a glued object whose
//    quotes were taken for the end of a string), else at the end of the line;
//  - the end of the file inside the value truncates it the same way.
Frame LandingJsonReader::Impl::FrameValue(size_t start, bool eof) {
  const char* buf = data_;
  const size_t max_end = start + options_.max_object_bytes;
  const size_t limit = std::min(length_, max_end);
  stack_.clear();
  bool in_string = false;
  bool line_start = false;
  char prev = 0;  // last character outside strings that is not whitespace
  size_t restart = std::string::npos;
  auto broken = [&](size_t resume, std::string reason) {
    Frame f(FrameOutcome::kBroken);
    f.resume = std::min(restart, resume);
    f.reason = std::move(reason);
    return f;
  };
  // Whether a '{' at I (outside strings, inside the value) must start a new object: where JSON
  // cannot have a value, at the start of a line inside an object, or in the line's first column
  // whatever is open (so a file can be split before such a '{', see ReadBuffer).
  auto starts_object = [&](size_t i) {
    if (stack_.empty()) return false;
    if (buf[i - 1] == '\n') return true;
    const bool in_object = stack_.back() == '{';
    const bool value_expected = in_object ? prev == ':' : (prev == '[' || prev == ',');
    return !value_expected || (line_start && in_object);
  };
  const char* kind = buf[start] == '{' ? "object" : "array";
  size_t i = start;
  while (i < limit) {
    if (in_string) {
      // Most bytes of a string need no attention; skip them in a tight loop.
      while (i < limit && !kStringStop[static_cast<uint8_t>(buf[i])]) ++i;
      if (i >= limit) break;
    }
    const char c = buf[i];
    if (in_string) {
      if (c == '"') {
        in_string = false;
        prev = '"';
      } else if (c == '\\') {
        if (i + 1 >= limit) break;
        // A backslash does not carry a string over the end of its line.
        if (buf[i + 1] != '\n') ++i;
      } else if (c == '\n') {
        return broken(i, std::string("truncated ") + kind + ": a line ends inside a string");
      } else if (c == '{' && restart == std::string::npos) {
        if (i + 1 >= limit) break;
        if (buf[i + 1] == '"') restart = i;
      }
      ++i;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        line_start = false;
        break;
      case '{':
      case '[': {
        if (c == '{' && starts_object(i)) {
          return broken(i, std::string("truncated ") + kind + ": a new object starts at byte " +
                               std::to_string(base_ + i));
        }
        stack_.push_back(static_cast<uint8_t>(c));
        prev = c;
        line_start = false;
        break;
      }
      case '}':
      case ']': {
        const uint8_t open = c == '}' ? '{' : '[';
        if (stack_.back() != open) {
          return broken(i + 1, std::string("invalid JSON: '") + c + "' closes a '" +
                                   static_cast<char>(stack_.back()) + "' at byte " +
                                   std::to_string(base_ + i));
        }
        stack_.pop_back();
        if (stack_.empty()) {
          Frame f(FrameOutcome::kComplete);
          f.end = i + 1;
          f.restart = restart;
          return f;
        }
        prev = c;
        line_start = false;
        break;
      }
      case '\n':
        line_start = true;
        break;
      case ' ':
      case '\t':
      case '\r':
        break;
      default:
        prev = c;
        line_start = false;
        break;
    }
    ++i;
  }
  // The scan stopped at LIMIT without an answer.
  if (eof && limit == length_) {
    if (options_.cut_before_object && !in_string) {
      // The bytes stop before a `{` that opens a line: it would cut the value here.
      return broken(length_, std::string("truncated ") + kind + ": a new object starts at byte " +
                                 std::to_string(base_ + length_));
    }
    return broken(length_, std::string("truncated ") + kind + " at end of file");
  }
  // At the limit, the next byte decides: the end of the file, or a new object that cuts the
  // value, make it not too large. (Without it, the answer would depend on chunk_bytes.)
  if (limit == max_end && max_end == length_) return Frame(FrameOutcome::kNeedMore);
  if (limit == max_end && !in_string) {
    if (buf[max_end] == '{' && starts_object(max_end)) {
      return broken(max_end, std::string("truncated ") + kind + ": a new object starts at byte " +
                                 std::to_string(base_ + max_end));
    }
  }
  if (limit == max_end) return Frame(FrameOutcome::kTooLarge);
  return Frame(FrameOutcome::kNeedMore);
}

// Frames bytes that cannot start an object or array: they run to the next '{' or '[' outside a
// string, or to the end of the line.
Frame LandingJsonReader::Impl::FrameOther(size_t start, bool eof) {
  const char* buf = data_;
  const size_t max_end = start + options_.max_object_bytes;
  const size_t limit = std::min(length_, max_end);
  size_t i = start;
  bool in_string = false;
  while (i < limit) {
    const char c = buf[i];
    if (in_string) {
      if (c == '"') {
        in_string = false;
      } else if (c == '\\') {
        if (i + 1 >= limit) break;
        if (buf[i + 1] != '\n') ++i;  // the line ends even after a backslash
      } else if (c == '\n') {
        in_string = false;
        break;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[' || c == '\n') {
      break;
    }
    ++i;
  }
  if (i < limit && !in_string) {
    Frame f(FrameOutcome::kComplete);
    f.end = i;
    return f;
  }
  if (eof && limit == length_) {
    Frame f(FrameOutcome::kComplete);
    f.end = length_;
    return f;
  }
  // Whether the file ends right at the limit is known only with the next byte.
  if (limit == max_end && max_end < length_) return Frame(FrameOutcome::kTooLarge);
  return Frame(FrameOutcome::kNeedMore);
}

// Names what non-object, non-array bytes are: a JSON scalar, or not JSON at all.
Status LandingJsonReader::Impl::ClassifyOther(size_t start, size_t end) {
  std::string_view raw = TrimTrailingSpace(std::string_view(data_ + start, end - start));
  scratch_.assign(raw);
  scratch_.append(simdjson::SIMDJSON_PADDING, ' ');
  std::string reason;
  od::document doc;
  error_code err = parser_.iterate(scratch_.data(), raw.size(), scratch_.size()).get(doc);
  od::json_type type{};
  if (!err) err = doc.type().get(type);
  if (!err) {
    switch (type) {
      case od::json_type::number: {
        double d;
        err = doc.get_double().get(d);
        reason = "not an object: number";
        break;
      }
      case od::json_type::string: {
        std::string_view s;
        err = doc.get_string().get(s);
        reason = "not an object: string";
        break;
      }
      case od::json_type::boolean: {
        bool b;
        err = doc.get_bool().get(b);
        reason = "not an object: boolean";
        break;
      }
      case od::json_type::null: {
        bool is_null = false;
        err = doc.is_null().get(is_null);
        if (!err && !is_null) err = simdjson::N_ATOM_ERROR;
        reason = "not an object: null";
        break;
      }
      default:
        err = simdjson::TAPE_ERROR;
        break;
    }
    if (!err && !AtEnd(doc)) err = simdjson::TRAILING_CONTENT;
  }
  if (err) {
    reason = std::string("invalid JSON: ") + simdjson::error_message(err) + " at byte " +
             std::to_string(base_ + start);
  }
  return EmitFragment(base_ + start, std::move(reason), raw);
}

// Turns the complete value [START, FRAME.end) into a row, or quarantines it; sets *NEXT to where
// scanning goes on.
Status LandingJsonReader::Impl::HandleComplete(size_t start, const Frame& frame, size_t* next) {
  const size_t end = frame.end;
  *next = end;
  const char* data = data_ + start;
  const size_t len = end - start;
  const size_t capacity = capacity_ - start;
  if (data[0] == '[') {
    od::document doc;
    od::array array;
    error_code err = parser_.iterate(data, len, capacity).get(doc);
    if (!err) err = doc.get_array().get(array);
    if (!err) {
      od::value v;
      // Walk the array so that invalid content is named as such.
      for (auto element : array) {
        if ((err = element.get(v))) break;
        uint32_t kind;
        if ((err = Validate(v, &kind))) break;
      }
    }
    if (!err && !AtEnd(doc)) err = simdjson::TRAILING_CONTENT;
    std::string reason = err ? std::string("invalid JSON: ") + simdjson::error_message(err) +
                                   " at byte " + std::to_string(base_ + start)
                             : std::string("not an object: array");
    return EmitFragment(base_ + start, std::move(reason), std::string_view(data, len));
  }

  const char* error_at = nullptr;
  error_code err = ParseObject(data, len, capacity, &error_at);
  bool repaired = false;
  if (err == simdjson::UTF8_ERROR) {
    // simdjson refuses the whole document; repair only this object and parse the copy.
    scratch_.clear();
    AppendRepairedUtf8(std::string_view(data, len), &scratch_);
    const size_t repaired_len = scratch_.size();
    scratch_.append(simdjson::SIMDJSON_PADDING, ' ');
    err = ParseObject(scratch_.data(), repaired_len, scratch_.size(), &error_at);
    repaired = true;
    error_at = nullptr;  // a position in the copy is not one in the file
  }
  if (err && frame.restart != std::string::npos) {
    // A `{"` inside a string of an invalid value: most likely an object glued to a truncated
    // one, whose quotes were read as the end of a string. Quarantine up to there, go on there.
    *next = frame.restart;
    return EmitFragment(
        base_ + start,
        "truncated object: a new object starts at byte " + std::to_string(base_ + frame.restart),
        TrimTrailingSpace(std::string_view(data, frame.restart - start)));
  }
  if (err) {
    uint64_t at = base_ + start;
    if (error_at != nullptr && error_at >= data && error_at < data + len) {
      at += static_cast<uint64_t>(error_at - data);
    }
    return EmitFragment(base_ + start,
                        std::string("invalid JSON: ") + simdjson::error_message(err) + " at byte " +
                            std::to_string(at),
                        std::string_view(data, len));
  }
  if (repaired) ++stats_->records_with_repaired_utf8;
  CommitRow();
  if (builder_->num_rows() + staged_rows_ >= options_.batch_rows) return FlushBatch();
  return Status::OK();
}

// Fast path for the usual layout, one object per line: parses the line from START (a '{') up to
// its last non-space byte as one document. When that succeeds and every value was walked (so the
// line is valid JSON, not just accepted by On-Demand), the framer would have found the same
// value (a valid object balances its brackets, holds no raw newline in a string and has no '{'
// where a value cannot start; nothing but whitespace follows it on the line), so the row is
// taken without framing. On any failure nothing has been emitted or counted, *HANDLED stays
// false, and the caller frames the line the careful way.
Status LandingJsonReader::Impl::TryWholeLine(size_t start, bool eof, bool* handled, size_t* next) {
  *handled = false;
  const char* buf = data_;
  const bool shaped = options_.flat_object_fast_path && !shape_.empty();
  if (shaped && shape_takes_rows_) {
    // Most lines: rows in the run's shape, taken one after another up to the batch's end.
    shape_outs_.resize(shape_columns_.size());
    for (size_t i = 0; i < shape_columns_.size(); ++i) shape_outs_[i] = &staged_[shape_columns_[i]];
    const size_t room =
        options_.batch_rows - std::min(options_.batch_rows, builder_->num_rows() + staged_rows_);
    const FlatObjectScanner::TakenRows taken =
        scanner_.TakeShapedRows(std::string_view(buf + start, length_ - start), shape_, shape_outs_,
                                room, options_.max_object_bytes, eof);
    if (taken.rows > 0) {
      // As the row-at-a-time path below counts each of them.
      for (size_t c : unshaped_columns_) {
        for (size_t r = 0; r < taken.rows; ++r) staged_[c].AppendNull();
      }
      run_repeats_ += taken.rows;
      staged_rows_ += taken.rows;
      stats_->records += taken.rows;
      *handled = true;
      *next = start + taken.bytes;
      if (builder_->num_rows() + staged_rows_ >= options_.batch_rows) return FlushBatch();
      return Status::OK();
    }
  }
  if (shaped) {
    // The run's shape scanned from START finds the object's end, and only the whitespace after
    // it is left to check for the end of the line.
    const size_t object =
        scanner_.ScanShapedPrefix(std::string_view(buf + start, length_ - start), shape_);
    if (object > 0 && object <= options_.max_object_bytes) {
      size_t after = start + object;
      while (after < length_ && IsJsonSpace(buf[after]) && buf[after] != '\n') ++after;
      const bool line_ends = after < length_ ? buf[after] == '\n' : eof;
      if (line_ends && TakeShapedRow()) {
        // The run's keys again, as SameKeysAsRun would have found: counted with the run.
        ++run_repeats_;
        for (size_t c : unshaped_columns_) staged_[c].AppendNull();
        CountRow();
        *handled = true;
        *next = start + object;
        if (builder_->num_rows() + staged_rows_ >= options_.batch_rows) return FlushBatch();
        return Status::OK();
      }
    }
  }
  const void* nl = std::memchr(buf + start, '\n', length_ - start);
  size_t line_end;
  if (nl != nullptr) {
    line_end = static_cast<size_t>(static_cast<const char*>(nl) - buf);
  } else if (eof) {
    line_end = length_;
  } else {
    no_fast_path_until_ = base_ + length_;
    return Status::OK();
  }
  size_t end = line_end;
  while (end > start && IsJsonSpace(buf[end - 1])) --end;
  if (buf[end - 1] != '}' || end - start > options_.max_object_bytes) {
    no_fast_path_until_ = base_ + line_end;
    return Status::OK();
  }
  const char* error_at = nullptr;
  const std::string_view text(buf + start, end - start);
  // Not in the run's shape (the scan above would have taken it): the general ways.
  if ((options_.flat_object_fast_path && TakeFlatObject(text)) ||
      (ParseObject(buf + start, end - start, capacity_ - start, &error_at) == simdjson::SUCCESS &&
       !took_raw_container_)) {
    CommitRow();
  } else {
    no_fast_path_until_ = base_ + line_end;
    return Status::OK();
  }
  *handled = true;
  *next = end;
  if (builder_->num_rows() + staged_rows_ >= options_.batch_rows) return FlushBatch();
  return Status::OK();
}

size_t LandingJsonReader::Impl::FindColumn(std::string_view key, size_t position) {
  const size_t n = names_.size();
  if (position < column_hint_.size()) {
    const ColumnHint& hint = column_hint_[position];
    if (hint.valid && SameKey(hint.key, key)) return hint.column;
  } else {
    column_hint_.resize(position + 1);
  }
  size_t found = kNoColumn;
  for (size_t c = 0; c < n && found == kNoColumn; ++c) {
    if (names_[c] == key) found = c;
  }
  for (size_t c = 0; c < n && found == kNoColumn; ++c) {
    if (NamesEqual(names_[c], key)) found = c;
  }
  column_hint_[position] = ColumnHint{std::string(key), found, true};
  return found;
}

inline size_t LandingJsonReader::Impl::ColumnOfKey(std::string_view key, size_t position) {
  if (keys_match_run_ && position < run_size_ && SameKey(run_keys_[position].name, key)) {
    return run_keys_[position].column;
  }
  keys_match_run_ = false;
  return FindColumn(key, position);
}

bool LandingJsonReader::Impl::Declined(std::string_view key) const {
  for (const std::string& declined : declined_keys_) {
    if (NamesEqual(declined, key)) return true;
  }
  return false;
}

size_t LandingJsonReader::Impl::MaybeAddColumn(std::string_view key, od::value& value) {
  // The kind decides the new column's type; peeking does not consume the value.
  od::json_type type;
  if (value.type().get(type)) return kNoColumn;
  JsonKind kind = JsonKind::kNull;
  switch (type) {
    case od::json_type::null:
      return kNoColumn;  // no type to give it yet: a later non-null value will
    case od::json_type::string:
      kind = JsonKind::kString;
      break;
    case od::json_type::boolean:
      kind = JsonKind::kBoolean;
      break;
    case od::json_type::object:
      kind = JsonKind::kObject;
      break;
    case od::json_type::array:
      kind = JsonKind::kArray;
      break;
    case od::json_type::number: {
      od::number_type number;
      if (value.get_number_type().get(number)) return kNoColumn;
      kind =
          number == od::number_type::floating_point_number ? JsonKind::kFloat : JsonKind::kInteger;
      break;
    }
  }
  if (Declined(key)) return kNoColumn;
  std::optional<Field> field = options_.new_field(key, kind);
  if (!field) {
    declined_keys_.emplace_back(key);
    return kNoColumn;
  }
  for (size_t c = 0; c < names_.size(); ++c) {
    if (NamesEqual(names_[c], field->name)) return c;
  }
  std::vector<Field> fields = schema_->fields();
  fields.push_back(*field);
  schema_ = std::make_shared<const Schema>(std::move(fields));
  const size_t column = names_.size();
  names_.push_back(field->name);
  cells_.emplace_back();
  cell_stamp_.push_back(0);
  MoveStagedRows();  // the rows so far get nulls in the new column
  builder_->AddColumn(*field);
  staged_.emplace_back(field->type);
  // Lookups cached as "no column" may now have one.
  for (ColumnHint& hint : column_hint_) {
    if (hint.column == kNoColumn) hint.valid = false;
  }
  for (size_t i = 0; i < run_size_; ++i) {
    if (run_keys_[i].column == kNoColumn && NamesEqual(run_keys_[i].name, field->name)) {
      run_keys_[i].column = column;
    }
  }
  // The run's keys may all have columns now, so that rows like them can take the shaped path;
  // its list of columns to leave null must include the new one anyway.
  if (run_size_ > 0) ShapeFromRun();
  return column;
}

void LandingJsonReader::Impl::CountKey(std::string_view key, uint32_t kind, size_t position) {
  std::vector<FieldSighting>& fields = stats_->fields;
  size_t index = fields.size();
  if (position < sighting_hint_.size() && sighting_hint_[position] < fields.size() &&
      fields[sighting_hint_[position]].name == key) {
    index = sighting_hint_[position];
  } else {
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == key) {
        index = i;
        break;
      }
    }
    if (index == fields.size()) fields.push_back(FieldSighting{std::string(key)});
    if (position >= sighting_hint_.size()) sighting_hint_.resize(position + 1);
    sighting_hint_[position] = index;
  }
  FieldSighting& f = fields[index];
  ++f.present;
  if (kind == Bit(JsonKind::kNull)) ++f.nulls;
  f.kinds |= kind;
}

error_code LandingJsonReader::Impl::ParseObject(const char* data, size_t len, size_t capacity,
                                                const char** error_at) {
  ++row_stamp_;
  pending_keys_.clear();
  row_unconvertible_ = 0;
  took_raw_container_ = false;
  keys_match_run_ = true;
  od::document doc;
  error_code err = parser_.iterate(data, len, capacity).get(doc);
  if (err) return err;
  od::object object;
  if ((err = doc.get_object().get(object))) return err;
  size_t position = 0;
  for (auto field_result : object) {
    // Refer to the field (and below its value) in place: copying these small structs costs
    // more than it seems (the copies stall on store forwarding).
    if ((err = field_result.error())) break;
    od::field&& field = std::move(field_result).value_unsafe();
    // A key without escapes is its raw bytes: no copy into simdjson's string buffer.
    std::string_view key;
    const char* raw_key = field.key().raw();
    const char* quote = raw_key;
    const char* const data_end = data + len;
    while (quote < data_end && *quote != '"' && *quote != '\\') ++quote;
    if (quote < data_end && *quote == '"') {
      key = std::string_view(raw_key, static_cast<size_t>(quote - raw_key));
    } else if ((err = field.unescaped_key().get(key))) {
      break;
    }
    od::value& value = field.value();
    uint32_t kind = 0;
    // While the keys repeat the run's spellings, their columns are known without a lookup.
    size_t column = ColumnOfKey(key, position);
    if (column == kNoColumn && options_.new_field) column = MaybeAddColumn(key, value);
    if (column < names_.size() && cell_stamp_[column] != row_stamp_) {
      cell_stamp_[column] = row_stamp_;
      err = ConvertValue(value, column, &kind);
    } else {
      // Unknown key, or a repeat of a key already set in this object: the first one wins.
      err = Validate(value, &kind);
    }
    if (err) break;
    pending_keys_.push_back(PendingKey{key, kind, column});
    ++position;
  }
  if (!err && !AtEnd(doc)) err = simdjson::TRAILING_CONTENT;
  if (err) {
    const char* at = nullptr;
    if (!doc.current_location().get(at)) *error_at = at;
  }
  return err;
}

// The whole-line fast path for a line in FlatObjectScanner's subset: sets the row's cells and
// keys exactly as ParseObject would. Returns false, with nothing emitted or counted, when the
// line is outside the subset, a number does not read exactly, or a key could add a column
// (new_field's answer depends on the value as simdjson sees it): ParseObject then takes it.
bool LandingJsonReader::Impl::TakeFlatObject(std::string_view text) {
  if (!scanner_.Scan(text)) return false;
  ++row_stamp_;
  pending_keys_.clear();
  row_unconvertible_ = 0;
  took_raw_container_ = false;
  keys_match_run_ = true;
  size_t position = 0;
  for (const ScannedMember& member : scanner_.members()) {
    const size_t column = ColumnOfKey(member.key, position);
    if (column == kNoColumn && options_.new_field && member.kind != JsonKind::kNull &&
        !Declined(member.key)) {
      return false;
    }
    if (column < names_.size() && cell_stamp_[column] != row_stamp_) {
      cell_stamp_[column] = row_stamp_;
      if (!ConvertScanned(member, column)) return false;
    } else if (member.kind == JsonKind::kInteger || member.kind == JsonKind::kFloat) {
      // Not converted, but ParseObject would still insist that the number reads.
      double d;
      if (ScannedNumber{member}.AsDouble(&d)) return false;
    }
    // Set field by field in place (see ScannedMember's note in FlatObjectScanner::Scan).
    PendingKey& pending = pending_keys_.emplace_back();
    pending.name = member.key;
    pending.kind = Bit(member.kind);
    pending.column = column;
    ++position;
  }
  return true;
}

// TakeFlatObject for a line written exactly in the run's shape (same keys in the same order,
// values of the same kinds, no whitespace): the keys are matched as bytes, not looked up.
// Returns false, with nothing emitted or counted, for any other line.
bool LandingJsonReader::Impl::TakeShapedRow() {
  row_unconvertible_ = 0;
  took_raw_container_ = false;
  const std::vector<ScannedMember>& members = scanner_.members();
  const size_t n = members.size();
  for (size_t i = 0; i < n; ++i) {
    const ScannedMember& m = members[i];
    StagedColumn& out = staged_[shape_columns_[i]];
    // The usual members are staged as ConvertScanned would convert them (see ScannedNumber).
    switch (shape_ops_[i]) {
      case ShapedOp::kString:
        out.AppendString(m.text);
        continue;
      case ShapedOp::kInteger:
        if (m.integral) {
          const auto v = static_cast<int64_t>(m.magnitude);
          out.AppendInt64(m.negative ? -v : v);
          continue;
        }
        break;
      case ShapedOp::kFloat:
        if (m.integral) {
          const auto d = static_cast<double>(m.magnitude);
          out.AppendDouble(m.negative ? -d : d);
          continue;
        }
        break;
      case ShapedOp::kOther:
        break;
    }
    const size_t column = shape_columns_[i];
    if (!ConvertScanned(m, column)) {
      // A number that does not read exactly: take back the one value this row gave each
      // column before it (a shape's columns are distinct), nothing counted.
      for (size_t j = 0; j < i; ++j) staged_[shape_columns_[j]].PopLast();
      return false;
    }
    AppendCell(cells_[column], out);
  }
  return true;
}

// ConvertValue for a scanned member; false when its number does not read exactly.
bool LandingJsonReader::Impl::ConvertScanned(const ScannedMember& member, size_t column) {
  Cell& cell = cells_[column];
  cell.state = Cell::State::kNull;
  const TypeId target = schema_->field(column).type;
  bool converted = true;
  switch (member.kind) {
    case JsonKind::kNull:
      break;
    case JsonKind::kBoolean:
      converted = BoolToCell(member.text[0] == 't', target, &cell);
      break;
    case JsonKind::kString:
      converted = StringToCell(member.text, target, &cell);
      break;
    default: {
      ScannedNumber number{member};
      if (NumberToCell(member.text, member.kind == JsonKind::kFloat, target, number, &cell,
                       &converted)) {
        return false;
      }
      break;
    }
  }
  if (!converted) ++row_unconvertible_;
  return true;
}

// Converts VALUE for target column COLUMN into cells_[COLUMN]; values that do not convert leave
// the cell null and count as unconvertible. Returns an error only for invalid JSON.
error_code LandingJsonReader::Impl::ConvertValue(od::value& value, size_t column, uint32_t* kind) {
  Cell& cell = cells_[column];
  cell.state = Cell::State::kNull;
  const TypeId target = schema_->field(column).type;
  od::json_type type;
  error_code err = value.type().get(type);
  if (err) return err;
  bool converted = true;
  switch (type) {
    case od::json_type::null: {
      bool is_null = false;
      if ((err = value.is_null().get(is_null))) return err;
      if (!is_null) return simdjson::N_ATOM_ERROR;
      *kind = Bit(JsonKind::kNull);
      break;
    }
    case od::json_type::boolean: {
      bool b;
      if ((err = value.get_bool().get(b))) return err;
      *kind = Bit(JsonKind::kBoolean);
      converted = BoolToCell(b, target, &cell);
      break;
    }
    case od::json_type::number: {
      const std::string_view token = TrimTrailingSpace(value.raw_json_token());
      const bool is_float = IsFloatToken(token);
      *kind = Bit(is_float ? JsonKind::kFloat : JsonKind::kInteger);
      OnDemandNumber number{value, token};
      if ((err = NumberToCell(token, is_float, target, number, &cell, &converted))) return err;
      break;
    }
    case od::json_type::string: {
      std::string_view s;
      // A string without escapes is its raw bytes between the quotes: no copy into simdjson's
      // string buffer. (The token runs to the next structural character, so trim it first.)
      const std::string_view token = TrimTrailingSpace(value.raw_json_token());
      if (token.size() >= 2 && token.back() == '"' &&
          std::memchr(token.data(), '\\', token.size()) == nullptr) {
        od::raw_json_string raw;
        if ((err = value.get_raw_json_string().get(raw))) return err;
        s = token.substr(1, token.size() - 2);
      } else if ((err = value.get_string().get(s))) {
        return err;
      }
      *kind = Bit(JsonKind::kString);
      converted = StringToCell(s, target, &cell);
      break;
    }
    case od::json_type::object:
    case od::json_type::array: {
      *kind = Bit(type == od::json_type::object ? JsonKind::kObject : JsonKind::kArray);
      if (IsVariableWidth(target)) {
        std::string_view raw;
        if (type == od::json_type::object) {
          od::object o;
          if ((err = value.get_object().get(o)) || (err = o.raw_json().get(raw))) return err;
        } else {
          od::array a;
          if ((err = value.get_array().get(a)) || (err = a.raw_json().get(raw))) return err;
        }
        cell.state = Cell::State::kString;
        cell.s = TrimTrailingSpace(raw);
        took_raw_container_ = true;
      } else {
        if ((err = ValidateNested(value, 0))) return err;
        converted = false;
      }
      break;
    }
  }
  if (!converted) ++row_unconvertible_;
  return simdjson::SUCCESS;
}

// Checks VALUE is valid JSON (scalars are parsed, containers walked) and reports its kind.
error_code LandingJsonReader::Impl::Validate(od::value& value, uint32_t* kind) {
  od::json_type type;
  error_code err = value.type().get(type);
  if (err) return err;
  switch (type) {
    case od::json_type::null: {
      bool is_null = false;
      if ((err = value.is_null().get(is_null))) return err;
      if (!is_null) return simdjson::N_ATOM_ERROR;
      *kind = Bit(JsonKind::kNull);
      return simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
      bool b;
      *kind = Bit(JsonKind::kBoolean);
      return value.get_bool().get(b);
    }
    case od::json_type::number: {
      *kind = Bit(IsFloatToken(TrimTrailingSpace(value.raw_json_token())) ? JsonKind::kFloat
                                                                          : JsonKind::kInteger);
      double d;
      return value.get_double().get(d);
    }
    case od::json_type::string: {
      std::string_view s;
      *kind = Bit(JsonKind::kString);
      return value.get_string().get(s);
    }
    case od::json_type::object:
    case od::json_type::array:
      *kind = Bit(type == od::json_type::object ? JsonKind::kObject : JsonKind::kArray);
      return ValidateNested(value, 0);
  }
  return simdjson::TAPE_ERROR;
}

error_code LandingJsonReader::Impl::ValidateNested(od::value& value, int depth) {
  if (depth > 1024) return simdjson::DEPTH_ERROR;
  od::json_type type;
  error_code err = value.type().get(type);
  if (err) return err;
  uint32_t kind;
  if (type == od::json_type::object) {
    od::object o;
    if ((err = value.get_object().get(o))) return err;
    for (auto field_result : o) {
      od::field field;
      std::string_view key;
      if ((err = std::move(field_result).get(field)) || (err = field.unescaped_key().get(key)))
        return err;
      od::value v = field.value();
      if ((err = ValidateNested(v, depth + 1))) return err;
    }
    return simdjson::SUCCESS;
  }
  if (type == od::json_type::array) {
    od::array a;
    if ((err = value.get_array().get(a))) return err;
    for (auto element : a) {
      od::value v;
      if ((err = element.get(v)) || (err = ValidateNested(v, depth + 1))) return err;
    }
    return simdjson::SUCCESS;
  }
  return Validate(value, &kind);
}

bool LandingJsonReader::Impl::SameKeysAsRun() const {
  // ParseObject compared the spellings already (keys_match_run_).
  if (!keys_match_run_ || pending_keys_.size() != run_size_) return false;
  for (size_t i = 0; i < run_size_; ++i) {
    if (pending_keys_[i].kind != run_keys_[i].kind) return false;
  }
  return true;
}

void LandingJsonReader::Impl::FlushKeyRun() {
  if (run_repeats_ == 0) return;
  for (size_t i = 0; i < run_size_; ++i) {
    FieldSighting& f = stats_->fields[run_keys_[i].index];
    f.present += run_repeats_;
    if (run_keys_[i].kind == Bit(JsonKind::kNull)) f.nulls += run_repeats_;
  }
  run_repeats_ = 0;
}

void LandingJsonReader::Impl::CommitRow() {
  if (run_size_ > 0 && SameKeysAsRun()) {
    // Same keys as the row before: counted later in one step (kinds are already recorded).
    ++run_repeats_;
  } else {
    FlushKeyRun();
    const size_t n = pending_keys_.size();
    if (run_keys_.size() < n) run_keys_.resize(n);
    for (size_t position = 0; position < n; ++position) {
      const PendingKey& key = pending_keys_[position];
      CountKey(key.name, key.kind, position);
      run_keys_[position].name.assign(key.name);
      run_keys_[position].kind = key.kind;
      run_keys_[position].index = sighting_hint_[position];
      run_keys_[position].column = key.column;
    }
    run_size_ = n;
    ShapeFromRun();
  }
  AppendCells();
}

void LandingJsonReader::Impl::ShapeFromRun() {
  shape_.Clear();
  std::vector<std::string_view> keys;
  std::vector<JsonKind> kinds;
  shape_columns_.clear();
  for (size_t i = 0; i < run_size_; ++i) {
    const RunKey& key = run_keys_[i];
    // Each key must have a column of its own (a repeated or unknown key takes the general
    // path), and be spelled as it is written: no quote, backslash or control character.
    if (key.column >= names_.size() || std::find(shape_columns_.begin(), shape_columns_.end(),
                                                 key.column) != shape_columns_.end()) {
      return;
    }
    for (char c : key.name) {
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return;
    }
    const auto kind = static_cast<JsonKind>(key.kind);
    if (kind == JsonKind::kObject || kind == JsonKind::kArray) return;
    keys.push_back(key.name);
    kinds.push_back(kind);
    shape_columns_.push_back(key.column);
  }
  shape_ops_.clear();
  for (size_t i = 0; i < kinds.size(); ++i) {
    const TypeId target = schema_->field(shape_columns_[i]).type;
    ShapedOp op = ShapedOp::kOther;
    if (kinds[i] == JsonKind::kString && IsVariableWidth(target)) {
      op = ShapedOp::kString;
    } else if (kinds[i] == JsonKind::kInteger &&
               (target == TypeId::kInt64 || target == TypeId::kTimestamp)) {
      op = ShapedOp::kInteger;
    } else if (kinds[i] == JsonKind::kFloat && target == TypeId::kFloat64) {
      op = ShapedOp::kFloat;
    }
    shape_ops_.push_back(op);
  }
  shape_takes_rows_ = std::none_of(shape_ops_.begin(), shape_ops_.end(),
                                   [](ShapedOp op) { return op == ShapedOp::kOther; });
  unshaped_columns_.clear();
  for (size_t c = 0; c < names_.size(); ++c) {
    if (std::find(shape_columns_.begin(), shape_columns_.end(), c) == shape_columns_.end()) {
      unshaped_columns_.push_back(c);
    }
  }
  shape_.Assign(keys, kinds);
}

void LandingJsonReader::Impl::AppendCells() {
  for (size_t c = 0; c < names_.size(); ++c) {
    if (cell_stamp_[c] != row_stamp_) {
      staged_[c].AppendNull();
    } else {
      AppendCell(cells_[c], staged_[c]);
    }
  }
  CountRow();
}

void LandingJsonReader::Impl::AppendCell(const Cell& cell, StagedColumn& out) {
  if (cell.state == Cell::State::kNull) {
    out.AppendNull();
    return;
  }
  switch (out.type()) {
    case TypeId::kBoolean:
      out.AppendBool(cell.i != 0);
      break;
    case TypeId::kInt32:
    case TypeId::kDate:
      out.AppendInt32(static_cast<int32_t>(cell.i));
      break;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      out.AppendInt64(cell.i);
      break;
    case TypeId::kFloat64:
      out.AppendDouble(cell.d);
      break;
    case TypeId::kString:
    case TypeId::kBinary:
      out.AppendString(cell.s);
      break;
  }
}

void LandingJsonReader::Impl::CountRow() {
  ++staged_rows_;
  ++stats_->records;
  if (row_unconvertible_ > 0) {
    ++stats_->records_with_unconvertible_fields;
    stats_->unconvertible_fields += row_unconvertible_;
  }
}

}  // namespace stedi::json
