// The mock's dashboard. Every second it reads GET <root>/snapshot and, when it changed,
// redraws the records, requests, webhook deliveries and faults. Everything it shows is put
// in text nodes (never parsed as HTML); its buttons call the control API.
"use strict";

(function () {
  const root = document.body.dataset.root;
  const untilRemoved = document.body.dataset.untilRemoved;
  const $ = (selector, within) => (within || document).querySelector(selector);
  /** Keys of the <details> the user opened, kept open across redraws. */
  const opened = new Set();
  let lastText = "";

  /** An element with attributes and children (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c !== null && c !== undefined) e.append(c);
    }
    return e;
  }

  function statusClass(status) {
    if (status >= 200 && status < 300) return "ok";
    if (status >= 300 && status < 400) return "info";
    if (status >= 400 && status < 500) return "warn";
    return "err";
  }

  function statusBadge(status) {
    return el("span", { class: "status " + statusClass(status) }, status === 0 ? "none" : String(status));
  }

  function time(ms) {
    const d = new Date(Number(ms));
    const two = (n) => String(n).padStart(2, "0");
    return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
  }

  function duration(us) {
    const ms = Number(us) / 1000;
    if (ms < 10) return ms.toFixed(2) + " ms";
    if (ms < 10000) return Math.round(ms) + " ms";
    return (ms / 1000).toFixed(1) + " s";
  }

  /** Text cut to one line, opening to all of it. */
  function details(key, text) {
    if (!text) return el("span", { class: "none" }, "—");
    const short = text.length > 90 ? text.slice(0, 90) + "…" : text;
    const d = el("details", { "data-key": key }, el("summary", {}, short), el("pre", {}, text));
    d.open = opened.has(key);
    return d;
  }

  function fill(table, rows) {
    const body = $("tbody", table);
    body.replaceChildren(...rows);
    const empty = table.closest("section").querySelector(":scope > .empty");
    if (empty) empty.hidden = rows.length > 0;
    table.hidden = rows.length === 0;
  }

  function renderResources(resources) {
    resources.forEach((r, i) => {
      const section = document.getElementById("res-" + i);
      if (!section) return;
      const counts = [`${r.kept} kept`, `${r.created} created`];
      const countsEl = $(".counts", section);
      countsEl.replaceChildren(counts.join(" · "));
      if (Number(r.dropped) > 0) {
        countsEl.append(" · ", el("span", { class: "dropped", title: "the oldest records, dropped past the records or bytes kept" }, `${r.dropped} dropped past the caps`));
      }
      if (r.records.length < Number(r.kept)) {
        countsEl.append(` · newest ${r.records.length} shown`);
      }
      const rows = r.records.map((rec) => {
        const tr = el("tr", { "data-id": rec.id ?? "" }, el("td", { class: "id" }, rec.id ?? "—"));
        if (r.state_field !== null) {
          tr.append(el("td", {}, el("span", { class: "state" }, rec.state ?? "—")));
        }
        tr.append(el("td", { class: "json" }, details(`rec:${r.name}:${rec.id}`, rec.json)));
        if (r.events.length > 0) {
          const buttons = r.events.map((ev) => {
            const allowed = ev.from.length === 0 || ev.from.includes(rec.state);
            const title = allowed
              ? `${ev.name}: ${r.state_field} becomes ${ev.to}` + (ev.webhook ? ", a webhook is sent" : "")
              : `${ev.name} fires only from ${r.state_field} ${ev.from.join(" or ")}`;
            return el("button", { type: "button", class: "event", "data-event": ev.name, disabled: !allowed, title }, ev.name);
          });
          tr.append(el("td", { class: "events" }, ...buttons));
        }
        return tr;
      });
      fill($("table.records", section), rows);
    });
  }

  function renderRequests(entries) {
    fill(document.getElementById("requests"), entries.map((e) => {
      const space = e.target.indexOf(" ");
      const method = space < 0 ? "" : e.target.slice(0, space);
      const path = space < 0 ? e.target : e.target.slice(space + 1);
      // Stable across redraws (new lines come first), so an opened body stays open.
      const key = `req:${e.at_ms}:${e.latency_us}:${e.target}`;
      return el("tr", { "data-endpoint": e.name },
        el("td", { class: "time" }, time(e.at_ms)),
        el("td", { class: "method" }, method),
        el("td", { class: "path" }, path),
        el("td", {}, e.name === "-" ? el("span", { class: "none" }, "no route") : e.name),
        el("td", {}, statusBadge(Number(e.status))),
        el("td", { class: "num" }, duration(e.latency_us)),
        el("td", { class: "json" }, details(key + ":body", e.body)),
        el("td", { class: "json" }, details(key + ":answer", e.response)));
    }));
  }

  function renderDeliveries(entries) {
    fill(document.getElementById("deliveries"), entries.map((e) => {
      const key = `hook:${e.at_ms}:${e.latency_us}:${e.name}`;
      const attempts = e.statuses.length > 0
        ? e.statuses.map((s) => statusBadge(Number(s)))
        : [String(e.attempts)];
      const arrows = [];
      attempts.forEach((a, j) => { if (j > 0) arrows.push(" → "); arrows.push(a); });
      return el("tr", { class: "delivery", "data-webhook": e.name, "data-status": e.status },
        el("td", { class: "time" }, time(e.at_ms)),
        el("td", {}, e.name),
        el("td", { class: "path" }, e.target),
        el("td", { class: "attempts" }, ...arrows),
        el("td", {}, statusBadge(Number(e.status))),
        el("td", { class: "num" }, duration(e.latency_us)),
        el("td", { class: "json" }, details(key + ":body", e.body)),
        el("td", { class: "json answer" }, details(key + ":answer", e.response)));
    }));
  }

  function renderFaults(faults) {
    fill(document.getElementById("faults"), faults.map((f, i) => {
      const answer = f.case !== null ? f.case : f.status !== null ? `status ${f.status}` : "as usual";
      return el("tr", {},
        el("td", {}, f.endpoint || "every endpoint"),
        el("td", {}, answer),
        el("td", { class: "num" }, `${f.latency_ms} ms`),
        el("td", { class: "num" }, f.until_removed ? "until removed" : String(f.times)),
        el("td", {}, el("button", { type: "button", class: "remove-fault", "data-index": i }, "remove")));
    }));
    $("#clear-faults").hidden = faults.length === 0;
  }

  function render(snap) {
    renderResources(snap.resources);
    renderRequests(snap.requests);
    renderDeliveries(snap.deliveries);
    renderFaults(snap.faults);
    const store = $("#store");
    store.textContent = snap.store.error ? `state not written: ${snap.store.error}` : `state in ${snap.store.at}`;
    store.className = "store" + (snap.store.error ? " err" : "");
    const url = $("#webhook-form input[name=url]");
    if (document.activeElement !== url) url.value = snap.webhook_url ?? "";
  }

  function live(ok, why) {
    const l = $("#live");
    l.className = "live " + (ok ? "ok" : "err");
    l.textContent = ok ? `live · ${time(Date.now()).slice(0, 8)}` : `mock not answering (${why})`;
  }

  async function refresh() {
    try {
      const r = await fetch(root + "/snapshot", { cache: "no-store" });
      const text = await r.text();
      if (!r.ok) throw new Error("HTTP " + r.status);
      live(true);
      if (text === lastText) return;
      lastText = text;
      render(JSON.parse(text));
    } catch (e) {
      live(false, e.message);
    }
  }

  function flash(ok, message) {
    const f = $("#flash");
    f.className = "flash " + (ok ? "ok" : "err");
    f.textContent = message;
  }

  /** Calls the control API; throws with its error message. */
  async function call(method, path, body) {
    const init = { method, headers: { "Content-Type": "application/json" } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const r = await fetch(root + path, init);
    let answer = null;
    try { answer = await r.json(); } catch (_) { /* not JSON */ }
    if (!r.ok) throw new Error((answer && answer.error) || "HTTP " + r.status);
    return answer;
  }

  async function act(what, method, path, body) {
    try {
      await call(method, path, body);
      flash(true, what);
    } catch (e) {
      flash(false, `${what} failed: ${e.message}`);
    }
    await refresh();
  }

  document.addEventListener("toggle", (e) => {
    const key = e.target.dataset && e.target.dataset.key;
    if (!key) return;
    if (e.target.open) opened.add(key); else opened.delete(key);
  }, true);

  $("#records").addEventListener("click", (e) => {
    const button = e.target.closest("button.event");
    if (!button || button.disabled) return;
    const section = button.closest("section.resource");
    const id = button.closest("tr").dataset.id;
    const resource = section.dataset.resource;
    const event = button.dataset.event;
    const amount = $(".amount-input", section);
    const body = amount && amount.value.trim() !== "" ? { amount: amount.value.trim() } : {};
    const seg = encodeURIComponent;
    act(`${event} on ${resource} ${id}` + (body.amount ? ` (amount ${body.amount})` : ""),
      "POST", `/${seg(resource)}/${seg(id)}/${seg(event)}`, body);
  });

  $("#fault-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = e.target;
    const body = {};
    for (const name of ["endpoint", "case", "status", "latency_ms", "times"]) {
      const v = form.elements[name].value.trim();
      if (v !== "") body[name] = v;
    }
    if (body.times === undefined) body.times = untilRemoved;
    act("fault injected", "POST", "/faults", body);
  });

  $("#faults").addEventListener("click", (e) => {
    const button = e.target.closest("button.remove-fault");
    if (button) act("fault removed", "DELETE", "/faults/" + button.dataset.index);
  });

  $("#clear-faults").addEventListener("click", () => act("faults removed", "DELETE", "/faults"));

  $("#webhook-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const url = e.target.elements.url.value.trim();
    act(url ? `webhooks go to ${url}` : "webhook URL cleared", "POST", "/config", { webhook_url: url || null });
  });

  $("#reset").addEventListener("click", () => {
    if (window.confirm("Forget every record, nonce, fault and journal entry?")) {
      act("reset", "POST", "/reset");
    }
  });

  document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
  setInterval(() => { if (!document.hidden) refresh(); }, 1000);
  refresh();
})();
