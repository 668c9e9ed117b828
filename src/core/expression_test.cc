#include "core/expression.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>

namespace hotline::core {
namespace {

// Looks keys up by their text as written; a missing key is null, as the interface requires.
class MapScope : public ExpressionScope {
 public:
  MapScope() = default;
  MapScope(std::initializer_list<std::pair<const std::string, Value>> values) : values_(values) {}

  Value Lookup(const KeyPath& key) const override {
    ++lookups_;
    auto it = values_.find(key.text);
    return it == values_.end() ? Value() : it->second;
  }

  int lookups() const { return lookups_; }

 private:
  std::map<std::string, Value> values_;
  mutable int lookups_ = 0;
};

bool Eval(std::string_view text, const ExpressionScope& scope) {
  auto parsed = Expression::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text << ": " << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() && parsed->Matches(scope);
}

bool Eval(std::string_view text) { return Eval(text, MapScope()); }

std::string ParseError(std::string_view text) {
  auto parsed = Expression::Parse(text);
  if (parsed.ok()) return "(parsed)";
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << text;
  return parsed.error().message;
}

TEST(Expression, EqualityComparesStringsNumbersAndBools) {
  MapScope scope{{"task.language", "es"}, {"task.level", 3}, {"task.vip", true}};
  EXPECT_TRUE(Eval("task.language == 'es'", scope));
  EXPECT_TRUE(Eval("task.language == \"es\"", scope));
  EXPECT_FALSE(Eval("task.language == 'en'", scope));
  EXPECT_TRUE(Eval("task.level == 3", scope));
  EXPECT_TRUE(Eval("task.level == 3.0", scope));
  EXPECT_TRUE(Eval("task.vip == true", scope));
  EXPECT_FALSE(Eval("task.vip == false", scope));
  EXPECT_TRUE(Eval("task.language != 'en'", scope));
  EXPECT_FALSE(Eval("task.language != 'es'", scope));
}

TEST(Expression, SingleEqualsIsAnAliasForDoubleEquals) {
  MapScope scope{{"task.language", "es"}};
  EXPECT_TRUE(Eval("task.language = 'es'", scope));
  EXPECT_FALSE(Eval("task.language = 'en'", scope));
}

TEST(Expression, OrderingWorksOnNumbersAndStrings) {
  MapScope scope{{"agent.skill.spanish", 3}, {"task.name", "m"}, {"time.hhmm", 930}};
  EXPECT_TRUE(Eval("agent.skill.spanish >= 3", scope));
  EXPECT_FALSE(Eval("agent.skill.spanish > 3", scope));
  EXPECT_TRUE(Eval("agent.skill.spanish > 2.5", scope));
  EXPECT_TRUE(Eval("agent.skill.spanish <= 3", scope));
  EXPECT_FALSE(Eval("agent.skill.spanish < 3", scope));
  EXPECT_TRUE(Eval("agent.skill.spanish < 4", scope));
  EXPECT_TRUE(Eval("agent.skill.spanish > -1", scope));
  EXPECT_TRUE(Eval("time.hhmm >= 900 AND time.hhmm < 1730", scope));
  EXPECT_TRUE(Eval("task.name > 'a'", scope));
  EXPECT_TRUE(Eval("task.name < 'n'", scope));
  EXPECT_TRUE(Eval("task.name >= 'm'", scope));
  EXPECT_FALSE(Eval("task.name < 'ab'", scope));
  // Lexicographic, not numeric: "10" sorts before "9".
  EXPECT_TRUE(Eval("'10' < '9'"));
}

TEST(Expression, OrderingOnBoolsOrListsIsFalse) {
  MapScope scope{{"task.vip", true}};
  EXPECT_FALSE(Eval("task.vip > false", scope));
  EXPECT_FALSE(Eval("task.vip >= true", scope));
  EXPECT_FALSE(Eval("[1] < [2]"));
}

TEST(Expression, TypeMismatchIsFalseForEveryComparison) {
  MapScope scope{{"task.level", "3"}, {"task.vip", "true"}};
  EXPECT_FALSE(Eval("task.level == 3", scope));
  EXPECT_FALSE(Eval("task.level != 3", scope));
  EXPECT_FALSE(Eval("task.level >= 3", scope));
  EXPECT_FALSE(Eval("task.level < 3", scope));
  EXPECT_FALSE(Eval("task.vip == true", scope));
  EXPECT_FALSE(Eval("task.vip != true", scope));
  EXPECT_FALSE(Eval("task.level CONTAINS 3", scope));
  EXPECT_FALSE(Eval("task.level IN 3", scope));
}

TEST(Expression, MissingKeyIsNullAndComparisonIsFalse) {
  MapScope scope;
  EXPECT_FALSE(Eval("task.language == 'es'", scope));
  EXPECT_FALSE(Eval("task.language != 'es'", scope));
  EXPECT_FALSE(Eval("task.level > 1", scope));
  EXPECT_FALSE(Eval("task.level <= 1", scope));
  EXPECT_FALSE(Eval("task.language IN ['es']", scope));
  EXPECT_FALSE(Eval("task.tags HAS 'x'", scope));
  EXPECT_FALSE(Eval("task.a == task.b", scope));  // both null, but neither is `null` itself
  auto parsed = Expression::Parse("task.language");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->Evaluate(scope).is_null());
}

TEST(Expression, OnlyEqualsNullAndNotEqualsNullSeeNull) {
  MapScope scope{{"task.language", "es"}};
  EXPECT_TRUE(Eval("task.missing == null", scope));
  EXPECT_FALSE(Eval("task.missing != null", scope));
  EXPECT_FALSE(Eval("task.language == null", scope));
  EXPECT_TRUE(Eval("task.language != null", scope));
  EXPECT_TRUE(Eval("null == task.missing", scope));
  EXPECT_TRUE(Eval("NULL == null", scope));
  EXPECT_FALSE(Eval("null != null", scope));
  EXPECT_FALSE(Eval("task.missing < null", scope));
  EXPECT_FALSE(Eval("null IN [null]", scope));
}

TEST(Expression, InIsListMembership) {
  MapScope scope{{"task.language", "zh"}, {"task.level", 2}};
  EXPECT_TRUE(Eval("task.language IN ['zh', 'en']", scope));
  EXPECT_FALSE(Eval("task.language IN ['es', 'en']", scope));
  EXPECT_TRUE(Eval("task.level IN [1, 2, 3]", scope));
  EXPECT_FALSE(Eval("task.level IN ['2']", scope));  // no coercion
  EXPECT_FALSE(Eval("task.language IN []", scope));
  EXPECT_FALSE(Eval("task.language IN 'zh'", scope));  // right side must be a list
  EXPECT_TRUE(Eval("task.language in ['zh']", scope));
}

TEST(Expression, NotInIsNegatedInButFalseForNull) {
  MapScope scope{{"task.language", "zh"}};
  EXPECT_FALSE(Eval("task.language NOT IN ['zh', 'en']", scope));
  EXPECT_TRUE(Eval("task.language NOT IN ['es', 'en']", scope));
  EXPECT_TRUE(Eval("task.language not in []", scope));
  EXPECT_FALSE(Eval("task.missing NOT IN ['es']", scope));
  EXPECT_FALSE(Eval("task.language NOT IN 'es'", scope));
}

TEST(Expression, HasAndContainsTestListMembershipAndSubstrings) {
  MapScope scope{{"task.tags", Value::List{"billing", "vip", 7}}, {"task.subject", "refund now"}};
  EXPECT_TRUE(Eval("task.tags HAS 'vip'", scope));
  EXPECT_TRUE(Eval("task.tags CONTAINS 'vip'", scope));
  EXPECT_TRUE(Eval("task.tags has 7", scope));
  EXPECT_FALSE(Eval("task.tags HAS 'vi'", scope));  // elements match whole
  EXPECT_FALSE(Eval("task.tags HAS '7'", scope));
  EXPECT_TRUE(Eval("task.subject CONTAINS 'fund'", scope));
  EXPECT_TRUE(Eval("task.subject contains ''", scope));
  EXPECT_FALSE(Eval("task.subject CONTAINS 'Refund'", scope));
  EXPECT_FALSE(Eval("task.subject CONTAINS 1", scope));
  EXPECT_FALSE(Eval("task.tags CONTAINS null", scope));
}

TEST(Expression, ListLiteralsHoldMixedScalarsAndNestedLists) {
  auto parsed = Expression::Parse("['a', \"b\", 1, -2.5, true, null, [3]]");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->Evaluate(MapScope()),
            Value(Value::List{"a", "b", 1, -2.5, true, Value(), Value::List{3}}));
  MapScope scope{{"task.pair", Value::List{1, 2}}};
  EXPECT_TRUE(Eval("task.pair == [1, 2]", scope));
  EXPECT_FALSE(Eval("task.pair == [2, 1]", scope));
  EXPECT_TRUE(Eval("task.pair IN [[1, 2], [3]]", scope));
}

TEST(Expression, AndBindsTighterThanOr) {
  // a OR b AND c == a OR (b AND c): with a true and b false, the result is true.
  MapScope scope{{"a", true}, {"b", false}, {"c", false}};
  EXPECT_TRUE(Eval("a OR b AND c", scope));
  EXPECT_FALSE(Eval("(a OR b) AND c", scope));
  EXPECT_TRUE(Eval("b AND c OR a", scope));
}

TEST(Expression, NotBindsTighterThanAndButLooserThanComparison) {
  MapScope scope{{"a", true}, {"b", false}, {"task.level", 3}};
  EXPECT_FALSE(Eval("NOT a AND b", scope));  // (NOT a) AND b
  EXPECT_TRUE(Eval("NOT (a AND b)", scope));
  EXPECT_TRUE(Eval("NOT b AND a", scope));
  EXPECT_TRUE(Eval("NOT task.level == 4", scope));  // NOT (task.level == 4)
  EXPECT_FALSE(Eval("NOT task.level == 3", scope));
  EXPECT_TRUE(Eval("NOT NOT a", scope));
  EXPECT_TRUE(Eval("not b or b", scope));
}

TEST(Expression, SymbolicAliasesMatchKeywords) {
  MapScope scope{{"a", true}, {"b", false}};
  EXPECT_TRUE(Eval("a && !b", scope));
  EXPECT_FALSE(Eval("a && b", scope));
  EXPECT_TRUE(Eval("b || a", scope));
  EXPECT_TRUE(Eval("!(a && b)", scope));
  EXPECT_TRUE(Eval("a and NOT b Or b", scope));
}

TEST(Expression, NotOfANonBoolIsFalse) {
  MapScope scope{{"task.language", "es"}, {"task.level", 0}};
  EXPECT_FALSE(Eval("NOT task.language", scope));
  EXPECT_FALSE(Eval("NOT task.level", scope));
  EXPECT_FALSE(Eval("NOT task.missing", scope));
  EXPECT_TRUE(Eval("NOT false"));
  EXPECT_FALSE(Eval("NOT true"));
}

TEST(Expression, AndOrTreatNonBoolsAsFalse) {
  MapScope scope{{"s", "yes"}, {"n", 1}, {"t", true}};
  EXPECT_FALSE(Eval("s AND t", scope));
  EXPECT_FALSE(Eval("n AND t", scope));
  EXPECT_TRUE(Eval("s OR t", scope));
  EXPECT_FALSE(Eval("s OR n", scope));
  EXPECT_FALSE(Eval("missing OR n", scope));
}

TEST(Expression, MatchesOnlyOnBooleanTrue) {
  MapScope scope{{"task.flag", true}, {"task.name", "x"}, {"task.n", 1}};
  EXPECT_TRUE(Eval("task.flag", scope));
  EXPECT_FALSE(Eval("task.name", scope));
  EXPECT_FALSE(Eval("task.n", scope));
  EXPECT_FALSE(Eval("1"));
  EXPECT_FALSE(Eval("'true'"));
  EXPECT_TRUE(Eval("true"));
  EXPECT_TRUE(Eval("TRUE"));
  EXPECT_FALSE(Eval("false"));
}

TEST(Expression, EvaluateReturnsTheRawValue) {
  MapScope scope{{"task.name", "x"}, {"task.n", 2}};
  auto name = Expression::Parse("task.name");
  ASSERT_TRUE(name.ok());
  EXPECT_EQ(name->Evaluate(scope), Value("x"));
  auto literal = Expression::Parse("  'lit'  ");
  ASSERT_TRUE(literal.ok());
  EXPECT_EQ(literal->Evaluate(scope), Value("lit"));
  auto comparison = Expression::Parse("task.n > 1");
  ASSERT_TRUE(comparison.ok());
  EXPECT_EQ(comparison->Evaluate(scope), Value(true));
  auto grouped = Expression::Parse("((task.n))");
  ASSERT_TRUE(grouped.ok());
  EXPECT_EQ(grouped->Evaluate(scope), Value(2));
}

TEST(Expression, ParenthesisedExpressionIsAnOperand) {
  MapScope scope{{"task.n", 2}};
  EXPECT_TRUE(Eval("(task.n > 1) == true", scope));
  EXPECT_TRUE(Eval("false == (task.n > 5)", scope));
}

TEST(Expression, NumberLiteralsAcceptIntegersDecimalsAndNegatives) {
  MapScope scope{{"x", -0.5}, {"y", 42}};
  EXPECT_TRUE(Eval("x == -0.5", scope));
  EXPECT_TRUE(Eval("x < 0", scope));
  EXPECT_TRUE(Eval("y == 42", scope));
  EXPECT_TRUE(Eval("y == 42.000", scope));
  EXPECT_TRUE(Eval("y>41.9", scope));  // no spaces needed
}

TEST(Expression, StringLiteralsUnescapeBackslashes) {
  MapScope scope{{"task.q", "it's \"x\"\\\n\t"}};
  EXPECT_TRUE(Eval(R"(task.q == 'it\'s "x"\\\n\t')", scope));
  EXPECT_TRUE(Eval(R"(task.q == "it's \"x\"\\\n\t")", scope));
  EXPECT_EQ(ParseError(R"('a\qb')"), "column 3: unknown escape '\\q' in string");
}

TEST(Expression, KeysAreSplitAtTheirRoot) {
  auto parsed = Expression::Parse(
      "task.language == 'es' AND agent.skill.spanish >= 3 AND queue.ready_agents > 0 AND "
      "time.hhmm < 1700 AND vip AND customer.tier == 'gold'");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const auto& keys = parsed->keys();
  ASSERT_EQ(keys.size(), 6u);
  EXPECT_EQ(keys[0].root, KeyRoot::kTask);
  EXPECT_EQ(keys[0].parts, (std::vector<std::string>{"language"}));
  EXPECT_EQ(keys[0].text, "task.language");
  EXPECT_EQ(keys[1].root, KeyRoot::kAgent);
  EXPECT_EQ(keys[1].parts, (std::vector<std::string>{"skill", "spanish"}));
  EXPECT_EQ(keys[1].text, "agent.skill.spanish");
  EXPECT_EQ(keys[2].root, KeyRoot::kQueue);
  EXPECT_EQ(keys[2].parts, (std::vector<std::string>{"ready_agents"}));
  EXPECT_EQ(keys[3].root, KeyRoot::kTime);
  EXPECT_EQ(keys[3].parts, (std::vector<std::string>{"hhmm"}));
  EXPECT_EQ(keys[4].root, KeyRoot::kBare);
  EXPECT_EQ(keys[4].parts, (std::vector<std::string>{"vip"}));
  EXPECT_EQ(keys[5].root, KeyRoot::kBare);
  EXPECT_EQ(keys[5].parts, (std::vector<std::string>{"customer", "tier"}));
}

TEST(Expression, ARootWordAloneIsABareKey) {
  auto parsed = Expression::Parse("time == 'morning'");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->keys().size(), 1u);
  EXPECT_EQ(parsed->keys()[0].root, KeyRoot::kBare);
  EXPECT_EQ(parsed->keys()[0].parts, (std::vector<std::string>{"time"}));
}

TEST(Expression, KeysListEachDistinctKeyOnceInOrderOfAppearance) {
  auto parsed = Expression::Parse("b == 1 OR a == 2 OR b == 3 OR task.in == 4");
  ASSERT_TRUE(parsed.ok());
  ASSERT_EQ(parsed->keys().size(), 3u);
  EXPECT_EQ(parsed->keys()[0].text, "b");
  EXPECT_EQ(parsed->keys()[1].text, "a");
  EXPECT_EQ(parsed->keys()[2].text, "task.in");  // keywords are never dotted
  EXPECT_TRUE(Expression::Parse("true")->keys().empty());
}

TEST(Expression, ReadsReportsWhichRootsAreUsed) {
  auto parsed = Expression::Parse("agent.skill.es >= 2 OR time.dow IN [6, 7]");
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->Reads(KeyRoot::kAgent));
  EXPECT_TRUE(parsed->Reads(KeyRoot::kTime));
  EXPECT_FALSE(parsed->Reads(KeyRoot::kTask));
  EXPECT_FALSE(parsed->Reads(KeyRoot::kQueue));
  EXPECT_FALSE(parsed->Reads(KeyRoot::kBare));
}

TEST(Expression, KeepsTheTextAsWritten) {
  auto parsed = Expression::Parse(" a == 1 ");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->text(), " a == 1 ");
}

TEST(Expression, AndOrShortCircuit) {
  MapScope scope{{"a", false}};
  EXPECT_FALSE(Eval("a AND b AND c", scope));
  EXPECT_EQ(scope.lookups(), 1);
}

TEST(Expression, CopiesEvaluateLikeTheOriginal) {
  MapScope scope{{"agent.skill.es", 4}};
  std::optional<Expression> copy;
  {
    auto parsed = Expression::Parse("agent.skill.es >= 3");
    ASSERT_TRUE(parsed.ok());
    copy = *parsed;
  }
  EXPECT_TRUE(copy->Matches(scope));
  EXPECT_EQ(copy->keys().size(), 1u);
}

TEST(Expression, DefaultConstructedNeverMatches) {
  Expression empty;
  EXPECT_FALSE(empty.Matches(MapScope()));
  EXPECT_TRUE(empty.Evaluate(MapScope()).is_null());
}

TEST(Expression, ErrorsNameTheColumnOfTheOffendingToken) {
  EXPECT_EQ(ParseError(""), "column 1: unexpected end of expression");
  EXPECT_EQ(ParseError("   "), "column 4: unexpected end of expression");
  EXPECT_EQ(ParseError("task.priority==  "), "column 18: expected a value after '=='");
  EXPECT_EQ(ParseError("task.priority == AND x"), "column 18: expected a value after '=='");
  EXPECT_EQ(ParseError("a == 1 and"), "column 11: expected a value after 'AND'");
  EXPECT_EQ(ParseError("a == 1 and not"), "column 15: expected a value after 'NOT'");
  EXPECT_EQ(ParseError("AND a"), "column 1: expected a value, found 'AND'");
  EXPECT_EQ(ParseError("a == 'es"), "column 6: unterminated string");
  EXPECT_EQ(ParseError("a == \"es\\\""), "column 6: unterminated string");
  EXPECT_EQ(ParseError("a == 1 # x"), "column 8: unexpected character '#'");
  EXPECT_EQ(ParseError("a == \xC3\xA9"), "column 6: unexpected byte 0xC3");
  EXPECT_EQ(ParseError("a & b"), "column 3: unexpected character '&'");
  EXPECT_EQ(ParseError("(a == 1"), "column 8: missing ')' to close '(' at column 1");
  EXPECT_EQ(ParseError("(a == 1 b)"), "column 9: expected ')' to close '(' at column 1, found 'b'");
  EXPECT_EQ(ParseError("a == 1)"), "column 7: unbalanced ')'");
  EXPECT_EQ(ParseError("a == 1 b"),
            "column 8: unexpected 'b'; expected AND, OR or the end of the expression");
  EXPECT_EQ(ParseError("a == 1 == 2"),
            "column 8: unexpected '=='; expected AND, OR or the end of the expression");
  EXPECT_EQ(ParseError("a NOT b"), "column 7: expected IN after NOT, found 'b'");
  EXPECT_EQ(ParseError("a NOT"),
            "column 6: expected IN after NOT, found the end of the expression");
  EXPECT_EQ(ParseError("task."), "column 6: expected a name after '.'");
  EXPECT_EQ(ParseError("task..x"), "column 6: expected a name after '.'");
  EXPECT_EQ(ParseError("a == 5abc"), "column 6: malformed number '5abc'");
  EXPECT_EQ(ParseError("a == 1.2.3"), "column 6: malformed number '1.2.3'");
  EXPECT_EQ(ParseError("a == -"), "column 6: unexpected character '-'");
  EXPECT_EQ(ParseError("a == ()"), "column 7: expected a value after '('");
}

TEST(Expression, ListErrorsNameTheColumn) {
  EXPECT_EQ(ParseError("a IN ['x', 'y'"), "column 15: missing ']' to close '[' at column 6");
  EXPECT_EQ(ParseError("a IN ['x',"), "column 11: missing ']' to close '[' at column 6");
  EXPECT_EQ(ParseError("a IN ['x' 'y']"), "column 11: expected ',' or ']' in list, found ''y''");
  EXPECT_EQ(ParseError("a IN ['x',]"), "column 11: expected a list item after ','");
  EXPECT_EQ(ParseError("a IN [task.x]"), "column 7: list items must be literals, found 'task.x'");
}

TEST(Expression, RejectsNestingDeeperThanTheLimit) {
  std::string ok = std::string(64, '(') + "true" + std::string(64, ')');
  EXPECT_TRUE(Eval(ok));
  std::string deep = std::string(65, '(') + "true" + std::string(65, ')');
  EXPECT_EQ(ParseError(deep), "column 65: expression nested deeper than 64 levels");

  std::string nots;
  for (int i = 0; i < 64; ++i) nots += "NOT ";
  EXPECT_TRUE(Eval(nots + "true"));
  EXPECT_EQ(ParseError("NOT " + nots + "true"),
            "column 257: expression nested deeper than 64 levels");

  std::string lists = std::string(65, '[') + std::string(65, ']');
  EXPECT_EQ(ParseError(lists), "column 65: expression nested deeper than 64 levels");
}

TEST(Expression, HostileInputFailsCleanly) {
  // Far past the depth limit and the length limit: an error, not a stack overflow.
  EXPECT_EQ(ParseError(std::string(4000, '(')),
            "column 65: expression nested deeper than 64 levels");
  EXPECT_EQ(ParseError(std::string(4000, '!')),
            "column 65: expression nested deeper than 64 levels");
  EXPECT_EQ(ParseError(std::string(5000, 'a')), "column 4097: expression longer than 4096 bytes");
}

TEST(Expression, LongFlatChainsParseAndEvaluate) {
  // Chains are flat nodes, so length rather than depth bounds them.
  std::string chain = "a";
  while (chain.size() < 4000) chain += " AND a";
  MapScope scope{{"a", true}};
  EXPECT_TRUE(Eval(chain, scope));
}

}  // namespace
}  // namespace hotline::core
