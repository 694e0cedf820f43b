#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "status/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace stedi {

class SqliteConnection;

/// One prepared SQL statement, bound and stepped in place. Obtained from
/// SqliteConnection::Prepare; must not outlive its connection. Binding errors are remembered
/// and reported by the next Step, so a statement reads as one chain of calls.
class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  /// Resets the statement and hands it back to its connection's cache for reuse.
  ~SqliteStatement();

  /// Binds parameter INDEX (1-based) to a value; binds NULL for an empty optional.
  SqliteStatement& Bind(int index, std::string_view value);
  SqliteStatement& Bind(int index, const char* value) {
    return Bind(index, std::string_view(value));
  }
  SqliteStatement& Bind(int index, const std::string& value) {
    return Bind(index, std::string_view(value));
  }
  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, const std::optional<std::string>& value);

  /// Advances to the next row: true when a row is available, false when the statement is done.
  Result<bool> Step();
  /// Steps a statement that returns no rows (INSERT, UPDATE, DDL) to completion.
  Status Run();

  /// Reads column COL (0-based) of the current row. NULL reads as "" or 0.
  std::string ColumnText(int col) const;
  int64_t ColumnInt64(int col) const;
  bool ColumnIsNull(int col) const;

  /// Returns the SQL text, for error messages.
  const std::string& sql() const { return sql_; }

 private:
  friend class SqliteConnection;
  SqliteStatement(SqliteConnection* connection, sqlite3_stmt* stmt, std::string sql);
  void RecordBindError(int rc, int index);

  SqliteConnection* connection_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  Status bind_status_;
};

/// Owns one SQLite database connection (closed on destruction) and a cache of prepared
/// statements. Errors carry SQLite's own message and the statement that failed.
///
/// Not thread-safe: the owner serialises calls (the Catalog holds a mutex). Several
/// connections, in one process or many, may use the same file; SQLite's locks and the busy
/// timeout coordinate them.
class SqliteConnection {
 public:
  /// Opens (creating when missing) the database file at PATH, sets a busy timeout of
  /// BUSY_TIMEOUT_MS, switches it to WAL journal mode and enables foreign keys.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path,
                                                        int busy_timeout_ms);
  /// Creates a new database file at PATH that no other connection sees yet: nothing is synced
  /// and nothing journaled (the caller syncs the finished file and publishes it by rename).
  /// Leaves the file in WAL mode, like Open, once the last statement has run: call
  /// FinishScratch, then destroy the connection.
  static Result<std::unique_ptr<SqliteConnection>> OpenScratch(const std::string& path);
  /// Switches a scratch database to WAL journal mode, as Open would have.
  Status FinishScratch();
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  /// Returns a ready-to-bind statement for SQL, reusing a cached one when possible.
  Result<SqliteStatement> Prepare(std::string_view sql);
  /// Runs SQL, which may hold several statements and no parameters.
  Status Execute(std::string_view sql);

  /// Returns the number of rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  const std::string& path() const { return path_; }

  /// Converts SQLite result code RC into a Status naming WHAT (usually the SQL text).
  Status ErrorStatus(int rc, std::string_view what) const;

 private:
  friend class SqliteStatement;
  SqliteConnection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  // Opens (creating when missing) PATH with extended result codes, nothing else set.
  static Result<std::unique_ptr<SqliteConnection>> Connect(const std::string& path);
  Status SwitchToWal();
  void Recycle(sqlite3_stmt* stmt, std::string sql);

  sqlite3* db_;
  std::string path_;
  // Idle prepared statements by SQL text; a statement in use is out of the cache.
  std::unordered_multimap<std::string, sqlite3_stmt*> idle_;
};

/// Holds a transaction open; rolls it back on destruction unless committed. Write
/// transactions take the write lock up front, so a busy database is detected before any work
/// and two writers never deadlock upgrading their locks.
class SqliteTransaction {
 public:
  enum class Kind {
    kRead,   ///< BEGIN DEFERRED: every read sees one snapshot; no lock taken up front.
    kWrite,  ///< BEGIN IMMEDIATE: takes the write lock now, waiting up to the busy timeout.
  };
  static Result<std::unique_ptr<SqliteTransaction>> Begin(SqliteConnection& connection, Kind kind);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;

  /// Makes every change of the transaction durable and visible, all at once.
  Status Commit();

 private:
  explicit SqliteTransaction(SqliteConnection& connection) : connection_(connection) {}
  SqliteConnection& connection_;
  bool open_ = true;
};

}  // namespace stedi
