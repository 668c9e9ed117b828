// Asterisk-format queue_log lines from the event log, for reporting tools built for Asterisk
// (QueueMetrics, asternic...): "EPOCH|CALLID|QUEUE|AGENT|EVENT|DATA1|DATA2|DATA3".
//
// Mapping (docs/api.md "queue_log export"): interaction.queued (first queue) -> ENTERQUEUE,
// interaction.connected -> CONNECT, interaction.wrapup_started -> COMPLETEAGENT,
// interaction.abandoned -> ABANDON, interaction.timed_out -> EXITWITHTIMEOUT,
// interaction.exited -> EXITWITHKEY / EXITEMPTY, interaction.rejected -> FULL / JOINEMPTY,
// interaction.transferred -> TRANSFER, offer.timed_out -> RINGNOANSWER, agent.logged_in ->
// ADDMEMBER, agent.logged_out -> REMOVEMEMBER, agent.presence_changed -> PAUSE / UNPAUSE.
// Other events have no queue_log line. The call id is the interaction id; the agent is its id.
//
// Thread-safety: one writer per export.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "store/event_log.h"

namespace hotline::shard {

class QueueLogWriter {
 public:
  // `caller_id(interaction)`: the customer's phone (or other id) for ENTERQUEUE, or "".
  explicit QueueLogWriter(std::function<std::string(uint64_t)> caller_id);
  // Appends the line(s) for `event` to `out` (nothing for events without a queue_log meaning).
  void Write(const store::EventRecord& event, std::string& out);

 private:
  std::function<std::string(uint64_t)> caller_id_;
  std::unordered_map<uint64_t, int64_t> connected_at_us_;  // interaction -> connect time
  std::unordered_map<uint64_t, double> wait_s_;            // interaction -> wait when connected
  std::unordered_map<uint64_t, int64_t> offered_at_us_;    // offer -> ring start
  std::unordered_map<uint64_t, std::string> queue_of_;     // interaction -> queue connected in
};

}  // namespace hotline::shard
