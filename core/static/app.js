// Observatory's own script (no inline JavaScript: the Content-Security-Policy forbids it).
(function () {
  "use strict";

  function showProgress(bar, percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + " %";
    bar.parentElement.setAttribute("aria-valuenow", String(percent));
  }

  function pollJob(box) {
    var bar = document.getElementById("job-progress");
    if (bar) { showProgress(bar, Number(bar.dataset.progress || 0)); }
    if (box.dataset.status === "finished" || box.dataset.status === "failed") { return; }
    var timer = window.setInterval(function () {
      fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (job) {
          showProgress(bar, job.progress);
          if (job.status === "finished" || job.status === "failed") {
            window.clearInterval(timer);
            window.location.reload();
          }
        })
        .catch(function () { window.clearInterval(timer); });
    }, 1500);
  }

  // A form whose fields depend on a chosen type (an advocacy action's requirements): show only those
  // the type needs; without JavaScript every field stays visible with its explanation.
  function followType(select) {
    var parts = document.querySelectorAll("[data-needed-by]");
    function update() {
      parts.forEach(function (part) {
        part.hidden = part.dataset.neededBy.split(" ").indexOf(select.value) === -1;
      });
    }
    select.addEventListener("change", update);
    update();
  }

  // On a phone a list's filters fold behind one button saying how many are on ("Filters: 2"), so the results
  // come first; without JavaScript, or on a wider screen, they stay open. The sort order is no filter.
  function foldFilters(form) {
    if (!window.matchMedia("(max-width: 575.98px)").matches) { return; }
    var active = Array.prototype.filter.call(form.elements, function (field) {
      if (!field.name || field.name === "sort" || field.type === "submit" || field.type === "hidden") { return false; }
      return (field.type === "checkbox" || field.type === "radio") ? field.checked : field.value !== "";
    }).length;
    var fold = document.createElement("details");
    fold.className = "mb-3 filters-fold";
    var summary = document.createElement("summary");
    summary.className = "btn btn-outline-secondary btn-sm";
    summary.textContent = active ? form.dataset.filtersActive.replace("{n}", String(active)) : form.dataset.filters;
    form.parentNode.insertBefore(fold, form);
    fold.appendChild(summary);
    fold.appendChild(form);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-filters]").forEach(foldFilters);
    var job = document.getElementById("job");
    if (job) { pollJob(job); }
    var type = document.getElementById("action-type");
    if (type) { followType(type); }
  });
})();
