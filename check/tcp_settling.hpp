// GeneratorOptions::with_tcp: which steps of a random program must be
// followed by a settling sleep so that, on a real host, every TCP segment a
// step sends has crossed lo0 (and been ACKed) before the next step - the
// model delivers at once. The generator tells TcpSettling what each step
// made, copied and closed; TcpSettling answers whether a step may move a
// loopback TCP socket's state, through any name or none.
//
// Why the answer is about names that "may" reach a socket: main's next
// descriptor takes the lowest free number (fdalloc), so once a number was
// closed a later name may hold it, and a name whose number was closed names
// whatever took it since. Which file such a name reaches depends on which
// calls failed, which the generator does not know (15.1 seed 40 p00285: a
// dup of a closed file's name, whose number a TCP client had taken, wrote
// 512 bytes unsettled and EVFILT_EMPTY waited for the delayed ACK).
// tests/check/tcp_programs_test.cpp runs the programs on the model and
// checks that every step which moved a TCP socket is followed by a settle.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "traces/trace.hpp"

namespace kqsim::check {

// How long a step that sends a TCP segment is given to cross lo0 on a real
// host: past the 40 ms delayed ACK (net.inet.tcp.delacktime), after which
// the sender's buffer is free.
constexpr std::int64_t kTcpSettleNs = 50'000'000;
// ... and the most it writes to a TCP socket at once: below the 49,032-byte
// send buffer of an established loopback connection.
constexpr std::int64_t kTcpWriteMaxBytes = 20'000;

class TcpSettling {
 public:
  // Disabled (GeneratorOptions::with_tcp off), it follows no freed number
  // (no TCP socket is ever made then, so nothing settles) and random
  // testing pays nothing for it.
  explicit TcpSettling(bool enabled) : enabled_(enabled) {}

  // A TCP socket exists: from now on every write is capped and MSG_WAITALL
  // is not drawn, whatever name it goes through.
  [[nodiscard]] bool any_socket() const { return !sockets_.empty(); }
  [[nodiscard]] bool is_socket(const std::string& name) const { return sockets_.contains(name); }
  // `name` is a TCP socket (a listener, a client, an accepted connection).
  void socket_made(const std::string& name) { sockets_.insert(name); }
  // A new name: once a number was freed it may take that number.
  void name_made(const std::string& name) {
    if (numbers_freed_) may_alias_.insert(name);
  }
  // dup(from) or dup2(from, to): `to` now reaches whatever `from` reaches.
  // Names are never taken out: a dup2 from another name may fail (EBADF), a
  // child's copy keeps the old file, and the write cap and the MSG_WAITALL
  // rule rely on the set only growing.
  void copied(const traces::Ref& from, const traces::Ref& to);
  // Main closed `name`'s number (close, exec's close-on-exec).
  void number_freed(const std::string& name);
  // Main closed numbers through no name it follows (a bare number, an
  // exec's F_SETFD marks).
  void numbers_freed() {
    if (enabled_) numbers_freed_ = true;
  }

  // Whether step `s`, the only step of its action, must be followed by a
  // settling sleep; `process_descriptors` are the pdfork descriptors' names.
  // Caps a write to a TCP socket (kTcpWriteMaxBytes) and follows a dup2.
  [[nodiscard]] bool settle_after(traces::Step& s, const std::vector<std::string>& process_descriptors);

 private:
  [[nodiscard]] bool may_reach_socket(const traces::Ref& ref) const;
  [[nodiscard]] bool ends_descriptors(const traces::Step& s, const std::vector<std::string>& process_descriptors) const;

  bool enabled_;
  std::set<std::string> sockets_;    // names of TCP sockets
  std::set<std::string> may_alias_;  // names that may share a number with another
  bool numbers_freed_ = false;       // main has closed a name's number
};

}  // namespace kqsim::check
