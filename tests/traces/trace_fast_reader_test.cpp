// The fast trace reader (RapidJSON) stands in for the canonical one
// (nlohmann) only where the two surely agree; everywhere else it gives up
// and load_trace_file reads the text again, so errors keep nlohmann's
// messages. fuzz/trace_reader_fuzz.cpp checks the agreement on every
// trace of the repository and on random texts.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "tests/temp_trace_file.hpp"
#include "traces/json_file.hpp"
#include "traces/trace_error.hpp"
#include "traces/trace_file_reader.hpp"
#include "traces/trace_json.hpp"

namespace kqsim::traces {
namespace {

using TraceFile = kqsim::testing::TempTraceFile;

std::optional<TraceNodes> fast(const std::string& text) {
  return read_trace_nodes_fast(text, "t.json", [](const JsonNodes&, std::size_t) {});
}

std::string wrapped(const std::string& observed_ret) {
  return R"({"format": "kqsim-trace/1", "name": "t", "steps": [{"op": "kqueue", "as": "kq", "observed": {"ret": )" +
         observed_ret + "}}]}";
}

std::string load_error(const std::string& text) {
  TraceFile f(text);
  try {
    load_trace_file(f.path());
  } catch (const TraceError& e) {
    return e.message();
  }
  return "no error";
}

TEST(TraceFastReader, ReadsAPlainTrace) {
  if (!fast_trace_reader_built()) GTEST_SKIP() << "built without RapidJSON";
  std::size_t steps = 0;
  const auto doc = read_trace_nodes_fast(wrapped("3"), "t.json", [&](const JsonNodes& step, std::size_t) {
    ++steps;
    EXPECT_EQ(step.text(step.find(0, "op")), "kqueue");
  });
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(steps, 1U);
  EXPECT_TRUE(doc->streamed_steps);
}

TEST(TraceFastReader, GivesUpWhereTheParsersMightDiffer) {
  EXPECT_FALSE(fast(wrapped("3.0")).has_value());  // a double: never read two ways
  EXPECT_FALSE(fast(wrapped("1e2")).has_value());
  EXPECT_FALSE(fast(wrapped("18446744073709551616")).has_value());  // beyond uint64: a double
  EXPECT_FALSE(fast(R"({"name": "\udc00", "steps": []})").has_value());  // any \u escape
  EXPECT_FALSE(fast(std::string("{\"steps\": []}\0x", 15)).has_value());
  EXPECT_FALSE(fast("\xEF\xBB\xBF{\"steps\": []}").has_value());  // a byte-order mark
  EXPECT_FALSE(fast(R"({"steps": [1,]})").has_value());
  EXPECT_FALSE(fast("{\"name\": \"\xC0\xAF\"}").has_value());  // overlong UTF-8
}

// A text with bytes past ASCII is validated; one without them has nothing to
// validate and is read without it (all_ascii): both read the same nodes.
TEST(TraceFastReader, ReadsValidUtf8BesideAsciiOnlyTexts) {
  if (!fast_trace_reader_built()) GTEST_SKIP() << "built without RapidJSON";
  for (const std::string name : {"plain", "caf\xC3\xA9", "\xF0\x9F\x98\x80 at the end\xE2\x82\xAC"}) {
    const auto doc = fast(R"({"name": ")" + name + R"(", "steps": []})");
    ASSERT_TRUE(doc.has_value()) << name;
    EXPECT_EQ(doc->doc.text(doc->doc.find(0, "name")), name);
  }
  EXPECT_FALSE(fast("{\"name\": \"caf\xC3\"}").has_value());  // a lead byte without its continuation
  EXPECT_FALSE(fast("{\"name\": \"x\xFF\"}").has_value());
}

TEST(TraceFastReader, ReadsIntegersAsNlohmannClassesThem) {
  if (!fast_trace_reader_built()) GTEST_SKIP() << "built without RapidJSON";
  const auto doc = fast(R"({"a": 0, "b": -0, "c": 18446744073709551615, "d": -9223372036854775808})");
  ASSERT_TRUE(doc.has_value());
  const JsonNodes& n = doc->doc;
  EXPECT_TRUE(n.is(n.find(0, "a"), JsonKind::kUint));
  EXPECT_TRUE(n.is(n.find(0, "b"), JsonKind::kInt));
  EXPECT_EQ(n.uinteger(n.find(0, "c")), UINT64_MAX);
  EXPECT_EQ(n.integer(n.find(0, "d")), INT64_MIN);
}

TEST(TraceFastReader, ThrowsTheCanonicalErrorForARepeatedKey) {
  if (!fast_trace_reader_built()) GTEST_SKIP() << "built without RapidJSON";
  EXPECT_THROW(fast(R"({"steps": [{"op": "kqueue", "op": "kqueue"}]})"), TraceError);
}

// Where the fast reader gives up, load_trace_file's error is nlohmann's.
TEST(TraceFastReader, LoadTraceFileReportsTheCanonicalErrors) {
  const std::string surrogate = R"({"format": "kqsim-trace/1", "name": "\udc00", "steps": []})";
  EXPECT_NE(load_error(surrogate).find("malformed JSON"), std::string::npos) << load_error(surrogate);
  EXPECT_NE(load_error(wrapped("1e999")).find("malformed JSON"), std::string::npos);
  EXPECT_NE(load_error(wrapped("3, ]")).find("malformed JSON"), std::string::npos);
  try {
    parse_json_object(surrogate, "x", "a trace");
    FAIL() << "nlohmann took a lone low surrogate";
  } catch (const TraceError& e) {
    EXPECT_EQ(load_error(surrogate), e.message());
  }
}

TEST(TraceFastReader, LoadTraceFileReadsWhatTheDocumentParserReads) {
  TraceFile f(wrapped("3"));
  EXPECT_EQ(trace_to_json(load_trace_file(f.path())),
            trace_to_json(parse_trace(nlohmann::json::parse(wrapped("3")), f.path())));
  // A double, which the fast reader leaves to nlohmann: the same error as
  // the whole document's.
  TraceFile g(wrapped("3.0"));
  try {
    parse_trace(nlohmann::json::parse(wrapped("3.0")), g.path());
    FAIL() << "a double taken as an integer";
  } catch (const TraceError& e) {
    EXPECT_EQ(load_error(wrapped("3.0")), e.message());
  }
}

}  // namespace
}  // namespace kqsim::traces
