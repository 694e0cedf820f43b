#include "formats/parquet/file_writer.h"

#include <cstring>

#include "concurrency/thread_pool.h"

namespace stedi::parquet {
namespace {

constexpr std::string_view kMagic = "PAR1";

SchemaElement ElementFor(const Field& f) {
  SchemaElement e;
  e.name = f.name;
  e.type = PhysicalTypeFor(f.type);
  e.repetition = f.nullable ? Repetition::kOptional : Repetition::kRequired;
  e.field_id = f.field_id;
  switch (f.type) {
    case TypeId::kInt32:
      e.logical_type = {.kind = LogicalType::Kind::kInteger, .bit_width = 32, .is_signed = true};
      e.converted_type = converted::kInt32;
      break;
    case TypeId::kInt64:
      e.logical_type = {.kind = LogicalType::Kind::kInteger, .bit_width = 64, .is_signed = true};
      e.converted_type = converted::kInt64;
      break;
    case TypeId::kString:
      e.logical_type.kind = LogicalType::Kind::kString;
      e.converted_type = converted::kUtf8;
      break;
    case TypeId::kDate:
      e.logical_type.kind = LogicalType::Kind::kDate;
      e.converted_type = converted::kDate;
      break;
    case TypeId::kTimestamp:
      e.logical_type = {.kind = LogicalType::Kind::kTimestamp,
                        .adjusted_to_utc = true,
                        .unit = TimeUnit::kMicros};
      e.converted_type = converted::kTimestampMicros;
      break;
    case TypeId::kBoolean:
    case TypeId::kFloat64:
    case TypeId::kBinary:
      break;
  }
  return e;
}

}  // namespace

FileWriter::FileWriter(std::unique_ptr<WritableFile> out, std::shared_ptr<const Schema> schema,
                       WriterOptions options)
    : out_(std::move(out)), schema_(std::move(schema)), options_(std::move(options)) {
  ChunkWriterOptions chunk_options{CodecFor(options_.compression),
                                   options_.zstd_level,
                                   options_.page_bytes,
                                   options_.dictionary,
                                   options_.dictionary_bytes,
                                   options_.delta_integers};
  for (const Field& f : schema_->fields()) {
    chunks_.emplace_back(f, chunk_options);
    file_stats_.emplace_back(f.type);
    compressed_bytes_.push_back(0);
  }
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema_->num_fields());
  metadata_.schema.push_back(root);
  for (const Field& f : schema_->fields()) metadata_.schema.push_back(ElementFor(f));
  metadata_.key_value_metadata = options_.key_value_metadata;
  metadata_.created_by = "stedi version 0.1.0";
  metadata_.type_defined_column_orders = schema_->num_fields();
}

Result<std::unique_ptr<FileWriter>> FileWriter::Open(std::unique_ptr<WritableFile> out,
                                                     std::shared_ptr<const Schema> schema,
                                                     WriterOptions options) {
  if (!out) return Status::Invalid("parquet writer needs an output file");
  if (!schema || schema->num_fields() == 0) {
    return Status::Invalid(out->path() + ": parquet files need at least one column");
  }
  if (options.row_group_rows <= 0) {
    return Status::Invalid(out->path() + ": row_group_rows must be positive, got " +
                           std::to_string(options.row_group_rows));
  }
  if (options.page_bytes == 0) return Status::Invalid(out->path() + ": page_bytes must be > 0");
  for (const Field& f : schema->fields()) {
    if (f.name.empty()) return Status::Invalid(out->path() + ": a column has an empty name");
  }
  STEDI_RETURN_NOT_OK(out->Append(kMagic));
  return std::unique_ptr<FileWriter>(
      new FileWriter(std::move(out), std::move(schema), std::move(options)));
}

Status FileWriter::Write(const Batch& batch) {
  if (closed_) return Status::Invalid(out_->path() + ": write after Close()");
  STEDI_RETURN_NOT_OK(failed_);
  STEDI_RETURN_NOT_OK(batch.Validate().WithContext(out_->path()));
  if (batch.num_columns() != schema_->num_fields()) {
    return Status::Invalid(out_->path() + ": batch has " + std::to_string(batch.num_columns()) +
                           " columns, file schema has " + std::to_string(schema_->num_fields()));
  }
  for (size_t c = 0; c < batch.num_columns(); ++c) {
    const Field& f = schema_->field(c);
    if (batch.column(c).type() != f.type) {
      return Status::Invalid(out_->path() + ": column " + f.name + " is " +
                             std::string(TypeName(f.type)) + ", batch holds " +
                             std::string(TypeName(batch.column(c).type())));
    }
    if (!f.nullable && batch.column(c).null_count() > 0) {
      return Status::Invalid(out_->path() + ": column " + f.name + " is not nullable");
    }
  }
  size_t offset = 0;
  while (offset < batch.num_rows()) {
    const size_t take = std::min<size_t>(
        batch.num_rows() - offset, static_cast<size_t>(options_.row_group_rows - rows_in_group_));
    // Columns encode independently; small slices are not worth a thread hand-off.
    const size_t threads = take >= 4096 ? options_.threads : 1;
    Status st = ParallelFor(chunks_.size(), threads, [&](size_t c) {
      return chunks_[c].Append(batch.column(c), offset, take);
    });
    if (!st.ok()) {
      failed_ = st;
      return st;
    }
    offset += take;
    rows_in_group_ += static_cast<int64_t>(take);
    if (rows_in_group_ == options_.row_group_rows) {
      Status st = FlushRowGroup();
      if (!st.ok()) {
        failed_ = st;
        return st;
      }
    }
  }
  return Status::OK();
}

Status FileWriter::FlushRowGroup() {
  if (rows_in_group_ == 0) return Status::OK();
  RowGroup group;
  group.num_rows = rows_in_group_;
  group.file_offset = static_cast<int64_t>(out_->position());
  group.ordinal = static_cast<int16_t>(std::min<size_t>(metadata_.row_groups.size(), INT16_MAX));
  int64_t compressed_total = 0;
  // Chunks are independent; they are finished in order here so the file layout is fixed.
  // Compress every chunk (in parallel when allowed), then lay them out in column order.
  std::vector<EncodedChunk> finished(chunks_.size());
  STEDI_RETURN_NOT_OK(ParallelFor(chunks_.size(), options_.threads, [&](size_t c) -> Status {
    STEDI_ASSIGN_OR_RETURN(finished[c], chunks_[c].Finish());
    return Status::OK();
  }));
  for (size_t c = 0; c < chunks_.size(); ++c) {
    EncodedChunk& chunk = finished[c];
    const int64_t base = static_cast<int64_t>(out_->position());
    STEDI_RETURN_NOT_OK(out_->Append(chunk.bytes));
    ColumnMetaData md;
    md.type = PhysicalTypeFor(schema_->field(c).type);
    md.encodings = chunk.encodings;
    md.path_in_schema = {schema_->field(c).name};
    md.codec = CodecFor(options_.compression);
    md.num_values = chunk.num_values;
    md.total_uncompressed_size = chunk.uncompressed_size;
    md.total_compressed_size = static_cast<int64_t>(chunk.bytes.size());
    md.data_page_offset = base + chunk.data_page_offset;
    if (chunk.dictionary_page_offset)
      md.dictionary_page_offset = base + *chunk.dictionary_page_offset;
    Statistics stats;
    stats.null_count = chunk.statistics.null_count();
    stats.min_value = chunk.statistics.EncodedMin();
    stats.max_value = chunk.statistics.EncodedMax();
    md.statistics = std::move(stats);
    ColumnChunk cc;
    cc.file_offset = base;
    cc.meta_data = std::move(md);
    group.columns.push_back(std::move(cc));
    group.total_byte_size += chunk.uncompressed_size;
    compressed_total += static_cast<int64_t>(chunk.bytes.size());
    compressed_bytes_[c] += static_cast<int64_t>(chunk.bytes.size());
    file_stats_[c].Merge(chunk.statistics);
  }
  group.total_compressed_size = compressed_total;
  metadata_.num_rows += rows_in_group_;
  metadata_.row_groups.push_back(std::move(group));
  rows_in_group_ = 0;
  return Status::OK();
}

Result<FileSummary> FileWriter::Close() {
  if (closed_) return Status::Invalid(out_->path() + ": Close() called twice");
  closed_ = true;
  STEDI_RETURN_NOT_OK(failed_);
  STEDI_RETURN_NOT_OK(FlushRowGroup());
  const std::string footer = SerializeFileMetaData(metadata_);
  char length[4];
  const uint32_t n = static_cast<uint32_t>(footer.size());
  std::memcpy(length, &n, 4);  // little-endian host
  STEDI_RETURN_NOT_OK(out_->Append(footer));
  STEDI_RETURN_NOT_OK(out_->Append(std::string_view(length, 4)));
  STEDI_RETURN_NOT_OK(out_->Append(kMagic));
  FileSummary summary;
  summary.num_rows = metadata_.num_rows;
  summary.file_bytes = out_->position();
  STEDI_RETURN_NOT_OK(out_->Close());
  for (size_t c = 0; c < schema_->num_fields(); ++c) {
    ColumnSummary s;
    s.field_id = schema_->field(c).field_id;
    s.value_count = metadata_.num_rows;
    s.null_count = file_stats_[c].null_count();
    s.min = file_stats_[c].EncodedMin();
    s.max = file_stats_[c].EncodedMax();
    s.compressed_bytes = compressed_bytes_[c];
    summary.columns.push_back(std::move(s));
  }
  return summary;
}

}  // namespace stedi::parquet
