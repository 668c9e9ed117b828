#include "flow/check.h"

#include <algorithm>
#include <map>

namespace hotline::flow {

std::vector<std::string> Successors(const Node& node) {
  std::vector<std::string> out;
  auto add = [&](const std::string& name) {
    if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end()) {
      out.push_back(name);
    }
  };
  add(node.next);
  for (const auto& [digit, target] : node.menu.options) add(target);
  add(node.collect.failure);
  add(node.hours.open);
  add(node.hours.closed);
  add(node.hours.holiday);
  add(node.queue.voicemail);
  return out;
}

bool WaitsForInput(NodeKind kind) {
  return kind == NodeKind::kMenu || kind == NodeKind::kCollect || kind == NodeKind::kQueue ||
         kind == NodeKind::kVoicemail;
}

std::optional<std::string> FindSilentLoop(const Flow& flow) {
  // Depth-first search over the silent nodes only; a back edge is a silent cycle.
  enum class Mark { kNew, kOpen, kDone };
  std::map<std::string, Mark> marks;
  std::optional<std::string> found;
  auto visit = [&](auto& self, const std::string& name) -> void {
    auto it = flow.nodes.find(name);
    if (found || it == flow.nodes.end() || WaitsForInput(it->second.kind)) return;
    Mark& mark = marks[name];
    if (mark == Mark::kOpen) {
      found = name;
      return;
    }
    if (mark == Mark::kDone) return;
    mark = Mark::kOpen;
    for (const std::string& next : Successors(it->second)) self(self, next);
    marks[name] = Mark::kDone;
  };
  for (const auto& [name, node] : flow.nodes) visit(visit, name);
  return found;
}

}  // namespace hotline::flow
