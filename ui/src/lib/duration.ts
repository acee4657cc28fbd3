// Durations in minutes, worded for the desk: 「2時間50分」 / "2 h 50 min".
import { t } from './i18n.svelte';

export function formatMinutes(minutes: number): string {
  const whole = Math.round(minutes);
  const days = Math.floor(whole / 1440);
  const hours = Math.floor((whole % 1440) / 60);
  const rest = whole % 60;
  if (days > 0) return t('elapsed.days', { d: days, h: hours });
  if (hours > 0) return t('elapsed.hours', { h: hours, m: rest });
  return t('elapsed.minutes', { m: rest });
}
