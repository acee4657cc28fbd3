// UI strings, Japanese by default, with a reactive language switch. A message is looked up by its
// dotted key (`queue.title`) in the current language, then in Japanese, and its `{{name}}` places
// are filled from the values given — all the messages need (no plurals, nesting or formats), so the
// first script the window loads carries no i18n library.
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

type Catalog = { readonly [key: string]: string | Catalog };
const catalogs: Partial<Record<Language, Catalog>> = { ja };

let englishLoaded: Promise<void> | null = null;

function loadEnglish(): Promise<void> {
  englishLoaded ??= Promise.all([import('./locales/en'), import('./locales/core-en')]).then(([{ en }, { coreEn }]) => {
    catalogs.en = { ...en, core: coreEn };
  });
  return englishLoaded;
}

/** The message at a dotted key, if the catalog has text there. */
function lookup(catalog: Catalog | undefined, key: string): string | undefined {
  let node: string | Catalog | undefined = catalog;
  for (const part of key.split('.')) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[part];
  }
  return typeof node === 'string' ? node : undefined;
}

/** `{{name}}` replaced by its value; a place with no value given is left as it is. Svelte escapes
 *  all text it renders, so nothing is escaped here. */
function fill(message: string, values: Record<string, string | number> | undefined): string {
  if (values === undefined) return message;
  return message.replace(/\{\{\s*(\w+)\s*\}\}/g, (place, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : place,
  );
}

/** The saved language, its messages loaded: what the window awaits before its first screen. */
export async function loadLanguage(): Promise<void> {
  await setLanguage(initialLanguage());
}

/** Translates `key`; re-renders wherever it is used when the language changes. */
export function t(key: MessageKey, values?: Record<string, string | number>): string {
  return tDynamic(key, values);
}

/** For keys built from data (e.g. `status.${s}`), which the type system cannot see. */
export function tDynamic(key: string, values?: Record<string, string | number>): string {
  const message = lookup(catalogs[current], key) ?? lookup(catalogs.ja, key) ?? key;
  return fill(message, values);
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
