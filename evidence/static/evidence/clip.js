/* The clip page: markers and comment times move the player; C (or the button) pauses the clip and
   stamps the comment form with the current time. Works by keyboard: markers are links, the time
   buttons are buttons, and C is ignored while typing. */
(function () {
  "use strict";
  var player = document.getElementById("clip-player");
  var form = document.getElementById("comment-form");
  var at = form ? form.querySelector("input[name=at]") : null;

  function timecode(seconds) {
    var whole = Math.floor(seconds), h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    var mm = h ? String(m).padStart(2, "0") : String(m);
    return (h ? h + ":" : "") + mm + ":" + String(s).padStart(2, "0");
  }

  function seek(seconds) {
    if (!player || isNaN(seconds)) return;
    player.currentTime = seconds;
    if (at) at.value = seconds.toFixed(1);
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-seek]");
    if (!target) return;
    var seconds = parseFloat(target.getAttribute("data-seek"));
    seek(seconds);
    if (target.tagName.toLowerCase() === "a") {
      event.preventDefault();
      var id = (target.getAttribute("href") || "").replace("#", "");
      var comment = id && document.getElementById(id);
      if (comment) {
        comment.setAttribute("tabindex", "-1");
        comment.scrollIntoView({ block: "nearest" });
      }
      if (history.replaceState && id) history.replaceState(null, "", "#" + id);
    }
  });

  function stamp() {
    if (!player || !form) return;
    player.pause();
    var seconds = player.currentTime || 0;
    if (at) at.value = seconds.toFixed(1);
    var details = form.closest("details");
    if (details) details.open = true;
    var status = document.querySelector("[data-stamp-status]");
    if (status) status.textContent = "Paused at " + timecode(seconds) + ": your comment takes this time.";
    var text = form.querySelector("textarea[name=text]");
    if (text) text.focus();
  }

  document.querySelectorAll("[data-stamp]").forEach(function (button) {
    button.addEventListener("click", stamp);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "c" && event.key !== "C") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    if (!form) return;
    event.preventDefault();
    stamp();
  });

  // back from saving a comment: the player stands where the comment was made
  var t = parseFloat(new URLSearchParams(location.search).get("t"));
  if (player && !isNaN(t)) {
    var go = function () { player.currentTime = t; };
    if (player.readyState >= 1) go(); else player.addEventListener("loadedmetadata", go, { once: true });
  }
})();

/* a form sent once: its buttons wait for the answer (a second tap would send it again) */
document.querySelectorAll("form[method=post]").forEach(function (form) {
  form.addEventListener("submit", function () {
    setTimeout(function () {
      form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
});

/* a link to a part of the page folded in <details> (from the observation: #plan-h) opens it */
(function () {
  var target = location.hash && document.getElementById(location.hash.slice(1));
  var details = target && target.closest("details");
  if (details) {
    details.open = true;
    target.scrollIntoView();
  }
})();
