#include "store/log_rules.h"

#include <fmt/format.h>

namespace hotline::store {

Status ValidateBatch(const LogHead& head, const WriteBatch& batch) {
  uint64_t expected = head.last_event + 1;
  for (const EventRecord& event : batch.events) {
    if (event.seq != expected) {
      return Error{
          ErrorCode::kInternal,
          fmt::format("event seq {} does not continue the log (expected {})", event.seq, expected),
          "events.seq"};
    }
    ++expected;
  }
  const uint64_t last_event = expected - 1;
  expected = head.last_command + 1;
  for (const CommandRecord& command : batch.commands) {
    if (command.seq != expected) {
      return Error{ErrorCode::kInternal,
                   fmt::format("command seq {} does not continue the log (expected {})",
                               command.seq, expected),
                   "commands.seq"};
    }
    if (command.last_event > last_event) {
      return Error{ErrorCode::kInternal,
                   fmt::format("command seq {} names last event {} but the log ends at event {}",
                               command.seq, command.last_event, last_event),
                   "commands.last_event"};
    }
    ++expected;
  }
  return Status::Ok();
}

LogHead HeadAfter(const LogHead& head, const WriteBatch& batch) {
  return {head.last_event + batch.events.size(), head.last_command + batch.commands.size()};
}

Status ValidateSnapshot(const LogHead& head, const Snapshot& snapshot) {
  if (snapshot.command_seq > head.last_command) {
    return Error::InvalidArgument(
        fmt::format("snapshot after command {} is beyond the log, which ends at command {}",
                    snapshot.command_seq, head.last_command),
        "command_seq");
  }
  if (snapshot.event_seq > head.last_event) {
    return Error::InvalidArgument(
        fmt::format("snapshot at event {} is beyond the log, which ends at event {}",
                    snapshot.event_seq, head.last_event),
        "event_seq");
  }
  return Status::Ok();
}

Error LogStoppedError(const Error& first_failure) {
  return Error{ErrorCode::kUnavailable,
               "the event log stopped after an earlier failure: " + first_failure.message,
               first_failure.field};
}

uint64_t ChainEvent(uint64_t previous, const EventRecord& event) {
  return ChainEvent(previous, event.seq, ToMicros(event.at), event.type, event.actor,
                    event.interaction, event.data);
}

uint64_t ChainCommand(uint64_t previous, const CommandRecord& command) {
  return ChainCommand(previous, command.seq, ToMicros(command.at), command.actor, command.body,
                      command.last_event, command.events_hash);
}

}  // namespace hotline::store
