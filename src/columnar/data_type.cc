#include "columnar/data_type.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace stedi {

std::string_view TypeName(TypeId type) {
  switch (type) {
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kInt32:
      return "int";
    case TypeId::kInt64:
      return "bigint";
    case TypeId::kFloat64:
      return "double";
    case TypeId::kString:
      return "string";
    case TypeId::kBinary:
      return "binary";
    case TypeId::kDate:
      return "date";
    case TypeId::kTimestamp:
      return "timestamp";
  }
  return "unknown";
}

std::optional<TypeId> TypeFromName(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (TypeId t : {TypeId::kBoolean, TypeId::kInt32, TypeId::kInt64, TypeId::kFloat64,
                   TypeId::kString, TypeId::kBinary, TypeId::kDate, TypeId::kTimestamp}) {
    if (TypeName(t) == lower) return t;
  }
  return std::nullopt;
}

int FixedWidth(TypeId type) {
  switch (type) {
    case TypeId::kBoolean:
      return 1;
    case TypeId::kInt32:
    case TypeId::kDate:
      return 4;
    case TypeId::kInt64:
    case TypeId::kTimestamp:
    case TypeId::kFloat64:
      return 8;
    case TypeId::kString:
    case TypeId::kBinary:
      return 0;
  }
  return 0;
}

}  // namespace stedi
