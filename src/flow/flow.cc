#include "flow/flow.h"

namespace hotline::flow {

std::string_view KindName(NodeKind kind) {
  switch (kind) {
    case NodeKind::kSay:
      return "say";
    case NodeKind::kPlay:
      return "play";
    case NodeKind::kMenu:
      return "menu";
    case NodeKind::kCollect:
      return "collect";
    case NodeKind::kHours:
      return "hours";
    case NodeKind::kSet:
      return "set";
    case NodeKind::kQueue:
      return "queue";
    case NodeKind::kVoicemail:
      return "voicemail";
    case NodeKind::kTransfer:
      return "transfer";
    case NodeKind::kHangup:
      return "hangup";
  }
  return "hangup";
}

const Flow* FlowBook::FlowForNumber(std::string_view dialed) const {
  auto number = numbers.find(std::string(dialed));
  if (number == numbers.end()) return nullptr;
  auto flow = flows.find(number->second);
  return flow == flows.end() ? nullptr : &flow->second;
}

}  // namespace hotline::flow
