// Small helpers of the kiosk screens: read-aloud buttons, the receipt's print
// status, and focus on the first field with a message after a check failed.
(function () {
  "use strict";
  var playing = null;
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-listen]");
    if (!button) return;
    if (playing) { playing.pause(); }
    playing = new Audio(button.dataset.listen);
    playing.play().catch(function () {});
  });

  var status = document.querySelector("[data-print-status]");
  if (status && !status.hasAttribute("data-done")) {
    var poll = setInterval(function () {
      fetch(status.dataset.printStatus, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) {
          if (!s) { clearInterval(poll); return; }
          status.textContent = s.text;
          if (s.done) clearInterval(poll);
        }, function () { clearInterval(poll); });
    }, 2000);
  }

  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) invalid.focus();
})();

// Back to a page from the history: show what the server sent, not what the browser
// remembers having been typed into it (another citizen may be at the screen now).
window.addEventListener("pageshow", function () {
  var nav = performance.getEntriesByType("navigation")[0];
  if ((nav && nav.type === "back_forward") || event.persisted) {
    document.querySelectorAll("form").forEach(function (form) { form.reset(); });
  }
});
