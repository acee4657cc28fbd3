// End-to-end: the journey a nurse repeats fifty times a night, with the keyboard alone — no click,
// no script that sets a value: sign in, open a request from the queue, log an inquiry, record the
// answer, place, book transport, print the daily log. The saved values are checked through the CLI.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { By, Key } from 'selenium-webdriver';

import { ADMIN, ADMIN_PASSWORD, find, launch, newDesk, quit, screenshot, startDriver, stopDriver, tempDir, tenin } from './desk.mjs';

let driverProcess;
before(async () => {
  driverProcess = await startDriver();
});
after(() => stopDriver(driverProcess));

/** Keys sent to whatever has the focus, as a person types them. */
async function press(driver, ...keys) {
  await driver.actions().sendKeys(...keys).perform();
}

/** What has the focus: its test id, else its tag and text. */
async function focused(driver) {
  return driver.executeScript(`
    const e = document.activeElement;
    return e ? (e.dataset.testid || e.tagName + ':' + (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 30)) : 'none';`);
}

/** Presses Tab until the focus is on `testId` (at most `limit` presses), saying how many it took. */
async function tabTo(driver, testId, limit = 40, back = false) {
  for (let i = 0; i <= limit; i++) {
    if ((await focused(driver)) === testId) return i;
    await press(driver, back ? Key.chord(Key.SHIFT, Key.TAB) : Key.TAB);
  }
  assert.fail(`${testId} not reached with ${limit} presses of Tab (focus on ${await focused(driver)})`);
}

test('keyboard only: sign in, open a request, log an inquiry and its answer, place, book transport, print the daily log', async () => {
  const dataDir = path.join(tempDir('keyboard'), 'desk');
  newDesk(dataDir);
  tenin(dataDir, 'demo');
  const driver = await launch(dataDir);
  const tabs = {};
  let refNoSeen = '';
  let hospitalSeen = '';
  try {
    // Sign in: the login field has the keyboard; Tab, the password, Enter.
    await find(driver, 'sign-in');
    assert.equal(await focused(driver), 'sign-in-login');
    await press(driver, ADMIN, Key.TAB, ADMIN_PASSWORD, Key.ENTER);
    await find(driver, 'who');
    await driver.wait(async () => (await focused(driver)) === 'queue', 5000, 'the queue has the keyboard after sign-in');

    // The queue: down to the first request still being coordinated, Enter opens it.
    const selected = async () =>
      driver.executeScript(`const r = document.querySelector('[data-testid="queue-row"][aria-selected="true"]');
        return r ? [r.dataset.refNo, r.querySelector('[data-status]')?.dataset.status] : null;`);
    for (let i = 0; i < 30 && (await selected())?.[1] !== 'coordinating'; i++) await press(driver, Key.ARROW_DOWN);
    const [refNo, status] = await selected();
    assert.equal(status, 'coordinating', 'arrows move the selection');
    refNoSeen = refNo;
    await press(driver, Key.ENTER);
    await find(driver, 'request-detail');
    await driver.wait(async () => (await focused(driver)) === 'request-title', 5000, 'the request has the keyboard');
    assert.match(await (await find(driver, 'request-title')).getText(), new RegExp(refNo));

    // I: the inquiry form, the keyboard on 打診先; a hospital by arrow, whom we spoke to, a call-back time.
    await press(driver, 'i');
    await find(driver, 'inquiry-form');
    await driver.wait(async () => (await focused(driver)) === 'inquiry-hospital', 5000, 'the form opens on 打診先');
    await press(driver, Key.ARROW_DOWN);
    const hospitalId = await (await find(driver, 'inquiry-hospital')).getAttribute('value');
    assert.ok(hospitalId, 'a hospital chosen with the arrow key');
    hospitalSeen = hospitalId;
    await press(driver, Key.TAB, '地域連携室 佐藤');
    tabs.callBack = await tabTo(driver, 'inquiry-call-back');
    await press(driver, '１２／２４ ９３０');
    tabs.inquirySave = await tabTo(driver, 'inquiry-save');
    await press(driver, Key.ENTER);
    // Logged as waiting: the keyboard is on its 回答を記録.
    await driver.wait(async () => (await focused(driver)) === 'answer-open', 5000, 'the answer is the next action');
    await press(driver, Key.ENTER);
    await driver.wait(async () => (await focused(driver)) === 'answer-accepted', 5000, 'the answer form opens on 受入可');
    await press(driver, Key.TAB, '電話で受入可');
    tabs.answerSave = await tabTo(driver, 'answer-save');
    await press(driver, Key.ENTER);

    // Accepted: the keyboard is on 受入決定; Enter places with the hospital that accepted.
    await driver.wait(async () => (await focused(driver)) === 'move-placed', 5000, '受入決定 is the next action');
    await press(driver, Key.ENTER);
    await driver.wait(
      async () => (await driver.findElements(By.css('[data-testid="request-title"] [data-status="placed"]'))).length === 1,
      10000,
      'placed',
    );
    // Placed: the keyboard is on the first suitable provider; Enter opens the booking on its first field.
    await driver.wait(async () => (await focused(driver)) === 'provider-choose', 5000, 'a provider is the next action');
    await press(driver, Key.ENTER);
    await driver.wait(async () => (await focused(driver)) === 'booking-vehicle', 5000, 'the booking opens on 車両');
    await press(driver, Key.TAB);
    assert.equal(await focused(driver), 'booking-pickup', 'then 迎えの日時');
    await press(driver, '12/25 1030');
    const said = await driver.findElement(By.css('[data-testid="booking-form"] .date-field .hint')).getText();
    assert.match(said, /\d{4}\/12\/25 10:30/, 'said back as the desk writes it');
    await screenshot(driver, 'keyboard-pickup-typed');
    tabs.bookingSave = await tabTo(driver, 'booking-save');
    await press(driver, Key.ENTER);
    await find(driver, 'booking');
    await screenshot(driver, 'keyboard-booked');

    // Alt+5: the daily log; its print button is reached with Tab and pressed with Enter. (The
    // system's print dialog cannot be driven through WebDriver: the frame's print is replaced by a
    // recorder first, the one thing done by script.)
    await driver.actions().keyDown(Key.ALT).sendKeys('5').keyUp(Key.ALT).perform();
    const frame = await find(driver, 'daily-log');
    await driver.wait(async () => (await frame.getAttribute('srcdoc'))?.includes(refNo), 10000, 'the request is in the log');
    await driver.executeScript("arguments[0].contentWindow.print = () => { document.body.dataset.printed = 'yes'; };", frame);
    tabs.print = await tabTo(driver, 'daily-print');
    await press(driver, Key.ENTER);
    await driver.wait(async () => (await driver.executeScript('return document.body.dataset.printed')) === 'yes', 5000, 'printed');
    await screenshot(driver, 'keyboard-daily-log');
  } finally {
    await quit(driver);
  }
  console.log('Tab presses per step:', JSON.stringify(tabs));

  // What was saved, read back through the CLI: the inquiry with whom, its call-back and its answer,
  // the placement with that hospital, the booking with the pickup as typed (desk time, JST).
  const detail = JSON.parse(tenin(dataDir, '--json', 'requests', 'show', refNoSeen));
  const inquiry = detail.inquiries.at(-1);
  assert.deepEqual(
    [inquiry.hospital_id, inquiry.contact, inquiry.outcome, inquiry.note.includes('電話で受入可')],
    [hospitalSeen, '地域連携室 佐藤', 'accepted', true],
  );
  assert.match(inquiry.call_back_at, /-12-24T00:30/, '１２／２４ ９３０ read as 24 December 09:30 (JST)');
  assert.equal(detail.placement.hospital_id, hospitalSeen, 'placed with the hospital that accepted');
  assert.ok(['placed', 'arranging_transport'].includes(detail.summary.status), detail.summary.status);
  assert.equal(detail.bookings.length, 1);
  assert.match(detail.bookings[0].pickup_at, /-12-25T01:30/, '12/25 1030 read as 25 December 10:30 (JST)');
});
