// Types for chromium.mjs (used by playwright.config.ts).
import type { Browser } from "playwright-core";

export function resolveChromium(): Promise<{ executablePath: string; source: "CHROMIUM_PATH" | "system" | "@sparticuz/chromium" }>;
export const CHROMIUM_ARGS: string[];
export function launchChromium(): Promise<Browser>;
