import type { ButtonHTMLAttributes } from "preact";

export type ButtonVariant = "primary" | "secondary" | "danger" | "ghost";

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  small?: boolean;
  /** Shows the button as busy and disables it (e.g. while a request runs). */
  busy?: boolean;
}

export function Button({ variant = "secondary", small, busy, class: cls, disabled, type, children, ...rest }: ButtonProps) {
  const classes = ["btn", `btn-${variant}`, small ? "btn-small" : "", busy ? "is-busy" : "", typeof cls === "string" ? cls : ""].filter(Boolean).join(" ");
  return (
    <button type={type ?? "button"} class={classes} disabled={disabled || busy} aria-busy={busy ? "true" : undefined} {...rest}>
      {children}
    </button>
  );
}
