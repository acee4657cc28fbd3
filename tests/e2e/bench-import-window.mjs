// Bench (not a test): the release window while a 100,000-row history import runs (issue 24).
// Times, in the page with performance.now() around the command call, the queue's first page, a
// request's page and the search — 20 tries each with no import running (the baseline, same run) and
// 20 while the import runs — then 中止 from the click until the panel says the run stopped.
// Run through scripts/bench-import-window, which builds the release app and sets TENIN_APP/TENIN_CLI.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  find,
  launchSignedIn,
  newDesk,
  quit,
  screenshot,
  startDriver,
  stopDriver,
  tempDir,
  tenin,
  choose,
} from './desk.mjs';

const ROWS = Number(process.env.TENIN_BENCH_ROWS ?? 100000);
const TRIES = 20;

function historyFile() {
  const dir = tempDir('bench-files');
  const lines = ['番号,受付日時,結果,結果日時,依頼元,患者の住まい,受入先,搬送'];
  for (let i = 0; i < ROWS; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const month = String(1 + (Math.floor(i / 28) % 12)).padStart(2, '0');
    lines.push(
      `B-${i},2021-${month}-${day} 09:00,転院済,2021-${month}-${day} 15:00,1410110009,141003,白鷺病院,民間救急`,
    );
  }
  const file = path.join(dir, 'past-100k.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Times each command TRIES times in the page; `during` says whether the import was still running after each round. */
const TIMINGS = `
  const done = arguments[arguments.length - 1];
  const [tries, id] = [arguments[0], arguments[1]];
  const invoke = window.__TAURI_INTERNALS__.invoke;
  const time = async (cmd, args) => { const t = performance.now(); await invoke(cmd, args); return performance.now() - t; };
  (async () => {
    const out = { queue: [], request: [], search: [], during: [] };
    for (let i = 0; i < tries; i++) {
      out.queue.push(await time('queue', { query: { scope: 'open', text: '', limit: 50, after: 0 } }));
      out.request.push(await time('get_request', { id }));
      out.search.push(await time('queue', { query: { scope: 'all', text: '白鷺', limit: 50, after: 0 } }));
      out.during.push(document.querySelector('[data-testid="import-progress"]') !== null);
    }
    return out;
  })().then(done, (e) => done({ error: String(e) }));
`;

/** Clicks 中止 and answers how long until the panel shows the run stopped. */
const CANCEL = `
  const done = arguments[arguments.length - 1];
  const started = performance.now();
  document.querySelector('[data-testid="import-cancel"]').click();
  const running = () => document.querySelector('[data-testid="import-progress"], [data-testid="import-reading"]') !== null;
  const poll = () => (running() ? setTimeout(poll, 2) : done(performance.now() - started));
  poll();
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;

const driverProcess = await startDriver();
const dataDir = tempDir('bench-import');
newDesk(dataDir);
tenin(dataDir, 'demo');
const file = historyFile();
const driver = await launchSignedIn(dataDir);
try {
  await driver.manage().setTimeouts({ script: 600000 });
  const first = await driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    window.__TAURI_INTERNALS__.invoke('queue', { query: { scope: 'open', text: '', limit: 1, after: 0 } }).then((p) => done(p.rows[0].id), (e) => done(String(e)));`);
  const idle = await driver.executeAsyncScript(TIMINGS, TRIES, first);
  if (idle.error) throw new Error(idle.error);

  await (await find(driver, 'nav-exchange')).click();
  await (await find(driver, 'import-source-history')).click();
  await (await find(driver, 'import-file')).sendKeys(file);
  await find(driver, 'mapping', 60000);
  await choose(driver, 'map-residence', '患者の住まい');
  await choose(driver, 'map-source_id', '番号');
  await (await find(driver, 'import-preview')).click();
  await driver.wait(async () => await (await find(driver, 'import-apply')).isEnabled(), 300000, 'the preview ends');

  await (await find(driver, 'import-apply')).click();
  await find(driver, 'import-progress', 60000);
  const busy = await driver.executeAsyncScript(TIMINGS, TRIES, first);
  if (busy.error) throw new Error(busy.error);
  await screenshot(driver, 'bench-import-running');
  const stillRunning = (await driver.findElements({ css: '[data-testid="import-cancel"]' })).length > 0;
  const cancelMs = stillRunning ? await driver.executeAsyncScript(CANCEL) : null;

  const rounds = busy.during.filter(Boolean).length;
  console.log(
    `\n### The window during a ${ROWS.toLocaleString('en')}-row history import (release build, ${new Date().toISOString().slice(0, 10)})\n`,
  );
  console.log(`| command (timed in the page, median of ${TRIES}) | no import running | during the import | target |`);
  console.log('|---|---|---|---|');
  for (const [name, key] of [
    ['the queue, first page', 'queue'],
    ["a request's page", 'request'],
    ['the search (all requests, 「白鷺」)', 'search'],
  ]) {
    const during = median(busy[key]);
    console.log(
      `| ${name} | ${fmt(median(idle[key]))} | ${fmt(during)} (max ${fmt(Math.max(...busy[key]))}) | ≤ 100 ms — ${during <= 100 ? 'met' : 'NOT met'} |`,
    );
  }
  console.log(
    `| 中止, click to the run stopped | — | ${cancelMs === null ? 'the import ended first' : fmt(cancelMs)} | ≤ 1 s — ${cancelMs !== null && cancelMs <= 1000 ? 'met' : 'NOT met'} |`,
  );
  console.log(`\n${rounds} of ${TRIES} rounds ended with the import still running.`);
} finally {
  await quit(driver);
  stopDriver(driverProcess);
}
