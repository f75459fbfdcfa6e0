import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { LocalizedText, UiLanguage } from '@ablak/protocol';

const LOCALES: Record<UiLanguage, string> = { hu: 'hu-HU', en: 'en-GB' };

export function localeOf(language: string): string {
  return language === 'en' ? LOCALES.en : LOCALES.hu;
}

export interface Formatters {
  language: UiLanguage;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** A wait or a duration in plain words: "about 4 minutes", "less than a minute". */
  minutes(seconds: number): string;
  time(at: number | Date): string;
  date(at: number | Date): string;
  dateTime(at: number | Date): string;
  bytes(size: number): string;
  /** A keeping period in days in plain words: "30 days", "2 years" (whole years when it is one). */
  days(days: number): string;
  /** Picks the right language of a catalogue text. */
  text(value: LocalizedText): string;
}

export function makeFormatters(language: UiLanguage): Formatters {
  const locale = LOCALES[language];
  const num = new Intl.NumberFormat(locale);
  const unit = (u: 'minute' | 'kilobyte' | 'megabyte' | 'day' | 'year') =>
    new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'long', maximumFractionDigits: 1 });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long' });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  return {
    language,
    number: (value, options) =>
      options ? new Intl.NumberFormat(locale, options).format(value) : num.format(value),
    minutes: (seconds) => unit('minute').format(Math.max(1, Math.round(seconds / 60))),
    time: (at) => time.format(at),
    date: (at) => date.format(at),
    dateTime: (at) => dateTime.format(at),
    bytes: (size) =>
      size < 1024 * 1024 ? unit('kilobyte').format(size / 1024) : unit('megabyte').format(size / 1024 / 1024),
    days: (days) =>
      days >= 365 && days % 365 === 0 ? unit('year').format(days / 365) : unit('day').format(days),
    text: (value) => value[language],
  };
}

/** Intl formatters for the current UI language (re-created when the language changes). */
export function useFormat(): Formatters {
  const { i18n } = useTranslation('ui');
  const language: UiLanguage = i18n.language === 'en' ? 'en' : 'hu';
  return useMemo(() => makeFormatters(language), [language]);
}
