// The widget's CSS, inside its shadow root. `:host` rules are !important: inside a shadow tree an
// important declaration beats the host page's, so page CSS like `* { all: unset !important }`
// cannot reach in; and nothing here can leak out to the page.
export function widgetCss(color: string): string {
  return `:host{all:initial!important;display:block!important;visibility:visible!important;opacity:1!important;position:static!important;max-width:480px!important;margin:1rem 0!important;contain:content}
*{box-sizing:border-box;margin:0;padding:0}
.w{font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1c1e21;background:#fff;border:1px solid #d0d5da;border-radius:12px;padding:18px;text-align:left;text-transform:none;letter-spacing:normal}
h2{font-size:19px;line-height:1.3;font-weight:700;margin-bottom:6px}
p{margin:6px 0}
fieldset{border:0;margin:8px 0 0;min-width:0}
legend{padding:0;margin:4px 0}
label{display:flex;gap:10px;align-items:flex-start;padding:7px 4px;border-radius:8px;cursor:pointer}
label:hover{background:#f3f5f7}
input{width:20px;height:20px;margin-top:2px;flex:none;accent-color:${color};cursor:pointer}
b{display:block;font-weight:600}
small{display:block;font-size:14px;color:#55595e}
button{display:block;width:100%;font:inherit;font-weight:700;color:#fff;background:${color};border:0;border-radius:10px;padding:12px 16px;margin-top:10px;cursor:pointer}
button:disabled{opacity:.6;cursor:default}
:focus-visible{outline:3px solid ${color};outline-offset:2px}
.m{min-height:1.4em;font-size:14px;color:#a4262c}
.q{text-align:center;border-top:1px solid #e3e6e9;margin-top:12px;padding-top:12px}
.q img{display:block;width:200px;height:200px;margin:8px auto;image-rendering:pixelated}
a{color:${color};font-weight:700}
.n{font-size:13px;color:#55595e}
[hidden]{display:none!important}`;
}
