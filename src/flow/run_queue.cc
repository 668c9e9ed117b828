// FlowRun: waiting in a queue (music, announcements, callback and voicemail keys, outcomes) and
// leaving a voicemail.
#include <algorithm>
#include <chrono>
#include <string>

#include "flow/run.h"

namespace hotline::flow {

namespace {

void ReplaceAll(std::string* text, std::string_view from, const std::string& to) {
  for (size_t at = text->find(from); at != std::string::npos; at = text->find(from, at)) {
    text->replace(at, from.size(), to);
    at += to.size();
  }
}

// Whole minutes, rounded up, at least 1: "about 1 minute" rather than "0 minutes".
int WaitMinutes(Duration wait) {
  auto minutes = (wait + std::chrono::minutes(1) - Duration(1)) / std::chrono::minutes(1);
  return static_cast<int>(std::max<int64_t>(1, minutes));
}

}  // namespace

void FlowRun::PlayMusic() {
  Emit({.type = EffectType::kPlay, .sound = node_->queue.music, .loop = true});
}

void FlowRun::EnterQueue(Instant now) {
  const QueueStep& q = node_->queue;
  typed_ahead_.clear();
  Emit({.type = EffectType::kEnqueue,
        .queue = q.queue,
        .priority = priority_,
        .attributes = attributes_});
  PlayMusic();
  phase_ = Phase::kQueued;
  bool announces = q.announce_every > Duration::zero() && !q.announcement.empty();
  announce_at_ = announces ? now + q.announce_every : Instant::max();
  queue_timeout_at_ = q.timeout > Duration::zero() ? now + q.timeout : Instant::max();
}

void FlowRun::QueueTimer(Instant now) {
  const QueueStep& q = node_->queue;
  if (now >= queue_timeout_at_) {
    Step(now, "timeout");
    Emit(EffectType::kStopAudio);
    Emit({.type = EffectType::kLeaveQueue, .queue = q.queue, .reason = "timeout"});
    return Go(q.voicemail.empty() ? node_->next : q.voicemail, now, "timeout");
  }
  if (now < announce_at_) return;
  Emit({.type = EffectType::kRequestQueueStatus, .queue = q.queue});
  while (announce_at_ <= now) announce_at_ += q.announce_every;
}

void FlowRun::QueueStatus(int position, Duration estimated_wait, Instant now) {
  if (phase_ != Phase::kQueued) return;  // not queued, or already announcing
  silent_nodes_ = 0;
  std::string pos = std::to_string(position);
  std::string minutes = std::to_string(WaitMinutes(estimated_wait));
  std::vector<Prompt> prompts = node_->queue.announcement;
  for (Prompt& p : prompts) {
    ReplaceAll(&p.text, "{position}", pos);
    ReplaceAll(&p.text, "{wait_minutes}", minutes);
  }
  Step(now, "announce position " + pos + ", wait " + minutes + " min");
  Emit(EffectType::kStopAudio);
  PlayPrompts(prompts);
  phase_ = Phase::kAnnouncing;
}

void FlowRun::QueueDigit(char digit, Instant now) {
  const QueueStep& q = node_->queue;
  if (q.callback_key != 0 && digit == q.callback_key) {
    Step(now, "callback");
    Emit(EffectType::kStopAudio);
    Emit({.type = EffectType::kBookCallback, .queue = q.queue});
    phase_ = Phase::kCallbackConfirm;
    if (!PlayPrompts(q.callback_prompt)) Hangup("callback", now);
    return;
  }
  if (q.voicemail_key != 0 && digit == q.voicemail_key) {
    Step(now, "voicemail key");
    Emit(EffectType::kStopAudio);
    Emit({.type = EffectType::kLeaveQueue, .queue = q.queue, .reason = "voicemail"});
    return Go(q.voicemail.empty() ? node_->next : q.voicemail, now, "voicemail");
  }
}

void FlowRun::QueueEnded(QueueOutcome outcome, Instant now) {
  if (phase_ != Phase::kQueued && phase_ != Phase::kAnnouncing) return;
  silent_nodes_ = 0;
  const QueueStep& q = node_->queue;
  switch (outcome) {
    case QueueOutcome::kConnected:
      Step(now, "connected");
      Emit(EffectType::kStopAudio);
      phase_ = Phase::kFinished;
      return;
    case QueueOutcome::kCanceled:
      Step(now, "canceled");
      phase_ = Phase::kFinished;
      return;
    case QueueOutcome::kTimedOut:
      Step(now, "timed out");
      Emit(EffectType::kStopAudio);
      return Go(q.voicemail.empty() ? node_->next : q.voicemail, now, "timeout");
    case QueueOutcome::kRejected:
    case QueueOutcome::kExited: {
      std::string reason = outcome == QueueOutcome::kRejected ? "rejected" : "exited";
      Step(now, reason);
      Emit(EffectType::kStopAudio);
      return Go(node_->next.empty() ? q.voicemail : node_->next, now, reason);
    }
  }
}

// ---- voicemail ----------------------------------------------------------------------------------

void FlowRun::EnterVoicemail(Instant now) {
  typed_ahead_.clear();
  phase_ = Phase::kVoicemailPrompt;
  if (!PlayPrompts(node_->prompt)) AudioDone(now);  // no prompt: records at once
}

void FlowRun::VoicemailDone(Instant now) {
  if (phase_ != Phase::kRecording) return;
  silent_nodes_ = 0;
  Step(now, "recorded");
  Go(node_->next, now, "voicemail");
}

}  // namespace hotline::flow
