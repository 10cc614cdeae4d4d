#!/usr/bin/env python3
"""tools/vm/campaign_sorting.py: how a campaign sorts divergences into timing and findings,
on hand-made diff results (no VM): each case is a divergence pattern met in
the real-kernel campaigns (docs/vm.md), and one that must stay a finding."""
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools" / "vm"))
import campaign_sorting as sorting  # noqa: E402

TIMING = "timing of a real clock"
failures = []


def ev(filt, ident):
    return {"filter": filt, "ident": ident}


def check(name, trace, expect_unexplained):
    got = [(d["step"], d["category"]) for d in sorting.unexpected(trace)]
    if got != expect_unexplained:
        failures.append(f"{name}: unexplained {got}, expected {expect_unexplained}")


# A timer fired early and took the only slot: the AIO event comes one scan
# later, and there it takes the slot of an EVFILT_WRITE event (13.2 p00063).
check("displaced chain", {"divergences": [
    {"step": 29, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 2), "known": TIMING},
    {"step": 29, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_AIO", 1)},
    {"step": 47, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_AIO", "cb5")},
    {"step": 47, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_WRITE", 9)},
]}, [])

# A displaced oneshot event's knote still exists on the kernel, so a later
# EV_ADD|EV_RECEIPT echoes the change's fflags (13.2 p01406).
check("receipt of a displaced knote", {"divergences": [
    {"step": 22, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 3), "known": TIMING},
    {"step": 22, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_VNODE", 9)},
    {"step": 26, "op": "kevent", "category": "error-record", "event": ev("EVFILT_VNODE", "f6")},
]}, [])

# A oneshot timer already delivered on the kernel: the change gets an error
# record, which ends the call without a scan, so an AIO event is missing
# there (15.1 p00732).
check("error record ends the scan", {"divergences": [
    {"step": 28, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 2), "known": TIMING},
    {"step": 29, "op": "kevent", "category": "ret"},
    {"step": 29, "op": "kevent", "category": "error-record", "event": ev("EVFILT_TIMER", 2)},
    {"step": 29, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_AIO", 1)},
]}, [])

# A kqueue watched by another one is readable when its own timer fired
# (13.2 p01134): timing only if a timer was armed on that kqueue before.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    rec.write_text(json.dumps({"steps": [{"op": "kqueue", "as": "kq1"}, {"op": "kevent", "kq": "kq1", "changes": [
        {"ident": 2, "filter": "EVFILT_TIMER", "flags": ["EV_ADD", "EV_ONESHOT"]}]}]}))
    kq_read = [{"step": 5, "op": "kevent", "category": "ret"},
               {"step": 5, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_READ", "kq1")}]
    check("kqueue with a timer", {"path": str(rec), "divergences": kq_read}, [])
    check("kqueue without a timer", {"path": str(Path(tmp) / "none.json"), "divergences": kq_read},
          [(5, "ret"), (5, "extra-event")])
    # Where that readability stands among the watcher's other events is the
    # timer's timing too (15.1 seed 27 p00602); any other event moved stays a finding.
    def kq_order(observed, model):
        return [{"step": 5, "op": "kevent", "category": "order", "observed": observed, "model": model}]
    kq_first = kq_order(["EVFILT_READ ident kq1", "EVFILT_WRITE ident w2", "EVFILT_AIO ident cb3"],
                        ["EVFILT_WRITE ident w2", "EVFILT_AIO ident cb3", "EVFILT_READ ident kq1"])
    check("order of a kqueue with a timer", {"path": str(rec), "divergences": kq_first}, [])
    check("order of a kqueue without a timer", {"path": str(Path(tmp) / "none.json"), "divergences": kq_first},
          [(5, "order")])
    check("order of a kqueue with a timer, and another event moved", {"path": str(rec), "divergences": kq_order(
        ["EVFILT_READ ident kq1", "EVFILT_AIO ident cb3", "EVFILT_WRITE ident w2"],
        ["EVFILT_WRITE ident w2", "EVFILT_AIO ident cb3", "EVFILT_READ ident kq1"])}, [(5, "order")])

# The same through a dup of the kqueue, made from the number kqueue()
# returned (13.2 seed 5 p01692).
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    rec.write_text(json.dumps({"steps": [
        {"op": "kqueue", "as": "kq1", "observed": {"ret": 4}}, {"op": "dup", "fd": 4, "as": "d2"},
        {"op": "kevent", "kq": "kq1", "changes": [{"ident": 3, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"]}]}]}))
    dup_read = [{"step": 48, "op": "kevent", "category": "ret"},
                {"step": 48, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_READ", "d2")}]
    check("dup of a kqueue with a timer", {"path": str(rec), "divergences": dup_read}, [])
    rec.write_text(json.dumps({"steps": [
        {"op": "kqueue", "as": "kq1", "observed": {"ret": 4}}, {"op": "dup", "fd": 5, "as": "d2"},
        {"op": "kevent", "kq": "kq1", "changes": [{"ident": 3, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"]}]}]}))
    check("dup of something else", {"path": str(rec), "divergences": dup_read}, [(48, "ret"), (48, "extra-event")])
    # The model's side names the watched kqueue by its number (13.2 seed 6 p01247).
    rec.write_text(json.dumps({"steps": [
        {"op": "kqueue", "as": "kq0", "observed": {"ret": 3}},
        {"op": "kevent", "kq": "kq0", "changes": [{"ident": 1, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"]}]}]}))
    check("a kqueue with a timer by its number", {"path": str(rec), "divergences": [
        {"step": 30, "op": "kevent", "category": "ret"},
        {"step": 30, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_READ", 3)}]}, [])

# A name used after its kqueue was closed and its number given to a new
# kqueue: the timer armed through the old name is the new kqueue's, which the
# kernel's side names by its own name (13.2 seed 8 p01749). A timer of the
# closed kqueue does not count for the new one.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    timer_on = [{"op": "kevent", "kq": "kq1", "changes": [{"ident": 1, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"]}]}]
    reused = [{"op": "kqueue", "as": "kq1", "observed": {"ret": 4}}, {"op": "close", "fd": "kq1", "observed": {"ret": 0}},
              {"op": "kqueue", "as": "kq2", "observed": {"ret": 4}}]
    watched = [{"step": 39, "op": "kevent", "category": "ret"},
               {"step": 39, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_READ", "kq2")}]
    rec.write_text(json.dumps({"steps": reused + timer_on}))
    check("a timer armed through a reused name", {"path": str(rec), "divergences": watched}, [])
    rec.write_text(json.dumps({"steps": reused[:1] + timer_on + reused[1:]}))
    check("a timer of the closed kqueue", {"path": str(rec), "divergences": watched},
          [(39, "ret"), (39, "extra-event")])

# A timer took a slot, so an EV_CLEAR EVFILT_VNODE event was not taken on the
# kernel; when it came, later, it carried every note since (13.2 seed 5
# p01803). The fflags of a filter that was not displaced stay compared.
displaced_vnode = [
    {"step": 31, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 1), "known": TIMING},
    {"step": 31, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_VNODE", 8)}]
check("fflags of a displaced knote", {"divergences": displaced_vnode + [
    {"step": 42, "op": "kevent", "category": "fflags", "event": ev("EVFILT_VNODE", "f6")}]}, [])
check("fflags of another filter", {"divergences": displaced_vnode + [
    {"step": 42, "op": "kevent", "category": "fflags", "event": ev("EVFILT_PROC", "main")}]}, [(42, "fflags")])

# A oneshot timer fired early on the kernel and is gone: a later call that
# changes it meets ENOENT, here as the call's error (no slot left) (13.2
# seed 2 p00006); the same call without a timer change stays a finding.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    steps = [{"op": "kqueue", "as": "kq"}] * 33 + [{"op": "kevent", "kq": "kq", "changes": [
        {"ident": 1, "filter": "EVFILT_TIMER", "flags": ["EV_DISABLE"]}]}]
    rec.write_text(json.dumps({"steps": steps}))
    gone = [{"step": 20, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 1), "known": TIMING},
            {"step": 33, "op": "kevent", "category": "errno"},
            {"step": 33, "op": "kevent", "category": "ret"},
            {"step": 33, "op": "kevent", "category": "error-record", "event": ev("EVFILT_WRITE", 3)}]
    check("change to a gone timer", {"path": str(rec), "divergences": gone}, [])
    rec.write_text(json.dumps({"steps": steps[:33] + [{"op": "kevent", "kq": "kq", "changes": []}]}))
    check("no timer change", {"path": str(rec), "divergences": gone}, [(33, "errno"), (33, "ret"), (33, "error-record")])

# A oneshot timer fired on the kernel only (timing), so a later EV_ADD of it
# with invalid fflags met no knote there and failed the whole call (nevents
# 0: EINVAL), where the model modified its knote (filt_timertouch keeps the
# error in the knote). The EVFILT_USER change after it in that call ran on
# the model only, so a later EV_ADD|EV_RECEIPT of that knote modifies it on
# the model and creates it on the kernel, and the receipts differ (13.2
# seed 17 p00545). A receipt of a filter the failed call did not change
# stays a finding.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    steps = [{"op": "kqueue", "as": "kq"}] * 19 + [{"op": "kevent", "kq": "kq", "changes": [
        {"ident": 3, "filter": "EVFILT_TIMER", "flags": ["EV_ADD", "EV_ONESHOT"], "fflags": 5},
        {"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_ADD", "EV_DISABLE"]}]}]
    steps += [{"op": "kqueue", "as": "kq"}] * 25 + [{"op": "kevent", "kq": "kq", "changes": [
        {"ident": 1, "filter": "EVFILT_USER", "flags": ["EV_ADD", "EV_RECEIPT"]}]}]
    rec.write_text(json.dumps({"steps": steps}))
    failed_call = [{"step": 17, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 3), "known": TIMING},
                   {"step": 19, "op": "kevent", "category": "errno"},
                   {"step": 19, "op": "kevent", "category": "ret"}]
    check("change after a failed change", {"path": str(rec), "divergences": failed_call + [
        {"step": 45, "op": "kevent", "category": "error-record", "event": ev("EVFILT_USER", 1)}]}, [])
    steps[45] = {"op": "kevent", "kq": "kq", "changes": [{"ident": 9, "filter": "EVFILT_READ", "flags": ["EV_ADD", "EV_RECEIPT"]}]}
    rec.write_text(json.dumps({"steps": steps}))
    check("change of a filter the failed call did not change", {"path": str(rec), "divergences": failed_call + [
        {"step": 45, "op": "kevent", "category": "error-record", "event": ev("EVFILT_READ", 9)}]}, [(45, "error-record")])

# A oneshot timer fired early and took the only slot, so a oneshot AIO
# event was delivered on the model only; a later EV_ADD of that AIO knote
# modifies the kernel's surviving knote but meets EVFILT_AIO's EPERM in the
# model, and the call's errno differs (13.2 seed 3 p01815). The same errno
# at a call changing only another filter stays a finding.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    steps = [{"op": "kqueue", "as": "kq"}] * 31 + [{"op": "kevent", "kq": "kq", "changes": [
        {"ident": "cb6", "filter": "EVFILT_AIO", "flags": ["EV_ADD", "EV_ONESHOT"]},
        {"ident": "l3", "filter": "EVFILT_PROCDESC", "flags": ["EV_DELETE"]}]}]
    rec.write_text(json.dumps({"steps": steps}))
    aio = [{"step": 30, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 3), "known": TIMING},
           {"step": 30, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_AIO", 268435456)},
           {"step": 31, "op": "kevent", "category": "errno"}]
    check("change to a displaced knote", {"path": str(rec), "divergences": aio}, [])
    steps[31] = {"op": "kevent", "kq": "kq", "changes": [{"ident": "l3", "filter": "EVFILT_PROCDESC", "flags": ["EV_DELETE"]}]}
    rec.write_text(json.dumps({"steps": steps}))
    check("change to another filter", {"path": str(rec), "divergences": aio}, [(31, "errno")])

# A timer took a slot, so an AIO event came one scan late on the kernel; at
# a later scan the AIO knote, queued again at another place, is listed
# elsewhere while the others keep their order (15.1 seed 5 p00408). An order
# change among events that were not displaced stays a finding.
displaced_first = [
    {"step": 8, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 3), "known": TIMING},
    {"step": 8, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_AIO", 268435456)}]
check("order of a displaced event", {"divergences": displaced_first + [
    {"step": 49, "op": "kevent", "category": "order",
     "observed": ["EVFILT_USER ident 1", "EVFILT_AIO ident cb20", "EVFILT_LIO ident list17", "EVFILT_WRITE ident sb4"],
     "model": ["EVFILT_USER ident 1", "EVFILT_LIO ident list17", "EVFILT_WRITE ident sb4", "EVFILT_AIO ident cb20"]},
]}, [])
check("order of events not displaced", {"divergences": displaced_first + [
    {"step": 49, "op": "kevent", "category": "order",
     "observed": ["EVFILT_AIO ident cb20", "EVFILT_WRITE ident sb4", "EVFILT_LIO ident list17"],
     "model": ["EVFILT_AIO ident cb20", "EVFILT_LIO ident list17", "EVFILT_WRITE ident sb4"]},
]}, [(49, "order")])

# A KQUEUE_CPONFORK copy queues its knotes in kqueue_fork_copy's walk order:
# those not on descriptors in kq_knhash bucket order of their idents, for
# AIO, LIO and PROC knotes the host's addresses and pids (15.1 seed 46
# p00375). Only in the copy (another process's scan), only those filters,
# only knotes the copy got at the fork.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    kev = {"notify": "SIGEV_KEVENT", "kq": "kq0"}
    rec.write_text(json.dumps({"steps": [
        {"op": "kqueue", "as": "kq0", "flags": 2}, {"op": "kqueue", "as": "kq1"},
        {"op": "aio_read", "aiocb": "cb20", "sigevent": kev}, {"op": "aio_read", "aiocb": "cb21", "sigevent": kev},
        {"op": "lio_listio", "list": "list23", "sigevent": kev, "entries": [{"aiocb": "cb22"}]},
        {"op": "fork", "as": "child1"},
        {"op": "kevent", "kq": "kq0", "proc": "child1"},   # 6: the copy
        {"op": "kevent", "kq": "kq0"},                     # 7: the maker's own
        {"op": "kevent", "kq": "kq1", "proc": "child1"},   # 8: no KQUEUE_CPONFORK
        {"op": "kevent", "kq": "kq0", "proc": "main"},     # 9: the maker's, named
        {"op": "aio_read", "aiocb": "cb30", "sigevent": kev, "proc": "child1"},
        {"op": "kevent", "kq": "kq0", "proc": "child1"},   # 11: the copy, cb30 the child's own
        {"op": "kqueue", "as": "kq0"},
        {"op": "kevent", "kq": "kq0", "proc": "child1"},   # 13: the name given to a plain kqueue
    ]}))

    def copy_order(step, observed, model):
        return {"path": str(rec), "divergences": [
            {"step": step, "op": "kevent", "category": "order", "observed": observed, "model": model}]}
    hashed = (["EVFILT_READ ident l1", "EVFILT_AIO ident cb21", "EVFILT_LIO ident list23",
               "EVFILT_AIO ident cb20", "EVFILT_SIGNAL ident 30"],
              ["EVFILT_READ ident l1", "EVFILT_AIO ident cb20", "EVFILT_AIO ident cb21",
               "EVFILT_SIGNAL ident 30", "EVFILT_LIO ident list23"])
    check("a copy's hashed knotes", copy_order(6, *hashed), [])
    check("the maker's own scan", copy_order(7, *hashed), [(7, "order")])
    check("the maker's own scan, named", copy_order(9, *hashed), [(9, "order")])
    check("a kqueue without KQUEUE_CPONFORK", copy_order(8, *hashed), [(8, "order")])
    check("a copy's descriptor knotes moved", copy_order(6, ["EVFILT_WRITE ident w2", "EVFILT_READ ident l1"],
                                                        ["EVFILT_READ ident l1", "EVFILT_WRITE ident w2"]),
          [(6, "order")])
    check("a knote the copy got after the fork", copy_order(11, ["EVFILT_AIO ident cb30", "EVFILT_AIO ident cb20"],
                                                            ["EVFILT_AIO ident cb20", "EVFILT_AIO ident cb30"]),
          [(11, "order")])
    check("a name given to a plain kqueue since", copy_order(13, *hashed), [(13, "order")])


# The requests of one lio_listio call run in parallel on the kernel's aio
# daemons (R14), so their EVFILT_AIO events come in either order (15.1 seed 5
# p00498), with nothing timed before. Requests of separate calls, or an AIO
# event moved past another filter's, stay findings.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    rec.write_text(json.dumps({"steps": [
        {"op": "lio_listio", "mode": "LIO_WAIT", "entries": [{"aiocb": "cb7"}, None, {"aiocb": "cb8"}]},
        {"op": "aio_read", "aiocb": "cb9"}]}))
    def order(observed, model):
        return {"path": str(rec), "divergences": [
            {"step": 19, "op": "kevent", "category": "order", "observed": observed, "model": model}]}
    check("one list's requests", order(["EVFILT_AIO ident cb8", "EVFILT_AIO ident cb7"],
                                       ["EVFILT_AIO ident cb7", "EVFILT_AIO ident cb8"]), [])
    check("requests of separate calls", order(["EVFILT_AIO ident cb9", "EVFILT_AIO ident cb7"],
                                              ["EVFILT_AIO ident cb7", "EVFILT_AIO ident cb9"]), [(19, "order")])
    check("a count beside a list's requests", {"path": str(rec), "divergences": [
        {"step": 19, "op": "kevent", "category": "ret", "observed": 2, "model": 1}]}, [(19, "ret")])
    check("a list's request past another filter", order(["EVFILT_AIO ident cb7", "EVFILT_WRITE ident w1"],
                                                        ["EVFILT_WRITE ident w1", "EVFILT_AIO ident cb7"]), [(19, "order")])


# With nevents cut short, which of a list's requests finished first decides
# which events come back: as many extra EVFILT_AIO events, all of one list
# of two requests or more that notify a kqueue, as missing ones, at a scan
# that filled its eventlist (15.1 seed 32 p00074); the list's EVFILT_LIO is
# then displaced too. A one-request list, a separate call's request, an
# event extra alone, or a scan with room left stays a finding.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    kev = {"notify": "SIGEV_KEVENT", "kq": "kq0"}
    def program(nevents=2, ret=2):
        rec.write_text(json.dumps({"steps": [
            {"op": "lio_listio", "mode": "LIO_NOWAIT", "sigevent": kev, "entries": [
                {"aiocb": "cb7", "opcode": "LIO_WRITE", "sigevent": kev},
                {"aiocb": "cb8", "opcode": "LIO_READ", "sigevent": kev}]},
            {"op": "lio_listio", "mode": "LIO_NOWAIT", "entries": [
                {"aiocb": "cb5", "opcode": "LIO_WRITE", "sigevent": kev},
                {"aiocb": "cb6", "opcode": "LIO_NOP", "sigevent": kev}]},
            {"op": "aio_read", "aiocb": "cb9"}]
            + [{"op": "pipe"}] * 16
            + [{"op": "kevent", "kq": "kq0", "nevents": nevents, "observed": {"ret": ret}}]
            + [{"op": "pipe"}] * 4 + [{"op": "kevent", "kq": "kq0", "nevents": 4, "observed": {"ret": 1}}]}))
    def slot(extra_ident, with_missing=True):
        return {"path": str(rec), "divergences": [
            {"step": 19, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_AIO", extra_ident)}]
            + ([{"step": 19, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_AIO", 268436480)}]
               if with_missing else [])
            + [{"step": 24, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_LIO", 268435968)}]}
    program()
    check("one list's requests swapping a slot", slot("cb8"), [])
    check("a separate call's request in the slot", slot("cb9"),
          [(19, "extra-event"), (19, "missing-event"), (24, "missing-event")])
    check("a one-request list's request in the slot", slot("cb5"),
          [(19, "extra-event"), (19, "missing-event"), (24, "missing-event")])
    check("a list's event extra alone", slot("cb8", with_missing=False), [(19, "extra-event"), (24, "missing-event")])
    program(nevents=4, ret=2)
    check("a swap with room left", slot("cb8"), [(19, "extra-event"), (19, "missing-event"), (24, "missing-event")])

# A timer knote whose re-add once failed keeps EV_ERROR in its flags, so its
# expirations, here seen on the kernel only (timing), are error records
# (15.1 seed 6 p00506). At a call that changes a timer, an error record stays
# a finding: it may be that change's record.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    scan = {"op": "kevent", "kq": "kq0"}
    change = {"op": "kevent", "kq": "kq0", "changes": [{"ident": 2, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"]}]}
    sticky = [{"step": 1, "op": "kevent", "category": "ret"},
              {"step": 1, "op": "kevent", "category": "error-record", "detail": "extra",
               "event": {"filter": "EVFILT_TIMER", "ident": 2, "flags": ["EV_CLEAR", "EV_ERROR"]}}]
    # Its count differing is timing too (15.1 seed 45 p00370: a 1 us timer).
    count = [{"step": 1, "op": "kevent", "category": "error-record", "detail": "EVFILT_TIMER ident 2, data",
              "event": {"filter": "EVFILT_TIMER", "ident": 2, "flags": ["EV_CLEAR", "EV_ERROR"]},
              "observed": 13045, "model": 1}]
    fflags = [dict(count[0], detail="EVFILT_TIMER ident 2, fflags")]
    rec.write_text(json.dumps({"steps": [{"op": "kqueue", "as": "kq0"}, scan]}))
    check("a timer event with a sticky EV_ERROR", {"path": str(rec), "divergences": sticky}, [])
    check("a sticky-EV_ERROR timer's count", {"path": str(rec), "divergences": count}, [])
    check("a sticky-EV_ERROR timer's fflags", {"path": str(rec), "divergences": fflags}, [(1, "error-record")])
    rec.write_text(json.dumps({"steps": [{"op": "kqueue", "as": "kq0"}, change]}))
    check("an error record of a timer change", {"path": str(rec), "divergences": sticky}, [(1, "ret"), (1, "error-record")])
    check("a timer change's record's data", {"path": str(rec), "divergences": count}, [(1, "error-record")])

# A TCP socket's EVFILT_WRITE data short of the model's by no more than what
# was just written to it: the ACK had not come back (15.1 seed 32 p00219).
# More than that, more space than the model, or a pipe stays a finding.
with tempfile.TemporaryDirectory() as tmp:
    rec = Path(tmp) / "p.json"
    rec.write_text(json.dumps({"steps": [
        {"op": "socket", "as": "t1", "domain": "inet", "type": "stream"},
        {"op": "accept", "fd": "t1", "as": "a2"},
        {"op": "pipe", "as": ["r3", "w4"]},
        {"op": "write", "fd": "a2", "bytes": 512, "observed": {"ret": 512}},
        {"op": "write", "fd": "a2", "bytes": 4096, "observed": {"ret": 4096}},
        {"op": "write", "fd": "w4", "bytes": 4096, "observed": {"ret": 4096}},
        {"op": "kevent", "kq": "kq0"}]}))
    def space(ident, kernel, model):
        return {"path": str(rec), "divergences": [{"step": 6, "op": "kevent", "category": "data",
                                                   "event": ev("EVFILT_WRITE", ident), "observed": kernel, "model": model}]}
    check("a TCP write not yet acknowledged", space("a2", 44936, 49032), [])
    check("less space than was written", space("a2", 40000, 49032), [(6, "data")])
    # Nothing else at that scan follows from it: the event came on both sides.
    check("a TCP write's ACK beside an extra event", {"path": str(rec), "divergences": [
        {"step": 6, "op": "kevent", "category": "data", "event": ev("EVFILT_WRITE", "a2"), "observed": 44936, "model": 49032},
        {"step": 6, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_READ", "r3")}]}, [(6, "extra-event")])
    check("more space than the model", space("a2", 49032, 44936), [(6, "data")])
    check("a pipe's space", space("w4", 12288, 16384), [(6, "data")])
    rec.write_text(json.dumps({"steps": [
        {"op": "socket", "as": "t1", "domain": "inet", "type": "stream"},
        {"op": "accept", "fd": "t1", "as": "a2"},
        {"op": "write", "fd": "a2", "bytes": 20000, "observed": {"ret": 20000}},
        {"op": "kevent", "kq": "kq0"}]}))
    check("more than one segment short", {"path": str(rec), "divergences": [
        {"step": 3, "op": "kevent", "category": "data", "event": ev("EVFILT_WRITE", "a2"), "observed": 29032, "model": 49032}]},
        [(3, "data")])
    # A name dup2 made the TCP socket's (15.1 seed 35 p00045's sa6).
    rec.write_text(json.dumps({"steps": [
        {"op": "socket", "as": "t1", "domain": "inet", "type": "stream"},
        {"op": "accept", "fd": "t1", "as": "a2"},
        {"op": "socketpair", "as": ["s3", "s4"], "type": "stream"},
        {"op": "dup2", "fd": "a2", "to": "s3", "observed": {"ret": 6}},
        {"op": "write", "fd": "s3", "bytes": 512, "observed": {"ret": 512}},
        {"op": "kevent", "kq": "kq0"}]}))
    check("a TCP write through a dup2 target", {"path": str(rec), "divergences": [
        {"step": 5, "op": "kevent", "category": "data", "event": ev("EVFILT_WRITE", "s3"), "observed": 48520, "model": 49032}]},
        [])

# Programs of --stable-timers (campaign.py marks their traces "timers_fire":
# false): no timer fires, so a timer's event, order or kqueue count is a
# finding, not timing.
check("a timer event where timers fire", {"divergences": [
    {"step": 3, "op": "kevent", "category": "order",
     "observed": ["EVFILT_TIMER ident 1", "EVFILT_READ ident r1"], "model": ["EVFILT_READ ident r1", "EVFILT_TIMER ident 1"]}]}, [])
check("a timer event where none fires", {"timers_fire": False, "divergences": [
    {"step": 3, "op": "kevent", "category": "order",
     "observed": ["EVFILT_TIMER ident 1", "EVFILT_READ ident r1"], "model": ["EVFILT_READ ident r1", "EVFILT_TIMER ident 1"]}]},
    [(3, "order")])

# Nothing timed before: a short write stays a finding, and so does an event
# of another filter after a timing divergence.
check("short write", {"divergences": [{"step": 7, "op": "write", "category": "ret"}]}, [(7, "ret")])
check("unrelated event", {"divergences": [
    {"step": 3, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 1), "known": TIMING},
    {"step": 9, "op": "kevent", "category": "data", "event": ev("EVFILT_WRITE", "w1")},
]}, [(9, "data")])

# The summary's outcomes: an exact match, a program kqreplay calls matched
# because its only divergence is an expectation, one explained by a rule,
# and a finding; each timing rule is counted per program.
timer_early = {"step": 3, "op": "kevent", "category": "extra-event", "event": ev("EVFILT_TIMER", 1), "known": TIMING}
got = sorting.outcomes({"traces": [
    {"path": "a/p0.json", "status": "matched", "divergences": []},
    {"path": "a/p1.json", "status": "matched", "divergences": [timer_early]},
    {"path": "a/p2.json", "status": "divergent", "divergences": [
        timer_early, {"step": 3, "op": "kevent", "category": "ret"},
        {"step": 3, "op": "kevent", "category": "missing-event", "event": ev("EVFILT_READ", 4)}]},
    {"path": "a/p3.json", "status": "divergent", "divergences": [{"step": 7, "op": "write", "category": "ret"}]},
    {"path": "a/p4.json", "status": "matched", "divergences": [],
     "task_races_followed": [{"step": 18, "point": 0, "what": "exec(): after closing descriptor 5"}]},
]})
want = {"matched_exactly": 1, "timing_only": 3, "timing_rules": {"expected": 2, "kqueue-task-race": 1, "same-kevent": 1}}
if got != want:
    failures.append(f"outcomes: {got}, expected {want}")

# The fresh-boot recheck: a program whose second recording matched (13.2
# seed 6: three pipe writes late in a 2,000-program boot) is not reproduced;
# one that diverges again, one whose rerun diverges only by timing's
# consequences, and one the rerun did not record are sorted accordingly.
short_write = {"step": 7, "op": "write", "category": "ret"}
groups = {"ret at write": ["p1.json", "p2.json", "p3.json", "p4.json"]}
rerun = {"traces": [
    {"path": "r/p1.json", "status": "matched", "divergences": []},
    {"path": "r/p2.json", "status": "divergent", "divergences": [short_write]},
    {"path": "r/p3.json", "status": "divergent", "divergences": [
        timer_early, {"step": 3, "op": "kevent", "category": "ret"}]},
]}
kept, gone = sorting.split_reproduced(groups, rerun)
if dict(kept) != {"ret at write": ["p2.json", "p4.json"]} or gone != ["p1.json", "p3.json"]:
    failures.append(f"recheck: kept {dict(kept)}, not reproduced {gone}")
kept, gone = sorting.split_reproduced(groups, None)
if dict(kept) != groups or gone:
    failures.append(f"recheck without a rerun: kept {dict(kept)}, not reproduced {gone}")

# A poll of a kqueue armed with a timer earlier answers from kq_count, which
# the real clock's expiration changed (15.1 seed 13 p00014); a poll of a
# kqueue without one, or before the timer was armed, stays a finding.
poll_steps = [
    {"op": "kqueue", "as": "kq1", "observed": {"ret": 4}},
    {"op": "poll", "fd": "kq1", "events": ["POLLIN"], "timeout_ms": 0, "observed": {"ret": 0}},
    {"op": "kevent", "kq": "kq1", "changes": [{"ident": 2, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"], "data": 13}],
     "observed": {"ret": 0}},
    {"op": "poll", "fd": "kq1", "events": ["POLLIN"], "timeout_ms": 0, "observed": {"ret": 1}},
    {"op": "select", "fd": 4, "read": True, "timeout_us": 0, "observed": {"ret": 1}},
]
poll_kqs, _, _ = sorting.timer_facts(poll_steps)
for step, op, expect in ((3, "poll", True), (4, "select", True), (1, "poll", False)):
    d = {"step": step, "op": op, "category": "ret"}
    if sorting.polls_kqueue_with_timer(d, poll_steps, poll_kqs) != expect:
        failures.append(f"poll of a kqueue with a timer: step {step} should be {'timing' if expect else 'a finding'}")

# The same through a dup of a name a file was opened under, made after the
# file was closed and a kqueue took its number (13.2 seed 14 p01557); a dup
# made while the file still held the number is no kqueue.
def reused_number_steps(close_before_dup):
    opened = [{"op": "open", "as": "f4", "path": "f", "observed": {"ret": 5}}]
    closed = [{"op": "close", "fd": "f4", "observed": {"ret": 0}}, {"op": "kqueue", "as": "kq5", "observed": {"ret": 5}}]
    dup = [{"op": "dup", "fd": "f4", "as": "d7", "observed": {"ret": 7}}]
    timer = [{"op": "kevent", "kq": "kq5", "changes": [{"ident": 3, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"]}],
              "observed": {"ret": 0}}]
    middle = closed + dup if close_before_dup else dup + closed
    return opened + middle + timer + [{"op": "poll", "fd": "d7", "events": ["POLLIN"], "observed": {"ret": 65}}]
for close_before_dup in (True, False):
    steps = reused_number_steps(close_before_dup)
    kqs, _, _ = sorting.timer_facts(steps)
    got = sorting.polls_kqueue_with_timer({"step": 5, "op": "poll", "category": "ret"}, steps, kqs)
    if got != close_before_dup:
        failures.append(f"poll of a dup of a reused number (dup {'after' if close_before_dup else 'before'} the close): "
                        f"{'timing' if got else 'a finding'}")

# A name the program used for another kqueue later: the select at step 3
# looked at the first kqueue, which held a timer (15.1 seed 16 p01117).
reused = [
    {"op": "kqueue", "as": "kq0", "observed": {"ret": 3}},
    {"op": "kevent", "kq": "kq0", "changes": [{"ident": 2, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"], "data": 10}],
     "observed": {"ret": 0}},
    {"op": "sleep", "ns": 1},
    {"op": "select", "fd": "kq0", "read": True, "timeout_us": 0, "observed": {"ret": 1}},
    {"op": "close", "fd": "kq0", "observed": {"ret": 0}},
    {"op": "kqueue", "as": "kq8", "observed": {"ret": 3}},
    {"op": "select", "fd": "kq0", "read": True, "timeout_us": 0, "observed": {"ret": 1}},
]
reused_kqs, _, _ = sorting.timer_facts(reused)
for step, expect in ((3, True), (6, False)):
    if sorting.polls_kqueue_with_timer({"step": step, "op": "select", "category": "ret"}, reused, reused_kqs) != expect:
        failures.append(f"select through a reused name: step {step} should be {'timing' if expect else 'a finding'}")

# A socketpair end's name, whose number the recording does not carry (ret 0),
# reaches a kqueue with a timer once the end is closed and a kqueue takes its
# number: the lowest-free rule gives sb2 descriptor 6 (15.1 seed 26 p00166).
# A call before it whose outcome the recording lacks stops the inference:
# a finding.
def pair_then_kqueue(known):
    return [
        {"op": "kqueue", "as": "kq0", "observed": {"ret": 3}},
        {"op": "open", "as": "f", "path": "f", "observed": {"ret": 4} if known else {}},
        {"op": "socketpair", "as": ["sa1", "sb2"], "type": "stream", "observed": {"ret": 0}},
        {"op": "close", "fd": "sb2", "observed": {"ret": 0}},
        {"op": "kqueue", "as": "kq9", "observed": {"ret": 6}},
        {"op": "kevent", "kq": "kq9", "changes": [{"ident": 1, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"]}],
         "observed": {"ret": 0}},
        {"op": "poll", "fd": "sb2", "events": ["POLLIN"], "timeout_ms": 0, "observed": {"ret": 1}},
    ]
for known in (True, False):
    steps = pair_then_kqueue(known)
    kqs, _, _ = sorting.timer_facts(steps)
    got = sorting.polls_kqueue_with_timer({"step": 6, "op": "poll", "category": "ret"}, steps, kqs)
    if got != known:
        failures.append(f"poll through a socketpair end's reused number ({'known' if known else 'unknown'} open): "
                        f"{'timing' if got else 'a finding'}")
if sorting.kqueue_names(pair_then_kqueue(True))[0][6].get("sb2") != "kq9":
    failures.append("socketpair numbers: sb2 should name kq9 at the poll")

# An inferred number counts only while it holds the kqueue: p0's number goes
# to kq9 (a timer) and, once kq9 is closed, to a socketpair end; a poll
# through p0 then is a finding, and p0 never counts as a kqueue with a
# timer for its own earlier events (`ever`).
gone = [
    {"op": "kqueue", "as": "kq0", "observed": {"ret": 3}},
    {"op": "pipe", "as": ["p0", "p1"], "observed": {"ret": 0}},
    {"op": "close", "fd": "p0", "observed": {"ret": 0}},
    {"op": "kqueue", "as": "kq9", "observed": {"ret": 4}},
    {"op": "kevent", "kq": "kq9", "changes": [{"ident": 1, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"]}],
     "observed": {"ret": 0}},
    {"op": "close", "fd": "kq9", "observed": {"ret": 0}},
    {"op": "socketpair", "as": ["s0", "s1"], "observed": {"ret": 0}},
    {"op": "poll", "fd": "p0", "events": ["POLLIN"], "timeout_ms": 0, "observed": {"ret": 1}},
]
gone_kqs, _, _ = sorting.timer_facts(gone)
if "p0" in gone_kqs or sorting.polls_kqueue_with_timer({"step": 7, "op": "poll", "category": "ret"}, gone, gone_kqs):
    failures.append(f"an inferred number kept a closed kqueue's timer: {gone_kqs}")

# A select of a kqueue that watches (EVFILT_READ) a kqueue holding a timer:
# filt_kqueue carries the timer's activation into the watcher's count (15.1
# seed 27 p00488); without the timer it stays a finding.
def watcher_steps(timer):
    arm = [{"op": "kevent", "kq": "kq0", "changes": [{"ident": 1, "filter": "EVFILT_TIMER", "flags": ["EV_ADD"]}],
            "observed": {"ret": 0}}] if timer else [{"op": "sleep", "ns": 1}]
    return [{"op": "kqueue", "as": "kq0", "observed": {"ret": 3}}] + arm + [
        {"op": "kqueue", "as": "kq1", "observed": {"ret": 4}},
        {"op": "kevent", "kq": "kq1", "changes": [{"ident": "kq0", "filter": "EVFILT_READ", "flags": ["EV_ADD"]}],
         "observed": {"ret": 0}},
        {"op": "select", "fd": "kq1", "read": True, "timeout_us": 0, "observed": {"ret": 1}},
    ]
for timer in (True, False):
    steps = watcher_steps(timer)
    kqs, _, _ = sorting.timer_facts(steps)
    if sorting.polls_kqueue_with_timer({"step": 4, "op": "select", "category": "ret"}, steps, kqs) != timer:
        failures.append(f"select of a kqueue watching a kqueue {'with' if timer else 'without'} a timer")
# Once the watching knote is gone - deleted, or its ident closed - the
# select is a finding again.
for gone in ({"op": "kevent", "kq": "kq1", "observed": {"ret": 0},
              "changes": [{"ident": "kq0", "filter": "EVFILT_READ", "flags": ["EV_DELETE"]}]},
             {"op": "close", "fd": "kq0", "observed": {"ret": 0}}):
    steps = watcher_steps(True)
    steps.insert(4, gone)
    kqs, _, _ = sorting.timer_facts(steps)
    if sorting.polls_kqueue_with_timer({"step": 5, "op": "select", "category": "ret"}, steps, kqs):
        failures.append(f"select of a kqueue whose watching knote went ({gone['op']})")

# A recording kqreplay cannot replay is a finding of its own, grouped by its
# message without the path and step (15.1 seed 11, program 1199).
bad = {"path": "a/p01199.json", "status": "bad-input", "divergences": [],
       "error": "a/p01199.json: step 32: field 'observed': name '0' is not bound"}
groups = sorting.groups_of({"traces": [bad, {"path": "a/p2.json", "status": "matched", "divergences": []}]})
if dict(groups) != {"bad-input: field 'observed': name '0' is not bound": ["p01199.json"]}:
    failures.append(f"replay failure: groups {dict(groups)}")
if sorting.outcomes({"traces": [bad]}) != {"matched_exactly": 0, "timing_only": 0, "timing_rules": {}}:
    failures.append("replay failure: counted as matched or timing")
# A shrinking candidate keeps such a group's finding when it fails to replay
# the same way (until 2026-12-05 no candidate ever did, so such a group kept
# its unshrunk program); a divergent one keeps the groups of its findings.
bad_candidate = dict(bad, path="s/g00-p0-c001.json", error="s/g00-p0-c001.json: step 5: field 'observed': name '0' is not bound")
if sorting.finding_signatures(bad_candidate) != {"bad-input: field 'observed': name '0' is not bound"}:
    failures.append(f"replay failure while shrinking: {sorting.finding_signatures(bad_candidate)}")
short = {"status": "divergent", "divergences": [short_write, timer_early]}
if sorting.finding_signatures(short) != {"ret at write"}:
    failures.append(f"findings of a divergent candidate: {sorting.finding_signatures(short)}")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("campaign sorting: all cases as expected")
