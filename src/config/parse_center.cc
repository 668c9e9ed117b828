// The top level of a center file (the whole document, center, settings, skills, dispositions,
// profiles), the ids every list registers for references, and the ValidateCenter backstop.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/center_parser.h"

namespace hotline::config::internal {

using core::QueueId;
using core::RoutingProfile;
using core::WrapupMode;
using core::WrapupPolicy;

namespace {

// `flows`, `numbers` and `hours` are read by FlowParser (parse_flows.cc) and `voice` by the voice
// module; this parser accepts and skips them.
const Names kTopKeys = {"center", "settings", "skills",  "dispositions", "profiles", "agents",
                        "queues", "flows",    "numbers", "hours",        "voice"};
const Names kCenterKeys = {"name", "utc_offset"};
const Names kSettingsKeys = {"offer_timeout", "backoff", "max_missed_offers", "wrapup"};
const Names kBackoffKeys = {"reject", "busy", "no_answer"};
const Names kWrapupKeys = {"mode", "duration"};
const Names kSkillKeys = {"id", "name"};
const Names kDispositionKeys = {"id", "name"};
const Names kProfileKeys = {"id", "global_longest_waiting", "queues"};
const Names kProfileQueueKeys = {"queue", "priority", "delay"};

const Choices<WrapupMode> kWrapupModes = {{"none", WrapupMode::kNone},
                                          {"timed", WrapupMode::kTimed},
                                          {"discretionary", WrapupMode::kDiscretionary}};

}  // namespace

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

// ---- center and settings ----------------------------------------------------------------------

void CenterParser::ReadCenter(const Spot& at) {
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

std::optional<WrapupPolicy> CenterParser::ReadWrapup(const Spot& at, WrapupPolicy base) {
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

void CenterParser::ReadSettings(const Spot& at) {
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
void CenterParser::RegisterIds(const Spot& at, IdTable* ids) {
  if (!at.node.IsSequence()) return;
  uint32_t index = 0;
  for (auto it = at.node.begin(); it != at.node.end() && !stopped(); ++it, ++index) {
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

std::optional<std::string> CenterParser::ReadId(const Fields& f, std::string_view kind,
                                                uint32_t index, const IdTable& ids, bool strict) {
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

void CenterParser::ReadSkills(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of skills", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped(); ++i) {
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

void CenterParser::ReadDispositions(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of dispositions", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped(); ++i) {
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

void CenterParser::ReadProfiles(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of routing profiles", &items)) return;
  for (uint32_t i = 0; i < items.size() && !stopped(); ++i) {
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

// ---- the whole file ---------------------------------------------------------------------------

void CenterParser::Load(std::string_view text) {
  YAML::Node document;
  if (!LoadDocument(text, &document)) return;
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

  if (problems().empty()) CheckValidation();
}

// The loader checks everything ValidateCenter does and more, with lines; this is the backstop.
// ValidateCenter names objects by id ("queues.support.plan[1].rings"); the file by index.
void CenterParser::CheckValidation() {
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

}  // namespace hotline::config::internal
