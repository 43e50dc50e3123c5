/* Bloomr: progressive enhancement only. Without this file every page works with forms and links.
   - autocomplete from /api/suggest on [data-autocomplete] inputs (ARIA combobox + listbox);
     a métier opens its page, a place or a sector applies its filter, an interest or a word is
     searched; Escape closes the list and keeps what was typed;
   - on the results page ([data-live] form): results update as you type (debounced), facet clicks,
     chips, sort, « Afficher plus » and pagination without reload; the URL is kept in sync
     (pushState / popstate), the final URL of a redirect included (a random order gets its seed);
   - on phones the filters open as a drawer over the results, closed by « Voir les N témoignages »;
   - long facet lists get a filter box;
   - searches typed live are marked (X-Bloomr-Live: typing) and not counted by the server; the one
     the visitor settles on (2 s without a key, the field left, a filter or a link chosen, the
     page hidden) is counted once by a beacon to /recherche/vue (bloomr insights, issue 17). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

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
  var wide = window.matchMedia("(min-width: 60rem)");
  var drawerOpen = false;
  var shownUrl = window.location.pathname + window.location.search;  // what the page shows (no #fragment)

  function formUrl() {
    var params = new URLSearchParams();
    var sort = form.querySelector("#sort");
    Array.prototype.forEach.call(form.elements, function (el) {
      var key = el.name;
      if (!key || el.disabled || el.type === "submit" || el.type === "button") { return; }
      if (el.type === "checkbox" && !el.checked) { return; }
      // a filter the words of q ticked comes from q: no parameter of its own
      if (el.hasAttribute("data-words") || key === "compris") { return; }
      var value = String(el.value);
      if (key === "q") { value = value.trim(); if (!value) { return; } }
      if (key === "sort" && (value === "relevance" || !value)) { return; }
      if (key === "seed" && (!sort || sort.value !== "random")) { return; }
      params.append(key, value);
    });
    var query = params.toString();
    return form.getAttribute("action") + (query ? "?" + query : "");
  }

  function panel() { return document.querySelector("[data-facets-panel]"); }

  /* The drawer: the filters panel over the whole screen (phones only), a modal dialog. */
  function outside() {
    return [document.querySelector(".skip"), document.querySelector(".site-header"), document.querySelector(".results-form > .searchbox"),
      document.querySelector(".results"), document.querySelector(".site-footer")].filter(Boolean);
  }

  function applyDrawer(target) {
    var box = target || panel();
    if (!box) { return; }
    var toggle = document.querySelector("[data-drawer-open]");
    var dialog = box.querySelector(".facets");
    if (drawerOpen) {
      box.open = true;
      box.classList.add("is-drawer");
      dialog.setAttribute("role", "dialog");
      dialog.setAttribute("aria-modal", "true");
      dialog.setAttribute("aria-labelledby", "filters-title");
      root.classList.add("drawer-open");
      outside().forEach(function (el) { el.inert = true; });
    } else {
      box.classList.remove("is-drawer");
      dialog.removeAttribute("role");
      dialog.removeAttribute("aria-modal");
      dialog.removeAttribute("aria-labelledby");
      root.classList.remove("drawer-open");
      outside().forEach(function (el) { el.inert = false; });
      if (!wide.matches) { box.open = false; }
    }
    if (toggle) { toggle.setAttribute("aria-expanded", drawerOpen ? "true" : "false"); }
  }

  function openDrawer() {
    drawerOpen = true;
    applyDrawer();
    var title = document.getElementById("filters-title");
    if (title) { title.focus(); }
  }

  function closeDrawer(focusResults) {
    if (!drawerOpen) { return; }
    drawerOpen = false;
    applyDrawer();
    if (focusResults) {
      var heading = document.getElementById("results-title");
      window.scrollTo(0, 0);
      if (heading) { heading.focus(); }
    } else {
      var toggle = document.querySelector("[data-drawer-open]");
      if (toggle) { toggle.focus(); }
    }
  }

  function swap(html, focusId) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById("results-region");
    var region = document.getElementById("results-region");
    if (!fresh || !region) { return false; }
    var oldPanel = region.querySelector("[data-facets-panel]");
    var scroll = oldPanel ? oldPanel.scrollTop : 0;
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
    if (newPanel) {
      if (wide.matches) { newPanel.open = true; }
      applyDrawer(newPanel);
      if (drawerOpen) { newPanel.scrollTop = scroll; }
    }
    document.title = doc.title;
    enhanceRegion(fresh);
    if (focusId) {
      var target = document.getElementById(focusId);
      if (target) { target.focus({ preventScroll: drawerOpen }); }
    }
    return true;
  }

  /* Counting searches (issue 17): what was typed live is reported once, when it settles. */
  var SETTLE_MS = 2000;
  var unsettled = null;  // the URL of results typed live and shown, not yet counted
  var settleTimer = null;

  function settle() {
    clearTimeout(settleTimer);
    if (!unsettled) { return; }
    var target = new URL(unsettled, window.location.href);
    unsettled = null;
    var beacon = "/recherche/vue" + target.search;
    if (navigator.sendBeacon) { navigator.sendBeacon(beacon); }
    else { fetch(beacon, { method: "POST", keepalive: true }).catch(function () {}); }
  }

  function forget() { clearTimeout(settleTimer); unsettled = null; }

  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "hidden") { settle(); } });
  window.addEventListener("pagehide", settle);

  function load(url, options) {
    options = options || {};
    if (controller) { controller.abort(); }
    controller = new AbortController();
    document.body.classList.add("busy");
    var headers = { "Accept": "text/html" };
    if (options.typing) { headers["X-Bloomr-Live"] = "typing"; forget(); }
    else if (options.counted) { forget(); }  // this request is counted by the server itself
    else { settle(); }  // leaving results typed live for others: the visitor looked at them
    return fetch(url, { signal: controller.signal, headers: headers })
      .then(function (response) {
        return response.text().then(function (html) {
          if (response.status === 400 && options.soft) {
            // while typing, a query that cannot run yet (too many words) is explained in place
            var message = new DOMParser().parseFromString(html, "text/html").querySelector(".error-message");
            var live = document.getElementById("result-count");
            if (message && live) { live.textContent = message.textContent; return; }
          }
          if (!response.ok || !swap(html, options.focusId)) { window.location.assign(url); return; }
          var shown = response.redirected ? response.url : url;  // sort=random comes back with its seed
          var target = new URL(shown, window.location.href);
          shownUrl = target.pathname + target.search;
          if (options.typing) { unsettled = shownUrl; settleTimer = setTimeout(settle, SETTLE_MS); }
          if (options.push) { history.pushState({ bloomr: true }, "", shown); }
          else if (options.replace || response.redirected) { history.replaceState({ bloomr: true }, "", shown); }
          if (options.syncInput) {
            var q = document.getElementById("q");
            var fresh = new URL(shown, window.location.href).searchParams.get("q") || "";
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

  function labelText(item) {
    var label = item.querySelector(":scope > label");
    return label ? fold(label.firstChild ? label.firstChild.textContent : label.textContent) : "";
  }

  function enhanceRegion(region) {
    var heading = region.querySelector("#results-title");
    if (heading) { heading.setAttribute("tabindex", "-1"); }
    region.querySelectorAll("[data-facet-filter]").forEach(function (box) {
      box.hidden = false;
      var input = box.querySelector("input");
      var fieldset = box.closest("fieldset");
      input.addEventListener("input", function () {
        var needle = fold(input.value.trim());
        fieldset.querySelectorAll(".facet-value").forEach(function (item) { item.hidden = false; });
        if (!needle) { return; }
        fieldset.querySelectorAll(":scope > ul > .facet-value").forEach(function (item) {
          var own = labelText(item).indexOf(needle) !== -1;
          var anyChild = false;
          item.querySelectorAll(".facet-children .facet-value").forEach(function (child) {
            var match = own || labelText(child).indexOf(needle) !== -1;
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
    var first = panel();
    if (first && wide.matches) { first.open = true; }
    wide.addEventListener("change", function () {
      if (wide.matches && drawerOpen) { drawerOpen = false; applyDrawer(); }
      var box = panel();
      if (box) { box.open = wide.matches; }
    });
    enhanceRegion(form);

    var q = document.getElementById("q");
    var typing = false;  // one history entry per typing session, not one per pause
    var typed = debounce(function () {
      load(formUrl(), { push: !typing, replace: typing, soft: true, typing: true });
      typing = true;
    }, 350);
    q.addEventListener("input", function () { clearTimeout(settleTimer); typed(); });
    q.addEventListener("blur", function () { typing = false; settle(); });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      typed.cancel();
      closeSuggestions(q);
      load(formUrl(), { push: !typing, replace: typing, counted: true });
      typing = false;
    });

    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.matches("input[type=checkbox][data-toggle-url]")) {
        // a box the words ticked takes them out of the box when unticked: syncInput
        load(target.getAttribute("data-toggle-url"), { push: true, focusId: target.id, syncInput: true });
      } else if (target.id === "sort") {
        load(formUrl(), { push: true, focusId: "sort" });
      }
    });

    form.addEventListener("click", function (event) {
      if (event.target.closest("[data-drawer-open]")) { event.preventDefault(); openDrawer(); return; }
      if (event.target.closest("[data-drawer-close]")) {
        event.preventDefault();
        closeDrawer(event.target.closest("[data-show-results]") !== null);
        return;
      }
      // on wide screens the facets are a sidebar that stays open
      var summary = event.target.closest("[data-facets-panel] > summary");
      if (summary && wide.matches) { event.preventDefault(); return; }
      var link = event.target.closest("a[data-nav]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) { return; }
      event.preventDefault();
      var focusId = link.getAttribute("data-focus") || (drawerOpen ? "filters-title" : "results-title");
      load(link.getAttribute("href"), { push: true, syncInput: true, focusId: focusId });
    });

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawerOpen) { event.preventDefault(); closeDrawer(false); }
    });

    window.addEventListener("popstate", function () {
      // a skip link or an anchor changes only the #fragment: the results are already right
      if (window.location.pathname + window.location.search === shownUrl) { return; }
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

  function submitWith(input, text) {
    input.value = text;
    closeSuggestions(input);
    var owner = input.form;
    if (owner && owner.requestSubmit) { owner.requestSubmit(); } else if (owner) { owner.submit(); }
  }

  /* What choosing a suggestion does: a métier opens its page; a place or a sector applies its
     filter beside the other words (on the results page, without reloading it); an interest or a
     word is searched. */
  function choose(input, item) {
    if (item.kind === "profession" && item.code) {
      closeSuggestions(input);
      window.location.assign(item.url);
    } else if (item.facet && item.value) {
      closeSuggestions(input);
      if (form && input.form === form) {
        input.value = item.query || "";
        var target = new URL(formUrl(), window.location.href);
        var chosen = target.searchParams.getAll(item.facet);
        if (chosen.indexOf(item.value) === -1) { target.searchParams.append(item.facet, item.value); }
        target.searchParams.delete("page");
        load(target.pathname + target.search, { push: true, syncInput: true });
      } else {
        window.location.assign(item.url);
      }
    } else if (item.kind === "interest") {
      submitWith(input, item.query || item.text);
    } else {
      submitWith(input, item.text);
    }
  }

  document.querySelectorAll("input[data-autocomplete]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) { return; }
    input.setAttribute("role", "combobox");
    var active = -1;
    var items = [];  // the suggestions shown, in order
    var suggestController = null;
    // on the results page the list sits in the page's flow, above the live results: a short one
    var limit = list.classList.contains("suggestions-inline") ? 5 : 8;

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
      fetch("/api/suggest?" + new URLSearchParams({ q: text, limit: String(limit) }).toString(), { signal: suggestController.signal })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (data) {
          list.textContent = "";
          active = -1;
          items = data.suggestions || [];
          items.forEach(function (item, i) {
            var li = document.createElement("li");
            li.id = list.id + "-" + i;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", "false");
            var label = document.createElement("span");
            label.textContent = item.text;
            var kind = document.createElement("span");
            kind.className = "kind";
            kind.textContent = item.hint || item.kind_label || "";
            li.appendChild(label);
            li.appendChild(kind);
            li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(input, item); });
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
      if (event.key === "Escape") {
        // a search field clears itself on Escape: keep the words (and the results), close the list
        event.preventDefault();
        fetchSuggestions.cancel();
        if (suggestController) { suggestController.abort(); }
        closeSuggestions(input);
        return;
      }
      var count = list.querySelectorAll("[role=option]").length;
      if (list.hidden || !count) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight((active + 1) % count); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight((active - 1 + count) % count); }
      else if (event.key === "Enter" && active >= 0 && items[active]) {
        event.preventDefault();
        choose(input, items[active]);
      }
    });
    input.addEventListener("blur", function () { setTimeout(function () { closeSuggestions(input); }, 100); });
  });
})();
