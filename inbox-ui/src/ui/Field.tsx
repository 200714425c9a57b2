// Labelled form controls: every input gets a visible <label>, hints and errors are linked by aria.
import type { ComponentChildren, InputHTMLAttributes, SelectHTMLAttributes, TextareaHTMLAttributes } from "preact";
import { useId } from "preact/hooks";

interface FieldShell {
  label: string;
  hint?: string;
  error?: string | null;
}

function describedBy(id: string, hint?: string, error?: string | null): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-err` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

function Extras({ id, hint, error }: { id: string; hint?: string; error?: string | null }) {
  return (
    <>
      {hint && (
        <span id={`${id}-hint`} class="field-hint">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-err`} class="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

export function TextField({ label, hint, error, id: givenId, ...rest }: FieldShell & InputHTMLAttributes<HTMLInputElement>) {
  const auto = useId();
  const id = typeof givenId === "string" ? givenId : auto;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} aria-invalid={error ? "true" : undefined} aria-describedby={describedBy(id, hint, error)} {...rest} />
      <Extras id={id} hint={hint} error={error} />
    </div>
  );
}

export function TextArea({ label, hint, error, id: givenId, ...rest }: FieldShell & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const auto = useId();
  const id = typeof givenId === "string" ? givenId : auto;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <textarea id={id} aria-invalid={error ? "true" : undefined} aria-describedby={describedBy(id, hint, error)} {...rest} />
      <Extras id={id} hint={hint} error={error} />
    </div>
  );
}

export function SelectField({ label, hint, error, id: givenId, children, ...rest }: FieldShell & SelectHTMLAttributes<HTMLSelectElement> & { children: ComponentChildren }) {
  const auto = useId();
  const id = typeof givenId === "string" ? givenId : auto;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} aria-invalid={error ? "true" : undefined} aria-describedby={describedBy(id, hint, error)} {...rest}>
        {children}
      </select>
      <Extras id={id} hint={hint} error={error} />
    </div>
  );
}

/** Polite live region for short confirmations ("Gespeichert"). */
export function StatusMessage({ children, kind = "info" }: { children: ComponentChildren; kind?: "info" | "error" | "ok" }) {
  return (
    <p class={`status-msg status-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </p>
  );
}
