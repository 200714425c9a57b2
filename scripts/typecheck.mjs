// `npm run typecheck`: the six TypeScript programs (`tsc --noEmit -p …`), side by side, as many at
// once as the machine has cores (each tsc uses one). Each program's output is printed in one piece
// when it ends, with its time; the exit code is 1 if any of them failed. On the 2-core machine this
// takes about half the time of running them one after another (docs/testing.md).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";

// Largest first, so the small ones fill the gaps at the end.
const PROGRAMS = [".", "inbox-ui", "dev", "test/e2e", "dev/phone/client", "widget"];
const TSC = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");

function check(project) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [TSC, "--noEmit", "-p", project], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", (err) => resolve({ project, ok: false, output: String(err), seconds: 0 }));
    child.on("close", (code) => resolve({ project, ok: code === 0, output, seconds: (Date.now() - started) / 1000 }));
  });
}

const queue = [...PROGRAMS];
const failed = [];
async function lane() {
  for (let project = queue.shift(); project !== undefined; project = queue.shift()) {
    const result = await check(project);
    console.log(`tsc -p ${result.project}: ${result.ok ? "ok" : "FAILED"} (${result.seconds.toFixed(1)} s)`);
    if (result.output.trim()) console.log(result.output.trimEnd());
    if (!result.ok) failed.push(project);
  }
}
const lanes = Math.max(1, Math.min(availableParallelism(), PROGRAMS.length));
await Promise.all(Array.from({ length: lanes }, lane));
if (failed.length) {
  console.error(`typecheck failed in: ${failed.join(", ")}`);
  process.exit(1);
}
