#pragma once
// The status page's stylesheet, and the few lines of script with which a report file
// (which holds every zone) filters and pages them. Inline in the page: it loads nothing.

#include <string_view>

namespace zw::app::page_assets {

inline constexpr std::string_view page_style = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:0 1.5rem 2rem;color:#1d2430;background:#fff}
h1{font-size:1.3rem;margin:1rem 0 .2rem}.sub{color:#5b6576;margin:0 0 .8rem}
.summary{display:flex;flex-wrap:wrap;gap:.4rem;margin:.4rem 0}
.chip{border:1px solid #c7cfdb;border-radius:1rem;padding:.1rem .7rem;text-decoration:none;color:#1d2430}
.chip.on{background:#1d2430;color:#fff}
form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.6rem 0}
input,select,button{font:inherit;padding:.15rem .4rem}
.legend{display:flex;flex-wrap:wrap;gap:1rem;color:#3a4454;margin:.4rem 0 .8rem;font-size:13px}
.legend i{display:inline-block;width:1.6rem;height:.7rem;margin-right:.3rem;vertical-align:middle}
ol.zones{list-style:none;padding:0;margin:0}
li.zone{border:1px solid #dde3ec;border-radius:6px;padding:.6rem .8rem;margin:.6rem 0}
.head .name{font-weight:600;font-size:1.05rem}.head .meta{color:#5b6576;margin-left:.8rem}
.badge{border-radius:3px;padding:0 .4rem;margin-left:.4rem;color:#fff;background:#7a8494}
.c-secure{background:#2e9e5b}.c-rolling{background:#2f6fd6}.c-securing{background:#c98a00}
.c-offboarding{background:#7b4bc4}.c-stuck,.c-error{background:#c0392b}
.facts{color:#3a4454;margin:.3rem 0}.failed,.error{color:#b02a1c}.ok{color:#2e7d4b}
ul.waits{margin:.3rem 0 .5rem;padding-left:1.2rem}.waits.none{color:#5b6576;margin:.3rem 0}
.blocking{color:#b02a1c;font-weight:600}code.server{background:#fdecea;padding:0 .25rem;border-radius:3px}
svg.timeline{width:100%;max-width:980px;display:block;margin-top:.3rem}
svg text{font:11px system-ui,sans-serif;fill:#3a4454}svg .keyname{font-weight:600;fill:#1d2430}
svg .record{text-anchor:end}svg .tick{text-anchor:middle;fill:#6b7585}
svg .grid{stroke:#e3e8ef}svg .future{fill:#f1f5fb}svg .now{stroke:#c0392b;stroke-width:2}
svg .nowlabel{fill:#c0392b;font-weight:600;text-anchor:middle}
.s-hidden{fill:#c3cad4}.s-rumoured{fill:#f0b429}.s-omnipresent{fill:#2e9e5b}.s-unretentive{fill:#e0663a}
i.s-hidden{background:#c3cad4}i.s-rumoured{background:#f0b429}i.s-omnipresent{background:#2e9e5b}
i.s-unretentive{background:#e0663a}
svg rect.projected{opacity:.45}svg rect.pending{stroke:#1d2430;stroke-width:1;stroke-dasharray:3 2}
i.pending{background:#f0b429;outline:1px dashed #1d2430}i.projected{background:#2e9e5b;opacity:.45}
svg circle.wait{fill:#fff;stroke:#c0392b;stroke-width:2}svg circle.wait.gate-time{stroke:#3a4454}
.pager{display:flex;flex-wrap:wrap;gap:.3rem;margin:.8rem 0}.pager a,.pager span{padding:.1rem .5rem}
.pager .cur{font-weight:700}.keys{margin:.3rem 0;color:#3a4454}.note{color:#6b7585;font-size:13px;margin:.2rem 0}
)css";

// A report file shows only the page its script chose; without a script, every zone.
inline constexpr std::string_view report_style =
    "ol.zones>li.zone{display:none}ol.zones>li.zone.on{display:block}";
inline constexpr std::string_view report_noscript =
    "<noscript><style>ol.zones>li.zone{display:block}</style></noscript>";

// Filters and pages the zones of a report file, which holds them all.
inline constexpr std::string_view report_script = R"js(
(function () {
  var zones = Array.prototype.slice.call(document.querySelectorAll('li.zone'));
  var form = document.getElementById('filter'), shown = document.getElementById('shown');
  var pager = document.getElementById('pager'), page = 1;
  function apply() {
    var q = form.elements.q.value.toLowerCase(), s = form.elements.state.value;
    var per = Math.max(1, parseInt(form.elements.per.value, 10) || 25), hit = [];
    zones.forEach(function (z) {
      z.classList.remove('on');
      if ((!s || z.dataset.state === s) && (!q || z.dataset.name.toLowerCase().indexOf(q) >= 0 ||
          z.dataset.tenant.toLowerCase().indexOf(q) >= 0)) hit.push(z);
    });
    var pages = Math.max(1, Math.ceil(hit.length / per));
    page = Math.min(Math.max(1, page), pages);
    hit.slice((page - 1) * per, page * per).forEach(function (z) { z.classList.add('on'); });
    shown.textContent = hit.length ? 'zones ' + ((page - 1) * per + 1) + '\u2013' + Math.min(hit.length, page * per) +
      ' of ' + hit.length + (hit.length < zones.length ? ' (of ' + zones.length + ')' : '') : 'no zone matches';
    pager.textContent = '';
    for (var p = 1; p <= pages; p++) {
      if (pages > 12 && p > 2 && p < pages - 1 && Math.abs(p - page) > 2) { if (p === 3 || p === pages - 2) pager.appendChild(document.createTextNode('\u2026')); continue; }
      var b = document.createElement('button'); b.type = 'button'; b.textContent = p;
      if (p === page) b.className = 'cur';
      b.onclick = (function (n) { return function () { page = n; apply(); }; })(p);
      pager.appendChild(b);
    }
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); page = 1; apply(); });
  Array.prototype.forEach.call(document.querySelectorAll('a.chip'), function (a) {
    a.addEventListener('click', function (e) { e.preventDefault(); form.elements.state.value = a.dataset.state; page = 1; apply(); });
  });
  apply();
})();
)js";

}  // namespace zw::app::page_assets
