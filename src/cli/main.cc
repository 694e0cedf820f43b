// `stedi`: the command-line entry point. Parses flags with CLI11 and hands each subcommand to
// its Run*Command function; all real work lives in the layers below.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"STEDI Lake: raw device and customer JSON to trustworthy, query-ready tables"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "stedi 0.1.0");

  stedi::GenerateArgs gen;
  auto* generate = app.add_subcommand("generate", "Write a synthetic STEDI landing dataset");
  generate->add_option("--out", gen.out, "Output folder")->required();
  generate->add_option("--customers", gen.customers, "Number of customers")
      ->check(CLI::Range(int64_t{1}, int64_t{1} << 40));
  generate->add_option("--seed", gen.seed, "Seed: the same seed gives the same bytes");

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

  CLI11_PARSE(app, argc, argv);

  if (generate->parsed()) return stedi::RunGenerateCommand(gen);
  if (ingest->parsed()) {
    if (db_opt->count() > 0) ing.database = database;
    return stedi::RunIngestCommand(ing);
  }
  if (tables->parsed()) return stedi::RunTablesCommand(tab);
  if (describe->parsed()) return stedi::RunDescribeCommand(desc);
  return 2;
}
