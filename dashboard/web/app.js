// app.js - the dashboard pages.  Every value from traffic is put into the
// page with textContent only (el()), never as HTML.
import { texts } from './i18n.js';

let lang = localStorage.getItem('lang') || 'nl';
let csrf = '';
let me = null;
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

function fmtTime(s) { return s ? new Date(s * 1000).toISOString().slice(0, 16).replace('T', ' ') : ''; }

async function api(path, opts) {
  const o = Object.assign({ credentials: 'same-origin', headers: {} }, opts || {});
  if (o.method === 'POST') o.headers['X-CSRF-Token'] = csrf;
  const r = await fetch(path, o);
  if (r.status === 401) { showLogin(); throw new Error('401'); }
  return r;
}
async function json(path) { return (await api(path)).json(); }
function rangeQ() { return 'range=' + encodeURIComponent($('range').value); }

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

function verdictCell(v) { return el('span', { class: 'v-' + v }, t(v) === v ? v : t(v)); }

const colors = { prohibited: '#c62828', unreviewed: '#f9a825', tolerated: '#8d6e63', sanctioned: '#2e7d32' };

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
  if (!window.Chart) return;
  const days = {}, vs = new Set();
  for (const r of d.timeline) {
    const day = new Date(r.hour * 1000).toISOString().slice(0, 10);
    days[day] = days[day] || {}; days[day][r.verdict] = (days[day][r.verdict] || 0) + r.flows + r.lookups; vs.add(r.verdict);
  }
  const labels = Object.keys(days).sort();
  charts.push(new window.Chart(c1, { type: 'bar', options: { maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true } } },
    data: { labels, datasets: [...vs].map((x) => ({ label: t(x), data: labels.map((l) => days[l][x] || 0), backgroundColor: colors[x] || '#607d8b' })) } }));
  const cls = {};
  for (const r of d.dlp) cls[r.class] = (cls[r.class] || 0) + r.findings;
  charts.push(new window.Chart(c2, { type: 'doughnut', options: { maintainAspectRatio: false, animation: false },
    data: { labels: Object.keys(cls), datasets: [{ data: Object.values(cls), backgroundColor: ['#1565c0', '#c62828', '#f9a825', '#2e7d32', '#6a1b9a', '#00838f', '#8d6e63'] }] } }));
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
    ['first_seen', (s) => fmtTime(s.first_seen)], ['last_seen', (s) => fmtTime(s.last_seen)],
    ['clients', (s) => s.clients], ['flows', (s) => s.flows], ['bytes_up', (s) => s.bytes_up],
  ], d.services, (s) => (s.unreviewed ? 'unreviewed' : '')));
  v.append(el('h3', null, t('decision')), pre);
  if (d.services.length) sel(d.services[0]);
}

async function alerts(v) {
  const sev = el('select', { id: 'f-sev' }, ...['', 'low', 'medium', 'high', 'critical'].map((k) => el('option', { value: k }, k || '*')));
  const stf = el('select', { id: 'f-status' }, ...['', 'new', 'investigating', 'handled', 'false_positive'].map((k) => el('option', { value: k }, k ? t(k) : '*')));
  const count = el('span', { id: 'count' });
  const kind = el('select', { id: 'f-kind' }, ...['', 'access', 'upload', 'dlp', 'visibility'].map((k) => el('option', { value: k }, k || '*')));
  const status = el('select', { id: 'set-status' }, ...['investigating', 'handled', 'false_positive', 'new'].map((k) => el('option', { value: k }, t(k))));
  const note = el('input', { id: 'note', placeholder: t('note') });
  const box = el('div');
  const load = async () => {
    const q = rangeQ() + (kind.value ? '&kind=' + encodeURIComponent(kind.value) : '') +
      (sev.value ? '&severity=' + encodeURIComponent(sev.value) : '') +
      (stf.value ? '&status=' + encodeURIComponent(stf.value) : '') + '&limit=50';
    const d = await json('/api/v1/alerts?' + q);
    count.textContent = d.alerts.length + ' / ' + d.total;
    box.replaceChildren(table([
      ['', (a) => el('input', { type: 'checkbox', class: 'sel', value: a.key })],
      ['time', (a) => fmtTime(a.ts)], ['sensor', (a) => a.sensor], ['kind', (a) => a.kind],
      ['severity', (a) => a.severity], ['service', (a) => a.service], ['verdict', (a) => verdictCell(a.verdict)],
      ['client', (a) => a.client], ['alerts', (a) => a.signature], ['status', (a) => el('span', { class: 'st' }, t(a.status))],
    ], d.alerts));
  };
  const apply = async () => {
    const keys = [...box.querySelectorAll('input.sel:checked')].map((x) => x.value);
    if (!keys.length) return;
    const body = new URLSearchParams({ keys: keys.join(','), status: status.value, note: note.value });
    await api('/api/v1/alerts/triage', { method: 'POST', body });
    await load();
  };
  const csv = el('a', { id: 'csv', href: '#alerts', on: { click: async (e) => {
    e.preventDefault();
    const r = await api('/api/v1/alerts.csv?' + rangeQ() + (kind.value ? '&kind=' + encodeURIComponent(kind.value) : ''));
    const b = await r.blob(); const u = URL.createObjectURL(b);
    const a = el('a', { href: u, download: 'alerts.csv' }); document.body.append(a); a.click(); a.remove();
  } } }, t('export'));
  kind.addEventListener('change', load); sev.addEventListener('change', load); stf.addEventListener('change', load);
  v.append(el('div', { class: 'toolbar' }, t('kind'), kind, t('severity'), sev, t('status'), stf, count, ' |', t('set_status'), status, note,
    el('button', { id: 'apply', type: 'button', on: { click: apply } }, t('apply')), csv), box);
  await load();
}

async function clients(v) {
  const d = await json('/api/v1/clients?' + rangeQ());
  const out = el('p', { id: 'reid-out' });
  const reid = async (c) => {
    const reason = window.prompt(t('reason'));
    if (!reason) return;
    const r = await api('/api/v1/clients/' + encodeURIComponent(c.client) + '/reid', { method: 'POST', body: new URLSearchParams({ reason }) });
    const j = await r.json();
    out.textContent = r.ok ? c.client + ' = ' + j.address : t('refused') + ': ' + (j.message || j.error || r.status);
  };
  v.append(out, table([
    ['client', (c) => c.client], ['sensor', (c) => c.sensor], ['flows', (c) => c.flows], ['services', (c) => c.services],
    ['bytes_up', (c) => c.bytes_up], ['alerts', (c) => c.alerts],
    ['reid', (c) => (me && me.role === 'privacy_officer' ? el('button', { type: 'button', on: { click: () => reid(c) } }, t('reid')) : '')],
  ], d.clients));
}

async function policy(v) {
  const d = await json('/api/v1/policy');
  v.append(el('h3', null, t('history')), table([
    ['time', (p) => fmtTime(p.ts)], ['sensor', (p) => p.sensor], ['policy', (p) => p.version], ['kind', (p) => p.action],
    ['status', (p) => p.summary], ['alerts', (p) => (p.errors ? p.detail : '')]], d.history));
  v.append(el('h3', null, t('exceptions')), table([
    ['service', (x) => x.service], ['client', (x) => x.zone], ['verdict', (x) => verdictCell(x.verdict)],
    ['owner', (x) => x.owner], ['policy', (x) => x.reference],
    ['until', (x) => (x.valid_until ? fmtTime(x.valid_until) : '') + (x.expiring ? ' (' + t('expiring') + ')' : '')]],
  d.exceptions, (x) => (x.expiring ? 'unreviewed' : '')));
}

async function health(v) {
  const d = await json('/api/v1/health');
  v.append(table([['sensor', (s) => s.sensor], ['counter', (s) => s.name], ['value', (s) => s.value], ['time', (s) => fmtTime(s.ts)]], d.stats));
}

const pages = { overview, services, alerts, clients, policy, health };

async function render() {
  if (!me) return;
  while (charts.length) charts.pop().destroy();
  const name = (location.hash || '#overview').slice(1);
  const page = pages[name] ? name : 'overview';
  document.querySelectorAll('#nav a').forEach((a) => a.classList.toggle('active', a.getAttribute('href') === '#' + page));
  const v = $('view');
  v.replaceChildren(el('h2', null, t(page)));
  try { await pages[page](v); } catch (e) { if (e.message !== '401') v.append(el('p', { class: 'err' }, String(e))); }
}

async function start() {
  applyLang();
  const r = await fetch('/api/v1/session', { credentials: 'same-origin' });
  if (r.ok) { me = await r.json(); csrf = me.csrf; $('login').hidden = true; $('nav').hidden = false; $('logout').hidden = false; $('who').textContent = me.user + ' (' + me.role + ')'; render(); } else showLogin();
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
$('range').addEventListener('change', render);
window.addEventListener('hashchange', render);
start();
