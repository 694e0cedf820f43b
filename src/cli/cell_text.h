#pragma once

#include <optional>
#include <string>

#include "cli/table_printer.h"
#include "columnar/column.h"

namespace stedi {

/// Returns how the printers write cells of TYPE (numbers unquoted in JSON, and so on).
CellKind CellKindOf(TypeId type);

/// Returns row ROW of COLUMN as text for the user, nullopt when NULL: integers in decimal,
/// doubles in the shortest form that reads back to the same value (with ".0" when integral,
/// "NaN"/"Infinity"/"-Infinity" when not finite), dates as YYYY-MM-DD, timestamps (UTC) as
/// "YYYY-MM-DD HH:MM:SS.mmm", booleans as true/false, binaries as lower-case hex.
std::optional<std::string> CellText(const Column& column, size_t row);

}  // namespace stedi
