// What the voice adapter needs from the running center (the shard), declared here so voice does
// not depend on the outer layers: the server implements it over shard::Shard.
//
// Every method is called on the loop thread that runs the CallCenter, and every `done` must run on
// that same thread (after the command's events are durable, or at once with an error).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "base/result.h"
#include "base/time.h"

namespace hotline::voice {

struct VoiceInteraction {
  std::string queue;
  int priority = 0;
  std::map<std::string, std::string> attributes;  // the flow's, all as strings
  std::string caller;                             // the caller's number (SIP user part)
  std::string dialed;
};

// Where a waiting interaction stands in its queue.
struct QueueStanding {
  int position = 1;  // 1 = next to be served
  Duration estimated_wait{0};
};

// What became of an interaction, as the engine's events say (the subset voice acts on).
struct EngineNotice {
  enum class Kind : uint8_t {
    kOffered,    // interaction, agent, offer: ring the agent's phone
    kOfferOver,  // offer: timed out, rescinded or rejected; stop ringing
    kConnected,  // interaction, agent
    kLeftQueue,  // interaction: timed out, exited, rejected or canceled by the engine
  };
  Kind kind{};
  uint64_t interaction = 0;
  uint64_t offer = 0;
  std::string agent;
  std::string reason;  // kLeftQueue: "timed_out", "exited", "rejected", "canceled"
};

class CenterPort {
 public:
  virtual ~CenterPort() = default;
  // interaction.create on the voice channel; done with the new interaction's id, or an error
  // when it was not created or its queue refused it at once (admission).
  virtual void CreateInteraction(const VoiceInteraction& spec,
                                 std::function<void(Result<uint64_t>)> done) = 0;
  virtual void AcceptOffer(uint64_t offer, std::function<void(Status)> done) = 0;
  // reason: "declined" or "busy".
  virtual void RejectOffer(uint64_t offer, std::string reason) = 0;
  // The conversation is over (the agent goes to wrap-up).
  virtual void EndInteraction(uint64_t interaction) = 0;
  // reason: "abandoned" (the caller hung up), "exited" (chose to leave).
  virtual void CancelInteraction(uint64_t interaction, std::string reason) = 0;
  // The caller pressed the callback key: the place in line is kept.
  virtual void BookCallback(uint64_t interaction) = 0;
  virtual void SetPriority(uint64_t interaction, int priority) = 0;
  // Position and estimated wait of a waiting interaction (nullopt when it is not waiting).
  virtual std::optional<QueueStanding> Standing(uint64_t interaction) const = 0;
  // The call's recording is complete (file under the recordings folder, its length).
  virtual void RecordingSaved(uint64_t interaction, std::string file, double seconds) = 0;
  // A fact about a call for the event log: "call.started" (caller, dialed), "call.flow" (node,
  // kind, detail: each step of its IVR flow), "call.ended" (reason, interaction).
  virtual void CallEvent(std::string type, uint64_t call,
                         std::map<std::string, std::string> data) = 0;
  virtual Instant Now() const = 0;
};

}  // namespace hotline::voice
