// The test env is typed as the product's (the product code the tests import needs that): the
// generated worker-configuration.d.ts, which worker/env.ts references. The dev Worker's own bindings
// are typed in ./helpers (`env`).
import type {} from "../../worker/env";
