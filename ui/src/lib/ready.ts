// Tells the app once that the first screen is interactive (for the start-up benchmark): called when
// the first screen's content is in the DOM with its handlers attached, as the baseline reports when
// its page has loaded.
import { commands } from './bindings';

let reported = false;

export function markReady(): void {
  if (reported) return;
  reported = true;
  // Only a timing signal for the benchmark: if it cannot be delivered, nothing else depends on it.
  void commands.uiReady().catch(() => undefined);
}
