// The live board: server-sent events from /review/classes/…/events redraw the table, no reload.
// Every value is inserted with textContent.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var rows = document.getElementById("board-rows");
  var groupsBox = document.getElementById("board-groups");
  var live = document.getElementById("board-live");
  var deadline = null;

  function cell(tr, text, className) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined || text === "" ? "—" : String(text);
    if (className) td.className = className;
    tr.appendChild(td);
  }

  function draw(data) {
    rows.textContent = "";
    (data.members || []).forEach(function (m) {
      var tr = document.createElement("tr");
      tr.className = "member " + m.state;
      tr.dataset.state = m.state;
      cell(tr, m.name, "name");
      cell(tr, m.group);
      cell(tr, m.state_text + (m.outcome ? "（" + m.outcome + "）" : ""), "state");
      cell(tr, m.stage);
      cell(tr, m.turns, "num turns");
      cell(tr, data.scores_hidden ? "考核中（未公布）" : m.score, "num score");
      rows.appendChild(tr);
    });
    if (!(data.members || []).length) {
      var empty = document.createElement("tr");
      cell(empty, "还没有学员加入这个练习。", "empty");
      empty.firstChild.colSpan = 6;
      rows.appendChild(empty);
    }
    groupsBox.textContent = "";
    (data.groups || []).forEach(function (g) {
      var card = document.createElement("div");
      card.className = "group-card";
      var title = document.createElement("b");
      title.textContent = g.group;
      card.appendChild(title);
      var line = document.createElement("span");
      line.textContent = "完成 " + g.finished + "/" + g.members + (data.scores_hidden || g.score === null ? "" : " · 平均 " + g.score);
      card.appendChild(line);
      groupsBox.appendChild(card);
    });
    var c = data.counts || {};
    document.getElementById("board-counts").textContent =
      "未开始 " + (c.waiting || 0) + " · 进行中 " + (c.running || 0) + " · 已完成 " + (c.finished || 0);
    deadline = typeof data.seconds_left === "number" ? Date.now() + data.seconds_left * 1000 : null;
    if (data.ended) { deadline = null; document.getElementById("board-clock").textContent = "练习已结束"; }
    board.dataset.updated = String(Date.now());
  }

  setInterval(function () {
    if (deadline === null) return;
    var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
    document.getElementById("board-clock").textContent =
      "剩余 " + Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
  }, 1000);

  var source = new EventSource(board.dataset.events);
  source.onmessage = function (event) {
    live.textContent = "实时";
    try { draw(JSON.parse(event.data)); } catch (e) { live.textContent = "数据有误"; }
  };
  source.onerror = function () { live.textContent = "连接中断，正在重连…"; };
})();
