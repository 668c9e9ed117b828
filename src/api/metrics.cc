// GET /metrics: Prometheus text format (version 0.0.4).
#include <fmt/format.h>

#include "api/api_impl.h"

namespace hotline::api {
namespace {

std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

void Metric(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

}  // namespace

std::string Api::Impl::Metrics() const {
  std::string out;
  Metric(out, "hotline_http_requests_total", "counter", "HTTP requests by route and status.");
  for (const auto& [key, n] : requests_by_route) {
    out += fmt::format("hotline_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                       Label(key.first), key.second, n);
  }
  Metric(out, "hotline_http_request_duration_seconds", "histogram",
         "Time from request to response (writes include the durable commit).");
  for (const auto& [route, h] : latency_by_route) {
    uint64_t cumulative = 0;
    for (size_t i = 0; i < LatencyHistogram::kBounds.size(); ++i) {
      cumulative += h.counts[i];
      out +=
          fmt::format("hotline_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                      Label(route), LatencyHistogram::kBounds[i], cumulative);
    }
    out +=
        fmt::format("hotline_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                    Label(route), h.count);
    out += fmt::format("hotline_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n",
                       Label(route), h.sum);
    out += fmt::format("hotline_http_request_duration_seconds_count{{route=\"{}\"}} {}\n",
                       Label(route), h.count);
  }
  if (server_counters) {
    http::ServerCounters c = server_counters();
    Metric(out, "hotline_http_connections_open", "gauge", "Open HTTP connections.");
    out += fmt::format("hotline_http_connections_open {}\n", c.connections_open);
    Metric(out, "hotline_http_connections_accepted_total", "counter", "Accepted connections.");
    out += fmt::format("hotline_http_connections_accepted_total {}\n", c.connections_accepted);
  }
  if (voice != nullptr) {
    Metric(out, "hotline_voice", "gauge", "Voice: calls in progress and counters (name label).");
    for (const auto& [name, value] : voice->Counters()) {
      out += fmt::format("hotline_voice{{name=\"{}\"}} {}\n", name, value);
    }
  }
  Metric(out, "hotline_stream_clients", "gauge", "WebSocket event stream clients.");
  out += fmt::format("hotline_stream_clients {}\n", subscribers.size());

  store::LogCounters log = shard.log().counters();
  Metric(out, "hotline_events_appended_total", "counter", "Events made durable in the log.");
  out += fmt::format("hotline_events_appended_total {}\n", log.events_appended);
  Metric(out, "hotline_log_commits_total", "counter",
         "Durable commits of the log (one fsync each; group commit shares them).");
  out += fmt::format("hotline_log_commits_total {}\n", log.commits);
  Metric(out, "hotline_log_batches_total", "counter", "Batches appended to the log.");
  out += fmt::format("hotline_log_batches_total {}\n", log.batches_appended);
  Metric(out, "hotline_log_pending_batches", "gauge", "Batches waiting for a commit.");
  out += fmt::format("hotline_log_pending_batches {}\n", log.pending_batches);

  shard::ShardCounters sc = shard.counters();
  Metric(out, "hotline_commands_total", "counter", "Commands run and logged.");
  out += fmt::format("hotline_commands_total {}\n", sc.commands);
  Metric(out, "hotline_commands_refused_total", "counter", "Commands refused (nothing changed).");
  out += fmt::format("hotline_commands_refused_total {}\n", sc.commands_failed);
  Metric(out, "hotline_replay_divergences", "gauge",
         "Replayed commands whose events differed from the logged ones (last start).");
  out += fmt::format("hotline_replay_divergences {}\n", sc.replay_divergences);
  Metric(out, "hotline_replay_seconds", "gauge", "Time the last start spent replaying the log.");
  out += fmt::format("hotline_replay_seconds {}\n", sc.replay_seconds);
  Metric(out, "hotline_offers_total", "counter", "Offers by outcome.");
  for (const auto& [outcome, n] : sc.offers_by_outcome) {
    out += fmt::format("hotline_offers_total{{outcome=\"{}\"}} {}\n", outcome, n);
  }

  const core::CenterDefinition& center = shard.document().center();
  Metric(out, "hotline_queue_waiting", "gauge", "Interactions waiting per queue.");
  std::string ready;
  for (uint32_t q = 0; q < center.queues.size(); ++q) {
    if (shard.document().IsDeleted(shard::Section::kQueues, center.queues[q].id)) continue;
    core::QueueView v = shard.engine().queue(core::QueueId(q));
    out += fmt::format("hotline_queue_waiting{{queue=\"{}\"}} {}\n", Label(center.queues[q].id),
                       v.waiting);
    ready += fmt::format("hotline_queue_agents_ready{{queue=\"{}\"}} {}\n",
                         Label(center.queues[q].id), v.agents_ready);
  }
  Metric(out, "hotline_queue_agents_ready", "gauge", "Ready, idle agents per queue.");
  out += ready;
  return out;
}

}  // namespace hotline::api
