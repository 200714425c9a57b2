// Styles of the simulator's phone page: a WhatsApp-like chat, no external assets.
export const PHONE_PAGE_CSS = `
*{box-sizing:border-box}
[hidden]{display:none!important}
#phone-chat{display:contents}
body{margin:0;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#d1d7db;color:#111b21;display:flex;min-height:100vh}
button{font:inherit;cursor:pointer}
input,textarea{font:inherit}
aside{width:300px;background:#fff;border-right:1px solid #d1d7db;display:flex;flex-direction:column;max-height:100vh;overflow:auto}
aside h1{font-size:18px;margin:0;padding:16px;background:#f0f2f5;border-bottom:1px solid #e9edef}
aside h1 small{display:block;font-weight:normal;font-size:13px;color:#54656f;margin-top:4px}
aside h2{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:#54656f;margin:16px 16px 6px}
.people{list-style:none;margin:0;padding:0}
.people button{display:block;width:100%;text-align:left;padding:10px 16px;border:0;background:none;border-bottom:1px solid #f0f2f5}
.people button:hover,.people button[aria-current=true]{background:#f0f2f5}
.people .num{display:block;color:#54656f;font-size:13px}
form.new{padding:0 16px 8px;display:grid;gap:6px}
form.new input{padding:8px;border:1px solid #d1d7db;border-radius:6px}
form.new button,.tools button{padding:8px;border:0;border-radius:6px;background:#008069;color:#fff}
.tools{padding:8px 16px 16px;display:grid;gap:6px}
.tools button.secondary{background:#e9edef;color:#111b21}
details.log{margin:0 16px 16px;font-size:12px}
details.log ol{padding-left:18px;margin:6px 0;max-height:260px;overflow:auto}
details.log .bad{color:#b3261e}
main{flex:1;display:flex;justify-content:center;align-items:stretch;padding:16px}
.phone{width:420px;max-width:100%;background:#efeae2;border-radius:18px;box-shadow:0 4px 24px rgba(0,0,0,.2);display:flex;flex-direction:column;overflow:hidden;height:calc(100vh - 32px)}
.phone header{background:#008069;color:#fff;padding:12px 16px}
.phone header strong{display:block;font-size:16px}
.phone header span{font-size:13px;opacity:.9}
.empty{margin:auto;color:#54656f;padding:24px;text-align:center}
#messages{flex:1;overflow-y:auto;padding:12px 10px;display:flex;flex-direction:column;gap:4px}
.day{align-self:center;background:#fff;color:#54656f;font-size:12px;padding:3px 10px;border-radius:8px;margin:8px 0;box-shadow:0 1px .5px rgba(0,0,0,.13)}
.msg{max-width:82%;padding:6px 8px 4px;border-radius:8px;box-shadow:0 1px .5px rgba(0,0,0,.13);white-space:pre-wrap;word-wrap:break-word;position:relative}
.msg.in{align-self:flex-end;background:#d9fdd3}
.msg.out{align-self:flex-start;background:#fff}
.msg.failed{background:#fdecea;color:#5f2120;font-style:italic}
.msg img{display:block;max-width:100%;border-radius:6px;margin-bottom:4px}
.msg .meta{display:block;text-align:right;font-size:11px;color:#667781;margin-top:2px}
.msg .tick.read{color:#53bdeb}
.msg .tick.bad{color:#b3261e}
.msg .err{display:block;font-size:12px;color:#b3261e;font-style:normal}
.msg .hdr{font-weight:600;display:block;margin-bottom:2px}
.msg .ftr{display:block;font-size:12px;color:#667781;margin-top:2px}
.msg .label{display:block;font-size:11px;color:#008069;margin-bottom:2px}
.msg .quote{display:block;border-left:3px solid #06cf9c;background:rgba(0,0,0,.05);padding:2px 6px;border-radius:4px;font-size:13px;color:#54656f;margin-bottom:4px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.msg .loc{display:block;background:#f0f2f5;border-radius:6px;padding:8px;margin-bottom:4px}
.choices{display:flex;flex-direction:column;gap:2px;margin-top:6px;border-top:1px solid #e9edef;padding-top:4px}
.choices button{border:0;background:none;color:#027eb5;padding:6px;border-radius:6px}
.choices button:hover{background:#f0f2f5}
.sheet{position:absolute;inset:0;background:rgba(0,0,0,.35);display:flex;align-items:flex-end}
.sheet>div{background:#fff;width:100%;border-radius:14px 14px 0 0;padding:12px;max-height:70%;overflow:auto}
.sheet h3{margin:4px 0 8px;font-size:16px;text-align:center}
.sheet h4{margin:10px 0 4px;font-size:13px;color:#008069}
.sheet button.row{display:block;width:100%;text-align:left;border:0;border-bottom:1px solid #f0f2f5;background:none;padding:8px 4px}
.sheet button.row small{display:block;color:#667781}
.typing{align-self:flex-start;font-size:13px;color:#54656f;font-style:italic;padding:2px 8px}
.composer{background:#f0f2f5;padding:8px;display:grid;gap:6px}
.composer .bar{display:flex;gap:6px;align-items:flex-end}
.composer textarea{flex:1;resize:none;border:0;border-radius:18px;padding:9px 14px;max-height:120px}
.composer button.icon{border:0;background:none;font-size:20px;padding:6px}
.composer button.send{border:0;border-radius:50%;width:42px;height:42px;background:#008069;color:#fff;font-size:18px}
.composer button:disabled{opacity:.5;cursor:default}
.attach{display:flex;gap:8px;align-items:center;background:#fff;border-radius:8px;padding:6px}
.attach img{width:56px;height:56px;object-fit:cover;border-radius:6px}
.locform{display:grid;grid-template-columns:1fr 1fr;gap:6px;background:#fff;border-radius:8px;padding:8px}
.locform input{padding:6px;border:1px solid #d1d7db;border-radius:6px;min-width:0}
.locform .wide{grid-column:1/-1}
.locform .presets{grid-column:1/-1;display:flex;gap:6px;flex-wrap:wrap}
.locform button{padding:6px 10px;border:0;border-radius:6px;background:#e9edef}
.locform button.go{background:#008069;color:#fff}
.notice{background:#fff3cd;color:#664d03;padding:6px 10px;border-radius:6px;font-size:13px}
.notice.error{background:#fdecea;color:#5f2120}
.phone{position:relative}
`;
