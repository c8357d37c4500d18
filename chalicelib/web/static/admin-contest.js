/* cuocthi organizer pages for the contest itself: settings (#/cuoc-thi), its pages in Markdown with a preview
   rendered by the server (#/trang/<slug>), announcements. Values are shown with textContent; only the server's
   sanitized HTML (body_html, nh3) is inserted as HTML. Needs common.js and admin.js. */
(function () {
  "use strict";

  var C = window.CuocThi, A = window.CuocThiAdmin, el = C.el, add = C.add, clear = C.clear, alertBox = C.alertBox;
  var fmtTime = C.fmtTime;
  var DEFAULT_TITLES = {"the-le": "Thể lệ cuộc thi", "huong-dan": "Hướng dẫn dự thi"};
  var PUBLICATION = {automatic: "Tự động: công bố ngay khi tổng hợp xong", review: "Xét duyệt: ban tổ chức kiểm tra rồi mới công bố"};
  var VERIFICATION = {off: "Không yêu cầu", required: "Bắt buộc xác thực số điện thoại bằng mã SMS"};

  function options(choices, selected) {
    return Object.keys(choices).map(function (k) { return el("option", {value: k, text: choices[k], selected: k === selected}); });
  }
  function percent(rate) { return rate === null || rate === undefined ? "" : String(Math.round(rate * 1000) / 10); }
  function html(node, sanitized) { node.innerHTML = sanitized; return node; } // server-sanitized (nh3) HTML only
  function saved(form, status, reply, text) {
    A.showFieldErrors(form, reply.body);
    if (reply.status === 200 || reply.status === 201) { add(status, el("p", {class: "ok", role: "status", text: text})); return true; }
    add(status, alertBox(A.message(reply.body)));
    return false;
  }

  // --- settings ------------------------------------------------------------------------------------------
  function settingsForm(s) {
    var status = el("div");
    var button = el("button", {type: "submit", class: "btn", text: "Lưu cài đặt"});
    var form = el("form", {novalidate: true, class: "box", id: "settings-form"},
      A.field("name", "Tên cuộc thi", el("input", {type: "text", value: s.name})),
      A.field("description", "Giới thiệu", el("textarea", {rows: 3, text: s.description})),
      A.field("contact", "Liên hệ ban tổ chức", el("input", {type: "text", value: s.contact}), "Ví dụ: Sở Nội vụ, điện thoại 0232 3822 000."),
      A.field("timezone", "Múi giờ", el("input", {type: "text", value: s.timezone}),
        "Tên múi giờ IANA, ví dụ Asia/Ho_Chi_Minh. Mọi thời điểm được nhập và hiển thị theo múi giờ này."),
      el("div", {class: "grid2"},
        A.field("official_rate", "Chỉ tiêu CBCCVC tham gia (%)", el("input", {type: "number", min: 0, max: 100, step: "any", value: percent(s.targets.official_rate)})),
        A.field("citizen_rate", "Chỉ tiêu người dân tham gia (%)", el("input", {type: "number", min: 0, max: 100, step: "any", value: percent(s.targets.citizen_rate)}))),
      A.field("publication", "Công bố kết quả", el("select", null, options(PUBLICATION, s.publication))),
      A.field("phone_verification", "Xác thực số điện thoại khi đăng ký", el("select", null, options(VERIFICATION, s.phone_verification))),
      el("div", {class: "grid2"},
        A.field("min_seconds_per_question", "Số giây tối thiểu mỗi câu", el("input", {type: "number", min: 0, max: 600, value: s.min_seconds_per_question}),
          "Bài làm nhanh hơn sẽ được đánh dấu bất thường."),
        A.field("max_accounts_per_device", "Số tài khoản tối đa mỗi thiết bị", el("input", {type: "number", min: 1, max: 1000, value: s.max_accounts_per_device}))),
      el("div", {class: "err", id: "err-targets", "aria-live": "polite"}),
      status, el("div", {class: "actions"}, button));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(status);
      var v = function (name) { return form.elements[name].value.trim(); };
      var body = {name: v("name"), description: v("description"), contact: v("contact"), timezone: v("timezone"),
        targets: {official_rate: Number(v("official_rate")) / 100, citizen_rate: Number(v("citizen_rate")) / 100},
        publication: v("publication"), phone_verification: v("phone_verification"),
        min_seconds_per_question: Number(v("min_seconds_per_question")), max_accounts_per_device: Number(v("max_accounts_per_device"))};
      button.disabled = true;
      A.api("PUT", "/api/admin/contest", body).then(function (reply) {
        button.disabled = false;
        if (saved(form, status, reply, "Đã lưu cài đặt.")) C.setTimeZone(reply.body.contest.timezone);
        var fields = (reply.body && reply.body.error && reply.body.error.fields) || {};
        if (fields.targets) form.querySelector("#err-targets").textContent = fields.targets;
      });
    });
    return form;
  }

  // --- pages and announcements ---------------------------------------------------------------------------
  function pagesBox(pages) {
    var known = {};
    pages.forEach(function (p) { known[p.slug] = p.title; });
    Object.keys(DEFAULT_TITLES).forEach(function (slug) { if (!(slug in known)) known[slug] = null; });
    var slug = el("input", {type: "text", pattern: "[a-z0-9-]{1,40}", autocomplete: "off"});
    var form = el("form", {novalidate: true, class: "actions"}, A.field("new-slug", "Địa chỉ trang mới", slug,
      "Chữ thường không dấu, chữ số và dấu gạch ngang, ví dụ lich-thi."), el("button", {type: "submit", class: "btn secondary", text: "Tạo trang"}));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (/^[a-z0-9-]{1,40}$/.test(slug.value.trim())) location.hash = "#/trang/" + slug.value.trim();
      else slug.setAttribute("aria-invalid", "true");
    });
    return el("div", {class: "box", id: "pages"}, el("ul", {class: "files"}, Object.keys(known).sort().map(function (s) {
      return el("li", null, el("a", {href: "#/trang/" + s, "data-page": s, text: known[s] || DEFAULT_TITLES[s]}),
        known[s] === null ? el("span", {class: "muted small", text: " (chưa có nội dung)"}) : el("span", {class: "muted small", text: " /" + s}));
    })), form);
  }
  function announcementsBox() {
    var list = el("div", {id: "announcements"});
    var status = el("div");
    var preview = el("div", {class: "box page-preview", hidden: true});
    var form = el("form", {novalidate: true, class: "box", id: "announcement-form"},
      A.field("a-title", "Tiêu đề thông báo", el("input", {type: "text"})),
      A.field("a-body", "Nội dung (Markdown)", el("textarea", {rows: 4})), preview, status,
      el("div", {class: "actions"}, el("button", {type: "submit", class: "btn", text: "Đăng thông báo"}),
        el("button", {type: "button", class: "btn secondary", text: "Xem trước", onclick: function () { showPreview(form.elements["a-body"].value, preview); }})));
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      clear(status);
      A.api("POST", "/api/admin/announcements", {title: form.elements["a-title"].value.trim(), body: form.elements["a-body"].value})
        .then(function (reply) {
          var fields = (reply.body && reply.body.error && reply.body.error.fields) || {};
          reply.body = reply.status === 400 ? {error: {code: "invalid", message: reply.body.error.message,
            fields: {"a-title": fields.title, "a-body": fields.body}}} : reply.body;
          if (saved(form, status, reply, "Đã đăng thông báo.")) { form.reset(); preview.hidden = true; load(); }
        });
    });
    function load() {
      A.api("GET", "/api/announcements").then(function (reply) {
        clear(list);
        var items = (reply.body && reply.body.announcements) || [];
        if (!items.length) { add(list, el("p", {class: "muted", text: "Chưa có thông báo nào."})); return; }
        items.forEach(function (a) {
          var remove = el("button", {type: "button", class: "btn secondary", text: "Gỡ thông báo", onclick: function () {
            remove.disabled = true;
            A.api("DELETE", "/api/admin/announcements/" + encodeURIComponent(a.id)).then(load);
          }});
          add(list, el("article", {class: "box", "data-announcement": a.id}, el("h3", {text: a.title}),
            el("p", {class: "muted small", text: "Đăng lúc " + fmtTime(a.published_at)}), html(el("div"), a.body_html), remove));
        });
      });
    }
    load();
    return el("div", null, list, form);
  }
  function showPreview(markdown, box) {
    A.api("POST", "/api/admin/previews", {body: markdown}).then(function (reply) {
      clear(box);
      box.hidden = false;
      if (reply.status !== 200) { add(box, alertBox(A.message(reply.body))); return; }
      add(box, el("p", {class: "muted small", text: "Xem trước (như người dự thi sẽ thấy):"}), html(el("div", {class: "page-body"}), reply.body.body_html));
    });
  }
  function contestPage(m, seq) {
    A.render(el("h1", {text: "Cuộc thi"}), el("p", {class: "muted", text: "Đang tải…"}));
    Promise.all([A.api("GET", "/api/admin/contest"), A.api("GET", "/api/contest")]).then(function (replies) {
      if (!A.current(seq)) return;
      if (replies[0].status !== 200) { A.render(el("h1", {text: "Cuộc thi"}), alertBox(A.message(replies[0].body))); return; }
      A.render(el("h1", {text: "Cuộc thi"}),
        el("section", {"aria-labelledby": "h-settings"}, el("h2", {id: "h-settings", text: "Cài đặt"}), settingsForm(replies[0].body.contest)),
        el("section", {"aria-labelledby": "h-pages"}, el("h2", {id: "h-pages", text: "Các trang thông tin"}), pagesBox(replies[1].body.pages || [])),
        el("section", {"aria-labelledby": "h-announcements"}, el("h2", {id: "h-announcements", text: "Thông báo"}), announcementsBox()));
    });
  }

  // --- one page: Markdown editor with the server's preview -----------------------------------------------
  function pageEditor(m, seq) {
    var slug = m[1];
    A.render(el("p", {class: "muted", text: "Đang tải…"}));
    A.api("GET", "/api/pages/" + slug).then(function (reply) {
      if (!A.current(seq)) return;
      var page = reply.status === 200 ? reply.body : {title: DEFAULT_TITLES[slug] || "", body: "", updated_at: null};
      var status = el("div");
      var preview = el("div", {class: "box page-preview", id: "page-preview", hidden: true});
      var form = el("form", {novalidate: true, class: "box", id: "page-form"},
        A.field("title", "Tiêu đề", el("input", {type: "text", value: page.title})),
        A.field("body", "Nội dung (Markdown)", el("textarea", {rows: 18, text: page.body}),
          "Tiêu đề mục bắt đầu bằng #, chữ đậm **như thế này**, danh sách bắt đầu bằng -, liên kết [chữ](https://…)."),
        status, el("div", {class: "actions"}, el("button", {type: "submit", class: "btn", text: "Lưu trang"}),
          el("button", {type: "button", class: "btn secondary", text: "Xem trước", onclick: function () { showPreview(form.elements.body.value, preview); }})));
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        clear(status);
        A.api("PUT", "/api/admin/pages/" + slug, {title: form.elements.title.value.trim(), body: form.elements.body.value}).then(function (reply) {
          if (saved(form, status, reply, "Đã lưu trang lúc " + fmtTime(reply.body && reply.body.page && reply.body.page.updated_at) + ".")) {
            showPreview(form.elements.body.value, preview);
          }
        });
      });
      A.render(el("p", null, el("a", {href: "#/cuoc-thi", text: "← Cuộc thi"})), el("h1", {text: "Trang /" + slug}),
        page.updated_at ? el("p", {class: "muted small", text: "Cập nhật lần cuối " + fmtTime(page.updated_at)}) :
          el("p", {class: "muted small", text: "Trang chưa có nội dung."}), form, preview);
    });
  }

  window.CuocThiAdminPages.push({
    nav: [["#/cuoc-thi", "Cuộc thi", ["owner", "organizer"]]],
    match: function (hash, me) {
      if (["owner", "organizer"].indexOf(me.role) < 0) return null;
      var m = hash.match(/^\/trang\/([a-z0-9-]{1,40})$/);
      if (hash === "/cuoc-thi") return {draw: contestPage, match: [hash]};
      return m ? {draw: pageEditor, match: m} : null;
    },
    show: function (ctx, args) { args.draw(args.match, ctx.seq); }
  });
})();
