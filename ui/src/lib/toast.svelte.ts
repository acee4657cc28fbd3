// One line of feedback at the bottom of the window ("saved", or what went wrong).
// A saved export's toast carries its path, for 「別の場所に保存…」.
export type Toast = { kind: 'success' | 'error'; text: string; saved?: string };

let current = $state<Toast | null>(null);
let timer: ReturnType<typeof setTimeout> | undefined;

export function toast(): Toast | null {
  return current;
}

export function showToast(kind: Toast['kind'], text: string): void {
  current = { kind, text };
  clearTimeout(timer);
  timer = setTimeout(() => (current = null), kind === 'error' ? 10_000 : 4_000);
}

/** A file was saved to the export folder: said, with a way to save a copy elsewhere (kept longer). */
export function showSaved(text: string, path: string): void {
  current = { kind: 'success', text, saved: path };
  clearTimeout(timer);
  timer = setTimeout(() => (current = null), 10_000);
}
