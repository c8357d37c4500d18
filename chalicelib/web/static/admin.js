/* cuocthi organizer pages (/admin): rounds, imports, live dashboard, results. Hash routes, no build step,
   every value shown with textContent. The organizer token lives in sessionStorage under its own key, apart from
   the participant token, and is never put in a URL. */
(function () {
  "use strict";

  var TOKEN_KEY = "cuocthi.admin.token";
  var XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  var app = document.getElementById("app");
  var routeSeq = 0;
  var expired = false; // the session ran out: say so on the login page

  var MESSAGES = {
    bad_credentials: "Tên đăng nhập hoặc mật khẩu không đúng.",
    unauthorized: "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.",
    forbidden: "Tài khoản này không có quyền thực hiện thao tác này.",
    account_disabled: "Tài khoản này đã bị khoá. Vui lòng liên hệ chủ tài khoản quản trị.",
    round_started: "Đợt thi đã bắt đầu: không thể thay đổi quy định (thời điểm mở, số câu, thời gian, số lượt, câu dự đoán) hoặc ngân hàng câu hỏi. Vẫn có thể đổi tên và thời điểm kết thúc.",
    round_closed: "Đợt thi đã kết thúc, không thể thay đổi.",
    round_exists: "Mã đợt thi đã tồn tại, vui lòng chọn mã khác.",
    round_not_found: "Không tìm thấy đợt thi.",
    not_found: "Không tìm thấy.",
    invalid: "Dữ liệu không hợp lệ. Vui lòng kiểm tra lại các trường được đánh dấu.",
    payload_too_large: "Tệp quá lớn (tối đa 1 MiB).",
    unsupported_media_type: "Chỉ nhận tệp CSV hoặc XLSX."
  };
  var STATUS = {scheduled: "Sắp mở", open: "Đang mở", closed: "Đã đóng", finalized: "Đã tổng hợp kết quả", published: "Đã công bố kết quả"};
  var TARGETS = {perfect_participants: "Số người trả lời đúng tất cả các câu", participants: "Số người dự thi",
    submissions: "Số bài thi"};
  var FILES = {ranking: "Bảng xếp hạng cá nhân", units: "Kết quả theo đơn vị", attempts: "Tất cả bài thi"};
  var FIELD_NAMES = {id: "Mã", name: "Tên", text: "Nội dung câu hỏi", answer: "Đáp án", parent_id: "Đơn vị cấp trên",
    kind: "Loại", headcount: "Số CBCCVC", population: "Dân số", options: "Phương án", body: "Tệp"};

  // --- helpers (shared ones in common.js) -----------------------------------------------------------------
  var C = window.CuocThi, el = C.el, svg = C.svg, add = C.add, clear = C.clear, alertBox = C.alertBox, pad = C.pad;
  var fmtInt = C.fmtInt, fmtRate = C.fmtRate, fmtTime = C.fmtTime, message = C.messages(MESSAGES);
  var timers = C.timers(), every = timers.every, stopTimers = timers.stop;
  function render() { C.render(app, [].slice.call(arguments)); }
  function hourLabel(iso) {
    var d = new Date(Date.parse(iso) + 7 * 3600 * 1000);
    return pad(d.getUTCHours()) + " giờ " + pad(d.getUTCDate()) + "/" + pad(d.getUTCMonth() + 1);
  }
  // ISO instant <-> the value of <input type=datetime-local>, read in the contest's time zone.
  var toLocalInput = C.toZoneInput, fromLocalInput = C.fromZoneInput;
  function infoBox(text) { return el("div", {class: "info", role: "status", text: text}); }
  function badge(status, publishedAt) {
    var shown = status === "finalized" && publishedAt ? "published" : status;
    return el("span", {class: "badge " + status, text: STATUS[shown] || status});
  }
  function field(id, label, input, hint) { return C.field(id, label, input, hint, true); }
  function showFieldErrors(form, body) {
    var shown = C.showFieldErrors(form, (body && body.error && body.error.fields) || {});
    if (shown.first) shown.first.focus();
  }
  function table(head, rows, attrs) {
    return el("div", {class: "tablewrap"}, el("table", attrs || null,
      el("thead", null, el("tr", null, head.map(function (h) {
        return el("th", {scope: "col", class: h.num ? "num" : null, text: h.text || h});
      }))),
      el("tbody", null, rows)));
  }

  // --- session and HTTP ----------------------------------------------------------------------------------
  function token() { try { return sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
  function signOut() { sessionStorage.removeItem(TOKEN_KEY); me = null; route(); }
  var api = C.client({
    token: token,
    onUnauthorized: function (t) {
      if (token() !== t) return;
      sessionStorage.removeItem(TOKEN_KEY);
      expired = true;
      setTimeout(route, 0);
    },
    onNetworkError: function () {
      return {status: 0, body: {error: {code: "network", message: "Mất kết nối tới máy chủ, vui lòng thử lại."}}};
    }
  });

  // --- navigation ----------------------------------------------------------------------------------------
  // Pages of other files (admin-*.js) register here: {nav: [[href, label, roles]], match(hash, me) → arguments or
  // null, show(ctx, args)}; they are asked before the pages of this file. Files loaded after this one push too
  // (before the first route, which waits for the contest's time zone).
  var pages = window.CuocThiAdminPages = window.CuocThiAdminPages || [];
  var NAV = [["#/", "Đợt thi", ["owner", "organizer", "viewer"]], ["#/don-vi", "Đơn vị", ["owner", "organizer"]],
    ["#/bang-dieu-khien", "Bảng điều khiển", ["owner", "organizer", "viewer"]]];
  var me = null; // the signed-in account {username, role, unit_id}, from GET /api/admin/me
  function drawNav() {
    var nav = document.getElementById("nav");
    clear(nav);
    if (!token() || !me) return;
    var here = location.hash || "#/";
    var items = NAV.concat.apply(NAV, pages.map(function (p) { return p.nav || []; }));
    items.filter(function (item) { return item[2].indexOf(me.role) >= 0; }).forEach(function (item) {
      add(nav, el("a", {href: item[0], text: item[1], "aria-current": here === item[0] ? "page" : null}));
    });
    add(nav, el("button", {type: "button", text: "Đăng xuất", onclick: signOut}));
  }
  function context() {
    return {api: api, me: me, message: message, table: table, field: field, infoBox: infoBox, seq: routeSeq,
      showFieldErrors: showFieldErrors, render: render, isCurrent: current.bind(null, routeSeq), every: every};
  }
  function route() {
    stopTimers();
    routeSeq++;
    var hash = location.hash.replace(/^#/, "") || "/";
    if (!token()) { me = null; drawNav(); loginPage(); return; }
    if (!me) {
      var seq = routeSeq;
      api("GET", "/api/admin/me").then(function (reply) {
        if (reply.status === 200 && current(seq)) { me = reply.body; route(); }
        else if (reply.status !== 401) render(alertBox(message(reply.body)));
      });
      return;
    }
    drawNav();
    for (var i = 0; i < pages.length; i++) {
      var args = pages[i].match(hash, me);
      if (args) { pages[i].show(context(), args); app.focus({preventScroll: true}); return; }
    }
    var m;
    if (hash === "/") roundsPage();
    else if (hash === "/dot-moi") roundFormPage(null);
    else if ((m = hash.match(/^\/dot\/([a-z0-9-]+)$/))) roundPage(m[1]);
    else if (hash === "/don-vi") unitsPage();
    else if (hash === "/bang-dieu-khien") dashboardPage();
    else render(el("h1", {text: "Không tìm thấy trang"}), el("p", null, el("a", {href: "#/", text: "Về danh sách đợt thi"})));
    app.focus({preventScroll: true});
  }
  function current(seq) { return seq === routeSeq; }

  // --- login ---------------------------------------------------------------------------------------------
  function loginPage() {
    var status = el("div");
    var button = el("button", {type: "submit", class: "btn", text: "Đăng nhập"});
    var form = el("form", {novalidate: true, class: "box narrow"},
      field("username", "Tên đăng nhập", el("input", {type: "text", autocomplete: "username", required: true})),
      field("password", "Mật khẩu", el("input", {type: "password", autocomplete: "current-password", required: true})),
      status, el("div", {class: "actions"}, button));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      clear(status);
      api("POST", "/api/admin/sessions", {username: form.username.value.trim(), password: form.password.value})
        .then(function (reply) {
          button.disabled = false;
          if (reply.status === 200) {
            sessionStorage.setItem(TOKEN_KEY, reply.body.token);
            me = null;
            route();
            return;
          }
          showFieldErrors(form, reply.body);
          add(status, alertBox(message(reply.body)));
        });
    });
    if (expired) { add(status, alertBox(MESSAGES.unauthorized)); expired = false; }
    render(el("h1", {text: "Đăng nhập ban tổ chức"}), form);
    form.username.focus();
  }

  // --- rounds list ---------------------------------------------------------------------------------------
  function roundsPage() {
    var seq = routeSeq;
    var holder = el("div", null, el("p", {class: "muted", text: "Đang tải…"}));
    render(el("h1", {text: "Các đợt thi"}),
      el("div", {class: "actions"}, el("a", {class: "btn", href: "#/dot-moi", text: "Tạo đợt thi mới"})), holder);
    api("GET", "/api/contest").then(function (reply) {
      if (!current(seq)) return;
      clear(holder);
      if (reply.status !== 200) { add(holder, alertBox(message(reply.body))); return; }
      var rounds = reply.body.rounds || [];
      if (!rounds.length) { add(holder, el("p", {class: "muted", text: "Chưa có đợt thi nào."})); return; }
      add(holder, table(["Đợt thi", "Trạng thái", "Mở lúc", "Đóng lúc"], rounds.map(function (r) {
        return el("tr", {"data-round": r.id},
          el("td", null, el("a", {href: "#/dot/" + r.id, class: "strong", text: r.name}), el("div", {class: "muted small", text: r.id})),
          el("td", null, badge(r.status, r.published_at)), el("td", {text: fmtTime(r.opens_at)}), el("td", {text: fmtTime(r.closes_at)}));
      })));
    });
  }

  // --- round form (create and edit) ----------------------------------------------------------------------
  function roundForm(round, onSaved) {
    var isNew = !round;
    var r = round || {questions_per_attempt: 20, time_limit_seconds: 900, grace_seconds: 30, max_attempts: null,
      prediction_target: "perfect_participants"};
    var status = el("div");
    var button = el("button", {type: "submit", class: "btn", text: isNew ? "Tạo đợt thi" : "Lưu thay đổi"});
    var target = el("select", null, Object.keys(TARGETS).map(function (k) {
      return el("option", {value: k, text: TARGETS[k], selected: r.prediction_target === k});
    }));
    var initial = {
      name: r.name || "", opens_at: toLocalInput(r.opens_at), closes_at: toLocalInput(r.closes_at),
      questions_per_attempt: String(r.questions_per_attempt), time_limit_seconds: String(r.time_limit_seconds / 60), // minutes
      max_attempts: r.max_attempts === null || r.max_attempts === undefined ? "" : String(r.max_attempts),
      grace_seconds: String(r.grace_seconds), prediction_question: r.prediction_question || "",
      prediction_target: r.prediction_target || "perfect_participants"
    };
    var form = el("form", {novalidate: true, class: "box", id: "round-form"},
      isNew ? field("id", "Mã đợt thi", el("input", {type: "text", autocomplete: "off", pattern: "[a-z0-9][a-z0-9-]*"}),
        "Chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ dot-1. Để trống để hệ thống tự đặt.") : null,
      field("name", "Tên đợt thi", el("input", {type: "text", value: initial.name, required: true})),
      el("div", {class: "grid2"},
        field("opens_at", "Mở lúc (" + C.zoneLabel() + ")", el("input", {type: "datetime-local", value: initial.opens_at, required: true})),
        field("closes_at", "Đóng lúc (" + C.zoneLabel() + ")", el("input", {type: "datetime-local", value: initial.closes_at, required: true}))),
      el("div", {class: "grid2"},
        field("questions_per_attempt", "Số câu mỗi bài thi", el("input", {type: "number", min: 1, max: 200, value: initial.questions_per_attempt})),
        field("time_limit_seconds", "Thời gian làm bài (phút)", el("input", {type: "number", min: 1, step: "any", value: initial.time_limit_seconds})),
        field("max_attempts", "Số lượt thi tối đa", el("input", {type: "number", min: 1, max: 1000, value: initial.max_attempts}),
          "Để trống nếu không giới hạn."),
        field("grace_seconds", "Thời gian chờ nộp bài trễ (giây)", el("input", {type: "number", min: 0, max: 600, value: initial.grace_seconds}))),
      field("prediction_question", "Câu hỏi dự đoán", el("input", {type: "text", value: initial.prediction_question})),
      field("prediction_target", "Đáp án câu dự đoán là", target),
      status, el("div", {class: "actions"}, button));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(status);
      var values = {};
      Object.keys(initial).forEach(function (name) { values[name] = form.elements[name].value.trim(); });
      var body = {};
      Object.keys(values).forEach(function (name) {
        if (!isNew && values[name] === initial[name]) return; // send only what changed
        var v = values[name];
        if (name === "opens_at" || name === "closes_at") body[name] = fromLocalInput(v);
        else if (name === "max_attempts") body[name] = v === "" ? null : Number(v);
        else if (name === "time_limit_seconds") body[name] = v === "" ? v : Math.round(Number(v) * 60);
        else if (/_attempt$|_seconds$/.test(name)) body[name] = v === "" ? v : Number(v);
        else if (name === "prediction_question" && v === "" && isNew) return;
        else body[name] = v;
      });
      if (isNew && form.elements.id.value.trim()) body.id = form.elements.id.value.trim();
      if (!isNew && !Object.keys(body).length) { add(status, infoBox("Không có thay đổi nào để lưu.")); return; }
      button.disabled = true;
      var request = isNew ? api("POST", "/api/admin/rounds", body) : api("PUT", "/api/admin/rounds/" + round.id, body);
      request.then(function (reply) {
        button.disabled = false;
        showFieldErrors(form, reply.body);
        if (reply.status === 200 || reply.status === 201) { onSaved(reply.body.round); return; }
        add(status, alertBox(message(reply.body)));
        status.querySelector(".alert").setAttribute("tabindex", "-1");
        if (!form.querySelector("[aria-invalid]")) status.querySelector(".alert").focus();
      });
    });
    return form;
  }
  function roundFormPage() {
    render(el("p", null, el("a", {href: "#/", text: "← Các đợt thi"})), el("h1", {text: "Tạo đợt thi mới"}),
      roundForm(null, function (round) { location.hash = "#/dot/" + round.id; }));
  }

  // --- one round: details, edit, question bank, close, results -------------------------------------------
  function roundPage(id) {
    var seq = routeSeq;
    render(el("p", {class: "muted", text: "Đang tải…"}));
    api("GET", "/api/contest").then(function (reply) {
      if (!current(seq)) return;
      var round = reply.status === 200 && (reply.body.rounds || []).filter(function (r) { return r.id === id; })[0];
      if (!round) { render(el("h1", {text: "Đợt thi"}), alertBox(MESSAGES.round_not_found)); return; }
      drawRound(round, null);
    });
  }
  function drawRound(round, notice) {
    var head = el("div", {id: "round-head"});
    function drawHead(r) {
      clear(head);
      add(head, el("h1", null, r.name, " ", badge(r.status, r.published_at)),
        el("p", {class: "muted", text: "Mã " + r.id + " · mở " + fmtTime(r.opens_at) + " · đóng " + fmtTime(r.closes_at)}));
    }
    drawHead(round);
    var editStatus = el("div");
    if (notice) add(editStatus, infoBox(notice));
    var closable = round.status === "scheduled" || round.status === "open";
    var back = el("p", null, el("a", {href: "#/", text: "← Các đợt thi"}));
    var results = el("section", {"aria-labelledby": "h-results"}, el("h2", {id: "h-results", text: "Kết quả"}), resultsBox(round));
    if (!closable) { // closed: nothing left to change, the results come first
      render(back, head, editStatus, results,
        el("p", {class: "muted", text: "Đợt thi đã đóng: không thể thay đổi thông tin, quy định hay câu hỏi."}), sections(round));
      return;
    }
    render(back, head,
      el("section", {"aria-labelledby": "h-edit"}, el("h2", {id: "h-edit", text: "Thông tin và quy định"}), editStatus,
        roundForm(round, function (saved) { drawRound(saved, "Đã lưu thay đổi."); })),
      el("section", {"aria-labelledby": "h-bank"}, el("h2", {id: "h-bank", text: "Ngân hàng câu hỏi"}),
        round.status === "open" ? el("p", {class: "info", text: "Đợt thi đang mở: ngân hàng câu hỏi không thể thay đổi nữa."}) : importForm({
          url: "/api/admin/rounds/" + round.id + "/questions",
          hint: "Tệp CSV hoặc XLSX, dòng đầu là tên cột: text, option_a … option_f (ít nhất 2 phương án), answer (chữ A–F), id (tuỳ chọn). " +
            "Nạp lại sẽ thay toàn bộ ngân hàng câu hỏi; chỉ làm được trước khi đợt thi mở.",
          done: function (body) { return "Đã nhập " + fmtInt(body.count) + " câu hỏi." + (body.warning ? " " + body.warning : ""); }
        })),
      el("section", {"aria-labelledby": "h-close"}, el("h2", {id: "h-close", text: "Đóng đợt thi"}), closeBox(round, drawHead)),
      results, sections(round));
  }
  function closeBox(round, drawHead) {
    var box = el("div", {class: "box", id: "close-box"});
    function initial() {
      clear(box);
      add(box, el("p", {text: "Đóng đợt thi ngay: người dự thi không thể bắt đầu bài mới; bài đang làm được nộp trong thời gian chờ, sau đó hệ thống tổng hợp kết quả."}),
        el("button", {type: "button", class: "btn danger", text: "Đóng đợt thi…", onclick: ask}));
    }
    function ask() {
      clear(box);
      var cancel = el("button", {type: "button", class: "btn secondary", text: "Huỷ", onclick: initial});
      add(box, el("p", {role: "alert", class: "warn", text: "Bạn chắc chắn muốn đóng đợt thi “" + round.name + "” ngay bây giờ? Không thể mở lại."}),
        el("div", {class: "actions"}, el("button", {type: "button", class: "btn danger", text: "Xác nhận đóng", onclick: confirm}), cancel));
      cancel.focus();
    }
    function confirm(event) {
      event.target.disabled = true;
      api("POST", "/api/admin/rounds/" + round.id + "/close").then(function (reply) {
        clear(box);
        if (reply.status === 202) {
          drawHead(reply.body.round);
          add(box, el("p", {role: "status", class: "ok", text: "Đã đóng đợt thi. Kết quả sẽ sẵn sàng sau khi hết thời gian chờ và hệ thống tổng hợp xong."}));
        } else {
          add(box, alertBox(message(reply.body)));
        }
      });
    }
    initial();
    return box;
  }
  function resultsBox(round) {
    var box = el("div", {class: "box", id: "results", "aria-live": "polite"});
    function load() {
      clear(box);
      add(box, el("p", {class: "muted", text: "Đang tải…"}));
      api("GET", "/api/admin/rounds/" + round.id + "/results").then(function (reply) {
        clear(box);
        if (reply.status !== 200) { add(box, alertBox(message(reply.body))); return; }
        var body = reply.body;
        var refresh = el("button", {type: "button", class: "btn secondary", text: body.status === "ready" ? "Làm mới liên kết" : "Kiểm tra lại", onclick: load});
        if (body.status !== "ready") {
          add(box, el("p", null, el("span", {class: "badge scheduled", id: "results-status", text: "Đang chờ"}), " ",
            "Kết quả chưa sẵn sàng: đợt thi cần được đóng, hết thời gian chờ, rồi hệ thống tổng hợp (mỗi phút một lần)."),
            el("div", {class: "actions"}, refresh));
          return;
        }
        var expires = body.files.length ? body.files[0].expires_at : null;
        add(box, el("p", null, el("span", {class: "badge open", id: "results-status", text: "Đã có kết quả"})),
          el("p", {id: "prediction-truth"}, "Đáp án câu dự đoán: ",
            el("strong", {text: body.prediction_truth === null ? "–" : fmtInt(body.prediction_truth)})),
          el("ul", {class: "files"}, body.files.map(function (f) {
            var label = (FILES[f.name] || f.name) + " (" + f.format.toUpperCase() + ")";
            return el("li", null, el("a", {href: f.url, target: "_blank", rel: "noopener noreferrer",
              download: round.id + "-" + f.name + "." + f.format, "data-file": f.name + "." + f.format, text: label}));
          })),
          el("p", {class: "muted small", text: "Liên kết tải có hiệu lực ngắn, hết hạn lúc " + fmtTime(expires) + "."}),
          el("div", {class: "actions"}, refresh));
      });
    }
    load();
    return box;
  }

  // --- imports (CSV or XLSX file, every bad row shown) ---------------------------------------------------
  function fileType(file) {
    var name = (file.name || "").toLowerCase();
    if (/\.xlsx$/.test(name)) return XLSX;
    if (/\.csv$/.test(name)) return "text/csv";
    return null;
  }
  function importForm(options) {
    var status = el("div", {class: "import-status"});
    var button = el("button", {type: "submit", class: "btn", text: "Nhập dữ liệu"});
    var input = el("input", {type: "file", accept: ".csv,.xlsx,text/csv," + XLSX, required: true});
    var form = el("form", {novalidate: true, class: "box import"},
      field("file", "Tệp dữ liệu (CSV hoặc XLSX)", input, options.hint), status, el("div", {class: "actions"}, button));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(status);
      var file = input.files && input.files[0];
      if (!file) { add(status, alertBox("Vui lòng chọn tệp CSV hoặc XLSX.")); return; }
      var type = fileType(file);
      if (!type) { add(status, alertBox("Chỉ nhận tệp .csv hoặc .xlsx.")); return; }
      if (file.size > 1024 * 1024) { add(status, alertBox(MESSAGES.payload_too_large)); return; }
      button.disabled = true;
      add(status, el("p", {class: "muted", text: "Đang gửi tệp " + file.name + "…"}));
      file.arrayBuffer().then(function (bytes) { return api("PUT", options.url, bytes, type); }).then(function (reply) {
        button.disabled = false;
        clear(status);
        if (reply.status === 200) { add(status, el("p", {class: "ok", role: "status", text: options.done(reply.body)})); return; }
        add(status, alertBox(reply.status === 400 ? "Tệp có dữ liệu không hợp lệ, chưa nhập gì. Hãy sửa các dòng dưới đây rồi nhập lại." : message(reply.body)));
        var err = (reply.body && reply.body.error) || {};
        var rows = err.rows;
        if (!rows && err.fields) {
          rows = Object.keys(err.fields).map(function (k) { return {row: 0, field: k, message: err.fields[k]}; });
        }
        if (rows && rows.length) {
          add(status, el("p", {text: "Số dòng lỗi: " + fmtInt(rows.length)}),
            table([{text: "Dòng", num: true}, "Trường", "Lỗi"], rows.map(function (r) {
              return el("tr", null, el("td", {class: "num", text: r.row ? String(r.row) : "Cả tệp"}),
                el("td", {text: FIELD_NAMES[r.field] ? FIELD_NAMES[r.field] + " (" + r.field + ")" : r.field}),
                el("td", {class: "wrap", text: r.message}));
            }), {class: "import-errors", "aria-label": "Các dòng lỗi"}));
        }
      });
    });
    return form;
  }
  function unitsPage() {
    render(el("h1", {text: "Đơn vị"}),
      el("p", {text: "Nhập hoặc cập nhật danh sách đơn vị. Đơn vị đã có (cùng mã) được cập nhật, đơn vị mới được thêm."}),
      importForm({
        url: "/api/admin/units",
        hint: "Tệp CSV hoặc XLSX, dòng đầu là tên cột: id, name, parent_id, kind (agency, district, commune, other), headcount, population.",
        done: function (body) { return "Đã thêm " + fmtInt(body.created) + " và cập nhật " + fmtInt(body.updated) + " đơn vị."; }
      }));
  }

  // --- live dashboard ------------------------------------------------------------------------------------
  function hourly(series) {
    // Every hour from the first with data (at most 48 hours back) to the last, empty hours as 0.
    var HOUR = 3600 * 1000, byHour = {};
    series.forEach(function (d) { byHour[Date.parse(d.hour)] = d.submissions; });
    var times = Object.keys(byHour).map(Number).sort(function (a, b) { return a - b; });
    if (!times.length) return [];
    var last = times[times.length - 1], first = Math.max(times[0], last - 47 * HOUR), out = [];
    for (var t = first; t <= last; t += HOUR) out.push({hour: new Date(t).toISOString(), submissions: byHour[t] || 0});
    return out;
  }
  function barChart(series) {
    var data = hourly(series);
    var w = 720, h = 240, left = 44, bottom = 44, top = 12, right = 8;
    var max = Math.max.apply(null, data.map(function (d) { return d.submissions; }).concat([1]));
    var step = niceStep(max);
    var ymax = Math.ceil(max / step) * step;
    var slot = (w - left - right) / Math.max(data.length, 1);
    var chart = svg("svg", {viewBox: "0 0 " + w + " " + h, class: "chart", role: "img", id: "hour-chart",
      "aria-label": "Số bài thi theo giờ, " + data.length + " giờ, cao nhất " + fmtInt(max) + " bài"});
    for (var y = 0; y <= ymax; y += step) {
      var py = top + (h - top - bottom) * (1 - y / ymax);
      add(chart, svg("line", {x1: left, x2: w - right, y1: py, y2: py, class: "grid"}),
        svg("text", {x: left - 6, y: py + 4, "text-anchor": "end", class: "axis", text: fmtInt(y)}));
    }
    var labelEvery = Math.ceil(data.length / 8);
    data.forEach(function (d, i) {
      var bh = (h - top - bottom) * d.submissions / ymax;
      var x = left + i * slot;
      var bw = Math.min(Math.max(slot * 0.7, 1), 48);
      add(chart, svg("rect", {x: x + (slot - bw) / 2, y: h - bottom - bh, width: bw, height: bh, class: "bar"},
        svg("title", {text: hourLabel(d.hour) + ": " + fmtInt(d.submissions) + " bài"})));
      if (i % labelEvery === 0) {
        add(chart, svg("text", {x: x + slot / 2, y: h - bottom + 16, "text-anchor": "middle", class: "axis",
          text: hourLabel(d.hour).slice(0, 6)}));
      }
    });
    return chart;
  }
  function niceStep(max) {
    var raw = max / 4, mag = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var n = raw / mag;
    return Math.max(1, (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag);
  }
  function dashboardPage() {
    var seq = routeSeq;
    var totals = el("div", {id: "totals", class: "totals"});
    var chartBox = el("div", {class: "box"});
    var unitsBox = el("div");
    var asOf = el("p", {class: "muted small"});
    var select = el("select");
    var names = {};
    var targets = {official_rate: null, citizen_rate: null};
    render(el("h1", {text: "Bảng điều khiển"}), asOf, totals,
      el("h2", {text: "Số bài thi theo giờ"}), chartBox,
      el("h2", {text: "Tham gia theo đơn vị so với chỉ tiêu"}), field("round", "Đợt thi", select), unitsBox);
    select.addEventListener("change", function () { loadUnits(); });
    function loadStats() {
      api("GET", "/api/admin/stats").then(function (reply) {
        if (!current(seq)) return;
        if (reply.status !== 200) { clear(totals); add(totals, alertBox(message(reply.body))); return; }
        var s = reply.body;
        clear(totals); clear(chartBox);
        asOf.textContent = "Cập nhật lúc " + fmtTime(s.as_of) + " · tự làm mới mỗi 30 giây";
        [["Người đăng ký", s.registered], ["Người dự thi", s.participants], ["Bài thi", s.submissions]].forEach(function (t) {
          add(totals, el("div", {class: "total"}, el("div", {class: "num-big", text: fmtInt(t[1])}), el("div", {text: t[0]})));
        });
        var hours = s.submissions_per_hour || [];
        if (!hours.length) add(chartBox, el("p", {class: "muted", text: "Chưa có bài thi nào."}));
        else {
          add(chartBox, barChart(hours), el("details", null, el("summary", {text: "Xem dạng bảng"}),
            table(["Giờ", {text: "Số bài", num: true}], hours.slice().reverse().map(function (d) {
              return el("tr", null, el("td", {text: hourLabel(d.hour)}), el("td", {class: "num", text: fmtInt(d.submissions)}));
            }))));
        }
      });
    }
    function loadUnits() {
      var id = select.value;
      if (!id) return;
      api("GET", "/api/rounds/" + encodeURIComponent(id) + "/units").then(function (reply) {
        if (!current(seq) || select.value !== id) return;
        clear(unitsBox);
        if (reply.status !== 200) { add(unitsBox, alertBox(message(reply.body))); return; }
        var entries = reply.body.entries || [];
        var met = entries.filter(function (e) { return e.meets_targets; }).length;
        add(unitsBox, el("p", {id: "targets-summary", text: "Chỉ tiêu: CBCCVC " + fmtRate(targets.official_rate) + ", nhân dân " +
          fmtRate(targets.citizen_rate) + " · " + fmtInt(met) + "/" + fmtInt(entries.length) + " đơn vị đạt" +
          (reply.body.final ? " · kết quả chính thức" : " · tạm tính lúc " + fmtTime(reply.body.as_of))}));
        if (!entries.length) { add(unitsBox, el("p", {class: "muted", text: "Chưa có dữ liệu."})); return; }
        add(unitsBox, table(["Đơn vị", {text: "Người dự thi", num: true}, {text: "Bài thi", num: true},
          {text: "Tỷ lệ CBCCVC", num: true}, {text: "Tỷ lệ nhân dân", num: true}, "Chỉ tiêu"],
        entries.map(function (e) {
          return el("tr", {"data-unit": e.unit_id},
            el("td", {text: e.name || names[e.unit_id] || e.unit_id}), el("td", {class: "num", text: fmtInt(e.participants)}),
            el("td", {class: "num", text: fmtInt(e.submissions)}),
            el("td", {class: "num " + rateClass(e.official_rate, targets.official_rate), text: fmtRate(e.official_rate)}),
            el("td", {class: "num " + rateClass(e.citizen_rate, targets.citizen_rate), text: fmtRate(e.citizen_rate)}),
            el("td", {class: e.meets_targets ? "ok" : "no", text: e.meets_targets ? "Đạt" : "Chưa đạt"}));
        }), {class: "unit-targets"}));
      });
    }
    function rateClass(rate, target) {
      if (rate === null || rate === undefined || target === null || target === undefined) return "";
      return rate >= target ? "ok" : "no";
    }
    api("GET", "/api/contest").then(function (reply) {
      if (!current(seq) || reply.status !== 200) return;
      targets = reply.body.targets || targets;
      var rounds = reply.body.rounds || [];
      if (!rounds.length) { add(unitsBox, el("p", {class: "muted", text: "Chưa có đợt thi nào."})); return; }
      rounds.forEach(function (r) { add(select, el("option", {value: r.id, text: r.name + " – " + (STATUS[r.status] || r.status)})); });
      var live = rounds.filter(function (r) { return r.status === "open"; })[0];
      select.value = (live || rounds[rounds.length - 1]).id;
      loadUnits();
    });
    loadStats();
    every(30000, function () { loadStats(); loadUnits(); });
  }

  // --- what the other admin-*.js files use: helpers, and roundSections: function (round) → a node added at the end
  // of a round's page (their pages register in window.CuocThiAdminPages, see the navigation above).
  var admin = window.CuocThiAdmin = {
    roundSections: [],
    api: api, message: message, render: render, field: field, table: table, badge: badge, infoBox: infoBox,
    showFieldErrors: showFieldErrors, current: current, toLocalInput: toLocalInput, fromLocalInput: fromLocalInput,
    redraw: route
  };
  function sections(round) { return admin.roundSections.map(function (section) { return section(round); }); }

  window.addEventListener("hashchange", route);
  // Dates are entered and shown in the contest's time zone: learn it first (Vietnam's if the request fails).
  document.addEventListener("DOMContentLoaded", function () {
    api("GET", "/api/contest").then(function (reply) {
      if (reply.status === 200 && reply.body.timezone) C.setTimeZone(reply.body.timezone);
      route();
    });
  });
})();
