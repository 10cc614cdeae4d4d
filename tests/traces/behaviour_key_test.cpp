// kqreplay report's behaviour keys: one behaviour per cause, whatever the
// descriptor numbers, idents or the change's own flags (docs/kqreplay.md#report).
#include <gtest/gtest.h>

#include "model/kevent_constants.hpp"
#include "traces/behaviour_key.hpp"

namespace kqsim::traces {
namespace {

using nlohmann::json;
using traces::Divergence;
using traces::DivergenceKind;

traces::Step kevent_with(model::FilterId filter, model::EventFlags flags, std::uint32_t fflags = 0) {
  traces::Step s;
  s.op = traces::Op::kKevent;
  traces::Change c;
  c.filter = filter;
  c.flags = flags;
  c.fflags = fflags;
  s.changes.push_back(c);
  return s;
}

// expected_value is the implementation's (the trace's), actual_value FreeBSD's (the model's).
Divergence receipt(const char* part, json impl, json bsd, model::FilterId filter) {
  return {DivergenceKind::kErrorRecord, "", "", std::string("EVFILT_X ident 7, ") + part, filter, std::move(impl), std::move(bsd), nullptr};
}

TEST(BehaviourKey, ReceiptKeepingTheChangesFlagsIsOneBehaviour) {
  namespace ev = model::ev;
  auto a = behaviour_keys(kevent_with(model::filt::kRead, ev::kAdd | ev::kReceipt),
                          receipt("flags", json{"EV_ADD", "EV_RECEIPT", "EV_ERROR"}, json{"EV_ERROR"}, model::filt::kRead));
  auto b = behaviour_keys(kevent_with(model::filt::kUser, ev::kDelete),
                          receipt("flags", json{"EV_DELETE", "EV_ERROR"}, json{"EV_ERROR"}, model::filt::kUser));
  ASSERT_EQ(a.size(), 1U);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(a[0].signature, "error-record|flags|keeps-change-flags");
  EXPECT_EQ(a[0].signature, b[0].signature);
  EXPECT_EQ(a[0].title, "EV_ERROR receipts keep the change's flags (FreeBSD's receipt has EV_ERROR alone)");
  // Flags that are not the change's stay a behaviour of their own, named readably.
  auto c = behaviour_keys(kevent_with(model::filt::kRead, ev::kAdd),
                          receipt("flags", json::array(), json{"EV_ERROR"}, model::filt::kRead));
  EXPECT_EQ(c[0].title, "EV_ERROR receipt has no flags where FreeBSD's has EV_ERROR");
}

TEST(BehaviourKey, ReceiptWithFlagsBeyondTheChangesIsOneBehaviour) {
  namespace ev = model::ev;
  // EV_EOF and EV_CLEAR come from the knote or the descriptor, not the change.
  auto a = behaviour_keys(kevent_with(model::filt::kWrite, ev::kAdd),
                          receipt("flags", json::array({"EV_ADD", "EV_CLEAR", "EV_ERROR", "EV_EOF"}), json::array({"EV_ERROR"}), model::filt::kWrite));
  auto b = behaviour_keys(kevent_with(model::filt::kRead, ev::kAdd | ev::kDisable),
                          receipt("flags", json::array({"EV_ADD", "EV_DISABLE", "EV_ERROR", "EV_EOF"}), json::array({"EV_ERROR"}), model::filt::kRead));
  ASSERT_EQ(a.size(), 1U);
  EXPECT_EQ(a[0].signature, "error-record|flags|more-than-ev-error");
  EXPECT_EQ(b[0].signature, a[0].signature);
  // Fewer flags than the change: not that behaviour.
  auto c = behaviour_keys(kevent_with(model::filt::kRead, ev::kAdd | ev::kClear | ev::kDispatch),
                          receipt("flags", json::array({"EV_ADD", "EV_ERROR"}), json::array({"EV_ERROR"}), model::filt::kRead));
  EXPECT_EQ(c[0].signature, "error-record|flags|EV_ADD|EV_ERROR|EV_ERROR");
  // No EV_ERROR on the implementation's side (an event where FreeBSD writes a receipt): not that behaviour either.
  auto d = behaviour_keys(kevent_with(model::filt::kWrite, ev::kAdd),
                          receipt("flags", json::array({"EV_ADD", "EV_EOF"}), json::array({"EV_ERROR"}), model::filt::kWrite));
  EXPECT_EQ(d[0].signature, "error-record|flags|EV_ADD|EV_EOF|EV_ERROR");
}

TEST(BehaviourKey, ReceiptErrnosAreNamed) {
  auto k = behaviour_keys(kevent_with(model::filt::kRead, model::ev::kAdd), receipt("data", 14, 9, model::filt::kRead));
  EXPECT_EQ(k[0].signature, "error-record|data|EFAULT|EBADF");
  EXPECT_EQ(k[0].title, "EV_ERROR receipt carries EFAULT where FreeBSD's carries EBADF");
  Divergence missing{DivergenceKind::kErrorRecord, "", "", "missing", model::filt::kUser, nullptr, json{{"data", 2}}, nullptr};
  EXPECT_EQ(behaviour_keys(kevent_with(model::filt::kUser, 0), missing)[0].title,
            "No EV_ERROR receipt where FreeBSD returns one with ENOENT");
}

TEST(BehaviourKey, ReturnedFlagsGiveOneBehaviourPerFlag) {
  Divergence d{DivergenceKind::kFlags, "", "", "", model::filt::kWrite, json{"EV_ADD", "EV_CLEAR"}, json{"EV_CLEAR", "EV_EOF"}, nullptr};
  auto k = behaviour_keys(kevent_with(model::filt::kWrite, model::ev::kAdd), d);
  ASSERT_EQ(k.size(), 2U);
  EXPECT_EQ(k[0].signature, "flags|+EV_ADD");
  EXPECT_EQ(k[0].title, "Returned events carry EV_ADD (FreeBSD's do not)");
  EXPECT_EQ(k[1].signature, "flags|-EV_EOF");
  EXPECT_EQ(k[1].title, "Returned events lack EV_EOF (FreeBSD's have it)");
}

TEST(BehaviourKey, MissingEventsByFilterAndErrnoTitlesRead) {
  Divergence one{DivergenceKind::kMissingEvent, "", "", "", model::filt::kRead, json{{"flags", json{"EV_CLEAR"}}}, nullptr,
                 json{{"flags", json{"EV_CLEAR"}}}};
  Divergence two{DivergenceKind::kMissingEvent, "", "", "", model::filt::kRead, json{{"flags", json{"EV_ONESHOT"}}}, nullptr,
                 json{{"flags", json{"EV_ONESHOT"}}}};
  const traces::Step s = kevent_with(model::filt::kRead, model::ev::kAdd);
  EXPECT_EQ(behaviour_keys(s, one)[0].signature, behaviour_keys(s, two)[0].signature);
  Divergence e{DivergenceKind::kErrno, "", "", "", 0, json("ENOENT"), json("EBADF"), nullptr};
  EXPECT_EQ(behaviour_keys(s, e)[0].title, "kevent() fails with ENOENT where FreeBSD's fails with EBADF");
}

// A hang either way: the implementation never returned, or it returned where
// FreeBSD waits forever (a 13.2 recv(MSG_WAITALL) on Linux).
TEST(BehaviourKey, HangsSayWhichSideWaits) {
  traces::Step recv;
  recv.op = traces::Op::kRecv;
  Divergence waits{DivergenceKind::kHang, "", "", "", 0, json("never returned"), json("returns"), nullptr};
  Divergence returns{DivergenceKind::kHang, "", "", "", 0, json("returns"), json("waits forever: ..."), nullptr};
  EXPECT_EQ(behaviour_keys(recv, waits)[0].signature, "hang|recv");
  EXPECT_EQ(behaviour_keys(recv, waits)[0].title, "The implementation hangs in recv()");
  EXPECT_EQ(behaviour_keys(recv, returns)[0].signature, "hang|recv|returns");
  EXPECT_EQ(behaviour_keys(recv, returns)[0].title, "recv() returns where FreeBSD's waits forever");
}

}  // namespace
}  // namespace kqsim::traces
