// The UI's frame rate on a big system: a server fed with synthetic traffic between 300 services (10
// stacks) over 1000 edges, opened in headless Chromium (software rendering, no GPU). Reports frames
// per second while the graph animates and streams, and the time from each WebSocket update's arrival
// to the end of the frame that drew it ("painted": its script done) and to that frame's commit
// ("committed": the canvases rasterised and handed to the compositor, measured in the first task
// after the frame).
// Usage: node e2e/bench.mjs SERVER_URL TOKEN [SECONDS] [SERVICES] [EDGES]   (default 20 s, 300, 1000)
import { gzipSync } from 'node:zlib';
import { launch } from './browser.mjs';

const [server, token, secondsArg = '20', servicesArg = '300', edgesArg = '1000'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const SERVICES = Number(servicesArg);
const EDGES = Number(edgesArg);
if (!server || !token || !(seconds > 0) || !(SERVICES >= 20) || !(EDGES >= 10)
    || EDGES > SERVICES * (SERVICES - 1)) {
  console.error('usage: node e2e/bench.mjs SERVER_URL TOKEN [SECONDS] [SERVICES >= 20] [EDGES >= 10]');
  process.exit(2);
}

// A fixed random graph: 10 front services called from INTERNET, the rest called by others.
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const name = (i) => `svc-${String(i).padStart(3, '0')}`;
const ip = (i) => `10.${100 + Math.floor(i / 250)}.${Math.floor((i % 250) / 1)}.${10 + (i % 200)}`;
const edges = new Set();
const list = [];
for (let i = 0; i < 10; i++) list.push([-1, i]);
while (list.length < EDGES) {
  const a = Math.floor(random() * SERVICES);
  const b = Math.floor(random() * SERVICES);
  if (a === b || edges.has(`${a}>${b}`)) continue;
  edges.add(`${a}>${b}`);
  list.push([a, b]);
}
const inventory = {
  containers: Array.from({ length: SERVICES }, (_, i) => ({
    id: `c${i}`, name: `${name(i)}.1`, image: 'bench', service: name(i), task: `${name(i)}.1`,
    group: `stack-${Math.floor(i / 30)}`, addresses: { net: `10.200.${Math.floor(i / 200)}.${i % 200 + 1}` }, labels: {},
  })),
  services: [],
};
let sequence = 0;
async function send() {
  const now = Date.now();
  const transactions = [];
  for (const [a, b] of list) {
    for (let k = 0; k < 2; k++) {
      const micros = 200 + Math.floor(random() * 20000);
      const failed = random() < (b % 17 === 0 ? 0.2 : 0.01);
      transactions.push({
        protocol: 'http', client: { ip: '10.9.0.1', port: 40000 }, server: { ip: '10.9.0.2', port: 80 },
        start: new Date(now - micros / 1000).toISOString(), end: new Date(now).toISOString(), durationMicros: micros,
        method: 'GET', resource: '/x', status: failed ? '500' : '200', outcome: failed ? 'error' : 'ok',
        requestBytes: 200, responseBytes: 800, notes: [],
        clientService: a < 0 ? null : name(a), serverService: name(b),
        clientContainer: a < 0 ? null : `${name(a)}.1`, serverContainer: `${name(b)}.1`, observedAt: 'server',
      });
    }
  }
  const body = gzipSync(JSON.stringify({
    version: 1, agent: { id: 'bench', host: 'bench', version: 'bench' }, sequence: ++sequence,
    sentAt: new Date().toISOString(), transactions, inventory,
  }));
  const r = await fetch(new URL('api/v1/ingest', server), {
    method: 'POST', body,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': 'gzip', 'x-intuition-wire-version': '1' },
  });
  if (r.status !== 202) throw new Error(`ingest answered ${r.status}: ${await r.text()}`);
}

await send();
const feeder = setInterval(() => send().catch((e) => console.error(e.message)), 1000);
const context = await launch();
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(e.message));
await page.goto(server);
await page.waitForFunction((n) => window.__intuition.view.edges.length >= n, EDGES, { timeout: 60000 });
await page.waitForTimeout(3000); // the dots fill the edges
const result = await page.evaluate(async (seconds) => {
  const a = window.__intuition;
  a.paints.length = 0;
  a.commits.length = 0;
  for (const k of Object.keys(a.timings)) a.timings[k].length = 0;
  const frames = [];
  const started = performance.now();
  await new Promise((resolve) => {
    const tick = (t) => {
      frames.push(t);
      if (t - started < seconds * 1000) requestAnimationFrame(tick);
      else resolve();
    };
    requestAnimationFrame(tick);
  });
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((x, y) => x - y);
  const paints = [...a.paints].sort((x, y) => x - y);
  const commits = [...a.commits].sort((x, y) => x - y);
  const pct = (xs, p) => xs.length ? xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] : null;
  return {
    fps: (frames.length - 1) / ((frames[frames.length - 1] - frames[0]) / 1000),
    frameP50: pct(gaps, 50), frameP95: pct(gaps, 95), frameMax: gaps[gaps.length - 1],
    updates: paints.length, paintP50: pct(paints, 50), paintP95: pct(paints, 95), paintMax: paints[paints.length - 1],
    commitP50: pct(commits, 50), commitP95: pct(commits, 95), commitMax: commits[commits.length - 1],
    nodes: a.view.nodes.length, edges: a.view.edges.length, dots: a.renderer.dotCount(),
    parts: Object.fromEntries(Object.entries(a.timings).map(([k, v]) => {
      const xs = [...v].sort((x, y) => x - y);
      return [k, { p50: pct(xs, 50), p95: pct(xs, 95) }];
    })),
  };
}, seconds);
await page.screenshot({ path: 'target/bench-ui.png' });
clearInterval(feeder);
await context.close();
const f = (x) => (x == null ? '-' : x.toFixed(1));
console.log(`UI benchmark: ${result.nodes} services, ${result.edges} edges, ${result.dots} dots in flight, ${seconds} s in headless Chromium (software rendering)`);
console.log(`  frames/s            ${f(result.fps)}   (frame time p50 ${f(result.frameP50)} ms, p95 ${f(result.frameP95)} ms, max ${f(result.frameMax)} ms)`);
console.log(`  update -> painted   p50 ${f(result.paintP50)} ms, p95 ${f(result.paintP95)} ms, max ${f(result.paintMax)} ms over ${result.updates} WebSocket updates`);
console.log(`  update -> committed p50 ${f(result.commitP50)} ms, p95 ${f(result.commitP95)} ms, max ${f(result.commitMax)} ms (the frame handed to the compositor, its canvases rasterised)`);
console.log(`  of which            ${Object.entries(result.parts).map(([k, v]) => `${k} p50 ${f(v.p50)} / p95 ${f(v.p95)} ms`).join(', ')}`);
if (errors.length) {
  console.error(`page errors: ${errors.join(' | ')}`);
  process.exit(1);
}
