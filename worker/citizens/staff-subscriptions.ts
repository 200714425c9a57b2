// Staff subscribe or unsubscribe a citizen on their behalf: any staff member may unsubscribe (a
// citizen asked for it at the counter); subscribing needs an editor. Erased people, unknown and
// archived channels are refused before anything changes.
import { roleAtLeast, type StaffIdentity } from "../auth/roles";
import type { Db } from "../db/client";
import { Forbidden, InvalidInput, InvalidState } from "../shared/errors";
import { checkStaffResubscribe, type CitizenRequest } from "./resubscribe";
import { getSubscriber } from "./subscribers";
import { changeSubscriptions, existingChannelIds, subscriptionsOf, type SubscriptionView } from "./subscriptions";

export interface StaffSubscriptionChange {
  subscribe?: string[];
  unsubscribe?: string[];
  /** When and why the citizen asked again (needed to re-subscribe someone whose latest word was STOP). */
  citizenRequest?: CitizenRequest;
}

export async function changeSubscriptionsForCitizen(
  db: Db,
  staff: StaffIdentity,
  citizenId: string,
  change: StaffSubscriptionChange,
): Promise<SubscriptionView[]> {
  if (change.subscribe?.length && !roleAtLeast(staff.role, "editor")) {
    throw new Forbidden("forbidden", "Im Namen einer Person anmelden dürfen nur Redakteur:innen und Admins. Bitte eine Kollegin oder einen Kollegen fragen.");
  }
  const { subscriber } = await getSubscriber(db, citizenId);
  if (subscriber.erasedAt) throw new InvalidState("erased", "Die Daten dieser Person wurden gelöscht; sie kann nicht mehr angemeldet werden.");
  const wanted = [...(change.subscribe ?? []), ...(change.unsubscribe ?? [])];
  const known = await existingChannelIds(db, wanted);
  const unknown = wanted.filter((id) => !known.includes(id));
  if (unknown.length) throw new InvalidInput("unknown_channel", "Diesen Kanal gibt es nicht (mehr). Bitte die Seite neu laden.", { channels: unknown });
  const open = await existingChannelIds(db, change.subscribe ?? [], { openOnly: true });
  const archived = (change.subscribe ?? []).filter((id) => !open.includes(id));
  if (archived.length) {
    throw new InvalidInput("archived_channel", "Archivierte Kanäle können nicht abonniert werden. Bitte einen offenen Kanal wählen.", { channels: archived });
  }
  // STOP wins: re-subscribing needs the citizen's new request, recorded with a reason.
  const consent = change.subscribe?.length ? await checkStaffResubscribe(db, subscriber.id, change.citizenRequest) : { reason: null };
  await changeSubscriptions(db, {
    citizenId: subscriber.id,
    subscribe: change.subscribe,
    unsubscribe: change.unsubscribe,
    source: "staff",
    staffId: staff.id,
    ...consent,
  });
  return subscriptionsOf(db, subscriber.id);
}
