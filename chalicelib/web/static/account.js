/* cuocthi participant pages: registration (with the SMS code when the contest requires it), login by password or
   by code, the forgotten password, the profile and the password change. Loaded before app.js, which calls the
   module with its context (ctx: the API client, the session, the router). */
(function () {
  "use strict";

  var C = window.CuocThi, el = C.el, add = C.add, clear = C.clear, alertBox = C.alertBox, field = C.field, fold = C.fold;
  var AFTER_LOGIN = "cuocthi.after_login";
  var WAIT_TEXT = {
    too_many_codes: "Bạn đã yêu cầu quá nhiều mã xác minh. Vui lòng chờ {wait} rồi thử lại.",
    too_many_attempts: "Bạn đã nhập sai quá nhiều lần. Vui lòng chờ {wait} rồi thử lại."
  };

  C.module(function (ctx) {
    var api = ctx.api, render = ctx.render, REFUSALS = ctx.REFUSALS, CATEGORY = ctx.CATEGORY;
    var WORDS = {}; // the words of these forms for each field the server may refuse
    Object.keys(ctx.FIELD_MESSAGES).forEach(function (k) { WORDS[k] = ctx.FIELD_MESSAGES[k]; });
    WORDS.code = "Vui lòng nhập mã xác minh gồm 6 chữ số đã gửi đến điện thoại của bạn.";
    WORDS.new_password = ctx.FIELD_MESSAGES.password;
    WORDS.full_name = ctx.FIELD_MESSAGES.full_name;

    // --- forms -------------------------------------------------------------------------------------------
    function input(type, attrs) {
      var node = el("input", attrs);
      node.type = type;
      return node;
    }
    function passwordInput(autocomplete) { return input("password", {autocomplete: autocomplete, maxlength: "128", required: true}); }
    function phoneInput() { return input("tel", {autocomplete: "tel", inputmode: "tel", required: true}); }
    function codeInput() { return input("text", {inputmode: "numeric", autocomplete: "one-time-code", maxlength: "6", required: true}); }

    function showErrors(form, top, fields, unknown) {
      clear(top);
      var shown = C.showFieldErrors(form, fields);
      add(top, alertBox(shown.first ? "Vui lòng sửa các trường được đánh dấu." + (unknown ? " " + REFUSALS.invalid : "") : REFUSALS.invalid));
      if (shown.first) shown.first.focus();
    }
    // Fields left empty ({name: [value, message]}): shown in the form; true when there was one.
    function missing(form, top, checks) {
      var empty = {};
      Object.keys(checks).forEach(function (name) { if (!checks[name][0]) empty[name] = checks[name][1]; });
      if (!Object.keys(empty).length) return false;
      showErrors(form, top, empty);
      return true;
    }
    // Sends a request for a form and says what came back: ok(reply) on success; refused fields in the form's own
    // words (never the server's), refusals of `codes` ({error code: field or [field, text]}) next to that field, a
    // 429 with its wait.
    function send(form, top, button, request, ok, codes) {
      clear(top);
      button.disabled = true;
      request().then(function (res) {
        button.disabled = false;
        if (res.status >= 200 && res.status < 300) return ok(res);
        var err = (res.body && res.body.error) || {}, fields = {}, unknown = false;
        Object.keys(err.fields || {}).forEach(function (name) { if (WORDS[name]) fields[name] = WORDS[name]; else unknown = true; });
        var slot = [].concat((codes || {})[err.code] || []);
        if (slot.length) { fields = {}; fields[slot[0]] = slot[1] || REFUSALS[err.code]; unknown = false; }
        if (Object.keys(fields).length || unknown) return showErrors(form, top, fields, unknown);
        var wait = res.status === 429 ? C.retryWait(res) : null;
        add(top, alertBox(wait && WAIT_TEXT[err.code] ? WAIT_TEXT[err.code].replace("{wait}", wait) : ctx.message(res.body)));
      }, function (e) {
        button.disabled = false;
        add(top, alertBox(e instanceof ctx.NetworkError ? "Không kết nối được máy chủ, vui lòng thử lại." : REFUSALS.invalid));
      });
    }
    function done(text) { return el("p", {class: "info", role: "status", text: text}); }

    // A "Gửi mã xác minh" button for the form's phone field: the SMS code for `purpose`, where it went and until when.
    function codeButton(form, phone, code, purpose, top) {
      var button = el("button", {type: "button", class: "btn secondary", id: "send-code", text: "Gửi mã xác minh"});
      var status = el("div", {"aria-live": "polite"});
      button.addEventListener("click", function () {
        var number = phone.value.trim();
        if (missing(form, top, {phone: [number, "Vui lòng nhập số điện thoại để nhận mã."]})) return;
        clear(status);
        send(form, top, button, function () { return api("POST", "/api/verifications", {phone: number, purpose: purpose}); },
          function (res) {
            add(status, done("Đã gửi mã xác minh qua tin nhắn đến số " + number + ". Mã dùng được đến " +
              C.fmtTime(res.body.expires_at) + "."));
            button.textContent = "Gửi lại mã";
            button.disabled = true;
            ctx.later(30000, function () { button.disabled = false; });
            code.focus();
          });
      });
      return el("div", {class: "field"}, button, status);
    }
    function codeField(code) {
      return field("code", "Mã xác minh (6 chữ số, gửi qua tin nhắn)", code, "Bấm \u201cGửi mã xác minh\u201d để nhận mã.", true);
    }
    function signedIn(res, onlyHere) {
      ctx.signIn(res.body, onlyHere);
      var back = sessionStorage.getItem(AFTER_LOGIN);
      sessionStorage.removeItem(AFTER_LOGIN);
      location.hash = back || "#/";
    }
    function links() {
      var parts = [];
      [].slice.call(arguments).forEach(function (l, i) { if (i) parts.push(" · "); parts.push(el("a", {href: l[0], text: l[1]})); });
      return el("p", {class: "links"}, parts);
    }

    // --- the unit picker ---------------------------------------------------------------------------------
    // The units in tree order (each after its parent, siblings by name), with their depth and full path.
    function unitTreeOrder(units) {
      var byParent = {}, byId = {}, ordered = [], seen = {};
      units.forEach(function (u) { byId[u.id] = u; (byParent[u.parent_id || ""] = byParent[u.parent_id || ""] || []).push(u); });
      Object.keys(byParent).forEach(function (k) { byParent[k].sort(function (a, b) { return a.name.localeCompare(b.name, "vi"); }); });
      function path(u) {
        var names = [], guard = 0;
        while (u && guard++ < 20) { names.unshift(u.name); u = byId[u.parent_id]; }
        return names.join(" › ");
      }
      (function walk(parent, depth) {
        (byParent[parent] || []).forEach(function (u) {
          if (seen[u.id]) return;
          seen[u.id] = true;
          ordered.push({unit: u, depth: depth, path: path(u)});
          walk(u.id, depth + 1);
        });
      })("", 0);
      units.forEach(function (u) { if (!seen[u.id]) ordered.push({unit: u, depth: 0, path: path(u)}); }); // parent unknown
      return ordered;
    }

    // The unit picker: one tab stop. A combobox (the search box) owns a listbox of units; arrow keys move the active
    // option (aria-activedescendant), Enter or a tap chooses it. Enter never submits the form.
    function unitPicker(units, initial) {
      var ordered = unitTreeOrder(units), shown = [], active = -1, chosenId = "";
      var search = el("input", {type: "text", role: "combobox", autocomplete: "off", "aria-autocomplete": "list",
        "aria-expanded": "true", "aria-controls": "unit-list", placeholder: "Gõ để tìm đơn vị (ví dụ: Đồng Hới)"});
      var list = el("ul", {class: "unitlist", id: "unit-list", role: "listbox", "aria-label": "Danh sách đơn vị"});
      var chosen = el("div", {class: "unitchosen", "aria-live": "polite", text: "Chưa chọn đơn vị."});
      function choose(o) {
        chosenId = o.unit.id;
        chosen.textContent = "Đã chọn: " + o.path;
        search.dispatchEvent(new Event("change")); // clears the field's error
        draw();
      }
      function setActive(i) {
        active = i;
        shown.forEach(function (o, k) { o.node.classList.toggle("active", k === i); });
        if (i < 0) { search.removeAttribute("aria-activedescendant"); return; }
        search.setAttribute("aria-activedescendant", shown[i].node.id);
        shown[i].node.scrollIntoView({block: "nearest"});
      }
      function draw() {
        clear(list);
        var q = fold(search.value.trim());
        shown = ordered.filter(function (o) { return !q || fold(o.path).indexOf(q) >= 0; });
        shown.forEach(function (o, k) {
          o.node = el("li", {role: "option", id: "unit-opt-" + k, "data-unit": o.unit.id,
            "aria-selected": o.unit.id === chosenId ? "true" : "false",
            onmousedown: function (ev) { ev.preventDefault(); }, // keep the focus in the search box
            onclick: function () { choose(o); search.focus(); }});
          o.node.style.paddingLeft = (0.5 + o.depth * 1.25) + "rem";
          o.node.textContent = (o.depth ? "└ " : "") + o.unit.name;
          add(list, o.node);
        });
        if (!shown.length) add(list, el("li", {class: "muted", role: "presentation", text: "Không tìm thấy đơn vị phù hợp."}));
        var selected = shown.map(function (o) { return o.unit.id; }).indexOf(chosenId);
        setActive(q && shown.length ? 0 : selected);
      }
      search.addEventListener("input", draw);
      search.addEventListener("keydown", function (ev) {
        var n = shown.length;
        if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
          ev.preventDefault();
          if (n) setActive(ev.key === "ArrowDown" ? Math.min(active + 1, n - 1) : Math.max(active - 1, 0));
        } else if (ev.key === "Enter") {
          ev.preventDefault();
          if (active >= 0 && active < n) choose(shown[active]);
        } else if (ev.key === "Escape" && search.value) {
          ev.preventDefault();
          search.value = "";
          draw();
        }
      });
      var start = ordered.filter(function (o) { return o.unit.id === initial; })[0];
      if (start) { chosenId = start.unit.id; chosen.textContent = "Đã chọn: " + start.path; }
      draw();
      return {search: search, value: function () { return chosenId; }, box: el("div", null, list, chosen)};
    }
    function unitField(picker) {
      var box = field("unit_id", "Đơn vị công tác / nơi cư trú", picker.search);
      box.insertBefore(picker.box, box.querySelector(".err"));
      return box;
    }
    function categorySelect(value) {
      var select = el("select", {required: true}, el("option", {value: "", text: "— Chọn đối tượng —"}),
        el("option", {value: "official", text: CATEGORY.official}), el("option", {value: "citizen", text: CATEGORY.citizen}));
      select.value = value || "";
      return select;
    }
    // A birth year as typed: a number when it looks like one (the server says when it is out of range).
    function year(text) { text = text.trim(); return !text ? null : /^\d{4}$/.test(text) ? parseInt(text, 10) : text; }

    // --- registration ------------------------------------------------------------------------------------
    function register() {
      var seq = ctx.seq();
      ctx.whenLoaded(seq, [api("GET", "/api/units"), ctx.loadContest()], function (r, contest) {
        if (r.status !== 200) return render(alertBox(ctx.message(r.body)));
        var verify = contest.status === 200 && contest.body.phone_verification === "required";
        var picker = unitPicker(r.body.units || []);
        var inputs = {
          full_name: input("text", {autocomplete: "name", maxlength: "100", required: true}),
          phone: phoneInput(), code: codeInput(), password: passwordInput("new-password"), category: categorySelect(""),
          birth_year: input("text", {inputmode: "numeric", maxlength: "4", autocomplete: "bday-year"}),
          id_number: input("text", {inputmode: "numeric", maxlength: "12"}),
          email: input("email", {autocomplete: "email"})
        };
        var top = el("div");
        var button = el("button", {class: "btn", type: "submit", text: "Đăng ký"});
        var form = el("form", {novalidate: true}, field("full_name", "Họ và tên", inputs.full_name),
          field("phone", "Số điện thoại (dùng để đăng nhập)", inputs.phone));
        if (verify) add(form, codeButton(form, inputs.phone, inputs.code, "register", top), codeField(inputs.code));
        add(form, field("password", "Mật khẩu", inputs.password, "Từ 8 đến 128 ký tự."),
          field("category", "Đối tượng", inputs.category), unitField(picker),
          field("birth_year", "Năm sinh (không bắt buộc)", inputs.birth_year),
          field("id_number", "Số CCCD (không bắt buộc, 12 chữ số)", inputs.id_number),
          field("email", "Email (không bắt buộc)", inputs.email), top, button);
        form.addEventListener("submit", function (ev) {
          ev.preventDefault();
          var body = {full_name: inputs.full_name.value.trim(), phone: inputs.phone.value.trim(), password: inputs.password.value,
            unit_id: picker.value(), category: inputs.category.value};
          var checks = {full_name: [body.full_name, "Vui lòng nhập họ và tên."], phone: [body.phone, "Vui lòng nhập số điện thoại."]};
          if (verify) { body.code = inputs.code.value.trim(); checks.code = [body.code, WORDS.code]; }
          checks.password = [body.password, "Vui lòng nhập mật khẩu."];
          checks.category = [body.category, WORDS.category];
          checks.unit_id = [body.unit_id, "Vui lòng chọn đơn vị."];
          if (missing(form, top, checks)) return;
          if (year(inputs.birth_year.value) !== null) body.birth_year = year(inputs.birth_year.value);
          if (inputs.id_number.value.trim()) body.id_number = inputs.id_number.value.trim();
          if (inputs.email.value.trim()) body.email = inputs.email.value.trim();
          send(form, top, button, function () { return api("POST", "/api/participants", body); },
            function (res) { ctx.signIn(res.body); location.hash = "#/"; },
            {phone_taken: "phone", id_number_taken: "id_number", bad_code: "code"});
        });
        render(ctx.title("Đăng ký dự thi"), form, el("p", null, "Đã có tài khoản? ", el("a", {href: "#/dang-nhap", text: "Đăng nhập"})));
      });
    }

    // --- login -------------------------------------------------------------------------------------------
    function login() {
      var phone = phoneInput(), password = passwordInput("current-password");
      phone.autocomplete = "username";
      var remember = el("input", {type: "checkbox", id: "f-remember", checked: true});
      var top = el("div");
      var button = el("button", {class: "btn", type: "submit", text: "Đăng nhập"});
      var form = el("form", {novalidate: true}, field("phone", "Số điện thoại", phone), field("password", "Mật khẩu", password),
        el("div", {class: "field"}, el("label", {class: "option", for: "f-remember"}, remember, "Ghi nhớ trên máy này")),
        top, button);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var body = {phone: phone.value.trim(), password: password.value};
        if (missing(form, top, {phone: [body.phone, "Vui lòng nhập số điện thoại."], password: [body.password, "Vui lòng nhập mật khẩu."]})) return;
        send(form, top, button, function () { return api("POST", "/api/sessions", body); },
          function (res) { signedIn(res, !remember.checked); });
      });
      render(ctx.title("Đăng nhập"), form,
        links(["#/quen-mat-khau", "Quên mật khẩu?"], ["#/dang-nhap-bang-ma", "Đăng nhập bằng mã qua tin nhắn"]),
        el("p", null, "Chưa có tài khoản? ", el("a", {href: "#/dang-ky", text: "Đăng ký"})));
    }

    // A page that sends an SMS code for `purpose`, then `request(phone, code, password)` with it (password: a new
    // one when `newPassword` names the field).
    function codePage(heading, intro, purpose, newPassword, submitText, request) {
      var phone = phoneInput(), code = codeInput(), password = passwordInput("new-password");
      var top = el("div");
      var button = el("button", {class: "btn", type: "submit", text: submitText});
      var form = el("form", {novalidate: true});
      add(form, field("phone", "Số điện thoại đã đăng ký", phone), codeButton(form, phone, code, purpose, top), codeField(code),
        newPassword ? field("new_password", "Mật khẩu mới", password, "Từ 8 đến 128 ký tự.") : null, top, button);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var checks = {phone: [phone.value.trim(), "Vui lòng nhập số điện thoại."], code: [code.value.trim(), WORDS.code]};
        if (newPassword) checks.new_password = [password.value, "Vui lòng nhập mật khẩu mới."];
        if (missing(form, top, checks)) return;
        send(form, top, button, function () { return request(phone.value.trim(), code.value.trim(), password.value); },
          function (res) { signedIn(res, false); }, {bad_code: "code"});
      });
      render(ctx.title(heading), el("p", {text: intro}), form, links(["#/dang-nhap", "Đăng nhập bằng mật khẩu"], ["#/", "Trang chủ"]));
    }
    function forgotten() {
      codePage("Quên mật khẩu", "Nhập số điện thoại đã đăng ký, bấm \u201cGửi mã xác minh\u201d, rồi nhập mã trong tin nhắn và mật khẩu mới. " +
        "Sau khi đặt lại, bạn được đăng nhập ngay; các thiết bị khác phải đăng nhập lại.", "reset", true, "Đặt lại mật khẩu",
        function (phone, code, password) { return api("POST", "/api/password-resets", {phone: phone, code: code, new_password: password}); });
    }
    function codeLogin() {
      codePage("Đăng nhập bằng mã", "Nhập số điện thoại đã đăng ký và bấm \u201cGửi mã xác minh\u201d; nhập mã trong tin nhắn để đăng nhập.",
        "login", false, "Đăng nhập",
        function (phone, code) { return api("POST", "/api/sessions", {phone: phone, code: code}); });
    }

    // --- the account: profile and password -----------------------------------------------------------------
    function account() {
      var seq = ctx.seq();
      if (!ctx.token()) return ctx.needLogin("Bạn cần đăng nhập để xem và sửa thông tin tài khoản.");
      ctx.whenLoaded(seq, [api("GET", "/api/me"), api("GET", "/api/units")], function (me, units) {
        if (me.status === 401) return ctx.needLogin("Bạn cần đăng nhập để xem và sửa thông tin tài khoản.");
        if (me.status !== 200 || units.status !== 200) return render(alertBox(ctx.message(me.status !== 200 ? me.body : units.body)));
        var p = me.body.participant;
        var played = (me.body.rounds || []).some(function (r) { return r.attempts_used > 0; });
        render(ctx.title("Tài khoản của tôi"),
          el("p", {text: "Số điện thoại đăng nhập: " + p.phone + (p.verified ? " (đã xác minh)." : ".")}),
          profileForm(p, units.body.units || [], played), passwordForm(),
          el("p", null, el("button", {type: "button", class: "btn secondary", id: "logout", text: "Đăng xuất",
            onclick: ctx.signOut})));
      });
    }
    function profileForm(p, units, played) {
      var picker = unitPicker(units, p.unit_id);
      var inputs = {
        full_name: input("text", {autocomplete: "name", maxlength: "100", required: true, value: p.full_name}),
        email: input("email", {autocomplete: "email", value: p.email || ""}),
        birth_year: input("text", {inputmode: "numeric", maxlength: "4", value: p.birth_year ? String(p.birth_year) : ""}),
        category: categorySelect(p.category)
      };
      var top = el("div");
      var button = el("button", {class: "btn", type: "submit", text: "Lưu thông tin"});
      var form = el("form", {novalidate: true, id: "profile-form"},
        field("full_name", "Họ và tên", inputs.full_name), field("email", "Email (không bắt buộc)", inputs.email),
        field("birth_year", "Năm sinh (không bắt buộc)", inputs.birth_year),
        played ? lockedUnit(p, units) : [field("category", "Đối tượng", inputs.category), unitField(picker)], top, button);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var body = {full_name: inputs.full_name.value.trim(), email: inputs.email.value.trim() || null,
          birth_year: year(inputs.birth_year.value)};
        if (missing(form, top, {full_name: [body.full_name, "Vui lòng nhập họ và tên."]})) return;
        if (inputs.category.value !== p.category) body.category = inputs.category.value;
        if (picker.value() !== p.unit_id) body.unit_id = picker.value();
        send(form, top, button, function () { return api("PUT", "/api/me", body); }, function (res) {
          p = res.body.participant;
          ctx.remember(p);
          ctx.drawNav();
          add(top, done("Đã lưu thông tin của bạn."));
        });
      });
      return el("section", {class: "card"}, el("h2", {text: "Thông tin cá nhân"}), form);
    }
    // After a first attempt the unit and the category are shown, not offered (the attempt carries them).
    function lockedUnit(p, units) {
      var unit = unitTreeOrder(units).filter(function (o) { return o.unit.id === p.unit_id; })[0];
      return el("div", {class: "info", id: "unit-locked"}, el("dl", {class: "pairs"},
        el("div", null, el("dt", {text: "Đối tượng"}), el("dd", {text: CATEGORY[p.category] || ""})),
        el("div", null, el("dt", {text: "Đơn vị"}), el("dd", {text: unit ? unit.path : ""}))),
        el("p", {text: REFUSALS.participant_has_attempts}));
    }
    function passwordForm() {
      var current = passwordInput("current-password"), fresh = passwordInput("new-password"), again = passwordInput("new-password");
      var top = el("div");
      var button = el("button", {class: "btn", type: "submit", text: "Đổi mật khẩu"});
      var form = el("form", {novalidate: true, id: "password-form"}, field("password", "Mật khẩu hiện tại", current),
        field("new_password", "Mật khẩu mới", fresh, "Từ 8 đến 128 ký tự."), field("new_password2", "Nhập lại mật khẩu mới", again),
        top, button);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (missing(form, top, {password: [current.value, "Vui lòng nhập mật khẩu hiện tại."],
          new_password: [fresh.value, "Vui lòng nhập mật khẩu mới."], new_password2: [again.value, "Vui lòng nhập lại mật khẩu mới."]})) return;
        if (fresh.value !== again.value) return showErrors(form, top, {new_password2: "Hai lần nhập mật khẩu mới không giống nhau."});
        send(form, top, button, function () { return api("PUT", "/api/me/password", {password: current.value, new_password: fresh.value}); },
          function (res) {
            ctx.keepToken(res.body.token);
            form.reset();
            add(top, done("Đã đổi mật khẩu. Các thiết bị khác đang đăng nhập tài khoản này sẽ phải đăng nhập lại."));
          }, {bad_credentials: ["password", "Mật khẩu hiện tại không đúng."]});
      });
      return el("section", {class: "card"}, el("h2", {text: "Đổi mật khẩu"}), form);
    }

    ctx.route(/^\/dang-ky$/, register);
    ctx.route(/^\/dang-nhap$/, login);
    ctx.route(/^\/dang-nhap-bang-ma$/, codeLogin);
    ctx.route(/^\/quen-mat-khau$/, forgotten);
    ctx.route(/^\/tai-khoan$/, account);
  });
})();
