#include "catalog/catalog.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "storage/checksum.h"
#include "storage/file_system.h"

namespace stedi {
namespace {

namespace fsys = std::filesystem;

std::string Sha(std::string_view content) {
  Sha256 h;
  h.Update(content);
  return h.Finish();
}

Schema CustomerSchema() {
  return Schema({{"customerName", TypeId::kString, true, 1},
                 {"serialNumber", TypeId::kString, true, 2},
                 {"registrationDate", TypeId::kInt64, true, 3}});
}

TableChange Append(const std::string& table, std::vector<DataFile> files,
                   std::optional<int64_t> expected = std::nullopt) {
  TableChange c;
  c.table = table;
  c.zone = Zone::kLanding;
  c.location = "customer/landing/" + table;
  c.schema = CustomerSchema();
  c.files = std::move(files);
  c.expected_version = expected;
  return c;
}

SourceFile Landed(const std::string& name, const std::string& content) {
  SourceFile f;
  f.source = "customer";
  f.name = name;
  f.sha256 = Sha(content);
  f.bytes = content.size();
  f.landed_path = "customer/landing/raw/" + name;
  f.records = 4;
  f.quarantined = 1;
  f.unconvertible_fields = 2;
  return f;
}

CommitRequest Tables(std::vector<TableChange> tables) {
  CommitRequest r;
  r.tables = std::move(tables);
  return r;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fsys::temp_directory_path() /
             ("stedi_catalog_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name()))
                .string();
    fsys::remove_all(root_);
    lake_ = root_ + "/lake";
  }
  void TearDown() override { fsys::remove_all(root_); }

  std::unique_ptr<Catalog> OpenLake(const std::optional<std::string>& database = std::nullopt) {
    auto catalog = Catalog::Open(lake_, database);
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return catalog.ok() ? catalog.MoveValue() : nullptr;
  }

  TableEntry Table(Catalog& catalog, std::string_view name) {
    auto t = catalog.GetTable(name);
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : TableEntry{};
  }

  // Runs SQL directly on catalog.db and returns its rows, columns joined by '|'.
  std::vector<std::string> Query(const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2((lake_ + "/catalog.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db);
    std::vector<std::string> rows;
    while (stmt != nullptr && sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        row += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
      rows.push_back(row);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rows;
  }

  std::string root_;
  std::string lake_;
};

TEST_F(CatalogTest, NewLakeTakesDefaultDatabaseAndKeepsIt) {
  EXPECT_FALSE(fsys::exists(lake_));
  {
    auto catalog = OpenLake();
    ASSERT_NE(catalog, nullptr);
    EXPECT_EQ(catalog->database(), "stedi");
    auto tables = catalog->ListTables();
    ASSERT_TRUE(tables.ok());
    EXPECT_TRUE(tables->empty());
  }
  EXPECT_TRUE(fsys::exists(lake_ + "/catalog.db"));
  EXPECT_EQ(OpenLake()->database(), "stedi");
  EXPECT_EQ(OpenLake("stedi")->database(), "stedi");
}

TEST_F(CatalogTest, NamedDatabaseIsFixedWhenTheLakeIsCreated) {
  EXPECT_EQ(OpenLake("my_stedi_project")->database(), "my_stedi_project");
  EXPECT_EQ(OpenLake()->database(), "my_stedi_project");
  EXPECT_EQ(OpenLake("MY_STEDI_PROJECT")->database(), "my_stedi_project");
  auto other = Catalog::Open(lake_, "other");
  ASSERT_FALSE(other.ok());
  EXPECT_TRUE(other.status().IsInvalid()) << other.status().ToString();
  EXPECT_NE(other.status().message().find("'my_stedi_project'"), std::string::npos);
  EXPECT_NE(other.status().message().find("'other'"), std::string::npos);
  // The stored name did not change.
  EXPECT_EQ(Query("SELECT database_name FROM stedi_lake"),
            std::vector<std::string>{"my_stedi_project"});
}

TEST_F(CatalogTest, RejectsDatabaseNamesAthenaWouldNot) {
  for (std::string bad : {"", "My-Lake", "a b", "Stedi"}) {
    const std::string lake = lake_ + "_" + std::to_string(bad.size());
    auto c = Catalog::Open(lake, bad);
    EXPECT_TRUE(!c.ok() && c.status().IsInvalid()) << "'" << bad << "'";
    // Nothing is left behind: no catalog that would fix a name, no half-made file.
    EXPECT_TRUE(fsys::is_empty(lake)) << "'" << bad << "'";
  }
}

TEST_F(CatalogTest, LakesCreatedAtOnceShareOneCatalog) {
  // Several processes may create the same new lake at once (an ingest beside a run): every one
  // opens it, exactly one catalog results, and no scratch file stays behind.
  std::vector<std::thread> threads;
  std::vector<std::string> names(6);
  for (size_t i = 0; i < names.size(); ++i) {
    threads.emplace_back([&, i] {
      auto catalog = Catalog::Open(lake_, std::nullopt);
      names[i] = catalog.ok() ? (*catalog)->database() : catalog.status().ToString();
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& name : names) EXPECT_EQ(name, "stedi");
  EXPECT_TRUE(fsys::exists(lake_ + "/catalog.db"));
  for (const auto& entry : fsys::directory_iterator(lake_)) {
    EXPECT_EQ(entry.path().filename().string().find(".new"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(Query("SELECT count(*) FROM stedi_lake"), std::vector<std::string>{"1"});
  EXPECT_EQ(Query("PRAGMA integrity_check"), std::vector<std::string>{"ok"});
}

TEST_F(CatalogTest, AppendThenReplaceTracksFilesRowsAndVersions) {
  auto catalog = OpenLake();
  ASSERT_TRUE(catalog
                  ->Commit(Tables(
                      {Append("customer_landing", {{"a.parquet", 10, 100}, {"b.parquet", 5, 50}})}))
                  .ok());
  TableEntry t = Table(*catalog, "customer_landing");
  EXPECT_EQ(t.rows, 15);
  EXPECT_EQ(t.version, 1);
  EXPECT_EQ(t.zone, Zone::kLanding);
  EXPECT_EQ(t.location, "customer/landing/customer_landing");
  EXPECT_EQ(t.schema, CustomerSchema());
  EXPECT_EQ(t.files, (std::vector<DataFile>{{"a.parquet", 10, 100}, {"b.parquet", 5, 50}}));
  EXPECT_EQ(t.updated_at.size(), 20u) << t.updated_at;  // 2026-01-31T12:00:00Z
  EXPECT_EQ(t.updated_at.back(), 'Z');

  ASSERT_TRUE(catalog->Commit(Tables({Append("customer_landing", {{"c.parquet", 7, 70}})})).ok());
  t = Table(*catalog, "CUSTOMER_Landing");  // case-insensitive lookup
  EXPECT_EQ(t.name, "customer_landing");
  EXPECT_EQ(t.rows, 22);
  EXPECT_EQ(t.version, 2);
  EXPECT_EQ(t.files.size(), 3u);

  TableChange replace = Append("customer_landing", {{"d.parquet", 3, 30}});
  replace.mode = TableChange::Mode::kReplace;
  ASSERT_TRUE(catalog->Commit(Tables({replace})).ok());
  t = Table(*catalog, "customer_landing");
  EXPECT_EQ(t.rows, 3);
  EXPECT_EQ(t.version, 3);
  EXPECT_EQ(t.files, (std::vector<DataFile>{{"d.parquet", 3, 30}}));
  // A replaced file may be committed again later: it no longer belongs to the table.
  ASSERT_TRUE(catalog->Commit(Tables({Append("customer_landing", {{"a.parquet", 1, 1}})})).ok());
  EXPECT_EQ(Table(*catalog, "customer_landing").rows, 4);

  // Another Catalog on the same lake sees the committed state.
  EXPECT_EQ(Table(*OpenLake(), "customer_landing").version, 4);
  // The version alone, from the records, is the one GetTable reads with the metadata.
  Result<int64_t> version = OpenLake()->TableVersion("Customer_Landing");
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 4);
  EXPECT_TRUE(catalog->TableVersion("no_such_table").status().IsNotFound());
}

TEST_F(CatalogTest, EmptyAppendWithSameSchemaChangesNothing) {
  auto catalog = OpenLake();
  ASSERT_TRUE(catalog->Commit(Tables({Append("t", {{"a.parquet", 2, 20}})})).ok());
  TableEntry before = Table(*catalog, "t");
  ASSERT_TRUE(catalog->Commit(Tables({Append("t", {})})).ok());
  TableEntry after = Table(*catalog, "t");
  EXPECT_EQ(after.version, before.version);
  EXPECT_EQ(after.rows, 2);
  // Creating a table with no files is a change, though.
  ASSERT_TRUE(catalog->Commit(Tables({Append("empty", {})})).ok());
  EXPECT_EQ(Table(*catalog, "empty").version, 1);
  EXPECT_EQ(Table(*catalog, "empty").rows, 0);
}

TEST_F(CatalogTest, ListsTablesByZoneThenName) {
  auto catalog = OpenLake();
  CommitRequest request;
  for (auto [name, zone] :
       {std::pair{"machine_learning_curated", Zone::kCurated},
        std::pair{"zeta_landing", Zone::kLanding}, std::pair{"customer_trusted", Zone::kTrusted},
        std::pair{"Alpha_landing", Zone::kLanding}}) {
    TableChange c = Append(name, {});
    c.zone = zone;
    request.tables.push_back(c);
  }
  ASSERT_TRUE(catalog->Commit(request).ok());
  auto tables = catalog->ListTables();
  ASSERT_TRUE(tables.ok());
  std::vector<std::string> names;
  for (const TableEntry& t : *tables) names.push_back(t.name);
  EXPECT_EQ(names, (std::vector<std::string>{"Alpha_landing", "zeta_landing", "customer_trusted",
                                             "machine_learning_curated"}));
  auto missing = catalog->GetTable("no_such_table");
  ASSERT_TRUE(missing.status().IsNotFound());
  EXPECT_NE(missing.status().message().find("no_such_table"), std::string::npos);
}

TEST_F(CatalogTest, CompareAndSwapConflictLeavesCatalogUnchanged) {
  auto catalog = OpenLake();
  ASSERT_TRUE(catalog->Commit(Tables({Append("t", {{"a.parquet", 2, 20}}, 0)})).ok());
  ASSERT_TRUE(catalog->Commit(Tables({Append("t", {{"b.parquet", 3, 30}}, 1)})).ok());
  TableEntry before = Table(*catalog, "t");
  ASSERT_EQ(before.version, 2);

  // A writer that read version 1 loses; its other changes vanish with it.
  CommitRequest stale;
  stale.tables = {Append("new_table", {{"n.parquet", 1, 1}}),
                  Append("t", {{"c.parquet", 4, 40}}, 1)};
  stale.source_files = {Landed("x.json", "x")};
  Status s = catalog->Commit(stale);
  ASSERT_TRUE(s.IsConflict()) << s.ToString();
  EXPECT_NE(s.message().find("version 2"), std::string::npos) << s.message();

  Status create_again = catalog->Commit(Tables({Append("t", {}, 0)}));
  EXPECT_TRUE(create_again.IsConflict()) << create_again.ToString();
  Status missing = catalog->Commit(Tables({Append("nope", {}, 3)}));
  EXPECT_TRUE(missing.IsConflict()) << missing.ToString();

  TableEntry after = Table(*catalog, "t");
  EXPECT_EQ(after.version, before.version);
  EXPECT_EQ(after.rows, 5);
  EXPECT_EQ(after.files, before.files);
  EXPECT_TRUE(catalog->GetTable("new_table").status().IsNotFound());
  EXPECT_TRUE(catalog->GetTable("nope").status().IsNotFound());
  auto found = catalog->FindSourceFile("customer", "x.json");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());

  // Two catalogs that both read version 2: the first commit wins, the second conflicts.
  auto other = OpenLake();
  ASSERT_TRUE(other->Commit(Tables({Append("t", {{"c.parquet", 4, 40}}, 2)})).ok());
  EXPECT_TRUE(catalog->Commit(Tables({Append("t", {{"d.parquet", 4, 40}}, 2)})).IsConflict());
  EXPECT_EQ(Table(*catalog, "t").rows, 9);
}

TEST_F(CatalogTest, FailureHalfwayRollsBackTheWholeCommit) {
  auto catalog = OpenLake();
  CommitRequest first;
  first.tables = {Append("b", {{"b1.parquet", 5, 50}})};
  first.source_files = {Landed("one.json", "1")};
  ASSERT_TRUE(catalog->Commit(first).ok());

  // Table a is created and b appended before c fails on a data file b already owns.
  CommitRequest bad;
  bad.tables = {Append("a", {{"a1.parquet", 1, 10}}), Append("b", {{"b2.parquet", 2, 20}}),
                Append("c", {{"b1.parquet", 9, 90}})};
  bad.source_files = {Landed("two.json", "2")};
  bad.observations = {{"customer", "two.json", "email", "string", 4, 0}};
  Status s = catalog->Commit(bad);
  ASSERT_TRUE(s.IsInvalid()) << s.ToString();
  EXPECT_NE(s.message().find("b1.parquet"), std::string::npos) << s.message();

  // Fails at the very end: source file one.json is already recorded.
  CommitRequest late;
  late.tables = {Append("a", {{"a1.parquet", 1, 10}}), Append("b", {{"b2.parquet", 2, 20}})};
  late.source_files = {Landed("two.json", "2"), Landed("one.json", "1")};
  Status l = catalog->Commit(late);
  ASSERT_TRUE(l.IsConflict()) << l.ToString();
  EXPECT_NE(l.message().find("one.json"), std::string::npos) << l.message();

  EXPECT_TRUE(catalog->GetTable("a").status().IsNotFound());
  EXPECT_TRUE(catalog->GetTable("c").status().IsNotFound());
  TableEntry b = Table(*catalog, "b");
  EXPECT_EQ(b.version, 1);
  EXPECT_EQ(b.rows, 5);
  EXPECT_EQ(b.files, (std::vector<DataFile>{{"b1.parquet", 5, 50}}));
  auto files = catalog->ListSourceFiles("customer");
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].name, "one.json");
  EXPECT_TRUE(catalog->Observations("customer")->empty());
  EXPECT_EQ(Query("SELECT count(*) FROM stedi_data_files"), std::vector<std::string>{"1"});
}

TEST_F(CatalogTest, RejectsMalformedRequestsBeforeTouchingTheDatabase) {
  auto catalog = OpenLake();
  EXPECT_TRUE(catalog->Commit(Tables({Append("t", {}), Append("T", {})})).IsInvalid());
  EXPECT_TRUE(catalog->Commit(Tables({Append("t", {{"/abs.parquet", 1, 1}})})).IsInvalid());
  EXPECT_TRUE(catalog->Commit(Tables({Append("t", {{"x.parquet", 1, 1}, {"x.parquet", 1, 1}})}))
                  .IsInvalid());
  CommitRequest bad_sha;
  bad_sha.source_files = {Landed("a.json", "a")};
  bad_sha.source_files[0].sha256 = "ABC";
  EXPECT_TRUE(catalog->Commit(bad_sha).IsInvalid());
  CommitRequest orphan;
  orphan.observations = {{"customer", "never.json", "email", "string", 1, 0}};
  Status s = catalog->Commit(orphan);
  EXPECT_TRUE(s.IsInvalid()) << s.ToString();
  EXPECT_TRUE(catalog->ListTables()->empty());
}

TEST_F(CatalogTest, AppendMayAddColumnsButNotDropOrRetypeThem) {
  auto catalog = OpenLake();
  ASSERT_TRUE(catalog->Commit(Tables({Append("t", {{"a.parquet", 1, 1}})})).ok());
  TableChange wider = Append("t", {});
  std::vector<Field> fields = CustomerSchema().fields();
  fields.push_back({"email", TypeId::kString, true, 4});
  wider.schema = Schema(fields);
  ASSERT_TRUE(catalog->Commit(Tables({wider})).ok());
  EXPECT_EQ(Table(*catalog, "t").schema.num_fields(), 4u);
  EXPECT_EQ(Table(*catalog, "t").version, 2);

  TableChange narrower = Append("t", {});
  narrower.schema = Schema({fields[0], fields[1], fields[3]});
  Status dropped = catalog->Commit(Tables({narrower}));
  EXPECT_TRUE(dropped.IsInvalid());
  EXPECT_NE(dropped.message().find("registrationDate"), std::string::npos) << dropped.message();
  TableChange retyped = wider;
  std::vector<Field> changed = fields;
  changed[2].type = TypeId::kString;
  retyped.schema = Schema(changed);
  EXPECT_TRUE(catalog->Commit(Tables({retyped})).IsInvalid());
  retyped.mode = TableChange::Mode::kReplace;
  EXPECT_TRUE(catalog->Commit(Tables({retyped})).ok());

  TableChange moved = Append("t", {});
  moved.zone = Zone::kTrusted;
  EXPECT_TRUE(catalog->Commit(Tables({moved})).IsInvalid());
}

TEST_F(CatalogTest, SchemaSurvivesStorageExactly) {
  auto catalog = OpenLake();
  TableChange c = Append("odd", {});
  c.schema = Schema({{"quote\"back\\slash", TypeId::kBoolean, false, 7},
                     {"ünïcødé\ttab", TypeId::kTimestamp, true, 0},
                     {"d", TypeId::kDate, true, 3},
                     {"f", TypeId::kFloat64, false, 4},
                     {"i", TypeId::kInt32, true, 5},
                     {"b", TypeId::kBinary, true, 6}});
  ASSERT_TRUE(catalog->Commit(Tables({c})).ok());
  EXPECT_EQ(Table(*OpenLake(), "odd").schema, c.schema);
}

TEST_F(CatalogTest, SourceFilesMakeIngestIdempotent) {
  auto catalog = OpenLake();
  auto missing = catalog->FindSourceFile("customer", "customer-1.json");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  CommitRequest ingest;
  ingest.source_files = {Landed("customer-1.json", "{}"), Landed("sub/customer-2.json", "{}{}")};
  ingest.source_files[1].ingested_at = "2026-01-02T03:04:05Z";
  ASSERT_TRUE(catalog->Commit(ingest).ok());

  auto found = catalog->FindSourceFile("customer", "customer-1.json");
  ASSERT_TRUE(found.ok() && found->has_value());
  SourceFile expected = Landed("customer-1.json", "{}");
  EXPECT_FALSE((*found)->ingested_at.empty());
  expected.ingested_at = (*found)->ingested_at;
  EXPECT_EQ(**found, expected);
  EXPECT_EQ((*found)->sha256, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  EXPECT_FALSE(catalog->FindSourceFile("accelerometer", "customer-1.json")->has_value());

  auto listed = catalog->ListSourceFiles("customer");
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[1].name, "sub/customer-2.json");
  EXPECT_EQ((*listed)[1].ingested_at, "2026-01-02T03:04:05Z");
  EXPECT_TRUE(catalog->ListSourceFiles("step_trainer")->empty());

  // Recording the same file twice means a concurrent ingest won: Conflict.
  EXPECT_TRUE(catalog->Commit(ingest).IsConflict());
}

TEST_F(CatalogTest, StoresObservationsAndDerivesCrawlerFindings) {
  auto catalog = OpenLake();
  CommitRequest ingest;
  for (std::string name : {"a.json", "b.json", "c.json"}) {
    ingest.source_files.push_back(Landed(name, name));
    ingest.source_files.back().source = "accelerometer";
  }
  ingest.observations = {
      {"accelerometer", "a.json", "timeStamp", "integer", 4, 0},
      {"accelerometer", "a.json", "x", "float", 4, 0},
      {"accelerometer", "a.json", "user", "string", 4, 0},
      {"accelerometer", "b.json", "timestamp", "integer", 4, 0},
      {"accelerometer", "b.json", "x", "integer|null", 4, 1},
      {"accelerometer", "c.json", "timestamp", "integer", 4, 0},
      {"accelerometer", "c.json", "x", "integer", 4, 0},
      {"accelerometer", "c.json", "user", "string", 3, 0},
  };
  ASSERT_TRUE(catalog->Commit(ingest).ok());
  auto observed = catalog->Observations("accelerometer");
  ASSERT_TRUE(observed.ok());
  EXPECT_EQ(*observed, ingest.observations);
  EXPECT_TRUE(catalog->Observations("customer")->empty());

  auto fields = catalog->SummarizeFields("accelerometer");
  ASSERT_TRUE(fields.ok()) << fields.status().ToString();
  std::vector<FieldSummary> want = {
      {"timestamp", {"timeStamp", "timestamp"}, "integer", false, 3, 3, {}},
      {"x", {"x"}, "null|integer|float", true, 3, 3, {}},
      {"user", {"user"}, "string", true, 2, 3, {"b.json"}},
  };
  EXPECT_EQ(*fields, want);

  auto drift = catalog->Drift("accelerometer");
  ASSERT_TRUE(drift.ok());
  std::vector<std::string> messages;
  for (const DriftNote& d : *drift) messages.push_back(d.message);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "field timeStamp spelled 'timeStamp' in a.json and 'timestamp' in 2 "
                          "other files",
                          "field x is float in a.json and integer in 2 other files",
                          "field user absent from 1 of 3 files: b.json",
                      }));
}

TEST_F(CatalogTest, IsAlsoAnIcebergJdbcCatalog) {
  OpenLake("my_stedi_project");
  // cid|name|type|notnull|dflt_value|pk, as SQLite reports them.
  EXPECT_EQ(Query("SELECT name, type, \"notnull\", pk FROM pragma_table_info('iceberg_tables')"),
            (std::vector<std::string>{
                "catalog_name|VARCHAR(255)|1|1",
                "table_namespace|VARCHAR(255)|1|2",
                "table_name|VARCHAR(255)|1|3",
                "metadata_location|VARCHAR(1000)|0|0",
                "previous_metadata_location|VARCHAR(1000)|0|0",
                "iceberg_type|VARCHAR(5)|0|0",
            }));
  EXPECT_EQ(Query("SELECT name, type, \"notnull\", pk FROM "
                  "pragma_table_info('iceberg_namespace_properties')"),
            (std::vector<std::string>{
                "catalog_name|VARCHAR(255)|1|1",
                "namespace|VARCHAR(255)|1|2",
                "property_key|VARCHAR(255)|0|3",
                "property_value|VARCHAR(1000)|0|0",
            }));
  EXPECT_EQ(Query("SELECT * FROM iceberg_namespace_properties"),
            std::vector<std::string>{"stedi|my_stedi_project|exists|true"});
  EXPECT_TRUE(Query("SELECT * FROM iceberg_tables").empty());
  // What JdbcCatalog asks to decide that a namespace exists.
  EXPECT_EQ(Query("SELECT namespace FROM iceberg_namespace_properties WHERE catalog_name = 'stedi' "
                  "AND (namespace = 'my_stedi_project' OR namespace LIKE 'my!_stedi!_project.%' "
                  "ESCAPE '!')"),
            std::vector<std::string>{"my_stedi_project"});
  EXPECT_EQ(Query("PRAGMA journal_mode"), std::vector<std::string>{"wal"});
  EXPECT_EQ(Query("SELECT max(version) FROM stedi_schema_version"), std::vector<std::string>{"1"});
  // Reopening adds nothing.
  OpenLake();
  EXPECT_EQ(Query("SELECT count(*) FROM iceberg_namespace_properties"),
            std::vector<std::string>{"1"});
  EXPECT_EQ(Query("SELECT count(*) FROM stedi_schema_version"), std::vector<std::string>{"1"});
}

TEST_F(CatalogTest, ConcurrentAppendsAreAllKeptAsIcebergWritersDo) {
  ASSERT_TRUE(OpenLake()->Commit({{Append("customer_landing", {})}, {}, {}}).ok());
  constexpr int kWriters = 4, kCommits = 5;
  std::vector<std::thread> writers;
  std::vector<Status> failures;
  std::mutex failures_mutex;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto catalog = Catalog::Open(lake_, std::nullopt);  // one per writer, as processes would
      if (!catalog.ok()) return;
      for (int i = 0; i < kCommits; ++i) {
        std::string path = "customer/landing/customer_landing/data/w" + std::to_string(w) + "-" +
                           std::to_string(i) + ".parquet";
        Status s =
            (*catalog)->Commit({{Append("customer_landing", {DataFile{path, 10, 100}})}, {}, {}});
        if (!s.ok()) {
          std::lock_guard<std::mutex> lock(failures_mutex);
          failures.push_back(s);
        }
      }
    });
  }
  for (std::thread& t : writers) t.join();
  for (const Status& s : failures) ADD_FAILURE() << s.ToString();
  auto table = OpenLake()->GetTable("customer_landing");
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->files.size(), static_cast<size_t>(kWriters * kCommits));
  EXPECT_EQ(table->rows, 10 * kWriters * kCommits);
  auto metadata = OpenLake()->IcebergMetadata("customer_landing");
  ASSERT_TRUE(metadata.ok());
  // One snapshot per commit that added files (the first commit added none).
  EXPECT_EQ(metadata->snapshots.size(), static_cast<size_t>(1 + kWriters * kCommits));
}

TEST_F(CatalogTest, RefusesCatalogFromANewerStedi) {
  OpenLake();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((lake_ + "/catalog.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO stedi_schema_version VALUES (99, 'later')", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto c = Catalog::Open(lake_, std::nullopt);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kNotImplemented) << c.status().ToString();
  EXPECT_NE(c.status().message().find("99"), std::string::npos);
}

}  // namespace
}  // namespace stedi
