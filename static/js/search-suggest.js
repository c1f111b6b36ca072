// "Mungkin sudah dibahas": while someone types a new thread's title, list existing threads
// that match, so they can read the answer instead of asking again. The form works without it.
(function () {
  "use strict";

  var MIN_CHARS = 3;
  var DELAY_MS = 300;

  function hook(box) {
    var input = document.getElementById(box.getAttribute("data-suggest-for"));
    var url = box.getAttribute("data-suggest-url");
    if (!input || !url || !window.fetch) return;
    var timer = null;
    var last = "";
    var controller = null;

    function render(items) {
      box.textContent = "";
      if (!items.length) {
        box.hidden = true;
        return;
      }
      var heading = document.createElement("p");
      heading.textContent = box.getAttribute("data-suggest-title");
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var entry = document.createElement("li");
        var link = document.createElement("a");
        link.href = item.url;
        link.textContent = item.title;
        link.target = "_blank";
        link.rel = "noopener";
        entry.appendChild(link);
        list.appendChild(entry);
      });
      box.appendChild(heading);
      box.appendChild(list);
      box.hidden = false;
    }

    function lookup() {
      var text = input.value.trim();
      if (text === last) return;
      last = text;
      if (text.length < MIN_CHARS) {
        render([]);
        return;
      }
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) { return response.ok ? response.json() : { items: [] }; })
        .then(function (data) { render(data.items || []); })
        .catch(function () { /* a late or aborted answer: keep what is shown */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(lookup, DELAY_MS);
    });
    if (input.value) lookup();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-suggest-url]").forEach(hook);
  });
})();
