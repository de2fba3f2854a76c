// The signing page: a fresh ECDSA P-256 key, made here and never extractable, signs the
// attributes the server prepared after the one-time code. Only the public key and the
// signature value leave the browser.
(function () {
  "use strict";
  var form = document.getElementById("sign-form");
  if (!form) { return; }
  var token = form.dataset.token;
  var csrf = form.querySelector("input[name=csrf]").value;
  var statusBox = document.getElementById("status");
  var message = document.getElementById("message");
  var signButton = document.getElementById("sign");
  var declineForm = document.getElementById("decline-form");

  function b64(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i++) { text += String.fromCharCode(bytes[i]); }
    return btoa(text);
  }
  function unb64(text) {
    var raw = atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }
  function show(data) {
    if (data && data.status) {
      statusBox.textContent = data.status;
      statusBox.dataset.state = data.state;
      statusBox.className = "status state-" + data.state;
    }
    if (data && data.state && data.state !== "ready" && data.state !== "wrong_code"
        && data.state !== "rate_limited" && data.state !== "invalid") {
      form.remove();
      if (declineForm) { declineForm.remove(); }
    }
  }
  function post(path, body) {
    return fetch("/s/" + token + "/" + path, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.detail || response.statusText);
          error.data = data;
          throw error;
        }
        return data;
      });
    });
  }
  function fail(error) {
    message.textContent = error.message;
    if (error.data) { show(error.data); }
    signButton.disabled = false;
  }

  document.getElementById("request-code").addEventListener("click", function () {
    message.textContent = "";
    post("code").then(function (data) { message.textContent = data.message; }, fail);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var agree = null;  // the employee: agree, disagree, or (neither chosen) acknowledge receipt
    if (form.dataset.employee === "yes") {
      var choice = form.querySelector("input[name=choice]:checked");
      if (choice) { agree = choice.value === "agree"; }
    }
    var comment = form.querySelector("textarea[name=comment]");
    var code = form.querySelector("input[name=code]").value.trim();
    var subtle = window.crypto && window.crypto.subtle;
    if (!subtle) { message.textContent = "WebCrypto is not available (use HTTPS)"; return; }
    signButton.disabled = true;
    message.textContent = form.dataset.working;
    var keys;
    subtle.generateKey({name: "ECDSA", namedCurve: "P-256"}, false, ["sign", "verify"])
      .then(function (pair) { keys = pair; return subtle.exportKey("spki", pair.publicKey); })
      .then(function (spki) {
        return post("start", {code: code, public_key: b64(spki), agree: agree,
                              comment: comment ? comment.value : ""});
      })
      .then(function (data) {
        return subtle.sign({name: "ECDSA", hash: "SHA-256"}, keys.privateKey,
                           unb64(data.signed_attrs));
      })
      .then(function (signature) { return post("finish", {signature: b64(signature)}); })
      .then(function (data) { message.textContent = ""; show(data); }, fail);
  });

  declineForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = declineForm.querySelector("textarea[name=reason]").value;
    // a code entered above goes with it: the refusal record then says the decliner proved
    // control of the plan's address (declining needs no code)
    var code = form.querySelector("input[name=code]").value.trim();
    post("decline", {reason: reason, code: code}).then(show, fail);
  });
}());
