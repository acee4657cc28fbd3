// End-to-end: one language at a time. With English chosen, what the core reports — the request's
// checklist, why matching cannot judge yet, a refused field, a refused package — and the monthly
// table's months and definition are in English, in the real window; names from the directory stay
// as the directory writes them.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { By } from 'selenium-webdriver';

import { find, findAll, launchSignedIn, newDesk, quit, screenshot, startDriver, stopDriver, tempDir, tenin, textsOf, typeInto } from './desk.mjs';

let driverProcess;
before(async () => {
  driverProcess = await startDriver();
});
after(() => stopDriver(driverProcess));

const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

test('in English the checklist, the blockers, refused input, a refused package and the monthly table read in English', async () => {
  const work = tempDir('english');
  const dataDir = path.join(work, 'desk');
  newDesk(dataDir);
  tenin(dataDir, 'demo');
  // A request the demo left without a bed type or ADL: its checklist and its blockers.
  const open = JSON.parse(tenin(dataDir, '--json', 'requests', 'list')).filter((r) =>
    ['new', 'checking', 'coordinating'].includes(r.status),
  );
  const blocked = open
    .map((r) => JSON.parse(tenin(dataDir, '--json', 'requests', 'show', r.ref_no)))
    .find((d) => !d.quality.can_match);
  assert.ok(blocked, 'the demo has a request matching cannot judge yet');
  const notReadable = path.join(work, 'not-a-package.zip');
  writeFileSync(notReadable, 'this is not a zip file');

  const driver = await launchSignedIn(dataDir);
  try {
    await (await find(driver, 'nav-settings')).click();
    await (await find(driver, 'language-en')).click();
    await driver.wait(async () => (await (await find(driver, 'nav-queue')).getText()).startsWith('Requests'), 5000);

    // A refused field, worded from its detail.
    await driver.findElement(By.css('#own-current')).sendKeys('not-my-password');
    await driver.findElement(By.css('#own-new')).sendKeys('a-new-long-password');
    await driver.findElement(By.css('#own-again')).sendKeys('a-new-long-password');
    await (await find(driver, 'own-password')).findElement(By.css('button[type="submit"]')).click();
    await driver.wait(async () => /current password is wrong/.test(await (await find(driver, 'own-password')).getText()), 10000);

    // The checklist and the blockers.
    await (await find(driver, 'nav-queue')).click();
    await typeInto(driver, 'queue-search', blocked.summary.ref_no);
    const row = await driver.wait(
      async () => (await driver.findElements(By.css(`[data-ref-no="${blocked.summary.ref_no}"]`)))[0] ?? null,
      10000,
    );
    await (await row.findElement(By.css('a'))).click();
    const items = await driver.wait(async () => {
      const shown = await textsOf(driver, 'quality-item');
      return shown.length === blocked.quality.items.length ? shown : null;
    }, 10000);
    for (const item of items) assert.doesNotMatch(item, JAPANESE, `checklist item in English: ${item}`);
    assert.ok(items.some((i) => /ADL not yet asked/.test(i)), items.join(' | '));
    const blockers = await find(driver, 'match-blocked');
    await driver.wait(async () => /bed type wanted is missing/i.test(await blockers.getText()), 10000);
    assert.doesNotMatch(await blockers.getText(), JAPANESE);
    await screenshot(driver, 'english-checklist');

    // A refused package, by its refusal's code.
    await (await find(driver, 'nav-exchange')).click();
    await (await find(driver, 'import-source-package')).click();
    await (await find(driver, 'import-file')).sendKeys(notReadable);
    const refusal = await find(driver, 'import-problem');
    await driver.wait(async () => (await refusal.getText()) !== '', 10000);
    assert.doesNotMatch(await refusal.getText(), JAPANESE, await refusal.getText());

    // The monthly table: months as 2026-11, the definition in English.
    await (await find(driver, 'nav-statistics')).click();
    await find(driver, 'monthly-table');
    const months = await driver.executeScript(
      `return [...document.querySelectorAll('[data-testid="monthly-row"] th')].map((th) => th.textContent.trim());`,
    );
    assert.ok(months.length > 0 && months.every((m) => /^\d{4}-\d{2}$/.test(m)), months.join(' '));
    assert.doesNotMatch(await (await find(driver, 'monthly-definition')).getText(), JAPANESE);
    // What is printed or saved stays Japanese for its audience, and the screen says so.
    assert.match(await (await findAll(driver, 'japanese-output'))[0].getText(), /saved in Japanese/);
    await screenshot(driver, 'english-monthly');
  } finally {
    // The language is the window's setting, kept for the next start: the other journeys read Japanese.
    await driver.executeScript("localStorage.setItem('tenin.language', 'ja');").catch(() => {});
    await quit(driver);
  }
});
