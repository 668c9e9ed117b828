// Interactions and offers: create, read, history, explain, accept/reject, end, wrap up, cancel,
// patch.
#include <utility>

#include "api/api_impl.h"
#include "api/errors.h"
#include "core/channel.h"
#include "core/states.h"

namespace hotline::api {
namespace {

std::optional<std::string> Time(const std::optional<Instant>& t) {
  if (!t) return std::nullopt;
  return FormatRfc3339(*t);
}

json OrNull(const std::optional<std::string>& s) { return s ? json(*s) : json(nullptr); }

bool Staff(const Principal& who) {
  return who.roles.Has(auth::Role::kAdmin) || who.roles.Has(auth::Role::kSupervisor);
}

// Interaction `id` from the shard's history (memory, then the store): 404 when there is none.
Result<shard::InteractionRecord> FindInteraction(const shard::Shard& shard, uint64_t id) {
  auto record = shard.projections().Find(id);
  if (!record.ok()) return record.error();
  if (!*record) {
    return Error::NotFound("interaction " + std::to_string(id) + " does not exist", "id");
  }
  return std::move(**record);
}

}  // namespace

json Api::Impl::InteractionJson(const shard::InteractionRecord& r) const {
  const core::CenterDefinition& center = shard.document().center();
  json out = {{"id", r.id},
              {"state", core::InteractionStateName(r.state)},
              {"channel", core::ChannelName(r.channel)},
              {"queue", center.queues[r.queue.value()].id},
              {"entry_queue", center.queues[r.entry_queue.value()].id},
              {"agent", r.agent ? json(center.agents[r.agent->value()].id) : json(nullptr)},
              {"priority", r.priority},
              {"created_at", FormatRfc3339(r.created_at)},
              {"connected_at", OrNull(Time(r.connected_at))},
              {"wrapup_at", OrNull(Time(r.wrapup_at))},
              {"ended_at", OrNull(Time(r.ended_at))},
              {"wait_s", r.wait_s ? json(*r.wait_s) : json(nullptr)},
              {"disposition", r.disposition.empty() ? json(nullptr) : json(r.disposition)},
              {"notes", r.notes},
              {"customer", r.customer},
              {"attributes", r.attributes}};
  if (!r.end_reason.empty()) out["end_reason"] = r.end_reason;
  if (auto view = shard.engine().interaction(core::InteractionId(r.id))) {
    out["state"] = core::InteractionStateName(view->state);
    out["priority"] = view->priority;
    json offers = json::array();
    for (core::OfferId o : view->pending_offers) offers.push_back(o.value());
    out["pending_offers"] = std::move(offers);
  }
  return out;
}

void Api::Impl::CreateInteraction(Call& call) {
  auto body = Body::Parse(call.request.body);
  if (!body.ok()) return call.Fail(body.error());
  auto channel = body->String("channel", false, 16);
  if (!channel.ok()) return call.Fail(channel.error());
  auto queue = body->String("queue", true, 64);
  if (!queue.ok()) return call.Fail(queue.error());
  auto priority = body->Int("priority", false, -1000000, 1000000);
  if (!priority.ok()) return call.Fail(priority.error());
  auto attributes = body->Object("attributes", false);
  if (!attributes.ok()) return call.Fail(attributes.error());
  auto customer = body->Object("customer", false);
  if (!customer.ok()) return call.Fail(customer.error());
  if (Status s = body->Finish(); !s.ok()) return call.Fail(s.error());
  std::string channel_name = *channel ? **channel : "voice";
  if (!core::ParseChannel(channel_name)) {
    return call.Fail(Error::InvalidArgument(
        "channel must be voice, chat, email, callback or task, not '" + channel_name + "'",
        "channel"));
  }
  if (!shard.document().Find(shard::Section::kQueues, **queue)) {
    return call.Fail(Error::InvalidArgument("queue '" + **queue + "' does not exist", "queue"));
  }
  json contact = *customer ? **customer : json::object();
  for (const auto& [key, value] : contact.items()) {
    if (!value.is_string() || value.get_ref<const std::string&>().size() > 256) {
      return call.Fail(Error::InvalidArgument("customer identifiers are strings up to 256 bytes",
                                              "customer." + key));
    }
  }
  Execute(call,
          json{{"op", "interaction.create"},
               {"channel", channel_name},
               {"queue", **queue},
               {"priority", *priority ? **priority : 0},
               {"attributes", *attributes ? **attributes : json::object()},
               {"customer", std::move(contact)}},
          201);
}

void Api::Impl::GetInteraction(Call& call) {
  auto id = NumericId(call.params[0], "interaction");
  if (!id.ok()) return call.Fail(id.error());
  auto record = FindInteraction(shard, *id);
  if (!record.ok()) return call.Fail(record.error());
  const Principal& who = *call.who;
  if (!Staff(who) && !who.roles.Has(auth::Role::kAnalyst)) {
    bool mine =
        record->agent && ActsAs(who, shard.document().center().agents[record->agent->value()].id);
    if (!mine) {
      for (const auto& offer : shard.engine().OffersOf(
               shard.document().center().FindAgent(who.agent_id).value_or(core::AgentId(~0u)))) {
        if (offer.interaction.value() == *id) mine = true;
      }
    }
    if (!mine) {
      return call.Fail(Error{ErrorCode::kPermissionDenied,
                             "an agent sees only the interactions it handles", ""});
    }
  }
  json out = InteractionJson(*record);
  auto events = shard.log().ReadInteractionEvents(*id);
  if (!events.ok()) return call.Fail(events.error());
  json list = json::array();
  for (const auto& e : *events) {
    list.push_back(json{{"seq", e.seq},
                        {"type", e.type},
                        {"at", FormatRfc3339(e.at)},
                        {"actor", e.actor},
                        {"data", json::parse(e.data, nullptr, false)}});
  }
  out["events"] = std::move(list);
  call.Reply(out);
}

void Api::Impl::ListInteractions(Call& call) {
  if (auto state = call.Query("state")) return WaitingInteractions(call, *state);
  Instant now = shard.Now();
  auto range = TimeRange(call, now, Seconds(86400 * 366));
  if (!range.ok()) return call.Fail(range.error());
  size_t limit = options.history_max;
  if (auto l = call.Query("limit")) {
    auto n = NumericId(*l, "limit");
    if (!n.ok() || *n == 0) {
      return call.Fail(Error::InvalidArgument("limit must be a positive integer", "limit"));
    }
    limit = std::min<size_t>(*n, options.history_max);
  }
  auto customer = call.Query("customer");
  if (!customer && !Staff(*call.who) && !call.who->roles.Has(auth::Role::kAnalyst)) {
    return call.Fail(Error{ErrorCode::kPermissionDenied,
                           "agents look up history by customer (?customer=)", "customer"});
  }
  auto records = customer
                     ? shard.projections().History(*customer, range->first, range->second, limit)
                     : shard.projections().Recent(range->first, range->second, limit);
  if (!records.ok()) return call.Fail(records.error());
  json list = json::array();
  for (const auto& r : *records) list.push_back(InteractionJson(r));
  call.Reply(json{{"interactions", std::move(list)}});
}

void Api::Impl::Explain(Call& call) {
  auto id = NumericId(call.params[0], "interaction");
  if (!id.ok()) return call.Fail(id.error());
  if (auto record = FindInteraction(shard, *id); !record.ok()) return call.Fail(record.error());
  auto explanation = shard.engine().Explain(core::InteractionId(*id), shard.Now());
  if (!explanation.ok()) return call.Fail(explanation.error());
  const core::CenterDefinition& center = shard.document().center();
  json candidates = json::array();
  for (const auto& c : explanation->candidates) {
    json entry = {{"agent", center.agents[c.agent.value()].id},
                  {"reason", core::IneligibilityName(c.reason)}};
    if (!c.detail.empty()) entry["detail"] = c.detail;
    if (c.until != Instant{}) entry["until"] = FormatRfc3339(c.until);
    candidates.push_back(std::move(entry));
  }
  call.Reply(json{{"interaction", *id},
                  {"state", core::InteractionStateName(explanation->state)},
                  {"queue", center.queues[explanation->queue.value()].id},
                  {"step", explanation->step},
                  {"candidates", std::move(candidates)}});
}

void Api::Impl::AnswerOffer(Call& call) {
  bool accept = call.path.ends_with("/accept");
  auto id = NumericId(call.params[0], "offer");
  if (!id.ok()) return call.Fail(id.error());
  auto body = Body::Parse(call.request.body, true);
  if (!body.ok()) return call.Fail(body.error());
  std::string reason = "declined";
  if (!accept) {
    auto r = body->String("reason", false, 16);
    if (!r.ok()) return call.Fail(r.error());
    if (*r) {
      if (**r != "declined" && **r != "busy") {
        return call.Fail(Error::InvalidArgument("reason is declined or busy", "reason"));
      }
      reason = **r;
    }
  }
  if (Status s = body->Finish(); !s.ok()) return call.Fail(s.error());
  auto offer = shard.engine().offer(core::OfferId(*id));
  if (offer) {
    const std::string& agent = shard.document().center().agents[offer->agent.value()].id;
    if (!call.who->roles.Has(auth::Role::kAdmin) && !ActsAs(*call.who, agent)) {
      return call.Fail(Error{ErrorCode::kPermissionDenied,
                             "offer " + call.params[0] + " is for agent '" + agent + "'", ""});
    }
  }
  // A gone offer (answered, timed out, rescinded) is the engine's 409 or 404.
  json command = {{"op", accept ? "offer.accept" : "offer.reject"}, {"offer", *id}};
  if (!accept) command["reason"] = reason;
  Execute(call, std::move(command));
}

void Api::Impl::InteractionAction(Call& call) {
  std::string action = call.path.substr(call.path.rfind('/') + 1);
  auto id = NumericId(call.params[0], "interaction");
  if (!id.ok()) return call.Fail(id.error());
  auto record = FindInteraction(shard, *id);
  if (!record.ok()) return call.Fail(record.error());
  auto body = Body::Parse(call.request.body, action != "wrapup");
  if (!body.ok()) return call.Fail(body.error());
  json command = {{"op", "interaction." + action}, {"interaction", *id}};
  if (action == "wrapup") {
    auto disposition = body->String("disposition", true, 64);
    if (!disposition.ok()) return call.Fail(disposition.error());
    auto notes = body->String("notes", false, 8192);
    if (!notes.ok()) return call.Fail(notes.error());
    command["disposition"] = **disposition;
    command["notes"] = *notes ? **notes : std::string();
  } else if (action == "cancel") {
    auto reason = body->String("reason", false, 16);
    if (!reason.ok()) return call.Fail(reason.error());
    std::string r = *reason ? **reason : "canceled";
    if (r != "abandoned" && r != "exited" && r != "canceled") {
      return call.Fail(Error::InvalidArgument("reason is abandoned, exited or canceled", "reason"));
    }
    command["reason"] = r;
  }
  if (Status s = body->Finish(); !s.ok()) return call.Fail(s.error());
  if (action != "cancel" && !call.who->roles.Has(auth::Role::kAdmin)) {
    std::string agent =
        record->agent ? shard.document().center().agents[record->agent->value()].id : "";
    if (agent.empty() || !ActsAs(*call.who, agent)) {
      return call.Fail(Error{
          ErrorCode::kPermissionDenied,
          "only the agent handling interaction " + call.params[0] + " may " + action + " it", ""});
    }
  }
  Execute(call, std::move(command));
}

void Api::Impl::PatchInteraction(Call& call) {
  auto id = NumericId(call.params[0], "interaction");
  if (!id.ok()) return call.Fail(id.error());
  if (auto record = FindInteraction(shard, *id); !record.ok()) return call.Fail(record.error());
  auto body = Body::Parse(call.request.body);
  if (!body.ok()) return call.Fail(body.error());
  auto priority = body->Int("priority", false, -1000000, 1000000);
  if (!priority.ok()) return call.Fail(priority.error());
  auto attributes = body->Object("attributes", false);
  if (!attributes.ok()) return call.Fail(attributes.error());
  if (Status s = body->Finish(); !s.ok()) return call.Fail(s.error());
  if (!*priority && !*attributes) {
    return call.Fail(Error::InvalidArgument("give priority or attributes to change", "body"));
  }
  json command = {{"op", "interaction.patch"}, {"interaction", *id}};
  if (*priority) command["priority"] = **priority;
  if (*attributes) command["attributes"] = **attributes;
  Execute(call, std::move(command));
}

}  // namespace hotline::api
