// Shared setup of the broadcast fan-out tests: a fake Graph API, a captured broadcast queue, a signed-in
// editor and two channels, fresh for every test; plus small API shortcuts. The fixtures are live ES
// module bindings, so tests import them and always see the current test's instances.
import { afterEach, beforeEach, expect } from "vitest";
import { api, loginAs, type Session } from "./auth";
import { captureBroadcastQueue, resetPacer, seedChannel } from "./broadcasts";
import { installFakeGraph, type FakeGraph } from "./fake-graph";

export let graph: FakeGraph;
export let queue: ReturnType<typeof captureBroadcastQueue>;
export let editor: Session;

/** Channels seeded for every test: [id, name, archived?]. */
export type ChannelSeed = [id: string, name: string, archived?: boolean];

export function useBroadcastFixture(
  channels: ChannelSeed[] = [
    ["ch_news", "Newsletter"],
    ["ch_events", "Events"],
  ],
): void {
  beforeEach(async () => {
    await resetPacer();
    graph = installFakeGraph();
    queue = captureBroadcastQueue();
    editor = await loginAs("editor");
    for (const [id, name, archived] of channels) await seedChannel(id, name, archived);
  });
  afterEach(() => {
    graph.restore();
    queue.restore();
  });
}

export async function create(body: Record<string, unknown> = {}): Promise<string> {
  const res = await api("/api/broadcasts", {
    as: editor,
    body: { title: "Wochenrückblick", kind: "newsletter", text: "Hallo *Welt*", channelIds: ["ch_news"], ...body },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json<{ broadcast: { id: string } }>()).broadcast.id;
}

export async function act(id: string, action: string, expected = 200) {
  const res = await api(`/api/broadcasts/${id}/${action}`, { as: editor, method: "POST" });
  expect(res.status, await res.clone().text()).toBe(expected);
  return res.json<{ broadcast: { status: string; counts: Record<string, number> } }>();
}

export async function createAndSend(body: Record<string, unknown> = {}): Promise<string> {
  const id = await create(body);
  await act(id, "send");
  return id;
}

/** Messages per recipient address, as the fake Graph API saw them (successful or not). */
export function sendsPerRecipient(): Map<string, number> {
  const m = new Map<string, number>();
  for (const s of graph.messages()) {
    const to = String(s.body.to ?? s.body.recipient);
    m.set(to, (m.get(to) ?? 0) + 1);
  }
  return m;
}
