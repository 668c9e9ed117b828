// The routing expression language of ROUTING.md ("Expressions"), compatible with Twilio
// TaskRouter's: == != < <= > >= CONTAINS HAS IN "NOT IN" AND OR NOT, parentheses, dotted keys
// (task.language, agent.skill.spanish, time.hhmm), string / number / bool / list literals.
//
// Semantics: a missing key is null; a comparison with a type mismatch is false (so is any
// comparison involving null except `== null` / `!= null`); the whole expression is true only when
// it evaluates to boolean true. Parsed once into a tree; evaluation allocates nothing for scalar
// keys.
//
// Thread-safety: an Expression is immutable after Parse and may be shared between threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace hotline::core {

// A value an expression works on. Lists hold scalars (nested lists are allowed but rare).
struct Value {
  using List = std::vector<Value>;
  std::variant<std::monostate, bool, double, std::string, List> data;

  Value() = default;
  Value(bool b) : data(b) {}                      // NOLINT(runtime/explicit)
  Value(double d) : data(d) {}                    // NOLINT(runtime/explicit)
  Value(int i) : data(static_cast<double>(i)) {}  // NOLINT(runtime/explicit)
  Value(std::string s) : data(std::move(s)) {}    // NOLINT(runtime/explicit)
  Value(const char* s) : data(std::string(s)) {}  // NOLINT(runtime/explicit)
  Value(List l) : data(std::move(l)) {}           // NOLINT(runtime/explicit)

  bool is_null() const { return data.index() == 0; }
  friend bool operator==(const Value&, const Value&) = default;
};

// Where a key points: the root word before the first dot.
enum class KeyRoot : uint8_t {
  kTask,   // task.<attribute...>, task.wait_s, task.priority, task.channel
  kAgent,  // agent.<attribute...>, agent.skill.<name>, agent.id
  kQueue,  // queue.ready_agents, queue.waiting
  kTime,   // time.hhmm (e.g. 930 for 09:30), time.dow (1 = Monday ... 7 = Sunday)
  kBare,   // a key with no known root: looked up as a task attribute (TaskRouter's habit)
};

// A dotted key as written, split once at parse time.
struct KeyPath {
  KeyRoot root = KeyRoot::kBare;
  std::vector<std::string> parts;  // after the root word: "agent.skill.es" -> {"skill", "es"}
  std::string text;                // as written: "agent.skill.es"
};

// What an expression reads keys from. Implementations return a null Value for missing keys.
class ExpressionScope {
 public:
  virtual ~ExpressionScope() = default;
  virtual Value Lookup(const KeyPath& key) const = 0;
};

class Expression {
 public:
  // Parses `text`. On failure the error is InvalidArgument with a message of the form
  // "column 14: expected a value after '=='" (columns count from 1, in bytes).
  static Result<Expression> Parse(std::string_view text);

  // True when the expression evaluates to boolean true in `scope`.
  bool Matches(const ExpressionScope& scope) const;
  // The raw value (a comparison or logical operator yields a bool; a bare key its value).
  Value Evaluate(const ExpressionScope& scope) const;

  const std::string& text() const { return text_; }
  // Every key the expression reads, in order of appearance.
  const std::vector<KeyPath>& keys() const { return keys_; }
  // True when some key has the given root (e.g. a membership rule reading task keys).
  bool Reads(KeyRoot root) const;

  struct Node;  // defined in expression.cc

 private:
  std::string text_;
  std::vector<KeyPath> keys_;
  std::shared_ptr<const Node> root_;
};

}  // namespace hotline::core
