/* Resumable, chunked upload of a clip. The form's details are sent first (the server keeps them);
   then the file in pieces, each with its place (Content-Range). A dropped connection is retried
   with growing waits, asking the server where the upload stands; choosing the same file again on
   the clip list carries on from there. Without this script the form posts the whole file. */
(function () {
  "use strict";
  var csrf = (document.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";

  function mb(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }
  function sleep(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function ui(scope) {
    return {
      errors: document.querySelector("[data-upload-errors]"),
      box: scope.querySelector("[data-upload-progress]"),
      bar: scope.querySelector("[data-upload-progress] progress"),
      status: scope.querySelector("[data-upload-status]"),
      submit: scope.querySelector("[data-upload-submit]"),
    };
  }

  function showErrors(parts, messages) {
    if (!parts.errors) return;
    parts.errors.textContent = "";
    var list = document.createElement("ul");
    list.className = "mb-0";
    messages.forEach(function (text) { var li = document.createElement("li"); li.textContent = text; list.appendChild(li); });
    parts.errors.appendChild(list);
    parts.errors.classList.remove("d-none");
    parts.errors.focus();
  }

  function progress(parts, state) {
    var percent = state.size ? Math.floor((100 * state.received) / state.size) : 0;
    if (parts.box) parts.box.classList.remove("d-none");
    if (parts.bar) parts.bar.value = percent;
    if (parts.status) parts.status.textContent = mb(state.received) + " of " + mb(state.size) + " sent (" + percent + "%).";
  }

  async function json(response) {
    try { return await response.json(); } catch (e) { return {}; }
  }

  async function send(file, state, parts) {
    var failures = 0;
    while (state.received < state.size) {
      var end = Math.min(state.received + state.chunk, state.size);
      var response;
      try {
        response = await fetch(state.url, {
          method: "POST",
          credentials: "same-origin",
          headers: {
            "X-CSRFToken": csrf,
            "Content-Type": "application/octet-stream",
            "Content-Range": "bytes " + state.received + "-" + (end - 1) + "/" + state.size,
            "Accept": "application/json",
          },
          body: file.slice(state.received, end),
        });
      } catch (networkError) {
        response = null;
      }
      if (response && (response.ok || response.status === 409)) {
        var data = await json(response);
        state.received = data.received;
        failures = 0;
        progress(parts, state);
        if (data.clip_url) return data.clip_url;
        continue;
      }
      if (response && response.status >= 400 && response.status < 500) {
        var refused = await json(response);
        throw new Error(refused.error || refused.reason || "The clip could not be shared.");
      }
      failures += 1;
      if (failures > 30) throw new Error("The connection keeps failing. Your upload is saved: open Video clips later and choose the same file to carry on.");
      var wait = Math.min(30, Math.pow(2, Math.min(failures, 5)));
      if (parts.status) parts.status.textContent = "Connection lost; trying again in " + wait + " seconds. " + mb(state.received) + " sent so far.";
      await sleep(wait * 1000);
      try {
        var where = await fetch(state.url, { credentials: "same-origin", headers: { "Accept": "application/json" } });
        if (where.ok) { state.received = (await json(where)).received; }
      } catch (e) { /* still offline: the next round tries again */ }
    }
    // every byte is there but no clip yet (the last answer was lost, or finishing failed): finish it
    var last = await fetch(state.url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Content-Range": "bytes */" + state.size, "Accept": "application/json" },
    });
    var done = await json(last);
    if (done.clip_url) return done.clip_url;
    throw new Error(done.error || done.reason || "The upload finished but the clip could not be made.");
  }

  async function run(file, state, parts) {
    parts.submit.disabled = true;
    progress(parts, state);
    try {
      var clipUrl = await send(file, state, parts);
      if (parts.status) parts.status.textContent = "Sent. Opening the clip…";
      window.location.assign(clipUrl);
    } catch (error) {
      showErrors(parts, [error.message]);
      parts.submit.disabled = false;
    }
  }

  var form = document.querySelector("form[data-upload]");
  if (form && window.fetch && window.Blob && Blob.prototype.slice) {
    form.addEventListener("submit", async function (event) {
      var input = form.querySelector("input[type=file][name=file]");
      var file = input && input.files && input.files[0];
      var parts = ui(form);
      event.preventDefault();
      if (!file) { showErrors(parts, ["Choose the video clip to share."]); return; }
      if (file.size === 0) { showErrors(parts, ["The file is empty (0 bytes). Choose the clip again."]); return; }
      parts.submit.disabled = true;
      var data = new FormData(form);
      data.delete("file");
      data.set("filename", file.name);
      data.set("size", String(file.size));
      var response;
      try {
        response = await fetch(form.action || window.location.href, {
          method: "POST", body: data, credentials: "same-origin", headers: { "Accept": "application/json", "X-CSRFToken": csrf },
        });
      } catch (e) {
        showErrors(parts, ["Could not reach PAC. Check the connection and press Share again; nothing you typed is lost."]);
        parts.submit.disabled = false;
        return;
      }
      var body = await json(response);
      if (response.status !== 201) {
        var messages = [];
        Object.keys(body.errors || {}).forEach(function (field) {
          var label = form.querySelector("label[for=id_" + field + "]");
          (body.errors[field] || []).forEach(function (text) {
            messages.push((label && field !== "__all__" ? label.textContent.replace("*", "").trim() + ": " : "") + text);
          });
        });
        showErrors(parts, messages.length ? messages : ["The clip could not be shared."]);
        parts.submit.disabled = false;
        return;
      }
      run(file, body, parts);
    });
  }

  document.querySelectorAll("form[data-resume]").forEach(function (resume) {
    resume.addEventListener("submit", async function (event) {
      event.preventDefault();
      var parts = ui(resume);
      var file = resume.querySelector("input[type=file]").files[0];
      if (!file) { showErrors(parts, ["Choose the same file to carry on."]); return; }
      if (String(file.size) !== resume.getAttribute("data-size")) {
        showErrors(parts, ["That is not the same file (" + file.name + " has another size). Choose " + resume.getAttribute("data-name") + "."]);
        return;
      }
      var where = await fetch(resume.getAttribute("data-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } });
      var state = await json(where);
      if (!where.ok || state.status !== "open") { showErrors(parts, [state.reason || "This upload can no longer be carried on."]); return; }
      run(file, state, parts);
    });
  });
})();
