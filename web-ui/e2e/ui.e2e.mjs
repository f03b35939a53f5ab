// Browser tests of the UI against a server fed by the demo capture (./intuition demo), in Debian's
// headless Chromium driven by playwright-core. The page goes through a TCP proxy of this script so
// that the network between browser and server can really be cut.
// Usage: node e2e/ui.e2e.mjs SERVER_URL TOKEN SCREENSHOT_DIR
import net from 'node:net';
import { mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { launch } from './browser.mjs';

const [server, token, shots = 'target/e2e'] = process.argv.slice(2);
if (!server || !token) {
  console.error('usage: node e2e/ui.e2e.mjs SERVER_URL TOKEN [SCREENSHOT_DIR]');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const target = new URL(server);
const failures = [];
const results = [];
let step = '';

function check(condition, message) {
  if (!condition) {
    failures.push(`${step}: ${message}`);
    console.error(`  FAIL ${message}`);
  }
  return condition;
}

async function run(name, fn) {
  step = name;
  const started = Date.now();
  try {
    await fn();
  } catch (e) {
    failures.push(`${name}: ${e.stack || e}`);
    console.error(`  FAIL ${name}: ${e.message}`);
  }
  results.push(`${failures.some((f) => f.startsWith(name + ':')) ? 'FAIL' : 'ok  '} ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  console.log(results[results.length - 1]);
}

// ---- a proxy whose connections can be cut -------------------------------------------------------
const sockets = new Set();
let refusing = false;
const proxy = net.createServer((client) => {
  if (refusing) {
    client.destroy();
    return;
  }
  const upstream = net.connect(Number(target.port), target.hostname);
  sockets.add(client);
  sockets.add(upstream);
  client.pipe(upstream).pipe(client);
  const end = () => {
    client.destroy();
    upstream.destroy();
    sockets.delete(client);
    sockets.delete(upstream);
  };
  client.on('error', end).on('close', end);
  upstream.on('error', end).on('close', end);
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${proxy.address().port}/`;
function cut() {
  refusing = true;
  for (const s of sockets) s.destroy();
  sockets.clear();
}

// ---- the browser ---------------------------------------------------------------------------------
const context = await launch();
const page = await context.newPage();
const consoleErrors = [];
// While the test cuts the network, the browser itself logs every request that the cut breaks: the
// reconnections of the stream, and any regular request that was on its way (a response cut in the
// middle is ERR_INCOMPLETE_CHUNKED_ENCODING, a socket torn down ERR_SOCKET_NOT_CONNECTED). Those are
// the cut, not the page; what the page itself throws (pageerror) is never excused.
let cutting = false;
const watch = (p) => {
  p.on('console', (m) => {
    const cutOff = cutting && (m.text().includes('/ws/graph') || /net::ERR_[A-Z_]+/.test(m.text()));
    if (m.type() === 'error' && !cutOff) consoleErrors.push(m.text());
  });
  p.on('pageerror', (e) => consoleErrors.push(e.message));
};
watch(page);

const state = (p = page) => p.evaluate(() => {
  const a = window.__intuition;
  return {
    nodes: a.view.nodes.map((n) => ({ id: n.id, health: n.health, replicas: n.replicas })),
    edges: a.view.edges.map((e) => ({ id: e.id, health: e.health, error: e.calls.error, total: e.calls.ok + e.calls.warning + e.calls.error })),
    updates: a.updates,
    to: a.graph.to,
    state: a.state,
    fps: a.renderer.fps(),
  };
});
/** Screen point of a node, or of the middle of an edge's curve. */
const where = (kind, id, p = page) => p.evaluate(([kind, id]) => {
  const a = window.__intuition;
  const canvas = document.getElementById('graph').getBoundingClientRect();
  if (kind === 'node') {
    const s = a.renderer.toScreen(a.layout.position(id));
    return { x: canvas.left + s.x, y: canvas.top + s.y };
  }
  const s = a.renderer.toScreen(a.renderer.edgeMidpoint(id));
  return { x: canvas.left + s.x, y: canvas.top + s.y };
}, [kind, id]);

const SERVICES = ['INTERNET', 'shop_web', 'shop_api', 'shop_recommendations', 'shop_worker', 'data_redis',
  'data_postgres', 'data_mysql', 'api.payments.example'];
const EDGES = ['INTERNET>shop_web', 'shop_web>shop_api', 'shop_api>data_redis', 'shop_api>data_postgres',
  'shop_api>data_mysql', 'shop_api>shop_recommendations', 'shop_api>api.payments.example',
  'shop_worker>data_redis', 'shop_worker>data_postgres', 'shop_worker>data_mysql', 'shop_recommendations>data_redis'];
const FAILING = 'shop_api>shop_recommendations';

await run('the expected services and edges appear', async () => {
  const started = Date.now();
  await page.goto(base);
  await page.waitForFunction(([services, edges]) => {
    const a = window.__intuition;
    const ids = new Set(a.view.nodes.map((n) => n.id));
    const eids = new Set(a.view.edges.map((e) => e.id));
    return services.every((s) => ids.has(s)) && edges.every((e) => eids.has(e));
  }, [SERVICES, EDGES], { timeout: 60000 });
  console.log(`    full graph in the browser ${((Date.now() - started) / 1000).toFixed(1)} s after opening the page`);
  await page.waitForTimeout(2500); // dots in flight
  const s = await state();
  check(s.nodes.find((n) => n.id === 'shop_api').replicas === 2, 'shop_api shows its 2 replicas');
  const groups = await page.evaluate(() => Object.fromEntries(window.__intuition.view.nodes.map((n) => [n.id, n.group])));
  check(groups.shop_api === 'shop' && groups.data_redis === 'data', `stacks known, drawn as islands (${JSON.stringify(groups)})`);
  // Animating at all is the check; how fast is scripts/bench-ui.sh's to measure, on a quiet machine.
  check(s.fps >= 1, `the graph animates (${s.fps.toFixed(0)} fps)`);
  await page.screenshot({ path: `${shots}/01-overview.png` });
});

await run('the failing edge is drawn as failing', async () => {
  const s = await state();
  const failing = s.edges.find((e) => e.id === FAILING);
  check(failing && failing.health === 'danger', `${FAILING} is in danger (${JSON.stringify(failing)})`);
  check(s.edges.find((e) => e.id === 'shop_api>data_redis').health === 'normal', 'shop_api>data_redis is normal');
  // On the canvas: the stroke around the middle of the failing edge is red.
  const p = await where('edge', FAILING);
  const red = await page.evaluate(({ x, y }) => {
    const canvas = document.getElementById('graph');
    const r = canvas.getBoundingClientRect();
    const k = canvas.width / r.width;
    const data = canvas.getContext('2d').getImageData(Math.round((x - r.left) * k) - 8, Math.round((y - r.top) * k) - 8, 17, 17).data;
    let reddest = 0;
    for (let i = 0; i < data.length; i += 4) reddest = Math.max(reddest, data[i] - Math.max(data[i + 1], data[i + 2]));
    return reddest;
  }, p);
  check(red > 25, `red pixels on the failing edge (reddest margin ${red})`);
});

await run('clicking an edge lists its transactions', async () => {
  const p = await where('edge', FAILING);
  await page.mouse.click(p.x, p.y);
  await page.waitForSelector('#panel:not([hidden]) table.transactions tbody tr.tx', { timeout: 10000 });
  check((await page.textContent('#panel h2')).includes('shop_recommendations'), 'the panel is the edge\'s');
  check(page.url().includes('edge=shop_api%3Eshop_recommendations') || page.url().includes('edge=shop_api>shop_recommendations'), `the URL holds the edge (${page.url()})`);
  await page.click('#panel button[data-filter="errors"]');
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('#panel table.transactions tr.tx')];
    return rows.length > 0 && rows.every((r) => r.classList.contains('outcome-error'));
  }, null, { timeout: 10000 });
  const statuses = await page.$$eval('#panel tr.tx td.tx-status', (tds) => tds.map((t) => t.textContent));
  check(statuses.every((s) => s === '503'), `only failing requests listed (${[...new Set(statuses)]})`);
  await page.click('#panel tr.tx');
  const fields = await page.textContent('#panel tr.tx-detail:not([hidden])');
  check(fields.includes('serverContainer') && fields.includes('shop_recommendations.1'), 'a row expands to all its fields');
  check(await page.isVisible('#panel .histogram svg'), 'the latency histogram is drawn');
  check((await page.$$('#panel .spark svg')).length === 2, 'rate and error-rate sparklines are drawn');
  await page.screenshot({ path: `${shots}/02-edge-panel.png` });
});

await run('an edge\'s endpoints filter its access log', async () => {
  await page.waitForSelector('#panel tr[data-endpoint]', { timeout: 10000 });
  const endpoint = await page.getAttribute('#panel tr[data-endpoint]', 'data-endpoint');
  check(/^[A-Z]+ \//.test(endpoint), `an HTTP endpoint is listed (${endpoint})`);
  // The demo keeps running: what the API holds before the click and after the rows are read
  // bounds what the panel may show.
  const q = new URLSearchParams({ client: 'shop_api', server: 'shop_recommendations', endpoint, outcome: 'error', limit: '50' });
  const before = await (await fetch(new URL(`api/v1/transactions?${q}`, server))).json();
  await page.click(`#panel tr[data-endpoint="${endpoint}"]`);
  await page.waitForSelector('#panel tr.chosen[data-endpoint]', { timeout: 10000 });
  check((await page.textContent('#panel .tabs .filter')) === endpoint, 'the access log says which endpoint it shows');
  const rows = await page.$$('#panel table.transactions tr.tx');
  const after = await (await fetch(new URL(`api/v1/transactions?${q}`, server))).json();
  check(before.count > 0 && rows.length >= before.count && rows.length <= after.count, `the rows are the endpoint's (${rows.length} rows, ${before.count} to ${after.count} from the API)`);
  check((await page.textContent('#panel')).includes('Agents keep a sample'), 'the access log says it is a sample');
  await page.click('#panel button[data-clear-endpoint]');
  await page.waitForFunction(() => !document.querySelector('#panel tr.chosen'), null, { timeout: 10000 });
});

await run('clicking a service lists its containers', async () => {
  await page.keyboard.press('Escape');
  const p = await where('node', 'shop_api');
  await page.mouse.click(p.x, p.y);
  await page.waitForSelector('#panel:not([hidden]) table.grid td.name', { timeout: 10000 });
  const containers = await page.$$eval('#panel section:nth-of-type(1) td.name', (tds) => tds.map((t) => t.textContent));
  check(containers.length === 2 && containers.every((c) => c.startsWith('shop_api.')), `shop_api's two containers (${containers})`);
  const text = await page.textContent('#panel');
  check(text.includes('Callers') && text.includes('shop_web') && text.includes('data_postgres'), 'callers and callees listed');
  await page.screenshot({ path: `${shots}/03-service-panel.png` });
});

let shared;
await run('the time-travel slider shows an earlier state', async () => {
  const live = await state();
  const liveCalls = live.edges.reduce((a, e) => a + e.total, 0);
  // A moment with traffic before it: the demo must have run for a while.
  for (let i = 0; i < 60; i++) {
    const info = await (await fetch(new URL('api/v1/info', server))).json();
    if (info.oldest && Date.parse(info.now) - Date.parse(info.oldest) >= 30000) break;
    await page.waitForTimeout(1000);
  }
  await page.waitForTimeout(1500); // the slider's range follows the server's info each second
  const slider = page.locator('#time');
  const max = Number(await slider.getAttribute('max'));
  const at = max - 10;
  await slider.fill(String(at));
  await page.waitForFunction((at) => window.__intuition.state.at !== null && Math.abs(Date.parse(window.__intuition.graph.to) / 1000 - at) < 2, at, { timeout: 10000 });
  const past = await state();
  const pastCalls = past.edges.reduce((a, e) => a + e.total, 0);
  check(await page.textContent('#mode') === 'HISTORY', 'the badge says HISTORY');
  check(pastCalls > 0 && pastCalls !== liveCalls, `the earlier graph has traffic and differs (${pastCalls} calls then, ${liveCalls} live)`);
  check(page.url().includes('at='), 'the URL holds the moment');
  await page.waitForTimeout(1500);
  const later = await state();
  check(later.to === past.to, 'the stream does not overwrite the past');
  shared = page.url();
  await page.screenshot({ path: `${shots}/04-time-travel.png` });
});

await run('a shared URL restores the same view', async () => {
  const other = await context.newPage();
  watch(other);
  await other.goto(shared);
  await other.waitForFunction(() => window.__intuition.view.nodes.length > 0, null, { timeout: 15000 });
  await other.waitForSelector('#panel:not([hidden]) table.grid td.name', { timeout: 10000 });
  const a = await state(page);
  const b = await state(other);
  check(JSON.stringify(a.state) === JSON.stringify(b.state), `same view state (${JSON.stringify(b.state)})`);
  check(a.to === b.to, `same moment (${a.to} / ${b.to})`);
  check((await other.textContent('#panel h2')) === (await page.textContent('#panel h2')), 'same panel');
  check(JSON.stringify(a.nodes.map((n) => n.id)) === JSON.stringify(b.nodes.map((n) => n.id)), 'same services');
  await other.screenshot({ path: `${shots}/05-shared-url.png` });
  await other.close();
});

await run('losing the WebSocket shows the banner and recovers', async () => {
  await page.click('#live');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => window.__intuition.state.at === null && window.__intuition.streamStatus.state === 'open', null, { timeout: 10000 });
  cutting = true;
  cut();
  await page.waitForSelector('#banner.lost:not([hidden])', { timeout: 10000 });
  check((await page.textContent('#banner')).includes('Live stream lost'), 'the banner says the stream is lost');
  await page.screenshot({ path: `${shots}/06-stream-lost.png` });
  await page.waitForTimeout(3000);
  refusing = false;
  const before = (await state()).updates;
  await page.waitForFunction(() => window.__intuition.streamStatus.state === 'open', null, { timeout: 30000 });
  await page.waitForFunction((n) => window.__intuition.updates > n + 1, before, { timeout: 15000 });
  await page.waitForSelector('#banner', { state: 'hidden', timeout: 10000 });
  cutting = false;
});

// The time is reported (README: Performance; the target is 2 s); the check allows a busy machine.
await run('a new edge is visible in the browser', async () => {
  const now = new Date();
  const probe = `probe-${now.getTime()}`; // new on every run, even against a server already probed
  const tx = (i) => ({
    protocol: 'http', client: { ip: '10.99.0.1', port: 40000 + i }, server: { ip: '10.99.0.2', port: 80 },
    start: new Date(now.getTime() - 5).toISOString(), end: now.toISOString(), durationMicros: 5000,
    method: 'GET', resource: '/new', status: '200', outcome: 'ok', requestBytes: 100, responseBytes: 200,
    notes: [], clientService: `${probe}_client`, serverService: `${probe}_server`, clientContainer: `${probe}_client.1`,
    serverContainer: `${probe}_server.1`, observedAt: 'server',
  });
  const body = gzipSync(JSON.stringify({
    version: 1, agent: { id: 'e2e', host: 'e2e', version: 'test' }, sequence: 1, sentAt: now.toISOString(),
    transactions: [tx(1), tx(2), tx(3)],
  }));
  const sent = Date.now();
  const response = await fetch(new URL('api/v1/ingest', server), {
    method: 'POST', body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-intuition-wire-version': '1' },
  });
  check(response.status === 202, `ingest accepted (${response.status})`);
  await page.waitForFunction((probe) => window.__intuition.view.edges.some((e) => e.id === `${probe}_client>${probe}_server`)
    && window.__intuition.renderer.lastUpdateToPaint !== null, probe, { timeout: 30000, polling: 'raf' });
  const ms = Date.now() - sent;
  console.log(`    new edge painted ${ms} ms after the ingest request (target: 2 s)`);
  check(ms <= 15000, `visible within seconds (took ${ms} ms)`);
});

await run('level of detail: stacks collapse, failing only, search', async () => {
  await page.click('#collapse');
  await page.waitForFunction(() => window.__intuition.view.nodes.some((n) => n.id === 'stack:shop'), null, { timeout: 5000 });
  let s = await state();
  check(s.nodes.some((n) => n.id === 'stack:data') && !s.nodes.some((n) => n.id === 'shop_api'), 'both stacks collapsed');
  check(page.url().includes('collapse='), 'the URL holds the collapsed stacks');
  await page.screenshot({ path: `${shots}/09-collapsed.png` });
  await page.click('#collapse');
  await page.check('#errors');
  s = await state();
  check(s.edges.length > 0 && s.edges.every((e) => e.error > 0 || e.health !== 'normal'), `only failing edges (${s.edges.map((e) => e.id)})`);
  check(!s.edges.some((e) => e.id === 'shop_worker>data_redis'), 'a healthy edge is hidden');
  await page.uncheck('#errors');
  await page.fill('#search', 'redis');
  const matches = await page.evaluate(() => window.__intuition.view.nodes.filter((n) => n.match).map((n) => n.id));
  check(JSON.stringify(matches) === '["data_redis"]', `the search finds data_redis (${matches})`);
  await page.fill('#search', '');
});

await run('dragging a service moves it alone, and it stays after a reload', async () => {
  const positions = () => page.evaluate(() => Object.fromEntries(window.__intuition.view.nodes
    .map((n) => [n.id, window.__intuition.layout.position(n.id)])));
  const before = await positions();
  const p = await where('node', 'shop_worker');
  await page.mouse.move(p.x, p.y);
  await page.mouse.down();
  await page.mouse.move(p.x + 40, p.y + 60, { steps: 8 });
  await page.mouse.up();
  const after = await positions();
  check(after.shop_worker.y > before.shop_worker.y + 20, `shop_worker moved (${JSON.stringify(before.shop_worker)} -> ${JSON.stringify(after.shop_worker)})`);
  const moved = Object.keys(before).filter((id) => id !== 'shop_worker' && JSON.stringify(before[id]) !== JSON.stringify(after[id]));
  check(moved.length === 0, `nothing else moved (${moved})`);
  await page.reload();
  await page.waitForFunction(() => window.__intuition.view.nodes.some((n) => n.id === 'shop_worker'), null, { timeout: 15000 });
  const reloaded = await positions();
  check(JSON.stringify(reloaded.shop_worker) === JSON.stringify(after.shop_worker), 'the dropped place survives a reload');
  await page.click('#tidy');
});

await run('the legend and the tour explain the picture', async () => {
  await page.click('#legend-button');
  check((await page.textContent('#legend')).includes('a dot: calls in flight'), 'the legend explains dots');
  await page.screenshot({ path: `${shots}/07-legend.png` });
  await page.click('#legend-button');
  await page.click('#tour-button');
  for (let i = 0; i < 3; i++) await page.click('.tour-box button.accent');
  check((await page.textContent('.tour-box')).includes('An edge and its dots'), 'the tour reaches edges');
  await page.screenshot({ path: `${shots}/08-tour.png` });
  await page.keyboard.press('Escape');
});

check(consoleErrors.length === 0, `no console errors (${consoleErrors.join(' | ')})`);
await context.close();
proxy.close();
console.log(`\n${results.join('\n')}\nscreenshots in ${shots}`);
if (failures.length) {
  console.error(`\n${failures.length} failure(s):\n${failures.join('\n')}`);
  process.exit(1);
}
