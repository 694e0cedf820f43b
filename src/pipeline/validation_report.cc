#include "pipeline/validation_report.h"

#include <algorithm>
#include <map>

#include "catalog/catalog.h"
#include "concurrency/thread_pool.h"
#include "sql/execution/memory_budget.h"
#include "sql/query.h"
#include "storage/lake_layout.h"

namespace stedi {
namespace {

// The original lake's tables and rows on the real data (../shared/data/stedi/README.md).
struct OriginalTable {
  const char* table;
  int64_t rows;
};
constexpr OriginalTable kOriginalLake[] = {
    {"customer_landing", 956},        {"accelerometer_landing", 81273},
    {"step_trainer_landing", 28680},  {"customer_trusted", 482},
    {"accelerometer_trusted", 40981}, {"customer_curated", 482},
    {"step_trainer_trusted", 14460},  {"machine_learning_curated", 43681},
};
constexpr size_t kLandingTables = 3;

// A customer who agreed to research; the checks compare against the landing table so that
// they do not trust the models they check.
constexpr const char* kConsent = "c.sharewithresearchasofdate IS NOT NULL";

struct CheckQuery {
  std::vector<const char*> tables;  // every table the query reads
  const char* table;                // the table the check is about
  const char* description;
  std::string sql;
  // Zero whenever OwnedByOneConsentingCustomerSql counts zero rows.
  bool implied_by_ownership = false;
};

// Machine-learning rows for which no consenting customer has both the row's e-mail and its
// device.
std::string OwnedByOneConsentingCustomerSql() {
  return std::string(
             "SELECT count(*) FROM machine_learning_curated t WHERE NOT EXISTS (SELECT 1 FROM "
             "customer_landing c WHERE c.email = t.user AND c.serialnumber = t.serialnumber "
             "AND ") +
         kConsent + ")";
}

std::vector<CheckQuery> ConsentChecks() {
  const std::string consenting_user =
      std::string("NOT EXISTS (SELECT 1 FROM customer_landing c WHERE c.email = t.user AND ") +
      kConsent + ")";
  const std::string consenting_device =
      std::string(
          "NOT EXISTS (SELECT 1 FROM customer_landing c WHERE c.serialnumber = "
          "t.serialnumber AND ") +
      kConsent + ")";
  return {
      {{"customer_trusted"},
       "customer_trusted",
       "rows without research consent",
       "SELECT count(*) FROM customer_trusted t WHERE t.sharewithresearchasofdate IS NULL"},
      {{"customer_curated"},
       "customer_curated",
       "rows without research consent",
       "SELECT count(*) FROM customer_curated t WHERE t.sharewithresearchasofdate IS NULL"},
      {{"accelerometer_trusted", "customer_landing"},
       "accelerometer_trusted",
       "readings whose user is not a consenting customer",
       "SELECT count(*) FROM accelerometer_trusted t WHERE " + consenting_user},
      {{"step_trainer_trusted", "customer_landing"},
       "step_trainer_trusted",
       "readings whose device is not a consenting customer's",
       "SELECT count(*) FROM step_trainer_trusted t WHERE " + consenting_device},
      {{"machine_learning_curated", "customer_landing"},
       "machine_learning_curated",
       "rows whose phone user is not a consenting customer",
       "SELECT count(*) FROM machine_learning_curated t WHERE " + consenting_user,
       true},
      {{"machine_learning_curated", "customer_landing"},
       "machine_learning_curated",
       "rows whose device is not a consenting customer's",
       "SELECT count(*) FROM machine_learning_curated t WHERE " + consenting_device,
       true},
  };
}

CheckQuery SameCustomerCheck() {
  return {{"machine_learning_curated", "customer_landing"},
          "machine_learning_curated",
          "rows pairing one customer's steps with another customer's phone",
          "SELECT count(*) FROM machine_learning_curated t WHERE NOT EXISTS (SELECT 1 FROM "
          "customer_landing c WHERE c.email = t.user AND c.serialnumber = t.serialnumber)",
          true};
}

std::vector<CheckQuery> SinceConsentChecks() {
  return {
      {{"accelerometer_trusted", "customer_landing"},
       "accelerometer_trusted",
       "readings before the customer's consent",
       "SELECT count(*) FROM accelerometer_trusted t WHERE NOT EXISTS (SELECT 1 FROM "
       "customer_landing c WHERE c.email = t.user AND c.sharewithresearchasofdate <= "
       "t.timestamp)"},
      {{"step_trainer_trusted", "customer_landing"},
       "step_trainer_trusted",
       "readings before the device owner's consent",
       "SELECT count(*) FROM step_trainer_trusted t WHERE NOT EXISTS (SELECT 1 FROM "
       "customer_landing c WHERE c.serialnumber = t.serialnumber AND "
       "c.sharewithresearchasofdate <= t.sensorreadingtime)"},
      {{"machine_learning_curated", "customer_landing"},
       "machine_learning_curated",
       "rows before the phone user's consent",
       "SELECT count(*) FROM machine_learning_curated t WHERE NOT EXISTS (SELECT 1 FROM "
       "customer_landing c WHERE c.email = t.user AND c.sharewithresearchasofdate <= "
       "t.sensorreadingtime)"},
  };
}

// Why a table of POLICY holds other rows than the original lake's.
std::string DifferenceNote(std::string_view policy, std::string_view table) {
  if (table == "machine_learning_curated" && policy == "standard") {
    return "the original joined on timestamp alone: 2,700 rows paired one customer's steps "
           "with another customer's phone";
  }
  if (policy == "since-consent") {
    if (table == "customer_curated") {
      return "customers with no reading at or after their consent are left out";
    }
    if (table == "machine_learning_curated") {
      return "readings before the customer's consent are excluded, and steps pair only with "
             "the same customer's phone";
    }
    return "readings before the customer's consent are excluded";
  }
  return "differs from the original lake under policy " + std::string(policy);
}

class LakeValidator {
 public:
  LakeValidator(FileSystem& fs, sql::TableResolver& resolver, const std::string& temp_dir,
                size_t threads, size_t memory_limit)
      : resolver_(resolver), budget_(memory_limit ? memory_limit : sql::DefaultMemoryLimit()) {
    context_.fs = &fs;
    context_.memory_budget = &budget_;
    context_.memory_limit_bytes = budget_.limit();
    context_.temp_dir = temp_dir;
    context_.threads = static_cast<int>(threads ? threads : DefaultParallelism());
  }

  // Runs SQL, a query returning one integer, and returns it.
  Result<int64_t> Count(const std::string& sql) {
    auto result = sql::RunQuery(sql, &resolver_, &context_);
    if (!result.ok()) return result.status().WithContext("validation query `" + sql + "`");
    for (const Batch& b : result->batches) {
      if (b.num_rows() == 0) continue;
      if (b.num_columns() != 1 || b.column(0).IsNull(0) ||
          (b.column(0).type() != TypeId::kInt64 && b.column(0).type() != TypeId::kInt32)) {
        break;
      }
      return b.column(0).type() == TypeId::kInt64 ? b.column(0).GetInt64(0)
                                                  : b.column(0).GetInt32(0);
    }
    return Status::Internal("validation query `" + sql + "` did not return one integer");
  }

 private:
  sql::TableResolver& resolver_;
  sql::MemoryBudget budget_;
  sql::ExecutionContext context_;
};

}  // namespace

bool ValidationReport::passed() const {
  return std::all_of(checks.begin(), checks.end(),
                     [](const ValidationCheck& c) { return c.passed(); });
}

Result<ValidationReport> ValidateLake(FileSystem& fs, const std::string& lake_dir,
                                      std::string_view policy, size_t threads,
                                      size_t memory_limit) {
  STEDI_ASSIGN_OR_RETURN(auto catalog, Catalog::Open(lake_dir, std::nullopt));
  return ValidateLake(fs, *catalog, policy, threads, memory_limit);
}

Result<ValidationReport> ValidateLake(FileSystem& fs, Catalog& catalog, std::string_view policy,
                                      size_t threads, size_t memory_limit) {
  STEDI_ASSIGN_OR_RETURN(std::vector<TableEntry> entries, catalog.ListTables());
  std::unique_ptr<sql::TableResolver> resolver = sql::MakeCatalogResolver(&catalog);
  return ValidateTables(fs, *resolver, entries, LakeLayout(catalog.lake_dir()).TempFolder(), policy,
                        threads, memory_limit);
}

Result<ValidationReport> ValidateTables(FileSystem& fs, sql::TableResolver& resolver,
                                        const std::vector<TableEntry>& entries,
                                        const std::string& temp_dir, std::string_view policy,
                                        size_t threads, size_t memory_limit) {
  STEDI_RETURN_NOT_OK(fs.CreateDirs(temp_dir));
  LakeValidator validator(fs, resolver, temp_dir, threads, memory_limit);
  ValidationReport report;
  report.policy = std::string(policy);

  // The original lake's tables first, in its order, then any other table the models built.
  std::vector<const TableEntry*> shown;
  for (const OriginalTable& o : kOriginalLake) {
    for (const TableEntry& e : entries) {
      if (e.name == o.table) shown.push_back(&e);
    }
  }
  for (const TableEntry& e : entries) {
    // Landing tables beyond the three (quarantine) and other engines' tables are not the run's.
    if (e.zone == Zone::kLanding || e.zone == Zone::kExternal) continue;
    if (std::find(shown.begin(), shown.end(), &e) == shown.end()) shown.push_back(&e);
  }
  auto present = [&](const char* table) {
    return std::any_of(shown.begin(), shown.end(),
                       [&](const TableEntry* e) { return e->name == table; });
  };

  std::vector<std::pair<CheckQuery, ValidationCheck::Kind>> queries;
  for (CheckQuery& q : ConsentChecks()) {
    queries.emplace_back(std::move(q), ValidationCheck::Kind::kMustBeZero);
  }
  queries.emplace_back(SameCustomerCheck(), policy == "rubric"
                                                ? ValidationCheck::Kind::kInformation
                                                : ValidationCheck::Kind::kMustBeZero);
  if (policy == "since-consent") {
    for (CheckQuery& q : SinceConsentChecks()) {
      queries.emplace_back(std::move(q), ValidationCheck::Kind::kMustBeZero);
    }
  }
  // When every machine-learning row has one consenting customer who owns both its phone and
  // its device, its three checks (consenting phone user, consenting device owner, same
  // customer) are all zero: one query answers them. Only when it finds rows are the three run
  // to say which. (Under rubric the same-customer check is information and rarely zero.)
  const bool learning_rows_in_one_query =
      policy != "rubric" && present("machine_learning_curated") && present("customer_landing");

  // Every query is an independent read: the row counts, the ownership query and the checks it
  // does not answer run side by side (one at a time, small tables left a core idle).
  std::vector<int64_t> counts(shown.size());
  int64_t unowned = 0;
  std::vector<ValidationCheck> checks;
  // Queries and where their counts go: now, and once the ownership query finds rows.
  std::vector<std::pair<int64_t*, const std::string*>> now, if_owned_rows_found;
  std::vector<std::string> count_sqls;
  count_sqls.reserve(shown.size());
  for (size_t i = 0; i < shown.size(); ++i) {
    count_sqls.push_back("SELECT count(*) FROM " + shown[i]->name);
  }
  for (size_t i = 0; i < shown.size(); ++i) now.emplace_back(&counts[i], &count_sqls[i]);
  const std::string ownership_sql = OwnedByOneConsentingCustomerSql();
  if (learning_rows_in_one_query) now.emplace_back(&unowned, &ownership_sql);
  std::vector<const CheckQuery*> run;  // per check, its query
  for (const auto& [query, kind] : queries) {
    if (!std::all_of(query.tables.begin(), query.tables.end(), present)) continue;
    ValidationCheck check;
    check.table = query.table;
    check.description = query.description;
    check.kind = kind;
    check.value = 0;
    checks.push_back(std::move(check));
    run.push_back(&query);
  }
  for (size_t i = 0; i < checks.size(); ++i) {  // CHECKS no longer grows: its values stay put
    const bool implied = learning_rows_in_one_query && run[i]->implied_by_ownership;
    (implied ? if_owned_rows_found : now).emplace_back(&checks[i].value, &run[i]->sql);
  }
  const size_t workers = threads ? threads : DefaultParallelism();
  auto run_all = [&](const std::vector<std::pair<int64_t*, const std::string*>>& jobs) {
    return ParallelFor(jobs.size(), workers, [&](size_t i) -> Status {
      STEDI_ASSIGN_OR_RETURN(*jobs[i].first, validator.Count(*jobs[i].second));
      return Status::OK();
    });
  };
  STEDI_RETURN_NOT_OK(run_all(now));
  if (unowned != 0) STEDI_RETURN_NOT_OK(run_all(if_owned_rows_found));

  std::map<std::string, int64_t> rows;
  for (size_t i = 0; i < shown.size(); ++i) {
    const TableEntry* e = shown[i];
    TableCountLine line;
    line.table = e->name;
    line.zone = e->zone;
    line.rows = counts[i];
    rows[e->name] = line.rows;
    if (line.rows != e->rows) {
      report.checks.push_back(ValidationCheck{
          e->name, "rows the catalog records (" + std::to_string(e->rows) + ") minus rows read",
          e->rows - line.rows, ValidationCheck::Kind::kMustBeZero});
    }
    report.tables.push_back(std::move(line));
  }

  report.real_stedi_data = true;
  for (size_t i = 0; i < kLandingTables; ++i) {
    auto it = rows.find(kOriginalLake[i].table);
    if (it == rows.end() || it->second != kOriginalLake[i].rows) report.real_stedi_data = false;
  }
  if (report.real_stedi_data) {
    for (TableCountLine& line : report.tables) {
      for (const OriginalTable& o : kOriginalLake) {
        if (line.table != o.table) continue;
        line.original = o.rows;
        if (line.rows != o.rows) line.note = DifferenceNote(policy, line.table);
      }
    }
  }
  for (ValidationCheck& check : checks) report.checks.push_back(std::move(check));
  return report;
}

}  // namespace stedi
