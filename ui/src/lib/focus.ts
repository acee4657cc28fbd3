/**
 * Moves the keyboard to what the nurse does next once the page shows it: `selector` is looked for on
 * each frame for up to `waitMs` (a list that loads after a move), then focused and scrolled into view.
 * Returns whether it was found.
 */
export function focusWhenShown(selector: string, waitMs = 2000): Promise<boolean> {
  const until = performance.now() + waitMs;
  return new Promise((resolve) => {
    const look = (): void => {
      const element = document.querySelector<HTMLElement>(selector);
      if (element) {
        element.focus();
        element.scrollIntoView?.({ block: 'center' });
        resolve(true);
      } else if (performance.now() < until) requestAnimationFrame(look);
      else resolve(false);
    };
    look();
  });
}
