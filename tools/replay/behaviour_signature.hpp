// What makes two divergences one behaviour of an implementation, and how a
// report names it (kqreplay report, docs/kqreplay.md#report).
#pragma once

#include <string>
#include <vector>

#include "traces/compare.hpp"
#include "traces/trace.hpp"

namespace kqsim::replay {

struct BehaviourKey {
  std::string signature;  // stable: the category, the call or filter, the values that tell it
  std::string title;      // one readable sentence
};

// Never keyed by descriptor numbers, idents or counts that vary from program
// to program. An EV_ERROR receipt that keeps the change's flags (or fflags) is
// one behaviour whatever the change's flags were; a receipt's errnos are named;
// a missing or extra event is one behaviour per filter. Returned flags give
// one behaviour per flag one side has and the other lacks (so several keys).
std::vector<BehaviourKey> behaviour_keys(const traces::Step& step, const traces::Divergence& d);

}  // namespace kqsim::replay
