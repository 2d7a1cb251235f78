/* Wayfinder web widget: one script tag, no framework. bot/widget/bundle.py fills in the three
   placeholder values below (styles, the words in strings.yml, the council's defaults) when it serves this.
   Data attributes on the script tag: data-council-name, data-council-phone, data-council-hours,
   data-colour, data-colour-text, data-mode ("launcher" or "page"), data-target (element id for
   "page"), data-exit-url, data-timeout (ms), data-server (where Wayfinder runs). */
(function () {
  "use strict";
  var CSS = __WF_CSS__;
  var WORDS = __WF_STRINGS__;
  var DEFAULTS = __WF_DEFAULTS__;
  var script = document.currentScript;
  var data = (script && script.dataset) || {};
  var cfg = {
    council_name: data.councilName || DEFAULTS.council_name,
    council_phone: data.councilPhone || DEFAULTS.council_phone,
    council_hours: data.councilHours || DEFAULTS.council_hours,
    mode: data.mode === "page" ? "page" : "launcher",
    exitUrl: data.exitUrl || "https://www.bbc.co.uk/weather",
    timeout: parseInt(data.timeout, 10) || 20000,
    sms: !!DEFAULTS.sms
  };
  var server = (data.server || (script && script.src ? new URL(script.src, location.href).origin : location.origin));
  var base = server.replace(/\/$/, "") + "/webhooks/widget";
  var REMEMBER_KEY = "wayfinder-remember";
  var STATE_KEY = "wayfinder-conversation";
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function say(key, extra) {
    var text = WORDS[key] || key;
    var values = Object.assign({}, cfg, extra || {});
    return text.replace(/\{(\w+)\}/g, function (all, name) { return values[name] != null ? values[name] : all; });
  }
  function el(tag, attrs, kids) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (k === "on") { node.addEventListener("click", attrs[k]); }
      else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) { node.setAttribute(k, attrs[k] === true ? "" : attrs[k]); }
    });
    (kids || []).forEach(function (kid) { if (kid) { node.appendChild(typeof kid === "string" ? document.createTextNode(kid) : kid); } });
    return node;
  }
  function newId(prefix) {
    return prefix + (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + String(Math.random()).slice(2));
  }

  /* Colours: a council colour too pale for white text (below 4.5:1) is not used. */
  function luminance(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex || ""); if (!m) { return null; }
    var rgb = [0, 2, 4].map(function (i) { var c = parseInt(m[1].substr(i, 2), 16) / 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); });
    return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  }
  function contrast(a, b) { var x = luminance(a), y = luminance(b); if (x === null || y === null) { return 0; } return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }

  /* Links: phone numbers, emails and web addresses in any text become links. */
  var LINKS = /(https?:\/\/[^\s)]+[^\s).,])|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)|((?:\+44\s?|\b0)\d{2,4}(?:\s?\d{3,4}){1,2}\b|\b(?:999|111|116 123)\b)/g;
  function linkify(text) {
    var frag = document.createDocumentFragment(), last = 0, m;
    LINKS.lastIndex = 0;
    while ((m = LINKS.exec(text)) !== null) {
      frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var href = m[1] ? m[1] : m[2] ? "mailto:" + m[2] : "tel:" + m[3].replace(/\s/g, "");
      frag.appendChild(el("a", {href: href, text: m[0]}));
      last = m.index + m[0].length;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  /* Storage: nothing is written to the device unless the person ticks "remember". */
  var state = {sender: newId("web-"), entries: []};
  function remembered() { try { return localStorage.getItem(REMEMBER_KEY) === "yes"; } catch (e) { return false; } }
  function save() {
    if (!remembered()) { return; }
    try { localStorage.setItem(STATE_KEY, JSON.stringify(state)); } catch (e) { /* storage full or off */ }
  }
  function forget() {
    try { localStorage.removeItem(STATE_KEY); localStorage.removeItem(REMEMBER_KEY); } catch (e) { /* off */ }
  }
  function restore() {
    if (!remembered()) { return false; }
    try { var saved = JSON.parse(localStorage.getItem(STATE_KEY) || "null"); if (saved && saved.sender) { state = saved; return true; } } catch (e) { /* bad data */ }
    return false;
  }

  /* The page around the widget. */
  var root = el("div", {"class": "wf-root " + (cfg.mode === "page" ? "wf-inline" : "wf-floating")});
  var style = el("style", {text: CSS});
  if (data.colour && contrast(data.colour, "#ffffff") >= 4.5) { root.style.setProperty("--wf-primary", data.colour); }
  if (data.colourText && contrast(data.colourText, data.colour || "#1d70b8") >= 4.5) { root.style.setProperty("--wf-on-primary", data.colourText); }
  var titleId = newId("wf-title-");
  var launcher = el("button", {type: "button", "class": "wf-launcher", "aria-expanded": "false", text: say("launcher")});
  var panel = el("section", {"class": "wf-panel", "aria-labelledby": titleId, hidden: cfg.mode !== "page"});
  var exitButton = el("button", {type: "button", "class": "wf-exit", text: say("exit"), on: quickExit});
  var closeButton = cfg.mode === "page" ? null : el("button", {type: "button", "class": "wf-close", text: say("close"), on: close});
  var head = el("div", {"class": "wf-head"}, [
    el("h2", {id: titleId, tabindex: "-1", text: say("title") + " - " + cfg.council_name}), exitButton, closeButton,
    el("p", {"class": "wf-exit-hint", text: say("exit_hint")})]);
  var rememberBox = el("input", {type: "checkbox", id: newId("wf-remember-"), "aria-describedby": titleId + "-rh"});
  var clearButton = el("button", {type: "button", "class": "wf-link-button", text: say("clear"), on: clearConversation});
  var tools = el("div", {"class": "wf-tools"}, [
    el("label", {"for": rememberBox.id}, [rememberBox, say("remember")]), clearButton,
    el("p", {id: titleId + "-rh", text: say("remember_hint")})]);
  var log = el("div", {"class": "wf-log", role: "log", "aria-live": "off", "aria-label": say("log_label"), tabindex: "0"});
  var announcer = el("div", {"class": "wf-hidden", role: "status", "aria-live": "polite", "aria-atomic": "false", "aria-label": say("announcer_label")});
  var inputId = newId("wf-input-");
  var input = el("input", {id: inputId, name: "message", type: "text", maxlength: "2000", autocomplete: "off"});
  var sendButton = el("button", {type: "submit", "class": "wf-send", text: say("send")});
  var form = el("form", {"class": "wf-form", novalidate: true}, [el("label", {"for": inputId, text: say("input_label")}), input, sendButton]);
  var danger = el("p", {"class": "wf-danger"}, [linkify(say("danger"))]);
  panel.appendChild(head); panel.appendChild(tools); panel.appendChild(log); panel.appendChild(announcer);
  panel.appendChild(form); panel.appendChild(danger);
  root.appendChild(style);
  if (cfg.mode !== "page") { root.appendChild(launcher); }
  root.appendChild(panel);

  function mount() {
    var target = cfg.mode === "page" && data.target ? document.getElementById(data.target) : null;
    (target || document.body).appendChild(root);
    if (restore()) { rememberBox.checked = true; state.entries.forEach(function (e) { draw(e, false); }); }
    if (cfg.mode === "page") { start(); }
  }

  function open() {
    launcher.hidden = true; launcher.setAttribute("aria-expanded", "true"); panel.hidden = false;
    start(); head.querySelector("h2").focus();
  }
  function close() {
    panel.hidden = true; launcher.hidden = false; launcher.setAttribute("aria-expanded", "false"); launcher.focus();
  }
  var started = false;
  function start() {
    if (started) { return; }
    started = true;
    if (!state.entries.length) { send("/greet", null); }
  }
  launcher.addEventListener("click", open);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape" && cfg.mode !== "page") { close(); } });

  /* Exit this page: the button, or Shift pressed 3 times within 5 seconds. */
  function quickExit() {
    document.body.appendChild(el("div", {"class": "wf-blank"}));
    document.title = "";
    while (log.firstChild) { log.removeChild(log.firstChild); }  /* nothing left on screen */
    window.location.replace(cfg.exitUrl);
  }
  var shifts = [];
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Shift" || e.repeat) { return; }
    var now = Date.now();
    shifts = shifts.filter(function (t) { return now - t < 5000; }).concat(now);
    if (shifts.length >= 3) { quickExit(); }
  });

  rememberBox.addEventListener("change", function () {
    try {
      if (rememberBox.checked) { localStorage.setItem(REMEMBER_KEY, "yes"); save(); } else { forget(); }
    } catch (e) { /* storage off: nothing is remembered */ }
  });

  function clearConversation() {
    var old = state.sender;
    post("/end", {sender: old}).catch(function () { /* the server forgets it anyway in time */ });
    forget(); rememberBox.checked = false;
    state = {sender: newId("web-"), entries: []};
    pending = null; input.value = "";
    while (log.firstChild) { log.removeChild(log.firstChild); }
    announce(say("cleared"));
    started = false; start();
    input.focus();
  }

  /* Drawing messages. Every entry is saved so a remembered conversation can be drawn again. */
  function announce(text) {
    var p = el("p", {text: text});
    announcer.appendChild(p);
    while (announcer.childNodes.length > 3) { announcer.removeChild(announcer.firstChild); }
  }
  function draw(entry, fresh) {
    var node;
    if (entry.card) { node = drawCard(entry.card); }
    else if (entry.buttons) { node = drawChoices(entry); }
    else {
      node = el("p", {"class": "wf-msg " + (entry.who === "me" ? "wf-me" : entry.error ? "wf-bot wf-error" : "wf-bot"), tabindex: "-1"},
        [el("span", {"class": "wf-hidden", text: say(entry.who === "me" ? "you_said" : "bot_said") + " "}), linkify(entry.text)]);
    }
    log.insertBefore(node, typing.parentNode === log ? typing : null);
    if (fresh && entry.who !== "me") { announce(entry.card ? say("new_answer", {where: entry.card.where}) : entry.text || ""); }
    return node;
  }
  function drawChoices(entry) {
    var box = el("div", {"class": "wf-choices", role: "group", "aria-label": say("choices_label")});
    entry.buttons.forEach(function (b, i) {
      var btn = el("button", {type: "button", text: b.title, disabled: !!entry.answered,
        "aria-pressed": entry.answered ? String(entry.chosen === i) : null});
      btn.addEventListener("click", function () {
        if (entry.answered || busy) { return; }
        send(b.payload, b.title, {entry: entry, index: i});
      });
      box.appendChild(btn);
    });
    Object.defineProperty(entry, "node", {value: box, writable: true, enumerable: false, configurable: true});
    return box;
  }
  function disableOldChoices(chosen) {
    state.entries.forEach(function (e) {
      if (e.buttons && !e.answered) {
        e.answered = true;
        if (chosen && chosen.entry === e) { e.chosen = chosen.index; }
        var node = e.node; if (!node) { return; }
        Array.prototype.forEach.call(node.querySelectorAll("button"), function (b, i) {
          b.disabled = true; b.setAttribute("aria-pressed", String(e.chosen === i));
        });
      }
    });
  }
  function section(heading, kids) { return [el("h3", {text: heading})].concat(kids); }
  function drawCard(card) {
    var h = card.headings;
    var moreId = newId("wf-more-");
    var place = card.place ? [el("p", {"class": "wf-place", text: card.place.name}), el("p", {}, [linkify(card.place.contact)]),
      el("p", {text: card.place.detail})] : [el("p", {}, [linkify(card.no_place || "")])];
    var more = el("div", {"class": "wf-more", id: moreId, hidden: true});
    more.appendChild(el("h3", {text: h.more}));
    card.more.forEach(function (tier) {
      more.appendChild(el("h4", {text: tier.heading}));
      more.appendChild(el("p", {text: tier.text}));
      more.appendChild(el("p", {"class": "wf-tier-detail", text: tier.detail}));
      if (tier.places.length) {
        more.appendChild(el("ul", {}, tier.places.map(function (p) {
          return el("li", {}, [el("strong", {text: p.name}), ": ", linkify(p.contact)]);
        })));
      }
      tier.notes.forEach(function (n) { more.appendChild(el("p", {}, [linkify(n)])); });
    });
    more.appendChild(el("h3", {text: h.summary}));
    more.appendChild(el("p", {}, [el("strong", {text: h.told + ": "}), card.told]));
    more.appendChild(el("p", {}, [el("strong", {text: h.next + ": "}), linkify(card.next)]));
    var toggle = el("button", {type: "button", "class": "wf-more-toggle", "aria-expanded": "false", "aria-controls": moreId, text: say("show_more")});
    toggle.addEventListener("click", function () {
      var opening = more.hidden; more.hidden = !opening;
      toggle.setAttribute("aria-expanded", String(opening)); toggle.textContent = say(opening ? "show_less" : "show_more");
    });
    var note = el("p", {"class": "wf-note", role: "status"});
    var keep = el("div", {"class": "wf-keep"}, [
      el("button", {type: "button", text: say("print"), on: function () { printCard(article); }}),
      el("button", {type: "button", text: say("copy"), on: function () { copyCard(card, note); }}),
      cfg.sms ? el("button", {type: "button", "aria-expanded": "false", text: say("sms_open"), on: function (e) { openSms(e.currentTarget, smsForm); }}) : null]);
    var smsForm = cfg.sms ? drawSms(note) : null;
    var article = el("article", {"class": "wf-card", "aria-labelledby": moreId + "-h"}, [
      el("p", {"class": "wf-print-title", text: say("summary_title")})].concat(
      [el("h3", {id: moreId + "-h", tabindex: "-1", text: h.where})], [el("p", {text: card.where})],
      section(h.first, [el("p", {text: card.first})]),
      section(card.place ? h.place : h.no_place, place),
      section(h.rights, [el("ul", {}, card.rights.map(function (r) { return el("li", {text: r}); }))]),
      [toggle, more, keep, smsForm, note]));
    return article;
  }
  function printCard(article) {
    var html = document.documentElement;
    var path = [];
    for (var n = article.parentNode; n && n !== document.body; n = n.parentNode) { n.classList.add("wf-print-path"); path.push(n); }
    article.classList.add("wf-printing"); html.classList.add("wf-print-card");
    var done = function () {
      html.classList.remove("wf-print-card"); article.classList.remove("wf-printing");
      path.forEach(function (p) { p.classList.remove("wf-print-path"); });
      window.removeEventListener("afterprint", done);
    };
    window.addEventListener("afterprint", done);
    window.print();
  }
  function cardText(card) {
    var h = card.headings, lines = [say("summary_title"), "", h.where + ": " + card.where, h.first + ": " + card.first];
    if (card.place) { lines.push(h.place + ": " + card.place.name + ", " + card.place.contact); } else { lines.push(card.no_place); }
    lines.push(h.rights + ":"); card.rights.forEach(function (r) { lines.push("- " + r); });
    lines.push("", h.told + ": " + card.told, h.next + ": " + card.next);
    return lines.join("\n");
  }
  function copyCard(card, note) {
    var text = cardText(card);
    var ok = function () { note.textContent = say("copied"); }, bad = function () { note.textContent = say("copy_failed"); };
    if (navigator.clipboard && window.isSecureContext) { navigator.clipboard.writeText(text).then(ok, bad); return; }
    var area = el("textarea", {"class": "wf-hidden", "aria-hidden": "true"}); area.value = text; root.appendChild(area); area.select();
    try { if (document.execCommand("copy")) { ok(); } else { bad(); } } catch (e) { bad(); }
    root.removeChild(area);
  }
  function drawSms(note) {
    var id = newId("wf-sms-");
    var phone = el("input", {id: id, type: "tel", autocomplete: "tel", "aria-describedby": id + "-hint"});
    var form = el("form", {"class": "wf-sms", hidden: true, novalidate: true}, [
      el("label", {"for": id, text: say("sms_label")}), el("p", {id: id + "-hint", text: say("sms_hint")}), phone,
      el("button", {type: "submit", "class": "wf-send", text: say("sms_send")})]);
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      post("/sms", {sender: state.sender, phone: phone.value}).then(function () {
        phone.value = ""; note.textContent = say("sms_sent");
      }, function () { note.textContent = say("sms_failed"); });
    });
    return form;
  }
  function openSms(button, smsForm) {
    smsForm.hidden = false; button.setAttribute("aria-expanded", "true"); smsForm.querySelector("input").focus();
  }

  /* Talking to Wayfinder. A message keeps its id until it has been answered, so a retry is never
     processed twice (the server answers a repeated id with the first answer). */
  var typing = el("p", {"class": "wf-typing", "aria-hidden": "true"}, [el("span"), el("span"), el("span"), " ", say("typing")]);
  var busy = false, pending = null;
  function post(path, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) { controller.abort(); } }, cfg.timeout);
    return fetch(base + path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
      signal: controller ? controller.signal : undefined, credentials: "omit"})
      .then(function (r) { clearTimeout(timer); if (!r.ok) { throw new Error("status " + r.status); } return r.json(); },
        function (e) { clearTimeout(timer); throw e; });
  }
  function setBusy(on) {
    busy = on;
    log.setAttribute("aria-busy", String(on));
    sendButton.setAttribute("aria-disabled", String(on));
    sendButton.textContent = say(on ? "sending" : "send");
    if (on) { log.appendChild(typing); announce(say("typing")); scrollTo(typing); } else if (typing.parentNode) { typing.parentNode.removeChild(typing); }
  }
  function scrollTo(node) {
    if (!node) { return; }
    node.scrollIntoView({block: "nearest", behavior: reduceMotion ? "auto" : "smooth"});
  }
  function showAtTop(node) {
    log.scrollTop = node.offsetTop - log.offsetTop - 8;
    if (cfg.mode === "page" || window.innerWidth <= 480) {
      var r = panel.getBoundingClientRect(); if (r.top < 0 || r.bottom > window.innerHeight) { panel.scrollIntoView({block: "nearest"}); }
    }
  }
  function send(message, shown, chosen) {
    if (busy) { return; }
    if (!pending || pending.message !== message) { pending = {id: newId("m-"), message: message, shown: shown, chosen: chosen}; }
    var fromBox = chosen === undefined && shown === undefined;
    setBusy(true);
    var errors = Array.prototype.slice.call(log.querySelectorAll(".wf-error-box"));
    errors.forEach(function (n) { n.parentNode.removeChild(n); });
    post("/webhook", {sender: state.sender, message: message, message_id: pending.id})
      .then(function (replies) { received(replies, pending, fromBox); })
      .catch(function (error) { failed(error, fromBox); });
  }
  function received(replies, sent, fromBox) {
    pending = null;
    setBusy(false);
    if (sent.shown !== null) {
      disableOldChoices(sent.chosen);
      add({who: "me", text: sent.shown || sent.message}, true);
    }
    if (fromBox) { input.value = ""; }
    var first = null, skip = 0;
    (replies || []).forEach(function (m) {
      var node = null;
      if (m.custom && m.custom.kind === "wayfinder_answer_card") { node = add({who: "bot", card: m.custom}, true); skip = m.custom.replaces || 0; }
      else if (m.text && skip > 0) { skip -= 1; }
      else if (m.text) { node = add({who: "bot", text: m.text}, true); }
      var buttons = m.buttons || m.quick_replies;
      if (buttons && buttons.length) { add({who: "bot", buttons: buttons.map(function (b) { return {title: b.title, payload: b.payload}; })}, false); }
      if (node && !first) { first = node; }
    });
    save();
    if (!first) { return; }
    showAtTop(first);
    if (sent.shown !== null && (!fromBox || first.classList.contains("wf-card"))) {
      var target = first.classList.contains("wf-card") ? first.querySelector("h3[tabindex]") : first;
      target.focus({preventScroll: true});
    }
  }
  function add(entry, fresh) { state.entries.push(entry); return draw(entry, fresh); }
  function failed(error, fromBox) {
    setBusy(false);
    var key = navigator.onLine === false ? "error_offline" : error && error.name === "AbortError" ? "error_timeout" : "error_server";
    var retry = el("button", {type: "button", text: say("retry"), on: function () { var p = pending; box.parentNode.removeChild(box); send(p.message, p.shown, p.chosen); }});
    var box = el("div", {"class": "wf-error-box", role: "alert"}, [el("p", {"class": "wf-msg wf-bot wf-error"}, [linkify(say(key))]),
      el("div", {"class": "wf-choices"}, [retry])]);
    log.appendChild(box);
    scrollTo(box);
    if (!fromBox) { retry.focus({preventScroll: true}); }
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || busy) { return; }
    send(text);
  });

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mount); } else { mount(); }
})();
