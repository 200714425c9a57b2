// The tests' `env` and `exports` (from "cloudflare:workers") are the product Worker's: typed by the
// generated worker-configuration.d.ts (npm run types) and the optional settings in worker/env.ts.
/// <reference path="../worker-configuration.d.ts" />
import type {} from "../worker/env";
