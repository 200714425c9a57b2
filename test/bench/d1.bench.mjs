// The local D1's ceiling: how many round trips per second `wrangler dev` on this machine carries,
// with a bare Worker (test/bench/floor-worker) doing 10 indexed reads per request, one after another
// or as one batch. D1 runs one query at a time per database (in production too), so this ceiling
// divided by the round trips an action needs (test/signup-cost.test.ts, test/broadcasts-cost.test.ts)
// bounds what a local run can show (docs/broadcast-fanout.md, "What limits the rate").
//
//   npm run bench -- d1        (BENCH_SECONDS, BENCH_CONCURRENCY)
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { freePort, startWorker } from "../../scripts/lib/dev-server.mjs";
import { sampleRss } from "./lib/worker-run.mjs";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function closedLoop(url, seconds) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const res = await fetch(url, { method: "POST" });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
        done++;
      }
    }),
  );
  return done / seconds;
}

export default async function d1Bench() {
  const persistTo = mkdtempSync(join(tmpdir(), "townwire-bench-d1-"));
  const worker = await startWorker({ port: await freePort(), persistTo, config: "test/bench/floor-worker/wrangler.toml", quiet: true, simulator: false });
  try {
    await fetch(`${worker.url}/warm`, { method: "POST" }).then((r) => r.arrayBuffer());
    const rows = [];
    for (const [label, path, tripsPerRequest] of [
      ["10 reads, one after another", "/d1/reads", 10],
      ["10 reads as one batch", "/d1/batch", 1],
      ["HTTP request with one insert (floor of a webhook)", "/hook", 1],
    ]) {
      const cpu = sampleRss(() => worker.child);
      const rps = await closedLoop(`${worker.url}${path}`, SECONDS);
      rows.push({ label, rps, trips: rps * tripsPerRequest, statements: rps * (path === "/hook" ? 1 : 10), cpu: cpu.stop().cpu });
    }
    console.log(`\nLocal D1 under wrangler dev (${CONCURRENCY} requests at a time, ${SECONDS} s each; load ${loadavg()[0].toFixed(1)})`);
    console.log("| requests | requests/s | D1 round trips/s | statements/s | CPU cores used |");
    console.log("|---|---|---|---|---|");
    for (const r of rows) console.log(`| ${r.label} | ${r.rps.toFixed(0)} | ${r.trips.toFixed(0)} | ${r.statements.toFixed(0)} | ${r.cpu} |`);
    return rows;
  } finally {
    await worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await d1Bench();
