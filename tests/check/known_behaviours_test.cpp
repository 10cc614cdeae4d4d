// check::run_differential with KnownBehaviours (kqcheck random --known): a
// divergence whose behaviour keys are all known does not fail the run, which
// is compared on to the first divergence that is not known. The reference
// here is the model with EV_ONESHOT knotes never deleted (a deliberately
// broken "implementation"), the model under test the faithful one.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "check/trace_runs.hpp"
#include "model/mutations.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::check {
namespace {

BackendFactory oneshot_kept() {
  return [] {
    model::KernelConfig config;
    config.mutations = *model::mutation_named("oneshot-not-deleted");
    return std::make_unique<sim::ModelBackend>(model::default_profile(), config);
  };
}

// A pipe's EV_ONESHOT EVFILT_READ knote scanned twice (the kept knote fires
// again at step 4), then an EV_ONESHOT EVFILT_WRITE knote on its other end
// scanned twice (again at step 7).
traces::Trace two_kept_oneshots() {
  const auto doc = nlohmann::json::parse(R"({"format": "kqsim-trace/1", "name": "two-kept-oneshots", "steps": [
    {"op": "kqueue", "as": "kq"},
    {"op": "pipe", "as": ["r", "w"]},
    {"op": "write", "fd": "w", "bytes": 1},
    {"op": "kevent", "kq": "kq", "nevents": 8, "timeout": {"sec": 0, "nsec": 0}, "changes": [
      {"ident": "r", "filter": "EVFILT_READ", "flags": ["EV_ADD", "EV_ONESHOT"]}]},
    {"op": "kevent", "kq": "kq", "nevents": 8, "timeout": {"sec": 0, "nsec": 0}},
    {"op": "kevent", "kq": "kq", "nevents": 0, "timeout": {"sec": 0, "nsec": 0}, "changes": [
      {"ident": "w", "filter": "EVFILT_WRITE", "flags": ["EV_ADD", "EV_ONESHOT"]}]},
    {"op": "kevent", "kq": "kq", "nevents": 8, "timeout": {"sec": 0, "nsec": 0}},
    {"op": "kevent", "kq": "kq", "nevents": 8, "timeout": {"sec": 0, "nsec": 0}}]})");
  return traces::parse_trace(doc, "two-kept-oneshots");
}

std::optional<Failure> run(const KnownBehaviours& known) {
  return run_differential(two_kept_oneshots(), ModelUnderTest{}, oneshot_kept(), nullptr, known);
}

TEST(KnownBehaviours, WithoutThemTheFirstDivergenceNamesTheFailure) {
  const auto f = run({});
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->known_only);
  EXPECT_EQ(f->step, 4U);
  EXPECT_EQ(f->kind, "ret");  // kevent's count comes first, the extra event after it
}

TEST(KnownBehaviours, AKnownDivergenceIsLookedPast) {
  const auto f = run({"extra-event|EVFILT_READ"});
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->known_only);
  EXPECT_EQ(f->step, 7U);
  EXPECT_EQ(f->kind, "extra-event");
  // Every divergence is kept, the known ones saying so: the kept EVFILT_READ
  // knote's events at steps 4, 6 and 7 and kevent's counts at 4 and 6 (which
  // only restate them); not step 7's EVFILT_WRITE event and count.
  std::vector<std::string> known;
  for (const nlohmann::json& d : f->divergences) {
    if (d.at("known").is_string()) known.push_back(d.at("category").get<std::string>() + "@" + d.at("step").dump());
  }
  EXPECT_EQ(known, (std::vector<std::string>{"extra-event@4", "ret@4", "extra-event@6", "ret@6", "extra-event@7"}));
  EXPECT_EQ(f->divergences.size(), 7U);
}

TEST(KnownBehaviours, ARunWithOnlyKnownDivergencesIsKnownOnly) {
  const auto f = run({"extra-event|EVFILT_READ", "extra-event|EVFILT_WRITE"});
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->known_only);
  EXPECT_EQ(f->step, 4U);  // the first known one
}

TEST(KnownBehaviours, AKeyOfAnotherBehaviourChangesNothing) {
  const auto f = run({"extra-event|EVFILT_VNODE"});
  ASSERT_TRUE(f);
  EXPECT_FALSE(f->known_only);
  EXPECT_EQ(f->step, 4U);
  EXPECT_EQ(f->kind, "extra-event");  // known given: the count restating it comes last
}

}  // namespace
}  // namespace kqsim::check
