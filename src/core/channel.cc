#include "core/channel.h"

namespace hotline::core {

std::string_view ChannelName(Channel c) {
  switch (c) {
    case Channel::kVoice:
      return "voice";
    case Channel::kChat:
      return "chat";
    case Channel::kEmail:
      return "email";
    case Channel::kCallback:
      return "callback";
    case Channel::kTask:
      return "task";
  }
  return "unknown";
}

std::optional<Channel> ParseChannel(std::string_view name) {
  for (Channel c : kAllChannels) {
    if (ChannelName(c) == name) return c;
  }
  return std::nullopt;
}

std::string_view CrossChannelRuleName(CrossChannelRule r) {
  switch (r) {
    case CrossChannelRule::kAny:
      return "any";
    case CrossChannelRule::kSameChannelOnly:
      return "same_channel_only";
    case CrossChannelRule::kExclusive:
      return "exclusive";
  }
  return "unknown";
}

std::optional<CrossChannelRule> ParseCrossChannelRule(std::string_view name) {
  for (CrossChannelRule r :
       {CrossChannelRule::kAny, CrossChannelRule::kSameChannelOnly, CrossChannelRule::kExclusive}) {
    if (CrossChannelRuleName(r) == name) return r;
  }
  return std::nullopt;
}

}  // namespace hotline::core
