// Browser script of the phone page, part 1: rendering the chat the way WhatsApp shows it. All text
// goes in via textContent (never innerHTML). Uses API, $, timeFmt, dayFmt and sendJson from part 2.
// Written without backticks or "${" so it can live in this string.
export const PHONE_RENDER_JS = `
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // *fett*, _kursiv_, ~durchgestrichen~ as WhatsApp shows them.
  function formatted(text) {
    var frag = document.createDocumentFragment();
    var re = /(\\*[^*\\n]+\\*|_[^_\\n]+_|~[^~\\n]+~)/g;
    var last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var tag = m[0][0] === "*" ? "strong" : m[0][0] === "_" ? "em" : "s";
      frag.appendChild(el(tag, "", m[0].slice(1, -1)));
      last = m.index + m[0].length;
    }
    if (last < text.length) frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function summary(msg) {
    var c = msg.content || {};
    if (c.text && c.text.body) return c.text.body;
    if (c.rendered) return c.rendered.body;
    if (c.interactive && c.interactive.body) return c.interactive.body.text;
    if (c.interactive && c.interactive.button_reply) return c.interactive.button_reply.title;
    if (c.interactive && c.interactive.list_reply) return c.interactive.list_reply.title;
    if (c.button) return c.button.text;
    if (c.image) return "📷 Foto" + (c.image.caption ? ": " + c.image.caption : "");
    if (c.location) return "📍 " + (c.location.name || "Standort");
    return msg.type;
  }

  function mediaSrc(image) {
    if (!image) return null;
    if (image.id) return API + "/media/" + encodeURIComponent(image.id);
    if (image.link) return image.link;
    return null;
  }

  function renderImage(bubble, image) {
    var src = mediaSrc(image);
    if (src) { var img = el("img"); img.src = src; img.alt = image.caption || "Foto"; bubble.appendChild(img); }
    else bubble.appendChild(el("span", "label", "📷 Foto"));
    if (image && image.caption) bubble.appendChild(formatted(image.caption));
  }

  function renderTown(bubble, msg) {
    var c = msg.content || {};
    if (c.type === "text") bubble.appendChild(formatted(c.text.body));
    else if (c.type === "image") renderImage(bubble, c.image);
    else if (c.type === "template") {
      bubble.appendChild(el("span", "label", "Vorlage „" + c.template.name + "“"));
      var r = c.rendered || { header: null, body: "", footer: null };
      if (r.header) bubble.appendChild(el("span", "hdr", r.header));
      bubble.appendChild(formatted(r.body));
      if (r.footer) bubble.appendChild(el("span", "ftr", r.footer));
      if (r.buttons && r.buttons.length) {
        var quick = el("div", "choices");
        r.buttons.forEach(function (b) {
          var qb = el("button", "", b.text);
          qb.type = "button";
          qb.dataset.payload = b.payload;
          qb.addEventListener("click", function () {
            sendJson({ type: "button", payload: b.payload, text: b.text }, msg.wamid);
          });
          quick.appendChild(qb);
        });
        bubble.appendChild(quick);
      }
    } else if (c.type === "interactive") {
      var i = c.interactive;
      if (i.header && i.header.text) bubble.appendChild(el("span", "hdr", i.header.text));
      bubble.appendChild(formatted(i.body.text));
      if (i.footer && i.footer.text) bubble.appendChild(el("span", "ftr", i.footer.text));
      var choices = el("div", "choices");
      if (i.type === "button") {
        i.action.buttons.forEach(function (b) {
          var btn = el("button", "", b.reply.title);
          btn.type = "button";
          btn.dataset.replyId = b.reply.id;
          btn.addEventListener("click", function () {
            sendJson({ type: "button_reply", id: b.reply.id, title: b.reply.title }, msg.wamid);
          });
          choices.appendChild(btn);
        });
      } else if (i.type === "list") {
        var open = el("button", "", "☰ " + i.action.button);
        open.type = "button";
        open.addEventListener("click", function () { openList(i, msg.wamid); });
        choices.appendChild(open);
      }
      bubble.appendChild(choices);
    } else bubble.appendChild(el("span", "label", "Nachricht vom Typ " + msg.type));
  }

  function openList(i, wamid) {
    var sheet = el("div", "sheet");
    var box = el("div");
    box.appendChild(el("h3", "", i.action.button));
    i.action.sections.forEach(function (s) {
      if (s.title) box.appendChild(el("h4", "", s.title));
      s.rows.forEach(function (r) {
        var row = el("button", "row", r.title);
        row.type = "button";
        row.dataset.replyId = r.id;
        if (r.description) row.appendChild(el("small", "", r.description));
        row.addEventListener("click", function () {
          sheet.remove();
          var reply = { type: "list_reply", id: r.id, title: r.title };
          if (r.description) reply.description = r.description;
          sendJson(reply, wamid);
        });
        box.appendChild(row);
      });
    });
    sheet.appendChild(box);
    sheet.addEventListener("click", function (e) { if (e.target === sheet) sheet.remove(); });
    document.querySelector(".phone").appendChild(sheet);
  }

  function renderCitizen(bubble, msg) {
    var c = msg.content || {};
    if (c.type === "text") bubble.appendChild(formatted(c.text.body));
    else if (c.type === "image") renderImage(bubble, c.image);
    else if (c.type === "location") {
      var box = el("span", "loc");
      box.appendChild(el("strong", "", "📍 " + (c.location.name || "Standort")));
      if (c.location.address) box.appendChild(el("span", "ftr", c.location.address));
      var a = el("a", "", c.location.latitude.toFixed(5) + ", " + c.location.longitude.toFixed(5));
      a.href = "https://www.openstreetmap.org/?mlat=" + c.location.latitude + "&mlon=" + c.location.longitude + "#map=17/" + c.location.latitude + "/" + c.location.longitude;
      a.target = "_blank";
      a.rel = "noopener";
      box.appendChild(el("br"));
      box.appendChild(a);
      bubble.appendChild(box);
    } else if (c.type === "interactive") {
      var r = c.interactive.button_reply || c.interactive.list_reply || {};
      bubble.appendChild(document.createTextNode("↩︎ " + r.title));
    } else if (c.type === "button") {
      bubble.appendChild(document.createTextNode("↩︎ " + c.button.text));
    } else bubble.appendChild(el("span", "label", msg.type));
  }

  var STATUS = {
    sending: ["🕓", "", "wird gesendet"],
    delivered: ["✓✓", "", "bei der Gemeinde angekommen"],
    read: ["✓✓", "read", "von der Gemeinde gelesen"],
    rejected: ["⚠", "bad", "vom Webhook abgelehnt"]
  };

  function renderChat(chat) {
    var box = $("messages");
    var atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 60;
    box.textContent = "";
    var byWamid = {};
    chat.messages.forEach(function (m) { byWamid[m.wamid] = m; });
    var lastDay = "";
    chat.messages.forEach(function (m) {
      var day = dayFmt.format(new Date(m.at));
      if (day !== lastDay) { box.appendChild(el("div", "day", day === dayFmt.format(new Date()) ? "Heute" : day)); lastDay = day; }
      var failed = m.direction === "out" && m.status === "failed";
      var bubble = el("div", "msg " + m.direction + (failed ? " failed" : ""));
      bubble.dataset.wamid = m.wamid;
      bubble.dataset.status = m.status;
      bubble.dataset.type = m.type;
      var ctx = m.content && m.content.context && m.content.context.id;
      if (ctx && byWamid[ctx]) bubble.appendChild(el("span", "quote", summary(byWamid[ctx])));
      if (failed) bubble.appendChild(el("span", "err", "Nicht zugestellt: " + (m.error || "Fehler") + " (nur im Simulator sichtbar)"));
      if (m.direction === "out") renderTown(bubble, m); else renderCitizen(bubble, m);
      var meta = el("span", "meta", timeFmt.format(new Date(m.at)) + " ");
      if (m.direction === "in") {
        var s = STATUS[m.status] || ["", "", m.status];
        var tick = el("span", "tick " + s[1], s[0]);
        tick.title = s[2];
        meta.appendChild(tick);
        if (m.status === "rejected" && m.error) bubble.appendChild(el("span", "err", m.error));
      }
      bubble.appendChild(meta);
      box.appendChild(bubble);
    });
    if (chat.typing) box.appendChild(el("div", "typing", "Gemeinde schreibt …"));
    if (!chat.messages.length) box.appendChild(el("div", "empty", "Noch keine Nachrichten. Schreiben Sie der Gemeinde!"));
    if (atBottom) box.scrollTop = box.scrollHeight;
  }

`;
