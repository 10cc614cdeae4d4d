#!/usr/bin/env bash
# kqreplay explain shows the state of every kind of object the model has
# (issue 5: "kqreplay explain shows its state"). Each line of the table:
# a trace under TRACES and a text its explanation must contain. The texts
# name state, not results: knote tables, queues, sockets, processes and
# their signals, the file system, FIFOs, dead vnodes, aio requests and lio
# batches, timers on the clock.
# Prints "N passed, N failed".
set -u
kqreplay=$1
traces=$2
passed=0
failed=0
while IFS='|' read -r file text; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  out=$("$kqreplay" explain "$traces/$file" 2>&1)
  if [[ "$out" == *"$text"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $file: explain does not show '$text'"
  fi
done <<'TABLE'
kevent/clear-pipe-edge.json|activation queue: [
kevent/clear-pipe-edge.json|status ACTIVE|QUEUED
socket/dgram-peer-close-error.json|socket a (fd 4) (dgram): connected
../regressions/dgram-shutdown-rd-keeps-count.json|8 bytes in 0 datagram(s) (8 of them freed by SHUT_RD: unp_dispose)
proc/procdesc-note-fork-pdsigchld.json|has a process descriptor
fifo/fifo-shared-buffer-filters.json|fifo: 1 reader(s)
vnode/vnode-unmount-force-revokes.json|file system (force-unmounted; its vnodes are dead):
vnode/vnode-unmount-force-revokes.json|(dead: vgone'd, VBAD)
aio/lio-listio-evfilt-lio.json|aio requests:
aio/lio-listio-evfilt-lio.json|lio_listio L (0x10000000) main (pid 1)
aio/lio-listio-evfilt-lio.json|L (0x10000000) EVFILT_LIO
timer/timer-units.json|timer: due in 500000000 ns (500 ms)
signal/signal-counts-while-disabled.json|EVFILT_SIGNAL
signal/signal-counts-while-disabled.json|signals: SIGUSR1 blocked
TABLE

# Readability (issue 12). Each line: the kqreplay arguments before the trace,
# the trace, and a text the output must contain. The expected texts follow
# from the rules and the traces' sources: kevent(2) names the errno of an
# EV_ERROR record, sys/sys/event.h names the bits (NOTE_TRIGGER is 0x01000000,
# which disable-does-not-dequeue writes as a number), a pipe's first end has
# a PIPE_SIZE (16384) buffer and keeps its bytes after the writer closes
# (C10, C12), EV_CLEAR leaves nothing to report after a delivery.
while IFS='|' read -r args file text; do
  [[ -z "$file" || "$args" == \#* ]] && continue
  read -ra argv <<<"$args"
  out=$("$kqreplay" "${argv[@]}" "$traces/$file" 2>&1)
  if [[ "$out" == *"$text"* ]]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL kqreplay $args $file: does not show '$text'"
  fi
done <<'TABLE'
explain|kevent/receipts-several-changes.json|{2 EVFILT_USER EV_ERROR fflags 0 data ENOENT udata 2}
explain|kevent/disable-does-not-dequeue.json|kevent(inner, [{1 EVFILT_USER 0 fflags NOTE_TRIGGER}]
explain|descriptors/exec-closes-cloexec-kqueue.json|ckq = kqueuex(KQUEUE_CLOEXEC)
explain|timer/timer-oneshot-fires-once.json|sleep(3000000000 ns (3 s))
explain|kevent/clear-pipe-edge.json|pipe end r (fd 4): 2 byte(s) to read of a 16384-byte buffer; other end w (fd 5)
explain|pipe/pipe-read-eof-after-writer-close.json|pipe end r (fd 4): 3 byte(s) to read of a 16384-byte buffer, EOF; other end closed
explain --changes|kevent/clear-pipe-edge.json|+     in: fflags 0 data 0;  out: fflags 0 data 2 udata 0
timeline|kevent/dispatch-once-then-disabled.json|kq (fd 3): r (fd 4) EVFILT_READ .        .        idle     queued   fired    disabled disabled
timeline|kevent/oneshot-delivers-once.json|kq (fd 3): r (fd 4) EVFILT_READ .        .        idle     idle     queued   fired
TABLE

# --changes: after EV_CLEAR's delivery (step 5) the empty scan of step 6 changes nothing.
step6=$("$kqreplay" explain --changes "$traces/kevent/clear-pipe-edge.json" | sed -n '/^── step 6:/,/^── step 7:/p')
if [[ "$step6" == *"(nothing changed)"* && "$step6" != *$'\n+'* ]]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "FAIL explain --changes: step 6 of clear-pipe-edge should change nothing: $step6"
fi

# Every line of every view of every trace fits 100 columns.
for file in $(cd "$traces" && find . -name '*.json' | sort); do
  for view in "explain" "explain --changes" "timeline"; do
    read -ra argv <<<"$view"
    wide=$("$kqreplay" "${argv[@]}" "$traces/$file" 2>/dev/null | awk 'length($0) > 100 { print; exit }')
    if [[ -z "$wide" ]]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $view $file: wider than 100: $wide"; fi
  done
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
