// Saves a quiz's picks with the open attempt as the learner makes them, so a session that ends
// before they submit loses nothing. Without this script the page works as before: picks are
// kept only when the form is submitted. The server decides what is saved (204) or not.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var token = form.querySelector("input[name=csrf_token]");
  var pending = null;

  function say(text) {
    if (!status) return;
    status.hidden = false;
    status.textContent = text;
  }

  function save() {
    pending = null;
    var body = new URLSearchParams(new FormData(form));
    body.delete("csrf_token");
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "manual",
      headers: { "X-CSRFToken": token ? token.value : "" }
    }).then(function (response) {
      if (response.status === 204) {
        say("Your picks are saved. Submit when you have answered every question.");
      } else if (response.status === 409) {
        say("This attempt was already submitted.");
      } else {
        say("Your picks could not be saved: you may have been signed out. " +
            "Sign in again in another tab, then pick again here.");
      }
    }).catch(function () {
      say("Your picks could not be saved: the connection was lost. They are still ticked here.");
    });
  }

  form.addEventListener("change", function () {
    if (pending) clearTimeout(pending);
    pending = setTimeout(save, 300);
  });
})();
