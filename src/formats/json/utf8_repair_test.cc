#include "formats/json/utf8_repair.h"

#include <gtest/gtest.h>

namespace stedi::json {
namespace {

std::string Repair(std::string_view in, size_t* count) {
  std::string out;
  *count = AppendRepairedUtf8(in, &out);
  return out;
}

TEST(Utf8RepairTest, ValidTextIsUnchanged) {
  size_t n;
  const std::string text = "abc \xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xED\x9F\xBF";
  EXPECT_EQ(Repair(text, &n), text);
  EXPECT_EQ(n, 0u);
}

TEST(Utf8RepairTest, MaximalSubpartsBecomeOneReplacementEach) {
  // The example of the Unicode Standard, table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64
  // gives a, FFFD (F1 80 80), FFFD (E1 80), FFFD (C2), b, FFFD, c, FFFD, FFFD, d.
  size_t n;
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(Repair("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64", &n),
            "a" + r + r + r + "b" + r + "c" + r + r + "d");
  EXPECT_EQ(n, 6u);
  // Overlong encodings, surrogates and bytes that never occur are replaced byte by byte.
  EXPECT_EQ(Repair("\xC0\xAF", &n), r + r);
  EXPECT_EQ(Repair("\xED\xA0\x80", &n), r + r + r);
  EXPECT_EQ(Repair("\xFF", &n), r);
  // A sequence cut at the end of the text is one maximal subpart.
  EXPECT_EQ(Repair("x\xF0\x9F\x98", &n), "x" + r);
  EXPECT_EQ(n, 1u);
}

}  // namespace
}  // namespace stedi::json
