// The HTML report's stylesheet, inlined into the page (no external files, fonts or scripts).
#pragma once

namespace detaudit {

inline constexpr const char* k_html_style = R"(
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--good:#1a7f37;--bad:#cf222e;--warn:#9a6700;--o0:#8fbf9f;--o1:#e3793a;--o2:#6f6cd9;--o3:#d04f8c;--o4:#2f9fb3;--o5:#8a6d3b}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--soft)}
main{max-width:1180px;margin:0 auto;padding:24px}
section{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:0 0 10px}
.sub{color:var(--muted);margin:0}
.banner{display:flex;gap:16px;align-items:flex-start;border-left:6px solid var(--good)}
.banner.v-fail,.banner.v-error{border-left-color:var(--bad)}.banner.v-unavailable,.banner.v-interrupted{border-left-color:var(--warn)}
.banner .badge{width:44px;height:44px;line-height:44px;font-size:26px;flex:none}
.badge{display:inline-block;width:20px;height:20px;line-height:20px;border-radius:50%;text-align:center;color:#fff;font-weight:700;font-size:12px;background:var(--good)}
.badge.v-fail,.badge.v-error{background:var(--bad)}.badge.v-unavailable,.badge.v-interrupted{background:var(--warn)}
.mk{font-weight:700}.mk.v-pass{color:var(--good)}.mk.v-fail,.mk.v-error{color:var(--bad)}.mk.v-na{color:var(--muted)}
.tiles{display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}
.tile{background:var(--soft);border:1px solid var(--line);border-radius:6px;padding:6px 12px;min-width:110px}
.tile b{display:block;font-size:20px}.tile.bad b{color:var(--bad)}.tile span{color:var(--muted);font-size:12px}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:middle}
th{font-size:12px;color:var(--muted);font-weight:600;background:var(--soft)}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:var(--good)}.fail,.error{color:var(--bad)}.skip{color:var(--muted)}
.pill{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;background:var(--soft);border:1px solid var(--line)}
.pill.good{color:var(--good);border-color:#aceebb;background:#dafbe1}.pill.bad{color:var(--bad);border-color:#ffcecb;background:#ffebe9}
ul.findings{margin:0;padding-left:18px}ul.findings li{margin:3px 0}
details.op{border-top:1px solid var(--line);padding:6px 0}
details.op>summary{cursor:pointer;font-weight:600;padding:4px 0}
details.op>summary .meta{font-weight:400;color:var(--muted)}
.desc{color:var(--muted);margin:4px 0 8px}
svg text{font-size:12px;fill:var(--fg)}
.o0{fill:var(--o0)}.o1{fill:var(--o1)}.o2{fill:var(--o2)}.o3{fill:var(--o3)}.o4{fill:var(--o4)}.o5{fill:var(--o5)}
.bad{fill:var(--bad)}.axis{stroke:var(--line);fill:none}
.legend{color:var(--muted);font-size:12px;margin:6px 0 10px}
.legend i{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:-1px}
.legend i.o0{background:var(--o0)}.legend i.o1{background:var(--o1)}.legend i.o2{background:var(--o2)}
.env td:first-child{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted);width:32%}
.omitted{font-weight:600;color:var(--warn)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
)";

} // namespace detaudit
