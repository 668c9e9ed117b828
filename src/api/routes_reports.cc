// The event log, interval KPI reports and the queue_log export.
#include <unordered_map>
#include <utility>

#include "api/api_impl.h"
#include "api/errors.h"
#include "shard/queue_log.h"

namespace hotline::api {
namespace {

json Optional(std::optional<double> v) { return v ? json(*v) : json(nullptr); }

json EventJson(const store::EventRecord& e) {
  return json{{"seq", e.seq},
              {"type", e.type},
              {"at", FormatRfc3339(e.at)},
              {"actor", e.actor},
              {"data", json::parse(e.data, nullptr, false)}};
}

json FiguresJson(const analytics::Figures& f) {
  return json{{"offered", f.offered},
              {"answered", f.answered},
              {"abandoned", f.abandoned},
              {"short_abandoned", f.short_abandoned},
              {"answered_within_t", f.answered_within_t},
              {"timed_out", f.timed_out},
              {"exited", f.exited},
              {"rejected", f.rejected},
              {"transferred", f.transferred},
              {"completed", f.completed},
              {"rona", f.rona},
              {"service_level", Optional(f.ServiceLevel())},
              {"service_level_answered_only", Optional(f.ServiceLevelAnsweredOnly())},
              {"service_level_with_abandons", Optional(f.ServiceLevelWithAbandons())},
              {"p_wait", Optional(f.PWait())},
              {"asa_s", Optional(f.AsaS())},
              {"average_wait_to_abandon_s", Optional(f.AverageWaitToAbandonS())},
              {"abandon_rate", Optional(f.AbandonRate())},
              {"aht_s", Optional(f.AhtS())},
              {"acw_s", Optional(f.AcwS())},
              {"occupancy", Optional(f.Occupancy())},
              {"utilization", Optional(f.Utilization())},
              {"transfer_rate", Optional(f.TransferRate())},
              {"ivr_routing_accuracy", Optional(f.IvrRoutingAccuracy())}};
}

}  // namespace

void Api::Impl::Events(Call& call) {
  uint64_t after = 0;
  size_t limit = 100;
  if (auto a = call.Query("after"); a && *a != "0") {
    auto n = NumericId(*a, "after");
    if (!n.ok())
      return call.Fail(Error::InvalidArgument("after must be a sequence number", "after"));
    after = *n;
  }
  if (auto l = call.Query("limit")) {
    auto n = NumericId(*l, "limit");
    if (!n.ok() || *n == 0) {
      return call.Fail(Error::InvalidArgument("limit must be a positive integer", "limit"));
    }
    limit = std::min<size_t>(*n, options.events_page_max);
  }
  auto events = shard.log().ReadEvents(after, limit);
  if (!events.ok()) return call.Fail(events.error());
  json list = json::array();
  uint64_t next = after;
  for (const auto& e : *events) {
    list.push_back(EventJson(e));
    next = e.seq;
  }
  call.Reply(json{{"events", std::move(list)}, {"next", next}});
}

void Api::Impl::Intervals(Call& call) {
  Instant now = shard.Now();
  auto range = TimeRange(call, now, Seconds(86400));
  if (!range.ok()) return call.Fail(range.error());
  Duration interval = Seconds(15 * 60);
  if (auto i = call.Query("interval")) {
    auto d = ParseDuration(*i);
    if (!d.ok() || *d <= Duration(0) || d->count() % Seconds(15 * 60).count() != 0 ||
        *d > Seconds(31 * 86400)) {
      return call.Fail(Error::InvalidArgument(
          "interval is a multiple of 15m up to 31 days (15m, 30m, 1h, 1d...)", "interval"));
    }
    interval = *d;
  }
  if (range->second - range->first > Seconds(400 * 86400)) {
    return call.Fail(Error::InvalidArgument("a report covers at most 400 days", "to"));
  }
  std::optional<core::QueueId> queue;
  std::string queue_name = "all";
  if (auto q = call.Query("queue"); q && *q != "all") {
    queue = shard.document().center().FindQueue(*q);
    if (!queue)
      return call.Fail(Error::InvalidArgument("queue '" + *q + "' does not exist", "queue"));
    queue_name = *q;
  }
  json rows = json::array();
  analytics::Figures total;
  for (const auto& row :
       shard.projections().Intervals(queue, range->first, range->second, interval)) {
    json r = FiguresJson(row.figures);
    r["start"] = FormatRfc3339(row.start);
    r["end"] = FormatRfc3339(row.start + interval);
    r["queue"] = queue_name;
    rows.push_back(std::move(r));
    total += row.figures;
  }
  if (call.Query("format").value_or("json") == "csv") {
    static const char* kColumns[] = {
        "start",           "end",           "queue",       "offered",       "answered", "abandoned",
        "short_abandoned", "service_level", "asa_s",       "abandon_rate",  "aht_s",    "acw_s",
        "p_wait",          "occupancy",     "utilization", "transfer_rate", "rona"};
    std::string csv;
    for (const char* c : kColumns) csv += std::string(csv.empty() ? "" : ",") + c;
    csv += "\n";
    for (const auto& r : rows) {
      std::string line;
      for (const char* c : kColumns) {
        const json& v = r[c];
        if (!line.empty() || c != kColumns[0]) line += ",";
        if (v.is_string())
          line += v.get<std::string>();
        else if (!v.is_null())
          line += v.dump();
      }
      csv += line + "\n";
    }
    http::Response response;
    response.content_type = "text/csv; charset=utf-8";
    response.body = std::move(csv);
    return call.respond(std::move(response));
  }
  json totals = FiguresJson(total);
  call.Reply(json{{"queue", queue_name},
                  {"from", FormatRfc3339(range->first)},
                  {"to", FormatRfc3339(range->second)},
                  {"interval_s", ToSeconds(interval)},
                  {"rows", std::move(rows)},
                  {"total", std::move(totals)}});
}

void Api::Impl::QueueLog(Call& call) {
  Instant now = shard.Now();
  auto range = TimeRange(call, now, Seconds(86400));
  if (!range.ok()) return call.Fail(range.error());
  const shard::Projections& projections = shard.projections();
  // One history lookup per interaction of the export, not one per event.
  std::unordered_map<uint64_t, std::string> callers;
  shard::QueueLogWriter writer([&projections, &callers](uint64_t id) -> std::string {
    auto [cached, added] = callers.try_emplace(id);
    if (!added) return cached->second;
    auto r = projections.Find(id);
    if (!r.ok() || !*r || !(*r)->customer.is_object()) return "";
    const nlohmann::json& customer = (*r)->customer;
    for (const char* key : {"phone", "id", "email"}) {
      if (customer.contains(key) && customer[key].is_string()) {
        return cached->second = customer[key].get<std::string>();
      }
    }
    return "";
  });
  constexpr size_t kPage = 5000;
  constexpr size_t kMaxBytes = size_t{64} << 20;
  std::string out;
  uint64_t after = 0;
  while (true) {
    auto page = shard.log().ReadEventsBetween(range->first, range->second, after, kPage);
    if (!page.ok()) return call.Fail(page.error());
    for (const auto& e : *page) writer.Write(e, out);
    if (page->size() < kPage) break;
    after = page->back().seq;
    if (out.size() > kMaxBytes) {
      return call.Fail(Error::ResourceExhausted(
          "the export is over 64 MiB; ask for a shorter range (from/to)", "to"));
    }
  }
  http::Response response;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(out);
  call.respond(std::move(response));
}

}  // namespace hotline::api
