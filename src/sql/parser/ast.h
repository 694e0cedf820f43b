#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace stedi::sql {

// The parsed form of a query: what the text says, before any name is resolved. Produced by
// ParseSql (parser.h) from libpg_query's tree; consumed by the binder. Every node keeps the
// byte offset of its text (`location`, -1 when unknown) so errors can point at it.

struct SelectStatement;

/// A literal value as written. Integers that fit int64 are kInteger, other numbers kDecimal
/// (kept as double), 'text' kString, TRUE/FALSE kBoolean, NULL kNull. Typed literals
/// (TIMESTAMP '2024-01-01 10:00:00', DATE '2024-01-01', INTERVAL '1' DAY) are kTyped with the
/// type name lower-cased in `type_name` and the quoted text in `text`.
struct Literal {
  enum class Kind { kNull, kBoolean, kInteger, kDecimal, kString, kTyped };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double decimal = 0;
  std::string text;       // kString, kTyped; for kDecimal the digits as written
  std::string type_name;  // kTyped
};

enum class ExprKind {
  kColumnRef,   // names: {"c"}, {"t","c"} or {"db","t","c"}
  kStar,        // names: {} for *, {"t"} for t.*
  kLiteral,     // literal
  kOperator,    // op + children: binary (+ - * / % || = <> < <= > >= AND OR) or unary (NOT, -)
  kFunction,    // name (lower-case) + children; distinct; star_argument for count(*); window
  kCase,        // case_operand?, when_then pairs, else_result?
  kCast,        // children[0], type_name (lower-case, e.g. "bigint", "varchar", "timestamp")
  kIsNull,      // children[0]; negated for IS NOT NULL
  kBetween,     // children = {value, low, high}; negated for NOT BETWEEN
  kLike,        // children = {value, pattern}; negated for NOT LIKE
  kInList,      // children = {value, item...}; negated for NOT IN
  kInSubquery,  // children = {value}, subquery; negated for NOT IN
  kExists,      // subquery; negated for NOT EXISTS
  kSubquery,    // scalar subquery: subquery
};

struct OrderItem;

/// OVER (PARTITION BY ... ORDER BY ...). Explicit frames are rejected by the parser.
struct WindowSpec {
  std::vector<std::unique_ptr<struct ParsedExpr>> partition_by;
  std::vector<OrderItem> order_by;
};

struct ParsedExpr {
  ExprKind kind = ExprKind::kLiteral;
  int location = -1;
  std::vector<std::string> names;  // kColumnRef, kStar: identifiers as written (quotes removed)
  Literal literal;                 // kLiteral
  std::string op;                  // kOperator: "+", "-", "*", "/", "%", "||", "=", "<>", "<",
                                   // "<=", ">", ">=", "AND", "OR", "NOT"; unary minus is "-"
                                   // with one child. kFunction: the function name, lower-case.
  std::vector<std::unique_ptr<ParsedExpr>> children;
  bool negated = false;                      // kIsNull, kBetween, kLike, kInList, ...
  bool distinct = false;                     // kFunction: count(DISTINCT x)
  bool star_argument = false;                // kFunction: count(*)
  std::unique_ptr<WindowSpec> window;        // kFunction with OVER
  std::unique_ptr<ParsedExpr> case_operand;  // kCase: CASE x WHEN ...
  std::vector<std::pair<std::unique_ptr<ParsedExpr>, std::unique_ptr<ParsedExpr>>> when_then;
  std::unique_ptr<ParsedExpr> else_result;    // kCase
  std::string type_name;                      // kCast
  std::unique_ptr<SelectStatement> subquery;  // kInSubquery, kExists, kSubquery
};

struct OrderItem {
  std::unique_ptr<ParsedExpr> expr;
  bool descending = false;
  std::optional<bool> nulls_first;  // nullopt: engine default (NULLS LAST, as Athena)
};

struct SelectItem {
  std::unique_ptr<ParsedExpr> expr;  // may be kStar
  std::string alias;                 // empty when none
};

/// Athena's time travel, cut from the text before parsing and attached to the table it follows.
struct TimeTravel {
  enum class Kind { kVersion, kTimestamp };
  Kind kind = Kind::kVersion;
  int64_t version = 0;    // FOR VERSION AS OF <n>
  std::string timestamp;  // FOR TIMESTAMP AS OF TIMESTAMP '<text>'
  int location = -1;
};

enum class JoinType { kInner, kLeft, kRight, kFull, kCross };

struct TableRef {
  enum class Kind { kTable, kSubquery, kJoin };
  Kind kind = Kind::kTable;
  int location = -1;
  std::vector<std::string> names;             // kTable: {"t"} or {"db","t"}
  std::string alias;                          // kTable, kSubquery
  std::vector<std::string> column_aliases;    // t(a, b)
  std::optional<TimeTravel> time_travel;      // kTable
  std::unique_ptr<SelectStatement> subquery;  // kSubquery
  JoinType join_type = JoinType::kInner;      // kJoin
  std::unique_ptr<TableRef> left, right;      // kJoin
  std::unique_ptr<ParsedExpr> condition;      // kJoin: ON ...; null for CROSS / USING
  std::vector<std::string> using_columns;     // kJoin: USING (a, b)
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_names;
  std::unique_ptr<SelectStatement> query;
  int location = -1;
};

/// One SELECT, or a set operation of two (left/right) when set_op is not kNone; WITH, ORDER BY
/// and LIMIT/OFFSET may apply to either form.
struct SelectStatement {
  enum class SetOp { kNone, kUnion, kIntersect, kExcept };
  int location = -1;
  std::vector<CommonTableExpr> with;
  SetOp set_op = SetOp::kNone;
  bool set_all = false;  // UNION ALL
  std::unique_ptr<SelectStatement> left, right;
  // Plain SELECT:
  bool distinct = false;
  std::vector<SelectItem> select_list;
  std::vector<std::unique_ptr<TableRef>> from;  // FROM a, b: several (cross product)
  std::unique_ptr<ParsedExpr> where;
  std::vector<std::unique_ptr<ParsedExpr>> group_by;
  std::unique_ptr<ParsedExpr> having;
  // Both forms:
  std::vector<OrderItem> order_by;
  std::unique_ptr<ParsedExpr> limit;   // null: no LIMIT (LIMIT ALL too)
  std::unique_ptr<ParsedExpr> offset;  // null: no OFFSET
};

/// One statement of the text. Only SELECT (and set operations, VALUES-free) is parsed into a
/// tree; any other statement keeps its kind name ("INSERT", "CREATE TABLE", "DROP", ...) so the
/// caller can refuse it by name.
struct ParsedStatement {
  bool is_select = false;
  std::string kind_name;  // "SELECT" or what the statement is
  int location = 0;       // byte offset where the statement starts
  int length = 0;         // bytes of the statement (0: up to the end)
  std::unique_ptr<SelectStatement> select;
};

}  // namespace stedi::sql
