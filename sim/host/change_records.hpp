// Which records kevent(2) returned are change records (EV_ERROR receipts)
// and which are events. kqueue_kevent (FreeBSD) and libkqueue's
// kevent_copyin write a change's record in change order, before the scan's
// events; a receipt's data is an errno (the host's number, to translate),
// an event's is a count. On libkqueue an event may carry EV_ERROR too - one
// the program passed, which libkqueue keeps in the knote (FreeBSD clears it,
// EV_SYSFLAGS) - so EV_ERROR alone does not tell a receipt.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace kqsim::host {

struct RecordKey {
  std::uint64_t ident = 0;
  std::int32_t filter = 0;
  std::uint64_t udata = 0;  // a receipt keeps its change's udata (both kernels)
  bool error = false;       // EV_ERROR in the record's flags (unused for changes)
};

// The number of leading records that pair, in order, with the changes:
// each has EV_ERROR and the ident, filter and udata of a change after the
// previous record's. The first record that does not is an event, and so is
// all that follows. An event that pairs with a change this way - a knote
// carrying EV_ERROR that the same call adds or changes, with the same udata -
// is still taken for a receipt: only the host knows which it wrote
// (docs/emulators.md, "Recording limits").
inline std::size_t leading_change_records(std::span<const RecordKey> records, std::span<const RecordKey> changes) {
  std::size_t next_change = 0;
  std::size_t n = 0;
  for (const RecordKey& r : records) {
    if (!r.error) break;
    std::size_t c = next_change;
    while (c < changes.size() &&
           (changes[c].ident != r.ident || changes[c].filter != r.filter || changes[c].udata != r.udata)) {
      ++c;
    }
    if (c == changes.size()) break;
    next_change = c + 1;
    ++n;
  }
  return n;
}

}  // namespace kqsim::host
