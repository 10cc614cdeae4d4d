#!/usr/bin/env bash
# kqreplay explain --html in a real browser: headless Chromium loads pages
# generated from several traces, opened at a chosen step (#step-N), and the
# dumped DOM must show what the kqueue rules say is there after that step;
# the page must log nothing to the console and raise no script error.
# Expected texts come from the traces' own sources (their notes), not from
# a run of the page. Skips (exit 77) when chromium is not installed.
# Usage: html_view_test.sh KQREPLAY CONFORMANCE_DIR
set -u
kqreplay=$1
traces=$2
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "SKIP: chromium is not installed (./dev test installs Debian's chromium; or apt-get install chromium)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

# render TRACE STEP: writes $work/page.html and the DOM after opening it at
# #step-STEP to $work/dom.html, the browser's log to $work/log.txt.
render() {
  "$kqreplay" explain --html "$work/page.html" "$1" >/dev/null 2>&1
  local profile
  profile=$(mktemp -d -p "$work")
  timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --enable-logging=stderr --v=0 \
    --virtual-time-budget=2000 --dump-dom "file://$work/page.html#step-$2" >"$work/dom.html" 2>"$work/log.txt"
}

check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $what"; fi
}
has() { grep -qF -- "$1" "$work/dom.html"; }
# The <tr> (or element) holding a data-key also carries this class.
row_has_class() { grep -oE "<tr class=\"[a-z ]*\" data-key=\"$1\"" "$work/dom.html" | grep -q "$2"; }
row_text() { grep -oE "<tr[^>]*data-key=\"$1\">.{0,900}" "$work/dom.html" | sed 's|</tr>.*||'; }
clean_page() {
  grep -q 'data-rendered="yes"' "$work/dom.html" && ! grep -q 'data-script-error="' "$work/dom.html" &&
    ! grep -q ':CONSOLE' "$work/log.txt"
}
self_contained() {  # no external resource: nothing loaded from a URL
  ! grep -qiE '<script[^>]+src=|<link[^>]+href=|@import|url\(' "$work/page.html"
}

# EV_DISABLE leaves the knote queued (C4, kqueue_register only sets KN_DISABLED).
render "$traces/kevent/disable-does-not-dequeue.json" 6
check "disable: page renders without errors" clean_page
check "disable: page is self-contained" self_contained
check "disable: the state shown is step 6's" has 'id="state" data-step="6"'
check "disable: the USER knote is marked changed" row_has_class 'kq#0/EVFILT_USER/1' changed
disabled_and_queued() { [[ "$(row_text 'kq#0/EVFILT_USER/1')" == *chip-disabled*chip-queued* || "$(row_text 'kq#0/EVFILT_USER/1')" == *chip-queued*chip-disabled* ]]; }
check "disable: the USER knote is disabled and still queued" disabled_and_queued
check "disable: the activation queue still holds it" has 'class="slot" data-key="kq#0/EVFILT_USER/1"'
check "disable: the timeline is an inline SVG" has 'aria-label="knote timeline"'
check "disable: the timeline has a disabled cell" has 'data-cell="disabled"'

# Descriptors: 0-2 are the terminal, so kqueue() is 3 and pipe() 4 and 5
# (fdalloc takes the lowest free number); idents below follow from that.
# EV_ONESHOT: delivered once and destroyed (step 5 returns it).
render "$traces/kevent/oneshot-delivers-once.json" 5
check "oneshot: page renders without errors" clean_page
check "oneshot: the delivered knote is shown gone" row_has_class 'kq#0/EVFILT_READ/4' removed
check "oneshot: the timeline shows it fired" has 'data-cell="fired"'

# The pipe buffer: 3 bytes written are still buffered after the writer closes (C12).
render "$traces/pipe/pipe-read-eof-after-writer-close.json" 4
check "pipe: page renders without errors" clean_page
check "pipe: the buffered bytes and EOF are shown" has '3 byte(s) to read of a'
check "pipe: the reader's end is at EOF" has ', EOF'
check "pipe: the closed writer's descriptor is shown removed" has '<tr class="removed"><td class="mono">5</td><td class="mono">w</td>'
check "pipe: a step is selected in the list" has 'class="selected"'

# A divergent trace: write(2) of 3 bytes into an empty pipe returns 3; the trace says 4.
cat >"$work/divergent.json" <<'TRACE'
{"format": "kqsim-trace/1", "name": "divergent", "steps": [{"op": "pipe", "as": ["r", "w"]},
  {"op": "write", "fd": "w", "bytes": 3, "observed": {"ret": 4}}]}
TRACE
render "$work/divergent.json" 1
check "divergent: page renders without errors" clean_page
check "divergent: the step is marked" has 'class="diverges'
check "divergent: the divergence is written out" has 'class="divergence">DIVERGES ret:'
check "divergent: the header says so" has 'The model diverges from the trace'

# One trace of every topic (aio, fifo, proc, socket, vnode...: every kind of
# object the page draws), opened at its last step: renders, no errors.
for dir in "$traces"/*/; do
  trace=$(find "$dir" -name '*.json' | sort | head -1)
  last=$(( $(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["steps"]))' "$trace") - 1 ))
  render "$trace" "$last"
  check "$(basename "$dir")/$(basename "$trace"): renders without errors" clean_page
  check "$(basename "$trace"): shows step $last" has "id=\"state\" data-step=\"$last\""
done

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
