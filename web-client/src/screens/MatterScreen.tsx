import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CaseTypeList, type CaseTypeCategory } from '@ablak/protocol';
import { apiFetch, useFormat } from '@ablak/ui';
import { config } from '../config';
import type { ChosenMatter } from '../flow/types';
import { useScreenFocus } from '../flow/useScreenFocus';

interface Props {
  appointmentCode?: string;
  selected: ChosenMatter | undefined;
  onChoose(matter: ChosenMatter): void;
  onBack(): void;
}

/** The last answer stays on screen while the next one loads, so the list does not flicker under the keyboard. */
type Load = { state: 'loading' | 'error' | 'done'; list: CaseTypeList | null };

/** Type-ahead search of the catalogue (accent-insensitive on the server) plus categories to browse. */
export function MatterScreen({ appointmentCode, selected, onChoose, onBack }: Props) {
  const { t } = useTranslation();
  const format = useFormat();
  const heading = useScreenFocus();
  const id = useId();
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState<string | undefined>();
  const [categories, setCategories] = useState<CaseTypeCategory[]>([]);
  const [load, setLoad] = useState<Load>({ state: 'loading', list: null });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(
      () => {
        setLoad((l) => ({ state: 'loading', list: l.list }));
        apiFetch('/api/case-types', {
          query: {
            q: query.trim() || undefined,
            lang: format.language,
            category,
            limit: query.trim() ? 40 : category ? 100 : 1,
          },
          schema: CaseTypeList,
          signal: controller.signal,
          baseUrl: config.signalingUrl,
        })
          .then((list) => {
            setLoad({ state: 'done', list });
            if (list.categories.length > 0 && !query.trim() && !category) setCategories(list.categories);
          })
          .catch((error: unknown) => {
            if (!controller.signal.aborted) {
              console.warn('case types', error);
              setLoad((l) => ({ state: 'error', list: l.list }));
            }
          });
      },
      query ? 200 : 0,
    );
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query, category, format.language, attempt]);

  // browsing starts from the topics: without a search or a topic there is no list of 450 matters
  const browsing = !query.trim() && !category;
  const list = browsing ? null : load.list;
  const activeCategory = categories.find((c) => c.id === category);

  return (
    <section className="screen" aria-labelledby={`${id}-h`} data-screen="matter">
      <p className="step-count">{t('flow.step', { n: 1, total: 3 })}</p>
      <h1 id={`${id}-h`} ref={heading} tabIndex={-1}>
        {t('matter.title')}
      </h1>
      {appointmentCode && <p className="ab-notice">{t('matter.appointment', { code: appointmentCode })}</p>}
      <div className="ab-field" role="search">
        <label htmlFor={`${id}-q`}>{t('matter.searchLabel')}</label>
        <p className="ab-hint" id={`${id}-qh`}>
          {t('matter.searchHint')}
        </p>
        <input
          id={`${id}-q`}
          type="search"
          value={query}
          autoComplete="off"
          aria-describedby={`${id}-qh`}
          aria-controls={list && list.caseTypes.length > 0 ? `${id}-results` : undefined}
          onChange={(e) => setQuery(e.target.value)}
        />
      </div>

      {categories.length > 0 && !query.trim() && (
        <nav aria-labelledby={`${id}-cats`} className="categories">
          <h2 id={`${id}-cats`} className="h-small">
            {t('matter.categories')}
          </h2>
          <ul className="chip-list">
            <li>
              <button
                type="button"
                className="ab-button ab-button--ghost chip"
                aria-pressed={!category}
                onClick={() => setCategory(undefined)}
              >
                {t('matter.allCategories')}
              </button>
            </li>
            {categories.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className="ab-button ab-button--ghost chip"
                  aria-pressed={category === c.id}
                  onClick={() => setCategory(category === c.id ? undefined : c.id)}
                >
                  {format.text(c.name)} <span className="chip__count">({format.number(c.count)})</span>
                </button>
              </li>
            ))}
          </ul>
        </nav>
      )}

      <h2 className="h-small" id={`${id}-rh`}>
        {activeCategory ? format.text(activeCategory.name) : t('matter.results')}
      </h2>
      <p role="status" className="ab-hint" aria-live="polite">
        {browsing
          ? t('matter.browseHint')
          : load.state === 'loading'
            ? t('matter.loading')
            : list
              ? list.total > list.caseTypes.length
                ? t('matter.countMore', { count: list.caseTypes.length, total: list.total })
                : t('matter.count', { count: list.caseTypes.length })
              : ''}
      </p>
      {load.state === 'error' && (
        <div className="ab-notice ab-notice--error" role="alert">
          <p>{t('matter.error')}</p>
          <button type="button" className="ab-button" onClick={() => setAttempt((a) => a + 1)}>
            {t('common.retry')}
          </button>
        </div>
      )}
      {list && list.caseTypes.length === 0 && <p>{t('matter.none')}</p>}
      {list && list.caseTypes.length > 0 && (
        <ul id={`${id}-results`} className="matter-list" aria-labelledby={`${id}-rh`}>
          {list.caseTypes.map((ct) => (
            <li key={ct.code}>
              <button
                type="button"
                className="matter"
                aria-current={selected?.code === ct.code ? 'true' : undefined}
                onClick={() =>
                  onChoose({ code: ct.code, name: ct.name, expectedMinutes: ct.expectedMinutes })
                }
              >
                <span className="matter__name">{format.text(ct.name)}</span>
                <span className="matter__meta">
                  {format.text(ct.categoryName)} ·{' '}
                  {t('matter.expected', { minutes: format.number(ct.expectedMinutes) })}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" className="ab-button ab-button--secondary" onClick={onBack}>
          {t('common.back')}
        </button>
      </div>
    </section>
  );
}
