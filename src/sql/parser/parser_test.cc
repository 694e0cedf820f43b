#include "sql/parser/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stedi::sql {
namespace {

// Renders an expression as a compact prefix form, so one expected string checks kinds,
// operators, names, literal values and flags of a whole tree.
std::string Render(const ParsedExpr& expr);

std::string RenderOrder(const std::vector<OrderItem>& items) {
  std::string out;
  for (const OrderItem& item : items) {
    if (!out.empty()) out += ", ";
    out += Render(*item.expr);
    if (item.descending) out += " desc";
    if (item.nulls_first) out += *item.nulls_first ? " nulls-first" : " nulls-last";
  }
  return out;
}

std::string RenderChildren(const ParsedExpr& expr) {
  std::string out;
  for (const auto& child : expr.children) out += " " + Render(*child);
  return out;
}

std::string Render(const ParsedExpr& expr) {
  std::string out;
  switch (expr.kind) {
    case ExprKind::kColumnRef:
    case ExprKind::kStar:
      for (const std::string& name : expr.names) out += (out.empty() ? "" : ".") + name;
      if (expr.kind == ExprKind::kStar) out += out.empty() ? "*" : ".*";
      return out;
    case ExprKind::kLiteral:
      switch (expr.literal.kind) {
        case Literal::Kind::kNull:
          return "NULL";
        case Literal::Kind::kBoolean:
          return expr.literal.boolean ? "TRUE" : "FALSE";
        case Literal::Kind::kInteger:
          return "i" + std::to_string(expr.literal.integer);
        case Literal::Kind::kDecimal:
          return "d" + expr.literal.text;
        case Literal::Kind::kString:
          return "'" + expr.literal.text + "'";
        case Literal::Kind::kTyped:
          return expr.literal.type_name + "'" + expr.literal.text + "'";
      }
      return "?";
    case ExprKind::kOperator:
      return "(" + expr.op + RenderChildren(expr) + ")";
    case ExprKind::kFunction:
      out = expr.op + "(";
      if (expr.distinct) out += "distinct";
      if (expr.star_argument) out += "*";
      out += RenderChildren(expr) + ")";
      if (expr.window) {
        out += " over(";
        for (const auto& key : expr.window->partition_by) out += "partition " + Render(*key) + " ";
        out += "order " + RenderOrder(expr.window->order_by) + ")";
      }
      return out;
    case ExprKind::kCase:
      out = "(case";
      if (expr.case_operand) out += " " + Render(*expr.case_operand);
      for (const auto& [when, then] : expr.when_then) {
        out += " (when " + Render(*when) + " " + Render(*then) + ")";
      }
      if (expr.else_result) out += " (else " + Render(*expr.else_result) + ")";
      return out + ")";
    case ExprKind::kCast:
      return "(cast" + RenderChildren(expr) + " " + expr.type_name + ")";
    case ExprKind::kIsNull:
      return std::string(expr.negated ? "(notnull" : "(isnull") + RenderChildren(expr) + ")";
    case ExprKind::kBetween:
      return std::string(expr.negated ? "(not-between" : "(between") + RenderChildren(expr) + ")";
    case ExprKind::kLike:
      return std::string(expr.negated ? "(not-like" : "(like") + RenderChildren(expr) + ")";
    case ExprKind::kInList:
      return std::string(expr.negated ? "(not-in" : "(in") + RenderChildren(expr) + ")";
    case ExprKind::kInSubquery:
      return std::string(expr.negated ? "(not-in" : "(in") + RenderChildren(expr) + " query)";
    case ExprKind::kExists:
      return expr.negated ? "(not-exists query)" : "(exists query)";
    case ExprKind::kSubquery:
      return "(query)";
  }
  return "?";
}

// Parses SQL that must succeed.
std::vector<ParsedStatement> MustParse(std::string_view sql) {
  auto result = ParseSql(sql);
  EXPECT_TRUE(result.ok()) << sql << "\n  -> " << result.status().ToString();
  if (!result.ok()) return {};
  return result.MoveValue();
}

// Renders every select-list item of the single SELECT in SQL, joined by " | ".
std::string RenderSelectList(std::string_view sql) {
  std::vector<ParsedStatement> statements = MustParse(sql);
  if (statements.size() != 1 || !statements[0].select) return "<no single select>";
  std::string out;
  for (const SelectItem& item : statements[0].select->select_list) {
    if (!out.empty()) out += " | ";
    out += Render(*item.expr);
    if (!item.alias.empty()) out += " AS " + item.alias;
  }
  return out;
}

// Renders the WHERE clause of the single SELECT in SQL.
std::string RenderWhere(std::string_view sql) {
  std::vector<ParsedStatement> statements = MustParse(sql);
  if (statements.size() != 1 || !statements[0].select || !statements[0].select->where) {
    return "<no where>";
  }
  return Render(*statements[0].select->where);
}

Status ParseStatus(std::string_view sql) { return ParseSql(sql).status(); }

TEST(ParseSqlTest, SeedQuery) {
  std::string sql = R"(SELECT count(1) FROM "my_stedi_project"."customer_landing" limit 10;)";
  std::vector<ParsedStatement> statements = MustParse(sql);
  ASSERT_EQ(statements.size(), 1u);
  const ParsedStatement& statement = statements[0];
  EXPECT_TRUE(statement.is_select);
  EXPECT_EQ(statement.kind_name, "SELECT");
  EXPECT_EQ(statement.location, 0);
  ASSERT_NE(statement.select, nullptr);
  const SelectStatement& select = *statement.select;
  EXPECT_EQ(select.set_op, SelectStatement::SetOp::kNone);
  ASSERT_EQ(select.select_list.size(), 1u);
  const ParsedExpr& count = *select.select_list[0].expr;
  EXPECT_EQ(count.kind, ExprKind::kFunction);
  EXPECT_EQ(count.op, "count");
  EXPECT_EQ(count.location, 7);
  EXPECT_FALSE(count.star_argument);
  ASSERT_EQ(count.children.size(), 1u);
  EXPECT_EQ(count.children[0]->literal.kind, Literal::Kind::kInteger);
  EXPECT_EQ(count.children[0]->literal.integer, 1);
  EXPECT_EQ(count.children[0]->location, 13);
  ASSERT_EQ(select.from.size(), 1u);
  const TableRef& table = *select.from[0];
  EXPECT_EQ(table.kind, TableRef::Kind::kTable);
  EXPECT_EQ(table.names, (std::vector<std::string>{"my_stedi_project", "customer_landing"}));
  EXPECT_EQ(table.location, static_cast<int>(sql.find("\"my_stedi")));
  EXPECT_TRUE(table.alias.empty());
  EXPECT_FALSE(table.time_travel.has_value());
  ASSERT_NE(select.limit, nullptr);
  EXPECT_EQ(Render(*select.limit), "i10");
  EXPECT_EQ(select.limit->location, static_cast<int>(sql.find("10")));
  EXPECT_EQ(select.offset, nullptr);
  EXPECT_EQ(select.where, nullptr);
}

TEST(ParseSqlTest, SplitsStatements) {
  std::string sql = "SELECT 1;  SELECT 2 ;\nSELECT 3";
  std::vector<ParsedStatement> statements = MustParse(sql);
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0].location, 0);
  EXPECT_EQ(sql.substr(statements[0].location, statements[0].length), "SELECT 1");
  EXPECT_EQ(statements[1].location, 11);
  EXPECT_EQ(sql.substr(statements[1].location, statements[1].length), "SELECT 2 ");
  EXPECT_EQ(statements[2].location, static_cast<int>(sql.find("SELECT 3")));
  EXPECT_EQ(statements[2].length, 0);  // up to the end
  EXPECT_EQ(Render(*statements[2].select->select_list[0].expr), "i3");

  EXPECT_EQ(MustParse("SELECT 1;").size(), 1u);
  EXPECT_EQ(MustParse("SELECT 1;;").size(), 1u);
  EXPECT_EQ(MustParse("").size(), 0u);
  EXPECT_EQ(MustParse("  ; -- nothing\n").size(), 0u);
}

TEST(ParseSqlTest, NonSelectStatementsKeepTheirKind) {
  std::vector<ParsedStatement> statements = MustParse(
      "INSERT INTO t VALUES (1); UPDATE t SET a = 1; DELETE FROM t; CREATE TABLE x (a int);"
      "DROP TABLE x; ALTER TABLE t ADD COLUMN b int; COPY t FROM '/tmp/f';"
      "CREATE TABLE y AS SELECT 1; CREATE VIEW v AS SELECT 1; SHOW search_path;");
  std::vector<std::string> kinds;
  for (const ParsedStatement& statement : statements) {
    EXPECT_FALSE(statement.is_select) << statement.kind_name;
    EXPECT_EQ(statement.select, nullptr);
    kinds.push_back(statement.kind_name);
  }
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"INSERT", "UPDATE", "DELETE", "CREATE TABLE", "DROP", "ALTER",
                                      "COPY", "CREATE TABLE AS", "CREATE VIEW", "SHOW"}));
  // A non-SELECT statement with a construct we would reject inside a SELECT is still no error.
  std::vector<ParsedStatement> other = MustParse("SELECT 1; VACUUM t");
  ASSERT_EQ(other.size(), 2u);
  EXPECT_TRUE(other[0].is_select);
  EXPECT_FALSE(other[1].is_select);
  EXPECT_EQ(other[1].kind_name, "VacuumStmt");
}

TEST(ParseSqlTest, SelectListItems) {
  EXPECT_EQ(RenderSelectList("SELECT a, b AS bee, c cee, t.*, *, db.t.c, \"Mixed Case\" FROM t"),
            "a | b AS bee | c AS cee | t.* | * | db.t.c | Mixed Case");
  // Unquoted identifiers are folded to lower case by PostgreSQL.
  EXPECT_EQ(RenderSelectList("SELECT ABC AS XyZ FROM T"), "abc AS xyz");
  std::vector<ParsedStatement> statements = MustParse("SELECT t.*, * FROM t");
  const ParsedExpr& star = *statements[0].select->select_list[0].expr;
  EXPECT_EQ(star.kind, ExprKind::kStar);
  EXPECT_EQ(star.names, std::vector<std::string>{"t"});
  EXPECT_EQ(star.location, 7);
  const ParsedExpr& bare_star = *statements[0].select->select_list[1].expr;
  EXPECT_EQ(bare_star.kind, ExprKind::kStar);
  EXPECT_TRUE(bare_star.names.empty());
}

TEST(ParseSqlTest, Literals) {
  EXPECT_EQ(RenderSelectList("SELECT 0, 1, 42, -1, - 7, -(3), 2147483648, 9223372036854775807"),
            "i0 | i1 | i42 | i-1 | i-7 | i-3 | i2147483648 | i9223372036854775807");
  EXPECT_EQ(RenderSelectList("SELECT -2147483648, -9223372036854775808"),
            "i-2147483648 | i-9223372036854775808");
  EXPECT_EQ(RenderSelectList("SELECT 1.5, -2.25, 1e3, 99999999999999999999"),
            "d1.5 | d-2.25 | d1e3 | d99999999999999999999");
  EXPECT_EQ(RenderSelectList("SELECT 'x', '', 'it''s', TRUE, false, NULL"),
            "'x' | '' | 'it's' | TRUE | FALSE | NULL");
  EXPECT_EQ(RenderSelectList("SELECT TIMESTAMP '2024-01-01 10:00:00', DATE '2024-01-02'"),
            "timestamp'2024-01-01 10:00:00' | date'2024-01-02'");

  std::vector<ParsedStatement> statements = MustParse("SELECT 1.5, 1e3, timestamp '2024-01-01'");
  const auto& items = statements[0].select->select_list;
  EXPECT_EQ(items[0].expr->literal.kind, Literal::Kind::kDecimal);
  EXPECT_DOUBLE_EQ(items[0].expr->literal.decimal, 1.5);
  EXPECT_DOUBLE_EQ(items[1].expr->literal.decimal, 1000.0);
  EXPECT_EQ(items[2].expr->literal.kind, Literal::Kind::kTyped);
  EXPECT_EQ(items[2].expr->location, 17);
}

TEST(ParseSqlTest, ArithmeticAndComparisons) {
  EXPECT_EQ(RenderSelectList("SELECT a + b * c - d / e % f, -x, +y, 'a' || b"),
            "(- (+ a (* b c)) (% (/ d e) f)) | (- x) | y | (|| 'a' b)");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE a = 1 AND b <> 2 AND c != 3 AND d < 4 AND "
                        "e <= 5 AND f > 6 AND g >= 7"),
            "(AND (AND (AND (AND (AND (AND (= a i1) (<> b i2)) (<> c i3)) (< d i4)) (<= e i5)) "
            "(> f i6)) (>= g i7))");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE a OR b AND NOT c"), "(OR a (AND b (NOT c)))");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE (a OR b) AND c"), "(AND (OR a b) c)");
  std::vector<ParsedStatement> statements = MustParse("SELECT a + 1");
  const ParsedExpr& plus = *statements[0].select->select_list[0].expr;
  EXPECT_EQ(plus.kind, ExprKind::kOperator);
  EXPECT_EQ(plus.location, 9);  // the operator
  EXPECT_EQ(plus.children[0]->location, 7);
}

TEST(ParseSqlTest, Predicates) {
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE a IS NULL AND b IS NOT NULL"),
            "(AND (isnull a) (notnull b))");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE a BETWEEN 1 AND 2 AND b NOT BETWEEN c AND d"),
            "(AND (between a i1 i2) (not-between b c d))");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE a LIKE 'x%' AND b NOT LIKE '_y'"),
            "(AND (like a 'x%') (not-like b '_y'))");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE a IN (1, 2, 3) AND b NOT IN ('x')"),
            "(AND (in a i1 i2 i3) (not-in b 'x'))");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE a IN (SELECT x FROM u) AND b NOT IN (SELECT y "
                        "FROM v)"),
            "(AND (in a query) (not-in b query))");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE EXISTS (SELECT 1) OR NOT EXISTS (SELECT 2)"),
            "(OR (exists query) (not-exists query))");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE NOT NOT EXISTS (SELECT 1)"),
            "(NOT (not-exists query))");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE a = (SELECT max(b) FROM u)"), "(= a (query))");

  std::vector<ParsedStatement> statements =
      MustParse("SELECT 1 FROM t WHERE a NOT IN (SELECT x FROM u WHERE x > 2)");
  const ParsedExpr& in = *statements[0].select->where;
  ASSERT_EQ(in.kind, ExprKind::kInSubquery);
  EXPECT_TRUE(in.negated);
  ASSERT_NE(in.subquery, nullptr);
  EXPECT_EQ(RenderOrder({}), "");
  EXPECT_EQ(Render(*in.subquery->where), "(> x i2)");
  EXPECT_EQ(in.subquery->from[0]->names, std::vector<std::string>{"u"});
}

TEST(ParseSqlTest, FunctionsCastsAndCase) {
  EXPECT_EQ(RenderSelectList("SELECT count(*), COUNT(DISTINCT x), Upper(a), coalesce(a, 0), "
                             "nullif(a, b), greatest(a, b), current_timestamp, current_date"),
            "count(*) | count(distinct x) | upper( a) | coalesce( a i0) | nullif( a b) | "
            "greatest( a b) | current_timestamp() | current_date()");
  EXPECT_EQ(RenderSelectList("SELECT CAST(a AS bigint), b::int, CAST(c AS double precision), "
                             "d::varchar(10), e::text, CAST(f AS decimal(10, 2)), g::boolean, "
                             "h::timestamp, CAST(i AS date), j::real, k::smallint, '5'::integer"),
            "(cast a bigint) | (cast b int) | (cast c double) | (cast d varchar) | "
            "(cast e varchar) | (cast f decimal) | (cast g boolean) | (cast h timestamp) | "
            "(cast i date) | (cast j real) | (cast k smallint) | (cast '5' int)");
  EXPECT_EQ(RenderSelectList("SELECT CASE WHEN a > 1 THEN 'big' WHEN a > 0 THEN 'small' ELSE "
                             "'none' END, CASE b WHEN 1 THEN 'one' END"),
            "(case (when (> a i1) 'big') (when (> a i0) 'small') (else 'none')) | "
            "(case b (when i1 'one'))");
}

TEST(ParseSqlTest, WindowFunctions) {
  EXPECT_EQ(RenderSelectList("SELECT row_number() OVER (PARTITION BY a, b ORDER BY c DESC NULLS "
                             "FIRST, d), sum(x) OVER (), rank() OVER (ORDER BY e ASC NULLS LAST) "
                             "FROM t"),
            "row_number() over(partition a partition b order c desc nulls-first, d) | "
            "sum( x) over(order ) | rank() over(order e nulls-last)");
  std::vector<ParsedStatement> statements = MustParse("SELECT sum(x) FROM t");
  EXPECT_EQ(statements[0].select->select_list[0].expr->window, nullptr);
}

TEST(ParseSqlTest, FromClause) {
  std::vector<ParsedStatement> statements =
      MustParse("SELECT 1 FROM db.t AS x(p, q), \"My Db\".\"T\" y, (SELECT 1 AS one) AS s(o)");
  const auto& from = statements[0].select->from;
  ASSERT_EQ(from.size(), 3u);
  EXPECT_EQ(from[0]->names, (std::vector<std::string>{"db", "t"}));
  EXPECT_EQ(from[0]->alias, "x");
  EXPECT_EQ(from[0]->column_aliases, (std::vector<std::string>{"p", "q"}));
  EXPECT_EQ(from[0]->location, 14);
  EXPECT_EQ(from[1]->names, (std::vector<std::string>{"My Db", "T"}));
  EXPECT_EQ(from[1]->alias, "y");
  EXPECT_EQ(from[2]->kind, TableRef::Kind::kSubquery);
  EXPECT_EQ(from[2]->alias, "s");
  EXPECT_EQ(from[2]->column_aliases, std::vector<std::string>{"o"});
  ASSERT_NE(from[2]->subquery, nullptr);
  EXPECT_EQ(from[2]->subquery->select_list[0].alias, "one");
}

TEST(ParseSqlTest, Joins) {
  std::vector<ParsedStatement> statements = MustParse(
      "SELECT 1 FROM a JOIN b ON a.k = b.k LEFT JOIN c USING (k, j) RIGHT OUTER JOIN d ON TRUE "
      "FULL JOIN e ON d.x = e.x CROSS JOIN f INNER JOIN g ON 1 = 1");
  const auto& from = statements[0].select->from;
  ASSERT_EQ(from.size(), 1u);
  // Joins nest to the left: ((((((a b) c) d) e) f) g).
  std::vector<JoinType> types;
  std::vector<std::string> right_names;
  const TableRef* node = from[0].get();
  while (node->kind == TableRef::Kind::kJoin) {
    types.insert(types.begin(), node->join_type);
    right_names.insert(right_names.begin(), node->right->names.at(0));
    if (node->join_type == JoinType::kCross) {
      EXPECT_EQ(node->condition, nullptr);
      EXPECT_TRUE(node->using_columns.empty());
    }
    if (node->right->names.at(0) == "c") {
      EXPECT_EQ(node->using_columns, (std::vector<std::string>{"k", "j"}));
      EXPECT_EQ(node->condition, nullptr);
    }
    if (node->right->names.at(0) == "b") {
      EXPECT_EQ(Render(*node->condition), "(= a.k b.k)");
    }
    node = node->left.get();
  }
  EXPECT_EQ(node->names, std::vector<std::string>{"a"});
  EXPECT_EQ(types, (std::vector<JoinType>{JoinType::kInner, JoinType::kLeft, JoinType::kRight,
                                          JoinType::kFull, JoinType::kCross, JoinType::kInner}));
  EXPECT_EQ(right_names, (std::vector<std::string>{"b", "c", "d", "e", "f", "g"}));
}

TEST(ParseSqlTest, GroupHavingOrderLimit) {
  std::vector<ParsedStatement> statements = MustParse(
      "SELECT DISTINCT a, count(*) FROM t WHERE b > 0 GROUP BY a, 2 HAVING count(*) > 1 "
      "ORDER BY 2 DESC, a ASC NULLS FIRST, b NULLS LAST LIMIT 5 OFFSET 10");
  const SelectStatement& select = *statements[0].select;
  EXPECT_TRUE(select.distinct);
  ASSERT_EQ(select.group_by.size(), 2u);
  EXPECT_EQ(Render(*select.group_by[0]), "a");
  EXPECT_EQ(Render(*select.group_by[1]), "i2");
  EXPECT_EQ(Render(*select.having), "(> count(*) i1)");
  EXPECT_EQ(RenderOrder(select.order_by), "i2 desc, a nulls-first, b nulls-last");
  EXPECT_FALSE(select.order_by[0].nulls_first.has_value());
  EXPECT_EQ(Render(*select.limit), "i5");
  EXPECT_EQ(Render(*select.offset), "i10");

  std::vector<ParsedStatement> all = MustParse("SELECT a FROM t LIMIT ALL");
  EXPECT_EQ(all[0].select->limit, nullptr);
  EXPECT_FALSE(all[0].select->distinct);
}

TEST(ParseSqlTest, CommonTableExpressions) {
  std::string sql = "WITH a(x, y) AS (SELECT 1, 2), b AS (SELECT x FROM a) SELECT * FROM b";
  std::vector<ParsedStatement> statements = MustParse(sql);
  const SelectStatement& select = *statements[0].select;
  ASSERT_EQ(select.with.size(), 2u);
  EXPECT_EQ(select.with[0].name, "a");
  EXPECT_EQ(select.with[0].column_names, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(select.with[0].location, 5);
  EXPECT_EQ(select.with[0].query->select_list.size(), 2u);
  EXPECT_EQ(select.with[1].name, "b");
  EXPECT_TRUE(select.with[1].column_names.empty());
  EXPECT_EQ(select.with[1].query->from[0]->names, std::vector<std::string>{"a"});
  EXPECT_EQ(select.from[0]->names, std::vector<std::string>{"b"});
}

TEST(ParseSqlTest, SetOperations) {
  std::vector<ParsedStatement> statements =
      MustParse("SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 3");
  const SelectStatement& select = *statements[0].select;
  EXPECT_EQ(select.set_op, SelectStatement::SetOp::kUnion);
  EXPECT_TRUE(select.set_all);
  ASSERT_NE(select.left, nullptr);
  ASSERT_NE(select.right, nullptr);
  EXPECT_EQ(Render(*select.left->select_list[0].expr), "a");
  EXPECT_EQ(Render(*select.right->select_list[0].expr), "b");
  EXPECT_EQ(RenderOrder(select.order_by), "i1");
  EXPECT_EQ(Render(*select.limit), "i3");
  EXPECT_TRUE(select.select_list.empty());

  // INTERSECT binds tighter than UNION and EXCEPT.
  std::vector<ParsedStatement> mixed =
      MustParse("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT SELECT 4");
  const SelectStatement& top = *mixed[0].select;
  EXPECT_EQ(top.set_op, SelectStatement::SetOp::kExcept);
  EXPECT_FALSE(top.set_all);
  EXPECT_EQ(top.left->set_op, SelectStatement::SetOp::kUnion);
  EXPECT_FALSE(top.left->set_all);
  EXPECT_EQ(top.left->right->set_op, SelectStatement::SetOp::kIntersect);
  EXPECT_EQ(Render(*top.left->right->right->select_list[0].expr), "i3");
  EXPECT_EQ(Render(*top.right->select_list[0].expr), "i4");
}

TEST(ParseSqlTest, UserAndTimestampColumns) {
  std::string sql =
      "SELECT timestamp, user FROM accelerometer_landing WHERE timestamp > 0 ORDER BY timestamp";
  std::vector<ParsedStatement> statements = MustParse(sql);
  ASSERT_EQ(statements.size(), 1u);
  const SelectStatement& select = *statements[0].select;
  EXPECT_EQ(RenderSelectList(sql), "timestamp | user");
  EXPECT_EQ(select.select_list[1].expr->kind, ExprKind::kColumnRef);
  EXPECT_EQ(select.select_list[1].expr->location, 18);
  EXPECT_EQ(Render(*select.where), "(> timestamp i0)");
  EXPECT_EQ(RenderOrder(select.order_by), "timestamp");
  EXPECT_EQ(RenderSelectList("SELECT a.timestamp, a.user, max(timestamp) ts FROM t a WHERE "
                             "user = 'x'"),
            "a.timestamp | a.user | max( timestamp) AS ts");
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE user = 'x' AND timestamp BETWEEN 1 AND 2"),
            "(AND (= user 'x') (between timestamp i1 i2))");
  // The column and the typed literal side by side.
  EXPECT_EQ(RenderWhere("SELECT 1 FROM t WHERE timestamp >= TIMESTAMP '2024-01-01' AND "
                        "timestamp < timestamp '2025-01-01'"),
            "(AND (>= timestamp timestamp'2024-01-01') (< timestamp timestamp'2025-01-01'))");
}

TEST(ParseSqlTest, TimeTravel) {
  std::string sql =
      "SELECT * FROM db.t FOR VERSION AS OF 123 AS x JOIN u for\n timestamp  AS OF "
      "TIMESTAMP '2024-01-01 00:00:00' ON x.a = u.a";
  std::vector<ParsedStatement> statements = MustParse(sql);
  ASSERT_EQ(statements.size(), 1u);
  const TableRef& join = *statements[0].select->from[0];
  ASSERT_EQ(join.kind, TableRef::Kind::kJoin);
  const TableRef& left = *join.left;
  EXPECT_EQ(left.names, (std::vector<std::string>{"db", "t"}));
  EXPECT_EQ(left.alias, "x");
  ASSERT_TRUE(left.time_travel.has_value());
  EXPECT_EQ(left.time_travel->kind, TimeTravel::Kind::kVersion);
  EXPECT_EQ(left.time_travel->version, 123);
  EXPECT_EQ(left.time_travel->location, static_cast<int>(sql.find("FOR VERSION")));
  const TableRef& right = *join.right;
  ASSERT_TRUE(right.time_travel.has_value());
  EXPECT_EQ(right.time_travel->kind, TimeTravel::Kind::kTimestamp);
  EXPECT_EQ(right.time_travel->timestamp, "2024-01-01 00:00:00");
  EXPECT_EQ(right.time_travel->location, static_cast<int>(sql.find("for\n")));
  EXPECT_EQ(Render(*join.condition), "(= x.a u.a)");
  // Offsets after the cut clauses are still those of the original text.
  EXPECT_EQ(join.condition->location, static_cast<int>(sql.find("= u.a")));

  // Inside strings and comments nothing is cut.
  std::vector<ParsedStatement> quoted =
      MustParse("SELECT 'FOR VERSION AS OF 1' FROM t /* t FOR VERSION AS OF 2 */");
  EXPECT_FALSE(quoted[0].select->from[0]->time_travel.has_value());
  EXPECT_EQ(Render(*quoted[0].select->select_list[0].expr), "'FOR VERSION AS OF 1'");

  // In a subquery, and on a quoted name.
  std::vector<ParsedStatement> nested = MustParse(
      "SELECT * FROM (SELECT * FROM \"db\".\"t\" FOR VERSION AS OF 7) s WHERE a IN (SELECT b "
      "FROM u FOR TIMESTAMP AS OF TIMESTAMP '2024-05-05')");
  const TableRef& inner = *nested[0].select->from[0]->subquery->from[0];
  ASSERT_TRUE(inner.time_travel.has_value());
  EXPECT_EQ(inner.time_travel->version, 7);
  const TableRef& in_table = *nested[0].select->where->subquery->from[0];
  ASSERT_TRUE(in_table.time_travel.has_value());
  EXPECT_EQ(in_table.time_travel->timestamp, "2024-05-05");

  // Not after a table name.
  Status misplaced = ParseStatus("SELECT a FOR VERSION AS OF 3 FROM t");
  EXPECT_TRUE(misplaced.IsInvalid()) << misplaced.ToString();
  EXPECT_NE(misplaced.message().find("line 1, column 10"), std::string::npos)
      << misplaced.message();
  Status after_subquery = ParseStatus("SELECT * FROM (SELECT 1 FROM t) s FOR VERSION AS OF 3");
  EXPECT_TRUE(after_subquery.IsInvalid()) << after_subquery.ToString();
  Status no_number = ParseStatus("SELECT * FROM t FOR VERSION AS OF x");
  EXPECT_TRUE(no_number.IsInvalid()) << no_number.ToString();
}

TEST(ParseSqlTest, SyntaxErrorsNamePosition) {
  Status status = ParseStatus("SELECT a,\n  FROM t");
  EXPECT_TRUE(status.IsInvalid());
  EXPECT_EQ(status.message(), "syntax error at or near \"FROM\" at line 2, column 3");

  // Columns count characters: 'é' is two bytes.
  Status accented = ParseStatus("SELECT 'é' éé x FROM t");
  EXPECT_EQ(accented.message(), "syntax error at or near \"x\" at line 1, column 15");

  Status end = ParseStatus("SELECT * FROM t WHERE");
  EXPECT_TRUE(end.IsInvalid());
  EXPECT_EQ(end.message(), "syntax error at end of input (line 1, column 22)");

  Status unterminated = ParseStatus("SELECT 'abc");
  EXPECT_TRUE(unterminated.IsInvalid());
  EXPECT_NE(unterminated.message().find("line 1, column 8"), std::string::npos)
      << unterminated.message();

  Status second = ParseStatus("SELECT 1;\nSELEC 2");
  EXPECT_EQ(second.message(), "syntax error at or near \"SELEC\" at line 2, column 1");
}

TEST(ParseSqlTest, UnsupportedConstructsAreNotImplemented) {
  struct Case {
    const char* sql;
    const char* expected;
  };
  const Case cases[] = {
      {"SELECT sum(x) OVER (ORDER BY a ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
       "window frame clauses are not supported at line 1, column 20"},
      {"SELECT rank() OVER w FROM t WINDOW w AS (ORDER BY a)", "WINDOW clause"},
      {"SELECT * FROM a NATURAL JOIN b", "NATURAL JOIN is not supported"},
      {"SELECT DISTINCT ON (a) a FROM t", "DISTINCT ON is not supported"},
      {"WITH RECURSIVE r AS (SELECT 1) SELECT * FROM r", "WITH RECURSIVE is not supported"},
      {"SELECT INTERVAL '1' DAY", "INTERVAL is not supported at line 1, column 8"},
      {"SELECT a FROM t GROUP BY ROLLUP (a)", "ROLLUP"},
      {"SELECT * FROM t, LATERAL (SELECT 1) s", "LATERAL"},
      {"VALUES (1)", "VALUES"},
      {"SELECT a ILIKE 'x' FROM t", "ILIKE"},
      {"SELECT ARRAY[1]", "array"},
      {"SELECT * FROM generate_series(1, 3)", "functions in FROM"},
      {"SELECT a FROM t FOR UPDATE", "FOR UPDATE"},
      {"SELECT count(*) FILTER (WHERE a) FROM t", "FILTER"},
      {"SELECT a IS DISTINCT FROM b FROM t", "DISTINCT FROM"},
      {"SELECT current_user", "current_user"},
      {"SELECT a LIKE 'x' ESCAPE '!' FROM t", "ESCAPE"},
      {"SELECT a = ALL (SELECT 1)", "ALL (subquery)"},
  };
  for (const Case& c : cases) {
    Status status = ParseStatus(c.sql);
    EXPECT_EQ(status.code(), StatusCode::kNotImplemented) << c.sql << " -> " << status.ToString();
    EXPECT_NE(status.message().find(c.expected), std::string::npos)
        << c.sql << " -> " << status.message();
  }
}

TEST(ParseSqlTest, NeverCrashesOnMalformedInput) {
  const std::string query =
      "WITH c(x) AS (SELECT a FROM \"db\".\"t\" FOR VERSION AS OF 5 WHERE b IN (1, -2)) "
      "SELECT DISTINCT x, count(*) OVER (PARTITION BY x ORDER BY y DESC NULLS FIRST), "
      "CASE WHEN x LIKE 'a%' THEN CAST(x AS bigint) ELSE -1.5 END AS k, user, timestamp "
      "FROM c LEFT JOIN u FOR TIMESTAMP AS OF TIMESTAMP '2024-01-01' USING (x) "
      "WHERE NOT EXISTS (SELECT 1 FROM v WHERE v.x = c.x) AND x NOT BETWEEN 1 AND 9 -- note\n"
      "GROUP BY 1 HAVING count(*) > 2 /* block /* nested */ */ UNION ALL SELECT 'é''s', "
      "E'\\'', $$d$$, NULL, NULL, 1 ORDER BY 1 LIMIT 10 OFFSET 2;";
  ASSERT_TRUE(ParseSql(query).ok()) << ParseSql(query).status().ToString();
  size_t outcomes = 0;
  for (size_t length = 0; length <= query.size(); ++length) {
    auto prefix = ParseSql(std::string_view(query).substr(0, length));
    auto suffix = ParseSql(std::string_view(query).substr(length));
    outcomes += (prefix.ok() ? 1 : 0) + (suffix.ok() ? 1 : 0);
  }
  EXPECT_GT(outcomes, 0u);
  const char* junk[] = {"",
                        "'",
                        "\"",
                        "/*",
                        "--",
                        "$$",
                        "$1",
                        "(((((",
                        ")))",
                        "E'\\",
                        "FOR",
                        "FOR VERSION AS OF",
                        "SELECT * FROM t FOR",
                        "SELECT * FROM t FOR VERSION AS OF 99999999999999999999",
                        "SELECT * FROM t FOR TIMESTAMP AS OF TIMESTAMP",
                        ";;;",
                        "SELECT \xff\xfe FROM t",
                        "SELECT 'a\xc3' FROM t",
                        "\xc3"};
  for (const char* text : junk) {
    auto result = ParseSql(text);
    if (!result.ok()) {
      EXPECT_FALSE(result.status().message().empty()) << text;
    }
  }
  Status bad_utf8 = ParseStatus("SELECT 'a\xc3' FROM t");
  EXPECT_TRUE(bad_utf8.IsInvalid()) << bad_utf8.ToString();
  EXPECT_EQ(bad_utf8.message(), "SQL text is not valid UTF-8 at line 1, column 10");
  EXPECT_TRUE(ParseStatus("SELECT '\xed\xa0\x80'").IsInvalid());  // a surrogate
  EXPECT_TRUE(ParseStatus("SELECT '\xc0\xaf'").IsInvalid());      // an overlong '/'
  EXPECT_TRUE(ParseSql("SELECT '\xf0\x9f\x98\x80 \xe2\x82\xac'").ok());
  std::string with_nul("SELECT 1\0 FROM t", 16);
  EXPECT_TRUE(ParseStatus(with_nul).IsInvalid());
  std::string parentheses = "SELECT " + std::string(3000, '(') + "1" + std::string(3000, ')');
  ASSERT_TRUE(ParseSql(parentheses).ok());
  EXPECT_EQ(RenderSelectList(parentheses), "i1");
  for (const char* repeated : {"NOT ", "1 + ", "- a * ", "(SELECT ", "CASE WHEN a THEN "}) {
    std::string deep = "SELECT ";
    for (int i = 0; i < 5000; ++i) deep += repeated;
    deep += "1";
    (void)ParseSql(deep).ok();
  }
  std::string nested_subqueries;
  for (int i = 0; i < 500; ++i) nested_subqueries += "SELECT (";
  nested_subqueries += "SELECT 1" + std::string(500, ')');
  (void)ParseSql(nested_subqueries).ok();
}

TEST(ParseSqlTest, TimeTravelOlderAthenaSpelling) {
  std::vector<ParsedStatement> statements = MustParse(
      "SELECT * FROM a FOR SYSTEM_VERSION AS OF 4, b FOR SYSTEM_TIME AS OF TIMESTAMP "
      "'2024-02-03 04:05:06'");
  const auto& from = statements[0].select->from;
  ASSERT_EQ(from.size(), 2u);
  ASSERT_TRUE(from[0]->time_travel.has_value());
  EXPECT_EQ(from[0]->time_travel->kind, TimeTravel::Kind::kVersion);
  EXPECT_EQ(from[0]->time_travel->version, 4);
  ASSERT_TRUE(from[1]->time_travel.has_value());
  EXPECT_EQ(from[1]->time_travel->kind, TimeTravel::Kind::kTimestamp);
  EXPECT_EQ(from[1]->time_travel->timestamp, "2024-02-03 04:05:06");
}

TEST(ParseSqlTest, StatementPositionsSkipBlanksAndComments) {
  std::string sql = "SELECT 1; -- first\n /* c */ EXPLAIN SELECT 2;";
  std::vector<ParsedStatement> statements = MustParse(sql);
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[1].location, static_cast<int>(sql.find("EXPLAIN")));
  EXPECT_EQ(sql.substr(statements[1].location, statements[1].length), "EXPLAIN SELECT 2");
  EXPECT_EQ(statements[1].kind_name, "EXPLAIN");
  EXPECT_FALSE(statements[1].is_select);
}

TEST(ParseSqlTest, ExpressionLocations) {
  std::string sql =
      "SELECT CASE WHEN a IS NULL THEN 1 END FROM t WHERE b IN (1) AND c LIKE 'x' AND "
      "d BETWEEN 1 AND 2 AND EXISTS (SELECT 1) AND e::int > 0";
  std::vector<ParsedStatement> statements = MustParse(sql);
  const SelectStatement& select = *statements[0].select;
  const ParsedExpr& case_expr = *select.select_list[0].expr;
  EXPECT_EQ(case_expr.location, 7);
  EXPECT_EQ(case_expr.when_then[0].first->location, static_cast<int>(sql.find("IS NULL")));
  // WHERE is ((((in AND like) AND between) AND exists) AND >).
  const ParsedExpr* node = select.where.get();
  EXPECT_EQ(node->location, static_cast<int>(sql.find("AND c")));
  const ParsedExpr& greater = *node->children[1];
  EXPECT_EQ(greater.location, static_cast<int>(sql.find("> 0")));
  EXPECT_EQ(greater.children[0]->kind, ExprKind::kCast);
  EXPECT_EQ(greater.children[0]->location, static_cast<int>(sql.find("::")));
  node = node->children[0].get();
  EXPECT_EQ(node->children[1]->kind, ExprKind::kExists);
  EXPECT_EQ(node->children[1]->location, static_cast<int>(sql.find("EXISTS")));
  node = node->children[0].get();
  EXPECT_EQ(node->children[1]->kind, ExprKind::kBetween);
  EXPECT_EQ(node->children[1]->location, static_cast<int>(sql.find("BETWEEN")));
  node = node->children[0].get();
  EXPECT_EQ(node->children[0]->kind, ExprKind::kInList);
  EXPECT_EQ(node->children[0]->location, static_cast<int>(sql.find("IN (1)")));
  EXPECT_EQ(node->children[1]->kind, ExprKind::kLike);
  EXPECT_EQ(node->children[1]->location, static_cast<int>(sql.find("LIKE")));
}

TEST(DescribePositionTest, LinesAndCharacterColumns) {
  std::string sql = "SELECT\n  é, x\nFROM t";
  EXPECT_EQ(DescribePosition(sql, 0), "line 1, column 1");
  EXPECT_EQ(DescribePosition(sql, 6), "line 1, column 7");
  EXPECT_EQ(DescribePosition(sql, 7), "line 2, column 1");
  EXPECT_EQ(DescribePosition(sql, 9), "line 2, column 3");  // é
  EXPECT_EQ(DescribePosition(sql, static_cast<int>(sql.find('x'))), "line 2, column 6");
  EXPECT_EQ(DescribePosition(sql, static_cast<int>(sql.find("FROM"))), "line 3, column 1");
  EXPECT_EQ(DescribePosition(sql, static_cast<int>(sql.size()) + 1), "end of input");
  EXPECT_EQ(DescribePosition(sql, -1), "unknown position");
}

}  // namespace
}  // namespace stedi::sql
