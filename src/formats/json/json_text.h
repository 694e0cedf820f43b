#pragma once

#include <string>
#include <string_view>

namespace stedi::json {

/// Appends S to OUT as a JSON string literal: quotes, backslash escapes for '"', '\\' and
/// control characters; UTF-8 passes through unchanged.
void AppendJsonString(std::string_view s, std::string* out);

/// Returns S as a JSON string literal.
inline std::string JsonString(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

}  // namespace stedi::json
