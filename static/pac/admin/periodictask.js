// django-celery-beat's periodic task form: show the crontab in words under the field
// (the library's inline script, moved here because the Content-Security-Policy refuses inline scripts).
(function () {
  "use strict";
  const script = document.currentScript;
  const $ = window.django.jQuery;
  const readableCrontabs = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const originalCrontabHelp = script.dataset.crontabHelp || "";
  const help = () => $(".field-crontab .help");
  $(".field-crontab_translation").hide();
  $(".field-crontab").on("change", function () {
    help().text(originalCrontabHelp);
    help().append($("<br>"), document.createTextNode(`Translation: ${readableCrontabs[$("#id_crontab").val()] || ""}`));
  });
})();
