// app.js - the dashboard pages.  Every value from traffic is put into the
// page with textContent only (el()), never as HTML.
import { texts } from './i18n.js';

let lang = localStorage.getItem('lang') || 'nl';
let csrf = '';
let me = null;
let vocab = {};
let alertService = '';
const charts = [];
const $ = (id) => document.getElementById(id);
const t = (k) => (texts[lang] && texts[lang][k]) || k;

function el(tag, attrs, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k === 'on') {
      for (const [ev, f] of Object.entries(v)) e.addEventListener(ev, f);
    } else e.setAttribute(k, v);
  }
  for (const c of kids) {
    if (c === null || c === undefined) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

// lab(concept, name): the vocabulary label (lib/common/vocab via
// /api/v1/vocab) in the UI language; the wire name only as a tooltip.
function labText(concept, name) {
  const v = vocab[concept] && vocab[concept][name];
  return v ? v[lang] || v.nl : (name === null || name === undefined ? '' : String(name));
}
function lab(concept, name) {
  if (name === null || name === undefined || name === '') return '';
  return el('span', { title: String(name), class: concept === 'verdict' ? 'v-' + name : 'lab' }, labText(concept, name));
}

function tcell(s) { return el('span', { class: 'ts' }, fmtTime(s)); }
function fmtAge(a) {
  if (a < 120) return t('just_now');
  if (a < 7200) return Math.round(a / 60) + ' ' + t('min_ago');
  if (a < 172800) return Math.round(a / 3600) + ' ' + t('hours_ago');
  return Math.round(a / 86400) + ' ' + t('days_ago');
}
function fmtTime(s) { return s ? new Date(s * 1000).toISOString().slice(0, 16).replace('T', ' ') : ''; }

async function api(path, opts) {
  const o = Object.assign({ credentials: 'same-origin', headers: {} }, opts || {});
  if (o.method === 'POST') o.headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, o);
  if (r.status === 401) { showLogin(); throw new Error('401'); }
  return r;
}
async function json(path) { return (await api(path)).json(); }
function rangeQ() {
  if ($('range').value === 'custom') {
    const f = Date.parse($('from').value + 'T00:00:00Z') / 1000, to = Date.parse($('to').value + 'T00:00:00Z') / 1000 + 86400;
    if (f > 0 && to > f) return 'from=' + f + '&to=' + to;
  }
  return 'range=' + encodeURIComponent($('range').value);
}

function applyLang() {
  document.documentElement.lang = lang;
  $('lang').textContent = lang === 'nl' ? 'EN' : 'NL';
  document.querySelectorAll('[data-i18n]').forEach((n) => { n.textContent = t(n.dataset.i18n); });
}

function showLogin() {
  $('nav').hidden = true; $('logout').hidden = true; $('who').textContent = '';
  $('view').replaceChildren(); $('login').hidden = false;
}

function table(cols, rows, rowClass) {
  const head = el('tr', null, ...cols.map((c) => el('th', null, t(c[0]))));
  const body = rows.map((r) => {
    const tr = el('tr', rowClass ? { class: rowClass(r) } : null);
    for (const c of cols) { const v = c[1](r); tr.append(v instanceof Node ? el('td', null, v) : el('td', null, v)); }
    return tr;
  });
  return el('table', null, el('thead', null, head), el('tbody', null, ...body));
}

function verdictCell(v) { return lab('verdict', v); }

const colors = { prohibited: '#c62828', unreviewed: '#f9a825', tolerated: '#8d6e63', sanctioned: '#2e7d32', interest: '#1565c0' };

async function overview(v) {
  const d = await json('/api/v1/overview?' + rangeQ());
  const sum = (k) => d.verdicts.reduce((a, x) => a + x[k], 0);
  v.append(el('div', { class: 'cards' },
    el('div', { class: 'card' }, t('flows'), el('b', { id: 'n-flows' }, sum('flows'))),
    el('div', { class: 'card' }, t('lookups'), el('b', null, sum('lookups'))),
    el('div', { class: 'card' }, t('prohibited_clients'), el('b', { id: 'n-prohibited' }, d.prohibited_clients)),
    el('div', { class: 'card' }, t('uploads'), el('b', null, sum('uploads'))),
    el('div', { class: 'card' }, t('dlp'), el('b', null, sum('dlp'))),
    el('div', { class: 'card' }, t('blind'), el('b', null, d.visibility.reduce((a, x) => a + x.value, 0)))));
  const c1 = el('canvas', { id: 'chart-time' }), c2 = el('canvas', { id: 'chart-dlp' });
  v.append(el('div', { class: 'charts' },
    el('div', { class: 'chartbox' }, el('h3', null, t('use_over_time')), el('div', { class: 'chartarea' }, c1)),
    el('div', { class: 'chartbox' }, el('h3', null, t('dlp_by_class')), el('div', { class: 'chartarea' }, c2))));
  const vis = {};
  for (const x of d.visibility) vis[x.name] = (vis[x.name] || 0) + x.value;
  v.append(el('h3', null, t('blind')), table([['kind', (x) => lab('visibility', x[0])], ['value', (x) => x[1]]], Object.entries(vis)));
  if (!window.Chart) return;
  const days = {}, vs = new Set();
  for (const r of d.timeline) {
    const day = new Date(r.hour * 1000).toISOString().slice(0, 10);
    days[day] = days[day] || {}; days[day][r.verdict] = (days[day][r.verdict] || 0) + r.flows + r.lookups; vs.add(r.verdict);
  }
  const labels = Object.keys(days).sort();
  charts.push(new window.Chart(c1, { type: 'bar', options: { maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true } } },
    data: { labels, datasets: [...vs].map((x) => ({ label: labText('verdict', x), data: labels.map((l) => days[l][x] || 0), backgroundColor: colors[x] || '#607d8b' })) } }));
  const cls = {};
  for (const r of d.dlp) cls[r.class] = (cls[r.class] || 0) + r.findings;
  charts.push(new window.Chart(c2, { type: 'doughnut', options: { maintainAspectRatio: false, animation: false },
    data: { labels: Object.keys(cls).map((k) => labText('dlp_class', k)), datasets: [{ data: Object.values(cls), backgroundColor: ['#1565c0', '#c62828', '#f9a825', '#2e7d32', '#6a1b9a', '#00838f', '#8d6e63'] }] } }));
}

// yamlFor: the snippet for rules/policy.yaml (the dashboard never writes
// rules); the service id is quoted as a YAML string.
function yamlFor(s) {
  const q = (x) => JSON.stringify(String(x));
  const id = String(s.id).replace(/[^A-Za-z0-9_-]/g, '-');
  return '# rules/policy.yaml, defaults.services: pick one\n' +
    'defaults:\n  services:\n    ' + q(s.id) + ': sanctioned   # or: tolerated | prohibited\n\n' +
    '# or an exception for one zone (exceptions:)\n' +
    'exceptions:\n  - id: ' + id + '-ZONE\n    match: {service: ' + q(s.id) + ', zone: ZONE}\n' +
    '    verdict: sanctioned\n    owner: "NAME"\n    reason: "WHY"\n    contract_ref: ""\n' +
    '    dpia_ref: "DPIA-YYYY-NN"\n    iama_ref: ""\n    valid_from: YYYY-MM-DD\n    expires: YYYY-MM-DD\n';
}

async function services(v) {
  const d = await json('/api/v1/services?' + rangeQ());
  const pre = el('pre', { class: 'yaml', id: 'yaml' });
  const sel = (s) => {
    pre.textContent = yamlFor(s);
  };
  const yn = (b) => (b === null ? t('unknown') : b ? t('yes') : t('no'));
  v.append(table([
    ['name', (s) => el('a', { href: '#services', on: { click: (e) => { e.preventDefault(); sel(s); } } }, s.name || s.id)],
    ['verdict', (s) => verdictCell(s.verdict)], ['vendor', (s) => s.vendor], ['country', (s) => s.country],
    ['eu', (s) => yn(s.eu_residency)], ['ambiguous', (s) => (s.tenant_ambiguous ? t('needs_inline') : '')],
    ['first_seen', (s) => tcell(s.first_seen)], ['last_seen', (s) => tcell(s.last_seen)],
    ['clients', (s) => s.clients], ['flows', (s) => s.flows], ['bytes_up', (s) => s.bytes_up],
    ['details', (s) => el('a', { href: '#service/' + encodeURIComponent(s.id), class: 'drill' }, t('details') + ' \u203a')],
  ], d.services, (s) => (s.unreviewed ? 'unreviewed' : '')));
  v.append(el('h3', null, t('decision')), pre);
  if (d.services.length) sel(d.services[0]);
}

async function alerts(v) {
  const opt = (concept, keys) => keys.map((k) => el('option', { value: k, title: k }, k ? labText(concept, k) : '*'));
  const sev = el('select', { id: 'f-sev' }, ...opt('severity', ['', 'low', 'medium', 'high', 'critical']));
  const stf = el('select', { id: 'f-status' }, ...['', 'new', 'investigating', 'handled', 'false_positive'].map((k) => el('option', { value: k }, k ? t(k) : '*')));
  const count = el('span', { id: 'count' });
  const kind = el('select', { id: 'f-kind' }, ...opt('alert_kind', ['', 'access', 'upload', 'dlp', 'visibility']));
  const cls = el('select', { id: 'f-class' }, ...opt('dlp_class', [''].concat(Object.keys(vocab.dlp_class || {}))));
  const svc = el('input', { id: 'f-service', placeholder: t('service'), value: alertService, size: 14 });
  const status = el('select', { id: 'set-status' }, ...['investigating', 'handled', 'false_positive', 'new'].map((k) => el('option', { value: k }, t(k))));
  const note = el('input', { id: 'note', placeholder: t('note') });
  const box = el('div');
  const notes = el('div', { id: 'notes', class: 'notes', hidden: '' });
  const pager = el('div', { class: 'toolbar' });
  const stack = [];
  let cursor = '';
  const filterQ = () => rangeQ() + (kind.value ? '&kind=' + encodeURIComponent(kind.value) : '') +
    (sev.value ? '&severity=' + encodeURIComponent(sev.value) : '') +
    (cls.value ? '&class=' + encodeURIComponent(cls.value) : '') +
    (svc.value ? '&service=' + encodeURIComponent(svc.value) : '');
  const showNotes = async (a) => {
    const d = await json('/api/v1/alerts/notes?key=' + encodeURIComponent(a.key));
    const txt = el('input', { id: 'note-text', placeholder: t('note'), size: 50 });
    const add = el('button', { id: 'note-add', type: 'button', on: { click: async () => {
      if (!txt.value) return;
      const r = await api('/api/v1/alerts/note', { method: 'POST', body: new URLSearchParams({ key: a.key, text: txt.value }) });
      if (!r.ok) { notes.append(el('p', { class: 'err' }, t('refused') + ' (' + r.status + ')')); return; }
      showNotes(a);
    } } }, t('add_note'));
    notes.hidden = false;
    notes.replaceChildren(el('h3', null, t('notes') + ': ' + a.key + ' ' + (a.signature || '')),
      d.notes.length ? el('ul', null, ...d.notes.map((n) => el('li', null, fmtTime(n.ts) + ' ' + n.user + ': ', el('span', { class: 'note' }, n.text)))) : el('p', null, t('no_notes')),
      me && me.role !== 'viewer' ? el('div', { class: 'toolbar' }, txt, add) : '');
  };
  const load = async () => {
    const q = filterQ() + (stf.value ? '&status=' + encodeURIComponent(stf.value) : '') + '&limit=50' +
      (cursor ? '&before=' + encodeURIComponent(cursor) : '');
    const d = await json('/api/v1/alerts?' + q);
    count.textContent = (stack.length * 50 + 1) + '-' + (stack.length * 50 + d.alerts.length) + ' / ' + d.total;
    box.replaceChildren(table([
      ['', (a) => el('input', { type: 'checkbox', class: 'sel', value: a.key })],
      ['time', (a) => tcell(a.ts)], ['sensor', (a) => a.sensor], ['kind', (a) => lab('alert_kind', a.kind)],
      ['severity', (a) => lab('severity', a.severity)], ['service', (a) => a.service_name || a.service],
      ['verdict', (a) => verdictCell(a.verdict)], ['dlp_class', (a) => lab('dlp_class', a.dlp_class)],
      ['client', (a) => a.client], ['alerts', (a) => a.signature], ['status', (a) => el('span', { class: 'st' }, t(a.status))],
      ['notes', (a) => el('button', { type: 'button', class: 'notes-btn', on: { click: () => showNotes(a) } }, t('notes'))],
    ], d.alerts));
    const prev = el('button', { id: 'prev', type: 'button', on: { click: () => { cursor = stack.pop() || ''; load(); } } }, '\u2039 ' + t('prev'));
    const next = el('button', { id: 'next', type: 'button', on: { click: () => { stack.push(cursor); cursor = d.next; load(); } } }, t('next') + ' \u203a');
    prev.disabled = stack.length === 0; next.disabled = !d.next;
    pager.replaceChildren(prev, next);
  };
  const reset = () => { stack.length = 0; cursor = ''; alertService = svc.value; load(); };
  const apply = async () => {
    const keys = [...box.querySelectorAll('input.sel:checked')].map((x) => x.value);
    if (!keys.length) return;
    const body = new URLSearchParams({ keys: keys.join(','), status: status.value, note: note.value });
    await api('/api/v1/alerts/triage', { method: 'POST', body });
    await load();
  };
  const csv = el('a', { id: 'csv', href: '#alerts', on: { click: async (e) => {
    e.preventDefault();
    const r = await api('/api/v1/alerts.csv?' + filterQ());
    const b = await r.blob(); const u = URL.createObjectURL(b);
    const a = el('a', { href: u, download: 'alerts.csv' }); document.body.append(a); a.click(); a.remove();
  } } }, t('export'));
  for (const x of [kind, sev, stf, cls]) x.addEventListener('change', reset);
  svc.addEventListener('change', reset);
  v.append(el('div', { class: 'toolbar' }, t('kind'), kind, t('severity'), sev, t('dlp_class'), cls, t('service'), svc, t('status'), stf, count),
    el('div', { class: 'toolbar' }, t('set_status'), status, note,
      el('button', { id: 'apply', type: 'button', on: { click: apply } }, t('apply')), csv), box, pager, notes);
  await load();
}

// errText(j, status): the UI's own text for an API error code
// ({"error": CODE, "detail": ...}); the library's detail only as a fallback.
function errText(j, status) {
  const code = j && j.error;
  if (code && texts[lang]['err_' + code]) return t('err_' + code);
  return t('refused') + ' (' + (code || status) + ')';
}
async function jsonOr(r) { try { return await r.json(); } catch (e) { return {}; } }

async function clients(v) {
  const d = await json('/api/v1/clients?' + rangeQ());
  const out = el('p', { id: 'reid-out' });
  const officer = me && me.role === 'privacy_officer';
  const reqs = el('div', { id: 'reid-requests' });
  const say = (text, cls) => { out.className = cls || ''; out.textContent = text; };
  const loadReqs = async () => {
    if (!officer) return;
    const r = await api('/api/v1/reid/requests');
    const q = await jsonOr(r);
    if (!r.ok) { reqs.replaceChildren(el('p', { class: 'err' }, errText(q, r.status))); return; }
    const act = async (x, what) => {
      let reason = '';
      if (what !== 'open') { reason = window.prompt(t('reason')); if (!reason) return; }
      const rr = await api('/api/v1/reid/requests/' + x.id + '/' + what, { method: 'POST', body: new URLSearchParams({ reason }) });
      const j = await jsonOr(rr);
      if (!rr.ok) say(errText(j, rr.status), 'err');
      else if (what === 'open') say(j.client + ' = ' + j.address, 'ok');
      else say(t('reid_' + j.status) + ' (#' + x.id + ')', 'ok');
      loadReqs();
    };
    const btn = (x, what) => el('button', { type: 'button', class: 'reid-' + what, 'data-id': String(x.id), on: { click: () => act(x, what) } }, t('reid_do_' + what));
    const rows = q.requests.filter((x) => x.status === 'pending' || x.status === 'approved' || x.mine);
    reqs.replaceChildren(el('h3', null, t('reid_requests')), rows.length ? table([
      ['reid_request', (x) => '#' + x.id], ['time', (x) => tcell(x.ts)], ['client', (x) => x.client], ['sensor', (x) => x.sensor],
      ['reid_requester', (x) => x.requester], ['reason', (x) => x.reason],
      ['status', (x) => el('span', { class: 'rs rs-' + x.status }, t('reid_' + x.status))],
      ['reid_approver', (x) => (x.approver ? x.approver + (x.decision ? ': ' + x.decision : '') : '')],
      ['', (x) => (x.status === 'pending' && !x.mine ? el('span', null, btn(x, 'approve'), ' ', btn(x, 'reject'))
        : x.status === 'approved' && x.mine ? btn(x, 'open')
          : x.status === 'pending' ? el('span', { class: 'hint' }, t('reid_wait_other')) : '')],
    ], rows) : el('p', null, t('reid_none')));
  };
  const reid = async (c) => {
    const reason = window.prompt(t('reason'));
    if (!reason) return;
    const r = await api('/api/v1/clients/' + encodeURIComponent(c.client) + '/reid?sensor=' + encodeURIComponent(c.sensor),
      { method: 'POST', body: new URLSearchParams({ reason }) });
    const j = await jsonOr(r);
    if (r.status === 202) say(t('reid_pending_msg') + ' (#' + j.request + ')', 'ok');
    else if (r.ok) say(c.client + ' = ' + j.address, 'ok');
    else say(errText(j, r.status), 'err');
    loadReqs();
  };
  v.append(out, reqs, el('h3', null, t('clients_list')), table([
    ['client', (c) => c.client], ['sensor', (c) => c.sensor], ['flows', (c) => c.flows], ['services', (c) => c.services],
    ['bytes_up', (c) => c.bytes_up], ['alerts', (c) => c.alerts],
    ['reid', (c) => (officer ? el('button', { type: 'button', class: 'reid-btn', on: { click: () => reid(c) } }, t('reid')) : '')],
  ], d.clients));
  await loadReqs();
}

async function policy(v) {
  const d = await json('/api/v1/policy');
  v.append(el('h3', null, t('history')), table([
    ['time', (p) => tcell(p.ts)], ['sensor', (p) => p.sensor], ['policy', (p) => p.version], ['kind', (p) => el('span', { title: p.action }, t('pol_' + p.action))],
    ['status', (p) => p.summary], ['alerts', (p) => (p.errors ? p.detail : '')]], d.history));
  v.append(el('h3', null, t('exceptions')), table([
    ['service', (x) => x.service], ['client', (x) => x.zone], ['verdict', (x) => verdictCell(x.verdict)],
    ['owner', (x) => x.owner], ['policy', (x) => x.reference],
    ['until', (x) => (x.valid_until ? fmtTime(x.valid_until) : '') + (x.expiring ? ' (' + t('expiring') + ')' : '')]],
  d.exceptions, (x) => (x.expiring ? 'unreviewed' : '')));
}

function fmtBytes(n) {
  if (n === null || n === undefined || n < 0) return '';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB']; let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(1) : n) + ' ' + u[i];
}

async function health(v) {
  const d = await json('/api/v1/health');
  for (const s of d.sensors) {
    const age = s.last_event ? d.now - s.last_event : null;
    const stale = age === null || age > 3600;
    const drop = s.packets ? (100 * (s.drops || 0) / s.packets).toFixed(3) + ' %' : '';
    v.append(el('h3', null, t('sensor') + ' ' + s.sensor),
      el('div', { class: 'cards' },
        el('div', { class: 'card' }, t('events_per_s'), el('b', { class: 'eps' }, (s.events_per_s_x100 / 100).toFixed(2)), s.events_last_hour + ' ' + t('in_last_hour')),
        el('div', { class: 'card' }, t('packets_per_s'), el('b', null, s.packets_per_s === null ? '\u2013' : s.packets_per_s)),
        el('div', { class: 'card' }, t('drops'), el('b', null, s.drops === null ? '\u2013' : s.drops), drop),
        el('div', { class: 'card' }, t('db_size'), el('b', null, fmtBytes(s.db_bytes))),
        el('div', { class: 'card' + (stale ? ' warn' : '') }, t('last_event'), el('b', { class: 'small' }, fmtTime(s.last_event)),
          age === null ? '' : fmtAge(age))),
      el('h4', null, t('faults')),
      s.faults.length ? table([['counter', (x) => x.name], ['value', (x) => x.value], ['time', (x) => tcell(x.ts)]], s.faults, (x) => (x.value ? 'bad' : ''))
        : el('p', { class: 'muted' }, t('no_faults')),
      el('h4', null, t('reloads')),
      table([['time', (p) => tcell(p.ts)], ['policy', (p) => p.version], ['kind', (p) => t('pol_' + p.action)], ['status', (p) => p.summary], ['errors', (p) => p.errors]],
        s.reloads, (p) => (p.errors ? 'bad' : '')),
      el('details', null, el('summary', null, t('all_counters')),
        table([['counter', (x) => x.name], ['value', (x) => x.value], ['time', (x) => tcell(x.ts)]], s.stats)));
  }
}

async function serviceDetail(v, id) {
  const [f, d] = await Promise.all([json('/api/v1/services/' + encodeURIComponent(id) + '?' + rangeQ()).catch(() => null),
    json('/api/v1/service?id=' + encodeURIComponent(id) + '&' + rangeQ())]);
  const s = f && f.services && f.services[0];
  v.replaceChildren(el('h2', null, t('service') + ': ', el('span', { id: 'svc-name' }, s ? s.name || s.id : id)));
  if (!s) { v.append(el('p', null, t('no_data'))); return; }
  const yn = (b) => (b === null ? t('unknown') : b ? t('yes') : t('no'));
  v.append(el('div', { class: 'cards' },
    el('div', { class: 'card' }, t('verdict'), el('b', null, verdictCell(s.verdict))),
    el('div', { class: 'card' }, t('clients'), el('b', { id: 'svc-clients' }, s.clients)),
    el('div', { class: 'card' }, t('flows'), el('b', { id: 'svc-flows' }, s.flows)),
    el('div', { class: 'card' }, t('lookups'), el('b', null, s.lookups)),
    el('div', { class: 'card' }, t('bytes_up'), el('b', null, fmtBytes(s.bytes_up))),
    el('div', { class: 'card' }, t('vendor'), el('b', { class: 'small' }, (s.vendor || '') + ' (' + (s.country || '?') + ')'), t('eu') + ': ' + yn(s.eu_residency))));
  const c = el('canvas', { id: 'chart-svc' });
  v.append(el('div', { class: 'charts' },
    el('div', { class: 'chartbox' }, el('h3', null, t('use_over_time')), el('div', { class: 'chartarea' }, c)),
    el('div', { class: 'chartbox' }, el('h3', null, t('alerts')),
      table([['kind', (x) => lab('alert_kind', x[0])], ['alerts', (x) => el('a', { href: '#alerts', on: { click: () => { alertService = id; } } }, x[1])]], Object.entries(d.alerts)),
      el('h3', null, t('dlp_by_class')),
      d.dlp.length ? table([['dlp_class', (x) => lab('dlp_class', x.class)], ['value', (x) => x.findings]], d.dlp) : el('p', { class: 'muted' }, '\u2013'))));
  v.append(el('h3', null, t('decision')), el('pre', { class: 'yaml', id: 'yaml' }, yamlFor(s)));
  if (!window.Chart) return;
  const days = {}, vs = new Set();
  for (const r of d.days) {
    const day = new Date(r.day * 1000).toISOString().slice(0, 10);
    days[day] = days[day] || {}; days[day][r.verdict] = (days[day][r.verdict] || 0) + r.flows + r.lookups; vs.add(r.verdict);
  }
  const labels = Object.keys(days).sort();
  charts.push(new window.Chart(c, { type: 'bar', options: { maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true } } },
    data: { labels, datasets: [...vs].map((x) => ({ label: labText('verdict', x), data: labels.map((l) => days[l][x] || 0), backgroundColor: colors[x] || '#607d8b' })) } }));
}

async function users(v) {
  const d = await json('/api/v1/users');
  const msg = el('p', { id: 'user-msg' });
  const post = async (body) => {
    const r = await api('/api/v1/users', { method: 'POST', body: new URLSearchParams(body) });
    const j = await r.json().catch(() => ({}));
    if (!r.ok) { msg.textContent = t('refused') + ': ' + (j.error || r.status); return; }
    render();
  };
  const roles = ['viewer', 'analyst', 'privacy_officer', 'admin'];
  const roleSel = (u) => {
    const x = el('select', { class: 'role', on: { change: () => post({ action: 'set', name: u.name, role: x.value }) } },
      ...roles.map((r) => el('option', { value: r }, t('role_' + r))));
    x.value = u.role; return x;
  };
  if (!d.users) { v.append(el('p', { class: 'err' }, t('refused'))); return; }
  v.append(msg, table([
    ['user', (u) => u.name], ['role', roleSel], ['created', (u) => tcell(u.created)],
    ['status', (u) => (u.disabled ? t('disabled') : t('active'))],
    ['', (u) => el('button', { type: 'button', class: 'toggle', on: { click: () => post({ action: 'set', name: u.name, disabled: u.disabled ? '0' : '1' }) } }, u.disabled ? t('enable') : t('disable'))],
  ], d.users, (u) => (u.disabled ? 'muted' : '')));
  const nm = el('input', { id: 'new-user', placeholder: t('user') });
  const pw = el('input', { id: 'new-pass', type: 'password', placeholder: t('password') + ' (>= 10)', autocomplete: 'new-password' });
  const rl = el('select', { id: 'new-role' }, ...roles.map((r) => el('option', { value: r }, t('role_' + r))));
  v.append(el('h3', null, t('add_user')), el('div', { class: 'toolbar' }, nm, rl, pw,
    el('button', { id: 'add-user', type: 'button', on: { click: () => post({ action: 'add', name: nm.value, role: rl.value, password: pw.value }) } }, t('add_user'))));
}

const pages = { overview, services, alerts, clients, policy, health, users };

async function render() {
  if (!me) return;
  while (charts.length) charts.pop().destroy();
  const hash = (location.hash || '#overview').slice(1);
  const v = $('view');
  if (hash.startsWith('service/')) {
    document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('href') === '#services'));
    v.replaceChildren();
    try { await serviceDetail(v, decodeURIComponent(hash.slice(8))); } catch (e) { if (e.message !== '401') v.append(el('p', { class: 'err' }, String(e))); }
    return;
  }
  const page = pages[hash] ? hash : 'overview';
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('href') === '#' + page));
  v.replaceChildren(el('h2', null, t(page)));
  try { await pages[page](v); } catch (e) { if (e.message !== '401') v.append(el('p', { class: 'err' }, String(e))); }
}

async function start() {
  applyLang();
  const r = await fetch('/api/v1/session', { credentials: 'same-origin' });
  if (r.ok) {
    me = await r.json(); csrf = me.csrf;
    try { vocab = await json('/api/v1/vocab'); } catch (e) { vocab = {}; }
    $('login').hidden = true; $('nav').hidden = false; $('logout').hidden = false;
    $('nav-users').hidden = me.role !== 'admin';
    $('who').textContent = me.user + ' (' + t('role_' + me.role) + ')'; render();
  } else showLogin();
}

$('login').addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = new URLSearchParams({ user: $('user').value, password: $('password').value });
  const r = await fetch('/api/v1/login', { method: 'POST', body, credentials: 'same-origin' });
  if (!r.ok) { $('loginerr').textContent = t('wrong_login'); return; }
  $('password').value = ''; $('loginerr').textContent = '';
  start();
});
$('logout').addEventListener('click', async () => { await api('/api/v1/logout', { method: 'POST' }); me = null; showLogin(); });
$('lang').addEventListener('click', () => { lang = lang === 'nl' ? 'en' : 'nl'; localStorage.setItem('lang', lang); applyLang(); render(); });
$('range').addEventListener('change', () => {
  const c = $('range').value === 'custom';
  $('custom').hidden = !c;
  if (c && !$('from').value) {
    const now = new Date(); $('to').value = now.toISOString().slice(0, 10);
    $('from').value = new Date(now - 7 * 86400000).toISOString().slice(0, 10);
  }
  render();
});
$('from').addEventListener('change', render);
$('to').addEventListener('change', render);
window.addEventListener('hashchange', render);
start();
