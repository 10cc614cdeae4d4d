// What makes two divergences one behaviour of an implementation, and how a
// report names it (kqreplay report, docs/kqreplay.md#report).
#pragma once

#include <string>
#include <vector>

#include "traces/compare.hpp"
#include "traces/trace.hpp"

namespace kqsim::traces {

struct BehaviourKey {
  std::string signature;  // stable: the category, the call or filter, the values that tell it
  std::string title;      // one readable sentence
};

// Never keyed by descriptor numbers, idents or counts that vary from program
// to program. An EV_ERROR receipt that keeps the change's flags (or fflags) is
// one behaviour whatever the change's flags were; a receipt's errnos are named;
// a missing or extra event is one behaviour per filter. Returned flags give
// one behaviour per flag one side has and the other lacks (so several keys).
std::vector<BehaviourKey> behaviour_keys(const Step& step, const Divergence& d);

// A return value that differs only because another divergence of the same
// step does - a -1 against a 0 beside an errno, kevent's count beside an
// event or a receipt missing or extra - says nothing more: no behaviour of
// its own. `same_step` holds every divergence of d's step (d among them).
bool restates_other_divergence(const Divergence& d, const std::vector<const Divergence*>& same_step);

}  // namespace kqsim::traces
