/* Keyboard-operable navigation drawer and search on narrow screens (Material issue #4101).
 *
 * Material opens the drawer and the search with hidden checkboxes toggled by <label>s, which a
 * keyboard cannot reach. partials/header.html adds real <button>s; this script makes them toggle
 * Material's own checkboxes (so Material's CSS and JavaScript keep doing the rest), keeps
 * aria-expanded in step, moves focus into what opened and back to the button when it closes,
 * and lets Escape, or moving focus out of the drawer, close the drawer.
 */
(function () {
  "use strict";

  var FOCUSABLE = "a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]), " +
    "[tabindex]:not([tabindex='-1'])";

  function isShown(element) {
    return !!element && element.getClientRects().length > 0 &&
      getComputedStyle(element).visibility !== "hidden";
  }

  function firstFocusableIn(container) {
    var candidates = container.querySelectorAll(FOCUSABLE);
    for (var i = 0; i < candidates.length; i++) {
      if (isShown(candidates[i])) return candidates[i];
    }
    return null;
  }

  function wire(name, panelSelector, focusOnOpen) {
    var button = document.querySelector("[data-handbook-toggle='" + name + "']");
    var toggle = document.querySelector("[data-md-toggle='" + name + "']");
    var panel = document.querySelector(panelSelector);
    if (!button || !toggle || !panel) return null;

    button.addEventListener("click", function () {
      toggle.click();  // Material listens for this checkbox's change event.
    });
    toggle.addEventListener("change", function () {
      button.setAttribute("aria-expanded", String(toggle.checked));
      var active = document.activeElement;
      if (toggle.checked) {
        // Only when the button opened it: Material opens search itself when the query is focused.
        if (active === button) {
          var target = focusOnOpen(panel);
          if (target) target.focus();
        }
      } else if ((!active || active === document.body || panel.contains(active)) && isShown(button)) {
        button.focus();
      }
    });
    button.setAttribute("aria-expanded", String(toggle.checked));
    return { button: button, toggle: toggle, panel: panel };
  }

  var drawer = wire("drawer", ".md-sidebar--primary", firstFocusableIn);
  var search = wire("search", ".md-search", function (panel) {
    return panel.querySelector("[data-md-component='search-query']");
  });

  // Material's shortcuts to search ("f", "s", "/") focus the query field, which on a narrow
  // screen is hidden until the search is open: open it with the button instead.
  if (search) {
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement ||
        target instanceof HTMLSelectElement || (target && target.isContentEditable);
      if (["f", "s", "/"].indexOf(event.key) < 0 || event.ctrlKey || event.metaKey || event.altKey ||
          typing || search.toggle.checked || !isShown(search.button)) return;
      event.preventDefault();
      event.stopPropagation();  // Material would focus the hidden field
      search.button.focus();
      search.button.click();
    });
  }

  if (drawer) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.toggle.checked) {
        drawer.toggle.click();
        drawer.button.focus();
      }
    });
    // The open drawer covers the page: when focus leaves it (Tab past its end), close it, so
    // focus is never hidden behind the overlay.
    document.addEventListener("focusin", function (event) {
      if (drawer.toggle.checked && !drawer.panel.contains(event.target) && event.target !== drawer.button) {
        drawer.toggle.click();
      }
    });
  }
})();

/* Wide tables scroll sideways inside Material's .md-typeset__scrollwrap. A region that scrolls must
 * be reachable by keyboard (WCAG 2.1.1), so each one that actually overflows becomes a focusable,
 * named region; one that fits is left out of the tab order.
 */
(function () {
  "use strict";

  function label(wrap) {
    var caption = wrap.querySelector("caption");
    var previous = wrap.previousElementSibling;
    var text = caption ? caption.textContent : (previous ? previous.textContent : "");
    text = text.replace(/\s+/g, " ").trim();
    if (text.length > 80) text = text.slice(0, 77) + "...";
    return "Table" + (text ? ": " + text : "") + " (scrolls sideways)";
  }

  function markScrollableRegions() {
    var wraps = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < wraps.length; i++) {
      var wrap = wraps[i];
      if (wrap.scrollWidth > wrap.clientWidth + 1) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap));
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    }
  }

  var pending = null;
  function soon() {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(markScrollableRegions);
  }

  document.addEventListener("DOMContentLoaded", soon);
  window.addEventListener("load", markScrollableRegions);
  window.addEventListener("resize", soon);
  if (window.MutationObserver) {
    new MutationObserver(function (records) {
      for (var i = 0; i < records.length; i++) {
        for (var j = 0; j < records[i].addedNodes.length; j++) {
          var node = records[i].addedNodes[j];
          if (node.nodeType === 1 && (node.classList.contains("md-typeset__scrollwrap") ||
              node.querySelector && node.querySelector(".md-typeset__scrollwrap"))) {
            soon();
            return;
          }
        }
      }
    }).observe(document.documentElement, { childList: true, subtree: true });
  }
})();
