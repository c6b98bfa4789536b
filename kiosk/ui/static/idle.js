// Idle reset: after data-idle-seconds without a touch, a countdown of
// data-countdown-seconds; then the screen's scratch entries are dropped on the
// server and the welcome screen replaces this page (location.replace: no new
// history entry). Nothing is ever kept in browser storage.
(function () {
  "use strict";
  var body = document.body;
  var idleSeconds = parseFloat(body.dataset.idleSeconds || "0");
  var countdownSeconds = parseFloat(body.dataset.countdownSeconds || "20");
  if (!(idleSeconds > 0)) return;
  var dialog = document.getElementById("idle");
  var count = document.getElementById("idle-count");
  var stay = document.getElementById("idle-stay");
  var idleTimer = null;
  var tickTimer = null;
  var left = 0;

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function reset() {
    clearInterval(tickTimer);
    var form = new URLSearchParams();
    form.set("handles", body.dataset.handles || "");
    form.set("_csrf_token", csrfToken());
    var done = function () { location.replace("/"); };
    fetch("/reset", { method: "POST", body: form, redirect: "manual", keepalive: true })
      .then(done, done);
  }

  function tick() {
    left -= 1;
    count.textContent = String(Math.max(left, 0));
    if (left <= 0) reset();
  }

  function showCountdown() {
    left = Math.ceil(countdownSeconds);
    count.textContent = String(left);
    dialog.hidden = false;
    stay.focus();
    tickTimer = setInterval(tick, 1000);
  }

  function touched() {
    if (!dialog.hidden) {
      clearInterval(tickTimer);
      dialog.hidden = true;
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(showCountdown, idleSeconds * 1000);
  }

  ["pointerdown", "keydown", "input", "wheel", "touchstart"].forEach(function (type) {
    document.addEventListener(type, touched, { passive: true, capture: true });
  });
  stay.addEventListener("click", touched);
  touched();
})();
