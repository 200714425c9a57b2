// A coarse "now" for countdowns and relative times; re-renders readers every 30 seconds.
import { signal } from "@preact/signals";

export const now = signal(Date.now());
setInterval(() => {
  now.value = Date.now();
}, 30_000);
