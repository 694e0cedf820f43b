#include "sql/parser/parser.h"

#include <pg_query.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace stedi::sql {

namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// PostgreSQL's FRAMEOPTION_NONDEFAULT: set whenever the query spells out a frame.
constexpr int64_t kFrameOptionNonDefault = 1;

// Deeper parse trees than this are refused rather than walked.
constexpr size_t kMaxJsonDepth = 4096;

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && Lower(a) == Lower(b);
}

// Returns the offset of the first byte of TEXT that does not start a well-formed UTF-8
// sequence (RFC 3629: no overlong forms, no surrogates), or npos when all of it is valid.
size_t FirstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      auto byte = static_cast<unsigned char>(text[i + k]);
      unsigned char min = k == 1 ? low : 0x80;
      unsigned char max = k == 1 ? high : 0xBF;
      if (byte < min || byte > max) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// ---------------------------------------------------------------------------------------------
// A small lexer, just enough to find Athena's time-travel clauses outside strings and comments.

struct Token {
  enum class Kind { kWord, kQuotedIdentifier, kString, kNumber, kOther };
  Kind kind = Kind::kOther;
  size_t begin = 0;
  size_t end = 0;
};

bool IsWordStart(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) || c == '_' || u >= 0x80;
}

bool IsWordPart(char c) {
  auto u = static_cast<unsigned char>(c);
  return std::isalnum(u) || c == '_' || c == '$' || u >= 0x80;
}

// Returns the offset just past the quoted text starting at BEGIN (a quote character). A doubled
// quote stays inside; BACKSLASH_ESCAPES also skips the byte after a backslash (E'...').
size_t SkipQuoted(std::string_view text, size_t begin, char quote, bool backslash_escapes) {
  size_t i = begin + 1;
  while (i < text.size()) {
    if (backslash_escapes && text[i] == '\\') {
      i += 2;
      continue;
    }
    if (text[i] == quote) {
      if (i + 1 < text.size() && text[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return text.size();
}

// Returns the offset past the comment starting at I, or I when there is none.
size_t SkipComment(std::string_view text, size_t i) {
  if (text.substr(i, 2) == "--") {
    size_t end = text.find('\n', i);
    return end == std::string_view::npos ? text.size() : end + 1;
  }
  if (text.substr(i, 2) == "/*") {
    int depth = 0;  // PostgreSQL's block comments nest.
    while (i < text.size()) {
      if (text.substr(i, 2) == "/*") {
        ++depth;
        i += 2;
      } else if (text.substr(i, 2) == "*/") {
        i += 2;
        if (--depth == 0) return i;
      } else {
        ++i;
      }
    }
    return text.size();
  }
  return i;
}

size_t SkipSpaceAndComments(std::string_view text, size_t i) {
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t next = SkipComment(text, i);
    if (next == i) break;
    i = next;
  }
  return i;
}

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (true) {
    i = SkipSpaceAndComments(text, i);
    if (i >= text.size()) break;
    Token token;
    token.begin = i;
    char c = text[i];
    if ((c == 'e' || c == 'E') && i + 1 < text.size() && text[i + 1] == '\'') {
      token.kind = Token::Kind::kString;
      token.end = SkipQuoted(text, i + 1, '\'', /*backslash_escapes=*/true);
    } else if (IsWordStart(c)) {
      size_t j = i + 1;
      while (j < text.size() && IsWordPart(text[j])) ++j;
      token.kind = Token::Kind::kWord;
      token.end = j;
    } else if (c == '\'') {
      token.kind = Token::Kind::kString;
      token.end = SkipQuoted(text, i, '\'', /*backslash_escapes=*/false);
    } else if (c == '"') {
      token.kind = Token::Kind::kQuotedIdentifier;
      token.end = SkipQuoted(text, i, '"', /*backslash_escapes=*/false);
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < text.size() &&
                std::isdigit(static_cast<unsigned char>(text[i + 1])))) {
      size_t j = i;
      while (j < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '.')) {
        ++j;
      }
      token.kind = Token::Kind::kNumber;
      token.end = j;
    } else if (c == '$' && i + 1 < text.size() &&
               !std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      // Dollar quoting: $tag$ ... $tag$.
      size_t j = i + 1;
      while (j < text.size() && IsWordPart(text[j]) && text[j] != '$') ++j;
      if (j < text.size() && text[j] == '$') {
        std::string_view tag = text.substr(i, j + 1 - i);
        size_t close = text.find(tag, j + 1);
        token.kind = Token::Kind::kString;
        token.end = close == std::string_view::npos ? text.size() : close + tag.size();
      } else {
        token.end = i + 1;
      }
    } else {
      token.end = i + 1;
    }
    tokens.push_back(token);
    i = token.end;
  }
  return tokens;
}

struct TimeTravelClauses {
  std::vector<TimeTravel> clauses;  // in text order
  std::vector<Token> tokens;        // of the original text
};

bool IsWord(std::string_view text, const std::vector<Token>& tokens, size_t index,
            std::string_view word) {
  if (index >= tokens.size() || tokens[index].kind != Token::Kind::kWord) return false;
  const Token& t = tokens[index];
  return EqualsIgnoreCase(text.substr(t.begin, t.end - t.begin), word);
}

// Finds `FOR VERSION AS OF <n>` and `FOR TIMESTAMP AS OF TIMESTAMP '<text>'` after a name in
// TEXT, records them and overwrites their bytes with spaces (newlines kept) so that
// PostgreSQL's grammar accepts the rest and every offset stays valid.
Result<TimeTravelClauses> CutTimeTravelClauses(std::string* text, std::string_view original) {
  TimeTravelClauses result;
  result.tokens = Tokenize(original);
  const std::vector<Token>& tokens = result.tokens;
  for (size_t i = 1; i < tokens.size(); ++i) {
    if (!IsWord(original, tokens, i, "for")) continue;
    Token::Kind before = tokens[i - 1].kind;
    if (before != Token::Kind::kWord && before != Token::Kind::kQuotedIdentifier) continue;
    // Athena's older engine spelled them FOR SYSTEM_VERSION / FOR SYSTEM_TIME.
    bool version = IsWord(original, tokens, i + 1, "version") ||
                   IsWord(original, tokens, i + 1, "system_version");
    bool timestamp = IsWord(original, tokens, i + 1, "timestamp") ||
                     IsWord(original, tokens, i + 1, "system_time");
    if (!(version || timestamp) || !IsWord(original, tokens, i + 2, "as") ||
        !IsWord(original, tokens, i + 3, "of")) {
      continue;
    }
    TimeTravel travel;
    travel.location = static_cast<int>(tokens[i].begin);
    size_t last = 0;
    if (version) {
      if (i + 4 >= tokens.size() || tokens[i + 4].kind != Token::Kind::kNumber) {
        return Status::Invalid("FOR VERSION AS OF needs an integer snapshot id at " +
                               DescribePosition(original, travel.location));
      }
      const Token& number = tokens[i + 4];
      std::string_view digits = original.substr(number.begin, number.end - number.begin);
      auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), travel.version);
      if (error != std::errc() || end != digits.data() + digits.size()) {
        return Status::Invalid("FOR VERSION AS OF needs an integer snapshot id, got '" +
                               std::string(digits) + "' at " +
                               DescribePosition(original, static_cast<int>(number.begin)));
      }
      travel.kind = TimeTravel::Kind::kVersion;
      last = i + 4;
    } else {
      const Token* literal = i + 5 < tokens.size() ? &tokens[i + 5] : nullptr;
      if (!IsWord(original, tokens, i + 4, "timestamp") || literal == nullptr ||
          literal->kind != Token::Kind::kString || original[literal->begin] != '\'' ||
          literal->end - literal->begin < 2 || original[literal->end - 1] != '\'') {
        return Status::Invalid("FOR TIMESTAMP AS OF needs a literal TIMESTAMP '...' at " +
                               DescribePosition(original, travel.location));
      }
      std::string_view quoted =
          original.substr(literal->begin + 1, literal->end - literal->begin - 2);
      for (size_t k = 0; k < quoted.size(); ++k) {
        travel.timestamp.push_back(quoted[k]);
        if (quoted[k] == '\'') ++k;  // '' stands for one quote
      }
      travel.kind = TimeTravel::Kind::kTimestamp;
      last = i + 5;
    }
    for (size_t k = tokens[i].begin; k < tokens[last].end; ++k) {
      if ((*text)[k] != '\n') (*text)[k] = ' ';
    }
    result.clauses.push_back(std::move(travel));
    i = last;
  }
  return result;
}

// True when the tokens in [BEGIN, END) of the text form one (possibly qualified) name.
bool OnlyNameBetween(std::string_view text, const std::vector<Token>& tokens, size_t begin,
                     size_t end) {
  bool expect_name = true;
  bool any = false;
  for (const Token& t : tokens) {
    if (t.begin < begin || t.begin >= end) continue;
    any = true;
    if (expect_name) {
      if (t.kind != Token::Kind::kWord && t.kind != Token::Kind::kQuotedIdentifier) return false;
    } else if (text.substr(t.begin, 1) != ".") {
      return false;
    }
    expect_name = !expect_name;
  }
  return any && !expect_name;
}

// ---------------------------------------------------------------------------------------------
// Reading libpg_query's JSON.

std::optional<element> Member(element node, std::string_view key) {
  object obj;
  if (node.get(obj) != simdjson::SUCCESS) return std::nullopt;
  element value;
  if (obj.at_key(key).get(value) != simdjson::SUCCESS) return std::nullopt;
  return value;
}

int LocationOf(element body) {
  auto value = Member(body, "location");
  int64_t location = -1;
  if (!value || value->get(location) != simdjson::SUCCESS) return -1;
  return static_cast<int>(location);
}

std::string StringMember(element body, std::string_view key) {
  auto value = Member(body, key);
  std::string_view text;
  if (!value || value->get(text) != simdjson::SUCCESS) return "";
  return std::string(text);
}

bool BoolMember(element body, std::string_view key) {
  auto value = Member(body, key);
  bool flag = false;
  if (!value || value->get(flag) != simdjson::SUCCESS) return false;
  return flag;
}

int64_t IntMember(element body, std::string_view key, int64_t absent) {
  auto value = Member(body, key);
  int64_t number = absent;
  if (!value || value->get(number) != simdjson::SUCCESS) return absent;
  return number;
}

std::vector<element> ListMember(element body, std::string_view key) {
  std::vector<element> out;
  auto value = Member(body, key);
  array items;
  if (!value || value->get(items) != simdjson::SUCCESS) return out;
  for (element item : items) out.push_back(item);
  return out;
}

// A node is {"NodeName": {...fields}}; splits it into both parts.
bool Unwrap(element node, std::string_view* name, element* body) {
  object obj;
  if (node.get(obj) != simdjson::SUCCESS) return false;
  for (auto field : obj) {
    *name = field.key;
    *body = field.value;
    return true;
  }
  return false;
}

// Returns the first non-negative "location" anywhere inside NODE, for errors on nodes that
// carry none themselves.
int AnyLocation(element node, int depth = 0) {
  if (depth > 64) return -1;
  object obj;
  array items;
  if (node.get(obj) == simdjson::SUCCESS) {
    int own = LocationOf(node);
    if (own >= 0) return own;
    for (auto field : obj) {
      int inner = AnyLocation(field.value, depth + 1);
      if (inner >= 0) return inner;
    }
  } else if (node.get(items) == simdjson::SUCCESS) {
    for (element item : items) {
      int inner = AnyLocation(item, depth + 1);
      if (inner >= 0) return inner;
    }
  }
  return -1;
}

// Turns a list of {"String": {"sval": ...}} nodes into their texts.
std::vector<std::string> StringNodes(const std::vector<element>& nodes) {
  std::vector<std::string> out;
  for (element node : nodes) {
    std::string_view name;
    element body;
    if (Unwrap(node, &name, &body) && name == "String") out.push_back(StringMember(body, "sval"));
  }
  return out;
}

// Maps PostgreSQL's internal type names to the names our engine uses.
std::string NormalizeTypeName(const std::string& name) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"int4", "int"},       {"int8", "bigint"},    {"int2", "smallint"},   {"float8", "double"},
      {"float4", "real"},    {"bool", "boolean"},   {"varchar", "varchar"}, {"text", "varchar"},
      {"bpchar", "varchar"}, {"numeric", "decimal"}};
  for (const auto& [pg, ours] : kNames) {
    if (name == pg) return std::string(ours);
  }
  return name;
}

std::string StatementKindName(std::string_view node, element body) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"InsertStmt", "INSERT"},
      {"UpdateStmt", "UPDATE"},
      {"DeleteStmt", "DELETE"},
      {"MergeStmt", "MERGE"},
      {"CreateStmt", "CREATE TABLE"},
      {"DropStmt", "DROP"},
      {"AlterTableStmt", "ALTER"},
      {"CopyStmt", "COPY"},
      {"ViewStmt", "CREATE VIEW"},
      {"ExplainStmt", "EXPLAIN"},
      {"VariableSetStmt", "SET"},
      {"VariableShowStmt", "SHOW"},
      {"TransactionStmt", "TRANSACTION"},
      {"TruncateStmt", "TRUNCATE"},
      {"IndexStmt", "CREATE INDEX"},
      {"CreateSchemaStmt", "CREATE SCHEMA"},
      {"CreatedbStmt", "CREATE DATABASE"},
      {"DropdbStmt", "DROP DATABASE"},
      {"GrantStmt", "GRANT"},
      {"RenameStmt", "ALTER"},
  };
  if (node == "CreateTableAsStmt") {
    return StringMember(body, "objtype") == "OBJECT_MATVIEW" ? "CREATE MATERIALIZED VIEW"
                                                             : "CREATE TABLE AS";
  }
  for (const auto& [pg, ours] : kNames) {
    if (node == pg) return std::string(ours);
  }
  return std::string(node);
}

const char* FriendlyExpressionName(std::string_view node) {
  static const std::pair<std::string_view, const char*> kNames[] = {
      {"A_ArrayExpr", "array constructors are"},
      {"A_Indirection", "subscripts and field selections are"},
      {"ParamRef", "query parameters are"},
      {"CollateClause", "COLLATE is"},
      {"RowExpr", "row constructors are"},
      {"BooleanTest", "IS [NOT] TRUE/FALSE/UNKNOWN tests are"},
      {"GroupingFunc", "GROUPING() is"},
      {"XmlExpr", "XML expressions are"},
      {"XmlSerialize", "XML expressions are"},
  };
  for (const auto& [pg, ours] : kNames) {
    if (node == pg) return ours;
  }
  return nullptr;
}

// Converts the JSON tree of one statement to our AST. TEXT is what PostgreSQL parsed, ORIGINAL
// what the user wrote (same byte offsets) and is used in messages.
class TreeConverter {
 public:
  TreeConverter(std::string_view original, std::string_view text)
      : original_(original), text_(text) {}

  std::vector<TableRef*> TakeTables() { return std::exchange(tables_, {}); }

  // BODY is a SelectStmt's fields, or a node wrapping them.
  Result<std::unique_ptr<SelectStatement>> Select(element body, int location) {
    if (++depth_ > kMaxDepth) return TooDeep(location);
    auto result = SelectImpl(body, location);
    --depth_;
    return result;
  }

  Result<std::unique_ptr<ParsedExpr>> Expr(element node) {
    if (++depth_ > kMaxDepth) return TooDeep(AnyLocation(node));
    auto result = ExprImpl(node);
    --depth_;
    return result;
  }

 private:
  static constexpr int kMaxDepth = 400;

  Status TooDeep(int location) const {
    return Unsupported("queries nested this deeply are", location);
  }

  // WHAT ends with "is" or "are": "window frame clauses are".
  Status Unsupported(std::string_view what, int location) const {
    std::string message = std::string(what) + " not supported";
    if (location >= 0) message += " at " + DescribePosition(original_, location);
    return Status::NotImplemented(std::move(message));
  }

  Result<std::unique_ptr<SelectStatement>> SubSelect(element node, int location) {
    std::string_view name;
    element body;
    if (!Unwrap(node, &name, &body)) return Status::Internal("empty subquery node in parse tree");
    if (name != "SelectStmt") {
      return Unsupported(name == "InsertStmt" || name == "UpdateStmt" || name == "DeleteStmt"
                             ? "data-modifying statements inside a query are"
                             : "this kind of subquery is",
                         location >= 0 ? location : AnyLocation(body));
    }
    return Select(body, location);
  }

  Result<std::unique_ptr<SelectStatement>> SelectImpl(element body, int location) {
    // Set-operation operands come as bare SelectStmt fields, other places wrap them.
    if (auto wrapped = Member(body, "SelectStmt")) body = *wrapped;
    auto select = std::make_unique<SelectStatement>();
    select->location = location;

    if (Member(body, "valuesLists")) return Unsupported("VALUES lists are", AnyLocation(body));
    if (Member(body, "intoClause")) return Unsupported("SELECT INTO is", location);
    if (auto locking = Member(body, "lockingClause")) {
      return Unsupported("FOR UPDATE/SHARE locking clauses are", AnyLocation(*locking));
    }
    if (auto windows = Member(body, "windowClause")) {
      return Unsupported("named windows (WINDOW clause) are", AnyLocation(*windows));
    }
    if (StringMember(body, "limitOption") == "LIMIT_OPTION_WITH_TIES") {
      return Unsupported("FETCH ... WITH TIES is", AnyLocation(body));
    }
    if (BoolMember(body, "groupDistinct")) return Unsupported("GROUP BY DISTINCT is", location);

    if (auto with = Member(body, "withClause")) {
      if (BoolMember(*with, "recursive")) {
        return Unsupported("WITH RECURSIVE is", LocationOf(*with));
      }
      for (element node : ListMember(*with, "ctes")) {
        std::string_view name;
        element cte_body;
        if (!Unwrap(node, &name, &cte_body) || name != "CommonTableExpr") {
          return Status::Internal("unexpected WITH item in parse tree");
        }
        CommonTableExpr cte;
        cte.name = StringMember(cte_body, "ctename");
        cte.column_names = StringNodes(ListMember(cte_body, "aliascolnames"));
        cte.location = LocationOf(cte_body);
        auto query = Member(cte_body, "ctequery");
        if (!query) return Status::Internal("WITH item without a query in parse tree");
        STEDI_ASSIGN_OR_RETURN(cte.query, SubSelect(*query, cte.location));
        select->with.push_back(std::move(cte));
      }
    }

    std::string op = StringMember(body, "op");
    if (op != "SETOP_NONE" && !op.empty()) {
      if (op == "SETOP_UNION") {
        select->set_op = SelectStatement::SetOp::kUnion;
      } else if (op == "SETOP_INTERSECT") {
        select->set_op = SelectStatement::SetOp::kIntersect;
      } else if (op == "SETOP_EXCEPT") {
        select->set_op = SelectStatement::SetOp::kExcept;
      } else {
        return Status::Internal("unknown set operation " + op + " in parse tree");
      }
      select->set_all = BoolMember(body, "all");
      auto left = Member(body, "larg");
      auto right = Member(body, "rarg");
      if (!left || !right) return Status::Internal("set operation without operands");
      STEDI_ASSIGN_OR_RETURN(select->left, Select(*left, -1));
      STEDI_ASSIGN_OR_RETURN(select->right, Select(*right, -1));
    } else {
      STEDI_RETURN_NOT_OK(PlainSelect(body, select.get()));
    }

    STEDI_ASSIGN_OR_RETURN(select->order_by, OrderItems(ListMember(body, "sortClause")));
    if (auto limit = Member(body, "limitCount")) {
      // LIMIT ALL arrives as a NULL constant.
      auto constant = Member(*limit, "A_Const");
      if (!(constant && BoolMember(*constant, "isnull"))) {
        STEDI_ASSIGN_OR_RETURN(select->limit, Expr(*limit));
      }
    }
    if (auto offset = Member(body, "limitOffset")) {
      STEDI_ASSIGN_OR_RETURN(select->offset, Expr(*offset));
    }
    return select;
  }

  Status PlainSelect(element body, SelectStatement* select) {
    if (auto distinct = Member(body, "distinctClause")) {
      std::vector<element> items = ListMember(body, "distinctClause");
      object first;
      if (items.size() == 1 && items[0].get(first) == simdjson::SUCCESS && first.size() == 0) {
        select->distinct = true;
      } else {
        return Unsupported("DISTINCT ON is", AnyLocation(*distinct));
      }
    }
    for (element node : ListMember(body, "targetList")) {
      auto target = Member(node, "ResTarget");
      if (!target) return Status::Internal("select list item is not a ResTarget");
      auto value = Member(*target, "val");
      if (!value) return Status::Internal("select list item without a value");
      SelectItem item;
      STEDI_ASSIGN_OR_RETURN(item.expr, Expr(*value));
      item.alias = StringMember(*target, "name");
      select->select_list.push_back(std::move(item));
    }
    for (element node : ListMember(body, "fromClause")) {
      STEDI_ASSIGN_OR_RETURN(auto table, Table(node));
      select->from.push_back(std::move(table));
    }
    if (auto where = Member(body, "whereClause")) {
      STEDI_ASSIGN_OR_RETURN(select->where, Expr(*where));
    }
    for (element node : ListMember(body, "groupClause")) {
      if (auto set = Member(node, "GroupingSet")) {
        return Unsupported("GROUPING SETS, ROLLUP and CUBE are", LocationOf(*set));
      }
      STEDI_ASSIGN_OR_RETURN(auto key, Expr(node));
      select->group_by.push_back(std::move(key));
    }
    if (auto having = Member(body, "havingClause")) {
      STEDI_ASSIGN_OR_RETURN(select->having, Expr(*having));
    }
    return Status::OK();
  }

  Result<std::vector<OrderItem>> OrderItems(const std::vector<element>& nodes) {
    std::vector<OrderItem> items;
    for (element node : nodes) {
      auto sort = Member(node, "SortBy");
      if (!sort) return Status::Internal("ORDER BY item is not a SortBy");
      auto value = Member(*sort, "node");
      if (!value) return Status::Internal("ORDER BY item without an expression");
      OrderItem item;
      STEDI_ASSIGN_OR_RETURN(item.expr, Expr(*value));
      std::string direction = StringMember(*sort, "sortby_dir");
      if (direction == "SORTBY_USING") {
        return Unsupported("ORDER BY ... USING is", AnyLocation(*value));
      }
      item.descending = direction == "SORTBY_DESC";
      std::string nulls = StringMember(*sort, "sortby_nulls");
      if (nulls == "SORTBY_NULLS_FIRST") item.nulls_first = true;
      if (nulls == "SORTBY_NULLS_LAST") item.nulls_first = false;
      items.push_back(std::move(item));
    }
    return items;
  }

  static void ReadAlias(element body, std::string* alias, std::vector<std::string>* columns) {
    auto node = Member(body, "alias");
    if (!node) return;
    *alias = StringMember(*node, "aliasname");
    *columns = StringNodes(ListMember(*node, "colnames"));
  }

  Result<std::unique_ptr<TableRef>> Table(element node) {
    if (++depth_ > kMaxDepth) return TooDeep(AnyLocation(node));
    auto result = TableImpl(node);
    --depth_;
    return result;
  }

  Result<std::unique_ptr<TableRef>> TableImpl(element node) {
    std::string_view name;
    element body;
    if (!Unwrap(node, &name, &body)) return Status::Internal("empty FROM item in parse tree");
    auto table = std::make_unique<TableRef>();
    table->location = LocationOf(body);
    if (name == "RangeVar") {
      table->kind = TableRef::Kind::kTable;
      for (std::string_view part : {"catalogname", "schemaname", "relname"}) {
        std::string value = StringMember(body, part);
        if (!value.empty()) table->names.push_back(std::move(value));
      }
      ReadAlias(body, &table->alias, &table->column_aliases);
      tables_.push_back(table.get());
      return table;
    }
    if (name == "RangeSubselect") {
      if (BoolMember(body, "lateral")) return Unsupported("LATERAL is", AnyLocation(body));
      auto query = Member(body, "subquery");
      if (!query) return Status::Internal("subquery in FROM without a query");
      table->kind = TableRef::Kind::kSubquery;
      STEDI_ASSIGN_OR_RETURN(table->subquery, SubSelect(*query, -1));
      ReadAlias(body, &table->alias, &table->column_aliases);
      return table;
    }
    if (name == "JoinExpr") {
      table->kind = TableRef::Kind::kJoin;
      auto left = Member(body, "larg");
      auto right = Member(body, "rarg");
      if (!left || !right) return Status::Internal("join without two sides in parse tree");
      STEDI_ASSIGN_OR_RETURN(table->left, Table(*left));
      STEDI_ASSIGN_OR_RETURN(table->right, Table(*right));
      // A join carries no position of its own: point at its left side.
      table->location = table->left->location;
      int right_location = table->right->location;
      if (BoolMember(body, "isNatural")) return Unsupported("NATURAL JOIN is", right_location);
      if (Member(body, "alias") || Member(body, "join_using_alias")) {
        return Unsupported("aliases on joins are", right_location);
      }
      table->using_columns = StringNodes(ListMember(body, "usingClause"));
      if (auto quals = Member(body, "quals")) {
        STEDI_ASSIGN_OR_RETURN(table->condition, Expr(*quals));
      }
      std::string type = StringMember(body, "jointype");
      if (type == "JOIN_INNER") {
        bool cross = table->condition == nullptr && table->using_columns.empty();
        table->join_type = cross ? JoinType::kCross : JoinType::kInner;
      } else if (type == "JOIN_LEFT") {
        table->join_type = JoinType::kLeft;
      } else if (type == "JOIN_RIGHT") {
        table->join_type = JoinType::kRight;
      } else if (type == "JOIN_FULL") {
        table->join_type = JoinType::kFull;
      } else {
        return Unsupported("the join type " + type + " is", right_location);
      }
      return table;
    }
    if (name == "RangeFunction") return Unsupported("functions in FROM are", AnyLocation(body));
    if (name == "RangeTableSample") return Unsupported("TABLESAMPLE is", AnyLocation(body));
    return Unsupported(std::string(name) + " in FROM is", AnyLocation(body));
  }

  static std::unique_ptr<ParsedExpr> MakeExpr(ExprKind kind, int location) {
    auto expr = std::make_unique<ParsedExpr>();
    expr->kind = kind;
    expr->location = location;
    return expr;
  }

  Result<std::unique_ptr<ParsedExpr>> Child(element body, std::string_view key) {
    auto node = Member(body, key);
    if (!node) return Status::Internal("expression without its '" + std::string(key) + "'");
    return Expr(*node);
  }

  Status AppendChildren(const std::vector<element>& nodes, ParsedExpr* parent) {
    for (element node : nodes) {
      STEDI_ASSIGN_OR_RETURN(auto child, Expr(node));
      parent->children.push_back(std::move(child));
    }
    return Status::OK();
  }

  // Items of a {"List": {"items": [...]}} node.
  static std::vector<element> ListItems(element body, std::string_view key) {
    auto node = Member(body, key);
    if (!node) return {};
    auto list = Member(*node, "List");
    if (!list) return {};
    return ListMember(*list, "items");
  }

  Result<std::unique_ptr<ParsedExpr>> ExprImpl(element node) {
    std::string_view name;
    element body;
    if (!Unwrap(node, &name, &body)) return Status::Internal("empty expression in parse tree");
    int location = LocationOf(body);
    if (name == "ColumnRef") return ColumnRef(body, location);
    if (name == "A_Const") return Constant(body, location);
    if (name == "A_Expr") return OperatorExpr(body, location);
    if (name == "BoolExpr") return BoolExpr(body, location);
    if (name == "NullTest") {
      auto expr = MakeExpr(ExprKind::kIsNull, location);
      expr->negated = StringMember(body, "nulltesttype") == "IS_NOT_NULL";
      STEDI_ASSIGN_OR_RETURN(auto arg, Child(body, "arg"));
      expr->children.push_back(std::move(arg));
      return expr;
    }
    if (name == "FuncCall") return Function(body, location);
    if (name == "CaseExpr") return Case(body, location);
    if (name == "TypeCast") return Cast(body, location);
    if (name == "SubLink") return SubLink(body, location);
    if (name == "SQLValueFunction") return ValueFunction(body, location);
    if (name == "CoalesceExpr" || name == "MinMaxExpr") {
      auto expr = MakeExpr(ExprKind::kFunction, location);
      if (name == "CoalesceExpr") {
        expr->op = "coalesce";
      } else {
        expr->op = StringMember(body, "op") == "IS_GREATEST" ? "greatest" : "least";
      }
      STEDI_RETURN_NOT_OK(AppendChildren(ListMember(body, "args"), expr.get()));
      return expr;
    }
    if (const char* what = FriendlyExpressionName(name)) {
      return Unsupported(what, AnyLocation(body));
    }
    return Unsupported("the expression " + std::string(name) + " is", AnyLocation(body));
  }

  Result<std::unique_ptr<ParsedExpr>> ColumnRef(element body, int location) {
    auto expr = MakeExpr(ExprKind::kColumnRef, location);
    std::vector<element> fields = ListMember(body, "fields");
    for (size_t i = 0; i < fields.size(); ++i) {
      std::string_view name;
      element field;
      if (!Unwrap(fields[i], &name, &field)) return Status::Internal("empty column name part");
      if (name == "String") {
        expr->names.push_back(StringMember(field, "sval"));
      } else if (name == "A_Star" && i + 1 == fields.size()) {
        expr->kind = ExprKind::kStar;
      } else {
        return Unsupported("this column reference is", location);
      }
    }
    return expr;
  }

  // libpg_query's JSON leaves out integers that are not positive; read them from the text.
  Result<int64_t> NonPositiveIntegerAt(int location) const {
    if (location < 0 || static_cast<size_t>(location) >= text_.size()) {
      return Status::Internal("integer constant without a position in parse tree");
    }
    size_t i = static_cast<size_t>(location);
    while (i < text_.size()) {
      size_t next = SkipSpaceAndComments(text_, i);
      if (next < text_.size() &&
          (text_[next] == '-' || text_[next] == '+' || text_[next] == '(' || text_[next] == ')')) {
        ++next;
      }
      if (next == i) break;
      i = next;
    }
    size_t begin = i;
    while (i < text_.size() && std::isdigit(static_cast<unsigned char>(text_[i]))) ++i;
    uint64_t magnitude = 0;
    auto [end, error] = std::from_chars(text_.data() + begin, text_.data() + i, magnitude);
    if (begin == i || error != std::errc() || magnitude > (uint64_t{1} << 31)) {
      return Status::Internal("cannot read the integer constant at " +
                              DescribePosition(original_, location));
    }
    (void)end;
    return -static_cast<int64_t>(magnitude);
  }

  Result<std::unique_ptr<ParsedExpr>> Constant(element body, int location) {
    auto expr = MakeExpr(ExprKind::kLiteral, location);
    Literal& literal = expr->literal;
    if (BoolMember(body, "isnull")) {
      literal.kind = Literal::Kind::kNull;
    } else if (auto integer = Member(body, "ival")) {
      literal.kind = Literal::Kind::kInteger;
      if (Member(*integer, "ival")) {
        literal.integer = IntMember(*integer, "ival", 0);
      } else {
        STEDI_ASSIGN_OR_RETURN(literal.integer, NonPositiveIntegerAt(location));
      }
    } else if (auto number = Member(body, "fval")) {
      std::string text = StringMember(*number, "fval");
      int64_t value = 0;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (!text.empty() && error == std::errc() && end == text.data() + text.size()) {
        literal.kind = Literal::Kind::kInteger;
        literal.integer = value;
      } else {
        literal.kind = Literal::Kind::kDecimal;
        literal.text = text;
        char* parsed_end = nullptr;
        literal.decimal = std::strtod(literal.text.c_str(), &parsed_end);
        if (text.empty() || parsed_end != literal.text.c_str() + literal.text.size()) {
          return Status::Invalid("malformed number '" + text + "' at " +
                                 DescribePosition(original_, location));
        }
      }
    } else if (auto string = Member(body, "sval")) {
      literal.kind = Literal::Kind::kString;
      literal.text = StringMember(*string, "sval");
    } else if (auto boolean = Member(body, "boolval")) {
      literal.kind = Literal::Kind::kBoolean;
      literal.boolean = BoolMember(*boolean, "boolval");
    } else if (Member(body, "bsval")) {
      return Unsupported("bit-string literals are", location);
    } else {
      return Status::Internal("constant of unknown kind at " +
                              DescribePosition(original_, location));
    }
    return expr;
  }

  static bool IsBinaryOperator(std::string_view op) {
    static const std::string_view kOperators[] = {"+", "-",  "*", "/",  "%", "||",
                                                  "=", "<>", "<", "<=", ">", ">="};
    return std::find(std::begin(kOperators), std::end(kOperators), op) != std::end(kOperators);
  }

  Result<std::unique_ptr<ParsedExpr>> OperatorExpr(element body, int location) {
    std::string kind = StringMember(body, "kind");
    std::vector<std::string> names = StringNodes(ListMember(body, "name"));
    std::string op = names.empty() ? "" : names.back();
    auto lexpr = Member(body, "lexpr");
    if (kind == "AEXPR_OP") {
      if (names.size() != 1) return Unsupported("OPERATOR(...) syntax is", location);
      if (!lexpr) {
        STEDI_ASSIGN_OR_RETURN(auto operand, Child(body, "rexpr"));
        if (op == "+") return operand;
        if (op != "-") return Unsupported("the prefix operator " + op + " is", location);
        auto expr = MakeExpr(ExprKind::kOperator, location);
        expr->op = "-";
        expr->children.push_back(std::move(operand));
        return expr;
      }
      if (!IsBinaryOperator(op)) return Unsupported("the operator " + op + " is", location);
      auto expr = MakeExpr(ExprKind::kOperator, location);
      expr->op = op;
      STEDI_ASSIGN_OR_RETURN(auto left, Child(body, "lexpr"));
      STEDI_ASSIGN_OR_RETURN(auto right, Child(body, "rexpr"));
      expr->children.push_back(std::move(left));
      expr->children.push_back(std::move(right));
      return expr;
    }
    if (kind == "AEXPR_IN") {
      auto expr = MakeExpr(ExprKind::kInList, location);
      expr->negated = op == "<>";
      STEDI_ASSIGN_OR_RETURN(auto value, Child(body, "lexpr"));
      expr->children.push_back(std::move(value));
      STEDI_RETURN_NOT_OK(AppendChildren(ListItems(body, "rexpr"), expr.get()));
      return expr;
    }
    if (kind == "AEXPR_LIKE") {
      auto pattern = Member(body, "rexpr");
      if (pattern) {
        auto call = Member(*pattern, "FuncCall");
        if (call) {
          std::vector<std::string> function = StringNodes(ListMember(*call, "funcname"));
          if (!function.empty() && function.back() == "like_escape") {
            return Unsupported("LIKE ... ESCAPE is", location);
          }
        }
      }
      auto expr = MakeExpr(ExprKind::kLike, location);
      expr->negated = op == "!~~";
      STEDI_ASSIGN_OR_RETURN(auto value, Child(body, "lexpr"));
      STEDI_ASSIGN_OR_RETURN(auto like, Child(body, "rexpr"));
      expr->children.push_back(std::move(value));
      expr->children.push_back(std::move(like));
      return expr;
    }
    if (kind == "AEXPR_BETWEEN" || kind == "AEXPR_NOT_BETWEEN") {
      auto expr = MakeExpr(ExprKind::kBetween, location);
      expr->negated = kind == "AEXPR_NOT_BETWEEN";
      STEDI_ASSIGN_OR_RETURN(auto value, Child(body, "lexpr"));
      expr->children.push_back(std::move(value));
      std::vector<element> bounds = ListItems(body, "rexpr");
      if (bounds.size() != 2) return Status::Internal("BETWEEN without two bounds");
      STEDI_RETURN_NOT_OK(AppendChildren(bounds, expr.get()));
      return expr;
    }
    if (kind == "AEXPR_NULLIF") {
      auto expr = MakeExpr(ExprKind::kFunction, location);
      expr->op = "nullif";
      STEDI_ASSIGN_OR_RETURN(auto left, Child(body, "lexpr"));
      STEDI_ASSIGN_OR_RETURN(auto right, Child(body, "rexpr"));
      expr->children.push_back(std::move(left));
      expr->children.push_back(std::move(right));
      return expr;
    }
    if (kind == "AEXPR_ILIKE") return Unsupported("ILIKE is", location);
    if (kind == "AEXPR_SIMILAR") return Unsupported("SIMILAR TO is", location);
    if (kind == "AEXPR_DISTINCT" || kind == "AEXPR_NOT_DISTINCT") {
      return Unsupported("IS [NOT] DISTINCT FROM is", location);
    }
    if (kind == "AEXPR_OP_ANY" || kind == "AEXPR_OP_ALL") {
      return Unsupported("ANY/ALL over an array is", location);
    }
    if (kind == "AEXPR_BETWEEN_SYM" || kind == "AEXPR_NOT_BETWEEN_SYM") {
      return Unsupported("BETWEEN SYMMETRIC is", location);
    }
    return Unsupported("the operator form " + kind + " is", location);
  }

  Result<std::unique_ptr<ParsedExpr>> BoolExpr(element body, int location) {
    std::string op = StringMember(body, "boolop");
    std::vector<element> args = ListMember(body, "args");
    if (args.empty()) return Status::Internal("boolean expression without arguments");
    if (op == "NOT_EXPR") {
      STEDI_ASSIGN_OR_RETURN(auto operand, Expr(args[0]));
      // NOT IN (subquery) and NOT EXISTS arrive as NOT over a SubLink.
      bool over_sublink = Member(args[0], "SubLink").has_value();
      if (over_sublink && !operand->negated &&
          (operand->kind == ExprKind::kInSubquery || operand->kind == ExprKind::kExists)) {
        operand->negated = true;
        operand->location = location;
        return operand;
      }
      auto expr = MakeExpr(ExprKind::kOperator, location);
      expr->op = "NOT";
      expr->children.push_back(std::move(operand));
      return expr;
    }
    std::string name;
    if (op == "AND_EXPR") {
      name = "AND";
    } else if (op == "OR_EXPR") {
      name = "OR";
    } else {
      return Status::Internal("unknown boolean operator " + op);
    }
    STEDI_ASSIGN_OR_RETURN(auto result, Expr(args[0]));
    for (size_t i = 1; i < args.size(); ++i) {
      auto expr = MakeExpr(ExprKind::kOperator, location);
      expr->op = name;
      STEDI_ASSIGN_OR_RETURN(auto right, Expr(args[i]));
      expr->children.push_back(std::move(result));
      expr->children.push_back(std::move(right));
      result = std::move(expr);
    }
    return result;
  }

  Result<std::unique_ptr<ParsedExpr>> Function(element body, int location) {
    std::vector<std::string> names = StringNodes(ListMember(body, "funcname"));
    if (names.size() > 1 && names.front() == "pg_catalog") names.erase(names.begin());
    std::string name;
    for (const std::string& part : names) {
      if (!name.empty()) name += '.';
      name += Lower(part);
    }
    if (Member(body, "agg_order")) {
      return Unsupported("ORDER BY inside an aggregate call is", location);
    }
    if (Member(body, "agg_filter")) return Unsupported("FILTER clauses are", location);
    if (BoolMember(body, "agg_within_group")) return Unsupported("WITHIN GROUP is", location);
    if (BoolMember(body, "func_variadic")) return Unsupported("VARIADIC is", location);
    auto expr = MakeExpr(ExprKind::kFunction, location);
    expr->op = name;
    expr->star_argument = BoolMember(body, "agg_star");
    expr->distinct = BoolMember(body, "agg_distinct");
    STEDI_RETURN_NOT_OK(AppendChildren(ListMember(body, "args"), expr.get()));
    if (auto over = Member(body, "over")) {
      int over_location = LocationOf(*over);
      if (!StringMember(*over, "name").empty() || !StringMember(*over, "refname").empty()) {
        return Unsupported("named windows are", over_location);
      }
      if (IntMember(*over, "frameOptions", 0) & kFrameOptionNonDefault) {
        return Unsupported("window frame clauses are", over_location);
      }
      auto window = std::make_unique<WindowSpec>();
      for (element node : ListMember(*over, "partitionClause")) {
        STEDI_ASSIGN_OR_RETURN(auto key, Expr(node));
        window->partition_by.push_back(std::move(key));
      }
      STEDI_ASSIGN_OR_RETURN(window->order_by, OrderItems(ListMember(*over, "orderClause")));
      expr->window = std::move(window);
    }
    return expr;
  }

  Result<std::unique_ptr<ParsedExpr>> Case(element body, int location) {
    auto expr = MakeExpr(ExprKind::kCase, location);
    if (auto operand = Member(body, "arg")) {
      STEDI_ASSIGN_OR_RETURN(expr->case_operand, Expr(*operand));
    }
    for (element node : ListMember(body, "args")) {
      auto when = Member(node, "CaseWhen");
      if (!when) return Status::Internal("CASE arm is not a CaseWhen");
      STEDI_ASSIGN_OR_RETURN(auto condition, Child(*when, "expr"));
      STEDI_ASSIGN_OR_RETURN(auto result, Child(*when, "result"));
      expr->when_then.emplace_back(std::move(condition), std::move(result));
    }
    if (auto otherwise = Member(body, "defresult")) {
      STEDI_ASSIGN_OR_RETURN(expr->else_result, Expr(*otherwise));
    }
    return expr;
  }

  Result<std::string> TypeName(element type) {
    int location = LocationOf(type);
    if (Member(type, "arrayBounds")) return Unsupported("array types are", location);
    if (BoolMember(type, "setof") || BoolMember(type, "pct_type")) {
      return Unsupported("this type form is", location);
    }
    std::vector<std::string> names = StringNodes(ListMember(type, "names"));
    if (names.empty()) return Status::Internal("type without a name in parse tree");
    if (names.size() > 1 && names.front() == "pg_catalog") names.erase(names.begin());
    std::string name;
    for (const std::string& part : names) {
      if (!name.empty()) name += '.';
      name += Lower(part);
    }
    if (name == "interval") return Unsupported("INTERVAL is", location);
    return NormalizeTypeName(name);
  }

  Result<std::unique_ptr<ParsedExpr>> Cast(element body, int location) {
    auto type = Member(body, "typeName");
    auto arg = Member(body, "arg");
    if (!type || !arg) return Status::Internal("cast without a type or value");
    STEDI_ASSIGN_OR_RETURN(std::string type_name, TypeName(*type));
    // TIMESTAMP '...' is a cast without a position of its own around a string constant.
    auto constant = Member(*arg, "A_Const");
    if (location < 0 && constant) {
      if (auto string = Member(*constant, "sval")) {
        auto expr = MakeExpr(ExprKind::kLiteral, LocationOf(*type));
        expr->literal.kind = Literal::Kind::kTyped;
        expr->literal.type_name = type_name;
        expr->literal.text = StringMember(*string, "sval");
        return expr;
      }
    }
    auto expr = MakeExpr(ExprKind::kCast, location);
    expr->type_name = std::move(type_name);
    STEDI_ASSIGN_OR_RETURN(auto value, Expr(*arg));
    expr->children.push_back(std::move(value));
    return expr;
  }

  Result<std::unique_ptr<ParsedExpr>> SubLink(element body, int location) {
    std::string type = StringMember(body, "subLinkType");
    auto query = Member(body, "subselect");
    if (!query) return Status::Internal("subquery expression without a query");
    std::unique_ptr<ParsedExpr> expr;
    if (type == "EXISTS_SUBLINK") {
      expr = MakeExpr(ExprKind::kExists, location);
    } else if (type == "EXPR_SUBLINK") {
      expr = MakeExpr(ExprKind::kSubquery, location);
    } else if (type == "ANY_SUBLINK") {
      std::vector<std::string> op = StringNodes(ListMember(body, "operName"));
      if (!op.empty() && !(op.size() == 1 && op[0] == "=")) {
        return Unsupported("comparisons with ANY (subquery) other than = are", location);
      }
      expr = MakeExpr(ExprKind::kInSubquery, location);
      STEDI_ASSIGN_OR_RETURN(auto value, Child(body, "testexpr"));
      expr->children.push_back(std::move(value));
    } else if (type == "ALL_SUBLINK") {
      return Unsupported("ALL (subquery) is", location);
    } else if (type == "ARRAY_SUBLINK") {
      return Unsupported("ARRAY (subquery) is", location);
    } else {
      return Unsupported("this subquery form is", location);
    }
    STEDI_ASSIGN_OR_RETURN(expr->subquery, SubSelect(*query, location));
    return expr;
  }

  Result<std::unique_ptr<ParsedExpr>> ValueFunction(element body, int location) {
    std::string op = StringMember(body, "op");
    if (op == "SVFOP_USER") {
      // `user` is a column of the lake's tables; PostgreSQL reads it as a function.
      auto expr = MakeExpr(ExprKind::kColumnRef, location);
      expr->names = {"user"};
      return expr;
    }
    if (op == "SVFOP_CURRENT_TIMESTAMP" || op == "SVFOP_CURRENT_DATE") {
      auto expr = MakeExpr(ExprKind::kFunction, location);
      expr->op = op == "SVFOP_CURRENT_DATE" ? "current_date" : "current_timestamp";
      return expr;
    }
    std::string name = op.rfind("SVFOP_", 0) == 0 ? Lower(op.substr(6)) : op;
    return Unsupported(name + " is", location);
  }

  std::string_view original_;
  std::string_view text_;
  std::vector<TableRef*> tables_;
  int depth_ = 0;
};

// Frees libpg_query's result on every path.
class PgParseResult {
 public:
  explicit PgParseResult(const char* sql) : result_(pg_query_parse(sql)) {}
  ~PgParseResult() { pg_query_free_parse_result(result_); }
  PgParseResult(const PgParseResult&) = delete;
  PgParseResult& operator=(const PgParseResult&) = delete;
  const PgQueryParseResult& get() const { return result_; }

 private:
  PgQueryParseResult result_;
};

// Converts PostgreSQL's 1-based character position to a byte offset of TEXT.
int CharacterPositionToOffset(std::string_view text, int position) {
  int characters = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsContinuationByte(text[i])) continue;
    if (characters == position - 1) return static_cast<int>(i);
    ++characters;
  }
  return static_cast<int>(text.size());
}

struct StatementRange {
  size_t begin = 0;
  size_t end = 0;
};

Status AttachTimeTravel(std::string_view sql, const TimeTravelClauses& cut,
                        const std::vector<StatementRange>& ranges,
                        std::vector<ParsedStatement>* statements,
                        const std::vector<std::vector<TableRef*>>& tables) {
  for (const TimeTravel& travel : cut.clauses) {
    auto at = static_cast<size_t>(travel.location);
    for (size_t s = 0; s < statements->size(); ++s) {
      if (at < ranges[s].begin || at >= ranges[s].end) continue;
      // Other statements are refused by their kind anyway.
      if (!(*statements)[s].is_select) break;
      TableRef* target = nullptr;
      for (TableRef* table : tables[s]) {
        if (table->location >= 0 && table->location < travel.location &&
            (target == nullptr || table->location > target->location)) {
          target = table;
        }
      }
      const char* clause =
          travel.kind == TimeTravel::Kind::kVersion ? "FOR VERSION AS OF" : "FOR TIMESTAMP AS OF";
      if (target == nullptr ||
          !OnlyNameBetween(sql, cut.tokens, static_cast<size_t>(target->location), at)) {
        return Status::Invalid(std::string(clause) + " must follow a table name at " +
                               DescribePosition(sql, travel.location));
      }
      if (target->time_travel) {
        return Status::Invalid("a table has two time-travel clauses at " +
                               DescribePosition(sql, travel.location));
      }
      target->time_travel = travel;
      break;
    }
  }
  return Status::OK();
}

}  // namespace

std::string DescribePosition(std::string_view sql, int offset) {
  if (offset < 0) return "unknown position";
  if (static_cast<size_t>(offset) > sql.size()) return "end of input";
  int line = 1;
  int column = 1;
  for (size_t i = 0; i < static_cast<size_t>(offset); ++i) {
    if (sql[i] == '\n') {
      ++line;
      column = 1;
    } else if (!IsContinuationByte(sql[i])) {
      ++column;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

Result<std::vector<ParsedStatement>> ParseSql(std::string_view sql) {
  size_t nul = sql.find('\0');
  if (nul != std::string_view::npos) {
    return Status::Invalid("SQL text contains a NUL byte at " +
                           DescribePosition(sql, static_cast<int>(nul)));
  }
  size_t invalid = FirstInvalidUtf8(sql);
  if (invalid != std::string_view::npos) {
    return Status::Invalid("SQL text is not valid UTF-8 at " +
                           DescribePosition(sql, static_cast<int>(invalid)));
  }
  if (sql.size() > static_cast<size_t>(INT32_MAX / 2)) {
    return Status::Invalid("SQL text of " + std::to_string(sql.size()) + " bytes is too long");
  }
  std::string text(sql);
  STEDI_ASSIGN_OR_RETURN(TimeTravelClauses cut, CutTimeTravelClauses(&text, sql));

  PgParseResult parsed(text.c_str());
  if (const PgQueryError* error = parsed.get().error) {
    std::string message = error->message != nullptr ? error->message : "syntax error";
    if (error->cursorpos > 0) {
      int offset = CharacterPositionToOffset(text, error->cursorpos);
      std::string position = DescribePosition(sql, offset);
      // "syntax error at end of input at line 1, ..." would read badly.
      bool at_end = std::string_view(message).ends_with("end of input");
      message += at_end ? " (" + position + ")" : " at " + position;
    }
    return Status::Invalid(std::move(message));
  }
  if (parsed.get().parse_tree == nullptr) {
    return Status::Internal("the SQL parser returned no tree");
  }

  simdjson::dom::parser json_parser;
  element root;
  std::string_view json(parsed.get().parse_tree);
  // Each level of a query nests a few JSON levels: allow more than simdjson's default 1024.
  if (json_parser.allocate(json.size(), kMaxJsonDepth) != simdjson::SUCCESS) {
    return Status::Internal("cannot allocate " + std::to_string(json.size()) +
                            " bytes for the parse tree");
  }
  simdjson::error_code json_error = json_parser.parse(json.data(), json.size()).get(root);
  if (json_error == simdjson::DEPTH_ERROR) {
    return Status::NotImplemented("queries nested this deeply are not supported");
  }
  if (json_error != simdjson::SUCCESS) {
    return Status::Internal(std::string("the SQL parser returned a tree that is not valid JSON: ") +
                            simdjson::error_message(json_error));
  }

  std::vector<ParsedStatement> statements;
  std::vector<StatementRange> ranges;
  std::vector<std::vector<TableRef*>> tables;
  TreeConverter converter(sql, text);
  for (element raw : ListMember(root, "stmts")) {
    ParsedStatement statement;
    int64_t start = IntMember(raw, "stmt_location", 0);
    int64_t length = IntMember(raw, "stmt_len", 0);
    if (start < 0 || static_cast<size_t>(start) > text.size()) {
      return Status::Internal("statement position outside the SQL text");
    }
    StatementRange range;
    range.begin = static_cast<size_t>(start);
    range.end =
        length > 0 ? std::min(text.size(), range.begin + static_cast<size_t>(length)) : text.size();
    // PostgreSQL counts the blanks after the previous ';' into a statement: skip them.
    size_t first = std::min(SkipSpaceAndComments(text, range.begin), range.end);
    statement.location = static_cast<int>(first);
    statement.length = length > 0 ? static_cast<int>(range.end - first) : 0;

    auto node = Member(raw, "stmt");
    std::string_view name;
    element body;
    if (!node || !Unwrap(*node, &name, &body)) {
      return Status::Internal("statement without a tree");
    }
    if (name == "SelectStmt") {
      statement.is_select = true;
      statement.kind_name = "SELECT";
      STEDI_ASSIGN_OR_RETURN(statement.select, converter.Select(body, statement.location));
    } else {
      statement.kind_name = StatementKindName(name, body);
    }
    statements.push_back(std::move(statement));
    ranges.push_back(range);
    tables.push_back(converter.TakeTables());
  }
  STEDI_RETURN_NOT_OK(AttachTimeTravel(sql, cut, ranges, &statements, tables));
  return statements;
}

}  // namespace stedi::sql
