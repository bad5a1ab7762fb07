// Forms without reload. Every form of this site works without JavaScript:
// its POST is answered by a redirect to the page that shows the outcome
// (the same page with the change, or with the error and what was typed).
// This script sends such a form with fetch instead, follows that redirect
// and swaps the new page's <body> in place of the old one, keeping the
// scroll position when the address stays the same. Links are ordinary
// navigations. Forms that an island handles (it prevents the default),
// file uploads and GET forms (search) are left to the browser.
(() => {
  const busy = "aria-busy";

  function sendable(ev) {
    if (ev.defaultPrevented || !window.fetch || !window.DOMParser) return null;
    const form = ev.target;
    if (!(form instanceof HTMLFormElement)) return null;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return null;
    // Attributes, not properties: a field named "action" (the moderation
    // buttons have one) hides the form's own `action` property.
    if (form.getAttribute("enctype") === "multipart/form-data" || form.hasAttribute("target")) return null;
    if (form.hasAttribute("data-reload")) return null;
    const action = new URL(form.getAttribute("action") || location.href, location.href);
    if (action.origin !== location.origin) return null;
    return { form, action };
  }

  function body(form, submitter) {
    const data = new FormData(form);
    if (submitter && submitter.name) data.append(submitter.name, submitter.value);
    const params = new URLSearchParams();
    for (const [k, v] of data.entries()) {
      if (typeof v === "string") params.append(k, v);
    }
    return params;
  }

  function hydrateIslands(root) {
    if (!window.__hydrateIsland) return; // the loader hydrates document.body later
    for (const island of root.querySelectorAll("leptos-island")) {
      // Islands inside islands are hydrated by the outer one.
      if (!island.parentElement || !island.parentElement.closest("leptos-island")) {
        window.__hydrateIsland(island, island.dataset.component);
      }
    }
  }

  // What was typed into a form, by field name (files and hidden fields
  // are the page's business).
  function typed(form) {
    const values = new Map();
    for (const el of form.elements) {
      if (!el.name || el.type === "hidden" || el.type === "file" || el.type === "submit") continue;
      if (el.type === "checkbox" || el.type === "radio") continue;
      values.set(el.name, el.value);
    }
    return values;
  }

  // After a refused submission the server shows the form again with what
  // it kept; what it does not send back (passwords) is put back here, so
  // nothing typed is lost.
  function restore(doc, action, values) {
    for (const form of doc.querySelectorAll("form")) {
      if (new URL(form.getAttribute("action") || location.href, location.href).href !== action.href) continue;
      for (const el of form.elements) {
        if (values.has(el.name) && !el.value && el.type !== "hidden") el.value = values.get(el.name);
      }
    }
  }

  // Scripts of the new body (the player's) that this page has not loaded
  // yet; parsed pages do not run them by themselves.
  function loadScripts(loaded) {
    for (const old of document.body.querySelectorAll("script[src]")) {
      const src = old.getAttribute("src");
      if (loaded.has(src)) continue;
      const script = document.createElement("script");
      script.src = src;
      script.async = false;
      old.replaceWith(script);
    }
  }

  function show(html, url, samePage, sent) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    if (!doc.body) return false;
    const x = window.scrollX;
    const y = window.scrollY;
    document.title = doc.title;
    document.documentElement.className = doc.documentElement.className;
    const loaded = new Set(Array.from(document.scripts, (el) => el.getAttribute("src")));
    document.body.replaceWith(document.adoptNode(doc.body));
    loadScripts(loaded);
    if (new URL(url).searchParams.has("__err")) restore(document, sent.action, sent.values);
    // The address keeps no error of a past submission: the next form sent
    // from this page must not be answered with it again.
    const shown = new URL(url);
    shown.searchParams.delete("__path");
    shown.searchParams.delete("__err");
    if (samePage) history.replaceState(null, "", shown);
    else history.pushState(null, "", shown);
    const hash = new URL(url).hash.slice(1);
    const target = hash && document.getElementById(decodeURIComponent(hash));
    if (target) target.scrollIntoView();
    else if (samePage) window.scrollTo(x, y);
    else window.scrollTo(0, 0);
    hydrateIslands(document.body);
    const alert = document.querySelector(".form-alert[role=alert]:not([hidden]), .field-error[role=alert]:not([hidden])");
    const focusable = alert && alert.closest(".field") ? alert.closest(".field").querySelector("input, textarea, select") : alert;
    if (focusable) {
      if (focusable === alert) alert.setAttribute("tabindex", "-1");
      focusable.focus({ preventScroll: samePage });
    }
    return true;
  }

  window.addEventListener("submit", async (ev) => {
    const found = sendable(ev);
    if (!found) return;
    const { form, action } = found;
    if (form.getAttribute(busy) === "true") {
      ev.preventDefault();
      return;
    }
    const submitter = ev.submitter || null;
    const params = body(form, submitter);
    ev.preventDefault();
    form.setAttribute(busy, "true");
    const label = submitter && submitter.textContent;
    if (submitter) {
      submitter.disabled = true;
      if (submitter.dataset.busy) submitter.textContent = submitter.dataset.busy;
    }
    const before = location.href.split("#")[0];
    try {
      const resp = await fetch(action, {
        method: "POST",
        body: params,
        headers: { Accept: "text/html" },
        credentials: "same-origin",
      });
      const type = resp.headers.get("content-type") || "";
      if (!type.startsWith("text/html")) {
        location.assign(resp.url);
        return;
      }
      const html = await resp.text();
      const samePage = new URL(resp.url).pathname === new URL(before).pathname;
      const sent = { action, values: typed(form) };
      if (!show(html, resp.url, samePage, sent)) location.assign(resp.url);
    } catch (e) {
      // Offline or the server went away: say so, keep what was typed.
      form.removeAttribute(busy);
      if (submitter) {
        submitter.disabled = false;
        submitter.textContent = label;
      }
      let note = form.querySelector(".form-offline");
      if (!note) {
        note = document.createElement("p");
        note.className = "form-alert form-offline";
        note.setAttribute("role", "alert");
        form.prepend(note);
      }
      note.textContent = "网络连接失败，内容未提交，请检查网络后重试。";
    }
  });

  // A button marked data-print prints the page (the Content-Security-Policy
  // refuses inline onclick handlers).
  window.addEventListener("click", (ev) => {
    if (ev.target instanceof Element && ev.target.closest("button[data-print]")) window.print();
  });
})();
