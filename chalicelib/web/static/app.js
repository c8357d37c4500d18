/* cuocthi participant pages: one page, hash routes, no build step. All data is shown with textContent. */
(function () {
  "use strict";

  var TOKEN_KEY = "cuocthi.token";
  var USER_KEY = "cuocthi.participant";
  var ANSWERS_PREFIX = "cuocthi.answers.";
  var TZ = "Asia/Ho_Chi_Minh";
  var app = document.getElementById("app");
  var routeSeq = 0;
  var clockSkew = 0; // server time − local time, in ms (from the Date header)

  var REFUSALS = {
    round_not_open: "Đợt thi chưa mở hoặc đã kết thúc, hiện không thể làm bài.",
    attempt_limit_reached: "Bạn đã dùng hết số lượt thi của đợt này.",
    already_submitted: "Bài thi này đã được nộp trước đó; không thể nộp lại với câu trả lời khác.",
    deadline_passed: "Đã quá thời hạn nộp bài; bài thi này không được chấp nhận.",
    invalid: "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra lại.",
    round_not_found: "Không tìm thấy đợt thi.",
    not_found: "Không tìm thấy.",
    unauthorized: "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.",
    bad_credentials: "Số điện thoại hoặc mật khẩu không đúng.",
    too_many_attempts: "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
    phone_taken: "Số điện thoại này đã được đăng ký.",
    id_number_taken: "Số CCCD này đã được đăng ký.",
    payload_too_large: "Dữ liệu gửi lên quá lớn.",
    attempt_conflict: "Hệ thống đang bận, vui lòng tải lại trang để thử lại."
  };
  var STATUS = {scheduled: "Sắp mở", open: "Đang mở", closed: "Đã kết thúc", finalized: "Đã công bố kết quả"};
  var ATTEMPT_STATUS = {in_progress: "Đang làm", submitted: "Đã nộp", expired: "Quá hạn, không được tính"};
  var CATEGORY = {official: "Cán bộ, công chức, viên chức, người lao động", citizen: "Nhân dân"};
  var CATEGORY_SHORT = {official: "CBCCVC", citizen: "Nhân dân"};

  // --- small helpers (shared ones in common.js) ------------------------------------------------------------
  var C = window.CuocThi, el = C.el, add = C.add, clear = C.clear, alertBox = C.alertBox, pad = C.pad;
  var fmtInt = C.fmtInt, fmtRate = C.fmtRate, fmtTime = C.fmtTime, message = C.messages(REFUSALS);
  var timers = C.timers(), every = timers.every, later = timers.later, stopTimers = timers.stop;
  function render() { C.render(app, [].slice.call(arguments)); }
  function fmtDuration(ms) {
    if (ms === null || ms === undefined) return "–";
    var s = Math.floor(ms / 1000), m = Math.floor(s / 60);
    return m + " phút " + (s % 60) + " giây";
  }
  function fmtLeft(ms) {
    if (ms < 0) ms = 0;
    var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
      m = Math.floor(s % 3600 / 60), sec = s % 60;
    return (d ? d + " ngày " : "") + pad(h) + ":" + pad(m) + ":" + pad(sec);
  }
  function now() { return Date.now() + clockSkew; }

  // --- session -------------------------------------------------------------------------------------------
  function token() { try { return localStorage.getItem(TOKEN_KEY) || sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
  function user() { try { return JSON.parse(localStorage.getItem(USER_KEY) || "null"); } catch (e) { return null; } }
  function signIn(reply) {
    localStorage.setItem(TOKEN_KEY, reply.token);
    localStorage.setItem(USER_KEY, JSON.stringify({full_name: reply.participant.full_name, id: reply.participant.id}));
  }
  function signOut() {
    localStorage.removeItem(TOKEN_KEY); localStorage.removeItem(USER_KEY); sessionStorage.removeItem(TOKEN_KEY);
    drawNav(); location.hash = "#/";
  }

  // --- HTTP ----------------------------------------------------------------------------------------------
  function NetworkError() { this.name = "NetworkError"; }
  var api = C.client({
    token: token,
    onResponse: function (response) {
      var date = Date.parse(response.headers.get("Date") || "");
      if (!isNaN(date) && Math.abs(date - Date.now()) > 3000) clockSkew = date - Date.now();
    },
    onUnauthorized: function (t, path) {
      if (path.indexOf("/api/sessions") !== 0) { localStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(TOKEN_KEY); drawNav(); }
    },
    onNetworkError: function () { throw new NetworkError(); }
  });

  // --- navigation ----------------------------------------------------------------------------------------
  function drawNav() {
    var nav = document.getElementById("nav");
    clear(nav);
    add(nav, el("a", {href: "#/", text: "Trang chủ"}));
    if (token()) {
      var u = user();
      add(nav, el("a", {href: "#/bai-thi-cua-toi", text: "Bài thi của tôi"}));
      add(nav, el("span", {text: u && u.full_name ? "Xin chào, " + u.full_name : "Đã đăng nhập"}));
      add(nav, el("button", {type: "button", text: "Đăng xuất", onclick: signOut}));
    } else {
      add(nav, el("a", {href: "#/dang-ky", text: "Đăng ký"}));
      add(nav, el("a", {href: "#/dang-nhap", text: "Đăng nhập"}));
    }
  }

  var routes = [
    [/^\/?$/, home],
    [/^\/dang-ky$/, register],
    [/^\/dang-nhap$/, login],
    [/^\/thi\/([^/]+)$/, exam],
    [/^\/ket-qua\/([^/]+)$/, result],
    [/^\/bai-thi-cua-toi$/, myAttempts],
    [/^\/xep-hang\/([^/]+)$/, leaderboard],
    [/^\/don-vi\/([^/]+)$/, unitTable]
  ];
  function route() {
    stopTimers();
    routeSeq++;
    drawNav();
    var path = (location.hash || "#/").slice(1).split("?")[0];
    for (var i = 0; i < routes.length; i++) {
      var m = path.match(routes[i][0]);
      if (m) {
        var args = m.slice(1).map(function (x) { try { return decodeURIComponent(x); } catch (e) { return x; } });
        routes[i][1].apply(null, args);
        window.scrollTo(0, 0);
        return;
      }
    }
    render(el("h1", {text: "Không tìm thấy trang"}), el("a", {href: "#/", text: "Về trang chủ"}));
  }
  function current(seq) { return seq === routeSeq; }
  function failed(err) {
    render(alertBox(err instanceof NetworkError ? "Không kết nối được máy chủ. Vui lòng kiểm tra mạng và tải lại trang."
      : "Đã có lỗi xảy ra, vui lòng thử lại."), el("a", {href: "#/", text: "Về trang chủ"}));
  }
  function enc(s) { return encodeURIComponent(s); }

  // --- home ----------------------------------------------------------------------------------------------
  function statsText(s) {
    return fmtInt(s.registered) + " người đăng ký, " + fmtInt(s.participants) + " người dự thi, " +
      fmtInt(s.submissions) + " bài thi";
  }
  function home() {
    var seq = routeSeq;
    var statsLine = el("p", {class: "stats", id: "stats", "aria-live": "polite", text: "Đang cập nhật số liệu…"});
    function loadStats() {
      api("GET", "/api/stats").then(function (r) {
        if (r.status === 200 && r.body) statsLine.textContent = statsText(r.body);
      }, function () {});
    }
    api("GET", "/api/contest").then(function (r) {
      if (!current(seq)) return;
      if (r.status !== 200) return render(alertBox(message(r.body)));
      var c = r.body;
      document.title = c.name;
      var countdowns = [], mineSlots = {};
      var list = el("ul", {class: "rounds"});
      (c.rounds || []).forEach(function (round) {
        var cd = el("span", {class: "countdown"});
        var mine = el("div", {class: "mine", "aria-live": "polite"});
        countdowns.push([cd, round]);
        mineSlots[round.id] = {node: mine, round: round};
        var actions = el("div", {class: "actions"});
        if (round.status === "open") add(actions, el("a", {class: "btn", href: "#/thi/" + enc(round.id), text: "Vào thi"}));
        add(actions, el("a", {class: "btn secondary", href: "#/xep-hang/" + enc(round.id), text: "Bảng xếp hạng"}));
        add(actions, el("a", {class: "btn secondary", href: "#/don-vi/" + enc(round.id), text: "Kết quả theo đơn vị"}));
        add(list, el("li", {class: "card round", "data-round": round.id},
          el("h3", null, round.name + " ", el("span", {class: "badge " + round.status, text: STATUS[round.status] || round.status})),
          el("div", {class: "muted", text: "Từ " + fmtTime(round.opens_at) + " đến " + fmtTime(round.closes_at)}),
          el("div", {text: round.questions_per_attempt + " câu hỏi, " + Math.round(round.time_limit_seconds / 60) +
            " phút mỗi lượt" + (round.max_attempts ? ", tối đa " + round.max_attempts + " lượt" : "")}),
          cd, mine, actions));
      });
      function tick() {
        countdowns.forEach(function (pair) {
          var round = pair[1], t = now(), opens = Date.parse(round.opens_at), closes = Date.parse(round.closes_at);
          if (t < opens) pair[0].textContent = "Mở sau " + fmtLeft(opens - t);
          else if (t < closes && round.status !== "closed" && round.status !== "finalized")
            pair[0].textContent = "Đóng sau " + fmtLeft(closes - t);
          else pair[0].textContent = "";
        });
      }
      tick();
      every(1000, tick);
      render(el("h1", {text: c.name}), el("p", {text: c.description}), statsLine,
        token() ? null : el("p", {class: "info"}, "Chưa có tài khoản? ", el("a", {href: "#/dang-ky", text: "Đăng ký dự thi"}),
          " hoặc ", el("a", {href: "#/dang-nhap", text: "đăng nhập"}), "."),
        el("h2", {text: "Các đợt thi"}),
        (c.rounds || []).length ? list : el("p", {class: "muted", text: "Chưa có đợt thi nào."}));
      loadStats();
      every(30000, loadStats);
      if (token()) loadMine(seq, mineSlots);
    }, function (e) { if (current(seq)) failed(e); });
  }

  function loadMine(seq, slots) {
    api("GET", "/api/me").then(function (r) {
      if (!current(seq) || r.status !== 200 || !r.body) return;
      (r.body.rounds || []).forEach(function (mine) {
        var slot = slots[mine.round_id];
        if (!slot) return;
        var limit = slot.round.max_attempts;
        clear(slot.node);
        add(slot.node, el("span", {text: "Bạn đã dùng " + mine.attempts_used + (limit ? "/" + limit : "") + " lượt thi"}),
          mine.best ? el("span", {text: ", tốt nhất " + mine.best.correct + "/" + mine.best.total + " câu đúng"}) : null, ".");
        if (mine.attempt_in_progress && slot.round.status === "open") {
          add(slot.node, " ", el("a", {href: "#/thi/" + enc(mine.round_id), text: "Tiếp tục bài đang làm"}));
        }
      });
    }, function () {});
  }

  // --- forms ---------------------------------------------------------------------------------------------
  var field = C.field;
  function showFieldErrors(form, fields) {
    form.querySelectorAll(".err").forEach(function (e) { e.textContent = ""; });
    var extra = [];
    Object.keys(fields || {}).forEach(function (name) {
      var slot = form.querySelector("#err-" + CSS.escape(name));
      if (slot) slot.textContent = fields[name]; else extra.push(name + ": " + fields[name]);
    });
    return extra;
  }

  function unitPicker(units) {
    var byParent = {}, byId = {};
    units.forEach(function (u) { byId[u.id] = u; (byParent[u.parent_id || ""] = byParent[u.parent_id || ""] || []).push(u); });
    Object.keys(byParent).forEach(function (k) { byParent[k].sort(function (a, b) { return a.name.localeCompare(b.name, "vi"); }); });
    var ordered = [];
    (function walk(parent, depth, seen) {
      (byParent[parent] || []).forEach(function (u) {
        if (seen[u.id]) return;
        seen[u.id] = true;
        ordered.push({unit: u, depth: depth});
        walk(u.id, depth + 1, seen);
      });
    })("", 0, {});
    units.forEach(function (u) { if (!ordered.some(function (o) { return o.unit.id === u.id; })) ordered.push({unit: u, depth: 0}); });
    function path(u) {
      var names = [], guard = 0;
      while (u && guard++ < 20) { names.unshift(u.name); u = byId[u.parent_id]; }
      return names.join(" › ");
    }
    function fold(s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase(); }
    var hidden = el("input", {type: "hidden", value: ""});
    var search = el("input", {type: "search", placeholder: "Gõ để tìm đơn vị (ví dụ: Đồng Hới)", autocomplete: "off",
      role: "combobox", "aria-controls": "unit-list", "aria-expanded": "true"});
    var list = el("ul", {class: "unitlist", id: "unit-list", role: "listbox", "aria-label": "Danh sách đơn vị"});
    var chosen = el("div", {class: "unitchosen", "aria-live": "polite", text: "Chưa chọn đơn vị."});
    function choose(u) {
      hidden.value = u.id;
      chosen.textContent = "Đã chọn: " + path(u);
      draw();
    }
    function draw() {
      clear(list);
      var q = fold(search.value.trim());
      ordered.forEach(function (o) {
        if (q && fold(path(o.unit)).indexOf(q) < 0) return;
        var li = el("li", {role: "option", "data-unit": o.unit.id, "aria-selected": hidden.value === o.unit.id ? "true" : "false",
          tabindex: "0", onclick: function () { choose(o.unit); },
          onkeydown: function (ev) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); choose(o.unit); } }});
        li.style.paddingLeft = (0.5 + o.depth * 1.25) + "rem";
        li.textContent = (o.depth ? "└ " : "") + o.unit.name;
        add(list, li);
      });
      if (!list.firstChild) add(list, el("li", {class: "muted", text: "Không tìm thấy đơn vị phù hợp."}));
    }
    search.addEventListener("input", draw);
    draw();
    return {search: search, hidden: hidden, box: el("div", null, search, list, chosen)};
  }

  function register() {
    var seq = routeSeq;
    api("GET", "/api/units").then(function (r) {
      if (!current(seq)) return;
      if (r.status !== 200) return render(alertBox(message(r.body)));
      var picker = unitPicker(r.body.units || []);
      var inputs = {
        full_name: el("input", {type: "text", autocomplete: "name", maxlength: "100", required: true}),
        phone: el("input", {type: "tel", autocomplete: "tel", inputmode: "tel", required: true}),
        password: el("input", {type: "password", autocomplete: "new-password", minlength: "8", maxlength: "128", required: true}),
        category: el("select", {required: true}, el("option", {value: "", text: "— Chọn đối tượng —"}),
          el("option", {value: "official", text: CATEGORY.official}), el("option", {value: "citizen", text: CATEGORY.citizen})),
        birth_year: el("input", {type: "number", inputmode: "numeric", min: "1900", max: "2030"}),
        id_number: el("input", {type: "text", inputmode: "numeric", maxlength: "12"}),
        email: el("input", {type: "email", autocomplete: "email"})
      };
      var top = el("div");
      var button = el("button", {class: "btn", type: "submit", text: "Đăng ký"});
      var unitField = field("unit_id", "Đơn vị công tác / nơi cư trú", picker.search);
      unitField.insertBefore(picker.box, unitField.querySelector(".err"));
      var form = el("form", {novalidate: true},
        field("full_name", "Họ và tên", inputs.full_name),
        field("phone", "Số điện thoại (dùng để đăng nhập)", inputs.phone),
        field("password", "Mật khẩu", inputs.password, "Từ 8 đến 128 ký tự."),
        field("category", "Đối tượng", inputs.category),
        unitField,
        field("birth_year", "Năm sinh (không bắt buộc)", inputs.birth_year),
        field("id_number", "Số CCCD (không bắt buộc, 12 chữ số)", inputs.id_number),
        field("email", "Email (không bắt buộc)", inputs.email),
        top, button);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var body = {full_name: inputs.full_name.value, phone: inputs.phone.value.trim(), password: inputs.password.value,
          unit_id: picker.hidden.value, category: inputs.category.value};
        if (inputs.birth_year.value) body.birth_year = parseInt(inputs.birth_year.value, 10);
        if (inputs.id_number.value.trim()) body.id_number = inputs.id_number.value.trim();
        if (inputs.email.value.trim()) body.email = inputs.email.value.trim();
        clear(top);
        button.disabled = true;
        api("POST", "/api/participants", body).then(function (res) {
          button.disabled = false;
          if (res.status === 201) { signIn(res.body); location.hash = "#/"; return; }
          var err = (res.body && res.body.error) || {};
          var fields = err.fields || {};
          if (err.code === "phone_taken") fields = {phone: REFUSALS.phone_taken};
          if (err.code === "id_number_taken") fields = {id_number: REFUSALS.id_number_taken};
          var extra = showFieldErrors(form, fields);
          add(top, alertBox(Object.keys(fields).length ? "Vui lòng sửa các trường được đánh dấu." + (extra.length ? " " + extra.join("; ") : "")
            : message(res.body)));
          var firstBad = form.querySelector(".err:not(:empty)");
          if (firstBad) firstBad.parentNode.querySelector("input,select").focus();
        }, function (e) {
          button.disabled = false;
          add(top, alertBox(e instanceof NetworkError ? "Không kết nối được máy chủ, vui lòng thử lại." : "Đã có lỗi xảy ra."));
        });
      });
      render(el("h1", {text: "Đăng ký dự thi"}), form,
        el("p", null, "Đã có tài khoản? ", el("a", {href: "#/dang-nhap", text: "Đăng nhập"})));
    }, function (e) { if (current(seq)) failed(e); });
  }

  function login() {
    var phone = el("input", {type: "tel", autocomplete: "username", inputmode: "tel", required: true});
    var password = el("input", {type: "password", autocomplete: "current-password", required: true});
    var remember = el("input", {type: "checkbox", id: "f-remember", checked: true});
    var top = el("div");
    var button = el("button", {class: "btn", type: "submit", text: "Đăng nhập"});
    var form = el("form", {novalidate: true}, field("phone", "Số điện thoại", phone), field("password", "Mật khẩu", password),
      el("div", {class: "field"}, el("label", {class: "option", for: "f-remember"}, remember, "Ghi nhớ trên máy này")),
      top, button);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      clear(top);
      button.disabled = true;
      api("POST", "/api/sessions", {phone: phone.value.trim(), password: password.value}).then(function (res) {
        button.disabled = false;
        if (res.status === 200) {
          signIn(res.body);
          if (!remember.checked) { sessionStorage.setItem(TOKEN_KEY, res.body.token); localStorage.removeItem(TOKEN_KEY); }
          var back = sessionStorage.getItem("cuocthi.after_login");
          sessionStorage.removeItem("cuocthi.after_login");
          location.hash = back || "#/";
          return;
        }
        showFieldErrors(form, (res.body && res.body.error && res.body.error.fields) || {});
        add(top, alertBox(message(res.body)));
      }, function () { button.disabled = false; add(top, alertBox("Không kết nối được máy chủ, vui lòng thử lại.")); });
    });
    render(el("h1", {text: "Đăng nhập"}), form, el("p", null, "Chưa có tài khoản? ", el("a", {href: "#/dang-ky", text: "Đăng ký"})));
  }

  function needLogin() {
    sessionStorage.setItem("cuocthi.after_login", location.hash);
    render(el("h1", {text: "Cần đăng nhập"}), el("p", {text: "Bạn cần đăng nhập để làm bài thi."}),
      el("div", {class: "actions"}, el("a", {class: "btn", href: "#/dang-nhap", text: "Đăng nhập"}),
        el("a", {class: "btn secondary", href: "#/dang-ky", text: "Đăng ký"})));
  }

  // --- the test ------------------------------------------------------------------------------------------
  function loadSaved(id) { try { return JSON.parse(localStorage.getItem(ANSWERS_PREFIX + id) || "null") || {answers: {}}; } catch (e) { return {answers: {}}; } }
  function save(id, state) { try { localStorage.setItem(ANSWERS_PREFIX + id, JSON.stringify(state)); } catch (e) { /* storage full */ } }

  function exam(roundId) {
    var seq = routeSeq;
    if (!token()) return needLogin();
    render(el("p", {class: "muted", text: "Đang chuẩn bị bài thi…"}));
    api("POST", "/api/rounds/" + enc(roundId) + "/attempts").then(function (r) {
      if (!current(seq)) return;
      if (r.status === 401) return needLogin();
      if (r.status !== 200 && r.status !== 201) {
        return render(el("h1", {text: "Không thể bắt đầu bài thi"}), alertBox(message(r.body)),
          el("div", {class: "actions"}, el("a", {class: "btn secondary", href: "#/", text: "Về trang chủ"})));
      }
      var attempt = r.body.attempt;
      if (attempt.status === "submitted") { location.hash = "#/ket-qua/" + enc(attempt.id); return; }
      showExam(attempt, seq);
    }, function (e) { if (current(seq)) failed(e); });
  }

  function showExam(attempt, seq) {
    var state = loadSaved(attempt.id);
    state.answers = state.answers || {};
    var deadline = Date.parse(attempt.deadline);
    var submitting = false, warned = false;
    var timeLeft = el("span", {class: "countdown", id: "time-left"});
    var answered = el("span", {id: "answered"});
    var timer = el("div", {class: "timer", role: "timer"}, el("span", null, "Thời gian còn lại: ", timeLeft), answered);
    var status = el("div", {"aria-live": "assertive"});
    var button = el("button", {class: "btn", type: "submit", id: "submit", text: "Nộp bài"});
    var form = el("form", {novalidate: true, id: "exam"});
    function countAnswered() {
      var n = attempt.questions.filter(function (q) { return state.answers[q.id]; }).length;
      answered.textContent = "Đã trả lời " + n + "/" + attempt.questions.length + " câu";
      return n;
    }
    attempt.questions.forEach(function (q, i) {
      var fs = el("fieldset", null, el("legend", null, el("span", {text: "Câu " + (i + 1) + ". "}), el("span", {class: "qtext", text: q.text})));
      q.options.forEach(function (o, j) {
        var id = "q" + i + "o" + j;
        var input = el("input", {type: "radio", name: "q" + i, id: id, value: o.id, "data-question": q.id,
          checked: state.answers[q.id] === o.id});
        input.addEventListener("change", function () {
          state.answers[q.id] = o.id;
          save(attempt.id, state);
          countAnswered();
          warned = false;
        });
        add(fs, el("label", {class: "option", for: id}, input, el("span", {text: o.text})));
      });
      add(form, el("div", {class: "question", "data-question": q.id}, fs));
    });
    var prediction = null;
    if (attempt.prediction_question) {
      prediction = el("input", {type: "number", min: "0", step: "1", inputmode: "numeric",
        value: state.prediction === undefined || state.prediction === null ? "" : String(state.prediction)});
      prediction.addEventListener("input", function () {
        var v = parseInt(prediction.value, 10);
        state.prediction = isNaN(v) || v < 0 ? null : v;
        save(attempt.id, state);
      });
      add(form, el("div", {class: "question"}, field("prediction", "Câu dự đoán: " + attempt.prediction_question, prediction)));
    }
    add(form, status, button);

    function body() {
      var answers = {};
      attempt.questions.forEach(function (q) { if (state.answers[q.id]) answers[q.id] = state.answers[q.id]; });
      return {answers: answers, prediction: typeof state.prediction === "number" ? state.prediction : 0};
    }
    function submit(auto) {
      if (submitting) return;
      if (!auto && !warned) {
        var missing = attempt.questions.length - countAnswered();
        if (missing > 0) {
          warned = true;
          clear(status);
          add(status, alertBox("Bạn còn " + missing + " câu chưa trả lời. Bấm \"Nộp bài\" lần nữa để nộp.", "info"));
          return;
        }
      }
      submitting = true;
      button.disabled = true;
      var payload = body(), delay = 1000, graceEnd = deadline + (attempt.grace_seconds || 30) * 1000;
      function tryOnce() {
        if (!current(seq)) return;
        clear(status);
        add(status, alertBox(auto ? "Đã hết giờ, đang tự động nộp bài…" : "Đang nộp bài…", "info"));
        api("POST", "/api/attempts/" + enc(attempt.id) + "/submission", payload).then(function (res) {
          if (res.status === 200) {
            localStorage.removeItem(ANSWERS_PREFIX + attempt.id);
            if (current(seq)) location.hash = "#/ket-qua/" + enc(attempt.id);
            return;
          }
          if (res.status >= 500 || res.status === 429) return retry();
          submitting = false;
          button.disabled = res.status === 409;
          clear(status);
          add(status, alertBox(message(res.body)));
          if (res.status === 409) add(status, el("a", {href: "#/", text: "Về trang chủ"}));
        }, function () { retry(); });
      }
      function retry() {
        if (!current(seq)) return;
        if (now() + delay > graceEnd + 60000) {
          submitting = false; button.disabled = false;
          clear(status);
          add(status, alertBox("Không gửi được bài thi do mất kết nối. Câu trả lời vẫn được lưu trên máy; hãy bấm Nộp bài để thử lại."));
          return;
        }
        clear(status);
        add(status, alertBox("Mất kết nối, đang thử gửi lại sau " + Math.round(delay / 1000) + " giây… (câu trả lời vẫn được lưu trên máy)", "info"));
        later(delay, tryOnce);
        delay = Math.min(delay * 2, 15000);
      }
      tryOnce();
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); submit(false); });
    function tick() {
      var left = deadline - now();
      timeLeft.textContent = fmtLeft(left);
      timer.className = left < 60000 ? "timer low" : "timer";
      if (left <= 0 && !submitting) submit(true);
    }
    countAnswered();
    tick();
    every(500, tick);
    render(el("h1", {text: "Bài thi"}),
      el("p", {class: "muted", text: "Hạn nộp: " + fmtTime(attempt.deadline) + ". Câu trả lời được lưu tự động trên máy này; tải lại trang vẫn tiếp tục được bài thi."}),
      timer, form);
  }

  function result(attemptId) {
    var seq = routeSeq;
    if (!token()) return needLogin();
    api("GET", "/api/attempts/" + enc(attemptId)).then(function (r) {
      if (!current(seq)) return;
      if (r.status === 401) return needLogin();
      if (r.status !== 200) return render(alertBox(message(r.body)));
      var a = r.body.attempt, res = a.result;
      if (!res) {
        return render(el("h1", {text: "Kết quả bài thi"}), alertBox(a.status === "expired" ? REFUSALS.deadline_passed : "Bài thi chưa được nộp.", "info"),
          el("div", {class: "actions"}, a.status === "in_progress" ? el("a", {class: "btn", href: "#/thi/" + enc(a.round_id), text: "Tiếp tục làm bài"}) : null,
            el("a", {class: "btn secondary", href: "#/", text: "Về trang chủ"})));
      }
      render(el("h1", {text: "Kết quả bài thi"}),
        el("div", {class: "card"},
          el("div", {class: "result-big", id: "score", text: res.correct + "/" + res.total}),
          el("div", {text: "Số câu trả lời đúng: " + res.correct + " trên " + res.total + " câu"}),
          el("div", {text: "Thời gian làm bài: " + fmtDuration(res.duration_ms)}),
          el("div", {text: "Nộp lúc: " + fmtTime(res.submitted_at)}),
          el("div", {text: "Dự đoán: " + fmtInt(res.prediction)})),
        el("div", {class: "actions"},
          el("a", {class: "btn secondary", href: "#/xep-hang/" + enc(a.round_id), text: "Xem bảng xếp hạng"}),
          el("a", {class: "btn secondary", href: "#/", text: "Về trang chủ"})));
    }, function (e) { if (current(seq)) failed(e); });
  }

  // The participant's own attempts, round by round (GET /api/me lists them).
  function myAttempts() {
    var seq = routeSeq;
    if (!token()) return needLogin();
    Promise.all([api("GET", "/api/me"), api("GET", "/api/contest")]).then(function (replies) {
      if (!current(seq)) return;
      var me = replies[0], contest = replies[1];
      if (me.status === 401) return needLogin();
      if (me.status !== 200) return render(alertBox(message(me.body)));
      var names = {};
      ((contest.body && contest.body.rounds) || []).forEach(function (round) { names[round.id] = round.name; });
      var sections = me.body.rounds.filter(function (mine) { return mine.attempts && mine.attempts.length; }).map(function (mine) {
        return el("section", {class: "card", "data-my-round": mine.round_id},
          el("h2", {text: names[mine.round_id] || mine.round_id}),
          el("p", {class: "muted", text: "Đã dùng " + mine.attempts_used + " lượt" +
            (mine.best ? "; tốt nhất " + mine.best.correct + "/" + mine.best.total + " câu đúng." : ".")}),
          table([["Lượt", 1], ["Bắt đầu"], ["Trạng thái"], ["Số câu đúng", 1], ["Thời gian", 1], [""]],
            mine.attempts.map(function (a, i) {
              var res = a.result;
              var link = a.status === "in_progress" ? el("a", {href: "#/thi/" + enc(mine.round_id), text: "Tiếp tục"})
                : res ? el("a", {href: "#/ket-qua/" + enc(a.id), text: "Xem"}) : null;
              return [i + 1, fmtTime(a.started_at), ATTEMPT_STATUS[a.status] || a.status,
                res ? res.correct + "/" + res.total : null, res ? fmtDuration(res.duration_ms) : null, link];
            })));
      });
      render(el("h1", {text: "Bài thi của tôi"}),
        sections.length ? sections : el("p", {class: "muted", text: "Bạn chưa làm bài thi nào."}),
        el("p", null, el("a", {href: "#/", text: "Về trang chủ"})));
    }, function (e) { if (current(seq)) failed(e); });
  }

  // --- public tables -------------------------------------------------------------------------------------
  // `mine[i]` marks the signed-in participant's own row.
  function table(headers, rows, mine) {
    var thead = el("tr");
    headers.forEach(function (h) { add(thead, el("th", {class: h[1] ? "num" : null, scope: "col", text: h[0]})); });
    var tbody = el("tbody");
    rows.forEach(function (row, r) {
      var tr = el("tr", mine && mine[r] ? {class: "me", "aria-current": "true"} : null);
      row.forEach(function (cell, i) {
        var td = el("td", {class: headers[i][1] ? "num" : null});
        add(td, cell === null || cell === undefined ? "–" : cell);
        add(tr, td);
      });
      add(tbody, tr);
    });
    return el("div", {class: "tablewrap"}, el("table", null, el("thead", null, thead), tbody));
  }
  function freshness(body) {
    return el("p", {class: "muted", text: (body.final ? "Kết quả chính thức. " : "Kết quả tạm thời, tự động cập nhật. ") +
      "Cập nhật lúc " + fmtTime(body.as_of) + "."});
  }

  function leaderboard(roundId) {
    var seq = routeSeq;
    var category = (location.hash.split("?")[1] || "").replace(/^.*category=([a-z]+).*$/, "$1");
    if (category !== "official" && category !== "citizen") category = "";
    var holder = el("div", null, el("p", {class: "muted", text: "Đang tải…"}));
    var base = "#/xep-hang/" + enc(roundId);
    var tabs = el("div", {class: "tabs"},
      [["", "Tất cả"], ["official", "Cán bộ, công chức"], ["citizen", "Nhân dân"]].map(function (t) {
        return el("a", {class: "btn" + (t[0] === category ? "" : " secondary"), href: base + (t[0] ? "?category=" + t[0] : ""),
          "aria-current": t[0] === category ? "page" : null, text: t[1]});
      }));
    function load() {
      api("GET", "/api/rounds/" + enc(roundId) + "/leaderboard?limit=100" + (category ? "&category=" + category : "")).then(function (r) {
        if (!current(seq)) return;
        clear(holder);
        if (r.status !== 200) return add(holder, alertBox(message(r.body)));
        var b = r.body;
        add(holder, freshness(b));
        if (b.prediction_truth !== null && b.prediction_truth !== undefined) add(holder, el("p", {text: "Đáp án câu dự đoán: " + fmtInt(b.prediction_truth)}));
        if (!b.entries.length) return add(holder, el("p", {class: "muted", text: "Chưa có bài thi nào."}));
        var me = user() && user().id;
        var mine = b.entries.map(function (e) { return !!me && e.participant_id === me; });
        var place = b.entries.filter(function (e, i) { return mine[i]; })[0];
        add(holder, el("p", {id: "my-place", class: place ? "info" : "muted",
          text: place ? "Bạn đang xếp hạng " + place.rank + " với " + place.correct + "/" + place.total + " câu đúng."
            : (me ? "Bạn chưa có tên trong danh sách này." : "")}));
        add(holder, table([["Hạng", 1], ["Họ tên"], ["Đơn vị"], ["Đối tượng"], ["Số câu đúng", 1], ["Thời gian", 1]].concat(b.final ? [["Dự đoán", 1]] : []),
          b.entries.map(function (e) {
            return [e.rank, e.display_name, e.unit_name, CATEGORY_SHORT[e.category] || e.category, e.correct + "/" + e.total,
              fmtDuration(e.duration_ms)].concat(b.final ? [fmtInt(e.prediction)] : []);
          }), mine));
      }, function () { if (current(seq)) { clear(holder); add(holder, alertBox("Không kết nối được máy chủ.")); } });
    }
    render(el("h1", {text: "Bảng xếp hạng cá nhân"}), tabs, holder,
      el("p", null, el("a", {href: "#/don-vi/" + enc(roundId), text: "Xem kết quả theo đơn vị"}), " · ", el("a", {href: "#/", text: "Trang chủ"})));
    load();
    every(15000, load);
  }

  function unitTable(roundId) {
    var seq = routeSeq;
    var holder = el("div", null, el("p", {class: "muted", text: "Đang tải…"}));
    function load() {
      api("GET", "/api/rounds/" + enc(roundId) + "/units").then(function (r) {
        if (!current(seq)) return;
        clear(holder);
        if (r.status !== 200) return add(holder, alertBox(message(r.body)));
        var b = r.body;
        add(holder, freshness(b));
        if (!b.entries.length) return add(holder, el("p", {class: "muted", text: "Chưa có số liệu."}));
        add(holder, table([["Hạng", 1], ["Đơn vị"], ["Người dự thi", 1], ["CBCCVC", 1], ["Nhân dân", 1], ["Bài thi", 1],
          ["Tỷ lệ CBCCVC", 1], ["Tỷ lệ nhân dân", 1], ["Điểm TB", 1], ["Đạt chỉ tiêu"]],
          b.entries.map(function (e) {
            return [e.rank, e.name, fmtInt(e.participants), fmtInt(e.officials), fmtInt(e.citizens), fmtInt(e.submissions),
              fmtRate(e.official_rate), fmtRate(e.citizen_rate),
              e.mean_correct === null ? "–" : (Math.round(e.mean_correct * 100) / 100).toString().replace(".", ","),
              el("span", {class: e.meets_targets ? "ok" : "no", text: e.meets_targets ? "Đạt" : "Chưa đạt"})];
          })));
      }, function () { if (current(seq)) { clear(holder); add(holder, alertBox("Không kết nối được máy chủ.")); } });
    }
    render(el("h1", {text: "Kết quả theo đơn vị"}), holder,
      el("p", null, el("a", {href: "#/xep-hang/" + enc(roundId), text: "Bảng xếp hạng cá nhân"}), " · ", el("a", {href: "#/", text: "Trang chủ"})));
    load();
    every(30000, load);
  }

  window.addEventListener("hashchange", route);
  route();
})();
