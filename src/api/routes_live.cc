// The engine's live state as the UI needs it at load: the interactions each agent holds, the
// interactions waiting now, and the center's own settings (GET /center).
#include <algorithm>
#include <cstdio>
#include <utility>

#include "api/api_impl.h"
#include "api/errors.h"
#include "core/channel.h"
#include "core/states.h"

namespace hotline::api {
namespace {

std::string_view WrapupModeName(core::WrapupMode mode) {
  switch (mode) {
    case core::WrapupMode::kNone:
      return "none";
    case core::WrapupMode::kTimed:
      return "timed";
    case core::WrapupMode::kDiscretionary:
      return "discretionary";
  }
  return "timed";
}

// +08:00, -03:30, +00:00.
std::string UtcOffsetText(int minutes) {
  char sign = minutes < 0 ? '-' : '+';
  int m = minutes < 0 ? -minutes : minutes;
  char text[16];
  std::snprintf(text, sizeof text, "%c%02d:%02d", sign, m / 60, m % 60);
  return text;
}

}  // namespace

Api::Impl::HeldWork Api::Impl::HeldByAgent() const {
  HeldWork held;
  for (const shard::InteractionRecord* r : shard.projections().Open()) {
    bool holding = r->state == core::InteractionState::kAssigned ||
                   r->state == core::InteractionState::kWrapping;
    if (holding && r->agent) held[r->agent->value()].push_back(r);
  }
  return held;
}

json Api::Impl::HeldJson(core::AgentId agent, const HeldWork& held) const {
  const core::CenterDefinition& center = shard.document().center();
  auto time = [](const std::optional<Instant>& t) { return t ? json(FormatRfc3339(*t)) : json(); };
  json list = json::array();
  if (auto work = held.find(agent.value()); work != held.end()) {
    for (const shard::InteractionRecord* r : work->second) {
      bool wrapping = r->state == core::InteractionState::kWrapping;
      list.push_back(json{{"id", r->id},
                          {"state", core::InteractionStateName(r->state)},
                          {"channel", core::ChannelName(r->channel)},
                          {"queue", center.queues[r->queue.value()].id},
                          {"since", time(wrapping ? r->wrapup_at : r->connected_at)},
                          {"connected_at", time(r->connected_at)},
                          {"wait_s", r->wait_s ? json(*r->wait_s) : json()}});
    }
  }
  // Ringing it: only agents with offers pay for the look-up.
  if (shard.engine().agent(agent).pending_offers == 0) return list;
  for (const core::OfferView& offer : shard.engine().OffersOf(agent)) {
    auto view = shard.engine().interaction(offer.interaction);
    if (!view) continue;
    list.push_back(json{{"id", offer.interaction.value()},
                        {"state", "offered"},
                        {"channel", core::ChannelName(view->channel)},
                        {"queue", center.queues[view->queue.value()].id},
                        {"since", FormatRfc3339(offer.offered_at)},
                        {"offer", offer.id.value()},
                        {"deadline", FormatRfc3339(offer.deadline)}});
  }
  return list;
}

void Api::Impl::WaitingInteractions(Call& call, const std::string& state) {
  if (state != "waiting") {
    return call.Fail(Error::InvalidArgument("state must be waiting, not '" + state + "'", "state"));
  }
  if (!call.who->roles.Has(auth::Role::kAdmin) && !call.who->roles.Has(auth::Role::kSupervisor) &&
      !call.who->roles.Has(auth::Role::kAnalyst)) {
    return call.Fail(Error{ErrorCode::kPermissionDenied,
                           "the waiting interactions are for supervisors, admins and analysts",
                           ""});
  }
  const core::CenterDefinition& center = shard.document().center();
  std::optional<core::QueueId> queue;
  if (auto q = call.Query("queue")) {
    queue = center.FindQueue(*q);
    if (!queue) return call.Fail(Error::NotFound("queue '" + *q + "' does not exist", "queue"));
  }
  struct Waiting {
    const shard::InteractionRecord* record;
    core::InteractionView view;
  };
  std::vector<Waiting> waiting;
  for (const shard::InteractionRecord* r : shard.projections().Open()) {
    auto view = shard.engine().interaction(core::InteractionId(r->id));
    if (!view || (view->state != core::InteractionState::kQueued &&
                  view->state != core::InteractionState::kOffering)) {
      continue;
    }
    if (queue && view->queue != *queue) continue;
    waiting.push_back({r, *view});
  }
  // Oldest first: by place in line (kept across moves), then id.
  std::sort(waiting.begin(), waiting.end(), [](const Waiting& a, const Waiting& b) {
    return std::pair(a.view.age_since, a.record->id) < std::pair(b.view.age_since, b.record->id);
  });
  json list = json::array();
  for (const Waiting& w : waiting) {
    list.push_back(json{{"id", w.record->id},
                        {"state", core::InteractionStateName(w.view.state)},
                        {"queue", center.queues[w.view.queue.value()].id},
                        {"channel", core::ChannelName(w.view.channel)},
                        {"priority", w.view.priority},
                        {"created_at", FormatRfc3339(w.view.created_at)},
                        {"waiting_since", FormatRfc3339(w.view.age_since)},
                        {"customer", w.record->customer},
                        {"attributes", w.record->attributes}});
  }
  call.Reply(json{{"interactions", std::move(list)}, {"as_of_seq", shard.last_seq()}});
}

void Api::Impl::Center(Call& call) {
  const core::CenterDefinition& center = shard.document().center();
  const core::Settings& s = center.settings;
  call.Reply(json{
      {"name", center.name},
      {"utc_offset", UtcOffsetText(s.utc_offset_minutes)},
      {"utc_offset_minutes", s.utc_offset_minutes},
      {"offer_timeout_s", ToSeconds(s.offer_timeout)},
      {"max_missed_offers", s.max_missed_offers},
      {"wrapup",
       {{"mode", WrapupModeName(s.wrapup.mode)}, {"duration_s", ToSeconds(s.wrapup.duration)}}}});
}

}  // namespace hotline::api
