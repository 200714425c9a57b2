// Hooks the fan-out into the Worker's queue and cron entry points (imported once by worker/index.ts).
import { registerQueueHandler } from "../queues/consumer";
import { registerScheduledTask } from "../scheduled";
import { handleBroadcastBatch } from "./consumer";
import { runBroadcastMinute } from "./recovery";

registerQueueHandler("townwire-broadcasts", handleBroadcastBatch);
registerScheduledTask(runBroadcastMinute);
