#include "cli/byte_size.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>

#include "columnar/schema.h"

namespace stedi {

Result<uint64_t> ParseByteSize(std::string_view text) {
  auto invalid = [&] {
    return Status::Invalid("'" + std::string(text) +
                           "' is not a size (examples: 512MiB, 2GB, 1.5GiB, 1048576)");
  };
  size_t unit_at = 0;
  while (unit_at < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[unit_at])) || text[unit_at] == '.')) {
    ++unit_at;
  }
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + unit_at, number);
  if (unit_at == 0 || ec != std::errc() || end != text.data() + unit_at) return invalid();
  std::string_view rest = text.substr(unit_at);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  double scale = 0;
  if (rest.empty() || NamesEqual(rest, "b")) {
    scale = 1;
  } else {
    static constexpr char kPrefixes[] = "kmgt";
    const size_t power = std::string_view(kPrefixes).find(
        static_cast<char>(std::tolower(static_cast<unsigned char>(rest[0]))));
    if (power == std::string_view::npos) return invalid();
    const std::string_view suffix = rest.substr(1);
    double base = 0;
    if (suffix.empty() || NamesEqual(suffix, "ib")) {
      base = 1024;
    } else if (NamesEqual(suffix, "b")) {
      base = 1000;
    } else {
      return invalid();
    }
    scale = std::pow(base, static_cast<double>(power + 1));
  }
  const double bytes = number * scale;
  if (!(bytes >= 1) || bytes > 9.0e18) return invalid();
  return static_cast<uint64_t>(bytes);
}

}  // namespace stedi
