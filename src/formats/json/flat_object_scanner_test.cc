#include "formats/json/flat_object_scanner.h"

#include <gtest/gtest.h>

#include <charconv>
#include <random>
#include <string>
#include <vector>

#include "columnar/column.h"
#include "columnar/staged_column.h"

namespace stedi::json {
namespace {

// "key=kind:text" per member, joined by ' '.
std::string Members(const FlatObjectScanner& scanner) {
  std::string out;
  for (const ScannedMember& m : scanner.members()) {
    if (!out.empty()) out += ' ';
    out += std::string(m.key) + "=" + JsonKindsToString(static_cast<uint32_t>(m.kind)) + ":" +
           std::string(m.text);
  }
  return out;
}

TEST(FlatObjectScannerTest, AcceptsFlatObjectsOfScalars) {
  FlatObjectScanner scanner;
  ASSERT_TRUE(scanner.Scan(R"({"user":"a@b.c","timestamp":1655564444103,"x":-1.0,"y":2e-3})"));
  EXPECT_EQ(Members(scanner),
            "user=string:a@b.c timestamp=integer:1655564444103 x=float:-1.0 y=float:2e-3");
  ASSERT_TRUE(scanner.Scan("{ \"a\" :\ttrue ,\r\"b\": false,\"c\":null , \"d\" : \"\" }"));
  EXPECT_EQ(Members(scanner), "a=boolean:true b=boolean:false c=null:null d=string:");
  ASSERT_TRUE(scanner.Scan("{\"\xC3\xA9\":\"caf\xC3\xA9\",\"z\":0,\"m\":-0.5E+7}"));
  EXPECT_EQ(Members(scanner), "\xC3\xA9=string:caf\xC3\xA9 z=integer:0 m=float:-0.5E+7");
  ASSERT_TRUE(scanner.Scan("{}"));
  EXPECT_EQ(Members(scanner), "");
  ASSERT_TRUE(scanner.Scan("{ }"));
}

// Integers of up to 18 digits, with or without a fraction of zeros, carry their value.
TEST(FlatObjectScannerTest, NumbersCarryTheirIntegerValue) {
  FlatObjectScanner scanner;
  ASSERT_TRUE(scanner.Scan(
      R"({"a":-12,"b":7.00,"c":999999999999999999,"d":1000000000000000000,"e":1.5,"f":2e3,"g":-0.0})"));
  const auto& m = scanner.members();
  ASSERT_EQ(m.size(), 7u);
  EXPECT_TRUE(m[0].integral && m[0].negative && m[0].magnitude == 12);
  EXPECT_TRUE(m[1].integral && !m[1].negative && m[1].magnitude == 7);
  EXPECT_TRUE(m[2].integral && m[2].magnitude == 999999999999999999u);
  EXPECT_FALSE(m[3].integral);  // 19 digits
  EXPECT_FALSE(m[4].integral);  // a fraction that is not zero
  EXPECT_FALSE(m[5].integral);  // an exponent
  EXPECT_TRUE(m[6].integral && m[6].negative && m[6].magnitude == 0);
}

TEST(FlatObjectScannerTest, RefusesEverythingOutsideTheSubset) {
  FlatObjectScanner scanner;
  for (const char* text : {"{\"a\":1",
                           "\"a\":1}",
                           "{\"a\":1}}",
                           "{\"a\":1,}",
                           "{,\"a\":1}",
                           "{\"a\" 1}",
                           "{\"a\":}",
                           "{\"a\":1 \"b\":2}",
                           "{a:1}",
                           "{\"a\":01}",
                           "{\"a\":1.}",
                           "{\"a\":.5}",
                           "{\"a\":-}",
                           "{\"a\":+1}",
                           "{\"a\":1e}",
                           "{\"a\":1e+}",
                           "{\"a\":0x1}",
                           "{\"a\":tru}",
                           "{\"a\":truex}",
                           "{\"a\":nul}",
                           "{\"a\":NaN}",
                           "{\"a\":\"x\\\"y\"}",
                           "{\"a\\n\":1}",
                           "{\"a\":\"tab\there\"}",
                           "{\"a\":\"\xFF\"}",
                           "{\"a\":\"\xC3\"}",
                           "{\"a\":{}}",
                           "{\"a\":[1]}",
                           "{\"a\":\"open}",
                           "{\"a\":1} ",
                           "{",
                           "}",
                           ""}) {
    EXPECT_FALSE(scanner.Scan(text)) << text;
  }
}

// Strings are searched 16 bytes at a time for bytes that need a look: each such byte at every
// position of a long string, and the end of the string at every position, give the same answers.
TEST(FlatObjectScannerTest, EveryPositionOfALongString) {
  FlatObjectScanner scanner;
  for (size_t length = 0; length <= 40; ++length) {
    const std::string plain(length, 'a');
    const std::string text = "{\"k\":\"" + plain + "\"}";
    ASSERT_TRUE(scanner.Scan(text)) << length;
    EXPECT_EQ(scanner.members()[0].text, plain);
    for (size_t at = 0; at < length; ++at) {
      auto with = [&](std::string_view bytes) {
        std::string s = plain;
        s.replace(at, 1, bytes);
        return s;
      };
      EXPECT_FALSE(scanner.Scan("{\"k\":\"" + with("\\") + "\"}")) << at;
      EXPECT_FALSE(scanner.Scan("{\"k\":\"" + with("\t") + "\"}")) << at;
      EXPECT_FALSE(scanner.Scan("{\"k\":\"" + with("\xC3") + "\"}")) << at;  // cut UTF-8
      EXPECT_FALSE(scanner.Scan("{\"k\":\"" + with("\"") + "\"}")) << at;    // ends early
      for (std::string_view ok : {std::string_view("\x7F"), std::string_view("\xC3\xA9")}) {
        const std::string s = with(ok);
        const std::string text = "{\"k\":\"" + s + "\"}";  // members() point into it
        ASSERT_TRUE(scanner.Scan(text)) << at;
        EXPECT_EQ(scanner.members()[0].text, s) << at;
      }
    }
  }
}

// Numbers are read up to eight digits at a time, so every length of every part, at the end of
// the object and before another member, must read as the grammar says: the kind, the token,
// and for integers of at most 18 digits (fraction all zeros, no exponent) their exact value.
TEST(FlatObjectScannerTest, NumbersOfEveryLengthReadAsTheGrammarSays) {
  std::mt19937_64 rng(11);
  const auto digits = [&](size_t n, bool first_nonzero, bool zeros) {
    std::string out;
    for (size_t i = 0; i < n; ++i) {
      const char lowest = i == 0 && first_nonzero ? '1' : '0';
      out +=
          zeros ? '0' : static_cast<char>(lowest + rng() % static_cast<unsigned>('9' - lowest + 1));
    }
    return out;
  };
  FlatObjectScanner scanner;
  for (int round = 0; round < 20000; ++round) {
    const bool negative = rng() % 2 == 0;
    const size_t int_digits = 1 + rng() % 24;
    const std::string integer = rng() % 8 == 0 ? "0" : digits(int_digits, true, false);
    const bool has_fraction = rng() % 2 == 0;
    const bool zero_fraction = rng() % 2 == 0;
    const std::string fraction = has_fraction ? digits(1 + rng() % 20, false, zero_fraction) : "";
    const bool has_exponent = rng() % 5 == 0;
    const std::string number = (negative ? "-" : "") + integer +
                               (has_fraction ? "." + fraction : "") +
                               (has_exponent ? "e-" + digits(1 + rng() % 3, false, false) : "");
    const bool integral = integer.size() <= 18 && !has_exponent &&
                          fraction.find_first_not_of('0') == std::string::npos;
    for (const std::string& text : {"{\"a\":" + number + "}", "{\"a\":" + number + ",\"b\":7}"}) {
      ASSERT_TRUE(scanner.Scan(text)) << text;
      const ScannedMember& m = scanner.members()[0];
      EXPECT_EQ(m.text, number);
      EXPECT_EQ(m.kind, has_fraction || has_exponent ? JsonKind::kFloat : JsonKind::kInteger)
          << text;
      EXPECT_EQ(m.negative, negative) << text;
      ASSERT_EQ(m.integral, integral) << text;
      if (integral) {
        EXPECT_EQ(m.magnitude, std::stoull(integer)) << text;
      }
    }
    // A zero followed by more digits, a fraction or exponent without digits: not JSON.
    for (const std::string& bad :
         {"0" + digits(1 + rng() % 12, false, false), integer + ".", integer + ".e5", integer + "e",
          "-" + std::string(".") + integer}) {
      EXPECT_FALSE(scanner.Scan("{\"a\":" + bad + "}")) << bad;
    }
  }
}

// Whether all of TEXT is one object in SHAPE.
bool ScanShapedWhole(FlatObjectScanner& scanner, std::string_view text, const RowShape& shape) {
  const size_t object = scanner.ScanShapedPrefix(text, shape);
  return object > 0 && object == text.size();
}

// A line in the shape of the one before it reads as Scan reads it; any difference in keys,
// their order, a value's kind or spacing is refused (and left to Scan).
TEST(FlatObjectScannerTest, ShapedScanAcceptsOnlyTheSameKeysAndKinds) {
  FlatObjectScanner scanner;
  const std::string first =
      R"({"user":"a@b.c","timestamp":1655564444103,"x":-1.0,"ok":true,"n":null})";
  ASSERT_TRUE(scanner.Scan(first));
  std::vector<std::string_view> keys;
  std::vector<JsonKind> kinds;
  for (const ScannedMember& m : scanner.members()) {
    keys.push_back(m.key);
    kinds.push_back(m.kind);
  }
  RowShape shape;
  shape.Assign(keys, kinds);
  for (const char* same : {
           R"({"user":"d@e.f","timestamp":7,"x":0.5,"ok":false,"n":null})",
           R"({"user":"","timestamp":-12,"x":2e3,"ok":true,"n":null})",
           "{\"user\":\"caf\xC3\xA9\",\"timestamp\":0,\"x\":-0.0,\"ok\":true,\"n\":null}",
       }) {
    ASSERT_TRUE(scanner.Scan(same)) << same;
    const std::string scanned = Members(scanner);
    ASSERT_TRUE(ScanShapedWhole(scanner, same, shape)) << same;
    EXPECT_EQ(Members(scanner), scanned) << same;
    // Followed by the rest of a buffer, the object's own bytes are found and read the same.
    const std::string buffer = std::string(same) + " \n{\"user\":\"next\"}";
    EXPECT_EQ(scanner.ScanShapedPrefix(buffer, shape), std::string_view(same).size()) << same;
    EXPECT_EQ(Members(scanner), scanned) << same;
  }
  for (const char* other : {
           R"({"user":"d@e.f","timestamp":7,"x":1,"ok":false,"n":null})",            // integer x
           R"({"user":"d@e.f","timestamp":7.5,"x":1.0,"ok":false,"n":null})",        // float time
           R"({"user":null,"timestamp":7,"x":1.0,"ok":false,"n":null})",             // null user
           R"({"user":"d@e.f","timestamp":7,"x":1.0,"ok":false,"n":1})",             // n not null
           R"({"user":"d@e.f","timestamp":7,"x":1.0,"ok":false})",                   // one key less
           R"({"user":"d@e.f","timestamp":7,"x":1.0,"ok":false,"n":null,"m":1})",    // one more
           R"({"timestamp":7,"user":"d@e.f","x":1.0,"ok":false,"n":null})",          // order
           R"({"User":"d@e.f","timestamp":7,"x":1.0,"ok":false,"n":null})",          // spelling
           R"({"user":"d@e.f","timestamp":7, "x":1.0,"ok":false,"n":null})",         // a space
           R"({"user":"d\"e","timestamp":7,"x":1.0,"ok":false,"n":null})",           // an escape
           R"({"user":"d@e.f","timestamp":07,"x":1.0,"ok":false,"n":null})",         // bad number
           R"({"user":"d@e.f","timestamp":7,"x":1.0,"ok":fals,"n":null})",           // bad literal
           R"({"user":"d@e.f","timestamp":7,"x":1.0,"ok":false,"n":null}})",         // trailing
           "{\"user\":\"\xFF\",\"timestamp\":7,\"x\":1.0,\"ok\":false,\"n\":null}",  // bad UTF-8
           R"({"user":"d@e.f","timestamp":7,"x":1.0,"ok":false,"n":nul)",            // cut short
       }) {
    EXPECT_FALSE(ScanShapedWhole(scanner, other, shape)) << other;
  }
}

// Lines in a shape are taken into their columns one after another, each value as written
// (strings of every length, also where the buffer ends right after them; integers; floats
// integral or not), up to the first line that is anything else, the row limit, a row longer
// than the byte limit, or a last line without its newline before the end of the input. A row
// given up half-way leaves no value behind, and the bytes reported end at the last row taken.
TEST(FlatObjectScannerTest, TakeShapedRowsStoresRowsUpToTheFirstOtherLine) {
  std::mt19937_64 rng(5);
  RowShape shape;
  shape.Assign({"user", "timestamp", "x"},
               {JsonKind::kString, JsonKind::kInteger, JsonKind::kFloat});
  const std::vector<std::string> others = {
      R"({"user":"a","timestamp":7,"x":1})",                      // integer x
      R"({"user":"a","timestamp":1234567890123456789,"x":1.0})",  // 19 digits
      R"({"user":"a\"b","timestamp":7,"x":1.0})",                 // an escape
      R"({"user":"a","timestamp":7,"x":1.0,"y":2})",              // a key more
      R"({"user":"a","timestamp":7,"x":1e999})",                  // not a finite double
      R"({"user":"a","timestamp":7,"x":1.0} {"user":"b"})",       // more on the line
      R"({"user":"a","timestamp":7 ,"x":1.0})",                   // a space
  };
  FlatObjectScanner scanner;
  for (int round = 0; round < 3000; ++round) {
    struct Expected {
      std::string user;
      int64_t timestamp;
      double x;
      size_t object_end;  // offset just past the row's closing brace
    };
    std::vector<Expected> rows;
    std::string text;
    const size_t count = 1 + rng() % 12;
    const size_t other_at = rng() % 3 == 0 ? rng() % count : count;  // count: none
    for (size_t r = 0; r < count; ++r) {
      if (r == other_at) {
        text += others[rng() % others.size()];
        text += "\n";
        continue;
      }
      Expected row;
      const size_t length = rng() % 48;
      for (size_t i = 0; i < length; ++i) {
        row.user += rng() % 16 == 0 ? std::string("\xC3\xA9") : std::string(1, 'a' + rng() % 26);
      }
      row.timestamp = static_cast<int64_t>(rng() % 2000000000000000000ULL) - 1000000000000000000LL;
      std::string x;
      switch (rng() % 4) {
        case 0:
          row.x = static_cast<double>(static_cast<int>(rng() % 3) - 1);
          x = std::to_string(static_cast<int>(row.x)) + ".0";
          break;
        case 1:
          row.x = 1500.0;
          x = "1.5e3";
          break;
        default: {
          row.x = std::uniform_real_distribution<double>(-1e6, 1e6)(rng);
          char buffer[64];
          const auto out =
              std::to_chars(buffer, buffer + sizeof(buffer), row.x, std::chars_format::fixed);
          x.assign(buffer, out.ptr);
          if (x.find('.') == std::string::npos) x += ".0";
        }
      }
      text += R"({"user":")" + row.user + R"(","timestamp":)" + std::to_string(row.timestamp) +
              R"(,"x":)" + x + "}";
      row.object_end = text.size();
      rows.push_back(row);
      text += std::string(rng() % 3, ' ');
      if (r + 1 < count || rng() % 2 == 0) text += rng() % 4 == 0 ? "\n\n" : "\n";
    }
    const bool at_eof = rng() % 2 == 0;
    const size_t max_rows = rng() % 4 == 0 ? rng() % 8 : SIZE_MAX;
    const size_t max_object_bytes = rng() % 4 == 0 ? 60 + rng() % 60 : SIZE_MAX;
    // Which rows must be taken: those before the first line that stops the scan.
    size_t want = 0;
    for (; want < rows.size() && want < max_rows; ++want) {
      const Expected& row = rows[want];
      const size_t row_begin = want == 0 ? 0 : text.find('{', rows[want - 1].object_end);
      if (want >= other_at) break;
      if (row.object_end - row_begin > max_object_bytes) break;
      if (text.find_first_not_of(' ', row.object_end) == std::string::npos && !at_eof) break;
    }
    StagedColumn users(TypeId::kString), times(TypeId::kInt64), xs(TypeId::kFloat64);
    StagedColumn* outs[] = {&users, &times, &xs};
    const FlatObjectScanner::TakenRows taken =
        scanner.TakeShapedRows(text, shape, outs, max_rows, max_object_bytes, at_eof);
    ASSERT_EQ(taken.rows, want) << text;
    ASSERT_EQ(taken.bytes, want == 0 ? 0 : rows[want - 1].object_end) << text;
    ColumnBuilder user_column(TypeId::kString), time_column(TypeId::kInt64),
        x_column(TypeId::kFloat64);
    users.MoveTo(user_column);
    times.MoveTo(time_column);
    xs.MoveTo(x_column);
    const Column u = user_column.Finish(), t = time_column.Finish(), c = x_column.Finish();
    ASSERT_EQ(u.size(), want);
    ASSERT_EQ(t.size(), want);
    ASSERT_EQ(c.size(), want);
    for (size_t r = 0; r < want; ++r) {
      EXPECT_EQ(u.GetString(r), rows[r].user) << text;
      EXPECT_EQ(t.GetInt64(r), rows[r].timestamp) << text;
      EXPECT_EQ(c.Get<double>(r), rows[r].x) << text;
    }
  }
}

}  // namespace
}  // namespace stedi::json
