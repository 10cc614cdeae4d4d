// Divergence categories of compare_observation.
#include <gtest/gtest.h>

#include "traces/compare.hpp"

namespace kqsim::traces {
namespace {

ExpectedEvent want(std::uint64_t ident, std::int64_t data) {
  ExpectedEvent e;
  e.ident = Ref{ident};
  e.filter = model::filt::kRead;
  e.data = {data, data};
  return e;
}

model::KEvent got(std::uint64_t ident, std::int64_t data, model::EventFlags flags = 0) {
  return model::KEvent{ident, model::filt::kRead, flags, 0, data, 0};
}

std::uint64_t plain(const Ref& r) { return r.number(); }

std::vector<DivergenceKind> kinds(const std::vector<Divergence>& ds) {
  std::vector<DivergenceKind> out;
  for (const Divergence& d : ds) out.push_back(d.kind);
  return out;
}

TEST(Compare, ExactMatch) {
  Observed o{{2, 2}, std::nullopt, {want(4, 1), want(5, 2)}, EventOrder::kExact};
  EXPECT_TRUE(compare_observation(o, {2, model::Errno::kNone, {got(4, 1), got(5, 2)}}, plain).empty());
}

TEST(Compare, Categories) {
  Observed o{{2, 2}, std::nullopt, {want(4, 1), want(5, 2)}, EventOrder::kExact};
  EXPECT_EQ(kinds(compare_observation(o, {2, model::Errno::kNone, {got(5, 2), got(4, 1)}}, plain)),
            std::vector<DivergenceKind>{DivergenceKind::kOrder});
  o.order = EventOrder::kAny;
  EXPECT_TRUE(compare_observation(o, {2, model::Errno::kNone, {got(5, 2), got(4, 1)}}, plain).empty());
  EXPECT_EQ(kinds(compare_observation(o, {2, model::Errno::kNone, {got(4, 1), got(6, 2)}}, plain)),
            (std::vector<DivergenceKind>{DivergenceKind::kMissingEvent, DivergenceKind::kExtraEvent}));
  EXPECT_EQ(kinds(compare_observation(o, {2, model::Errno::kNone, {got(4, 1, model::ev::kEof), got(5, 3)}}, plain)),
            (std::vector<DivergenceKind>{DivergenceKind::kFlags, DivergenceKind::kData}));
  Observed err{{-1, -1}, std::string("ENOENT"), {}, EventOrder::kExact};
  EXPECT_EQ(kinds(compare_observation(err, {-1, model::Errno::kEBADF, {}}, plain)),
            std::vector<DivergenceKind>{DivergenceKind::kErrno});
  EXPECT_EQ(kinds(compare_observation(err, {0, model::Errno::kNone, {}}, plain)),
            (std::vector<DivergenceKind>{DivergenceKind::kErrno, DivergenceKind::kRet}));
}

TEST(Compare, DataRange) {
  ExpectedEvent e = want(4, 0);
  e.data = {5, 6};
  Observed o{{1, 1}, std::nullopt, {e}, EventOrder::kExact};
  EXPECT_TRUE(compare_observation(o, {1, model::Errno::kNone, {got(4, 6)}}, plain).empty());
  EXPECT_EQ(compare_observation(o, {1, model::Errno::kNone, {got(4, 7)}}, plain).size(), 1U);
}

}  // namespace
}  // namespace kqsim::traces
