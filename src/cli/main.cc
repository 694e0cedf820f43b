// `stedi`: the command-line entry point. Parses flags with CLI11 and hands each subcommand to
// its Run*Command function; all real work lives in the layers below.
#include <malloc.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iostream>
#include <thread>

#include "cli/commands.h"

int main(int argc, char** argv) {
  // Operators allocate and free column buffers of a few MB per batch; without this glibc
  // returns each to the kernel and the next batch page-faults it back in (~10% of a run).
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  // Buffers are often allocated on one thread (a scan's reader) and freed on another; glibc's
  // per-thread arenas then hand freed pages back to the kernel regardless of the threshold
  // above. Few arenas keep them for reuse (a third fewer page faults, ~12% of a run's time on
  // 2 cores); one per 8 cores still spreads lock contention on large machines.
  mallopt(M_ARENA_MAX, static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 8)));
  CLI::App app{"STEDI Lake: raw device and customer JSON to trustworthy, query-ready tables"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "stedi 0.1.0");

  stedi::GenerateArgs gen;
  auto* generate = app.add_subcommand("generate", "Write a synthetic STEDI landing dataset");
  generate->add_option("--out", gen.out, "Output folder")->required();
  generate->add_option("--customers", gen.customers, "Number of customers")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  generate->add_option("--seed", gen.seed, "Seed: the same seed gives the same bytes");
  generate
      ->add_option("--files-per-source", gen.files_per_source,
                   "Files per source, split by customer (default: 10,000 records per file)")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 20));
  generate
      ->add_option("--messy", gen.messy,
                   "Share of records with bad input (CRLF, `}{`, truncated fragments, key case, "
                   "wrong types, invalid UTF-8, extra/null/missing fields), plus a BOM, an empty "
                   "and gzip files per source; expected.json counts them")
      ->check(CLI::Range(0.0, 1.0));

  stedi::IngestArgs ing;
  std::string database;
  auto* ingest = app.add_subcommand("ingest", "Ingest landing JSON files into a lake");
  ingest->add_option("--lake", ing.lake, "Lake folder (created when missing)")->required();
  auto* db_opt = ingest->add_option(
      "--database", database, "Database name, fixed when the lake is created (default stedi)");
  ingest->add_option("--threads", ing.threads, "Worker threads (default: one per core)");
  ingest
      ->add_option("SOURCE", ing.source,
                   "Folder holding {customer,accelerometer,step_trainer}/landing/")
      ->required();

  stedi::TablesArgs tab;
  auto* tables = app.add_subcommand("tables", "List the lake's tables with zone and row count");
  tables->add_option("--lake", tab.lake, "Lake folder")->required();
  tables->add_option("--format", tab.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));

  stedi::DescribeArgs desc;
  auto* describe = app.add_subcommand("describe", "Show a table's columns, files and schema notes");
  describe->add_option("--lake", desc.lake, "Lake folder")->required();
  describe->add_option("--format", desc.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  describe->add_option("TABLE", desc.table, "Table name")->required();

  stedi::RunArgs run_args;
  std::string models_dir;
  auto* run = app.add_subcommand(
      "run", "Build the trusted and curated tables from the SQL models and publish them at once");
  run->add_option("--lake", run_args.lake, "Lake folder")->required();
  run->add_option("--policy", run_args.policy, "Consent policy (default standard)")
      ->check(CLI::IsMember({"standard", "since-consent", "rubric"}));
  auto* models_opt =
      run->add_option("--models", models_dir, "Folder of models (default: the built-in models)");
  run->add_option("--format", run_args.format, "Report format: table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  run->add_option("--threads", run_args.threads, "Worker threads (default: one per core)");
  run->add_option("--memory-limit", run_args.memory_limit,
                  "Memory for hash tables and sort buffers before they spill to the lake's _tmp "
                  "folder, e.g. 512MiB (default: a quarter of RAM, at most 1GiB)");

  stedi::SqlArgs sql_args;
  std::string query;
  auto* sql = app.add_subcommand(
      "sql", "Run a read-only SQL query, or an interactive shell when no query is given");
  sql->add_option("--lake", sql_args.lake, "Lake folder")->required();
  sql->add_option("--format", sql_args.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  sql->add_flag("--timer", sql_args.timer, "Print each query's elapsed time");
  sql->add_option("--threads", sql_args.threads, "Worker threads (default: one per core)");
  sql->add_option("--memory-limit", sql_args.memory_limit,
                  "Memory for hash tables and sort buffers before they spill, e.g. 512MiB "
                  "(default: a quarter of RAM, at most 1GiB)");
  auto* query_opt = sql->add_option("QUERY", query, "The query (none: shell or stdin)");

  stedi::HistoryArgs hist;
  auto* history = app.add_subcommand("history", "List a table's snapshots, oldest first");
  history->add_option("--lake", hist.lake, "Lake folder")->required();
  history->add_option("--format", hist.format, "table, csv or json")
      ->check(CLI::IsMember({"table", "csv", "json"}));
  history->add_option("TABLE", hist.table, "Table name")->required();

  stedi::RollbackArgs roll;
  auto* rollback =
      app.add_subcommand("rollback", "Make an older snapshot of a table its current one again");
  rollback->add_option("--lake", roll.lake, "Lake folder")->required();
  rollback->add_option("TABLE", roll.table, "Table name")->required();
  rollback->add_option("SNAPSHOT", roll.snapshot_id, "Snapshot id (see `stedi history`)")
      ->required();

  stedi::ExpireArgs exp;
  auto* expire = app.add_subcommand(
      "expire", "Drop snapshots older than a duration and delete the files only they used");
  expire->add_option("--lake", exp.lake, "Lake folder")->required();
  expire->add_option("--older-than", exp.older_than, "Age, e.g. 7d, 12h, 30m, 0s")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error is a user error, exit 2 as documented.
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  if (generate->parsed()) return stedi::RunGenerateCommand(gen);
  if (ingest->parsed()) {
    if (db_opt->count() > 0) ing.database = database;
    return stedi::RunIngestCommand(ing);
  }
  if (tables->parsed()) return stedi::RunTablesCommand(tab);
  if (describe->parsed()) return stedi::RunDescribeCommand(desc);
  if (run->parsed()) {
    if (models_opt->count() > 0) run_args.models = models_dir;
    return stedi::RunRunCommand(run_args);
  }
  if (history->parsed()) return stedi::RunHistoryCommand(hist);
  if (rollback->parsed()) return stedi::RunRollbackCommand(roll);
  if (expire->parsed()) return stedi::RunExpireCommand(exp);
  if (sql->parsed()) {
    if (query_opt->count() > 0) sql_args.query = query;
    return stedi::RunSqlCommand(sql_args);
  }
  return 2;
}
