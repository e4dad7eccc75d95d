/* Accessible names and roles for Dash's own controls, which draw them incompletely (Dash 4):
 *
 * - A dcc.Dropdown is reached by Tab through a hidden input that hands focus to the real
 *   button. The input is aria-hidden yet focusable, and the button is named by its value only
 *   ("2025"). Here the input is taken out of the Tab order and the button put in, named by its
 *   control's label and its value ("统计期间 2025").
 * - A dcc.RadioItems is drawn as a listbox of options that each hold a radio button (a control
 *   inside a control, and a listbox without a name). Here it is a radio group named by its
 *   label, its options plain labels of their native radio buttons.
 *
 * Dash sets these attributes once when it draws a control and again on some events (the
 * dropdown's button gives the input back its tab stop on blur; an option's aria-selected
 * follows the value), so an observer mends each control whenever they change. */
(function () {
  "use strict";

  function labelId(control) {
    var box = control.closest(".control");
    var label = box && box.querySelector(".control-label");
    if (!label && control.id) {
      label = document.querySelector('label[for="' + CSS.escape(control.id) + '"]');
    }
    if (!label) {
      return null;
    }
    if (!label.id) {
      label.id = (control.id || "control") + "-label";
    }
    return label.id;
  }

  function mendDropdown(button) {
    var focusTarget = button.previousElementSibling;
    if (focusTarget && focusTarget.classList.contains("dash-dropdown-focus-target")) {
      if (focusTarget.tabIndex !== -1) {
        focusTarget.tabIndex = -1;
      }
    }
    if (!button.disabled && button.tabIndex !== 0) {
      button.tabIndex = 0;
    }
    var label = labelId(button);
    var named = button.getAttribute("aria-labelledby") || "";
    if (label && named.split(" ").indexOf(label) === -1) {
      button.setAttribute("aria-labelledby", (label + " " + named).trim());
    }
  }

  function mendRadioGroup(list) {
    if (list.getAttribute("role") !== "radiogroup") {
      list.setAttribute("role", "radiogroup");
    }
    var label = labelId(list);
    if (label && list.getAttribute("aria-labelledby") !== label) {
      list.setAttribute("aria-labelledby", label);
    }
    list.querySelectorAll(".dash-options-list-option").forEach(function (option) {
      if (option.hasAttribute("role")) {
        option.removeAttribute("role");
      }
      if (option.hasAttribute("aria-selected")) {
        option.removeAttribute("aria-selected");
      }
    });
  }

  function mend(root) {
    if (!root.querySelectorAll) {
      return;
    }
    root.querySelectorAll("button.dash-dropdown").forEach(mendDropdown);
    root.querySelectorAll(".dash-radioitems").forEach(mendRadioGroup);
  }

  function controlOf(node) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    return element && element.closest(".dash-dropdown-wrapper, .dash-radioitems");
  }

  var observer = new MutationObserver(function (mutations) {
    var seen = new Set();
    mutations.forEach(function (mutation) {
      if (mutation.type === "childList") {
        mutation.addedNodes.forEach(function (node) {
          if (node.nodeType === Node.ELEMENT_NODE) {
            seen.add(node);
          }
        });
      } else {
        var control = controlOf(mutation.target);
        if (control) {
          seen.add(control.parentElement || control);
        }
      }
    });
    seen.forEach(mend);
  });

  function start() {
    mend(document);
    observer.observe(document.body, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ["tabindex", "role", "aria-selected", "aria-labelledby"],
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
