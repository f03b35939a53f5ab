// Renders the server's /api/v1/graph/vizceral with Netflix's stock Vizceral 4.9.0 in headless
// Chromium, then prints what Vizceral drew and every console error as one JSON line.
//   node render.mjs SERVER_URL SCREENSHOT.png
// Exit code: 0 when the graph rendered without console errors, 1 otherwise.
import { chromium } from 'playwright-core';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [server, screenshot] = process.argv.slice(2);
if (!server || !screenshot) {
  console.error('usage: node render.mjs SERVER_URL SCREENSHOT.png');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const response = await fetch(server + '/api/v1/graph/vizceral?window=5m');
if (!response.ok) {
  console.error('GET /api/v1/graph/vizceral: ' + response.status + ' ' + await response.text());
  process.exit(1);
}
const traffic = await response.json();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--enable-unsafe-swiftshader'],
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.setContent('<!doctype html><html><body style="margin:0;background:#2d2d2d">'
    + '<canvas id="viz" style="width:1280px;height:800px"></canvas></body></html>');
  await page.addScriptTag({ path: join(here, 'node_modules/vizceral/dist/vizceral.js') });
  const drawn = await page.evaluate(async (data) => {
    const Vizceral = window.Vizceral.default || window.Vizceral;
    const viz = new Vizceral(document.getElementById('viz'));
    viz.setSize(1280, 800); // without it, this version draws nothing on a fresh canvas
    viz.updateData(data);
    viz.setView([data.nodes[1].name]);
    viz.animate();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const graph = viz.currentGraph;
    const visible = (m) => Object.values(m || {}).filter((x) => x.isVisible !== false).length;
    return {
      view: graph ? graph.name : null,
      renderer: graph ? graph.type : null,
      nodes: graph ? visible(graph.nodes) : 0,
      connections: graph ? visible(graph.connections) : 0,
    };
  }, traffic);
  await page.screenshot({ path: screenshot });
  const region = traffic.nodes[1];
  console.log(JSON.stringify({ ...drawn, sentNodes: region.nodes.length,
    sentConnections: region.connections.length, errors }));
} finally {
  await browser.close();
}
process.exit(errors.length === 0 ? 0 : 1);
