import { createHash } from 'node:crypto';

/**
 * The one stylesheet of the public pages (≈ 3 KB, served as a file: the pages' CSP allows no inline
 * styles). Mobile first: one column, 18 px text and 48 px touch targets; dark text on white and the
 * party red #a8071a (contrast 7.9 : 1 on white) for headings and buttons; A4 print rules for posters.
 */
export const PUBLIC_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:18px;line-height:1.7;color:#1f1f1f;background:#f5f5f5}
a{color:#0b4fa8}
a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #0b4fa8;outline-offset:2px}
.top{background:#a8071a;color:#fff;padding:12px 16px}
.top a{color:#fff;text-decoration:none;font-weight:700;font-size:20px}
main{max-width:720px;margin:0 auto;padding:16px}
h1{font-size:24px;line-height:1.4;margin:8px 0 12px;color:#a8071a}
h2{font-size:20px;margin:24px 0 8px}
.card{background:#fff;border-radius:8px;padding:16px;margin:0 0 16px;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.card>:first-child,.ok>:first-child,.alert>:first-child{margin-top:0}
.card>:last-child,.ok>:last-child{margin-bottom:0}
.nw{white-space:nowrap}
form.card>.field:first-child>label{margin-top:0}
.list{list-style:none;margin:0;padding:0}
.list li{margin:0 0 12px}
.list a{display:block;background:#fff;border-radius:8px;padding:14px 16px;text-decoration:none;color:#1f1f1f;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.list a strong{display:block;color:#0b4fa8;font-size:19px}
.meta{color:#4a4a4a;font-size:16px}
.badge{display:inline-block;border-radius:4px;padding:0 8px;font-size:16px;font-weight:700}
.badge.on{background:#e8f5e9;color:#135200}
.badge.off{background:#eeeeee;color:#3a3a3a}
.badge.warn{background:#fff1f0;color:#a8071a}
.period{font-size:17px}
.body p{margin:0 0 12px}
.button,button{display:block;width:100%;min-height:48px;border:0;border-radius:8px;background:#a8071a;color:#fff;font-size:19px;font-weight:700;text-align:center;text-decoration:none;padding:10px 16px;cursor:pointer;font-family:inherit}
.button.secondary{background:#fff;color:#a8071a;border:2px solid #a8071a}
.actions{display:grid;gap:12px;margin:16px 0}
label{display:block;font-weight:700;margin:16px 0 4px}
.hint{display:block;color:#4a4a4a;font-size:16px;font-weight:400}
input,textarea{display:block;width:100%;font:inherit;font-size:18px;padding:10px 12px;border:2px solid #767676;border-radius:6px;background:#fff;color:#1f1f1f}
textarea{min-height:180px}
.invalid input,.invalid textarea{border-color:#a8071a}
.error{color:#a8071a;font-weight:700;margin:4px 0 0}
.alert{border-left:6px solid #a8071a;background:#fff1f0;padding:12px 16px;margin:0 0 16px;border-radius:4px}
.ok{border-left:6px solid #135200;background:#f0f9eb;padding:12px 16px;margin:0 0 16px;border-radius:4px}
.ok h1{color:#135200}
.receipt{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:24px;font-weight:700;white-space:nowrap;color:#1f1f1f;background:#fffbe6;border:2px dashed #ad8b00;border-radius:6px;padding:8px 12px;text-align:center}
.search{display:flex;gap:8px}
.search input{flex:1}
.search button{width:auto;min-width:88px}
dl{margin:0}dt{font-weight:700;margin-top:8px}dd{margin:0}
footer{max-width:720px;margin:0 auto;padding:8px 16px 32px;color:#4a4a4a;font-size:15px}
.poster{background:#fff;max-width:210mm;margin:0 auto;padding:16px}
.poster h1{font-size:26px;text-align:center}
.poster .org{text-align:center;font-size:20px}
.poster .qr{display:flex;flex-direction:column;gap:8px;align-items:center;text-align:center;border-top:2px solid #a8071a;padding-top:16px;margin-top:24px}
.poster .qr svg{width:200px;height:200px;flex:none}
.poster .qr p{margin:4px 0}
.poster .url{word-break:break-all;font-size:15px;color:#4a4a4a}
.noprint{margin:16px auto;max-width:210mm;padding:0 16px}
@media (min-width:600px){.actions{grid-template-columns:1fr 1fr}.poster{padding:16mm}.poster .qr{flex-direction:row;text-align:left}.poster .qr svg{width:45mm;height:45mm}}
@media print{
  @page{size:A4;margin:15mm}
  body{background:#fff;font-size:16pt;line-height:1.6}
  .top,.noprint,footer{display:none}
  main{max-width:none;padding:0}
  .poster{padding:0;max-width:none}
  .poster h1{font-size:26pt;margin-top:0}
  .poster .org{font-size:18pt}
  .poster .period{font-size:16pt}
  .poster .qr{flex-direction:row;text-align:left;break-inside:avoid;gap:8mm}
  .poster .qr svg{width:55mm;height:55mm}
  .poster .qr strong{font-size:18pt}
  .poster .url{font-size:11pt}
}
`;

/** Content hash in the URL, so the file can be cached for long and a new version is fetched at once. */
export const PUBLIC_CSS_VERSION = createHash('sha256').update(PUBLIC_CSS).digest('hex').slice(0, 12);
