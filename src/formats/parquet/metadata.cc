#include "formats/parquet/metadata.h"

#include "formats/parquet/thrift_compact.h"

namespace stedi::parquet {
namespace {

// ---- Writing ----

void WriteStatistics(ThriftCompactWriter& w, int16_t id, const Statistics& s) {
  w.FieldStructBegin(id);
  if (s.legacy_max) w.FieldBinary(1, *s.legacy_max);
  if (s.legacy_min) w.FieldBinary(2, *s.legacy_min);
  if (s.null_count) w.FieldI64(3, *s.null_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
  w.StructEnd();
}

void WriteLogicalType(ThriftCompactWriter& w, int16_t id, const LogicalType& t) {
  w.FieldStructBegin(id);
  switch (t.kind) {
    case LogicalType::Kind::kString:
      w.FieldStructBegin(1);
      w.StructEnd();
      break;
    case LogicalType::Kind::kDate:
      w.FieldStructBegin(6);
      w.StructEnd();
      break;
    case LogicalType::Kind::kTimestamp:
      w.FieldStructBegin(8);
      w.FieldBool(1, t.adjusted_to_utc);
      w.FieldStructBegin(2);  // TimeUnit union
      w.FieldStructBegin(t.unit == TimeUnit::kMillis ? 1 : t.unit == TimeUnit::kMicros ? 2 : 3);
      w.StructEnd();
      w.StructEnd();
      w.StructEnd();
      break;
    case LogicalType::Kind::kInteger:
      w.FieldStructBegin(10);
      w.FieldI8(1, t.bit_width);
      w.FieldBool(2, t.is_signed);
      w.StructEnd();
      break;
    default:
      break;
  }
  w.StructEnd();
}

void WriteSchemaElement(ThriftCompactWriter& w, const SchemaElement& e) {
  w.StructBegin();
  if (e.type) w.FieldI32(1, static_cast<int32_t>(*e.type));
  if (e.type_length > 0) w.FieldI32(2, e.type_length);
  if (e.repetition) w.FieldI32(3, static_cast<int32_t>(*e.repetition));
  w.FieldBinary(4, e.name);
  if (e.num_children > 0) w.FieldI32(5, e.num_children);
  if (e.converted_type) w.FieldI32(6, *e.converted_type);
  if (e.field_id) w.FieldI32(9, *e.field_id);
  if (e.logical_type.kind != LogicalType::Kind::kNone) WriteLogicalType(w, 10, e.logical_type);
  w.StructEnd();
}

void WriteColumnMetaData(ThriftCompactWriter& w, int16_t id, const ColumnMetaData& m) {
  w.FieldStructBegin(id);
  w.FieldI32(1, static_cast<int32_t>(m.type));
  w.FieldListBegin(2, ThriftType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.ElementI32(static_cast<int32_t>(e));
  w.FieldListBegin(3, ThriftType::kBinary, m.path_in_schema.size());
  for (const std::string& p : m.path_in_schema) w.ElementBinary(p);
  w.FieldI32(4, static_cast<int32_t>(m.codec));
  w.FieldI64(5, m.num_values);
  w.FieldI64(6, m.total_uncompressed_size);
  w.FieldI64(7, m.total_compressed_size);
  w.FieldI64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
  if (m.statistics) WriteStatistics(w, 12, *m.statistics);
  w.StructEnd();
}

// ---- Reading ----

// Calls ON_FIELD(type, id) for every field of the struct at the reader's position; ON_FIELD
// must consume the value (Skip() it when the id is unknown).
template <typename F>
Status ReadStruct(ThriftCompactReader& r, F&& on_field) {
  STEDI_RETURN_NOT_OK(r.StructBegin());
  while (true) {
    ThriftType type;
    int16_t id;
    STEDI_RETURN_NOT_OK(r.ReadFieldHeader(&type, &id));
    if (type == ThriftType::kStop) break;
    STEDI_RETURN_NOT_OK(on_field(type, id));
  }
  r.StructEnd();
  return Status::OK();
}

// Calls ON_ELEMENT(element_type) SIZE times for the list field of TYPE at the reader's position.
template <typename F>
Status ReadList(ThriftCompactReader& r, ThriftType type, F&& on_element) {
  if (type != ThriftType::kList && type != ThriftType::kSet) {
    return r.Error("expected a thrift list, found type " + std::to_string(static_cast<int>(type)));
  }
  ThriftType element;
  uint32_t size;
  STEDI_RETURN_NOT_OK(r.ReadListHeader(&element, &size));
  for (uint32_t i = 0; i < size; ++i) STEDI_RETURN_NOT_OK(on_element(element));
  return Status::OK();
}

Status Require(ThriftCompactReader& r, bool present, std::string_view what) {
  if (present) return Status::OK();
  return r.Error("required field " + std::string(what) + " missing");
}

Status ReadStatistics(ThriftCompactReader& r, ThriftType type, Statistics* s) {
  if (type != ThriftType::kStruct) return r.Error("Statistics is not a struct");
  return ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    std::string v;
    switch (id) {
      case 1:
        STEDI_RETURN_NOT_OK(r.ReadBinary(t, &v));
        s->legacy_max = std::move(v);
        return Status::OK();
      case 2:
        STEDI_RETURN_NOT_OK(r.ReadBinary(t, &v));
        s->legacy_min = std::move(v);
        return Status::OK();
      case 3: {
        int64_t n;
        STEDI_RETURN_NOT_OK(r.ReadI64(t, &n));
        s->null_count = n;
        return Status::OK();
      }
      case 5:
        STEDI_RETURN_NOT_OK(r.ReadBinary(t, &v));
        s->max_value = std::move(v);
        return Status::OK();
      case 6:
        STEDI_RETURN_NOT_OK(r.ReadBinary(t, &v));
        s->min_value = std::move(v);
        return Status::OK();
      default:
        return r.Skip(t);
    }
  });
}

Status ReadTimeUnit(ThriftCompactReader& r, ThriftType type, TimeUnit* unit) {
  if (type != ThriftType::kStruct) return r.Error("TimeUnit is not a struct");
  bool seen = false;
  STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    if (id >= 1 && id <= 3) {
      *unit = id == 1 ? TimeUnit::kMillis : id == 2 ? TimeUnit::kMicros : TimeUnit::kNanos;
      seen = true;
    }
    return r.Skip(t);
  }));
  return Require(r, seen, "TimeUnit member");
}

Status ReadLogicalType(ThriftCompactReader& r, ThriftType type, LogicalType* out) {
  if (type != ThriftType::kStruct) return r.Error("LogicalType is not a struct");
  return ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        out->kind = LogicalType::Kind::kString;
        return r.Skip(t);
      case 4:
        out->kind = LogicalType::Kind::kEnum;
        return r.Skip(t);
      case 5:
        out->kind = LogicalType::Kind::kDecimal;
        return r.Skip(t);
      case 6:
        out->kind = LogicalType::Kind::kDate;
        return r.Skip(t);
      case 12:
        out->kind = LogicalType::Kind::kJson;
        return r.Skip(t);
      case 8: {
        if (t != ThriftType::kStruct) return r.Error("TimestampType is not a struct");
        out->kind = LogicalType::Kind::kTimestamp;
        return ReadStruct(r, [&](ThriftType ft, int16_t fid) -> Status {
          if (fid == 1) return r.ReadBool(ft, &out->adjusted_to_utc);
          if (fid == 2) return ReadTimeUnit(r, ft, &out->unit);
          return r.Skip(ft);
        });
      }
      case 10: {
        if (t != ThriftType::kStruct) return r.Error("IntType is not a struct");
        out->kind = LogicalType::Kind::kInteger;
        return ReadStruct(r, [&](ThriftType ft, int16_t fid) -> Status {
          if (fid == 1) return r.ReadI8(ft, &out->bit_width);
          if (fid == 2) return r.ReadBool(ft, &out->is_signed);
          return r.Skip(ft);
        });
      }
      default:
        out->kind = LogicalType::Kind::kOther;
        return r.Skip(t);
    }
  });
}

Status ReadSchemaElement(ThriftCompactReader& r, ThriftType type, SchemaElement* e) {
  if (type != ThriftType::kStruct) return r.Error("SchemaElement is not a struct");
  bool has_name = false;
  STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int32_t v;
    switch (id) {
      case 1:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        if (v < 0 || v > 7) return r.Error("unknown physical type " + std::to_string(v));
        e->type = static_cast<PhysicalType>(v);
        return Status::OK();
      case 2:
        return r.ReadI32(t, &e->type_length);
      case 3:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        if (v < 0 || v > 2) return r.Error("unknown repetition type " + std::to_string(v));
        e->repetition = static_cast<Repetition>(v);
        return Status::OK();
      case 4:
        has_name = true;
        return r.ReadBinary(t, &e->name);
      case 5:
        return r.ReadI32(t, &e->num_children);
      case 6:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        e->converted_type = v;
        return Status::OK();
      case 9:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        e->field_id = v;
        return Status::OK();
      case 10:
        return ReadLogicalType(r, t, &e->logical_type);
      default:
        return r.Skip(t);
    }
  }));
  return Require(r, has_name, "SchemaElement.name");
}

Status ReadColumnMetaData(ThriftCompactReader& r, ThriftType type, ColumnMetaData* m) {
  if (type != ThriftType::kStruct) return r.Error("ColumnMetaData is not a struct");
  uint32_t seen = 0;
  STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int32_t v;
    if (id >= 1 && id <= 9) seen |= 1u << id;
    switch (id) {
      case 1:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        if (v < 0 || v > 7) return r.Error("unknown physical type " + std::to_string(v));
        m->type = static_cast<PhysicalType>(v);
        return Status::OK();
      case 2:
        return ReadList(r, t, [&](ThriftType et) -> Status {
          STEDI_RETURN_NOT_OK(r.ReadI32(et, &v));
          m->encodings.push_back(static_cast<Encoding>(v));
          return Status::OK();
        });
      case 3:
        return ReadList(r, t, [&](ThriftType et) -> Status {
          std::string s;
          STEDI_RETURN_NOT_OK(r.ReadBinary(et, &s));
          m->path_in_schema.push_back(std::move(s));
          return Status::OK();
        });
      case 4:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        m->codec = static_cast<Codec>(v);
        return Status::OK();
      case 5:
        return r.ReadI64(t, &m->num_values);
      case 6:
        return r.ReadI64(t, &m->total_uncompressed_size);
      case 7:
        return r.ReadI64(t, &m->total_compressed_size);
      case 9:
        return r.ReadI64(t, &m->data_page_offset);
      case 11: {
        int64_t off;
        STEDI_RETURN_NOT_OK(r.ReadI64(t, &off));
        m->dictionary_page_offset = off;
        return Status::OK();
      }
      case 12:
        m->statistics.emplace();
        return ReadStatistics(r, t, &*m->statistics);
      default:
        return r.Skip(t);
    }
  }));
  // Field 8 (key_value_metadata) is optional; the others up to 9 are required.
  for (int id : {1, 2, 3, 4, 5, 6, 7, 9}) {
    STEDI_RETURN_NOT_OK(Require(r, seen & (1u << id), "ColumnMetaData." + std::to_string(id)));
  }
  return Status::OK();
}

Status ReadColumnChunk(ThriftCompactReader& r, ThriftType type, ColumnChunk* c) {
  if (type != ThriftType::kStruct) return r.Error("ColumnChunk is not a struct");
  return ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    switch (id) {
      case 1:
        c->has_file_path = true;
        return r.Skip(t);
      case 2:
        return r.ReadI64(t, &c->file_offset);
      case 3:
        c->meta_data.emplace();
        return ReadColumnMetaData(r, t, &*c->meta_data);
      default:
        return r.Skip(t);
    }
  });
}

Status ReadRowGroup(ThriftCompactReader& r, ThriftType type, RowGroup* g) {
  if (type != ThriftType::kStruct) return r.Error("RowGroup is not a struct");
  bool has_columns = false, has_rows = false;
  STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int64_t v;
    switch (id) {
      case 1:
        has_columns = true;
        return ReadList(r, t, [&](ThriftType et) -> Status {
          g->columns.emplace_back();
          return ReadColumnChunk(r, et, &g->columns.back());
        });
      case 2:
        return r.ReadI64(t, &g->total_byte_size);
      case 3:
        has_rows = true;
        return r.ReadI64(t, &g->num_rows);
      case 5:
        STEDI_RETURN_NOT_OK(r.ReadI64(t, &v));
        g->file_offset = v;
        return Status::OK();
      case 6:
        STEDI_RETURN_NOT_OK(r.ReadI64(t, &v));
        g->total_compressed_size = v;
        return Status::OK();
      default:
        return r.Skip(t);
    }
  }));
  STEDI_RETURN_NOT_OK(Require(r, has_columns, "RowGroup.columns"));
  return Require(r, has_rows, "RowGroup.num_rows");
}

Status ReadDataPageHeader(ThriftCompactReader& r, ThriftType type, DataPageHeader* h) {
  if (type != ThriftType::kStruct) return r.Error("DataPageHeader is not a struct");
  uint32_t seen = 0;
  STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int32_t v;
    if (id >= 1 && id <= 4) seen |= 1u << id;
    switch (id) {
      case 1:
        return r.ReadI32(t, &h->num_values);
      case 2:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        h->encoding = static_cast<Encoding>(v);
        return Status::OK();
      case 3:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        h->definition_level_encoding = static_cast<Encoding>(v);
        return Status::OK();
      case 4:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        h->repetition_level_encoding = static_cast<Encoding>(v);
        return Status::OK();
      case 5:
        h->statistics.emplace();
        return ReadStatistics(r, t, &*h->statistics);
      default:
        return r.Skip(t);
    }
  }));
  return Require(r, seen == 0x1E, "DataPageHeader fields 1-4");
}

Status ReadDataPageHeaderV2(ThriftCompactReader& r, ThriftType type, DataPageHeaderV2* h) {
  if (type != ThriftType::kStruct) return r.Error("DataPageHeaderV2 is not a struct");
  uint32_t seen = 0;
  STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int32_t v;
    if (id >= 1 && id <= 6) seen |= 1u << id;
    switch (id) {
      case 1:
        return r.ReadI32(t, &h->num_values);
      case 2:
        return r.ReadI32(t, &h->num_nulls);
      case 3:
        return r.ReadI32(t, &h->num_rows);
      case 4:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        h->encoding = static_cast<Encoding>(v);
        return Status::OK();
      case 5:
        return r.ReadI32(t, &h->definition_levels_byte_length);
      case 6:
        return r.ReadI32(t, &h->repetition_levels_byte_length);
      case 7:
        return r.ReadBool(t, &h->is_compressed);
      default:
        return r.Skip(t);
    }
  }));
  return Require(r, seen == 0x7E, "DataPageHeaderV2 fields 1-6");
}

Status ReadDictionaryPageHeader(ThriftCompactReader& r, ThriftType type, DictionaryPageHeader* h) {
  if (type != ThriftType::kStruct) return r.Error("DictionaryPageHeader is not a struct");
  uint32_t seen = 0;
  STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int32_t v;
    if (id >= 1 && id <= 2) seen |= 1u << id;
    switch (id) {
      case 1:
        return r.ReadI32(t, &h->num_values);
      case 2:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        h->encoding = static_cast<Encoding>(v);
        return Status::OK();
      default:
        return r.Skip(t);
    }
  }));
  return Require(r, seen == 0x6, "DictionaryPageHeader fields 1-2");
}

}  // namespace

std::string SerializeFileMetaData(const FileMetaData& md) {
  ThriftCompactWriter w;
  w.StructBegin();
  w.FieldI32(1, md.version);
  w.FieldListBegin(2, ThriftType::kStruct, md.schema.size());
  for (const SchemaElement& e : md.schema) WriteSchemaElement(w, e);
  w.FieldI64(3, md.num_rows);
  w.FieldListBegin(4, ThriftType::kStruct, md.row_groups.size());
  for (const RowGroup& g : md.row_groups) {
    w.StructBegin();
    w.FieldListBegin(1, ThriftType::kStruct, g.columns.size());
    for (const ColumnChunk& c : g.columns) {
      w.StructBegin();
      w.FieldI64(2, c.file_offset);
      if (c.meta_data) WriteColumnMetaData(w, 3, *c.meta_data);
      w.StructEnd();
    }
    w.FieldI64(2, g.total_byte_size);
    w.FieldI64(3, g.num_rows);
    if (g.file_offset) w.FieldI64(5, *g.file_offset);
    if (g.total_compressed_size) w.FieldI64(6, *g.total_compressed_size);
    if (g.ordinal) w.FieldI32(7, *g.ordinal);
    w.StructEnd();
  }
  if (!md.key_value_metadata.empty()) {
    w.FieldListBegin(5, ThriftType::kStruct, md.key_value_metadata.size());
    for (const auto& [k, v] : md.key_value_metadata) {
      w.StructBegin();
      w.FieldBinary(1, k);
      w.FieldBinary(2, v);
      w.StructEnd();
    }
  }
  if (md.created_by) w.FieldBinary(6, *md.created_by);
  if (md.type_defined_column_orders > 0) {
    w.FieldListBegin(7, ThriftType::kStruct, md.type_defined_column_orders);
    for (size_t i = 0; i < md.type_defined_column_orders; ++i) {
      w.StructBegin();
      w.FieldStructBegin(1);  // TYPE_ORDER: an empty struct
      w.StructEnd();
      w.StructEnd();
    }
  }
  w.StructEnd();
  return w.Release();
}

Result<FileMetaData> ParseFileMetaData(std::string_view bytes, const std::string& context,
                                       uint64_t base_offset) {
  ThriftCompactReader r(bytes, context, base_offset);
  FileMetaData md;
  uint32_t seen = 0;
  STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    if (id >= 1 && id <= 4) seen |= 1u << id;
    switch (id) {
      case 1:
        return r.ReadI32(t, &md.version);
      case 2:
        return ReadList(r, t, [&](ThriftType et) -> Status {
          md.schema.emplace_back();
          return ReadSchemaElement(r, et, &md.schema.back());
        });
      case 3:
        return r.ReadI64(t, &md.num_rows);
      case 4:
        return ReadList(r, t, [&](ThriftType et) -> Status {
          md.row_groups.emplace_back();
          return ReadRowGroup(r, et, &md.row_groups.back());
        });
      case 5:
        return ReadList(r, t, [&](ThriftType et) -> Status {
          if (et != ThriftType::kStruct) return r.Error("KeyValue is not a struct");
          std::pair<std::string, std::string> kv;
          STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType ft, int16_t fid) -> Status {
            if (fid == 1) return r.ReadBinary(ft, &kv.first);
            if (fid == 2) return r.ReadBinary(ft, &kv.second);
            return r.Skip(ft);
          }));
          md.key_value_metadata.push_back(std::move(kv));
          return Status::OK();
        });
      case 6: {
        std::string s;
        STEDI_RETURN_NOT_OK(r.ReadBinary(t, &s));
        md.created_by = std::move(s);
        return Status::OK();
      }
      default:
        return r.Skip(t);
    }
  }));
  STEDI_RETURN_NOT_OK(Require(r, seen == 0x1E, "FileMetaData fields 1-4"));
  return md;
}

std::string SerializePageHeader(const PageHeader& h) {
  ThriftCompactWriter w;
  w.StructBegin();
  w.FieldI32(1, static_cast<int32_t>(h.type));
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.data_page) {
    const DataPageHeader& d = *h.data_page;
    w.FieldStructBegin(5);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, static_cast<int32_t>(d.encoding));
    w.FieldI32(3, static_cast<int32_t>(d.definition_level_encoding));
    w.FieldI32(4, static_cast<int32_t>(d.repetition_level_encoding));
    if (d.statistics) WriteStatistics(w, 5, *d.statistics);
    w.StructEnd();
  }
  if (h.dictionary_page) {
    w.FieldStructBegin(7);
    w.FieldI32(1, h.dictionary_page->num_values);
    w.FieldI32(2, static_cast<int32_t>(h.dictionary_page->encoding));
    w.StructEnd();
  }
  if (h.data_page_v2) {
    const DataPageHeaderV2& d = *h.data_page_v2;
    w.FieldStructBegin(8);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.num_nulls);
    w.FieldI32(3, d.num_rows);
    w.FieldI32(4, static_cast<int32_t>(d.encoding));
    w.FieldI32(5, d.definition_levels_byte_length);
    w.FieldI32(6, d.repetition_levels_byte_length);
    w.FieldBool(7, d.is_compressed);
    w.StructEnd();
  }
  w.StructEnd();
  return w.Release();
}

Result<PageHeader> ParsePageHeader(std::string_view bytes, const std::string& context,
                                   uint64_t base_offset, size_t* header_size) {
  ThriftCompactReader r(bytes, context, base_offset);
  PageHeader h;
  uint32_t seen = 0;
  STEDI_RETURN_NOT_OK(ReadStruct(r, [&](ThriftType t, int16_t id) -> Status {
    int32_t v;
    if (id >= 1 && id <= 3) seen |= 1u << id;
    switch (id) {
      case 1:
        STEDI_RETURN_NOT_OK(r.ReadI32(t, &v));
        h.type = static_cast<PageType>(v);
        return Status::OK();
      case 2:
        return r.ReadI32(t, &h.uncompressed_page_size);
      case 3:
        return r.ReadI32(t, &h.compressed_page_size);
      case 5:
        h.data_page.emplace();
        return ReadDataPageHeader(r, t, &*h.data_page);
      case 7:
        h.dictionary_page.emplace();
        return ReadDictionaryPageHeader(r, t, &*h.dictionary_page);
      case 8:
        h.data_page_v2.emplace();
        return ReadDataPageHeaderV2(r, t, &*h.data_page_v2);
      default:
        return r.Skip(t);
    }
  }));
  STEDI_RETURN_NOT_OK(Require(r, seen == 0xE, "PageHeader fields 1-3"));
  if (h.uncompressed_page_size < 0 || h.compressed_page_size < 0) {
    return r.Error("negative page size");
  }
  *header_size = r.position();
  return h;
}

}  // namespace stedi::parquet
