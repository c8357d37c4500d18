/* cuocthi organizer pages: organizer accounts (the owner) and the audit log (owner, organizer). Loaded before
   admin.js, which asks the pages registered here first (window.CuocThiAdminPages). Every value is shown with
   textContent; dates in the contest's time zone. */
(function () {
  "use strict";

  var C = window.CuocThi, el = C.el, add = C.add, clear = C.clear, alertBox = C.alertBox;
  var ROLES = {owner: "Chủ tài khoản quản trị", organizer: "Ban tổ chức", coordinator: "Điều phối viên đơn vị",
    viewer: "Chỉ xem"};
  var ACTIONS = {"units.import": "Nhập đơn vị", "round.create": "Tạo đợt thi", "round.update": "Sửa đợt thi",
    "round.questions": "Nhập câu hỏi", "round.close": "Đóng đợt thi", "account.create": "Tạo tài khoản",
    "account.update": "Sửa tài khoản", "participant.update": "Sửa thông tin thí sinh",
    "participant.disqualify": "Loại thí sinh", "participant.reinstate": "Cho thí sinh dự thi lại",
    "participant.password": "Cấp mật khẩu tạm", "export.create": "Xuất danh sách đăng ký",
    "contest.update": "Sửa cài đặt cuộc thi", "page.write": "Sửa trang thông tin", "announcement.create": "Đăng thông báo",
    "announcement.delete": "Gỡ thông báo", "unit.delete": "Xoá đơn vị", "round.finalize_again": "Tổng hợp lại kết quả",
    "round.publish": "Công bố kết quả"};
  var MESSAGES = {account_exists: "Tên đăng nhập này đã có người dùng.",
    last_owner: "Đây là chủ tài khoản quản trị cuối cùng: không thể khoá hay đổi vai trò."};
  var zone = null, units = null;

  function load(ctx) {
    if (zone && units) return Promise.resolve();
    return Promise.all([ctx.api("GET", "/api/contest"), ctx.api("GET", "/api/units")]).then(function (replies) {
      zone = replies[0].status === 200 ? replies[0].body.timezone : C.TZ;
      units = replies[1].status === 200 ? replies[1].body.units : [];
    });
  }
  function fmtTime(iso) {
    if (!iso) return "–";
    return new Date(iso).toLocaleString("vi-VN", {timeZone: zone || C.TZ, hour: "2-digit", minute: "2-digit",
      second: "2-digit", day: "2-digit", month: "2-digit", year: "numeric"});
  }
  function unitName(id) {
    var unit = (units || []).filter(function (u) { return u.id === id; })[0];
    return unit ? unit.name : id;
  }
  function text(ctx, body) { return MESSAGES[body && body.error && body.error.code] || ctx.message(body); }
  function render(ctx) { ctx.render.apply(null, [].slice.call(arguments, 1)); }

  // --- accounts ---------------------------------------------------------------------------------------------
  function accountsPage(ctx) {
    var list = el("div", {id: "accounts"});
    render(ctx, el("h1", {text: "Tài khoản quản trị"}), el("p", {class: "muted", text: "Đang tải…"}));
    load(ctx).then(function () {
      if (!ctx.isCurrent()) return;
      render(ctx, el("h1", {text: "Tài khoản quản trị"}),
        el("p", {class: "muted", text: "Ban tổ chức làm mọi việc của cuộc thi; điều phối viên chỉ xem người dự thi của đơn vị mình và xuất danh sách đăng ký; tài khoản chỉ xem đọc bảng điều khiển và kết quả."}),
        list, el("h2", {text: "Tạo tài khoản"}), createForm(ctx, refresh));
      refresh();
    });
    function refresh(notice) {
      ctx.api("GET", "/api/admin/accounts").then(function (reply) {
        if (!ctx.isCurrent()) return;
        clear(list);
        if (notice) add(list, el("p", {role: "status", class: "ok", text: notice}));
        if (reply.status !== 200) { add(list, alertBox(text(ctx, reply.body))); return; }
        add(list, ctx.table(["Tên đăng nhập", "Vai trò", "Đơn vị", "Trạng thái", "Tạo lúc", "Thao tác"],
          reply.body.accounts.map(function (a) { return accountRow(ctx, a, refresh, list); }), {class: "accounts"}));
      });
    }
  }
  function accountRow(ctx, account, refresh, list) {
    function change(body, notice) {
      ctx.api("PUT", "/api/admin/accounts/" + encodeURIComponent(account.username), body).then(function (reply) {
        if (reply.status === 200) refresh(notice);
        else add(list, alertBox(text(ctx, reply.body)));
      });
    }
    var toggle = el("button", {type: "button", class: "btn secondary",
      text: account.disabled ? "Mở khoá" : "Khoá", onclick: function () {
        change({disabled: !account.disabled}, (account.disabled ? "Đã mở khoá " : "Đã khoá ") + account.username + ".");
      }});
    var reset = el("button", {type: "button", class: "btn secondary", text: "Đổi mật khẩu", onclick: function () {
      var input = el("input", {type: "password", autocomplete: "new-password", "aria-label": "Mật khẩu mới cho " + account.username});
      var cell = reset.parentNode;
      clear(cell);
      add(cell, input, el("button", {type: "button", class: "btn", text: "Lưu mật khẩu", onclick: function () {
        change({password: input.value}, "Đã đổi mật khẩu của " + account.username + "; các phiên đăng nhập cũ đã hết hiệu lực.");
      }}));
      input.focus();
    }});
    return el("tr", {"data-account": account.username}, el("td", {class: "strong", text: account.username}),
      el("td", {text: ROLES[account.role] || account.role}),
      el("td", {text: account.unit_id ? unitName(account.unit_id) : "–"}),
      el("td", {class: account.disabled ? "no" : "ok", text: account.disabled ? "Đã khoá" : "Đang dùng"}),
      el("td", {text: fmtTime(account.created_at)}),
      el("td", {class: "actions-cell"}, toggle, " ", reset));
  }
  function createForm(ctx, refresh) {
    var status = el("div");
    var role = el("select", null, Object.keys(ROLES).map(function (k) {
      return el("option", {value: k, text: ROLES[k], selected: k === "coordinator"});
    }));
    var unit = el("select", null, el("option", {value: "", text: "Chọn đơn vị…"}), (units || []).slice().sort(function (a, b) {
      return a.name.localeCompare(b.name, "vi");
    }).map(function (u) { return el("option", {value: u.id, text: u.name}); }));
    var unitField = ctx.field("unit_id", "Đơn vị của điều phối viên", unit, "Điều phối viên xem được đơn vị này và các đơn vị trực thuộc.");
    var form = el("form", {novalidate: true, class: "box", id: "account-form"},
      ctx.field("username", "Tên đăng nhập", el("input", {type: "text", autocomplete: "off"}),
        "3–32 chữ thường không dấu, chữ số, dấu chấm, gạch ngang, ví dụ dp-dong-hoi."),
      ctx.field("password", "Mật khẩu", el("input", {type: "password", autocomplete: "new-password"}), "Ít nhất 8 ký tự."),
      ctx.field("role", "Vai trò", role), unitField, status,
      el("div", {class: "actions"}, el("button", {type: "submit", class: "btn", text: "Tạo tài khoản"})));
    function showUnit() { unitField.hidden = role.value !== "coordinator"; }
    role.addEventListener("change", showUnit);
    showUnit();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(status);
      var body = {username: form.username.value.trim(), password: form.password.value, role: role.value};
      if (role.value === "coordinator" && unit.value) body.unit_id = unit.value;
      ctx.api("POST", "/api/admin/accounts", body).then(function (reply) {
        ctx.showFieldErrors(form, reply.body);
        if (reply.status === 201) {
          form.reset();
          showUnit();
          refresh("Đã tạo tài khoản " + reply.body.account.username + " (" + ROLES[reply.body.account.role] + ").");
          return;
        }
        add(status, alertBox(text(ctx, reply.body)));
      });
    });
    return form;
  }

  // --- the audit log ------------------------------------------------------------------------------------------
  function details(entry) {
    var keys = Object.keys(entry.details || {});
    if (!keys.length) return "–";
    return keys.map(function (k) {
      var v = entry.details[k];
      return k + ": " + (typeof v === "object" && v !== null ? JSON.stringify(v) : String(v));
    }).join("; ");
  }
  function auditPage(ctx) {
    var holder = el("div", {id: "audit"});
    render(ctx, el("h1", {text: "Nhật ký thao tác"}),
      el("p", {class: "muted", text: "Mọi thay đổi của ban tổ chức: ai, lúc nào, làm gì, từ địa chỉ nào. Mới nhất ở trên."}), holder);
    load(ctx).then(function () { more(null); });
    function more(cursor) {
      ctx.api("GET", "/api/admin/audit?limit=50" + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "")).then(function (reply) {
        if (!ctx.isCurrent()) return;
        var button = holder.querySelector(".more");
        if (button) button.remove();
        if (reply.status !== 200) { add(holder, alertBox(text(ctx, reply.body))); return; }
        if (!cursor && !reply.body.entries.length) { add(holder, el("p", {class: "muted", text: "Chưa có thao tác nào."})); return; }
        var body = holder.querySelector("tbody");
        if (!body) {
          add(holder, ctx.table(["Thời điểm", "Người thực hiện", "Thao tác", "Đối tượng", "Chi tiết", "Địa chỉ"], [],
            {class: "audit", "aria-label": "Nhật ký thao tác"}));
          body = holder.querySelector("tbody");
        }
        reply.body.entries.forEach(function (e) {
          add(body, el("tr", {"data-action": e.action}, el("td", {text: fmtTime(e.at)}), el("td", {text: e.username}),
            el("td", {text: ACTIONS[e.action] || e.action}), el("td", {class: "wrap", text: e.target}),
            el("td", {class: "wrap", text: details(e)}), el("td", {text: e.client || "–"})));
        });
        if (reply.body.next) {
          add(holder, el("div", {class: "actions more"}, el("button", {type: "button", class: "btn secondary",
            text: "Xem thêm", onclick: function () { more(reply.body.next); }})));
        }
      });
    }
  }

  var pages = window.CuocThiAdminPages = window.CuocThiAdminPages || [];
  pages.push({
    nav: [["#/tai-khoan", "Tài khoản", ["owner"]], ["#/nhat-ky", "Nhật ký", ["owner", "organizer"]]],
    match: function (hash) {
      if (hash === "/tai-khoan") return {page: accountsPage};
      if (hash === "/nhat-ky") return {page: auditPage};
      return null;
    },
    show: function (ctx, args) { args.page(ctx); }
  });
})();
