// `npm start`: everything a newcomer needs to try townwire locally, in one command.
//  1. creates .dev.vars with local defaults (WhatsApp simulator, first admin) if it does not exist,
//  2. builds the staff app and the widget (npm run build),
//  3. applies the D1 migrations to the local state in .wrangler/state,
//  4. runs `wrangler dev` on PORT (default 8787) with its output visible: with DEV_SIMULATOR=true the
//     dev Worker (dev/wrangler.toml: WhatsApp simulator, demo pages) in front of the product,
//  5. seeds demo data once (when the simulator is on), and prints where to go.
// Ctrl-C stops wrangler and exits.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { applyMigrations, startWorker } from "./lib/dev-server.mjs";
import { generateVapidKeys } from "./lib/vapid.mjs";

const PORT = Number(process.env.PORT ?? 8787);
const STATE_DIR = ".wrangler/state";
const VARS_FILE = ".dev.vars";
const REQUIRED = ["WHATSAPP_VERIFY_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID"];

const say = (msg = "") => console.log(`[townwire] ${msg}`);
const fail = (msg) => {
  console.error(`\n[townwire] ${msg}\n`);
  process.exit(1);
};

if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65535) fail(`PORT="${process.env.PORT}" ist keine gültige Portnummer.`);

const simulatorBase = (port) => `http://127.0.0.1:${port}/__dev/graph/v23.0`;
const localOrigins = (port) => `http://127.0.0.1:${port},http://localhost:${port}`;

function defaultVars() {
  const random = () => randomBytes(24).toString("hex");
  return [
    "# Local configuration for `npm start` (created automatically, never committed).",
    "# Without a Meta app, the WhatsApp simulator (a separate local Worker, dev/) stands in for WhatsApp (DEV_SIMULATOR=true).",
    "# To connect a real number: put in the values from Meta (see README), remove WHATSAPP_API_BASE",
    "# and set DEV_SIMULATOR=false.",
    `WHATSAPP_VERIFY_TOKEN=${random()}`,
    `WHATSAPP_APP_SECRET=${random()}`,
    "WHATSAPP_ACCESS_TOKEN=local-simulator-access-token",
    "WHATSAPP_PHONE_NUMBER_ID=100000000000001",
    "WHATSAPP_BUSINESS_ACCOUNT_ID=102290129340398",
    "WHATSAPP_DISPLAY_NUMBER=4312345678",
    `WHATSAPP_API_BASE=${simulatorBase(PORT)}`,
    "DEV_SIMULATOR=true",
    "ADMIN_EMAIL=admin@townwire.local",
    "ADMIN_PASSWORD=townwire-admin",
    `WIDGET_ALLOWED_ORIGINS=${localOrigins(PORT)}`,
    "",
  ].join("\n");
}

/** KEY=VALUE lines (quotes optional, # comments), as wrangler reads .dev.vars. */
function parseVars(text) {
  const out = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    let value = m[2];
    if (/^(["']).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, "");
    out[m[1]] = value;
  }
  return out;
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

// 1. Configuration
if (!existsSync(VARS_FILE)) {
  writeFileSync(VARS_FILE, defaultVars(), { mode: 0o600 });
  say(`${VARS_FILE} angelegt (lokale Einstellungen mit dem WhatsApp-Simulator).`);
}
// Web Push for staff (docs/staff-app.md): a local key pair, once, so "Benachrichtigungen" works locally too.
{
  const existing = parseVars(readFileSync(VARS_FILE, "utf8"));
  if (!existing.VAPID_PUBLIC_KEY && !existing.VAPID_PRIVATE_KEY) {
    const keys = await generateVapidKeys();
    const lines = ["", "# Web Push for staff notifications (local key pair; production: npm run vapid:keys, then wrangler secret put).", `VAPID_PUBLIC_KEY=${keys.publicKey}`, `VAPID_PRIVATE_KEY=${keys.privateKey}`, "VAPID_SUBJECT=mailto:admin@townwire.local", ""];
    writeFileSync(VARS_FILE, readFileSync(VARS_FILE, "utf8").replace(/\n*$/, "\n") + lines.join("\n"), { mode: 0o600 });
    say(`${VARS_FILE}: Schlüssel für Benachrichtigungen (Web Push) ergänzt.`);
  }
}
const vars = parseVars(readFileSync(VARS_FILE, "utf8"));
const simulatorOn = ["true", "1"].includes(vars.DEV_SIMULATOR ?? "");
const missing = REQUIRED.filter((k) => !vars[k]);
if (missing.length) say(`Achtung: in ${VARS_FILE} fehlt ${missing.join(", ")} – die WhatsApp-Anbindung meldet dann „misconfigured“.`);

// Values npm start wrote for some earlier port follow the current PORT (passed as --var, which wins over .dev.vars).
const overrides = {};
if (simulatorOn) {
  if (!vars.WHATSAPP_API_BASE || /^http:\/\/(127\.0\.0\.1|localhost):\d+\/__dev\/graph\//.test(vars.WHATSAPP_API_BASE)) {
    overrides.WHATSAPP_API_BASE = simulatorBase(PORT);
  }
  const origins = (vars.WIDGET_ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean);
  if (origins.every((o) => /^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(o))) overrides.WIDGET_ALLOWED_ORIGINS = localOrigins(PORT);
}

if (!(await portIsFree(PORT))) fail(`Port ${PORT} ist belegt. Anderen Port wählen, z. B.: PORT=${PORT + 1} npm start`);

// 2. Build the staff app and the widget
say("Baue die Mitarbeiter-App und das Widget (npm run build) …");
const build = spawnSync("npm", ["run", "build", "--silent"], { stdio: "inherit" });
if (build.status !== 0) fail("npm run build ist fehlgeschlagen (Ausgabe oben).");

// 3. Local database
say(`Wende die Datenbank-Migrationen an (${STATE_DIR}) …`);
try {
  applyMigrations(STATE_DIR);
} catch (err) {
  fail(String(err?.message ?? err));
}

// 4. wrangler dev
say(`Starte wrangler dev auf Port ${PORT} …`);
let server;
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  say("Wird beendet …");
  await server?.stop();
  process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));
process.on("SIGHUP", () => shutdown(0));

try {
  // wrangler dev does not run cron triggers by itself; /cdn-cgi/local/scheduled runs them on demand.
  // With the simulator, both Workers get every value of .dev.vars (the product runs from a copy of its
  // config, see scripts/lib/dev-server.mjs); without it, the product reads .dev.vars itself.
  server = await startWorker({
    port: PORT,
    persistTo: STATE_DIR,
    vars: simulatorOn ? { ...vars, ...overrides } : overrides,
    simulator: simulatorOn,
    quiet: false,
    extraArgs: ["--test-scheduled"],
  });
} catch (err) {
  fail(`wrangler dev ist nicht gestartet:\n${String(err?.message ?? err).split("\n").slice(-15).join("\n")}`);
}
server.child.once("exit", (code) => {
  if (stopping) return;
  say(`wrangler dev wurde beendet (Code ${code ?? "?"}).`);
  process.exit(code ?? 1);
});

// The minute cron (scheduled broadcasts, recovery of lost jobs, cleanups), as Cloudflare runs it.
const cron = setInterval(() => {
  fetch(`http://127.0.0.1:${PORT}/cdn-cgi/local/scheduled`).catch(() => undefined);
}, 60_000);
cron.unref();

// 5. Demo data (first start only; the seed itself remembers that it ran)
const base = `http://127.0.0.1:${PORT}`;
let seedNote = "";
if (simulatorOn) {
  try {
    const res = await fetch(`${base}/__dev/seed`, { method: "POST", headers: { origin: base } });
    const body = await res.json().catch(() => null);
    if (!res.ok) seedNote = `Demo-Daten: Fehler ${res.status} ${JSON.stringify(body)}`;
    else seedNote = body?.seeded ? "Demo-Daten angelegt (Kanäle, Bürger:innen, Gespräche)." : "Demo-Daten sind schon vorhanden.";
  } catch (err) {
    seedNote = `Demo-Daten konnten nicht angelegt werden: ${err?.message ?? err}`;
  }
}

const line = "─".repeat(72);
console.log(`
${line}
  townwire läuft auf ${base}
${line}
  Mitarbeiter-App:    ${base}/
      Anmeldung:      ${vars.ADMIN_EMAIL || "(ADMIN_EMAIL in .dev.vars setzen)"} / ${simulatorOn && vars.ADMIN_PASSWORD ? vars.ADMIN_PASSWORD : "(Passwort: ADMIN_PASSWORD in .dev.vars)"}
${
  simulatorOn
    ? `  WhatsApp-Simulator: ${base}/__dev/phone   (als Bürger:in schreiben)
  Widget-Demo:        ${base}/__dev/widget-demo
  ${seedNote}`
    : `  Echte WhatsApp-Anbindung (DEV_SIMULATOR ist aus). Webhook-URL für Meta: <öffentliche URL>/webhooks/whatsapp`
}

  Beenden: Strg+C.  Lokale Daten zurücksetzen: Ordner ${STATE_DIR} löschen.
${line}
`);
