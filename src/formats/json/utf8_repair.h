#pragma once

#include <string>
#include <string_view>

namespace stedi::json {

/// Appends TEXT to OUT with every ill-formed UTF-8 sequence replaced by U+FFFD (EF BF BD), one
/// replacement per maximal subpart as the Unicode Standard recommends (chapter 3, "U+FFFD
/// Substitution of Maximal Subparts"). Returns how many replacements were made.
size_t AppendRepairedUtf8(std::string_view text, std::string* out);

}  // namespace stedi::json
