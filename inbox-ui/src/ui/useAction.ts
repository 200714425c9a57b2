// One action at a time on a screen: `run(fn)` sets busy, clears the last error and info, and turns a
// thrown error into a sentence (`describe`, errorText by default) instead of an unhandled rejection.
// `setError` / `setInfo` stay open for messages the action itself decides on (e.g. "Gespeichert.").
import { useState } from "preact/hooks";
import { errorText } from "./errors";

export interface Action {
  busy: boolean;
  error: string | null;
  info: string | null;
  setError: (text: string | null) => void;
  setInfo: (text: string | null) => void;
  run: (fn: () => Promise<void>) => Promise<void>;
}

export function useAction(describe: (err: unknown) => string = errorText): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      await fn();
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, info, setError, setInfo, run };
}
