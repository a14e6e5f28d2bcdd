// Small enhancements; every page works without them.
(function () {
  "use strict";
  // The directory's filters apply as soon as a select changes.
  document.querySelectorAll("form.filters select").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.requestSubmit();
    });
  });
  // The skip link moves focus to the main content.
  var skip = document.querySelector(".skip-link");
  if (skip) {
    skip.addEventListener("click", function () {
      var main = document.getElementById("main");
      if (main) main.focus();
    });
  }
  // A form shown again with problems: focus goes to their summary, whose links focus the field.
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var field = document.getElementById(link.getAttribute("href").slice(1));
        if (field) {
          event.preventDefault();
          field.focus();
        }
      });
    });
  }
  // Pickers: names suggested as the visitor types (a datalist filled from the site's JSON); a
  // suggestion taken sets the chosen record's id. Without this, the server looks the name up.
  document.querySelectorAll("input[data-suggest]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var chosen = document.getElementById(input.getAttribute("data-chosen"));
    var found = [];
    var timer = null;
    var asked = "";
    function choose() {
      if (!chosen) return;
      var same = found.filter(function (record) { return record.name === input.value; });
      if (same.length === 1) chosen.value = same[0].id;
      else if (found.length) chosen.value = "";
    }
    function suggest() {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) return;
      asked = text;
      fetch(input.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (records) {
          found = records;
          list.replaceChildren.apply(list, records.map(function (record) {
            var option = document.createElement("option");
            option.value = record.name;
            option.label = record.hint;
            return option;
          }));
          choose();
        })
        .catch(function () { /* no suggestions: the server looks the name up */ });
    }
    input.addEventListener("input", function () {
      if (chosen && !found.length) chosen.value = "";
      choose();
      clearTimeout(timer);
      timer = setTimeout(suggest, 200);
    });
  });
})();
