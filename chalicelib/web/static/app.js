/* cuocthi participant pages: one page, hash routes, no build step. All data is shown with textContent. */
(function () {
  "use strict";

  var TOKEN_KEY = "cuocthi.token";
  var USER_KEY = "cuocthi.participant";
  var ANSWERS_PREFIX = "cuocthi.answers.";
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
    attempt_not_found: "Không tìm thấy bài thi.",
    not_found: "Không tìm thấy.",
    unauthorized: "Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.",
    bad_credentials: "Số điện thoại hoặc mật khẩu không đúng.",
    too_many_attempts: "Bạn đã nhập sai quá nhiều lần. Vui lòng thử lại sau ít phút.",
    phone_taken: "Số điện thoại này đã được đăng ký.",
    id_number_taken: "Số CCCD này đã được đăng ký.",
    disqualified: "Tài khoản của bạn đã bị ban tổ chức loại khỏi cuộc thi nên không thể làm bài.",
    payload_too_large: "Dữ liệu gửi lên quá lớn.",
    attempt_conflict: "Hệ thống đang bận, vui lòng tải lại trang để thử lại.",
    bad_code: "Mã xác minh không đúng hoặc đã hết hạn. Vui lòng kiểm tra tin nhắn hoặc gửi lại mã.",
    too_many_codes: "Bạn đã yêu cầu quá nhiều mã xác minh. Vui lòng thử lại sau ít phút.",
    participant_has_attempts: "Bạn đã làm bài thi nên không thể đổi đơn vị hoặc đối tượng dự thi. " +
      "Nếu cần đổi, vui lòng liên hệ ban tổ chức.",
    page_not_found: "Trang này chưa có nội dung.",
    round_not_published: "Kết quả của đợt thi chưa được công bố."
  };
  // The registration form's own words for each field the server may refuse (its texts are not all meant for people).
  var FIELD_MESSAGES = {
    full_name: "Họ và tên phải có từ 2 đến 100 ký tự.",
    phone: "Số điện thoại di động không hợp lệ (ví dụ: 0912 345 678).",
    password: "Mật khẩu phải có từ 8 đến 128 ký tự.",
    category: "Vui lòng chọn đối tượng.",
    unit_id: "Đơn vị đã chọn không còn trong danh sách, vui lòng chọn lại.",
    birth_year: "Năm sinh không hợp lệ.",
    id_number: "Số CCCD phải gồm đúng 12 chữ số.",
    email: "Địa chỉ email không hợp lệ."
  };
  var STATUS = {scheduled: "Sắp mở", open: "Đang mở", closed: "Đã kết thúc", finalized: "Đang xét duyệt kết quả"};
  var ATTEMPT_STATUS = {in_progress: "Đang làm", submitted: "Đã nộp", expired: "Quá hạn, không được tính"};
  var CATEGORY = {official: "Cán bộ, công chức, viên chức, người lao động", citizen: "Nhân dân"};
  var CATEGORY_SHORT = {official: "CBCCVC", citizen: "Nhân dân"};
  var CATEGORY_GROUP = {official: "Cán bộ, công chức", citizen: "Nhân dân"}; // the leaderboard's tabs

  // --- small helpers (shared ones in common.js) ------------------------------------------------------------
  var C = window.CuocThi, el = C.el, add = C.add, clear = C.clear, alertBox = C.alertBox, pad = C.pad, fold = C.fold;
  var field = C.field, fmtInt = C.fmtInt, fmtRate = C.fmtRate, fmtTime = C.fmtTime, message = C.messages(REFUSALS);
  var timers = C.timers(), every = timers.every, later = timers.later, stopTimers = timers.stop;
  function render() { C.render(app, [].slice.call(arguments)); }
  function fmtDuration(ms) {
    if (ms === null || ms === undefined) return "–";
    var s = Math.floor(ms / 1000), m = Math.floor(s / 60);
    return m + " phút " + (s % 60) + " giây";
  }
  function fmtClock(ms) { // "12:05": minutes and seconds, for narrow table cells
    if (ms === null || ms === undefined) return "–";
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + pad(s % 60);
  }
  function fmtLeft(ms) {
    if (ms < 0) ms = 0;
    var s = Math.floor(ms / 1000), d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600),
      m = Math.floor(s % 3600 / 60), sec = s % 60;
    return (d ? d + " ngày " : "") + pad(h) + ":" + pad(m) + ":" + pad(sec);
  }
  function fmtDecimal(x) { return x === null || x === undefined ? "–" : (Math.round(x * 100) / 100).toString().replace(".", ","); }
  function now() { return Date.now() + clockSkew; }
  function enc(s) { return encodeURIComponent(s); }
  function actions() { return el("div", {class: "actions"}, [].slice.call(arguments)); }
  function homeLink() { return el("a", {class: "btn secondary", href: "#/", text: "Về trang chủ"}); }
  // A page title with the round it belongs to on a line of its own.
  function title(text, round) {
    document.title = text + (round ? " – " + round.name : "");
    return el("h1", null, text, round ? el("span", {class: "round-name", text: round.name}) : null);
  }

  // A round's state for people: a finalized round's results are public only once published (published_at).
  function statusLabel(round) {
    if (round.published_at) return "Đã công bố kết quả";
    return STATUS[round.status] || "";
  }

  // --- session -------------------------------------------------------------------------------------------
  function token() { try { return localStorage.getItem(TOKEN_KEY) || sessionStorage.getItem(TOKEN_KEY); } catch (e) { return null; } }
  function user() { try { return JSON.parse(localStorage.getItem(USER_KEY) || "null"); } catch (e) { return null; } }
  // A new token for the same session (after a password change): kept where the old one was.
  function keepToken(t) {
    if (sessionStorage.getItem(TOKEN_KEY)) sessionStorage.setItem(TOKEN_KEY, t); else localStorage.setItem(TOKEN_KEY, t);
  }
  function remember(participant) {
    localStorage.setItem(USER_KEY, JSON.stringify({full_name: participant.full_name, id: participant.id}));
  }
  // `onlyHere`: the token is kept for this tab only (login without "Ghi nhớ trên máy này").
  function signIn(reply, onlyHere) {
    forget();
    (onlyHere ? sessionStorage : localStorage).setItem(TOKEN_KEY, reply.token);
    remember(reply.participant);
  }
  function forget() {
    localStorage.removeItem(TOKEN_KEY); localStorage.removeItem(USER_KEY); sessionStorage.removeItem(TOKEN_KEY);
  }
  // Logging out ends the session on the server too (the token stops working), then here.
  function signOut() {
    var t = token();
    function done() {       // a login made meanwhile (another token now) stays
      if (token() === t) forget();
      if (location.hash.length > 2) location.hash = "#/"; else route();
    }
    if (!t) return done();
    api("DELETE", "/api/sessions/current").then(done, done);
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
      // A wrong password on a login or a password change is no expired session.
      // An answer to a request sent with an earlier token (a login or a reset since) leaves the current one alone.
      if (token() !== t) return;
      if (path.indexOf("/api/sessions") !== 0 && path !== "/api/me/password") { localStorage.removeItem(TOKEN_KEY); sessionStorage.removeItem(TOKEN_KEY); drawNav(); }
    },
    onNetworkError: function () { throw new NetworkError(); }
  });
  // The contest (name, rounds) changes rarely: pages other than home reuse it for half a minute.
  var contestCache = null;
  function loadContest(fresh) {
    if (fresh || !contestCache || Date.now() - contestCache.at > 30000) {
      var reply = api("GET", "/api/contest");
      contestCache = {at: Date.now(), reply: reply};
      reply.then(function (r) {
        if (r.status !== 200) { contestCache = null; return; }
        var pages = JSON.stringify(r.body.pages || []);
        if (pages !== navPages) { navPages = pages; drawNav(); }
      }, function () { contestCache = null; });
    }
    return contestCache.reply;
  }
  // GET /api/me as last read (10 minutes, same token), its counts kept by the page's own starts and submissions:
  // "Vào thi" after the home page asks nothing more.
  var meCache = null;
  function cachedMe() { return meCache && meCache.t === token() && Date.now() - meCache.at < 6e5 ? meCache.r : null; }
  function loadMe(fresh) {
    var t = token(), known = !fresh && cachedMe();
    return known ? Promise.resolve(known) : api("GET", "/api/me").then(function (r) {
      meCache = r.status === 200 ? {t: t, at: Date.now(), r: r} : null;
      return r;
    });
  }
  function mineIn(me, roundId) { return me.rounds.filter(function (m) { return m.round_id === roundId; })[0]; }
  // A start or submission changes the round's counts; a refusal (no `change`) has them read again.
  function noteMine(roundId, change) {
    var mine = cachedMe() && mineIn(meCache.r.body, roundId);
    if (mine && change) change(mine); else meCache = null;
  }
  function roundOf(contest, id) {
    return ((contest && contest.rounds) || []).filter(function (r) { return r.id === id; })[0] || null;
  }

  // --- navigation ----------------------------------------------------------------------------------------
  var navPages = "[]"; // the contest's pages (JSON of [{slug, title}]) as last drawn
  var PAGE_LABELS = {"the-le": "Thể lệ", "huong-dan": "Hướng dẫn"};
  function drawNav() {
    var nav = document.getElementById("nav");
    clear(nav);
    add(nav, el("a", {href: "#/", text: "Trang chủ"}));
    var order = Object.keys(PAGE_LABELS); // the rules first, then the instructions, then any other page
    JSON.parse(navPages).sort(function (a, b) {
      return (order.indexOf(a.slug) + 1 || 99) - (order.indexOf(b.slug) + 1 || 99);
    }).forEach(function (p) {
      add(nav, el("a", {href: "#/trang/" + enc(p.slug), text: PAGE_LABELS[p.slug] || p.title}));
    });
    if (token()) {
      var u = user();
      add(nav, el("a", {href: "#/bai-thi-cua-toi", text: "Bài thi của tôi"}));
      add(nav, el("a", {href: "#/tai-khoan", text: "Tài khoản"}));
      add(nav, el("span", {text: u && u.full_name ? "Xin chào, " + u.full_name : "Đã đăng nhập"}));
      add(nav, el("button", {type: "button", text: "Đăng xuất", onclick: signOut}));
    } else {
      add(nav, el("a", {href: "#/dang-ky", text: "Đăng ký"}));
      add(nav, el("a", {href: "#/dang-nhap", text: "Đăng nhập"}));
    }
  }

  var routes = [
    [/^\/?$/, home],
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
  // Runs `show` with the replies of several requests once they all came, if the page is still the same one.
  function whenLoaded(seq, requests, show) {
    Promise.all(requests).then(function (replies) { if (current(seq)) show.apply(null, replies); },
      function (e) { if (current(seq)) failed(e); });
  }

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
    whenLoaded(seq, [loadContest(true)], function (r) {
      if (r.status !== 200) return render(alertBox(message(r.body)));
      var c = r.body;
      document.title = c.name;
      var countdowns = [], mineSlots = {}, news = el("section", {id: "news", "aria-label": "Thông báo"});
      var list = el("ul", {class: "rounds"});
      (c.rounds || []).forEach(function (round) {
        var cd = el("span", {class: "countdown"});
        var mine = el("div", {class: "mine", "aria-live": "polite"});
        countdowns.push([cd, round]);
        mineSlots[round.id] = {node: mine, round: round};
        add(list, el("li", {class: "card round", "data-round": round.id},
          el("h3", null, round.name + " ", el("span", {class: "badge " + round.status, text: statusLabel(round)})),
          el("div", {class: "muted", text: "Từ " + fmtTime(round.opens_at) + " đến " + fmtTime(round.closes_at)}),
          el("div", {text: round.questions_per_attempt + " câu hỏi, " + Math.round(round.time_limit_seconds / 60) +
            " phút mỗi lượt" + (round.max_attempts ? ", tối đa " + round.max_attempts + " lượt" : ", không giới hạn số lượt")}),
          cd, mine,
          actions(round.status === "open" ? el("a", {class: "btn", href: "#/thi/" + enc(round.id), text: "Vào thi"}) : null,
            el("a", {class: "btn secondary", href: "#/xep-hang/" + enc(round.id), text: "Bảng xếp hạng"}),
            el("a", {class: "btn secondary", href: "#/don-vi/" + enc(round.id), text: "Kết quả theo đơn vị"}))));
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
        (c.rounds || []).length ? list : el("p", {class: "muted", text: "Chưa có đợt thi nào."}), news);
      if (ctx.announcements) ctx.announcements(news, seq, 3);
      loadStats();
      every(30000, loadStats);
      if (token()) loadMine(seq, mineSlots);
    });
  }

  function loadMine(seq, slots) {
    loadMe(true).then(function (r) {
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

  function needLogin(why) {
    sessionStorage.setItem("cuocthi.after_login", location.hash);
    render(el("h1", {text: "Cần đăng nhập"}), el("p", {text: why || "Bạn cần đăng nhập để làm bài thi."}),
      actions(el("a", {class: "btn", href: "#/dang-nhap", text: "Đăng nhập"}), el("a", {class: "btn secondary", href: "#/dang-ky", text: "Đăng ký"})));
  }

  // --- the start step and the test -----------------------------------------------------------------------
  function loadSaved(id) { try { return JSON.parse(localStorage.getItem(ANSWERS_PREFIX + id) || "null") || {answers: {}}; } catch (e) { return {answers: {}}; } }
  function save(id, state) { try { localStorage.setItem(ANSWERS_PREFIX + id, JSON.stringify(state)); } catch (e) { /* storage full */ } }
  function cannotStart(round, text) {
    render(title("Không thể bắt đầu bài thi", round), alertBox(text), actions(homeLink()));
  }

  // #/thi/<round>: an attempt in progress resumes at once; otherwise a start step says what starting costs.
  // The counts the page holds decide, but an attempt in progress may have ended since: read again before resuming.
  function exam(roundId, fresh) {
    var seq = routeSeq, known = !fresh && !!cachedMe();
    if (!token()) return needLogin();
    render(el("p", {class: "muted", text: "Đang chuẩn bị bài thi…"}));
    whenLoaded(seq, [loadMe(fresh), loadContest()], function (me, contest) {
      if (me.status === 401) return needLogin();
      if (me.status !== 200 || contest.status !== 200) return render(alertBox(message(me.status !== 200 ? me.body : contest.body)));
      var round = roundOf(contest.body, roundId);
      if (!round) return cannotStart(null, REFUSALS.round_not_found);
      var mine = mineIn(me.body, roundId) || {attempts_used: 0};
      if (mine.attempt_in_progress) return known ? exam(roundId, true) : startAttempt(round, seq);
      var t = now();
      if (round.status === "closed" || round.status === "finalized" || t < Date.parse(round.opens_at) || t >= Date.parse(round.closes_at)) {
        return cannotStart(round, REFUSALS.round_not_open);
      }
      if (round.max_attempts && mine.attempts_used >= round.max_attempts) {
        return cannotStart(round, REFUSALS.attempt_limit_reached);
      }
      showStart(round, mine.attempts_used, seq);
    });
  }

  function showStart(round, used, seq) {
    var limit = round.max_attempts, minutes = Math.round(round.time_limit_seconds / 60);
    var left = Date.parse(round.closes_at) - now();
    var button = el("button", {class: "btn", type: "button", id: "start", text: "Bắt đầu làm bài"});
    button.addEventListener("click", function () { button.disabled = true; startAttempt(round, seq); });
    render(title("Vào thi", round),
      el("section", {class: "card start", "aria-labelledby": "start-title"},
        el("h2", {id: "start-title", text: "Bắt đầu lượt " + (used + 1) + (limit ? "/" + limit : "") + "?"}),
        el("ul", {class: "facts"},
          el("li", {text: round.questions_per_attempt + " câu hỏi trắc nghiệm, làm trong " + minutes + " phút."}),
          left < round.time_limit_seconds * 1000 ? el("li", {class: "warn", text: "Đợt thi đóng lúc " + fmtTime(round.closes_at) +
            ": bạn chỉ còn khoảng " + Math.max(1, Math.floor(left / 60000)) + " phút."}) : null,
          el("li", {text: !limit ? "Đợt thi này không giới hạn số lượt; bạn đã dùng " + used + " lượt."
            : "Bạn đã dùng " + used + "/" + limit + " lượt; " + (used + 1 < limit ? "sau lượt này còn " + (limit - used - 1) + " lượt."
              : "đây là lượt cuối cùng.")}),
          round.prediction_question ? el("li", null, "Câu dự đoán (bắt buộc, ở đầu bài thi): ",
            el("q", {text: round.prediction_question}), ". Nếu hết giờ mà chưa trả lời câu dự đoán, bài không được nộp " +
            "và lượt thi vẫn bị tính.") : null,
          el("li", {text: "Kết quả được tính theo lượt thi tốt nhất của bạn."})),
        el("p", {class: "warn", text: "Khi bấm \u201cBắt đầu làm bài\u201d, lượt thi được tính ngay, kể cả khi bạn rời trang hoặc không nộp bài."}),
        actions(button, el("a", {class: "btn secondary", href: "#/", text: "Để sau"}))));
    button.focus();
  }

  function startAttempt(round, seq) {
    api("POST", "/api/rounds/" + enc(round.id) + "/attempts").then(function (r) {
      if (!current(seq)) return;
      if (r.status === 401) return needLogin();
      if (r.status !== 200 && r.status !== 201) { noteMine(); return cannotStart(round, message(r.body)); }
      var attempt = r.body.attempt;
      noteMine(round.id, function (m) { m.attempts_used += r.status === 201 ? 1 : 0; m.attempt_in_progress = attempt.id; });
      if (attempt.status === "submitted") { location.hash = "#/ket-qua/" + enc(attempt.id); return; }
      showExam(attempt, round, seq);
    }, function (e) { if (current(seq)) failed(e); });
  }

  // A prediction as typed: digits, maybe grouped by dots or spaces ("1.250"). null when empty, NaN when not a number.
  function parsePrediction(text) {
    var s = text.replace(/\s/g, "");
    if (!s) return null;
    if (!/^\d+$/.test(s) && !/^\d{1,3}(\.\d{3})+$/.test(s)) return NaN;
    var n = parseInt(s.replace(/\./g, ""), 10);
    return n <= 1000000000 ? n : NaN;
  }

  function showExam(attempt, round, seq) {
    var state = loadSaved(attempt.id);
    state.answers = state.answers || {};
    var deadline = Date.parse(attempt.deadline), graceEnd = deadline + (round.grace_seconds || 0) * 1000;
    var submitting = false, warned = false, lateWarned = false;
    var timeLeft = el("span", {class: "countdown", id: "time-left"});
    var answered = el("span", {id: "answered"});
    var timer = el("div", {class: "timer", role: "timer"}, el("span", null, "Thời gian còn lại: ", timeLeft), answered);
    var status = el("div", {"aria-live": "assertive"});
    var button = el("button", {class: "btn", type: "submit", id: "submit", text: "Nộp bài"});
    var form = el("form", {novalidate: true, id: "exam"});
    function say(text, kind) { clear(status); add(status, alertBox(text, kind)); }
    function countAnswered() {
      var n = attempt.questions.filter(function (q) { return state.answers[q.id]; }).length;
      answered.textContent = "Đã trả lời " + n + "/" + attempt.questions.length + " câu";
      return n;
    }
    // The prediction comes first and is required; it is never sent as 0 when left empty.
    var prediction = null, predictionErr = null;
    if (attempt.prediction_question) {
      prediction = el("input", {type: "text", inputmode: "numeric", autocomplete: "off", required: true, "aria-required": "true",
        value: typeof state.prediction === "number" ? String(state.prediction) : ""});
      var box = field("prediction", "Câu dự đoán: " + attempt.prediction_question, prediction,
        "Bắt buộc. Nhập một số nguyên (ví dụ: 1250).", true);
      predictionErr = box.querySelector(".err");
      prediction.addEventListener("input", function () {
        var v = parsePrediction(prediction.value);
        state.prediction = typeof v === "number" && !isNaN(v) ? v : null;
        save(attempt.id, state);
        if (v !== null && isNaN(v)) markPrediction("Dự đoán phải là một số nguyên không âm, ví dụ 1250.");
      });
      add(form, el("div", {class: "question prediction"}, box));
    }
    function markPrediction(text) {
      predictionErr.textContent = text;
      prediction.setAttribute("aria-invalid", "true");
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
    add(form, status, button);

    function body() {
      var answers = {};
      attempt.questions.forEach(function (q) { if (state.answers[q.id]) answers[q.id] = state.answers[q.id]; });
      // A round without a prediction question asks nothing; the API still wants a number.
      return {answers: answers, prediction: prediction ? state.prediction : 0};
    }
    // At the deadline without a prediction: what is left of the grace period, and what happens after it.
    function lateText() {
      var left = Math.floor((graceEnd - now()) / 1000);
      return left > 0 ? "Đã hết giờ nhưng bài chưa được nộp vì bạn chưa trả lời câu dự đoán (ở đầu bài thi). Bạn còn " +
        C.fmtWait(left) + " để nhập dự đoán và bấm \u201cNộp bài\u201d; sau đó bài thi không được chấp nhận và lượt thi vẫn bị tính."
        : "Đã hết giờ mà bài chưa có câu dự đoán nên không được nộp. Bài thi này không được tính kết quả, lượt thi vẫn bị tính.";
    }
    function submit(auto) {
      if (submitting) return;
      if (prediction && typeof state.prediction !== "number") {
        markPrediction("Bạn chưa trả lời câu dự đoán.");
        say(auto ? lateText() : "Chưa nộp bài: bạn chưa trả lời câu dự đoán (ở đầu bài thi).");
        prediction.focus();
        return;
      }
      if (!auto && !warned && now() < deadline) {
        var missing = attempt.questions.length - countAnswered();
        if (missing > 0) {
          warned = true;
          return say("Bạn còn " + missing + " câu chưa trả lời. Bấm \"Nộp bài\" lần nữa để nộp.", "info");
        }
      }
      submitting = true;
      button.disabled = true;
      var payload = body(), delay = 1000;
      function tryOnce() {
        if (!current(seq)) return;
        say(auto ? "Đã hết giờ, đang tự động nộp bài…" : "Đang nộp bài…", "info");
        api("POST", "/api/attempts/" + enc(attempt.id) + "/submission", payload).then(function (res) {
          if (res.status === 200) {
            localStorage.removeItem(ANSWERS_PREFIX + attempt.id);
            justSubmitted = {result: res.body.result, round: round};
            noteMine(round.id, function (m) { m.attempt_in_progress = null; });
            if (current(seq)) location.hash = "#/ket-qua/" + enc(attempt.id);
            return;
          }
          if (res.status >= 500 || res.status === 429) return retry(res);
          submitting = false;
          if (res.status === 409) noteMine();
          button.disabled = res.status === 409;
          say(message(res.body));
          if (res.status === 409) add(status, el("a", {href: "#/", text: "Về trang chủ"}));
        }, function () { retry(null); });
      }
      // A busy server (503 with Retry-After) or a lost connection: the same submission again, as the server
      // asks or with a doubling pause, while the grace period lasts (a resent one is judged by its arrival).
      function retry(res) {
        if (!current(seq)) return;
        var busy = res && (res.status === 503 || res.status === 429);
        var wait = Math.max(delay, busy ? res.retryAfter * 1000 : 0);
        if (now() + wait > graceEnd + 60000) {
          submitting = false; button.disabled = false;
          return say((busy ? "Hệ thống đang quá tải nên chưa nhận được bài thi." : "Không gửi được bài thi do mất kết nối.") +
            " Câu trả lời vẫn được lưu trên máy; hãy bấm Nộp bài để thử lại.");
        }
        say((busy ? "Hệ thống đang bận, tự động gửi lại sau " : "Mất kết nối, đang thử gửi lại sau ") +
          Math.round(wait / 1000) + " giây… (câu trả lời vẫn được lưu trên máy)", "info");
        later(wait, tryOnce);
        delay = Math.min(delay * 2, 15000);
      }
      tryOnce();
    }
    form.addEventListener("submit", function (ev) { ev.preventDefault(); submit(false); });
    var autoTried = false;
    function tick() {
      var left = deadline - now();
      timeLeft.textContent = fmtLeft(left);
      timer.className = left < 60000 ? "timer low" : "timer";
      if (left < 60000 && prediction && typeof state.prediction !== "number" && !lateWarned) {
        lateWarned = true;
        markPrediction("Còn dưới 1 phút: hãy trả lời câu dự đoán, nếu không bài sẽ không được nộp.");
      }
      if (left <= 0 && !submitting && !autoTried) { autoTried = true; submit(true); }
    }
    countAnswered();
    tick();
    every(500, tick);
    render(title("Bài thi", round),
      el("p", {class: "muted", text: "Hạn nộp: " + fmtTime(attempt.deadline) + ". Câu trả lời được lưu tự động trên máy này; tải lại trang vẫn tiếp tục được bài thi."}),
      timer, form);
  }

  // The submission just made, as its answer carried it, with its round: no request; a reload reads the attempt.
  var justSubmitted = null;
  function result(attemptId) {
    var seq = routeSeq, just = justSubmitted && justSubmitted.result.attempt_id === attemptId ? justSubmitted : null;
    if (!token()) return needLogin();
    if (just) return showResult({round_id: just.round.id, status: "submitted", result: just.result}, just.round);
    whenLoaded(seq, [api("GET", "/api/attempts/" + enc(attemptId)), loadContest()], function (r, contest) {
      if (r.status === 401) return needLogin();
      if (r.status !== 200) return render(alertBox(message(r.body)));
      showResult(r.body.attempt, roundOf(contest.body, r.body.attempt.round_id));
    });
  }
  function showResult(a, round) {
    var res = a.result;
    if (!res) {
      return render(title("Kết quả bài thi", round), alertBox(a.status === "expired" ? REFUSALS.deadline_passed : "Bài thi chưa được nộp.", "info"),
        actions(a.status === "in_progress" ? el("a", {class: "btn", href: "#/thi/" + enc(a.round_id), text: "Tiếp tục làm bài"}) : null, homeLink()));
    }
    var hidden = res.correct === null;   // the round's scores are published later (score_visibility after_publish)
    render(title("Kết quả bài thi", round),
      el("div", {class: "card"},
        el("div", {class: "result-big", id: "score", text: hidden ? "Đã nộp bài" : res.correct + "/" + res.total}),
        el("div", {text: hidden ? "Số câu trả lời đúng sẽ được thông báo khi ban tổ chức công bố kết quả đợt thi."
          : "Số câu trả lời đúng: " + res.correct + " trên " + res.total + " câu"}),
        el("div", {text: "Thời gian làm bài: " + fmtDuration(res.duration_ms)}),
        el("div", {text: "Nộp lúc: " + fmtTime(res.submitted_at)}),
        el("div", {text: "Dự đoán: " + fmtInt(res.prediction)})),
      ctx.answerReview ? ctx.answerReview(a, round) : null,
      actions(el("a", {class: "btn secondary", href: "#/xep-hang/" + enc(a.round_id), text: "Xem bảng xếp hạng"}), homeLink()));
  }

  // --- tables that fit a phone ---------------------------------------------------------------------------
  // columns: [{label, num, wide (shown from 700 px only), grow (takes the free width), cell(row) → node or text}].
  // The `grow` column's content is a button that shows `opts.details(row)` ([label, value] pairs) in a line under
  // the row; a tap anywhere on the row does the same. `opts.mine(row)` marks the participant's own row.
  // `opened[key]` remembers the open rows across the page's refreshes; call `reopen()` once the row is in the table.
  function cellClass(c) { return [c.num ? "num" : "", c.wide ? "wide" : "", c.grow ? "grow" : ""].join(" ").trim() || null; }
  function detailsButton(tr, content, pairs, span, opened, key) {
    content = [].concat(content);
    var button = el("button", {type: "button", class: "rowtoggle", "aria-expanded": "false"},
      content[0], el("span", {class: "chev", "aria-hidden": "true"}), content.slice(1));
    var line = null;
    function show(open) {
      if (line) { line.parentNode.removeChild(line); line = null; }
      if (open) {
        line = el("tr", {class: "more"}, el("td", {colspan: span}, el("dl", {class: "pairs"}, pairs().map(function (p) {
          return el("div", null, el("dt", {text: p[0]}), el("dd", null, p[1] === null || p[1] === undefined ? "–" : p[1]));
        }))));
        tr.parentNode.insertBefore(line, tr.nextSibling);
      }
      button.setAttribute("aria-expanded", open ? "true" : "false");
      opened[key] = open;
    }
    button.addEventListener("click", function () { show(!line); });
    tr.addEventListener("click", function (ev) { if (!ev.target.closest("a,button")) show(!line); });
    button.reopen = function () { if (opened[key]) show(true); };
    return button;
  }
  function dataTable(columns, rows, opts) {
    var tbody = el("tbody");
    rows.forEach(function (row) {
      var tr = el("tr", opts.mine && opts.mine(row) ? {class: "me", "aria-current": "true"} : null), toggle = null;
      columns.forEach(function (c) {
        var value = c.cell(row);
        if (c.grow) value = toggle = detailsButton(tr, value, function () { return opts.details(row); }, columns.length,
          opts.opened, opts.key(row));
        add(tr, el("td", {class: cellClass(c)}, value === null || value === undefined ? "–" : value));
      });
      add(tbody, tr);
      if (toggle) toggle.reopen();
    });
    return el("div", {class: "tablewrap"}, el("table", opts.attrs || null,
      el("thead", null, el("tr", null, columns.map(function (c) { return headCell(c.label, c.short, cellClass(c)); }))),
      tbody));
  }
  // A column heading; `short` replaces it below 700 px.
  function headCell(label, short, cls) {
    return el("th", {scope: "col", class: cls}, short ? [el("span", {class: "narrow-text", text: short}),
      el("span", {class: "wide-text", text: label})] : label);
  }
  function sub(text, cls) { return el("span", {class: "sub" + (cls ? " " + cls : ""), text: text}); }
  function freshness(body) {
    return el("p", {class: "muted", text: (body.final ? "Kết quả chính thức. " : "Kết quả tạm thời, tự động cập nhật. ") +
      "Cập nhật lúc " + fmtTime(body.as_of) + "."});
  }

  // The participant's own attempts, round by round (GET /api/me lists them).
  function myAttempts() {
    var seq = routeSeq;
    if (!token()) return needLogin();
    whenLoaded(seq, [loadMe(true), loadContest()], function (me, contest) {
      if (me.status === 401) return needLogin();
      if (me.status !== 200) return render(alertBox(message(me.body)));
      var sections = me.body.rounds.filter(function (mine) { return mine.attempts && mine.attempts.length; }).map(function (mine) {
        var round = roundOf(contest.body, mine.round_id);
        var attempts = mine.attempts.slice().sort(function (a, b) { return Date.parse(a.started_at) - Date.parse(b.started_at); });
        attempts.forEach(function (a, i) { a.number = i + 1; });
        return el("section", {class: "card", "data-my-round": mine.round_id},
          el("h2", {text: round ? round.name : mine.round_id}),
          el("p", {class: "muted", text: "Đã dùng " + mine.attempts_used + (round && round.max_attempts ? "/" + round.max_attempts : "") + " lượt" +
            (mine.best ? "; tốt nhất " + mine.best.correct + "/" + mine.best.total + " câu đúng." : ".")}),
          round && ctx.ownResults ? ctx.ownResults(round, seq) : null,
          dataTable([
            {label: "Lượt", num: true, cell: function (a) { return a.number; }},
            {label: "Bắt đầu", grow: true, cell: function (a) { return fmtTime(a.started_at); }},
            {label: "Trạng thái", wide: true, cell: function (a) { return ATTEMPT_STATUS[a.status] || a.status; }},
            {label: "Số câu đúng", short: "Đúng", num: true, cell: function (a) {
              if (a.result && a.result.correct === null) return el("span", {class: "muted", text: "Chờ công bố"});
              return a.result ? a.result.correct + "/" + a.result.total : el("span", {class: "muted", text: a.status === "in_progress" ? "Đang làm" : "–"});
            }},
            {label: "Thời gian", num: true, wide: true, cell: function (a) { return a.result ? fmtClock(a.result.duration_ms) : null; }},
            {label: "", cell: function (a) {
              return a.status === "in_progress" ? el("a", {href: "#/thi/" + enc(mine.round_id), text: "Tiếp tục"})
                : a.result ? el("a", {href: "#/ket-qua/" + enc(a.id), text: "Xem"}) : null;
            }}
          ], attempts, {opened: {}, key: function (a) { return a.id; }, details: function (a) {
            return [["Trạng thái", ATTEMPT_STATUS[a.status] || a.status], ["Bắt đầu", fmtTime(a.started_at)],
              ["Nộp lúc", a.result ? fmtTime(a.result.submitted_at) : null],
              ["Thời gian làm bài", a.result ? fmtDuration(a.result.duration_ms) : null],
              ["Dự đoán", a.result ? fmtInt(a.result.prediction) : null]];
          }}));
      });
      render(title("Bài thi của tôi"),
        sections.length ? sections : el("p", {class: "muted", text: "Bạn chưa làm bài thi nào."}),
        el("p", null, el("a", {href: "#/", text: "Về trang chủ"})));
    });
  }

  // --- public tables -------------------------------------------------------------------------------------
  // A public page of one round: the round's name in the title, `above(round, seq)` (once, may be null), then
  // `draw(holder, round)` every `period` ms.
  function roundPage(roundId, heading, links, period, draw, above) {
    var seq = routeSeq;
    var holder = el("div", {id: "board"}, el("p", {class: "muted", text: "Đang tải…"}));
    whenLoaded(seq, [loadContest()], function (contest) {
      var round = roundOf(contest.body, roundId);
      if (contest.status === 200 && !round) return render(title(heading), alertBox(REFUSALS.round_not_found), actions(homeLink()));
      render(title(heading, round), above ? above(round, seq) : null, holder, el("p", {class: "links"}, links));
      function load() { draw(holder, round, seq); }
      load();
      every(period, load);
    });
  }
  function loadInto(holder, seq, path, show) {
    api("GET", path).then(function (r) {
      if (!current(seq)) return;
      if (r.status !== 200) { clear(holder); return add(holder, alertBox(message(r.body))); }
      show(r.body);
    }, function () { if (current(seq)) { clear(holder); add(holder, alertBox("Không kết nối được máy chủ.")); } });
  }

  function leaderboard(roundId) {
    var category = (location.hash.split("?")[1] || "").replace(/^.*category=([a-z]+).*$/, "$1");
    if (category !== "official" && category !== "citizen") category = "";
    var base = "#/xep-hang/" + enc(roundId), opened = {};
    var tabs = el("div", {class: "tabs"},
      [["", "Tất cả"], ["official", CATEGORY_GROUP.official], ["citizen", CATEGORY_GROUP.citizen]].map(function (t) {
        return el("a", {class: "btn" + (t[0] === category ? "" : " secondary"), href: base + (t[0] ? "?category=" + t[0] : ""),
          "aria-current": t[0] === category ? "page" : null, text: t[1]});
      }));
    roundPage(roundId, "Bảng xếp hạng cá nhân",
      [el("a", {href: "#/don-vi/" + enc(roundId), text: "Xem kết quả theo đơn vị"}), " · ", el("a", {href: "#/", text: "Trang chủ"})],
      15000, function (holder, round, seq) {
        var path = "/api/rounds/" + enc(roundId) + "/leaderboard?limit=100" + (category ? "&category=" + category : "");
        loadInto(holder, seq, path, function (b) {
          clear(holder);
          add(holder, tabs, freshness(b));
          if (b.prediction_truth !== null && b.prediction_truth !== undefined) add(holder, el("p", {text: "Đáp án câu dự đoán: " + fmtInt(b.prediction_truth)}));
          if (b.scores_hidden) return add(holder, el("p", {class: "info", text: "Bảng xếp hạng của đợt thi này sẽ được công bố cùng kết quả."}));
          if (!b.entries.length) return add(holder, el("p", {class: "muted", text: "Chưa có bài thi nào."}));
          var me = user() && user().id;
          function isMine(e) { return !!me && e.participant_id === me; }
          var place = b.entries.filter(isMine)[0];
          var myPlace = el("div", {id: "my-place", class: place ? "info" : "muted",
            text: place ? "Bạn đang xếp hạng " + place.rank + " với " + place.correct + "/" + place.total + " câu đúng."
              : (me ? "Bạn chưa có tên trong danh sách này." : "")});
          add(holder, myPlace);
          if (me && !place && ctx.ownPlace) ctx.ownPlace(myPlace, roundId, seq);   // beyond the list: asked apart
          add(holder, dataTable([
            {label: "Hạng", num: true, cell: function (e) { return e.rank; }},
            {label: "Họ tên", grow: true, cell: function (e) { return [e.display_name, sub(e.unit_name)]; }},
            {label: "Đơn vị", wide: true, cell: function (e) { return e.unit_name; }},
            {label: "Đối tượng", wide: true, cell: function (e) { return CATEGORY_SHORT[e.category] || e.category; }},
            {label: "Đúng", num: true, cell: function (e) { return e.correct + "/" + e.total; }},
            {label: "Thời gian", num: true, cell: function (e) { return fmtClock(e.duration_ms); }}
          ].concat(b.final ? [{label: "Dự đoán", num: true, wide: true, cell: function (e) { return fmtInt(e.prediction); }}] : []),
          b.entries, {mine: isMine, attrs: {class: "leaderboard"}, opened: opened, key: function (e) { return e.participant_id; }, details: function (e) {
            return [["Đơn vị", e.unit_name], ["Đối tượng", CATEGORY[e.category] || e.category],
              ["Số câu đúng", e.correct + " trên " + e.total + " câu"], ["Thời gian làm bài", fmtDuration(e.duration_ms)],
              ["Nộp lúc", fmtTime(e.submitted_at)]].concat(b.final ? [["Dự đoán", fmtInt(e.prediction)]] : []);
          }}));
        });
      }, function (round, seq) { return round && round.published_at && ctx.prizes ? ctx.prizes(round, seq) : null; });
  }

  // The unit table as a tree: top-level units ranked among themselves, each district's communes folded under it
  // (numbered 8.1, 8.2… under unit 8, a tap opens them), and a search box that finds a unit and opens its branch.
  function unitTable(roundId) {
    var parents = null, entries = [], expanded = {}, opened = {}, query = "";
    var tbody = el("tbody");
    var search = el("input", {type: "search", id: "unit-search", autocomplete: "off", placeholder: "Ví dụ: Hải Đình"});
    var found = el("p", {class: "muted", id: "unit-found", "aria-live": "polite"});
    search.addEventListener("input", function () { query = fold(search.value.trim()); drawRows(); });
    function matches(e) { return !!query && fold(e.name).indexOf(query) >= 0; }
    function details(e) {
      return [["Người dự thi", fmtInt(e.participants)], ["CBCCVC dự thi", fmtInt(e.officials) + " / " + fmtInt(e.headcount)],
        ["Nhân dân dự thi", fmtInt(e.citizens) + " / " + fmtInt(e.population)], ["Bài thi", fmtInt(e.submissions)],
        ["Tỷ lệ CBCCVC", fmtRate(e.official_rate)], ["Tỷ lệ nhân dân", fmtRate(e.citizen_rate)],
        ["Điểm trung bình", fmtDecimal(e.mean_correct)], ["Chỉ tiêu", e.meets_targets ? "Đạt" : "Chưa đạt"]];
    }
    function unitRow(e, depth, rank, children) {
      var open = !!expanded[e.unit_id];
      var tr = el("tr", {"data-unit": e.unit_id, class: "depth-" + Math.min(depth, 3) + (matches(e) ? " hit" : "")});
      var name = detailsButton(tr, [e.name, sub(e.meets_targets ? "Đạt chỉ tiêu" : "Chưa đạt chỉ tiêu", e.meets_targets ? "ok" : "no")],
        function () { return details(e); }, 9, opened, e.unit_id);
      var branch = children.length ? el("button", {type: "button", class: "branch", "aria-expanded": open ? "true" : "false",
        text: open ? "Thu gọn" : children.length + " đơn vị trực thuộc",
        onclick: function () { expanded[e.unit_id] = !open; drawRows(e.unit_id); }}) : null;
      [[rank, "num"], [[name, branch], "grow"], [fmtInt(e.participants), "num"], [fmtInt(e.officials), "num wide"],
        [fmtInt(e.citizens), "num wide"], [fmtRate(e.official_rate), "num"], [fmtRate(e.citizen_rate), "num wide"],
        [fmtDecimal(e.mean_correct), "num wide"],
        [el("span", {class: e.meets_targets ? "ok" : "no", text: e.meets_targets ? "Đạt" : "Chưa đạt"}), "wide"]
      ].forEach(function (c) { add(tr, el("td", {class: c[1]}, c[0])); });
      add(tbody, tr);
      name.reopen();
    }
    function drawRows(focusId) {
      var known = {}, kids = {}, keep = null, hits = 0;
      entries.forEach(function (e) { known[e.unit_id] = true; });
      function parentOf(id) { var p = parents[id]; return p && known[p] ? p : ""; }
      entries.forEach(function (e) { (kids[parentOf(e.unit_id)] = kids[parentOf(e.unit_id)] || []).push(e); }); // rank order
      if (query) { // the matches and their ancestors only, with the ancestors' branches opened
        keep = {};
        entries.filter(matches).forEach(function (e) {
          hits++;
          keep[e.unit_id] = true;
          for (var id = parentOf(e.unit_id), guard = 0; id && guard++ < 10; id = parentOf(id)) { keep[id] = true; expanded[id] = true; }
        });
      }
      found.textContent = query ? (hits ? "Tìm thấy " + hits + " đơn vị." : "Không tìm thấy đơn vị phù hợp.") : "";
      clear(tbody);
      (function walk(parent, depth, prefix) {
        (kids[parent] || []).forEach(function (e, i) {
          var children = (kids[e.unit_id] || []).filter(function (c) { return !keep || keep[c.unit_id]; });
          if (keep && !keep[e.unit_id]) return;
          unitRow(e, depth, prefix + (i + 1), children);
          if (expanded[e.unit_id]) walk(e.unit_id, depth + 1, prefix + (i + 1) + ".");
        });
      })("", 0, "");
      var toggle = focusId && tbody.querySelector("tr[data-unit='" + CSS.escape(focusId) + "'] .branch");
      if (toggle) toggle.focus();
    }
    var table = el("div", {class: "tablewrap"}, el("table", {class: "units"}, el("thead", null, el("tr", null,
      headCell("Hạng", null, "num"), headCell("Đơn vị", null, "grow"), headCell("Người dự thi", "Dự thi", "num"), headCell("CBCCVC", null, "num wide"),
      headCell("Nhân dân", null, "num wide"), headCell("Tỷ lệ CBCCVC", null, "num"), headCell("Tỷ lệ nhân dân", null, "num wide"),
      headCell("Điểm TB", null, "num wide"), headCell("Chỉ tiêu", null, "wide"))), tbody));
    var fresh = el("div");
    roundPage(roundId, "Kết quả theo đơn vị",
      [el("a", {href: "#/xep-hang/" + enc(roundId), text: "Bảng xếp hạng cá nhân"}), " · ", el("a", {href: "#/", text: "Trang chủ"})],
      30000, function (holder, round, seq) {
        Promise.all(parents ? [] : [api("GET", "/api/units")]).then(function (replies) {
          if (!current(seq)) return;
          if (replies.length) {
            parents = {};
            ((replies[0].body && replies[0].body.units) || []).forEach(function (u) { parents[u.id] = u.parent_id; });
          }
          loadInto(holder, seq, "/api/rounds/" + enc(roundId) + "/units", function (b) {
            entries = b.entries || [];
            if (!holder.contains(table)) C.render(holder, fresh, el("div", {class: "field"},
              el("label", {for: "unit-search", text: "Tìm đơn vị"}), search, found), table);
            C.render(fresh, entries.length ? freshness(b) : el("p", {class: "muted", text: "Chưa có số liệu."}));
            drawRows();
          });
        }, function () {});
      });
  }

  // The page modules (account.js, info.js, results.js) add their routes and helpers to this context.
  var ctx = {
    api: api, render: render, token: token, user: user, signIn: signIn, keepToken: keepToken, remember: remember,
    loadContest: loadContest, roundOf: roundOf, whenLoaded: whenLoaded, current: current, failed: failed,
    seq: function () { return routeSeq; }, later: later, title: title, actions: actions, homeLink: homeLink,
    needLogin: needLogin, message: message, REFUSALS: REFUSALS, FIELD_MESSAGES: FIELD_MESSAGES, CATEGORY: CATEGORY,
    CATEGORY_GROUP: CATEGORY_GROUP,
    NetworkError: NetworkError, fmtDuration: fmtDuration, drawNav: drawNav, signOut: signOut,
    route: function (pattern, show) { routes.push([pattern, show]); }
  };
  C.modules.forEach(function (setup) { setup(ctx); });
  window.addEventListener("hashchange", route);
  route();
})();
