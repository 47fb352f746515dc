// A select whose choices depend on another field (a report's source partners on its country): refilled from a
// JSON address when that field changes. Loaded only by the pages that need it; no inline script (the CSP
// forbids it). Without JavaScript the page's own button asks the server for the list, and the server checks
// the choice against the other field either way.
//   <select data-choices-url="/interventions/source-partners" data-choices-from="country">
//   the address answers ?country=<value> with {"choices": [{"value": "1", "label": "..."}, ...]}
(function () {
  "use strict";

  function refill(select, choices) {
    var kept = select.value;
    select.replaceChildren.apply(select, choices.map(function (choice) {
      var option = document.createElement("option");
      option.value = choice.value;
      option.textContent = choice.label;
      option.selected = choice.value === kept;
      return option;
    }));
    select.dispatchEvent(new Event("change", {bubbles: true}));
  }

  function follow(select) {
    var source = document.getElementById(select.dataset.choicesFrom);
    if (!source) { return; }
    var fallback = document.querySelector('[data-choices-fallback="' + select.id + '"]');
    if (fallback) { fallback.hidden = true; }
    var asked = 0;
    source.addEventListener("change", function () {
      var mine = ++asked;
      var address = select.dataset.choicesUrl + "?" + new URLSearchParams([[source.name, source.value]]);
      select.setAttribute("aria-busy", "true");
      fetch(address, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) { if (mine === asked) { refill(select, data.choices); } })
        .catch(function () { if (fallback) { fallback.hidden = false; } })  // the page's button still works
        .finally(function () { if (mine === asked) { select.removeAttribute("aria-busy"); } });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-choices-url][data-choices-from]").forEach(follow);
  });
})();
