#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <random>
#include <string>

#include "columnar/batch.h"
#include "columnar/column_kernels.h"
#include "columnar/staged_column.h"

namespace stedi {
namespace {

TEST(ColumnBuilderTest, FixedWidthWithNulls) {
  ColumnBuilder b(TypeId::kInt64);
  b.AppendInt64(7);
  b.AppendNull();
  b.AppendInt64(-3);
  Column c = b.Finish();
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c.null_count(), 1u);
  EXPECT_FALSE(c.IsNull(0));
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.GetInt64(0), 7);
  EXPECT_EQ(c.GetInt64(2), -3);
  EXPECT_EQ(b.size(), 0u) << "Finish leaves the builder empty";
}

TEST(ColumnBuilderTest, StringsAndCopy) {
  ColumnBuilder b(TypeId::kString);
  b.AppendString("a");
  b.AppendNull();
  b.AppendString("");
  b.AppendString("xyz");
  Column c = b.Finish();
  EXPECT_EQ(c.GetString(0), "a");
  EXPECT_TRUE(c.IsNull(1));
  EXPECT_EQ(c.GetString(2), "");
  EXPECT_FALSE(c.IsNull(2));
  ColumnBuilder copy(TypeId::kString);
  for (size_t i = 0; i < c.size(); ++i) copy.AppendFrom(c, i);
  Column d = copy.Finish();
  EXPECT_EQ(d.GetString(3), "xyz");
  EXPECT_TRUE(d.IsNull(1));
}

TEST(BatchTest, ValidateCatchesMismatch) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"a", TypeId::kInt64, false, 1}, {"B", TypeId::kString, true, 2}});
  BatchBuilder bb(schema);
  bb.column(0).AppendInt64(1);
  bb.column(1).AppendNull();
  Batch batch = bb.Finish();
  EXPECT_TRUE(batch.Validate().ok());
  EXPECT_EQ(batch.num_rows(), 1u);
  EXPECT_EQ(schema->FindField("b"), 1u);
  EXPECT_FALSE(schema->FindField("c").has_value());

  BatchBuilder bad(schema);
  bad.column(0).AppendNull();
  bad.column(1).AppendString("x");
  EXPECT_TRUE(bad.Finish().Validate().IsInvalid());
}

}  // namespace
}  // namespace stedi

namespace stedi {
namespace {

// The bulk gathers must equal row-by-row appends, nulls included (also into an empty builder).
// Values staged and moved over in parts (into builders that already hold rows, with or
// without nulls) give the column that appending them one by one gives.
TEST(StagedColumnTest, MovedPartsEqualValueByValueAppendsEvenWithValuesTakenBack) {
  std::mt19937 rng(5);
  for (TypeId type : {TypeId::kInt64, TypeId::kInt32, TypeId::kFloat64, TypeId::kString,
                      TypeId::kBoolean, TypeId::kTimestamp}) {
    for (int round = 0; round < 40; ++round) {
      ColumnBuilder direct(type), moved(type);
      StagedColumn stage(type);
      std::vector<Column> parts;  // what MOVED handed on so far
      size_t moved_rows = 0;
      const int nulls_every = round % 4 == 0 ? 0 : 1 + static_cast<int>(rng() % 5);
      const size_t n = rng() % 3000;
      for (size_t i = 0; i < n; ++i) {
        const bool null = nulls_every > 0 && static_cast<int>(rng() % nulls_every) == 0;
        const uint32_t v = static_cast<uint32_t>(rng());
        // Strings of every length from empty to longer than the stage's first buffer.
        const std::string text(v % 7 == 0 ? v % 5000 : v % 9, static_cast<char>('a' + v % 26));
        for (int side = 0; side < 2; ++side) {
          if (null) {
            side == 0 ? direct.AppendNull() : stage.AppendNull();
            continue;
          }
          switch (type) {
            case TypeId::kInt32:
              side == 0 ? direct.AppendInt32(static_cast<int32_t>(v))
                        : stage.AppendInt32(static_cast<int32_t>(v));
              break;
            case TypeId::kFloat64:
              side == 0 ? direct.AppendDouble(v * 0.25) : stage.AppendDouble(v * 0.25);
              break;
            case TypeId::kString:
              if (side == 0) {
                direct.AppendString(text);
              } else if (v % 2 == 0) {
                stage.AppendString(text);
              } else {
                // Inside a buffer with at least a block's bytes from the string's start.
                const std::string padded = text + std::string(StagedColumn::kBlockBytes, '#');
                stage.AppendStringInBlock(std::string_view(padded.data(), text.size()));
              }
              break;
            case TypeId::kBoolean:
              side == 0 ? direct.AppendBool(v % 2 == 0) : stage.AppendBool(v % 2 == 0);
              break;
            default:
              side == 0 ? direct.AppendInt64(static_cast<int64_t>(v) << 20)
                        : stage.AppendInt64(static_cast<int64_t>(v) << 20);
          }
        }
        // A value staged and taken back (a row that failed to convert) leaves no trace.
        if (rng() % 6 == 0) {
          if (rng() % 3 == 0) {
            stage.AppendNull();
          } else if (type == TypeId::kString) {
            stage.AppendString(std::string(v % 300, 'z'));
          } else if (type == TypeId::kFloat64) {
            stage.AppendDouble(-1.5);
          } else if (type == TypeId::kBoolean) {
            stage.AppendBool(true);
          } else if (type == TypeId::kInt32) {
            stage.AppendInt32(-7);
          } else {
            stage.AppendInt64(-7);
          }
          stage.PopLast();
        }
        // Moved into the builder now and then, which sometimes hands its rows on: a stage
        // moves its buffers into an empty builder and goes on with fresh ones.
        if (rng() % 500 == 0) {
          stage.MoveTo(moved);
          if (rng() % 2 == 0) {
            moved_rows += moved.size();
            parts.push_back(moved.Finish());
          }
        }
      }
      EXPECT_EQ(stage.size() + moved.size() + moved_rows, n);
      stage.MoveTo(moved);
      EXPECT_EQ(stage.size(), 0u);
      parts.push_back(moved.Finish());
      const Column a = direct.Finish(), b = ConcatenateColumns(parts);
      ASSERT_EQ(a.size(), n);
      ASSERT_EQ(b.size(), n);
      ASSERT_EQ(a.null_count(), b.null_count());
      for (size_t i = 0; i < n; ++i) {
        ASSERT_EQ(a.IsNull(i), b.IsNull(i)) << i;
        if (a.IsNull(i)) continue;
        switch (type) {
          case TypeId::kInt32:
            ASSERT_EQ(a.GetInt32(i), b.GetInt32(i));
            break;
          case TypeId::kFloat64:
            ASSERT_EQ(a.GetDouble(i), b.GetDouble(i));
            break;
          case TypeId::kString:
            ASSERT_EQ(a.GetString(i), b.GetString(i));
            break;
          case TypeId::kBoolean:
            ASSERT_EQ(a.GetBool(i), b.GetBool(i));
            break;
          default:
            ASSERT_EQ(a.GetInt64(i), b.GetInt64(i));
        }
      }
    }
  }
}

TEST(ColumnKernels, BulkAppendsEqualRowByRowAppends) {
  uint64_t state = 7;
  auto next = [&]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (TypeId type : {TypeId::kInt64, TypeId::kInt32, TypeId::kString, TypeId::kBoolean}) {
    for (int round = 0; round < 20; ++round) {
      ColumnBuilder source(type);
      const size_t n = 1 + next() % 50;
      const bool with_nulls = round % 2 == 0;
      for (size_t i = 0; i < n; ++i) {
        if (with_nulls && next() % 3 == 0) {
          source.AppendNull();
        } else if (type == TypeId::kString) {
          source.AppendString(std::string(next() % 5, static_cast<char>('a' + next() % 26)));
        } else if (type == TypeId::kInt32) {
          source.AppendInt32(static_cast<int32_t>(next()));
        } else if (type == TypeId::kBoolean) {
          source.AppendBool(next() % 2 == 0);
        } else {
          source.AppendInt64(static_cast<int64_t>(next()));
        }
      }
      const Column column = source.Finish();
      std::vector<uint32_t> rows;
      for (size_t i = 0; i < 2 * n; ++i) rows.push_back(static_cast<uint32_t>(next() % n));
      ColumnBuilder slow(type), fast(type), range(type), slow_range(type);
      for (uint32_t r : rows) slow.AppendFrom(column, r);
      fast.AppendRows(column, rows.data(), rows.size());
      const size_t start = next() % n;
      const size_t count = next() % (n - start + 1);
      for (size_t i = start; i < start + count; ++i) slow_range.AppendFrom(column, i);
      range.AppendRange(column, start, count);
      const Column a = slow.Finish(), b = fast.Finish(), c = slow_range.Finish(),
                   d = range.Finish();
      ASSERT_EQ(a.size(), b.size());
      ASSERT_EQ(a.null_count(), b.null_count());
      ASSERT_EQ(c.size(), d.size());
      ASSERT_EQ(c.null_count(), d.null_count());
      for (size_t i = 0; i < a.size(); ++i) {
        ASSERT_EQ(a.IsNull(i), b.IsNull(i));
        if (type == TypeId::kString) {
          ASSERT_EQ(a.GetString(i), b.GetString(i));
        }
        if (type == TypeId::kInt64) {
          ASSERT_EQ(a.GetInt64(i), b.GetInt64(i));
        }
        if (type == TypeId::kInt32) {
          ASSERT_EQ(a.GetInt32(i), b.GetInt32(i));
        }
      }
      for (size_t i = 0; i < c.size(); ++i) {
        ASSERT_EQ(c.IsNull(i), d.IsNull(i));
        if (type == TypeId::kString) {
          ASSERT_EQ(c.GetString(i), d.GetString(i));
        }
        if (type == TypeId::kInt64) {
          ASSERT_EQ(c.GetInt64(i), d.GetInt64(i));
        }
      }
    }
  }
}

// A dictionary column reads like the inline column it encodes, and every mix of appends (codes of
// the same dictionary, of another one, inline strings, nulls, in any order) gives the strings and
// nulls a row-by-row rebuild of the expected values gives.
TEST(DictionaryColumn, AppendsOfAnyMixMatchTheStrings) {
  auto make_dictionary = [](const std::vector<std::string>& entries) {
    ColumnBuilder b(TypeId::kString);
    for (const std::string& e : entries) b.AppendString(e);
    return std::make_shared<const Column>(b.Finish());
  };
  const auto first = make_dictionary({"ann@x", "bob@y", "", "cy@z"});
  const auto second = make_dictionary({"zed", "ann@x"});
  const Column a = Column::FromDictionary(first, {1, 0, 3, 2, 0, 1}, {1, 1, 0, 1, 1, 1});
  const Column b = Column::FromDictionary(second, {0, 1, 1}, {});
  ASSERT_TRUE(a.is_dictionary());
  EXPECT_EQ(a.null_count(), 1u);
  const std::vector<std::optional<std::string>> a_values = {"bob@y", "ann@x", std::nullopt,
                                                            "",      "ann@x", "bob@y"};
  const std::vector<std::optional<std::string>> b_values = {"zed", "ann@x", "ann@x"};
  for (size_t i = 0; i < a_values.size(); ++i) {
    ASSERT_EQ(a.IsNull(i), !a_values[i].has_value());
    if (a_values[i]) {
      EXPECT_EQ(a.GetString(i), *a_values[i]);
    }
  }
  uint64_t state = 11;
  auto next = [&]() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 33;
  };
  for (int round = 0; round < 200; ++round) {
    ColumnBuilder built(TypeId::kString);
    std::vector<std::optional<std::string>> expected;
    const int steps = 1 + static_cast<int>(next() % 6);
    for (int step = 0; step < steps; ++step) {
      const bool from_a = next() % 2 == 0;
      const Column& source = from_a ? a : b;
      const auto& values = from_a ? a_values : b_values;
      switch (next() % 5) {
        case 0: {  // gather
          std::vector<uint32_t> rows;
          for (size_t i = next() % 5; i > 0; --i) {
            rows.push_back(static_cast<uint32_t>(next() % source.size()));
          }
          built.AppendRows(source, rows.data(), rows.size());
          for (uint32_t r : rows) expected.push_back(values[r]);
          break;
        }
        case 1: {  // range
          const size_t start = next() % source.size();
          const size_t count = next() % (source.size() - start + 1);
          built.AppendRange(source, start, count);
          for (size_t i = start; i < start + count; ++i) expected.push_back(values[i]);
          break;
        }
        case 2: {  // one row
          const size_t r = next() % source.size();
          built.AppendFrom(source, r);
          expected.push_back(values[r]);
          break;
        }
        case 3:
          built.AppendString("inline");
          expected.push_back("inline");
          break;
        default:
          built.AppendNull();
          expected.push_back(std::nullopt);
          break;
      }
    }
    const Column got = built.Finish();
    ASSERT_EQ(got.size(), expected.size()) << "round " << round;
    size_t nulls = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(got.IsNull(i), !expected[i].has_value()) << "round " << round << " row " << i;
      if (expected[i]) {
        ASSERT_EQ(got.GetString(i), *expected[i]) << "round " << round;
      }
      nulls += expected[i] ? 0 : 1;
    }
    ASSERT_EQ(got.null_count(), nulls);
    ASSERT_TRUE(got.validity().empty() || got.validity().size() == got.size());
    const Column flat = got.Materialized();
    ASSERT_FALSE(flat.is_dictionary());
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_EQ(flat.IsNull(i), !expected[i].has_value());
      if (expected[i]) {
        ASSERT_EQ(flat.GetString(i), *expected[i]);
      }
    }
  }
}

// Gathering from one dictionary keeps the codes (nothing is copied but 4 bytes a row).
TEST(DictionaryColumn, GathersOfOneDictionaryStayEncoded) {
  ColumnBuilder entries(TypeId::kString);
  entries.AppendString("a");
  entries.AppendString("b");
  auto dictionary = std::make_shared<const Column>(entries.Finish());
  const Column c = Column::FromDictionary(dictionary, {1, 0, 1}, {});
  const std::vector<uint32_t> rows = {2, 2, 1};
  const Column taken = TakeColumn(c, rows);
  EXPECT_TRUE(taken.is_dictionary());
  EXPECT_EQ(taken.dictionary(), dictionary);
  EXPECT_EQ(taken.GetString(0), "b");
  EXPECT_EQ(taken.GetString(2), "a");
  const std::vector<Column> parts = {c, taken};
  const Column both = ConcatenateColumns(parts);
  EXPECT_TRUE(both.is_dictionary());
  EXPECT_EQ(both.size(), 6u);
  EXPECT_EQ(both.GetString(5), "a");
}

// Parts over different dictionaries (one per Parquet row group) concatenate into one merged
// dictionary with remapped codes; values and nulls are those of the parts, in order.
TEST(DictionaryColumn, PartsOfDifferentDictionariesMergeTheirDictionaries) {
  auto dictionary_of = [](const std::vector<std::string>& values) {
    ColumnBuilder entries(TypeId::kString);
    for (const std::string& v : values) entries.AppendString(v);
    return std::make_shared<const Column>(entries.Finish());
  };
  std::vector<Column> parts;
  std::vector<std::optional<std::string>> expected;
  // Eight rows per part over two or three entries, so that merging pays; a null in part 2.
  parts.push_back(Column::FromDictionary(dictionary_of({"x", "y"}), {0, 1, 1, 0, 0, 0, 1, 1}, {}));
  parts.push_back(Column::FromDictionary(dictionary_of({"y", "z", "x"}), {2, 0, 0, 1, 1, 0, 2, 0},
                                         {1, 1, 0, 1, 1, 1, 1, 1}));
  for (const char* v : {"x", "y", "y", "x", "x", "x", "y", "y"}) expected.emplace_back(v);
  for (size_t i = 0; i < 8; ++i) {
    const char* values[] = {"x", "y", nullptr, "z", "z", "y", "x", "y"};
    expected.push_back(values[i] ? std::optional<std::string>(values[i]) : std::nullopt);
  }
  const Column both = ConcatenateColumns(parts);
  ASSERT_TRUE(both.is_dictionary());
  EXPECT_EQ(both.dictionary()->size(), 3u);  // x, y, z once each
  ASSERT_EQ(both.size(), expected.size());
  EXPECT_EQ(both.null_count(), 1u);
  for (size_t r = 0; r < expected.size(); ++r) {
    EXPECT_EQ(both.IsNull(r), !expected[r].has_value()) << r;
    if (expected[r]) {
      EXPECT_EQ(both.GetString(r), *expected[r]) << r;
    }
  }
}

}  // namespace
}  // namespace stedi
