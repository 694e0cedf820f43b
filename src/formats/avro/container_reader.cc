#include "formats/avro/container_reader.h"

#include <avro.h>

#include <cstdio>
#include <deque>

namespace stedi::avro {

struct ContainerReader::State {
  FILE* file = nullptr;
  avro_file_reader_t reader = nullptr;
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
  avro_value_t record{};
  bool has_record = false;
  std::deque<avro_value_t> slots;  // children of the current record, addresses stable

  ~State() {
    if (has_record) avro_value_decref(&record);
    if (iface) avro_value_iface_decref(iface);
    if (schema) avro_schema_decref(schema);
    if (reader) avro_file_reader_close(reader);  // also closes FILE
  }
};

namespace {

const avro_value_t* AsAvro(const void* v) { return static_cast<const avro_value_t*>(v); }

// Reads a zig-zag varint at *POS of DATA.
bool ReadLong(std::string_view data, size_t* pos, int64_t* out) {
  uint64_t n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (*pos >= data.size()) return false;
    auto b = static_cast<uint8_t>(data[(*pos)++]);
    n |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = static_cast<int64_t>(n >> 1) ^ -static_cast<int64_t>(n & 1);
      return true;
    }
  }
  return false;
}

bool ReadBytes(std::string_view data, size_t* pos, std::string* out) {
  int64_t n = 0;
  if (!ReadLong(data, pos, &n) || n < 0 || static_cast<uint64_t>(n) > data.size() - *pos) {
    return false;
  }
  out->assign(data.substr(*pos, static_cast<size_t>(n)));
  *pos += static_cast<size_t>(n);
  return true;
}

// Decodes the header's metadata map: "Obj\x01" then blocks of (string, bytes) pairs.
Status ReadHeaderMetadata(const std::string& path, std::string_view data,
                          std::map<std::string, std::string>* out) {
  if (data.substr(0, 4) != std::string_view("Obj\x01", 4)) {
    return Status::Corruption(path + ": not an Avro container file (bad magic at offset 0)");
  }
  size_t pos = 4;
  while (true) {
    int64_t count = 0;
    if (!ReadLong(data, &pos, &count)) {
      return Status::Corruption(path + ": truncated Avro header at offset " + std::to_string(pos));
    }
    if (count == 0) return Status::OK();
    if (count < 0) {  // a negative count is followed by the block's size in bytes
      int64_t ignored = 0;
      if (!ReadLong(data, &pos, &ignored)) {
        return Status::Corruption(path + ": truncated Avro header at offset " +
                                  std::to_string(pos));
      }
      count = -count;
    }
    for (int64_t i = 0; i < count; ++i) {
      std::string key, value;
      if (!ReadBytes(data, &pos, &key) || !ReadBytes(data, &pos, &value)) {
        return Status::Corruption(path + ": truncated Avro header metadata at offset " +
                                  std::to_string(pos));
      }
      (*out)[key] = std::move(value);
    }
  }
}

// Follows union branches down to the value itself.
avro_value_t Resolve(const avro_value_t* v) {
  avro_value_t current = *v;
  while (avro_value_get_type(&current) == AVRO_UNION) {
    avro_value_t branch;
    if (avro_value_get_current_branch(&current, &branch) != 0) break;
    current = branch;
  }
  return current;
}

}  // namespace

Status Value::Error(std::string_view what) const {
  return Status::Corruption(reader_->path() + ": " + std::string(what));
}

bool Value::IsNull() const {
  avro_value_t v = Resolve(AsAvro(value_));
  return avro_value_get_type(&v) == AVRO_NULL;
}

Result<Value> Value::Field(std::string_view name) const {
  std::optional<Value> f = OptionalField(name);
  if (!f) {
    // Absent and null differ for required fields; say which.
    avro_value_t v = Resolve(AsAvro(value_));
    avro_value_t child;
    std::string key(name);
    if (avro_value_get_type(&v) == AVRO_RECORD &&
        avro_value_get_by_name(&v, key.c_str(), &child, nullptr) == 0) {
      return Error("field " + key + " is null");
    }
    return Status::NotFound(reader_->path() + ": record has no field " + key);
  }
  return *f;
}

std::optional<Value> Value::OptionalField(std::string_view name) const {
  avro_value_t v = Resolve(AsAvro(value_));
  if (avro_value_get_type(&v) != AVRO_RECORD) return std::nullopt;
  // libavro hands out children that point into the parent's storage; keep them alive in the
  // reader's arena so the returned Value stays valid until the next record.
  auto* child = static_cast<avro_value_t*>(const_cast<ContainerReader*>(reader_)->NewSlot());
  std::string key(name);
  if (avro_value_get_by_name(&v, key.c_str(), child, nullptr) != 0) return std::nullopt;
  Value out(reader_, child);
  if (out.IsNull()) return std::nullopt;
  return out;
}

Result<int64_t> Value::AsLong() const {
  avro_value_t v = Resolve(AsAvro(value_));
  switch (avro_value_get_type(&v)) {
    case AVRO_INT32: {
      int32_t i = 0;
      avro_value_get_int(&v, &i);
      return static_cast<int64_t>(i);
    }
    case AVRO_INT64: {
      int64_t l = 0;
      avro_value_get_long(&v, &l);
      return l;
    }
    default:
      return Error("expected an int or long value");
  }
}

Result<std::string> Value::AsBytes() const {
  avro_value_t v = Resolve(AsAvro(value_));
  switch (avro_value_get_type(&v)) {
    case AVRO_STRING: {
      const char* s = nullptr;
      size_t size = 0;
      avro_value_get_string(&v, &s, &size);
      return std::string(s, size > 0 ? size - 1 : 0);  // size counts the terminating NUL
    }
    case AVRO_BYTES: {
      const void* b = nullptr;
      size_t size = 0;
      avro_value_get_bytes(&v, &b, &size);
      return std::string(static_cast<const char*>(b), size);
    }
    default:
      return Error("expected a string or bytes value");
  }
}

Result<size_t> Value::ArraySize() const {
  avro_value_t v = Resolve(AsAvro(value_));
  if (avro_value_get_type(&v) != AVRO_ARRAY) return Error("expected an array");
  size_t n = 0;
  avro_value_get_size(&v, &n);
  return n;
}

Result<Value> Value::ArrayItem(size_t i) const {
  avro_value_t v = Resolve(AsAvro(value_));
  auto* child = static_cast<avro_value_t*>(const_cast<ContainerReader*>(reader_)->NewSlot());
  if (avro_value_get_type(&v) != AVRO_ARRAY ||
      avro_value_get_by_index(&v, i, child, nullptr) != 0) {
    return Error("array item " + std::to_string(i) + " out of range");
  }
  return Value(reader_, child);
}

ContainerReader::ContainerReader(std::string path) : path_(std::move(path)) {}
ContainerReader::~ContainerReader() = default;

Result<std::unique_ptr<ContainerReader>> ContainerReader::Open(FileSystem& fs,
                                                               const std::string& path) {
  std::unique_ptr<ContainerReader> r(new ContainerReader(path));
  STEDI_ASSIGN_OR_RETURN(r->bytes_, fs.ReadAll(path));
  STEDI_RETURN_NOT_OK(ReadHeaderMetadata(path, r->bytes_, &r->metadata_));
  r->state_ = std::make_unique<State>();
  State& s = *r->state_;
  s.file = fmemopen(r->bytes_.data(), r->bytes_.size(), "rb");
  if (!s.file) return Status::IOError(path + ": cannot open the file's bytes for libavro");
  if (avro_file_reader_fp(s.file, path.c_str(), 1, &s.reader) != 0) {
    std::fclose(s.file);
    return Status::Corruption(path + ": libavro cannot read the file: " + avro_strerror());
  }
  s.schema = avro_file_reader_get_writer_schema(s.reader);
  s.iface = avro_generic_class_from_schema(s.schema);
  if (!s.iface || avro_generic_value_new(s.iface, &s.record) != 0) {
    return Status::Corruption(
        path + ": libavro cannot build a reader for the file's schema: " + avro_strerror());
  }
  s.has_record = true;
  return r;
}

void* ContainerReader::NewSlot() { return &state_->slots.emplace_back(); }

Result<std::optional<Value>> ContainerReader::Next() {
  state_->slots.clear();
  int rc = avro_file_reader_read_value(state_->reader, &state_->record);
  if (rc == EOF) return std::optional<Value>();
  if (rc != 0) return Status::Corruption(path_ + ": bad Avro record: " + avro_strerror());
  return std::optional<Value>(Value(this, &state_->record));
}

}  // namespace stedi::avro
