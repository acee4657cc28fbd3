// Tells the app once that the first screen is interactive (for the start-up benchmark).
import { commands } from './bindings';

let reported = false;

export function markReady(): void {
  if (reported) return;
  reported = true;
  // The next frame is when the screen has been painted.
  // Only a timing signal for the benchmark: if it cannot be delivered, nothing else depends on it.
  requestAnimationFrame(() => void commands.uiReady().catch(() => undefined));
}
