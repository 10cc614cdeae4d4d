// kqreplay explain --html: draws the embedded run (the JSON in #kqsim-data)
// and shows the kernel state after the selected step. The step is chosen by
// the URL fragment (#step-N), so a page can be opened at any step and a
// headless browser can be pointed at one. Plain DOM, no libraries, no network.
"use strict";

(function () {
  const run = JSON.parse(document.getElementById("kqsim-data").textContent);
  const SVG = "http://www.w3.org/2000/svg";

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

  // "added" when the thing is new after this step, "changed" when it differs.
  function changeClass(now, before) {
    if (before === undefined) return "added";
    return same(now, before) ? "" : "changed";
  }

  function byKey(list, key) {
    const map = new Map();
    for (const item of list || []) map.set(item[key], item);
    return map;
  }

  function drawSteps() {
    const list = document.querySelector("#steps ol");
    run.steps.forEach((s, i) => {
      const li = el("li", { id: "li-step-" + i, "data-step": String(i) },
        el("div", { class: "call" }, s.index + ": " + s.call),
        el("div", { class: "result" }, "model " + s.result));
      if (s.note) li.append(el("div", { class: "note" }, s.note));
      for (const d of s.divergences) li.append(el("div", { class: "divergence" }, "DIVERGES " + d));
      if (s.divergences.length) li.classList.add("diverges");
      li.addEventListener("click", () => { location.hash = "step-" + i; });
      list.append(li);
    });
  }

  function processesSection(world, before) {
    const out = [el("h2", {}, "Descriptor tables")];
    const prevProcs = byKey(before ? before.processes : [], "label");
    for (const p of world.processes) {
      const prev = prevProcs.get(p.label);
      const prevFds = byKey(prev ? prev.fds : [], "fd");
      out.push(el("h3", { class: changeClass(p.state, prev && prev.state) }, p.label + ": " + p.state));
      const table = el("table", { class: "fds" }, el("tr", {}, el("th", {}, "fd"), el("th", {}, "name"),
        el("th", {}, "open file"), el("th", {}, "close-on-exec")));
      for (const f of p.fds) {
        table.append(el("tr", { class: changeClass(f, prevFds.get(f.fd)), "data-fd": String(f.fd) },
          el("td", { class: "mono" }, f.fd), el("td", { class: "mono" }, f.name), el("td", {}, f.what),
          el("td", {}, f.cloexec ? "yes" : "")));
      }
      const nowFds = new Set(p.fds.map((f) => f.fd));
      for (const [fd, f] of prevFds) {
        if (!nowFds.has(fd)) {
          table.append(el("tr", { class: "removed" }, el("td", { class: "mono" }, fd), el("td", { class: "mono" }, f.name),
            el("td", {}, f.what), el("td", {}, "")));
        }
      }
      out.push(table);
    }
    return out;
  }

  function chips(status) {
    const span = el("span", {});
    const words = status.length ? status : ["idle"];
    for (const w of words) span.append(el("span", { class: "chip chip-" + w }, w));
    return span;
  }

  function knoteLabel(kq, key) {
    const kn = kq.knotes.find((k) => k.key === key);
    return kn ? kn.ident + " " + kn.filter.replace("EVFILT_", "") : key;
  }

  function queueDrawing(kq, delivered) {
    const q = el("div", { class: "queue", "data-queue": kq.label }, el("span", { class: "end" }, "head (next out)"));
    if (!kq.queue.length) q.append(el("span", { class: "empty" }, "empty"));
    kq.queue.forEach((key, i) => {
      if (i > 0) q.append(el("span", { class: "arrow" }, "→"));
      q.append(el("span", { class: "slot" + (delivered.has(key) ? " delivered" : ""), "data-key": key }, knoteLabel(kq, key)));
    });
    q.append(el("span", { class: "end" }, "tail (last queued)"));
    return q;
  }

  function kqueuesSection(world, before, delivered) {
    const out = [el("h2", {}, "Kqueues")];
    if (!world.kqueues.length) out.push(el("p", {}, "(no open kqueue)"));
    const prevKqs = byKey(before ? before.kqueues : [], "label");
    for (const kq of world.kqueues) {
      const prev = prevKqs.get(kq.label);
      const prevKnotes = byKey(prev ? prev.knotes : [], "key");
      out.push(el("h3", {}, "kqueue " + kq.label + ": " + kq.knotes.length + " knote(s), " + kq.queue.length + " queued"));
      const table = el("table", { class: "knotes" }, el("tr", {}, el("th", {}, "ident"), el("th", {}, "filter"),
        el("th", {}, "flags"), el("th", {}, "status"), el("th", {}, "saved input"), el("th", {}, "returns"),
        el("th", {}, "udata")));
      for (const kn of kq.knotes) {
        const cls = changeClass(kn, prevKnotes.get(kn.key)) + (delivered.has(kn.key) ? " delivered" : "");
        const returns = kn.out + (kn.timer ? "; timer " + kn.timer : "");
        table.append(el("tr", { class: cls.trim(), "data-key": kn.key }, el("td", { class: "mono" }, kn.ident),
          el("td", { class: "mono" }, kn.filter), el("td", { class: "mono" }, kn.flags), el("td", {}, chips(kn.status)),
          el("td", { class: "mono" }, kn.in), el("td", { class: "mono" }, returns), el("td", { class: "mono" }, kn.udata)));
      }
      const nowKeys = new Set(kq.knotes.map((k) => k.key));
      for (const [key, kn] of prevKnotes) {
        if (!nowKeys.has(key)) {
          table.append(el("tr", { class: "removed", "data-key": key }, el("td", { class: "mono" }, kn.ident),
            el("td", { class: "mono" }, kn.filter), el("td", {}, "deleted"), el("td", {}, ""), el("td", {}, ""),
            el("td", {}, ""), el("td", {}, "")));
        }
      }
      out.push(table, el("div", {}, "activation queue:"), queueDrawing(kq, delivered));
    }
    return out;
  }

  function linesSection(title, lines, before) {
    if (!lines.length) return [];
    const old = new Set(before || []);
    const ul = el("ul", { class: "lines" });
    for (const line of lines) ul.append(el("li", { class: "mono " + (old.has(line) ? "" : "added") }, line));
    return [el("h2", {}, title), ul];
  }

  function drawState(i) {
    const s = run.steps[i];
    const before = i > 0 ? run.steps[i - 1].world : null;
    const delivered = new Set(s.delivered);
    const state = document.getElementById("state");
    state.replaceChildren(el("h2", {}, "After step " + s.index + ": " + s.call),
      el("p", {}, "clock " + s.world.clock + (s.divergences.length ? " · this step diverges" : "")),
      ...kqueuesSection(s.world, before, delivered),
      ...processesSection(s.world, before),
      ...linesSection("Pipes", s.world.pipes, before && before.pipes),
      ...linesSection("Sockets", s.world.sockets, before && before.sockets),
      ...linesSection("File system and aio", s.world.other, before && before.other));
    state.setAttribute("data-step", String(i));
    for (const li of document.querySelectorAll("#steps li")) li.classList.toggle("selected", li.dataset.step === String(i));
    for (const c of document.querySelectorAll("#timeline .col")) c.setAttribute("stroke", c.dataset.step === String(i) ? "#233047" : "none");
  }

  const COLORS = { idle: "#d9d9d3", active: "#e7b35a", queued: "#6bb56e", disabled: "#9a9a9a", fired: "#3a6fc4", deleted: "#d9796f" };

  function drawTimeline() {
    const rows = run.timeline;
    const box = document.getElementById("timeline");
    if (!rows.length) { box.append(el("p", {}, "(the program registers no knote)")); return; }
    const labelWidth = 8 + 7 * Math.min(48, Math.max(...rows.map((r) => r.label.length)));
    const cw = 30, rh = 22, top = 22;
    const width = labelWidth + cw * run.steps.length + 10, height = top + rh * rows.length + 8;
    const pic = svg("svg", { width, height, viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": "knote timeline" });
    run.steps.forEach((s, i) => pic.append(svg("text", { x: labelWidth + cw * i + 4, y: 14 }, String(s.index))));
    rows.forEach((r, j) => {
      const y = top + rh * j;
      pic.append(svg("text", { x: 4, y: y + 15 }, r.label.length > 48 ? r.label.slice(0, 45) + "..." : r.label));
      r.cells.forEach((cell, i) => {
        if (!cell) return;
        const rect = svg("rect", { x: labelWidth + cw * i + 1, y: y + 2, width: cw - 2, height: rh - 4, fill: COLORS[cell], "data-cell": cell });
        rect.append(svg("title", {}, r.label + " after step " + run.steps[i].index + ": " + cell));
        pic.append(rect);
      });
    });
    run.steps.forEach((s, i) => {
      const col = svg("rect", { class: "col", x: labelWidth + cw * i, y: 0, width: cw, height, fill: "transparent", stroke: "none", "stroke-width": 2, "data-step": String(i) });
      col.addEventListener("click", () => { location.hash = "step-" + i; });
      pic.append(col);
    });
    const legend = el("p", {});
    for (const [word, color] of Object.entries(COLORS)) {
      legend.append(el("span", { class: "chip", style: "background:" + color + ";color:#000" }, word), " ");
    }
    box.append(pic, legend);
  }

  function selected() {
    const m = /^#step-(\d+)$/.exec(location.hash);
    const i = m ? Number(m[1]) : 0;
    return i < run.steps.length ? i : 0;
  }

  drawSteps();
  drawTimeline();
  if (run.steps.length) drawState(selected());
  window.addEventListener("hashchange", () => drawState(selected()));
  document.body.setAttribute("data-rendered", "yes");
})();
