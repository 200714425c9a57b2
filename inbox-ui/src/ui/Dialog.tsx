// Accessible modal dialog on the native <dialog>: focus moves in and returns on close, Esc closes.
import type { ComponentChildren } from "preact";
import { useEffect, useId, useRef } from "preact/hooks";
import { t } from "../i18n";
import { Button } from "./Button";

export interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** Extra class on the <dialog>, e.g. "dialog-wide" or "dialog-image". */
  class?: string;
  footer?: ComponentChildren;
}

export function Dialog({ open, title, onClose, children, class: cls, footer }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    else if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class={["dialog", cls].filter(Boolean).join(" ")}
      aria-labelledby={titleId}
      onClose={() => open && onClose()}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === ref.current) onClose();
      }}
    >
      {open && (
        <div class="dialog-inner">
          <header class="dialog-header">
            <h2 id={titleId}>{title}</h2>
            <button type="button" class="icon-btn" aria-label={t("close")} onClick={onClose}>
              <span aria-hidden="true">×</span>
            </button>
          </header>
          <div class="dialog-body">{children}</div>
          {footer && <footer class="dialog-footer">{footer}</footer>}
        </div>
      )}
    </dialog>
  );
}

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  /** The button that only closes the dialog; default "Abbrechen". Name it when "Abbrechen" would read as the action itself. */
  cancelLabel?: string;
  onConfirm: () => void;
  onCancel: () => void;
  danger?: boolean;
  busy?: boolean;
}

export function ConfirmDialog({ open, title, message, confirmLabel, cancelLabel, onConfirm, onCancel, danger, busy }: ConfirmDialogProps) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onCancel}
      footer={
        <>
          <Button onClick={onCancel}>{cancelLabel ?? t("cancel")}</Button>
          <Button variant={danger ? "danger" : "primary"} onClick={onConfirm} busy={busy} autofocus>
            {confirmLabel}
          </Button>
        </>
      }
    >
      <p>{message}</p>
    </Dialog>
  );
}
