// Keyword messages the bot answers need no staff attention: they do not count as unread, and a
// conversation that holds nothing but keyword exchanges is resolved automatically.
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { incomingText, runInboundJob, seedChannels } from "./helpers/citizens";

const conversation = () =>
  env.DB.prepare("SELECT status, unread_count FROM conversations ORDER BY created_at DESC LIMIT 1").first<{ status: string; unread_count: number }>();

describe("keyword messages in the staff inbox", () => {
  let graph: FakeGraph;
  beforeEach(async () => {
    graph = installFakeGraph();
    await seedChannels();
  });
  afterEach(() => graph.restore());

  it("a conversation that is only a sign-up is resolved and not unread", async () => {
    const id = await incomingText("ANMELDEN");
    expect(await conversation()).toEqual({ status: "open", unread_count: 1 });
    await runInboundJob(id);
    expect(await conversation()).toEqual({ status: "resolved", unread_count: 0 });
    expect(graph.messages()).toHaveLength(1);
  });

  it("a keyword inside a real conversation leaves it open for staff; only the question counts as unread", async () => {
    const question = await incomingText("Wann ist der Brückenlauf?");
    await runInboundJob(question);
    const keyword = await incomingText("ANMELDEN");
    await runInboundJob(keyword);
    expect(await conversation()).toEqual({ status: "open", unread_count: 1 });
  });

  it("a question after a sign-up opens a new conversation for staff", async () => {
    await runInboundJob(await incomingText("START"));
    await runInboundJob(await incomingText("Gibt es heuer ein Feuerwerk?"));
    const rows = await env.DB.prepare("SELECT status FROM conversations ORDER BY created_at").all<{ status: string }>();
    expect(rows.results.map((r) => r.status)).toEqual(["resolved", "open"]);
  });

  it("a redelivered job does not lower the unread count twice", async () => {
    await runInboundJob(await incomingText("Hallo, eine Frage"));
    const id = await incomingText("KANÄLE");
    await runInboundJob(id);
    await runInboundJob(id);
    expect(await conversation()).toEqual({ status: "open", unread_count: 1 });
  });
});
