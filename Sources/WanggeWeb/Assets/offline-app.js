// The grid worker's offline app: a copy of the worker's grids and a queue of writes in IndexedDB.
// Every write gets a client id (its idempotency key) and the next number of this phone, and is
// sent until the server has answered it; the server applies it once and answers copies with the
// first result. Nothing here is in any language: every word comes from the page (data-strings).
"use strict";
(function () {
  var root = document.getElementById("offline-app");
  if (!root || !window.indexedDB) { return; }
  var S = JSON.parse(root.getAttribute("data-strings"));
  var C = JSON.parse(root.getAttribute("data-config"));
  var CATEGORIES = JSON.parse(root.getAttribute("data-categories") || "[]");
  var NAMES = JSON.parse(root.getAttribute("data-names") || "{}");
  function nameOf(list, key) {
    var found = (NAMES[list] || []).filter(function (x) { return x.key === key; })[0];
    return found ? found.name : key;
  }
  var PROTOCOL = Number(C.protocol);
  var PHOTO_LIMIT = 300 * 1024;
  var BATCH_BYTES = 3 * 1024 * 1024;
  var EVERY = 3 * 60 * 1000;
  var UNSENT = ["waiting", "retrying", "uploading", "photos", "held", "refused"];
  var db, meta = {}, syncing = null, tab = "today";

  function t(key) {
    var s = S["offline." + key] || key;
    for (var i = 1; i < arguments.length; i++) { s = s.split("{" + (i - 1) + "}").join(String(arguments[i])); }
    return s;
  }

  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) { return; }
      if (k.indexOf("on") === 0) { e.addEventListener(k.slice(2), v); } else { e.setAttribute(k, v === true ? k : v); }
    });
    (children || []).forEach(function (c) { if (c !== null && c !== undefined) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return e;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var x = Array.prototype.map.call(b, function (n) { return (n + 256).toString(16).slice(1); }).join("");
    return x.slice(0, 8) + "-" + x.slice(8, 12) + "-" + x.slice(12, 16) + "-" + x.slice(16, 20) + "-" + x.slice(20);
  }

  function time(ms) {
    if (!ms) { return t("never"); }
    var d = new Date(ms);
    function p(n) { return (n < 10 ? "0" : "") + n; }
    return (d.getMonth() + 1) + "-" + p(d.getDate()) + " " + p(d.getHours()) + ":" + p(d.getMinutes());
  }

  function setMeta(key, value) { meta[key] = value; return WanggeDB.put(db, "meta", value, key); }

  function loadMeta() {
    return WanggeDB.run(db, ["meta"], "readonly", function (tx) {
      var store = tx.objectStore("meta");
      store.openCursor().onsuccess = function (e) {
        var c = e.target.result;
        if (c) { meta[c.key] = c.value; c.continue(); }
      };
    });
  }

  // MARK: The queue

  function queue() {
    return WanggeDB.all(db, "queue").then(function (items) {
      return items.sort(function (a, b) { return a.device_seq - b.device_seq; });
    });
  }

  function unsent(items) { return items.filter(function (i) { return UNSENT.indexOf(i.status) >= 0; }); }

  // Numbers this phone's writes 1, 2, 3…: the server applies them in that order.
  function enqueue(kind, body, label, baseVersion) {
    var seq = (meta.next_seq || 1);
    // Each photo gets its own upload id: it goes up in chunks before the write that names it.
    if (body.photos) { body.photos = body.photos.map(function (p) { return { name: p.name, data: p.data, upload_id: p.upload_id || uuid(), uploaded: false }; }); }
    var item = { client_id: uuid(), device_seq: seq, kind: kind, base_version: baseVersion || null, body: body, label: label, status: "waiting",
      reason: "", attempts: 0, created_at: Date.now(), updated_at: Date.now() };
    return setMeta("next_seq", seq + 1).then(function () { return WanggeDB.put(db, "queue", item); }).then(function () { return item; });
  }

  function update(item, changes) {
    Object.keys(changes).forEach(function (k) { item[k] = changes[k]; });
    item.updated_at = Date.now();
    return WanggeDB.put(db, "queue", item);
  }

  // MARK: Sync

  function api(method, path, body) {
    return fetch(path, { method: method, credentials: "same-origin", headers: body ? { "Content-Type": "application/json", "Accept": "application/json" } : { "Accept": "application/json" },
      body: body ? JSON.stringify(body) : undefined, redirect: "manual" }).then(function (res) {
      if (res.type === "opaqueredirect" || res.status === 401) { var e = new Error(t("reason.login")); e.login = true; throw e; }
      if (!res.ok) {
        return res.json().catch(function () { return {}; }).then(function (j) {
          var e = new Error((j.error && j.error.message) || t("reason.http", res.status));
          e.status = res.status;
          throw e;
        });
      }
      return res.status === 204 ? null : res.json();
    }, function () { var e = new Error(t("reason.network")); e.network = true; throw e; });
  }

  function register() {
    if (meta.device_id) { return Promise.resolve(); }
    return api("POST", "/api/v1/sync/devices", { label: navigator.userAgent.slice(0, 60), app_version: C.version }).then(function (r) {
      return setMeta("device_id", r.device_id).then(function () { return setMeta("key", r.key); }).then(function () { return setMeta("account", C.account); });
    });
  }

  function push() {
    return queue().then(function (items) {
      var todo = items.filter(function (i) { return ["waiting", "retrying", "uploading", "photos", "held"].indexOf(i.status) >= 0; });
      if (!todo.length) { return; }
      var batch = [], size = 0;
      todo.forEach(function (i) {
        var n = JSON.stringify(i.body).length;
        if (batch.length === 0 || size + n < BATCH_BYTES) { batch.push(i); size += n; }
      });
      return batch.reduce(function (p, i) {
        return p.then(function () { return sendPhotos(i); });
      }, Promise.resolve()).then(function () {
        return Promise.all(batch.map(function (i) { return update(i, { status: "uploading", attempts: (i.attempts || 0) + 1 }); }));
      }).then(refresh).then(function () {
        return api("POST", "/api/v1/sync/push", { version: PROTOCOL, device_id: meta.device_id, app_version: C.version, items: batch.map(function (i) {
          return { client_id: i.client_id, device_seq: i.device_seq, kind: i.kind, base_version: i.base_version, body: named(i.body) };
        }) });
      }).then(function (answer) {
        var byId = {};
        answer.results.forEach(function (r) { byId[r.client_id] = r; });
        return Promise.all(batch.map(function (i) {
          var r = byId[i.client_id];
          if (!r) { return update(i, { status: "retrying", reason: t("reason.no_answer") }); }
          if (r.status === "applied") { return update(i, { status: "done", reason: r.code || "", body: strip(i.body), record_id: r.record_id }); }
          if (r.status === "conflict") { return update(i, { status: "conflict", reason: t("reason.conflict"), body: strip(i.body) }); }
          if (r.status === "held") { return update(i, { status: "held", reason: t("reason.held") }); }
          return update(i, { status: "refused", reason: r.reason || "", field: r.field || "", draft_id: r.draft_id || null });
        })).then(function () { if (batch.length < todo.length) { return push(); } });
      }, function (e) {
        return Promise.all(batch.map(function (i) { return update(i, { status: "retrying", reason: e.message }); })).then(function () { throw e; });
      });
    });
  }

  // The body as sent: photos by their upload id (they went up before).
  function named(body) {
    if (!body.photos) { return body; }
    var copy = JSON.parse(JSON.stringify(body));
    copy.photos = copy.photos.map(function (p) { return { name: p.name, upload_id: p.upload_id }; });
    return copy;
  }

  // Uploads the item's photos that have not fully arrived, 64 KB at a time, each resuming where
  // the server says it stopped (a cut connection costs one chunk, not the photo).
  function sendPhotos(item) {
    var pending = (item.body.photos || []).filter(function (p) { return !p.uploaded; });
    if (!pending.length) { return Promise.resolve(); }
    return update(item, { status: "photos", reason: t("photos_left", pending.length) }).then(refresh).then(function () {
      return pending.reduce(function (p, photo) {
        return p.then(function () { return uploadPhoto(photo); }).then(function () {
          photo.uploaded = true;
          return update(item, { body: item.body });
        });
      }, Promise.resolve());
    }).catch(function (e) {
      return update(item, { status: "retrying", reason: e.message }).then(function () { throw e; });
    });
  }

  function uploadPhoto(photo) {
    var bytes = Uint8Array.from(atob(photo.data), function (c) { return c.charCodeAt(0); });
    var url = "/api/v1/sync/photos/" + photo.upload_id + "?device=" + meta.device_id;
    function step(from) {
      if (from >= bytes.length) { return Promise.resolve(); }
      var chunk = bytes.slice(from, from + 65536);
      return fetch(url + "&offset=" + from + "&total=" + bytes.length, { method: "PUT", credentials: "same-origin", redirect: "manual",
        headers: { "Content-Type": "application/octet-stream", "Accept": "application/json" }, body: chunk }).then(function (res) {
        if (res.type === "opaqueredirect" || res.status === 401) { var e = new Error(t("reason.login")); e.login = true; throw e; }
        if (!res.ok) { throw new Error(t("reason.http", res.status)); }
        return res.json();
      }, function () { var e = new Error(t("reason.network")); e.network = true; throw e; }).then(function (st) {
        if (st.received <= from) { throw new Error(t("reason.http", 409)); }
        return step(st.received);
      });
    }
    return api("GET", url).then(function (st) { return step(st.received); });
  }

  // A sent write keeps its label and status; its photos are no longer needed on the phone.
  function strip(body) {
    if (!body.photos) { return body; }
    var copy = JSON.parse(JSON.stringify(body));
    copy.photos = copy.photos.map(function (p) { return { name: p.name, upload_id: p.upload_id, uploaded: true }; });
    return copy;
  }

  function pull() {
    var cursor = meta.cursor || 0;
    return api("GET", "/api/v1/sync?device=" + meta.device_id + "&cursor=" + cursor).then(function (page) {
      return WanggeDB.run(db, WanggeDB.STORES, "readwrite", function (tx) {
        if (page.full) { WanggeDB.STORES.forEach(function (s) { tx.objectStore(s).clear(); }); }
        page.buildings.forEach(function (r) { tx.objectStore("buildings").put(r); });
        page.households.forEach(function (r) { tx.objectStore("households").put(r); });
        page.residents.forEach(function (r) { tx.objectStore("residents").put(r); });
        page.needs.forEach(function (r) { tx.objectStore("needs").put(r); });
        (page.cases || []).forEach(function (r) { tx.objectStore("cases").put(r); });
        Object.keys(page.removed || {}).forEach(function (kind) {
          var store = { building: "buildings", household: "households", resident: "residents", need: "needs", "case": "cases" }[kind];
          if (store) { page.removed[kind].forEach(function (id) { tx.objectStore(store).delete(id); }); }
        });
      }).then(function () { return setMeta("cursor", page.cursor); }).then(function () { if (page.more) { return pull(); } });
    });
  }

  function sync() {
    if (syncing) { return syncing; }
    var error = null;
    syncing = register().then(push).catch(function (e) { error = e; }).then(function () {
      if (error && (error.network || error.login)) { throw error; }
      return pull();
    }).then(function () {
      return setMeta("last_sync", Date.now()).then(function () { return setMeta("last_error", error ? error.message : ""); });
    }, function (e) {
      return setMeta("last_error", (error || e).message);
    }).then(function () { syncing = null; return refresh(); });
    return syncing;
  }

  // MARK: Photos

  // Redrawn smaller and with less quality until the JPEG is at most 300 KB.
  function shrink(file) {
    return createImageBitmap(file).then(function (image) {
      var side = 1600, quality = 0.8;
      function attempt() {
        var scale = Math.min(1, side / Math.max(image.width, image.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(image.width * scale));
        canvas.height = Math.max(1, Math.round(image.height * scale));
        var g = canvas.getContext("2d");
        g.fillStyle = "#fff";
        g.fillRect(0, 0, canvas.width, canvas.height);
        g.drawImage(image, 0, 0, canvas.width, canvas.height);
        var url = canvas.toDataURL("image/jpeg", quality);
        var bytes = Math.floor((url.length - url.indexOf(",") - 1) * 3 / 4);
        if (bytes <= PHOTO_LIMIT || side < 200) { return { name: file.name.replace(/\.[^.]*$/, "") + ".jpg", data: url.slice(url.indexOf(",") + 1) }; }
        if (quality > 0.5) { quality -= 0.15; } else { side = Math.round(side * 0.75); }
        return attempt();
      }
      return attempt();
    });
  }

  function photosOf(input) {
    return Promise.all(Array.prototype.map.call(input.files || [], shrink));
  }

  // MARK: Drafts

  // What is typed into a form is kept as a draft as it is typed, so a reload, a crash or an app
  // update loses nothing; it is dropped once the record is queued.
  function keepDraft(form, id) {
    WanggeDB.get(db, "drafts", id).then(function (d) {
      if (!d) { return; }
      Object.keys(d.values).forEach(function (name) {
        var el = form.elements[name];
        if (el && el.tagName && el.type !== "file" && el.type !== "checkbox") { el.value = d.values[name]; }
      });
    });
    form.addEventListener("input", function () {
      var values = {};
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.name !== "household" && el.type !== "file" && el.type !== "checkbox" && el.tagName !== "BUTTON") { values[el.name] = el.value; }
      });
      WanggeDB.put(db, "drafts", { id: id, values: values, updated_at: Date.now() });
    });
  }

  function dropDraft(id) {
    return WanggeDB.run(db, ["drafts"], "readwrite", function (tx) { tx.objectStore("drafts").delete(id); });
  }

  // MARK: Views

  function field(label, control, hint) {
    return h("label", {}, [label, control, hint ? h("small", { class: "meta" }, [hint]) : null]);
  }

  function households() { return WanggeDB.all(db, "households"); }

  function residentsOf(householdId) {
    return WanggeDB.all(db, "residents").then(function (rs) { return rs.filter(function (r) { return r.household_id === householdId; }); });
  }

  function statusName(s) { return t("status." + s); }

  function viewToday(box) {
    return households().then(function (list) {
      var due = list.filter(function (x) { return x.status === "due" || x.status === "overdue"; }).sort(function (a, b) {
        return (a.status === b.status ? 0 : a.status === "overdue" ? -1 : 1) || String(a.due_by).localeCompare(String(b.due_by));
      });
      box.appendChild(h("p", { class: "meta" }, [t("copy_counts", list.length, due.length)]));
      if (!list.length) { box.appendChild(h("p", {}, [t("no_copy")])); return; }
      box.appendChild(h("ul", { class: "offline-list" }, due.slice(0, 200).map(function (x) {
        return h("li", {}, [h("button", { type: "button", class: "link", onclick: function () { tab = "visit"; render(x.id); } }, [x.number + (x.room ? " · " + x.room : "")]),
          " ", h("span", { class: "tag " + x.status }, [t("visit_status." + x.status)]), " ", h("small", { class: "meta" }, [t("due_by", x.due_by || "")])]);
      })));
      return WanggeDB.all(db, "cases").then(function (cases) {
        box.appendChild(h("h2", {}, [t("open_cases", cases.length)]));
        box.appendChild(h("ul", { class: "offline-list", id: "open-cases" }, cases.slice(0, 100).map(function (c) {
          return h("li", {}, [c.tracking_code + " · " + c.title, " ", h("small", { class: "meta" }, [t("resolve_by", time(Date.parse(c.resolve_by)))])]);
        })));
      });
    });
  }

  function householdPicker(box, chosen) {
    return households().then(function (list) {
      list.sort(function (a, b) { return a.number.localeCompare(b.number); });
      var select = h("select", { name: "household", id: "visit-household", required: true, onchange: function () { render(select.value); } },
        [h("option", { value: "" }, [t("pick_household")])].concat(list.map(function (x) {
          return h("option", { value: x.id, selected: x.id === chosen }, [x.number + (x.room ? " · " + x.room : "")]);
        })));
      box.appendChild(field(t("household"), select));
      return list.filter(function (x) { return x.id === chosen; })[0];
    });
  }

  function viewVisit(box, chosen) {
    var form = h("form", { class: "card", id: "visit-form" });
    box.appendChild(form);
    return householdPicker(form, chosen).then(function (house) {
      if (!house) { return; }
      return residentsOf(house.id).then(function (people) {
        var seen = h("textarea", { name: "seen", rows: "3", required: true, maxlength: "2000" });
        form.appendChild(field(t("seen"), seen));
        var met = people.map(function (p) { return h("input", { type: "checkbox", value: p.id, name: "met" }); });
        form.appendChild(h("fieldset", {}, [h("legend", {}, [t("met")])].concat(people.map(function (p, i) {
          return h("label", { class: "inline" }, [met[i], " " + p.name + (p.relation ? "（" + nameOf("relations", p.relation) + "）" : "")]);
        }))));
        var edits = people.map(function (p) {
          var phone = h("input", { type: "tel", name: "phone-" + p.id, placeholder: p.phone || "", maxlength: "20" });
          // The tags this role may set, ticked as the copy has them.
          var boxes = (NAMES.tags || []).map(function (tag) {
            return h("input", { type: "checkbox", name: "tags-" + p.id, value: tag.key, checked: (p.tags || []).indexOf(tag.key) >= 0 });
          });
          form.appendChild(h("fieldset", { class: "member" }, [h("legend", {}, [p.name + " · " + (p.id_number || "")]),
            field(t("phone_new"), phone, t("phone_now", p.phone || t("none"))),
            h("div", { class: "tags" }, [h("span", { class: "meta" }, [t("tags")])].concat((NAMES.tags || []).map(function (tag, i) {
              return h("label", { class: "inline" }, [boxes[i], " " + tag.name]);
            })))]));
          return { person: p, phone: phone, tags: boxes };
        });
        var needs = h("textarea", { name: "needs", rows: "2", maxlength: "500" });
        form.appendChild(field(t("needs"), needs, t("needs_hint")));
        var photos = h("input", { type: "file", accept: "image/*", multiple: true, name: "photos" });
        form.appendChild(field(t("photos"), photos));
        form.appendChild(h("button", { type: "submit" }, [t("save_visit")]));
        keepDraft(form, "visit:" + house.id);
        form.addEventListener("submit", function (e) {
          e.preventDefault();
          if (!seen.value.trim()) { seen.focus(); return; }
          photosOf(photos).then(function (shrunk) {
            var body = { household_id: house.id, seen: seen.value.trim(), met: met.filter(function (m) { return m.checked; }).map(function (m) { return m.value; }),
              needs: needs.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean), photos: shrunk, day: today() };
            var label = t("label.visit", house.number);
            // The visit first, then each register change with the values it started from.
            return enqueue("visit", body, label).then(function () {
              return edits.reduce(function (p, ed) {
                return p.then(function () {
                  var changes = [];
                  var newPhone = ed.phone.value.trim();
                  if (newPhone) { changes.push({ field: "phone", base: ed.person.phone || null, mine: newPhone }); }
                  var base = (ed.person.tags || []).slice().sort().join(",");
                  var mine = ed.tags.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }).sort().join(",");
                  if (mine !== base) { changes.push({ field: "tags", base: base, mine: mine }); }
                  if (!changes.length) { return; }
                  return enqueue("resident", { resident_id: ed.person.id, edits: changes }, t("label.resident", ed.person.name), ed.person.v);
                });
              }, Promise.resolve());
            });
          }).then(function () { return dropDraft("visit:" + house.id); }).then(function () { notice(t("queued")); tab = "queue"; render(); sync(); });
        });
      });
    });
  }

  function today() {
    var d = new Date(Date.now() + 8 * 3600 * 1000);
    return d.toISOString().slice(0, 10);
  }

  function viewCase(box) {
    var form = h("form", { class: "card", id: "case-form" });
    var category = h("select", { name: "category", required: true }, [h("option", { value: "" }, [t("pick_category")])].concat(CATEGORIES.map(function (c) {
      return h("option", { value: c.key }, [c.name]);
    })));
    var text = h("textarea", { name: "description", rows: "3", required: true, maxlength: "2000" });
    var address = h("input", { type: "text", name: "address", maxlength: "200" });
    var photos = h("input", { type: "file", accept: "image/*", multiple: true, name: "photos" });
    [field(t("category"), category), field(t("description"), text), field(t("address"), address), field(t("photos"), photos),
      h("button", { type: "submit" }, [t("save_case")])].forEach(function (c) { form.appendChild(c); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      photosOf(photos).then(function (shrunk) {
        return enqueue("case", { category: category.value, description: text.value.trim(), address: address.value.trim() || null, photos: shrunk },
          t("label.case", text.value.trim().slice(0, 12)));
      }).then(function () { return dropDraft("case"); }).then(function () { notice(t("queued")); tab = "queue"; render(); sync(); });
    });
    box.appendChild(form);
    keepDraft(form, "case");
  }

  function viewText(box, kind) {
    var form = h("form", { class: "card", id: kind + "-form" });
    var text = h("textarea", { name: "text", rows: "3", required: true, maxlength: "2000" });
    var extra = h("input", { type: "text", name: kind === "log" ? "place" : "household_number", maxlength: "100" });
    [field(t(kind + ".text"), text), field(t(kind + ".extra"), extra), h("button", { type: "submit" }, [t("save")])].forEach(function (c) { form.appendChild(c); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body = kind === "log" ? { text: text.value.trim(), place: extra.value.trim() || null, day: today() }
        : { text: text.value.trim(), household_number: extra.value.trim() || null };
      enqueue(kind, body, t("label." + kind, body.text.slice(0, 12))).then(function () { return dropDraft(kind); })
        .then(function () { notice(t("queued")); tab = "queue"; render(); sync(); });
    });
    box.appendChild(form);
    keepDraft(form, kind);
    if (kind === "need") {
      return WanggeDB.all(db, "needs").then(function (needs) {
        box.appendChild(h("h2", {}, [t("open_needs", needs.length)]));
        box.appendChild(h("ul", { class: "offline-list" }, needs.map(function (n) { return h("li", {}, [n.text + (n.household_number ? " · " + n.household_number : "")]); })));
      });
    }
  }

  // A refused write comes back into a form of its own: fixed, it is sent again as a new write
  // (new client id and number); the refused one is replaced only once the new one is queued.
  function viewEdit(box, item) {
    var form = h("form", { class: "card", id: "edit-form" });
    var area = h("textarea", { name: "body", rows: "10" }, [JSON.stringify(item.body, null, 1)]);
    var text = item.body.text !== undefined ? "text" : item.body.seen !== undefined ? "seen" : item.body.description !== undefined ? "description" : null;
    var simple = text ? h("textarea", { name: "text", rows: "3" }, [item.body[text]]) : null;
    form.appendChild(h("p", { class: "alert" }, [item.reason]));
    if (simple) { form.appendChild(field(t("edit_text"), simple)); } else { form.appendChild(field(t("edit_body"), area)); }
    form.appendChild(h("button", { type: "submit" }, [t("resend")]));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var body;
      try { body = simple ? Object.assign({}, item.body, (function () { var o = {}; o[text] = simple.value.trim(); return o; }())) : JSON.parse(area.value); } catch (err) { notice(t("bad_json"), true); render(); return; }
      if (item.draft_id) { body.draft_id = item.draft_id; }
      enqueue(item.kind, body, item.label, item.base_version).then(function () {
        return update(item, { status: "replaced", reason: "" });
      }).then(function () { tab = "queue"; render(); sync(); });
    });
    box.appendChild(form);
  }

  function viewQueue(box) {
    return queue().then(function (items) {
      var open = unsent(items);
      box.appendChild(h("p", { class: "meta" }, [t("unsent_count", open.length)]));
      var actions = h("p", { class: "actions" }, [
        h("button", { type: "button", id: "export", onclick: exportQueue }, [t("export")]),
        h("button", { type: "button", id: "logout", class: "secondary", onclick: logout }, [t("logout")]),
        h("a", { href: C.conflicts }, [t("conflicts")])]);
      box.appendChild(actions);
      var storage = h("p", { class: "meta", id: "quota" }, []);
      box.appendChild(storage);
      quota(storage);
      box.appendChild(h("ul", { class: "offline-list queue" }, items.slice().reverse().filter(function (i) { return i.status !== "replaced"; }).slice(0, 300).map(function (i) {
        return h("li", { "data-status": i.status, "data-client": i.client_id }, [
          h("span", { class: "tag " + i.status }, [statusName(i.status)]), " ", i.label, " ",
          h("small", { class: "meta" }, ["#" + i.device_seq + " · " + time(i.updated_at)]),
          i.reason ? h("div", { class: i.status === "refused" ? "alert" : "meta" }, [i.reason]) : null,
          i.status === "refused" ? h("button", { type: "button", class: "secondary", onclick: function () { editing = i; tab = "edit"; render(); } }, [t("edit")]) : null
        ]);
      })));
    });
  }

  var editing = null;

  function quota(el) {
    var parts = [];
    var persisted = navigator.storage && navigator.storage.persisted ? navigator.storage.persisted() : Promise.resolve(null);
    var estimate = navigator.storage && navigator.storage.estimate ? navigator.storage.estimate() : Promise.resolve(null);
    Promise.all([persisted, estimate]).then(function (r) {
      if (r[1]) { parts.push(t("quota", (r[1].usage / 1048576).toFixed(1), (r[1].quota / 1048576).toFixed(0))); }
      parts.push(r[0] ? t("persisted") : t("not_persisted"));
      el.textContent = parts.join(" · ");
    });
  }

  var message = "", messageBad = false;
  function notice(s, bad) { message = s; messageBad = !!bad; }

  // The status line and badge always; the view only where nothing is being typed.
  function refresh() {
    return (tab === "today" || tab === "queue") ? render() : status();
  }

  function status() {
    return queue().then(function (items) {
      var open = unsent(items);
      document.getElementById("badge").textContent = String(open.length);
      document.getElementById("net").textContent = navigator.onLine ? t("online") : t("offline");
      var line = t("last_sync", time(meta.last_sync));
      if (meta.last_error) { line += " · " + meta.last_error; }
      if (syncing) { line += " · " + t("syncing"); }
      document.getElementById("sync-line").textContent = line;
    });
  }

  function render(arg) {
    return status().then(function () {
      Array.prototype.forEach.call(document.querySelectorAll("#tabs button"), function (b) {
        if (b.getAttribute("data-tab") === tab) { b.setAttribute("aria-current", "page"); } else { b.removeAttribute("aria-current"); }
      });
      var box = h("div", { id: "view-" + tab }, message ? [h("p", { class: messageBad ? "alert" : "ok", role: "status" }, [message])] : []);
      message = "";
      messageBad = false;
      root.replaceChildren(box);
      if (tab === "today") { return viewToday(box); }
      if (tab === "visit") { return viewVisit(box, typeof arg === "string" ? arg : null); }
      if (tab === "case") { return viewCase(box); }
      if (tab === "log" || tab === "need") { return viewText(box, tab); }
      if (tab === "edit" && editing) { return viewEdit(box, editing); }
      return viewQueue(box);
    });
  }

  // MARK: Rescue export and log-out

  function hex(buffer) { return Array.prototype.map.call(new Uint8Array(buffer), function (n) { return (n + 256).toString(16).slice(1); }).join(""); }

  // The unsent queue as a file signed with this phone's key: an operator can import it on the
  // server if the phone cannot sync; a changed byte makes the server refuse the whole file.
  function exportQueue() {
    return queue().then(function (items) {
      var open = unsent(items);
      var payload = JSON.stringify({ device_id: meta.device_id, exported_at: new Date().toISOString(), items: open.map(function (i) {
        // A rescue file carries its photos inline: the server it is imported on may never have seen them.
        var body = JSON.parse(JSON.stringify(i.body));
        if (body.photos) { body.photos = body.photos.map(function (p) { return { name: p.name, data: p.data }; }); }
        return { client_id: i.client_id, device_seq: i.device_seq, kind: i.kind, base_version: i.base_version, body: body };
      }) });
      var raw = Uint8Array.from(atob(meta.key), function (c) { return c.charCodeAt(0); });
      return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]).then(function (key) {
        return crypto.subtle.sign("HMAC", key, new TextEncoder().encode(payload));
      }).then(function (sig) {
        var file = JSON.stringify({ format: "wangge-rescue-1", payload: payload, signature: hex(sig) });
        var a = h("a", { href: URL.createObjectURL(new Blob([file], { type: "application/json" })), download: "wangge-rescue-" + today() + ".json" });
        document.body.appendChild(a);
        a.click();
        a.remove();
        return setMeta("exported_through", open.length ? open[open.length - 1].device_seq : 0);
      }).then(function () { notice(t("exported", open.length)); return render(); });
    });
  }

  // Refused while anything is unsent and not exported: a shared phone must not lose the last
  // worker's records. Log-out retires this phone's registration and wipes the local copy.
  function logout() {
    return queue().then(function (items) {
      var open = unsent(items);
      var exported = meta.exported_through || 0;
      if (open.some(function (i) { return i.device_seq > exported; })) { notice(t("logout_refused", open.length), true); return render(); }
      var retire = meta.device_id ? api("POST", "/api/v1/sync/devices/" + meta.device_id + "/retire", {}).catch(function () {}) : Promise.resolve();
      return retire.then(purge).then(function () {
        var form = h("form", { method: "post", action: C.logout }, [h("input", { type: "hidden", name: "_csrf", value: C.csrf })]);
        document.body.appendChild(form);
        form.submit();
      });
    });
  }

  function purge() {
    db.close();
    return new Promise(function (resolve) {
      var req = indexedDB.deleteDatabase(WanggeDB.NAME);
      req.onsuccess = req.onerror = req.onblocked = function () { resolve(); };
    });
  }

  // MARK: Start

  function start() {
    return WanggeDB.open().then(function (d) { db = d; return loadMeta(); }).then(function () {
      if (meta.account && meta.account !== C.account) {
        // Another worker's copy: theirs unsent stays (they log in to send it); a clean one is wiped.
        return queue().then(function (items) {
          if (unsent(items).length) { root.replaceChildren(h("p", { class: "alert" }, [t("other_account", unsent(items).length)])); throw new Error("other account"); }
          return purge().then(WanggeDB.open).then(function (d) { db = d; meta = {}; });
        });
      }
    }).then(function () {
      // A store version that copies more kinds of rows starts the copy afresh (the queue stays).
      if (meta.schema !== WanggeDB.VERSION) { return setMeta("cursor", 0).then(function () { return setMeta("schema", WanggeDB.VERSION); }); }
    }).then(function () {
      if (navigator.storage && navigator.storage.persist) { navigator.storage.persist(); }
      Array.prototype.forEach.call(document.querySelectorAll("#tabs button"), function (b) {
        b.addEventListener("click", function () { tab = b.getAttribute("data-tab"); render(); });
      });
      document.getElementById("sync-now").addEventListener("click", function () { sync(); });
      window.addEventListener("online", function () { sync(); });
      window.addEventListener("offline", function () { status(); });
      document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") { sync(); } });
      setInterval(function () { sync(); }, EVERY);
      if ("serviceWorker" in navigator) {
        navigator.serviceWorker.register("/app/sw.js", { scope: "/app" }).catch(function () {});
        navigator.serviceWorker.addEventListener("message", function (e) {
          if (e.data && e.data.type === "version") { document.body.setAttribute("data-sw-version", e.data.version); }
        });
        if (navigator.serviceWorker.controller) { navigator.serviceWorker.controller.postMessage({ type: "version?" }); }
      }
      document.body.setAttribute("data-ready", "1");
      return render().then(sync);
    });
  }

  window.wanggeOffline = { sync: function () { return sync(); }, queue: function () { return queue(); } };
  start();
}());
