#include "catalog/sqlite_connection.h"

#include <sqlite3.h>

namespace stedi {

SqliteStatement::SqliteStatement(SqliteConnection* connection, sqlite3_stmt* stmt, std::string sql)
    : connection_(connection), stmt_(stmt), sql_(std::move(sql)) {}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : connection_(other.connection_),
      stmt_(other.stmt_),
      sql_(std::move(other.sql_)),
      bind_status_(std::move(other.bind_status_)) {
  other.stmt_ = nullptr;
}

SqliteStatement::~SqliteStatement() {
  if (stmt_ != nullptr) connection_->Recycle(stmt_, std::move(sql_));
}

void SqliteStatement::RecordBindError(int rc, int index) {
  if (rc == SQLITE_OK || !bind_status_.ok()) return;
  bind_status_ = connection_->ErrorStatus(
      rc, "binding parameter " + std::to_string(index) + " of `" + sql_ + "`");
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view value) {
  RecordBindError(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      index);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  RecordBindError(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, const std::optional<std::string>& value) {
  if (value) return Bind(index, std::string_view(*value));
  RecordBindError(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Result<bool> SqliteStatement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return connection_->ErrorStatus(rc, "`" + sql_ + "`");
}

Status SqliteStatement::Run() {
  STEDI_ASSIGN_OR_RETURN(bool row, Step());
  while (row) {
    STEDI_ASSIGN_OR_RETURN(row, Step());
  }
  return Status::OK();
}

std::string SqliteStatement::ColumnText(int col) const {
  const unsigned char* text = sqlite3_column_text(stmt_, col);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

int64_t SqliteStatement::ColumnInt64(int col) const { return sqlite3_column_int64(stmt_, col); }

bool SqliteStatement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Connect(const std::string& path) {
  sqlite3* db = nullptr;
  // NOMUTEX: the owner serialises access, so SQLite's own mutexes would only cost time.
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    return Status::IOError(path + ": cannot open SQLite database: " + message);
  }
  std::unique_ptr<SqliteConnection> connection(new SqliteConnection(db, path));
  sqlite3_extended_result_codes(db, 1);
  return connection;
}

Status SqliteConnection::SwitchToWal() {
  STEDI_ASSIGN_OR_RETURN(auto wal, Prepare("PRAGMA journal_mode=WAL"));
  STEDI_ASSIGN_OR_RETURN(bool row, wal.Step());
  if (!row || wal.ColumnText(0) != "wal") {
    return Status::IOError(path_ + ": cannot switch SQLite journal mode to WAL (got '" +
                           (row ? wal.ColumnText(0) : std::string()) + "')");
  }
  return wal.Run();
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 int busy_timeout_ms) {
  STEDI_ASSIGN_OR_RETURN(auto connection, Connect(path));
  // Each stedi command is a short process: checkpointing the WAL into the database whenever it
  // closes would cost every command a few more syncs. SQLite checkpoints by itself once the WAL
  // grows (1000 pages), and every reader (PyIceberg, Spark, the sqlite3 shell) reads through it.
  sqlite3_db_config(connection->db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_busy_timeout(connection->db_, busy_timeout_ms);
  // WAL lets readers (PyIceberg, Spark, a second stedi) read while one writer commits.
  STEDI_RETURN_NOT_OK(connection->SwitchToWal());
  STEDI_RETURN_NOT_OK(connection->Execute("PRAGMA foreign_keys=ON"));
  return connection;
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::OpenScratch(const std::string& path) {
  STEDI_ASSIGN_OR_RETURN(auto connection, Connect(path));
  // A file nobody else opens until it is complete: a crash leaves a scratch file to discard,
  // never a catalog, so neither a journal nor a sync buys anything (each sync costs ~0.5 ms).
  STEDI_RETURN_NOT_OK(connection->Execute(
      "PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
      "PRAGMA foreign_keys=ON"));
  return connection;
}

Status SqliteConnection::FinishScratch() { return SwitchToWal(); }

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : idle_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Result<SqliteStatement> SqliteConnection::Prepare(std::string_view sql) {
  std::string text(sql);
  auto it = idle_.find(text);
  if (it != idle_.end()) {
    sqlite3_stmt* stmt = it->second;
    idle_.erase(it);
    return SqliteStatement(this, stmt, std::move(text));
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, text.data(), static_cast<int>(text.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return ErrorStatus(rc, "preparing `" + text + "`");
  }
  if (stmt == nullptr) return Status::Internal("empty SQL statement: `" + text + "`");
  return SqliteStatement(this, stmt, std::move(text));
}

Status SqliteConnection::Execute(std::string_view sql) {
  std::string text(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    Status base = ErrorStatus(rc, "`" + text + "`");
    return Status(base.code(), path_ + ": " + message + " in `" + text + "`");
  }
  return Status::OK();
}

int64_t SqliteConnection::Changes() const { return sqlite3_changes64(db_); }

Status SqliteConnection::ErrorStatus(int rc, std::string_view what) const {
  std::string message =
      path_ + ": " + sqlite3_errmsg(db_) + " (" + sqlite3_errstr(rc) + ") in " + std::string(what);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
      return Status::Invalid(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(std::move(message));
    case SQLITE_ERROR:
    case SQLITE_MISUSE:
      return Status::Internal(std::move(message));
    default:
      return Status::IOError(std::move(message));  // BUSY, LOCKED, IOERR, FULL, ...
  }
}

void SqliteConnection::Recycle(sqlite3_stmt* stmt, std::string sql) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  idle_.emplace(std::move(sql), stmt);
}

Result<std::unique_ptr<SqliteTransaction>> SqliteTransaction::Begin(SqliteConnection& connection,
                                                                    Kind kind) {
  STEDI_RETURN_NOT_OK(
      connection.Execute(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED"));
  return std::unique_ptr<SqliteTransaction>(new SqliteTransaction(connection));
}

SqliteTransaction::~SqliteTransaction() {
  if (open_) {
    // Nothing to report to: the caller already returns the error that made us roll back.
    (void)connection_.Execute("ROLLBACK");
  }
}

Status SqliteTransaction::Commit() {
  STEDI_RETURN_NOT_OK(connection_.Execute("COMMIT"));
  open_ = false;
  return Status::OK();
}

}  // namespace stedi
