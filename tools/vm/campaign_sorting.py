"""How tools/vm/campaign.py sorts a real-kernel campaign's divergences: what
is timing (an expectation, or what follows from one: follows_timing and the
rules beside it), what is a finding, how findings are grouped, and what a
fresh-boot recheck takes out. Pure functions of kqreplay's diff results and
the recordings; docs/vm.md item 6 names every rule with the program that
taught it, tests/vm/campaign_sorting_test.py holds a case of each."""
import collections
import re
import json
from pathlib import Path


def signature(d):
    """What makes two divergences the same finding: the category, the step
    kind and the event's filter (unsupported: what the model could not run)."""
    if d.get("category") == "unsupported":
        return f"unsupported: {str(d.get('observed') or d.get('expected') or d.get('detail'))[:60]}"
    ev = d.get("event") or {}
    return f"{d.get('category')} at {d.get('op', '?')}" + (f" {ev['filter']}" if ev.get("filter") else "")


# What an expected divergence at a kevent drags along at the same step: an
# extra or missing timer event changes the count, takes or frees a slot of
# nevents (so another event is missing or extra) and moves the others.
FOLLOWERS = {"ret", "missing-event", "extra-event", "order"}


def event_key(d):
    # By filter only: the two sides name an ident differently (the model's
    # number, the trace's name) in a missing and an extra event.
    return (d.get("event") or {}).get("filter")


def follows_timing(d, timed_steps, first_timed, displaced, timer_kqs=None, timers_fire=True):
    """The rule (its name) by which divergence d is a consequence of an
    expected (timing) divergence, or None: at the same kevent step, a count, slot or order divergence;
    at any later step, the same event delivered late or early (its slot was
    taken: `displaced`), anything about a timer (a oneshot timer that already
    fired is gone, so a later change to it meets no knote), an order that
    involves a timer, a kqueue's EVFILT_READ count of pending events (kqueue
    names start with "kq"), or the receipt of a change to a knote whose event
    was displaced. `timer_kqs` maps a kqueue's name to the first step that
    armed a timer on it: that kqueue's readability, seen from another kqueue,
    is the timer's timing even when nothing else diverged. `timers_fire`
    False: no timer rule applies (no timer fires in such a program)."""
    ev = d.get("event") or {}
    if ev.get("filter") == "EVFILT_READ" and d.get("step", -1) > (timer_kqs or {}).get(ev.get("ident"), 1 << 30):
        return "kqueue-with-timer"  # filt_kqueue: the watched kqueue's count includes its timers
    if timers_fire and d.get("category") == "order" and "EVFILT_TIMER" in json.dumps([d.get("expected"), d.get("observed")]):
        return "timer-order"  # when a timer activates, relative to the others, is timing itself
    if d.get("category") == "order" and same_order_without(d, lambda e: reads_kqueue_with_timer(e, d, timer_kqs)):
        return "kqueue-with-timer-order"  # so is when the timer makes its kqueue readable (15.1 seed 27 p00602)
    if first_timed is None or d.get("step", -1) < first_timed:
        return None
    if d.get("op") == "kevent" and d.get("step") in timed_steps and d.get("category") in FOLLOWERS:
        return "same-kevent"
    if d.get("category") in ("missing-event", "extra-event") and event_key(d) in displaced:
        return "displaced"
    # A displaced event's knote is queued again at a different place (a
    # level-triggered knote goes back to the tail when delivered), so a later
    # scan lists it elsewhere; the other events keep their order (15.1 seed 5 p00408).
    if d.get("category") == "order" and displaced and \
            same_order_without(d, lambda e: e.split(" ")[0] in displaced):
        return "displaced-order"
    # kqueue_register zeroes a change's fflags and data only when it creates
    # the knote, so an EV_RECEIPT record tells whether a displaced oneshot
    # event's knote still existed on that side.
    if d.get("category") == "error-record" and event_key(d) in displaced:
        return "displaced-receipt"
    # An EV_CLEAR knote whose event was not taken on one side keeps gathering
    # fflags and data there until its next delivery (13.2 seed 5 p01803:
    # NOTE_OPEN|NOTE_READ|NOTE_ATTRIB on the kernel, NOTE_ATTRIB in the model).
    if d.get("category") in ("fflags", "data") and event_key(d) in displaced:
        return "displaced-accumulates"
    if timers_fire and ev.get("filter") == "EVFILT_TIMER" and d.get("step", -1) > first_timed:
        return "later-timer"
    if ev.get("filter") == "EVFILT_READ" and \
            (str(ev.get("ident", "")).startswith("kq") or ev.get("ident") in (timer_kqs or {})):
        return "kqueue-count"
    return None


def reads_kqueue_with_timer(e, d, timer_kqs):
    """Whether the event `e` of an order divergence ("FILTER ident NAME") is
    an EVFILT_READ of a kqueue on which a timer was armed before d's step:
    filt_kqueue activates it when the real clock fires the timer (a callout),
    so where it stands among the watching kqueue's other events is timing."""
    parts = e.split(" ")
    return len(parts) == 3 and parts[0] == "EVFILT_READ" and \
        d.get("step", -1) > (timer_kqs or {}).get(parts[2], 1 << 30)


def same_order_without(d, left_out):
    """Whether an order divergence's two sides (the kernel's `observed`, the
    `model`'s; each event as "FILTER ident NAME") list the same events in the
    same order once the events `left_out` picks are removed from both."""
    if not all(isinstance(d.get(k), list) for k in ("observed", "model")):
        return False
    sides = [[e for e in d[k] if not left_out(e)] for k in ("observed", "model")]
    return sides[0] == sides[1]


def recording_steps(path):
    """The steps of the recording at `path` ([] when it cannot be read)."""
    try:
        return json.loads(Path(path).read_text())["steps"]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def lio_members(steps):
    """Each aiocb name listed in a lio_listio call of the recording's steps,
    mapped to that call's step."""
    return {e["aiocb"]: i for i, s in enumerate(steps) if s.get("op") == "lio_listio"
            for e in s.get("entries") or [] if isinstance(e, dict) and e.get("aiocb")}


def kevent_lists(steps):
    """The lio_listio calls (by step) of two requests or more that each
    notify a kqueue (LIO_NOP and NULL entries are no requests), mapped to
    whether the list itself notifies one too (its EVFILT_LIO event)."""
    def notifies(sev):
        return isinstance(sev, dict) and sev.get("notify") == "SIGEV_KEVENT"
    lists = {}
    for i, s in enumerate(steps):
        if s.get("op") != "lio_listio":
            continue
        real = [e for e in s.get("entries") or [] if isinstance(e, dict) and e.get("opcode") != "LIO_NOP"
                and notifies(e.get("sigevent"))]
        if len(real) >= 2:
            lists[i] = notifies(s.get("sigevent"))
    return lists


def lio_parallel(d, members):
    """An order divergence in which only EVFILT_AIO events of requests from
    one lio_listio call changed places among themselves: the aio daemons run
    a list's requests in parallel, so which finishes first is timing (R14 in
    docs/observed-real-kernels.md; 15.1 seed 5 p00498)."""
    if d.get("category") != "order" or not isinstance(d.get("observed"), list):
        return False

    def token(e):
        parts = e.split(" ")
        if parts[0] == "EVFILT_AIO" and len(parts) == 3 and parts[2] in members:
            return f"lio@{members[parts[2]]}"
        return e
    sides = [[token(e) for e in d.get(k) or []] for k in ("observed", "model")]
    return sides[0] == sides[1] and d.get("observed") != d.get("model")


def lio_slot_swaps(ds, members, steps):
    """The kevent steps at which requests of one lio_listio call of several
    requests took, on one side, the eventlist slots other requests' events
    took on the other: as many extra EVFILT_AIO events (the kernel's, named,
    all of one such call made before) as missing ones (the model's, by
    number), and nothing else missing or extra, at a scan that filled its
    eventlist. Which request finishes first is timing (R14), and with
    nevents cut short it decides which events come back (15.1 seed 32
    p00074: cb45's event where the model returned cb44's). Maps each such
    step to its list's step."""
    lists = kevent_lists(steps)
    by_step = collections.defaultdict(list)
    for d in ds:
        if d.get("op") == "kevent" and d.get("category") in ("extra-event", "missing-event"):
            by_step[d.get("step")].append(d)
    swaps = {}
    for step, found in by_step.items():
        if not 0 <= step < len(steps) or any((d.get("event") or {}).get("filter") != "EVFILT_AIO" for d in found):
            continue
        extras = [(d.get("event") or {}).get("ident") for d in found if d["category"] == "extra-event"]
        missing = sum(1 for d in found if d["category"] == "missing-event")
        origins = {members.get(e) for e in extras}
        full = (steps[step].get("observed") or {}).get("ret") == steps[step].get("nevents")
        if extras and len(extras) == missing and full and len(origins) == 1:
            origin = origins.pop()
            if origin in lists and origin < step:
                swaps[step] = origin
    return swaps


# Filters whose idents are a host's own numbers: an aiocb's or a lio list's
# address, a pid. The recording names them, but the kernel hashed the numbers.
HOST_NUMBERED_FILTERS = {"EVFILT_AIO", "EVFILT_LIO", "EVFILT_PROC"}
KQUEUE_CPONFORK = 0x2  # sys/event.h's kqueuex(2) flag


def proc_of(step):
    """The process a step runs in ("main" when the step names none)."""
    return step.get("proc") or "main"


def cponfork_maker(steps, kq, before):
    """The process whose kqueuex(KQUEUE_CPONFORK) call last gave the name
    `kq` before step `before`, or None (the name's last binding is no such
    kqueue, or there is none)."""
    for s in reversed(steps[:before]):
        named = s.get("as")
        if named == kq or (isinstance(named, list) and kq in named):
            flags = s.get("flags")
            cponfork = bool(flags & KQUEUE_CPONFORK) if isinstance(flags, int) else \
                isinstance(flags, list) and "KQUEUE_CPONFORK" in flags
            return proc_of(s) if s.get("op") == "kqueue" and cponfork else None
    return None


def fork_of(steps, proc, before):
    """The step of the fork or pdfork that made process `proc`, or None."""
    for i, s in enumerate(steps[:before]):
        named = s.get("as")
        if s.get("op") in ("fork", "pdfork") and (named == proc or (isinstance(named, list) and proc in named)):
            return i
    return None


def host_numbered_knotes(steps, kq, until, outside):
    """The idents of the EVFILT_AIO, EVFILT_LIO and EVFILT_PROC knotes that
    steps before `until`, in processes other than `outside`, registered on
    the kqueue named `kq`: aio requests and lio lists by their sigevent,
    EVFILT_PROC (and AIO/LIO changes) by kevent."""
    def to_kq(sev):
        return isinstance(sev, dict) and sev.get("notify") == "SIGEV_KEVENT" and sev.get("kq") == kq
    names = set()
    for s in steps[:until]:
        if proc_of(s) == outside:
            continue
        if s.get("op") == "lio_listio":
            names |= {s.get("list")} if to_kq(s.get("sigevent")) else set()
            names |= {e.get("aiocb") for e in s.get("entries") or [] if isinstance(e, dict) and to_kq(e.get("sigevent"))}
        elif to_kq(s.get("sigevent")):
            names.add(s.get("aiocb"))
        if s.get("op") == "kevent" and s.get("kq") == kq:
            names |= {c.get("ident") for c in s.get("changes") or []
                      if isinstance(c, dict) and c.get("filter") in HOST_NUMBERED_FILTERS}
    return names - {None}


def copied_queue_order(d, steps):
    """An order divergence at a scan of a KQUEUE_CPONFORK kqueue's copy (in
    a process other than its maker) that the copied knotes of
    HOST_NUMBERED_FILTERS alone explain: kqueue_fork_copy queues the copies
    in its walk order, and knotes not on descriptors come in kq_knhash
    bucket order, KN_HASH of the ident - for these filters the host's
    numbers, not the model's (15.1 seed 46 p00375: two aiocbs and a lio
    list). Only knotes registered before the fork that made the scanning
    process (a level-triggered one delivered later goes back to the tail in
    that order too); the others keep their order."""
    step = d.get("step", -1)
    if d.get("category") != "order" or d.get("op") != "kevent" or not 0 <= step < len(steps):
        return False
    scan = steps[step]
    kq, proc = scan.get("kq"), proc_of(scan)
    maker = cponfork_maker(steps, kq, step)
    fork = fork_of(steps, proc, step)
    if maker is None or maker == proc or fork is None:
        return False
    copied = host_numbered_knotes(steps, kq, fork, proc)

    def hashed(e):
        parts = e.split(" ")
        return parts[0] in HOST_NUMBERED_FILTERS
    if not all(e.split(" ")[2] in copied for k in ("observed", "model") for e in d.get(k) or []
               if hashed(e) and len(e.split(" ")) == 3):
        return False
    return same_order_without(d, hashed)


def tcp_names(steps):
    """The names of loopback TCP sockets in a recording's steps: made by
    socket(AF_INET), accepted from one, a dup of one, or a dup2 target of one
    (a name that was ever one: the rule using it is bounded on its own)."""
    names = set()
    for s in steps:
        if s.get("op") == "socket" and s.get("domain") == "inet":
            names.add(s.get("as"))
        elif s.get("op") in ("accept", "dup") and s.get("fd") in names:
            names.add(s.get("as"))
        elif s.get("op") == "dup2" and s.get("fd") in names and isinstance(s.get("to"), str):
            names.add(s.get("to"))
    return names


# How far back tcp_delayed_ack looks for the writes whose ACK may be late,
# and the most a delayed ACK holds back: one segment (tcp_input's DELAY_ACK
# delays the first; the second is acknowledged at once), at most lo0's MSS
# (16,384-byte MTU less 40 bytes of headers).
TCP_ACK_WINDOW_STEPS = 8
LOOPBACK_MSS = 16344


def tcp_delayed_ack(d, steps, tcp):
    """An EVFILT_WRITE event of a TCP socket reporting less send space on the
    kernel than in the model by no more than what the program wrote to that
    socket in the last few steps, and by one segment at most: the peer's
    (delayed) ACK had not come back yet. The event itself came back on both
    sides, so nothing else at that scan follows from it. The generator's
    50 ms settle sleep is just past the 40 ms delayed ACK
    (net.inet.tcp.delacktime), which a loaded host can overrun (15.1 seed 32
    p00219: 4,096 bytes still unacknowledged, the model's buffer empty)."""
    ev = d.get("event") or {}
    ident, step = ev.get("ident"), d.get("step", -1)
    if d.get("category") != "data" or ev.get("filter") != "EVFILT_WRITE" or ident not in tcp:
        return False
    if not isinstance(d.get("observed"), int) or not isinstance(d.get("model"), int):
        return False
    written = sum((s.get("observed") or {}).get("ret", 0) or 0
                  for s in steps[max(0, step - TCP_ACK_WINDOW_STEPS):step]
                  if s.get("op") in ("write", "send") and s.get("fd") == ident
                  and isinstance((s.get("observed") or {}).get("ret"), int) and s["observed"]["ret"] > 0)
    return 0 < d["model"] - d["observed"] <= min(written, LOOPBACK_MSS)


def timer_with_error_flag(d, step_filters):
    """A timer's expiration seen on one side only (the timing the campaign
    expectations accept for EVFILT_TIMER), whose knote keeps EV_ERROR in its
    flags: a re-add that failed validation leaves it there (filt_timertouch),
    and every later event of the knote carries it, so kqreplay files the
    event as an error record; so is its count differing (its data: real time
    against the model's clock, 15.1 seed 45 p00370, a 1 us timer). Only at a
    kevent call that changes no timer, so that it cannot be the record of a
    change (15.1 seed 6 p00506)."""
    ev = d.get("event") or {}
    detail = str(d.get("detail", ""))
    return d.get("category") == "error-record" and ev.get("filter") == "EVFILT_TIMER" \
        and (detail in ("extra", "missing") or detail.endswith(", data")) and d.get("op") == "kevent" \
        and "EVFILT_TIMER" not in step_filters.get(d.get("step"), set())


def timer_facts(steps):
    """From a recording's steps: the first step that armed an EVFILT_TIMER on
    each kqueue (by every name the kqueue has, kqueue_names), the kevent
    steps with any change to a timer, and the filters each kevent step
    changes."""
    changing, filters = set(), {}
    at, ever = kqueue_names(steps)
    first = first_timer_of_each_kqueue(steps, at)
    for i, s in enumerate(steps):
        changes = s.get("changes") or [] if s.get("op") == "kevent" else []
        filters[i] = {c.get("filter") for c in changes}
        if any(c.get("filter") == "EVFILT_TIMER" for c in changes):
            changing.add(i)
    return {name: first[kq] for name, kq in ever.items() if kq in first}, changing, filters


def first_timer_of_each_kqueue(steps, at):
    """The first step that armed an EVFILT_TIMER on each kqueue, by the
    kqueue's own name (`at`: kqueue_names, the names before each step)."""
    first = {}
    for i, s in enumerate(steps):
        changes = s.get("changes") or [] if s.get("op") == "kevent" else []
        if any(c.get("filter") == "EVFILT_TIMER" and "EV_ADD" in (c.get("flags") or []) for c in changes):
            first.setdefault(at[i].get(s.get("kq"), s.get("kq")), i)
    return first


def polls_kqueue_with_timer(d, steps, timer_kqs):
    """A poll or select of a kqueue on which a timer was armed before: its
    readiness is kqueue_poll's kq_count, which holds the timer's activation
    as soon as the real clock fired it (15.1 seed 13 p00014: a 13 ns timer,
    POLLIN on the kernel, nothing yet on the model's clock)."""
    i = d.get("step", -1)
    if d.get("op") not in ("poll", "select") or d.get("category") != "ret" or not 0 <= i < len(steps):
        return False
    if timer_kqs.get(steps[i].get("fd"), 1 << 30) < i:
        return True
    # By what the name held at that step: a name the program reuses for a
    # later kqueue (15.1 seed 16 p01117: kq0 closed, its number a new kqueue's).
    at, _ = kqueue_names(steps)
    kq = at[i].get(steps[i].get("fd"))
    if kq is None:
        return False
    timers = first_timer_of_each_kqueue(steps, at)
    return timers.get(kq, 1 << 30) < i or watches_kqueue_with_timer(steps, at, timers, kq, i)


def watches_kqueue_with_timer(steps, at, timers, kq, i):
    """Whether kqueue kq, before step i, was given an EVFILT_READ knote on a
    kqueue holding a timer by then: filt_kqueue puts that kqueue's count in
    kq's, so kq's readiness is the timer's timing too (15.1 seed 27 p00488:
    a select through a closed pipe end's name, whose number a kqueue
    watching kq0 had taken). The knote counts until an EV_DELETE of it, or
    until its ident no longer names that kqueue (knote_fdclose at its close).
    A oneshot knote delivered, or a change that failed, still counts."""
    watching = {}  # a knote's ident -> the kqueue it named when added
    for j, s in enumerate(steps[:i]):
        if s.get("op") != "kevent" or at[j].get(s.get("kq"), s.get("kq")) != kq:
            continue
        for c in s.get("changes") or []:
            ident, flags = c.get("ident"), c.get("flags") or []
            if c.get("filter") != "EVFILT_READ":
                continue
            if "EV_DELETE" in flags:  # with EV_ADD too: kqueue_register adds, then drops
                watching.pop(ident, None)
            elif "EV_ADD" in flags and at[j].get(ident) is not None:
                watching[ident] = at[j][ident]
    return any(timers.get(w, 1 << 30) < i and at[i].get(ident) == w for ident, w in watching.items())


class MainDescriptors:
    """The main process's open descriptor numbers, followed through a
    recording so that the names pipe(2), socketpair(2) and pdfork(2) bind
    get numbers too: their recordings carry only 0 or a pid, and a kqueue
    may later take such a number (15.1 seed 26 p00166: a poll through a
    closed socketpair end's name reached a kqueue holding a timer). Each
    call takes the lowest free number (fdalloc); a call whose number the
    recording shows checks the count, and from a disagreement on (or a call
    whose outcome is unknown) nothing more is inferred."""
    ALLOCATING = ("kqueue", "open", "socket", "accept", "dup")

    def __init__(self):
        self.open, self.cloexec, self.trusted = {0, 1, 2}, set(), True

    def lowest_free(self):
        n = 0
        while n in self.open:
            n += 1
        return n

    def take(self, cloexec):
        n = self.lowest_free()
        self.open.add(n)
        (self.cloexec.add if cloexec else self.cloexec.discard)(n)
        return n

    def step(self, s, number_of):
        """Follows main's step s; returns {name: number} for the names it
        bound by the lowest-free rule (pipe, socketpair, pdfork)."""
        if s.get("proc", "main") != "main" or not self.trusted:
            return {}
        op, obs = s.get("op"), s.get("observed") or {}
        ret, failed = obs.get("ret"), bool(obs.get("errno")) or obs.get("ret") == -1
        if op in self.ALLOCATING:
            if not failed and not (isinstance(ret, int) and ret == self.lowest_free()):
                self.trusted = False
            elif not failed:
                flags = s.get("flags")
                if op == "kqueue":  # KQUEUE_CLOEXEC, as a number (recordings) or a name
                    cloexec = (isinstance(flags, int) and bool(flags & 1)) or \
                        (isinstance(flags, list) and "KQUEUE_CLOEXEC" in flags)
                else:
                    cloexec = bool(s.get("cloexec")) or (isinstance(flags, list) and "O_CLOEXEC" in flags)
                self.take(cloexec)
        elif op in ("pipe", "socketpair", "pdfork"):
            names = s.get("as") if isinstance(s.get("as"), list) else []
            if ret is None or len(names) != 2:
                self.trusted = False
            elif not failed:
                if op == "pdfork":
                    return {names[1]: self.take("PD_CLOEXEC" in (s.get("flags") if isinstance(s.get("flags"), list) else []))}
                return {name: self.take(bool(s.get("cloexec"))) for name in names}
        elif op in ("dup2", "close", "exec") and ret is None:
            self.trusted = False  # an outcome the recording lacks
        elif op == "dup2" and isinstance(ret, int) and ret >= 0:
            self.open.add(ret)
            self.cloexec.discard(ret)
        elif op == "close" and ret == 0:
            n = number_of(s.get("fd"))
            if isinstance(n, int):
                self.open.discard(n)
            else:
                self.trusted = False
        elif op == "fcntl" and s.get("cmd") == "F_SETFD" and ret == 0:
            n = number_of(s.get("fd"))
            if isinstance(n, int):
                (self.cloexec.add if s.get("arg", 0) & 1 else self.cloexec.discard)(n)
            else:
                self.trusted = False
        elif op == "exec" and ret == 0:
            self.open -= self.cloexec
            self.cloexec = set()
        return {}


def kqueue_names(steps):
    """Which kqueue each name and descriptor number refers to, a kqueue being
    known by the name kqueue() gave it: `at`, one dict per step (before the
    step runs), and `ever`, every name or number that ever referred to a
    kqueue (the latest one). By descriptor number, because that is how the
    model's side of a divergence names a kqueue (13.2 seed 6 p01247), and
    because the generator keeps using a name after its descriptor was closed
    and given to a new kqueue: the recorder resolves the name to the number,
    and the kernel's side names the number's new kqueue (13.2 seed 8 p01749).
    dup and dup2 add names (13.2 seed 5 p01692), also of a name some other
    call (open, socket) gave a number that a kqueue took after it was closed;
    a name without a known number (no observed ret) keeps its kqueue by name."""
    number, holder, alias, at, ever = {}, {}, {}, [], {}

    def kqueue_of(ref):
        if isinstance(ref, str) and ref not in number:
            return alias.get(ref)
        return holder.get(number.get(ref, ref))

    def view():
        v = {name: holder[n] for name, n in number.items() if n in holder}
        v.update(alias)
        v.update(holder)
        return v
    # Names whose numbers were inferred (MainDescriptors) count only step by
    # step (`at`), never in `ever`: `ever` has no step range, and such a
    # name's number going to a kqueue later must not make the name's own
    # earlier events a kqueue's.
    main, inferred = MainDescriptors(), set()
    for s in steps:
        at.append(view())
        op, ret = s.get("op"), (s.get("observed") or {}).get("ret")
        for name, n in main.step(s, lambda ref: number.get(ref, ref)).items():
            number[name] = n
            holder.pop(n, None)
            inferred.add(name)
        if op == "kqueue" and isinstance(s.get("as"), str):
            if isinstance(ret, int) and ret >= 0:
                number[s["as"]], holder[ret] = ret, s["as"]
            else:
                alias[s["as"]] = s["as"]
        elif op in ("dup", "dup2"):
            kq = kqueue_of(s.get("fd"))
            name = s.get("as") if op == "dup" else s.get("to")
            to = ret if op == "dup" else number.get(name, name)
            if isinstance(to, int) and to >= 0:
                if kq:
                    holder[to] = kq
                else:
                    holder.pop(to, None)  # dup2 onto a kqueue's number closes it
                if isinstance(name, str):
                    number[name] = to
            elif kq and isinstance(name, str):
                alias[name] = kq
        elif op == "close" and ret == 0:
            holder.pop(number.get(s.get("fd"), s.get("fd")), None)
            alias.pop(s.get("fd"), None)
        elif isinstance(s.get("as"), str) and isinstance(ret, int) and ret >= 0:
            # open, socket, accept: a name for a number that is no kqueue now,
            # which a later dup may find a kqueue under once the number is
            # reused (13.2 seed 14 p01557: dup of a closed file's name).
            number[s["as"]] = ret
            holder.pop(ret, None)
        ever.update({name: kq for name, kq in view().items() if name not in inferred})
    return at, ever


def changes_gone_timer(d, first_timed, timer_steps):
    """A kevent call after a timing divergence that changes a timer: where a
    oneshot timer already fired on one side, the change meets no knote there
    (ENOENT), as an error record or, with no event slot left, as the call's
    own error (kqueue_kevent), so its count, errno and records follow."""
    return first_timed is not None and d.get("op") == "kevent" and d.get("step", -1) > first_timed \
        and d.get("step") in timer_steps and d.get("category") in ("ret", "errno", "error-record")


def changes_displaced(d, first_timed, displaced, step_filters):
    """A kevent call after a timing divergence that changes a knote of a
    filter whose event was displaced: a oneshot event delivered on one side
    only leaves its knote on the other, so kqueue_register finds it there
    (an EV_ADD modifies it, no f_attach) and creates it anew here (whose
    f_attach may refuse: EVFILT_AIO's EPERM), so the call's count, errno and
    records follow (13.2 seed 3 p01815)."""
    return first_timed is not None and d.get("op") == "kevent" and d.get("step", -1) > first_timed \
        and d.get("category") in ("ret", "errno", "error-record") \
        and bool(step_filters.get(d.get("step"), set()) & displaced)


def unexpected(t, rules=None, timers_fire=None):
    """The divergences no expectation explains, directly or as a consequence
    (follows_timing); other events' data, flags, fflags and udata stay compared.
    A kevent step where one divergence follows timing is perturbed itself: an
    error record there ends the call without a scan (kqueue_kevent) and an
    event delivered late takes a slot, so the step's count and other events
    follow too (repeated until nothing more follows). `rules`, a set, gets
    the names of the rules that explained something (the expectations as
    "expected"). `timers_fire` False (programs of `--stable-timers`, whose
    timers never fire; by default the trace's own "timers_fire", which
    campaign.py sets): no rule takes a timer's timing for granted."""
    if timers_fire is None:
        timers_fire = t.get("timers_fire", True)
    ds = t.get("divergences", [])
    steps = recording_steps(t["path"]) if t.get("path") else []
    timer_kqs, timer_steps, step_filters = timer_facts(steps)
    if not timers_fire:
        timer_kqs, timer_steps = {}, set()
    members = lio_members(steps)
    swaps = lio_slot_swaps(ds, members, steps)
    lists = kevent_lists(steps)
    tcp = tcp_names(steps)
    timed = {d.get("step") for d in ds if d.get("known") is not None}
    while True:
        first = min(timed) if timed else None
        out, displaced, perturbed, used = [], set(), set(), set()
        for d in ds:
            if d.get("known") is not None:
                continue
            if tcp_delayed_ack(d, steps, tcp):
                used.add("tcp-delayed-ack")  # timing, but the event came on both sides: perturbs nothing
                continue
            if copied_queue_order(d, steps):
                used.add("cponfork-hash-order")  # the same events in another order: perturbs nothing
                continue
            swapped = d.get("step") in swaps and (d.get("event") or {}).get("filter") == "EVFILT_AIO" and \
                d.get("category") in ("extra-event", "missing-event")
            if swapped and lists[swaps[d["step"]]]:
                displaced.add("EVFILT_LIO")  # the list's own event comes when its last request is done
            # lio-parallel and timer-error-flag first: timing by themselves, needing no timed step before.
            rule = ("lio-parallel" if lio_parallel(d, members) or swapped else None) or \
                ("timer-error-flag" if timers_fire and timer_with_error_flag(d, step_filters) else None) or \
                ("poll-kqueue-with-timer" if polls_kqueue_with_timer(d, steps, timer_kqs) else None) or \
                follows_timing(d, timed, first, displaced, timer_kqs, timers_fire) or \
                ("gone-timer-change" if changes_gone_timer(d, first, timer_steps) else None) or \
                ("displaced-change" if changes_displaced(d, first, displaced, step_filters) else None)
            if rule:
                used.add(rule)
                if d.get("category") in ("missing-event", "extra-event"):
                    displaced.add(event_key(d))
                if d.get("category") == "errno" and rule in ("gone-timer-change", "displaced-change"):
                    # The call failed on one side only (no event slot:
                    # kqueue_kevent returns at the failing change), so its
                    # other changes may have run on the other side only
                    # (13.2 seed 17 p00545).
                    displaced |= step_filters.get(d.get("step"), set())
                if d.get("op") == "kevent":
                    perturbed.add(d.get("step"))
                continue
            out.append(d)
        if perturbed <= timed:
            break
        timed |= perturbed
    # A kevent's count with nothing left beside it at its step follows too.
    steps_left = collections.Counter(d.get("step") for d in out)
    steps_all = collections.Counter(d.get("step") for d in ds)
    alone = [d for d in out if d.get("category") == "ret" and d.get("op") == "kevent"
             and steps_left[d.get("step")] == 1 and steps_all[d.get("step")] > 1]
    if rules is not None:
        rules.update(used)
        rules.update(["expected"] if any(d.get("known") is not None for d in ds) else [])
        rules.update(["count-alone"] if alone else [])
    return [d for d in out if d not in alone]


def first_finding(t):
    """The divergence a program is grouped by: its first unexpected one, but
    for a kevent's count the event divergence at the same step that causes it."""
    u = unexpected(t)
    if not u:
        return None
    if u[0].get("category") == "ret" and u[0].get("op") == "kevent":
        same = [d for d in u[1:] if d.get("step") == u[0].get("step") and d.get("event")]
        if same:
            return same[0]
    return u[0]


def by_name(doc):
    return {Path(t["path"]).name: t for t in doc["traces"]}


def outcomes(doc):
    """The programs that matched with no divergence at all, those that
    diverged only by timing (kqreplay counts those with only expected
    divergences as matched), and in how many of the latter each sorting rule
    (or the expectations: "expected") explained something. A program that
    matched once kqreplay followed the host across a race with a kernel
    thread (the kqueue_task race, a loopback connect's netisr race:
    task_races_followed, docs/kqreplay.md) is timing, rule "kqueue-task-race"."""
    exact, timing, rules = 0, 0, collections.Counter()
    for t in by_name(doc).values():
        used = {"kqueue-task-race"} if t.get("task_races_followed") else set()
        if t["status"] == "matched" and not t.get("divergences") and not used:
            exact += 1
        elif t["status"] in ("matched", "divergent") and not unexpected(t, used):
            timing += 1
            rules.update(used)
    return {"matched_exactly": exact, "timing_only": timing, "timing_rules": dict(sorted(rules.items()))}


def replay_failure(t):
    """The group of a recording kqreplay could not replay at all (bad input,
    an internal error, an unsupported step): a recorder or reader bug, never
    timing. Grouped by status and message without the file and step (15.1
    seed 11, program 1199: a signal-0 event written as the name "0")."""
    return f"{t['status']}: " + re.sub(r"^.*?: step \d+: ", "", t.get("error", "").strip())


def finding_signatures(t):
    """The groups a diff result of one recording falls in: its unexplained
    divergences' signatures, or its replay failure. A shrinking candidate
    keeps its group's finding when the group is among them."""
    if t["status"] not in ("matched", "divergent"):
        return {replay_failure(t)}
    return {signature(d) for d in unexpected(t)}


def groups_of(doc):
    groups = collections.OrderedDict()
    for name, t in sorted(by_name(doc).items()):
        first = first_finding(t)
        if t["status"] == "divergent" and first:
            groups.setdefault(signature(first), []).append(name)
        elif t["status"] not in ("matched", "divergent"):
            groups.setdefault(replay_failure(t), []).append(name)
    return groups


def split_reproduced(groups, rerun):
    """Splits the groups' programs by their second recording (`rerun`, a diff
    result): a program whose rerun still has an unexplained divergence, or
    that was not recorded again, stays in its group; the others are returned
    as not reproduced."""
    again = by_name(rerun) if rerun else {}
    kept, gone = collections.OrderedDict(), []
    for sig, names in groups.items():
        for name in names:
            t = again.get(name)
            if t is not None and t["status"] in ("matched", "divergent") and not unexpected(t):
                gone.append(name)
            else:
                kept.setdefault(sig, []).append(name)
    return kept, sorted(gone)
