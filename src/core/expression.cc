#include "core/expression.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

namespace hotline::core {
namespace {

// Routing rules are written by people and short; these limits only stop hostile or generated input
// from costing unbounded memory or blowing the stack of the recursive-descent parser.
constexpr size_t kMaxLength = 4096;
constexpr int kMaxDepth = 64;

enum class CompareOp : uint8_t {
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kNotIn,
  kContains,  // also HAS
  // `x == null` and `x != null` are resolved at parse time: they are the only comparisons that
  // may be true when a side is null, so they get their own one-operand operators.
  kIsNull,
  kIsNotNull,
};

enum class TokenKind : uint8_t {
  kEnd,
  kError,  // the lexer has recorded an error
  kKey,
  kString,
  kNumber,
  kTrue,
  kFalse,
  kNull,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
  kIn,
  kContains,
  kHas,
  kNot,
  kAnd,
  kOr,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  size_t column = 1;
  std::string_view text;  // as written
  Value value;            // for kString and kNumber
};

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
bool IsNameStart(char c) { return IsNameChar(c) && !(c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != b[i]) return false;
  }
  return true;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

bool IsKeyword(TokenKind kind) {
  switch (kind) {
    case TokenKind::kTrue:
    case TokenKind::kFalse:
    case TokenKind::kNull:
    case TokenKind::kIn:
    case TokenKind::kContains:
    case TokenKind::kHas:
    case TokenKind::kNot:
    case TokenKind::kAnd:
    case TokenKind::kOr:
      return true;
    default:
      return false;
  }
}

// How a token is named in an error message: keywords in their canonical upper case (`not in` is
// reported as NOT), everything else as written.
std::string Describe(const Token& token) {
  if (token.kind == TokenKind::kEnd) return "the end of the expression";
  if (IsKeyword(token.kind) && IsNameStart(token.text.empty() ? ' ' : token.text[0])) {
    return "'" + Upper(token.text) + "'";
  }
  return "'" + std::string(token.text) + "'";
}

KeyPath MakeKeyPath(std::string_view text) {
  KeyPath key;
  key.text = std::string(text);
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    key.parts.emplace_back(text.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  // A root word alone (`time`) names nothing under that root, so it is read as a bare attribute
  // of that name instead; roots are case-sensitive like every other key segment.
  if (key.parts.size() > 1) {
    const std::string& first = key.parts.front();
    std::optional<KeyRoot> root;
    if (first == "task") root = KeyRoot::kTask;
    if (first == "agent") root = KeyRoot::kAgent;
    if (first == "queue") root = KeyRoot::kQueue;
    if (first == "time") root = KeyRoot::kTime;
    if (root) {
      key.root = *root;
      key.parts.erase(key.parts.begin());
    }
  }
  return key;
}

}  // namespace

struct Expression::Node {
  enum class Kind : uint8_t { kLiteral, kKey, kAnd, kOr, kNot, kCompare };

  Kind kind = Kind::kLiteral;
  CompareOp op = CompareOp::kEq;  // for kCompare
  Value literal;                  // for kLiteral, built once at parse time
  KeyPath key;                    // for kKey; a copy, so nodes never point into an Expression
  std::vector<Node> children;     // operands, in order

  // Whether evaluating this node always yields a bool, so NOT can skip building a Value.
  bool yields_bool() const {
    return kind == Kind::kAnd || kind == Kind::kOr || kind == Kind::kNot || kind == Kind::kCompare;
  }
};

namespace {

using Node = Expression::Node;

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  // Parses the whole text. Returns nullopt with error() set on failure.
  std::optional<Node> ParseAll() {
    Advance();
    std::optional<Node> root = ParseOr(0);
    if (!root || error_) return std::nullopt;
    if (token_.kind == TokenKind::kRParen) {
      return Fail(token_.column, "unbalanced ')'");
    }
    if (token_.kind != TokenKind::kEnd) {
      return Fail(token_.column, "unexpected " + Describe(token_) +
                                     "; expected AND, OR or the end of the expression");
    }
    return root;
  }

  const Error& error() const { return *error_; }
  std::vector<KeyPath>& keys() { return keys_; }

 private:
  std::nullopt_t Fail(size_t column, const std::string& message) {
    // Only the first error counts: it is the one nearest the start of the text.
    if (!error_)
      error_ = Error::InvalidArgument("column " + std::to_string(column) + ": " + message);
    return std::nullopt;
  }

  // --- Lexer -------------------------------------------------------------------------------------

  void Advance() {
    if (started_) {
      previous_ = Describe(token_);
      has_previous_ = true;
    }
    started_ = true;
    token_ = Lex();
  }

  Token Lex() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r' || text_[pos_] == '\f' || text_[pos_] == '\v')) {
      ++pos_;
    }
    Token token;
    token.column = pos_ + 1;
    if (pos_ >= text_.size()) {
      token.kind = TokenKind::kEnd;
      return token;
    }
    size_t start = pos_;
    char c = text_[pos_];
    char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    auto punct = [&](TokenKind kind, size_t length) {
      token.kind = kind;
      token.text = text_.substr(start, length);
      pos_ += length;
      return token;
    };
    switch (c) {
      case '(':
        return punct(TokenKind::kLParen, 1);
      case ')':
        return punct(TokenKind::kRParen, 1);
      case '[':
        return punct(TokenKind::kLBracket, 1);
      case ']':
        return punct(TokenKind::kRBracket, 1);
      case ',':
        return punct(TokenKind::kComma, 1);
      case '=':
        return punct(TokenKind::kEq, next == '=' ? 2 : 1);
      case '!':
        return next == '=' ? punct(TokenKind::kNe, 2) : punct(TokenKind::kNot, 1);
      case '<':
        return next == '=' ? punct(TokenKind::kLe, 2) : punct(TokenKind::kLt, 1);
      case '>':
        return next == '=' ? punct(TokenKind::kGe, 2) : punct(TokenKind::kGt, 1);
      case '&':
        if (next == '&') return punct(TokenKind::kAnd, 2);
        break;
      case '|':
        if (next == '|') return punct(TokenKind::kOr, 2);
        break;
      case '\'':
      case '"':
        return LexString(token);
      default:
        break;
    }
    if (IsDigit(c) || (c == '-' && IsDigit(next))) return LexNumber(token);
    if (IsNameStart(c)) return LexName(token);
    char shown[32];
    if (c >= 0x20 && c < 0x7f) {
      std::snprintf(shown, sizeof shown, "unexpected character '%c'", c);
    } else {
      std::snprintf(shown, sizeof shown, "unexpected byte 0x%02X",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
    }
    Fail(token.column, shown);
    token.kind = TokenKind::kError;
    return token;
  }

  Token LexString(Token& token) {
    size_t start = pos_;
    char quote = text_[pos_++];
    std::string value;
    while (pos_ < text_.size() && text_[pos_] != quote) {
      char c = text_[pos_];
      if (c == '\\') {
        if (pos_ + 1 >= text_.size()) break;  // reported as unterminated
        char escaped = text_[pos_ + 1];
        switch (escaped) {
          case '\\':
          case '\'':
          case '"':
            value += escaped;
            break;
          case 'n':
            value += '\n';
            break;
          case 't':
            value += '\t';
            break;
          case 'r':
            value += '\r';
            break;
          default:
            Fail(pos_ + 1, "unknown escape '\\" + std::string(1, escaped) + "' in string");
            token.kind = TokenKind::kError;
            return token;
        }
        pos_ += 2;
        continue;
      }
      value += c;
      ++pos_;
    }
    if (pos_ >= text_.size()) {
      Fail(token.column, "unterminated string");
      token.kind = TokenKind::kError;
      return token;
    }
    ++pos_;  // closing quote
    token.kind = TokenKind::kString;
    token.text = text_.substr(start, pos_ - start);
    token.value = Value(std::move(value));
    return token;
  }

  Token LexNumber(Token& token) {
    size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' && IsDigit(text_[pos_ + 1])) {
      ++pos_;
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    }
    // `5abc` or `1.2.3` is a typo, not a number followed by a key.
    if (pos_ < text_.size() && (IsNameChar(text_[pos_]) || text_[pos_] == '.')) {
      while (pos_ < text_.size() && (IsNameChar(text_[pos_]) || text_[pos_] == '.')) ++pos_;
      Fail(token.column,
           "malformed number '" + std::string(text_.substr(start, pos_ - start)) + "'");
      token.kind = TokenKind::kError;
      return token;
    }
    token.text = text_.substr(start, pos_ - start);
    double number = 0;
    auto [end, ec] =
        std::from_chars(token.text.data(), token.text.data() + token.text.size(), number);
    if (ec != std::errc() || end != token.text.data() + token.text.size() ||
        !std::isfinite(number)) {
      Fail(token.column, "number '" + std::string(token.text) + "' is out of range");
      token.kind = TokenKind::kError;
      return token;
    }
    token.kind = TokenKind::kNumber;
    token.value = Value(number);
    return token;
  }

  Token LexName(Token& token) {
    size_t start = pos_;
    while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    bool dotted = false;
    while (pos_ < text_.size() && text_[pos_] == '.') {
      dotted = true;
      ++pos_;
      if (pos_ >= text_.size() || !IsNameChar(text_[pos_])) {
        Fail(pos_ + 1, "expected a name after '.'");
        token.kind = TokenKind::kError;
        return token;
      }
      while (pos_ < text_.size() && IsNameChar(text_[pos_])) ++pos_;
    }
    token.text = text_.substr(start, pos_ - start);
    token.kind = TokenKind::kKey;
    if (dotted) return token;  // `task.in` is a key: keywords are never dotted
    static constexpr std::pair<std::string_view, TokenKind> kKeywords[] = {
        {"and", TokenKind::kAnd},           {"or", TokenKind::kOr},
        {"not", TokenKind::kNot},           {"in", TokenKind::kIn},
        {"contains", TokenKind::kContains}, {"has", TokenKind::kHas},
        {"true", TokenKind::kTrue},         {"false", TokenKind::kFalse},
        {"null", TokenKind::kNull},
    };
    for (const auto& [word, kind] : kKeywords) {
      if (EqualsIgnoreCase(token.text, word)) {
        token.kind = kind;
        break;
      }
    }
    return token;
  }

  // --- Grammar -----------------------------------------------------------------------------------
  // or  := and (OR and)*
  // and := not (AND not)*
  // not := NOT not | cmp
  // cmp := operand [(== != < <= > >= IN CONTAINS HAS | NOT IN) operand]
  // operand := literal | key | list | '(' or ')'

  // AND and OR chains become one node with many children, so a long chain costs no stack depth.
  std::optional<Node> ParseChain(int depth, TokenKind separator, Node::Kind kind) {
    bool is_or = separator == TokenKind::kOr;
    std::optional<Node> first =
        is_or ? ParseChain(depth, TokenKind::kAnd, Node::Kind::kAnd) : ParseNot(depth);
    if (!first || token_.kind != separator) return first;
    Node chain;
    chain.kind = kind;
    chain.children.push_back(std::move(*first));
    while (token_.kind == separator) {
      Advance();
      std::optional<Node> next =
          is_or ? ParseChain(depth, TokenKind::kAnd, Node::Kind::kAnd) : ParseNot(depth);
      if (!next) return std::nullopt;
      chain.children.push_back(std::move(*next));
    }
    return chain;
  }

  std::optional<Node> ParseOr(int depth) {
    return ParseChain(depth, TokenKind::kOr, Node::Kind::kOr);
  }

  std::optional<Node> ParseNot(int depth) {
    if (token_.kind != TokenKind::kNot) return ParseComparison(depth);
    if (depth >= kMaxDepth) return TooDeep();
    Advance();
    std::optional<Node> operand = ParseNot(depth + 1);
    if (!operand) return std::nullopt;
    Node node;
    node.kind = Node::Kind::kNot;
    node.children.push_back(std::move(*operand));
    return node;
  }

  std::optional<Node> ParseComparison(int depth) {
    std::optional<Node> left = ParseOperand(depth);
    if (!left) return std::nullopt;
    CompareOp op;
    switch (token_.kind) {
      case TokenKind::kEq:
        op = CompareOp::kEq;
        break;
      case TokenKind::kNe:
        op = CompareOp::kNe;
        break;
      case TokenKind::kLt:
        op = CompareOp::kLt;
        break;
      case TokenKind::kLe:
        op = CompareOp::kLe;
        break;
      case TokenKind::kGt:
        op = CompareOp::kGt;
        break;
      case TokenKind::kGe:
        op = CompareOp::kGe;
        break;
      case TokenKind::kIn:
        op = CompareOp::kIn;
        break;
      case TokenKind::kContains:
      case TokenKind::kHas:
        op = CompareOp::kContains;
        break;
      case TokenKind::kNot:
        // After an operand NOT can only start NOT IN.
        Advance();
        if (token_.kind == TokenKind::kError) return std::nullopt;
        if (token_.kind != TokenKind::kIn) {
          return Fail(token_.column, "expected IN after NOT, found " + Describe(token_));
        }
        op = CompareOp::kNotIn;
        break;
      default:
        return left;
    }
    Advance();
    std::optional<Node> right = ParseOperand(depth);
    if (!right) return std::nullopt;
    Node node;
    node.kind = Node::Kind::kCompare;
    auto is_null = [](const Node& n) {
      return n.kind == Node::Kind::kLiteral && n.literal.is_null();
    };
    if ((op == CompareOp::kEq || op == CompareOp::kNe) && (is_null(*left) || is_null(*right))) {
      node.op = op == CompareOp::kEq ? CompareOp::kIsNull : CompareOp::kIsNotNull;
      node.children.push_back(std::move(is_null(*right) ? *left : *right));
      return node;
    }
    node.op = op;
    node.children.push_back(std::move(*left));
    node.children.push_back(std::move(*right));
    return node;
  }

  std::optional<Node> ParseOperand(int depth) {
    Node node;
    switch (token_.kind) {
      case TokenKind::kString:
      case TokenKind::kNumber:
        node.literal = std::move(token_.value);
        Advance();
        return node;
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        node.literal = Value(token_.kind == TokenKind::kTrue);
        Advance();
        return node;
      case TokenKind::kNull:
        Advance();
        return node;
      case TokenKind::kKey:
        node.kind = Node::Kind::kKey;
        node.key = MakeKeyPath(token_.text);
        AddKey(node.key);
        Advance();
        return node;
      case TokenKind::kLBracket: {
        std::optional<Value> list = ParseList(depth);
        if (!list) return std::nullopt;
        node.literal = std::move(*list);
        return node;
      }
      case TokenKind::kLParen: {
        if (depth >= kMaxDepth) return TooDeep();
        size_t open = token_.column;
        Advance();
        std::optional<Node> inner = ParseOr(depth + 1);
        if (!inner) return std::nullopt;
        if (token_.kind == TokenKind::kEnd) {
          return Fail(token_.column, "missing ')' to close '(' at column " + std::to_string(open));
        }
        if (token_.kind != TokenKind::kRParen) {
          return Fail(token_.column, "expected ')' to close '(' at column " + std::to_string(open) +
                                         ", found " + Describe(token_));
        }
        Advance();
        return inner;
      }
      default:
        return ExpectedValue();
    }
  }

  std::nullopt_t ExpectedValue() {
    if (token_.kind == TokenKind::kError) return std::nullopt;
    if (!has_previous_) {
      if (token_.kind == TokenKind::kEnd)
        return Fail(token_.column, "unexpected end of expression");
      return Fail(token_.column, "expected a value, found " + Describe(token_));
    }
    return Fail(token_.column, "expected a value after " + previous_);
  }

  std::nullopt_t TooDeep() {
    return Fail(token_.column,
                "expression nested deeper than " + std::to_string(kMaxDepth) + " levels");
  }

  // A list literal: its items must be literals, so the whole list is built once here.
  std::optional<Value> ParseList(int depth) {
    if (depth >= kMaxDepth) return TooDeep();
    size_t open = token_.column;
    Advance();
    Value::List items;
    if (token_.kind == TokenKind::kRBracket) {
      Advance();
      return Value(std::move(items));
    }
    while (true) {
      switch (token_.kind) {
        case TokenKind::kString:
        case TokenKind::kNumber:
          items.push_back(std::move(token_.value));
          Advance();
          break;
        case TokenKind::kTrue:
        case TokenKind::kFalse:
          items.emplace_back(token_.kind == TokenKind::kTrue);
          Advance();
          break;
        case TokenKind::kNull:
          items.emplace_back();
          Advance();
          break;
        case TokenKind::kLBracket: {
          std::optional<Value> inner = ParseList(depth + 1);
          if (!inner) return std::nullopt;
          items.push_back(std::move(*inner));
          break;
        }
        case TokenKind::kError:
          return std::nullopt;
        case TokenKind::kEnd:
          return Fail(token_.column, "missing ']' to close '[' at column " + std::to_string(open));
        case TokenKind::kKey:
          return Fail(token_.column, "list items must be literals, found " + Describe(token_));
        default:
          return Fail(token_.column, "expected a list item after " + previous_);
      }
      if (token_.kind == TokenKind::kRBracket) {
        Advance();
        return Value(std::move(items));
      }
      if (token_.kind == TokenKind::kComma) {
        Advance();
        continue;
      }
      if (token_.kind == TokenKind::kError) return std::nullopt;
      if (token_.kind == TokenKind::kEnd) {
        return Fail(token_.column, "missing ']' to close '[' at column " + std::to_string(open));
      }
      return Fail(token_.column, "expected ',' or ']' in list, found " + Describe(token_));
    }
  }

  // keys() lists each distinct key once, at its first appearance.
  void AddKey(const KeyPath& key) {
    for (const KeyPath& seen : keys_) {
      if (seen.text == key.text) return;
    }
    keys_.push_back(key);
  }

  std::string_view text_;
  size_t pos_ = 0;
  Token token_;
  std::string previous_;  // how to name the last consumed token in "expected a value after ..."
  bool has_previous_ = false;
  bool started_ = false;
  std::optional<Error> error_;
  std::vector<KeyPath> keys_;
};

// --- Evaluation ----------------------------------------------------------------------------------

bool IsTrue(const Value& v) {
  const bool* b = std::get_if<bool>(&v.data);
  return b != nullptr && *b;
}

bool ListHolds(const Value& list, const Value& item) {
  const Value::List* items = std::get_if<Value::List>(&list.data);
  if (items == nullptr || item.is_null()) return false;
  return std::any_of(items->begin(), items->end(), [&](const Value& v) { return v == item; });
}

// Ordering applies to two numbers or two strings; anything else (a type mismatch) is false.
// Returns -1, 0, 1, or 2 for "not comparable".
int Order(const Value& a, const Value& b) {
  if (const double* x = std::get_if<double>(&a.data)) {
    const double* y = std::get_if<double>(&b.data);
    if (y == nullptr || std::isnan(*x) || std::isnan(*y)) return 2;
    return *x < *y ? -1 : (*x > *y ? 1 : 0);
  }
  if (const std::string* x = std::get_if<std::string>(&a.data)) {
    const std::string* y = std::get_if<std::string>(&b.data);
    if (y == nullptr) return 2;
    int c = x->compare(*y);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return 2;
}

bool Compare(CompareOp op, const Value& l, const Value& r) {
  if (l.is_null() || r.is_null()) return false;
  switch (op) {
    case CompareOp::kEq:
      return l == r;  // different alternatives compare unequal: a type mismatch is false
    case CompareOp::kNe:
      return l.data.index() == r.data.index() && !(l == r);
    case CompareOp::kLt: {
      int o = Order(l, r);
      return o == -1;
    }
    case CompareOp::kLe: {
      int o = Order(l, r);
      return o == -1 || o == 0;
    }
    case CompareOp::kGt:
      return Order(l, r) == 1;
    case CompareOp::kGe: {
      int o = Order(l, r);
      return o == 1 || o == 0;
    }
    case CompareOp::kIn:
      return ListHolds(r, l);
    case CompareOp::kNotIn:
      return std::holds_alternative<Value::List>(r.data) && !ListHolds(r, l);
    case CompareOp::kContains:
      if (const std::string* s = std::get_if<std::string>(&l.data)) {
        const std::string* part = std::get_if<std::string>(&r.data);
        return part != nullptr && s->find(*part) != std::string::npos;
      }
      return ListHolds(l, r);
    case CompareOp::kIsNull:
    case CompareOp::kIsNotNull:
      break;  // one-operand forms, handled by the caller
  }
  return false;
}

bool Truth(const Node& node, const ExpressionScope& scope);

// Evaluates `node`, returning a reference either to a literal held by the tree or to `scratch`:
// literals are never copied, so comparing a key with a string literal allocates nothing here.
const Value& Ref(const Node& node, const ExpressionScope& scope, Value& scratch) {
  switch (node.kind) {
    case Node::Kind::kLiteral:
      return node.literal;
    case Node::Kind::kKey:
      scratch = scope.Lookup(node.key);
      return scratch;
    default:
      scratch = Value(Truth(node, scope));
      return scratch;
  }
}

bool Truth(const Node& node, const ExpressionScope& scope) {
  switch (node.kind) {
    case Node::Kind::kAnd:
      for (const Node& child : node.children) {
        if (!Truth(child, scope)) return false;
      }
      return true;
    case Node::Kind::kOr:
      for (const Node& child : node.children) {
        if (Truth(child, scope)) return true;
      }
      return false;
    case Node::Kind::kNot: {
      const Node& child = node.children[0];
      if (child.yields_bool()) return !Truth(child, scope);
      // NOT of a non-bool (a string, a number, a missing key) is false, not true.
      Value scratch;
      const Value& v = Ref(child, scope, scratch);
      const bool* b = std::get_if<bool>(&v.data);
      return b != nullptr && !*b;
    }
    case Node::Kind::kCompare: {
      Value left_scratch;
      const Value& left = Ref(node.children[0], scope, left_scratch);
      if (node.op == CompareOp::kIsNull) return left.is_null();
      if (node.op == CompareOp::kIsNotNull) return !left.is_null();
      Value right_scratch;
      const Value& right = Ref(node.children[1], scope, right_scratch);
      return Compare(node.op, left, right);
    }
    case Node::Kind::kLiteral:
      return IsTrue(node.literal);
    case Node::Kind::kKey:
      return IsTrue(scope.Lookup(node.key));
  }
  return false;
}

}  // namespace

Result<Expression> Expression::Parse(std::string_view text) {
  if (text.size() > kMaxLength) {
    return Error::InvalidArgument("column " + std::to_string(kMaxLength + 1) +
                                  ": expression longer than " + std::to_string(kMaxLength) +
                                  " bytes");
  }
  Parser parser(text);
  std::optional<Node> root = parser.ParseAll();
  if (!root) return parser.error();
  Expression expression;
  expression.text_ = std::string(text);
  expression.keys_ = std::move(parser.keys());
  expression.root_ = std::make_shared<const Node>(std::move(*root));
  return expression;
}

bool Expression::Matches(const ExpressionScope& scope) const {
  return root_ != nullptr && Truth(*root_, scope);
}

Value Expression::Evaluate(const ExpressionScope& scope) const {
  if (root_ == nullptr) return Value();
  Value scratch;
  return Ref(*root_, scope, scratch);
}

bool Expression::Reads(KeyRoot root) const {
  return std::any_of(keys_.begin(), keys_.end(),
                     [root](const KeyPath& key) { return key.root == root; });
}

}  // namespace hotline::core
