#include <algorithm>
#include <string>
#include <string_view>

#include "columnar/column_kernels.h"
#include "sql/expression/operand.h"

namespace stedi::sql {

namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Returns the byte length of the UTF-8 character starting at S[AT] (1 for stray bytes).
size_t CharLength(std::string_view s, size_t at) {
  size_t n = 1;
  while (at + n < s.size() && IsContinuationByte(s[at + n])) ++n;
  return n;
}

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += IsContinuationByte(c) ? 0 : 1;
  return n;
}

// Returns the byte offset of character CHAR_INDEX (0-based) of S, or s.size() past the end.
size_t ByteOffsetOfChar(std::string_view s, size_t char_index) {
  size_t at = 0;
  for (size_t k = 0; k < char_index && at < s.size(); ++k) at += CharLength(s, at);
  return std::min(at, s.size());
}

// Case mapping for the two-byte UTF-8 letters most names use: Latin-1, Latin Extended-A, Greek
// and Cyrillic. Pairs whose mapping would change the byte length are left alone.
uint32_t LowerTwoByte(uint32_t cp) {
  if ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) ||
      (cp >= 0x410 && cp <= 0x42F)) {
    return cp + 0x20;
  }
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp | 1;
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return cp + (cp & 1);
  return cp;
}

uint32_t UpperTwoByte(uint32_t cp) {
  if ((cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) || (cp >= 0x3B1 && cp <= 0x3CB && cp != 0x3C2) ||
      (cp >= 0x430 && cp <= 0x44F)) {
    return cp - 0x20;
  }
  if (cp >= 0x450 && cp <= 0x45F) return cp - 0x50;
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) return cp & ~1u;
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) return cp - ((cp & 1) ^ 1);
  return cp;
}

// LIKE with % (any run) and _ (one character), no escape. Greedy match that backtracks only to
// the last %, which is enough because a later % can absorb anything an earlier one could.
bool LikeMatch(std::string_view s, std::string_view p) {
  size_t si = 0, pi = 0;
  size_t star_p = std::string_view::npos, star_s = 0;
  while (si < s.size()) {
    if (pi < p.size() && p[pi] == '%') {
      star_p = pi++;
      star_s = si;
    } else if (pi < p.size() && p[pi] == '_') {
      si += CharLength(s, si);
      ++pi;
    } else if (pi < p.size() && p[pi] == s[si]) {
      ++si;
      ++pi;
    } else if (star_p != std::string_view::npos) {
      pi = star_p + 1;
      star_s += CharLength(s, star_s);
      si = star_s;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '%') ++pi;
  return pi == p.size();
}

// A constant pattern is classified once so the common shapes run as plain string tests.
struct CompiledLike {
  enum class Shape { kExact, kPrefix, kSuffix, kContains, kGeneral } shape = Shape::kGeneral;
  std::string pattern;
  std::string literal;

  explicit CompiledLike(std::string p) : pattern(std::move(p)) {
    if (pattern.find('_') != std::string::npos) return;
    const size_t first = pattern.find('%');
    if (first == std::string::npos) {
      shape = Shape::kExact;
      literal = pattern;
      return;
    }
    const std::string_view v = pattern;
    const size_t count = std::count(v.begin(), v.end(), '%');
    if (count == 1 && first == v.size() - 1) {
      shape = Shape::kPrefix;
      literal = v.substr(0, first);
    } else if (count == 1 && first == 0) {
      shape = Shape::kSuffix;
      literal = v.substr(1);
    } else if (count == 2 && first == 0 && v.back() == '%' && v.size() >= 2) {
      shape = Shape::kContains;
      literal = v.substr(1, v.size() - 2);
    }
  }

  bool Matches(std::string_view s) const {
    switch (shape) {
      case Shape::kExact:
        return s == literal;
      case Shape::kPrefix:
        return s.starts_with(literal);
      case Shape::kSuffix:
        return s.ends_with(literal);
      case Shape::kContains:
        return s.find(literal) != std::string_view::npos;
      case Shape::kGeneral:
        break;
    }
    return LikeMatch(s, pattern);
  }
};

Column EvalLike(std::vector<Operand>& args, size_t rows) {
  if (args[1].is_scalar()) {
    if (args[1].scalar->is_null()) return NullColumn(TypeId::kBoolean, rows);
    const CompiledLike like(std::get<std::string>(args[1].scalar->value));
    const Column& in = Materialize(args[0], rows);
    std::vector<uint8_t> out(rows);
    for (size_t i = 0; i < rows; ++i) out[i] = like.Matches(in.GetString(i));
    return BuildFixed(TypeId::kBoolean, out, in.validity());
  }
  const Column& in = Materialize(args[0], rows);
  const Column& pattern = Materialize(args[1], rows);
  std::vector<uint8_t> out(rows);
  for (size_t i = 0; i < rows; ++i) out[i] = LikeMatch(in.GetString(i), pattern.GetString(i));
  return BuildFixed(TypeId::kBoolean, out,
                    MergeValidity(ValidityOf(args[0]), ValidityOf(args[1]), rows));
}

// Applies F(string_view, std::string& out) to each present row of a string column.
template <typename F>
Column MapStrings(const Column& in, F f) {
  ColumnBuilder out(TypeId::kString);
  out.Reserve(in.size());
  std::string buffer;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in.IsNull(i)) {
      out.AppendNull();
      continue;
    }
    buffer.clear();
    f(in.GetString(i), buffer);
    out.AppendString(buffer);
  }
  return out.Finish();
}

// SUBSTR as Presto: 1-based START, negative counts from the end, 0 or out of range gives ''.
std::string_view Substring(std::string_view s, int64_t start, std::optional<int64_t> length) {
  if (start == 0) return {};
  const auto chars = static_cast<int64_t>(CountChars(s));
  if (start < 0) start += chars + 1;
  if (start < 1 || start > chars) return {};
  int64_t end = chars + 1;  // exclusive, 1-based
  if (length) {
    if (*length <= 0) return {};
    end = std::min(end, start + *length);
  }
  const size_t from = ByteOffsetOfChar(s, static_cast<size_t>(start - 1));
  const size_t to = ByteOffsetOfChar(s, static_cast<size_t>(end - 1));
  return s.substr(from, to - from);
}

}  // namespace

Result<Column> EvaluateStringFunction(const BoundExpr& call, std::vector<Operand>& args,
                                      size_t rows) {
  const std::string& f = call.function;
  if (f == "like") return EvalLike(args, rows);
  if (f == "concat") {
    std::vector<const Column*> parts;
    for (Operand& a : args) parts.push_back(&Materialize(a, rows));
    ColumnBuilder out(TypeId::kString);
    out.Reserve(rows);
    std::string buffer;
    for (size_t i = 0; i < rows; ++i) {
      bool any_null = false;
      buffer.clear();
      for (const Column* c : parts) {
        any_null |= c->IsNull(i);
        buffer += c->GetString(i);
      }
      if (any_null) {
        out.AppendNull();
      } else {
        out.AppendString(buffer);
      }
    }
    return out.Finish();
  }
  const Column& in = Materialize(args[0], rows);
  if (f == "lower" || f == "upper") {
    const bool upper = f == "upper";
    return MapStrings(in, [upper](std::string_view s, std::string& out) {
      out.assign(s);
      for (size_t i = 0; i < out.size(); ++i) {
        char& c = out[i];
        if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        const auto lead = static_cast<unsigned char>(c);
        if (lead >= 0xC2 && lead <= 0xDF && i + 1 < out.size() && IsContinuationByte(out[i + 1])) {
          const auto trail = static_cast<unsigned char>(out[i + 1]);
          const uint32_t cp = ((lead & 0x1Fu) << 6) | (trail & 0x3Fu);
          const uint32_t mapped = upper ? UpperTwoByte(cp) : LowerTwoByte(cp);
          // Every mapping stays within U+0080..U+07FF, so the width is unchanged.
          out[i] = static_cast<char>(0xC0 | (mapped >> 6));
          out[i + 1] = static_cast<char>(0x80 | (mapped & 0x3F));
          ++i;
        }
      }
    });
  }
  if ((f == "trim" || f == "ltrim" || f == "rtrim") && args.size() == 2) {
    // trim(s, chars): removes any of the characters of CHARS (ASCII bytes or whole UTF-8
    // sequences alike, compared as text) from the chosen ends.
    const Column& chars = Materialize(args[1], rows);
    const bool left = f != "rtrim";
    const bool right = f != "ltrim";
    ColumnBuilder out(TypeId::kString);
    out.Reserve(rows);
    for (size_t i = 0; i < rows; ++i) {
      if (in.IsNull(i) || chars.IsNull(i)) {
        out.AppendNull();
        continue;
      }
      std::string_view s = in.GetString(i);
      const std::string_view set = chars.GetString(i);
      auto in_set = [&](std::string_view c) { return set.find(c) != std::string_view::npos; };
      while (left && !s.empty() && in_set(s.substr(0, CharLength(s, 0)))) {
        s.remove_prefix(CharLength(s, 0));
      }
      while (right && !s.empty()) {
        size_t start = s.size() - 1;
        while (start > 0 && IsContinuationByte(s[start])) --start;
        if (!in_set(s.substr(start))) break;
        s.remove_suffix(s.size() - start);
      }
      out.AppendString(s);
    }
    return out.Finish();
  }
  if (f == "ltrim" || f == "rtrim") {
    const bool left = f == "ltrim";
    return MapStrings(in, [left](std::string_view s, std::string& out) {
      while (left && !s.empty() && s.front() == ' ') s.remove_prefix(1);
      while (!left && !s.empty() && s.back() == ' ') s.remove_suffix(1);
      out.assign(s);
    });
  }
  if (f == "replace" || f == "strpos") {
    std::vector<const Column*> rest;
    for (size_t k = 1; k < args.size(); ++k) rest.push_back(&Materialize(args[k], rows));
    const bool replace = f == "replace";
    ColumnBuilder out(replace ? TypeId::kString : TypeId::kInt64);
    out.Reserve(rows);
    std::string buffer;
    for (size_t i = 0; i < rows; ++i) {
      bool any_null = in.IsNull(i);
      for (const Column* c : rest) any_null |= c->IsNull(i);
      if (any_null) {
        out.AppendNull();
        continue;
      }
      const std::string_view s = in.GetString(i);
      const std::string_view search = rest[0]->GetString(i);
      if (!replace) {
        const size_t at = s.find(search);
        out.AppendInt64(at == std::string_view::npos
                            ? 0
                            : static_cast<int64_t>(CountChars(s.substr(0, at))) + 1);
        continue;
      }
      const std::string_view with = rest.size() > 1 ? rest[1]->GetString(i) : std::string_view();
      buffer.clear();
      if (search.empty()) {
        // As Presto: an empty search string matches before every character and at the end.
        for (size_t at = 0; at < s.size();) {
          const size_t n = CharLength(s, at);
          buffer += with;
          buffer += s.substr(at, n);
          at += n;
        }
        buffer += with;
      } else {
        size_t from = 0;
        for (size_t at = s.find(search); at != std::string_view::npos; at = s.find(search, from)) {
          buffer += s.substr(from, at - from);
          buffer += with;
          from = at + search.size();
        }
        buffer += s.substr(from);
      }
      out.AppendString(buffer);
    }
    return out.Finish();
  }
  if (f == "trim") {
    return MapStrings(in, [](std::string_view s, std::string& out) {
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      out.assign(s);
    });
  }
  if (f == "length") {
    std::vector<int64_t> out(rows);
    for (size_t i = 0; i < rows; ++i) out[i] = static_cast<int64_t>(CountChars(in.GetString(i)));
    return BuildFixed(TypeId::kInt64, out, in.validity());
  }
  if (f == "substr") {
    const Column& start = Materialize(args[1], rows);
    const Column* length = args.size() > 2 ? &Materialize(args[2], rows) : nullptr;
    ColumnBuilder out(TypeId::kString);
    out.Reserve(rows);
    for (size_t i = 0; i < rows; ++i) {
      if (in.IsNull(i) || start.IsNull(i) || (length != nullptr && length->IsNull(i))) {
        out.AppendNull();
        continue;
      }
      std::optional<int64_t> len;
      if (length != nullptr) len = length->GetInt64(i);
      out.AppendString(Substring(in.GetString(i), start.GetInt64(i), len));
    }
    return out.Finish();
  }
  return Status::Invalid("unknown string function " + f + LocationSuffix(call));
}

}  // namespace stedi::sql
