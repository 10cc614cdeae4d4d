#!/usr/bin/env python3
"""Click through kqreplay's HTML page in headless Chromium.

Drives the browser over the DevTools protocol (--remote-debugging-pipe:
JSON messages separated by NUL bytes on descriptors 3 and 4, so no extra
library is needed): loads a page, clicks a step in the list and a column of
the timeline, and checks the state shown follows each click, with the
step's change highlighted. Any console message or uncaught exception fails
the test. Exits 77 (skip) when chromium is not installed.
Usage: html_click_test.py KQREPLAY TRACE
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, executable, profile):
        ours_r, theirs_w = os.pipe()  # the browser writes on its descriptor 4
        theirs_r, ours_w = os.pipe()  # and reads its descriptor 3

        def child_descriptors():
            os.dup2(theirs_r, 3)
            os.dup2(theirs_w, 4)

        self.proc = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4), preexec_fn=child_descriptors, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(theirs_r)
        os.close(theirs_w)
        self.inbox, self.outbox = ours_r, ours_w
        self.buffer = b""
        self.last_id = 0
        self.events = []
        self.session = None

    def call(self, method, **params):
        self.last_id += 1
        message = {"id": self.last_id, "method": method, "params": params}
        if self.session:
            message["sessionId"] = self.session
        os.write(self.outbox, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.last_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def receive(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.inbox, 65536)
            if not chunk:
                raise RuntimeError("the browser went away")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url):
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.call("Runtime.enable")
        self.call("Page.enable")
        self.call("Page.navigate", url=url)
        self.wait_for(lambda e: e.get("method") == "Page.loadEventFired")

    def wait_for(self, predicate, seconds=20):
        deadline = time.time() + seconds
        while time.time() < deadline:
            if any(predicate(e) for e in self.events):
                return
            self.events.append(self.receive())
        raise RuntimeError("timed out")

    def value(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def poll(self, expression, want, seconds=5):
        deadline = time.time() + seconds
        while time.time() < deadline:
            got = self.value(expression)
            if got == want:
                return got
            time.sleep(0.05)
        return got

    def problems(self):
        return [e for e in self.events if e.get("method") in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown")]

    def close(self):
        # Browser.close lets every browser process exit before the profile
        # folder is removed; the process group is killed only if it hangs.
        self.session = None
        try:
            self.call("Browser.close")
            self.proc.wait(timeout=10)
        except (RuntimeError, OSError, subprocess.TimeoutExpired):
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()


def main():
    browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser_path:
        print("SKIP: chromium is not installed (./dev test installs Debian's chromium)")
        return 77
    kqreplay, trace = sys.argv[1], sys.argv[2]
    failures = []

    def check(what, ok):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as work:
        page = os.path.join(work, "page.html")
        subprocess.run([kqreplay, "explain", "--html", page, trace], check=True, stdout=subprocess.DEVNULL)
        browser = Browser(browser_path, os.path.join(work, "profile"))
        try:
            browser.open("file://" + page)
            check("the page rendered", browser.value("document.body.dataset.rendered") == "yes")
            check("it opens at step 0", browser.value("document.getElementById('state').dataset.step") == "0")
            # disable-does-not-dequeue: step 3 adds the USER knote to inner, step 6 disables it.
            browser.value("document.getElementById('li-step-3').click()")
            check("clicking step 3 shows step 3", browser.poll("document.getElementById('state').dataset.step", "3") == "3")
            check("the knote step 3 added is highlighted as new",
                  browser.value("document.querySelector('tr[data-key=\"kq#0/EVFILT_USER/1\"]').className") == "added")
            check("the clicked step is selected in the list",
                  browser.value("document.querySelector('#steps li.selected').id") == "li-step-3")
            browser.value("document.querySelector('#timeline rect.col[data-step=\"6\"]')"
                          ".dispatchEvent(new MouseEvent('click', {bubbles: true}))")
            check("clicking timeline column 6 shows step 6",
                  browser.poll("document.getElementById('state').dataset.step", "6") == "6")
            check("EV_DISABLE's change is highlighted",
                  browser.value("document.querySelector('tr[data-key=\"kq#0/EVFILT_USER/1\"]').className") == "changed")
            check("the address names the step", browser.value("location.hash") == "#step-6")
            check("no console message or uncaught exception", not browser.problems())
            for p in browser.problems():
                print("  ", json.dumps(p)[:400])
        finally:
            browser.close()
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
