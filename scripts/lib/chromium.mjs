// Finds a headless Chromium for the browser tests, benchmarks and screenshots, without apt-get:
// CHROMIUM_PATH if set, else a system Chromium, else the one that comes from npm (@sparticuz/chromium
// unpacks a headless build into the temp folder on first use; playwright-core drives it).
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

const SYSTEM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

function onPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** The path of a Chromium executable, and where it came from (for the log). */
export async function resolveChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (!existsSync(process.env.CHROMIUM_PATH)) throw new Error(`CHROMIUM_PATH=${process.env.CHROMIUM_PATH} does not exist`);
    return { executablePath: process.env.CHROMIUM_PATH, source: "CHROMIUM_PATH" };
  }
  const system = SYSTEM_CANDIDATES.find((p) => existsSync(p)) ?? onPath("chromium");
  if (system) return { executablePath: system, source: "system" };
  // It unpacks into os.tmpdir(): point that at a folder of this user's, so a copy another user left in
  // /tmp (not executable for us) is never picked, and the unpacked browser is reused across runs.
  const dir = join(homedir(), ".cache", "townwire-chromium");
  mkdirSync(dir, { recursive: true });
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    const { default: npmChromium } = await import("@sparticuz/chromium");
    return { executablePath: await npmChromium.executablePath(), source: "@sparticuz/chromium" };
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

/** Flags for a sandbox with no network: no background traffic that this machine would refuse. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches Chromium with playwright-core. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  const { executablePath, source } = await resolveChromium();
  console.log(`chromium: ${executablePath} (${source})`);
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
