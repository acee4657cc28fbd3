// Drives the real Tenin Desk binary through tauri-driver (WebDriver) for the end-to-end tests.
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { Builder, By, until } from 'selenium-webdriver';

const here = path.dirname(new URL(import.meta.url).pathname);
export const ARTIFACTS = path.join(here, 'artifacts');
const PORT = 4444;

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e tests through scripts/test`);
  return value;
}

/** The built desk app and CLI, as scripts/test passes them. */
export const APP = () => required('TENIN_APP');
export const CLI = () => required('TENIN_CLI');

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The ports of a second tauri-driver, for a second window (the hospital edition beside the desk). */
export const SECOND = { port: 4446, nativePort: 4447 };

/** Starts tauri-driver (on `port`, with WebKitWebDriver on `nativePort`) and waits until it listens. */
export async function startDriver(port = PORT, nativePort = null) {
  // Its own process group, so teardown can end it with WebKitWebDriver and any app it started.
  const args = ['--port', String(port)];
  if (nativePort) args.push('--native-port', String(nativePort));
  const child = spawn(process.env.TAURI_DRIVER ?? 'tauri-driver', args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  for (let i = 0; i < 100; i++) {
    if (await portOpen(port)) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  stopDriver(child);
  throw new Error('tauri-driver did not start listening');
}

export function stopDriver(child) {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A fresh, empty temporary folder. */
export function tempDir(label) {
  return mkdtempSync(path.join(tmpdir(), `tenin-e2e-${label}-`));
}

/** Launches the app on `dataDir` (through the driver on `port`) and returns the WebDriver session. */
export async function launch(dataDir, port = PORT) {
  return new Builder()
    .usingServer(`http://127.0.0.1:${port}/`)
    .withCapabilities({
      browserName: 'wry',
      'tauri:options': { application: APP(), args: ['--data-dir', dataDir] },
    })
    .build();
}

/** Quits the app, bounded: a hung teardown must not hang the suite. */
export async function quit(driver) {
  await Promise.race([driver.quit().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
}

let shots = 0;
/** Saves a screenshot as a test artefact, after the page has settled. */
export async function screenshot(driver, name) {
  await driver.sleep(800);
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${String(++shots).padStart(2, '0')}-${name}.png`);
  await driver.executeScript(PAINT_WHILE_SHOOTING);
  try {
    writeFileSync(file, await driver.takeScreenshot(), 'base64');
  } finally {
    await driver.executeScript(STOP_PAINTING);
  }
  return file;
}

// WebKitGTK's WebDriver screenshot waits for the page's next paint, and the window paints without
// compositing (src-tauri/src/painting.rs), so only when something on it changes: a page with no
// blinking caret would never be shot. While the shot is taken, one pixel in the bottom-right corner
// changes between two shades of the page's background every 40 ms.
const PAINT_WHILE_SHOOTING = `
  const mark = document.createElement('div');
  mark.id = 'e2e-paint-mark';
  mark.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;background:#f4f6f8';
  document.body.append(mark);
  mark.dataset.timer = String(setInterval(() => {
    mark.style.background = mark.style.background === 'rgb(244, 246, 248)' ? '#f4f6f9' : '#f4f6f8';
  }, 40));`;
const STOP_PAINTING = `
  const mark = document.getElementById('e2e-paint-mark');
  if (mark) { clearInterval(Number(mark.dataset.timer)); mark.remove(); }`;

export async function find(driver, testId, timeout = 15000) {
  return driver.wait(until.elementLocated(By.css(`[data-testid="${testId}"]`)), timeout, `waiting for ${testId}`);
}

/** A list's elements; a list re-rendered while WebKit builds the handles is read again. */
export async function findAll(driver, testId) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await driver.findElements(By.css(`[data-testid="${testId}"]`));
    } catch (error) {
      if (error.name !== 'StaleElementReferenceError' || attempt === 5) throw error;
    }
  }
}

/** The texts of a list's elements, read again if the list is re-rendered meanwhile. */
export async function textsOf(driver, testId) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await Promise.all((await findAll(driver, testId)).map((e) => e.getText()));
    } catch (error) {
      if (error.name !== 'StaleElementReferenceError' || attempt === 5) throw error;
    }
  }
}

/** Waits until `count()` satisfies `ok`, returning the last count. */
export async function waitForCount(driver, testId, ok, timeout = 15000) {
  let last = -1;
  await driver.wait(
    async () => {
      last = (await findAll(driver, testId)).length;
      return ok(last);
    },
    timeout,
    `waiting for the number of ${testId}`,
  );
  return last;
}

/** Sets a field's value the way typing does (including full-width text an IME would produce). */
export async function typeInto(driver, testId, text) {
  const element = await find(driver, testId);
  await driver.executeScript(
    `const el = arguments[0]; el.focus(); el.value = arguments[1];
     el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true }));`,
    element,
    text,
  );
}

/** Picks an option of a select, once the screen has loaded that option (lists arrive after the select is drawn). */
export async function choose(driver, testId, value) {
  const element = await find(driver, testId);
  await driver.wait(
    () => driver.executeScript('return [...arguments[0].options].some((o) => o.value === arguments[1]);', element, value),
    10000,
    `waiting for option ${value} in ${testId}`,
  );
  await driver.executeScript(
    `arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change', { bubbles: true }));`,
    element,
    value,
  );
}

export const ADMIN = 'admin';
export const ADMIN_PASSWORD = 'e2e-admin-pass';

/** Runs the `tenin` CLI on a data directory, signed in as the administrator. */
export function tenin(dataDir, ...args) {
  const env = { ...process.env, TENIN_USER: ADMIN, TENIN_PASSWORD: ADMIN_PASSWORD, TENIN_NEW_PASSWORD: ADMIN_PASSWORD };
  return execFileSync(CLI(), ['--data-dir', dataDir, ...args], { encoding: 'utf8', env, maxBuffer: 256 << 20 });
}

/** A new desk on `dataDir` with its first administrator (made through the CLI). */
export function newDesk(dataDir) {
  return tenin(dataDir, 'init', '--unencrypted', '--admin', ADMIN, '--name', '管理者 花子');
}

/**
 * Set-up's first screen on a folder without a desk: encrypted under `passphrase`, or without
 * encryption when it is null. Returns the recovery key the window shows once.
 */
export async function createDesk(driver, passphrase = null) {
  await find(driver, 'create-desk');
  if (passphrase === null) {
    await (await find(driver, 'create-unencrypted')).click();
  } else {
    await typeInto(driver, 'create-passphrase', passphrase);
    await typeInto(driver, 'create-again', passphrase);
  }
  await (await find(driver, 'create-submit')).click();
  const code = await (await find(driver, 'recovery-key')).getText();
  await (await find(driver, 'recovery-kept')).click();
  await (await find(driver, 'recovery-continue')).click();
  await find(driver, 'set-up');
  return code;
}

/** Signs in on the sign-in screen, or creates the first administrator on a new desk's set-up screen. */
export async function signIn(driver, login = ADMIN, password = ADMIN_PASSWORD) {
  const screen = await driver.wait(async () => {
    for (const id of ['create-desk', 'set-up', 'sign-in', 'lock-screen']) {
      if ((await driver.findElements(By.css(`[data-testid="${id}"]`))).length > 0) return id;
    }
    return null;
  }, 20000);
  if (screen === 'create-desk') await createDesk(driver);
  if (screen === 'set-up' || screen === 'create-desk') {
    await typeInto(driver, 'setup-login', login);
    await typeInto(driver, 'setup-name', '管理者 花子');
    await typeInto(driver, 'setup-password', password);
    await typeInto(driver, 'setup-again', password);
    await (await find(driver, 'setup-submit')).click();
  } else {
    if (screen === 'sign-in') await typeInto(driver, 'sign-in-login', login);
    await typeInto(driver, 'sign-in-password', password);
    await (await find(driver, 'sign-in-submit')).click();
  }
  await driver.wait(async () => {
    for (const id of ['who', 'welcome']) {
      if ((await driver.findElements(By.css(`[data-testid="${id}"]`))).length > 0) return true;
    }
    return false;
  }, 20000);
}

/** Launches the app on `dataDir` and signs the administrator in. */
export async function launchSignedIn(dataDir, port = PORT) {
  const driver = await launch(dataDir, port);
  await signIn(driver);
  return driver;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core in the window (injected with executeScript: the app's CSP forbids script tags) and
 * returns the violations that are critical or serious, each with where it was found.
 */
export async function seriousViolations(driver) {
  await driver.executeScript(`if (!window.axe) { ${AXE_SOURCE} }`);
  const json = await driver.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    window.axe.run(document, { resultTypes: ['violations'] })
      .then((r) => done(JSON.stringify(r.violations
        .filter((v) => v.impact === 'critical' || v.impact === 'serious')
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, at: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) })))))
      .catch((e) => done(JSON.stringify([{ id: 'axe-failed', impact: 'critical', help: String(e), at: [] }])));`);
  return JSON.parse(json);
}
