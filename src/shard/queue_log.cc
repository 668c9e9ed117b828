#include "shard/queue_log.h"

#include <fmt/format.h>

#include <cmath>

namespace hotline::shard {
namespace {

using nlohmann::json;

// queue_log fields cannot hold '|' or newlines.
std::string Clean(std::string s) {
  for (char& c : s) {
    if (c == '|' || c == '\n' || c == '\r') c = '_';
  }
  return s;
}

std::string S(const json& d, const char* key, const char* fallback = "NONE") {
  auto it = d.find(key);
  return it != d.end() && it->is_string() ? Clean(it->get<std::string>()) : fallback;
}

long Secs(double s) { return std::lround(s); }

}  // namespace

QueueLogWriter::QueueLogWriter(std::function<std::string(uint64_t)> caller_id)
    : caller_id_(std::move(caller_id)) {}

void QueueLogWriter::Write(const store::EventRecord& e, std::string& out) {
  json d = json::parse(e.data, nullptr, false);
  if (!d.is_object()) return;
  int64_t at_us = ToMicros(e.at);
  long epoch = static_cast<long>(at_us / 1'000'000);
  std::string call = e.interaction ? std::to_string(e.interaction) : "NONE";
  std::string queue = S(d, "queue");
  std::string agent = S(d, "agent");
  double wait = d.value("wait_s", 0.0);
  auto line = [&](std::string_view q, std::string_view a, std::string_view event,
                  std::string_view data) {
    out += fmt::format("{}|{}|{}|{}|{}|{}\n", epoch, call, q, a, event, data);
  };
  const std::string& t = e.type;
  if (t == "interaction.queued") {
    if (d.value("step", 0) == 0 && !connected_at_us_.count(e.interaction)) {
      line(queue, "NONE", "ENTERQUEUE", fmt::format("|{}|1", Clean(caller_id_(e.interaction))));
    }
  } else if (t == "interaction.connected") {
    connected_at_us_[e.interaction] = at_us;
    wait_s_[e.interaction] = wait;
    queue_of_[e.interaction] = queue;
    line(queue, agent, "CONNECT", fmt::format("{}||0", Secs(wait)));
  } else if (t == "interaction.wrapup_started") {
    auto c = connected_at_us_.find(e.interaction);
    double talk = c == connected_at_us_.end() ? 0 : (at_us - c->second) / 1e6;
    double held = wait_s_.count(e.interaction) ? wait_s_[e.interaction] : 0;
    auto q = queue_of_.find(e.interaction);
    line(q == queue_of_.end() ? "NONE" : q->second, agent, "COMPLETEAGENT",
         fmt::format("{}|{}|1", Secs(held), Secs(talk)));
  } else if (t == "interaction.abandoned") {
    line(queue, "NONE", "ABANDON", fmt::format("1|1|{}", Secs(wait)));
  } else if (t == "interaction.timed_out") {
    line(queue, "NONE", "EXITWITHTIMEOUT", fmt::format("1|1|{}", Secs(wait)));
  } else if (t == "interaction.exited") {
    if (S(d, "reason", "") == "empty") {
      line(queue, "NONE", "EXITEMPTY", fmt::format("1|1|{}", Secs(wait)));
    } else {
      line(queue, "NONE", "EXITWITHKEY", fmt::format("{}|1|1|{}", S(d, "reason", ""), Secs(wait)));
    }
  } else if (t == "interaction.rejected") {
    line(queue, "NONE", S(d, "reason", "") == "full" ? "FULL" : "JOINEMPTY", "");
  } else if (t == "interaction.transferred") {
    auto c = connected_at_us_.find(e.interaction);
    double talk = c == connected_at_us_.end() ? 0 : (at_us - c->second) / 1e6;
    line(queue, agent, "TRANSFER",
         fmt::format("{}||{}|{}", queue, Secs(wait_s_[e.interaction]), Secs(talk)));
  } else if (t == "interaction.offered") {
    offered_at_us_[d.value("offer", uint64_t{0})] = at_us;
  } else if (t == "offer.timed_out") {
    auto o = offered_at_us_.find(d.value("offer", uint64_t{0}));
    int64_t ring_ms = o == offered_at_us_.end() ? 0 : (at_us - o->second) / 1000;
    line("NONE", agent, "RINGNOANSWER", std::to_string(ring_ms));
  } else if (t == "agent.logged_in") {
    call = "NONE";
    line("NONE", agent, "ADDMEMBER", "");
  } else if (t == "agent.logged_out") {
    call = "NONE";
    line("NONE", agent, "REMOVEMEMBER", "");
  } else if (t == "agent.presence_changed") {
    call = "NONE";
    std::string presence = S(d, "presence", "");
    if (presence == "not_ready") line("NONE", agent, "PAUSE", S(d, "reason", ""));
    if (presence == "ready") line("NONE", agent, "UNPAUSE", "");
  }
  // Terminal events end the per-interaction state.
  if (t == "interaction.completed" || t == "interaction.abandoned" ||
      t == "interaction.timed_out" || t == "interaction.exited" || t == "interaction.canceled" ||
      t == "interaction.rejected") {
    connected_at_us_.erase(e.interaction);
    wait_s_.erase(e.interaction);
    queue_of_.erase(e.interaction);
  }
}

}  // namespace hotline::shard
