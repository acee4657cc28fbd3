// End-to-end: the app as a desktop program — one instance per data folder, the window's size kept
// across a restart, and a log that holds no patient data or passwords.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { By } from 'selenium-webdriver';

import {
  ADMIN_PASSWORD,
  APP,
  choose,
  find,
  launch,
  launchSignedIn,
  newDesk,
  quit,
  screenshot,
  signIn,
  startDriver,
  stopDriver,
  tempDir,
  tenin,
  typeInto,
} from './desk.mjs';

const IDENTIFIER = 'jp.tenin.desk';

/** The app's log folder and window-state folder, as the app derives them from the XDG folders. */
function logDir() {
  return path.join(process.env.XDG_DATA_HOME ?? path.join(process.env.HOME, '.local/share'), IDENTIFIER, 'logs');
}

/** Every log file the app wrote in this run, concatenated. */
function allLogs() {
  const dir = logDir();
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((name) => name.endsWith('.log'))
    .map((name) => readFileSync(path.join(dir, name), 'utf8'))
    .join('\n');
}

/** A private D-Bus session bus (the single-instance handover goes through it on Linux). */
function startSessionBus() {
  return new Promise((resolve, reject) => {
    const bus = spawn('dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    bus.once('error', reject);
    bus.stdout.once('data', (chunk) => resolve({ bus, address: chunk.toString().trim().split('\n')[0] }));
  });
}

let driverProcess;
let session;

before(async () => {
  session = await startSessionBus();
  // The driver, WebKitWebDriver and the app they start inherit the bus.
  process.env.DBUS_SESSION_BUS_ADDRESS = session.address;
  driverProcess = await startDriver();
});

after(() => {
  stopDriver(driverProcess);
  session?.bus.kill();
  delete process.env.DBUS_SESSION_BUS_ADDRESS;
});

describe('one instance per data folder', () => {
  test('a second start on the same folder brings the open window forward and never opens the database twice', async () => {
    const dataDir = tempDir('single');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const opened = () => allLogs().split('\n').filter((line) => line.includes(`desk on ${dataDir}: open`));
    const starts = () => allLogs().split('\n').filter((line) => line.includes(`starts on data folder ${dataDir}`));
    const driver = await launchSignedIn(dataDir);
    try {
      assert.equal(starts().length, 1, 'the first start is logged once');
      const second = spawnSync(APP(), ['--data-dir', dataDir], { env: process.env, timeout: 30000, encoding: 'utf8' });
      assert.equal(second.error, undefined, 'the second start ends on its own');
      assert.equal(second.status, 0, `the second start hands over and exits: ${second.stderr}`);
      assert.equal(starts().length, 1, 'the second start stopped before opening the desk');
      const notice = await find(driver, 'notice-second_start', 25000);
      assert.match(await notice.getText(), /すでにこのウィンドウで開いています/);
      await screenshot(driver, 'second-start-notice');
      // The first window goes on working.
      await (await find(driver, 'nav-hospitals')).click();
      await find(driver, 'hospital-search');
      assert.equal(opened().length, 1, 'the database was opened once');

      // Another data folder (a hospital edition on the same PC) runs beside it.
      const otherDir = tempDir('beside');
      const other = spawn(APP(), ['--data-dir', otherDir], { env: process.env, stdio: 'ignore' });
      const exited = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 8000);
        other.once('exit', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      other.kill('SIGKILL');
      assert.equal(exited, false, 'a start on another data folder keeps running');
    } finally {
      await quit(driver);
    }
  });
});

describe('the window', () => {
  test('its size is kept across a restart, 終了 closes the desk cleanly, and the webview speaks Japanese', async () => {
    const dataDir = tempDir('window');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    let driver = await launchSignedIn(dataDir);
    const size = async (d) => d.executeScript('return [window.outerWidth, window.outerHeight];');
    try {
      // The webview speaks the app's language whatever the system locale (Xvfb runs under C/English).
      await driver.wait(
        async () => (await driver.executeScript('return navigator.language;')) === 'ja-JP',
        5000,
        'the webview is set to Japanese',
      );
      await driver.manage().window().setRect({ width: 1100, height: 700 });
      await driver.wait(async () => (await size(driver))[0] === 1100, 5000, 'the window was resized');
      // Clicked a moment later, so the command returns before the app is gone.
      await driver.executeScript('setTimeout(() => arguments[0].click(), 200);', await find(driver, 'quit'));
      // The app exits by itself; the session ends with it.
      await driver.sleep(1500);
    } finally {
      await quit(driver);
    }
    assert.ok(
      allLogs().split('\n').some((line) => line.includes('closed cleanly')),
      '終了 closes the desk as closing the window does',
    );
    driver = await launch(dataDir);
    try {
      await find(driver, 'sign-in');
      const [width, height] = await size(driver);
      assert.equal(width, 1100, 'the width is the one the window was left at');
      assert.equal(height, 700, 'the height is the one the window was left at');
    } finally {
      await quit(driver);
    }
  });
});

describe('the log', () => {
  test('after a journey it holds what happened, and no patient initials or passwords', async () => {
    const dataDir = tempDir('log');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const driver = await launchSignedIn(dataDir);
    const initials = 'Ｑ．Ｚ．';
    try {
      await (await find(driver, 'nav-new-request')).click();
      await find(driver, 'new-request-form');
      const referrer = await find(driver, 'field-referrer');
      const firstReferrer = await referrer.findElement(By.css('option:nth-child(2)'));
      await choose(driver, 'field-referrer', await firstReferrer.getAttribute('value'));
      await typeInto(driver, 'field-initials', initials);
      await typeInto(driver, 'field-age', '79');
      await (await find(driver, 'field-sex-male')).click();
      await choose(driver, 'field-residence', '141500');
      await typeInto(driver, 'field-summary', '誤嚥性肺炎後の療養。');
      await typeInto(driver, 'field-referrer_person', '看護師長　山田');
      await typeInto(driver, 'field-referrer_phone', '045-000-1234');
      await choose(driver, 'field-bed-type', 'recovery_rehab');
      await (await find(driver, 'submit-request')).click();
      await find(driver, 'request-title');
      // A wrong password, then the right one: both pass through the sign-in command.
      await (await find(driver, 'sign-out')).click();
      await typeInto(driver, 'sign-in-login', 'admin');
      await typeInto(driver, 'sign-in-password', 'wrong-password-xyz');
      await (await find(driver, 'sign-in-submit')).click();
      await driver.sleep(1500);
      await signIn(driver);
    } finally {
      await quit(driver);
    }
    const log = allLogs();
    assert.match(log, /signed in/, 'sign-ins are logged');
    assert.match(log, /sign-in refused/, 'a refused sign-in is logged');
    for (const secret of [initials, 'Q.Z.', ADMIN_PASSWORD, 'wrong-password-xyz', '誤嚥性肺炎後の療養']) {
      assert.ok(!log.includes(secret), `the log does not hold ${secret}`);
    }
  });
});
