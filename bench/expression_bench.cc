// Micro-benchmarks for routing expressions: the router evaluates a queue's rule once per
// (interaction, candidate agent) pair, so Matches() sits on the hot path; Parse runs once per
// configuration change.
#include <benchmark/benchmark.h>

#include <string>
#include <unordered_map>

#include "core/expression.h"

namespace hotline::core {
namespace {

constexpr const char* kTypicalRule =
    "task.language IN ['zh','en'] AND agent.skill.support >= 3 AND NOT (task.vip == true)";

// Stands in for the engine's scope: keys looked up by their text in a hash map.
class MapScope : public ExpressionScope {
 public:
  Value Lookup(const KeyPath& key) const override {
    auto it = values_.find(key.text);
    return it == values_.end() ? Value() : it->second;
  }
  std::unordered_map<std::string, Value> values_;
};

MapScope TypicalScope() {
  MapScope scope;
  scope.values_["task.language"] = Value("en");
  scope.values_["agent.skill.support"] = Value(4);
  scope.values_["task.vip"] = Value(false);
  return scope;
}

void BM_MatchTypicalRule(benchmark::State& state) {
  auto expression = Expression::Parse(kTypicalRule);
  if (!expression.ok()) {
    state.SkipWithError(expression.error().message.c_str());
    return;
  }
  MapScope scope = TypicalScope();
  for (auto _ : state) {
    benchmark::DoNotOptimize(expression->Matches(scope));
  }
}
BENCHMARK(BM_MatchTypicalRule);

// The same rule failing on its first term: measures the short-circuit path.
void BM_MatchTypicalRuleFailingEarly(benchmark::State& state) {
  auto expression = Expression::Parse(kTypicalRule);
  if (!expression.ok()) {
    state.SkipWithError(expression.error().message.c_str());
    return;
  }
  MapScope scope = TypicalScope();
  scope.values_["task.language"] = Value("es");
  for (auto _ : state) {
    benchmark::DoNotOptimize(expression->Matches(scope));
  }
}
BENCHMARK(BM_MatchTypicalRuleFailingEarly);

// A numeric-only rule: no string is built by the scope, so this is the evaluator's own cost.
void BM_MatchNumericRule(benchmark::State& state) {
  auto expression = Expression::Parse("agent.skill.support >= 3 AND agent.skill.billing < 5");
  if (!expression.ok()) {
    state.SkipWithError(expression.error().message.c_str());
    return;
  }
  MapScope scope;
  scope.values_["agent.skill.support"] = Value(4);
  scope.values_["agent.skill.billing"] = Value(2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(expression->Matches(scope));
  }
}
BENCHMARK(BM_MatchNumericRule);

void BM_ParseTypicalRule(benchmark::State& state) {
  for (auto _ : state) {
    auto expression = Expression::Parse(kTypicalRule);
    benchmark::DoNotOptimize(expression);
  }
}
BENCHMARK(BM_ParseTypicalRule);

}  // namespace
}  // namespace hotline::core
