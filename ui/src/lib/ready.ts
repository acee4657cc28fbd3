// Tells the app once that the first screen is interactive (for the start-up benchmark).
import { commands } from './bindings';

let reported = false;

export function markReady(): void {
  if (reported) return;
  reported = true;
  // The next frame is when the screen has been painted.
  requestAnimationFrame(() => void commands.uiReady());
}
