import { useTranslation } from 'react-i18next';
import { UI_LANGUAGES } from '../i18n/setup';

/**
 * Language buttons, each named in its own language (and marked with `lang`) so a person who cannot
 * read the current one still finds theirs.
 */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation('ui');
  return (
    <nav className="ab-lang" aria-label={t('language.label')}>
      <ul>
        {UI_LANGUAGES.map((lng) => (
          <li key={lng}>
            <button
              type="button"
              lang={lng}
              className="ab-button ab-button--ghost"
              aria-pressed={i18n.language === lng}
              onClick={() => void i18n.changeLanguage(lng)}
            >
              {t(`language.name.${lng}`, { lng })}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
