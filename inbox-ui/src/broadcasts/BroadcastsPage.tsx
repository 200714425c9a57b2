// "Aussendungen": list, editor, live detail, templates and the technical error list of newsletters and alerts.
// The shell lazy-loads this module and uses the named export `BroadcastsPage`.
import { BroadcastDetailView } from "./BroadcastDetail";
import { BroadcastEditor } from "./BroadcastEditor";
import { BroadcastList } from "./BroadcastList";
import { DeadLetterList } from "./DeadLetterList";
import { broadcastScreen } from "./paths";
import { TemplateComposer } from "../templates/TemplateComposer";
import { TemplatesPage } from "../templates/TemplatesPage";
import "../templates/templates.css";
import "./broadcasts.css";

export function BroadcastsPage() {
  const s = broadcastScreen.value;
  return (
    <section class="page-pad broadcasts" aria-labelledby="broadcasts-title">
      {s.view === "list" && <BroadcastList />}
      {s.view === "create" && <BroadcastEditor id={null} />}
      {s.view === "edit" && <BroadcastEditor key={s.id} id={s.id} />}
      {s.view === "detail" && <BroadcastDetailView key={s.id} id={s.id} />}
      {s.view === "deadLetters" && <DeadLetterList />}
      {s.view === "templates" && <TemplatesPage />}
      {s.view === "templateNew" && <TemplateComposer />}
    </section>
  );
}
