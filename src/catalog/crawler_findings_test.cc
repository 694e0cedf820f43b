#include "catalog/crawler_findings.h"

#include <gtest/gtest.h>

namespace stedi {
namespace {

SourceFile File(const std::string& name, int64_t records) {
  SourceFile f;
  f.source = "accelerometer";
  f.name = name;
  f.records = records;
  return f;
}

FieldObservation Seen(const std::string& file, const std::string& field, const std::string& kinds,
                      int64_t present, int64_t nulls = 0) {
  return FieldObservation{"accelerometer", file, field, kinds, present, nulls};
}

// Nine files of ten records each plus one that yielded no record. Hand-built so each kind of
// drift shows once:
//   timestamp  spelled timeStamp in f2 only
//   x          integer in f1..f8 (two nulls in f3), float in f9
//   user       string everywhere, never null
//   shareWithPublicAsOfDate  absent from f4, f5, f6
//   z          only in f1, and there in 5 of 10 records
class CrawlerFindingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 9; ++i) files_.push_back(File("f" + std::to_string(i) + ".json", 10));
    files_.push_back(File("empty.json", 0));
    for (int i = 1; i <= 9; ++i) {
      std::string f = "f" + std::to_string(i) + ".json";
      obs_.push_back(Seen(f, i == 2 ? "timeStamp" : "timestamp", "integer", 10));
      obs_.push_back(Seen(f, "user", "string", 10));
      if (i == 3) {
        obs_.push_back(Seen(f, "x", "integer|null", 10, 2));
      } else {
        obs_.push_back(Seen(f, "x", i == 9 ? "float" : "integer", 10));
      }
      if (i < 4 || i > 6) obs_.push_back(Seen(f, "shareWithPublicAsOfDate", "integer", 10));
      if (i == 1) obs_.push_back(Seen(f, "z", "string", 5));
    }
  }
  std::vector<SourceFile> files_;
  std::vector<FieldObservation> obs_;
};

TEST_F(CrawlerFindingsTest, SummarizesEachColumnOverFilesWithRecords) {
  std::vector<FieldSummary> got = SummarizeFieldObservations(files_, obs_);
  std::vector<FieldSummary> want = {
      {"timestamp", {"timestamp", "timeStamp"}, "integer", false, 9, 9, {}},
      {"user", {"user"}, "string", false, 9, 9, {}},
      {"x", {"x"}, "null|integer|float", true, 9, 9, {}},
      {"sharewithpublicasofdate",
       {"shareWithPublicAsOfDate"},
       "integer",
       true,
       6,
       9,
       {"f4.json", "f5.json", "f6.json"}},
      {"z",
       {"z"},
       "string",
       true,
       1,
       9,
       {"f2.json", "f3.json", "f4.json", "f5.json", "f6.json", "f7.json", "f8.json", "f9.json"}},
  };
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(got[i], want[i]) << "column " << i;
}

TEST_F(CrawlerFindingsTest, ReportsSpellingTypeAndAbsenceDrift) {
  std::vector<DriftNote> got = FindSchemaDrift(files_, obs_);
  std::vector<std::string> want = {
      "field timestamp spelled 'timeStamp' in f2.json and 'timestamp' in 8 other files",
      "field x is float in f9.json and integer in 8 other files",
      "field shareWithPublicAsOfDate absent from 3 of 9 files: f4.json, f5.json, f6.json",
      "field z absent from 8 of 9 files: f2.json, f3.json, f4.json, f5.json, f6.json, …",
  };
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].message, want[i]);
    EXPECT_EQ(got[i].source, "accelerometer");
  }
}

TEST(CrawlerFindings, UniformFilesHaveNoDrift) {
  std::vector<SourceFile> files = {File("a.json", 3), File("b.json", 2)};
  std::vector<FieldObservation> obs = {Seen("a.json", "id", "integer", 3),
                                       Seen("b.json", "id", "integer|null", 2, 2)};
  EXPECT_TRUE(FindSchemaDrift(files, obs).empty());  // null alone is not a type change
  auto summary = SummarizeFieldObservations(files, obs);
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_TRUE(summary[0].nullable);
  EXPECT_EQ(summary[0].json_types, "null|integer");
}

TEST(CrawlerFindings, FileWithBothSpellingsIsItsOwnGroup) {
  std::vector<SourceFile> files = {File("a.json", 2), File("b.json", 2), File("c.json", 2)};
  std::vector<FieldObservation> obs = {
      Seen("a.json", "Email", "string", 1), Seen("a.json", "email", "string", 1),
      Seen("b.json", "email", "string", 2), Seen("c.json", "email", "string", 2)};
  auto notes = FindSchemaDrift(files, obs);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0].message,
            "field Email spelled 'Email'/'email' in a.json and 'email' in 2 other files");
  auto summary = SummarizeFieldObservations(files, obs);
  ASSERT_EQ(summary.size(), 1u);
  EXPECT_FALSE(summary[0].nullable);  // 1 + 1 of a.json's 2 records
  EXPECT_EQ(summary[0].spellings, (std::vector<std::string>{"Email", "email"}));
}

}  // namespace
}  // namespace stedi
