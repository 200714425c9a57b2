// /__dev/widget-demo: a stand-in for the town's website with the sign-up widget embedded, the way
// a web editor would paste it. Local use only.
export function widgetDemoHtml(): string {
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gemeinde – WhatsApp-Service (Widget-Demo)</title>
<style>
body{margin:0;font:16px/1.5 Georgia,serif;color:#222;background:#fafaf7}
header{background:#7a1f1f;color:#fff;padding:18px 24px}
header h1{margin:0;font-size:24px}
main{max-width:760px;margin:0 auto;padding:24px}
.note{font:14px/1.4 system-ui,sans-serif;background:#fff3cd;padding:10px 14px;border-radius:6px}
</style>
</head>
<body>
<header><h1>Marktgemeinde Musterdorf</h1></header>
<main>
  <p class="note">Demo-Seite des Simulators: So sieht das Anmelde-Widget auf der Website der Gemeinde aus.</p>
  <h2>Neuigkeiten per WhatsApp</h2>
  <p>Bleiben Sie informiert: Wählen Sie, worüber wir Ihnen schreiben dürfen. Sie können sich jederzeit wieder abmelden.</p>
  <div id="townwire-widget"></div>
  <script src="/widget.js" data-target="townwire-widget" defer></script>
</main>
</body>
</html>`;
}
