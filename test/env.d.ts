// The tests' `env` and `exports` (from "cloudflare:workers") are the product Worker's: typed by the
// generated worker-configuration.d.ts (npm run types), which worker/env.ts pulls in, and the
// optional settings declared there.
import type {} from "../worker/env";
