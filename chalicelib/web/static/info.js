/* cuocthi participant pages: what the organizers publish. The contest's pages (Thể lệ, Hướng dẫn …), the
   announcements (on the home page and a page of their own) and a published round's prize list (on its
   leaderboard). Pages and announcements come as HTML the server already sanitised (markdown-it, then nh3's
   allowlist) and are the only content shown as HTML; everything else is text. Loaded before app.js. */
(function () {
  "use strict";

  var C = window.CuocThi, el = C.el, add = C.add, clear = C.clear, alertBox = C.alertBox;

  // The server's sanitised HTML (body_html) in a container of its own.
  function html(markup, cls) {
    var box = el("div", {class: cls || "prose"});
    box.innerHTML = markup || "";
    return box;
  }

  C.module(function (ctx) {
    var api = ctx.api, enc = encodeURIComponent;

    // #/trang/<slug>: one of the contest's pages.
    function page(slug) {
      var seq = ctx.seq();
      ctx.render(el("p", {class: "muted", text: "Đang tải…"}));
      ctx.whenLoaded(seq, [api("GET", "/api/pages/" + enc(slug)), ctx.loadContest()], function (r, contest) {
        if (r.status !== 200) return ctx.render(ctx.title("Không tìm thấy trang"), alertBox(ctx.message(r.body), "info"), ctx.actions(ctx.homeLink()));
        var contact = contest.status === 200 && contest.body.contact;
        ctx.render(ctx.title(r.body.title), html(r.body.body_html),
          el("p", {class: "muted", text: "Cập nhật lúc " + C.fmtTime(r.body.updated_at) + "."}),
          contact ? el("p", {class: "muted", text: "Liên hệ ban tổ chức: " + contact}) : null,
          ctx.actions(ctx.homeLink()));
      });
    }

    function announcement(a) {
      return el("li", {class: "card news-item", "data-announcement": a.id},
        el("h3", {text: a.title}), el("div", {class: "muted", text: C.fmtTime(a.published_at)}), html(a.body_html));
    }
    // The newest `limit` announcements into `holder` (the home page), with a link to all of them when there are more.
    function latest(holder, seq, limit) {
      api("GET", "/api/announcements").then(function (r) {
        if (!ctx.current(seq) || r.status !== 200) return;
        var all = (r.body && r.body.announcements) || [];
        clear(holder);
        if (!all.length) return;
        add(holder, el("h2", {text: "Thông báo"}), el("ul", {class: "rounds news"}, all.slice(0, limit).map(announcement)),
          all.length > limit ? el("p", null, el("a", {href: "#/thong-bao", text: "Xem tất cả " + all.length + " thông báo"})) : null);
      }, function () {});
    }
    // #/thong-bao: every announcement, newest first.
    function news() {
      var seq = ctx.seq();
      ctx.whenLoaded(seq, [api("GET", "/api/announcements")], function (r) {
        if (r.status !== 200) return ctx.render(alertBox(ctx.message(r.body)));
        var all = r.body.announcements || [];
        ctx.render(ctx.title("Thông báo"), all.length ? el("ul", {class: "rounds news"}, all.map(announcement))
          : el("p", {class: "muted", text: "Chưa có thông báo nào."}), ctx.actions(ctx.homeLink()));
      });
    }

    // A published round's prize list (GET /api/rounds/{id}/prizes), as a list that fits a phone.
    function prizes(round, seq) {
      var holder = el("section", {class: "card prizes", id: "prizes", "aria-labelledby": "prizes-title"},
        el("h2", {id: "prizes-title", text: "Danh sách đạt giải"}), el("p", {class: "muted", text: "Đang tải…"}));
      api("GET", "/api/rounds/" + enc(round.id) + "/prizes").then(function (r) {
        if (!ctx.current(seq)) return;
        var heading = holder.firstChild;
        C.render(holder, heading);
        if (r.status !== 200) return add(holder, el("p", {class: "muted", text: ctx.message(r.body)}));
        var people = r.body.individual || [], units = r.body.units || [];
        add(holder, el("p", {class: "muted", text: "Kết quả đã được ban tổ chức công bố lúc " + C.fmtTime(round.published_at) + "."}));
        if (!people.length && !units.length) return add(holder, el("p", {class: "muted", text: "Đợt thi này không có giải được trao."}));
        if (people.length) add(holder, el("h3", {text: "Giải cá nhân"}), el("ul", {class: "prize-list"}, people.map(function (p) {
          return el("li", {class: "prize-person"}, el("strong", {text: p.prize + (p.category ? " (" + (ctx.CATEGORY[p.category] || p.category) + ")" : "")}),
            el("span", {class: "prize-who", text: p.display_name}),
            el("span", {class: "sub", text: p.unit_name + " · " + p.correct + "/" + p.total + " câu đúng · " + ctx.fmtDuration(p.duration_ms)}));
        })));
        if (units.length) add(holder, el("h3", {text: "Giải tập thể"}), el("ul", {class: "prize-list"}, units.map(function (u) {
          return el("li", {class: "prize-unit"}, el("strong", {text: u.prize}), el("span", {class: "prize-who", text: u.name}));
        })));
      }, function () { if (ctx.current(seq)) add(holder, alertBox("Không kết nối được máy chủ.")); });
      return holder;
    }

    ctx.announcements = latest;
    ctx.prizes = prizes;
    ctx.route(/^\/trang\/([a-z0-9-]{1,40})$/, page);
    ctx.route(/^\/thong-bao$/, news);
  });
})();
