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

template <typename T>
void PutFixed(std::string* out, T v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof(T));
}

void PutBytes(std::string* out, const void* data, size_t n) {
  out->append(static_cast<const char*>(data), n);
}

std::string UniqueSpillName() {
  static std::atomic<uint64_t> counter{0};
  const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return "spill-" + std::to_string(::getpid()) + "-" + std::to_string(now) + "-" +
         std::to_string(counter.fetch_add(1)) + ".bin";
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

Result<Column> DecodeColumn(PayloadReader* in, uint64_t rows, TypeId expected,
                            const std::string& path) {
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
  }
  if (!IsVariableWidth(expected) && value_bytes != rows * FixedWidth(expected)) {
    return Status::Corruption("spill file " + path + ": " + std::to_string(value_bytes) +
                              " value bytes for " + std::to_string(rows) + " rows");
  }
  std::string_view validity;
  if (has_validity) {
    STEDI_ASSIGN_OR_RETURN(validity, in->Bytes(rows));
  }

  ColumnBuilder builder(expected);
  builder.Reserve(rows);
  const char* v = values.data();
  for (uint64_t r = 0; r < rows; ++r) {
    if (has_validity && validity[r] == 0) {
      builder.AppendNull();
      continue;
    }
    switch (expected) {
      case TypeId::kBoolean:
        builder.AppendBool(v[r] != 0);
        break;
      case TypeId::kInt32:
      case TypeId::kDate: {
        int32_t x;
        std::memcpy(&x, v + r * 4, 4);
        builder.AppendInt32(x);
        break;
      }
      case TypeId::kInt64:
      case TypeId::kTimestamp: {
        int64_t x;
        std::memcpy(&x, v + r * 8, 8);
        builder.AppendInt64(x);
        break;
      }
      case TypeId::kFloat64: {
        double x;
        std::memcpy(&x, v + r * 8, 8);
        builder.AppendDouble(x);
        break;
      }
      case TypeId::kString:
      case TypeId::kBinary: {
        uint64_t begin, end;
        std::memcpy(&begin, offsets.data() + r * 8, 8);
        std::memcpy(&end, offsets.data() + (r + 1) * 8, 8);
        if (begin > end || end > value_bytes) {
          return Status::Corruption("spill file " + path + ": bad string offsets at row " +
                                    std::to_string(r));
        }
        builder.AppendString(values.substr(begin, end - begin));
        break;
      }
    }
  }
  return builder.Finish();
}

}  // namespace

struct SpillFile::Impl {
  FileSystem* fs = nullptr;
  std::shared_ptr<const Schema> schema;
  std::unique_ptr<WritableFile> writer;
  std::string write_buffer;
  bool published = false;  // the file exists at path_ and must be deleted

  std::unique_ptr<RandomAccessFile> reader;
  uint64_t file_offset = 0;  // next byte of the file not yet in read_buffer
  std::string read_buffer;
  size_t read_pos = 0;

  Status Flush() {
    if (write_buffer.empty()) return Status::OK();
    STEDI_RETURN_NOT_OK(writer->Append(write_buffer));
    write_buffer.clear();
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
  if (impl_->writer == nullptr) {
    return Status::Internal("SpillFile::Append after FinishWriting on " + path_);
  }
  if (batch.num_rows() == 0) return Status::OK();
  if (batch.num_columns() != impl_->schema->num_fields()) {
    return Status::Internal("SpillFile::Append: batch of " + std::to_string(batch.num_columns()) +
                            " columns for a schema of " +
                            std::to_string(impl_->schema->num_fields()) + " on " + path_);
  }
  std::string& out = impl_->write_buffer;
  const size_t length_at = out.size();
  PutFixed<uint64_t>(&out, 0);  // payload length, patched below
  const size_t payload_at = out.size();
  const uint64_t rows = batch.num_rows();
  PutFixed<uint64_t>(&out, rows);
  PutFixed<uint32_t>(&out, static_cast<uint32_t>(batch.num_columns()));
  for (const Column& given : batch.columns()) {
    // The file holds inline strings: a dictionary is not worth sharing across spilled records.
    const Column expanded = given.is_dictionary() ? given.Materialized() : Column();
    const Column& c = given.is_dictionary() ? expanded : given;
    const bool has_validity = !c.validity().empty();
    PutFixed<uint8_t>(&out, static_cast<uint8_t>(c.type()));
    PutFixed<uint8_t>(&out, has_validity ? 1 : 0);
    PutFixed<uint64_t>(&out, c.values().size());
    PutBytes(&out, c.values().data(), c.values().size());
    if (IsVariableWidth(c.type())) {
      PutBytes(&out, c.offsets().data(), c.offsets().size() * sizeof(uint64_t));
    }
    if (has_validity) PutBytes(&out, c.validity().data(), c.validity().size());
  }
  const uint64_t payload = out.size() - payload_at;
  std::memcpy(out.data() + length_at, &payload, sizeof(payload));
  rows_ += rows;
  if (out.size() >= kWriteBufferBytes) STEDI_RETURN_NOT_OK(impl_->Flush());
  return Status::OK();
}

Status SpillFile::FinishWriting() {
  if (impl_->writer == nullptr) return Status::OK();
  STEDI_RETURN_NOT_OK(impl_->Flush());
  std::string().swap(impl_->write_buffer);
  Status closed = impl_->writer->Close();
  impl_->writer.reset();
  STEDI_RETURN_NOT_OK(closed);
  impl_->published = true;
  STEDI_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> reader, impl_->fs->OpenForRead(path_));
  impl_->reader = std::move(reader);
  return Status::OK();
}

Result<std::optional<Batch>> SpillFile::ReadNext() {
  if (impl_->reader == nullptr) {
    return Status::Internal("SpillFile::ReadNext before FinishWriting on " + path_);
  }
  STEDI_ASSIGN_OR_RETURN(bool more, impl_->Fill(sizeof(uint64_t)));
  if (!more) return std::optional<Batch>();
  uint64_t payload;
  std::memcpy(&payload, impl_->read_buffer.data() + impl_->read_pos, sizeof(payload));
  impl_->read_pos += sizeof(payload);
  STEDI_ASSIGN_OR_RETURN(more, impl_->Fill(payload));
  if (!more) return Status::Corruption("spill file " + path_ + ": ends inside a record");
  PayloadReader in(std::string_view(impl_->read_buffer).substr(impl_->read_pos, payload), path_);
  impl_->read_pos += payload;

  STEDI_ASSIGN_OR_RETURN(uint64_t rows, in.Fixed<uint64_t>());
  STEDI_ASSIGN_OR_RETURN(uint32_t num_columns, in.Fixed<uint32_t>());
  const Schema& schema = *impl_->schema;
  if (num_columns != schema.num_fields()) {
    return Status::Corruption("spill file " + path_ + ": record of " + std::to_string(num_columns) +
                              " columns for a schema of " + std::to_string(schema.num_fields()));
  }
  std::vector<Column> columns;
  columns.reserve(num_columns);
  for (uint32_t c = 0; c < num_columns; ++c) {
    STEDI_ASSIGN_OR_RETURN(Column column, DecodeColumn(&in, rows, schema.field(c).type, path_));
    columns.push_back(std::move(column));
  }
  return std::optional<Batch>(Batch(impl_->schema, std::move(columns), rows));
}

}  // namespace stedi::sql
