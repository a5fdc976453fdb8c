// A table wider than the page scrolls sideways: its scroll box can take keyboard focus and is named,
// so keyboard users can scroll it (WCAG 2.1.1; axe scrollable-region-focusable).
document$.subscribe(function () {
  var n = 0;
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) {
      n += 1;
      box.tabIndex = 0;
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Table " + n + " (scrolls sideways)");
    }
  });
});
