#include "formats/parquet/thrift_compact.h"

#include <cstring>

namespace stedi::parquet {
namespace {

// Deep enough for every Parquet structure (LogicalType inside SchemaElement inside FileMetaData
// is depth 4); bounds recursion on hostile input.
constexpr int kMaxDepth = 32;
constexpr size_t kMaxStructDepth = 32;

}  // namespace

void ThriftCompactWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

void ThriftCompactWriter::FieldHeader(int16_t id, ThriftType type) {
  const int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_.push_back(static_cast<char>(type));
    Varint(ZigZag(id));
  }
  last_id_ = id;
}

void ThriftCompactWriter::FieldI32(int16_t id, int32_t v) {
  FieldHeader(id, ThriftType::kI32);
  Varint(ZigZag(v));
}

void ThriftCompactWriter::FieldI64(int16_t id, int64_t v) {
  FieldHeader(id, ThriftType::kI64);
  Varint(ZigZag(v));
}

void ThriftCompactWriter::FieldI8(int16_t id, int8_t v) {
  FieldHeader(id, ThriftType::kByte);
  out_.push_back(static_cast<char>(v));
}

void ThriftCompactWriter::FieldBool(int16_t id, bool v) {
  FieldHeader(id, v ? ThriftType::kBoolTrue : ThriftType::kBoolFalse);
}

void ThriftCompactWriter::FieldBinary(int16_t id, std::string_view v) {
  FieldHeader(id, ThriftType::kBinary);
  ElementBinary(v);
}

void ThriftCompactWriter::ElementBinary(std::string_view v) {
  Varint(v.size());
  out_.append(v);
}

void ThriftCompactWriter::FieldListBegin(int16_t id, ThriftType element, size_t size) {
  FieldHeader(id, ThriftType::kList);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | static_cast<int>(element)));
  } else {
    out_.push_back(static_cast<char>(0xF0 | static_cast<int>(element)));
    Varint(size);
  }
}

void ThriftCompactWriter::FieldStructBegin(int16_t id) {
  FieldHeader(id, ThriftType::kStruct);
  StructBegin();
}

void ThriftCompactWriter::StructBegin() {
  id_stack_.push_back(last_id_);
  last_id_ = 0;
}

void ThriftCompactWriter::StructEnd() {
  out_.push_back(static_cast<char>(ThriftType::kStop));
  if (!id_stack_.empty()) {
    last_id_ = id_stack_.back();
    id_stack_.pop_back();
  }
}

Status ThriftCompactReader::Error(std::string_view what) const {
  return Status::Corruption(context_ + ": " + std::string(what) + " at offset " +
                            std::to_string(base_offset_ + pos_));
}

Status ThriftCompactReader::ReadByte(uint8_t* b) {
  if (pos_ >= data_.size()) return Error("thrift data ends early");
  *b = static_cast<uint8_t>(data_[pos_++]);
  return Status::OK();
}

Status ThriftCompactReader::ReadVarint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    uint8_t b = 0;
    STEDI_RETURN_NOT_OK(ReadByte(&b));
    if (shift == 63 && (b & 0x7E) != 0) return Error("varint overflows 64 bits");
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return Status::OK();
    }
  }
  return Error("varint longer than 10 bytes");
}

Status ThriftCompactReader::ReadZigZag(int64_t* v) {
  uint64_t u;
  STEDI_RETURN_NOT_OK(ReadVarint(&u));
  *v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  return Status::OK();
}

Status ThriftCompactReader::StructBegin() {
  if (id_stack_.size() >= kMaxStructDepth) return Error("thrift structs nested too deeply");
  id_stack_.push_back(last_id_);
  last_id_ = 0;
  return Status::OK();
}

void ThriftCompactReader::StructEnd() {
  if (!id_stack_.empty()) {
    last_id_ = id_stack_.back();
    id_stack_.pop_back();
  }
}

Status ThriftCompactReader::ReadFieldHeader(ThriftType* type, int16_t* id) {
  uint8_t b = 0;
  STEDI_RETURN_NOT_OK(ReadByte(&b));
  const uint8_t t = b & 0x0F;
  if (t == 0) {
    *type = ThriftType::kStop;
    *id = 0;
    return Status::OK();
  }
  if (t > static_cast<uint8_t>(ThriftType::kStruct)) {
    return Error("unknown thrift field type " + std::to_string(t));
  }
  const int delta = b >> 4;
  if (delta != 0) {
    const int next = last_id_ + delta;
    if (next > INT16_MAX) return Error("thrift field id overflows");
    *id = static_cast<int16_t>(next);
  } else {
    int64_t v;
    STEDI_RETURN_NOT_OK(ReadZigZag(&v));
    if (v < INT16_MIN || v > INT16_MAX) return Error("thrift field id out of range");
    *id = static_cast<int16_t>(v);
  }
  last_id_ = *id;
  *type = static_cast<ThriftType>(t);
  return Status::OK();
}

Status ThriftCompactReader::ReadListHeader(ThriftType* element, uint32_t* size) {
  uint8_t b = 0;
  STEDI_RETURN_NOT_OK(ReadByte(&b));
  const uint8_t t = b & 0x0F;
  if (t == 0 || t > static_cast<uint8_t>(ThriftType::kStruct)) {
    return Error("unknown thrift list element type " + std::to_string(t));
  }
  uint64_t n = b >> 4;
  if (n == 15) STEDI_RETURN_NOT_OK(ReadVarint(&n));
  // Every element takes at least one byte, so a count above the bytes left is a lie; checking
  // here keeps hostile counts from driving huge allocations.
  if (n > data_.size() - pos_) return Error("thrift list of " + std::to_string(n) + " elements");
  *element = static_cast<ThriftType>(t);
  *size = static_cast<uint32_t>(n);
  return Status::OK();
}

Status ThriftCompactReader::CheckType(ThriftType actual, ThriftType wanted,
                                      std::string_view what) const {
  if (actual == wanted) return Status::OK();
  return Error("thrift " + std::string(what) + " field has type " +
               std::to_string(static_cast<int>(actual)));
}

Status ThriftCompactReader::ReadBool(ThriftType type, bool* v) {
  if (type == ThriftType::kBoolTrue || type == ThriftType::kBoolFalse) {
    *v = type == ThriftType::kBoolTrue;
    return Status::OK();
  }
  return Error("thrift bool field has type " + std::to_string(static_cast<int>(type)));
}

Status ThriftCompactReader::ReadI8(ThriftType type, int8_t* v) {
  STEDI_RETURN_NOT_OK(CheckType(type, ThriftType::kByte, "i8"));
  uint8_t b = 0;
  STEDI_RETURN_NOT_OK(ReadByte(&b));
  *v = static_cast<int8_t>(b);
  return Status::OK();
}

Status ThriftCompactReader::ReadI32(ThriftType type, int32_t* v) {
  // Enums and i32 share the encoding; accept i16/i8 too as they widen losslessly.
  if (type == ThriftType::kByte) {
    int8_t b;
    STEDI_RETURN_NOT_OK(ReadI8(type, &b));
    *v = b;
    return Status::OK();
  }
  if (type != ThriftType::kI32 && type != ThriftType::kI16) {
    return CheckType(type, ThriftType::kI32, "i32");
  }
  int64_t w;
  STEDI_RETURN_NOT_OK(ReadZigZag(&w));
  if (w < INT32_MIN || w > INT32_MAX) return Error("thrift i32 out of range");
  *v = static_cast<int32_t>(w);
  return Status::OK();
}

Status ThriftCompactReader::ReadI64(ThriftType type, int64_t* v) {
  if (type == ThriftType::kI32 || type == ThriftType::kI16 || type == ThriftType::kByte) {
    int32_t n;
    STEDI_RETURN_NOT_OK(ReadI32(type, &n));
    *v = n;
    return Status::OK();
  }
  STEDI_RETURN_NOT_OK(CheckType(type, ThriftType::kI64, "i64"));
  return ReadZigZag(v);
}

Status ThriftCompactReader::ReadBinary(ThriftType type, std::string* v) {
  STEDI_RETURN_NOT_OK(CheckType(type, ThriftType::kBinary, "binary"));
  uint64_t n;
  STEDI_RETURN_NOT_OK(ReadVarint(&n));
  if (n > data_.size() - pos_) return Error("thrift binary of " + std::to_string(n) + " bytes");
  v->assign(data_.substr(pos_, n));
  pos_ += n;
  return Status::OK();
}

Status ThriftCompactReader::Skip(ThriftType type) { return SkipDepth(type, 0); }

Status ThriftCompactReader::SkipDepth(ThriftType type, int depth) {
  if (depth > kMaxDepth) return Error("thrift values nested too deeply");
  uint8_t b = 0;
  uint64_t u;
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return Status::OK();
    case ThriftType::kByte:
      return ReadByte(&b);
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      return ReadVarint(&u);
    case ThriftType::kDouble:
      if (data_.size() - pos_ < 8) return Error("thrift double ends early");
      pos_ += 8;
      return Status::OK();
    case ThriftType::kBinary: {
      STEDI_RETURN_NOT_OK(ReadVarint(&u));
      if (u > data_.size() - pos_) return Error("thrift binary of " + std::to_string(u) + " bytes");
      pos_ += u;
      return Status::OK();
    }
    case ThriftType::kList:
    case ThriftType::kSet: {
      ThriftType element;
      uint32_t n;
      STEDI_RETURN_NOT_OK(ReadListHeader(&element, &n));
      for (uint32_t i = 0; i < n; ++i) {
        // Bools inside lists take one byte each.
        if (element == ThriftType::kBoolTrue || element == ThriftType::kBoolFalse) {
          STEDI_RETURN_NOT_OK(ReadByte(&b));
        } else {
          STEDI_RETURN_NOT_OK(SkipDepth(element, depth + 1));
        }
      }
      return Status::OK();
    }
    case ThriftType::kMap: {
      STEDI_RETURN_NOT_OK(ReadVarint(&u));
      if (u == 0) return Status::OK();
      if (u > data_.size() - pos_) return Error("thrift map of " + std::to_string(u) + " entries");
      STEDI_RETURN_NOT_OK(ReadByte(&b));
      const uint8_t kt = b >> 4, vt = b & 0x0F;
      for (uint8_t t : {kt, vt}) {
        if (t == 0 || t > static_cast<uint8_t>(ThriftType::kStruct)) {
          return Error("unknown thrift map type " + std::to_string(t));
        }
      }
      for (uint64_t i = 0; i < u; ++i) {
        for (uint8_t t : {kt, vt}) {
          if (t == 1 || t == 2) {
            STEDI_RETURN_NOT_OK(ReadByte(&b));
          } else {
            STEDI_RETURN_NOT_OK(SkipDepth(static_cast<ThriftType>(t), depth + 1));
          }
        }
      }
      return Status::OK();
    }
    case ThriftType::kStruct: {
      STEDI_RETURN_NOT_OK(StructBegin());
      while (true) {
        ThriftType ft;
        int16_t id;
        STEDI_RETURN_NOT_OK(ReadFieldHeader(&ft, &id));
        if (ft == ThriftType::kStop) break;
        STEDI_RETURN_NOT_OK(SkipDepth(ft, depth + 1));
      }
      StructEnd();
      return Status::OK();
    }
    case ThriftType::kStop:
      break;
  }
  return Error("cannot skip thrift type " + std::to_string(static_cast<int>(type)));
}

}  // namespace stedi::parquet
