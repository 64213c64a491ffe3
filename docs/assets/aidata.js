// The theme wraps each table in a box that scrolls sideways when the table is wider than the page (on a
// phone, the tables of figures). A box that scrolls must be reachable by keyboard, and named for a screen
// reader: while it scrolls it is a tab stop, a region named after its table; when it fits it is neither.
(function () {
  "use strict";

  function heading(el) {
    for (let node = el; node && !node.matches(".md-content"); node = node.parentElement) {
      for (let prev = node.previousElementSibling; prev; prev = prev.previousElementSibling) {
        const found = prev.matches("h1, h2, h3, h4") ? prev : prev.querySelector("h3, h4");
        if (found) return found.textContent.replace(/¶/g, "").trim();
      }
    }
    return document.title;
  }

  function label(wrap) {
    const table = wrap.querySelector("table");
    const cols = table ? Array.from(table.querySelectorAll("thead th"), th => th.textContent.trim()) : [];
    return `${heading(wrap)}: table of ${cols.join(", ") || "figures"}, scrolls sideways`;
  }

  function mark() {
    for (const wrap of document.querySelectorAll(".md-typeset__scrollwrap")) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }

  document$.subscribe(mark);
  window.addEventListener("resize", mark);
})();
