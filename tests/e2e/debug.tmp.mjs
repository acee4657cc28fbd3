import { startDriver, stopDriver, launch, quit, find, tempDir } from '/work/main/tests/e2e/desk.mjs';
const child = await startDriver();
const driver = await launch(tempDir('dbg'));
try {
  await (await find(driver, 'load-demo')).click();
  await find(driver, 'queue');
  const el = await find(driver, 'filter-all');
  console.log('rect', await el.getRect(), 'displayed', await el.isDisplayed(), 'enabled', await el.isEnabled());
  console.log(await driver.executeScript(`const r = arguments[0].getBoundingClientRect(); const e = document.elementFromPoint(r.x + r.width/2, r.y + r.height/2); return [e && e.outerHTML.slice(0,120), window.innerWidth, window.innerHeight, document.documentElement.scrollTop]`, el));
  try { await el.click(); console.log('clicked ok'); } catch (e) { console.log('click failed', e.name, e.message); }
  const search = await driver.findElement({css: 'input[type=search]'});
  try { await search.click(); console.log('search click ok'); } catch (e) { console.log('search click failed', e.name); }
} finally { await quit(driver); stopDriver(child); }
