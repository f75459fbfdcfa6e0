import i18next, { type i18n as I18n, type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { UiLanguage } from '@ablak/protocol';
import { uiEn, uiHu } from './strings';

export const UI_LANGUAGES: readonly UiLanguage[] = ['hu', 'en'];
const STORAGE_KEY = 'ablak.lang';

export interface I18nOptions {
  /** The app's own strings per language, in the app's namespace (default namespace of `t()`). */
  app: { hu: Record<string, unknown>; en: Record<string, unknown> };
  /** Namespace name of the app strings; `t()` without a prefix resolves here. */
  namespace?: string;
  /** Overrides the stored / browser language (tests, join links). */
  language?: UiLanguage;
}

function isUiLanguage(value: string | null | undefined): value is UiLanguage {
  return value === 'hu' || value === 'en';
}

/** Language to start in: explicit, then the one the person chose before, then Hungarian. */
export function initialLanguage(explicit?: UiLanguage): UiLanguage {
  if (explicit) return explicit;
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (isUiLanguage(stored)) return stored;
  } catch {
    // storage can be blocked (private mode); Hungarian is the default then
  }
  return 'hu';
}

/**
 * One i18next instance per app: the shared `ui` namespace (components of this package) plus the app's
 * own. Hungarian is the default and the fallback; the chosen language is remembered and mirrored on
 * `<html lang>` so screen readers pronounce the page right.
 */
export function createI18n(options: I18nOptions): I18n {
  const ns = options.namespace ?? 'app';
  const resources: Resource = {
    hu: { ui: uiHu, [ns]: options.app.hu },
    en: { ui: uiEn, [ns]: options.app.en },
  } as Resource;
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: initialLanguage(options.language),
    fallbackLng: 'hu',
    supportedLngs: [...UI_LANGUAGES],
    ns: ['ui', ns],
    defaultNS: ns,
    interpolation: { escapeValue: false },
    returnNull: false,
    initAsync: false,
  });
  const apply = (lng: string) => {
    if (typeof document !== 'undefined') document.documentElement.lang = lng;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, lng);
    } catch {
      // not remembered; harmless
    }
  };
  apply(instance.language);
  instance.on('languageChanged', apply);
  return instance;
}

export function currentLanguage(instance: I18n): UiLanguage {
  return isUiLanguage(instance.language) ? instance.language : 'hu';
}
