// The staff API, typed from the server's route definitions (worker/app.ts AppType, a type-only import
// erased in the build): paths, inputs and JSON answers come from the server, so the staff app keeps no
// hand-copied request or response types. Use through `call()` in lib/api.ts.
import { hc, type InferRequestType, type InferResponseType } from "hono/client";
import type { AppType } from "../../../worker/app";

export const client = hc<AppType>("/", { init: { credentials: "same-origin" }, headers: { accept: "application/json" } });

/** The JSON of a route's successful answer: `Ok<typeof client.api.staff.$get>`. */
export type Ok<R> = R extends (...args: never[]) => unknown ? InferResponseType<R, 200> : never;
/** The same for routes that create something (201). */
export type Created<R> = R extends (...args: never[]) => unknown ? InferResponseType<R, 201> : never;
export type Input<R> = R extends (...args: never[]) => unknown ? InferRequestType<R> : never;
