// End-to-end: the real Tenin Desk window, driven as a nurse would use it.
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { By, Key } from 'selenium-webdriver';

import {
  ADMIN,
  ADMIN_PASSWORD,
  CLI,
  SECOND,
  choose,
  createDesk,
  find,
  findAll,
  launch,
  launchSignedIn,
  newDesk,
  signIn,
  quit,
  screenshot,
  seriousViolations,
  startDriver,
  stopDriver,
  tempDir,
  tenin,
  textsOf,
  typeInto,
  waitForCount,
} from './desk.mjs';

let driverProcess;

// Exports (CSV) land here: the app inherits it through tauri-driver and WebKitWebDriver.
const exportDir = tempDir('exports');
process.env.TENIN_EXPORT_DIR = exportDir;

/** The files in a folder (none yet: empty). */
function awaitFiles(dir) {
  return existsSync(dir) ? readdirSync(dir) : [];
}

/** The number of requests the queue's current filters show (its rows are rendered only in view). */
async function queueCount(driver) {
  return Number((await (await find(driver, 'queue-count')).getText()).replace(/[^0-9]/g, ''));
}

/** Finds a request's row as a nurse does: by typing its reference number into the queue search. */
async function findInQueue(driver, refNo) {
  await typeInto(driver, 'queue-search', refNo);
  return driver.wait(async () => (await driver.findElements(By.css(`[data-ref-no="${refNo}"]`)))[0] ?? null, 10000);
}

before(async () => {
  driverProcess = await startDriver();
});

after(() => stopDriver(driverProcess));

describe('a nurse on a new desk', () => {
  const dataDir = path.join(tempDir('journey'), 'desk');
  let createdRefNo;
  let shownPlacements;

  test('empty data dir → first administrator → demo data → queue → detail → new request', async () => {
    const driver = await launch(dataDir);
    try {
      await find(driver, 'create-desk');
      await screenshot(driver, 'create-desk');
      await createDesk(driver);
      await screenshot(driver, 'set-up');
      await signIn(driver);
      await find(driver, 'welcome');
      await screenshot(driver, 'welcome');

      await (await find(driver, 'load-demo')).click();
      await waitForCount(driver, 'queue-row', (n) => n > 0);
      const open = await queueCount(driver);
      await screenshot(driver, 'queue-open-requests');
      await (await find(driver, 'filter-all')).click();
      await driver.wait(async () => (await queueCount(driver)) > open, 10000);
      assert.equal(await queueCount(driver), 30, 'all 30 demo requests are listed');
      assert.ok(open < 30, 'the default view hides closed requests');

      const first = (await findAll(driver, 'queue-row'))[0];
      const refNo = await first.getAttribute('data-ref-no');
      await (await first.findElement(By.css('a'))).click();
      const title = await find(driver, 'request-title');
      assert.match(await title.getText(), new RegExp(refNo), 'the detail page is for the chosen request');
      const history = await find(driver, 'history');
      assert.ok((await history.findElements(By.css('li'))).length >= 1, 'the status history is shown');
      await screenshot(driver, 'request-detail');

      await (await find(driver, 'nav-new-request')).click();
      await find(driver, 'new-request-form');
      await (await find(driver, 'submit-request')).click();
      const errors = await driver.wait(async () => {
        const found = await driver.findElements(By.css('small.error'));
        return found.length >= 3 ? found : null;
      }, 10000);
      assert.equal(await errors[0].getText(), '必須項目です', 'refusals are explained in Japanese next to the field');
      await screenshot(driver, 'new-request-validation');

      const referrer = await find(driver, 'field-referrer');
      const firstReferrer = await referrer.findElement(By.css('option:nth-child(2)'));
      await choose(driver, 'field-referrer', await firstReferrer.getAttribute('value'));
      await typeInto(driver, 'field-initials', 'ｍ．ｔ．');
      await typeInto(driver, 'field-age', '８７');
      await (await find(driver, 'field-sex-female')).click();
      await choose(driver, 'field-residence', '141500');
      await typeInto(driver, 'field-summary', '<b>誤嚥性肺炎</b> 後、酸素1L/分。\nリハビリ目的の転院希望。');
      await typeInto(driver, 'field-referrer_person', '看護師長　山田');
      await typeInto(driver, 'field-referrer_phone', '０４５－０００－１２３４');
      await typeInto(driver, 'field-criteria_met_date', '8/11/15');
      await typeInto(driver, 'field-oxygen', '１');
      await choose(driver, 'field-care-adl', 'full_assist');
      // Every other care question starts 未確認; one answered なし leaves eight.
      assert.equal(await (await find(driver, 'care-unstated-count')).getText(), '未確認 9 項目');
      await (await find(driver, 'field-care-tracheostomy-false')).click();
      await driver.wait(async () => (await (await find(driver, 'care-unstated-count')).getText()) === '未確認 8 項目', 5000);
      await choose(driver, 'field-bed-type', 'recovery_rehab');
      await screenshot(driver, 'new-request-filled');
      await (await find(driver, 'submit-request')).click();

      const created = await find(driver, 'request-title');
      createdRefNo = (await created.getText()).match(/\d{6}-\d{3}/)?.[0];
      assert.ok(createdRefNo, 'the new request has a reference number');
      assert.equal(await (await find(driver, 'detail-patient')).getText(), 'M.T. 87歳 女性', 'full-width input normalised');
      const summary = await (await find(driver, 'detail-summary')).getText();
      assert.ok(summary.includes('<b>誤嚥性肺炎</b>'), 'markup in text is shown as text, not rendered');
      assert.equal(
        await (await find(driver, 'detail-criteria_met_date')).getText(),
        '令和8年11月15日',
        'a bare date is read in the era chosen beside it and shown in 和暦',
      );
      const care = await (await find(driver, 'detail-care')).getText();
      assert.ok(care.includes('全介助') && care.includes('酸素 1 L/分'), care);
      const unstated = await (await find(driver, 'detail-care-unstated')).getText();
      assert.ok(unstated.startsWith('未確認: 透析') && !unstated.includes('気管切開'), unstated);
      assert.match(await (await find(driver, 'quality-can-match')).getText(), /マッチング可能/);
      const normalized = await (await find(driver, 'normalized')).getText();
      assert.ok(normalized.includes('８７ → 87') && normalized.includes('045-000-1234'), normalized);
      await screenshot(driver, 'new-request-created');

      await (await find(driver, 'nav-queue')).click();
      await findInQueue(driver, createdRefNo);
    } finally {
      await quit(driver);
    }
  });

  test('quit and start again: the new request is still there', async () => {
    assert.ok(createdRefNo, 'the previous step created a request');
    const driver = await launchSignedIn(dataDir);
    try {
      await find(driver, 'queue');
      const row = await findInQueue(driver, createdRefNo);
      assert.ok(row, 'the request survived the restart');
      await screenshot(driver, 'after-restart');
      // A closed request, hidden by the queue's default filter, opens by its reference number
      // typed with full-width digits and Enter — as said on the phone.
      const done = JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--status', 'transferred'))[0];
      const wide = done.ref_no.replace(/[0-9-]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
      await typeInto(driver, 'queue-search', wide);
      await (await find(driver, 'queue-search')).sendKeys('\uE007');
      assert.match(await (await find(driver, 'request-title')).getText(), new RegExp(done.ref_no));
      await (await find(driver, 'nav-queue')).click();
      await (await find(driver, 'nav-statistics')).click();
      shownPlacements = Number(await (await find(driver, 'stats-count')).getText());
      await screenshot(driver, 'statistics');
      await (await find(driver, 'nav-settings')).click();
      const dir = await (await find(driver, 'about-data-dir')).getText();
      assert.equal(dir, dataDir, 'About shows the data directory in use');
      // How the window paints, read back from the webview's settings (src-tauri/src/painting.rs).
      assert.equal(await (await find(driver, 'about-painting')).getText(), 'ソフトウェア（GPU 合成なし）');
      await (await find(driver, 'language-en')).click();
      await driver.wait(async () => (await (await find(driver, 'nav-queue')).getText()).startsWith('Requests'), 5000);
      await screenshot(driver, 'settings-english');
      await (await find(driver, 'language-ja')).click();
    } finally {
      await quit(driver);
    }
    const list = JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--all'));
    assert.equal(list.length, 31, 'the CLI sees the same 31 requests (open and closed, --all) in the same database');
    const times = JSON.parse(tenin(dataDir, '--json', 'requests', 'placement-time'));
    assert.ok(times.overall.count > 0, 'the demo has placements');
    assert.equal(shownPlacements, times.overall.count, 'the statistics page shows what the core computes');
  });

  test('the request is corrected, taken, moved through the workflow and re-opened when a placement falls through', async () => {
    assert.ok(createdRefNo, 'the first step created a request');
    const driver = await launchSignedIn(dataDir);
    try {
      const row = await findInQueue(driver, createdRefNo);
      await (await row.findElement(By.css('a'))).click();
      await find(driver, 'request-detail');
      await (await find(driver, 'edit-request')).click();
      await driver.wait(async () => (await (await find(driver, 'field-age')).getAttribute('value')) === '87', 10000);
      await typeInto(driver, 'field-age', '８８');
      await (await find(driver, 'submit-request')).click();
      await driver.wait(async () => (await (await find(driver, 'detail-patient')).getText()).startsWith('M.T. 88歳'), 10000);
      await (await find(driver, 'assign-toggle')).click();
      await driver.wait(async () => (await (await find(driver, 'detail-assignee')).getText()).includes('管理者 花子'), 5000);

      const steps = [
        ['checking', 'ADLと酸素量を依頼元に確認'],
        ['coordinating', '受入候補3施設に打診'],
        ['placed', '桜リハビリテーション病院が受入可'],
        ['coordinating', '受入先の病床が埋まり再調整'],
        ['placed', '若葉記念病院が受入可'],
      ];
      let undoTried = false;
      for (const [to, note] of steps) {
        await typeInto(driver, 'move-note', note);
        // Pressed with Enter on the focused button: a notice arriving mid-step may shift the page
        // between finding a button and clicking its old place.
        await (await find(driver, `move-${to}`)).sendKeys(Key.ENTER);
        if (to === 'placed') {
          // 受入決定 names the hospital: none accepted in the log, so one is chosen (agreed by phone).
          const select = await find(driver, 'place-hospital');
          const option = await select.findElement(By.css('option:nth-child(2)'));
          await choose(driver, 'place-hospital', await option.getAttribute('value'));
          await (await find(driver, 'place-confirm')).click();
        }
        await driver.wait(
          async () => (await driver.findElements(By.css(`[data-testid="request-title"] [data-status="${to}"]`))).length === 1,
          10000,
          `waiting for the state ${to}`,
        );
        if (to === 'checking' && !undoTried) {
          // An intake step can be taken back for a few seconds (Ctrl+Z), as a move of its own; then made again.
          undoTried = true;
          const offer = await find(driver, 'undo-offer');
          assert.match(await offer.getText(), /内容確認中.*元に戻す/s);
          await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", offer);
          await screenshot(driver, 'undo-offer');
          await driver.actions().keyDown(Key.CONTROL).sendKeys('z').keyUp(Key.CONTROL).perform();
          await driver.wait(
            async () => (await driver.findElements(By.css('[data-testid="request-title"] [data-status="new"]'))).length === 1,
            10000,
            'taken back to 新規受付',
          );
          assert.equal((await findAll(driver, 'undo-offer')).length, 0, 'an undo is not offered again');
          assert.match(await (await find(driver, 'history')).getText(), /内容確認中 → 新規受付[\s\S]*元に戻す/);
          await typeInto(driver, 'move-note', note);
          await (await find(driver, 'move-checking')).sendKeys(Key.ENTER);
          await driver.wait(
            async () => (await driver.findElements(By.css('[data-testid="request-title"] [data-status="checking"]'))).length === 1,
            10000,
          );
        }
      }
      // A final move is never one slip away: 取下げ needs its reason, then asks, naming what happens.
      await typeInto(driver, 'move-note', '');
      await (await find(driver, 'move-withdrawn')).click();
      assert.match(await (await find(driver, 'move-note-error')).getText(), /必須/);
      await typeInto(driver, 'move-note', '家族の希望で自宅退院');
      await (await find(driver, 'move-withdrawn')).click();
      const asked = await find(driver, 'confirm-move');
      assert.match(await asked.getText(), /元に戻せません/);
      await screenshot(driver, 'confirm-final-move');
      await (await find(driver, 'confirm-cancel')).click();
      assert.equal((await findAll(driver, 'confirm-move')).length, 0);
      assert.equal((await driver.findElements(By.css('[data-testid="request-title"] [data-status="placed"]'))).length, 1, 'still placed');
      await typeInto(driver, 'move-note', '');
      const items = await (await find(driver, 'history')).findElements(By.css('li'));
      assert.equal(items.length, steps.length + 3, 'registration, one row per move, the undo and the step made again');
      const history = await (await find(driver, 'history')).getText();
      assert.ok(history.includes('受入決定 → 調整中'), 'the re-opening is in the history');
      assert.ok(history.includes('受入先の病床が埋まり再調整'), 'with its note');
      await screenshot(driver, 'workflow-history');
    } finally {
      await quit(driver);
    }
    const detail = JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--all')).find((r) => r.ref_no === createdRefNo);
    assert.equal(detail.status, 'placed', 'the CLI sees the final state');
  });
});

describe('the inquiry log', () => {
  test('log a decline and a waiting call, see the overdue call-back in the queue, record the answer', async () => {
    const dataDir = tempDir('inquiries');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const driver = await launchSignedIn(dataDir);
    try {
      const link = await driver.wait(async () => {
        const rows = await driver.findElements(By.css('[data-testid="queue-row"]'));
        for (const row of rows) {
          if ((await row.findElements(By.css('[data-status="coordinating"]'))).length > 0) return row.findElement(By.css('a'));
        }
        return null;
      }, 15000);
      const refNo = (await link.getText()).trim();
      await link.click();
      await find(driver, 'inquiries');
      const title = async () => (await (await find(driver, 'request-title')).getText()).match(/\d{6}-\d{3}/)?.[0];
      await driver.actions().sendKeys(']').perform();
      await driver.wait(async () => (await title()) !== refNo, 5000, '] opens the next request in the queue');
      await driver.actions().sendKeys('[').perform();
      await driver.wait(async () => (await title()) === refNo, 5000, '[ comes back');

      const log = async (outcome, fill, viaKeyboard = false) => {
        if (viaKeyboard) await driver.actions().sendKeys('i').perform();
        else await (await find(driver, 'inquiry-open')).click();
        await find(driver, 'inquiry-form');
        const options = await (await find(driver, 'inquiry-hospital')).findElements(By.css('option'));
        await choose(driver, 'inquiry-hospital', await options[1 + (await findAll(driver, 'inquiry-row')).length].getAttribute('value'));
        await typeInto(driver, 'inquiry-contact', '地域連携室　佐藤');
        // Keys on the focused controls, not clicks: a call-back notice arriving mid-step shifts the
        // page between finding a control and clicking where it was.
        await (await find(driver, `inquiry-outcome-${outcome}`)).sendKeys(Key.SPACE);
        await fill();
        const before = (await findAll(driver, 'inquiry-row')).length;
        await (await find(driver, 'inquiry-save')).sendKeys(Key.ENTER);
        await waitForCount(driver, 'inquiry-row', (n) => n === before + 1);
      };

      await log('declined', async () => {
        await choose(driver, 'inquiry-reason', 'own_rule');
        await typeInto(driver, 'inquiry-note', 'PCR陰性2回を要求');
      });
      const declined = await (await findAll(driver, 'inquiry-row'))[0].getText();
      assert.ok(declined.includes('独自ルール') && declined.includes('PCR陰性2回を要求'), declined);

      await log(
        'waiting',
        async () => {
          await typeInto(driver, 'inquiry-call-back', '2020-01-01T09:00');
        },
        true,
      );
      await screenshot(driver, 'inquiry-log');
      // The overdue call-back raises its notice (the window asks every 15 seconds), naming the
      // request and the hospital, never the patient.
      const callBack = await find(driver, 'notice-call_back', 30000);
      assert.match(await callBack.getText(), new RegExp(`折り返しの時刻です: ${refNo}`));
      await screenshot(driver, 'call-back-notice');
      await (await callBack.findElement(By.css('[data-testid="notice-dismiss"]'))).click();
      await driver.wait(async () => (await findAll(driver, 'notice-call_back')).length === 0, 5000, 'dismissed');

      await (await find(driver, 'nav-queue')).click();
      await (await find(driver, 'filter-attention')).click();
      const row = await findInQueue(driver, refNo);
      const due = await row.findElements(By.css('[data-testid="queue-inquiries"] .due'));
      assert.equal(due.length, 1, 'the overdue call-back is marked in the queue');
      await screenshot(driver, 'queue-needs-attention');

      await (await row.findElement(By.css('a'))).click();
      await (await find(driver, 'answer-open')).click();
      await (await find(driver, 'answer-accepted')).click();
      await typeInto(driver, 'answer-note', '明日午後受入可');
      await (await find(driver, 'answer-save')).click();
      await driver.wait(async () => (await driver.findElements(By.css('[data-outcome="accepted"]'))).length === 1, 10000);
      await screenshot(driver, 'inquiry-answered');

      // The declining hospital's page counts the decline under its reason, marked as an own rule.
      const declinedRow = await driver.findElement(By.css('[data-outcome="declined"]'));
      const hospitalName = (await (await declinedRow.findElements(By.css('td')))[1].getText()).split('\n')[0];
      await (await find(driver, 'nav-hospitals')).click();
      await typeInto(driver, 'hospital-search', hospitalName);
      const hospitalLink = await driver.wait(async () => {
        for (const row of await driver.findElements(By.css('[data-testid="hospital-row"]'))) {
          const link = await row.findElement(By.css('a'));
          if ((await link.getText()) === hospitalName) return link;
        }
        return null;
      }, 10000);
      await hospitalLink.click();
      await find(driver, 'hospital-record');
      assert.ok(Number(await (await find(driver, 'hospital-declined')).getText()) >= 1, 'the decline is counted');
      const reasons = await (await find(driver, 'hospital-decline-reasons')).getText();
      assert.ok(reasons.includes('独自ルール') && reasons.includes('退院基準を超える要件'), reasons);
      await screenshot(driver, 'hospital-record');
    } finally {
      await quit(driver);
    }
    const list = JSON.parse(tenin(dataDir, '--json', 'requests', 'list'));
    assert.ok(list.every((r) => r.waiting_answers === 0), 'no answer is left waiting');
  });
});

describe('the hospital directory', () => {
  test('filter, report capacity, correct a contact, and print and export the sheet', async () => {
    const dataDir = tempDir('directory');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-hospitals')).click();
      const count = async () => Number((await (await find(driver, 'hospital-count')).getText()).replace(/[^0-9]/g, ''));
      await find(driver, 'hospital-filters');
      const all = await count();
      await typeInto(driver, 'hospital-search', 'さくら');
      await driver.wait(async () => (await count()) === 2, 5000, 'kana finds 桜総合病院 and 秦野桜総合病院');
      await typeInto(driver, 'hospital-search', '');
      await driver.wait(async () => (await count()) === all, 5000);
      await (await find(driver, 'filter-own-rules')).click();
      await driver.wait(async () => (await count()) < all, 5000, 'own rules narrow the list');
      const flagged = await count();
      assert.ok(flagged > 0);
      assert.equal((await findAll(driver, 'own-rule-flag')).length, flagged, 'every listed hospital carries the flag');
      await (await find(driver, 'filter-own-rules')).click();
      await choose(driver, 'filter-beds', 'community_care');
      await driver.wait(async () => (await count()) < all, 5000, 'free community-care beds narrow the list');
      await screenshot(driver, 'directory-list');
      const stale = await driver.executeScript(`return document.querySelectorAll('td.beds .bed.stale').length`);
      assert.ok(stale > 0, 'stale capacity is marked in the list');

      // The hospital page: report capacity; a negative count is refused next to its field.
      await choose(driver, 'filter-beds', '');
      await typeInto(driver, 'hospital-search', '1410110009');
      await driver.wait(async () => (await count()) === 1, 5000);
      await (await (await find(driver, 'hospital-row')).findElement(By.css('a'))).click();
      await find(driver, 'hospital-contacts');
      await (await find(driver, 'report-capacity')).click();
      await typeInto(driver, 'capacity-general-available', '－１');
      await (await find(driver, 'capacity-save')).click();
      const error = await find(driver, 'capacity-error');
      assert.ok((await error.getText()).length > 0);
      const invalid = await (await find(driver, 'capacity-general-available')).getAttribute('aria-invalid');
      assert.equal(invalid, 'true', 'the refusal is shown at the field');
      await typeInto(driver, 'capacity-general-available', '３');
      await typeInto(driver, 'capacity-general-baseline', '40');
      await (await find(driver, 'capacity-save')).click();
      await driver.wait(
        async () => {
          for (const row of await findAll(driver, 'capacity-current')) {
            const text = await row.getText();
            if (text.startsWith('一般') && (await (await row.findElement(By.css('[data-testid="capacity-available"]'))).getText()) === '3') return true;
          }
          return false;
        },
        5000,
        'the new report is current',
      );
      await screenshot(driver, 'hospital-page');

      // Correct the contact: a number that cannot be dialled is refused, the corrected one is kept as typed.
      await (await find(driver, 'edit-hospital')).click();
      await find(driver, 'hospital-form');
      await typeInto(driver, 'field-contact-phone', '123');
      await (await find(driver, 'save-hospital')).click();
      await find(driver, 'hospital-form-error');
      const phoneField = await driver.findElement(By.css('[id="contacts[0].phone"]'));
      assert.equal(await phoneField.getAttribute('aria-invalid'), 'true');
      await screenshot(driver, 'hospital-form-error');
      await typeInto(driver, 'field-contact-phone', '０４５（２２２）３３３３');
      await (await find(driver, 'save-hospital')).click();
      await driver.wait(
        async () => {
          const phones = await findAll(driver, 'contact-phone');
          return phones.length > 0 && (await phones[0].getText()) === '０４５（２２２）３３３３';
        },
        5000,
        'shown as entered',
      );
      assert.match(tenin(dataDir, '--json', 'hospitals', 'show', '1410110009'), /"phone_digits": "0452223333"/);

      // The sheet: the core's A4 page in a frame, and a CSV saved where the nurse can find it.
      await (await find(driver, 'nav-hospitals')).click();
      await (await find(driver, 'open-sheet')).click();
      const frame = await find(driver, 'sheet-frame');
      await driver.switchTo().frame(frame);
      const sheetText = await driver.wait(async () => {
        const text = await driver.executeScript('return document.body ? document.body.innerText : ""');
        return text.includes('受入医療機関一覧') ? text : null;
      }, 5000);
      assert.ok(sheetText.includes('TEL ０４５（２２２）３３３３'), 'the corrected contact is on the sheet');
      await driver.switchTo().defaultContent();
      await screenshot(driver, 'directory-sheet');
      await (await find(driver, 'sheet-csv-cp932')).click();
      const saved = await (await find(driver, 'sheet-saved')).getText();
      const csvPath = saved.slice(saved.indexOf(exportDir));
      assert.ok(existsSync(csvPath), `CSV saved: ${saved}`);
      const csv = new TextDecoder('shift_jis').decode(readFileSync(csvPath));
      assert.ok(csv.startsWith('二次医療圏,医療機関コード') && csv.includes('桜総合病院'), csv.slice(0, 200));
    } finally {
      await quit(driver);
    }
  });
});

describe('the matching engine', () => {
  test('candidates with reasons, an inquiry logged from the list, exclusions, the batch board and the weights', async () => {
    const dataDir = tempDir('matching');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    // Reference numbers follow the day the demo is loaded: pick requests by what the engine says of them.
    const open = JSON.parse(tenin(dataDir, '--json', 'requests', 'list')).filter((r) => r.status === 'coordinating');
    const reports = open.map((r) => JSON.parse(tenin(dataDir, '--json', 'match', r.id)));
    const matchable = reports.find((m) => m.blockers.length === 0 && m.candidates.length > 2);
    const blocked = reports.find((m) => m.blockers.length > 0);
    assert.ok(matchable && blocked, 'the demo has a matchable request and one lacking what matching needs');
    const driver = await launchSignedIn(dataDir);
    try {
      await (await findInQueue(driver, matchable.ref_no).then((row) => row.findElement(By.css('a')))).click();
      await waitForCount(driver, 'candidate-row', (n) => n > 0);
      const rows = await findAll(driver, 'candidate-row');
      const first = await rows[0].getAttribute('data-hospital');
      // The window ranks as the CLI does (capacity ages by the minute between the two, hence the margin).
      const top = matchable.candidates.filter((c) => c.score >= matchable.candidates[0].score - 0.05);
      assert.ok(top.some((c) => c.hospital_id === first), 'the window ranks as the CLI does');
      assert.match(await (await find(driver, 'candidates-summary')).getText(), new RegExp(`候補 ${matchable.candidates.length} 件`));
      await (await rows[0].findElement(By.css('[data-testid="candidate-parts-toggle"]'))).click();
      const parts = await find(driver, 'candidate-parts');
      assert.equal((await parts.findElements(By.css('li'))).length, 6, 'six score parts, each with its figures');
      assert.match(await parts.getText(), /距離/);
      await screenshot(driver, 'candidates');

      // One action logs an inquiry to a candidate: the form opens with the hospital chosen.
      await (await rows[0].findElement(By.css('[data-testid="candidate-ask"]'))).click();
      await find(driver, 'inquiry-form');
      assert.equal(await (await find(driver, 'inquiry-hospital')).getAttribute('value'), first);
      await (await find(driver, 'inquiry-outcome-declined')).click();
      await choose(driver, 'inquiry-reason', 'care_not_possible');
      await (await find(driver, 'inquiry-save')).click();
      await waitForCount(driver, 'inquiry-row', (n) => n === 1);
      await driver.wait(
        async () => {
          // The list is re-rendered as the ranking is redone: a row gone between two calls is retried.
          try {
            return (await (await findAll(driver, 'candidate-row'))[0].getAttribute('data-hospital')) !== first;
          } catch {
            return false;
          }
        },
        10000,
        'the hospital that declined leaves the candidates',
      );
      await (await find(driver, 'excluded-toggle')).click();
      const excluded = await driver.wait(
        async () => (await driver.findElements(By.css(`[data-testid="excluded-row"][data-hospital="${first}"]`)))[0],
        5000,
      );
      assert.match(await excluded.getText(), /お断り済み（医療的ケア対応不可/);
      await screenshot(driver, 'candidates-excluded');

      // A request lacking what matching needs says what to fill in, not "nobody can take the patient".
      await (await find(driver, 'nav-queue')).click();
      await (await findInQueue(driver, blocked.ref_no).then((row) => row.findElement(By.css('a')))).click();
      const lacking = await find(driver, 'match-blocked');
      assert.equal((await lacking.findElements(By.css('li'))).length, blocked.blockers.length);
      assert.match(await lacking.getText(), /病床種別/);

      // The batch board: every request awaiting placement, the declined hospital never suggested for it.
      await (await find(driver, 'nav-board')).click();
      await waitForCount(driver, 'board-row', (n) => n > 0);
      const board = JSON.parse(tenin(dataDir, '--json', 'match', '--batch'));
      assert.equal((await findAll(driver, 'board-row')).length, board.rows.length);
      const mine = board.rows.find((r) => r.request_id === matchable.request_id);
      assert.ok(mine.suggestion.kind !== 'placed' || mine.suggestion.hospital_id !== first);
      assert.ok((await (await find(driver, 'board-blocked')).findElements(By.css('li'))).length > 0);
      await screenshot(driver, 'batch-board');

      // Weights are settings the core checks.
      await (await find(driver, 'nav-settings')).click();
      await typeInto(driver, 'weight-load', '５００');
      await (await find(driver, 'weights-save')).click();
      assert.match(await (await find(driver, 'weight-error-load')).getText(), /100/);
      await typeInto(driver, 'weight-load', '２５');
      await (await find(driver, 'weights-save')).click();
      await driver.wait(async () => (await findAll(driver, 'weight-error-load')).length === 0, 5000);
      await driver.wait(() => JSON.parse(tenin(dataDir, '--json', 'match', matchable.request_id)).weights.load === 25, 5000);
      await screenshot(driver, 'weights');

      // A backup into a chosen folder, checked and kept.
      const backups = tempDir('backups');
      await typeInto(driver, 'backup-dir', backups);
      await (await find(driver, 'backup-save')).click();
      await (await find(driver, 'backup-now')).click();
      const saved = await find(driver, 'backup-last');
      assert.ok((await saved.getText()).startsWith(backups));
      const files = (await import('node:fs')).readdirSync(backups);
      assert.equal(files.length, 1);
      assert.match(files[0], /^tenin-\d{8}-\d{6}\.db$/);

      // The audit trail: the weights change is there with who and what, and the chain holds.
      await (await find(driver, 'open-audit')).click();
      await choose(driver, 'audit-entity', 'desk_settings');
      await driver.wait(async () => {
        const rows = await textsOf(driver, 'audit-row');
        return rows.length > 0 && /デスクの設定/.test(rows[0]);
      }, 5000);
      assert.match((await textsOf(driver, 'audit-row'))[0], /修正/, 'the action by name, not its id');
      await (await find(driver, 'audit-verify')).click();
      assert.match(await (await find(driver, 'audit-chain')).getText(), /保たれています/);
      await screenshot(driver, 'audit-trail');
    } finally {
      await quit(driver);
    }
  });
});

describe('transport', () => {
  test('from a placement to a completed trip: proposal, an unsafe vehicle refused, booking, sheet, done', async () => {
    const dataDir = tempDir('transport');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const placed = JSON.parse(tenin(dataDir, '--json', 'requests', 'list')).filter((r) => r.status === 'placed');
    const target = placed.find((r) => JSON.parse(tenin(dataDir, '--json', 'transport', 'propose', r.id)).vehicle_type === 'stretcher');
    assert.ok(target, 'the demo has a placed patient who needs a stretcher');
    // Five minutes from now, as the datetime field takes it, in the desk's time zone.
    const soon = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Asia/Tokyo',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .format(new Date(Date.now() + 5 * 60_000))
      .replace(' ', 'T');
    const driver = await launchSignedIn(dataDir);
    try {
      await (await findInQueue(driver, target.ref_no).then((row) => row.findElement(By.css('a')))).click();
      assert.match(await (await find(driver, 'placement')).getText(), /受入先/);
      assert.match(await (await find(driver, 'proposal')).getText(), /ストレッチャー/);
      const fits = await findAll(driver, 'provider-fit');
      assert.equal(await fits[0].getAttribute('data-suitable'), 'true', 'suitable providers first');
      assert.ok((await driver.findElements(By.css('[data-testid="provider-fit"][data-suitable="false"]'))).length > 0);
      await (await fits[0].findElement(By.css('[data-testid="provider-choose"]'))).click();
      await find(driver, 'booking-form');
      await typeInto(driver, 'booking-pickup', soon);
      await choose(driver, 'booking-vehicle', 'seated');
      await (await find(driver, 'booking-save')).click();
      const refused = await driver.wait(
        async () => (await driver.findElements(By.css('[data-testid="booking-form"] small.error')))[0],
        5000,
      );
      assert.match(await refused.getText(), /ストレッチャー/, 'a seated vehicle for a stretcher patient is refused');
      await screenshot(driver, 'transport-refused');
      await choose(driver, 'booking-vehicle', 'stretcher');
      await (await find(driver, 'booking-save')).click();
      // Warnings (if any: an area not listed, …) are confirmed; then the booking is listed.
      await driver.wait(
        async () =>
          (await findAll(driver, 'booking')).length > 0 || (await findAll(driver, 'booking-confirm')).length > 0,
        10000,
      );
      if ((await findAll(driver, 'booking-confirm')).length > 0) await (await find(driver, 'booking-confirm')).click();
      await waitForCount(driver, 'booking', (n) => n === 1);
      await driver.wait(async () => (await (await find(driver, 'request-title')).getText()).includes('搬送調整中'), 5000);
      await screenshot(driver, 'transport-booked');

      // The queue shows today's pickups.
      await (await find(driver, 'nav-queue')).click();
      await (await find(driver, 'filter-pickups')).click();
      await typeInto(driver, 'queue-search', target.ref_no);
      await driver.wait(async () => (await findAll(driver, 'queue-pickup')).length === 1, 5000);
      await (await findInQueue(driver, target.ref_no).then((row) => row.findElement(By.css('a')))).click();

      await (await find(driver, 'booking-confirmed')).click();
      await driver.wait(async () => (await (await find(driver, 'booking')).getAttribute('data-status')) === 'confirmed', 5000);
      await (await find(driver, 'booking-sheet')).click();
      const frame = await find(driver, 'transport-sheet');
      const sheet = await driver.wait(async () => {
        const html = await frame.getAttribute('srcdoc');
        return html?.includes('搬送依頼書') ? html : null;
      }, 5000);
      assert.match(sheet, /ストレッチャー/);
      assert.ok(sheet.includes(target.referring_hospital_name), 'the trip starts at the referring hospital');
      await screenshot(driver, 'transport-sheet');
      await (await find(driver, 'sheet-back')).click();
      await (await find(driver, 'booking-done')).click();
      // 搬送完了 closes the request: asked first, with the keyboard on キャンセル (a stray Enter cancels).
      await find(driver, 'confirm-move');
      await driver.switchTo().activeElement().sendKeys(Key.ENTER);
      await driver.wait(async () => (await findAll(driver, 'confirm-move')).length === 0, 5000);
      assert.ok(!(await (await find(driver, 'request-title')).getText()).includes('転院済'), 'Enter did not confirm');
      await (await find(driver, 'booking-done')).click();
      await (await find(driver, 'confirm-yes')).click();
      await driver.wait(async () => (await (await find(driver, 'request-title')).getText()).includes('転院済'), 5000);
      const detail = JSON.parse(tenin(dataDir, '--json', 'requests', 'show', target.id));
      assert.equal(detail.summary.status, 'transferred');
      assert.equal(detail.bookings[0].status, 'done');
      assert.ok(detail.history.some((h) => h.note.includes('搬送完了')), 'the trip is in the timeline');
      await screenshot(driver, 'transport-done');

      // The providers directory: a new provider is refused until it names a vehicle and an area.
      await (await find(driver, 'nav-providers')).click();
      const before = await waitForCount(driver, 'provider-row', (n) => n > 0);
      await (await find(driver, 'provider-add')).click();
      await typeInto(driver, 'provider-name', 'さくら介護タクシー');
      await typeInto(driver, 'provider-phone', '０４６６－００－１２３４');
      await (await find(driver, 'provider-mode-welfare_taxi')).click();
      await (await find(driver, 'provider-save')).click();
      await find(driver, 'provider-areas-error');
      await (await find(driver, 'provider-vehicle-wheelchair')).click();
      await (await find(driver, 'provider-area-p8-shonan-east')).click();
      await (await find(driver, 'provider-save')).click();
      await waitForCount(driver, 'provider-row', (n) => n === before + 1);
      await screenshot(driver, 'providers');
    } finally {
      await quit(driver);
    }
  });
});

describe('transport only', () => {
  test('hospitals that agreed need only a vehicle: taken on as 搬送のみ, marked in the queue, never a desk placement', async () => {
    const dataDir = tempDir('transport-only');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit' })
      .format(new Date())
      .slice(0, 7);
    const placements = () =>
      JSON.parse(tenin(dataDir, '--json', 'report', 'monthly', '--from', month, '--to', month, '--format', 'json')).total;
    const before = placements();
    const target = JSON.parse(tenin(dataDir, '--json', 'requests', 'list')).find((r) => r.status === 'coordinating');
    const driver = await launchSignedIn(dataDir);
    try {
      await (await findInQueue(driver, target.ref_no).then((row) => row.findElement(By.css('a')))).click();
      await (await find(driver, 'transport-only')).click();
      const options = await (await find(driver, 'transport-only-hospital')).findElements(By.css('option'));
      await choose(driver, 'transport-only-hospital', await options[1].getAttribute('value'));
      await typeInto(driver, 'move-note', '地域連携室同士で合意');
      await (await find(driver, 'transport-only-confirm')).click();
      await find(driver, 'transport-only-badge');
      await driver.wait(async () => (await (await find(driver, 'request-title')).getText()).includes('搬送調整中'), 5000);
      await screenshot(driver, 'transport-only');
      await (await find(driver, 'nav-queue')).click();
      const row = await findInQueue(driver, target.ref_no);
      assert.equal((await row.findElements(By.css('[data-testid="queue-transport-only"]'))).length, 1, 'marked in the queue');
    } finally {
      await quit(driver);
    }
    const detail = JSON.parse(tenin(dataDir, '--json', 'requests', 'show', target.ref_no));
    assert.equal(detail.summary.transport_only, true);
    assert.equal(detail.summary.status, 'arranging_transport');
    assert.equal(placements(), before, 'not counted as a desk placement');
  });
});

describe('region pack update', () => {
  test('a newer pack is previewed, a merger without a move is refused, then applied with it', async () => {
    const dataDir = tempDir('pack-update');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const hospitals = JSON.parse(tenin(dataDir, '--json', 'hospitals', 'list'));
    const packFile = new URL('../../assets/region-packs/kanagawa.json', import.meta.url);
    const bundled = JSON.parse(readFileSync(packFile, 'utf8'));
    const wards = new Set(bundled.municipalities.map((m) => m.parent).filter(Boolean));
    const merged = bundled.municipalities.find(
      (m) => !m.parent && !wards.has(m.code) && hospitals.some((h) => h.municipality_code === m.code),
    );
    const into = bundled.municipalities.find((m) => !m.parent && m.code !== merged.code && !wards.has(m.code));
    const next = (withMove) => {
      const pack = structuredClone(bundled);
      pack.version = '2099.1';
      pack.municipalities = pack.municipalities.filter((m) => m.code !== merged.code);
      if (withMove) pack.moves = { municipalities: { [merged.code]: into.code } };
      const file = path.join(dataDir, withMove ? 'pack-with-move.json' : 'pack-without-move.json');
      writeFileSync(file, JSON.stringify(pack));
      return file;
    };
    const driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-settings')).click();
      const card = await find(driver, 'pack-update');
      await driver.executeScript('arguments[0].scrollIntoView();', card);
      await (await find(driver, 'pack-update-file')).sendKeys(next(false));
      assert.match(await (await find(driver, 'pack-update-blocked')).getText(), /移し先/);
      assert.equal((await findAll(driver, 'pack-update-apply')).length, 0, 'no way to apply while records would be lost');
      await (await find(driver, 'pack-update-file')).sendKeys(next(true));
      await find(driver, 'pack-update-apply');
      const removed = await driver.findElement(By.css('[data-testid="pack-update-change"][data-kind="removed"]'));
      assert.match(await removed.getText(), new RegExp(into.code));
      await screenshot(driver, 'pack-update-preview');
      await (await find(driver, 'pack-update-apply')).click();
      await (await find(driver, 'confirm-yes')).click();
      await driver.wait(async () => /2099\.1/.test(await (await find(driver, 'toast')).getText()), 10000);
    } finally {
      await quit(driver);
    }
    const after = JSON.parse(tenin(dataDir, '--json', 'hospitals', 'list'));
    assert.ok(!after.some((h) => h.municipality_code === merged.code), 'the hospitals moved to the new municipality');
  });
});

describe('post-COVID referral network', () => {
  test('a primary institution is registered, counted, and published once it agreed', async () => {
    const dataDir = tempDir('post-covid');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const hospital = JSON.parse(tenin(dataDir, '--json', 'hospitals', 'list'))[0];
    const driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-hospitals')).click();
      await (await find(driver, 'open-post-covid')).click();
      await choose(driver, 'post-covid-hospital', hospital.id);
      await choose(driver, 'post-covid-tier', 'primary');
      await typeInto(driver, 'post-covid-conditions', '倦怠感、嗅覚・味覚障害');
      await (await find(driver, 'post-covid-publish')).click();
      await (await find(driver, 'post-covid-save')).click();
      await waitForCount(driver, 'post-covid-entry', (n) => n === 1);
      const lastMonth = await driver.executeScript(
        `const rows = document.querySelectorAll('[data-testid="post-covid-counts"] tbody tr');
         return [...rows[rows.length - 1].querySelectorAll('td')].map((td) => td.textContent.trim());`,
      );
      assert.deepEqual(lastMonth.slice(1), ['1', '1', '0'], 'one primary institution this month, published');
      await screenshot(driver, 'post-covid');
      const saved = (await import('node:fs')).readdirSync;
      await (await find(driver, 'post-covid-published-html')).click();
      await driver.wait(() => saved(exportDir).some((f) => f.startsWith('罹患後症状_公表リスト') && f.endsWith('.html')), 10000);
      const page = saved(exportDir).find((f) => f.startsWith('罹患後症状_公表リスト') && f.endsWith('.html'));
      assert.ok(readFileSync(path.join(exportDir, page), 'utf8').includes(hospital.name), 'the published page names it');
    } finally {
      await quit(driver);
    }
  });
});

describe('withdrawing a booked request', () => {
  test('the confirmation offers to cancel its live bookings, and they are cancelled with it', async () => {
    const dataDir = tempDir('withdraw-booked');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const target = JSON.parse(tenin(dataDir, '--json', 'requests', 'list')).find(
      (r) => r.status === 'arranging_transport' && r.next_pickup_at,
    );
    assert.ok(target, 'the demo has a request with a booked vehicle');
    const driver = await launchSignedIn(dataDir);
    try {
      await (await findInQueue(driver, target.ref_no).then((row) => row.findElement(By.css('a')))).click();
      await typeInto(driver, 'move-note', '家族の希望で自宅退院');
      await (await find(driver, 'move-withdrawn')).click();
      const offer = await find(driver, 'cancel-bookings');
      assert.equal(await offer.isSelected(), true, 'cancelling the bookings is offered, on by default');
      await screenshot(driver, 'withdraw-cancel-bookings');
      const yes = await find(driver, 'confirm-yes');
      await driver.executeScript('arguments[0].scrollIntoView({ block: "center" });', yes);
      await yes.click();
      await driver.wait(async () => (await (await find(driver, 'request-title')).getText()).includes('取下げ'), 10000);
    } finally {
      await quit(driver);
    }
    const detail = JSON.parse(tenin(dataDir, '--json', 'requests', 'show', target.ref_no));
    assert.ok(detail.bookings.length > 0);
    assert.ok(
      detail.bookings.every((b) => b.status === 'cancelled' || b.status === 'done'),
      'no vehicle left booked for a patient who is not going',
    );
  });
});

describe('reports', () => {
  test('the monthly table by jurisdiction, both bases, saved as Excel and Shift_JIS CSV; the daily log', async () => {
    const dataDir = tempDir('reports');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-statistics')).click();
      const totals = await find(driver, 'monthly-totals');
      const month = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit' })
        .format(new Date())
        .slice(0, 7);
      const cli = JSON.parse(
        tenin(dataDir, '--json', 'report', 'monthly', '--from', `${month}`, '--to', `${month}`, '--format', 'json'),
      );
      assert.ok(cli.total > 0, 'the demo placed patients this month');
      assert.match(await (await find(driver, 'monthly-definition')).getText(), /依頼元医療機関の所在地/);
      const cells = async () => (await totals.findElements(By.css('td'))).length;
      assert.equal(await cells(), cli.columns.length + 1, 'a column per report group, other, and the total');
      await (await find(driver, 'monthly-basis-residence')).click();
      await driver.wait(
        async () => /患者の居住地/.test(await (await find(driver, 'monthly-definition')).getText()),
        5000,
      );
      await screenshot(driver, 'monthly-table');
      const saved = (await import('node:fs')).readdirSync;
      await (await find(driver, 'monthly-xlsx')).click();
      await (await find(driver, 'monthly-csv-cp932')).click();
      await driver.wait(
        () => saved(exportDir).filter((f) => f.startsWith('保健所別月別_')).length === 2,
        10000,
        'both files saved',
      );
      // The chart above the table, saved as a PNG for slides.
      await find(driver, 'monthly-chart');
      await (await find(driver, 'monthly-chart-png')).click();
      await driver.wait(() => saved(exportDir).some((f) => f.endsWith('.png')), 10000, 'chart saved');
      const png = readFileSync(path.join(exportDir, saved(exportDir).find((f) => f.endsWith('.png'))));
      assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG file');
      assert.ok(png.length > 2000, 'with a drawing in it');

      // The meeting tables below, and all of them in one workbook.
      await waitForCount(driver, 'meeting-table', (n) => n === 6);
      await driver.executeScript(`document.querySelector('[data-table="by_receiving_hospital"]').scrollIntoView()`);
      await screenshot(driver, 'meeting-tables');
      await (await find(driver, 'meeting-xlsx')).click();
      await driver.wait(() => saved(exportDir).some((f) => f.startsWith('会議資料_')), 10000, 'workbook saved');
      const csv = saved(exportDir).find((f) => f.startsWith('保健所別月別_') && f.endsWith('.csv'));
      const text = new TextDecoder('shift_jis').decode(readFileSync(path.join(exportDir, csv)));
      assert.match(text, /^月,横浜市,/);

      // The daily log: stamp box titles from the settings, pages numbered, ready to print.
      await (await find(driver, 'nav-settings')).click();
      await typeInto(driver, 'stamp-titles', '担当、看護師長、');
      await (await find(driver, 'stamp-titles-save')).click();
      assert.ok((await (await find(driver, 'stamp-titles-error')).getText()).length > 0, 'an empty title is refused');
      await typeInto(driver, 'stamp-titles', '担当、看護師長');
      await (await find(driver, 'stamp-titles-save')).click();
      await driver.wait(async () => (await findAll(driver, 'stamp-titles-error')).length === 0, 5000);
      await (await find(driver, 'nav-daily-log')).click();
      const frame = await find(driver, 'daily-log');
      const log = await driver.wait(async () => {
        const html = await frame.getAttribute('srcdoc');
        return html?.includes('看護師長') ? html : null;
      }, 5000);
      assert.match(log, /1 \/ \d+ 頁/);
      assert.match(log, /新規受付/);
      await screenshot(driver, 'daily-log');
    } finally {
      await quit(driver);
    }
  });
});

describe('work reports', () => {
  test('the health centre\'s summary shows its residents pseudonymously, and saves as Excel; transport and quality too', async () => {
    const dataDir = tempDir('work-reports');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const initials = JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--all')).map((r) => r.patient_initials);
    const driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-statistics')).click();
      const section = await find(driver, 'work-reports');
      await driver.executeScript('arguments[0].scrollIntoView();', section);
      await choose(driver, 'work-report-kind', 'health_centre');
      await choose(driver, 'work-report-jurisdiction', 'yokohama');
      await (await find(driver, 'work-report-make')).click();
      assert.match(await (await find(driver, 'work-report-title')).getText(), /横浜市保健所/);
      const tables = await findAll(driver, 'work-report-table');
      assert.equal(tables.length, 2, 'the summary and the list');
      const listed = await tables[1].getText();
      for (const i of initials) assert.ok(!listed.includes(i), `no initials (${i}) in the health centre's list`);
      await driver.executeScript('arguments[0].scrollIntoView();', tables[0]);
      await screenshot(driver, 'work-report-health-centre');
      const saved = (await import('node:fs')).readdirSync;
      await (await find(driver, 'work-report-xlsx')).click();
      await driver.wait(() => saved(exportDir).some((f) => f.startsWith('横浜市保健所_') && f.endsWith('.xlsx')), 10000);

      await choose(driver, 'work-report-kind', 'transport');
      await (await find(driver, 'work-report-make')).click();
      await driver.wait(async () => /搬送実績/.test(await (await find(driver, 'work-report-title')).getText()), 5000);
      await choose(driver, 'work-report-kind', 'quality');
      await (await find(driver, 'work-report-make')).click();
      await driver.wait(async () => /入力品質/.test(await (await find(driver, 'work-report-title')).getText()), 5000);
      await screenshot(driver, 'work-report-quality');

      // A hospital's own transfers, recorded for the desk's share, then the share itself.
      const today = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo' }).format(new Date());
      const outside = await find(driver, 'outside-transfers');
      await driver.executeScript('arguments[0].scrollIntoView();', outside);
      await typeInto(driver, 'outside-date', '２０９９－０１－０１');
      const referrers = await (await find(driver, 'outside-referrer')).findElements(By.css('option'));
      await choose(driver, 'outside-referrer', await referrers[1].getAttribute('value'));
      await (await find(driver, 'outside-save')).click();
      await find(driver, 'outside-error');
      await typeInto(driver, 'outside-date', today);
      await typeInto(driver, 'outside-count', '４');
      await (await find(driver, 'outside-save')).click();
      await waitForCount(driver, 'outside-row', (n) => n === 1);
      await screenshot(driver, 'outside-transfers');
      await choose(driver, 'work-report-kind', 'desk_share');
      await (await find(driver, 'work-report-make')).click();
      await driver.wait(async () => /デスク経由の割合/.test(await (await find(driver, 'work-report-title')).getText()), 5000);
      const share = await (await findAll(driver, 'work-report-table'))[0].getText();
      assert.match(share, /合計/);
      const cli = JSON.parse(tenin(dataDir, '--json', 'report', 'share', '--format', 'json'));
      assert.equal(cli.tables[0].totals[3], '4', 'the four transfers outside the desk are counted');
    } finally {
      await quit(driver);
    }
  });
});

describe('exchange with hospitals', () => {
  test('a filled-in template is previewed, imported, its errors saved; a signed package from a hospital; files for hospitals', async () => {
    const dataDir = tempDir('exchange');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const work = tempDir('exchange-files');
    // A hospital's key pair and its registration, as the desk's supervisor would do it.
    const keyFile = path.join(work, 'sakura.key');
    const publicKeys = JSON.parse(tenin(dataDir, '--json', 'package', 'keygen', '--out', keyFile));
    tenin(dataDir, 'package', 'trust', '--hospital', '1410110009', '--signing', publicKeys.signing);
    const deskId = JSON.parse(tenin(dataDir, '--json', 'package', 'keys')).desk_id;
    const before = JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--all')).length;

    // A template filled in at the hospital (CSV): one good row, one with an impossible age.
    const csv = '医療機関コード,1410110009\r\n\r\n管理番号,区分,イニシャル,年齢,性別,住所地\r\nE2E-1,新規,T.E.,81,女性,横浜市鶴見区\r\nE2E-2,新規,U.E.,300,男性,横浜市鶴見区\r\n';
    const csvFile = path.join(work, 'sakura.csv');
    writeFileSync(csvFile, Buffer.from(new TextEncoder().encode(csv)));
    const driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-exchange')).click();
      await (await find(driver, 'import-source-template')).click();
      await (await find(driver, 'import-file')).sendKeys(csvFile);
      await find(driver, 'import-chosen');
      await (await find(driver, 'import-preview')).click();
      const report = await find(driver, 'import-report');
      await driver.wait(async () => (await report.getAttribute('data-dry-run')) === 'true', 10000);
      assert.match(await (await find(driver, 'count-new')).getText(), /1/);
      assert.match(await (await find(driver, 'count-errors')).getText(), /1/);
      assert.equal(JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--all')).length, before, 'the preview keeps nothing');
      await screenshot(driver, 'exchange-preview');
      await (await find(driver, 'import-apply')).click();
      await driver.wait(
        async () => (await (await find(driver, 'import-report')).getAttribute('data-dry-run')) === 'false',
        10000,
      );
      assert.equal(JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--all')).length, before + 1);
      const rows = await findAll(driver, 'import-row');
      assert.equal(rows.length, 1);
      assert.match(await rows[0].getText(), /年齢: 0〜120/);
      await (await find(driver, 'import-save-errors')).click();
      await driver.wait(
        () => (awaitFiles(exportDir).some((f) => f.startsWith('取込エラー報告-'))),
        10000,
        'error report saved',
      );
      await waitForCount(driver, 'log-row', (n) => n === 1);

      // A signed package from the same hospital: an update of E2E-1 after the desk corrected it is a conflict.
      const id = JSON.parse(tenin(dataDir, '--json', 'requests', 'list')).find((r) => r.patient_initials === 'T.E.').id;
      const detail = JSON.parse(tenin(dataDir, '--json', 'requests', 'show', id));
      const records = [
        {
          record_id: 'E2E-1',
          action: 'update',
          request: { patient_initials: 'T.E.', patient_age: '82', patient_sex: 'female', residence_municipality_code: '141003' },
        },
      ];
      const recordsFile = path.join(work, 'records.json');
      writeFileSync(recordsFile, JSON.stringify(records));
      const packageFile = path.join(work, 'sakura-1.zip');
      tenin(dataDir, 'package', 'seal', '--kind', 'requests', '--sender', '1410110009', '--recipient', deskId,
        '--sequence', '1', '--key', keyFile, '--out', packageFile, recordsFile);
      // The nurse corrects the request at the desk first.
      tenin(dataDir, 'requests', 'transition', id, 'checking');
      assert.equal(detail.summary.patient_age, 81);
      await (await find(driver, 'import-source-package')).click();
      await (await find(driver, 'import-file')).sendKeys(packageFile);
      const info = await find(driver, 'package-info');
      await driver.wait(async () => /1410110009/.test(await info.getText()), 10000);
      assert.match(await info.getText(), /正しい署名/);
      await (await find(driver, 'import-preview')).click();
      await driver.wait(async () => /1/.test(await (await find(driver, 'count-changed')).getText()), 10000);
      await (await find(driver, 'import-apply')).click();
      await driver.wait(
        async () => (await (await find(driver, 'import-report')).getAttribute('data-dry-run')) === 'false',
        10000,
      );
      assert.equal(JSON.parse(tenin(dataDir, '--json', 'requests', 'show', id)).summary.patient_age, 82);

      // Files for the hospital: its status package and a template.
      await choose(driver, 'export-hospital', (await driver.executeScript(
        `return [...document.querySelectorAll('[data-testid="export-hospital"] option')].find(o => o.textContent.includes('1410110009')).value`,
      )));
      await (await find(driver, 'export-status')).click();
      await (await find(driver, 'template-xlsx')).click();
      await driver.wait(
        () => awaitFiles(exportDir).some((f) => f.startsWith('tenin-status-1410110009')) &&
          awaitFiles(exportDir).some((f) => f.startsWith('転院依頼テンプレート-1410110009')),
        10000,
        'status package and template saved',
      );
      await waitForCount(driver, 'log-row', (n) => n >= 3);
      await screenshot(driver, 'exchange');
    } finally {
      await quit(driver);
    }
  });
});

describe('unknown is not none', () => {
  test('a filled template and an old blank one: needs, 未確認 on the request and the sheet, 要確認 on candidates and the board', async () => {
    const dataDir = tempDir('not-stated');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const work = tempDir('not-stated-files');
    // The desk's own CSV template for the hospital, filled in by header as a clerk would.
    const made = JSON.parse(tenin(dataDir, '--json', 'template', 'make', '--hospital', '1410110009', '--format', 'csv', '--out', work));
    const lines = readFileSync(made.path, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
    const headers = lines[2].split(',');
    const row = (cells) => headers.map((h) => cells[h] ?? '').join(',');
    const base = { 区分: '新規', 性別: '女性', 住所地: '横浜市鶴見区', 病床種別: 'community_care', 退院基準を満たした日: 'R8.11.20' };
    const full = {
      ...base, 管理番号: 'NS-FULL', イニシャル: 'F.U.', 年齢: '84', 陽性判明日: 'なし', '酸素（L/分）': '2',
      透析: 'なし', 経管栄養: '胃瘻', 気管切開: 'なし', 吸引: 'なし', 点滴ライン: 'なし', '認知症（BPSD）': 'なし',
      精神科対応: 'なし', 隔離: 'なし', ADL: '全介助', 高度肥満: 'なし', 病状の要約: '酸素2L 胃瘻 全介助',
    };
    const partial = { ...base, 管理番号: 'NS-PART', イニシャル: 'P.A.', 年齢: '79', 'ADL': '一部介助', '酸素（L/分）': '1', 病状の要約: '酸素1L 一部介助' };
    const filled = path.join(work, 'filled.csv');
    writeFileSync(filled, [lines[0], '', lines[2], row(full), row(partial)].join('\r\n') + '\r\n');
    // A file made from the old template: no care columns at all.
    const blank = path.join(work, 'old-template.csv');
    writeFileSync(blank, '医療機関コード,1410110009\r\n\r\n管理番号,区分,イニシャル,年齢,性別,住所地,病床種別\r\nNS-OLD,新規,O.L.,90,男性,横浜市鶴見区,community_care\r\n');

    const driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-exchange')).click();
      await (await find(driver, 'import-source-template')).click();
      for (const [file, count] of [[filled, /2/], [blank, /1/]]) {
        await (await find(driver, 'import-file')).sendKeys(file);
        await driver.wait(async () => (await (await find(driver, 'import-chosen')).getText()).includes(path.basename(file)), 10000);
        await (await find(driver, 'import-preview')).click();
        await driver.wait(async () => (await (await find(driver, 'import-report')).getAttribute('data-dry-run')) === 'true', 10000);
        assert.match(await (await find(driver, 'count-new')).getText(), count);
        await (await find(driver, 'import-apply')).click();
        await driver.wait(
          async () => (await (await find(driver, 'import-report')).getAttribute('data-dry-run')) === 'false',
          10000,
        );
      }
      const list = JSON.parse(tenin(dataDir, '--json', 'requests', 'list'));
      const byInitials = (i) => list.find((r) => r.patient_initials === i);
      const [fullReq, partReq, oldReq] = ['F.U.', 'P.A.', 'O.L.'].map(byInitials);
      assert.ok(fullReq && partReq && oldReq, 'all three imported');
      for (const r of [fullReq, partReq]) {
        tenin(dataDir, 'requests', 'transition', r.id, 'checking');
        tenin(dataDir, 'requests', 'transition', r.id, 'coordinating');
      }

      // Every answer given shows as a need; nothing is left 未確認.
      await (await find(driver, 'nav-queue')).click();
      await (await findInQueue(driver, fullReq.ref_no).then((r) => r.findElement(By.css('a')))).click();
      const fullCare = await (await find(driver, 'detail-care')).getText();
      assert.ok(fullCare.includes('全介助') && fullCare.includes('酸素 2 L/分') && fullCare.includes('胃瘻'), fullCare);
      assert.ok(!fullCare.includes('未確認'), fullCare);
      assert.equal(await (await find(driver, 'detail-positive_test_date')).getText(), 'なし');
      await screenshot(driver, 'not-stated-full');

      // Oxygen and ADL stated, the rest never asked: 未確認 on the page, 要確認 on the candidates.
      await (await find(driver, 'nav-queue')).click();
      await (await findInQueue(driver, partReq.ref_no).then((r) => r.findElement(By.css('a')))).click();
      const partCare = await (await find(driver, 'detail-care-unstated')).getText();
      assert.match(partCare, /^未確認: 透析・経管栄養・気管切開/);
      assert.ok(!partCare.includes('酸素'), 'oxygen was stated');
      assert.equal(await (await find(driver, 'detail-positive_test_date')).getText(), '未確認');
      await waitForCount(driver, 'candidate-row', (n) => n > 0);
      const marks = await findAll(driver, 'mark-confirm_care');
      assert.ok(marks.length > 0, 'candidates that might not cover an unanswered item say so');
      assert.match(await marks[0].getText(), /^要確認: /);
      const checklist = await (await find(driver, 'quality')).getText();
      assert.ok(checklist.includes('気管切開'), checklist);
      await screenshot(driver, 'not-stated-candidates');

      // The old template's row: every item 未確認, ADL included (so it cannot be matched yet).
      await (await find(driver, 'nav-queue')).click();
      await (await findInQueue(driver, oldReq.ref_no).then((r) => r.findElement(By.css('a')))).click();
      assert.match(await (await find(driver, 'detail-care-unstated')).getText(), /^未確認: 酸素・透析/);
      assert.match(await (await find(driver, 'detail-care')).getText(), /ADL: 未確認/);
      await screenshot(driver, 'not-stated-old-template');

      // The board says how many of its suggestions rest on unanswered items.
      await (await find(driver, 'nav-board')).click();
      await waitForCount(driver, 'board-row', (n) => n > 0);
      const board = JSON.parse(tenin(dataDir, '--json', 'match', '--batch'));
      assert.ok(board.placed_unconfirmed > 0, 'the partial request rests on unconfirmed items');
      assert.match(await (await find(driver, 'board-unconfirmed')).getText(), new RegExp(`${board.placed_unconfirmed} 件は未確認`));
      assert.ok((await findAll(driver, 'board-to-confirm')).length >= 1);
      await screenshot(driver, 'not-stated-board');
    } finally {
      await quit(driver);
    }
    // The daily log prints 未確認 rather than a blank.
    const log = tenin(dataDir, 'report', 'daily');
    assert.match(log, /未確認: /);
  });
});

describe('the referral travels whole', () => {
  test('consent, an inquiry package from the candidates, read by the hospital, answered through the sync folder, placed in one action', async () => {
    const dataDir = tempDir('referral');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const work = tempDir('referral-files');
    const root = path.join(work, 'shared');
    mkdirSync(root);
    // A new request without consent yet that matching can place, and its first candidate as the partner.
    const fresh = JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--status', 'new'));
    let chosen = null;
    for (const r of fresh) {
      const detail = JSON.parse(tenin(dataDir, '--json', 'requests', 'show', r.ref_no));
      const match = JSON.parse(tenin(dataDir, '--json', 'match', r.ref_no));
      if (!detail.consent && match.blockers.length === 0 && match.candidates.length > 0) {
        chosen = { ref: r.ref_no, code: match.candidates[0].code, name: match.candidates[0].name };
        break;
      }
    }
    assert.ok(chosen, 'the demo has a new, matchable request without consent');
    const keyFile = path.join(work, 'partner.key');
    const partner = JSON.parse(tenin(dataDir, '--json', 'package', 'keygen', '--out', keyFile));
    tenin(dataDir, 'package', 'trust', '--hospital', chosen.code, '--signing', partner.signing, '--encryption', partner.encryption);
    const desk = JSON.parse(tenin(dataDir, '--json', 'package', 'keys'));

    const driver = await launchSignedIn(dataDir);
    try {
      // The supervisor points the desk at the shared folder in the 送受信 panel.
      await (await find(driver, 'nav-exchange')).click();
      await typeInto(driver, 'sync-root', root);
      await (await find(driver, 'sync-save')).click();
      await find(driver, 'sync-now');

      // Consent first: without it the candidates offer no package.
      await (await find(driver, 'nav-queue')).click();
      await (await findInQueue(driver, chosen.ref).then((row) => row.findElement(By.css('a')))).click();
      await find(driver, 'consent-needed');
      assert.equal((await findAll(driver, 'candidate-package')).length, 0, 'no package without consent');
      await typeInto(driver, 'consent-by', '長男');
      await (await find(driver, 'consent-record')).click();
      await driver.wait(async () => /長男/.test(await (await find(driver, 'consent')).getText()), 10000);

      // The patient sheet for that candidate, then an inquiry package from its row.
      const row = await driver.wait(
        async () => (await driver.findElements(By.css(`[data-testid="candidate-row"][data-code="${chosen.code}"]`)))[0],
        10000,
      );
      await (await row.findElement(By.css('[data-testid="candidate-sheet"]'))).click();
      await find(driver, 'patient-sheet');
      await screenshot(driver, 'referral-patient-sheet');
      await (await find(driver, 'sheet-back')).click();
      const again = await driver.wait(
        async () => (await driver.findElements(By.css(`[data-testid="candidate-row"][data-code="${chosen.code}"]`)))[0],
        10000,
      );
      await (await again.findElement(By.css('[data-testid="candidate-package"]'))).click();
      await waitForCount(driver, 'inquiry-row', (n) => n >= 1);
      await screenshot(driver, 'referral-inquiry-sent');

      // The hospital reads it with its own key, checking the desk's signature.
      const hospitalFolder = path.join(root, `to-${chosen.code}`);
      const file = readdirSync(hospitalFolder).find((f) => f.startsWith('tenin-inquiry-'));
      assert.ok(file, 'the package is in the folder of the hospital');
      const opened = JSON.parse(
        execFileSync(CLI(), ['--json', 'package', 'open', path.join(hospitalFolder, file), '--key', keyFile, '--desk-key', desk.keys.signing], {
          encoding: 'utf8',
          env: { ...process.env, TENIN_DATA_DIR: '' },
        }),
      );
      assert.equal(opened.signature_checked, true);
      assert.equal(opened.records[0].ref_no, chosen.ref);
      assert.equal(opened.records[0].consent_given_by, '長男');

      // Its answer, sealed and written into the desk's folder; 「今すぐ送受信」 applies it.
      const answers = path.join(work, 'answers.json');
      writeFileSync(answers, JSON.stringify([{ inquiry_id: opened.records[0].inquiry_id, outcome: 'accepted', note: '明日受入可' }]));
      const deskFolder = path.join(root, `to-${desk.desk_id}`);
      mkdirSync(deskFolder, { recursive: true });
      execFileSync(CLI(), ['package', 'seal', '--kind', 'answers', '--sender', chosen.code, '--recipient', desk.desk_id,
        '--sequence', '1', '--key', keyFile, '--encrypt-to', desk.keys.encryption, answers, '--out', path.join(deskFolder, 'answer-1.zip')]);
      await (await find(driver, 'nav-exchange')).click();
      await (await find(driver, 'sync-now')).click();
      await driver.wait(
        async () => (await driver.findElements(By.css('[data-testid="sync-file"][data-result="applied"]'))).length === 1,
        15000,
        'the answer applied by the cycle',
      );
      await screenshot(driver, 'referral-sync');

      // The request offers the placement with the hospital that accepted: one action.
      await (await find(driver, 'nav-queue')).click();
      await (await findInQueue(driver, chosen.ref).then((r) => r.findElement(By.css('a')))).click();
      const offer = await find(driver, 'place-offer');
      assert.ok((await offer.getText()).includes(chosen.name), await offer.getText());
      await (await find(driver, 'place-accepted')).click();
      await driver.wait(
        async () => (await driver.findElements(By.css('[data-testid="request-title"] [data-status="placed"]'))).length === 1,
        10000,
        'placed',
      );
      await screenshot(driver, 'referral-placed');
    } finally {
      await quit(driver);
    }
    const placed = JSON.parse(tenin(dataDir, '--json', 'requests', 'show', chosen.ref));
    assert.equal(placed.placement.hospital_name, chosen.name);
    const pdf = path.join(work, 'sheet.pdf');
    tenin(dataDir, 'report', 'patient-sheet', chosen.ref, '--hospital', chosen.code, '--format', 'pdf', '--out', pdf);
    const pages = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }).match(/Pages:\s+(\d+)/)?.[1];
    assert.equal(pages, '1', 'the patient sheet is one A4 page');
  });
});

describe('the hospital edition', () => {
  test('two windows, one sync root: a hospital registers a request, the desk asks another hospital, places the patient, and the hospital sees it', async () => {
    const deskDir = tempDir('edition-desk');
    newDesk(deskDir);
    tenin(deskDir, 'demo');
    const work = tempDir('edition-files');
    const root = path.join(work, 'shared');
    mkdirSync(root);
    tenin(deskDir, 'sync', 'settings', '--root', root);
    const deskKeys = path.join(work, 'desk.keys');
    tenin(deskDir, 'package', 'keys', '--export', deskKeys);
    const hospitalDir = tempDir('edition-hospital');
    const second = await startDriver(SECOND.port, SECOND.nativePort);
    let hospital;
    let desk;
    try {
      // The hospital's IT contact sets up the hospital edition in its own window.
      hospital = await launch(hospitalDir, SECOND.port);
      await createDesk(hospital);
      await (await find(hospital, 'setup-edition-hospital')).click();
      await typeInto(hospital, 'setup-hospital-code', '1410110009');
      await typeInto(hospital, 'setup-hospital-name', '桜総合病院');
      await typeInto(hospital, 'setup-municipality', '横浜市鶴見区');
      await (await find(hospital, 'setup-desk-keys')).sendKeys(deskKeys);
      const fingerprint = await find(hospital, 'setup-desk-fingerprint');
      const deskFingerprint = JSON.parse(readFileSync(deskKeys, 'utf8')).fingerprint;
      await hospital.wait(async () => (await fingerprint.getText()).includes(deskFingerprint), 5000);
      await (await find(hospital, 'setup-fingerprint-confirmed')).click();
      await typeInto(hospital, 'setup-login', 'nurse');
      await typeInto(hospital, 'setup-name', '退院支援 看護師');
      await typeInto(hospital, 'setup-password', 'hospital-pass-2026');
      await typeInto(hospital, 'setup-again', 'hospital-pass-2026');
      await screenshot(hospital, 'edition-setup');
      await (await find(hospital, 'setup-submit')).click();
      await find(hospital, 'hospital-requests-empty');
      // Its shared folder and keys file; the desk registers the keys file.
      await (await find(hospital, 'nav-exchange')).click();
      await typeInto(hospital, 'sync-root', root);
      await (await find(hospital, 'sync-save')).click();
      await find(hospital, 'sync-now');
      await (await find(hospital, 'keys-save')).click();
      const keysFile = await hospital.wait(
        () => awaitFiles(exportDir).find((f) => f.startsWith('tenin-keys-1410110009')),
        10000,
        'the keys file saved',
      );
      tenin(deskDir, 'package', 'trust', '--keys', path.join(exportDir, keysFile));

      // A request registered at the hospital, with the desk's own checks, then sent.
      await (await find(hospital, 'nav-queue')).click();
      await (await find(hospital, 'hospital-new-request')).click();
      await find(hospital, 'new-request-form');
      assert.equal((await findAll(hospital, 'field-referrer')).length, 0, 'the referrer is the hospital itself');
      await typeInto(hospital, 'field-initials', 'Ｓ．Ｈ．');
      await typeInto(hospital, 'field-age', '８４');
      await (await find(hospital, 'field-sex-female')).click();
      await choose(hospital, 'field-residence', '141003');
      await typeInto(hospital, 'field-criteria_met_date', 'R8.11.20');
      await choose(hospital, 'field-care-adl', 'partial_assist');
      await choose(hospital, 'field-bed-type', 'community_care');
      await typeInto(hospital, 'field-consent', '本人');
      await typeInto(hospital, 'field-summary', '誤嚥性肺炎後、リハビリ目的');
      await (await find(hospital, 'submit-request')).click();
      await find(hospital, 'desk-view');
      await (await find(hospital, 'nav-exchange')).click();
      await (await find(hospital, 'sync-now')).click();
      await hospital.wait(async () => (await findAll(hospital, 'sync-file')).length >= 1, 10000);
      await screenshot(hospital, 'edition-hospital-sent');

      // At the desk: the request arrives by a cycle; a second hospital (CLI) is asked by package.
      desk = await launchSignedIn(deskDir);
      await (await find(desk, 'nav-exchange')).click();
      await (await find(desk, 'sync-now')).click();
      // The desk's own schedule may have taken the file in first (its first cycle runs at start):
      // what matters is that the request arrived, by whichever cycle.
      const arrivedNow = () => JSON.parse(tenin(deskDir, '--json', 'requests', 'list')).find((r) => r.patient_initials === 'S.H.');
      await desk.wait(async () => Boolean(arrivedNow()), 15000, 'the request taken in by a sync cycle');
      const arrived = arrivedNow();
      assert.ok(arrived, 'the request is in the desk\'s queue');
      const match = JSON.parse(tenin(deskDir, '--json', 'match', arrived.ref_no));
      const candidate = match.candidates[0];
      const otherDir = tempDir('edition-other');
      const nurse = { ...process.env, TENIN_USER: 'nurse', TENIN_PASSWORD: 'other-pass-2026', TENIN_NEW_PASSWORD: 'other-pass-2026' };
      const other = (...args) => execFileSync(CLI(), ['--data-dir', otherDir, ...args], { encoding: 'utf8', env: nurse });
      const place = JSON.parse(tenin(deskDir, '--json', 'hospitals', 'show', candidate.code));
      other('init', '--edition', 'hospital', '--hospital-code', candidate.code, '--hospital-name', candidate.name,
        '--municipality', place.municipality_code, '--desk-keys', deskKeys, '--admin', 'nurse', '--unencrypted');
      other('sync', 'settings', '--root', root);
      const otherKeys = path.join(work, 'other.keys');
      other('package', 'keys', '--export', otherKeys);
      tenin(deskDir, 'package', 'trust', '--keys', otherKeys);
      await (await find(desk, 'nav-queue')).click();
      await (await findInQueue(desk, arrived.ref_no).then((row) => row.findElement(By.css('a')))).click();
      assert.match(await (await find(desk, 'consent')).getText(), /本人/, 'consent travelled with the request');
      const row = await desk.wait(
        async () => (await desk.findElements(By.css(`[data-testid="candidate-row"][data-code="${candidate.code}"]`)))[0],
        10000,
      );
      await (await row.findElement(By.css('[data-testid="candidate-package"]'))).click();
      await waitForCount(desk, 'inquiry-row', (n) => n >= 1);
      await screenshot(desk, 'edition-desk-asks');

      // The second hospital answers through the same root.
      other('sync', 'run', '--once');
      const inquiry = JSON.parse(other('--json', 'inquiries', 'list'))[0];
      assert.equal(inquiry.record.patient_initials, 'S.H.');
      other('inquiries', 'answer', inquiry.inquiry_id, 'accepted', '--note', '明日午後');
      other('sync', 'run', '--once');

      // The desk places the patient in one action; the referring hospital sees it after its sync.
      await (await find(desk, 'nav-exchange')).click();
      await (await find(desk, 'sync-now')).click();
      const answered = () =>
        JSON.parse(tenin(deskDir, '--json', 'requests', 'show', arrived.ref_no)).inquiries.some((i) => i.outcome === 'accepted');
      await desk.wait(async () => answered(), 15000, 'the answer taken in by a sync cycle');
      await (await find(desk, 'nav-queue')).click();
      await (await findInQueue(desk, arrived.ref_no).then((r) => r.findElement(By.css('a')))).click();
      await (await find(desk, 'place-accepted')).click();
      await desk.wait(
        async () => (await desk.findElements(By.css('[data-testid="request-title"] [data-status="placed"]'))).length === 1,
        10000,
      );
      await screenshot(desk, 'edition-desk-placed');
      await (await find(desk, 'nav-exchange')).click();
      await (await find(desk, 'sync-now')).click();
      await desk.wait(async () => (await findAll(desk, 'sync-file')).length >= 1, 10000);

      await (await find(hospital, 'sync-now')).click();
      // Whichever cycle takes the desk's status in (the button's, or the schedule's), the queue
      // shows it when next opened.
      // Whichever cycle of the desk wrote the status (its button's or its schedule's), the hospital's
      // next cycle brings it: run one each time round until the queue shows it.
      await hospital.wait(
        async () => {
          await (await find(hospital, 'nav-exchange')).click();
          await (await find(hospital, 'sync-now')).click();
          await hospital.sleep(1000);
          await (await find(hospital, 'nav-queue')).click();
          return /受入決定/.test(await (await find(hospital, 'hospital-request-status')).getText());
        },
        30000,
        'the desk\'s placement, by a sync cycle',
      );
      assert.equal(await (await find(hospital, 'hospital-request-placed')).getText(), candidate.name);
      await screenshot(hospital, 'edition-hospital-placed');
    } finally {
      if (desk) await quit(desk);
      if (hospital) await quit(hospital);
      stopDriver(second);
    }
  });
});

describe('history and conflicts', () => {
  test('a history file is mapped, a long preview cancelled, then dropped in and imported; possible duplicates are decided in the queue', async () => {
    const dataDir = tempDir('history');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const work = tempDir('history-files');
    const header = '番号,受付日時,結果,結果日時,依頼元,患者の住まい,受入先,搬送\n';
    const small = path.join(work, 'old-system.csv');
    writeFileSync(
      small,
      header +
        '1,2023-04-01 09:00,転院済,2023-04-01 12:00,1410110009,141003,白鷺病院,民間救急\n' +
        '2,2023-04-02 09:00,調整不成立,2023-04-03 12:00,1410110009,141003,,\n' +
        '3,2023-04-05 09:00,受入決定,2023-04-05 15:00,1410110009,141003,白鷺病院,\n',
    );
    const rows = [];
    for (let i = 0; i < 40000; i++) rows.push(`L-${i},2022-06-01 09:00,調整不成立,2022-06-02 09:00,1410110009,141003,,`);
    const large = path.join(work, 'old-system-large.csv');
    writeFileSync(large, header + rows.join('\n') + '\n');
    const count = () => JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--all')).length;
    const before = count();

    // Two template files from a hospital naming the same patient under two numbers: the second is a
    // possible duplicate, and a third likewise — two conflicts for the queue.
    const template = (number) =>
      `医療機関コード,1410110009\r\n\r\n管理番号,区分,イニシャル,年齢,性別,住所地\r\n${number},新規,D.D.,86,女性,横浜市鶴見区\r\n`;
    for (const number of ['D-1', 'D-2', 'D-3']) {
      const file = path.join(work, `${number}.csv`);
      writeFileSync(file, template(number));
      tenin(dataDir, 'template', 'import', file);
    }
    assert.equal(count(), before + 1);

    const driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-exchange')).click();
      await (await find(driver, 'import-source-history')).click();

      // A long preview, cancelled half-way: nothing is kept and the panel says so.
      await (await find(driver, 'import-file')).sendKeys(large);
      await find(driver, 'mapping');
      await choose(driver, 'map-residence', '患者の住まい');
      await choose(driver, 'map-source_id', '番号');
      await (await find(driver, 'import-preview')).click();
      await find(driver, 'import-progress', 30000);
      // The queue answers while the run holds the desk (from the desk's reader): its answer comes
      // while the run is still going, not after it.
      const during = await driver.executeAsyncScript(`
        const done = arguments[arguments.length - 1];
        const query = { scope: 'open', text: '', limit: 50, after: 0 };
        window.__TAURI_INTERNALS__.invoke('queue', { query }).then(
          (page) => done({ rows: page.rows.length, running: document.querySelector('[data-testid="import-progress"]') !== null }),
          (error) => done({ error: String(error) }),
        );`);
      assert.ok(during.rows > 0, JSON.stringify(during));
      assert.equal(during.running, true, 'answered while the import was still running');
      await (await find(driver, 'import-cancel')).click();
      await driver.wait(async () => (await findAll(driver, 'import-progress')).length === 0, 60000, 'the run stops');
      assert.equal((await findAll(driver, 'import-report')).length, 0, 'no report for a cancelled run');
      assert.match(await (await find(driver, 'toast')).getText(), /中止/);

      // The small file, dropped on the panel (a drop event carrying the file, as the window passes
      // it to the page): 患者の住まい is not recognised, so the nurse maps it; preview, import, save the mapping.
      await driver.executeScript(
        `const transfer = new DataTransfer();
         transfer.items.add(new File([arguments[1]], 'old-system.csv', { type: 'text/csv' }));
         arguments[0].dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));`,
        await find(driver, 'import-drop'),
        readFileSync(small, 'utf8'),
      );
      await driver.wait(async () => /old-system\.csv/.test(await (await find(driver, 'import-chosen')).getText()), 10000);
      await find(driver, 'mapping');
      assert.equal(await (await find(driver, 'map-outcome')).getAttribute('value'), '結果', 'suggested from the header');
      assert.equal(await (await find(driver, 'map-residence')).getAttribute('value'), '', 'not guessed');
      await choose(driver, 'map-residence', '患者の住まい');
      await choose(driver, 'map-source_id', '番号');
      await (await find(driver, 'import-preview')).click();
      await driver.wait(async () => /3/.test(await (await find(driver, 'count-new')).getText()), 20000);
      assert.equal(count(), before + 1, 'the preview keeps nothing');
      // A case the old system left at 受入決定 years ago would stay open in the queue: pointed out.
      const preview = await find(driver, 'import-report');
      assert.match(await preview.getText(), /受入決定のまま14日以上たつ行が 1 件/);
      await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', preview);
      await screenshot(driver, 'history-preview');
      await driver.executeScript('window.scrollTo(0, 0)');
      await screenshot(driver, 'history-mapping');
      await (await find(driver, 'import-apply')).click();
      await driver.wait(
        async () => (await (await find(driver, 'import-report')).getAttribute('data-dry-run')) === 'false',
        20000,
      );
      assert.equal(count(), before + 4);
      await typeInto(driver, 'mapping-name', '旧システム');
      await (await find(driver, 'mapping-save')).click();
      const saved = await find(driver, 'mapping-saved');
      assert.match(await saved.getText(), /旧システム/, 'the mapping is offered next time');

      // The conflicts queue: take the hospital's record for one, keep the desk's for the other.
      await waitForCount(driver, 'conflict', (n) => n === 2);
      const first = (await findAll(driver, 'conflict'))[0];
      assert.match(await first.getText(), /同じ患者の可能性/);
      assert.match(await first.getText(), /D\.D\. \/ 86/, 'the row as the nurse reads it');
      await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', first);
      await screenshot(driver, 'conflicts');
      await (await findAll(driver, 'conflict-take'))[0].click();
      await waitForCount(driver, 'conflict', (n) => n === 1);
      assert.equal(count(), before + 5, 'taken: registered as its own request');
      await (await find(driver, 'conflict-keep')).click();
      await waitForCount(driver, 'conflict', (n) => n === 0);
      assert.equal(count(), before + 5, 'kept: nothing added');
      assert.deepEqual(JSON.parse(tenin(dataDir, '--json', 'package', 'conflicts')), []);

      // A 70 MB "package" dropped on the panel: refused from its size before the window reads it,
      // the refusal logged, nothing kept in the quarantine folder.
      await (await find(driver, 'import-source-package')).click();
      await driver.executeScript(
        `const transfer = new DataTransfer();
         transfer.items.add(new File([new ArrayBuffer(70 * 1024 * 1024)], 'huge.zip'));
         arguments[0].dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));`,
        await find(driver, 'import-drop'),
      );
      await driver.wait(async () => /大きすぎます/.test(await (await find(driver, 'import-problem')).getText()), 10000);
      const log = JSON.parse(tenin(dataDir, '--json', 'package', 'log'));
      assert.equal(log[0].file_name, 'huge.zip');
      assert.equal(log[0].result, 'refused');
      const usage = JSON.parse(tenin(dataDir, '--json', 'package', 'quarantine', '--files'));
      assert.equal(usage.files, 0, 'a file never read is never kept');
      assert.match(await (await find(driver, 'quarantine-usage')).getText(), /MB/);
    } finally {
      await quit(driver);
    }
  });
});

describe('people and roles', () => {
  test('sign-in refuses a wrong password, a nurse sees no administration, the administrator adds a user, the idle lock keeps the form', async () => {
    const dataDir = path.join(tempDir('people'), 'desk');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    execFileSync(CLI(), ['--data-dir', dataDir, 'users', 'add', 'sato', '--name', '佐藤 看護師', '--role', 'nurse'], {
      env: { ...process.env, TENIN_USER: ADMIN, TENIN_PASSWORD: ADMIN_PASSWORD, TENIN_NEW_PASSWORD: 'sato-pass-1' },
    });
    const driver = await launch(dataDir);
    try {
      await find(driver, 'sign-in');
      await typeInto(driver, 'sign-in-login', 'ｓａｔｏ');
      await typeInto(driver, 'sign-in-password', 'wrong-password');
      await (await find(driver, 'sign-in-submit')).click();
      assert.equal(await (await find(driver, 'sign-in-error')).getText(), 'ログイン名またはパスワードが違います');
      await screenshot(driver, 'sign-in-refused');
      await typeInto(driver, 'sign-in-password', 'sato-pass-1');
      await (await find(driver, 'sign-in-submit')).click();
      assert.match(await (await find(driver, 'who')).getText(), /佐藤 看護師[\s\S]*看護師/);
      await (await find(driver, 'nav-settings')).click();
      await find(driver, 'own-password');
      assert.equal((await driver.findElements(By.css('[data-testid="user-admin"]'))).length, 0, 'no user list for a nurse');
      assert.equal((await driver.findElements(By.css('[data-testid="open-audit"]'))).length, 0, 'no audit for a nurse');
      await screenshot(driver, 'settings-as-nurse');

      await (await find(driver, 'sign-out')).click();
      await signIn(driver);
      await (await find(driver, 'nav-settings')).click();
      await find(driver, 'user-admin');
      await typeInto(driver, 'new-user-login', 'yamada');
      await typeInto(driver, 'new-user-name', '山田 主任');
      await choose(driver, 'new-user-role', 'supervisor');
      await typeInto(driver, 'new-user-password', 'short');
      await (await find(driver, 'new-user-submit')).click();
      await driver.wait(async () => (await driver.findElements(By.css('#new-user-password-error'))).length > 0, 5000);
      await typeInto(driver, 'new-user-password', 'yamada-pass-1');
      await (await find(driver, 'new-user-submit')).click();
      await driver.wait(async () => (await findAll(driver, 'user-row')).length === 3, 5000);
      await screenshot(driver, 'user-admin');
      const users = JSON.parse(tenin(dataDir, '--json', 'users', 'list'));
      assert.deepEqual(
        users.map((u) => [u.login, u.role]),
        [
          ['admin', 'administrator'],
          ['sato', 'nurse'],
          ['yamada', 'supervisor'],
        ],
      );

      // The idle lock: one minute, then a half-typed intake form survives the lock.
      await typeInto(driver, 'idle-minutes', '１');
      await (await find(driver, 'idle-save')).click();
      await driver.wait(async () => /1 分/.test(await (await find(driver, 'toast')).getText()), 5000);
      await (await find(driver, 'nav-new-request')).click();
      await typeInto(driver, 'field-initials', 'K.S.');
      await find(driver, 'lock-screen', 120000);
      await screenshot(driver, 'locked');
      await typeInto(driver, 'sign-in-password', ADMIN_PASSWORD);
      await (await find(driver, 'sign-in-submit')).click();
      await driver.wait(async () => (await driver.findElements(By.css('[data-testid="lock-screen"]'))).length === 0, 10000);
      assert.equal(await (await find(driver, 'field-initials')).getAttribute('value'), 'K.S.', 'the form kept its text');
    } finally {
      await quit(driver);
    }
  });
});

describe('encryption at rest', () => {
  test('the administrator encrypts the desk; the next start asks for the passphrase and refuses a wrong one', async () => {
    const dataDir = path.join(tempDir('cipher'), 'desk');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const passphrase = '相模湾の朝焼け-2026';
    let driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-settings')).click();
      assert.match(await (await find(driver, 'encryption-state')).getText(), /暗号化されていません/);
      await typeInto(driver, 'passphrase-new', passphrase);
      await typeInto(driver, 'passphrase-again', passphrase);
      await (await find(driver, 'passphrase-submit')).click();
      await driver.wait(async () => /暗号化されています/.test(await (await find(driver, 'encryption-state')).getText()), 15000);
      await screenshot(driver, 'encrypted');
    } finally {
      await quit(driver);
    }
    assert.ok(!readFileSync(path.join(dataDir, 'tenin.db')).subarray(0, 15).equals(Buffer.from('SQLite format 3')));

    driver = await launch(dataDir);
    try {
      await find(driver, 'unlock-desk');
      await typeInto(driver, 'unlock-passphrase', '違う合言葉-0000');
      await (await find(driver, 'unlock-submit')).click();
      assert.match(await (await find(driver, 'unlock-error')).getText(), /合言葉が違います/);
      await screenshot(driver, 'unlock-refused');
      await typeInto(driver, 'unlock-passphrase', passphrase);
      await (await find(driver, 'unlock-submit')).click();
      await signIn(driver);
      await waitForCount(driver, 'queue-row', (n) => n > 0);
    } finally {
      await quit(driver);
    }
    const env = { ...process.env, TENIN_USER: ADMIN, TENIN_PASSWORD: ADMIN_PASSWORD, TENIN_PASSPHRASE: passphrase };
    const list = JSON.parse(execFileSync(CLI(), ['--data-dir', dataDir, '--json', 'requests', 'list', '--all'], { env, encoding: 'utf8' }));
    assert.equal(list.length, 30, 'the command line opens it with the passphrase (every request: --all)');
  });
});

describe('moving in', () => {
  test('a kintone export: its values read with the suggestions taken, then every row imports', async () => {
    const dataDir = path.join(tempDir('moving-in'), 'desk');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const hospitals = JSON.parse(tenin(dataDir, '--json', 'hospitals', 'list'));
    const referrers = hospitals.filter((h) => h.is_referring);
    const receivers = hospitals.filter((h) => h.is_receiving && !h.is_referring);
    const outcomes = ['マッチング成立', '転院済', '調整不調', '依頼取下げ'];
    let csv = 'レコード番号,作成日時,依頼日時,依頼元医療機関名,患者居住地,調整結果,決定日時,受入医療機関名,搬送手段\n';
    for (let i = 0; i < 24; i++) {
      const placed = i % 4 < 2;
      csv += [3000 + i, '2025-06-01 08:00', `2025-06-${String(1 + (i % 28)).padStart(2, '0')} 10:00`,
        referrers[i % referrers.length].name.replace(/病院$/, ''), '鶴見区', outcomes[i % 4],
        `2025-06-${String(1 + (i % 28)).padStart(2, '0')} 17:00`,
        placed ? receivers[i % receivers.length].name.replace('病院', ' 病院') : '', i % 4 === 1 ? '病院車' : ''].join(',') + '\n';
    }
    // One case from a hospital that only receives at the desk: refused until it is marked as referring.
    const onlyReceives = receivers[0];
    csv += [3099, '2025-06-01 08:00', '2025-06-02 10:00', onlyReceives.name, '鶴見区', '調整不調', '2025-06-02 17:00', '', ''].join(',') + '\n';
    // One case received by a hospital since closed, never in the directory, from a town since merged.
    csv += [3098, '2018-06-01 08:00', '2018-06-02 10:00', referrers[0].name, '藤野町', 'マッチング成立', '2018-06-02 17:00', '山の上病院', ''].join(',') + '\n';
    const file = path.join(tempDir('moving-in-files'), 'kintone.csv');
    writeFileSync(file, csv);
    const count = () => JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--all')).length;
    const before = count();
    const driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-exchange')).click();
      await (await find(driver, 'import-source-history')).click();
      await (await find(driver, 'import-file')).sendKeys(file);
      await find(driver, 'mapping');
      assert.equal(await (await find(driver, 'map-referring_hospital')).getAttribute('value'), '依頼元医療機関名', 'kintone labels known');
      await (await find(driver, 'values-check')).click();
      await waitForCount(driver, 'value-row', (n) => n > 0);
      const matched = await driver.findElement(By.css('[data-testid="value-row"][data-field="outcome"][data-value="マッチング成立"]'));
      assert.match(await matched.getText(), /受入決定/, 'the suggestion is worded for the nurse');
      await screenshot(driver, 'value-mapping');
      // The table's header stays in view as it scrolls: bring each button to the middle first.
      const press = async (id) => {
        const button = await find(driver, id);
        await driver.executeScript("arguments[0].scrollIntoView({ block: 'center' })", button);
        await button.click();
      };
      await press('value-mark-referring');
      await driver.wait(async () => (await findAll(driver, 'value-mark-referring')).length === 0, 10000, 'marked, asked again');
      assert.equal(JSON.parse(tenin(dataDir, '--json', 'hospitals', 'show', onlyReceives.code)).is_referring, true, 'marked in the directory');
      const oldTown = await driver.findElement(By.css('[data-testid="value-row"][data-field="residence"][data-value="藤野町"]'));
      assert.match(await oldTown.getText(), /相模原市緑区/, 'a merged town read as the ward it became');
      await press('value-add-historical');
      await find(driver, 'historical-form');
      await choose(driver, 'historical-municipality', '141518');
      await screenshot(driver, 'value-mapping-historical');
      await press('historical-add');
      await driver.wait(async () => (await findAll(driver, 'value-add-historical')).length === 0, 10000, 'added, asked again');
      const added = JSON.parse(tenin(dataDir, '--json', 'hospitals', 'list', '--all')).find((h) => h.name === '山の上病院');
      assert.deepEqual([added?.code, added?.active], ['hist-0001', false], 'an inactive historical hospital with a desk-local code');
      await press('values-accept-all');
      await press('import-preview');
      await driver.wait(async () => (await (await find(driver, 'count-new')).getText()).includes('26'), 20000, 'every row would import');
      await press('import-apply');
      await driver.wait(async () => count() === before + 26, 20000, 'every row imported');
    } finally {
      await quit(driver);
    }
  });
});

describe('a desk with years of past cases', () => {
  test('under すべて the queue loads a page at a time, and the search finds a case not loaded yet', async () => {
    const dataDir = tempDir('past-cases');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const rows = ['番号,受付日時,結果,結果日時,依頼元,患者の住まい,受入先,搬送'];
    for (let i = 0; i < 2100; i++) {
      const day = new Date(Date.UTC(2019, 0, 1) + i * 86400000).toISOString().slice(0, 10);
      rows.push(`P-${i},${day} 09:00,転院済,${day} 15:00,1410110009,141003,白鷺病院,民間救急`);
    }
    const file = path.join(tempDir('past-cases-files'), 'past.csv');
    writeFileSync(file, rows.join('\n') + '\n');
    tenin(dataDir, 'import', file, '--map', 'residence=患者の住まい', '--map', 'source_id=番号');
    const every = JSON.parse(tenin(dataDir, '--json', 'requests', 'list', '--all'));
    assert.equal(every.length, 2130, 'the demo and the past cases');
    const oldest = every[every.length - 1].ref_no;
    assert.match(oldest, /^190101-/, 'the oldest past case is last');
    const driver = await launchSignedIn(dataDir);
    try {
      await find(driver, 'queue-row');
      await (await find(driver, 'filter-all')).click();
      const loaded = async (pattern) =>
        driver.wait(async () => pattern.test(await (await find(driver, 'queue-loaded')).getText()), 15000, `loaded ${pattern}`);
      await loaded(/2130 件中 2000 件/);
      await screenshot(driver, 'queue-all-paged');
      // The oldest case is not among the 2,000 loaded: the search asks the core.
      await typeInto(driver, 'queue-search', oldest);
      await driver.wait(async () => (await textsOf(driver, 'queue-row')).some((text) => text.includes(oldest)), 15000, 'found');
      await typeInto(driver, 'queue-search', '');
      await loaded(/2130 件中 2000 件/);
      await (await find(driver, 'queue-more')).click();
      await loaded(/2130 件中 2130 件/);
      assert.equal((await findAll(driver, 'queue-more')).length, 0, 'nothing more to load');
    } finally {
      await quit(driver);
    }
  });
});

describe('accessibility', () => {
  test('axe-core finds no critical or serious violation on any main screen', async () => {
    const dataDir = path.join(tempDir('axe'), 'desk');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const driver = await launch(dataDir);
    const found = {};
    const check = async (label) => {
      const violations = await seriousViolations(driver);
      if (violations.length > 0) found[label] = violations;
    };
    try {
      await driver.manage().setTimeouts({ script: 30000 });
      await find(driver, 'sign-in');
      await check('sign-in');
      await signIn(driver);
      await waitForCount(driver, 'queue-row', (n) => n > 0);
      await check('queue');
      await (await findAll(driver, 'queue-row'))[0].findElement(By.css('a')).then((a) => a.click());
      await find(driver, 'request-detail');
      await find(driver, 'candidates').catch(() => null);
      await check('request');
      for (const [nav, ready] of [
        ['nav-new-request', 'new-request-form'],
        ['nav-board', 'board'],
        ['nav-hospitals', 'hospital-search'],
        ['nav-providers', 'provider-add'],
        ['nav-daily-log', 'daily-log'],
        ['nav-statistics', 'placement-times'],
        ['nav-exchange', 'exchange-screen'],
        ['nav-settings', 'encryption'],
      ]) {
        await (await find(driver, nav)).click();
        await find(driver, ready);
        await check(nav.replace('nav-', ''));
      }
    } finally {
      await quit(driver);
    }
    assert.deepEqual(found, {}, `critical or serious violations:\n${JSON.stringify(found, null, 2)}`);
  });
});

describe('no lost work', () => {
  test('a half-typed intake survives a click elsewhere and a restart, and is offered back', async () => {
    const dataDir = path.join(tempDir('drafts'), 'desk');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    let driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-new-request')).click();
      await find(driver, 'new-request-form');
      assert.equal((await findAll(driver, 'draft-offer')).length, 0, 'nothing to offer on a first intake');
      await typeInto(driver, 'field-initials', 'Ｋ．Ｙ．');
      await typeInto(driver, 'field-summary', '電話の途中で別の依頼へ');
      // The nurse is called away mid-call: a click on the sidebar, then the app is closed.
      await driver.sleep(1500);
      await (await find(driver, 'nav-hospitals')).click();
      await find(driver, 'hospital-search');
    } finally {
      await quit(driver);
    }
    driver = await launchSignedIn(dataDir);
    try {
      await (await find(driver, 'nav-new-request')).click();
      const offer = await find(driver, 'draft-offer');
      assert.match(await offer.getText(), /下書き/);
      await screenshot(driver, 'draft-offer');
      await (await find(driver, 'draft-restore')).click();
      await driver.wait(async () => (await (await find(driver, 'field-initials')).getAttribute('value')) === 'Ｋ．Ｙ．', 5000);
      assert.equal(await (await find(driver, 'field-summary')).getAttribute('value'), '電話の途中で別の依頼へ');
      // Discarded on purpose: nothing offered next time.
      await (await find(driver, 'nav-queue')).click();
      await (await find(driver, 'nav-new-request')).click();
      await (await find(driver, 'draft-discard')).click();
      await driver.wait(async () => (await findAll(driver, 'draft-offer')).length === 0, 5000);
      await (await find(driver, 'nav-queue')).click();
      await (await find(driver, 'nav-new-request')).click();
      await find(driver, 'new-request-form');
      await driver.sleep(500);
      assert.equal((await findAll(driver, 'draft-offer')).length, 0);

      // An inquiry half logged when the phone rings again: back on the request, it is still there.
      await (await find(driver, 'nav-queue')).click();
      const row = (await waitForCount(driver, 'queue-row', (n) => n > 0), (await findAll(driver, 'queue-row'))[0]);
      const refNo = await row.getAttribute('data-ref-no');
      await (await row.findElement(By.css('a'))).click();
      await find(driver, 'request-detail');
      await driver.actions().sendKeys('i').perform();
      await find(driver, 'inquiry-form');
      await typeInto(driver, 'inquiry-contact', '地域連携室　田中（折り返し待ち）');
      await driver.sleep(1500);
      await (await find(driver, 'nav-hospitals')).click();
      await find(driver, 'hospital-search');
      await (await find(driver, 'nav-queue')).click();
      await typeInto(driver, 'queue-search', refNo);
      await driver.wait(async () => (await findAll(driver, 'queue-row')).length === 1, 5000);
      await (await (await findAll(driver, 'queue-row'))[0].findElement(By.css('a'))).click();
      await find(driver, 'inquiry-draft-restored');
      assert.equal(await (await find(driver, 'inquiry-contact')).getAttribute('value'), '地域連携室　田中（折り返し待ち）');
      await (await find(driver, 'inquiry-cancel')).click();
    } finally {
      await quit(driver);
    }
  });
});

describe('protected from the first start', () => {
  test('a new desk is encrypted at set-up, shows its recovery key once, and the key works', async () => {
    const dataDir = path.join(tempDir('encrypted-at-set-up'), 'desk');
    const passphrase = '相模湾の朝焼け-2026';
    let driver = await launch(dataDir);
    let code;
    try {
      await find(driver, 'create-desk');
      await driver.manage().setTimeouts({ script: 30000 });
      assert.deepEqual(await seriousViolations(driver), [], 'axe: the create-desk screen');
      await typeInto(driver, 'create-passphrase', '短い');
      await typeInto(driver, 'create-again', '短い');
      await (await find(driver, 'create-submit')).click();
      await driver.wait(async () => (await driver.findElements(By.css('[data-testid="create-desk"] small.error'))).length > 0, 10000);
      assert.ok(!existsSync(path.join(dataDir, 'tenin.db')), 'a passphrase refused makes nothing');
      await typeInto(driver, 'create-passphrase', passphrase);
      await typeInto(driver, 'create-again', passphrase);
      await (await find(driver, 'create-submit')).click();
      code = await (await find(driver, 'recovery-key')).getText();
      assert.match(code, /^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/, 'the recovery key is shown in groups of four');
      assert.equal(await (await find(driver, 'recovery-continue')).isEnabled(), false, 'not before it is kept');
      assert.deepEqual(await seriousViolations(driver), [], 'axe: the recovery key');
      await screenshot(driver, 'recovery-key');
      await (await find(driver, 'recovery-kept')).click();
      await (await find(driver, 'recovery-continue')).click();
      await signIn(driver);
    } finally {
      await quit(driver);
    }
    assert.ok(!readFileSync(path.join(dataDir, 'tenin.db')).subarray(0, 15).equals(Buffer.from('SQLite format 3')));

    driver = await launch(dataDir);
    try {
      await find(driver, 'unlock-desk');
      await driver.manage().setTimeouts({ script: 30000 });
      assert.deepEqual(await seriousViolations(driver), [], 'axe: the passphrase screen');
      await typeInto(driver, 'unlock-passphrase', passphrase);
      await (await find(driver, 'unlock-submit')).click();
      await signIn(driver);
      await (await find(driver, 'load-demo')).click();
      await waitForCount(driver, 'queue-row', (n) => n > 0);
      const warnings = await find(driver, 'protection-warnings');
      const text = await warnings.getText();
      assert.ok(text.includes('このPCの外'), `an administrator is told what is missing: ${text}`);
      assert.ok(!text.includes('暗号化されていません'), 'encrypted, so no such warning');
      await screenshot(driver, 'protection-warnings');
    } finally {
      await quit(driver);
    }
    // The key the window showed opens the break-glass path.
    const env = { ...process.env, TENIN_RECOVERY_KEY: code, TENIN_NEW_PASSWORD: 'rescued-pass-2026', TENIN_USER: ADMIN, TENIN_PASSWORD: 'rescued-pass-2026' };
    const said = execFileSync(CLI(), ['--data-dir', dataDir, 'recover', '--login', ADMIN], { env, encoding: 'utf8' });
    assert.match(said, /パスワードを再設定/);
    const status = JSON.parse(execFileSync(CLI(), ['--data-dir', dataDir, '--json', 'status'], { env: { ...env, TENIN_PASSPHRASE: passphrase }, encoding: 'utf8' }));
    assert.equal(status.integrity, 'ok');
  });
});

describe('a data directory the desk must not touch', () => {
  async function expectStartupError(dataDir, kind, label) {
    const driver = await launch(dataDir);
    try {
      const card = await find(driver, 'startup-error');
      assert.equal(await card.getAttribute('data-kind'), kind);
      const text = await card.getText();
      assert.ok(text.includes('ファイルは変更・削除していません'), 'the screen says the file was kept');
      await screenshot(driver, `startup-error-${label}`);
      return text;
    } finally {
      await quit(driver);
    }
  }

  test('a file that is not a database', async () => {
    const dataDir = tempDir('notdb');
    const file = path.join(dataDir, 'tenin.db');
    writeFileSync(file, '患者一覧\nA.B.,85\n');
    const text = await expectStartupError(dataDir, 'not_a_database', 'not-a-database');
    assert.ok(text.includes('データベースではありません'), text);
    assert.equal(readFileSync(file, 'utf8'), '患者一覧\nA.B.,85\n', 'the file is unchanged');
  });

  test('an emptied database file is not taken for a new desk', async () => {
    const dataDir = tempDir('emptied');
    const file = path.join(dataDir, 'tenin.db');
    writeFileSync(file, '');
    const text = await expectStartupError(dataDir, 'empty_file', 'empty-file');
    assert.ok(text.includes('バックアップから復元'), text);
    assert.equal(readFileSync(file).length, 0, 'still empty: nothing was made in it');
  });

  test('a database from a newer version of the app', async () => {
    const dataDir = tempDir('newer');
    newDesk(dataDir);
    const file = path.join(dataDir, 'tenin.db');
    // user_version lives at byte 60 of the SQLite header (big-endian).
    const fd = openSync(file, 'r+');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(99);
    writeSync(fd, header, 0, 4, 60);
    closeSync(fd);
    const before = readFileSync(file);
    const text = await expectStartupError(dataDir, 'too_new', 'newer-version');
    assert.ok(text.includes('スキーマ 99'), text);
    assert.ok(readFileSync(file).equals(before), 'the file is unchanged');
  });

  test('a corrupt database', async () => {
    const dataDir = tempDir('corrupt');
    newDesk(dataDir);
    tenin(dataDir, 'demo');
    const file = path.join(dataDir, 'tenin.db');
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 4096, 8192);
    writeFileSync(file, bytes);
    await expectStartupError(dataDir, 'corrupt', 'corrupt');
    assert.ok(readFileSync(file).equals(bytes), 'the file is unchanged');
  });

  test('a data folder that cannot be written', async () => {
    const parent = tempDir('blocked');
    const blocker = path.join(parent, 'not-a-folder');
    writeFileSync(blocker, 'a file where the data folder should be');
    await expectStartupError(path.join(blocker, 'desk'), 'not_writable', 'not-writable');
    assert.equal(readFileSync(blocker, 'utf8'), 'a file where the data folder should be');
    assert.ok(!existsSync(path.join(blocker, 'desk')));
  });
});
