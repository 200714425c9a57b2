// A WhatsApp-like chat bubble: how the message will roughly look on a citizen's phone.
import { tb } from "./strings";
import { WhatsAppText } from "./whatsapp-text";

export function Preview({ text, photoUrl, caption = null }: { text: string; photoUrl: string | null; caption?: string | null }) {
  return (
    <figure class="wa-preview" aria-labelledby="wa-preview-title">
      <figcaption id="wa-preview-title" class="label-like">
        {caption ?? (
          <>
            {tb("preview")} <span class="muted small">– {tb("previewHint")}</span>
          </>
        )}
      </figcaption>
      <div class="wa-chat">
        <div class="wa-bubble" data-testid="wa-bubble">
          {photoUrl && <img class="wa-photo" src={photoUrl} alt="" />}
          {text.trim() ? <WhatsAppText text={text} /> : <span class="muted">{tb("previewEmpty")}</span>}
          <span class="wa-time" aria-hidden="true">
            09:00
          </span>
        </div>
      </div>
    </figure>
  );
}
