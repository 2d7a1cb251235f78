// Staff console: sends what the caller says, shows replies, keeps the panel up to date.
// Keyboard: Enter sends; 1-9 (empty box) picks a button; Alt+N new caller; Alt+O outcome.
// Drafts: what is typed or chosen in a form marked data-draft is kept in this tab's
// sessionStorage under the call's key (meta "call", a hash of the call id) and put back after a
// reload. Never kept: hidden fields (the CSRF token) and phone numbers. Dropped when the form's
// work is done (data-draft-done), a text is sent, or the call ends (new caller, sign out).
(function () {
  "use strict";
  var meta = function (name) { var m = document.querySelector('meta[name="' + name + '"]'); return m ? m.content : ""; };
  var prefix = meta("prefix");
  var csrf = meta("csrf");
  var call = meta("call");
  var DRAFT = "wf-draft:";
  var store = (function () { try { return window.sessionStorage; } catch (e) { return null; } })();

  function kept(f) {
    return f.name && f.type !== "hidden" && f.type !== "tel" && f.type !== "password" && f.name !== "phone";
  }

  function saveDraft(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (f) {
      if (!kept(f)) { return; }
      values[f.name] = values[f.name] || [];
      if (f.type !== "checkbox" && f.type !== "radio") { values[f.name].push(f.value); }
      else if (f.checked) { values[f.name].push(f.value); }
    });
    try { store.setItem(DRAFT + call + ":" + form.dataset.draft, JSON.stringify(values)); } catch (e) { /* full or off */ }
  }

  function restoreDraft(form) {
    var values = null;
    try { values = JSON.parse(store.getItem(DRAFT + call + ":" + form.dataset.draft)); } catch (e) { /* none */ }
    if (!values) { return; }
    Array.prototype.forEach.call(form.elements, function (f) {
      var v = values[f.name];
      if (!kept(f) || !Array.isArray(v)) { return; }
      if (f.type === "checkbox" || f.type === "radio") { f.checked = v.indexOf(f.value) >= 0; }
      else { f.value = v[0] || ""; }  // one text box, select or textarea per name
    });
  }

  // Removes the drafts whose key starts (or, with others, does not start) with start.
  function forget(start, others) {
    for (var i = store ? store.length - 1 : -1; i >= 0; i--) {
      var k = store.key(i);
      if (k.indexOf(DRAFT) === 0 && (k.indexOf(start) === 0) !== !!others) { store.removeItem(k); }
    }
  }

  function post(path, body) {
    return fetch(prefix + path, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (r) { return r.json(); });
  }

  function line(who, text, buttons) {
    var list = document.getElementById("transcript");
    if (!list) { return; }
    Array.prototype.forEach.call(list.querySelectorAll(".buttons"), function (b) { b.remove(); });
    var li = document.createElement("li");
    li.className = who;
    var w = document.createElement("span");
    w.className = "who";
    w.textContent = (who === "user" ? "Caller" : "Wayfinder") + ": ";
    var t = document.createElement("span");
    t.className = "text";
    t.textContent = text || "";
    li.appendChild(w); li.appendChild(t);
    if (buttons && buttons.length) {
      var span = document.createElement("span");
      span.className = "buttons";
      buttons.forEach(function (b, i) {
        var btn = document.createElement("button");
        btn.type = "button"; btn.className = "choice";
        btn.dataset.payload = b.payload;
        btn.textContent = (i + 1) + ". " + b.title;
        span.appendChild(btn);
      });
      li.appendChild(span);
    }
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }

  function showPanel(data, back) {
    var panel = document.getElementById("panel");
    if (panel && data.panel_html !== undefined) {
      var was = document.activeElement && panel.contains(document.activeElement) ? document.activeElement.id : "";
      panel.innerHTML = data.panel_html;
      panel.classList.toggle("red", !!data.safeguarding);
      var again = document.getElementById(back || was);  // keyboard users keep their place
      if (again) { again.focus(); }
    }
  }

  function say(text, shown) {
    line("user", shown || text);
    return post("/call/message", { text: text }).then(function (data) {
      (data.messages || []).forEach(function (m) { line("bot", m.text, m.buttons); });
      showPanel(data);
      var box = document.getElementById("text");
      if (box) { box.focus(); }
    });
  }

  document.addEventListener("submit", function (e) {
    if (e.target.hasAttribute("data-ends-call")) {
      forget(DRAFT);
    } else if (e.target.id === "sms-form") {
      e.preventDefault();
      var phone = document.getElementById("sms-phone");
      var places = Array.prototype.map.call(e.target.querySelectorAll('input[name="place"]'), function (i) { return i.value; });
      var out = document.getElementById("sms-result");
      out.textContent = "";
      post("/outcome/sms", { phone: phone.value, places: places }).then(function (data) {
        out.textContent = data.message || data.error || "";
        out.className = data.error ? "error" : "notice";
        if (!data.error) { phone.value = ""; forget(DRAFT + call + ":"); }
      });
    } else if (e.target.id === "say") {
      e.preventDefault();
      var box = document.getElementById("text");
      var text = box.value.trim();
      if (text) { box.value = ""; say(text); }
    }
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t.classList && t.classList.contains("choice")) {
      say(t.dataset.payload, t.textContent.replace(/^\d+\. /, ""));
    } else if (t.dataset && t.dataset.save) {
      var box = t.closest("fieldset");
      var chosen = Array.prototype.map.call(box.querySelectorAll('input[name="' + t.dataset.field + '"]:checked'), function (i) { return i.value; });
      post("/call/correct", { slot: t.dataset.save, value: chosen }).then(function (data) { showPanel(data, t.dataset.back); });
    } else if (t.id === "copy-note") {
      var note = document.getElementById("case-note");
      note.select();
      var done = function () { var c = document.getElementById("copied"); c.textContent = c.dataset.text; };
      if (navigator.clipboard) { navigator.clipboard.writeText(note.value).then(done, function () { document.execCommand("copy"); done(); }); }
      else { document.execCommand("copy"); done(); }
    }
  });

  document.addEventListener("input", function (e) {
    if (call && store && e.target.form && e.target.form.dataset.draft) { saveDraft(e.target.form); }
  });

  document.addEventListener("change", function (e) {
    if (call && store && e.target.form && e.target.form.dataset.draft) { saveDraft(e.target.form); }
    var slot = e.target.dataset && e.target.dataset.slot;
    if (slot && e.target.value) {
      post("/call/correct", { slot: slot, value: e.target.value }).then(showPanel);
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.altKey && (e.key === "n" || e.key === "N")) {
      var f = document.getElementById("new-caller");
      if (f) { e.preventDefault(); forget(DRAFT); f.submit(); }
    } else if (e.altKey && (e.key === "o" || e.key === "O")) {
      e.preventDefault(); window.location.href = prefix + "/outcome";
    } else if (e.target.id === "text" && e.target.value === "" && /^[1-9]$/.test(e.key)) {
      var choices = document.querySelectorAll("#transcript .buttons .choice");
      var pick = choices[parseInt(e.key, 10) - 1];
      if (pick) { e.preventDefault(); pick.click(); }
    }
  });

  if (store) {
    forget(DRAFT + call + ":", true);  // drafts of calls that have ended (or all, if none is on)
    Array.prototype.forEach.call(document.querySelectorAll("[data-draft-done]"), function (el) {
      store.removeItem(DRAFT + call + ":" + el.dataset.draftDone);
    });
    if (call) { Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), restoreDraft); }
  }

  var panel = document.getElementById("panel");
  if (panel && panel.querySelector(".alarm")) { panel.classList.add("red"); }
})();
