/* Bloomr: progressive enhancement only. Without this file every page works with forms and links.
   - autocomplete from /api/suggest on [data-autocomplete] inputs (ARIA combobox + listbox);
   - on the results page ([data-live] form): results update as you type (debounced), facet clicks,
     chips, sort and pagination without reload; the URL is kept in sync (pushState / popstate);
   - long facet lists get a filter box; the facets panel starts closed on small screens. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function debounce(fn, ms) {
    var timer = null;
    var wrapped = function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
    wrapped.cancel = function () { clearTimeout(timer); };
    return wrapped;
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  /* ---------- Live results ---------- */
  var form = document.querySelector("form[data-live]");
  var controller = null;

  function formUrl() {
    var data = new FormData(form);
    var params = new URLSearchParams();
    data.forEach(function (value, key) {
      if (key === "q") { value = String(value).trim(); if (!value) { return; } }
      if (key === "sort" && value === "relevance") { return; }
      params.append(key, value);
    });
    var query = params.toString();
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function swap(html, focusId) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("results-region");
    var region = document.getElementById("results-region");
    if (!fresh || !region) { return false; }
    var panel = region.querySelector("[data-facets-panel]");
    var wasOpen = panel ? panel.open : true;
    // keep the same live region node, so screen readers announce the new count
    var liveOld = document.getElementById("result-count");
    var liveNew = fresh.querySelector("#result-count");
    if (liveOld && liveNew) {
      var text = liveNew.textContent;
      liveNew.replaceWith(liveOld);
      liveOld.textContent = text;
    }
    region.replaceWith(fresh);
    var newPanel = fresh.querySelector("[data-facets-panel]");
    if (newPanel) { newPanel.open = wasOpen; }
    document.title = doc.title;
    enhanceRegion(fresh);
    if (focusId) {
      var target = document.getElementById(focusId);
      if (target) { target.focus(); }
    }
    return true;
  }

  function load(url, options) {
    options = options || {};
    if (controller) { controller.abort(); }
    controller = new AbortController();
    document.body.classList.add("busy");
    return fetch(url, { signal: controller.signal, headers: { "Accept": "text/html" } })
      .then(function (response) {
        return response.text().then(function (html) {
          if (response.status === 400 && options.soft) {
            // while typing, a query that cannot run yet (too many words) is explained in place
            var message = new DOMParser().parseFromString(html, "text/html").querySelector(".error-message");
            var live = document.getElementById("result-count");
            if (message && live) { live.textContent = message.textContent; return; }
          }
          if (!response.ok || !swap(html, options.focusId)) { window.location.assign(url); return; }
          if (options.push) { history.pushState({ bloomr: true }, "", url); }
          else if (options.replace) { history.replaceState({ bloomr: true }, "", url); }
          if (options.syncInput) {
            var q = document.getElementById("q");
            var fresh = new URL(url, window.location.href).searchParams.get("q") || "";
            if (q && q.value !== fresh) { q.value = fresh; }
          }
        });
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { return; }
        window.location.assign(url);
      })
      .finally(function () { document.body.classList.remove("busy"); });
  }

  function enhanceRegion(root) {
    var heading = root.querySelector("#results-title");
    if (heading) { heading.setAttribute("tabindex", "-1"); }
    root.querySelectorAll("[data-facet-filter]").forEach(function (box) {
      box.hidden = false;
      var input = box.querySelector("input");
      var fieldset = box.closest("fieldset");
      input.addEventListener("input", function () {
        var needle = fold(input.value.trim());
        fieldset.querySelectorAll(".facet-value").forEach(function (item) {
          item.hidden = false;
        });
        if (!needle) { return; }
        fieldset.querySelectorAll(":scope > ul > .facet-value").forEach(function (item) {
          var own = fold(item.dataset.label || "").indexOf(needle) !== -1;
          var children = item.querySelectorAll(".facet-children .facet-value");
          var anyChild = false;
          children.forEach(function (child) {
            var match = own || fold(child.dataset.label || "").indexOf(needle) !== -1;
            child.hidden = !match;
            anyChild = anyChild || match;
          });
          var details = item.querySelector(".facet-children");
          if (details && anyChild && !own) { details.open = true; }
          item.hidden = !(own || anyChild);
        });
      });
    });
  }

  if (form) {
    var panel = form.querySelector("[data-facets-panel]");
    var wide = window.matchMedia("(min-width: 60rem)");
    if (panel && !wide.matches) { panel.open = false; }
    form.addEventListener("click", function (event) {
      // on wide screens the facets are a sidebar that stays open
      var summary = event.target.closest("[data-facets-panel] > summary");
      if (summary && wide.matches) { event.preventDefault(); }
    });
    enhanceRegion(form);

    var q = document.getElementById("q");
    var typing = false;  // one history entry per typing session, not one per pause
    var typed = debounce(function () {
      load(formUrl(), { push: !typing, replace: typing, soft: true });
      typing = true;
    }, 350);
    q.addEventListener("input", typed);
    q.addEventListener("blur", function () { typing = false; });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      typed.cancel();
      closeSuggestions(q);
      load(formUrl(), { push: !typing, replace: typing });
      typing = false;
    });

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches("input[type=checkbox][data-toggle-url]")) {
        load(target.getAttribute("data-toggle-url"), { push: true, focusId: target.id });
      } else if (target.id === "sort") {
        load(formUrl(), { push: true, focusId: "sort" });
      }
    });

    form.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-nav]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      load(link.getAttribute("href"), { push: true, syncInput: true, focusId: "results-title" });
    });

    window.addEventListener("popstate", function () {
      typed.cancel();
      typing = false;
      load(window.location.href, { push: false, syncInput: true });
    });
  }

  /* ---------- Autocomplete ---------- */
  function closeSuggestions(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    list.hidden = true;
    list.textContent = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(input, text) {
    input.value = text;
    closeSuggestions(input);
    var owner = input.form;
    if (owner && owner.requestSubmit) { owner.requestSubmit(); } else if (owner) { owner.submit(); }
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    input.setAttribute("role", "combobox");
    var active = -1;
    var suggestController = null;

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    var fetchSuggestions = debounce(function () {
      var text = input.value.trim();
      if (text.length < 2) { closeSuggestions(input); return; }
      if (suggestController) { suggestController.abort(); }
      suggestController = new AbortController();
      fetch("/api/suggest?" + new URLSearchParams({ q: text }).toString(), { signal: suggestController.signal })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.textContent = "";
          active = -1;
          (data.suggestions || []).forEach(function (item, i) {
            var li = document.createElement("li");
            li.id = list.id + "-" + i;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", "false");
            var label = document.createElement("span");
            label.textContent = item.text;
            var kind = document.createElement("span");
            kind.className = "kind";
            kind.textContent = item.kind_label || "";
            li.appendChild(label);
            li.appendChild(kind);
            li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(input, item.text); });
            list.appendChild(li);
          });
          var any = list.children.length > 0 && document.activeElement === input;
          list.hidden = !any;
          input.setAttribute("aria-expanded", any ? "true" : "false");
        })
        .catch(function () { /* suggestions are a convenience: typing still works */ });
    }, 150);

    input.addEventListener("input", fetchSuggestions);
    input.addEventListener("keydown", function (event) {
      var count = list.querySelectorAll("[role=option]").length;
      if (list.hidden || !count) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % count); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + count) % count); }
      else if (event.key === "Escape") { closeSuggestions(input); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(input, list.querySelectorAll("[role=option]")[active].firstChild.textContent);
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { closeSuggestions(input); }, 100); });
  });
})();
