// One line of feedback at the bottom of the window ("saved", or what went wrong).
export type Toast = { kind: 'success' | 'error'; text: string };

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
