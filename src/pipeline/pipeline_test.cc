#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <thread>

#include "catalog/catalog.h"
#include "catalog/iceberg_table_files.h"
#include "formats/iceberg/manifest.h"
#include "formats/parquet/file_reader.h"
#include "ingest/ingest_job.h"
#include "pipeline/model_graph.h"
#include "pipeline/model_set.h"
#include "pipeline/run_job.h"
#include "pipeline/validation_report.h"
#include "storage/file_uri.h"

namespace stedi {
namespace {

namespace fsys = std::filesystem;

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// ---- model set and dependency graph -------------------------------------------------------

TEST(ModelSetTest, EmbeddedModelsDefineThreePolicies) {
  ModelSet set = ModelSet::Embedded();
  EXPECT_EQ(set.Policies(), (std::vector<std::string>{"standard", "rubric", "since-consent"}));
  auto standard = set.Load("standard");
  ASSERT_TRUE(standard.ok()) << standard.status().ToString();
  std::map<std::string, Model> by_table;
  for (const Model& m : *standard) by_table[m.table] = m;
  ASSERT_EQ(by_table.size(), 5u);
  EXPECT_EQ(by_table["customer_trusted"].zone, Zone::kTrusted);
  EXPECT_EQ(by_table["customer_trusted"].source, "customer");
  EXPECT_EQ(by_table["accelerometer_trusted"].source, "accelerometer");
  EXPECT_EQ(by_table["step_trainer_trusted"].source, "step_trainer");
  EXPECT_EQ(by_table["customer_curated"].zone, Zone::kCurated);
  EXPECT_EQ(by_table["machine_learning_curated"].zone, Zone::kCurated);
  EXPECT_EQ(by_table["machine_learning_curated"].source, "step_trainer");
  EXPECT_EQ(by_table["customer_trusted"].file, "models/trusted/customer_trusted.sql");

  auto rubric = set.Load("rubric");
  ASSERT_TRUE(rubric.ok());
  for (const Model& m : *rubric) {
    bool replaced = m.table == "machine_learning_curated";
    EXPECT_EQ(Has(m.file, "policies/rubric/"), replaced) << m.file;
  }
  auto since = set.Load("since-consent");
  ASSERT_TRUE(since.ok());
  for (const Model& m : *since) {
    bool replaced = m.table == "accelerometer_trusted" || m.table == "step_trainer_trusted";
    EXPECT_EQ(Has(m.file, "policies/since-consent/"), replaced) << m.file;
  }
}

TEST(ModelSetTest, UnknownPolicyListsTheKnownOnes) {
  auto loaded = ModelSet::Embedded().Load("everything");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(loaded.status().IsInvalid());
  EXPECT_TRUE(Has(loaded.status().message(), "everything"));
  EXPECT_TRUE(Has(loaded.status().message(), "standard, rubric, since-consent"));
}

TEST(ModelSetTest, MisplacedOrDuplicateModelsAreNamed) {
  ModelSet misplaced("m", {{"landing/x.sql", "SELECT 1"}});
  auto a = misplaced.Load("standard");
  ASSERT_FALSE(a.ok());
  EXPECT_TRUE(Has(a.status().message(), "m/landing/x.sql"));

  ModelSet twice("m", {{"trusted/x.sql", "SELECT 1"}, {"curated/x.sql", "SELECT 2"}});
  auto b = twice.Load("standard");
  ASSERT_FALSE(b.ok());
  EXPECT_TRUE(Has(b.status().message(), "m/curated/x.sql"));
  EXPECT_TRUE(Has(b.status().message(), "m/trusted/x.sql"));
}

TEST(ModelGraphTest, StandardModelsRunInDependencyOrder) {
  auto models = ModelSet::Embedded().Load("standard");
  ASSERT_TRUE(models.ok());
  auto ordered =
      OrderModels(*models, {"customer_landing", "accelerometer_landing", "step_trainer_landing"});
  ASSERT_TRUE(ordered.ok()) << ordered.status().ToString();
  std::vector<std::string> names;
  for (const Model& m : *ordered) names.push_back(m.table);
  // Ties keep zone-then-name order: accelerometer_trusted waits for customer_trusted, and
  // step_trainer_trusted for customer_curated.
  EXPECT_EQ(names, (std::vector<std::string>{"customer_trusted", "accelerometer_trusted",
                                             "customer_curated", "step_trainer_trusted",
                                             "machine_learning_curated"}));
  EXPECT_EQ((*ordered)[0].dependencies, std::vector<std::string>{});
  EXPECT_EQ((*ordered)[2].dependencies,
            (std::vector<std::string>{"customer_trusted", "accelerometer_trusted"}));
}

TEST(ModelGraphTest, CycleAndUnknownTableAreNamed) {
  ModelSet cyclic("m", {{"trusted/a_trusted.sql", "SELECT * FROM b_trusted"},
                        {"trusted/b_trusted.sql", "SELECT * FROM a_trusted"},
                        {"curated/c_curated.sql", "SELECT * FROM customer_landing"}});
  auto models = cyclic.Load("standard");
  ASSERT_TRUE(models.ok()) << models.status().ToString();
  auto ordered = OrderModels(*models, {"customer_landing"});
  ASSERT_FALSE(ordered.ok());
  EXPECT_TRUE(Has(ordered.status().message(), "cycle"));
  EXPECT_TRUE(Has(ordered.status().message(), "a_trusted"));
  EXPECT_TRUE(Has(ordered.status().message(), "b_trusted"));
  EXPECT_FALSE(Has(ordered.status().message(), "c_curated"));

  ModelSet self("m", {{"trusted/a_trusted.sql", "SELECT * FROM a_trusted"}});
  auto self_ordered = OrderModels(*self.Load("standard"), {});
  ASSERT_FALSE(self_ordered.ok());
  EXPECT_TRUE(Has(self_ordered.status().message(), "cycle"));

  ModelSet unknown("m", {{"trusted/a_trusted.sql", "SELECT * FROM nowhere_landing"}});
  auto unknown_ordered = OrderModels(*unknown.Load("standard"), {"customer_landing"});
  ASSERT_FALSE(unknown_ordered.ok());
  EXPECT_TRUE(Has(unknown_ordered.status().message(), "m/trusted/a_trusted.sql"));
  EXPECT_TRUE(Has(unknown_ordered.status().message(), "nowhere_landing"));
}

// ---- runs on a lake -----------------------------------------------------------------------

class PipelineRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fsys::temp_directory_path() /
             ("stedi_pipeline_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    fsys::remove_all(root_);
    fs_ = NewLocalFileSystem();
  }
  void TearDown() override { fsys::remove_all(root_); }

  std::string lake() const { return JoinPath(root_, "lake"); }

  void Ingest(const std::string& source) {
    IngestOptions options;
    options.lake_dir = lake();
    options.source_dir = source;
    auto report = RunIngest(*fs_, options);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
  }

  void Write(const std::string& relative, std::string_view bytes) {
    ASSERT_TRUE(fs_->WriteAll(JoinPath(root_, relative), bytes).ok());
  }

  Result<RunReport> Run(const std::string& policy,
                        const std::optional<std::string>& models = std::nullopt,
                        bool validate = false) {
    RunOptions options;
    options.lake_dir = lake();
    options.policy = policy;
    options.models_dir = models;
    options.threads = 2;
    options.validate = validate;
    return RunPipeline(*fs_, options);
  }

  // Rows of each built table according to the catalog.
  std::map<std::string, int64_t> CatalogRows() {
    std::map<std::string, int64_t> rows;
    auto catalog = Catalog::Open(lake(), std::nullopt);
    EXPECT_TRUE(catalog.ok());
    auto tables = (*catalog)->ListTables();
    EXPECT_TRUE(tables.ok());
    for (const TableEntry& t : *tables) {
      if (t.zone != Zone::kLanding) rows[t.name] = t.rows;
    }
    return rows;
  }

  // Checks that the files below each built table's folder are exactly those its Iceberg
  // metadata reaches: data files of any snapshot (time travel keeps replaced ones), and the
  // metadata files, manifest lists and manifests of the chain. A run that lost a commit must
  // have removed everything it wrote.
  void ExpectOnlyReferencedFiles() {
    auto catalog = Catalog::Open(lake(), std::nullopt);
    ASSERT_TRUE(catalog.ok());
    auto tables = (*catalog)->ListTables();
    ASSERT_TRUE(tables.ok());
    for (const TableEntry& t : *tables) {
      if (t.zone == Zone::kLanding) continue;
      auto location = (*catalog)->IcebergMetadataLocation(t.name);
      ASSERT_TRUE(location.ok()) << location.status().ToString();
      auto metadata = (*catalog)->IcebergMetadata(t.name);
      ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
      std::set<std::string> referenced;
      auto add_uri = [&](const std::string& uri) {
        auto path = LocalPathFromUri(uri);
        ASSERT_TRUE(path.ok()) << uri;
        referenced.insert(*path);
      };
      add_uri(*location);
      for (const auto& e : metadata->metadata_log) add_uri(e.metadata_file);
      for (const iceberg::Snapshot& s : metadata->snapshots) {
        add_uri(s.manifest_list);
        auto list = iceberg::ReadManifestList(*fs_, *LocalPathFromUri(s.manifest_list));
        ASSERT_TRUE(list.ok()) << list.status().ToString();
        for (const auto& m : *list) add_uri(m.manifest_path);
        auto files = SnapshotDataFiles(*fs_, s);
        ASSERT_TRUE(files.ok()) << files.status().ToString();
        for (const auto& f : *files) add_uri(f.file_path);
      }
      std::set<std::string> on_disk;
      for (const auto& e : fsys::recursive_directory_iterator(JoinPath(lake(), t.location))) {
        if (e.is_regular_file()) on_disk.insert(fsys::canonical(e.path()).string());
      }
      EXPECT_EQ(on_disk, referenced) << t.name;
    }
  }

  // An order-independent fingerprint of every row of every built table, read straight from
  // the Parquet files (not through the SQL engine): the sum of one hash per row.
  std::map<std::string, uint64_t> ContentHashes() {
    std::map<std::string, uint64_t> hashes;
    auto catalog = Catalog::Open(lake(), std::nullopt);
    EXPECT_TRUE(catalog.ok());
    auto tables = (*catalog)->ListTables();
    EXPECT_TRUE(tables.ok());
    for (const TableEntry& listed : *tables) {
      if (listed.zone == Zone::kLanding) continue;
      auto t = (*catalog)->GetTable(listed.name);
      EXPECT_TRUE(t.ok()) << t.status().ToString();
      uint64_t sum = 0;
      for (const DataFile& f : t->files) {
        auto file = fs_->OpenForRead(JoinPath(lake(), f.path));
        EXPECT_TRUE(file.ok()) << f.path;
        if (!file.ok()) continue;
        auto reader = parquet::FileReader::Open(std::shared_ptr<RandomAccessFile>(file->release()));
        EXPECT_TRUE(reader.ok());
        for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
          auto batch = (*reader)->ReadRowGroup(g, {});
          EXPECT_TRUE(batch.ok());
          for (size_t r = 0; r < batch->num_rows(); ++r) {
            std::string row;
            for (const Column& c : batch->columns()) {
              if (c.IsNull(r)) {
                row += "\x01N";
              } else if (IsVariableWidth(c.type())) {
                row += "\x01S" + std::string(c.GetString(r));
              } else {
                int width = FixedWidth(c.type());
                row += "\x01V" +
                       std::string(reinterpret_cast<const char*>(c.values().data()) + r * width,
                                   width);
              }
            }
            sum += std::hash<std::string>{}(row);
          }
        }
      }
      hashes[listed.name] = sum;
    }
    return hashes;
  }

  std::string root_;
  std::unique_ptr<FileSystem> fs_;
};

// Three customers, hand-made: a@x consents at 100 (device SA), b@x never (SB), c@x at 300 (SC).
void WriteSmallLanding(const std::function<void(const std::string&, std::string_view)>& write) {
  write("src/customer/landing/c.json",
        "{\"customerName\":\"A\",\"email\":\"a@x\",\"serialNumber\":\"SA\","
        "\"shareWithResearchAsOfDate\":100}\n"
        "{\"customerName\":\"B\",\"email\":\"b@x\",\"serialNumber\":\"SB\","
        "\"shareWithResearchAsOfDate\":null}\n"
        "{\"customerName\":\"C\",\"email\":\"c@x\",\"serialNumber\":\"SC\","
        "\"shareWithResearchAsOfDate\":300}\n");
  write("src/accelerometer/landing/a.json",
        "{\"user\":\"a@x\",\"timestamp\":50,\"x\":1,\"y\":0,\"z\":0}\n"
        "{\"user\":\"a@x\",\"timestamp\":150,\"x\":1,\"y\":0,\"z\":0}\n"
        "{\"user\":\"b@x\",\"timestamp\":150,\"x\":0,\"y\":1,\"z\":0}\n"
        "{\"user\":\"c@x\",\"timestamp\":250,\"x\":0,\"y\":0,\"z\":1}\n"
        "{\"user\":\"c@x\",\"timestamp\":350,\"x\":0,\"y\":0,\"z\":1}\n");
  write("src/step_trainer/landing/s.json",
        "{\"sensorReadingTime\":50,\"serialNumber\":\"SA\",\"distanceFromObject\":201}\n"
        "{\"sensorReadingTime\":150,\"serialNumber\":\"SA\",\"distanceFromObject\":202}\n"
        "{\"sensorReadingTime\":150,\"serialNumber\":\"SB\",\"distanceFromObject\":203}\n"
        "{\"sensorReadingTime\":250,\"serialNumber\":\"SC\",\"distanceFromObject\":204}\n"
        "{\"sensorReadingTime\":350,\"serialNumber\":\"SC\",\"distanceFromObject\":205}\n"
        "{\"sensorReadingTime\":150,\"serialNumber\":\"SC\",\"distanceFromObject\":206}\n");
}

std::map<std::string, int64_t> Counts(int64_t ct, int64_t at, int64_t cc, int64_t st, int64_t ml) {
  return {{"customer_trusted", ct},
          {"accelerometer_trusted", at},
          {"customer_curated", cc},
          {"step_trainer_trusted", st},
          {"machine_learning_curated", ml}};
}

const ValidationCheck* FindCheck(const ValidationReport& report, const std::string& table,
                                 const std::string& part) {
  for (const ValidationCheck& c : report.checks) {
    if (c.table == table && Has(c.description, part)) return &c;
  }
  return nullptr;
}

TEST_F(PipelineRunTest, SmallHandComputedLakeUnderEveryPolicy) {
  WriteSmallLanding([&](const std::string& p, std::string_view b) { Write(p, b); });
  Ingest(JoinPath(root_, "src"));
  // standard: trusted customers A, C; their 4 readings; both curated; steps of SA and SC (5);
  // same-customer pairs at 50, 150 (A) and 250, 350 (C). rubric pairs by timestamp alone,
  // adding SC@150 with a@x@150. since-consent keeps a@x@150, c@x@350, SA@150, SC@350.
  const std::map<std::string, std::map<std::string, int64_t>> expected = {
      {"standard", Counts(2, 4, 2, 5, 4)},
      {"rubric", Counts(2, 4, 2, 5, 5)},
      {"since-consent", Counts(2, 2, 2, 2, 2)},
  };
  for (const auto& [policy, counts] : expected) {
    auto run = Run(policy);
    ASSERT_TRUE(run.ok()) << policy << ": " << run.status().ToString();
    EXPECT_EQ(CatalogRows(), counts) << policy;
    for (const BuiltTable& b : run->tables) EXPECT_EQ(b.rows, counts.at(b.table)) << b.table;
    auto report = ValidateLake(*fs_, lake(), policy, 2);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->passed()) << policy;
    EXPECT_FALSE(report->real_stedi_data);
    const ValidationCheck* cross =
        FindCheck(*report, "machine_learning_curated", "another customer's phone");
    ASSERT_NE(cross, nullptr);
    EXPECT_EQ(cross->value, policy == "rubric" ? 1 : 0);
    EXPECT_EQ(
        FindCheck(*report, "accelerometer_trusted", "before the customer's consent") != nullptr,
        policy == "since-consent");
  }
  // The rubric's tables (one step paired with another customer's phone) checked as standard
  // ones: that check fails alone, the consent checks of the same rows still hold.
  ASSERT_TRUE(Run("rubric").ok());
  auto report = ValidateLake(*fs_, lake(), "standard", 2);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->passed());
  for (const ValidationCheck& c : report->checks) {
    const bool cross = Has(c.description, "another customer's phone");
    EXPECT_EQ(c.value, cross ? 1 : 0) << c.table << ": " << c.description;
  }
  const ValidationCheck* user = FindCheck(*report, "machine_learning_curated", "phone user");
  const ValidationCheck* device = FindCheck(*report, "machine_learning_curated", "device");
  EXPECT_TRUE(user != nullptr && device != nullptr);
}

// A report as text: every table's rows and every check's value, in order.
std::string ReportText(const ValidationReport& report) {
  std::string text = report.policy + (report.real_stedi_data ? " real\n" : "\n");
  for (const TableCountLine& t : report.tables) {
    text += t.table + " " + std::string(ZoneName(t.zone)) + " " + std::to_string(t.rows) + "\n";
  }
  for (const ValidationCheck& c : report.checks) {
    text += c.table + " | " + c.description + " | " + std::to_string(c.value) + "\n";
  }
  return text;
}

TEST_F(PipelineRunTest, ValidatingDuringTheCommitReportsWhatValidatingAfterItReads) {
  WriteSmallLanding([&](const std::string& p, std::string_view b) { Write(p, b); });
  Ingest(JoinPath(root_, "src"));
  // The first run creates the tables, the next ones replace them with other rows.
  for (const std::string policy : {"standard", "since-consent", "rubric", "standard"}) {
    auto run = Run(policy, std::nullopt, /*validate=*/true);
    ASSERT_TRUE(run.ok()) << policy << ": " << run.status().ToString();
    ASSERT_TRUE(run->validation.has_value()) << policy;
    ASSERT_TRUE(run->validation->ok()) << policy << ": " << run->validation->status().ToString();
    auto after = ValidateLake(*fs_, lake(), policy, 2);
    ASSERT_TRUE(after.ok()) << after.status().ToString();
    EXPECT_EQ(ReportText(**run->validation), ReportText(*after)) << policy;
    EXPECT_EQ((*run->validation)->tables.size(), 8u) << policy;
  }
  auto plain = Run("standard");
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_FALSE(plain->validation.has_value());
}

TEST_F(PipelineRunTest, RerunAndPolicySwitchesConvergeToTheSameRows) {
  WriteSmallLanding([&](const std::string& p, std::string_view b) { Write(p, b); });
  Ingest(JoinPath(root_, "src"));
  ASSERT_TRUE(Run("standard").ok());
  auto standard = ContentHashes();
  ASSERT_EQ(standard.size(), 5u);
  ASSERT_TRUE(Run("standard").ok());
  EXPECT_EQ(ContentHashes(), standard);
  EXPECT_EQ(CatalogRows(), Counts(2, 4, 2, 5, 4));
  ASSERT_TRUE(Run("since-consent").ok());
  auto since = ContentHashes();
  EXPECT_NE(since, standard);
  ASSERT_TRUE(Run("standard").ok());
  EXPECT_EQ(ContentHashes(), standard);
  ASSERT_TRUE(Run("since-consent").ok());
  EXPECT_EQ(ContentHashes(), since);
  // Each run added one snapshot per table; replaced files stay for time travel.
  auto catalog = Catalog::Open(lake(), std::nullopt);
  ASSERT_TRUE(catalog.ok());
  auto metadata = (*catalog)->IcebergMetadata("customer_trusted");
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_EQ(metadata->snapshots.size(), 5u);
  ExpectOnlyReferencedFiles();
}

TEST_F(PipelineRunTest, ConcurrentRunsNeverCorruptTheLake) {
  WriteSmallLanding([&](const std::string& p, std::string_view b) { Write(p, b); });
  Ingest(JoinPath(root_, "src"));
  ASSERT_TRUE(Run("standard").ok());
  const auto standard = ContentHashes();
  for (int round = 0; round < 3; ++round) {
    std::vector<Status> results(3);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < results.size(); ++i) {
      threads.emplace_back([&, i] { results[i] = Run("standard").status(); });
    }
    for (std::thread& t : threads) t.join();
    size_t succeeded = 0;
    for (const Status& s : results) {
      // A run that lost the compare-and-swap says so; nothing else may go wrong.
      EXPECT_TRUE(s.ok() || s.IsConflict()) << s.ToString();
      succeeded += s.ok() ? 1 : 0;
    }
    EXPECT_GE(succeeded, 1u);
    EXPECT_EQ(ContentHashes(), standard);
    EXPECT_EQ(CatalogRows(), Counts(2, 4, 2, 5, 4));
  }
  // Losers removed what they wrote; winners' snapshots reference everything else.
  ExpectOnlyReferencedFiles();
}

TEST_F(PipelineRunTest, EmptyResultIsATableWithoutFilesThatLaterModelsRead) {
  WriteSmallLanding([&](const std::string& p, std::string_view b) { Write(p, b); });
  Ingest(JoinPath(root_, "src"));
  Write("models/trusted/nobody_trusted.sql", "SELECT * FROM customer_landing WHERE 1 = 0");
  Write("models/curated/nobody_curated.sql", "SELECT count(*) AS Customers FROM nobody_trusted");
  auto run = Run("standard", JoinPath(root_, "models"));
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  ASSERT_EQ(run->tables.size(), 2u);
  EXPECT_EQ(run->tables[0].table, "nobody_trusted");
  EXPECT_EQ(run->tables[0].rows, 0);
  EXPECT_EQ(run->tables[0].data_files, 0u);
  EXPECT_EQ(run->tables[1].rows, 1);
  auto catalog = Catalog::Open(lake(), std::nullopt);
  ASSERT_TRUE(catalog.ok());
  auto empty = (*catalog)->GetTable("nobody_trusted");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->location, "nobody/trusted/nobody_trusted");
  EXPECT_EQ(empty->schema.num_fields(), 10u);  // the landing table's columns, though no rows
  auto counted = (*catalog)->GetTable("nobody_curated");
  ASSERT_TRUE(counted.ok());
  ASSERT_EQ(counted->schema.num_fields(), 1u);
  EXPECT_EQ(counted->schema.field(0).name, "customers");  // lower-case, as Athena shows it
  EXPECT_EQ(counted->schema.field(0).field_id, 1);
}

TEST_F(PipelineRunTest, BrokenModelIsNamedAndNothingIsPublished) {
  WriteSmallLanding([&](const std::string& p, std::string_view b) { Write(p, b); });
  Ingest(JoinPath(root_, "src"));
  Write("models/trusted/customer_trusted.sql",
        "SELECT * FROM customer_landing WHERE sharewithresearchasofdate IS NOT NULL");
  Write("models/curated/customer_curated.sql", "SELEC * FROM customer_trusted");
  auto syntax = Run("standard", JoinPath(root_, "models"));
  ASSERT_FALSE(syntax.ok());
  EXPECT_TRUE(Has(syntax.status().message(), "models/curated/customer_curated.sql"))
      << syntax.status().ToString();

  Write("models/curated/customer_curated.sql", "SELECT * FROM customer_trusted");
  Write("models/curated/bad_curated.sql", "SELECT * FROM customer_trusted WHERE nope = 1");
  auto column = Run("standard", JoinPath(root_, "models"));
  ASSERT_FALSE(column.ok());
  EXPECT_TRUE(Has(column.status().message(), "models/curated/bad_curated.sql"))
      << column.status().ToString();
  EXPECT_TRUE(CatalogRows().empty());  // customer_trusted was built but never published
  EXPECT_FALSE(fsys::exists(JoinPath(lake(), "customer/trusted/customer_trusted/data")) &&
               !fsys::is_empty(JoinPath(lake(), "customer/trusted/customer_trusted/data")));

  ASSERT_TRUE(fs_->DeleteFile(JoinPath(root_, "models/curated/bad_curated.sql")).ok());
  Write("models/curated/lost_curated.sql", "SELECT * FROM nowhere_trusted");
  auto unknown = Run("standard", JoinPath(root_, "models"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(Has(unknown.status().message(), "models/curated/lost_curated.sql"));
  EXPECT_TRUE(Has(unknown.status().message(), "nowhere_trusted"));

  Write("models2/trusted/customer_landing.sql", "SELECT * FROM step_trainer_landing");
  auto zone = Run("standard", JoinPath(root_, "models2"));
  ASSERT_FALSE(zone.ok());
  EXPECT_TRUE(Has(zone.status().message(), "models2/trusted/customer_landing.sql"));
  EXPECT_TRUE(Has(zone.status().message(), "landing"));

  auto policy = Run("everything");
  ASSERT_FALSE(policy.ok());
  EXPECT_TRUE(policy.status().IsInvalid());
}

TEST_F(PipelineRunTest, RealStediDataGivesThePublishedCounts) {
  const char* shared = std::getenv("STEDI_SHARED_DATA");
  if (shared == nullptr || !fsys::exists(shared)) GTEST_SKIP() << "no ../shared/data/stedi";
  Ingest(shared);
  // ../shared/data/stedi/README.md, measured independently of stedi.
  const std::map<std::string, std::map<std::string, int64_t>> expected = {
      {"standard", Counts(482, 40981, 482, 14460, 40981)},
      {"since-consent", Counts(482, 32025, 464, 11297, 32025)},
      {"rubric", Counts(482, 40981, 482, 14460, 43681)},
  };
  std::map<std::string, std::map<std::string, uint64_t>> hashes;
  for (int round = 0; round < 2; ++round) {
    for (const auto& [policy, counts] : expected) {
      auto run = Run(policy);
      ASSERT_TRUE(run.ok()) << policy << ": " << run.status().ToString();
      EXPECT_EQ(CatalogRows(), counts) << policy;
      auto content = ContentHashes();
      if (round == 0) {
        hashes[policy] = content;
      } else {
        EXPECT_EQ(content, hashes[policy]) << policy << " changed on a rerun";
      }
      if (round == 1) continue;
      auto report = ValidateLake(*fs_, lake(), policy, 2);
      ASSERT_TRUE(report.ok()) << report.status().ToString();
      EXPECT_TRUE(report->real_stedi_data);
      EXPECT_TRUE(report->passed()) << policy;
      const ValidationCheck* cross =
          FindCheck(*report, "machine_learning_curated", "another customer's phone");
      ASSERT_NE(cross, nullptr);
      EXPECT_EQ(cross->value, policy == "rubric" ? 2700 : 0);  // README: 2,700 cross pairs
      for (const TableCountLine& line : report->tables) {
        ASSERT_TRUE(line.original.has_value()) << line.table;
        EXPECT_EQ(line.note.empty(), line.rows == *line.original) << line.table;
      }
    }
  }
}

}  // namespace
}  // namespace stedi
