// Channels of contact and the agent's cross-channel rule (ROUTING.md, "Entities and states").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace hotline::core {

enum class Channel : uint8_t {
  kVoice,     // a phone call
  kChat,      // web chat
  kEmail,     // an email thread
  kCallback,  // a call the center places back to a customer who kept their place in line
  kTask,      // a generic work item
};
inline constexpr int kChannelCount = 5;
inline constexpr std::array<Channel, kChannelCount> kAllChannels = {
    Channel::kVoice, Channel::kChat, Channel::kEmail, Channel::kCallback, Channel::kTask};

std::string_view ChannelName(Channel c);
std::optional<Channel> ParseChannel(std::string_view name);

// How an agent's work on one channel limits the others.
enum class CrossChannelRule : uint8_t {
  kAny,              // each channel up to its own capacity, independently
  kSameChannelOnly,  // while holding work of channel X, only more X (up to X's capacity)
  kExclusive,        // voice (and callback) exclusive: a call blocks every other channel and any
                     // other work blocks calls; non-voice channels mix freely
};

std::string_view CrossChannelRuleName(CrossChannelRule r);
std::optional<CrossChannelRule> ParseCrossChannelRule(std::string_view name);

}  // namespace hotline::core
