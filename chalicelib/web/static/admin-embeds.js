/* The embed snippet for unit websites (the launch letter asks units to link to the contest and put up a banner):
   the live banner of a unit (or of the whole contest) previewed, and the HTML to paste, with a copy button.
   Loaded before admin.js, which asks the pages registered here first. */
(function () {
  "use strict";
  var C = window.CuocThi, el = C.el, add = C.add, clear = C.clear;

  function site() { return location.origin + "/"; }
  function bannerUrl(unitId) {
    return site() + "api/embed/stats.svg" + (unitId ? "?unit_id=" + encodeURIComponent(unitId) : "");
  }
  function snippet(unitId, unitName) {
    var alt = "Cuộc thi trực tuyến" + (unitName ? " – " + unitName : "") + ": số người dự thi";
    return '<a href="' + site() + '" target="_blank" rel="noopener">' +
      '<img src="' + bannerUrl(unitId) + '" alt="' + alt.replace(/"/g, "&quot;") + '" width="480" style="max-width:100%;height:auto"></a>';
  }

  function embedPage(ctx) {
    var scoped = ctx.me.role === "coordinator";
    var preview = el("div", {id: "embed-preview", class: "box"});
    var code = el("textarea", {id: "embed-code", rows: "5", readonly: "readonly", class: "code", "aria-label": "Mã nhúng"});
    var status = el("p", {role: "status", class: "muted small"});
    var select = el("select", {id: "f-embed-unit"});
    var copy = el("button", {type: "button", class: "btn", text: "Sao chép mã nhúng", onclick: function () {
      code.select();
      var done = function () { status.textContent = "Đã sao chép. Dán mã này vào trang web của đơn vị."; };
      if (navigator.clipboard) navigator.clipboard.writeText(code.value).then(done, function () { document.execCommand("copy"); done(); });
      else { document.execCommand("copy"); done(); }
    }});
    function show() {
      var unitId = select.value, name = select.options[select.selectedIndex] ? select.options[select.selectedIndex].text : "";
      clear(preview);
      add(preview, el("img", {id: "embed-banner", class: "embed-banner", src: bannerUrl(unitId), alt: "Ảnh biểu ngữ trực tiếp"}));
      code.value = snippet(unitId, unitId ? name : "");
      status.textContent = "";
    }
    select.addEventListener("change", show);
    ctx.render(el("h1", {text: "Nhúng vào trang web đơn vị"}),
      el("p", {class: "muted", text: "Biểu ngữ dưới đây cập nhật số người dự thi theo thời gian thực và dẫn về trang cuộc thi. Sao chép mã rồi dán vào trang web hoặc cổng thông tin của đơn vị (chế độ soạn HTML)."}),
      ctx.field("embed-unit", "Đơn vị", select), preview, el("label", {for: "embed-code", text: "Mã nhúng (HTML)"}), code,
      el("p", null, copy), status,
      el("p", {class: "muted small", text: "Số liệu dạng JSON cho lập trình viên: " + site() + "api/embed/stats.json" +
        " (thêm ?unit_id=… cho một đơn vị)."}));
    ctx.api("GET", "/api/units").then(function (reply) {
      if (!ctx.isCurrent() || reply.status !== 200) return;
      var units = reply.body.units.slice().sort(function (a, b) { return a.name.localeCompare(b.name, "vi"); });
      if (scoped) units = units.filter(function (u) { return u.id === ctx.me.unit_id; });
      else add(select, el("option", {value: "", text: "Toàn cuộc thi"}));
      units.forEach(function (u) { add(select, el("option", {value: u.id, text: u.name})); });
      show();
    });
  }

  var pages = window.CuocThiAdminPages = window.CuocThiAdminPages || [];
  pages.push({
    nav: [["#/nhung", "Nhúng vào trang web", ["owner", "organizer", "coordinator"]]],
    match: function (hash) { return hash === "/nhung" ? {} : null; },
    show: function (ctx) { embedPage(ctx); }
  });
})();
