// skactive labeling page. Every piece of data from the server is put on the
// page with textContent (never as markup), so a cell holding HTML shows its
// characters.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const NAME_KEY = "skactive.annotator";
  const CLIENT_KEY = "skactive.client";
  const state = { csrf: null, target: "target", row: null, pending: null, busy: false, showAll: false, started: false };

  // A tab keeps its id across reloads (sessionStorage), so it keeps its row.
  function clientId() {
    let id = sessionStorage.getItem(CLIENT_KEY);
    if (!id) {
      const bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      sessionStorage.setItem(CLIENT_KEY, id);
    }
    return id;
  }
  const client = clientId();
  const annotator = () => localStorage.getItem(NAME_KEY) || "";

  function say(text, kind) {
    const status = $("status");
    status.textContent = text;
    status.className = kind || "";
  }

  // Problems with the server itself, shown whatever else is on screen.
  function notice(text) {
    $("notice").textContent = text || "";
    $("notice").hidden = !text;
  }

  async function post(path, body) {
    let response;
    try {
      response = await fetch(path, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": state.csrf },
        body: JSON.stringify(Object.assign({ client: client, annotator: annotator() }, body || {})),
      });
    } catch (err) {
      return { status: 0, data: { error: "Cannot reach the labeling server; nothing was saved by this step. Is skactive still running?" } };
    }
    let data = {};
    try { data = await response.json(); } catch (err) { data = { error: "The server sent an unreadable reply." }; }
    return { status: response.status, data: data };
  }

  // ------------------------------------------------------------- rendering

  function renderRow(row) {
    state.row = row;
    state.pending = null;
    if (!row) {
      $("task").hidden = true;
      $("done").hidden = false;
      return;
    }
    $("done").hidden = true;
    $("task").hidden = false;
    $("row-title").textContent = row.title;
    $("guess").textContent = row.guess || "none yet (no labels)";
    $("range").textContent = row.range || "";
    $("value-label").textContent = "Your " + state.target;
    const body = $("cells-body");
    body.replaceChildren();
    row.columns.forEach((column, i) => {
      const tr = document.createElement("tr");
      if (i >= row.n_top) tr.className = "extra";
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = column.name;
      const td = document.createElement("td");
      td.textContent = column.text;
      tr.append(th, td);
      body.append(tr);
    });
    const hidden = row.columns.length - row.n_top;
    $("cells-caption").textContent = hidden > 0
      ? "The " + row.n_top + " columns that matter most to the model, first."
      : "Every column, the ones that matter most to the model first.";
    $("toggle-columns").hidden = hidden <= 0;
    showColumns(state.showAll);
    const input = $("value");
    input.value = row.previous || "";
    input.focus();
    input.select();
  }

  function showColumns(all) {
    state.showAll = all;
    $("cells").classList.toggle("all", all);
    const n = state.row ? state.row.columns.length : 0;
    $("toggle-columns").textContent = all ? "Show the main columns only (Alt+A)" : "Show all " + n + " columns (Alt+A)";
  }

  function renderCurve(points) {
    const box = $("curve");
    box.replaceChildren();
    if (points.length < 2) {
      const p = document.createElement("p");
      p.className = "small";
      p.textContent = points.length ? "The curve starts with the next answer." : "The curve starts once the error can be estimated.";
      box.append(p);
      return;
    }
    const NS = "http://www.w3.org/2000/svg";
    const W = 300, H = 150, L = 44, R = 10, T = 10, B = 26;
    const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
    const x0 = Math.min(...xs), x1 = Math.max(...xs);
    const y1 = Math.max(...ys) * 1.1 || 1;
    const sx = (x) => L + ((x - x0) / ((x1 - x0) || 1)) * (W - L - R);
    const sy = (y) => T + (1 - y / y1) * (H - T - B);
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Learning curve: estimated error from " + fmt(ys[0]) + " at " + x0 + " labels to " + fmt(ys[ys.length - 1]) + " at " + x1 + " labels");
    const add = (name, attrs, text) => {
      const node = document.createElementNS(NS, name);
      Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
      if (text !== undefined) node.textContent = text;
      svg.append(node);
      return node;
    };
    add("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#8c959f" });
    add("line", { x1: L, y1: T, x2: L, y2: H - B, stroke: "#8c959f" });
    add("polyline", { points: points.map((p) => sx(p[0]) + "," + sy(p[1])).join(" "), fill: "none", stroke: "#0b5cad", "stroke-width": 2 });
    points.forEach((p) => add("circle", { cx: sx(p[0]), cy: sy(p[1]), r: 2.5, fill: "#0b5cad" }));
    const small = { "font-size": 10, fill: "#57606a" };
    add("text", Object.assign({ x: L, y: H - 8, "text-anchor": "middle" }, small), String(x0));
    add("text", Object.assign({ x: W - R, y: H - 8, "text-anchor": "end" }, small), String(x1) + " labels");
    add("text", Object.assign({ x: L - 4, y: T + 8, "text-anchor": "end" }, small), fmt(y1));
    add("text", Object.assign({ x: L - 4, y: H - B, "text-anchor": "end" }, small), "0");
    box.append(svg);
  }

  function fmt(x) {
    return Number(x).toLocaleString("en-US", { maximumSignificantDigits: 2 });
  }

  function renderProgress(progress) {
    if (!progress) return;
    $("n-labels").textContent = progress.n_labels.toLocaleString("en-US") +
      " (" + progress.n_answered.toLocaleString("en-US") + " answered here, " +
      progress.n_skipped.toLocaleString("en-US") + " skipped)";
    $("n-remaining").textContent = progress.n_remaining.toLocaleString("en-US");
    $("n-annotators").textContent = progress.n_annotators === 1 ? "1 tab" : progress.n_annotators + " tabs";
    $("error").textContent = progress.error.text;
    $("error-sentence").textContent = progress.error.sentence;
    renderCurve(progress.curve);
    const advice = $("advice");
    if (progress.stopping) {
      advice.replaceChildren();
      const strong = document.createElement("span");
      strong.textContent = progress.stopping.advice;
      advice.append(strong);
      if (progress.stopping.reason) {
        const why = document.createElement("span");
        why.className = "small";
        why.textContent = "(" + progress.stopping.reason + ")";
        advice.append(why);
      }
      advice.hidden = false;
    } else {
      advice.hidden = true;
    }
  }

  function render(data) {
    if ("progress" in data) renderProgress(data.progress);
    if ("row" in data) renderRow(data.row);
    $("undo").disabled = !data.undo;
  }

  // ---------------------------------------------------------------- actions

  async function act(path, body, onOk) {
    if (state.busy) return;
    state.busy = true;
    try {
      const { status, data } = await post(path, body);
      if (status === 200) {
        render(data);
        onOk(data);
      } else if (status === 409) {
        render(data);
        say(data.error, "error");
      } else if (status === 422 && data.needs_confirm) {
        state.pending = Object.assign({}, body);
        say(data.error + " Press Enter again to store it anyway, or correct it.", "error");
      } else {
        say(data.error || ("The server refused the request (" + status + ")."), "error");
      }
    } finally {
      state.busy = false;
    }
  }

  function submit() {
    if (!state.row) return;
    const text = $("value").value.trim();
    const word = text.toLowerCase();
    if (word === "s" || word === "skip") return skip();
    if (word === "u" || word === "undo") return undo();
    if (!text) {
      say("Type a number, then Enter (or s + Enter to skip this row).", "error");
      return;
    }
    const position = state.row.position;
    const confirm = !!(state.pending && state.pending.position === position && state.pending.value === text);
    act("/api/answer", { position: position, value: text, confirm: confirm }, (data) => {
      say("Saved: " + state.target + " = " + data.saved.text + " for " + data.saved.title + ".", "ok");
    });
  }

  function skip() {
    if (!state.row) return;
    act("/api/skip", { position: state.row.position }, (data) => {
      say("Skipped " + data.skipped.title + "; it will not be asked again.", "ok");
    });
  }

  function undo() {
    act("/api/undo", {}, (data) => {
      say("Back to " + data.undone.title + ": type the right value and press Enter.", "ok");
    });
  }

  async function heartbeat() {
    if (!state.started) return;
    const { status, data } = await post("/api/heartbeat", {});
    if (status === 401 || status === 403 || status === 0) {
      notice(data.error || "The server refused this page.");
      return;
    }
    notice("");
    if (status !== 200) return;
    renderProgress(data.progress);
    if (!data.held && !state.busy && (state.row || data.progress.n_remaining > 0)) {
      // The row went back to the pool (the tab slept), or rows came free
      // while this tab had none: ask for one.
      act("/api/next", {}, () => {});
    }
  }

  // ------------------------------------------------------------------ start

  function askName() {
    $("task").hidden = true;
    $("name-panel").hidden = false;
    $("name").value = annotator();
    $("name").focus();
  }

  async function start() {
    $("name-panel").hidden = true;
    $("who").hidden = false;
    $("who-name").textContent = annotator();
    state.started = true;
    await act("/api/next", {}, () => {});
  }

  async function init() {
    if (location.search) history.replaceState(null, "", "/");
    let response;
    try {
      response = await fetch("/api/state", { credentials: "same-origin" });
    } catch (err) {
      notice("Cannot reach the labeling server. Is skactive still running?");
      return;
    }
    if (!response.ok) {
      notice("The server refused this page; open the link printed by skactive.");
      return;
    }
    const info = await response.json();
    state.csrf = info.csrf;
    state.target = info.target;
    document.title = "Label " + info.target + " · skactive";
    $("name-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const name = $("name").value.trim();
      if (!name) return;
      localStorage.setItem(NAME_KEY, name);
      start();
    });
    $("answer-form").addEventListener("submit", (event) => { event.preventDefault(); submit(); });
    $("skip").addEventListener("click", skip);
    $("undo").addEventListener("click", undo);
    $("toggle-columns").addEventListener("click", () => showColumns(!state.showAll));
    $("change-name").addEventListener("click", askName);
    document.addEventListener("keydown", (event) => {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      const key = event.key.toLowerCase();
      const actions = { s: skip, u: undo, a: () => showColumns(!state.showAll), n: askName };
      const code = { KeyS: "s", KeyU: "u", KeyA: "a", KeyN: "n" }[event.code];
      const chosen = actions[key] || actions[code];
      if (chosen && state.started) {
        event.preventDefault();
        chosen();
      }
    });
    setInterval(heartbeat, 5000);
    if (annotator()) start(); else askName();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
