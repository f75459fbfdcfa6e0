import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChatMessage, Role } from '@ablak/protocol';
import { useFormat } from '../i18n/format';

export interface ChatPanelProps {
  messages: readonly ChatMessage[];
  /** Messages from this role are shown as "You". */
  selfRole: Role;
  onSend(text: string): Promise<void>;
  disabled?: boolean;
  /** Extra items in the log (e.g. shared documents), already sorted by the caller into place. */
  children?: ReactNode;
  heading?: string;
}

/** The in-call chat: a polite live log, a labelled box, Enter sends, Shift+Enter breaks the line. */
export function ChatPanel({ messages, selfRole, onSend, disabled, children, heading }: ChatPanelProps) {
  const { t } = useTranslation('ui');
  const format = useFormat();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const id = useId();

  useEffect(() => {
    const el = logRef.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [messages.length]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const trimmed = text.trim();
    if (!trimmed || sending) return;
    setSending(true);
    setError(null);
    try {
      await onSend(trimmed);
      setText('');
    } catch {
      setError(t('chat.failed'));
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="ab-chat" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="ab-chat__heading">
        {heading ?? t('chat.heading')}
      </h2>
      <div
        ref={logRef}
        className="ab-chat__log"
        role="log"
        aria-live="polite"
        aria-relevant="additions"
        tabIndex={0}
        aria-labelledby={`${id}-h`}
      >
        <ol className="ab-chat__list">
          {messages.length === 0 && !children && <li className="ab-chat__empty">{t('chat.empty')}</li>}
          {messages.map((m) => {
            const mine = m.from === selfRole;
            return (
              <li
                key={m.id}
                className={`ab-chat__msg ${mine ? 'ab-chat__msg--mine' : ''}`}
                data-testid="chat-message"
              >
                <span className="ab-chat__meta">
                  <span className="ab-chat__from">{mine ? t('chat.you') : m.fromName}</span>{' '}
                  <time dateTime={new Date(m.sentAt).toISOString()}>{format.time(m.sentAt)}</time>
                </span>
                <span className="ab-chat__text">{m.text}</span>
              </li>
            );
          })}
          {children}
        </ol>
      </div>
      <form className="ab-chat__form" onSubmit={submit}>
        <label htmlFor={`${id}-input`} className="ab-visually-hidden">
          {t('chat.label')}
        </label>
        <textarea
          id={`${id}-input`}
          value={text}
          rows={2}
          maxLength={2000}
          placeholder={t('chat.placeholder')}
          disabled={disabled}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              void submit();
            }
          }}
        />
        <button type="submit" className="ab-button" disabled={disabled || sending || text.trim() === ''}>
          {t('chat.send')}
        </button>
      </form>
      {error && (
        <p role="alert" className="ab-error">
          {error}
        </p>
      )}
    </section>
  );
}
