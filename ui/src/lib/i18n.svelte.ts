// UI strings through i18next, Japanese by default, with a reactive language switch.
import i18next from 'i18next';

import { ja } from './locales/ja';

type Widen<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shape every language must fill: the Japanese messages with any text. */
export type Messages = Widen<typeof ja>;

type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];
/** Every message key, e.g. `queue.title`; a typo is a type error. */
export type MessageKey = Paths<typeof ja>;

export type Language = 'ja' | 'en';
const STORAGE_KEY = 'tenin.language';

function initialLanguage(): Language {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return saved === 'en' ? 'en' : 'ja';
}

// Japanese is in the first script the window loads; English (its messages and the wording of
// the core's codes) is a chunk of its own, loaded when chosen — before the first screen when it
// was the saved choice (`loadLanguage` in main.ts), else on the switch in Settings.
let current = $state<Language>('ja');

void i18next.init({
  lng: 'ja',
  fallbackLng: 'ja',
  initAsync: false,
  resources: { ja: { translation: ja } },
  interpolation: { escapeValue: false }, // Svelte escapes all text it renders.
  returnNull: false,
});

let englishLoaded: Promise<void> | null = null;

function loadEnglish(): Promise<void> {
  englishLoaded ??= Promise.all([import('./locales/en'), import('./locales/core-en')]).then(([{ en }, { coreEn }]) => {
    i18next.addResourceBundle('en', 'translation', { ...en, core: coreEn });
  });
  return englishLoaded;
}

/** The saved language, its messages loaded: what the window awaits before its first screen. */
export async function loadLanguage(): Promise<void> {
  await setLanguage(initialLanguage());
}

/** Translates `key`; re-renders wherever it is used when the language changes. */
export function t(key: MessageKey, values?: Record<string, string | number>): string {
  return i18next.t(key, { ...values, lng: current });
}

/** For keys built from data (e.g. `status.${s}`), which the type system cannot see. */
export function tDynamic(key: string, values?: Record<string, string | number>): string {
  return i18next.t(key, { ...values, lng: current });
}

export function language(): Language {
  return current;
}

/** Switches the language once its messages are loaded (English is loaded on first use). */
export async function setLanguage(language: Language): Promise<void> {
  if (language === 'en') await loadEnglish();
  current = language;
  globalThis.localStorage?.setItem(STORAGE_KEY, language);
  if (typeof document !== 'undefined') document.documentElement.lang = language;
}

/** The groups of state words the core writes into its sentences as codes or Japanese labels. */
const STATE_WORDS = ['status', 'transport.status', 'transport.vehicle'] as const;

/** A request or booking state (or a vehicle) the core named — by code (`placed`) or by its Japanese
 *  label (「受入決定」) — in the current language; any other text as it is. */
export function stateInLanguage(value: string): string {
  for (const group of STATE_WORDS) {
    const words = group
      .split('.')
      .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], ja) as Record<string, string>;
    const code = value in words ? value : Object.keys(words).find((key) => words[key] === value);
    if (code) return tDynamic(`${group}.${code}`);
  }
  return value;
}
