import { afterEach, describe, expect, it } from 'vitest';

import { focusWhenShown } from './focus';

describe('focusWhenShown', () => {
  afterEach(() => document.body.replaceChildren());

  it('focuses what appears after the call', async () => {
    const found = focusWhenShown('[data-testid="later"]', 1000);
    setTimeout(() => {
      const button = document.createElement('button');
      button.dataset.testid = 'later';
      document.body.append(button);
    }, 30);
    expect(await found).toBe(true);
    expect((document.activeElement as HTMLElement).dataset.testid).toBe('later');
  });

  it('gives up when nothing appears', async () => {
    expect(await focusWhenShown('[data-testid="never"]', 50)).toBe(false);
  });
});
