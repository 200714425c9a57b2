// A button that opens a small list (the account menu, the phone's "Mehr"): open/close, and while it
// is open a tap or click outside `root` closes it, and Esc closes it with the focus back on `button`.
// Esc is caught first (capture) and stopped, so a dialog or sheet underneath stays open.
import { useEffect, useRef, useState } from "preact/hooks";

export function usePopover<R extends HTMLElement>() {
  const [open, setOpen] = useState(false);
  const root = useRef<R>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.stopPropagation();
      setOpen(false);
      button.current?.focus();
    };
    document.addEventListener("pointerdown", onDown);
    document.addEventListener("keydown", onKey, true);
    return () => {
      document.removeEventListener("pointerdown", onDown);
      document.removeEventListener("keydown", onKey, true);
    };
  }, [open]);

  return { open, setOpen, toggle: () => setOpen(!open), root, button };
}
