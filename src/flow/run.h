// FlowRun: the IVR interpreter of one call. Pure, like the engine: the voice adapter feeds it
// what happened (audio finished, a digit, a timer, queue news) with the current instant, and
// carries out the effects it emits (say, play, enqueue, hang up, ...). It reads no clock and does
// no I/O, so tests and the simulator run it on a scripted clock.
//
// Protocol:
//  - Start(now) once; then after each call, drain effects() and steps() (ClearEffects,
//    ClearSteps) and arm a timer for NextDeadline(); call Timer(now) when it passes.
//  - A node's prompts come out as consecutive kSay / kPlay effects; the adapter plays them in
//    order and calls AudioDone once, when the last one has finished. Music (kPlay, loop) plays
//    until kStopAudio or the next prompt.
//  - Digits pressed while a menu or collect prompt plays stop it (kStopAudio) and are taken
//    (barge-in). Digits pressed during a say / play node are kept (at most kMaxTypedAhead) for the
//    next menu or collect, which then skips its prompt (type-ahead).
//  - In a queue: kEnqueue then kPlay(music, loop). Every `announce_every` a kRequestQueueStatus;
//    QueueStatus answers it: kStopAudio, the announcement as kSay, and on AudioDone the music
//    again. The callback key books a callback (kBookCallback, the caller keeps their place), says
//    the confirmation and hangs up ("callback"). The voicemail key or the node's timeout leaves
//    the queue (kLeaveQueue) for the voicemail node. QueueEnded(kConnected) stops the audio and
//    finishes the run.
//  - Loop guard: past kMaxSilentNodes nodes entered without input from the caller or the queue,
//    the run hangs up with reason "loop".
//
// Calls that make no sense in the current state (a QueueStatus outside a queue, anything after
// the run finished) are ignored: the adapter's events may cross the run's effects.
//
// Ownership: the run keeps `book` alive; `flow` must belong to it (or outlive the run).
// Thread-safety: none; one run per call, used from the call's strand.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/time.h"
#include "flow/flow.h"

namespace hotline::flow {

inline constexpr int kMaxSilentNodes = 100;
inline constexpr size_t kMaxTypedAhead = 32;

enum class EffectType : uint8_t {
  kSay,                 // speak `text` in `voice`
  kPlay,                // play `sound` ("music" or a WAV path), looping when `loop`
  kStopAudio,           // stop whatever plays
  kEnqueue,             // join `queue` with `priority` and `attributes`
  kRequestQueueStatus,  // ask for the position and estimated wait in `queue` (-> QueueStatus)
  kBookCallback,        // turn the waiting call into a callback in `queue`, keeping its place
  kLeaveQueue,          // leave `queue` (`reason`: "timeout", "voicemail")
  kRecordVoicemail,     // record up to `max_duration` (-> VoicemailDone)
  kTransfer,            // hand the call to `target`
  kHangup,              // end the call (`reason`: "done", "loop", "invalid", "callback", ...)
  kSetAttributes,       // `attributes` were set on the call
  kSetPriority,         // the call's priority is now `priority`
};

struct Effect {
  EffectType type = EffectType::kHangup;
  std::string text{};
  std::string voice{};
  std::string sound{};
  bool loop = false;
  std::string queue{};
  int priority = 0;
  std::map<std::string, std::string> attributes{};
  std::string target{};
  Duration max_duration{0};
  std::string reason{};
};

// One step of the run, for the event log: node entered ("enter"), "menu choice 1", "invalid 7",
// "timeout", "open", ... Never the digits of a collect (they may be personal).
struct StepRecord {
  Instant at{};
  std::string node{};
  std::string kind{};  // KindName of the node
  std::string detail{};
};

enum class QueueOutcome : uint8_t {
  kConnected,  // an agent answered: the run is over
  kTimedOut,   // the queue's own limit: -> voicemail node, else next
  kRejected,   // not admitted: -> next, else voicemail node
  kExited,     // removed (overflow, supervisor): -> next, else voicemail node
  kCanceled,   // the caller is gone: the run ends silently
};

class FlowRun {
 public:
  FlowRun(std::shared_ptr<const FlowBook> book, const Flow& flow, std::string caller,
          std::string dialed);

  void Start(Instant now);
  void AudioDone(Instant now);
  void Digit(char digit, Instant now);  // '0'-'9', '*', '#', 'A'-'D'; others ignored
  void Timer(Instant now);              // call when now >= NextDeadline()
  void QueueStatus(int position, Duration estimated_wait, Instant now);
  void QueueEnded(QueueOutcome outcome, Instant now);
  void VoicemailDone(Instant now);

  Instant NextDeadline() const;  // Instant::max() when none
  std::vector<Effect>& effects() { return effects_; }
  void ClearEffects() { effects_.clear(); }
  std::vector<StepRecord>& steps() { return steps_; }
  void ClearSteps() { steps_.clear(); }
  bool finished() const { return phase_ == Phase::kFinished; }
  const std::map<std::string, std::string>& attributes() const { return attributes_; }
  const std::string& caller() const { return caller_; }
  const std::string& dialed() const { return dialed_; }

 private:
  enum class Phase : uint8_t {
    kIdle,             // before Start
    kAudio,            // say / play: until AudioDone
    kMenuPrompt,       // menu prompt playing; a digit barges in
    kMenuWait,         // waiting for a menu digit until deadline_
    kCollectPrompt,    // collect prompt playing; a digit barges in
    kCollectWait,      // collecting digits until deadline_
    kQueued,           // music on hold; announcement and timeout timers
    kAnnouncing,       // an announcement playing while queued
    kCallbackConfirm,  // callback booked; confirmation playing, then hang up
    kVoicemailPrompt,  // voicemail prompt playing, then record
    kRecording,        // until VoicemailDone
    kFinished,         // hung up, transferred, connected or canceled
  };

  // run.cc
  void Enter(const std::string& name, Instant now);
  void Go(const std::string& name, Instant now, const std::string& reason_if_none);
  void Hangup(const std::string& reason, Instant now);
  void Step(Instant now, std::string detail);
  bool PlayPrompts(const std::vector<Prompt>& prompts);  // false: nothing to play
  void Emit(Effect effect) { effects_.push_back(std::move(effect)); }
  void Emit(EffectType type) { effects_.push_back(Effect{.type = type}); }
  void EnterHours(Instant now);
  void EnterSet(Instant now);
  // run_input.cc: menu and collect
  void EnterMenu(Instant now);
  void MenuDigit(char digit, Instant now);
  void MenuRetry(bool invalid, Instant now);
  void EnterCollect(Instant now);
  void CollectDigit(char digit, Instant now);
  void CollectEnd(Instant now);
  void CollectRetry(bool invalid, Instant now);
  // Plays `prompts` in phase `prompting`, then waits in `waiting`; no prompts: waits at once.
  void Ask(const std::vector<Prompt>& prompts, Phase prompting, Phase waiting, Duration timeout,
           Instant now);
  bool TakeTypedAhead(char* digit);
  // run_queue.cc: queue and voicemail
  void EnterQueue(Instant now);
  void QueueTimer(Instant now);
  void QueueDigit(char digit, Instant now);
  void PlayMusic();
  void EnterVoicemail(Instant now);

  std::shared_ptr<const FlowBook> book_{};
  const Flow* flow_;
  std::string caller_, dialed_;
  const Node* node_ = nullptr;
  Phase phase_ = Phase::kIdle;
  std::map<std::string, std::string> attributes_;
  int priority_ = 0;
  std::vector<Effect> effects_{};
  std::vector<StepRecord> steps_{};
  std::string typed_ahead_{};
  std::string collected_{};
  int attempt_ = 0;
  int silent_nodes_ = 0;
  Instant deadline_ = Instant::max();     // menu / collect wait
  Instant announce_at_ = Instant::max();  // queue
  Instant queue_timeout_at_ = Instant::max();
};

}  // namespace hotline::flow
