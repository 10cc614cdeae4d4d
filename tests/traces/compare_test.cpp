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

Observed expect(std::int64_t ret, std::vector<ExpectedEvent> events, std::optional<std::string> err = std::nullopt) {
  Observed o;
  o.ret = {ret, ret};
  o.errno_name = std::move(err);
  o.events = std::move(events);
  return o;
}

ActualObservation actual(std::int64_t ret, std::vector<model::KEvent> events, model::Errno err = model::Errno::kNone) {
  ActualObservation a;
  a.ret = ret;
  a.err = err;
  a.events = std::move(events);
  return a;
}

std::uint64_t plain(const Ref& r, model::FilterId) { return r.number(); }

std::vector<DivergenceKind> kinds(const std::vector<Divergence>& ds) {
  std::vector<DivergenceKind> out;
  for (const Divergence& d : ds) out.push_back(d.kind);
  return out;
}

TEST(Compare, ExactMatch) {
  Observed o = expect(2, {want(4, 1), want(5, 2)});
  EXPECT_TRUE(compare_observation(o, actual(2, {got(4, 1), got(5, 2)}), plain).empty());
}

TEST(Compare, Categories) {
  Observed o = expect(2, {want(4, 1), want(5, 2)});
  EXPECT_EQ(kinds(compare_observation(o, actual(2, {got(5, 2), got(4, 1)}), plain)),
            std::vector<DivergenceKind>{DivergenceKind::kOrder});
  o.order = EventOrder::kAny;
  EXPECT_TRUE(compare_observation(o, actual(2, {got(5, 2), got(4, 1)}), plain).empty());
  EXPECT_EQ(kinds(compare_observation(o, actual(2, {got(4, 1), got(6, 2)}), plain)),
            (std::vector<DivergenceKind>{DivergenceKind::kMissingEvent, DivergenceKind::kExtraEvent}));
  EXPECT_EQ(kinds(compare_observation(o, actual(2, {got(4, 1, model::ev::kEof), got(5, 3)}), plain)),
            (std::vector<DivergenceKind>{DivergenceKind::kFlags, DivergenceKind::kData}));
  Observed err = expect(-1, {}, "ENOENT");
  EXPECT_EQ(kinds(compare_observation(err, actual(-1, {}, model::Errno::kEBADF), plain)),
            std::vector<DivergenceKind>{DivergenceKind::kErrno});
  EXPECT_EQ(kinds(compare_observation(err, actual(0, {}), plain)),
            (std::vector<DivergenceKind>{DivergenceKind::kErrno, DivergenceKind::kRet}));
}

TEST(Compare, DataRange) {
  ExpectedEvent e = want(4, 0);
  e.data = {5, 6};
  Observed o = expect(1, {e});
  EXPECT_TRUE(compare_observation(o, actual(1, {got(4, 6)}), plain).empty());
  EXPECT_EQ(compare_observation(o, actual(1, {got(4, 7)}), plain).size(), 1U);
}

// A call one side could not make is one "unsupported" divergence.
TEST(Compare, Unsupported) {
  Observed host_lacks = expect(0, {});
  host_lacks.unsupported = "EV_KEEPUDATA is not defined on this host";
  EXPECT_EQ(kinds(compare_observation(host_lacks, actual(0, {}), plain)),
            std::vector<DivergenceKind>{DivergenceKind::kUnsupported});
  ActualObservation both = actual(0, {});
  both.unsupported = "EVFILT_PROC is not modelled yet";
  EXPECT_TRUE(compare_observation(host_lacks, both, plain).empty());
  EXPECT_EQ(compare_observation(expect(3, {}), both, plain).size(), 1U);
}

// A process name in ret or data stands for that process's pid, whatever
// number the host gave it; the resolver is asked with filt::kProc.
TEST(Compare, PidByProcessName) {
  auto pids = [](const Ref& r, model::FilterId filter) -> std::uint64_t {
    if (r.is_name() && r.name() == "child" && filter == model::filt::kProc) return 4242;
    return r.is_name() ? 0 : r.number();
  };
  Observed o = expect(0, {});
  o.ret = IntExpect::pid("child");
  EXPECT_TRUE(compare_observation(o, actual(4242, {}), pids).empty());
  EXPECT_EQ(kinds(compare_observation(o, actual(4243, {}), pids)), std::vector<DivergenceKind>{DivergenceKind::kRet});
  ExpectedEvent e = want(4, 0);
  e.data = IntExpect::pid("child");
  EXPECT_TRUE(compare_observation(expect(1, {e}), actual(1, {got(4, 4242)}), pids).empty());
  EXPECT_EQ(kinds(compare_observation(expect(1, {e}), actual(1, {got(4, 1)}), pids)),
            std::vector<DivergenceKind>{DivergenceKind::kData});
}

TEST(Compare, CrashAndHangAreOneDivergenceEach) {
  Observed crashed;
  crashed.crash = "SIGSEGV";
  EXPECT_EQ(kinds(compare_observation(crashed, actual(0, {got(4, 1)}), plain)), std::vector<DivergenceKind>{DivergenceKind::kCrash});
  ActualObservation a = actual(0, {});
  a.crash = "SIGSEGV";
  EXPECT_TRUE(compare_observation(crashed, a, plain).empty());
  a.crash = "SIGABRT";
  EXPECT_EQ(kinds(compare_observation(crashed, a, plain)), std::vector<DivergenceKind>{DivergenceKind::kCrash});
  Observed hung;
  hung.hang = "no reply within 50 ms";
  EXPECT_EQ(kinds(compare_observation(hung, actual(0, {}), plain)), std::vector<DivergenceKind>{DivergenceKind::kHang});
  EXPECT_STREQ(divergence_kind_name(DivergenceKind::kHang), "hang");
  EXPECT_STREQ(divergence_kind_name(DivergenceKind::kCrash), "crash");
}

}  // namespace
}  // namespace kqsim::traces

namespace kqsim::traces {
namespace {

// A difference in an EV_ERROR receipt is its own category; values are JSON.
TEST(Compare, ErrorRecordsAndJsonValues) {
  ExpectedEvent e = want(4, 9);
  e.flags = model::ev::kError;
  Observed o = expect(1, {e});
  auto d = compare_observation(o, actual(1, {got(4, 2, model::ev::kError)}), plain);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].kind, DivergenceKind::kErrorRecord);
  EXPECT_EQ(d[0].expected_value, 9);
  EXPECT_EQ(d[0].actual_value, 2);
  auto missing = compare_observation(o, actual(0, {}), plain);
  EXPECT_EQ(kinds(missing), (std::vector<DivergenceKind>{DivergenceKind::kRet, DivergenceKind::kErrorRecord}));
  auto flags = compare_observation(expect(1, {want(4, 1)}), actual(1, {got(4, 1, model::ev::kAdd)}), plain);
  ASSERT_EQ(flags.size(), 1U);
  EXPECT_EQ(flags[0].actual_value, nlohmann::json::array({"EV_ADD"}));
}

TEST(Compare, ReturnedDescriptorsCompareByNameUnlessRaw) {
  EXPECT_TRUE(compare_observation(expect(5, {}), actual(3, {}), plain, {true, false}).empty());
  EXPECT_EQ(kinds(compare_observation(expect(5, {}), actual(3, {}), plain, {true, true})), std::vector<DivergenceKind>{DivergenceKind::kRet});
  EXPECT_EQ(kinds(compare_observation(expect(-1, {}, "EMFILE"), actual(3, {}), plain, {true, false})),
            (std::vector<DivergenceKind>{DivergenceKind::kErrno, DivergenceKind::kRet}));
}

}  // namespace
}  // namespace kqsim::traces
