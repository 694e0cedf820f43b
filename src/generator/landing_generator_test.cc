#include "generator/landing_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace stedi {
namespace {

// ---- A strict reader for the flat JSON objects the generator writes, independent of it. ----

struct JsonValue {
  enum class Kind { kString, kNumber, kNull } kind;
  std::string text;  // string contents, or the number as written
};
using FlatObject = std::vector<std::pair<std::string, JsonValue>>;

// Parses LINE as a flat object whose separators are exactly ITEM_SEP between members and
// KEY_SEP between a key and its value; nullopt on any deviation.
std::optional<FlatObject> ParseFlat(const std::string& line, const std::string& key_sep,
                                    const std::string& item_sep) {
  FlatObject out;
  size_t p = 0;
  auto expect = [&](const std::string& s) {
    if (line.compare(p, s.size(), s) != 0) return false;
    p += s.size();
    return true;
  };
  auto read_string = [&](std::string* s) {
    if (!expect("\"")) return false;
    const size_t end = line.find('"', p);
    if (end == std::string::npos) return false;
    *s = line.substr(p, end - p);
    if (s->find('\\') != std::string::npos) return false;
    p = end + 1;
    return true;
  };
  if (!expect("{")) return std::nullopt;
  while (true) {
    std::string key;
    if (!read_string(&key) || !expect(key_sep)) return std::nullopt;
    JsonValue v;
    if (line.compare(p, 1, "\"") == 0) {
      v.kind = JsonValue::Kind::kString;
      if (!read_string(&v.text)) return std::nullopt;
    } else if (expect("null")) {
      v.kind = JsonValue::Kind::kNull;
    } else {
      v.kind = JsonValue::Kind::kNumber;
      const size_t start = p;
      while (p < line.size() && (std::isdigit(static_cast<unsigned char>(line[p])) ||
                                 line[p] == '-' || line[p] == '.')) {
        ++p;
      }
      if (p == start) return std::nullopt;
      v.text = line.substr(start, p - start);
    }
    out.emplace_back(std::move(key), std::move(v));
    if (expect("}")) break;
    if (!expect(item_sep)) return std::nullopt;
  }
  if (p != line.size()) return std::nullopt;
  return out;
}

const JsonValue* Find(const FlatObject& o, const std::string& key) {
  for (const auto& [k, v] : o) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::vector<std::string> Lines(const std::string& content) {
  std::vector<std::string> lines;
  std::istringstream in(content);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

struct Dataset {
  std::vector<FlatObject> customers, accelerometer, step_trainer;
  std::map<std::string, std::string> files;  // relative path -> content
};

Dataset Generate(const GeneratorOptions& options, GeneratorSummary* summary = nullptr) {
  auto fs = NewMemoryFileSystem();
  GeneratorSummary local;
  if (summary == nullptr) summary = &local;
  Status st = GenerateLanding(*fs, "/out", options, summary);
  EXPECT_TRUE(st.ok()) << st.ToString();
  Dataset d;
  auto listed = fs->ListRecursive("/out");
  EXPECT_TRUE(listed.ok());
  for (const FileInfo& f : *listed) {
    auto content = fs->ReadAll(f.path);
    EXPECT_TRUE(content.ok());
    const std::string rel = f.path.substr(std::string("/out/").size());
    d.files[rel] = *content;
    const bool customer = rel.starts_with("customer/landing/");
    const bool acc = rel.starts_with("accelerometer/landing/");
    const bool step = rel.starts_with("step_trainer/landing/");
    if (!customer && !acc && !step) continue;
    for (const std::string& line : Lines(*content)) {
      auto obj = customer ? ParseFlat(line, ": ", ", ") : ParseFlat(line, ":", ",");
      EXPECT_TRUE(obj.has_value()) << rel << ": " << line;
      if (!obj) continue;
      (customer ? d.customers : acc ? d.accelerometer : d.step_trainer).push_back(*obj);
    }
  }
  return d;
}

// ---- Brute-force recount of every table, straight from the definitions. ----

ExpectedCounts Recount(const Dataset& d) {
  ExpectedCounts c;
  c.customer_landing = static_cast<int64_t>(d.customers.size());
  c.accelerometer_landing = static_cast<int64_t>(d.accelerometer.size());
  c.step_trainer_landing = static_cast<int64_t>(d.step_trainer.size());
  std::unordered_map<std::string, int64_t> consent;    // trusted email -> consent date
  std::unordered_map<std::string, std::string> owner;  // serial -> email
  for (const FlatObject& o : d.customers) {
    const std::string email = Find(o, "email")->text;
    owner[Find(o, "serialNumber")->text] = email;
    const JsonValue* r = Find(o, "shareWithResearchAsOfDate");
    if (r != nullptr && r->kind == JsonValue::Kind::kNumber) {
      consent[email] = std::stoll(r->text);
    }
  }
  for (PolicyCounts* p : {&c.standard, &c.since_consent, &c.rubric}) {
    p->customer_trusted = static_cast<int64_t>(consent.size());
  }
  std::map<std::pair<std::string, int64_t>, int64_t> acc_at, acc_since_at;
  std::map<int64_t, int64_t> acc_at_time;
  std::set<std::string> curated, curated_since;
  for (const FlatObject& o : d.accelerometer) {
    const std::string user = Find(o, "user")->text;
    const int64_t t = std::stoll(Find(o, "timestamp")->text);
    auto it = consent.find(user);
    if (it == consent.end()) continue;
    ++c.standard.accelerometer_trusted;
    ++acc_at[{user, t}];
    ++acc_at_time[t];
    curated.insert(user);
    if (t >= it->second) {
      ++c.since_consent.accelerometer_trusted;
      ++acc_since_at[{user, t}];
      curated_since.insert(user);
    }
  }
  c.rubric.accelerometer_trusted = c.standard.accelerometer_trusted;
  c.standard.customer_curated = c.rubric.customer_curated = static_cast<int64_t>(curated.size());
  c.since_consent.customer_curated = static_cast<int64_t>(curated_since.size());
  for (const FlatObject& o : d.step_trainer) {
    auto own = owner.find(Find(o, "serialNumber")->text);
    if (own == owner.end()) continue;
    const std::string& email = own->second;
    const int64_t t = std::stoll(Find(o, "sensorReadingTime")->text);
    if (curated.count(email)) {
      ++c.standard.step_trainer_trusted;
      auto same = acc_at.find({email, t});
      if (same != acc_at.end()) c.standard.machine_learning_curated += same->second;
      auto any = acc_at_time.find(t);
      if (any != acc_at_time.end()) c.rubric.machine_learning_curated += any->second;
    }
    if (curated_since.count(email) && t >= consent.at(email)) {
      ++c.since_consent.step_trainer_trusted;
      auto same = acc_since_at.find({email, t});
      if (same != acc_since_at.end()) c.since_consent.machine_learning_curated += same->second;
    }
  }
  c.rubric.step_trainer_trusted = c.standard.step_trainer_trusted;
  return c;
}

std::string Describe(const PolicyCounts& p) {
  std::ostringstream s;
  s << "{trusted " << p.customer_trusted << ", acc " << p.accelerometer_trusted << ", curated "
    << p.customer_curated << ", step " << p.step_trainer_trusted << ", ml "
    << p.machine_learning_curated << "}";
  return s.str();
}

// Reads "name": value from expected.json text without a JSON library: the value after the
// N-th occurrence of the quoted name.
int64_t JsonNumberAfter(const std::string& text, const std::string& section,
                        const std::string& name) {
  size_t p = text.find("\"" + section + "\"");
  EXPECT_NE(p, std::string::npos) << section;
  p = text.find("\"" + name + "\"", p);
  EXPECT_NE(p, std::string::npos) << name;
  p = text.find(':', p);
  return std::stoll(text.substr(p + 1));
}

// ---- Tests ----

TEST(LandingGeneratorTest, SameOptionsGiveSameBytesAndOtherSeedsDiffer) {
  GeneratorOptions options;
  options.customers = 300;
  options.rows_per_file = 2000;
  const Dataset a = Generate(options);
  const Dataset b = Generate(options);
  EXPECT_EQ(a.files, b.files);
  options.seed = 43;
  const Dataset c = Generate(options);
  ASSERT_EQ(a.files.size(), c.files.size());
  for (auto ia = a.files.begin(), ic = c.files.begin(); ia != a.files.end(); ++ia, ++ic) {
    if (ia->first == "expected.json") continue;
    EXPECT_NE(ia->first, ic->first);    // names derive from the seed
    EXPECT_NE(ia->second, ic->second);  // and so does every file's content
  }
}

TEST(LandingGeneratorTest, SplitsFilesByRowsAndNamesThemLikeTheRealOnes) {
  GeneratorOptions options;
  options.customers = 250;
  options.rows_per_file = 1000;
  GeneratorSummary summary;
  const Dataset d = Generate(options, &summary);
  ASSERT_FALSE(summary.files.empty());
  EXPECT_EQ(summary.files.back(), "expected.json");
  EXPECT_EQ(summary.files.size(), d.files.size());
  std::map<std::string, std::vector<int64_t>> rows_by_source;
  for (const std::string& rel : summary.files) {
    ASSERT_TRUE(d.files.count(rel)) << rel;
    if (rel == "expected.json") continue;
    const std::string source = rel.substr(0, rel.find('/'));
    const std::string name = rel.substr(rel.rfind('/') + 1);
    EXPECT_EQ(rel, JoinPath(JoinPath(source, "landing"), name));
    ASSERT_TRUE(name.starts_with(source + "-") && name.ends_with(".json")) << name;
    const std::string digits = name.substr(source.size() + 1, 13);
    EXPECT_EQ(name.size(), source.size() + 1 + 13 + 5) << name;  // a 13-digit epoch ms
    EXPECT_TRUE(std::all_of(digits.begin(), digits.end(), ::isdigit)) << name;
    rows_by_source[source].push_back(static_cast<int64_t>(Lines(d.files.at(rel)).size()));
  }
  EXPECT_EQ(rows_by_source["customer"], std::vector<int64_t>{250});
  for (const char* source : {"accelerometer", "step_trainer"}) {
    const auto& rows = rows_by_source[source];
    ASSERT_GE(rows.size(), 2u) << source;
    for (size_t i = 0; i + 1 < rows.size(); ++i) EXPECT_EQ(rows[i], 1000) << source;
    EXPECT_GE(rows.back(), 1);
    EXPECT_LE(rows.back(), 1000);
  }
  EXPECT_EQ(summary.customers, 250);
  EXPECT_EQ(summary.accelerometer, static_cast<int64_t>(d.accelerometer.size()));
  EXPECT_EQ(summary.step_trainer, static_cast<int64_t>(d.step_trainer.size()));
}

TEST(LandingGeneratorTest, RecordsHaveTheRealFieldsOrderAndValueRanges) {
  GeneratorOptions options;
  options.customers = 2000;
  const Dataset d = Generate(options);
  const std::vector<std::string> customer_keys = {"customerName",
                                                  "email",
                                                  "phone",
                                                  "birthDay",
                                                  "serialNumber",
                                                  "registrationDate",
                                                  "lastUpdateDate",
                                                  "shareWithResearchAsOfDate",
                                                  "shareWithPublicAsOfDate",
                                                  "shareWithFriendsAsOfDate"};
  std::set<std::vector<std::string>> key_sets;
  std::set<std::string> emails, serials;
  int64_t research = 0, research_null = 0, old_birthdays = 0;
  for (const FlatObject& o : d.customers) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : o) keys.push_back(k);
    // Keys are the first seven always, then a subsequence of the three consent fields.
    ASSERT_GE(keys.size(), 7u);
    EXPECT_TRUE(std::equal(keys.begin(), keys.begin() + 7, customer_keys.begin()));
    EXPECT_TRUE(std::includes(customer_keys.begin() + 7, customer_keys.end(), keys.begin() + 7,
                              keys.end(), [&](const std::string& a, const std::string& b) {
                                return std::find(customer_keys.begin(), customer_keys.end(), a) <
                                       std::find(customer_keys.begin(), customer_keys.end(), b);
                              }));
    key_sets.insert(keys);
    EXPECT_EQ(Find(o, "phone")->text, "8015551212");
    const std::string email = Find(o, "email")->text;
    EXPECT_TRUE(email.ends_with("@test.com") && email.find('.') < email.find('@')) << email;
    emails.insert(email);
    const std::string name = Find(o, "customerName")->text;
    EXPECT_TRUE(email.starts_with(name.substr(0, name.find(' ')) + ".")) << name << " " << email;
    const std::string serial = Find(o, "serialNumber")->text;
    ASSERT_EQ(serial.size(), 36u);
    for (size_t i = 0; i < serial.size(); ++i) {
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        EXPECT_EQ(serial[i], '-');
      } else {
        EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(serial[i]))) << serial;
      }
    }
    serials.insert(serial);
    const std::string birthday = Find(o, "birthDay")->text;
    EXPECT_TRUE(birthday.ends_with("-01-01")) << birthday;
    if (std::stoi(birthday) < 1900) ++old_birthdays;
    EXPECT_EQ(Find(o, "registrationDate")->kind, JsonValue::Kind::kNumber);
    EXPECT_EQ(Find(o, "registrationDate")->text.size(), 13u);
    if (const JsonValue* r = Find(o, "shareWithResearchAsOfDate")) {
      if (r->kind == JsonValue::Kind::kNumber) ++research;
      if (r->kind == JsonValue::Kind::kNull) ++research_null;
    }
  }
  EXPECT_EQ(emails.size(), d.customers.size());
  EXPECT_EQ(serials.size(), d.customers.size());
  EXPECT_GT(old_birthdays, 0);
  EXPECT_GE(key_sets.size(), 6u);  // the real data has 8
  EXPECT_GT(research_null, 0);
  // About half have research consent (real: 482 / 956); 2000 draws: sd ~ 0.011.
  const double fraction = static_cast<double>(research) / static_cast<double>(d.customers.size());
  EXPECT_GT(fraction, 0.44);
  EXPECT_LT(fraction, 0.57);

  const std::vector<std::string> acc_keys = {"user", "timestamp", "x", "y", "z"};
  for (const FlatObject& o : d.accelerometer) {
    ASSERT_EQ(o.size(), 5u);
    for (size_t i = 0; i < 5; ++i) EXPECT_EQ(o[i].first, acc_keys[i]);
    for (const char* axis : {"x", "y", "z"}) {
      const std::string& v = Find(o, axis)->text;
      EXPECT_TRUE(v == "1.0" || v == "-1.0" || v == "0.0") << v;
    }
    EXPECT_TRUE(emails.count(Find(o, "user")->text));
  }
  const std::vector<std::string> step_keys = {"sensorReadingTime", "serialNumber",
                                              "distanceFromObject"};
  for (const FlatObject& o : d.step_trainer) {
    ASSERT_EQ(o.size(), 3u);
    for (size_t i = 0; i < 3; ++i) EXPECT_EQ(o[i].first, step_keys[i]);
    const int distance = std::stoi(Find(o, "distanceFromObject")->text);
    EXPECT_GE(distance, 201);
    EXPECT_LE(distance, 300);
    EXPECT_TRUE(serials.count(Find(o, "serialNumber")->text));
  }
}

TEST(LandingGeneratorTest, ReadingsAreShapedLikeTheRealDevices) {
  GeneratorOptions options;
  options.customers = 1500;
  const Dataset d = Generate(options);
  std::map<std::string, std::string> serial_of;  // email -> serial
  std::map<std::string, std::optional<int64_t>> consent;
  for (const FlatObject& o : d.customers) {
    const std::string email = Find(o, "email")->text;
    serial_of[email] = Find(o, "serialNumber")->text;
    const JsonValue* r = Find(o, "shareWithResearchAsOfDate");
    consent[email] = (r && r->kind == JsonValue::Kind::kNumber)
                         ? std::optional<int64_t>(std::stoll(r->text))
                         : std::nullopt;
  }
  std::map<std::string, int64_t> per_user;
  std::map<std::pair<std::string, int64_t>, int64_t> per_user_time;
  std::map<int64_t, std::set<std::string>> users_at_time;
  std::set<std::string> exact;
  int64_t before_consent = 0;
  for (const FlatObject& o : d.accelerometer) {
    const std::string user = Find(o, "user")->text;
    const int64_t t = std::stoll(Find(o, "timestamp")->text);
    ++per_user[user];
    ++per_user_time[{user, t}];
    users_at_time[t].insert(user);
    std::string whole;
    for (const auto& [k, v] : o) whole += v.text + "|";
    EXPECT_TRUE(exact.insert(whole).second) << "exact duplicate reading " << whole;
    if (consent[user] && t < *consent[user]) ++before_consent;
  }
  // Most customers have a device; each has about 85 readings (real: 77..90).
  EXPECT_GT(per_user.size(), d.customers.size() * 9 / 10);
  EXPECT_LT(per_user.size(), d.customers.size());
  int64_t total = 0;
  for (const auto& [user, n] : per_user) {
    EXPECT_GE(n, 60) << user;
    EXPECT_LE(n, 110) << user;
    total += n;
  }
  const double mean = static_cast<double>(total) / static_cast<double>(per_user.size());
  EXPECT_NEAR(mean, 85.0, 3.0);
  // Several readings per (user, timestamp), at most 6, and sometimes more than 3.
  int64_t max_multiplicity = 0, duplicated = 0;
  for (const auto& [key, n] : per_user_time) {
    max_multiplicity = std::max(max_multiplicity, n);
    duplicated += n > 1 ? 1 : 0;
  }
  EXPECT_LE(max_multiplicity, 6);
  EXPECT_GE(max_multiplicity, 4);
  EXPECT_GT(duplicated, static_cast<int64_t>(per_user_time.size()) * 9 / 10);
  // Some timestamps occur on several customers' devices (real: 1,481 of 27,110).
  int64_t shared = 0;
  for (const auto& [t, users] : users_at_time) shared += users.size() > 1 ? 1 : 0;
  EXPECT_GT(shared, static_cast<int64_t>(users_at_time.size()) / 50);
  EXPECT_LT(shared, static_cast<int64_t>(users_at_time.size()) / 5);
  EXPECT_GT(before_consent, 0);

  // Step-trainer readings: one per accelerometer time of the owner, never repeated.
  std::map<std::string, std::string> email_of;
  for (const auto& [email, serial] : serial_of) email_of[serial] = email;
  std::set<std::pair<std::string, int64_t>> step_keys;
  std::map<std::string, int64_t> steps_per_device;
  for (const FlatObject& o : d.step_trainer) {
    const std::string serial = Find(o, "serialNumber")->text;
    const int64_t t = std::stoll(Find(o, "sensorReadingTime")->text);
    EXPECT_TRUE(step_keys.insert({serial, t}).second);
    EXPECT_TRUE(per_user_time.count({email_of.at(serial), t}));
    ++steps_per_device[serial];
  }
  EXPECT_EQ(step_keys.size(), per_user_time.size());
  for (const auto& [serial, n] : steps_per_device) EXPECT_EQ(n, 30) << serial;
}

TEST(LandingGeneratorTest, ExpectedCountsEqualABruteForceRecount) {
  for (uint64_t seed : {1ULL, 42ULL, 20240601ULL}) {
    GeneratorOptions options;
    options.customers = 700;
    options.seed = seed;
    options.rows_per_file = 3000;
    GeneratorSummary summary;
    const Dataset d = Generate(options, &summary);
    const ExpectedCounts recount = Recount(d);
    EXPECT_EQ(summary.expected, recount)
        << "seed " << seed << "\n standard " << Describe(summary.expected.standard) << " vs "
        << Describe(recount.standard) << "\n since " << Describe(summary.expected.since_consent)
        << " vs " << Describe(recount.since_consent) << "\n rubric "
        << Describe(summary.expected.rubric) << " vs " << Describe(recount.rubric);
    // The policies must actually differ, or the test would not tell them apart.
    EXPECT_LT(recount.since_consent.accelerometer_trusted, recount.standard.accelerometer_trusted);
    EXPECT_LT(recount.since_consent.customer_curated, recount.standard.customer_curated);
    EXPECT_GT(recount.rubric.machine_learning_curated, recount.standard.machine_learning_curated);
    EXPECT_LT(recount.standard.customer_curated, recount.standard.customer_trusted);

    const std::string& json = d.files.at("expected.json");
    EXPECT_EQ(JsonNumberAfter(json, "landing", "accelerometer_landing"),
              recount.accelerometer_landing);
    EXPECT_EQ(JsonNumberAfter(json, "standard", "step_trainer_trusted"),
              recount.standard.step_trainer_trusted);
    EXPECT_EQ(JsonNumberAfter(json, "since-consent", "machine_learning_curated"),
              recount.since_consent.machine_learning_curated);
    EXPECT_EQ(JsonNumberAfter(json, "rubric", "machine_learning_curated"),
              recount.rubric.machine_learning_curated);
    EXPECT_EQ(JsonNumberAfter(json, "rubric", "customer_landing"), 700);
  }
}

TEST(LandingGeneratorTest, ZeroCustomersWritesOnlyExpectedCounts) {
  GeneratorOptions options;
  options.customers = 0;
  GeneratorSummary summary;
  const Dataset d = Generate(options, &summary);
  EXPECT_EQ(summary.files, std::vector<std::string>{"expected.json"});
  EXPECT_EQ(summary.expected, ExpectedCounts{});
  EXPECT_EQ(JsonNumberAfter(d.files.at("expected.json"), "rubric", "customer_landing"), 0);
}

TEST(LandingGeneratorTest, RejectsInvalidOptions) {
  auto fs = NewMemoryFileSystem();
  GeneratorSummary summary;
  GeneratorOptions options;
  options.customers = -1;
  Status st = GenerateLanding(*fs, "/out", options, &summary);
  EXPECT_TRUE(st.IsInvalid());
  EXPECT_NE(st.message().find("-1"), std::string::npos) << st.ToString();
  options.customers = 10;
  options.rows_per_file = 0;
  EXPECT_TRUE(GenerateLanding(*fs, "/out", options, &summary).IsInvalid());
  EXPECT_TRUE(GenerateLanding(*fs, "/out", GeneratorOptions{}, nullptr).IsInvalid());
}

}  // namespace
}  // namespace stedi

namespace stedi {
namespace {

// Every file the generator wrote under /out, relative path -> bytes, without parsing them.
std::map<std::string, std::string> RawFiles(const GeneratorOptions& options,
                                            GeneratorSummary* summary) {
  auto fs = NewMemoryFileSystem();
  Status st = GenerateLanding(*fs, "/out", options, summary);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::map<std::string, std::string> files;
  auto listed = fs->ListRecursive("/out");
  EXPECT_TRUE(listed.ok());
  for (const FileInfo& f : *listed) files[f.path.substr(5)] = *fs->ReadAll(f.path);
  return files;
}

TEST(LandingGeneratorTest, FilesPerSourceSplitsEverySourceByCustomerRange) {
  GeneratorOptions options;
  options.customers = 100;
  options.files_per_source = 4;
  GeneratorSummary summary;
  const Dataset d = Generate(options, &summary);
  std::map<std::string, std::vector<std::string>> by_source;  // in file order
  for (const std::string& rel : summary.files) {
    if (rel != "expected.json") by_source[rel.substr(0, rel.find('/'))].push_back(rel);
  }
  ASSERT_EQ(by_source.size(), 3u);
  for (const auto& [source, files] : by_source) EXPECT_EQ(files.size(), 4u) << source;
  // 100 customers in 4 files: 25 each, and each accelerometer file holds a later range of
  // customers (the number in the e-mail is the customer's index) than the one before it.
  for (const std::string& rel : by_source["customer"]) {
    EXPECT_EQ(Lines(d.files.at(rel)).size(), 25u) << rel;
  }
  int64_t previous_max = -1;
  for (const std::string& rel : by_source["accelerometer"]) {
    int64_t lo = INT64_MAX, hi = -1;
    for (const std::string& line : Lines(d.files.at(rel))) {
      const size_t at = line.find("@test.com");
      size_t digits = at;
      while (digits > 0 && std::isdigit(static_cast<unsigned char>(line[digits - 1]))) --digits;
      const int64_t index = std::stoll(line.substr(digits, at - digits));
      lo = std::min(lo, index);
      hi = std::max(hi, index);
    }
    EXPECT_GT(lo, previous_max) << rel;
    previous_max = hi;
  }
}

TEST(LandingGeneratorTest, MessyDataKeepsTheCleanCountsAndCountsItsFragments) {
  GeneratorOptions clean;
  clean.customers = 200;
  clean.files_per_source = 3;
  GeneratorOptions messy = clean;
  messy.messy_per_million = 50000;
  GeneratorSummary clean_summary, messy_summary, again_summary;
  const auto clean_files = RawFiles(clean, &clean_summary);
  const auto messy_files = RawFiles(messy, &messy_summary);
  EXPECT_EQ(RawFiles(messy, &again_summary), messy_files);  // same options, same bytes

  ExpectedCounts expected = messy_summary.expected;
  EXPECT_GT(expected.quarantine, 0);
  EXPECT_EQ(expected.quarantine, expected.messes[static_cast<size_t>(MessKind::kTruncatedCopy)]);
  int64_t messes = 0;
  for (int64_t n : expected.messes) messes += n;
  const int64_t records =
      expected.customer_landing + expected.accelerometer_landing + expected.step_trainer_landing;
  // About 5 % of the records, far from 0 and from all of them.
  EXPECT_GT(messes, records / 40);
  EXPECT_LT(messes, records / 10);
  // Messes never change a table: only the fragments and their tally differ.
  expected.quarantine = 0;
  expected.messes = {};
  EXPECT_EQ(expected, clean_summary.expected);

  // Per source: the three data files plus an empty one; the first starts with a BOM and the
  // second is gzip-compressed.
  for (const char* source : {"customer", "accelerometer", "step_trainer"}) {
    std::vector<std::string> files;
    for (const std::string& rel : messy_summary.files) {
      if (rel.starts_with(std::string(source) + "/")) files.push_back(rel);
    }
    ASSERT_EQ(files.size(), 4u) << source;
    EXPECT_TRUE(messy_files.at(files[0]).starts_with("\xEF\xBB\xBF")) << files[0];
    EXPECT_TRUE(files[1].ends_with(".json.gz")) << files[1];
    EXPECT_TRUE(messy_files.at(files[1]).starts_with("\x1f\x8b")) << files[1];
    EXPECT_EQ(messy_files.at(files[3]), "") << files[3];
  }
  // Objects on one line and CRLF line ends are there.
  bool joined = false, crlf = false;
  for (const auto& [rel, bytes] : messy_files) {
    joined = joined || bytes.find("}{") != std::string::npos;
    crlf = crlf || bytes.find("}\r\n") != std::string::npos;
  }
  EXPECT_TRUE(joined);
  EXPECT_TRUE(crlf);
  EXPECT_EQ(clean_files.size(), 3u * 3 + 1);  // no BOM, gzip or empty file when clean
}

TEST(LandingGeneratorTest, RejectsBadSplitAndMessOptions) {
  auto fs = NewMemoryFileSystem();
  GeneratorSummary summary;
  GeneratorOptions options;
  options.files_per_source = -1;
  EXPECT_TRUE(GenerateLanding(*fs, "/out", options, &summary).IsInvalid());
  options.files_per_source = 0;
  options.messy_per_million = 1000001;
  EXPECT_TRUE(GenerateLanding(*fs, "/out", options, &summary).IsInvalid());
}

}  // namespace
}  // namespace stedi
