#include "sql/execution/spill_file.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <vector>

#include "storage/file_system.h"

namespace stedi::sql {

// Format: a raw dump of each batch's column buffers rather than Parquet. Spill files are
// written once and read once by this process, so encoding (statistics, compression) would cost
// CPU for nothing; a plain copy of the buffers is written at memory speed. One exception: a
// string column whose rows repeat (a customer's readings are adjacent, and a join partitions
// by customer) is written as its runs' strings plus a code per row. The bytes spilled are
// what a spill costs (each is copied into the page cache, then back), and keys like e-mail
// addresses shrink from ~33 bytes per row to 4.
//
//   file   := record*
//   record := u64 payload_bytes, payload
//   payload:= u64 rows, u32 columns, column*
//   column := u8 type, u8 flags (1: has validity, 2: dictionary), body, [ rows validity bytes ]
//   body   := u64 value_bytes, value bytes, [ (rows + 1) u64 offsets if variable width ]
//           | u32 entries, u64 entry_bytes, entry bytes, (entries + 1) u64 offsets, rows u32 codes
//
// Null rows have no bytes; in a dictionary body their code is 0.

namespace {

constexpr size_t kWriteBufferBytes = size_t{1} << 20;
constexpr size_t kReadChunkBytes = size_t{1} << 20;

// An append-only byte buffer that does not zero what it is about to overwrite.
class RecordBuffer {
 public:
  size_t size() const { return size_; }
  std::string_view view() const { return {data_.get(), size_}; }
  void Clear() { size_ = 0; }
  void Release() {
    data_.reset();
    size_ = capacity_ = 0;
  }
  // Returns room for N more bytes, counted as written.
  char* Grow(size_t n) {
    if (size_ + n > capacity_) {
      const size_t capacity = std::max(size_ + n, capacity_ * 2);
      auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
      if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
      data_ = std::move(bigger);
      capacity_ = capacity;
    }
    char* at = data_.get() + size_;
    size_ += n;
    return at;
  }
  template <typename T>
  void Put(T v) {
    std::memcpy(Grow(sizeof(T)), &v, sizeof(T));
  }
  char* at(size_t offset) { return data_.get() + offset; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

std::string UniqueSpillName() {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return "spill-" + std::to_string(::getpid()) + "-" + std::to_string(now) + "-" +
         std::to_string(counter.fetch_add(1)) + ".bin";
}

constexpr uint8_t kHasValidity = 1;
constexpr uint8_t kDictionary = 2;

// Scratch for writing string columns, kept by the file so that records reuse the memory.
struct StringRuns {
  std::vector<uint32_t> codes;    // per row: its run's entry
  std::vector<uint32_t> entries;  // per run: its string's index in the source strings
};

// Writes the rows ROW_AT(0..COUNT-1) of string column C, gathering straight into OUT: no
// intermediate batch. A source dictionary is not worth sharing across records, so its codes
// are written as strings; runs of one string become one entry when that saves a quarter of
// the bytes.
template <typename RowAt>
void PutStrings(const Column& c, size_t count, RowAt row_at, bool has_validity, StringRuns* runs,
                RecordBuffer* out) {
  const bool dict = c.is_dictionary();
  const Column& strings = dict ? *c.dictionary() : c;
  const uint64_t* off = strings.offsets().data();
  const uint8_t* src = strings.values().data();
  // The string of row R is entry E(R) of STRINGS, null rows empty.
  auto entry = [&](size_t r) -> uint32_t { return dict ? c.code(r) : static_cast<uint32_t>(r); };
  runs->codes.resize(count);
  runs->entries.clear();
  uint64_t bytes = 0, entry_bytes = 0;
  uint32_t last = 0;  // the source entry of the current run
  for (size_t i = 0; i < count; ++i) {
    const size_t r = row_at(i);
    if (c.IsNull(r)) {
      runs->codes[i] = 0;
      continue;
    }
    const uint32_t e = entry(r);
    const uint64_t len = off[e + 1] - off[e];
    bytes += len;
    const bool same =
        !runs->entries.empty() &&
        (e == last || (len == off[last + 1] - off[last] &&
                       (len == 0 || std::memcmp(src + off[e], src + off[last], len) == 0)));
    if (!same) {
      runs->entries.push_back(e);
      entry_bytes += len;
      last = e;
    }
    runs->codes[i] = static_cast<uint32_t>(runs->entries.size() - 1);
  }
  const size_t entries = runs->entries.size();
  const uint64_t plain_size = bytes + (count + 1) * sizeof(uint64_t);
  const uint64_t dictionary_size =
      sizeof(uint32_t) + entry_bytes + (entries + 1) * sizeof(uint64_t) + count * sizeof(uint32_t);
  const bool as_dictionary = entries > 0 && dictionary_size * 4 <= plain_size * 3;
  out->Put<uint8_t>(static_cast<uint8_t>(c.type()));
  out->Put<uint8_t>((has_validity ? kHasValidity : 0) | (as_dictionary ? kDictionary : 0));
  if (as_dictionary) out->Put<uint32_t>(static_cast<uint32_t>(entries));
  const size_t n = as_dictionary ? entries : count;
  const uint64_t value_bytes = as_dictionary ? entry_bytes : bytes;
  out->Put<uint64_t>(value_bytes);
  // One Grow for both buffers: a second could move the first.
  char* values = out->Grow(value_bytes + (n + 1) * sizeof(uint64_t));
  const size_t offsets_at = out->size() - (n + 1) * sizeof(uint64_t);
  uint64_t at = 0;
  std::memcpy(out->at(offsets_at), &at, sizeof(at));
  for (size_t i = 0; i < n; ++i) {
    uint64_t len = 0;
    uint32_t e = 0;
    if (as_dictionary) {
      e = runs->entries[i];
      len = off[e + 1] - off[e];
    } else if (const size_t r = row_at(i); !c.IsNull(r)) {
      e = entry(r);
      len = off[e + 1] - off[e];
    }
    if (len > 0) std::memcpy(values + at, src + off[e], len);
    at += len;
    std::memcpy(out->at(offsets_at + (i + 1) * sizeof(uint64_t)), &at, sizeof(at));
  }
  if (as_dictionary) {
    std::memcpy(out->Grow(count * sizeof(uint32_t)), runs->codes.data(), count * sizeof(uint32_t));
  }
}

// Writes the rows ROW_AT(0..COUNT-1) of C as one column of a record.
template <typename RowAt>
void PutColumn(const Column& c, size_t count, RowAt row_at, StringRuns* runs, RecordBuffer* out) {
  const bool has_validity = c.null_count() > 0;
  if (IsVariableWidth(c.type())) {
    PutStrings(c, count, row_at, has_validity, runs, out);
  } else {
    out->Put<uint8_t>(static_cast<uint8_t>(c.type()));
    out->Put<uint8_t>(has_validity ? kHasValidity : 0);
    const size_t w = FixedWidth(c.type());
    out->Put<uint64_t>(count * w);
    char* dst = out->Grow(count * w);
    const uint8_t* src = c.values().data();
    if (w == 8) {
      for (size_t i = 0; i < count; ++i) std::memcpy(dst + i * 8, src + row_at(i) * 8, 8);
    } else {
      for (size_t i = 0; i < count; ++i) std::memcpy(dst + i * w, src + row_at(i) * w, w);
    }
  }
  if (has_validity) {
    char* dst = out->Grow(count);
    const uint8_t* v = c.validity().data();
    for (size_t i = 0; i < count; ++i) dst[i] = static_cast<char>(v[row_at(i)]);
  }
}

// Reads a payload back into columns. Cursor-based so a truncated record reports where.
class PayloadReader {
 public:
  PayloadReader(std::string_view data, const std::string& path) : data_(data), path_(path) {}

  template <typename T>
  Result<T> Fixed() {
    if (data_.size() - pos_ < sizeof(T)) return Truncated();
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }

  Result<std::string_view> Bytes(size_t n) {
    if (data_.size() - pos_ < n) return Truncated();
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }

 private:
  Status Truncated() const {
    return Status::Corruption("spill file " + path_ + ": record truncated at payload offset " +
                              std::to_string(pos_));
  }

  std::string_view data_;
  const std::string& path_;
  size_t pos_ = 0;
};

// One column of the records glued into a batch. Plain parts go to a builder; once a
// dictionary part arrives, every part's strings become entries of one dictionary (a plain
// part's rows an entry each) and rows become codes: entries are never merged, as a batch is
// a few hundred records at most.
class ColumnGlue {
 public:
  explicit ColumnGlue(TypeId type) : plain_(type), entries_(type) {}

  void AppendPlain(const uint8_t* values, size_t value_bytes, const void* offsets,
                   const uint8_t* validity, size_t rows) {
    if (!dictionary_) {
      plain_.AppendBuffers(values, value_bytes, offsets, validity, rows);
      return;
    }
    const uint32_t base = static_cast<uint32_t>(entries_.size());
    entries_.AppendBuffers(values, value_bytes, offsets, nullptr, rows);
    for (size_t i = 0; i < rows; ++i) codes_.push_back(base + static_cast<uint32_t>(i));
    AppendValidity(validity, rows);
  }

  void AppendDictionary(const uint8_t* entry_values, size_t entry_bytes, const void* offsets,
                        size_t entries, const uint8_t* codes, const uint8_t* validity,
                        size_t rows) {
    if (!dictionary_) StartDictionary();
    const uint32_t base = static_cast<uint32_t>(entries_.size());
    entries_.AppendBuffers(entry_values, entry_bytes, offsets, nullptr, entries);
    const size_t at = codes_.size();
    codes_.resize(at + rows);
    std::memcpy(codes_.data() + at, codes, rows * sizeof(uint32_t));
    for (size_t i = 0; i < rows; ++i) {
      // Null rows keep code 0, as a dictionary column's contract says.
      if (validity == nullptr || validity[i] != 0) codes_[at + i] += base;
    }
    AppendValidity(validity, rows);
  }

  Column Finish() {
    if (!dictionary_) return plain_.Finish();
    return Column::FromDictionary(std::make_shared<const Column>(entries_.Finish()),
                                  std::move(codes_), std::move(validity_));
  }

 private:
  // Turns the plain rows so far into entries and codes.
  void StartDictionary() {
    dictionary_ = true;
    const Column plain = plain_.Finish();
    for (size_t r = 0; r < plain.size(); ++r) {
      const bool null = plain.IsNull(r);
      entries_.AppendString(null ? std::string_view() : plain.GetString(r));
      codes_.push_back(null ? 0 : static_cast<uint32_t>(r));
      validity_.push_back(null ? 0 : 1);
    }
  }

  void AppendValidity(const uint8_t* validity, size_t rows) {
    if (validity == nullptr) {
      validity_.insert(validity_.end(), rows, 1);
    } else {
      validity_.insert(validity_.end(), validity, validity + rows);
    }
  }

  ColumnBuilder plain_;
  bool dictionary_ = false;
  ColumnBuilder entries_;
  std::vector<uint32_t> codes_;
  std::vector<uint8_t> validity_;  // one byte per row once in dictionary form
};

// Offsets start at 0, never decrease and end at the value bytes.
Status CheckOffsets(std::string_view offsets, uint64_t n, uint64_t value_bytes,
                    const std::string& path) {
  uint64_t previous = 0;
  for (uint64_t i = 0; i <= n; ++i) {
    uint64_t at;
    std::memcpy(&at, offsets.data() + i * sizeof(uint64_t), sizeof(at));
    if (at < previous || at > value_bytes || (i == 0 && at != 0) || (i == n && at != value_bytes)) {
      return Status::Corruption("spill file " + path + ": bad string offsets at entry " +
                                std::to_string(i));
    }
    previous = at;
  }
  return Status::OK();
}

// Appends one column of a record to GLUE, a buffer at a time.
Status DecodeColumn(PayloadReader* in, uint64_t rows, TypeId expected, const std::string& path,
                    ColumnGlue* glue) {
  STEDI_ASSIGN_OR_RETURN(uint8_t type_byte, in->Fixed<uint8_t>());
  STEDI_ASSIGN_OR_RETURN(uint8_t flags, in->Fixed<uint8_t>());
  if (type_byte != static_cast<uint8_t>(expected)) {
    return Status::Corruption("spill file " + path + ": column type " + std::to_string(type_byte) +
                              " where the schema says " + std::string(TypeName(expected)));
  }
  const bool dictionary = (flags & kDictionary) != 0;
  if ((flags & ~(kHasValidity | kDictionary)) != 0 || (dictionary && !IsVariableWidth(expected))) {
    return Status::Corruption("spill file " + path + ": bad column flags " + std::to_string(flags));
  }
  uint32_t entries = 0;
  if (dictionary) {
    STEDI_ASSIGN_OR_RETURN(entries, in->Fixed<uint32_t>());
  }
  STEDI_ASSIGN_OR_RETURN(uint64_t value_bytes, in->Fixed<uint64_t>());
  STEDI_ASSIGN_OR_RETURN(std::string_view values, in->Bytes(value_bytes));
  std::string_view offsets, codes, validity;
  if (IsVariableWidth(expected)) {
    const uint64_t n = dictionary ? entries : rows;
    STEDI_ASSIGN_OR_RETURN(offsets, in->Bytes((n + 1) * sizeof(uint64_t)));
    STEDI_RETURN_NOT_OK(CheckOffsets(offsets, n, value_bytes, path));
  } else if (value_bytes != rows * FixedWidth(expected)) {
    return Status::Corruption("spill file " + path + ": " + std::to_string(value_bytes) +
                              " value bytes for " + std::to_string(rows) + " rows");
  }
  if (dictionary) {
    STEDI_ASSIGN_OR_RETURN(codes, in->Bytes(rows * sizeof(uint32_t)));
  }
  if ((flags & kHasValidity) != 0) {
    STEDI_ASSIGN_OR_RETURN(validity, in->Bytes(rows));
  }
  const auto* valid =
      validity.empty() ? nullptr : reinterpret_cast<const uint8_t*>(validity.data());
  if (!dictionary) {
    glue->AppendPlain(reinterpret_cast<const uint8_t*>(values.data()), values.size(),
                      offsets.data(), valid, rows);
    return Status::OK();
  }
  for (uint64_t r = 0; r < rows; ++r) {
    uint32_t code;
    std::memcpy(&code, codes.data() + r * sizeof(uint32_t), sizeof(code));
    if (code >= entries && (valid == nullptr || valid[r] != 0)) {
      return Status::Corruption("spill file " + path + ": code " + std::to_string(code) +
                                " at row " + std::to_string(r) + " of a record with " +
                                std::to_string(entries) + " strings");
    }
  }
  glue->AppendDictionary(reinterpret_cast<const uint8_t*>(values.data()), values.size(),
                         offsets.data(), entries, reinterpret_cast<const uint8_t*>(codes.data()),
                         valid, rows);
  return Status::OK();
}

}  // namespace

struct SpillFile::Impl {
  FileSystem* fs = nullptr;
  std::shared_ptr<const Schema> schema;
  std::unique_ptr<WritableFile> writer;
  RecordBuffer write_buffer;
  StringRuns string_runs;
  bool published = false;  // the file exists at path_ and must be deleted

  std::unique_ptr<RandomAccessFile> reader;
  uint64_t file_offset = 0;  // next byte of the file not yet in read_buffer
  std::string read_buffer;
  size_t read_pos = 0;

  Status Flush() {
    if (write_buffer.size() == 0) return Status::OK();
    STEDI_RETURN_NOT_OK(writer->Append(write_buffer.view()));
    write_buffer.Clear();
    return Status::OK();
  }

  // Makes at least N unread bytes available in read_buffer; false at a clean end of file.
  Result<bool> Fill(size_t n) {
    if (read_buffer.size() - read_pos >= n) return true;
    read_buffer.erase(0, read_pos);
    read_pos = 0;
    const uint64_t left = reader->size() - file_offset;
    if (left == 0) return false;
    const size_t want = static_cast<size_t>(
        std::min<uint64_t>(left, std::max(n - read_buffer.size(), kReadChunkBytes)));
    const size_t old = read_buffer.size();
    read_buffer.resize(old + want);
    STEDI_ASSIGN_OR_RETURN(size_t got, reader->ReadAt(file_offset, want, read_buffer.data() + old));
    read_buffer.resize(old + got);
    file_offset += got;
    if (read_buffer.size() < n) {
      return Status::Corruption("spill file " + reader->path() + ": ends inside a record");
    }
    return true;
  }

  // Appends one record of the rows ROW_AT(0..COUNT-1) of BATCH.
  template <typename RowAt>
  Status AppendRecord(const Batch& batch, size_t count, RowAt row_at, const std::string& path) {
    if (writer == nullptr)
      return Status::Internal("SpillFile: append after FinishWriting on " + path);
    if (batch.num_columns() != schema->num_fields()) {
      return Status::Internal("SpillFile: batch of " + std::to_string(batch.num_columns()) +
                              " columns for a schema of " + std::to_string(schema->num_fields()) +
                              " on " + path);
    }
    if (count == 0) return Status::OK();
    RecordBuffer& out = write_buffer;
    const size_t length_at = out.size();
    out.Put<uint64_t>(0);  // payload length, patched below
    const size_t payload_at = out.size();
    out.Put<uint64_t>(count);
    out.Put<uint32_t>(static_cast<uint32_t>(batch.num_columns()));
    for (const Column& c : batch.columns()) PutColumn(c, count, row_at, &string_runs, &out);
    const uint64_t payload = out.size() - payload_at;
    std::memcpy(out.at(length_at), &payload, sizeof(payload));
    if (out.size() >= kWriteBufferBytes) STEDI_RETURN_NOT_OK(Flush());
    return Status::OK();
  }
};

Result<std::unique_ptr<SpillFile>> SpillFile::Create(const ExecutionContext* context,
                                                     std::shared_ptr<const Schema> schema) {
  if (context == nullptr || context->fs == nullptr || context->temp_dir.empty()) {
    return Status::Invalid(
        "SpillFile::Create: the execution context has no file system or "
        "temp_dir to spill to");
  }
  STEDI_RETURN_NOT_OK(context->fs->CreateDirs(context->temp_dir));
  std::unique_ptr<SpillFile> file(new SpillFile());
  file->impl_ = std::make_unique<Impl>();
  file->impl_->fs = context->fs;
  file->impl_->schema = std::move(schema);
  file->path_ = JoinPath(context->temp_dir, UniqueSpillName());
  STEDI_ASSIGN_OR_RETURN(file->impl_->writer,
                         context->fs->OpenForWrite(file->path_, SyncMode::kDeferred));
  return file;
}

SpillFile::~SpillFile() {
  if (impl_ == nullptr) return;
  impl_->reader.reset();
  impl_->writer.reset();  // an unclosed writer leaves nothing behind
  if (impl_->published) static_cast<void>(impl_->fs->DeleteFile(path_));
}

Status SpillFile::Append(const Batch& batch) {
  STEDI_RETURN_NOT_OK(impl_->AppendRecord(
      batch, batch.num_rows(), [](size_t i) { return i; }, path_));
  rows_ += batch.num_rows();
  return Status::OK();
}

Status SpillFile::AppendRows(const Batch& batch, std::span<const uint32_t> rows) {
  STEDI_RETURN_NOT_OK(impl_->AppendRecord(
      batch, rows.size(), [rows](size_t i) -> size_t { return rows[i]; }, path_));
  rows_ += rows.size();
  return Status::OK();
}

Status SpillFile::FinishWriting() {
  if (impl_->writer == nullptr) return Status::OK();
  STEDI_RETURN_NOT_OK(impl_->Flush());
  impl_->write_buffer.Release();
  Status closed = impl_->writer->Close();
  impl_->writer.reset();
  STEDI_RETURN_NOT_OK(closed);
  impl_->published = true;
  STEDI_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> reader, impl_->fs->OpenForRead(path_));
  impl_->reader = std::move(reader);
  return Status::OK();
}

Result<std::optional<Batch>> SpillFile::ReadNext(size_t min_rows) {
  if (impl_->reader == nullptr) {
    return Status::Internal("SpillFile::ReadNext before FinishWriting on " + path_);
  }
  const Schema& schema = *impl_->schema;
  std::vector<ColumnGlue> glues;
  uint64_t total = 0;
  do {
    STEDI_ASSIGN_OR_RETURN(bool more, impl_->Fill(sizeof(uint64_t)));
    if (!more) break;
    uint64_t payload;
    std::memcpy(&payload, impl_->read_buffer.data() + impl_->read_pos, sizeof(payload));
    impl_->read_pos += sizeof(payload);
    STEDI_ASSIGN_OR_RETURN(more, impl_->Fill(payload));
    if (!more) return Status::Corruption("spill file " + path_ + ": ends inside a record");
    PayloadReader in(std::string_view(impl_->read_buffer).substr(impl_->read_pos, payload), path_);
    impl_->read_pos += payload;

    STEDI_ASSIGN_OR_RETURN(uint64_t rows, in.Fixed<uint64_t>());
    STEDI_ASSIGN_OR_RETURN(uint32_t num_columns, in.Fixed<uint32_t>());
    if (num_columns != schema.num_fields()) {
      return Status::Corruption("spill file " + path_ + ": record of " +
                                std::to_string(num_columns) + " columns for a schema of " +
                                std::to_string(schema.num_fields()));
    }
    if (glues.empty()) {
      for (const Field& f : schema.fields()) glues.emplace_back(f.type);
    }
    for (uint32_t c = 0; c < num_columns; ++c) {
      STEDI_RETURN_NOT_OK(DecodeColumn(&in, rows, schema.field(c).type, path_, &glues[c]));
    }
    total += rows;
  } while (total < min_rows);
  if (glues.empty()) return std::optional<Batch>();
  std::vector<Column> columns;
  columns.reserve(glues.size());
  for (ColumnGlue& g : glues) columns.push_back(g.Finish());
  return std::optional<Batch>(Batch(impl_->schema, std::move(columns), total));
}

}  // namespace stedi::sql
