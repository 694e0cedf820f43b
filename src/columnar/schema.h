#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/data_type.h"

namespace stedi {

/// One named, typed column. FIELD_ID is the stable identity Iceberg and Parquet use to match
/// columns across schema changes (never the position); 0 means "not assigned".
struct Field {
  std::string name;
  TypeId type = TypeId::kString;
  bool nullable = true;
  int field_id = 0;

  bool operator==(const Field&) const = default;
};

/// An ordered list of fields. Names are compared case-insensitively, as Athena does.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

  const std::vector<Field>& fields() const { return fields_; }
  const Field& field(size_t i) const { return fields_[i]; }
  size_t num_fields() const { return fields_.size(); }

  /// Returns the index of the field named NAME (case-insensitive), or nullopt.
  std::optional<size_t> FindField(std::string_view name) const;

  /// Returns "name type[ not null], ..." for messages and tests.
  std::string ToString() const;

  bool operator==(const Schema&) const = default;

 private:
  std::vector<Field> fields_;
};

/// Compares two names the way SQL identifiers compare here: ASCII case-insensitively.
bool NamesEqual(std::string_view a, std::string_view b);

}  // namespace stedi
