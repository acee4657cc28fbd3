// End-to-end: every main screen holds from the smallest window the desk supports (960×600) through
// the usual one (1280×800) to a full-HD one (1920×1080): every visible control lies inside the
// window's width (no control behind a sideways scroll), no table runs past its card, and no phone
// number breaks across lines. Screenshots of the queue, a request with its candidates and the
// statistics at each size are kept for a person to look at.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { By } from 'selenium-webdriver';

import { find, findAll, launchSignedIn, newDesk, quit, screenshot, startDriver, stopDriver, tempDir, tenin, waitForCount } from './desk.mjs';

let driverProcess;
before(async () => {
  driverProcess = await startDriver();
});
after(() => stopDriver(driverProcess));

/** Controls whose box leaves the window sideways, and phone numbers laid on more than one line. */
const PROBLEMS = `
  const width = document.documentElement.clientWidth;
  const outside = [];
  for (const e of document.querySelectorAll('button, input, select, textarea, a, table')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(e).visibility === 'hidden') continue;
    if (r.right > width + 1 || r.left < -1) outside.push((e.dataset.testid || e.tagName) + ' ' + Math.round(r.left) + '–' + Math.round(r.right));
    // Cut off by a box that hides what overflows it (a rounded table, a card).
    if (e.tagName === 'TABLE') continue;
    for (let box = e.parentElement; box; box = box.parentElement) {
      if (!['hidden', 'clip'].includes(getComputedStyle(box).overflowX)) continue;
      const edge = box.getBoundingClientRect();
      if (r.right > edge.right + 1) outside.push((e.dataset.testid || e.tagName + ' ' + e.textContent.trim().slice(0, 12)) + ' cut off by ' + Math.round(r.right - edge.right) + ' px');
      break;
    }
  }
  // A table wider than the card it sits in is cut at the card's edge.
  for (const table of document.querySelectorAll('.card table')) {
    // A wide table in a box of its own that scrolls sideways is laid out so on purpose.
    let scrolls = false;
    for (let e = table.parentElement; e && !e.classList.contains('card'); e = e.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(e).overflowX)) scrolls = true;
    }
    if (scrolls) continue;
    const card = table.closest('.card').getBoundingClientRect();
    const r = table.getBoundingClientRect();
    if (r.width > 0 && r.right > card.right + 1) outside.push((table.dataset.testid || table.className || table.parentElement.className) + ' ' + (table.querySelector('th')?.textContent ?? '').slice(0, 12) + ' past its card by ' + Math.round(r.right - card.right));
  }
  // A table in a box that scrolls sideways hides columns, unless the box is one laid out to scroll
  // (.scroll-x: the statistics' wide tables).
  for (const box of document.querySelectorAll('*')) {
    if (box.classList.contains('scroll-x') || !['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) continue;
    if (!box.querySelector('table') || box.clientWidth === 0) continue;
    if (box.scrollWidth > box.clientWidth + 1) outside.push((box.dataset.testid || box.className) + ' hides ' + (box.scrollWidth - box.clientWidth) + ' px sideways');
  }
  const broken = [];
  for (const e of document.querySelectorAll('span, td, a, div')) {
    if (e.children.length > 0) continue;
    const text = (e.textContent || '').trim();
    if (!/^[0-9０-９]{2,5}-[0-9０-９]{1,4}-[0-9０-９]{3,4}$/.test(text)) continue;
    const lines = new Set([...e.getClientRects()].map((r) => Math.round(r.top)));
    if (lines.size > 1) broken.push(text);
  }
  return { outside: outside.slice(0, 10), broken: broken.slice(0, 10) };`;

test('every main screen holds at 960×600, 1280×800 and 1920×1080, in Japanese and in English: controls inside the window, tables inside their cards, phone numbers whole', async () => {
  const dataDir = path.join(tempDir('layout'), 'desk');
  newDesk(dataDir);
  tenin(dataDir, 'demo');
  const driver = await launchSignedIn(dataDir);
  const found = {};
  const check = async (label) => {
    const problems = await driver.executeScript(PROBLEMS);
    if (problems.outside.length > 0 || problems.broken.length > 0) found[label] = problems;
  };
  try {
    // English words run longer than Japanese ones: every screen is checked in both languages.
    for (const [language, width, height] of ['ja', 'en'].flatMap((l) => [
      [l, 960, 600],
      [l, 1280, 800],
      [l, 1920, 1080],
    ])) {
      await (await find(driver, 'nav-settings')).click();
      await (await find(driver, `language-${language}`)).click();
      const size = language === 'ja' ? `${width}` : `${width} en`;
      await driver.manage().window().setRect({ width, height });
      await driver.sleep(400);
      await (await find(driver, 'nav-queue')).click();
      await waitForCount(driver, 'queue-row', (n) => n > 0);
      await check(`${size} queue`);
      await screenshot(driver, `layout-${size.replace(' ', '-')}-queue`);
      // Every request, with how many are loaded in the header.
      await (await find(driver, 'filter-all')).click();
      await find(driver, 'queue-loaded');
      await check(`${size} queue, all`);
      await screenshot(driver, `layout-${size.replace(' ', '-')}-queue-all`);
      await (await find(driver, 'filter-open')).click();
      for (const row of await findAll(driver, 'queue-row')) {
        if ((await row.findElements(By.css('[data-status="coordinating"]'))).length > 0) {
          await (await row.findElement(By.css('a'))).click();
          break;
        }
      }
      await waitForCount(driver, 'candidate-row', (n) => n > 0);
      await check(`${size} request`);
      await driver.executeScript("document.querySelector('[data-testid=\"candidates\"]').scrollIntoView()");
      await screenshot(driver, `layout-${size.replace(' ', '-')}-candidates`);
      for (const [nav, ready] of [
        ['nav-statistics', 'placement-times'],
        ['nav-board', 'board'],
        ['nav-hospitals', 'hospital-search'],
        ['nav-providers', 'provider-add'],
        ['nav-daily-log', 'daily-log'],
        ['nav-exchange', 'exchange-screen'],
        ['nav-settings', 'encryption'],
        ['nav-new-request', 'new-request-form'],
      ]) {
        await (await find(driver, nav)).click();
        await find(driver, ready);
        await driver.sleep(300);
        await check(`${size} ${nav.replace('nav-', '')}`);
        if (nav === 'nav-statistics') await screenshot(driver, `layout-${size.replace(' ', '-')}-statistics`);
      }
    }
  } finally {
    await driver.executeScript("localStorage.setItem('tenin.language', 'ja');").catch(() => {});
    await quit(driver);
  }
  assert.deepEqual(found, {}, 'controls outside the window or phone numbers broken across lines');
});
