// poll(2) events and send/recv(2) flags as FreeBSD numbers them
// (sys/poll.h, sys/socket.h): what poll, select, recv and send take.
#pragma once

#include <cstdint>

namespace kqsim::model {

namespace pollbit {
inline constexpr std::int16_t kIn = 0x0001;        // POLLIN
inline constexpr std::int16_t kPri = 0x0002;       // POLLPRI
inline constexpr std::int16_t kOut = 0x0004;       // POLLOUT (= POLLWRNORM)
inline constexpr std::int16_t kErr = 0x0008;       // POLLERR
inline constexpr std::int16_t kHup = 0x0010;       // POLLHUP
inline constexpr std::int16_t kNval = 0x0020;      // POLLNVAL
inline constexpr std::int16_t kRdnorm = 0x0040;    // POLLRDNORM
inline constexpr std::int16_t kWrnorm = kOut;      // POLLWRNORM
inline constexpr std::int16_t kRdband = 0x0080;    // POLLRDBAND
inline constexpr std::int16_t kWrband = 0x0100;    // POLLWRBAND
inline constexpr std::int16_t kIgnEof = 0x2000;    // POLLINIGNEOF
inline constexpr std::int16_t kRdhup = 0x4000;     // POLLRDHUP
}  // namespace pollbit

namespace msgflag {
inline constexpr std::uint32_t kOob = 0x1;          // MSG_OOB
inline constexpr std::uint32_t kPeek = 0x2;         // MSG_PEEK
inline constexpr std::uint32_t kWaitall = 0x40;     // MSG_WAITALL
inline constexpr std::uint32_t kDontwait = 0x80;    // MSG_DONTWAIT
inline constexpr std::uint32_t kNosignal = 0x20000; // MSG_NOSIGNAL
inline constexpr std::uint32_t kKnown = kOob | kPeek | kWaitall | kDontwait | kNosignal;
}  // namespace msgflag

// One struct pollfd.
struct PollFd {
  std::int32_t fd = -1;
  std::int16_t events = 0;
  std::int16_t revents = 0;
};

// One descriptor of a select(2) call: the sets it is in, and (out) the sets
// it is ready in.
struct SelectFd {
  std::int32_t fd = -1;
  bool read = false, write = false, except = false;
  bool read_ready = false, write_ready = false, except_ready = false;
};

}  // namespace kqsim::model
