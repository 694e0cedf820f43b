#include "formats/avro/container_writer.h"

#include "storage/unique_names.h"

namespace stedi::avro {
namespace {

// A block is written once this many encoded bytes have gathered; readers buffer one block.
constexpr size_t kBlockBytes = 1 << 20;

std::string RandomSync() {
  std::string sync(16, '\0');
  for (size_t i = 0; i < sync.size(); i += 8) {
    uint64_t bits = RandomBits();
    for (size_t j = 0; j < 8; ++j) sync[i + j] = static_cast<char>((bits >> (8 * j)) & 0xff);
  }
  return sync;
}

}  // namespace

Result<std::unique_ptr<ContainerWriter>> ContainerWriter::Open(
    std::unique_ptr<WritableFile> out, const std::string& schema_json,
    const std::vector<std::pair<std::string, std::string>>& metadata) {
  for (const auto& [key, value] : metadata) {
    if (key.rfind("avro.", 0) == 0) {
      return Status::Invalid("avro container " + out->path() + ": metadata key '" + key +
                             "' uses the reserved prefix avro.");
    }
  }
  std::unique_ptr<ContainerWriter> writer(new ContainerWriter(std::move(out), RandomSync()));
  Encoder header;
  header.Raw(std::string_view("Obj\x01", 4));
  header.BlockStart(static_cast<int64_t>(metadata.size() + 2));
  header.String("avro.schema");
  header.Bytes(schema_json);
  header.String("avro.codec");
  header.Bytes("null");
  for (const auto& [key, value] : metadata) {
    header.String(key);
    header.Bytes(value);
  }
  header.EndBlocks();
  header.Raw(writer->sync_);
  STEDI_RETURN_NOT_OK(writer->out_->Append(header.buffer()));
  return writer;
}

Status ContainerWriter::EndRecord() {
  ++records_in_block_;
  if (block_.size() >= kBlockBytes) return FlushBlock();
  return Status::OK();
}

Status ContainerWriter::FlushBlock() {
  if (records_in_block_ == 0) return Status::OK();
  Encoder prefix;
  prefix.Long(records_in_block_);
  prefix.Long(static_cast<int64_t>(block_.size()));
  STEDI_RETURN_NOT_OK(out_->Append(prefix.buffer()));
  STEDI_RETURN_NOT_OK(out_->Append(block_.buffer()));
  STEDI_RETURN_NOT_OK(out_->Append(sync_));
  block_.Clear();
  records_in_block_ = 0;
  return Status::OK();
}

Result<uint64_t> ContainerWriter::Close() {
  STEDI_RETURN_NOT_OK(FlushBlock());
  uint64_t size = out_->position();
  STEDI_RETURN_NOT_OK(out_->Close());
  return size;
}

}  // namespace stedi::avro
