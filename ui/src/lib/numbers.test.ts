import { describe, expect, it } from 'vitest';

import { numberText, typedNumber } from './numbers';

describe('typedNumber', () => {
  it('reads full-width digits and points as a nurse types them with the IME on', () => {
    expect(typedNumber('３５．４４')).toBe(35.44);
    expect(typedNumber(' 139.6 ')).toBe(139.6);
    expect(typedNumber('－２')).toBe(-2);
  });

  it('keeps empty apart from unreadable, so nothing unreadable is sent as "no value"', () => {
    expect(typedNumber('')).toBeNull();
    expect(typedNumber('北緯35度')).toBeNaN();
    expect(numberText(null)).toBe('');
    expect(numberText(3)).toBe('3');
  });
});
