// The written exercise's board: server-sent events redraw one column per prompt with the answers as they
// come in, the best ones highlighted; no reload. Every value is inserted with textContent.
(function () {
  "use strict";
  var board = document.getElementById("written-board");
  if (!board) return;
  var live = document.getElementById("board-live");

  var el = window.SSP.el;

  function draw(data) {
    board.textContent = "";
    data.prompts.forEach(function (p) {
      var column = el("section", "card written-column");
      column.dataset.prompt = String(p.number);
      column.appendChild(el("h2", "", "第 " + p.number + " 题 · 通过 " + p.passed + "/" + p.answers.length));
      column.appendChild(el("p", "muted", p.text));
      var ul = el("ul", "answers");
      p.answers.forEach(function (a) {
        var li = el("li", "written-answer" + (a.best ? " best" : ""));
        var meta = el("div", "meta");
        meta.appendChild(el("span", "who", a.name));
        if (a.best) meta.appendChild(el("span", "star", "★ 佳作"));
        meta.appendChild(el("span", "score" + (a.passed ? " passed" : ""), a.score + " 分" + (a.passed ? " · 通过" : "")));
        li.appendChild(meta);
        li.appendChild(el("p", "text", a.text));
        ul.appendChild(li);
      });
      if (!p.answers.length) ul.appendChild(el("li", "muted empty", "还没有人回答。"));
      column.appendChild(ul);
      board.appendChild(column);
    });
    document.getElementById("board-counts").textContent = "已作答 " + data.answered + "/" + data.members + " 人";
    if (data.ended) document.getElementById("board-clock").textContent = "练习已结束";
    board.dataset.updated = String(Date.now());
  }

  var source = new EventSource(board.dataset.events);
  source.onmessage = function (event) {
    live.textContent = "实时";
    try { draw(JSON.parse(event.data)); } catch (e) { live.textContent = "数据有误"; }
  };
  source.onerror = function () { live.textContent = "连接中断，正在重连…"; };
})();
