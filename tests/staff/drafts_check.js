// Runs bot/staff/static/console.js against a stub page (no browser): type, "reload", restore,
// end the call. Prints the sessionStorage it saw as JSON; tests/test_staff_drafts.py checks it.
"use strict";
const fs = require("fs");
const source = fs.readFileSync(process.argv[2], "utf8");
const data = {};
const storage = {
  get length() { return Object.keys(data).length; },
  key: (i) => Object.keys(data)[i],
  getItem: (k) => (k in data ? data[k] : null),
  setItem: (k, v) => { data[k] = String(v); },
  removeItem: (k) => { delete data[k]; },
};
function load(call) {
  const handlers = {};
  const form = { dataset: { draft: "outcome" }, elements: [] };
  const field = (name, type, value) => ({ name, type, value, checked: false, form, dataset: {} });
  form.elements.push(field("csrf", "hidden", "tok"), field("note", "textarea", ""),
    field("action", "checkbox", "needs_assessment"), field("phone", "tel", ""));
  const metas = { prefix: "/p", csrf: "tok", call };
  global.window = { sessionStorage: storage, location: {} };
  global.document = {
    querySelector: (s) => { const n = /name="(\w+)"/.exec(s)[1]; return metas[n] ? { content: metas[n] } : null; },
    querySelectorAll: (s) => (s === "form[data-draft]" ? [form] : []),
    getElementById: () => null,
    addEventListener: (type, fn) => { handlers[type] = fn; },
  };
  new Function(source)();
  return { form, handlers };
}
const seen = {};
let page = load("k1");
const [, note, box, phone] = page.form.elements;
note.value = "ring back Thursday"; page.handlers.input({ target: note });
box.checked = true; page.handlers.change({ target: box });
phone.value = "07700900457"; page.handlers.input({ target: phone });
seen.typed = { ...data };
page = load("k1");
seen.restored = { note: page.form.elements[1].value, box: page.form.elements[2].checked,
                  phone: page.form.elements[3].value };
page.handlers.submit({ target: { hasAttribute: (a) => a === "data-ends-call" } });
seen.ended = { ...data };
storage.setItem("wf-draft:k0:outcome", "{}");
load("k2");
seen.other_call = { ...data };
console.log(JSON.stringify(seen));
