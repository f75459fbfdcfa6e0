import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ClerkId, Colleague } from '@ablak/protocol';
import { canTakeTransfer, searchColleagues } from './colleagues';

interface Props {
  /** null while the list is loading. */
  colleagues: readonly Colleague[] | null;
  loadError: string | null;
  myOffice: string;
  queueName(queue: string): string;
  value: ClerkId | null;
  onChange(clerk: ClerkId): void;
  onRetry(): void;
}

/**
 * Picks the colleague a transfer names: a search box (combobox) over an always-open list (listbox) of
 * colleagues with their state, office and queues. The focus stays in the search box; arrows move
 * through the list, Enter picks, Escape clears the search. A tap on a row picks it too.
 */
export function ColleaguePicker({
  colleagues,
  loadError,
  myOffice,
  queueName,
  value,
  onChange,
  onRetry,
}: Props) {
  const { t } = useTranslation('console');
  const baseId = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState<ClerkId | null>(null);
  const matches = useMemo(
    () => searchColleagues(colleagues ?? [], query, queueName),
    [colleagues, query, queueName],
  );
  const pickable = useMemo(() => matches.filter(canTakeTransfer), [matches]);
  const optionId = (id: string) => `${baseId}-option-${id}`;
  const listId = `${baseId}-list`;
  const countId = `${baseId}-count`;

  // The active row follows the search: the first colleague who can take the call, unless still shown.
  const activeShown = active !== null && pickable.some((c) => c.id === active);
  const current = activeShown ? active : (pickable[0]?.id ?? null);
  useEffect(() => {
    if (current) document.getElementById(optionId(current))?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const move = (step: 1 | -1) => {
    if (pickable.length === 0) return;
    const at = pickable.findIndex((c) => c.id === current);
    const next = pickable[(at + step + pickable.length) % pickable.length];
    if (next) setActive(next.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      move(event.key === 'ArrowDown' ? 1 : -1);
    } else if (event.key === 'Enter') {
      // Enter picks the row; it does not send the transfer form.
      event.preventDefault();
      if (current) onChange(current);
    } else if (event.key === 'Escape' && query !== '') {
      // The first Escape clears the search; only a second one closes the dialog.
      event.preventDefault();
      event.stopPropagation();
      setQuery('');
    }
  };

  const chosen = colleagues?.find((c) => c.id === value) ?? null;
  const status =
    colleagues === null ? t('transfer.loading') : t('transfer.matches', { count: matches.length });

  return (
    <div className="colleague-picker" data-testid="colleague-picker">
      <label htmlFor={`${baseId}-search`}>{t('transfer.clerk')}</label>
      <input
        id={`${baseId}-search`}
        type="search"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={current ? optionId(current) : undefined}
        aria-describedby={countId}
        placeholder={t('transfer.searchPlaceholder')}
        autoComplete="off"
        spellCheck={false}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <p id={countId} className="muted colleague-count" aria-live="polite">
        {status}
      </p>
      {loadError && (
        <p role="alert" className="form-error">
          {loadError}{' '}
          <button type="button" className="link" onClick={onRetry}>
            {t('transfer.retry')}
          </button>
        </p>
      )}
      <ul id={listId} role="listbox" aria-label={t('transfer.colleagues')} className="colleague-list">
        {matches.map((c) => {
          const takes = canTakeTransfer(c);
          const office =
            c.office === myOffice ? t('transfer.ownOffice', { office: c.officeName }) : c.officeName;
          const queues = c.skills.map(queueName).join(', ');
          return (
            <li
              key={c.id}
              id={optionId(c.id)}
              role="option"
              aria-selected={c.id === value}
              aria-disabled={takes ? undefined : true}
              aria-label={t('transfer.colleagueLabel', {
                name: c.displayName,
                state: t(`state.${c.state}`),
                office,
                queues,
              })}
              className={`colleague${c.id === current ? ' active' : ''}`}
              data-testid="colleague"
              data-clerk={c.id}
              data-state={c.state}
              onClick={() => {
                if (!takes) return;
                setActive(c.id);
                onChange(c.id);
              }}
            >
              <span className="colleague-head">
                <span className="colleague-name">{c.displayName}</span>
                <span className={`state-badge state-${c.state}`}>{t(`state.${c.state}`)}</span>
                {c.id === value && (
                  <span className="colleague-check" aria-hidden="true">
                    ✓
                  </span>
                )}
              </span>
              <span className="colleague-office">{office}</span>
              <span className="colleague-queues">{queues}</span>
            </li>
          );
        })}
      </ul>
      <p className="colleague-chosen" data-testid="colleague-chosen">
        {chosen ? t('transfer.chosen', { name: chosen.displayName }) : t('transfer.noneChosen')}
      </p>
    </div>
  );
}
