/* cuocthi participant pages: one's own results. The own place in a round (GET /api/me/rounds/{id}/standing) on
   "Bài thi của tôi" and on the leaderboard when one is not among the entries shown; the answer review on the
   result page once the round is published; the certificate's download. Loaded before app.js. */
(function () {
  "use strict";

  var C = window.CuocThi, el = C.el, add = C.add, alertBox = C.alertBox;

  C.module(function (ctx) {
    var api = ctx.api, enc = encodeURIComponent;
    var finals = {};   // a published round's own standing does not change: asked once per page

    function standing(roundId, seq) {
      var key = seq + "/" + roundId;
      if (finals[key]) return Promise.resolve(finals[key]);
      return api("GET", "/api/me/rounds/" + enc(roundId) + "/standing").then(function (r) {
        if (r.status === 200 && r.body.final) finals[key] = r;
        return r;
      });
    }

    function group(category) {
      var name = ctx.CATEGORY_GROUP[category];
      return name ? " trong nhóm " + name.toLowerCase() : "";
    }
    // The place as [what, how it is counted]: exact once published, "tạm tính" before, "khoảng" when estimated.
    function placeText(b) {
      var about = b.rank_exact ? "" : "khoảng ", category = b.standing.category;
      var inGroup = b.category_rank ? about + (b.rank_exact ? "hạng " : "") + b.category_rank + group(category) : "";
      var notes = [inGroup, b.rank_exact ? "" : "ước tính theo số câu đúng; bảng xếp hạng cập nhật sau vài giây"]
        .filter(Boolean).join("; ");
      return [(b.final ? "Thứ hạng của bạn: " : "Thứ hạng tạm tính: ") + about + b.rank, (notes ? " (" + notes + ")" : "") + "."];
    }
    // What the standing says, as paragraphs; only a note where a place would tell the score too early.
    function placeLines(b) {
      if (!b.final && b.scores_hidden) return [el("p", {class: "muted", text: "Thứ hạng sẽ được thông báo khi ban tổ chức công bố kết quả."})];
      if (!b.standing || !b.rank) {
        return [el("p", {class: "muted", text: b.final ? "Bạn không có tên trong kết quả chính thức của đợt thi này."
          : "Bạn chưa có thứ hạng trong đợt thi này."})];
      }
      var s = b.standing, place = placeText(b);
      return [el("p", {class: "place"}, el("strong", {text: place[0]}), place[1],
        " Bài thi tốt nhất: " + s.correct + "/" + s.total + " câu đúng, " + ctx.fmtDuration(s.duration_ms) + "."),
        b.prize ? el("p", {class: "prize-won", text: "Đạt " + b.prize}) : null];
    }

    // The certificate of a published round, saved as a PDF; a refusal is said next to the button.
    function certificateButton(round) {
      var said = el("div", {"aria-live": "polite"});
      var button = el("button", {type: "button", class: "btn", text: "Tải giấy chứng nhận (PDF)"});
      button.addEventListener("click", function () {
        button.disabled = true;
        C.render(said, el("p", {class: "muted", text: "Đang tải giấy chứng nhận…"}));
        api.download("/api/me/rounds/" + enc(round.id) + "/certificate", "giay-chung-nhan-" + round.id + ".pdf",
          "application/pdf").then(function (r) {
          button.disabled = false;
          C.render(said, r.status === 200 ? el("p", {class: "muted", text: "Đã tải giấy chứng nhận."})
            : alertBox(ctx.message(r.body)));
        }, function () { button.disabled = false; C.render(said, alertBox("Không kết nối được máy chủ.")); });
      });
      return el("div", {class: "certificate"}, ctx.actions(button), said);
    }

    // "Bài thi của tôi": the round's own place (and the certificate once published), filled in when it comes.
    function ownResults(round, seq) {
      var holder = el("div", {class: "own-standing", "data-standing": round.id, "aria-live": "polite"});
      standing(round.id, seq).then(function (r) {
        if (!ctx.current(seq) || r.status !== 200) return;
        add(holder, placeLines(r.body), r.body.final && r.body.rank ? certificateButton(round) : null);
      }, function () {});
      return holder;
    }

    // The leaderboard's line about oneself when one is not among the entries shown.
    function ownPlace(line, roundId, seq) {
      standing(roundId, seq).then(function (r) {
        if (!ctx.current(seq) || r.status !== 200) return;
        line.className = r.body.standing && r.body.rank ? "info" : "muted";
        C.render(line, placeLines(r.body));
      }, function () {});
    }

    // The answer review: each question with the option chosen and the right one, said in words (not colour only).
    function option(o, q) {
      var chosen = o.id === q.chosen_option_id, right = o.id === q.correct_option_id;
      return el("li", {class: (chosen ? "chosen " : "") + (right ? "correct" : "")},
        chosen ? el("span", {class: "tag " + (right ? "yes" : "no"), text: "Bạn chọn"}) : null,
        right ? el("span", {class: "tag yes", text: "Đáp án đúng"}) : null,
        el("span", {class: "option-text", text: o.text}));
    }
    function question(q, i) {
      var verdict = !q.chosen_option_id ? ["blank", "Chưa trả lời"]
        : q.chosen_option_id === q.correct_option_id ? ["yes", "Trả lời đúng"] : ["no", "Trả lời sai"];
      return el("li", {class: "review-q", "data-question": q.id},
        el("p", {class: "review-head"}, el("strong", {text: "Câu " + (i + 1) + ". "}), el("span", {text: q.text})),
        el("p", {class: "verdict " + verdict[0], text: verdict[1]}),
        el("ul", {class: "review-options"}, q.options.map(function (o) { return option(o, q); })));
    }
    function answerReview(attempt, round) {
      var questions = (attempt.questions || []).filter(function (q) { return "correct_option_id" in q; });
      if (!questions.length) {
        return round && !round.published_at ? el("p", {class: "muted", id: "review-later",
          text: "Đáp án từng câu sẽ hiện ở đây khi ban tổ chức công bố kết quả đợt thi."}) : null;
      }
      return el("section", {class: "card review", id: "review", "aria-labelledby": "review-title"},
        el("h2", {id: "review-title", text: "Xem lại bài làm"}),
        el("ol", {class: "review-list"}, questions.map(question)));
    }

    ctx.ownResults = ownResults;
    ctx.ownPlace = ownPlace;
    ctx.answerReview = answerReview;
  });
})();
