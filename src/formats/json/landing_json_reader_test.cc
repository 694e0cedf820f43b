#include "formats/json/landing_json_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace stedi::json {

// Readable fragments in failure messages.
void PrintTo(const QuarantinedFragment& f, std::ostream* os) {
  *os << "{" << f.offset << ", \"" << f.reason << "\", " << ::testing::PrintToString(f.raw) << "}";
}

namespace {

std::shared_ptr<const Schema> AccelerometerSchema() {
  return std::make_shared<Schema>(std::vector<Field>{{"user", TypeId::kString, true, 1},
                                                     {"timestamp", TypeId::kInt64, true, 2},
                                                     {"x", TypeId::kFloat64, true, 3},
                                                     {"y", TypeId::kFloat64, true, 4},
                                                     {"z", TypeId::kFloat64, true, 5}});
}

std::shared_ptr<const Schema> OneColumn(TypeId type) {
  return std::make_shared<Schema>(std::vector<Field>{{"v", type, true, 1}});
}

std::shared_ptr<const Schema> SingleA() {
  return std::make_shared<Schema>(std::vector<Field>{{"a", TypeId::kInt64, true, 1}});
}

// Renders one cell: "null", or the value (doubles with %.17g, strings as they are).
std::string Cell(const Column& c, size_t row) {
  if (c.IsNull(row)) return "null";
  switch (c.type()) {
    case TypeId::kBoolean:
      return c.GetBool(row) ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kDate:
      return std::to_string(c.GetInt32(row));
    case TypeId::kInt64:
    case TypeId::kTimestamp:
      return std::to_string(c.GetInt64(row));
    case TypeId::kFloat64: {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "%.17g", c.GetDouble(row));
      return buf;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      return std::string(c.GetString(row));
  }
  return "?";
}

struct Output {
  Status status;
  std::vector<std::string> rows;  // cells joined by '|'
  std::vector<QuarantinedFragment> fragments;
  LandingFileStats stats;
  std::vector<size_t> batch_sizes;
};

// With PADDED, reads a copy of INPUT followed by kPadding bytes of JSON punctuation through
// ReadPaddedBuffer (the padding's values must not matter).
Output Read(std::shared_ptr<const Schema> schema, std::string_view input,
            ReaderOptions options = {}, bool padded = false) {
  Output out;
  LandingJsonReader reader(std::move(schema), std::move(options));
  std::string copy;
  if (padded) {
    copy.assign(input);
    for (size_t i = 0; i < LandingJsonReader::kPadding; ++i) copy += "{\"}:,\n"[i % 6];
    input = std::string_view(copy).substr(0, input.size());
  }
  auto read = padded ? &LandingJsonReader::ReadPaddedBuffer : &LandingJsonReader::ReadBuffer;
  out.status = (reader.*read)(
      "test.json", input,
      [&](const Batch& batch) {
        EXPECT_TRUE(batch.Validate().ok());
        out.batch_sizes.push_back(batch.num_rows());
        for (size_t r = 0; r < batch.num_rows(); ++r) {
          std::string row;
          for (size_t c = 0; c < batch.num_columns(); ++c) {
            if (c > 0) row += '|';
            row += Cell(batch.column(c), r);
          }
          out.rows.push_back(row);
        }
        return Status::OK();
      },
      [&](const QuarantinedFragment& f) {
        out.fragments.push_back(f);
        return Status::OK();
      },
      &out.stats);
  return out;
}

using Rows = std::vector<std::string>;
using Fragments = std::vector<QuarantinedFragment>;

std::string Gzip(std::string_view data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

TEST(LandingJsonReaderTest, GluedAndSpacedObjects) {
  Output o = Read(SingleA(), "{\"a\":1}{\"a\":2} {\"a\":3}\t\n\n{\"a\":4}  {\"a\":5}\n");
  ASSERT_TRUE(o.status.ok()) << o.status.ToString();
  EXPECT_EQ(o.rows, (Rows{"1", "2", "3", "4", "5"}));
  EXPECT_TRUE(o.fragments.empty());
  EXPECT_EQ(o.stats.records, 5u);
  EXPECT_EQ(o.stats.bytes, 42u);
  EXPECT_FALSE(o.stats.gzip);
}

TEST(LandingJsonReaderTest, ThousandsOfObjectsOnOneLine) {
  std::string line;
  Rows expected;
  for (int i = 0; i < 5000; ++i) {
    line += "{\"user\":\"u" + std::to_string(i) + "\",\"timestamp\":" + std::to_string(1000 + i) +
            ",\"x\":" + std::to_string(i % 3) + ".0,\"y\":-1.0,\"z\":0.5}";
    expected.push_back("u" + std::to_string(i) + "|" + std::to_string(1000 + i) + "|" +
                       std::to_string(i % 3) + "|-1|0.5");
  }
  line += "\n";
  Output o = Read(AccelerometerSchema(), line, ReaderOptions{1000, 4096, 1 << 20});
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, expected);
  EXPECT_TRUE(o.fragments.empty());
  EXPECT_EQ(o.batch_sizes, (std::vector<size_t>{1000, 1000, 1000, 1000, 1000}));
}

TEST(LandingJsonReaderTest, TruncatedObjectOnItsOwnLineIsQuarantinedAndFollowersKept) {
  // The case simdjson's iterate_many does not recover from (see dependencies.md).
  Output o = Read(SingleA(), "{\"a\":1}{\"a\":2}\n{\"a\":\n{\"a\":5}\n{\"a\":6}");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"1", "2", "5", "6"}));
  EXPECT_EQ(o.fragments,
            (Fragments{{15, "truncated object: a new object starts at byte 21", "{\"a\":"}}));
  EXPECT_EQ(o.stats.fragments_quarantined, 1u);
}

TEST(LandingJsonReaderTest, TruncatedObjectGluedToTheNextOneInsideALine) {
  // Cut inside a number, after a comma, and inside a string (the next object's quotes then
  // pair up with the wrong ones).
  Output o = Read(SingleA(),
                  "{\"a\":1,\"b\":12{\"a\":2}{\"a\":3,{\"a\":4}{\"a\":7,\"b\":\"xy{\"a\":8,\"b\":"
                  "\"z\"}\n{\"a\":9}");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"2", "4", "8", "9"}));
  EXPECT_EQ(
      o.fragments,
      (Fragments{{0, "truncated object: a new object starts at byte 13", "{\"a\":1,\"b\":12"},
                 {20, "truncated object: a new object starts at byte 27", "{\"a\":3,"},
                 {34, "truncated object: a line ends inside a string", "{\"a\":7,\"b\":\"xy"}}));
}

TEST(LandingJsonReaderTest, GarbageBetweenObjects) {
  std::string input =
      "xyz{\"a\":1}]{\"a\":2}\n[1,2]\n42\n\"s\"\ntrue\n{\"a\":3}\n{\"a\":tru}\n{\"a\":4]\n"
      "{\"a\":5}{\"a\":";
  Output o = Read(SingleA(), input);
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"1", "2", "3", "5"}));
  ASSERT_EQ(o.fragments.size(), 9u);
  auto at = [&](std::string_view raw) { return static_cast<uint64_t>(input.find(raw)); };
  EXPECT_EQ(o.fragments[0].offset, 0u);
  EXPECT_EQ(o.fragments[0].raw, "xyz");
  EXPECT_EQ(o.fragments[0].reason.rfind("invalid JSON: ", 0), 0u) << o.fragments[0].reason;
  EXPECT_EQ(o.fragments[1], (QuarantinedFragment{10, o.fragments[1].reason, "]"}));
  EXPECT_EQ(o.fragments[1].reason.rfind("invalid JSON: ", 0), 0u);
  EXPECT_EQ(o.fragments[2], (QuarantinedFragment{at("[1,2]"), "not an object: array", "[1,2]"}));
  EXPECT_EQ(o.fragments[3], (QuarantinedFragment{at("42"), "not an object: number", "42"}));
  EXPECT_EQ(o.fragments[4], (QuarantinedFragment{at("\"s\""), "not an object: string", "\"s\""}));
  EXPECT_EQ(o.fragments[5], (QuarantinedFragment{at("true"), "not an object: boolean", "true"}));
  EXPECT_EQ(o.fragments[6].offset, at("{\"a\":tru}"));
  EXPECT_EQ(o.fragments[6].raw, "{\"a\":tru}");
  EXPECT_EQ(o.fragments[6].reason.rfind("invalid JSON: ", 0), 0u);
  EXPECT_NE(o.fragments[6].reason.find(" at byte "), std::string::npos);
  EXPECT_EQ(o.fragments[7], (QuarantinedFragment{at("{\"a\":4]"),
                                                 "invalid JSON: ']' closes a '{' at byte " +
                                                     std::to_string(at("{\"a\":4]") + 6),
                                                 "{\"a\":4]"}));
  EXPECT_EQ(o.fragments[8],
            (QuarantinedFragment{input.size() - 5, "truncated object at end of file", "{\"a\":"}));
  EXPECT_EQ(o.stats.records, 4u);
  EXPECT_EQ(o.stats.fragments_quarantined, 9u);
}

TEST(LandingJsonReaderTest, KeysMatchCaseInsensitivelyAndTheFirstDuplicateWins) {
  Output o = Read(AccelerometerSchema(),
                  "{\"User\":\"a\",\"timeStamp\":1,\"X\":1.5}\n"
                  "{\"timestamp\":2,\"TIMESTAMP\":3,\"user\":\"b\",\"user\":\"c\"}\n");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"a|1|1.5|null|null", "b|2|null|null|null"}));
  EXPECT_EQ(o.stats.fields,
            (std::vector<FieldSighting>{{"User", 1, 0, uint32_t(JsonKind::kString)},
                                        {"timeStamp", 1, 0, uint32_t(JsonKind::kInteger)},
                                        {"X", 1, 0, uint32_t(JsonKind::kFloat)},
                                        {"timestamp", 1, 0, uint32_t(JsonKind::kInteger)},
                                        {"TIMESTAMP", 1, 0, uint32_t(JsonKind::kInteger)},
                                        {"user", 2, 0, uint32_t(JsonKind::kString)}}));
}

TEST(LandingJsonReaderTest, MissingNullAndExtraFields) {
  Output o = Read(AccelerometerSchema(),
                  "{\"user\":null,\"timestamp\":7,\"extra\":{\"k\":[1,2]},\"more\":[true]}\n"
                  "{\"x\":2,\"extra\":null,\"flag\":false,\"n\":1e3}\n{}\n");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows,
            (Rows{"null|7|null|null|null", "null|null|2|null|null", "null|null|null|null|null"}));
  EXPECT_EQ(o.stats.unconvertible_fields, 0u);
  const uint32_t kObject = uint32_t(JsonKind::kObject), kNull = uint32_t(JsonKind::kNull);
  EXPECT_EQ(o.stats.fields,
            (std::vector<FieldSighting>{{"user", 1, 1, kNull},
                                        {"timestamp", 1, 0, uint32_t(JsonKind::kInteger)},
                                        {"extra", 2, 1, kObject | kNull},
                                        {"more", 1, 0, uint32_t(JsonKind::kArray)},
                                        {"x", 1, 0, uint32_t(JsonKind::kInteger)},
                                        {"flag", 1, 0, uint32_t(JsonKind::kBoolean)},
                                        {"n", 1, 0, uint32_t(JsonKind::kFloat)}}));
  EXPECT_EQ(JsonKindsToString(kObject | kNull), "null|object");
  EXPECT_EQ(JsonKindsToString(0), "");
}

TEST(LandingJsonReaderTest, InvalidValueInAnUnknownFieldQuarantinesTheObject) {
  Output o = Read(SingleA(), "{\"a\":1,\"other\":{\"k\":nul}}\n{\"a\":2}\n");
  EXPECT_EQ(o.rows, (Rows{"2"}));
  ASSERT_EQ(o.fragments.size(), 1u);
  EXPECT_EQ(o.fragments[0].raw, "{\"a\":1,\"other\":{\"k\":nul}}");
  EXPECT_EQ(o.stats.fields, (std::vector<FieldSighting>{{"a", 1, 0, uint32_t(JsonKind::kInteger)}}))
      << "keys of quarantined objects are not counted";
}

struct Conversion {
  TypeId type;
  std::string json;
  std::string expected;  // rendered cell
  bool unconvertible;
};

TEST(LandingJsonReaderTest, Conversions) {
  const std::vector<Conversion> cases = {
      {TypeId::kInt64, "1655564376361", "1655564376361", false},
      {TypeId::kInt64, "-5", "-5", false},
      {TypeId::kInt64, "1.0", "1", false},
      {TypeId::kInt64, "1e3", "1000", false},
      {TypeId::kInt64, "\"1655564376361\"", "1655564376361", false},
      {TypeId::kInt64, "1.5", "null", true},
      {TypeId::kInt64, "\"abc\"", "null", true},
      {TypeId::kInt64, "\"1.0\"", "null", true},
      {TypeId::kInt64, "\" 12\"", "null", true},
      {TypeId::kInt64, "true", "null", true},
      {TypeId::kInt64, "{\"a\":1}", "null", true},
      {TypeId::kInt64, "[1]", "null", true},
      {TypeId::kInt64, "9223372036854775808", "null", true},
      {TypeId::kInt64, "1e300", "null", true},
      {TypeId::kInt64, "null", "null", false},
      {TypeId::kInt32, "2147483647", "2147483647", false},
      {TypeId::kInt32, "2147483648", "null", true},
      {TypeId::kFloat64, "2", "2", false},
      {TypeId::kFloat64, "-0.25", "-0.25", false},
      {TypeId::kFloat64, "\"2.5e1\"", "25", false},
      {TypeId::kFloat64, "\"nan\"", "null", true},
      {TypeId::kFloat64, "\"x\"", "null", true},
      {TypeId::kFloat64, "false", "null", true},
      {TypeId::kString, "\"a\\\"b\\u00e9\"", "a\"b\xC3\xA9", false},
      {TypeId::kString, "8015551212", "8015551212", false},
      {TypeId::kString, "-1.50e+2", "-1.50e+2", false},
      {TypeId::kString, "true", "true", false},
      {TypeId::kString, "{\"k\": [1, 2]}", "{\"k\": [1, 2]}", false},
      {TypeId::kString, "[ ]", "[ ]", false},
      {TypeId::kString, "null", "null", false},
      {TypeId::kBoolean, "true", "true", false},
      {TypeId::kBoolean, "false", "false", false},
      {TypeId::kBoolean, "\"true\"", "null", true},
      {TypeId::kBoolean, "1", "null", true},
  };
  for (const Conversion& c : cases) {
    SCOPED_TRACE(std::string(TypeName(c.type)) + " <- " + c.json);
    Output o = Read(OneColumn(c.type), "{\"v\":" + c.json + " , \"w\":1}");
    ASSERT_TRUE(o.status.ok());
    ASSERT_TRUE(o.fragments.empty()) << o.fragments[0].reason;
    EXPECT_EQ(o.rows, (Rows{c.expected}));
    EXPECT_EQ(o.stats.unconvertible_fields, c.unconvertible ? 1u : 0u);
    EXPECT_EQ(o.stats.records_with_unconvertible_fields, c.unconvertible ? 1u : 0u);
  }
}

TEST(LandingJsonReaderTest, UnconvertibleFieldsCountPerRecordAndField) {
  Output o = Read(AccelerometerSchema(),
                  "{\"user\":1,\"timestamp\":\"abc\",\"x\":\"?\",\"y\":{},\"z\":[]}\n"
                  "{\"timestamp\":1.5}\n{\"timestamp\":3}\n");
  EXPECT_EQ(o.rows,
            (Rows{"1|null|null|null|null", "null|null|null|null|null", "null|3|null|null|null"}));
  EXPECT_EQ(o.stats.unconvertible_fields, 5u);
  EXPECT_EQ(o.stats.records_with_unconvertible_fields, 2u);
}

TEST(LandingJsonReaderTest, CrlfBomEmptyAndWhitespaceOnly) {
  Output crlf = Read(SingleA(), "\xEF\xBB\xBF{\"a\":1}\r\n{\"a\":2}\r\nx\r\n");
  EXPECT_EQ(crlf.rows, (Rows{"1", "2"}));
  ASSERT_EQ(crlf.fragments.size(), 1u);
  EXPECT_EQ(crlf.fragments[0].offset, 21u);
  EXPECT_EQ(crlf.fragments[0].raw, "x");

  for (std::string input : {"", " ", "\r\n\r\n\t  \n", "\xEF\xBB\xBF", "\xEF\xBB\xBF\n"}) {
    Output o = Read(SingleA(), input);
    EXPECT_TRUE(o.status.ok());
    EXPECT_TRUE(o.rows.empty());
    EXPECT_TRUE(o.fragments.empty());
    EXPECT_TRUE(o.batch_sizes.empty()) << "no empty batch";
    EXPECT_EQ(o.stats.bytes, input.size());
  }
}

TEST(LandingJsonReaderTest, GzipAndConcatenatedMembers) {
  std::string part1 = "{\"a\":1}\n{\"a\":";
  std::string part2 = "\n{\"a\":2}\n";
  std::string gz = Gzip(part1) + Gzip(part2);
  for (size_t chunk : {size_t{3}, size_t{1} << 20}) {
    Output o = Read(SingleA(), gz, ReaderOptions{10, chunk, 1 << 20});
    ASSERT_TRUE(o.status.ok()) << o.status.ToString();
    EXPECT_TRUE(o.stats.gzip);
    EXPECT_EQ(o.stats.bytes, part1.size() + part2.size());
    EXPECT_EQ(o.rows, (Rows{"1", "2"}));
    // The offset is in the decompressed stream, across the member boundary.
    EXPECT_EQ(o.fragments,
              (Fragments{{8, "truncated object: a new object starts at byte 14", "{\"a\":"}}));
  }
  // Zero padding after the last member is ignored; other trailing bytes are corruption.
  EXPECT_TRUE(Read(SingleA(), gz + std::string(5, '\0')).status.ok());
  Output bad = Read(SingleA(), gz + "junk");
  EXPECT_TRUE(bad.status.IsCorruption());
  EXPECT_NE(bad.status.message().find("test.json"), std::string::npos);
  Output truncated = Read(SingleA(), gz.substr(0, gz.size() - 4));
  EXPECT_TRUE(truncated.status.IsCorruption()) << truncated.status.ToString();
}

TEST(LandingJsonReaderTest, InvalidUtf8IsRepairedInsideObjects) {
  Output o = Read(AccelerometerSchema(),
                  "{\"user\":\"a\xFF"
                  "b\xE2\x82\",\"timestamp\":1}\n{\"user\":\"ok\"}\n\xC0z\n");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"a\xEF\xBF\xBD"
                          "b\xEF\xBF\xBD|1|null|null|null",
                          "ok|null|null|null|null"}));
  EXPECT_EQ(o.stats.records_with_repaired_utf8, 1u);
  ASSERT_EQ(o.fragments.size(), 1u);
  EXPECT_EQ(o.fragments[0].raw, "\xC0z") << "quarantine keeps the exact bytes";
}

TEST(LandingJsonReaderTest, ObjectLargerThanTheLimitIsQuarantinedTruncated) {
  std::string big = "{\"a\":1,\"pad\":\"" + std::string(40, 'p') + "\"}";
  std::string input = "{\"a\":1}\n" + big + "{\"a\":3}\n{\"a\":4}";
  Output o = Read(SingleA(), input, ReaderOptions{100, 7, 16});
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"1", "4"}));
  const size_t skipped = big.size() + 7;  // to the end of the line
  EXPECT_EQ(o.fragments,
            (Fragments{{8,
                        "fragment larger than max_object_bytes (16): " + std::to_string(skipped) +
                            " bytes up to the end of its line; raw holds only the first 16",
                        big.substr(0, 16)}}));
  // Same for a long line of garbage.
  Output g = Read(SingleA(), std::string(50, 'x') + "\n{\"a\":2}", ReaderOptions{100, 64, 16});
  EXPECT_EQ(g.rows, (Rows{"2"}));
  ASSERT_EQ(g.fragments.size(), 1u);
  EXPECT_EQ(g.fragments[0].raw, std::string(16, 'x'));
}

TEST(LandingJsonReaderTest, CallbackErrorsStopTheReadWithThePath) {
  LandingJsonReader reader(SingleA());
  Status st = reader.ReadBuffer(
      "dir/f.json", "{\"a\":1}", [](const Batch&) { return Status::IOError("disk full"); },
      [](const QuarantinedFragment&) { return Status::OK(); }, nullptr);
  EXPECT_TRUE(st.IsIOError());
  EXPECT_NE(st.message().find("dir/f.json"), std::string::npos);
  EXPECT_NE(st.message().find("disk full"), std::string::npos);
}

TEST(LandingJsonReaderTest, ReadsThroughRandomAccessFile) {
  auto fs = NewMemoryFileSystem();
  ASSERT_TRUE(fs->WriteAll("/l/a.json", "{\"a\":1}\n{\"a\":2}").ok());
  auto file = fs->OpenForRead("/l/a.json");
  ASSERT_TRUE(file.ok());
  LandingJsonReader reader(SingleA(), ReaderOptions{1, 4, 1024});
  std::vector<size_t> sizes;
  LandingFileStats stats;
  ASSERT_TRUE(reader
                  .ReadFile(
                      **file,
                      [&](const Batch& b) {
                        sizes.push_back(b.num_rows());
                        return Status::OK();
                      },
                      [](const QuarantinedFragment&) { return Status::OK(); }, &stats)
                  .ok());
  EXPECT_EQ(sizes, (std::vector<size_t>{1, 1}));
  EXPECT_EQ(stats.records, 2u);
}

const std::vector<std::string> kSeparators = {"", " ", "\n", "\r\n", "\n\n  "};
const std::vector<std::string> kGarbage = {
    "xyz", "]", "[1,{\"a\":2}]", "42", "\"s{\\\"\"", "{\"user\":tru}", "{\"user\":\"u\",\"x\":1]",
    "}"};

// A valid accelerometer record (with a camelCase key, a float as text, a null and sometimes
// non-ASCII text); *ROW gets the row it reads as under AccelerometerSchema.
std::string RandomGoodRecord(std::mt19937_64& rng, std::string* row) {
  const uint64_t ts = rng() % 2000000000000ull;
  const int x = static_cast<int>(rng() % 7) - 3;
  std::string user = "u" + std::to_string(rng() % 1000) + (rng() % 5 == 0 ? "\xC3\xA9" : "");
  *row = user + "|" + std::to_string(ts) + "|" + std::to_string(x) + "|0.5|null";
  return "{\"user\":\"" + user + "\",\"timeStamp\":" + std::to_string(ts) +
         ",\"x\":" + std::to_string(x) + ".0,\"y\":\"0.5\",\"z\":null}";
}

// Property: on random mixes of good records and broken fragments (each broken one ends its
// line), every good record comes out as a row, every broken one as a fragment at its offset with
// its exact bytes, and the output does not depend on the chunk size.
TEST(LandingJsonReaderTest, RandomMixesGiveTheSameOutputForEveryChunkSize) {
  std::mt19937_64 rng(20240607);
  const std::vector<std::string>& separators = kSeparators;
  const std::vector<std::string>& garbage = kGarbage;
  for (int round = 0; round < 60; ++round) {
    std::string input;
    Rows expected_rows;
    Fragments expected_fragments;
    const int n = 1 + static_cast<int>(rng() % 40);
    bool force_good = false;  // a truncated object is followed by a good one (else the next
                              // line's garbage could legally continue it)
    for (int i = 0; i < n; ++i) {
      std::string row;
      std::string good = RandomGoodRecord(rng, &row);
      const int kind = force_good ? 0 : static_cast<int>(rng() % 10);
      force_good = kind == 6 || kind == 7;
      if (kind < 6) {
        input += good;
        input += separators[rng() % separators.size()];
        expected_rows.push_back(row);
      } else {
        std::string bad = kind < 8 ? good.substr(0, 1 + rng() % (good.size() - 2))
                                   : garbage[rng() % garbage.size()];
        expected_fragments.push_back({input.size(), "", bad});
        input += bad;
        input += rng() % 2 ? "\n" : "\r\n";
      }
    }
    const Output whole = Read(AccelerometerSchema(), input, ReaderOptions{7, 1 << 20, 1 << 20});
    ASSERT_TRUE(whole.status.ok());
    ASSERT_EQ(whole.rows, expected_rows) << input;
    ASSERT_EQ(whole.fragments.size(), expected_fragments.size()) << input;
    for (size_t i = 0; i < expected_fragments.size(); ++i) {
      EXPECT_EQ(whole.fragments[i].offset, expected_fragments[i].offset) << input;
      EXPECT_EQ(whole.fragments[i].raw, expected_fragments[i].raw) << input;
    }
    for (size_t chunk : {size_t{1}, size_t{2}, size_t{5}, size_t{64}, size_t{1 + rng() % 200}}) {
      const Output part = Read(AccelerometerSchema(), input, ReaderOptions{7, chunk, 1 << 20});
      ASSERT_TRUE(part.status.ok());
      EXPECT_EQ(part.rows, whole.rows) << "chunk " << chunk;
      EXPECT_EQ(part.fragments, whole.fragments) << "chunk " << chunk;
      EXPECT_EQ(part.batch_sizes, whole.batch_sizes);
      EXPECT_EQ(part.stats.fields, whole.stats.fields);
    }
    // Gzip gives the same output too.
    const Output gz = Read(AccelerometerSchema(), Gzip(input), ReaderOptions{7, 64, 1 << 20});
    ASSERT_TRUE(gz.status.ok());
    EXPECT_EQ(gz.rows, whole.rows);
    EXPECT_EQ(gz.fragments, whole.fragments);
  }
}

// Messier input than the mix above: records spanning lines, arrays and nested objects whose
// '{' opens a line, a backslash before a line end, `{"` inside strings, long values near
// max_object_bytes, and random soup of JSON punctuation.
std::string RandomMessyInput(std::mt19937_64& rng) {
  static const std::vector<std::string> kTricky = {
      "{\"user\":\"a\",\n\"x\":1}",
      "{\"user\":\"a\",\"tags\":[\n{\"k\":1}]}",
      "[\n{\"user\":\"b\"},\n{\"user\":\"c\"}\n]",
      "{\"user\":\"a\\\n\"}",
      "x\"\\\n{\"user\":\"d\"}",
      "{\"user\":\"x{\\\"y\\\"}\"}",
      "{\"user\":\"ab{\"",
      "{\"user\":\"e\",\"n\":{\n",
      "{\"a\":[1,\n",
      "{\"user\":{\"q\":[{\"r\":2}]}}",
      "{\"user\":\"p\",\"pad\":\"" + std::string(20, 'p') + "\"}",
      "\"" + std::string(30, 's'),
      "\xEF\xBB\xBF{\"user\":\"bom\"}",
      "{\"user\":\"\xFF\"}",
  };
  static const char kSoup[] = "{}[]\"\\\n:,a1 ";
  std::string input;
  const int n = 1 + static_cast<int>(rng() % 50);
  for (int i = 0; i < n; ++i) {
    const int kind = static_cast<int>(rng() % 10);
    std::string row;
    std::string good = RandomGoodRecord(rng, &row);
    if (kind < 4) {
      input += good;
    } else if (kind == 4) {
      input += good.substr(0, 1 + rng() % (good.size() - 1));
    } else if (kind == 5) {
      input += kGarbage[rng() % kGarbage.size()];
    } else if (kind < 8) {
      input += kTricky[rng() % kTricky.size()];
    } else {
      const size_t len = rng() % 24;
      for (size_t k = 0; k < len; ++k) input += kSoup[rng() % (sizeof(kSoup) - 1)];
    }
    input += kSeparators[rng() % kSeparators.size()];
  }
  return input;
}

// Adds the stats of one range read to the total, as a whole read would have counted them.
void AddStats(const LandingFileStats& part, LandingFileStats* total) {
  total->bytes += part.bytes;
  total->records += part.records;
  total->fragments_quarantined += part.fragments_quarantined;
  total->records_with_unconvertible_fields += part.records_with_unconvertible_fields;
  total->unconvertible_fields += part.unconvertible_fields;
  total->records_with_repaired_utf8 += part.records_with_repaired_utf8;
  for (const FieldSighting& f : part.fields) {
    auto it = std::find_if(total->fields.begin(), total->fields.end(),
                           [&](const FieldSighting& t) { return t.name == f.name; });
    if (it == total->fields.end()) {
      total->fields.push_back(f);
    } else {
      it->present += f.present;
      it->nulls += f.nulls;
      it->kinds |= f.kinds;
    }
  }
}

// Property behind parallel ingest of one big file: a '{' that opens a line always starts a new
// value, so reading the ranges between such points (each with its file offset, all but the last
// cut before an object) gives exactly the rows, fragments and stats of one whole read.
TEST(LandingJsonReaderTest, RangesSplitBeforeALineOpeningBraceReadLikeTheWholeFile) {
  std::mt19937_64 rng(20261129);
  size_t splits_checked = 0;
  for (int round = 0; round < 400; ++round) {
    const std::string input = RandomMessyInput(rng);
    // Small limits make values end exactly at, or run past, max_object_bytes.
    const size_t max_object = rng() % 2 ? 1 << 20 : 8 + rng() % 60;
    const size_t batch_rows = 1 + rng() % 5;
    const Output whole =
        Read(AccelerometerSchema(), input, ReaderOptions{batch_rows, 1 << 20, max_object});
    ASSERT_TRUE(whole.status.ok());
    // The reader's own promise still holds on this input: output independent of chunk_bytes.
    const Output chunked =
        Read(AccelerometerSchema(), input, ReaderOptions{batch_rows, 1 + rng() % 16, max_object});
    ASSERT_EQ(chunked.rows, whole.rows) << input;
    ASSERT_EQ(chunked.fragments, whole.fragments) << input;

    std::vector<size_t> boundaries;
    for (size_t p = 1; p < input.size(); ++p) {
      if (input[p - 1] == '\n' && input[p] == '{') boundaries.push_back(p);
    }
    for (int variant = 0; variant < 3; ++variant) {
      // Every boundary, then random subsets.
      std::vector<size_t> cuts = {0};
      for (size_t p : boundaries) {
        if (variant == 0 || rng() % 2) cuts.push_back(p);
      }
      cuts.push_back(input.size());
      Rows rows;
      Fragments fragments;
      LandingFileStats stats;
      for (size_t k = 0; k + 1 < cuts.size(); ++k) {
        ReaderOptions options{batch_rows, 1 + rng() % 64, max_object};
        options.start_offset = cuts[k];
        options.cut_before_object = k + 2 < cuts.size();
        const Output part =
            Read(AccelerometerSchema(),
                 std::string_view(input).substr(cuts[k], cuts[k + 1] - cuts[k]), options);
        ASSERT_TRUE(part.status.ok());
        rows.insert(rows.end(), part.rows.begin(), part.rows.end());
        fragments.insert(fragments.end(), part.fragments.begin(), part.fragments.end());
        AddStats(part.stats, &stats);
      }
      splits_checked += cuts.size() - 2;
      ASSERT_EQ(rows, whole.rows) << input;
      ASSERT_EQ(fragments, whole.fragments) << input;
      EXPECT_EQ(stats.bytes, whole.stats.bytes);
      EXPECT_EQ(stats.records, whole.stats.records);
      EXPECT_EQ(stats.fragments_quarantined, whole.stats.fragments_quarantined);
      EXPECT_EQ(stats.records_with_unconvertible_fields,
                whole.stats.records_with_unconvertible_fields);
      EXPECT_EQ(stats.unconvertible_fields, whole.stats.unconvertible_fields);
      EXPECT_EQ(stats.records_with_repaired_utf8, whole.stats.records_with_repaired_utf8);
      EXPECT_EQ(stats.fields, whole.stats.fields) << input;
    }
  }
  EXPECT_GT(splits_checked, 1000u);  // the generator does produce split points
}

// Property behind ingest's in-place parse: ReadPaddedBuffer reads like ReadBuffer, whole files
// and ranges, with a byte order mark, gzip, small batches and small object limits.
TEST(LandingJsonReaderTest, PaddedBuffersReadLikeCopiedOnes) {
  std::mt19937_64 rng(1129);
  for (int round = 0; round < 300; ++round) {
    std::string input = RandomMessyInput(rng);
    if (round % 5 == 1) input.insert(0, "\xEF\xBB\xBF");
    if (round % 7 == 2) input = Gzip(input);
    ReaderOptions options{1 + rng() % 5, 1 + rng() % 4096, rng() % 2 ? 1u << 20 : 8 + rng() % 60};
    if (round % 3 == 0) {
      options.start_offset = rng() % 1000;
      options.cut_before_object = rng() % 2 == 0;
    }
    const Output copied = Read(AccelerometerSchema(), input, options);
    const Output padded = Read(AccelerometerSchema(), input, options, /*padded=*/true);
    ASSERT_EQ(padded.status.ok(), copied.status.ok()) << input;
    ASSERT_EQ(padded.rows, copied.rows) << input;
    ASSERT_EQ(padded.fragments, copied.fragments) << input;
    ASSERT_EQ(padded.batch_sizes, copied.batch_sizes) << input;
    EXPECT_EQ(padded.stats.bytes, copied.stats.bytes);
    EXPECT_EQ(padded.stats.gzip, copied.stats.gzip);
    EXPECT_EQ(padded.stats.records, copied.stats.records);
    EXPECT_EQ(padded.stats.records_with_repaired_utf8, copied.stats.records_with_repaired_utf8);
    EXPECT_EQ(padded.stats.fields, copied.stats.fields) << input;
  }
}

// The cases behind the rules that make those split points safe, with their exact output.
TEST(LandingJsonReaderTest, ALineOpeningBraceCutsWhateverIsOpen) {
  // Inside an array, too (before, the array took the objects as its elements).
  Output array = Read(SingleA(), "[\n{\"a\":1},\n{\"a\":2}\n]\n");
  EXPECT_EQ(array.rows, (Rows{"1", "2"}));
  ASSERT_EQ(array.fragments.size(), 3u);
  EXPECT_EQ(array.fragments[0],
            (QuarantinedFragment{0, "truncated array: a new object starts at byte 2", "["}));
  EXPECT_EQ(array.fragments[1].offset, 9u);
  EXPECT_EQ(array.fragments[1].raw, ",");
  EXPECT_EQ(array.fragments[2].offset, 19u);
  EXPECT_EQ(array.fragments[2].raw, "]");
  // Indented, it stays an element of the array.
  Output indented = Read(SingleA(), "[\n  {\"a\":1}]\n{\"a\":2}");
  EXPECT_EQ(indented.rows, (Rows{"2"}));
  ASSERT_EQ(indented.fragments.size(), 1u);
  EXPECT_EQ(indented.fragments[0].reason, "not an object: array");
  // A backslash before the line end does not carry the string over to the next line.
  Output slash = Read(SingleA(), "{\"a\":\"x\\\n{\"a\":2}\n");
  EXPECT_EQ(slash.rows, (Rows{"2"}));
  EXPECT_EQ(slash.fragments,
            (Fragments{{0, "truncated object: a line ends inside a string", "{\"a\":\"x\\"}}));
  // A value open up to exactly max_object_bytes, then a new object: cut there, not too large.
  const std::string open = "{\"a\":1,\n";
  Output limit = Read(SingleA(), open + "{\"a\":2}\n", ReaderOptions{100, 3, open.size()});
  EXPECT_EQ(limit.rows, (Rows{"2"}));
  EXPECT_EQ(limit.fragments,
            (Fragments{{0, "truncated object: a new object starts at byte 8", "{\"a\":1,"}}));
  // The same value read as a range that stops before that object, at file offset 100.
  ReaderOptions range{100, 3, open.size()};
  range.start_offset = 100;
  range.cut_before_object = true;
  Output cut = Read(SingleA(), open, range);
  EXPECT_EQ(cut.fragments,
            (Fragments{{100, "truncated object: a new object starts at byte 108", "{\"a\":1,"}}));
  // Without cut_before_object the end of the bytes is the end of the file; a BOM counts only at
  // offset 0.
  range.cut_before_object = false;
  Output bom = Read(SingleA(), "\xEF\xBB\xBF{\"a\":1}\n{\"a\":tru", range);
  EXPECT_EQ(bom.rows, (Rows{"1"}));
  ASSERT_EQ(bom.fragments.size(), 2u);
  EXPECT_EQ(bom.fragments[0].offset, 100u);
  EXPECT_EQ(bom.fragments[0].raw, "\xEF\xBB\xBF");
  EXPECT_EQ(bom.fragments[1],
            (QuarantinedFragment{111, "truncated object at end of file", "{\"a\":tru"}));
}

// Whether a value open at exactly max_object_bytes is too large depends on the next byte; when
// the file ends there, it is truncated at end of file, whatever the chunk size.
TEST(LandingJsonReaderTest, ValueOpenUpToTheLimitAtEndOfFileForEveryChunkSize) {
  const std::string open = "{\"a\":\"xyz";
  const std::string other = "xxxxxxxxx";
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{4}, open.size(), size_t{64}}) {
    Output o = Read(SingleA(), open, ReaderOptions{100, chunk, open.size()});
    EXPECT_EQ(o.fragments, (Fragments{{0, "truncated object at end of file", open}})) << chunk;
    Output g = Read(SingleA(), other, ReaderOptions{100, chunk, other.size()});
    ASSERT_EQ(g.fragments.size(), 1u);
    EXPECT_EQ(g.fragments[0].raw, other) << chunk;
    EXPECT_EQ(g.fragments[0].reason.find("larger"), std::string::npos) << chunk;
  }
}

TEST(LandingJsonReaderTest, RealAccelerometerFileIfPresent) {
  const char* shared = std::getenv("STEDI_SHARED_DATA");
  if (shared == nullptr) GTEST_SKIP() << "STEDI_SHARED_DATA not set";
  auto fs = NewLocalFileSystem();
  std::string path =
      std::string(shared) + "/accelerometer/landing/accelerometer-1691348232031.json";
  auto file = fs->OpenForRead(path);
  if (!file.ok()) GTEST_SKIP() << path << " not present";
  LandingJsonReader reader(AccelerometerSchema());
  LandingFileStats stats;
  std::vector<QuarantinedFragment> fragments;
  ASSERT_TRUE(reader
                  .ReadFile(
                      **file, [](const Batch&) { return Status::OK(); },
                      [&](const QuarantinedFragment& f) {
                        fragments.push_back(f);
                        return Status::OK();
                      },
                      &stats)
                  .ok());
  EXPECT_EQ(stats.records, 1273u);  // `wc -l`: one object per line
  EXPECT_TRUE(fragments.empty());
}

// --- Fast paths (whole-line parse, key runs, reused builder) must fall back to the careful
// framing and give exactly what it gives. ---

std::shared_ptr<const Schema> StringAndNumber() {
  return std::make_shared<Schema>(
      std::vector<Field>{{"s", TypeId::kString, true, 1}, {"n", TypeId::kInt64, true, 2}});
}

TEST(LandingJsonReaderTest, CleanLinesThenABrokenLineThenCleanLines) {
  // The broken line ends in '}' but does not balance: the whole-line parse fails, and the
  // framer finds the object cut at the next line's '{'.
  const std::string input =
      "{\"a\":1}\n{\"a\":2}\n{\"a\":3,\"b\":{\"c\":4}\n{\"a\":5}\n{\"a\":6}\n";
  for (size_t chunk : {size_t{1}, size_t{9}, size_t{1} << 20}) {
    Output o = Read(SingleA(), input, ReaderOptions{2, chunk, 1 << 20});
    ASSERT_TRUE(o.status.ok());
    EXPECT_EQ(o.rows, (Rows{"1", "2", "5", "6"})) << "chunk " << chunk;
    EXPECT_EQ(o.fragments, (Fragments{{16, "truncated object: a new object starts at byte 35",
                                       "{\"a\":3,\"b\":{\"c\":4}"}}))
        << "chunk " << chunk;
    EXPECT_EQ(o.batch_sizes, (std::vector<size_t>{2, 2}));
    EXPECT_EQ(o.stats.fields,
              (std::vector<FieldSighting>{{"a", 4, 0, uint32_t(JsonKind::kInteger)}}));
  }
}

TEST(LandingJsonReaderTest, NestedValueTakenAsTextIsCheckedByTheFramer) {
  // simdjson takes {"a" {"b":1}} as raw text for the string column without checking it, so the
  // line must not be accepted whole: the framer sees a '{' where no value can start.
  Output o =
      Read(StringAndNumber(),
           "{\"s\":\"ok\",\"n\":1}\n{\"s\":{\"a\" {\"b\":1}},\"n\":2}\n{\"s\":\"ok\",\"n\":3}\n");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"ok|1", "null|null", "ok|3"}));
  ASSERT_EQ(o.fragments.size(), 2u);
  EXPECT_EQ(o.fragments[0],
            (QuarantinedFragment{17, "truncated object: a new object starts at byte 27",
                                 "{\"s\":{\"a\""}));
  EXPECT_EQ(o.fragments[1].offset, 34u);
  EXPECT_EQ(o.fragments[1].raw, "},\"n\":2}");
  EXPECT_EQ(o.fragments[1].reason.rfind("invalid JSON: ", 0), 0u) << o.fragments[1].reason;
  // A nested value that is valid JSON still becomes text, on a line of its own or not.
  Output ok = Read(StringAndNumber(), "{\"s\":{\"a\": [1, {}]},\"n\":4}\n{\"s\":[]}{\"n\":5}\n");
  EXPECT_EQ(ok.rows, (Rows{"{\"a\": [1, {}]}|4", "[]|null", "null|5"}));
  EXPECT_TRUE(ok.fragments.empty());
}

TEST(LandingJsonReaderTest, GluedObjectsAmongCleanLines) {
  const std::string input =
      "{\"a\":1}\n{\"a\":2}{\"a\":3}\n{\"a\":4} {\"a\":5}\r\n{\"a\":6}\n"
      "{\"a\":7}\n{\"a\":8,\"b\":\"x{\"a\":9}\n{\"a\":10}";
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{1} << 20}) {
    Output o = Read(SingleA(), input, ReaderOptions{100, chunk, 1 << 20});
    ASSERT_TRUE(o.status.ok());
    EXPECT_EQ(o.rows, (Rows{"1", "2", "3", "4", "5", "6", "7", "9", "10"})) << "chunk " << chunk;
    // The line cut inside a string holds a `{"`: the next object starts there.
    EXPECT_EQ(
        o.fragments,
        (Fragments{{56, "truncated object: a line ends inside a string", "{\"a\":8,\"b\":\"x"}}))
        << "chunk " << chunk;
    EXPECT_EQ(o.stats.fields,
              (std::vector<FieldSighting>{{"a", 9, 0, uint32_t(JsonKind::kInteger)}}));
  }
}

TEST(LandingJsonReaderTest, BraceQuoteInsideAStringOfACleanLine) {
  // A string ending in '{' puts `{"` inside the object; the object is valid, so it is a row.
  Output o =
      Read(StringAndNumber(),
           "{\"s\":\"ab{\",\"n\":1}\n{\"s\":\"{\",\"n\":2}\n{\"s\":\"a\\\"{\\\"b\",\"n\":3}\n"
           "{\"s{\":\"x\",\"n\":4}\n");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"ab{|1", "{|2", "a\"{\"b|3", "null|4"}));
  EXPECT_TRUE(o.fragments.empty());
}

TEST(LandingJsonReaderTest, MixedCaseKeysSwitchingMidFile) {
  Output o =
      Read(AccelerometerSchema(),
           "{\"user\":\"a\",\"x\":1.0}\n{\"user\":\"a\",\"x\":1.5}\n{\"user\":\"a\",\"x\":2.0}\n"
           "{\"User\":\"b\",\"X\":2}\n{\"User\":\"b\",\"X\":3}\n"
           "{\"user\":\"c\",\"x\":3.5}\n{\"user\":null,\"x\":1e0}\n"
           "{\"us\\u0065r\":\"d\",\"x\":4.0}\n");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"a|null|1|null|null", "a|null|1.5|null|null", "a|null|2|null|null",
                          "b|null|2|null|null", "b|null|3|null|null", "c|null|3.5|null|null",
                          "null|null|1|null|null", "d|null|4|null|null"}));
  EXPECT_EQ(o.stats.fields,
            (std::vector<FieldSighting>{
                {"user", 6, 1, uint32_t(JsonKind::kString) | uint32_t(JsonKind::kNull)},
                {"x", 6, 0, uint32_t(JsonKind::kFloat)},
                {"User", 2, 0, uint32_t(JsonKind::kString)},
                {"X", 2, 0, uint32_t(JsonKind::kInteger)}}));
}

TEST(LandingJsonReaderTest, KeySetChangingMidFile) {
  const std::string input =
      "{\"a\":1,\"b\":2}\n{\"a\":1,\"b\":2}\n{\"a\":1,\"b\":2}\n{\"a\":3}\n{\"a\":3}\n"
      "{\"b\":null,\"a\":4,\"c\":\"s\"}\n{\"a\":1,\"b\":2}\n{\"a\":1,\"b\":2,\"a\":5}\n"
      "{\"a\":1,\"b\":2}\n";
  Output o = Read(SingleA(), input);
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"1", "1", "1", "3", "3", "4", "1", "1", "1"}));
  EXPECT_EQ(o.stats.fields,
            (std::vector<FieldSighting>{
                {"a", 10, 0, uint32_t(JsonKind::kInteger)},
                {"b", 7, 1, uint32_t(JsonKind::kInteger) | uint32_t(JsonKind::kNull)},
                {"c", 1, 0, uint32_t(JsonKind::kString)}}));
}

TEST(LandingJsonReaderTest, StatsAndRowsAreSettledAtTheEndOfEachRead) {
  LandingJsonReader reader(SingleA(), ReaderOptions{100, 1 << 20, 1 << 20});
  LandingFileStats stats;
  Rows rows;
  auto on_batch = [&](const Batch& b) {
    for (size_t r = 0; r < b.num_rows(); ++r) rows.push_back(Cell(b.column(0), r));
    return Status::OK();
  };
  auto ok_fragment = [](const QuarantinedFragment&) { return Status::OK(); };
  ASSERT_TRUE(
      reader.ReadBuffer("1.json", "{\"a\":1}\n{\"a\":2}\n", on_batch, ok_fragment, &stats).ok());
  EXPECT_EQ(stats.fields, (std::vector<FieldSighting>{{"a", 2, 0, uint32_t(JsonKind::kInteger)}}));
  // The caller may reset the stats between reads.
  stats.fields.clear();
  ASSERT_TRUE(
      reader
          .ReadBuffer("2.json", "{\"a\":3}\n{\"a\":4}\n{\"a\":5}\n", on_batch, ok_fragment, &stats)
          .ok());
  EXPECT_EQ(stats.fields, (std::vector<FieldSighting>{{"a", 3, 0, uint32_t(JsonKind::kInteger)}}));
  // A read stopped by a callback error leaves no rows behind for the next read.
  Status st = reader.ReadBuffer(
      "3.json", "{\"a\":6}\n{\"a\":7}\nxyz\n{\"a\":8}\n", on_batch,
      [](const QuarantinedFragment&) { return Status::IOError("stop"); }, &stats);
  EXPECT_TRUE(st.IsIOError());
  ASSERT_TRUE(reader.ReadBuffer("4.json", "{\"a\":9}\n", on_batch, ok_fragment, &stats).ok());
  EXPECT_EQ(rows, (Rows{"1", "2", "3", "4", "5", "9"}));
  EXPECT_EQ(stats.fields, (std::vector<FieldSighting>{{"a", 6, 0, uint32_t(JsonKind::kInteger)}}));
}

TEST(LandingJsonReaderTest, DecimalsWithZeroFractionsReadAsTheirIntegers) {
  Output o = Read(OneColumn(TypeId::kFloat64),
                  "{\"v\":1.0}\n{\"v\":-0.0}\n{\"v\":-7.000}\n{\"v\":123456789012345.0}\n"
                  "{\"v\":12345678901234567.0}\n{\"v\":2.50}\n{\"v\":1.0 }\n{\"v\":00.0}\n"
                  "{\"v\":1.}\n");
  ASSERT_TRUE(o.status.ok());
  EXPECT_EQ(o.rows, (Rows{"1", "-0", "-7", "123456789012345", "12345678901234568", "2.5", "1"}));
  ASSERT_EQ(o.fragments.size(), 2u);
  EXPECT_EQ(o.fragments[0].raw, "{\"v\":00.0}");
  EXPECT_EQ(o.fragments[1].raw, "{\"v\":1.}");
  EXPECT_EQ(o.stats.fields, (std::vector<FieldSighting>{{"v", 7, 0, uint32_t(JsonKind::kFloat)}}));
}

}  // namespace
}  // namespace stedi::json

namespace stedi::json {
namespace {

// Schema evolution: unknown keys become columns when new_field says so.
TEST(LandingJsonReaderEvolutionTest, UnknownKeysBecomeColumnsFromTheirFirstValueOn) {
  std::vector<std::pair<std::string, JsonKind>> asked;
  ReaderOptions options;
  options.batch_rows = 2;  // the new column appears in the middle of the read
  int next_id = 10;
  options.new_field = [&](std::string_view key, JsonKind kind) -> std::optional<Field> {
    asked.emplace_back(std::string(key), kind);
    if (key == "skip") return std::nullopt;
    TypeId type = kind == JsonKind::kInteger ? TypeId::kInt64
                  : kind == JsonKind::kFloat ? TypeId::kFloat64
                                             : TypeId::kString;
    std::string name(key);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return Field{name, type, true, ++next_id};
  };
  // Rows 1-3 repeat one key order (the reader's run cache); "n" is null before it has a value;
  // "skip" is declined once and never asked again; "N" matches the column "n" by case.
  Output out = Read(SingleA(),
                    "{\"a\":1,\"n\":null,\"skip\":1}\n"
                    "{\"a\":2,\"n\":null,\"skip\":2}\n"
                    "{\"a\":3,\"n\":7,\"skip\":3}\n"
                    "{\"a\":4,\"n\":8,\"f\":1.5,\"skip\":4}\n"
                    "{\"N\":9,\"a\":5,\"o\":{\"k\":[1,2]}}\n",
                    options);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.rows.size(), 5u);
  // Batches before a column existed lack it; the batch it appeared in has nulls before it.
  EXPECT_EQ(out.rows[0], "1");
  EXPECT_EQ(out.rows[1], "2");
  EXPECT_EQ(out.rows[2], "3|7|null");  // f came in the same batch, one row later
  EXPECT_EQ(out.rows[3], "4|8|1.5");
  EXPECT_EQ(out.rows[4], "5|9|null|{\"k\":[1,2]}");
  ASSERT_EQ(asked.size(), 4u);
  EXPECT_EQ(asked[0], std::make_pair(std::string("skip"), JsonKind::kInteger));
  EXPECT_EQ(asked[1], std::make_pair(std::string("n"), JsonKind::kInteger));
  EXPECT_EQ(asked[2], std::make_pair(std::string("f"), JsonKind::kFloat));
  EXPECT_EQ(asked[3], std::make_pair(std::string("o"), JsonKind::kObject));
  EXPECT_EQ(out.stats.records, 5u);
}

TEST(LandingJsonReaderEvolutionTest, WithoutNewFieldUnknownKeysAreOnlyCounted) {
  Output out = Read(SingleA(), "{\"a\":1,\"extra\":2}\n");
  ASSERT_TRUE(out.status.ok());
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.rows[0], "1");
  ASSERT_EQ(out.stats.fields.size(), 2u);
  EXPECT_EQ(out.stats.fields[1].name, "extra");
}

// Property: the flat-object fast path (FlatObjectScanner) changes nothing. Random lines of
// tricky members (numbers at the edges of int32, int64 and double, malformed numbers and
// literals, strings that convert or not, escapes, non-ASCII and invalid UTF-8, control
// characters, nested values, duplicate, case-variant and unknown keys, odd whitespace) read the
// same with and without it: rows, fragments and stats, with and without schema evolution.
// Reads INPUT with the fast paths (options as given) and with the general parse only: rows,
// fragments and every statistic must be equal.
void ExpectFastPathsReadLikeTheGeneralParse(const std::shared_ptr<Schema>& schema,
                                            const std::string& input, ReaderOptions options) {
  const Output fast = Read(schema, input, options);
  options.flat_object_fast_path = false;
  const Output general = Read(schema, input, options);
  ASSERT_TRUE(fast.status.ok() && general.status.ok()) << input;
  ASSERT_EQ(fast.rows, general.rows) << input;
  ASSERT_EQ(fast.fragments, general.fragments) << input;
  ASSERT_EQ(fast.stats.fields, general.stats.fields) << input;
  ASSERT_EQ(fast.stats.records, general.stats.records) << input;
  ASSERT_EQ(fast.stats.unconvertible_fields, general.stats.unconvertible_fields) << input;
  ASSERT_EQ(fast.stats.records_with_unconvertible_fields,
            general.stats.records_with_unconvertible_fields)
      << input;
  ASSERT_EQ(fast.stats.records_with_repaired_utf8, general.stats.records_with_repaired_utf8)
      << input;
}

TEST(LandingJsonReaderTest, FlatObjectFastPathReadsLikeTheGeneralParse) {
  static const std::vector<std::string> kKeys = {"s", "i", "n",     "d",    "b",       "S",
                                                 "D", "t", "extra", "nope", "\\u0073", "\xC3\xA9"};
  static const std::vector<std::string> kValues = {"0",
                                                   "-0",
                                                   "7",
                                                   "-12",
                                                   "1.0",
                                                   "-1.0",
                                                   "0.5",
                                                   "1e5",
                                                   "1E+2",
                                                   "2.5e-3",
                                                   "-0.0",
                                                   "123456789012345678",
                                                   "9223372036854775807",
                                                   "9223372036854775808",
                                                   "-9223372036854775808",
                                                   "-9223372036854775809",
                                                   "12345678901234567890123",
                                                   "1e400",
                                                   "-1e400",
                                                   "1e-400",
                                                   "4.9e-324",
                                                   "2.2250738585072014e-308",
                                                   "0.1",
                                                   "3.141592653589793238462643383279",
                                                   "2147483647",
                                                   "2147483648",
                                                   "-2147483648",
                                                   "-2147483649",
                                                   "1.5e3",
                                                   "100000000000000000000.0",
                                                   "999999999999999999",
                                                   "9007199254740993",
                                                   "9007199254740993.0",
                                                   "-9007199254740993",
                                                   "123456789012345678.000",
                                                   "-0.000",
                                                   "10.50",
                                                   "01",
                                                   "1.",
                                                   "-",
                                                   ".5",
                                                   "+1",
                                                   "1e",
                                                   "0x10",
                                                   "1.5e999",
                                                   "\"\"",
                                                   "\"abc\"",
                                                   "\"42\"",
                                                   "\"-7\"",
                                                   "\" 42\"",
                                                   "\"1.5\"",
                                                   "\"1e3\"",
                                                   "\"inf\"",
                                                   "\"\xC3\xA9t\xC3\xA9\"",
                                                   "\"\xFF\"",
                                                   "\"a\\\"b\"",
                                                   "\"\\u00e9\"",
                                                   "\"tab\tin\"",
                                                   "\"true\"",
                                                   "true",
                                                   "false",
                                                   "null",
                                                   "nul",
                                                   "tru",
                                                   "nulll",
                                                   "truex",
                                                   "{}",
                                                   "[1,2]",
                                                   "{\"a\":[1]}",
                                                   "[]"};
  static const std::vector<std::string> kSpace = {"", "", "", " ", "\t", "  \r"};
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"s", TypeId::kString, true, 1},
                                                            {"i", TypeId::kInt64, true, 2},
                                                            {"n", TypeId::kInt32, true, 3},
                                                            {"d", TypeId::kFloat64, true, 4},
                                                            {"b", TypeId::kBoolean, true, 5},
                                                            {"t", TypeId::kTimestamp, true, 6}});
  std::mt19937_64 rng(20261129);
  auto space = [&] { return kSpace[rng() % kSpace.size()]; };
  for (int round = 0; round < 200; ++round) {
    std::string input;
    const int lines = 1 + static_cast<int>(rng() % 30);
    for (int l = 0; l < lines; ++l) {
      input += "{" + space();
      const int members = static_cast<int>(rng() % 6);
      for (int m = 0; m < members; ++m) {
        if (m > 0) input += space() + "," + space();
        // Mostly plain values, so that most lines stay in the fast path's subset.
        const std::string& value =
            rng() % 3 ? kValues[rng() % 12] : kValues[rng() % kValues.size()];
        input += "\"" + kKeys[rng() % kKeys.size()] + "\"" + space() + ":" + space() + value;
      }
      input += space() + "}";
      if (rng() % 20 == 0) input += " x";
      input += rng() % 4 ? "\n" : "\r\n";
    }
    for (bool evolve : {false, true}) {
      ReaderOptions options;
      options.batch_rows = 8;
      if (evolve) {
        options.new_field = [](std::string_view key, JsonKind kind) -> std::optional<Field> {
          if (key == "nope") return std::nullopt;
          return Field{std::string(key),
                       kind == JsonKind::kFloat ? TypeId::kFloat64 : TypeId::kString, true, 100};
        };
      }
      ExpectFastPathsReadLikeTheGeneralParse(schema, input, options);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// Landing rows nearly always repeat the keys of the row before them; such rows are matched
// against the previous row's bytes (TakeShapedRow). Runs of a few key sequences whose values
// mostly keep their kind, now and then another kind, a null, spaces, an escape or a bad number:
// the output is the general parse's.
TEST(LandingJsonReaderTest, RowsRepeatingTheKeysBeforeThemReadLikeTheGeneralParse) {
  static const std::vector<std::vector<std::string>> kShapes = {{"s", "i", "d"},
                                                                {"t", "s", "b", "n"},
                                                                {"s", "i", "extra"},
                                                                {"\\u0073", "i"},
                                                                {"S", "d"},
                                                                {"i", "i"},
                                                                {"s"},
                                                                {"\xC3\xA9", "d", "s"}};
  // Values by kind: 0 string, 1 integer, 2 float, 3 boolean; the last of each leaves the
  // fast path's subset or does not convert.
  static const std::vector<std::vector<std::string>> kValues = {
      {"\"abc\"", "\"\"", "\"\xC3\xA9t\xC3\xA9\"", "\"42\"", "\"a\\\"b\"", "\"\xFF\""},
      {"7", "-12", "0", "1655564444703", "123456789012345678", "9223372036854775808"},
      {"1.0", "-1.0", "0.5", "-0.0", "2.5e-3", "1e400"},
      {"true", "false", "truex"}};
  static const std::vector<std::string> kOther = {"null", "{}", "[1]", "01", "\"x\"", "1.5"};
  auto schema = std::make_shared<Schema>(std::vector<Field>{{"s", TypeId::kString, true, 1},
                                                            {"i", TypeId::kInt64, true, 2},
                                                            {"n", TypeId::kInt32, true, 3},
                                                            {"d", TypeId::kFloat64, true, 4},
                                                            {"b", TypeId::kBoolean, true, 5},
                                                            {"t", TypeId::kTimestamp, true, 6}});
  std::mt19937_64 rng(20261130);
  auto pick = [&](const std::vector<std::string>& v, bool usual) {
    return v[usual ? rng() % (v.size() - 1) : rng() % v.size()];
  };
  for (int round = 0; round < 300; ++round) {
    std::string input;
    size_t shape = rng() % kShapes.size();
    std::vector<int> kinds;  // each key's usual kind in this run
    const int lines = 1 + static_cast<int>(rng() % 40);
    for (int l = 0; l < lines; ++l) {
      if (l == 0 || rng() % 8 == 0) {
        shape = rng() % kShapes.size();
        kinds.clear();
        for (size_t k = 0; k < kShapes[shape].size(); ++k) kinds.push_back(rng() % 4);
      }
      input += "{";
      for (size_t k = 0; k < kShapes[shape].size(); ++k) {
        if (k > 0) input += rng() % 30 ? "," : " ,";
        const bool usual = rng() % 10 != 0;
        const std::string& value =
            usual || rng() % 2 ? pick(kValues[kinds[k]], usual) : kOther[rng() % kOther.size()];
        input += "\"" + kShapes[shape][k] + "\":" + (rng() % 40 ? "" : " ") + value;
      }
      input += "}";
      input += rng() % 10 ? "\n" : "\r\n";
    }
    for (bool evolve : {false, true}) {
      ReaderOptions options;
      options.batch_rows = 1 + rng() % 9;
      if (evolve) {
        options.new_field = [](std::string_view key, JsonKind kind) -> std::optional<Field> {
          return Field{std::string(key),
                       kind == JsonKind::kFloat ? TypeId::kFloat64 : TypeId::kString, true, 100};
        };
      }
      ExpectFastPathsReadLikeTheGeneralParse(schema, input, options);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
}

// A value of another kind inside a run of rows with one shape (an integer where the run has
// decimals, a decimal where it has integers) is a key sighting of that kind: the row leaves the
// shaped path, and the statistics record the kind as the general parse does.
TEST(LandingJsonReaderTest, AnotherKindInsideAShapedRunIsCountedAsThatKind) {
  auto schema = std::make_shared<Schema>(
      std::vector<Field>{{"i", TypeId::kInt64, true, 1}, {"d", TypeId::kFloat64, true, 2}});
  std::string input;
  for (int r = 0; r < 20; ++r) {
    const std::string i = r == 7 ? "1.5" : std::to_string(r);
    const std::string d = r == 13 ? "7" : std::to_string(r) + ".0";
    input.append("{\"i\":").append(i).append(",\"d\":").append(d).append("}\n");
  }
  ExpectFastPathsReadLikeTheGeneralParse(schema, input, ReaderOptions{});
  const Output fast = Read(schema, input, ReaderOptions{});
  ASSERT_EQ(fast.stats.fields.size(), 2u);
  EXPECT_EQ(JsonKindsToString(fast.stats.fields[0].kinds), "integer|float");
  EXPECT_EQ(JsonKindsToString(fast.stats.fields[1].kinds), "integer|float");
}

}  // namespace
}  // namespace stedi::json
