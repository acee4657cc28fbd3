import { afterEach, describe, expect, it } from 'vitest';

import { language, loadLanguage, setLanguage, t, tDynamic } from './i18n.svelte';

afterEach(async () => {
  await setLanguage('ja');
});

describe('the language', () => {
  it('starts in Japanese, with English loaded only when it is chosen', async () => {
    globalThis.localStorage.removeItem('tenin.language');
    await loadLanguage();
    expect(language()).toBe('ja');
    expect(t('nav.queue')).toBe('依頼一覧');
    await setLanguage('en');
    expect(language()).toBe('en');
    expect(t('nav.queue')).toBe('Requests');
    expect(globalThis.localStorage.getItem('tenin.language')).toBe('en');
  });

  it('comes back as it was saved, loaded before the first screen', async () => {
    globalThis.localStorage.setItem('tenin.language', 'en');
    await loadLanguage();
    expect(language()).toBe('en');
    expect(t('nav.queue')).toBe('Requests');
    expect(document.documentElement.lang).toBe('en');
  });
});

describe('a message', () => {
  it('fills its places from the values given, each place as often as it appears', async () => {
    await setLanguage('ja');
    expect(t('common.count', { count: 0 })).toBe('0 件');
    expect(t('elapsed.hours', { h: 2, m: 30 })).toBe('2時間30分');
    await setLanguage('en');
    expect(t('common.count', { count: 12 })).toBe('12');
  });

  it('keeps a place no value was given for, and names a key no language has', async () => {
    await setLanguage('ja');
    expect(t('elapsed.hours', { h: 1 })).toBe('1時間{{m}}分');
    expect(t('elapsed.hours')).toBe('{{h}}時間{{m}}分');
    expect(tDynamic('status.no_such_state')).toBe('status.no_such_state');
    // A key that names a group of messages, not one, is no message either.
    expect(tDynamic('status')).toBe('status');
  });

  it('in English, includes the wording of the core codes, loaded with the English chunk', async () => {
    await setLanguage('en');
    expect(tDynamic('core.code.validation', { count: 2 })).toBe('Please check the input (2)');
  });
});
