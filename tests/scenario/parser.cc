// Reads the step language of runner.h. Syntax only: names are resolved when the scenario runs.
#include <algorithm>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "base/time.h"
#include "core/states.h"
#include "tests/scenario/runner.h"

namespace hotline::testing {

bool IsCommand(Op op) { return op <= Op::kReconfigure; }

namespace {

// Thrown inside this file only; ParseScenario turns it into an Error.
struct ParseFailure {
  std::string message;
};

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> Split(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string t; in >> t;) out.push_back(t);
  return out;
}

std::optional<int> ParseInt(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string str(s);
  char* end = nullptr;
  long v = std::strtol(str.c_str(), &end, 10);
  if (*end != '\0') return std::nullopt;
  return static_cast<int>(v);
}

core::Value ParseScalar(const std::string& s) {
  if (s == "true") return core::Value(true);
  if (s == "false") return core::Value(false);
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (!s.empty() && *end == '\0') return core::Value(d);
  return core::Value(s);
}

core::Value ParseValue(const std::string& s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') {
    core::Value::List list;
    std::string item;
    std::istringstream in(s.substr(1, s.size() - 2));
    while (std::getline(in, item, ',')) {
      if (!Trim(item).empty()) list.push_back(ParseScalar(Trim(item)));
    }
    return core::Value(std::move(list));
  }
  return ParseScalar(s);
}

// Enum values are checked by name with the names the engine prints, so a typo in a state or an
// event type is a parse error, not a silently false expectation.
template <typename E, typename Namer>
bool KnownName(std::string_view name, E last, Namer namer) {
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    if (std::string_view(namer(static_cast<E>(i))) == name) return true;
  }
  return false;
}

class LineReader {
 public:
  LineReader(const std::string& file, int line, std::vector<std::string> tokens, size_t pos)
      : where_(file + ":" + std::to_string(line) + ": "), tokens_(std::move(tokens)), pos_(pos) {}

  [[noreturn]] void Fail(const std::string& what) const { throw ParseFailure{where_ + what}; }

  bool Done() const { return pos_ >= tokens_.size(); }
  size_t Left() const { return tokens_.size() - pos_; }
  const std::string& Peek() const { return tokens_[pos_]; }

  std::string Next(std::string_view what) {
    if (Done()) Fail("missing " + std::string(what));
    return tokens_[pos_++];
  }
  int Int(std::string_view what) {
    std::string t = Next(what);
    std::optional<int> v = ParseInt(t);
    if (!v) Fail(std::string(what) + " must be an integer, got '" + t + "'");
    return *v;
  }
  Duration Time(std::string_view what) {
    std::string t = Next(what);
    Result<Duration> d = ParseDuration(t);
    if (!d.ok()) Fail("bad " + std::string(what) + " '" + t + "': " + d.error().message);
    return *d;
  }
  core::Channel Channel() {
    std::string t = Next("channel");
    std::optional<core::Channel> c = core::ParseChannel(t);
    if (!c) Fail("unknown channel '" + t + "' (voice, chat, email, callback, task)");
    return *c;
  }
  template <typename E, typename Namer>
  std::string Named(std::string_view what, E last, Namer namer) {
    std::string t = Next(what);
    if (!KnownName(t, last, namer)) Fail("unknown " + std::string(what) + " '" + t + "'");
    return t;
  }
  std::vector<std::string> Rest(std::string_view what, bool at_least_one) {
    if (at_least_one && Done()) Fail("missing " + std::string(what));
    std::vector<std::string> out(tokens_.begin() + static_cast<long>(pos_), tokens_.end());
    pos_ = tokens_.size();
    return out;
  }
  void End() const {
    if (!Done()) Fail("unexpected '" + tokens_[pos_] + "'");
  }

 private:
  std::string where_;
  std::vector<std::string> tokens_;
  size_t pos_;
};

std::pair<std::string, core::Value> KeyValue(LineReader& r, const std::string& token) {
  size_t eq = token.find('=');
  if (eq == std::string::npos || eq == 0) r.Fail("expected KEY=VALUE, got '" + token + "'");
  return {token.substr(0, eq), ParseValue(token.substr(eq + 1))};
}

void ParseCreate(LineReader& r, ScenarioLine& l) {
  l.names = {r.Next("interaction name")};
  l.channel = r.Channel();
  l.word = r.Next("queue");
  for (const std::string& t : r.Rest("", false)) {
    auto [key, value] = KeyValue(r, t);
    if (key == "priority") {
      std::optional<int> p = ParseInt(t.substr(9));
      if (!p) r.Fail("priority must be an integer, got '" + t + "'");
      l.number = *p;
    } else if (key == "known") {
      l.known = t.substr(6);
    } else if (key.rfind("attr.", 0) == 0 && key.size() > 5) {
      l.values[key.substr(5)] = value;
    } else {
      r.Fail("unknown option '" + key + "' (priority=, known=, attr.KEY=)");
    }
  }
}

void ParseCommand(LineReader& r, ScenarioLine& l) {
  if (r.Done()) return;  // a bare `at T`
  std::string verb = r.Next("command");
  auto interaction = [&] { l.names.push_back(r.Next("interaction name")); };
  if (verb == "login" || verb == "ready" || verb == "logout") {
    l.op = verb == "logout" ? Op::kLogout : Op::kLogin;
    l.names = r.Rest("agent", true);
  } else if (verb == "notready") {
    l.op = Op::kNotReady;
    l.names = {r.Next("agent")};
    if (!r.Done()) l.word = r.Next("reason");
  } else if (verb == "create") {
    l.op = Op::kCreate;
    ParseCreate(r, l);
  } else if (verb == "accept" || verb == "reject") {
    l.op = verb == "accept" ? Op::kAccept : Op::kReject;
    interaction();
    l.names.push_back(r.Next("agent"));
    if (l.op == Op::kReject && !r.Done()) {
      std::string why = r.Next("reason");
      if (why != "declined" && why != "busy") r.Fail("reject reason must be declined or busy");
      l.reject = why == "busy" ? core::RejectReason::kBusy : core::RejectReason::kDeclined;
    }
  } else if (verb == "end" || verb == "abandon" || verb == "exit" || verb == "cancel" ||
             verb == "callback") {
    l.op = verb == "end"       ? Op::kEnd
           : verb == "abandon" ? Op::kAbandon
           : verb == "exit"    ? Op::kExit
           : verb == "cancel"  ? Op::kCancel
                               : Op::kCallback;
    interaction();
  } else if (verb == "wrapup") {
    l.op = Op::kWrapup;
    interaction();
    if (!r.Done()) l.word = r.Next("disposition");
  } else if (verb == "transfer") {
    l.op = Op::kTransfer;
    interaction();
    l.word = r.Next("queue");
  } else if (verb == "priority") {
    l.op = Op::kPriority;
    interaction();
    l.number = r.Int("priority");
  } else if (verb == "skill") {
    l.op = Op::kSkill;
    l.names = {r.Next("agent")};
    l.word = r.Next("skill");
    l.number = r.Int("level");
  } else if (verb == "attrs") {
    l.op = Op::kAttrs;
    interaction();
    for (const std::string& t : r.Rest("KEY=VALUE", true)) l.values.insert(KeyValue(r, t));
  } else if (verb == "reconfigure") {
    l.op = Op::kReconfigure;  // the block is read by ParseScenario
  } else {
    r.Fail("unknown command '" + verb + "'");
  }
  r.End();
}

void ParseAgentExpectation(LineReader& r, ScenarioLine& l) {
  l.names = {r.Next("agent")};
  std::string what = r.Next("presence, state, load, missed or handled");
  if (what == "presence") {
    l.op = Op::kExpectAgentPresence;
    l.word = r.Next("presence");
    if (!core::ParsePresence(l.word)) r.Fail("unknown presence '" + l.word + "'");
    if (!r.Done()) l.reason = r.Next("reason");
  } else if (what == "state") {
    l.op = Op::kExpectAgentState;
    l.word = r.Named("routing state", core::RoutingState::kBackoff, core::RoutingStateName);
  } else if (what == "load") {
    l.op = Op::kExpectAgentLoad;
    l.channel = r.Channel();
    l.number = r.Int("load");
  } else if (what == "missed" || what == "handled") {
    l.op = what == "missed" ? Op::kExpectAgentMissed : Op::kExpectAgentHandled;
    l.number = r.Int("count");
  } else {
    r.Fail("unknown agent expectation '" + what + "'");
  }
}

// An event or effect TYPE, then SUBJECTs; `counted` takes a trailing count.
void ParseHappened(LineReader& r, ScenarioLine& l, bool effect, bool counted) {
  if (effect) {
    l.word = r.Named("effect type", core::EffectType::kRelease, core::EffectTypeName);
  } else {
    l.word = r.Named("event type", core::EventType::kAgentSkillChanged, core::EventTypeName);
  }
  l.subjects = r.Rest("", false);
  if (counted) {
    if (l.subjects.empty()) r.Fail("missing count");
    std::optional<int> n = ParseInt(l.subjects.back());
    if (!n) r.Fail("the last word must be a count, got '" + l.subjects.back() + "'");
    l.number = *n;
    l.subjects.pop_back();
  }
}

void ParseExpectation(LineReader& r, ScenarioLine& l) {
  std::string what = r.Next("expectation");
  auto interaction_agent = [&](Op op) {
    l.op = op;
    l.names = {r.Next("interaction name"), r.Next("agent")};
  };
  if (what == "error") {
    l.op = Op::kExpectError;
    if (!r.Done()) l.word = r.Named("error code", ErrorCode::kInternal, ErrorCodeName);
  } else if (what == "offered") {
    interaction_agent(Op::kExpectOffered);
  } else if (what == "not-offered") {
    interaction_agent(Op::kExpectNotOffered);
  } else if (what == "offers" || what == "offered-among") {
    l.op = what == "offers" ? Op::kExpectOffers : Op::kExpectOfferedAmong;
    l.names = r.Rest("interaction name and agents", true);
    if (l.names.size() < 2) r.Fail("missing agents");
    if (l.op == Op::kExpectOffers && l.names.size() == 2 && l.names[1] == "none")
      l.names.pop_back();
  } else if (what == "state") {
    l.op = Op::kExpectState;
    l.names = {r.Next("interaction name")};
    l.word = r.Named("state", core::InteractionState::kCanceled, core::InteractionStateName);
  } else if (what == "priority" || what == "step") {
    l.op = what == "priority" ? Op::kExpectPriority : Op::kExpectStep;
    l.names = {r.Next("interaction name")};
    l.number = r.Int(what);
  } else if (what == "queue" || what == "agent-of") {
    l.op = what == "queue" ? Op::kExpectQueue : Op::kExpectAgentOf;
    l.names = {r.Next("interaction name"), r.Next(what == "queue" ? "queue" : "agent")};
  } else if (what == "channel") {
    l.op = Op::kExpectChannel;
    l.names = {r.Next("interaction name")};
    l.channel = r.Channel();
  } else if (what == "age") {
    l.op = Op::kExpectAge;
    l.names = {r.Next("interaction name")};
    l.duration = r.Time("age");
  } else if (what == "agent") {
    ParseAgentExpectation(r, l);
  } else if (what == "waiting") {
    l.op = Op::kExpectWaiting;
    l.names = {r.Next("queue")};
    l.number = r.Int("count");
  } else if (what == "explain") {
    interaction_agent(Op::kExpectExplain);
    l.word = r.Named("reason", core::Ineligibility::kOffered, core::IneligibilityName);
  } else if (what == "eligible" || what == "not-eligible") {
    interaction_agent(what == "eligible" ? Op::kExpectEligible : Op::kExpectNotEligible);
  } else if (what == "event" || what == "no-event" || what == "event-count") {
    l.op = what == "event"      ? Op::kExpectEvent
           : what == "no-event" ? Op::kExpectNoEvent
                                : Op::kExpectEventCount;
    ParseHappened(r, l, false, l.op == Op::kExpectEventCount);
  } else if (what == "effect" || what == "no-effect") {
    l.op = what == "effect" ? Op::kExpectEffect : Op::kExpectNoEffect;
    ParseHappened(r, l, true, false);
  } else {
    r.Fail("unknown expectation '" + what + "'");
  }
  r.End();
}

bool Indented(const std::string& line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '\t');
}

// The indented lines after raw[i] (blank lines inside included), without their common indent;
// `i` moves to the last of them.
std::string IndentedBlock(const std::vector<std::string>& raw, size_t& i) {
  size_t end = i + 1;
  for (size_t k = i + 1; k < raw.size(); ++k) {
    if (Indented(raw[k]) && !Trim(raw[k]).empty()) {
      end = k + 1;
    } else if (!Trim(raw[k]).empty()) {
      break;
    }
  }
  size_t indent = std::string::npos;
  for (size_t k = i + 1; k < end; ++k) {
    if (Trim(raw[k]).empty()) continue;
    indent = std::min(indent, raw[k].find_first_not_of(" \t"));
  }
  std::string block;
  for (size_t k = i + 1; k < end; ++k) {
    block += (Trim(raw[k]).empty() ? std::string() : raw[k].substr(indent)) + "\n";
  }
  i = end - 1;
  return block;
}

// A line in column 1 holding `key:` starts a top-level section; returns the key or "".
std::string SectionKey(const std::string& line) {
  if (line.empty() || Indented(line) || line[0] == '#' || line[0] == '-') return {};
  size_t colon = line.find(':');
  return colon == std::string::npos ? std::string() : Trim(line.substr(0, colon));
}

// (key, text) per top-level section; text before the first key has key "".
std::vector<std::pair<std::string, std::string>> Sections(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out = {{"", ""}};
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::string key = SectionKey(line);
    if (!key.empty()) out.emplace_back(key, "");
    out.back().second += line + "\n";
  }
  return out;
}

}  // namespace

std::string ReplaceSections(const std::string& base, const std::string& patch) {
  std::vector<std::pair<std::string, std::string>> sections = Sections(base);
  for (auto& [key, text] : Sections(patch)) {
    if (key.empty()) continue;
    auto it = std::find_if(sections.begin(), sections.end(),
                           [&](const auto& s) { return s.first == key; });
    if (it != sections.end()) {
      it->second = text;
    } else {
      sections.emplace_back(key, text);
    }
  }
  std::string out;
  for (auto& [key, text] : sections) out += text;
  return out;
}

Result<Scenario> ParseScenario(std::string_view text, std::string file_name) {
  Scenario scenario;
  scenario.file = std::move(file_name);
  std::vector<std::string> raw;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) raw.push_back(line);
  size_t separator = 0;
  while (separator < raw.size() && Trim(raw[separator]) != "---") ++separator;
  if (separator == raw.size()) {
    return Error::InvalidArgument(scenario.file +
                                  ":1: no '---' line between the center and the steps");
  }
  for (size_t i = 0; i < separator; ++i) scenario.center_yaml += raw[i] + "\n";
  try {
    bool seen_at = false;
    Duration now{0};
    for (size_t i = separator + 1; i < raw.size(); ++i) {
      std::string body = Trim(raw[i].substr(0, raw[i].find('#')));
      if (body.empty()) continue;
      ScenarioLine l;
      l.line = static_cast<int>(i) + 1;
      l.text = body;
      std::vector<std::string> tokens = Split(body);
      LineReader r(scenario.file, l.line, tokens, 1);
      if (tokens[0] == "seed") {
        if (seen_at) r.Fail("seed must come before the first 'at'");
        std::optional<int> seed = ParseInt(r.Next("seed"));
        if (!seed || *seed < 0) r.Fail("seed must be a non-negative integer");
        r.End();
        scenario.seed = static_cast<uint64_t>(*seed);
        continue;
      }
      if (tokens[0] == "at") {
        l.at = r.Time("time");
        if (l.at < now)
          r.Fail("time goes back: " + FormatDuration(l.at) + " < " + FormatDuration(now));
        now = l.at;
        seen_at = true;
        ParseCommand(r, l);
        if (l.op == Op::kReconfigure) {
          l.yaml = IndentedBlock(raw, i);
          if (l.yaml.empty()) r.Fail("reconfigure needs an indented hotline.yaml block below it");
        }
      } else if (tokens[0] == "expect") {
        l.at = now;
        ParseExpectation(r, l);
        if (l.op == Op::kExpectError &&
            (scenario.lines.empty() || !IsCommand(scenario.lines.back().op) ||
             scenario.lines.back().op == Op::kAdvance)) {
          r.Fail("'expect error' must directly follow an 'at' line with a command");
        }
      } else {
        r.Fail("unknown line '" + tokens[0] + "' (expected at, expect or seed)");
      }
      scenario.lines.push_back(std::move(l));
    }
  } catch (const ParseFailure& failure) {
    return Error::InvalidArgument(failure.message);
  }
  return scenario;
}

}  // namespace hotline::testing
