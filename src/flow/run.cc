// FlowRun: entering nodes, the simple kinds (say, play, hours, set, transfer, hangup) and the
// dispatch of the caller's and the adapter's events. Menu and collect: run_input.cc; queue and
// voicemail: run_queue.cc.
#include "flow/run.h"

#include <algorithm>
#include <utility>

namespace hotline::flow {

namespace {

bool IsDtmf(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

}  // namespace

FlowRun::FlowRun(std::shared_ptr<const FlowBook> book, const Flow& flow, std::string caller,
                 std::string dialed)
    : book_(std::move(book)),
      flow_(&flow),
      caller_(std::move(caller)),
      dialed_(std::move(dialed)) {}

void FlowRun::Start(Instant now) {
  if (phase_ != Phase::kIdle) return;
  Enter(flow_->start, now);
}

void FlowRun::Step(Instant now, std::string detail) {
  std::string node = node_ ? node_->name : "";
  std::string kind(node_ ? KindName(node_->kind) : "");
  steps_.push_back({now, std::move(node), std::move(kind), std::move(detail)});
}

void FlowRun::Hangup(const std::string& reason, Instant now) {
  Step(now, "hangup " + reason);
  Emit({.type = EffectType::kHangup, .reason = reason});
  phase_ = Phase::kFinished;
}

void FlowRun::Go(const std::string& name, Instant now, const std::string& reason_if_none) {
  if (name.empty()) {
    Hangup(reason_if_none, now);
  } else {
    Enter(name, now);
  }
}

bool FlowRun::PlayPrompts(const std::vector<Prompt>& prompts) {
  for (const Prompt& p : prompts) {
    if (p.sound.empty()) {
      Emit({.type = EffectType::kSay, .text = p.text, .voice = p.voice});
    } else {
      Emit({.type = EffectType::kPlay, .sound = p.sound});
    }
  }
  return !prompts.empty();
}

void FlowRun::Enter(const std::string& name, Instant now) {
  auto it = flow_->nodes.find(name);
  if (++silent_nodes_ > kMaxSilentNodes) {
    Hangup("loop", now);
    return;
  }
  if (it == flow_->nodes.end()) {  // a flow not checked by config
    Hangup("invalid", now);
    return;
  }
  node_ = &it->second;
  deadline_ = Instant::max();
  Step(now, "enter");
  switch (node_->kind) {
    case NodeKind::kSay:
    case NodeKind::kPlay:
      phase_ = Phase::kAudio;
      if (!PlayPrompts(node_->prompt)) Go(node_->next, now, "done");
      return;
    case NodeKind::kMenu:
      return EnterMenu(now);
    case NodeKind::kCollect:
      return EnterCollect(now);
    case NodeKind::kHours:
      return EnterHours(now);
    case NodeKind::kSet:
      return EnterSet(now);
    case NodeKind::kQueue:
      return EnterQueue(now);
    case NodeKind::kVoicemail:
      return EnterVoicemail(now);
    case NodeKind::kTransfer:
      Emit({.type = EffectType::kTransfer, .target = node_->target});
      phase_ = Phase::kFinished;
      return;
    case NodeKind::kHangup:
      return Hangup(node_->reason, now);
  }
}

void FlowRun::EnterHours(Instant now) {
  const HoursBranch& branch = node_->hours;
  HoursState state = HoursState::kClosed;
  auto hours = book_->hours.find(branch.hours);
  if (hours != book_->hours.end()) state = HoursAt(hours->second, now, book_->utc_offset);
  switch (state) {
    case HoursState::kOpen:
      Step(now, "open");
      return Go(branch.open, now, "done");
    case HoursState::kHoliday:
      Step(now, "holiday");
      if (!branch.holiday.empty()) return Go(branch.holiday, now, "done");
      return Go(branch.closed, now, "closed");
    case HoursState::kClosed:
      Step(now, "closed");
      return Go(branch.closed, now, "closed");
  }
}

void FlowRun::EnterSet(Instant now) {
  if (!node_->attributes.empty()) {
    for (const auto& [key, value] : node_->attributes) attributes_[key] = value;
    Emit({.type = EffectType::kSetAttributes, .attributes = node_->attributes});
  }
  if (node_->set_priority) {
    priority_ = node_->priority;
    Emit({.type = EffectType::kSetPriority, .priority = priority_});
  }
  Go(node_->next, now, "done");
}

void FlowRun::AudioDone(Instant now) {
  switch (phase_) {
    case Phase::kAudio:
      return Go(node_->next, now, "done");
    case Phase::kMenuPrompt:
      phase_ = Phase::kMenuWait;
      deadline_ = now + node_->menu.timeout;
      return;
    case Phase::kCollectPrompt:
      phase_ = Phase::kCollectWait;
      deadline_ = now + node_->collect.timeout;
      return;
    case Phase::kAnnouncing:
      phase_ = Phase::kQueued;
      return PlayMusic();
    case Phase::kCallbackConfirm:
      return Hangup("callback", now);
    case Phase::kVoicemailPrompt:
      phase_ = Phase::kRecording;
      Emit({.type = EffectType::kRecordVoicemail, .max_duration = node_->max_duration});
      return;
    default:
      return;
  }
}

void FlowRun::Digit(char digit, Instant now) {
  if (!IsDtmf(digit)) return;
  switch (phase_) {
    case Phase::kAudio:
      silent_nodes_ = 0;
      if (typed_ahead_.size() < kMaxTypedAhead) typed_ahead_ += digit;
      return;
    case Phase::kMenuPrompt:
    case Phase::kCollectPrompt:
      Emit(EffectType::kStopAudio);
      phase_ = phase_ == Phase::kMenuPrompt ? Phase::kMenuWait : Phase::kCollectWait;
      [[fallthrough]];
    case Phase::kMenuWait:
    case Phase::kCollectWait:
      silent_nodes_ = 0;
      if (phase_ == Phase::kMenuWait) return MenuDigit(digit, now);
      return CollectDigit(digit, now);
    case Phase::kQueued:
    case Phase::kAnnouncing:
      silent_nodes_ = 0;
      return QueueDigit(digit, now);
    default:
      return;
  }
}

void FlowRun::Timer(Instant now) {
  switch (phase_) {
    case Phase::kMenuWait:
      if (now < deadline_) return;
      Step(now, "timeout");
      return MenuRetry(/*invalid=*/false, now);
    case Phase::kCollectWait:
      if (now < deadline_) return;
      return CollectEnd(now);
    case Phase::kQueued:
    case Phase::kAnnouncing:
      return QueueTimer(now);
    default:
      return;
  }
}

Instant FlowRun::NextDeadline() const {
  switch (phase_) {
    case Phase::kMenuWait:
    case Phase::kCollectWait:
      return deadline_;
    case Phase::kQueued:
    case Phase::kAnnouncing:
      return std::min(announce_at_, queue_timeout_at_);
    default:
      return Instant::max();
  }
}

}  // namespace hotline::flow
