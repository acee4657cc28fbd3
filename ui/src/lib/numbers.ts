// Numbers as typed in forms: full-width digits, a full-width point or minus, surrounding spaces.

/** `null` for an empty field, `NaN` for text that is not a number. */
export function typedNumber(text: string): number | null {
  const folded = text
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．]/g, '.')
    .replace(/[－ー−]/g, '-')
    .trim();
  if (folded === '') return null;
  return /^-?\d+(\.\d+)?$/.test(folded) ? Number(folded) : Number.NaN;
}

/** The text a stored number is edited as. */
export function numberText(value: number | null | undefined): string {
  return typeof value === 'number' ? String(value) : '';
}
