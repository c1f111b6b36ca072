// Konsultasi: live Q&A by short polling of a JSON feed. Own code, no inline script (strict CSP).
// Every page works without it: votes are plain forms, and a reload shows the latest list.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function pollInterval(root) {
    var seconds = parseFloat(root.getAttribute("data-poll-seconds"));
    return (isFinite(seconds) && seconds > 0 ? seconds : 5) * 1000;
  }

  // Poll url every interval while the tab is visible; back off after failures.
  function poll(root, url, onData) {
    var base = pollInterval(root);
    var delay = base;
    var timer = null;
    function schedule(ms) {
      window.clearTimeout(timer);
      timer = window.setTimeout(tick, ms);
    }
    function tick() {
      if (document.hidden) { schedule(base); return; }
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          delay = base;
          var keepGoing = onData(data);
          if (keepGoing !== false) schedule(delay);
        })
        .catch(function () {
          delay = Math.min(delay * 2, 60000);
          schedule(delay);
        });
    }
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) schedule(0);
    });
    schedule(base);
    return { now: function () { schedule(0); } };
  }

  function questionItem(board, q) {
    var label = function (name) { return board.getAttribute("data-label-" + name) || ""; };
    var li = el("li", "konsultasi-question" + (q.now_answering ? " is-now" : ""));
    li.id = "pertanyaan-" + q.id;
    li.setAttribute("data-question-id", q.id);
    if (q.now_answering) {
      var nowP = el("p");
      nowP.appendChild(el("span", "badge badge-danger", label("now")));
      li.appendChild(nowP);
    }
    li.appendChild(el("p", "konsultasi-question-body", q.body));
    var byline = el("p", "konsultasi-byline", q.author + " · ");
    var votes = el("span", null, String(q.votes));
    votes.setAttribute("data-votes", "");
    byline.appendChild(votes);
    byline.appendChild(document.createTextNode(" " + label("votes")));
    if (q.status === "menunggu") {
      byline.appendChild(document.createTextNode(" · "));
      byline.appendChild(el("span", "badge badge-warn", q.status_label));
    }
    li.appendChild(byline);
    if (q.status === "dijawab") {
      var answer = el("div", "konsultasi-answer");
      var head = el("p");
      head.appendChild(el("span", "badge badge-ok", label("answered")));
      if (q.answered_by) {
        head.appendChild(document.createTextNode(" "));
        head.appendChild(el("strong", null, q.answered_by));
      }
      answer.appendChild(head);
      if (q.answer_html) {
        var prose = el("div", "prose");
        prose.innerHTML = q.answer_html;  // sanitised on the server (portal/markup.py, nh3)
        answer.appendChild(prose);
      }
      li.appendChild(answer);
    }
    if (q.answer_url) {
      // The unit's ASN and the speakers answer from the board (the same link as the page's).
      var answerP = el("p");
      var answerLink = el("a", "button button-small button-secondary", label("answer"));
      answerLink.href = q.answer_url;
      var body = q.body.length > 60 ? q.body.slice(0, 57) + "..." : q.body;
      answerLink.appendChild(el("span", "visually-hidden", ": " + body));
      answerP.appendChild(answerLink);
      li.appendChild(answerP);
    }
    if (q.can_vote) {
      var form = el("form", "inline-form");
      form.method = "post";
      form.action = q.vote_url;
      form.setAttribute("data-live-vote", "");
      var token = el("input");
      token.type = "hidden";
      token.name = "csrf_token";
      token.value = board.getAttribute("data-csrf") || "";
      form.appendChild(token);
      var button = el("button", "button button-small" + (q.voted ? " button-secondary" : ""),
        q.voted ? label("unvote") : label("vote"));
      button.type = "submit";
      button.setAttribute("aria-pressed", q.voted ? "true" : "false");
      form.appendChild(button);
      li.appendChild(form);
    }
    return li;
  }

  function render(board, data) {
    ["approved", "answered", "mine_pending"].forEach(function (name) {
      var list = board.querySelector("[data-board-list='" + name + "']");
      if (!list) return;
      var items = data[name] || [];
      var focusedId = document.activeElement && list.contains(document.activeElement)
        ? document.activeElement.closest("[data-question-id]") : null;
      focusedId = focusedId ? focusedId.getAttribute("data-question-id") : null;
      var fragment = document.createDocumentFragment();
      items.forEach(function (q) { fragment.appendChild(questionItem(board, q)); });
      list.replaceChildren(fragment);
      if (focusedId) {
        // Keep keyboard users where they were after the list is rebuilt.
        var again = list.querySelector("[data-question-id='" + focusedId + "'] button");
        if (again) again.focus();
      }
      var count = board.querySelector("[data-count='" + name + "']");
      if (count) count.textContent = String(items.length);
      var empty = board.querySelector("[data-board-empty='" + name + "']");
      if (empty) empty.hidden = items.length > 0;
      var section = board.querySelector("[data-board-section='" + name + "']");
      if (section) section.hidden = items.length === 0;
    });
    var status = board.querySelector("[data-board-status]");
    if (status) status.textContent = board.getAttribute("data-label-updated") || "";
    board.setAttribute("data-live", data.is_live ? "true" : "false");
  }

  function setupBoard(board) {
    var poller = poll(board, board.getAttribute("data-feed-url"), function (data) {
      render(board, data);
      return data.is_live;  // after the session closes the list no longer changes
    });
    board.addEventListener("submit", function (event) {
      var form = event.target.closest("form[data-live-vote]");
      if (!form || !window.fetch || !window.FormData) return;
      event.preventDefault();
      var button = form.querySelector("button");
      if (button) button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        if (!response.ok && response.status !== 409) throw new Error("HTTP " + response.status);
        poller.now();
      }).catch(function () {
        form.submit();  // fall back to the plain form: the server answers with a page
      });
    });
  }

  function setupConsole(root) {
    var version = root.getAttribute("data-version");
    var pending = root.getAttribute("data-pending");
    var notice = root.querySelector("[data-console-notice]");
    poll(root, root.getAttribute("data-feed-url"), function (data) {
      if (String(data.version) !== version || String(data.pending_count) !== pending) {
        if (notice) notice.hidden = false;
      }
      return data.is_live;
    });
  }

  function setupPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-live-board]").forEach(function (board) {
      if (board.getAttribute("data-live") === "true") setupBoard(board);
    });
    document.querySelectorAll("[data-live-console]").forEach(function (root) {
      if (root.getAttribute("data-live") === "true") setupConsole(root);
    });
    setupPrint();
  });
})();
