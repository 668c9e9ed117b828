// Flow definitions: the IVR of a dialed number as data (value types, read from `hotline.yaml` by
// config/flow_file.h; schema in docs/configuration.md, "Flows").
//
// A Flow is a graph of named Nodes; each node has one kind (say, menu, queue, ...) and names the
// nodes that follow it. A FlowBook holds every flow of a center, the dialed numbers that start
// them, the business hours they test, and the center's UTC offset. The interpreter is FlowRun
// (flow/run.h). Definitions are checked when loaded (config) and by FindSilentLoop (flow/check.h);
// FlowRun still bounds any loop at run time.
//
// Thread-safety: plain values; a const FlowBook may be shared between threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "flow/hours.h"

namespace hotline::flow {

// The text-to-speech voices (espeak-ng names). Mandarin prompts for "cmn-latn-pinyin" are written
// in pinyin with tone numbers ("ni3 hao3").
inline constexpr std::string_view kVoices[] = {"cmn-latn-pinyin", "cmn", "en", "yue"};
// The sound that means music on hold (any other sound is a WAV file path).
inline constexpr std::string_view kMusic = "music";

// One thing to play: a text spoken in a voice, or a sound ("music" or a WAV file path).
struct Prompt {
  std::string text{};   // empty for a sound
  std::string voice{};  // one of kVoices when text is set
  std::string sound{};  // empty for a text
};

enum class NodeKind : uint8_t {
  kSay,        // speaks text, then next
  kPlay,       // plays a sound once, then next
  kMenu,       // prompts, waits for one digit of `options`; retries on timeout and invalid input
  kCollect,    // prompts, collects digits into an attribute
  kHours,      // branches on business hours: open / closed / holiday
  kSet,        // sets attributes and/or the priority, then next
  kQueue,      // waits in a queue: music, announcements, callback and voicemail keys
  kVoicemail,  // prompts, records a message, then next (or hangs up)
  kTransfer,   // hands the call to a SIP URI or number; the run ends
  kHangup,     // ends the call
};

// "say", "menu", ... as written in hotline.yaml.
std::string_view KindName(NodeKind kind);

struct Menu {
  std::map<char, std::string> options{};  // digit -> next node
  Duration timeout = Seconds(5);          // after the prompt, wait this long for a digit
  int retries = 2;                        // prompts again this many times on timeout or bad digit
  std::vector<Prompt> invalid{};          // said after a digit not in `options`
};

struct Collect {
  int min_digits = 1;
  int max_digits = 20;
  char terminator = '#';          // 0: none
  Duration timeout = Seconds(5);  // after the prompt, and between digits
  int retries = 2;                // prompts again on too few digits
  std::vector<Prompt> invalid{};  // said after too few digits
  std::string attribute{};        // receives the digits
  std::string failure{};          // when retries run out; empty: hang up ("invalid")
};

struct HoursBranch {
  std::string hours{};                      // FlowBook::hours key
  std::string open{}, closed{}, holiday{};  // holiday empty: `closed`
};

struct QueueStep {
  std::string queue{};                    // queue id in the center
  std::string music{kMusic};              // looped while waiting
  Duration announce_every{0};             // 0: no announcements
  std::vector<Prompt> announcement{};     // texts may hold {position} and {wait_minutes}
  char callback_key = 0;                  // 0: none; books a callback keeping the caller's place
  std::vector<Prompt> callback_prompt{};  // said after booking, before hanging up
  char voicemail_key = 0;                 // 0: none; leaves the queue for `voicemail`
  Duration timeout{0};                    // 0: none; then leaves the queue for `voicemail`
  std::string voicemail{};                // node; empty: `next`, else hang up
};

struct Node {
  std::string name{};  // unique in its flow
  NodeKind kind = NodeKind::kHangup;
  std::vector<Prompt> prompt{};  // say/play: the one prompt; menu/collect/voicemail: said first
  // The node after this one. Menu: when retries run out. Queue: when the queue ends without an
  // agent (rejected, removed). Empty: hang up.
  std::string next{};
  Menu menu{};
  Collect collect{};
  HoursBranch hours{};
  std::map<std::string, std::string> attributes{};  // set
  bool set_priority = false;                        // set
  int priority = 0;                                 // set
  QueueStep queue{};
  Duration max_duration = Seconds(120);  // voicemail
  std::string target{};                  // transfer: SIP URI or number
  std::string reason{"done"};            // hangup
};

struct Flow {
  std::string id{};
  std::string start{};
  std::map<std::string, Node> nodes{};
};

struct FlowBook {
  std::map<std::string, Flow> flows;
  std::map<std::string, std::string> numbers;  // dialed number (user part, "1000") -> flow id
  std::map<std::string, Hours> hours;
  Duration utc_offset{0};  // the center's (center.utc_offset), for hours

  // The flow that answers `dialed`; nullptr for an unknown number (SIP 404).
  const Flow* FlowForNumber(std::string_view dialed) const;
};

}  // namespace hotline::flow
