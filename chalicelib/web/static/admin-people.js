/* cuocthi organizer pages: participants (search, card, disqualify, temporary password), the registrations export
   and the coordinator's own unit. Loaded before admin.js, which asks the pages registered here first
   (window.CuocThiAdminPages) and hands them its context (API client, table and form helpers). Every value is
   shown with textContent; dates in the contest's time zone. */
(function () {
  "use strict";

  var C = window.CuocThi, el = C.el, add = C.add, clear = C.clear, alertBox = C.alertBox, fmtInt = C.fmtInt;
  var fmtRate = C.fmtRate;
  var OPERATE = ["owner", "organizer"];
  var CATEGORIES = {official: "Cán bộ, công chức, viên chức, người lao động", citizen: "Nhân dân"};
  var STATUSES = {active: "Đang dự thi", disqualified: "Bị loại"};
  var ATTEMPT_STATUS = {in_progress: "Đang làm", submitted: "Đã nộp", expired: "Hết giờ, không nộp"};
  var SIGNALS = {too_fast: "Làm bài quá nhanh", probe: "Bỏ trống quá nửa số câu",
    shared_device: "Dùng chung thiết bị hoặc địa chỉ mạng"};
  var EXPORT_STATUS = {pending: "Đang tạo tệp…", ready: "Đã sẵn sàng", failed: "Không tạo được tệp, vui lòng thử lại",
    expired: "Tệp đã hết hạn (lưu 7 ngày), vui lòng xuất lại"};
  var MESSAGES = {participant_not_found: "Không tìm thấy thí sinh.",
    participant_has_attempts: "Thí sinh đã có bài thi được ghi nhận: không thể đổi đơn vị hoặc đối tượng.",
    forbidden: "Bạn không có quyền xem hoặc thay đổi mục này."};
  var shared = {contest: null, units: null};

  // --- what every page here needs: the contest (time zone, targets, rounds) and the units ------------------
  function load(ctx) {
    if (shared.contest && shared.units) return Promise.resolve(shared);
    return Promise.all([ctx.api("GET", "/api/contest"), ctx.api("GET", "/api/units")]).then(function (replies) {
      if (replies[0].status === 200) shared.contest = replies[0].body;
      if (replies[1].status === 200) shared.units = replies[1].body.units;
      return shared;
    });
  }
  function fmtTime(iso) {
    if (!iso) return "–";
    var zone = (shared.contest && shared.contest.timezone) || C.TZ;
    return new Date(iso).toLocaleString("vi-VN", {timeZone: zone, hour: "2-digit", minute: "2-digit",
      day: "2-digit", month: "2-digit", year: "numeric"});
  }
  function unitName(id) {
    var unit = (shared.units || []).filter(function (u) { return u.id === id; })[0];
    return unit ? unit.name : id;
  }
  // The unit and its descendants, depth first, with their depth (for an indented picker).
  function subtree(rootId) {
    var units = shared.units || [], children = {}, out = [];
    units.forEach(function (u) { (children[u.parent_id || ""] = children[u.parent_id || ""] || []).push(u); });
    function walk(unit, depth) {
      out.push({unit: unit, depth: depth});
      (children[unit.id] || []).forEach(function (c) { walk(c, depth + 1); });
    }
    if (rootId) units.filter(function (u) { return u.id === rootId; }).forEach(function (u) { walk(u, 0); });
    else (children[""] || []).forEach(function (u) { walk(u, 0); });
    return out;
  }
  function unitSelect(rootId, withAll) {
    var select = el("select");
    if (withAll) add(select, el("option", {value: "", text: "Tất cả đơn vị"}));
    subtree(rootId).forEach(function (entry) {
      add(select, el("option", {value: entry.unit.id, text: "\u00a0\u00a0".repeat(entry.depth) + entry.unit.name}));
    });
    return select;
  }
  function text(ctx, body) { return MESSAGES[body && body.error && body.error.code] || ctx.message(body); }
  function signalText(names) {
    return names && names.length ? names.map(function (s) { return SIGNALS[s] || s; }).join("; ") : "–";
  }
  function canOperate(ctx) { return OPERATE.indexOf(ctx.me.role) >= 0; }

  // --- the participant search ------------------------------------------------------------------------------
  function searchPage(ctx, args) {
    var scoped = ctx.me.role === "coordinator";
    var results = el("div", {id: "people-results", "aria-live": "polite"});
    var exportBox = el("div", {id: "export-box"});
    render(ctx, el("h1", {text: "Thí sinh"}), el("p", {class: "muted", text: "Đang tải…"}));
    load(ctx).then(function () {
      if (!ctx.isCurrent()) return;
      var units = unitSelect(scoped ? ctx.me.unit_id : null, !scoped);
      if (args.unit) units.value = args.unit;
      var category = el("select", null, el("option", {value: "", text: "Tất cả đối tượng"}),
        Object.keys(CATEGORIES).map(function (k) { return el("option", {value: k, text: CATEGORIES[k]}); }));
      var status = el("select", null, el("option", {value: "", text: "Tất cả"}),
        Object.keys(STATUSES).map(function (k) { return el("option", {value: k, text: STATUSES[k]}); }));
      var form = el("form", {novalidate: true, class: "box", role: "search", id: "people-search"},
        ctx.field("q", "Tìm theo số điện thoại, số CCCD hoặc họ tên", el("input", {type: "search", autocomplete: "off"}),
          "Họ tên: gõ vài chữ đầu, không cần dấu (ví dụ “nguyen van”)."),
        el("div", {class: "grid2"}, ctx.field("unit", "Đơn vị (gồm cả đơn vị trực thuộc)", units),
          ctx.field("category", "Đối tượng", category)),
        ctx.field("status", "Trạng thái", status),
        el("div", {class: "actions"}, el("button", {type: "submit", class: "btn", text: "Tìm"})));
      form.addEventListener("submit", function (event) { event.preventDefault(); run(null); });
      render(ctx, el("h1", {text: "Thí sinh"}), form, results,
        el("section", {"aria-labelledby": "h-export"}, el("h2", {id: "h-export", text: "Xuất danh sách đăng ký"}),
          exportForm(ctx, function () { return units.value || null; }, exportBox), exportBox));
      function query(cursor) {
        var q = {q: form.q.value.trim(), unit_id: units.value, category: category.value, status: status.value};
        if (cursor) q.cursor = cursor;
        return Object.keys(q).filter(function (k) { return q[k]; }).map(function (k) {
          return k + "=" + encodeURIComponent(q[k]);
        }).join("&");
      }
      function run(cursor) {
        if (!cursor) { clear(results); add(results, el("p", {class: "muted", text: "Đang tìm…"})); }
        ctx.api("GET", "/api/admin/participants?limit=50&" + query(cursor)).then(function (reply) {
          if (!ctx.isCurrent()) return;
          var more = results.querySelector(".more");
          if (more) more.remove();
          if (!cursor) clear(results);
          ctx.showFieldErrors(form, reply.body);
          if (reply.status !== 200) { add(results, alertBox(text(ctx, reply.body))); return; }
          var people = reply.body.participants;
          if (!cursor && !people.length) { add(results, el("p", {class: "muted", text: "Không có thí sinh nào phù hợp."})); return; }
          var body = results.querySelector("tbody");
          if (!body) {
            add(results, ctx.table(["Họ và tên", "Số điện thoại", "Đơn vị", "Đối tượng", "Trạng thái", "Dấu hiệu"], [],
              {class: "people", "aria-label": "Danh sách thí sinh"}));
            body = results.querySelector("tbody");
          }
          people.forEach(function (p) { add(body, personRow(p)); });
          if (reply.body.next) {
            add(results, el("div", {class: "actions more"}, el("button", {type: "button", class: "btn secondary",
              text: "Xem thêm", onclick: function () { run(reply.body.next); }})));
          }
        });
      }
      run(null);
    });
  }
  function personRow(p) {
    return el("tr", {"data-participant": p.id},
      el("td", {class: "grow"}, el("a", {href: "#/thi-sinh/" + p.id, text: p.full_name})),
      el("td", {text: p.phone}), el("td", {text: unitName(p.unit_id)}),
      el("td", {text: p.category === "official" ? "CBCCVC" : "Nhân dân"}),
      el("td", {class: p.status === "disqualified" ? "no" : null, text: STATUSES[p.status] || p.status}),
      el("td", {class: "wrap", text: signalText(p.signals)}));
  }

  // --- the registrations export: asked for, polled, then the links ---------------------------------------
  function exportForm(ctx, unitOf, box) {
    var button = el("button", {type: "button", class: "btn", id: "export-start", text: "Xuất danh sách (CSV và Excel)"});
    button.addEventListener("click", function () {
      button.disabled = true;
      clear(box);
      var unit = unitOf();
      ctx.api("POST", "/api/admin/exports", unit ? {kind: "registrations", unit_id: unit} : {kind: "registrations"})
        .then(function (reply) {
          button.disabled = false;
          if (reply.status !== 202) { add(box, alertBox(text(ctx, reply.body))); return; }
          poll(ctx, reply.body["export"].id, box);
        });
    });
    return el("div", null, el("p", {class: "muted", text: "Danh sách người đã đăng ký của đơn vị đang chọn (gồm cả đơn vị trực thuộc). Tệp được tạo trong vòng một, hai phút và lưu 7 ngày."}),
      el("div", {class: "actions"}, button));
  }
  function poll(ctx, id, box) {
    ctx.api("GET", "/api/admin/exports/" + id).then(function (reply) {
      if (!ctx.isCurrent()) return;
      clear(box);
      if (reply.status !== 200) { add(box, alertBox(text(ctx, reply.body))); return; }
      var body = reply.body;
      add(box, el("p", {role: "status", id: "export-status", class: body.status === "ready" ? "ok" : null,
        text: EXPORT_STATUS[body.status] + (body.status === "ready" ? " · " + fmtInt(body.rows) + " người" : "")}));
      if (body.status === "pending") { setTimeout(function () { poll(ctx, id, box); }, 3000); return; }
      if (body.status !== "ready") return;
      add(box, el("ul", {class: "files"}, body.files.map(function (f) {
        return el("li", null, el("a", {href: f.url, rel: "noopener noreferrer", "data-file": f.format,
          text: f.format === "csv" ? "Tải tệp CSV (UTF-8)" : "Tải tệp Excel (XLSX)"}));
      })), el("p", {class: "muted small", text: "Liên kết tải có hiệu lực ngắn, hết hạn lúc " + fmtTime(body.files[0].expires_at) + "."}));
    });
  }

  // --- one participant: details, attempts with signals, the organizers' actions ---------------------------
  function cardPage(ctx, args) {
    render(ctx, el("p", {class: "muted", text: "Đang tải…"}));
    load(ctx).then(function () { return ctx.api("GET", "/api/admin/participants/" + args.id); }).then(function (reply) {
      if (!ctx.isCurrent()) return;
      var back = el("p", null, el("a", {href: "#/thi-sinh", text: "← Tìm thí sinh"}));
      if (reply.status !== 200) { render(ctx, back, el("h1", {text: "Thí sinh"}), alertBox(text(ctx, reply.body))); return; }
      drawCard(ctx, reply.body, back);
    });
  }
  function drawCard(ctx, body, back) {
    var p = body.participant;
    var facts = [["Số điện thoại", p.phone], ["Đơn vị", unitName(p.unit_id)], ["Đối tượng", CATEGORIES[p.category]],
      ["Năm sinh", p.birth_year ? String(p.birth_year) : "–"], ["Email", p.email || "–"],
      ["Đăng ký lúc", fmtTime(p.registered_at)], ["Xác thực số điện thoại", p.verified ? "Đã xác thực" : "Chưa"],
      ["Trạng thái", STATUSES[p.status] + (p.disqualified_reason ? " – lý do: " + p.disqualified_reason : "")],
      ["Dấu hiệu bất thường", signalText(p.signals)]];
    var rounds = (shared.contest && shared.contest.rounds) || [];
    function roundName(id) { var r = rounds.filter(function (x) { return x.id === id; })[0]; return r ? r.name : id; }
    var attempts = body.rounds.length ? body.rounds.map(function (r) {
      return el("div", null, el("h3", {text: roundName(r.round_id)}),
        ctx.table(["Bắt đầu", "Trạng thái", {text: "Số câu đúng", num: true}, {text: "Thời gian (giây)", num: true},
          "Nộp lúc", {text: "Dự đoán", num: true}, "Dấu hiệu"], r.attempts.map(function (a) {
          return el("tr", {"data-attempt": a.attempt_id}, el("td", {text: fmtTime(a.started_at)}),
            el("td", {text: ATTEMPT_STATUS[a.status] || a.status}),
            el("td", {class: "num", text: a.correct === null ? "–" : a.correct + "/" + a.total}),
            el("td", {class: "num", text: a.duration_ms === null ? "–" : fmtInt(a.duration_ms / 1000)}),
            el("td", {text: fmtTime(a.submitted_at)}), el("td", {class: "num", text: fmtInt(a.prediction)}),
            el("td", {class: "wrap", text: signalText(a.signals)}));
        }), {class: "attempts"}));
    }) : el("p", {class: "muted", text: "Chưa có lượt thi nào."});
    render(ctx, back, el("h1", {id: "card-name", text: p.full_name}),
      el("dl", {class: "facts box", id: "card-facts"}, facts.map(function (f) {
        return [el("dt", {text: f[0]}), el("dd", {text: f[1]})];
      })),
      el("h2", {text: "Các lượt thi"}), attempts,
      canOperate(ctx) ? actions(ctx, p, back) : null);
  }
  function actions(ctx, p, back) {
    var status = el("div", {id: "card-status", "aria-live": "polite"});
    function reload(notice) {
      ctx.api("GET", "/api/admin/participants/" + p.id).then(function (reply) {
        if (reply.status !== 200) return;
        drawCard(ctx, reply.body, back);
        if (notice) add(document.getElementById("card-status"), el("p", {role: "status", class: "ok", text: notice}));
      });
    }
    function done(reply, notice) {
      clear(status);
      if (reply.status === 200) reload(notice); else add(status, alertBox(text(ctx, reply.body)));
    }
    var section = el("section", {"aria-labelledby": "h-actions"}, el("h2", {id: "h-actions", text: "Xử lý của ban tổ chức"}), status);
    if (p.status === "disqualified") {
      add(section, el("div", {class: "box"}, el("p", {text: "Cho thí sinh dự thi trở lại. Kết quả sẽ được tính lại khi tổng hợp lại đợt thi."}),
        el("button", {type: "button", class: "btn", text: "Cho dự thi trở lại", onclick: function () {
          ctx.api("POST", "/api/admin/participants/" + p.id + "/reinstate").then(function (r) { done(r, "Đã cho thí sinh dự thi trở lại."); });
        }})));
    } else {
      var reason = el("input", {type: "text", maxlength: 500});
      var form = el("form", {novalidate: true, class: "box", id: "disqualify-form"},
        ctx.field("reason", "Lý do loại khỏi cuộc thi", reason, "Ví dụ: thi hộ, dùng nhiều tài khoản, khai sai thông tin."),
        el("div", {class: "actions"}, el("button", {type: "submit", class: "btn danger", text: "Loại khỏi cuộc thi"})));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        ctx.api("POST", "/api/admin/participants/" + p.id + "/disqualify", {reason: reason.value.trim()}).then(function (r) {
          ctx.showFieldErrors(form, r.body);
          if (r.status === 400) return;
          done(r, "Đã loại thí sinh khỏi cuộc thi.");
        });
      });
      add(section, form);
    }
    var passwordBox = el("div", {class: "box", id: "password-box"});
    add(passwordBox, el("p", {text: "Cấp mật khẩu tạm cho thí sinh quên mật khẩu; mọi phiên đăng nhập cũ của thí sinh sẽ hết hiệu lực."}),
      el("button", {type: "button", class: "btn secondary", text: "Cấp mật khẩu tạm", onclick: function (event) {
        event.target.disabled = true;
        ctx.api("POST", "/api/admin/participants/" + p.id + "/password").then(function (reply) {
          clear(passwordBox);
          if (reply.status !== 200) { add(passwordBox, alertBox(text(ctx, reply.body))); return; }
          add(passwordBox, el("p", {role: "status"}, "Mật khẩu tạm: ",
            el("strong", {id: "temporary-password", class: "code", text: reply.body.temporary_password})),
            el("p", {class: "muted small", text: "Hãy đọc cho thí sinh và đề nghị đổi mật khẩu sau khi đăng nhập. Mật khẩu này không hiển thị lại."}));
        });
      }}));
    add(section, passwordBox);
    return section;
  }

  // --- the coordinator's own unit: participation against the targets, their people, the export ------------
  function unitPage(ctx) {
    var unitId = ctx.me.unit_id;
    render(ctx, el("p", {class: "muted", text: "Đang tải…"}));
    load(ctx).then(function () {
      if (!ctx.isCurrent()) return;
      var rounds = (shared.contest && shared.contest.rounds) || [];
      var table = el("div", {id: "unit-participation"});
      var exportBox = el("div", {id: "export-box"});
      var select = el("select", null, rounds.map(function (r) { return el("option", {value: r.id, text: r.name}); }));
      var live = rounds.filter(function (r) { return r.status === "open"; })[0] || rounds[rounds.length - 1];
      if (live) select.value = live.id;
      select.addEventListener("change", function () { participation(ctx, select.value, unitId, table); });
      render(ctx, el("h1", {id: "unit-title", text: unitName(unitId)}),
        el("p", {class: "muted", text: "Bạn là điều phối viên của đơn vị này và các đơn vị trực thuộc: hướng dẫn mọi người đăng ký đúng đơn vị, theo dõi số người dự thi so với chỉ tiêu."}),
        el("h2", {text: "Tham gia so với chỉ tiêu"}), rounds.length ? ctx.field("round", "Đợt thi", select) : null, table,
        el("h2", {text: "Người của đơn vị"}),
        el("p", null, el("a", {class: "btn secondary", href: "#/thi-sinh", text: "Tìm và xem thí sinh của đơn vị"})),
        el("h2", {text: "Xuất danh sách đăng ký"}), exportForm(ctx, function () { return unitId; }, exportBox), exportBox);
      if (live) participation(ctx, select.value, unitId, table);
      else add(table, el("p", {class: "muted", text: "Chưa có đợt thi nào."}));
    });
  }
  function participation(ctx, roundId, unitId, box) {
    ctx.api("GET", "/api/rounds/" + encodeURIComponent(roundId) + "/units").then(function (reply) {
      if (!ctx.isCurrent()) return;
      clear(box);
      if (reply.status !== 200) { add(box, alertBox(text(ctx, reply.body))); return; }
      var mine = {};
      subtree(unitId).forEach(function (entry) { mine[entry.unit.id] = entry.depth; });
      var rows = reply.body.entries.filter(function (e) { return e.unit_id in mine; });
      var targets = (shared.contest && shared.contest.targets) || {};
      add(box, el("p", {class: "muted small", text: "Chỉ tiêu: CBCCVC " + fmtRate(targets.official_rate) + ", nhân dân " +
        fmtRate(targets.citizen_rate) + (reply.body.final ? " · kết quả chính thức" : " · tạm tính lúc " + fmtTime(reply.body.as_of))}));
      if (!rows.length) { add(box, el("p", {class: "muted", text: "Chưa có người dự thi."})); return; }
      rows.sort(function (a, b) { return mine[a.unit_id] - mine[b.unit_id] || a.name.localeCompare(b.name, "vi"); });
      add(box, ctx.table(["Đơn vị", {text: "Người dự thi", num: true}, {text: "CBCCVC", num: true}, {text: "Nhân dân", num: true},
        {text: "Tỷ lệ CBCCVC", num: true}, {text: "Tỷ lệ nhân dân", num: true}, "Chỉ tiêu"], rows.map(function (e) {
        return el("tr", {"data-unit": e.unit_id}, el("td", {class: "grow", text: e.name}),
          el("td", {class: "num", text: fmtInt(e.participants)}), el("td", {class: "num", text: fmtInt(e.officials)}),
          el("td", {class: "num", text: fmtInt(e.citizens)}), el("td", {class: "num", text: fmtRate(e.official_rate)}),
          el("td", {class: "num", text: fmtRate(e.citizen_rate)}),
          el("td", {class: e.meets_targets ? "ok" : "no", text: e.meets_targets ? "Đạt" : "Chưa đạt"}));
      }), {class: "unit-targets"}));
    });
  }

  function render(ctx) { ctx.render.apply(null, [].slice.call(arguments, 1)); }

  var pages = window.CuocThiAdminPages = window.CuocThiAdminPages || [];
  pages.push({
    nav: [["#/", "Đơn vị của tôi", ["coordinator"]], ["#/thi-sinh", "Thí sinh", ["owner", "organizer", "coordinator"]]],
    match: function (hash, me) {
      var m;
      if (hash === "/" && me.role === "coordinator") return {page: unitPage};
      if (hash === "/thi-sinh") return {page: searchPage};
      if ((m = hash.match(/^\/thi-sinh\/([A-Za-z0-9_-]{1,64})$/))) return {page: cardPage, id: m[1]};
      return null;
    },
    show: function (ctx, args) { args.page(ctx, args); }
  });
})();
