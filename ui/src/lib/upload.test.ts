import { describe, expect, it } from 'vitest';

import { uploadOf } from './upload';

describe('uploadOf', () => {
  it('gives the bytes as base64, without the data URL prefix', async () => {
    expect(await uploadOf(new Blob(['あ']))).toBe('44GC');
    expect(await uploadOf(new Blob([new Uint8Array([0x82, 0xa0, 0x0d, 0x0a])], { type: 'text/csv' }))).toBe('gqANCg==');
  });

  it('gives an empty text for an empty file', async () => {
    expect(await uploadOf(new Blob([]))).toBe('');
  });
});
