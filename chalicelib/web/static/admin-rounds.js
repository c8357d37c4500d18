/* cuocthi organizer pages, a round's extra sections (added by admin.js at the end of a round's page): the bank with
   its answers, the prize structure, and the review-and-publish step with the prize list. Values are shown with
   textContent. Needs common.js and admin.js (window.CuocThi, window.CuocThiAdmin). */
(function () {
  "use strict";

  var C = window.CuocThi, A = window.CuocThiAdmin, el = C.el, add = C.add, clear = C.clear, alertBox = C.alertBox;
  var fmtInt = C.fmtInt, fmtTime = C.fmtTime;
  var CATEGORY = {official: "Cán bộ, công chức, viên chức, người lao động", citizen: "Nhân dân"};
  var MESSAGES = {
    round_published: "Kết quả đợt thi đã công bố: không thể tổng hợp lại hay đổi cơ cấu giải.",
    round_not_finalized: "Đợt thi chưa tổng hợp xong kết quả, chưa thể công bố. Vui lòng chờ rồi tải lại trang.",
    round_not_closed: "Đợt thi chưa đóng, chưa thể tổng hợp kết quả."
  };
  function message(body) { var code = body && body.error && body.error.code; return MESSAGES[code] || A.message(body); }
  function section(id, title) {
    var box = el("section", {"aria-labelledby": "h-" + id, id: id});
    add(box, el("h2", {id: "h-" + id, text: title}));
    return box;
  }
  function confirmStep(box, question, label, action) {
    // Asks before an action that cannot be undone; `action(button)` runs on confirmation.
    var holder = el("div", {class: "actions"});
    var cancel = el("button", {type: "button", class: "btn secondary", text: "Huỷ", onclick: function () { clear(holder); }});
    var go = el("button", {type: "button", class: "btn danger", text: label, onclick: function () { go.disabled = true; action(go); }});
    add(holder, el("p", {role: "alert", class: "warn", text: question}), go, cancel);
    add(box, holder);
    cancel.focus();
  }

  // --- the bank: how many questions, and every question with its answer on demand -------------------------
  function bankSection(round) {
    var box = section("bank-view", "Câu hỏi và đáp án");
    var enough = round.question_count >= round.questions_per_attempt;
    add(box, el("p", {id: "bank-count", class: enough ? null : "warn",
      text: "Ngân hàng có " + fmtInt(round.question_count) + " câu hỏi; mỗi bài thi " + fmtInt(round.questions_per_attempt) + " câu." +
        (enough ? "" : " Chưa đủ câu hỏi: đợt thi sẽ không nhận bài thi cho đến khi nhập đủ.")}));
    var list = el("div");
    var show = el("button", {type: "button", class: "btn secondary", text: "Xem câu hỏi và đáp án", onclick: load});
    add(box, el("div", {class: "actions"}, show), list);
    function load() {
      show.disabled = true;
      A.api("GET", "/api/admin/rounds/" + round.id + "/questions").then(function (reply) {
        show.disabled = false;
        clear(list);
        if (reply.status !== 200) { add(list, alertBox(message(reply.body))); return; }
        if (!reply.body.questions.length) { add(list, el("p", {class: "muted", text: "Chưa có câu hỏi nào."})); return; }
        add(list, A.table(["Mã", "Câu hỏi", "Các phương án", "Đáp án"], reply.body.questions.map(function (q) {
          return el("tr", {"data-question": q.id}, el("td", {text: q.id}), el("td", {class: "wrap", text: q.text}),
            el("td", {class: "wrap"}, el("ol", {type: "A"}, q.options.map(function (o) { return el("li", {text: o}); }))),
            el("td", {text: String.fromCharCode(65 + q.answer) + ". " + q.options[q.answer]}));
        }), {class: "bank-table"}));
      });
    }
    return box;
  }

  // --- the prize structure: lines of {name, count, category}, and collective prizes ------------------------
  function prizeRows(lines, withCategory) {
    var body = el("tbody");
    function row(line) {
      var tr = el("tr", {class: "prize-line"},
        el("td", null, el("input", {type: "text", class: "prize-name", "aria-label": "Tên giải", value: line.name || ""})),
        el("td", null, el("input", {type: "number", class: "prize-count", min: 1, "aria-label": "Số lượng", value: line.count || 1})),
        withCategory ? el("td", null, el("select", {class: "prize-category", "aria-label": "Đối tượng"},
          [["", "Xếp chung"], ["official", CATEGORY.official], ["citizen", CATEGORY.citizen]].map(function (c) {
            return el("option", {value: c[0], text: c[1], selected: (line.category || "") === c[0]});
          }))) : null,
        el("td", null, el("button", {type: "button", class: "btn secondary", text: "Xoá", onclick: function () { body.removeChild(tr); }})));
      add(body, tr);
    }
    lines.forEach(row);
    return {body: body, add: function () { row({}); body.lastChild.querySelector("input").focus(); },
      read: function () {
        return [].map.call(body.querySelectorAll("tr"), function (tr) {
          var line = {name: tr.querySelector(".prize-name").value.trim(), count: Number(tr.querySelector(".prize-count").value)};
          if (withCategory) line.category = tr.querySelector(".prize-category").value || null;
          return line;
        });
      }};
  }
  function prizeTable(rows, head, addLabel) {
    return el("div", null, el("div", {class: "tablewrap"}, el("table", {class: "prize-editor"},
      el("thead", null, el("tr", null, head.map(function (h) { return el("th", {scope: "col", text: h}); }))), rows.body)),
      el("button", {type: "button", class: "btn secondary", text: addLabel, onclick: rows.add}));
  }
  function prizesSection(round) {
    var box = section("prizes-edit", "Cơ cấu giải thưởng");
    if (round.published_at) {
      add(box, el("p", {class: "muted", text: "Kết quả đã công bố: cơ cấu giải không thể thay đổi."}));
      return box;
    }
    var individual = prizeRows(round.prizes || [], true), units = prizeRows(round.unit_prizes || [], false);
    var status = el("div");
    var save = el("button", {type: "submit", class: "btn", text: "Lưu cơ cấu giải"});
    var form = el("form", {novalidate: true, class: "box", id: "prize-form"},
      el("p", {class: "muted", text: "Giải cá nhân được trao lần lượt theo thứ tự dưới đây, từ trên xuống bảng xếp hạng chung cuộc " +
        "(trong đối tượng đã chọn); mỗi người nhận nhiều nhất một giải; người bị loại không được nhận giải. " +
        "Giải tập thể trao cho các sở, ban, ngành và huyện, thị xã, thành phố theo bảng xếp hạng đơn vị. " +
        "Có thể đổi cơ cấu giải đến khi công bố; sau khi đợt thi đóng, cần tổng hợp lại để áp dụng."}),
      el("h3", {text: "Giải cá nhân"}), prizeTable(individual, ["Tên giải", "Số lượng", "Đối tượng", ""], "Thêm giải cá nhân"),
      el("h3", {text: "Giải tập thể"}), prizeTable(units, ["Tên giải", "Số lượng", ""], "Thêm giải tập thể"),
      el("div", {class: "err", id: "err-prizes", "aria-live": "polite"}), el("div", {class: "err", id: "err-unit_prizes", "aria-live": "polite"}),
      status, el("div", {class: "actions"}, save));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(status);
      form.querySelectorAll(".err").forEach(function (slot) { slot.textContent = ""; });
      save.disabled = true;
      A.api("PUT", "/api/admin/rounds/" + round.id, {prizes: individual.read(), unit_prizes: units.read()}).then(function (reply) {
        save.disabled = false;
        if (reply.status === 200) { add(status, el("p", {class: "ok", role: "status", text: "Đã lưu cơ cấu giải."})); return; }
        var fields = (reply.body && reply.body.error && reply.body.error.fields) || {};
        Object.keys(fields).forEach(function (name) { var slot = form.querySelector("#err-" + name); if (slot) slot.textContent = fields[name]; });
        add(status, alertBox(message(reply.body)));
      });
    });
    add(box, form);
    return box;
  }

  // --- review and publish: the prize list as computed, finalize again, publish ----------------------------
  function prizeList(body) {
    var holder = el("div", {id: "prize-list"});
    if (!body.individual.length && !body.units.length) {
      add(holder, el("p", {class: "muted", text: "Không có giải nào được trao (chưa khai báo cơ cấu giải, hoặc chưa có người dự thi)."}));
      return holder;
    }
    if (body.individual.length) {
      add(holder, el("h3", {text: "Giải cá nhân"}), A.table(["Giải", "Đối tượng", {text: "Hạng", num: true}, "Họ và tên", "Đơn vị",
        {text: "Số câu đúng", num: true}], body.individual.map(function (p) {
        return el("tr", {"data-participant": p.participant_id}, el("td", {text: p.prize}),
          el("td", {text: p.category ? CATEGORY[p.category] : "Xếp chung"}), el("td", {class: "num", text: fmtInt(p.rank)}),
          el("td", {text: p.display_name}), el("td", {text: p.unit_name}), el("td", {class: "num", text: p.correct + "/" + p.total}));
      }), {class: "prizes-individual"}));
    }
    if (body.units.length) {
      add(holder, el("h3", {text: "Giải tập thể"}), A.table(["Giải", {text: "Hạng", num: true}, "Đơn vị"], body.units.map(function (u) {
        return el("tr", {"data-unit": u.unit_id}, el("td", {text: u.prize}), el("td", {class: "num", text: fmtInt(u.rank)}), el("td", {text: u.name}));
      }), {class: "prizes-units"}));
    }
    return holder;
  }
  function reviewSection(round) {
    var box = section("review", "Xét duyệt và công bố kết quả");
    var state = el("div", {id: "review-state", "aria-live": "polite"});
    var list = el("div");
    var actions = el("div");
    add(box, state, list, actions);
    function draw(r, notice) {
      clear(state); clear(list); clear(actions);
      if (notice) add(state, el("p", {class: "ok", role: "status", text: notice}));
      if (r.published_at) {
        add(state, el("p", {id: "published", text: "Đã công bố kết quả lúc " + fmtTime(r.published_at) +
          ". Bảng xếp hạng chung cuộc và danh sách giải thưởng đã hiển thị công khai."}));
      } else if (r.status === "finalized") {
        add(state, el("p", {id: "unpublished", text: "Đã tổng hợp kết quả, chưa công bố: người dự thi vẫn thấy bảng xếp hạng tạm thời. " +
          "Hãy kiểm tra danh sách giải thưởng và các tệp kết quả; nếu loại thí sinh vi phạm, hãy tổng hợp lại trước khi công bố."}));
      } else {
        add(state, el("p", {id: "pending", text: "Đang chờ tổng hợp kết quả (hệ thống chạy mỗi phút một lần sau khi hết thời gian chờ nộp bài)."}),
          el("div", {class: "actions"}, el("button", {type: "button", class: "btn secondary", text: "Kiểm tra lại", onclick: reload})));
        return;
      }
      A.api("GET", "/api/admin/rounds/" + r.id + "/prizes").then(function (reply) {
        if (reply.status !== 200) { add(list, alertBox(message(reply.body))); return; }
        add(list, prizeList(reply.body));
      });
      if (r.published_at) return;
      add(actions, el("div", {class: "actions"},
        el("button", {type: "button", class: "btn secondary", text: "Tổng hợp lại…", onclick: function () {
          confirmStep(actions, "Tổng hợp lại kết quả đợt thi “" + r.name + "”? Thí sinh đã bị loại sẽ không được tính; kết quả mới có sau khoảng một phút.",
            "Xác nhận tổng hợp lại", function () { act("finalize", 202, "Đã yêu cầu tổng hợp lại."); });
        }}),
        el("button", {type: "button", class: "btn", text: "Công bố kết quả…", onclick: function () {
          confirmStep(actions, "Công bố kết quả đợt thi “" + r.name + "”? Sau khi công bố, kết quả và giải thưởng không thể thay đổi.",
            "Xác nhận công bố", function () { act("publish", 200, "Đã công bố kết quả."); });
        }})));
    }
    function act(what, expected, done) {
      A.api("POST", "/api/admin/rounds/" + round.id + "/" + what).then(function (reply) {
        if (reply.status === expected) { round = reply.body.round; draw(round, done); return; }
        add(actions, alertBox(message(reply.body)));
      });
    }
    function reload() {
      A.api("GET", "/api/contest").then(function (reply) {
        var found = reply.status === 200 && (reply.body.rounds || []).filter(function (r) { return r.id === round.id; })[0];
        if (found) { round = found; draw(round); }
      });
    }
    draw(round);
    return box;
  }

  A.roundSections.push(bankSection, prizesSection, function (round) {
    return round.status === "closed" || round.status === "finalized" ? reviewSection(round) : null;
  });
})();
