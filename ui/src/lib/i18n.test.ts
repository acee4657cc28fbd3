import { afterEach, describe, expect, it } from 'vitest';

import { language, loadLanguage, setLanguage, t } from './i18n.svelte';

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
