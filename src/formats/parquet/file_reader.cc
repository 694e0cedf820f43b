#include "formats/parquet/file_reader.h"

#include <cstring>

#include "concurrency/thread_pool.h"

namespace stedi::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";
// Footers above this are refused before allocating, whatever the length field says.
constexpr uint32_t kMaxFooterBytes = 256u << 20;

Status Unsupported(const std::string& path, const SchemaElement& e, std::string_view what) {
  return Status::NotImplemented(path + ": column " + e.name + " has " + std::string(what) +
                                ", which this reader does not support");
}

// Maps a leaf element onto a STEDI type, following the logical type first and the legacy
// converted type second.
Result<ColumnDescriptor> Describe(const std::string& path, const SchemaElement& e) {
  ColumnDescriptor d;
  d.name = e.name;
  if (!e.type) return Status::Corruption(path + ": leaf column " + e.name + " has no type");
  d.physical = *e.type;
  d.type_length = e.type_length;
  d.max_definition_level = e.repetition == Repetition::kRequired ? 0 : 1;
  const LogicalType& lt = e.logical_type;
  const int32_t ct = e.converted_type.value_or(-1);
  using K = LogicalType::Kind;
  if (lt.kind == K::kDecimal || ct == converted::kDecimal) return Unsupported(path, e, "DECIMAL");
  switch (d.physical) {
    case PhysicalType::kBoolean:
      d.type = TypeId::kBoolean;
      break;
    case PhysicalType::kInt32:
      if (lt.kind == K::kDate || ct == converted::kDate) {
        d.type = TypeId::kDate;
      } else if ((lt.kind == K::kInteger && !lt.is_signed && lt.bit_width == 32) ||
                 ct == converted::kUint32) {
        d.type = TypeId::kInt64;
        d.unsigned_int32 = true;
      } else if ((lt.kind == K::kNone || lt.kind == K::kInteger) &&
                 (ct == -1 || (ct >= converted::kUint8 && ct <= converted::kUint16) ||
                  (ct >= converted::kInt8 && ct <= converted::kInt32))) {
        d.type = TypeId::kInt32;
      } else {
        return Unsupported(path, e, "an INT32 annotation other than INT/DATE");
      }
      break;
    case PhysicalType::kInt64:
      if (lt.kind == K::kTimestamp) {
        d.type = TypeId::kTimestamp;
        d.time_unit = lt.unit;
      } else if (lt.kind == K::kNone && ct == converted::kTimestampMillis) {
        d.type = TypeId::kTimestamp;
        d.time_unit = TimeUnit::kMillis;
      } else if (lt.kind == K::kNone && ct == converted::kTimestampMicros) {
        d.type = TypeId::kTimestamp;
        d.time_unit = TimeUnit::kMicros;
      } else if ((lt.kind == K::kNone && (ct == -1 || ct == converted::kInt64)) ||
                 (lt.kind == K::kInteger && lt.is_signed)) {
        d.type = TypeId::kInt64;
      } else {
        return Unsupported(path, e, "an INT64 annotation other than signed INT/TIMESTAMP");
      }
      break;
    case PhysicalType::kInt96:
      d.type = TypeId::kTimestamp;
      break;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      d.type = TypeId::kFloat64;
      break;
    case PhysicalType::kByteArray:
      d.type = (lt.kind == K::kString || lt.kind == K::kEnum || lt.kind == K::kJson ||
                ct == converted::kUtf8 || ct == converted::kEnum || ct == converted::kJson)
                   ? TypeId::kString
                   : TypeId::kBinary;
      break;
    case PhysicalType::kFixedLenByteArray:
      if (e.type_length <= 0) {
        return Status::Corruption(path + ": column " + e.name +
                                  " is FIXED_LEN_BYTE_ARRAY without a positive length");
      }
      d.type = TypeId::kBinary;
      break;
  }
  return d;
}

}  // namespace

Result<std::unique_ptr<FileReader>> FileReader::Open(std::shared_ptr<RandomAccessFile> file) {
  if (!file) return Status::Invalid("parquet reader needs a file");
  const std::string& path = file->path();
  const uint64_t size = file->size();
  if (size < 12) {
    return Status::Corruption(path + ": " + std::to_string(size) +
                              " bytes is too small for a Parquet file");
  }
  char head[4], tail[8];
  STEDI_ASSIGN_OR_RETURN(size_t got_head, file->ReadAt(0, 4, head));
  STEDI_ASSIGN_OR_RETURN(size_t got_tail, file->ReadAt(size - 8, 8, tail));
  if (got_head != 4 || got_tail != 8) return Status::Corruption(path + ": short read of magic");
  if (std::string_view(head, 4) != kMagic) {
    return Status::Corruption(path + ": bad magic at offset 0 (not a Parquet file)");
  }
  if (std::string_view(tail + 4, 4) != kMagic) {
    return Status::Corruption(path + ": bad magic at offset " + std::to_string(size - 4) +
                              (std::string_view(tail + 4, 4) == "PARE"
                                   ? " (encrypted footers are not supported)"
                                   : " (truncated or not a Parquet file)"));
  }
  uint32_t footer_len;
  std::memcpy(&footer_len, tail, 4);
  if (footer_len > size - 12 || footer_len > kMaxFooterBytes) {
    return Status::Corruption(path + ": footer length " + std::to_string(footer_len) +
                              " at offset " + std::to_string(size - 8) + " exceeds the file");
  }
  const uint64_t footer_start = size - 8 - footer_len;
  std::string footer(footer_len, '\0');
  STEDI_ASSIGN_OR_RETURN(size_t got, file->ReadAt(footer_start, footer_len, footer.data()));
  if (got != footer_len) return Status::Corruption(path + ": short read of footer");

  std::unique_ptr<FileReader> reader(new FileReader());
  STEDI_ASSIGN_OR_RETURN(reader->metadata_,
                         ParseFileMetaData(footer, path + ": footer", footer_start));
  const FileMetaData& md = reader->metadata_;
  if (md.schema.empty()) return Status::Corruption(path + ": footer has an empty schema");
  if (md.num_rows < 0) return Status::Corruption(path + ": negative row count in footer");
  std::vector<Field> fields;
  for (size_t i = 1; i < md.schema.size(); ++i) {
    const SchemaElement& e = md.schema[i];
    if (e.num_children > 0 || !e.type) {
      return Status::NotImplemented(path + ": column " + e.name +
                                    " is nested (a group), which this reader does not support");
    }
    if (e.repetition == Repetition::kRepeated) {
      return Status::NotImplemented(path + ": column " + e.name +
                                    " is repeated, which this reader does not support");
    }
    STEDI_ASSIGN_OR_RETURN(ColumnDescriptor d, Describe(path, e));
    fields.push_back(Field{e.name, d.type, d.max_definition_level > 0, e.field_id.value_or(0)});
    reader->columns_.push_back(std::move(d));
  }
  if (static_cast<int64_t>(fields.size()) != md.schema[0].num_children) {
    return Status::Corruption(path + ": schema root claims " +
                              std::to_string(md.schema[0].num_children) + " children, footer has " +
                              std::to_string(fields.size()) + " elements");
  }
  int64_t rows = 0;
  for (size_t g = 0; g < md.row_groups.size(); ++g) {
    const RowGroup& rg = md.row_groups[g];
    if (rg.columns.size() != fields.size() || rg.num_rows < 0 ||
        __builtin_add_overflow(rows, rg.num_rows, &rows)) {
      return Status::Corruption(path + ": row group " + std::to_string(g) + " has " +
                                std::to_string(rg.columns.size()) + " columns and " +
                                std::to_string(rg.num_rows) + " rows; schema has " +
                                std::to_string(fields.size()) + " columns");
    }
  }
  if (rows != md.num_rows) {
    return Status::Corruption(path + ": row groups hold " + std::to_string(rows) +
                              " rows, footer says " + std::to_string(md.num_rows));
  }
  reader->schema_ = std::make_shared<const Schema>(std::move(fields));
  reader->data_end_ = footer_start;
  reader->file_ = std::move(file);
  return reader;
}

Result<Batch> FileReader::ReadRowGroup(int index, const std::vector<int>& columns, size_t threads) {
  if (index < 0 || index >= num_row_groups()) {
    return Status::Invalid(file_->path() + ": row group " + std::to_string(index) +
                           " out of range (file has " + std::to_string(num_row_groups()) + ")");
  }
  std::vector<int> selected = columns;
  if (selected.empty()) {
    for (size_t i = 0; i < columns_.size(); ++i) selected.push_back(static_cast<int>(i));
  }
  std::vector<Field> fields;
  for (int c : selected) {
    if (c < 0 || static_cast<size_t>(c) >= columns_.size()) {
      return Status::Invalid(file_->path() + ": column index " + std::to_string(c) +
                             " out of range (file has " + std::to_string(columns_.size()) + ")");
    }
    fields.push_back(schema_->field(static_cast<size_t>(c)));
  }
  const RowGroup& rg = metadata_.row_groups[static_cast<size_t>(index)];
  std::vector<Column> out(selected.size());
  STEDI_RETURN_NOT_OK(ParallelFor(selected.size(), threads, [&](size_t i) -> Status {
    const auto c = static_cast<size_t>(selected[i]);
    STEDI_ASSIGN_OR_RETURN(
        out[i], ReadColumnChunk(*file_, data_end_, columns_[c], rg.columns[c], rg.num_rows));
    return Status::OK();
  }));
  return Batch(std::make_shared<const Schema>(std::move(fields)), std::move(out));
}

}  // namespace stedi::parquet
