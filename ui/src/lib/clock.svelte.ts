// A shared "now" that ticks, so waiting times in the queue stay live without each row polling.
import { SvelteDate } from 'svelte/reactivity';

const now = new SvelteDate();
let timer: ReturnType<typeof setInterval> | undefined;

export function currentTime(): Date {
  timer ??= setInterval(() => now.setTime(Date.now()), 30_000);
  return now;
}
