// End-to-end tests of parse → bind → plan → execute on small tables whose answers are computed
// by hand. (The DuckDB oracle in tests/python covers the real data.)
#include "sql/query.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "formats/parquet/file_writer.h"
#include "storage/file_system.h"

namespace stedi::sql {
namespace {

// Rows as text: values joined by '|', NULL as "NULL", doubles as %g.
using Rows = std::vector<std::string>;

std::string Render(const Column& c, size_t row) {
  if (c.IsNull(row)) return "NULL";
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
      std::snprintf(buf, sizeof(buf), "%g", c.GetDouble(row));
      return buf;
    }
    case TypeId::kString:
    case TypeId::kBinary:
      return std::string(c.GetString(row));
  }
  return "?";
}

class MemoryTables : public TableResolver {
 public:
  explicit MemoryTables(FileSystem* fs) : fs_(fs) {}
  const std::string& database() const override { return database_; }
  Result<TableSource> Resolve(std::string_view name,
                              const std::optional<TimeTravel>& time_travel) override {
    if (time_travel) return Status::NotImplemented("time travel");
    for (const auto& [n, t] : tables_) {
      if (NamesEqual(n, name)) return t;
    }
    return Status::NotFound(std::string(name));
  }
  Result<std::vector<std::string>> TableNames() override {
    std::vector<std::string> out;
    for (const auto& [n, t] : tables_) out.push_back(n);
    return out;
  }

  // Adds table NAME from rows of text cells ("NULL" = null), split into files of FILE_ROWS.
  void Add(const std::string& name, std::vector<Field> fields,
           const std::vector<std::vector<std::string>>& rows, size_t file_rows = 1000) {
    auto schema = std::make_shared<const Schema>(std::move(fields));
    TableSource source{name, schema, {}, rows.size()};
    for (size_t start = 0; start < rows.size() || start == 0; start += file_rows) {
      BatchBuilder builder(schema);
      for (size_t r = start; r < std::min(rows.size(), start + file_rows); ++r) {
        for (size_t c = 0; c < schema->num_fields(); ++c) {
          const std::string& cell = rows[r][c];
          ColumnBuilder& b = builder.column(c);
          if (cell == "NULL") {
            b.AppendNull();
            continue;
          }
          switch (schema->field(c).type) {
            case TypeId::kInt32:
              b.AppendInt32(std::stoi(cell));
              break;
            case TypeId::kInt64:
              b.AppendInt64(std::stoll(cell));
              break;
            case TypeId::kFloat64:
              b.AppendDouble(std::stod(cell));
              break;
            case TypeId::kBoolean:
              b.AppendBool(cell == "true");
              break;
            default:
              b.AppendString(cell);
          }
        }
      }
      const std::string path = "/tables/" + name + "/" + std::to_string(start) + ".parquet";
      auto out = fs_->OpenForWrite(path);
      EXPECT_TRUE(out.ok());
      auto writer = parquet::FileWriter::Open(std::move(*out), schema, {});
      EXPECT_TRUE(writer.ok()) << writer.status().ToString();
      EXPECT_TRUE((*writer)->Write(builder.Finish()).ok());
      EXPECT_TRUE((*writer)->Close().ok());
      source.files.push_back(path);
      if (rows.empty()) break;
    }
    tables_[name] = source;
  }

 private:
  FileSystem* fs_;
  std::string database_ = "my_stedi_project";
  std::map<std::string, TableSource> tables_;
};

class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = NewMemoryFileSystem();
    tables_ = std::make_unique<MemoryTables>(fs_.get());
    context_.fs = fs_.get();
    context_.temp_dir = "/tmp-spill";
    tables_->Add("people",
                 {{"id", TypeId::kInt64},
                  {"name", TypeId::kString},
                  {"dept", TypeId::kString},
                  {"salary", TypeId::kFloat64},
                  {"boss", TypeId::kInt64}},
                 {{"1", "Ann", "eng", "100", "NULL"},
                  {"2", "Bob", "eng", "80", "1"},
                  {"3", "Cid", "ops", "70", "1"},
                  {"4", "Dee", "ops", "NULL", "3"},
                  {"5", "Eve", "NULL", "60", "3"}},
                 2);
    tables_->Add("depts", {{"dept", TypeId::kString}, {"floor", TypeId::kInt32}},
                 {{"eng", "3"}, {"ops", "1"}, {"hr", "2"}});
  }

  Result<Rows> Query(const std::string& sql, bool keep_order = false) {
    STEDI_ASSIGN_OR_RETURN(QueryResult result, RunQuery(sql, tables_.get(), &context_));
    Rows rows;
    for (const Batch& b : result.batches) {
      for (size_t r = 0; r < b.num_rows(); ++r) {
        std::string line;
        for (size_t c = 0; c < b.num_columns(); ++c) {
          line += (c ? "|" : "") + Render(b.column(c), r);
        }
        rows.push_back(line);
      }
    }
    if (!keep_order) std::sort(rows.begin(), rows.end());
    return rows;
  }

  Rows Expect(const std::string& sql, bool keep_order = false) {
    Result<Rows> rows = Query(sql, keep_order);
    EXPECT_TRUE(rows.ok()) << sql << "\n" << rows.status().ToString();
    return rows.ok() ? *rows : Rows{"<error>"};
  }

  std::string Error(const std::string& sql) {
    Result<Rows> rows = Query(sql);
    EXPECT_FALSE(rows.ok()) << sql;
    return rows.ok() ? "" : rows.status().message();
  }

  std::unique_ptr<FileSystem> fs_;
  std::unique_ptr<MemoryTables> tables_;
  ExecutionContext context_;
};

TEST_F(QueryTest, SelectWhereProject) {
  EXPECT_EQ(Expect("SELECT name FROM people WHERE salary >= 80"), (Rows{"Ann", "Bob"}));
  EXPECT_EQ(Expect("SELECT id, salary * 2 AS double_pay FROM people WHERE dept = 'ops'"),
            (Rows{"3|140", "4|NULL"}));
  EXPECT_EQ(Expect("SELECT p.* FROM people p WHERE p.id = 5"), (Rows{"5|Eve|NULL|60|3"}));
  EXPECT_EQ(Expect("SELECT name FROM people WHERE dept IS NULL OR boss IS NULL"),
            (Rows{"Ann", "Eve"}));
  EXPECT_EQ(Expect("SELECT name FROM people WHERE id IN (2, 4) AND NOT dept = 'eng'"),
            (Rows{"Dee"}));
  EXPECT_EQ(Expect("SELECT name FROM people WHERE id BETWEEN 2 AND 3 AND name LIKE '%o%'"),
            (Rows{"Bob"}));
}

TEST_F(QueryTest, SeedQueryWithDatabaseAndTrailingSemicolon) {
  EXPECT_EQ(Expect("SELECT count(1) FROM \"my_stedi_project\".\"people\" limit 10;"), (Rows{"5"}));
  EXPECT_EQ(Expect("SELECT count(*) FROM my_stedi_project.depts"), (Rows{"3"}));
}

TEST_F(QueryTest, Joins) {
  EXPECT_EQ(Expect("SELECT p.name, d.floor FROM people p JOIN depts d ON p.dept = d.dept"),
            (Rows{"Ann|3", "Bob|3", "Cid|1", "Dee|1"}));
  EXPECT_EQ(Expect("SELECT p.name, d.floor FROM people p LEFT JOIN depts d ON p.dept = d.dept "
                   "AND d.floor > 1"),
            (Rows{"Ann|3", "Bob|3", "Cid|NULL", "Dee|NULL", "Eve|NULL"}));
  EXPECT_EQ(Expect("SELECT p.name, d.dept FROM people p RIGHT JOIN depts d ON p.dept = d.dept"),
            (Rows{"Ann|eng", "Bob|eng", "Cid|ops", "Dee|ops", "NULL|hr"}));
  EXPECT_EQ(Expect("SELECT count(*) FROM people p FULL JOIN depts d ON p.dept = d.dept"),
            (Rows{"6"}));
  EXPECT_EQ(Expect("SELECT count(*) FROM people CROSS JOIN depts"), (Rows{"15"}));
  EXPECT_EQ(Expect("SELECT b.name, w.name FROM people w, people b WHERE w.boss = b.id AND "
                   "w.salary < b.salary"),
            (Rows{"Ann|Bob", "Ann|Cid", "Cid|Eve"}));
  EXPECT_EQ(Expect("SELECT name FROM people JOIN depts USING (dept) WHERE floor = 1"),
            (Rows{"Cid", "Dee"}));
}

// Columns read only by a join's own condition leave its output (so later joins do not carry
// them); whatever is read after the join must stay, in every place a later clause can read it.
TEST_F(QueryTest, JoinsDropColumnsNothingLaterReads) {
  // p.dept and d.dept are read only by the first join; w.boss and b.id by the second.
  EXPECT_EQ(Expect("SELECT p.name, d.floor, b.name FROM people p JOIN depts d ON p.dept = d.dept "
                   "JOIN people b ON b.id = p.boss"),
            (Rows{"Bob|3|Ann", "Cid|1|Ann", "Dee|1|Cid"}));
  // The same key read again later: in WHERE, the SELECT list, ORDER BY, GROUP BY, a correlated
  // subquery, and by `*`.
  EXPECT_EQ(Expect("SELECT p.name FROM people p JOIN depts d ON p.dept = d.dept JOIN people b ON "
                   "b.id = p.boss WHERE d.dept = 'ops'"),
            (Rows{"Cid", "Dee"}));
  EXPECT_EQ(Expect("SELECT p.name, d.dept FROM people p JOIN depts d ON p.dept = d.dept JOIN "
                   "people b ON b.id = p.boss ORDER BY p.dept DESC, p.name",
                   true),
            (Rows{"Cid|ops", "Dee|ops", "Bob|eng"}));
  EXPECT_EQ(Expect("SELECT d.dept, count(*) FROM people p JOIN depts d ON p.dept = d.dept JOIN "
                   "people b ON b.id = p.boss GROUP BY d.dept"),
            (Rows{"eng|1", "ops|2"}));
  EXPECT_EQ(Expect("SELECT p.name FROM people p JOIN depts d ON p.dept = d.dept JOIN people b ON "
                   "b.id = p.boss WHERE EXISTS (SELECT 1 FROM depts x WHERE x.dept = d.dept AND "
                   "x.floor = 1)"),
            (Rows{"Cid", "Dee"}));
  EXPECT_EQ(Expect("SELECT * FROM people p JOIN depts d ON p.dept = d.dept JOIN people b ON b.id "
                   "= p.boss WHERE p.id = 2"),
            (Rows{"2|Bob|eng|80|1|eng|3|1|Ann|eng|100|NULL"}));
  // Nothing read after the joins at all: their rows still count.
  EXPECT_EQ(Expect("SELECT count(*) FROM people p JOIN depts d ON p.dept = d.dept JOIN people b "
                   "ON b.id = p.boss"),
            (Rows{"3"}));
  // USING, and a CTE read twice (one reference, bound twice).
  EXPECT_EQ(Expect("SELECT name, floor FROM people JOIN depts USING (dept) JOIN depts e USING "
                   "(floor) WHERE name < 'C'"),
            (Rows{"Ann|3", "Bob|3"}));
  EXPECT_EQ(Expect("WITH pd AS (SELECT p.id, p.boss, d.floor FROM people p JOIN depts d ON "
                   "p.dept = d.dept) SELECT x.id, y.floor FROM pd x JOIN pd y ON x.boss = y.id"),
            (Rows{"2|3", "3|3", "4|1"}));
}

TEST_F(QueryTest, SubqueryPredicates) {
  EXPECT_EQ(
      Expect("SELECT name FROM people WHERE dept IN (SELECT dept FROM depts WHERE floor > 2)"),
      (Rows{"Ann", "Bob"}));
  EXPECT_EQ(Expect("SELECT name FROM people p WHERE EXISTS (SELECT 1 FROM people w WHERE w.boss "
                   "= p.id)"),
            (Rows{"Ann", "Cid"}));
  EXPECT_EQ(Expect("SELECT name FROM people p WHERE NOT EXISTS (SELECT 1 FROM people w WHERE "
                   "w.boss = p.id AND w.salary > 65)"),
            (Rows{"Bob", "Cid", "Dee", "Eve"}));
  // NOT IN over a set holding NULL is never true.
  EXPECT_EQ(Expect("SELECT name FROM people WHERE id NOT IN (SELECT boss FROM people)"), Rows{});
  EXPECT_EQ(Expect("SELECT name FROM people WHERE id NOT IN (SELECT boss FROM people WHERE boss "
                   "IS NOT NULL)"),
            (Rows{"Bob", "Dee", "Eve"}));
  EXPECT_EQ(Expect("SELECT d.dept FROM depts d WHERE d.floor > (SELECT min(floor) FROM depts)"),
            (Rows{"eng", "hr"}));
}

// A small outer table filtered by a subquery over a much bigger one: the planner builds on the
// outer rows and streams the subquery through them (right semi / right anti join). Answers are
// the same as the usual plan's, worked out by hand here; duplicates and NULL keys included.
TEST_F(QueryTest, SubqueryOverBiggerTableBuildsOnTheOuterRows) {
  std::vector<std::vector<std::string>> many;
  for (int k = 1; k <= 20; ++k) {
    for (int v = 1; v <= 3; ++v) many.push_back({std::to_string(k), std::to_string(v)});
  }
  tables_->Add("many", {{"k", TypeId::kInt64}, {"v", TypeId::kInt64}}, many, 7);
  tables_->Add("few", {{"id", TypeId::kInt64}, {"label", TypeId::kString}},
               {{"2", "b"}, {"7", "g"}, {"25", "y"}, {"NULL", "n"}, {"2", "b2"}});
  EXPECT_EQ(Expect("SELECT label FROM few f WHERE EXISTS (SELECT 1 FROM many m WHERE m.k = f.id)"),
            (Rows{"b", "b2", "g"}));
  EXPECT_EQ(Expect("SELECT label FROM few f WHERE EXISTS (SELECT 1 FROM many m WHERE m.k = f.id "
                   "AND m.v > f.id)"),
            (Rows{"b", "b2"}));  // only k = 2 has a v (3) above its key
  EXPECT_EQ(Expect("SELECT label FROM few f WHERE NOT EXISTS (SELECT 1 FROM many m WHERE m.k = "
                   "f.id)"),
            (Rows{"n", "y"}));
  EXPECT_EQ(Expect("SELECT label FROM few f WHERE NOT EXISTS (SELECT 1 FROM many m WHERE m.k = "
                   "f.id AND m.v > f.id)"),
            (Rows{"g", "n", "y"}));
  EXPECT_EQ(Expect("SELECT label FROM few WHERE id IN (SELECT k FROM many WHERE v = 2)"),
            (Rows{"b", "b2", "g"}));
  EXPECT_EQ(Expect("SELECT label FROM few WHERE id NOT IN (SELECT k FROM many)"), (Rows{"y"}));
  // Spilling (a tiny memory limit) gives the same rows.
  context_.memory_limit_bytes = 64;
  EXPECT_EQ(Expect("SELECT label FROM few f WHERE EXISTS (SELECT 1 FROM many m WHERE m.k = f.id)"),
            (Rows{"b", "b2", "g"}));
  EXPECT_EQ(Expect("SELECT label FROM few f WHERE NOT EXISTS (SELECT 1 FROM many m WHERE m.k = "
                   "f.id)"),
            (Rows{"n", "y"}));
}

TEST_F(QueryTest, Aggregates) {
  EXPECT_EQ(Expect("SELECT dept, count(*), count(salary), sum(salary), min(name), max(id) FROM "
                   "people GROUP BY dept"),
            (Rows{"NULL|1|1|60|Eve|5", "eng|2|2|180|Ann|2", "ops|2|1|70|Cid|4"}));
  EXPECT_EQ(Expect("SELECT count(DISTINCT dept), avg(salary) FROM people"), (Rows{"2|77.5"}));
  EXPECT_EQ(Expect("SELECT dept AS d, count(*) AS n FROM people GROUP BY d HAVING count(*) > 1"),
            (Rows{"eng|2", "ops|2"}));
  EXPECT_EQ(Expect("SELECT upper(dept), count(*) FROM people GROUP BY 1"),
            (Rows{"ENG|2", "NULL|1", "OPS|2"}));
  EXPECT_EQ(Expect("SELECT count(*), sum(salary) FROM people WHERE id > 100"), (Rows{"0|NULL"}));
  EXPECT_EQ(Expect("SELECT DISTINCT boss FROM people"), (Rows{"1", "3", "NULL"}));
}

TEST_F(QueryTest, OrderLimitOffset) {
  EXPECT_EQ(Expect("SELECT name FROM people ORDER BY salary DESC, id LIMIT 3", true),
            (Rows{"Ann", "Bob", "Cid"}));
  EXPECT_EQ(Expect("SELECT name, salary FROM people ORDER BY 2 NULLS FIRST", true),
            (Rows{"Dee|NULL", "Eve|60", "Cid|70", "Bob|80", "Ann|100"}));
  EXPECT_EQ(Expect("SELECT name FROM people ORDER BY id LIMIT 2 OFFSET 3", true),
            (Rows{"Dee", "Eve"}));
  EXPECT_EQ(
      Expect("SELECT dept, count(*) AS n FROM people GROUP BY dept ORDER BY n DESC, dept", true),
      (Rows{"eng|2", "ops|2", "NULL|1"}));
}

TEST_F(QueryTest, CtesSubqueriesUnions) {
  EXPECT_EQ(Expect("WITH rich AS (SELECT * FROM people WHERE salary > 75) SELECT r.name FROM "
                   "rich r JOIN rich s ON r.boss = s.id"),
            (Rows{"Bob"}));
  EXPECT_EQ(Expect("SELECT t.n FROM (SELECT name AS n, salary FROM people) t WHERE t.salary < 75"),
            (Rows{"Cid", "Eve"}));
  EXPECT_EQ(Expect("SELECT dept FROM people UNION SELECT dept FROM depts"),
            (Rows{"NULL", "eng", "hr", "ops"}));
  EXPECT_EQ(Expect("SELECT dept FROM depts UNION ALL SELECT dept FROM depts"),
            (Rows{"eng", "eng", "hr", "hr", "ops", "ops"}));
  EXPECT_EQ(Expect("SELECT 1 + 2 AS three, 'x' || 'y'"), (Rows{"3|xy"}));
}

TEST_F(QueryTest, CaseCastAndWindows) {
  EXPECT_EQ(Expect("SELECT name, CASE WHEN salary >= 80 THEN 'high' WHEN salary IS NULL THEN "
                   "'unknown' ELSE 'low' END FROM people WHERE id < 5"),
            (Rows{"Ann|high", "Bob|high", "Cid|low", "Dee|unknown"}));
  EXPECT_EQ(Expect("SELECT CAST(id AS varchar) || '!' FROM people WHERE id = 1"), (Rows{"1!"}));
  EXPECT_EQ(Expect("SELECT name, row_number() OVER (PARTITION BY dept ORDER BY id) FROM people "
                   "WHERE dept IS NOT NULL"),
            (Rows{"Ann|1", "Bob|2", "Cid|1", "Dee|2"}));
  EXPECT_EQ(Expect("SELECT id, sum(id) OVER (ORDER BY id) FROM people"),
            (Rows{"1|1", "2|3", "3|6", "4|10", "5|15"}));
}

TEST_F(QueryTest, ErrorsNameTheConstructAndPosition) {
  const std::string unknown = Error("SELECT nope FROM people");
  EXPECT_NE(unknown.find("column \"nope\" not found"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("at line 1, column 8"), std::string::npos) << unknown;
  EXPECT_NE(Error("SELECT dept FROM people p JOIN depts d ON p.dept = d.dept").find("ambiguous"),
            std::string::npos);
  EXPECT_NE(Error("SELECT * FROM nowhere").find("table \"nowhere\" does not exist"),
            std::string::npos);
  EXPECT_NE(Error("SELECT * FROM other_db.people").find("unknown database"), std::string::npos);
  EXPECT_NE(Error("SELECT name, count(*) FROM people").find("GROUP BY"), std::string::npos);
  EXPECT_NE(Error("SELECT name FROM people WHERE count(*) > 1").find("not allowed in WHERE"),
            std::string::npos);
  EXPECT_NE(Error("DELETE FROM people").find("read-only"), std::string::npos);
  EXPECT_NE(Error("SELECT name FROM people WHERE").find("line 1"), std::string::npos);
  EXPECT_NE(Error("SELECT name + 1 FROM people").find("line 1, column"), std::string::npos);
  // Found while running, still named by line and column.
  const std::string division = Error("SELECT id / (id - 3) FROM people");
  EXPECT_NE(division.find("division by zero"), std::string::npos) << division;
  EXPECT_NE(division.find("at line 1, column 11"), std::string::npos) << division;
}

TEST_F(QueryTest, ReferencedTablesSkipCtes) {
  auto refs = ReferencedTables(
      "WITH a AS (SELECT * FROM people) SELECT * FROM a JOIN depts d ON a.dept = d.dept WHERE "
      "a.id IN (SELECT boss FROM People)");
  ASSERT_TRUE(refs.ok()) << refs.status().ToString();
  EXPECT_EQ(*refs, (std::vector<std::string>{"people", "depts"}));
}

}  // namespace
}  // namespace stedi::sql
