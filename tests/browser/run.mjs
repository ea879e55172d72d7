// run.mjs URL OUTDIR - drive Debian's chromium with playwright-core through
// the dashboard; TAP lines on stdout; screenshots of every page in OUTDIR.
import { chromium } from 'playwright-core';
import fs from 'node:fs';

const [url, out, url4] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });
let failed = 0;
const ok = (c, m) => { console.log((c ? 'ok - ' : 'not ok - ') + 'browser: ' + m); if (!c) failed++; };

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const ctx = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  let alerted = 0; const errors = [];
  page.on('dialog', async (d) => { if (d.type() === 'prompt') await d.accept('incident 42 (browser test)'); else { alerted++; await d.dismiss(); } });
  page.on('pageerror', (e) => errors.push(String(e)));
  // CSP forbids eval, which waitForFunction needs: poll page.evaluate.
  const until = async (fn, arg) => {
    for (let i = 0; i < 100; i++) { if (await page.evaluate(fn, arg)) return true; await page.waitForTimeout(100); }
    throw new Error('condition not met: ' + fn.toString().slice(0, 80));
  };
  const shot = (n) => page.screenshot({ path: `${out}/${n}.png`, fullPage: true });
  const login = async (u, p, base) => {
    await page.goto((base || url) + '/');
    await page.waitForSelector('#login:not([hidden])');
    await page.fill('#user', u); await page.fill('#password', p);
    await page.click('#loginbtn');
    await page.waitForSelector('#nav:not([hidden])');
  };
  await page.goto(url + '/');
  await page.waitForSelector('#login:not([hidden])');
  ok(await page.textContent('#loginbtn') === 'Inloggen', 'Dutch is the default');
  await shot('login');
  await login('ann', 'analyst-pass-1');
  await page.waitForSelector('#n-flows');
  await until(() => window.Chart && window.Chart.getChart('chart-time') && window.Chart.getChart('chart-dlp'));
  const drawn = await page.evaluate(() => {
    const c = document.getElementById('chart-time'); const g = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < g.length; i += 4) if (g[i]) n++; return n;
  });
  ok(drawn > 1000, `overview chart drawn (${drawn} painted pixels)`);
  ok(Number(await page.textContent('#n-flows')) > 0, 'overview shows flows');
  await shot('overview');

  await page.click('a[href="#services"]');
  await page.waitForSelector('tr.unreviewed');
  ok(await page.locator('tr.unreviewed').count() > 0, 'unreviewed services highlighted');
  ok((await page.textContent('body')).includes('<script>alert(1)</script>'), 'hostile service name shown as text');
  await page.locator('table a').first().click();
  ok((await page.textContent('#yaml')).includes('exceptions:'), 'decision YAML shown');
  await shot('services');
  await page.locator('a.drill').first().click();
  await page.waitForSelector('#svc-flows');
  await until(() => window.Chart && window.Chart.getChart('chart-svc'));
  ok(Number(await page.textContent('#svc-flows')) > 0, 'service drill-down shows flows and a trend chart');
  ok((await page.textContent('#yaml')).includes('defaults:'), 'drill-down shows the decision YAML');
  await shot('service');

  await page.click('a[href="#alerts"]');
  await page.waitForSelector('input.sel');
  const key = await page.locator('input.sel').first().getAttribute('value');
  await page.locator('input.sel').first().check();
  await page.selectOption('#set-status', 'handled');
  await page.click('#apply');
  let st = '';
  for (let i = 0; i < 100 && st !== 'afgehandeld'; i++) {
    st = await page.evaluate((k) => { const x = [...document.querySelectorAll('input.sel')].find((y) => y.value === k); return x ? x.closest('tr').querySelector('.st').textContent : ''; }, key);
    if (st !== 'afgehandeld') await page.waitForTimeout(100);
  }
  ok(st === 'afgehandeld', 'triage an alert (status afgehandeld shown)');
  const kinds = await page.evaluate(() => [...document.querySelectorAll('td span[title]')].map((x) => [x.title, x.textContent]));
  ok(kinds.some(([w, l]) => w === 'high' && l === 'hoog'), 'severity shown as its Dutch label, wire name as tooltip');
  ok(!kinds.some(([w, l]) => ['api_key', 'access', 'high', 'prohibited'].includes(w) && l === w), 'no wire name shown as a label');
  await shot('alerts');
  await page.locator('button.notes-btn').first().click();
  await page.waitForSelector('#note-text');
  await page.fill('#note-text', '<img src=x onerror=alert(7)> noted');
  await page.click('#note-add');
  await until(() => document.getElementById('notes').textContent.includes('noted'));
  ok(true, 'note added and shown');
  const first = await page.locator('input.sel').first().getAttribute('value');
  await page.click('#next');
  await until((k) => { const x = document.querySelector('input.sel'); return x && x.value !== k; }, first);
  ok((await page.textContent('#count')).startsWith('51-'), 'next page of alerts (51-...)');
  await shot('alerts-page2');
  await page.click('#prev');
  await until((k) => { const x = document.querySelector('input.sel'); return x && x.value === k; }, first);
  ok(true, 'previous page returns to the first');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
  const csv = fs.readFileSync(await dl.path(), 'utf8');
  ok(csv.split('\r\n').length > 2, 'CSV exported');
  ok(!/(^|,)"[=+\-@]/m.test(csv), 'CSV cells never start with a formula character');

  await page.click('a[href="#clients"]');
  await page.waitForSelector('table');
  ok(await page.locator('button', { hasText: 'Heridentificeren' }).count() === 0, 'analyst sees no re-identify button');
  await shot('clients');
  await page.click('a[href="#policy"]'); await page.waitForSelector('table'); await shot('policy');
  await page.click('a[href="#health"]'); await page.waitForSelector('b.eps'); await shot('health');
  ok(await page.locator('b.eps').count() === 2, 'health shows both sensors');
  ok(await page.locator('#nav-users').isHidden(), 'analyst sees no user admin');
  await page.selectOption('#range', 'custom');
  await page.waitForSelector('#custom:not([hidden])');
  await page.fill('#from', '2026-11-03'); await page.dispatchEvent('#from', 'change');
  await page.fill('#to', '2026-11-20'); await page.dispatchEvent('#to', 'change');
  await page.click('a[href="#overview"]');
  await page.waitForSelector('#n-flows');
  await shot('overview-custom');
  await page.selectOption('#range', 'all');

  await page.click('#lang');
  await until(() => document.querySelector('a[href="#overview"]').textContent === 'Overview');
  ok(true, 'language switch to English');
  await page.click('a[href="#overview"]');
  await page.waitForSelector('#n-flows');
  await shot('overview-en');
  await page.click('#lang');

  await page.click('#logout');
  await login('pat', 'officer-pass-1');
  await page.click('a[href="#clients"]');
  await page.waitForSelector('table');
  const btn = page.locator('button', { hasText: 'Heridentificeren' });
  ok(await btn.count() > 0, 'privacy officer sees re-identify');
  await btn.first().click();
  await until(() => document.getElementById('reid-out').textContent !== '');
  console.log('# reid result: ' + (await page.textContent('#reid-out')));
  await shot('clients-officer');

  // four-eyes (a second dashboard whose sensor DB says privacy.four_eyes = 1):
  // officer A requests, officer B approves, A alone opens the identity
  if (url4) {
    const out4 = () => page.textContent('#reid-out');
    await page.click('#logout');
    await login('pat', 'officer-pass-1', url4);
    await page.click('a[href="#clients"]');
    await page.waitForSelector('button.reid-btn');
    const row = page.locator('tr', { hasText: 'st.db' }).first();
    await row.locator('button.reid-btn').click();
    await until(() => document.getElementById('reid-out').textContent !== '');
    ok((await out4()).startsWith('Vier ogen: het verzoek wacht'), 'four-eyes: officer A gets "pending" in Dutch: ' + await out4());
    await page.waitForSelector('.rs-pending');
    ok(await page.locator('button.reid-approve').count() === 0, 'four-eyes: A has no approve button on their own request');
    await shot('clients-foureyes-pending');
    await page.click('#logout');
    await login('oli', 'officer-pass-2', url4);
    await page.click('a[href="#clients"]');
    await page.waitForSelector('button.reid-approve');
    ok(true, 'four-eyes: officer B sees the pending request with approve/reject');
    await shot('clients-foureyes-approve');
    await page.locator('button.reid-approve').first().click();
    await until(() => document.getElementById('reid-out').textContent.startsWith('goedgekeurd'));
    ok(!/\d+\.\d+\.\d+\.\d+|:.*:/.test(await out4()), 'four-eyes: B sees no address after approving');
    await page.click('#logout');
    await login('pat', 'officer-pass-1', url4);
    await page.click('a[href="#clients"]');
    await page.waitForSelector('button.reid-open');
    await page.locator('button.reid-open').first().click();
    await until(() => document.getElementById('reid-out').textContent.includes(' = '));
    const addr = (await out4()).split(' = ')[1] || '';
    ok(/^(\d+\.){3}\d+$|:/.test(addr), 'four-eyes: A opens the identity after approval (' + addr + ')');
    await until(() => document.querySelector('.rs-opened') !== null);
    ok(await page.locator('button.reid-open').count() === 0, 'four-eyes: opened once, no second open button');
    await shot('clients-foureyes-opened');
    await page.click('#logout');
    await login('ann', 'analyst-pass-1', url4);
    await page.click('a[href="#clients"]');
    await page.waitForSelector('table');
    const st403 = await page.evaluate(async () => (await fetch('/api/v1/reid/requests')).status);
    ok(await page.locator('button.reid-btn').count() === 0 && st403 === 403, 'four-eyes: analyst has no button and the API refuses (403)');
  }

  await page.click('#logout');
  await login('adm', 'admin-pass-123');
  await page.click('#nav-users');
  await page.waitForSelector('button.toggle');
  ok(await page.locator('button.toggle').count() >= 3, 'admin sees the user list');
  await page.fill('#new-user', 'zed'); await page.fill('#new-pass', 'zed-password-1'); await page.selectOption('#new-role', 'viewer');
  await page.click('#add-user');
  await until(() => [...document.querySelectorAll('td')].some((x) => x.textContent === 'zed'));
  ok(true, 'admin adds a user');
  await shot('users');

  ok(alerted === 0, 'no hostile payload executed (no alert dialogs)');
  ok(await page.evaluate(() => document.querySelectorAll('img, script:not([src])').length) === 0, 'no injected img or inline script in the DOM');
  ok(errors.length === 0, 'no page errors ' + errors.join('; '));
} catch (e) {
  ok(false, 'run aborted: ' + e.message.split('\n')[0]);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
