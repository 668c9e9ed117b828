#include "shard/event_codec.h"

#include <cstring>

#include "core/channel.h"
#include "core/states.h"

namespace hotline::shard {
namespace {

using core::EventType;
using nlohmann::json;

std::string AgentName(core::AgentId a, const core::CenterDefinition& c) {
  return a.value() < c.agents.size() ? c.agents[a.value()].id : std::to_string(a.value());
}
std::string QueueName(core::QueueId q, const core::CenterDefinition& c) {
  return q.value() < c.queues.size() ? c.queues[q.value()].id : std::to_string(q.value());
}
std::string SkillName(core::SkillId s, const core::CenterDefinition& c) {
  return s.value() < c.skills.size() ? c.skills[s.value()].id : std::to_string(s.value());
}

// FNV-1a 64 over raw bytes.
uint64_t Mix(uint64_t h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 1099511628211ULL;
  }
  return h;
}
template <typename T>
uint64_t MixValue(uint64_t h, T v) {
  return Mix(h, &v, sizeof v);
}

}  // namespace

json EventData(const core::Event& e, const core::CenterDefinition& c) {
  json d = json::object();
  auto interaction = [&] { d["interaction"] = e.interaction.value(); };
  auto agent = [&] { d["agent"] = AgentName(e.agent, c); };
  auto queue = [&] { d["queue"] = QueueName(e.queue, c); };
  auto offer = [&] { d["offer"] = e.offer.value(); };
  auto wait = [&] { d["wait_s"] = ToSeconds(e.wait); };
  auto reason = [&] {
    if (!e.reason.empty()) d["reason"] = e.reason;
  };
  switch (e.type) {
    case EventType::kInteractionCreated:
      interaction();
      d["channel"] = core::ChannelName(e.channel);
      queue();
      d["priority"] = e.priority;
      break;
    case EventType::kInteractionQueued:
      interaction();
      queue();
      d["step"] = e.step;
      break;
    case EventType::kInteractionStepChanged:
      interaction();
      queue();
      d["step"] = e.step;
      reason();
      break;
    case EventType::kInteractionPriorityChanged:
      interaction();
      d["priority"] = e.priority;
      break;
    case EventType::kInteractionOffered:
      interaction();
      agent();
      offer();
      queue();
      break;
    case EventType::kInteractionConnected:
      interaction();
      agent();
      queue();
      wait();
      break;
    case EventType::kInteractionTransferred:
      interaction();
      agent();
      queue();
      break;
    case EventType::kInteractionWrapupStarted:
      interaction();
      agent();
      break;
    case EventType::kInteractionCompleted:
      interaction();
      agent();
      if (!e.reason.empty()) d["disposition"] = e.reason;
      break;
    case EventType::kInteractionAbandoned:
      interaction();
      queue();
      wait();
      break;
    case EventType::kInteractionTimedOut:
    case EventType::kInteractionExited:
      interaction();
      queue();
      wait();
      reason();
      break;
    case EventType::kInteractionRejected:
    case EventType::kInteractionCanceled:
      interaction();
      queue();
      reason();
      break;
    case EventType::kInteractionCallbackBooked:
    case EventType::kInteractionAttributesChanged:
      interaction();
      break;
    case EventType::kOfferAccepted:
    case EventType::kOfferTimedOut:
      offer();
      interaction();
      agent();
      break;
    case EventType::kOfferRejected:
    case EventType::kOfferRescinded:
      offer();
      interaction();
      agent();
      reason();
      break;
    case EventType::kAgentLoggedIn:
    case EventType::kAgentLoggedOut:
      agent();
      break;
    case EventType::kAgentPresenceChanged:
      agent();
      d["presence"] = core::PresenceName(e.presence);
      reason();
      break;
    case EventType::kAgentRoutingStateChanged:
      agent();
      d["routing_state"] = core::RoutingStateName(e.routing_state);
      break;
    case EventType::kAgentSkillChanged:
      agent();
      d["skill"] = SkillName(e.skill, c);
      d["level"] = e.level;
      break;
  }
  return d;
}

uint64_t HashEvent(uint64_t h, const core::Event& e) {
  h = MixValue(h, static_cast<uint8_t>(e.type));
  h = MixValue(h, ToMicros(e.at));
  h = MixValue(h, e.interaction.value());
  h = MixValue(h, e.agent.value());
  h = MixValue(h, e.queue.value());
  h = MixValue(h, e.offer.value());
  h = MixValue(h, e.skill.value());
  h = MixValue(h, static_cast<uint8_t>(e.channel));
  h = MixValue(h, static_cast<uint8_t>(e.presence));
  h = MixValue(h, static_cast<uint8_t>(e.routing_state));
  h = MixValue(h, static_cast<int64_t>(e.priority));
  h = MixValue(h, static_cast<int64_t>(e.step));
  h = MixValue(h, static_cast<int64_t>(e.level));
  h = MixValue(h, e.wait.count());
  h = MixValue(h, e.reason.size());
  return Mix(h, e.reason.data(), e.reason.size());
}

json ValueToJson(const core::Value& v) {
  return std::visit(
      [](const auto& x) -> json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, core::Value::List>) {
          json out = json::array();
          for (const auto& item : x) out.push_back(ValueToJson(item));
          return out;
        } else {
          return x;
        }
      },
      v.data);
}

Result<core::Value> ValueFromJson(const json& j, const std::string& field) {
  switch (j.type()) {
    case json::value_t::null:
      return core::Value();
    case json::value_t::boolean:
      return core::Value(j.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return core::Value(j.get<double>());
    case json::value_t::string:
      return core::Value(j.get<std::string>());
    case json::value_t::array: {
      core::Value::List list;
      for (size_t i = 0; i < j.size(); ++i) {
        if (j[i].is_array() || j[i].is_object()) {
          return Error::InvalidArgument("lists of attributes hold plain values only",
                                        field + "[" + std::to_string(i) + "]");
        }
        auto v = ValueFromJson(j[i], field);
        if (!v.ok()) return v.error();
        list.push_back(std::move(*v));
      }
      return core::Value(std::move(list));
    }
    default:
      return Error::InvalidArgument("an attribute is a string, number, boolean or list", field);
  }
}

Result<std::map<std::string, core::Value>> AttributesFromJson(const json& j,
                                                              const std::string& field) {
  if (!j.is_object()) return Error::InvalidArgument("must be an object", field);
  std::map<std::string, core::Value> out;
  for (const auto& [key, value] : j.items()) {
    if (key.empty() || key.size() > 64) {
      return Error::InvalidArgument("attribute names are 1 to 64 characters", field);
    }
    auto v = ValueFromJson(value, field + "." + key);
    if (!v.ok()) return v.error();
    out.emplace(key, std::move(*v));
  }
  return out;
}

}  // namespace hotline::shard
