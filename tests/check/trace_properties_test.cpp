// A trace's "mutation" and "properties" (check/trace_properties.hpp): read
// and written back unchanged, and checked step by step. The rules checked
// are the kernel's (kqueue_scan: an EV_DISPATCH knote is disabled once
// delivered; a level-triggered knote is queued again while its condition
// holds), so each case fails on the mutated model and passes on the faithful
// one; expected steps are the trace's own layout.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "check/trace_properties.hpp"
#include "check/trace_runs.hpp"
#include "model/mutations.hpp"
#include "sim/model_backend.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::check {
namespace {

using nlohmann::json;

// kqueue; an EV_DISPATCH user event, triggered; two polls. Step 2 delivers it.
json dispatch_trace() {
  return json::parse(R"({"format": "kqsim-trace/1", "name": "dispatch", "steps": [
    {"op": "kqueue", "as": "kq"},
    {"op": "kevent", "kq": "kq", "changes": [{"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_ADD", "EV_DISPATCH"]},
                                              {"ident": 1, "filter": "EVFILT_USER", "fflags": ["NOTE_TRIGGER"]}],
     "nevents": 0, "timeout": {"sec": 0, "nsec": 0}},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}}]})");
}

// A pipe with one unread byte under a level-triggered read knote, polled
// three times: each poll returns it (steps 4, 5, 6).
json level_trace() {
  return json::parse(R"({"format": "kqsim-trace/1", "name": "level", "steps": [
    {"op": "kqueue", "as": "kq"},
    {"op": "pipe", "as": ["r", "w"], "nonblock": true},
    {"op": "kevent", "kq": "kq", "changes": [{"ident": "r", "filter": "EVFILT_READ", "flags": ["EV_ADD", "EV_RECEIPT"]}],
     "nevents": 1, "timeout": {"sec": 0, "nsec": 0}},
    {"op": "write", "fd": "w", "bytes": 1},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}},
    {"op": "kevent", "kq": "kq", "nevents": 1, "timeout": {"sec": 0, "nsec": 0}}]})");
}

// The first violation of a replay of `t` on its mutation with its properties.
std::optional<StepViolation> replay(const traces::Trace& t) {
  model::KernelConfig config;
  config.mutations = *model::mutation_named(t.mutation);
  sim::ModelBackend backend(model::default_profile(), config);
  sim::Interpreter interp(t, backend);
  PropertyChecker checker(t.properties.value_or(traces::TraceProperties{}));
  std::optional<StepViolation> first;
  interp.run([&](const sim::StepOutcome& o) {
    auto bad = checker.after_step(interp, backend.kernel(), o);
    if (bad && !first) first = StepViolation{o.step->index, *bad};
  });
  return first;
}

TEST(TraceProperties, FieldsSurviveARoundTrip) {
  json doc = dispatch_trace();
  doc["mutation"] = "dispatch-does-not-disable";
  // Parsed from text, as a file is: a non-negative number reads as unsigned.
  doc["properties"] = json::parse(R"({"step_properties": true, "max_deliveries": [{"ident": 1, "filter": "EVFILT_USER", "max": 2}]})");
  traces::Trace t = traces::parse_trace(doc, "t.json");
  EXPECT_EQ(t.mutation, "dispatch-does-not-disable");
  ASSERT_TRUE(t.properties.has_value());
  EXPECT_TRUE(t.properties->step_properties);
  ASSERT_EQ(t.properties->max_deliveries.size(), 1u);
  EXPECT_EQ(t.properties->max_deliveries[0].max, 2u);
  json again = traces::trace_to_json(t);
  EXPECT_EQ(again["mutation"], doc["mutation"]);
  EXPECT_EQ(again["properties"], doc["properties"]);
  // A trace without them writes neither.
  json plain = traces::trace_to_json(traces::parse_trace(dispatch_trace(), "p.json"));
  EXPECT_FALSE(plain.contains("mutation"));
  EXPECT_FALSE(plain.contains("properties"));
}

TEST(TraceProperties, UnknownMutationNamesFileAndField) {
  json doc = dispatch_trace();
  doc["mutation"] = "oneshot-not-delete";
  try {
    traces::parse_trace(doc, "t.json");
    FAIL() << "accepted an unknown mutation";
  } catch (const traces::TraceError& e) {
    EXPECT_EQ(std::string(e.what()), "t.json: field 'mutation': unknown mutation 'oneshot-not-delete' (did you mean oneshot-not-deleted?)");
  }
}

TEST(TraceProperties, StepPropertiesCatchTheMutationAtTheDeliveringStep) {
  json doc = dispatch_trace();
  doc["properties"] = {{"step_properties", true}};
  EXPECT_FALSE(replay(traces::parse_trace(doc, "faithful.json")).has_value());
  doc["mutation"] = "dispatch-does-not-disable";
  auto v = replay(traces::parse_trace(doc, "mutated.json"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->step, 2u);
  EXPECT_EQ(v->violation.property, "dispatch-disabled");
}

TEST(TraceProperties, WithoutPropertiesNothingIsChecked) {
  json doc = dispatch_trace();
  doc["mutation"] = "dispatch-does-not-disable";
  EXPECT_FALSE(replay(traces::parse_trace(doc, "t.json")).has_value());
}

TEST(TraceProperties, DeliveryBoundBreaksAtTheDeliveryPastIt) {
  json doc = level_trace();
  // The EV_RECEIPT reply of step 2 is a change record, not a delivery.
  doc["properties"] = json::parse(R"({"max_deliveries": [{"ident": 4, "filter": "EVFILT_READ", "max": 2}]})");
  auto v = replay(traces::parse_trace(doc, "t.json"));
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->step, 6u);
  EXPECT_EQ(v->violation.text(), "max-deliveries: EVFILT_READ ident 4 delivered 3 times, at most 2 allowed");
}

TEST(TraceProperties, RandomRunReportsThePropertyByName) {
  traces::Trace t = traces::parse_trace(dispatch_trace(), "t.json");
  ModelUnderTest broken;
  broken.mutations = *model::mutation_named("dispatch-does-not-disable");
  auto f = run_with_properties(t, broken);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ(f->step, 2u);
  EXPECT_EQ(f->message.rfind("dispatch-disabled: ", 0), 0u) << f->message;
  EXPECT_FALSE(run_with_properties(t, ModelUnderTest{}).has_value());
}

TEST(TraceProperties, EveryMutationHasAUniqueNameThatRoundTrips) {
  for (const model::MutationName& m : model::mutation_names()) {
    auto mutations = model::mutation_named(m.name);
    ASSERT_TRUE(mutations.has_value()) << m.name;
    EXPECT_TRUE((*mutations).*m.flag) << m.name;
    EXPECT_EQ(model::mutation_name_of(*mutations), m.name);
  }
  EXPECT_EQ(model::mutation_name_of({}), "");
  EXPECT_FALSE(model::mutation_named("no-such-bug").has_value());
}

}  // namespace
}  // namespace kqsim::check
