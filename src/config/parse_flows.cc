// The flow sections of a center file: the document, `hours`, `numbers`, `flows` (ids, start,
// default voice, node names) and the loop check. The nodes themselves: parse_flow_nodes.cc.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/center_parser.h"
#include "config/flow_parser.h"
#include "flow/check.h"
#include "flow/hours.h"

namespace hotline::config::internal {

namespace {

const Names kHoursKeys = {"id", "weekly", "holidays"};
const Names kFlowKeys = {"id", "voice", "start", "nodes"};
inline constexpr size_t kMaxNumberLength = 32;

bool IsNumberChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
         c == '*' || c == '#' || c == '.' || c == '_' || c == '-';
}

// "mon", "mon-fri" or "daily" -> the weekdays (0 = Monday) it covers.
std::optional<std::vector<int>> Weekdays(std::string_view text) {
  if (text == "daily") return std::vector<int>{0, 1, 2, 3, 4, 5, 6};
  size_t dash = text.find('-');
  auto first = flow::ParseWeekday(text.substr(0, dash));
  auto last = dash == std::string_view::npos ? first : flow::ParseWeekday(text.substr(dash + 1));
  if (!first || !last || *first > *last) return std::nullopt;
  std::vector<int> days;
  for (int d = *first; d <= *last; ++d) days.push_back(d);
  return days;
}

}  // namespace

// ---- ids for references -----------------------------------------------------------------------

// A quiet first pass: the ids of queues, hours and flows, so references may point anywhere in the
// file. Problems with the ids themselves are reported when each list is read.
void FlowParser::CollectIds(const YAML::Node& root) {
  std::pair<const char*, std::set<std::string>*> lists[] = {
      {"queues", &queue_ids_}, {"hours", &hours_ids_}, {"flows", &flow_ids_}};
  for (auto& [key, ids] : lists) {
    const YAML::Node list = root[key];  // a missing key is an invalid node: test IsDefined first
    if (!list.IsDefined() || !list.IsSequence()) continue;
    for (auto it = list.begin(); it != list.end() && Spend(); ++it) {
      YAML::Node item = *it;
      if (!item.IsMap()) continue;
      const YAML::Node id = item["id"];
      if (id.IsDefined() && id.IsScalar() && !id.Scalar().empty()) ids->insert(id.Scalar());
    }
  }
}

std::optional<std::string> FlowParser::Reference(const Spot& at, std::string_view kind,
                                                 std::string_view where,
                                                 const std::set<std::string>& ids) {
  std::optional<std::string> name = String(at);
  if (!name) return std::nullopt;
  if (ids.count(*name) > 0) return name;
  Names known;
  if (ids.size() <= 2000) known.assign(ids.begin(), ids.end());
  Report(at, std::string(kind) + " " + Quote(*name) + " is not defined in " + std::string(where) +
                 DidYouMean(*name, known));
  return std::nullopt;
}

// The center parser reports a bad offset; here it only has to be right when it is right.
void FlowParser::ReadCenterOffset(const YAML::Node& root) {
  const YAML::Node center = root["center"];
  if (!center.IsDefined() || !center.IsMap()) return;
  const YAML::Node offset = center["utc_offset"];
  if (!offset.IsDefined() || !offset.IsScalar()) return;
  if (auto minutes = ParseUtcOffset(offset.Scalar())) {
    book_.utc_offset = std::chrono::minutes(*minutes);
  }
}

// ---- hours --------------------------------------------------------------------------------------

void FlowParser::ReadWeekly(const Spot& at, flow::Hours* hours) {
  Fields f;
  if (!Map(at, {}, "weekly hours (a map such as mon-fri: \"09:00-18:00\")", &f, /*open=*/true)) {
    return;
  }
  std::set<int> seen;
  for (const Entry& e : f.entries) {
    auto days = Weekdays(e.name);
    if (!days) {
      Report(e.key.Mark(), e.value.path,
             "expected a weekday (mon, tue, wed, thu, fri, sat, sun), a range of them (mon-fri) "
             "or daily, got " +
                 Quote(e.name));
      continue;
    }
    if (std::any_of(days->begin(), days->end(), [&](int d) { return seen.count(d) > 0; })) {
      Report(e.key.Mark(), e.value.path, "a day is given twice in these weekly hours");
      continue;
    }
    seen.insert(days->begin(), days->end());
    std::vector<Spot> items;
    if (e.value.node.IsSequence()) {
      if (!List(e.value, "a list of ranges", &items)) continue;
    } else {
      items.push_back(e.value);
    }
    std::vector<flow::OpenRange> ranges;
    for (const Spot& item : items) {
      auto text = String(item);
      if (!text) continue;
      auto range = flow::ParseOpenRange(*text);
      if (!range) {
        Report(item,
               "expected an open range such as \"09:00-18:00\" (start before end, up to "
               "24:00), got " +
                   Quote(*text));
        continue;
      }
      ranges.push_back(*range);
    }
    for (int d : *days) hours->weekly[d] = ranges;
  }
}

void FlowParser::ReadHours(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of business hours ({id, weekly, holidays})", &items)) return;
  for (const Spot& item : items) {
    if (stopped()) return;
    Fields f;
    if (!Map(item, kHoursKeys, "business hours", &f)) continue;
    const Entry* id_entry = Required(f, "id");
    if (!id_entry) continue;
    auto id = Id(id_entry->value, false);
    if (!id) continue;
    if (book_.hours.count(*id) > 0) {
      Report(id_entry->value, "duplicate hours id " + Quote(*id));
      continue;
    }
    flow::Hours& hours = book_.hours[*id];
    if (const Entry* e = f.Find("weekly")) ReadWeekly(e->value, &hours);
    if (const Entry* e = f.Find("holidays")) {
      std::vector<Spot> dates;
      if (!List(e->value, "a list of dates (\"2026-12-25\")", &dates)) continue;
      for (const Spot& d : dates) {
        auto text = String(d);
        if (!text) continue;
        if (auto day = flow::ParseDate(*text)) {
          hours.holidays.insert(*day);
        } else {
          Report(d, "expected a date such as \"2026-12-25\", got " + Quote(*text));
        }
      }
    }
  }
}

// ---- numbers ------------------------------------------------------------------------------------

void FlowParser::ReadNumbers(const Spot& at) {
  Fields f;
  if (!Map(at, {}, "a map of dialed numbers to flow ids", &f, /*open=*/true)) return;
  for (const Entry& e : f.entries) {
    bool ok = !e.name.empty() && e.name.size() <= kMaxNumberLength &&
              std::all_of(e.name.begin(), e.name.end(), IsNumberChar);
    if (!ok) {
      Report(e.key.Mark(), e.value.path,
             "a dialed number has 1 to " + std::to_string(kMaxNumberLength) +
                 " digits, letters or + * # . _ - (the user part of the SIP URI), got " +
                 Quote(e.name));
      continue;
    }
    if (auto flow = Reference(e.value, "flow", "'flows'", flow_ids_)) {
      book_.numbers[e.name] = *flow;
    }
  }
}

// ---- flows --------------------------------------------------------------------------------------

void FlowParser::ReadFlows(const Spot& at) {
  std::vector<Spot> items;
  if (!List(at, "a list of flows ({id, start, nodes})", &items)) return;
  if (items.size() > kMaxFlows) {
    Report(at, "at most " + std::to_string(kMaxFlows) + " flows");
    return;
  }
  std::set<std::string> ids;
  for (const Spot& item : items) {
    if (stopped()) return;
    ReadFlow(item, &ids);
  }
}

void FlowParser::ReadFlow(const Spot& at, std::set<std::string>* ids) {
  Fields f;
  if (!Map(at, kFlowKeys, "a flow", &f)) return;
  size_t problems_before = problems().size();
  flow::Flow flow;
  if (const Entry* e = Required(f, "id")) {
    auto id = Id(e->value, false);
    if (id && !ids->insert(*id).second) {
      Report(e->value, "duplicate flow id " + Quote(*id));
    } else if (id) {
      flow.id = *id;
    }
  }
  FlowScope scope{{}, "en"};
  if (const Entry* e = f.Find("voice")) {
    if (auto voice = Voice(e->value)) scope.voice = *voice;
  }
  Fields nodes;
  const Entry* nodes_entry = Required(f, "nodes");
  if (nodes_entry &&
      Map(nodes_entry->value, {}, "a map of node names to nodes", &nodes, /*open=*/true)) {
    if (nodes.entries.empty()) Report(nodes_entry->value, "a flow needs at least one node");
    if (nodes.entries.size() > kMaxNodesPerFlow) {
      Report(nodes_entry->value, "at most " + std::to_string(kMaxNodesPerFlow) + " nodes");
      return;
    }
    for (const Entry& e : nodes.entries) {
      bool ok = !e.name.empty() && e.name.size() <= kMaxIdLength &&
                std::all_of(e.name.begin(), e.name.end(),
                            [](char c) { return IsIdChar(c, /*strict=*/true) || c == '-'; });
      if (ok) {
        scope.names.insert(e.name);
      } else {
        Report(e.key.Mark(), e.value.path,
               "a node name has 1 to " + std::to_string(kMaxIdLength) +
                   " letters, digits, '_' or '-', got " + Quote(e.name));
      }
    }
  }
  if (const Entry* e = Required(f, "start")) {
    if (auto start = NodeRef(e->value, scope)) flow.start = *start;
  }
  for (const Entry& e : nodes.entries) {
    if (stopped() || scope.names.count(e.name) == 0) continue;
    flow::Node node;
    node.name = e.name;
    ReadNode(e.value, scope, &node);
    flow.nodes[e.name] = std::move(node);
  }
  if (problems().size() != problems_before || flow.id.empty()) return;
  if (auto loop = flow::FindSilentLoop(flow)) {
    const Entry* e = nodes.Find(*loop);
    Report(e->value, "node " + Quote(*loop) +
                         " is on a loop of nodes that never wait for the caller (say, play, "
                         "hours, set): the call would go round forever");
    return;
  }
  book_.flows[flow.id] = std::move(flow);
}

// ---- the whole file ---------------------------------------------------------------------------

void FlowParser::Load(std::string_view text) {
  YAML::Node document;
  if (!LoadDocument(text, &document)) return;
  if (!document.IsMap()) return;  // the center parser reports the shape of the file
  root_.reset(document);
  CollectIds(root_);
  ReadCenterOffset(root_);
  Spot root{root_, root_.Mark(), ""};
  Fields top;
  if (!Map(root, {}, "the center definition", &top, /*open=*/true)) return;
  if (const Entry* e = top.Find("hours")) ReadHours(e->value);
  if (const Entry* e = top.Find("flows")) ReadFlows(e->value);
  if (const Entry* e = top.Find("numbers")) ReadNumbers(e->value);
}

}  // namespace hotline::config::internal
