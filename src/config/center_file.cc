#include "config/center_file.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/time.h"
#include "core/channel.h"
#include "core/expression.h"

namespace hotline::config {

namespace {

using core::AgentDefinition;
using core::AgentId;
using core::AgentOrder;
using core::CenterDefinition;
using core::Channel;
using core::EmptyWhen;
using core::ExceptionAction;
using core::ExceptionRule;
using core::ExceptionTrigger;
using core::Expression;
using core::KeyRoot;
using core::OfferMode;
using core::ProfileId;
using core::Queue;
using core::QueueId;
using core::QueueMember;
using core::Ring;
using core::RoutingProfile;
using core::SkillId;
using core::SkillRequirement;
using core::Step;
using core::TaskOrder;
using core::Value;
using core::WrapupMode;
using core::WrapupPolicy;

using Names = std::vector<std::string_view>;

// Past these the loader stops: a file with hundreds of mistakes is not worth listing in full, and
// YAML aliases can make a small file expand to billions of values.
constexpr size_t kMaxProblems = 100;
constexpr int64_t kMaxValues = 1'000'000;
constexpr size_t kMaxIdLength = 64;
// Bounds for integers that are not counts (priorities, weights): far from int overflow when the
// engine adds them up.
constexpr int64_t kMaxMagnitude = 1'000'000;

const Names kTopKeys = {"center",   "settings", "skills", "dispositions",
                        "profiles", "agents",   "queues"};
const Names kCenterKeys = {"name", "utc_offset"};
const Names kSettingsKeys = {"offer_timeout", "backoff", "max_missed_offers", "wrapup"};
const Names kBackoffKeys = {"reject", "busy", "no_answer"};
const Names kWrapupKeys = {"mode", "duration"};
const Names kSkillKeys = {"id", "name"};
const Names kDispositionKeys = {"id", "name"};
const Names kProfileKeys = {"id", "global_longest_waiting", "queues"};
const Names kProfileQueueKeys = {"queue", "priority", "delay"};
const Names kAgentKeys = {"id",      "name",       "skills", "capacity", "cross_channel",
                          "profile", "attributes", "weight"};
const Names kQueueKeys = {"id",         "name",       "service_level", "agent_order",   "offer",
                          "task_order", "lifo",       "weight",        "offer_timeout", "wrapup",
                          "members",    "membership", "requires",      "plan",          "admission",
                          "exceptions"};
const Names kServiceLevelKeys = {"threshold", "short_abandon"};
const Names kOfferKeys = {"mode", "count", "step"};
const Names kTaskOrderKeys = {"mode", "seconds_per_point"};
const Names kMemberKeys = {"agent", "tier", "position"};
const Names kStepKeys = {"when",     "requires",        "optional",
                         "rings",    "skip_when_empty", "timeout",
                         "priority", "queue",           "known_agent_window"};
const Names kRingKeys = {"after", "max_tier", "drop_optional", "add", "priority_add"};
const Names kAdmissionKeys = {"max_length", "join_when_empty", "leave_when_empty", "max_wait",
                              "max_wait_no_agents"};
const Names kExceptionKeys = {"when", "do"};
const Names kTriggerKeys = {"wait", "queue_length", "no_eligible_agents", "estimated_wait",
                            "plan_exhausted"};
const Names kActionKeys = {"move_to", "priority", "offer_callback", "route_to", "time_out"};
// Attribute names the expression language already gives a meaning to (agent.id, agent.skill.x).
const Names kReservedAttributes = {"id", "skill"};

template <typename E>
using Choices = std::vector<std::pair<std::string_view, E>>;

const Choices<WrapupMode> kWrapupModes = {{"none", WrapupMode::kNone},
                                          {"timed", WrapupMode::kTimed},
                                          {"discretionary", WrapupMode::kDiscretionary}};
const Choices<EmptyWhen> kEmptyWhens = {{"never", EmptyWhen::kNever},
                                        {"no_members", EmptyWhen::kNoMembers},
                                        {"no_logged_in", EmptyWhen::kNoLoggedIn},
                                        {"no_ready", EmptyWhen::kNoReady}};
const Choices<OfferMode> kOfferModes = {{"single", OfferMode::kSingle},
                                        {"ring_all", OfferMode::kRingAll},
                                        {"parallel", OfferMode::kParallel},
                                        {"progressive", OfferMode::kProgressive}};
const Choices<TaskOrder> kTaskOrders = {{"strict", TaskOrder::kStrict},
                                        {"time_offset", TaskOrder::kTimeOffset}};

template <typename E>
Names ChoiceNames(const Choices<E>& choices) {
  Names names;
  for (const auto& [name, value] : choices) names.push_back(name);
  return names;
}

Names AgentOrderNames() {
  Names names;
  for (auto o : {AgentOrder::kLongestIdle, AgentOrder::kLeastTalkTime, AgentOrder::kFewestHandled,
                 AgentOrder::kMostSkilled, AgentOrder::kRoundRobin, AgentOrder::kTopDown}) {
    names.push_back(core::AgentOrderName(o));
  }
  names.push_back("linear");
  for (auto o :
       {AgentOrder::kSequentialByPosition, AgentOrder::kRandom, AgentOrder::kWeightedRandom,
        AgentOrder::kLeastOccupied, AgentOrder::kMostAvailableCapacity, AgentOrder::kTier}) {
    names.push_back(core::AgentOrderName(o));
  }
  return names;
}

Names ChannelNames() {
  Names names;
  for (Channel c : core::kAllChannels) names.push_back(core::ChannelName(c));
  return names;
}

std::string Join(const Names& names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Edits (insert, delete, replace, swap two neighbours) between two short strings.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// ", did you mean 'agent_order'?" for a near miss, else nothing.
std::string DidYouMean(std::string_view got, const Names& candidates) {
  if (got.size() > 64) return {};
  size_t limit = got.size() <= 4 ? 1 : 2;
  std::string_view best;
  size_t best_distance = limit + 1;
  for (std::string_view c : candidates) {
    if (c.size() > 64 || c.size() + limit < got.size() || got.size() + limit < c.size()) continue;
    size_t d = EditDistance(got, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  if (best.empty()) return {};
  return ", did you mean '" + std::string(best) + "'?";
}

// 'text' for messages: control characters escaped, long text cut (at a UTF-8 boundary).
std::string Quote(std::string_view text) {
  constexpr size_t kMax = 60;
  bool cut = text.size() > kMax;
  if (cut) {
    size_t end = kMax;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
  }
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\n') {
      out += "\\n";
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      out += '?';
    } else {
      out += ch;
    }
  }
  if (cut) out += "...";
  return out + "'";
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    default:
      return "nothing";
  }
}

// A plain (unquoted, untagged) scalar, or one explicitly tagged `core_tag`: only these are read as
// numbers and booleans, as YAML itself does ("5" in quotes is a string).
bool IsUntypedOr(const YAML::Node& node, std::string_view core_tag) {
  const std::string& tag = node.Tag();
  return tag == "?" || tag == core_tag;
}

bool IsIdChar(char c, bool strict) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
    return true;
  }
  return !strict && (c == '-' || c == '.' || c == '@');
}

// Durations as ParseDuration reads them, also compound ("1h30m", as FormatDuration writes them).
Result<Duration> ParseCompoundDuration(std::string_view text) {
  Result<Duration> simple = ParseDuration(text);
  if (simple.ok()) return simple;
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 1; i < text.size(); ++i) {
    bool letter_before = std::isalpha(static_cast<unsigned char>(text[i - 1])) != 0;
    bool digit_here = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (letter_before && digit_here) {
      parts.push_back(text.substr(start, i - start));
      start = i;
    }
  }
  parts.push_back(text.substr(start));
  if (parts.size() == 1) return simple;
  Duration total{0};
  for (std::string_view part : parts) {
    Result<Duration> d = ParseDuration(part);
    if (!d.ok() || std::isalpha(static_cast<unsigned char>(part.back())) == 0) {
      return Error::InvalidArgument("'" + std::string(text) +
                                    "' is not a duration (use e.g. 20s, 3m, 1h30m, 1.5h or a "
                                    "number of seconds)");
    }
    if (*d > Duration::max() - total) return Error::InvalidArgument("duration too large");
    total += *d;
  }
  return total;
}

// Where a value sits: the node, the mark to report (the key's when the value is empty) and the
// key path.
struct Spot {
  YAML::Node node;
  YAML::Mark mark;
  std::string path;
};

struct Entry {
  std::string name;
  YAML::Node key;
  Spot value;
};

// The entries of one YAML map, after unknown and repeated keys were reported.
struct Fields {
  Spot self;
  std::vector<Entry> entries;

  const Entry* Find(std::string_view name) const {
    for (const Entry& e : entries) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }
};

// Each id of a list of objects -> its first item: index and where its id is written.
struct IdEntry {
  uint32_t index = 0;
  YAML::Mark mark;
};
using IdTable = std::unordered_map<std::string, IdEntry>;

// Where a key path ("queues[0].plan[1].rings") is written in the document: the mark of the
// deepest part found.
YAML::Mark Locate(const YAML::Node& root, std::string_view path) {
  YAML::Node node = root;
  YAML::Mark mark = root.Mark();
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '.') ++pos;
    if (pos < path.size() && path[pos] == '[') {
      size_t close = path.find(']', pos);
      if (close == std::string_view::npos) break;
      size_t index = 0;
      auto [ptr, ec] = std::from_chars(path.data() + pos + 1, path.data() + close, index);
      if (ec != std::errc() || !node.IsSequence() || index >= node.size()) break;
      auto it = node.begin();
      std::advance(it, index);
      node.reset(*it);  // reset, not `=`: assigning a yaml-cpp Node rewrites the document
      if (!node.Mark().is_null()) mark = node.Mark();
      pos = close + 1;
      continue;
    }
    size_t end = path.find_first_of(".[", pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view name = path.substr(pos, end - pos);
    if (!node.IsMap()) break;
    bool found = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == name) {
        mark = it->first.Mark();
        node.reset(it->second);
        found = true;
        break;
      }
    }
    if (!found) break;
    pos = end;
  }
  return mark;
}

class Loader {
 public:
  explicit Loader(std::string_view file) : file_(file) {}

  void Load(std::string_view text);
  std::vector<ConfigProblem>& problems() { return problems_; }
  bool truncated() const { return truncated_; }  // stopped at kMaxProblems
  CenterDefinition& center() { return center_; }

 private:
  // ---- problems ----
  void Report(const YAML::Mark& mark, std::string key, std::string message) {
    if (stopped_) return;
    ConfigProblem p;
    p.file = file_;
    p.line = mark.is_null() ? 0 : mark.line + 1;
    p.column = mark.is_null() ? 0 : mark.column + 1;
    p.key = std::move(key);
    p.message = std::move(message);
    problems_.push_back(std::move(p));
    if (problems_.size() >= kMaxProblems) {
      truncated_ = true;
      stopped_ = true;
    }
  }
  void Report(const Spot& at, std::string message) { Report(at.mark, at.path, std::move(message)); }

  // Counts one value read; false (once reported) when the file expands to too many.
  bool Spend() {
    if (stopped_) return false;
    if (++values_ > kMaxValues) {
      Report(YAML::Mark::null_mark(), "",
             "the file expands to more than " + std::to_string(kMaxValues) +
                 " values (through aliases?); refusing to read it");
      stopped_ = true;
      return false;
    }
    return true;
  }

  // ---- generic readers: each reports its own problem and returns nullopt / false ----
  static Spot Child(const Spot& parent, const YAML::Node& key, const YAML::Node& value,
                    std::string_view name) {
    YAML::Mark mark = value.IsNull() || value.Mark().is_null() ? key.Mark() : value.Mark();
    return {value, mark,
            parent.path.empty() ? std::string(name) : parent.path + "." + std::string(name)};
  }

  // A map whose keys must be among `allowed` (any key when `open`). An empty value is an empty map.
  bool Map(const Spot& at, const Names& allowed, std::string_view what, Fields* out,
           bool open = false);
  // A list; an empty value is an empty list.
  bool List(const Spot& at, std::string_view what, std::vector<Spot>* items);
  std::optional<std::string> String(const Spot& at);
  std::optional<std::string> Id(const Spot& at, bool strict);
  std::optional<int64_t> Int(const Spot& at, int64_t min, int64_t max);
  std::optional<double> Number(const Spot& at);
  std::optional<bool> Bool(const Spot& at);
  std::optional<Duration> DurationValue(const Spot& at, bool positive);
  template <typename E>
  std::optional<E> Enum(const Spot& at, const Choices<E>& choices, std::string_view what);
  std::optional<Expression> ExpressionValue(const Spot& at);

  void Missing(const Fields& f, std::string_view key) {
    Report(f.self.mark, f.self.path + "." + std::string(key),
           "missing required key '" + std::string(key) + "'");
  }

  // ---- references ----
  template <typename Id>
  std::optional<Id> Reference(const Spot& at, std::string_view kind, std::string_view section,
                              const IdTable& ids);
  std::optional<SkillId> SkillRef(const Spot& at) {
    return Reference<SkillId>(at, "skill", "skills", skill_ids_);
  }
  std::optional<QueueId> QueueRef(const Spot& at) {
    return Reference<QueueId>(at, "queue", "queues", queue_ids_);
  }
  std::optional<AgentId> AgentRef(const Spot& at) {
    return Reference<AgentId>(at, "agent", "agents", agent_ids_);
  }
  std::optional<ProfileId> ProfileRef(const Spot& at) {
    return Reference<ProfileId>(at, "profile", "profiles", profile_ids_);
  }

  // ---- sections ----
  void ReadCenter(const Spot& at);
  void ReadSettings(const Spot& at);
  std::optional<WrapupPolicy> ReadWrapup(const Spot& at, WrapupPolicy base);
  void RegisterIds(const Spot& at, IdTable* ids);
  // Reads an item's `id`, reporting a duplicate (the table maps each id to its first item).
  std::optional<std::string> ReadId(const Fields& f, std::string_view kind, uint32_t index,
                                    const IdTable& ids, bool strict);
  void ReadSkills(const Spot& at);
  void ReadDispositions(const Spot& at);
  void ReadProfiles(const Spot& at);
  void ReadAgents(const Spot& at);
  void ReadAgent(const Spot& at, uint32_t index, AgentDefinition* agent);
  void ReadAttributes(const Spot& at, std::map<std::string, Value>* out);
  std::optional<Value> AttributeValue(const Spot& at, bool allow_list);
  void ReadQueues(const Spot& at);
  void ReadQueue(const Spot& at, uint32_t index, Queue* queue);
  void ReadAgentOrder(const Spot& at, Queue* queue);
  void ReadOffer(const Spot& at, Queue* queue);
  void ReadTaskOrder(const Spot& at, Queue* queue);
  void ReadMembers(const Spot& at, Queue* queue);
  void ReadRequirements(const Spot& at, bool optional, std::vector<SkillRequirement>* out);
  void ReadStep(const Spot& at, Step* step);
  void ReadRings(const Spot& at, std::vector<Ring>* rings);
  void ReadAdmission(const Spot& at, Queue* queue);
  void ReadExceptions(const Spot& at, uint32_t queue_index, Queue* queue);

  void CheckValidation();

  std::string file_;
  std::vector<ConfigProblem> problems_;
  bool stopped_ = false;
  bool truncated_ = false;
  int64_t values_ = 0;
  CenterDefinition center_;
  YAML::Node root_;
  IdTable skill_ids_, queue_ids_, agent_ids_, profile_ids_, disposition_ids_;
};

bool Loader::Map(const Spot& at, const Names& allowed, std::string_view what, Fields* out,
                 bool open) {
  out->self.node.reset(at.node);
  out->self.mark = at.mark;
  out->self.path = at.path;
  out->entries.clear();
  if (at.node.IsNull()) return true;
  if (!at.node.IsMap()) {
    std::string expected = "expected " + std::string(what);
    if (!open) expected += " (a map with keys " + Join(allowed) + ")";
    Report(at, expected + ", got " + Describe(at.node));
    return false;
  }
  std::map<std::string, int, std::less<>> first_line;
  for (auto it = at.node.begin(); it != at.node.end(); ++it) {
    if (!Spend()) return false;
    YAML::Node key = it->first;  // copies: `it->` yields a temporary
    YAML::Node value = it->second;
    if (!key.IsScalar()) {
      Report(key.Mark(), at.path, "keys must be plain names, got " + Describe(key));
      continue;
    }
    const std::string& name = key.Scalar();
    Spot spot = Child(at, key, value, name);
    if (!open && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      Report(key.Mark(), spot.path,
             "unknown key " + Quote(name) + DidYouMean(name, allowed) +
                 " (allowed: " + Join(allowed) + ")");
      continue;
    }
    auto [seen, inserted] = first_line.emplace(name, key.Mark().line + 1);
    if (!inserted) {
      Report(key.Mark(), spot.path,
             "key " + Quote(name) + " appears twice (first on line " +
                 std::to_string(seen->second) + ")");
      continue;
    }
    out->entries.push_back({name, key, std::move(spot)});
  }
  return true;
}

bool Loader::List(const Spot& at, std::string_view what, std::vector<Spot>* items) {
  items->clear();
  if (at.node.IsNull()) return true;
  if (!at.node.IsSequence()) {
    Report(at, "expected " + std::string(what) + ", got " + Describe(at.node));
    return false;
  }
  size_t i = 0;
  for (auto it = at.node.begin(); it != at.node.end(); ++it, ++i) {
    if (!Spend()) return false;
    YAML::Node item = *it;
    YAML::Mark mark = item.IsNull() || item.Mark().is_null() ? at.mark : item.Mark();
    std::string path = at.path + "[" + std::to_string(i) + "]";
    items->push_back({item, mark, std::move(path)});
  }
  return true;
}

std::optional<std::string> Loader::String(const Spot& at) {
  if (!at.node.IsScalar()) {
    Report(at, "expected a string, got " + Describe(at.node));
    return std::nullopt;
  }
  return at.node.Scalar();
}

std::optional<std::string> Loader::Id(const Spot& at, bool strict) {
  std::optional<std::string> id = String(at);
  if (!id) return std::nullopt;
  if (id->empty()) {
    Report(at, "an id must not be empty");
    return std::nullopt;
  }
  if (id->size() > kMaxIdLength) {
    Report(at, "an id must be at most " + std::to_string(kMaxIdLength) + " characters");
    return std::nullopt;
  }
  for (char c : *id) {
    if (!IsIdChar(c, strict)) {
      Report(at, "id " + Quote(*id) +
                     (strict ? " may hold only letters, digits and '_' (expressions read it as "
                               "agent.skill.<id>)"
                             : " may hold only letters, digits and '_', '-', '.', '@'"));
      return std::nullopt;
    }
  }
  return id;
}

std::optional<int64_t> Loader::Int(const Spot& at, int64_t min, int64_t max) {
  const std::string& text = at.node.Scalar();
  int64_t value = 0;
  bool parsed = false;
  if (at.node.IsScalar() && IsUntypedOr(at.node, "tag:yaml.org,2002:int") && !text.empty()) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (*begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec == std::errc::result_out_of_range) {
      Report(at, "integer " + Quote(text) + " is out of range");
      return std::nullopt;
    }
    parsed = ec == std::errc() && ptr == end;
  }
  if (!parsed) {
    std::string got = Describe(at.node);
    if (at.node.IsScalar() && !IsUntypedOr(at.node, "tag:yaml.org,2002:int")) {
      got = "the string " + got;
    }
    Report(at, "expected an integer, got " + got);
    return std::nullopt;
  }
  if (value < min) {
    Report(at, min == 0 ? "must not be negative (got " + text + ")"
                        : "must be at least " + std::to_string(min) + " (got " + text + ")");
    return std::nullopt;
  }
  if (value > max) {
    Report(at, "must be at most " + std::to_string(max) + " (got " + text + ")");
    return std::nullopt;
  }
  return value;
}

std::optional<double> Loader::Number(const Spot& at) {
  const std::string& text = at.node.Scalar();
  double value = 0;
  bool parsed = false;
  if (at.node.IsScalar() &&
      (IsUntypedOr(at.node, "tag:yaml.org,2002:float") ||
       IsUntypedOr(at.node, "tag:yaml.org,2002:int")) &&
      !text.empty()) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (*begin == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, value);
    parsed = ec == std::errc() && ptr == end && std::isfinite(value);
  }
  if (!parsed) {
    Report(at, "expected a number, got " + Describe(at.node));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Loader::Bool(const Spot& at) {
  if (at.node.IsScalar() && IsUntypedOr(at.node, "tag:yaml.org,2002:bool")) {
    const std::string& text = at.node.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  Report(at, "expected true or false, got " + Describe(at.node));
  return std::nullopt;
}

std::optional<Duration> Loader::DurationValue(const Spot& at, bool positive) {
  if (!at.node.IsScalar()) {
    Report(at, "expected a duration (e.g. 20s, 3m, 1.5h or a number of seconds), got " +
                   Describe(at.node));
    return std::nullopt;
  }
  const std::string& text = at.node.Scalar();
  if (!text.empty() && text[0] == '-') {
    Report(at, "a duration must not be negative (got " + Quote(text) + ")");
    return std::nullopt;
  }
  Result<Duration> d = ParseCompoundDuration(text);
  if (!d.ok()) {
    Report(at, d.error().message);
    return std::nullopt;
  }
  if (positive && *d <= Duration::zero()) {
    Report(at, "a duration must be positive here (got " + Quote(text) + ")");
    return std::nullopt;
  }
  return *d;
}

template <typename E>
std::optional<E> Loader::Enum(const Spot& at, const Choices<E>& choices, std::string_view what) {
  Names names = ChoiceNames(choices);
  if (!at.node.IsScalar()) {
    Report(at, "expected " + std::string(what) + " (one of: " + Join(names) + "), got " +
                   Describe(at.node));
    return std::nullopt;
  }
  const std::string& text = at.node.Scalar();
  for (const auto& [name, value] : choices) {
    if (name == text) return value;
  }
  Report(at, "unknown " + std::string(what) + " " + Quote(text) + DidYouMean(text, names) +
                 " (expected one of: " + Join(names) + ")");
  return std::nullopt;
}

std::optional<Expression> Loader::ExpressionValue(const Spot& at) {
  std::optional<std::string> text = String(at);
  if (!text) return std::nullopt;
  Result<Expression> e = Expression::Parse(*text);
  if (!e.ok()) {
    Report(at, "bad expression " + Quote(*text) + ": " + e.error().message);
    return std::nullopt;
  }
  return std::move(e).value();
}

template <typename Id>
std::optional<Id> Loader::Reference(const Spot& at, std::string_view kind, std::string_view section,
                                    const IdTable& ids) {
  std::optional<std::string> name = String(at);
  if (!name) return std::nullopt;
  auto it = ids.find(*name);
  if (it != ids.end()) return Id(it->second.index);
  // Suggestions cost a distance per id: skipped for very large centers.
  Names known;
  if (ids.size() <= 2000) {
    for (const auto& [id, entry] : ids) known.push_back(id);
    std::sort(known.begin(), known.end());
  }
  Report(at, std::string(kind) + " " + Quote(*name) + " is not defined under '" +
                 std::string(section) + "'" + DidYouMean(*name, known));
  return std::nullopt;
}

// ---- center and settings ----------------------------------------------------------------------

std::optional<int> ParseUtcOffset(std::string_view text) {
  if (text == "Z" || text == "UTC") return 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') {
    return std::nullopt;
  }
  auto digits = [&](size_t at) -> int {
    char a = text[at], b = text[at + 1];
    if (a < '0' || a > '9' || b < '0' || b > '9') return -1;
    return (a - '0') * 10 + (b - '0');
  };
  int hours = digits(1), minutes = digits(4);
  if (hours < 0 || minutes < 0 || minutes >= 60) return std::nullopt;
  int total = hours * 60 + minutes;
  if (total > 14 * 60) return std::nullopt;
  return text[0] == '-' ? -total : total;
}

void Loader::ReadCenter(const Spot& at) {
  Fields f;
  if (!Map(at, kCenterKeys, "the center block", &f)) return;
  if (const Entry* e = f.Find("name")) {
    if (auto name = String(e->value)) {
      if (name->empty()) {
        Report(e->value, "the center name must not be empty");
      } else {
        center_.name = *name;
      }
    }
  } else {
    Missing(f, "name");
  }
  if (const Entry* e = f.Find("utc_offset")) {
    if (auto text = String(e->value)) {
      if (auto minutes = ParseUtcOffset(*text)) {
        center_.settings.utc_offset_minutes = *minutes;
      } else {
        Report(e->value,
               "expected a UTC offset such as \"+08:00\" or \"-05:30\" (at most 14:00), "
               "got " +
                   Quote(*text));
      }
    }
  }
}

std::optional<WrapupPolicy> Loader::ReadWrapup(const Spot& at, WrapupPolicy base) {
  Fields f;
  if (!Map(at, kWrapupKeys, "a wrap-up policy", &f)) return std::nullopt;
  bool ok = true;
  if (const Entry* e = f.Find("mode")) {
    auto mode = Enum(e->value, kWrapupModes, "wrap-up mode");
    if (mode) base.mode = *mode;
    ok = ok && mode.has_value();
  }
  if (const Entry* e = f.Find("duration")) {
    auto d = DurationValue(e->value, false);
    if (d) base.duration = *d;
    ok = ok && d.has_value();
  }
  if (!ok) return std::nullopt;
  return base;
}

void Loader::ReadSettings(const Spot& at) {
  Fields f;
  if (!Map(at, kSettingsKeys, "the settings block", &f)) return;
  core::Settings& s = center_.settings;
  if (const Entry* e = f.Find("offer_timeout")) {
    if (auto d = DurationValue(e->value, true)) s.offer_timeout = *d;
  }
  if (const Entry* e = f.Find("backoff")) {
    Fields b;
    if (Map(e->value, kBackoffKeys, "back-off durations", &b)) {
      for (const Entry& be : b.entries) {
        auto d = DurationValue(be.value, false);
        if (!d) continue;
        if (be.name == "reject") s.backoff_reject = *d;
        if (be.name == "busy") s.backoff_busy = *d;
        if (be.name == "no_answer") s.backoff_no_answer = *d;
      }
    }
  }
  if (const Entry* e = f.Find("max_missed_offers")) {
    if (auto n = Int(e->value, 0, kMaxMagnitude)) s.max_missed_offers = static_cast<int>(*n);
  }
  if (const Entry* e = f.Find("wrapup")) {
    if (auto w = ReadWrapup(e->value, s.wrapup)) s.wrapup = *w;
  }
}

// ---- lists of objects with ids ----------------------------------------------------------------

// A quiet first pass over a list of objects: records each id at its first item, so references
// can point forward (a profile naming a queue defined further down). Problems are reported later,
// when each item is read.
void Loader::RegisterIds(const Spot& at, IdTable* ids) {
  if (!at.node.IsSequence()) return;
  uint32_t index = 0;
  for (auto it = at.node.begin(); it != at.node.end() && !stopped_; ++it, ++index) {
    if (!Spend()) return;
    YAML::Node item = *it;
    if (!item.IsMap()) continue;
    for (auto field = item.begin(); field != item.end(); ++field) {
      if (field->first.IsScalar() && field->first.Scalar() == "id" && field->second.IsScalar()) {
        if (!field->second.Scalar().empty()) {
          ids->emplace(field->second.Scalar(), IdEntry{index, field->second.Mark()});
        }
        break;
      }
    }
  }
}

std::optional<std::string> Loader::ReadId(const Fields& f, std::string_view kind, uint32_t index,
                                          const IdTable& ids, bool strict) {
  const Entry* e = f.Find("id");
  if (!e) {
    Missing(f, "id");
    return std::nullopt;
  }
  std::optional<std::string> id = Id(e->value, strict);
  if (!id) return std::nullopt;
  auto it = ids.find(*id);
  if (it != ids.end() && it->second.index != index) {
    std::string first = std::to_string(it->second.index + 1);
    if (!it->second.mark.is_null()) first += ", line " + std::to_string(it->second.mark.line + 1);
    Report(e->value, "duplicate " + std::string(kind) + " id " + Quote(*id) + " (first used by " +
                         std::string(kind) + " #" + first + ")");
    return std::nullopt;
  }
  return id;
}

void Loader::ReadSkills(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of skills", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped_; ++i) {
    center_.skills.emplace_back();
    core::Skill& skill = center_.skills.back();
    Fields f;
    if (!Map(items[i], kSkillKeys, "a skill", &f)) continue;
    if (auto id = ReadId(f, "skill", i, skill_ids_, /*strict=*/true)) skill.id = skill.name = *id;
    if (const Entry* e = f.Find("name")) {
      if (auto name = String(e->value)) skill.name = *name;
    }
  }
}

void Loader::ReadDispositions(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of dispositions", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped_; ++i) {
    center_.dispositions.emplace_back();
    core::Disposition& d = center_.dispositions.back();
    Fields f;
    if (!Map(items[i], kDispositionKeys, "a disposition", &f)) continue;
    if (auto id = ReadId(f, "disposition", i, disposition_ids_, false)) d.id = d.name = *id;
    if (const Entry* e = f.Find("name")) {
      if (auto name = String(e->value)) d.name = *name;
    }
  }
}

void Loader::ReadProfiles(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of routing profiles", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped_; ++i) {
    center_.profiles.emplace_back();
    RoutingProfile& p = center_.profiles.back();
    Fields f;
    if (!Map(items[i], kProfileKeys, "a routing profile", &f)) continue;
    if (auto id = ReadId(f, "profile", i, profile_ids_, false)) p.id = *id;
    if (const Entry* e = f.Find("global_longest_waiting")) {
      if (auto b = Bool(e->value)) p.global_longest_waiting = *b;
    }
    const Entry* queues = f.Find("queues");
    if (!queues) continue;
    std::vector<Spot> entries;
    if (!List(queues->value, "a list of {queue, priority, delay}", &entries)) continue;
    std::set<QueueId> seen;
    for (const Spot& item : entries) {
      Fields qf;
      if (!Map(item, kProfileQueueKeys, "a profile queue", &qf)) continue;
      core::ProfileQueue pq;
      bool ok = true;
      if (const Entry* e = qf.Find("queue")) {
        auto q = QueueRef(e->value);
        if (q && !seen.insert(*q).second) {
          Report(e->value,
                 "queue " + Quote(e->value.node.Scalar()) + " is listed twice in this profile");
          q.reset();
        }
        ok = q.has_value();
        if (q) pq.queue = *q;
      } else {
        Missing(qf, "queue");
        ok = false;
      }
      if (const Entry* e = qf.Find("priority")) {
        auto n = Int(e->value, -kMaxMagnitude, kMaxMagnitude);
        if (n) pq.priority = static_cast<int>(*n);
      }
      if (const Entry* e = qf.Find("delay")) {
        auto d = DurationValue(e->value, false);
        if (d) pq.delay = *d;
      }
      if (ok) p.queues.push_back(pq);
    }
  }
}

// ---- agents -----------------------------------------------------------------------------------

std::optional<Value> Loader::AttributeValue(const Spot& at, bool allow_list) {
  const YAML::Node& n = at.node;
  if (n.IsNull()) return Value();
  if (n.IsScalar()) {
    const std::string& text = n.Scalar();
    if (n.Tag() == "?") {
      if (text == "true" || text == "True" || text == "TRUE") return Value(true);
      if (text == "false" || text == "False" || text == "FALSE") return Value(false);
      if (text == "null" || text == "Null" || text == "NULL" || text == "~") return Value();
      double d = 0;
      const char* begin = text.data();
      const char* end = begin + text.size();
      if (!text.empty() && *begin == '+') ++begin;
      auto [ptr, ec] = std::from_chars(begin, end, d);
      if (!text.empty() && ec == std::errc() && ptr == end && std::isfinite(d)) return Value(d);
    }
    return Value(text);
  }
  if (n.IsSequence() && allow_list) {
    std::vector<Spot> items;
    if (!List(at, "a list", &items)) return std::nullopt;
    Value::List list;
    for (const Spot& item : items) {
      auto v = AttributeValue(item, false);
      if (!v) return std::nullopt;
      list.push_back(std::move(*v));
    }
    return Value(std::move(list));
  }
  Report(at, std::string(allow_list ? "expected a scalar or a list of scalars"
                                    : "expected a scalar inside an attribute list") +
                 ", got " + Describe(n));
  return std::nullopt;
}

void Loader::ReadAttributes(const Spot& at, std::map<std::string, Value>* out) {
  Fields f;
  if (!Map(at, {}, "a map of attributes", &f, /*open=*/true)) return;
  for (const Entry& e : f.entries) {
    bool valid = !e.name.empty() && e.name.size() <= kMaxIdLength;
    for (char c : e.name) valid = valid && IsIdChar(c, /*strict=*/true);
    if (!valid) {
      Report(e.key.Mark(), e.value.path,
             "attribute name " + Quote(e.name) +
                 " may hold only letters, digits and '_' (expressions read it as agent.<name>)");
      continue;
    }
    if (std::find(kReservedAttributes.begin(), kReservedAttributes.end(), e.name) !=
        kReservedAttributes.end()) {
      Report(e.key.Mark(), e.value.path,
             "attribute name " + Quote(e.name) + " is reserved (agent." + e.name + " is built in)");
      continue;
    }
    if (auto v = AttributeValue(e.value, true)) (*out)[e.name] = std::move(*v);
  }
}

void Loader::ReadAgent(const Spot& at, uint32_t index, AgentDefinition* agent) {
  Fields f;
  if (!Map(at, kAgentKeys, "an agent", &f)) return;
  if (auto id = ReadId(f, "agent", index, agent_ids_, false)) agent->id = agent->name = *id;
  if (const Entry* e = f.Find("name")) {
    if (auto name = String(e->value)) agent->name = *name;
  }
  if (const Entry* e = f.Find("skills")) {
    Fields skills;
    if (Map(e->value, {}, "a map of skill id -> level", &skills, /*open=*/true)) {
      for (const Entry& s : skills.entries) {
        Spot key_spot{s.key, s.key.Mark(), s.value.path};
        auto skill = SkillRef(key_spot);
        auto level = Int(s.value, 1, kMaxMagnitude);
        if (skill && level) agent->skills[*skill] = static_cast<int>(*level);
      }
    }
  }
  agent->capacity = {};
  agent->capacity[static_cast<size_t>(Channel::kVoice)] = 1;
  if (const Entry* e = f.Find("capacity")) {
    agent->capacity = {};
    Fields capacity;
    if (Map(e->value, {}, "a map of channel -> capacity", &capacity, /*open=*/true)) {
      for (const Entry& c : capacity.entries) {
        auto channel = core::ParseChannel(c.name);
        if (!channel) {
          Names names = ChannelNames();
          Report(c.key.Mark(), c.value.path,
                 "unknown channel " + Quote(c.name) + DidYouMean(c.name, names) +
                     " (expected one of: " + Join(names) + ")");
          continue;
        }
        if (auto n = Int(c.value, 0, kMaxMagnitude)) {
          agent->capacity[static_cast<size_t>(*channel)] = static_cast<int>(*n);
        }
      }
    }
  }
  if (const Entry* e = f.Find("cross_channel")) {
    static const Choices<core::CrossChannelRule> kRules = {
        {"any", core::CrossChannelRule::kAny},
        {"same_channel_only", core::CrossChannelRule::kSameChannelOnly},
        {"exclusive", core::CrossChannelRule::kExclusive}};
    if (auto r = Enum(e->value, kRules, "cross-channel rule")) agent->cross_channel = *r;
  }
  if (const Entry* e = f.Find("profile")) {
    if (auto p = ProfileRef(e->value)) agent->profile = *p;
  }
  if (const Entry* e = f.Find("attributes")) ReadAttributes(e->value, &agent->attributes);
  if (const Entry* e = f.Find("weight")) {
    if (auto w = Number(e->value)) {
      if (*w > 0 && *w <= 1e9) {
        agent->weight = *w;
      } else {
        Report(e->value, "weight must be a positive number (at most 1e9), got " +
                             Quote(e->value.node.Scalar()));
      }
    }
  }
}

void Loader::ReadAgents(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of agents", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped_; ++i) {
    center_.agents.emplace_back();
    ReadAgent(items[i], i, &center_.agents.back());
  }
}

// ---- queues -----------------------------------------------------------------------------------

void Loader::ReadAgentOrder(const Spot& at, Queue* queue) {
  static const Names kNames = AgentOrderNames();
  std::vector<Spot> items;
  if (at.node.IsScalar()) {
    items.push_back(at);
  } else if (at.node.IsSequence()) {
    if (!List(at, "", &items)) return;
    if (items.empty()) {
      Report(at, "agent_order must name at least one order");
      return;
    }
  } else {
    Report(at, "expected a preset name or a list of them, got " + Describe(at.node));
    return;
  }
  std::vector<AgentOrder> orders;
  for (const Spot& item : items) {
    if (!item.node.IsScalar()) {
      Report(item,
             "expected a preset name (one of: " + Join(kNames) + "), got " + Describe(item.node));
      return;
    }
    const std::string& name = item.node.Scalar();
    auto order = core::ParseAgentOrder(name);
    if (!order) {
      Report(item, "unknown preset " + Quote(name) + DidYouMean(name, kNames) +
                       " (expected one of: " + Join(kNames) + ")");
      return;
    }
    if (std::find(orders.begin(), orders.end(), *order) != orders.end()) {
      Report(item, "preset " + Quote(name) + " is listed twice");
      return;
    }
    orders.push_back(*order);
  }
  queue->agent_order = std::move(orders);
}

void Loader::ReadOffer(const Spot& at, Queue* queue) {
  if (at.node.IsScalar()) {
    if (auto mode = Enum(at, kOfferModes, "offer mode")) queue->offer_mode = *mode;
    return;
  }
  Fields f;
  if (!Map(at, kOfferKeys, "an offer mode (a name or a map)", &f)) return;
  const Entry* mode_entry = f.Find("mode");
  if (!mode_entry) {
    Missing(f, "mode");
    return;
  }
  auto mode = Enum(mode_entry->value, kOfferModes, "offer mode");
  if (!mode) return;
  queue->offer_mode = *mode;
  if (const Entry* e = f.Find("count")) {
    if (*mode != OfferMode::kParallel) {
      Report(e->key.Mark(), e->value.path, "'count' applies only to mode parallel");
    } else if (auto n = Int(e->value, 1, 1000)) {
      queue->parallel_count = static_cast<int>(*n);
    }
  }
  if (const Entry* e = f.Find("step")) {
    if (*mode != OfferMode::kProgressive) {
      Report(e->key.Mark(), e->value.path, "'step' applies only to mode progressive");
    } else if (auto d = DurationValue(e->value, true)) {
      queue->progressive_step = *d;
    }
  }
}

void Loader::ReadTaskOrder(const Spot& at, Queue* queue) {
  if (at.node.IsScalar()) {
    if (auto order = Enum(at, kTaskOrders, "task order")) queue->task_order = *order;
    return;
  }
  Fields f;
  if (!Map(at, kTaskOrderKeys, "a task order (a name or a map)", &f)) return;
  const Entry* mode_entry = f.Find("mode");
  if (!mode_entry) {
    Missing(f, "mode");
    return;
  }
  auto order = Enum(mode_entry->value, kTaskOrders, "task order");
  if (!order) return;
  queue->task_order = *order;
  if (const Entry* e = f.Find("seconds_per_point")) {
    if (*order != TaskOrder::kTimeOffset) {
      Report(e->key.Mark(), e->value.path, "'seconds_per_point' applies only to mode time_offset");
    } else if (auto d = DurationValue(e->value, true)) {
      queue->seconds_per_point = *d;
    }
  }
}

void Loader::ReadMembers(const Spot& at, Queue* queue) {
  std::vector<Spot> items;
  if (!List(at, "a list of members", &items)) return;
  std::set<AgentId> seen;
  for (size_t i = 0; i < items.size(); ++i) {
    const Spot& item = items[i];
    QueueMember member;
    member.position = static_cast<int>(i);
    // Built once, never assigned: assigning a yaml-cpp Node rewrites the node it refers to.
    std::optional<Spot> agent_spot;
    if (item.node.IsMap()) {
      Fields f;
      if (!Map(item, kMemberKeys, "a member", &f)) continue;
      if (const Entry* e = f.Find("tier")) {
        if (auto n = Int(e->value, 1, kMaxMagnitude)) member.tier = static_cast<int>(*n);
      }
      if (const Entry* e = f.Find("position")) {
        if (auto n = Int(e->value, 0, kMaxMagnitude)) member.position = static_cast<int>(*n);
      }
      const Entry* agent = f.Find("agent");
      if (!agent) {
        Missing(f, "agent");
        continue;
      }
      agent_spot.emplace(agent->value);
    } else if (item.node.IsScalar()) {
      agent_spot.emplace(item);
    } else {
      Report(item, "expected an agent id or a map with keys " + Join(kMemberKeys) + ", got " +
                       Describe(item.node));
      continue;
    }
    auto agent = AgentRef(*agent_spot);
    if (!agent) continue;
    if (!seen.insert(*agent).second) {
      Report(*agent_spot, "agent " + Quote(agent_spot->node.Scalar()) + " is a member twice");
      continue;
    }
    member.agent = *agent;
    queue->members.push_back(member);
  }
}

void Loader::ReadRequirements(const Spot& at, bool optional, std::vector<SkillRequirement>* out) {
  Fields f;
  if (!Map(at, {}, "a map of skill id -> minimum level", &f, /*open=*/true)) return;
  for (const Entry& e : f.entries) {
    Spot key_spot{e.key, e.key.Mark(), e.value.path};
    auto skill = SkillRef(key_spot);
    auto level = Int(e.value, 1, kMaxMagnitude);
    if (!skill || !level) continue;
    bool twice = false;
    for (const SkillRequirement& r : *out) twice = twice || r.skill == *skill;
    if (twice) {
      Report(key_spot, "skill " + Quote(e.name) + " is both required and optional in this step");
      continue;
    }
    out->push_back({*skill, static_cast<int>(*level), optional});
  }
}

void Loader::ReadRings(const Spot& at, std::vector<Ring>* rings) {
  std::vector<Spot> items;
  if (!List(at, "a list of rings", &items)) return;
  std::optional<Duration> previous;
  for (const Spot& item : items) {
    Fields f;
    if (!Map(item, kRingKeys, "a ring", &f)) continue;
    Ring ring;
    bool after_ok = true;
    if (const Entry* e = f.Find("after")) {
      auto d = DurationValue(e->value, false);
      after_ok = d.has_value();
      if (d) ring.after = *d;
      if (d && previous && *d < *previous) {
        Report(e->value, "rings must be sorted by 'after' (" + FormatDuration(*d) +
                             " comes after " + FormatDuration(*previous) + ")");
      }
    }
    if (after_ok) previous = ring.after;
    if (const Entry* e = f.Find("max_tier")) {
      if (auto n = Int(e->value, 1, kMaxMagnitude)) ring.max_tier = static_cast<int>(*n);
    }
    if (const Entry* e = f.Find("drop_optional")) {
      if (auto b = Bool(e->value)) ring.drop_optional = *b;
    }
    if (const Entry* e = f.Find("add")) ring.add = ExpressionValue(e->value);
    if (const Entry* e = f.Find("priority_add")) {
      if (auto n = Int(e->value, -kMaxMagnitude, kMaxMagnitude)) {
        ring.priority_add = static_cast<int>(*n);
      }
    }
    rings->push_back(std::move(ring));
  }
}

void Loader::ReadStep(const Spot& at, Step* step) {
  Fields f;
  if (!Map(at, kStepKeys, "a plan step", &f)) return;
  if (const Entry* e = f.Find("when")) {
    step->when = ExpressionValue(e->value);
    if (step->when) {
      for (const core::KeyPath& key : step->when->keys()) {
        if (key.root == KeyRoot::kAgent) {
          Report(e->value, "a step's 'when' reads task, queue and time keys, but " +
                               Quote(key.text) + " is an agent key");
          step->when.reset();
          break;
        }
      }
    }
  }
  if (const Entry* e = f.Find("requires")) ReadRequirements(e->value, false, &step->requirements);
  if (const Entry* e = f.Find("optional")) ReadRequirements(e->value, true, &step->requirements);
  if (const Entry* e = f.Find("rings")) ReadRings(e->value, &step->rings);
  if (const Entry* e = f.Find("skip_when_empty")) {
    if (auto b = Bool(e->value)) step->skip_when_empty = *b;
  }
  if (const Entry* e = f.Find("timeout")) step->timeout = DurationValue(e->value, true);
  if (const Entry* e = f.Find("priority")) {
    if (auto n = Int(e->value, -kMaxMagnitude, kMaxMagnitude)) {
      step->priority = static_cast<int>(*n);
    }
  }
  if (const Entry* e = f.Find("queue")) step->queue = QueueRef(e->value);
  if (const Entry* e = f.Find("known_agent_window")) {
    step->known_agent_window = DurationValue(e->value, false);
  }
}

void Loader::ReadAdmission(const Spot& at, Queue* queue) {
  Fields f;
  if (!Map(at, kAdmissionKeys, "admission rules", &f)) return;
  core::Admission& a = queue->admission;
  if (const Entry* e = f.Find("max_length")) {
    if (auto n = Int(e->value, 1, kMaxMagnitude)) a.max_length = static_cast<int>(*n);
  }
  if (const Entry* e = f.Find("join_when_empty")) {
    if (auto w = Enum(e->value, kEmptyWhens, "emptiness condition")) a.join_when_empty = *w;
  }
  if (const Entry* e = f.Find("leave_when_empty")) {
    if (auto w = Enum(e->value, kEmptyWhens, "emptiness condition")) a.leave_when_empty = *w;
  }
  if (const Entry* e = f.Find("max_wait")) a.max_wait = DurationValue(e->value, true);
  if (const Entry* e = f.Find("max_wait_no_agents")) {
    a.max_wait_no_agents = DurationValue(e->value, true);
  }
}

void Loader::ReadExceptions(const Spot& at, uint32_t queue_index, Queue* queue) {
  std::vector<Spot> items;
  if (!List(at, "a list of exception rules", &items)) return;
  for (const Spot& item : items) {
    Fields f;
    if (!Map(item, kExceptionKeys, "an exception rule", &f)) continue;
    const Entry* when = f.Find("when");
    const Entry* act = f.Find("do");
    if (!when) Missing(f, "when");
    if (!act) Missing(f, "do");
    if (!when || !act) continue;
    ExceptionRule rule;
    bool ok = true;

    Fields wf;
    if (!Map(when->value, kTriggerKeys, "a trigger", &wf)) {
      ok = false;
    } else if (wf.entries.size() != 1) {
      // An empty list of known keys after an unknown one was reported needs no second message.
      if (!wf.entries.empty() || when->value.node.size() == 0) {
        Report(when->value, "a trigger needs exactly one of: " + Join(kTriggerKeys));
      }
      ok = false;
    } else {
      const Entry& t = wf.entries[0];
      if (t.name == "queue_length") {
        rule.trigger = ExceptionTrigger::kQueueLengthAtLeast;
        auto n = Int(t.value, 1, kMaxMagnitude);
        if (n) rule.count = static_cast<int>(*n);
        ok = ok && n.has_value();
      } else if (t.name == "plan_exhausted") {
        rule.trigger = ExceptionTrigger::kPlanExhausted;
        auto b = Bool(t.value);
        if (b && !*b) Report(t.value, "plan_exhausted can only be true");
        ok = ok && b.value_or(false);
      } else {
        rule.trigger = t.name == "wait"                 ? ExceptionTrigger::kWaitAtLeast
                       : t.name == "no_eligible_agents" ? ExceptionTrigger::kNoEligibleAgentsFor
                                                        : ExceptionTrigger::kEstimatedWaitAtLeast;
        auto d = DurationValue(t.value, false);
        if (d) rule.threshold = *d;
        ok = ok && d.has_value();
      }
    }

    Fields df;
    if (!Map(act->value, kActionKeys, "an action", &df)) {
      ok = false;
    } else if (df.entries.size() != 1) {
      if (!df.entries.empty() || act->value.node.size() == 0) {
        Report(act->value, "an action needs exactly one of: " + Join(kActionKeys));
      }
      ok = false;
    } else {
      const Entry& a = df.entries[0];
      if (a.name == "move_to") {
        rule.action = ExceptionAction::kMoveToQueue;
        rule.queue = QueueRef(a.value);
        if (rule.queue && rule.queue->value() == queue_index) {
          Report(a.value, "a queue cannot move interactions to itself");
          rule.queue.reset();
        }
        ok = ok && rule.queue.has_value();
      } else if (a.name == "priority") {
        rule.action = ExceptionAction::kSetPriority;
        auto n = Int(a.value, -kMaxMagnitude, kMaxMagnitude);
        if (n) rule.priority = static_cast<int>(*n);
        ok = ok && n.has_value();
      } else if (a.name == "route_to") {
        rule.action = ExceptionAction::kRouteElsewhere;
        auto target = String(a.value);
        if (target && target->empty()) Report(a.value, "route_to needs a target");
        if (target) rule.target = *target;
        ok = ok && target && !target->empty();
      } else {
        rule.action = a.name == "offer_callback" ? ExceptionAction::kOfferCallback
                                                 : ExceptionAction::kTimeOut;
        auto b = Bool(a.value);
        if (b && !*b) Report(a.value, a.name + " can only be true");
        ok = ok && b.value_or(false);
      }
    }
    if (ok) queue->exceptions.push_back(std::move(rule));
  }
}

void Loader::ReadQueue(const Spot& at, uint32_t index, Queue* queue) {
  Fields f;
  if (!Map(at, kQueueKeys, "a queue", &f)) return;
  if (auto id = ReadId(f, "queue", index, queue_ids_, false)) queue->id = queue->name = *id;
  if (const Entry* e = f.Find("name")) {
    if (auto name = String(e->value)) queue->name = *name;
  }
  if (const Entry* e = f.Find("service_level")) {
    Fields sl;
    if (Map(e->value, kServiceLevelKeys, "service level settings", &sl)) {
      if (const Entry* t = sl.Find("threshold")) {
        if (auto d = DurationValue(t->value, true)) queue->sl_threshold = *d;
      }
      if (const Entry* t = sl.Find("short_abandon")) {
        if (auto d = DurationValue(t->value, false)) queue->short_abandon = *d;
      }
    }
  }
  if (const Entry* e = f.Find("agent_order")) ReadAgentOrder(e->value, queue);
  if (const Entry* e = f.Find("offer")) ReadOffer(e->value, queue);
  if (const Entry* e = f.Find("task_order")) ReadTaskOrder(e->value, queue);
  if (const Entry* e = f.Find("lifo")) {
    if (auto b = Bool(e->value)) queue->lifo = *b;
  }
  if (const Entry* e = f.Find("weight")) {
    if (auto n = Int(e->value, -kMaxMagnitude, kMaxMagnitude)) {
      queue->weight = static_cast<int>(*n);
    }
  }
  if (const Entry* e = f.Find("offer_timeout")) {
    queue->offer_timeout = DurationValue(e->value, true);
  }
  if (const Entry* e = f.Find("wrapup")) {
    queue->wrapup = ReadWrapup(e->value, center_.settings.wrapup);
  }
  if (const Entry* e = f.Find("members")) ReadMembers(e->value, queue);
  if (const Entry* e = f.Find("membership")) {
    queue->membership = ExpressionValue(e->value);
    if (queue->membership) {
      for (const core::KeyPath& key : queue->membership->keys()) {
        if (key.root == KeyRoot::kTask || key.root == KeyRoot::kBare) {
          Report(e->value, "membership reads agent keys only, but " + Quote(key.text) +
                               " is a task key" +
                               (key.root == KeyRoot::kBare ? " (write agent." + key.text + "?)"
                                                           : std::string()));
          queue->membership.reset();
          break;
        }
      }
    }
  }
  const Entry* requires_entry = f.Find("requires");
  const Entry* plan_entry = f.Find("plan");
  if (requires_entry && plan_entry) {
    Report(requires_entry->key.Mark(), requires_entry->value.path,
           "'requires' cannot be used together with 'plan' (it is shorthand for a one-step plan; "
           "put the requirements in the plan's steps)");
  }
  if (plan_entry) {
    std::vector<Spot> steps;
    if (List(plan_entry->value, "a list of plan steps", &steps)) {
      if (steps.empty()) Report(plan_entry->value, "a plan needs at least one step");
      for (const Spot& s : steps) {
        queue->plan.emplace_back();
        ReadStep(s, &queue->plan.back());
      }
    }
  } else {
    queue->plan.emplace_back();
    if (requires_entry) {
      ReadRequirements(requires_entry->value, false, &queue->plan.back().requirements);
    }
  }
  if (const Entry* e = f.Find("admission")) ReadAdmission(e->value, queue);
  if (const Entry* e = f.Find("exceptions")) ReadExceptions(e->value, index, queue);
}

void Loader::ReadQueues(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of queues", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped_; ++i) {
    center_.queues.emplace_back();
    ReadQueue(items[i], i, &center_.queues.back());
  }
}

// ---- the whole file ---------------------------------------------------------------------------

// Records where each document starts, without building nodes.
class DocumentCounter : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

void Loader::Load(std::string_view text) {
  const std::string input(text);
  YAML::Node document;
  try {
    // yaml-cpp 0.7 never gets past a stray flow token (",") at the top level: LoadAll would
    // return endless empty documents until memory runs out. So look at two documents at most;
    // a second one that does not start with '---' is stray content, not a document.
    std::istringstream stream(input);
    YAML::Parser parser(stream);
    DocumentCounter counter;
    while (counter.starts.size() < 2 && parser.HandleNextDocument(counter)) {
    }
    if (counter.starts.size() == 2) {
      const YAML::Mark& second = counter.starts[1];
      size_t at = second.pos < 0 ? input.size() : static_cast<size_t>(second.pos);
      if (at < input.size() && input.compare(at, 3, "---") == 0) {
        Report(second, "", "only one YAML document is allowed (found a second '---')");
      } else {
        std::string found = at < input.size() ? Quote(input.substr(at, 1)) : "content";
        Report(second, "",
               "YAML syntax error: unexpected " + found +
                   (second.pos == counter.starts[0].pos ? "" : " after the end of the document"));
        return;
      }
    }
    document.reset(YAML::Load(input));
  } catch (const YAML::Exception& e) {
    Report(e.mark, "", "YAML syntax error: " + e.msg);
    return;
  }
  if (document.IsNull()) {
    Report(YAML::Mark::null_mark(), "",
           "the file is empty; expected a map with keys " + Join(kTopKeys));
    return;
  }
  root_.reset(document);
  Spot root{root_, root_.Mark(), ""};
  Fields top;
  if (!root.node.IsMap()) {
    Report(root, "expected a map with keys " + Join(kTopKeys) + ", got " + Describe(root.node));
    return;
  }
  if (!Map(root, kTopKeys, "the center definition", &top)) return;

  if (const Entry* e = top.Find("center")) {
    ReadCenter(e->value);
  } else {
    Report(root.mark, "center", "missing required key 'center' (with the center's name)");
  }
  // Forward references are allowed, so every list's ids are known before any item is read.
  std::pair<const char*, IdTable*> tables[] = {{"skills", &skill_ids_},
                                               {"dispositions", &disposition_ids_},
                                               {"profiles", &profile_ids_},
                                               {"agents", &agent_ids_},
                                               {"queues", &queue_ids_}};
  for (auto& [name, table] : tables) {
    if (const Entry* e = top.Find(name)) RegisterIds(e->value, table);
  }
  if (const Entry* e = top.Find("settings")) ReadSettings(e->value);
  if (const Entry* e = top.Find("skills")) ReadSkills(e->value);
  if (const Entry* e = top.Find("dispositions")) ReadDispositions(e->value);
  if (const Entry* e = top.Find("profiles")) ReadProfiles(e->value);
  if (const Entry* e = top.Find("agents")) ReadAgents(e->value);
  if (const Entry* e = top.Find("queues")) ReadQueues(e->value);

  if (problems_.empty()) CheckValidation();
}

// The loader checks everything ValidateCenter does and more, with lines; this is the backstop.
// ValidateCenter names objects by id ("queues.support.plan[1].rings"); the file by index.
void Loader::CheckValidation() {
  Status status = core::ValidateCenter(center_);
  if (status.ok()) return;
  std::string field = status.error().field;
  auto by_index = [&](std::string_view plural, auto ids) {
    std::string prefix = std::string(plural) + ".";
    if (field.rfind(prefix, 0) != 0) return;
    size_t best_length = 0;
    size_t best_index = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      const std::string& id = ids[i];
      if (id.empty() || id.size() <= best_length) continue;
      if (field.compare(prefix.size(), id.size(), id) != 0) continue;
      size_t after = prefix.size() + id.size();
      if (after == field.size() || field[after] == '.' || field[after] == '[') {
        best_length = id.size();
        best_index = i;
      }
    }
    if (best_length > 0) {
      field = std::string(plural) + "[" + std::to_string(best_index) + "]" +
              field.substr(prefix.size() + best_length);
    }
  };
  auto ids_of = [](const auto& items) {
    std::vector<std::string> ids;
    for (const auto& item : items) ids.push_back(item.id);
    return ids;
  };
  by_index("queues", ids_of(center_.queues));
  by_index("agents", ids_of(center_.agents));
  by_index("profiles", ids_of(center_.profiles));
  by_index("skills", ids_of(center_.skills));
  by_index("dispositions", ids_of(center_.dispositions));
  Report(Locate(root_, field), field, status.error().message);
}

std::vector<ConfigProblem> Check(std::string_view text, std::string_view file_name,
                                 core::CenterDefinition* out) {
  std::vector<ConfigProblem> problems;
  bool truncated = false;
  try {
    Loader loader(file_name);
    loader.Load(text);
    problems = std::move(loader.problems());
    truncated = loader.truncated();
    if (problems.empty() && out != nullptr) *out = std::move(loader.center());
  } catch (const std::exception& e) {
    problems.push_back({std::string(file_name), 0, 0, "",
                        std::string("internal error while reading the file: ") + e.what()});
  } catch (...) {
    problems.push_back({std::string(file_name), 0, 0, "", "internal error while reading the file"});
  }
  std::stable_sort(problems.begin(), problems.end(),
                   [](const ConfigProblem& a, const ConfigProblem& b) {
                     return std::pair(a.line, a.column) < std::pair(b.line, b.column);
                   });
  if (truncated) {
    problems.push_back({std::string(file_name), 0, 0, "",
                        "too many problems; stopped after " + std::to_string(kMaxProblems)});
  }
  return problems;
}

// Reads at most kMaxCenterFileBytes + 1 bytes, so a huge or endless file (a device) is refused
// without reading it all.
Result<std::string> ReadFile(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    int error = errno;
    std::string message = "cannot open " + path + ": " + std::strerror(error);
    if (error == ENOENT) return Error::NotFound(message);
    return Error{ErrorCode::kInternal, message, ""};
  }
  std::string text;
  char buffer[64 * 1024];
  bool failed = false;
  while (text.size() <= kMaxCenterFileBytes) {
    size_t n = std::fread(buffer, 1, sizeof buffer, file);
    text.append(buffer, n);
    if (n < sizeof buffer) {
      failed = std::ferror(file) != 0;
      break;
    }
  }
  int error = errno;
  std::fclose(file);
  if (failed) {
    return Error{ErrorCode::kInternal, "cannot read " + path + ": " + std::strerror(error), ""};
  }
  if (text.size() > kMaxCenterFileBytes) {
    return Error::InvalidArgument(path + ": the file is larger than " +
                                  std::to_string(kMaxCenterFileBytes >> 20) +
                                  " MiB; a center definition is far smaller");
  }
  return text;
}

}  // namespace

std::string FormatProblem(const ConfigProblem& problem) {
  std::string out = problem.file;
  if (problem.line > 0) {
    out += ":" + std::to_string(problem.line);
    if (problem.column > 0) out += ":" + std::to_string(problem.column);
  }
  out += ": ";
  if (!problem.key.empty()) out += problem.key + ": ";
  return out + problem.message;
}

std::vector<ConfigProblem> CheckCenterYaml(std::string_view text, std::string_view file_name,
                                           core::CenterDefinition* out) {
  if (text.size() > kMaxCenterFileBytes) {
    return {{std::string(file_name), 0, 0, "",
             "the file is larger than " + std::to_string(kMaxCenterFileBytes >> 20) +
                 " MiB; a center definition is far smaller"}};
  }
  return Check(text, file_name, out);
}

std::vector<ConfigProblem> CheckCenterFile(const std::string& path, core::CenterDefinition* out) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return {{path, 0, 0, "", text.error().message}};
  return Check(*text, path, out);
}

Result<core::CenterDefinition> ParseCenterYaml(std::string_view text, std::string_view file_name) {
  core::CenterDefinition center;
  std::vector<ConfigProblem> problems = CheckCenterYaml(text, file_name, &center);
  if (!problems.empty()) {
    return Error::InvalidArgument(FormatProblem(problems.front()), problems.front().key);
  }
  return center;
}

Result<core::CenterDefinition> LoadCenterFile(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) return text.error();
  return ParseCenterYaml(*text, path);
}

}  // namespace hotline::config
