/* Bloomr · the volunteers' pages: progressive enhancement only (every form works without it).
   - character counters under the long answers;
   - profession suggestions (ROME titles the index knows) from /api/suggest, in the field's datalist;
   - « Copier le lien » on the « merci » page. */
(function () {
  "use strict";

  function formatNumber(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, "\u202f");
  }

  document.querySelectorAll("textarea[data-count]").forEach(function (area) {
    var counter = document.querySelector('[data-counter-for="' + area.id + '"]');
    if (!counter) return;
    var max = parseInt(area.getAttribute("data-count"), 10);
    function update() {
      var n = area.value.trim().length;
      counter.textContent = formatNumber(n) + "\u00a0/ " + formatNumber(max) + "\u00a0caractères";
      counter.classList.toggle("over", n > max);
    }
    counter.hidden = false;
    area.addEventListener("input", update);
    update();
  });

  var job = document.querySelector("input[data-professions]");
  var list = document.getElementById("professions-list");
  if (job && list) {
    var timer = null;
    var last = "";
    job.addEventListener("input", function () {
      clearTimeout(timer);
      var q = job.value.trim();
      if (q.length < 2 || q === last) return;
      timer = setTimeout(function () {
        last = q;
        fetch("/api/suggest?" + new URLSearchParams({ q: q, limit: "10" }), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (data) {
            list.textContent = "";
            (data.suggestions || []).forEach(function (s) {
              if (s.kind !== "profession") return;
              var option = document.createElement("option");
              option.value = s.text;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a help, never a need */ });
      }, 200);
    });
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = document.querySelector("[data-copy-status]");
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) status.textContent = "Lien copié. Collez-le dans vos notes.";
      }, function () {
        field.select();
        if (status) status.textContent = "Sélectionnez le lien et copiez-le (Ctrl+C ou appui long).";
      });
    });
  });
})();
