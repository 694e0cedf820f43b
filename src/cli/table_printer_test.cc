#include "cli/table_printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace stedi {
namespace {

TextTable Sample() {
  TextTable t;
  t.columns = {"table", "rows"};
  t.numeric = {false, true};
  t.rows = {{"a,b", "12"}, {"say \"hi\"", std::nullopt}};
  return t;
}

TEST(TablePrinterTest, CsvQuotesPerRfc4180) {
  std::ostringstream out;
  PrintTable(Sample(), OutputFormat::kCsv, out);
  EXPECT_EQ(out.str(), "table,rows\n\"a,b\",12\n\"say \"\"hi\"\"\",\n");
}

TEST(TablePrinterTest, JsonKeepsNumbersAndNulls) {
  std::ostringstream out;
  PrintTable(Sample(), OutputFormat::kJson, out);
  EXPECT_EQ(out.str(),
            "[\n {\"table\": \"a,b\", \"rows\": 12},\n {\"table\": \"say \\\"hi\\\"\", "
            "\"rows\": null}\n]\n");
}

TEST(TablePrinterTest, GridAlignsColumns) {
  std::ostringstream out;
  PrintTable(Sample(), OutputFormat::kTable, out);
  EXPECT_EQ(out.str(),
            "table    | rows\n---------+-----\na,b      |   12\nsay \"hi\" | NULL\n(2 rows)\n");
}

TEST(TablePrinterTest, RejectsUnknownFormat) {
  EXPECT_TRUE(ParseOutputFormat("xml").status().IsInvalid());
}

}  // namespace
}  // namespace stedi
