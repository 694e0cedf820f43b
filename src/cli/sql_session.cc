#include "cli/sql_session.h"

#include <cstdio>
#include <thread>

#include "cli/cell_text.h"
#include "sql/query.h"
#include "storage/lake_layout.h"

namespace stedi {

Result<std::unique_ptr<SqlSession>> SqlSession::Open(const std::string& lake_dir, size_t threads,
                                                     size_t memory_limit) {
  std::unique_ptr<SqlSession> session(new SqlSession());
  session->fs_ = NewLocalFileSystem();
  LakeLayout layout(lake_dir);
  STEDI_ASSIGN_OR_RETURN(session->catalog_, Catalog::OpenExisting(lake_dir));
  session->resolver_ = sql::MakeCatalogResolver(session->catalog_.get());
  session->context_.fs = session->fs_.get();
  session->context_.temp_dir = layout.TempFolder();
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  session->context_.threads = static_cast<int>(threads);
  session->budget_ =
      std::make_unique<sql::MemoryBudget>(memory_limit ? memory_limit : sql::DefaultMemoryLimit());
  session->context_.memory_budget = session->budget_.get();
  session->context_.memory_limit_bytes = session->budget_->limit();
  return session;
}

Status SqlSession::Run(std::string_view sql, std::ostream& out, std::ostream& timer_out) {
  const auto start = std::chrono::steady_clock::now();
  STEDI_ASSIGN_OR_RETURN(sql::PreparedQuery query,
                         sql::PrepareQuery(sql, resolver_.get(), &context_));
  const Schema& schema = *query.schema;
  std::vector<std::string> names;
  std::vector<CellKind> kinds;
  for (const Field& f : schema.fields()) {
    names.push_back(f.name);
    kinds.push_back(CellKindOf(f.type));
  }
  StreamingTablePrinter printer(std::move(names), std::move(kinds), settings_.format, out);
  std::vector<std::optional<std::string>> row(schema.num_fields());
  while (true) {
    STEDI_ASSIGN_OR_RETURN(std::optional<Batch> batch, query.root->Next());
    if (!batch) break;
    for (size_t r = 0; r < batch->num_rows(); ++r) {
      for (size_t c = 0; c < batch->num_columns(); ++c) row[c] = CellText(batch->column(c), r);
      printer.AddRow(row);
    }
  }
  printer.Finish();
  if (settings_.timer) {
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    char buf[64];
    std::snprintf(buf, sizeof(buf), "Run Time: %.3f s\n", elapsed.count());
    timer_out << buf << std::flush;
  }
  return Status::OK();
}

}  // namespace stedi
