#include "tests/properties/random_program.hpp"

#include <array>

namespace kqsim::proptest {
namespace {

constexpr std::array<model::FilterId, 8> kFilters{
    model::filt::kRead, model::filt::kWrite, model::filt::kUser, model::filt::kTimer,
    model::filt::kUser, model::filt::kRead,  0,                  -100,
};

}  // namespace

std::int32_t fd_of(std::uint8_t sel) { return 3 + sel % 13; }

model::KEvent to_kevent(const ChangeSpec& c) {
  model::FilterId filter = kFilters[c.filter % kFilters.size()];
  bool fd_based = filter == model::filt::kRead || filter == model::filt::kWrite;
  std::uint64_t ident = fd_based ? static_cast<std::uint64_t>(fd_of(c.ident)) : c.ident % 4;
  return model::KEvent{ident, filter, c.flags, c.fflags, c.data, c.udata};
}

model::Timespec timeout_of(std::uint8_t sel) {
  if (sel == 6) return {0, 1'000'000};
  if (sel == 7) return {0, 20'000'000};
  return {0, 0};
}

}  // namespace kqsim::proptest
