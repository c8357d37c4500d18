/* cuocthi helpers shared by the participant pages (app.js) and the organizer pages (admin.js): DOM building,
   form fields and their errors, number and time formatting, timers, error messages and the JSON fetch wrapper. No build step; loaded before
   either bundle and exposed as window.CuocThi. Every value is shown with textContent. */
(function () {
  "use strict";

  var TZ = "Asia/Ho_Chi_Minh"; // the contest's time zone: setTimeZone() once GET /api/contest has said it
  var SVG_NS = "http://www.w3.org/2000/svg";
  var DEFAULT_ERROR = "Đã có lỗi xảy ra, vui lòng thử lại.";

  // --- DOM -----------------------------------------------------------------------------------------------
  // attrs: "text" sets textContent, "class" the class, "onX" adds a listener for X; null/undefined/false are
  // skipped and true gives an empty attribute. Further arguments are children (see add).
  function setAttrs(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "class") node.setAttribute("class", value);
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    });
  }
  function build(node, args) {
    setAttrs(node, args[1]);
    for (var i = 2; i < args.length; i++) add(node, args[i]);
    return node;
  }
  function el(tag) { return build(document.createElement(tag), arguments); }
  function svg(tag) { return build(document.createElementNS(SVG_NS, tag), arguments); }
  // Children: nodes, strings and numbers (as text nodes), arrays of those; null/undefined/false are skipped.
  function add(node, child) {
    if (arguments.length > 2) { for (var k = 1; k < arguments.length; k++) add(node, arguments[k]); return; }
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { add(node, c); }); return; }
    node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  // Replace the content of `container` with the remaining arguments.
  function render(container) {
    clear(container);
    for (var i = 1; i < arguments.length; i++) add(container, arguments[i]);
  }
  function alertBox(text, cls) { return el("div", {class: cls || "alert", role: "alert", text: text}); }
  // A labelled input with an error slot (#err-<id>); `linkHint` also ties the hint to the input for screen readers.
  // Editing the input clears its error.
  function field(id, label, input, hint, linkHint) {
    input.id = "f-" + id;
    input.name = id;
    var err = el("div", {class: "err", id: "err-" + id, "aria-live": "polite"});
    input.setAttribute("aria-describedby", (hint && linkHint ? "hint-" + id + " " : "") + "err-" + id);
    ["input", "change"].forEach(function (type) { input.addEventListener(type, function () { fieldError(input, err, ""); }); });
    return el("div", {class: "field"}, el("label", {for: "f-" + id, text: label}), input,
      !hint ? null : linkHint ? el("div", {class: "hint muted", id: "hint-" + id, text: hint}) : el("div", {class: "muted", text: hint}),
      err);
  }
  function fieldError(input, slot, text) {
    slot.textContent = text;
    if (text) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }
  // Shows `fields` ({name: message}) in the form's error slots, marking each input aria-invalid; clears the others.
  // Returns the first bad input (to focus) and the messages that have no slot in the form.
  function showFieldErrors(form, fields) {
    var first = null, extra = [];
    form.querySelectorAll(".err").forEach(function (slot) {
      var input = form.querySelector("#f-" + CSS.escape(slot.id.slice(4)));
      if (input) fieldError(input, slot, ""); else slot.textContent = "";
    });
    Object.keys(fields || {}).forEach(function (name) {
      var slot = form.querySelector("#err-" + CSS.escape(name)), input = form.querySelector("#f-" + CSS.escape(name));
      if (!slot || !input) { extra.push(fields[name]); return; }
      fieldError(input, slot, fields[name]);
      first = first || input;
    });
    return {first: first, extra: extra};
  }
  // Lower case without diacritics, so "hai dinh" finds "Phường Hải Đình".
  function fold(s) {
    return String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  // --- formatting ----------------------------------------------------------------------------------------
  function fmtInt(n) {
    if (n === null || n === undefined || isNaN(n)) return "–";
    var s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
    return (n < 0 ? "-" : "") + s;
  }
  function fmtRate(r) { return r === null || r === undefined ? "–" : (Math.round(r * 1000) / 10).toString().replace(".", ",") + "%"; }
  function fmtTime(iso) {
    if (!iso) return "–";
    try {
      return new Date(iso).toLocaleString("vi-VN", {timeZone: TZ, hour: "2-digit", minute: "2-digit",
        day: "2-digit", month: "2-digit", year: "numeric"});
    } catch (e) { return iso; }
  }
  function pad(x) { return (x < 10 ? "0" : "") + x; }
  // A wait in seconds as people say it: "45 giây", "3 phút", "1 giờ 5 phút".
  function fmtWait(seconds) {
    var s = Math.max(1, Math.ceil(Number(seconds) || 0));
    if (s < 60) return s + " giây";
    var m = Math.ceil(s / 60);
    return m < 60 ? m + " phút" : Math.floor(m / 60) + " giờ" + (m % 60 ? " " + (m % 60) + " phút" : "");
  }
  // The wait a 429 answer asks for (its Retry-After header, in seconds), as text; null without one.
  function retryWait(reply) {
    var header = reply && reply.headers && reply.headers.get("Retry-After");
    return header && /^\d+$/.test(header) ? fmtWait(parseInt(header, 10)) : null;
  }

  // --- the contest's time zone ----------------------------------------------------------------------------
  function setTimeZone(tz) {
    try { new Intl.DateTimeFormat("en-US", {timeZone: tz}); TZ = tz; window.CuocThi.TZ = tz; } catch (e) { /* keep */ }
  }
  function zoneLabel() { return TZ === "Asia/Ho_Chi_Minh" || TZ === "Asia/Saigon" ? "giờ Việt Nam" : "múi giờ " + TZ; }
  // Minutes the zone is ahead of UTC at the instant `ms`.
  function offsetAt(ms) {
    var v = {};
    new Intl.DateTimeFormat("en-US", {timeZone: TZ, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit"}).formatToParts(new Date(ms)).forEach(function (p) { v[p.type] = p.value; });
    var wall = Date.UTC(+v.year, +v.month - 1, +v.day, +v.hour % 24, +v.minute, +v.second);
    return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60000);
  }
  // ISO instant <-> the value of <input type=datetime-local>, read in the contest's time zone.
  function toZoneInput(iso) {
    if (!iso) return "";
    var ms = Date.parse(iso);
    return new Date(ms + offsetAt(ms) * 60000).toISOString().slice(0, 16);
  }
  function fromZoneInput(value) {
    if (!value) return "";
    var wall = Date.parse(value + ":00Z"), offset = offsetAt(wall - offsetAt(wall) * 60000), a = Math.abs(offset);
    return value + ":00" + (offset < 0 ? "-" : "+") + pad(Math.floor(a / 60)) + ":" + pad(a % 60);
  }

  // --- timers --------------------------------------------------------------------------------------------
  // Timers that belong to the current page; stop() clears them all when the route changes.
  function timers() {
    var ids = [];
    return {
      every: function (ms, fn) { var id = setInterval(fn, ms); ids.push(id); return id; },
      later: function (ms, fn) { var id = setTimeout(fn, ms); ids.push(id); return id; },
      stop: function () { ids.forEach(function (id) { clearInterval(id); clearTimeout(id); }); ids = []; }
    };
  }

  // --- errors and HTTP -----------------------------------------------------------------------------------
  // message(body, fallback): the text for an API error body, from `texts` by error code, else the server's message.
  function messages(texts) {
    return function (body, fallback) {
      var code = body && body.error && body.error.code;
      return texts[code] || (body && body.error && body.error.message) || fallback || DEFAULT_ERROR;
    };
  }
  // api(method, path, body, contentType) → Promise of {status, body (parsed JSON or null), headers}. A body is sent as JSON,
  // or as is when contentType is given. opts.token() gives the bearer token; opts.onResponse(response) sees every
  // response; opts.onUnauthorized(token, path) runs on a 401 to a request that carried a token;
  // opts.onNetworkError() gives the result (or throws) when the request could not be made.
  // A random id for this browser, kept in localStorage and sent as X-Device-Id (the shared_device signal; the
  // server stores only a keyed hash of it).
  function deviceId() {
    var id = null;
    try { id = localStorage.getItem("cuocthi.device"); } catch (e) { id = null; }
    if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { localStorage.setItem("cuocthi.device", id); } catch (e) { /* private mode: one id per page load */ }
    }
    return id;
  }

  function client(opts) {
    function send(method, path, headers, payload, read) {
      headers["X-Device-Id"] = deviceId();
      var t = opts.token();
      if (t) headers["Authorization"] = "Bearer " + t;
      return fetch(path, {method: method, headers: headers, cache: "no-store", body: payload})
        .then(function (response) {
          if (opts.onResponse) opts.onResponse(response);
          return read(response).then(function (parsed) {
            if (response.status === 401 && t && opts.onUnauthorized) opts.onUnauthorized(t, path);
            return {status: response.status, body: parsed, headers: response.headers,
                    retryAfter: Number(response.headers.get("Retry-After")) || 0};
          });
        }, opts.onNetworkError);
    }
    function json(response) {
      return response.text().then(function (text) {
        try { return text ? JSON.parse(text) : null; } catch (e) { return null; }
      });
    }
    function api(method, path, body, contentType) {
      var headers = {"Accept": "application/json"};
      var payload;
      if (contentType) { headers["Content-Type"] = contentType; payload = body; }
      else if (body !== undefined) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
      return send(method, path, headers, payload, json);
    }
    // api.download(path, filename, type): GETs a file with the session's token (a plain link cannot carry it) and
    // saves it as `filename` through a temporary Blob URL. Same answer as api(); `body` is the JSON error when the
    // status is not 200, else null.
    api.download = function (path, filename, type) {
      return send("GET", path, {"Accept": type + ", application/json"}, undefined, function (response) {
        if (response.status !== 200) return json(response);
        return response.blob().then(function (blob) {
          var url = URL.createObjectURL(blob), link = el("a", {href: url, download: filename, hidden: true});
          document.body.appendChild(link);
          link.click();
          document.body.removeChild(link);
          setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
          return null;
        });
      });
    };
    return api;
  }

  // Page modules (account.js, info.js) are loaded before app.js and register here; app.js calls each one with
  // its context (the API client, the session, the router) before it draws the first page.
  var modules = [];
  function module(setup) { modules.push(setup); }

  window.CuocThi = {
    modules: modules, module: module, fmtWait: fmtWait, retryWait: retryWait,
    TZ: TZ, el: el, svg: svg, add: add, clear: clear, render: render, alertBox: alertBox, field: field,
    showFieldErrors: showFieldErrors, fold: fold, fmtInt: fmtInt, fmtRate: fmtRate, fmtTime: fmtTime, pad: pad, timers: timers, messages: messages, client: client,
    setTimeZone: setTimeZone, zoneLabel: zoneLabel, toZoneInput: toZoneInput, fromZoneInput: fromZoneInput
  };
})();
