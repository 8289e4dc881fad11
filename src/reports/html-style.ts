/**
 * The one stylesheet of every HTML page rollout writes: system fonts only (nothing fetched), light and
 * dark through `prefers-color-scheme`, and a print layout (no backgrounds, charts kept whole on a page).
 */
export const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1d232a;--muted:#5f6b76;--line:#d9dee3;--head:#f3f5f7;--card:#f8fafb;
--canary:#1f6fd1;--control:#8a95a0;--slo:#c62828;--pass:#1e8449;--fail:#c0392b;--hold:#9a6b00;--judged:rgba(31,111,209,.09);--todo:#fff6d6}
@media (prefers-color-scheme:dark){:root{--bg:#12161a;--fg:#e3e8ec;--muted:#9aa6b1;--line:#2e363d;--head:#1b2127;--card:#171c21;
--canary:#5ea6ff;--control:#8d99a5;--slo:#ff6b6b;--pass:#4cc38a;--fail:#ff6b6b;--hold:#e0b341;--judged:rgba(94,166,255,.12);--todo:#2f2a16}}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--fg);max-width:1080px;margin:0 auto;padding:1.5em 1.25em 3em}
h1{font-size:1.6em;margin:.2em 0 .6em}h2{font-size:1.25em;margin:1.6em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--line)}
table{border-collapse:collapse;margin:.5em 0 1em;width:100%}th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--head);font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
.v{font-weight:600;padding:0 6px;border-radius:4px;white-space:nowrap}.v.pass{color:var(--pass)}.v.fail{color:#fff;background:var(--fail)}.v.hold{color:var(--hold)}
.exec{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6em 1.2em 1em;margin:0 0 1em}
.exec h2{margin-top:.4em}.exec dl{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em;margin:.4em 0 .8em}.exec dt{font-weight:600}.exec dd{margin:0}
.exec ul{margin:0;padding-left:1.2em}
.todo{background:var(--todo);border-left:4px solid var(--hold);padding:6px 10px}.sim{border-left:4px solid var(--canary);background:var(--card);padding:6px 10px}
.none,.nodata{color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:1em}
figure.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.5em .75em}
figure.chart figcaption{font-weight:600}figure.chart svg{width:100%;height:auto;display:block}
.legend{margin:.1em 0 .3em;color:var(--muted);font-size:.85em}.k{display:inline-block;width:14px;height:3px;vertical-align:middle;margin:0 4px 0 10px;background:var(--canary)}
.k.control{background:var(--control)}.k.slo{background:var(--slo)}.k.breach{width:8px;height:8px;border-radius:50%;background:var(--slo)}.k.judged{height:10px;background:var(--judged);border:1px solid var(--line)}
svg .plot{fill:none;stroke:var(--line)}svg .grid{stroke:var(--line);stroke-width:1}svg .tick{fill:var(--muted);font-size:13px}
svg .judged{fill:var(--judged)}svg .boundary{stroke:var(--fg);stroke-width:1.5;stroke-dasharray:2 3}
svg .slo{stroke:var(--slo);stroke-width:1.5;stroke-dasharray:6 4}svg .slo-label{fill:var(--slo);font-size:13px}svg .pass-line{stroke:var(--pass);stroke-width:1.5;stroke-dasharray:6 4}
svg polyline{fill:none;stroke-width:2;stroke-linejoin:round}svg .canary{stroke:var(--canary)}svg .control{stroke:var(--control);stroke-dasharray:4 3}
svg .breach{fill:var(--slo);stroke:var(--bg);stroke-width:1}svg .interval{stroke:var(--fg);stroke-width:2}svg .estimate{fill:var(--canary)}
svg .estimate.fail{fill:var(--fail)}svg .estimate.pass{fill:var(--pass)}
nav.index a{font-weight:600}
@media (max-width:640px){.charts{grid-template-columns:1fr}}
@media print{:root{--bg:#fff;--fg:#000;--card:#fff;--head:#eee;--line:#bbb;--muted:#444}body{max-width:none;padding:0;font-size:11pt}
figure.chart,table,.exec{break-inside:avoid}h2{break-after:avoid}.charts{grid-template-columns:1fr 1fr}a{color:inherit;text-decoration:none}}
`;
