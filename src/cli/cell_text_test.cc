#include "cli/cell_text.h"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>

namespace stedi {
namespace {

Column Int64Column(TypeId type, const std::vector<std::optional<int64_t>>& values) {
  ColumnBuilder b(type);
  for (const auto& v : values) {
    if (v) {
      b.AppendInt64(*v);
    } else {
      b.AppendNull();
    }
  }
  return b.Finish();
}

TEST(CellTextTest, TimestampsAreUtcWithMilliseconds) {
  // 1655564444.123456 s is 2022-06-18 15:00:44.123456 UTC (computed with Python's datetime).
  Column c = Int64Column(TypeId::kTimestamp,
                         {int64_t{1655564444123456}, int64_t{0}, int64_t{-1}, std::nullopt});
  EXPECT_EQ(CellText(c, 0), "2022-06-18 15:00:44.123");
  EXPECT_EQ(CellText(c, 1), "1970-01-01 00:00:00.000");
  EXPECT_EQ(CellText(c, 2), "1969-12-31 23:59:59.999");
  EXPECT_EQ(CellText(c, 3), std::nullopt);
}

TEST(CellTextTest, DatesAndIntegers) {
  ColumnBuilder dates(TypeId::kDate);
  dates.AppendInt32(19000);  // 2022-01-08
  dates.AppendInt32(-1);
  Column d = dates.Finish();
  EXPECT_EQ(CellText(d, 0), "2022-01-08");
  EXPECT_EQ(CellText(d, 1), "1969-12-31");
  Column i = Int64Column(TypeId::kInt64, {int64_t{-42}, std::numeric_limits<int64_t>::max()});
  EXPECT_EQ(CellText(i, 0), "-42");
  EXPECT_EQ(CellText(i, 1), "9223372036854775807");
}

TEST(CellTextTest, DoublesReadBackExactly) {
  ColumnBuilder b(TypeId::kFloat64);
  for (double v : {0.1, 1.0, -2.5, 1e300, std::numeric_limits<double>::quiet_NaN(),
                   -std::numeric_limits<double>::infinity()}) {
    b.AppendDouble(v);
  }
  Column c = b.Finish();
  EXPECT_EQ(CellText(c, 0), "0.1");
  EXPECT_EQ(CellText(c, 1), "1.0");
  EXPECT_EQ(CellText(c, 2), "-2.5");
  EXPECT_EQ(std::stod(*CellText(c, 3)), 1e300);
  EXPECT_EQ(CellText(c, 4), "NaN");
  EXPECT_EQ(CellText(c, 5), "-Infinity");
}

TEST(CellTextTest, StringsBooleansAndBinaries) {
  ColumnBuilder s(TypeId::kString);
  s.AppendString("Ünïcode, \"quoted\"");
  EXPECT_EQ(CellText(s.Finish(), 0), "Ünïcode, \"quoted\"");
  ColumnBuilder flags(TypeId::kBoolean);
  flags.AppendBool(true);
  flags.AppendBool(false);
  Column f = flags.Finish();
  EXPECT_EQ(CellText(f, 0), "true");
  EXPECT_EQ(CellText(f, 1), "false");
  ColumnBuilder bin(TypeId::kBinary);
  bin.AppendString(std::string("\x00\xff\x10", 3));
  EXPECT_EQ(CellText(bin.Finish(), 0), "00ff10");
}

TEST(StreamingTablePrinterTest, JsonTypesPerColumnKind) {
  std::ostringstream out;
  StreamingTablePrinter p(
      {"n", "b", "s", "d"},
      {CellKind::kNumber, CellKind::kBoolean, CellKind::kText, CellKind::kNumber},
      OutputFormat::kJson, out);
  p.AddRow({"1", "true", "x", "NaN"});
  p.AddRow({std::nullopt, std::nullopt, std::nullopt, "2.5"});
  p.Finish();
  EXPECT_EQ(out.str(),
            "[\n {\"n\": 1, \"b\": true, \"s\": \"x\", \"d\": \"NaN\"},\n"
            " {\"n\": null, \"b\": null, \"s\": null, \"d\": 2.5}\n]\n");
}

TEST(StreamingTablePrinterTest, EmptyResultsStillHaveHeaderOrBrackets) {
  std::ostringstream csv, json, table;
  StreamingTablePrinter c({"a", "b"}, {CellKind::kText, CellKind::kNumber}, OutputFormat::kCsv,
                          csv);
  c.Finish();
  StreamingTablePrinter j({"a"}, {CellKind::kText}, OutputFormat::kJson, json);
  j.Finish();
  StreamingTablePrinter t({"a"}, {CellKind::kText}, OutputFormat::kTable, table);
  t.Finish();
  EXPECT_EQ(csv.str(), "a,b\n");
  EXPECT_EQ(json.str(), "[]\n");
  EXPECT_EQ(table.str(), "a\n-\n(0 rows)\n");
}

}  // namespace
}  // namespace stedi
