// An aio call as a fixed-size message, for the channels that carry one call
// per message (the model server's RPC, the recorder's workers).
#pragma once

#include <cstdint>

#include "model/aio.hpp"

namespace kqsim::sim {

// lio_listio entries a message carries; a longer list is a simulator limit.
inline constexpr std::size_t kWireAioEntries = 64;

struct AioCbWire {
  std::uint64_t addr = 0;
  std::int32_t fildes = -1;
  std::int64_t offset = 0;
  std::int64_t nbytes = 0;
  std::int32_t lio_opcode = 0;
  std::int32_t notify = 0;
  std::int32_t kqueue = -1;
  std::uint16_t kevent_flags = 0;
  std::uint64_t value = 0;
  std::int32_t signo = 0;
  bool defer = false;
};

struct AioWire {
  std::uint8_t op = 0;
  AioCbWire cb;
  std::int32_t mode = 0;
  std::uint64_t list_addr = 0;
  std::int32_t nentries = 0;
  bool has_sig = false;
  AioCbWire sig;  // the sigevent fields only
  AioCbWire entries[kWireAioEntries];
};

inline AioCbWire to_wire(const model::AioCb& c) {
  return AioCbWire{c.addr, c.fildes, c.offset, c.nbytes, c.lio_opcode, c.sigevent.notify, c.sigevent.kqueue,
                   c.sigevent.kevent_flags, c.sigevent.value, c.sigevent.signo, c.defer};
}

inline model::AioCb from_wire(const AioCbWire& w) {
  model::AioCb c;
  c.addr = w.addr;
  c.fildes = w.fildes;
  c.offset = w.offset;
  c.nbytes = w.nbytes;
  c.lio_opcode = w.lio_opcode;
  c.sigevent = model::SigEvent{w.notify, w.kqueue, w.kevent_flags, w.value, w.signo};
  c.defer = w.defer;
  return c;
}

// False when the list is longer than a message holds.
inline bool to_wire(const model::AioCall& c, AioWire& w) {
  if (c.list.size() > kWireAioEntries) return false;
  w.op = static_cast<std::uint8_t>(c.op);
  w.cb = to_wire(c.cb);
  w.mode = c.mode;
  w.list_addr = c.list_addr;
  w.nentries = static_cast<std::int32_t>(c.list.size());
  for (std::size_t i = 0; i < c.list.size(); ++i) w.entries[i] = to_wire(c.list[i]);
  w.has_sig = c.sig.has_value();
  if (c.sig) {
    model::AioCb s;
    s.sigevent = *c.sig;
    w.sig = to_wire(s);
  }
  return true;
}

inline model::AioCall from_wire(const AioWire& w) {
  model::AioCall c;
  c.op = static_cast<model::AioOp>(w.op);
  c.cb = from_wire(w.cb);
  c.mode = w.mode;
  c.list_addr = w.list_addr;
  for (std::int32_t i = 0; i < w.nentries && i < static_cast<std::int32_t>(kWireAioEntries); ++i) c.list.push_back(from_wire(w.entries[i]));
  if (w.has_sig) c.sig = from_wire(w.sig).sigevent;
  return c;
}

}  // namespace kqsim::sim
