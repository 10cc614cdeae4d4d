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
proc/procdesc-note-fork-pdsigchld.json|has a process descriptor
fifo/fifo-shared-buffer-filters.json|fifo: 1 reader(s)
vnode/vnode-unmount-force-revokes.json|file system (force-unmounted; its vnodes are dead):
vnode/vnode-unmount-force-revokes.json|(dead: vgone'd, VBAD)
aio/lio-listio-evfilt-lio.json|aio requests:
aio/lio-listio-evfilt-lio.json|lio_listio L (0x10000000) main (pid 1)
aio/lio-listio-evfilt-lio.json|L (0x10000000)   EVFILT_LIO
timer/timer-units.json|timer: due in 100000000 ns
signal/signal-counts-while-disabled.json|EVFILT_SIGNAL
signal/signal-counts-while-disabled.json|signals: SIGUSR1 blocked
TABLE
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
