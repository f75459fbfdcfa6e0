import { useEffect, useId, useRef, type ReactNode } from 'react';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  /** Styles the confirm button as destructive (end call, leave queue). */
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/**
 * A modal question on the native `<dialog>`: the browser traps focus, Escape cancels, and focus goes
 * back to where it was. The safe choice (cancel) gets the initial focus.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  cancelLabel,
  danger,
  onConfirm,
  onCancel,
}: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      // the safe choice first, every time the dialog opens (React's autoFocus only acts on mount)
      cancelRef.current?.focus();
    }
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="ab-dialog"
      aria-labelledby={`${id}-t`}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h2 id={`${id}-t`}>{title}</h2>
      {children}
      <div className="ab-dialog__actions">
        <button type="button" className="ab-button ab-button--secondary" onClick={onCancel} ref={cancelRef}>
          {cancelLabel}
        </button>
        <button
          type="button"
          className={`ab-button ${danger ? 'ab-button--danger' : ''}`}
          onClick={onConfirm}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
