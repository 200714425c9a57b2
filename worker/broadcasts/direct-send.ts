// Single messages outside broadcasts (the bot's replies: sign-up confirmations, keyword answers) go
// through the paced Sender objects too, with "direct" priority: they count against the number's
// rate like everything else it sends, go ahead of newsletters (behind alerts), and use the Senders'
// connections, so a burst of sign-ups is not capped by one queue invocation's 6 connections.
import type { Env } from "../env";
import { messageSenders, reviveGraphError, RetryableError, type OutboundMessage, type Recipient, type SendOptions, type WhatsAppClient } from "../whatsapp";
import { sendPaced } from "./sender";

/** Permits of direct sends are asked under this name (nothing withdraws it). */
export const DIRECT_SENDS_ID = "direct";

/** `client` with its send methods going through the Senders (everything else, e.g. media, stays its own). */
export function withPacedSends(env: Env, client: WhatsAppClient): WhatsAppClient {
  const sendMessage = async (to: Recipient, message: OutboundMessage, o: SendOptions = {}) => {
    // A quoted reply (context) is not something a Sender passes on: the client sends it itself.
    if (o.replyTo) return client.sendMessage(to, message, o);
    let result;
    try {
      [result] = await sendPaced(env, {
        broadcastId: DIRECT_SENDS_ID,
        priority: "direct",
        message,
        items: [{ key: "1", to, ...(o.callbackData ? { callbackData: o.callbackData } : {}) }],
      });
    } catch (err) {
      // The Sender may have sent it before the call broke: as ambiguous as a lost answer.
      throw new RetryableError({ code: 0, title: "Sender unreachable", details: String(err), cause: err, ambiguous: true });
    }
    if (result?.kind === "sent") return { wamid: result.wamid };
    if (result?.kind === "error") throw reviveGraphError(result.error);
    // Withdrawn or deferred apply to broadcasts only; should it ever happen, nothing was sent.
    throw new RetryableError({ code: 0, title: "No send permit", ambiguous: false });
  };
  return { ...client, ...messageSenders(sendMessage) };
}
