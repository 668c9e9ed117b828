// Checks of a flow's graph that need the whole flow (config reports them with lines).
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "flow/flow.h"

namespace hotline::flow {

// The nodes `node` may go to next, in a stable order (next, options, branches, ...), each once.
std::vector<std::string> Successors(const Node& node);

// True for nodes that wait for the caller or a queue (menu, collect, queue, voicemail): a loop
// through one of them is paced by the caller.
bool WaitsForInput(NodeKind kind);

// A node on a cycle made only of nodes that do not wait for input (say, play, hours, set), or
// nullopt. Such a loop would run forever without the caller doing anything. References to
// missing nodes are ignored here.
std::optional<std::string> FindSilentLoop(const Flow& flow);

}  // namespace hotline::flow
