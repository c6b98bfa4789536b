// On-screen keyboard for the touch screen: opens under any field marked
// data-osk, types where the caret is (ñ, accents, ü and apostrophe included)
// and never takes the focus from the field.
(function () {
  "use strict";
  var osk = document.getElementById("osk");
  if (!osk) return;
  var target = null;
  var shift = false;

  function open(field) {
    target = field;
    osk.hidden = false;
    document.body.classList.add("osk-open");
  }

  function close() {
    osk.hidden = true;
    document.body.classList.remove("osk-open");
  }

  function insert(text) {
    if (!target) return;
    var start = target.selectionStart;
    var end = target.selectionEnd;
    if (start === null || start === undefined) {
      target.value += text;
    } else {
      target.setRangeText(text, start, end, "end");
    }
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function backspace() {
    if (!target) return;
    var start = target.selectionStart;
    var end = target.selectionEnd;
    if (start === null || start === undefined) {
      target.value = target.value.slice(0, -1);
    } else if (start !== end) {
      target.setRangeText("", start, end, "end");
    } else if (start > 0) {
      target.setRangeText("", start - 1, start, "end");
    }
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setShift(on) {
    shift = on;
    osk.classList.toggle("shift", on);
    osk.querySelectorAll("button[data-key]").forEach(function (b) {
      var key = b.dataset.key;
      if (key.length === 1) b.textContent = on ? key.toUpperCase() : key;
    });
  }

  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-osk")) open(field);
  });

  // pointerdown, not click: the field keeps its focus and caret.
  osk.addEventListener("pointerdown", function (event) { event.preventDefault(); });
  osk.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-key]");
    if (!button) return;
    var key = button.dataset.key;
    if (key === "hide") { close(); return; }
    if (key === "shift") { setShift(!shift); return; }
    if (key === "backspace") { backspace(); return; }
    insert(shift ? key.toUpperCase() : key);
    if (shift) setShift(false);
    if (target) target.focus();
  });
})();
