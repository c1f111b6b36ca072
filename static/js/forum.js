// Forum niceties. Every forum page works without this script.
(function () {
  "use strict";

  var BODY_MAX = 20000;

  // After "Kutip" (…#balas), put the cursor at the end of the pre-filled reply.
  function focusReply() {
    if (window.location.hash !== "#balas") return;
    var box = document.querySelector("#balas textarea[name=body]");
    if (!box) return;
    box.focus();
    var end = box.value.length;
    box.setSelectionRange(end, end);
  }

  // A quiet "n / 20.000 karakter" under each message box; it turns red past the limit.
  function counters() {
    document.querySelectorAll("textarea[name=body]").forEach(function (box) {
      var note = document.createElement("p");
      note.className = "hint char-count";
      box.insertAdjacentElement("afterend", note);
      function update() {
        var n = box.value.length;
        note.textContent = n.toLocaleString("id-ID") + " / " + BODY_MAX.toLocaleString("id-ID") + " karakter";
        note.classList.toggle("over-limit", n > BODY_MAX);
      }
      box.addEventListener("input", update);
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    counters();
    focusReply();
  });
})();
