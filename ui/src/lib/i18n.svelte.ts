// UI strings through i18next, Japanese by default, with a reactive language switch.
import i18next from 'i18next';

import { ja } from './locales/ja';
import { en } from './locales/en';
import { coreEn } from './locales/core-en';

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

let current = $state<Language>(initialLanguage());

void i18next.init({
  lng: current,
  fallbackLng: 'ja',
  initAsync: false,
  resources: { ja: { translation: ja }, en: { translation: { ...en, core: coreEn } } },
  interpolation: { escapeValue: false }, // Svelte escapes all text it renders.
  returnNull: false,
});

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

export function setLanguage(language: Language): void {
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
