#include "sql/execution/spill_file.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>

#include "storage/file_system.h"

namespace stedi::sql {

// Format: a raw dump of each batch's column buffers rather than Parquet. Spill files are
// written once and read once by this process, so encoding (dictionary, RLE, statistics) would
// cost CPU for nothing; a plain copy of the buffers is written at memory speed.
//
//   file   := record*
//   record := u64 payload_bytes, payload
//   payload:= u64 rows, u32 columns, column*
//   column := u8 type, u8 has_validity, u64 value_bytes, value bytes,
//             [ (rows + 1) u64 offsets if variable width ], [ rows validity bytes ]

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

// Writes the rows ROW_AT(0..COUNT-1) of C as one column of a record, gathering straight into
// OUT: no intermediate batch. Dictionary codes are written as their strings: a dictionary is
// not worth sharing across spilled records.
template <typename RowAt>
void PutColumn(const Column& c, size_t count, RowAt row_at, RecordBuffer* out) {
  const bool has_validity = c.null_count() > 0;
  out->Put<uint8_t>(static_cast<uint8_t>(c.type()));
  out->Put<uint8_t>(has_validity ? 1 : 0);
  if (IsVariableWidth(c.type())) {
    const bool dict = c.is_dictionary();
    const Column& strings = dict ? *c.dictionary() : c;
    const uint64_t* off = strings.offsets().data();
    const uint8_t* src = strings.values().data();
    // The string of row R is entry E(R) of STRINGS, null rows empty.
    auto entry = [&](size_t r) -> size_t { return dict ? c.code(r) : r; };
    uint64_t bytes = 0;
    for (size_t i = 0; i < count; ++i) {
      const size_t r = row_at(i);
      if (!c.IsNull(r)) bytes += off[entry(r) + 1] - off[entry(r)];
    }
    out->Put<uint64_t>(bytes);
    // One Grow for both buffers: a second could move the first.
    char* values = out->Grow(bytes + (count + 1) * sizeof(uint64_t));
    const size_t offsets_at = out->size() - (count + 1) * sizeof(uint64_t);
    uint64_t at = 0;
    std::memcpy(out->at(offsets_at), &at, sizeof(at));
    for (size_t i = 0; i < count; ++i) {
      const size_t r = row_at(i);
      if (!c.IsNull(r)) {
        const size_t e = entry(r);
        const uint64_t len = off[e + 1] - off[e];
        if (len > 0) std::memcpy(values + at, src + off[e], len);
        at += len;
      }
      std::memcpy(out->at(offsets_at + (i + 1) * sizeof(uint64_t)), &at, sizeof(at));
    }
  } else {
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

// Appends one column of a record to BUILDER, a buffer at a time.
Status DecodeColumn(PayloadReader* in, uint64_t rows, TypeId expected, const std::string& path,
                    ColumnBuilder* builder) {
  STEDI_ASSIGN_OR_RETURN(uint8_t type_byte, in->Fixed<uint8_t>());
  STEDI_ASSIGN_OR_RETURN(uint8_t has_validity, in->Fixed<uint8_t>());
  STEDI_ASSIGN_OR_RETURN(uint64_t value_bytes, in->Fixed<uint64_t>());
  if (type_byte != static_cast<uint8_t>(expected)) {
    return Status::Corruption("spill file " + path + ": column type " + std::to_string(type_byte) +
                              " where the schema says " + std::string(TypeName(expected)));
  }
  STEDI_ASSIGN_OR_RETURN(std::string_view values, in->Bytes(value_bytes));
  std::string_view offsets;
  if (IsVariableWidth(expected)) {
    STEDI_ASSIGN_OR_RETURN(offsets, in->Bytes((rows + 1) * sizeof(uint64_t)));
    // Offsets start at 0, never decrease and end at the value bytes.
    uint64_t previous = 0;
    for (uint64_t r = 0; r <= rows; ++r) {
      uint64_t at;
      std::memcpy(&at, offsets.data() + r * sizeof(uint64_t), sizeof(at));
      if (at < previous || at > value_bytes || (r == 0 && at != 0) ||
          (r == rows && at != value_bytes)) {
        return Status::Corruption("spill file " + path + ": bad string offsets at row " +
                                  std::to_string(r));
      }
      previous = at;
    }
  } else if (value_bytes != rows * FixedWidth(expected)) {
    return Status::Corruption("spill file " + path + ": " + std::to_string(value_bytes) +
                              " value bytes for " + std::to_string(rows) + " rows");
  }
  std::string_view validity;
  if (has_validity) {
    STEDI_ASSIGN_OR_RETURN(validity, in->Bytes(rows));
  }
  builder->AppendBuffers(
      reinterpret_cast<const uint8_t*>(values.data()), values.size(), offsets.data(),
      has_validity ? reinterpret_cast<const uint8_t*>(validity.data()) : nullptr, rows);
  return Status::OK();
}

}  // namespace

struct SpillFile::Impl {
  FileSystem* fs = nullptr;
  std::shared_ptr<const Schema> schema;
  std::unique_ptr<WritableFile> writer;
  RecordBuffer write_buffer;
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
    for (const Column& c : batch.columns()) PutColumn(c, count, row_at, &out);
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
  std::vector<ColumnBuilder> builders;
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
    if (builders.empty()) {
      for (const Field& f : schema.fields()) builders.emplace_back(f.type);
    }
    for (uint32_t c = 0; c < num_columns; ++c) {
      STEDI_RETURN_NOT_OK(DecodeColumn(&in, rows, schema.field(c).type, path_, &builders[c]));
    }
    total += rows;
  } while (total < min_rows);
  if (builders.empty()) return std::optional<Batch>();
  std::vector<Column> columns;
  columns.reserve(builders.size());
  for (ColumnBuilder& b : builders) columns.push_back(b.Finish());
  return std::optional<Batch>(Batch(impl_->schema, std::move(columns), total));
}

}  // namespace stedi::sql
