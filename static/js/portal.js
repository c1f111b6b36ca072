// Portal Partisipasi Publik — small progressive enhancements. Every page works without it.
(function () {
  "use strict";

  function setupNavToggle() {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("nav-utama");
    if (!toggle || !nav) return;
    var narrow = window.matchMedia("(max-width: 40rem)");
    function sync() {
      var collapsed = narrow.matches && toggle.getAttribute("aria-expanded") !== "true";
      nav.setAttribute("data-collapsed", collapsed ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      sync();
    });
    narrow.addEventListener("change", sync);
    sync();
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupNavToggle();
    focusErrorSummary();
    confirmForms();
  });
})();
