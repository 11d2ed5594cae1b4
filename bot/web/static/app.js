// etiket dashboard: the only script, loaded from 'self' (CSP forbids inline code).
// Asks before a button marked data-confirm submits its form (cancelling an announcement).
"use strict";
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var question = button && button.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
