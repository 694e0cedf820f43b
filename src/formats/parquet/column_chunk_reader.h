#pragma once

#include <cstdint>
#include <string>

#include "columnar/column.h"
#include "columnar/data_type.h"
#include "formats/parquet/metadata.h"
#include "status/result.h"
#include "storage/file_system.h"

namespace stedi::parquet {

/// How one flat Parquet leaf column maps onto a STEDI column.
struct ColumnDescriptor {
  std::string name;
  PhysicalType physical = PhysicalType::kInt32;
  int32_t type_length = 0;  ///< FIXED_LEN_BYTE_ARRAY width.
  TypeId type = TypeId::kInt32;
  int max_definition_level = 0;            ///< 1 for OPTIONAL, 0 for REQUIRED.
  TimeUnit time_unit = TimeUnit::kMicros;  ///< Unit stored on disk for INT64 timestamps.
  bool unsigned_int32 = false;             ///< UINT_32 read into int64.
};

/// Reads the column chunk CHUNK of FILE (whose data region ends at DATA_END) and returns its
/// NUM_ROWS values as a Column of DESCRIPTOR's type. Malformed bytes give Corruption naming the
/// file and offset; encodings or features we do not read give NotImplemented naming the column.
Result<Column> ReadColumnChunk(const RandomAccessFile& file, uint64_t data_end,
                               const ColumnDescriptor& descriptor, const ColumnChunk& chunk,
                               int64_t num_rows);

}  // namespace stedi::parquet
