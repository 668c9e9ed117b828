// Routing behaviour as data: `.scenario` files read and run against core::Engine (STYLE.md,
// "Routing and flow behaviour as scenario data files with one runner").
//
// A scenario file is a center definition in hotline.yaml format, a line `---`, then one step or
// expectation per line. `#` starts a comment (to the end of the line); blank lines are ignored.
//
//   seed N                     optional, before the first `at`: the engine's seed (default 1)
//   at T [COMMAND]             advance the engine to T (absolute time since the scenario started:
//                              `0s`, `1.5s`, `2m`; never earlier than the previous `at`), firing
//                              its timers, then run COMMAND (if any) at T
//   expect EXPECTATION         checked at the time of the latest `at`
//
// Names: agents (a1), queues (support), skills and dispositions are the center's ids; an
// interaction is named by the scenario when it is created (`create c1 ...`) and must not reuse an
// agent or queue id.
//
// Commands (I = interaction, A = agent, Q = queue):
//   login A...  (alias ready)   SetPresence(ready)
//   notready A [REASON]         SetPresence(not_ready, REASON)
//   logout A...                 SetPresence(logged_out)
//   create I CHANNEL Q [priority=N] [known=A] [attr.KEY=VALUE]...
//                               CreateInteraction; VALUE is a number, true/false, [x,y] (a list)
//                               or a string
//   accept I A                  AcceptOffer(the latest offer of I to A ever made, even if it is
//                               no longer pending: accepting a stale offer is a valid test)
//   reject I A [declined|busy]  RejectOffer (default declined)
//   end I                       EndInteraction
//   wrapup I [DISPOSITION]      CompleteWrapup
//   abandon I | exit I | cancel I   CancelInteraction(abandoned | exited | canceled)
//   transfer I Q                TransferInteraction
//   priority I N                ChangePriority
//   callback I                  BookCallback
//   skill A SKILL LEVEL         SetAgentSkill (level 0 removes it)
//   attrs I KEY=VALUE...        SetAttributes
//   reconfigure                 Engine::Reconfigure with a changed center. The indented lines that
//                               follow (up to the next line starting in column 1) are hotline.yaml
//                               text: each top-level section they hold (agents:, queues:, skills:,
//                               profiles:, settings:, center:, dispositions:) replaces the section
//                               of that name in the center in force (or is added); the others stay.
//                               Agents and queues appended this way are named like the others. A
//                               block that does not parse fails the scenario; a center the engine
//                               refuses is an error for `expect error`. Example:
//                                 at 10s reconfigure      # a3 joins with billing 2
//                                   agents:
//                                     - {id: a1, skills: {support: 1}}
//                                     - {id: a3, skills: {billing: 2}}
// A command the engine refuses fails the scenario, unless the next line is `expect error [CODE]`
// (CODE as ErrorCodeName: failed_precondition, not_found, ...); `expect error` after a command
// that succeeded fails too. A refused command must emit no event (engine.h, "Errors").
//
// Expectations about the present (engine views at the latest `at` time):
//   expect offered I A          a pending offer of I to A exists (OffersOf(A))
//   expect not-offered I A      no pending offer of I to A
//   expect offers I A... | none the pending offers of I go to exactly these agents (any order)
//   expect offered-among I A... I has at least one pending offer, each to one of these agents
//   expect state I STATE        queued, offering, assigned, wrapping, or (for an interaction no
//                               longer live) the terminal state of its last terminal event
//   expect priority I N | queue I Q | step I N | channel I CHANNEL | agent-of I A
//   expect age I T              its place in line (age_since) is T after the start
//   expect agent A presence PRESENCE [REASON]
//   expect agent A state ROUTING_STATE           (idle, offered, busy, wrapup, backoff)
//   expect agent A load CHANNEL N | missed N | handled N
//   expect waiting Q N          QueueView.waiting (queued or offering)
//   expect explain I A REASON   the Explain() reason for A (IneligibilityName: ring_not_open, ...)
//   expect eligible I A | expect not-eligible I A     IsEligible
// Expectations about what happened. SUBJECTs are interaction, agent or queue names, or
// reason=R / target=T; an event or effect matches when it has the TYPE and every SUBJECT.
//   expect event TYPE [SUBJECT...]        emitted during the latest `at` (its timers and command)
//   expect no-event TYPE [SUBJECT...]     not emitted during the latest `at`
//   expect event-count TYPE [SUBJECT...] N   emitted N times since the scenario started
//   expect effect TYPE [SUBJECT...] | expect no-effect TYPE [SUBJECT...]   as events, for effects
// TYPEs are EventTypeName (interaction.offered, offer.timed_out, ...) / EffectTypeName.
//
// A failing expectation reads `file:line: expected ..., got ...`, followed by the line and the
// last events. A passing scenario is run a second time and must emit the same event sequence
// (ROUTING.md: same inputs and seed -> the same events).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "core/engine.h"

namespace hotline::testing {

enum class Op : uint8_t {
  // Commands (`at` lines). kAdvance is an `at` with no command.
  kAdvance,
  kLogin,
  kNotReady,
  kLogout,
  kCreate,
  kAccept,
  kReject,
  kEnd,
  kWrapup,
  kAbandon,
  kExit,
  kCancel,
  kTransfer,
  kPriority,
  kCallback,
  kSkill,
  kAttrs,
  kReconfigure,
  // Expectations.
  kExpectError,
  kExpectOffered,
  kExpectNotOffered,
  kExpectOffers,
  kExpectOfferedAmong,
  kExpectState,
  kExpectPriority,
  kExpectQueue,
  kExpectStep,
  kExpectChannel,
  kExpectAgentOf,
  kExpectAge,
  kExpectAgentPresence,
  kExpectAgentState,
  kExpectAgentLoad,
  kExpectAgentMissed,
  kExpectAgentHandled,
  kExpectWaiting,
  kExpectExplain,
  kExpectEligible,
  kExpectNotEligible,
  kExpectEvent,
  kExpectNoEvent,
  kExpectEventCount,
  kExpectEffect,
  kExpectNoEffect,
};

bool IsCommand(Op op);

// One step or expectation. Names stay strings until the run resolves them against the center.
struct ScenarioLine {
  int line = 0;
  std::string text;  // as written, without the comment
  Op op = Op::kAdvance;
  Duration at{0};                     // `at` lines: the step's time; expectations: the latest `at`
  std::vector<std::string> names;     // interactions / agents / queues, in the op's order
  std::string word;                   // reason, disposition, queue, skill, state, type, code...
  std::optional<std::string> reason;  // expect agent A presence P REASON
  int number = 0;                     // priority, level, counts, step
  Duration duration{0};               // expect age
  core::Channel channel = core::Channel::kVoice;
  core::RejectReason reject = core::RejectReason::kDeclined;
  std::optional<std::string> known;           // create: known=A
  std::map<std::string, core::Value> values;  // create attr.K=V, attrs K=V
  std::vector<std::string> subjects;          // expect event / effect
  std::string yaml;                           // reconfigure: the block, unindented
};

struct Scenario {
  std::string file;
  std::string center_yaml;  // lines before `---` (line numbers unchanged: it starts at line 1)
  uint64_t seed = 1;
  std::vector<ScenarioLine> lines;
};

// The center text `base` with each top-level section of `patch` in place of the section of the
// same key (or appended). Sections start at a line in column 1 that holds a `key:`.
std::string ReplaceSections(const std::string& base, const std::string& patch);

// Parses the text of a scenario file. Errors (InvalidArgument) read "file:line: what is wrong".
// The center YAML is not parsed here (RunScenario does it); names are resolved when run.
Result<Scenario> ParseScenario(std::string_view text, std::string file_name);

// Loads the center, runs every line, checks every expectation, then runs again to check that the
// event sequence is the same. Stops at the first failure: the Error's message is the report.
Status RunScenario(const Scenario& scenario);

// Reads, parses and runs one file.
Status RunScenarioFile(const std::string& path);

}  // namespace hotline::testing
