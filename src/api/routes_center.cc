// Skills, queues, agents and dispositions (the center document), agent presence and offers, and
// a queue's real-time stats.
#include <utility>

#include "api/api_impl.h"
#include "api/errors.h"
#include "core/states.h"

namespace hotline::api {
namespace {

// "/api/v1/queues/..." -> queues.
shard::Section SectionOf(const std::string& path) {
  std::string_view rest = std::string_view(path).substr(std::string_view("/api/v1/").size());
  if (rest.starts_with("skills")) return shard::Section::kSkills;
  if (rest.starts_with("queues")) return shard::Section::kQueues;
  if (rest.starts_with("agents")) return shard::Section::kAgents;
  return shard::Section::kDispositions;
}

std::string Singular(shard::Section s) {
  std::string name(shard::SectionName(s));
  name.pop_back();
  return name;
}

json Optional(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

}  // namespace

json Api::Impl::AgentJson(const json& object, const HeldWork& held) const {
  json out = object;
  std::string id = object.value("id", "");
  auto index = shard.document().center().FindAgent(id);
  if (!index) return out;
  const core::AgentView view = shard.engine().agent(*index);
  out["presence"] = core::PresenceName(view.presence);
  out["reason"] = view.reason;
  out["routing_state"] = core::RoutingStateName(view.routing_state);
  out["state_since"] = FormatRfc3339(view.state_since);
  auto presence_since = shard.projections().PresenceSince(*index);
  out["presence_since"] = presence_since ? json(FormatRfc3339(*presence_since)) : json(nullptr);
  out["interactions"] = HeldJson(*index, held);
  json load = json::object();
  for (core::Channel c : core::kAllChannels) {
    if (view.load[static_cast<int>(c)] > 0)
      load[core::ChannelName(c)] = view.load[static_cast<int>(c)];
  }
  out["load"] = std::move(load);
  out["handled"] = view.handled;
  if (!out.contains("user_id")) {
    for (const auto& [uid, user] : shard.users()) {
      if (user.agent_id == id) {
        out["user_id"] = uid;
        break;
      }
    }
  }
  if (!out.contains("user_id")) out["user_id"] = nullptr;
  return out;
}

void Api::Impl::ListObjects(Call& call) {
  shard::Section section = SectionOf(call.path);
  json list = shard.document().List(section);
  if (section == shard::Section::kAgents) {
    // An agent sees itself only.
    bool staff = call.who->roles.Has(auth::Role::kAdmin) ||
                 call.who->roles.Has(auth::Role::kSupervisor) ||
                 call.who->roles.Has(auth::Role::kAnalyst);
    HeldWork held = HeldByAgent();
    json visible = json::array();
    for (const auto& agent : list) {
      if (staff || ActsAs(*call.who, agent.value("id", "")))
        visible.push_back(AgentJson(agent, held));
    }
    // The event the live state includes: a stream opened with ?after=as_of_seq misses nothing.
    return call.Reply(json{{"agents", std::move(visible)}, {"as_of_seq", shard.last_seq()}});
  }
  call.Reply(json{{std::string(shard::SectionName(section)), std::move(list)}});
}

void Api::Impl::GetObject(Call& call) {
  shard::Section section = SectionOf(call.path);
  const std::string& id = call.params[0];
  if (section == shard::Section::kAgents) {
    bool staff = call.who->roles.Has(auth::Role::kAdmin) ||
                 call.who->roles.Has(auth::Role::kSupervisor) ||
                 call.who->roles.Has(auth::Role::kAnalyst);
    if (!staff && !RequireSelfOrStaff(call, id)) return;
  }
  const json* object = shard.document().Find(section, id);
  if (!object) {
    return call.Fail(Error::NotFound(Singular(section) + " '" + id + "' does not exist", "id"));
  }
  if (section != shard::Section::kAgents) return call.Reply(*object);
  json agent = AgentJson(*object, HeldByAgent());
  agent["as_of_seq"] = shard.last_seq();
  call.Reply(agent);
}

void Api::Impl::CreateObject(Call& call) {
  shard::Section section = SectionOf(call.path);
  auto body = Body::Parse(call.request.body);
  if (!body.ok()) return call.Fail(body.error());
  auto id = body->String("id", true, 64);
  if (!id.ok()) return call.Fail(id.error());
  if (shard.document().Find(section, **id)) {
    return call.Fail(Error{ErrorCode::kAlreadyExists,
                           Singular(section) + " '" + **id + "' already exists", "id"});
  }
  call.params = {**id};
  PutObject(call);
}

void Api::Impl::PutObject(Call& call) {
  shard::Section section = SectionOf(call.path);
  const std::string& id = call.params[0];
  bool create = call.request.method == "POST";
  if (!create && !shard.document().Find(section, id)) {
    return call.Fail(Error::NotFound(Singular(section) + " '" + id + "' does not exist", "id"));
  }
  auto body = Body::Parse(call.request.body);
  if (!body.ok()) return call.Fail(body.error());
  json object = body->object();
  if (section == shard::Section::kAgents) {
    if (auto it = object.find("user_id"); it != object.end() && !it->is_null()) {
      if (!it->is_number_unsigned() || !shard.FindUser(it->get<uint64_t>())) {
        return call.Fail(Error::InvalidArgument("user_id must name an existing user", "user_id"));
      }
    }
  }
  Execute(call,
          json{{"op", "object.put"},
               {"section", shard::SectionName(section)},
               {"id", id},
               {"body", std::move(object)}},
          create ? 201 : 200);
}

void Api::Impl::DeleteObject(Call& call) {
  shard::Section section = SectionOf(call.path);
  const std::string& id = call.params[0];
  if (!shard.document().Find(section, id)) {
    return call.Fail(Error::NotFound(Singular(section) + " '" + id + "' does not exist", "id"));
  }
  Execute(call,
          json{{"op", "object.delete"}, {"section", shard::SectionName(section)}, {"id", id}});
}

void Api::Impl::SetPresence(Call& call) {
  const std::string& agent = call.params[0];
  if (!shard.document().Find(shard::Section::kAgents, agent)) {
    return call.Fail(Error::NotFound("agent '" + agent + "' does not exist", "id"));
  }
  if (!RequireSelfOrStaff(call, agent)) return;
  auto body = Body::Parse(call.request.body);
  if (!body.ok()) return call.Fail(body.error());
  auto presence = body->String("presence", true, 32);
  if (!presence.ok()) return call.Fail(presence.error());
  auto reason = body->String("reason", false, 64);
  if (!reason.ok()) return call.Fail(reason.error());
  if (Status s = body->Finish(); !s.ok()) return call.Fail(s.error());
  if (!core::ParsePresence(**presence)) {
    return call.Fail(Error::InvalidArgument(
        "presence must be ready, not_ready or logged_out, not '" + **presence + "'", "presence"));
  }
  Execute(call, json{{"op", "agent.presence"},
                     {"agent", agent},
                     {"presence", **presence},
                     {"reason", *reason ? **reason : std::string()}});
}

void Api::Impl::AgentOffers(Call& call) {
  const std::string& agent = call.params[0];
  auto index = shard.document().center().FindAgent(agent);
  if (!index || !shard.document().Find(shard::Section::kAgents, agent)) {
    return call.Fail(Error::NotFound("agent '" + agent + "' does not exist", "id"));
  }
  if (!RequireSelfOrStaff(call, agent)) return;
  json offers = json::array();
  const core::CenterDefinition& center = shard.document().center();
  for (const core::OfferView& offer : shard.engine().OffersOf(*index)) {
    json o = {{"id", offer.id.value()},
              {"interaction", offer.interaction.value()},
              {"agent", agent},
              {"state", core::OfferStateName(offer.state)},
              {"offered_at", FormatRfc3339(offer.offered_at)},
              {"deadline", FormatRfc3339(offer.deadline)}};
    if (auto view = shard.engine().interaction(offer.interaction)) {
      o["queue"] = center.queues[view->queue.value()].id;
      o["channel"] = core::ChannelName(view->channel);
      o["priority"] = view->priority;
    }
    // An offered interaction is open: its record is held in memory.
    if (const auto* record = shard.projections().FindHeld(offer.interaction.value())) {
      o["customer"] = record->customer;
      o["attributes"] = record->attributes;
    }
    offers.push_back(std::move(o));
  }
  call.Reply(json{{"offers", std::move(offers)}});
}

void Api::Impl::QueueStats(Call& call) {
  const std::string& id = call.params[0];
  auto queue = shard.document().center().FindQueue(id);
  if (!queue || !shard.document().Find(shard::Section::kQueues, id)) {
    return call.Fail(Error::NotFound("queue '" + id + "' does not exist", "id"));
  }
  Instant now = shard.Now();
  const core::QueueView view = shard.engine().queue(*queue);
  analytics::Figures today = shard.projections().Today(*queue, now);
  call.Reply(json{
      {"queue", id},
      {"at", FormatRfc3339(now)},
      {"waiting", view.waiting},
      {"longest_wait_s", view.waiting > 0 ? ToSeconds(now - view.oldest_since) : 0.0},
      {"agents_ready", view.agents_ready},
      {"agents_busy", view.agents_busy},
      {"agents_wrapup", view.agents_wrapup},
      {"agents_not_ready", view.agents_not_ready},
      {"agents_logged_in", view.agents_logged_in},
      {"offered", today.offered},
      {"answered", today.answered},
      {"abandoned", today.abandoned},
      {"service_level", Optional(today.ServiceLevel())},
      {"service_level_target", shard.document().center().queues[queue->value()].sl_target},
      {"service_level_threshold_s",
       ToSeconds(shard.document().center().queues[queue->value()].sl_threshold)},
      {"asa_s", Optional(today.AsaS())},
      {"aht_s", Optional(today.AhtS())},
      {"abandon_rate", Optional(today.AbandonRate())},
  });
}

}  // namespace hotline::api
