// The observer page: plain ES modules on Preact + htm, no build step. Every request carries
// the access token from the page's URL; live figures arrive over server-sent events.
import htm from "htm";
import { h, render } from "preact";
import { useEffect, useState } from "preact/hooks";

const html = htm.bind(h);
const token = new URLSearchParams(location.search).get("token") ?? "";

async function api(path, init = {}) {
  const res = await fetch(path, {
    ...init,
    headers: { "x-observer-token": token, ...(init.headers ?? {}) },
  });
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(body.error ?? `HTTP ${res.status}`);
  return body;
}

function useHash() {
  const [hash, setHash] = useState(location.hash.slice(1) || "processes");
  useEffect(() => {
    const on = () => setHash(location.hash.slice(1) || "processes");
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return hash;
}

/** The live stream: the latest stats, a history for the charts, and restart events. */
function useLive() {
  const [stats, setStats] = useState(undefined);
  const [history, setHistory] = useState([]);
  const [restarts, setRestarts] = useState([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const es = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    es.onmessage = (e) => {
      const ev = JSON.parse(e.data);
      if (ev.type === "stats") {
        setStats(ev);
        setHistory((h) => [...h.slice(-59), ev]);
      } else if (ev.type === "restart") {
        setRestarts((r) => [...r.slice(-49), { ...ev, at: Date.now() }]);
      }
    };
    return () => es.close();
  }, []);
  return { stats, history, restarts, connected };
}

function Pid({ p }) {
  if (p === null || p === undefined) return html`<span class="muted">—</span>`;
  return html`<a class="pid" href=${`#process/${p.id}`}>${p.pid}</a>`;
}

// ---------------------------------------------------------------------------------------
// Processes

const COLUMNS = [
  ["id", "Pid"],
  ["name", "Name"],
  ["behaviour", "Behaviour"],
  ["mailbox", "Mailbox"],
  ["memory", "Memory (B)"],
  ["reductions", "Reductions"],
];

function Processes({ tick }) {
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState({ key: "id", desc: false });
  const [page, setPage] = useState({ total: 0, rows: [] });
  const [error, setError] = useState(undefined);
  useEffect(() => {
    const q = new URLSearchParams({
      filter,
      sort: sort.key,
      dir: sort.desc ? "desc" : "asc",
      limit: "100",
    });
    api(`/api/processes?${q}`).then(
      (p) => {
        setPage(p);
        setError(undefined);
      },
      (e) => setError(e.message),
    );
  }, [filter, sort, tick]);
  const by = (key) =>
    setSort((s) => ({
      key,
      desc: s.key === key ? !s.desc : key !== "id" && key !== "name" && key !== "behaviour",
    }));
  return html`
    <div class="toolbar">
      <input type="search" placeholder="Filter by pid, name or behaviour" value=${filter}
        onInput=${(e) => setFilter(e.currentTarget.value)} aria-label="filter" />
      <span class="muted">${page.total} processes${page.total > page.rows.length ? `, first ${page.rows.length} shown` : ""}</span>
      ${error && html`<span class="error">${error}</span>`}
    </div>
    <table id="processes">
      <thead><tr>${COLUMNS.map(
        ([k, label]) => html`<th onClick=${() => by(k)} data-sort=${k}>
        ${label}${sort.key === k ? (sort.desc ? " ▼" : " ▲") : ""}</th>`,
      )}<th>Status</th></tr></thead>
      <tbody>
        ${page.rows.map(
          (
            r,
          ) => html`<tr class="row" key=${r.id} data-pid=${r.pid} onClick=${() => (location.hash = `process/${r.id}`)}>
          <td class="pid">${r.pid}</td><td>${r.name ?? ""}</td><td>${r.behaviour ?? ""}</td>
          <td>${r.mailbox}</td><td>${r.memory}</td><td>${r.reductions}</td><td>${r.status}</td></tr>`,
        )}
      </tbody>
    </table>`;
}

// ---------------------------------------------------------------------------------------
// Process page

function Confirm({ what, onYes, onNo }) {
  return html`<div class="modal" role="dialog"><div class="card">
    <h3>Are you sure?</h3><p>${what}</p>
    <div class="toolbar"><button class="danger" onClick=${onYes}>Confirm</button><button onClick=${onNo}>Cancel</button></div>
  </div></div>`;
}

function ProcessPage({ id, tick }) {
  const [p, setP] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [ask, setAsk] = useState(undefined);
  const [notice, setNotice] = useState(undefined);
  const [reason, setReason] = useState("shutdown");
  useEffect(() => {
    api(`/api/process/${encodeURIComponent(id)}`).then(
      (d) => {
        setP(d);
        setError(undefined);
      },
      (e) => setError(e.message),
    );
  }, [id, tick]);
  const act = async (action) => {
    setAsk(undefined);
    try {
      const r = await api(`/api/process/${encodeURIComponent(id)}/action`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(action === "exit" ? { action, reason } : { action }),
      });
      setNotice(r.done);
    } catch (e) {
      setNotice(`failed: ${e.message}`);
    }
  };
  if (error !== undefined && p === undefined)
    return html`<p class="error" id="process-error">${error}</p>`;
  if (p === undefined) return html`<p class="muted">Loading…</p>`;
  const label = `${p.pid}${p.name ? ` (${p.name})` : ""}`;
  return html`
    <h2 class="pid" id="process-title">${label} ${p.behaviour && html`<span class="badge">${p.behaviour}</span>`}</h2>
    ${error && html`<p class="error" id="process-error">${error}</p>`}
    ${notice && html`<div class="notice" id="notice">${notice}</div>`}
    <div class="toolbar">
      <button class="danger" onClick=${() => setAsk({ action: "kill", what: `Kill ${label}? It exits with reason killed.` })}>Kill</button>
      <input type="text" value=${reason} onInput=${(e) => setReason(e.currentTarget.value)} aria-label="exit reason" />
      <button onClick=${() => setAsk({ action: "exit", what: `Send exit(${reason}) to ${label}?` })}>Exit with reason</button>
      ${
        p.behaviour &&
        (p.suspended
          ? html`<button onClick=${() => setAsk({ action: "resume", what: `Resume ${label}?` })}>Resume</button>`
          : html`<button onClick=${() => setAsk({ action: "suspend", what: `Suspend ${label}? It handles only system messages until resumed.` })}>Suspend</button>`)
      }
    </div>
    ${ask && html`<${Confirm} what=${ask.what} onYes=${() => act(ask.action)} onNo=${() => setAsk(undefined)} />`}
    <div class="grid">
      <div class="card"><h3>Process</h3><table>
        <tr><td>Status</td><td id="process-status">${p.status}</td></tr>
        <tr><td>Mailbox</td><td>${p.mailbox}</td></tr>
        <tr><td>Memory</td><td>${p.memory} B</td></tr>
        <tr><td>Reductions</td><td>${p.reductions}</td></tr>
        <tr><td>Traps exits</td><td>${String(p.trapExit)}</td></tr>
        <tr><td>Parent</td><td><${Pid} p=${p.parent} /></td></tr>
      </table></div>
      <div class="card"><h3>Links</h3>${p.links.length === 0 ? html`<span class="muted">none</span>` : p.links.map((l) => html`<div><${Pid} p=${l} /></div>`)}
        <h3>Monitors</h3>${p.monitors.length === 0 ? html`<span class="muted">none</span>` : p.monitors.map((m) => html`<div>${m.name ?? html`<${Pid} p=${m} />`}</div>`)}
        <h3>Monitored by</h3>${p.monitoredBy.length === 0 ? html`<span class="muted">none</span>` : p.monitoredBy.map((m) => html`<div><${Pid} p=${m} /></div>`)}</div>
      <div class="card"><h3>Dictionary</h3><pre>${p.dictionary.text}</pre></div>
    </div>
    <h3>State</h3>
    ${
      p.state === null
        ? html`<p class="muted">A plain process has no behaviour state.</p>`
        : p.state.error
          ? html`<p class="error">${p.state.error}</p>`
          : html`<pre id="state">${p.state.text}</pre>`
    }
    <h3>First queued messages</h3>
    ${p.messages.length === 0 ? html`<p class="muted">The mailbox is empty.</p>` : html`<pre>${p.messages.join("\n")}</pre>`}`;
}

// ---------------------------------------------------------------------------------------
// Supervision trees

function TreeNode({ n, parent, flashes }) {
  const key = `${parent}/${n.id}`;
  const flash = flashes.get(key);
  const label = html`<span class="pid">${n.pidId === null ? html`<span class="muted">${n.pid ?? "not running"}</span>` : html`<a href=${`#process/${n.pidId}`}>${n.pid}</a>`}</span>
    ${n.id !== "" && html`<strong> ${n.id}</strong>`}${n.name && html` <span class="muted">(${n.name})</span>`}
    ${n.behaviour && html`<span class="badge">${n.behaviour}</span>`}
    ${n.restarts > 0 && html`<span class="badge" title="restarts">↻ ${n.restarts}</span>`}`;
  const cls = flash === undefined ? "" : "flash";
  if (n.children.length === 0 && n.type !== "supervisor")
    return html`<div class=${`leaf ${cls}`} key=${`${key}${flash ?? ""}`} data-node=${n.id}>${label}</div>`;
  return html`<details class="node" open data-node=${n.id}>
    <summary class=${cls} key=${`${flash ?? ""}`}>${label}</summary>
    ${n.children.map((c) => html`<${TreeNode} n=${c} parent=${n.pid} flashes=${flashes} />`)}
  </details>`;
}

function Trees({ tick, restarts }) {
  const [roots, setRoots] = useState(undefined);
  const [error, setError] = useState(undefined);
  const last = restarts.at(-1)?.at;
  useEffect(() => {
    api("/api/trees").then(setRoots, (e) => setError(e.message));
  }, [tick, last]);
  const flashes = new Map();
  for (const r of restarts)
    if (Date.now() - r.at < 2500) flashes.set(`${r.supervisor}/${r.id}`, r.at);
  if (error) return html`<p class="error">${error}</p>`;
  if (roots === undefined) return html`<p class="muted">Loading…</p>`;
  if (roots.length === 0) return html`<p class="muted">No supervisors are running.</p>`;
  return html`<div id="trees">${roots.map((r) => html`<${TreeNode} n=${r} parent="" flashes=${flashes} />`)}</div>`;
}

// ---------------------------------------------------------------------------------------
// ETS tables

function Tables({ tick }) {
  const [list, setList] = useState([]);
  const [open, setOpen] = useState(undefined);
  const [rows, setRows] = useState(undefined);
  const [offset, setOffset] = useState(0);
  useEffect(() => void api("/api/ets").then(setList, () => {}), [tick]);
  useEffect(() => {
    if (open === undefined) return;
    api(`/api/ets/${open}/rows?offset=${offset}&limit=50`).then(setRows, (e) =>
      setRows({ error: e.message }),
    );
  }, [open, offset, tick]);
  return html`
    <table id="tables"><thead><tr><th>Id</th><th>Name</th><th>Type</th><th>Access</th><th>Size</th><th>Memory (B)</th><th>Owner</th></tr></thead>
    <tbody>${list.map(
      (t) => html`<tr class="row" key=${t.id} onClick=${() => {
        setOpen(t.id);
        setOffset(0);
      }}>
      <td>${t.id}</td><td>${t.name}${t.registry && html`<span class="badge">Registry</span>`}</td><td>${t.type}</td><td>${t.access}</td>
      <td>${t.size}</td><td>${t.memory}</td><td><${Pid} p=${t.owner} /></td></tr>`,
    )}</tbody></table>
    ${list.length === 0 && html`<p class="muted">No ETS tables.</p>`}
    ${
      open !== undefined &&
      rows &&
      html`<h3>Rows of table ${open}</h3>
      ${
        rows.error
          ? html`<p class="error">${rows.error}</p>`
          : html`
        <div class="toolbar"><button disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - 50))}>Previous</button>
        <span class="muted">${rows.total === 0 ? "empty" : `${offset + 1}–${Math.min(offset + 50, rows.total)} of ${rows.total}`}</span>
        <button disabled=${offset + 50 >= rows.total} onClick=${() => setOffset(offset + 50)}>Next</button></div>
        <pre>${rows.rows.join("\n")}</pre>`
      }`
    }`;
}

// ---------------------------------------------------------------------------------------
// Charts

function Chart({ title, points, unit }) {
  const max = Math.max(1, ...points);
  const w = 600;
  const hgt = 120;
  const xs = points
    .map((v, i) => `${(i / Math.max(1, 59)) * w},${hgt - (v / max) * (hgt - 10)}`)
    .join(" ");
  return html`<div class="card"><h3>${title} <span class="muted">now ${points.at(-1) ?? 0} ${unit}, max ${max} ${unit}</span></h3>
    <svg class="chart" viewBox=${`0 0 ${w} ${hgt}`} preserveAspectRatio="none">
      <polyline fill="none" stroke="#2563eb" stroke-width="2" points=${xs} /></svg></div>`;
}

function Charts({ history }) {
  return html`<div class="grid" id="charts">
    <${Chart} title="Messages per second" unit="msg/s" points=${history.map((s) => s.messagesPerSecond)} />
    <${Chart} title="Scheduler latency (event-loop delay, p99)" unit="ms" points=${history.map((s) => s.latencyP99)} />
    <${Chart} title="Processes" unit="" points=${history.map((s) => s.processes)} />
  </div>`;
}

// ---------------------------------------------------------------------------------------

function App() {
  const hash = useHash();
  const live = useLive();
  const tick = live.stats?.time ?? 0;
  const tab = hash.startsWith("process/") ? "process" : hash;
  const link = (k, label) =>
    html`<a href=${`#${k}`} class=${tab === k ? "active" : ""}>${label}</a>`;
  let body;
  if (tab === "process")
    body = html`<${ProcessPage} id=${hash.slice("process/".length)} tick=${tick} />`;
  else if (tab === "trees") body = html`<${Trees} tick=${tick} restarts=${live.restarts} />`;
  else if (tab === "ets") body = html`<${Tables} tick=${tick} />`;
  else if (tab === "charts") body = html`<${Charts} history=${live.history} />`;
  else body = html`<${Processes} tick=${tick} />`;
  const s = live.stats;
  return html`
    <header><h1>Trellis observer</h1>
      <nav>${link("processes", "Processes")}${link("trees", "Supervision trees")}${link("ets", "ETS & Registries")}${link("charts", "Charts")}</nav>
      <span class="stat" id="live">${live.connected ? "● live" : "○ connecting"}</span>
      ${s && html`<span class="stat">${s.processes} processes · ${s.messagesPerSecond} msg/s · latency p99 ${s.latencyP99} ms · restarts ${s.restarts}</span>`}
    </header>
    <main>${body}</main>`;
}

const root = document.getElementById("app");
root.textContent = "";
render(html`<${App} />`, root);
