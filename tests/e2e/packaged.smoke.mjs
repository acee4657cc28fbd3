// The packaged app, as a user gets it: scripts/test builds the .deb (scripts/package --debug), unpacks
// it with dpkg-deb -x into a temporary root (nothing is installed on the machine), and runs this file
// with TENIN_APP and TENIN_CLI pointing into that root and TENIN_PACKAGE_ROOT at it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { APP, CLI, find, launch, quit, screenshot, signIn, startDriver, stopDriver, tempDir } from './desk.mjs';

const root = process.env.TENIN_PACKAGE_ROOT;
let driverProcess;

before(async () => {
  assert.ok(root, 'TENIN_PACKAGE_ROOT is set: run through scripts/test');
  driverProcess = await startDriver();
});

after(() => stopDriver(driverProcess));

test('the package holds the app, the tenin command, a Japanese desktop entry and icons at every size', () => {
  assert.ok(APP().startsWith(root) && existsSync(APP()), 'the app under test is the packaged one');
  assert.ok(CLI().startsWith(root) && existsSync(CLI()), 'the tenin command is in the package');
  const version = execFileSync(CLI(), ['--version'], { encoding: 'utf8' });
  assert.match(version, /^tenin \d+\.\d+\.\d+/);
  const entries = path.join(root, 'usr/share/applications');
  const [entry] = readdirSync(entries).filter((name) => name.endsWith('.desktop'));
  const text = readFileSync(path.join(entries, entry), 'utf8');
  assert.match(text, /^Name\[ja\]=転院調整デスク$/m);
  assert.match(text, /^Exec=tenin-desk$/m);
  for (const size of ['16x16', '32x32', '48x48', '128x128', '256x256', '512x512']) {
    assert.ok(existsSync(path.join(root, `usr/share/icons/hicolor/${size}/apps/tenin-desk.png`)), `a ${size} icon`);
  }
  assert.ok(!existsSync(path.join(root, 'usr/bin/tenin-desk-baseline')), 'no benchmark binary in the package');
});

test('the packaged app starts, makes a desk and signs in, and names its version and commit', async () => {
  const dataDir = tempDir('packaged');
  const driver = await launch(dataDir);
  try {
    await signIn(driver);
    // Demo data is one click away in the packaged app too.
    await (await find(driver, 'load-demo')).click();
    await (await find(driver, 'nav-settings', 30000)).click();
    const version = await (await find(driver, 'about-version')).getText();
    assert.match(version, /^\d+\.\d+\.\d+$/);
    const commit = await (await find(driver, 'about-commit')).getText();
    assert.match(commit, /^[0-9a-f]{7,}$|^不明$/, 'the commit the package was built from');
    assert.ok((await (await find(driver, 'about-log-dir')).getText()).length > 0, 'the log folder is named');
    // Read back from the webview's own settings: the packaged window paints without compositing.
    assert.equal(await (await find(driver, 'about-painting')).getText(), 'ソフトウェア（GPU 合成なし）');
    await driver.executeScript('arguments[0].scrollIntoView();', await find(driver, 'about'));
    await screenshot(driver, 'packaged-about');
  } finally {
    await quit(driver);
  }
});
