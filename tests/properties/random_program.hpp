// Random well-formed programs over the model for property tests: kqueues,
// non-blocking pipes, dups, closes, forks, EVFILT_READ/WRITE/USER/TIMER
// registrations with random flags, and kevent calls with random nevents and
// short timeouts. Nothing in such a program can block forever.
#pragma once

#include <cstdint>
#include <vector>

#include <rapidcheck.h>

#include "model/kernel.hpp"

namespace kqsim::proptest {

enum class OpKind : std::uint8_t { kKqueue, kPipe, kWrite, kRead, kClose, kDup, kDup2, kKevent, kSleep, kFork, kChildExit };

struct ChangeSpec {
  std::uint8_t ident = 0;   // fd 3..15, or a small ident for USER/TIMER
  std::uint8_t filter = 0;  // index into the filter choices
  std::uint16_t flags = 0;
  std::uint32_t fflags = 0;
  std::int64_t data = 0;
  std::uint8_t udata = 0;
};

struct OpSpec {
  OpKind kind = OpKind::kKqueue;
  std::uint8_t a = 0;
  std::uint8_t b = 0;
  std::int16_t n = 0;
  std::vector<ChangeSpec> changes;
  std::int8_t nevents = 0;
  std::uint8_t timeout = 0;  // 0..5: poll; 6: 1 ms; 7: 20 ms
};

model::KEvent to_kevent(const ChangeSpec& c);
std::int32_t fd_of(std::uint8_t sel);
model::Timespec timeout_of(std::uint8_t sel);

}  // namespace kqsim::proptest

namespace rc {

template <>
struct Arbitrary<kqsim::proptest::ChangeSpec> {
  static Gen<kqsim::proptest::ChangeSpec> arbitrary() {
    using kqsim::proptest::ChangeSpec;
    return gen::build<ChangeSpec>(
        gen::set(&ChangeSpec::ident, gen::inRange<std::uint8_t>(0, 16)),
        gen::set(&ChangeSpec::filter, gen::inRange<std::uint8_t>(0, 8)),
        gen::set(&ChangeSpec::flags,
                 gen::oneOf(gen::just<std::uint16_t>(0x0001), gen::just<std::uint16_t>(0x0021),
                            gen::just<std::uint16_t>(0x0011), gen::just<std::uint16_t>(0x0081),
                            gen::just<std::uint16_t>(0x0002), gen::just<std::uint16_t>(0x0004),
                            gen::just<std::uint16_t>(0x0008), gen::just<std::uint16_t>(0x0100),
                            gen::map(gen::arbitrary<std::uint16_t>(), [](std::uint16_t v) {
                              return static_cast<std::uint16_t>(v & 0xC3FF);
                            }))),
        gen::set(&ChangeSpec::fflags,
                 gen::oneOf(gen::just<std::uint32_t>(0), gen::just<std::uint32_t>(0x01000000),
                            gen::just<std::uint32_t>(0x81000003), gen::just<std::uint32_t>(0x4100000f),
                            gen::just<std::uint32_t>(0xc0000012), gen::inRange<std::uint32_t>(0, 0x20))),
        gen::set(&ChangeSpec::data, gen::inRange<std::int64_t>(-2, 40)),
        gen::set(&ChangeSpec::udata, gen::inRange<std::uint8_t>(0, 4)));
  }
};

template <>
struct Arbitrary<kqsim::proptest::OpSpec> {
  static Gen<kqsim::proptest::OpSpec> arbitrary() {
    using kqsim::proptest::OpKind;
    using kqsim::proptest::OpSpec;
    return gen::build<OpSpec>(
        gen::set(&OpSpec::kind, gen::weightedElement<OpKind>({{2, OpKind::kKqueue}, {3, OpKind::kPipe},
                                                              {5, OpKind::kWrite}, {3, OpKind::kRead},
                                                              {3, OpKind::kClose}, {1, OpKind::kDup},
                                                              {1, OpKind::kDup2}, {12, OpKind::kKevent},
                                                              {2, OpKind::kSleep}, {1, OpKind::kFork},
                                                              {1, OpKind::kChildExit}})),
        gen::set(&OpSpec::a, gen::inRange<std::uint8_t>(0, 16)),
        gen::set(&OpSpec::b, gen::inRange<std::uint8_t>(0, 16)),
        gen::set(&OpSpec::n, gen::oneOf(gen::inRange<std::int16_t>(0, 600), gen::just<std::int16_t>(4096),
                                        gen::just<std::int16_t>(20000))),
        gen::set(&OpSpec::changes, gen::mapcat(gen::inRange<std::size_t>(0, 4), [](std::size_t n) {
                   return gen::container<std::vector<kqsim::proptest::ChangeSpec>>(
                       n, gen::arbitrary<kqsim::proptest::ChangeSpec>());
                 })),
        gen::set(&OpSpec::nevents, gen::inRange<std::int8_t>(-1, 6)),
        gen::set(&OpSpec::timeout, gen::inRange<std::uint8_t>(0, 8)));
  }
};

}  // namespace rc
