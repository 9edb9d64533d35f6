// Pair / trio room: polls /class/api/pair; the consultant and the customer speak, the observer ticks the
// six patterns heard in each consultant line. All text is inserted with textContent.
(function () {
  "use strict";
  var csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  var errorBox = document.getElementById("pair-error");
  var lastDrawn = "";

  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrfToken } };
    if (body) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    return fetch(path, options).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) throw new Error(data.error || "服务暂时不可用（HTTP " + resp.status + "）。");
        return data;
      });
    }, function () { throw new Error("网络连接中断，请检查网络后重试。"); });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function fail(error) { errorBox.textContent = error.message; errorBox.hidden = false; }

  function tickForm(line, patterns) {
    var form = el("form", "tick-form");
    Object.keys(patterns).forEach(function (code) {
      var label = el("label", "check");
      var box = el("input");
      box.type = "checkbox"; box.value = code;
      box.checked = (line.ticked || []).indexOf(patterns[code]) >= 0;
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + patterns[code]));
      form.appendChild(label);
    });
    var comment = el("input", "tick-comment");
    comment.placeholder = "评语（可选）"; comment.value = line.comment || "";
    form.appendChild(comment);
    var save = el("button", "small", "记录");
    save.type = "submit";
    form.appendChild(save);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var codes = Array.prototype.filter.call(form.querySelectorAll("input[type=checkbox]"), function (b) { return b.checked; })
        .map(function (b) { return b.value; });
      api("POST", "/class/api/pair/tick", { line: line.id, techniques: codes, comment: comment.value })
        .then(function (d) { draw(d.room, true); }, fail);
    });
    return form;
  }

  function draw(room, force) {
    var text = JSON.stringify(room);
    if (!force && text === lastDrawn) return;
    lastDrawn = text;
    document.getElementById("no-room").hidden = !!room;
    document.getElementById("room").hidden = !room;
    if (!room) return;
    errorBox.hidden = true;
    document.getElementById("my-role").textContent = room.role_text;
    document.getElementById("room-scenario").textContent = room.scenario;
    document.getElementById("people").textContent = room.people.map(function (p) {
      return p.name + "（" + p.role + "）" + (p.me ? "← 我" : "");
    }).join("　");
    var card = document.getElementById("card");
    card.hidden = !room.card;
    if (room.card) {
      document.getElementById("card-name").textContent = room.card.name;
      document.getElementById("card-type").textContent = room.card.type;
      document.getElementById("card-about").textContent = room.card.about;
      document.getElementById("card-needs").textContent = room.card.needs.join("；");
      document.getElementById("card-objections").textContent = room.card.objections.join("；");
    }
    var list = document.getElementById("pair-lines");
    list.textContent = "";
    room.lines.forEach(function (line) {
      var li = el("li", "pair-line " + line.role);
      li.appendChild(el("b", "", line.role_text + " " + line.name + "："));
      li.appendChild(el("span", "", line.text));
      if (line.score !== undefined && line.score !== null) {
        li.appendChild(el("div", "auto", "自动评分 " + Math.round(line.score) + " 分 · " + ((line.techniques || []).join("、") || "未识别到话术")));
      }
      if (line.ticked) li.appendChild(el("div", "ticked", "观察员：" + (line.ticked.join("、") || "没有听到话术") + (line.comment ? " · " + line.comment : "")));
      if (room.role === "observer" && line.role === "consultant") li.appendChild(tickForm(line, room.patterns));
      list.appendChild(li);
    });
    document.getElementById("say-form").hidden = room.role === "observer";
    document.getElementById("agreement").textContent =
      room.agreement === null ? "" : "观察员与自动评分一致率：" + room.agreement + "%";
  }

  function load() { return api("GET", "/class/api/pair").then(function (d) { draw(d.room); }, fail); }

  document.getElementById("say-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("say-input");
    api("POST", "/class/api/pair/say", { text: input.value }).then(function (d) {
      input.value = ""; draw(d.room, true);
    }, fail);
  });
  document.getElementById("rotate").addEventListener("click", function () {
    api("POST", "/class/api/pair/rotate").then(function (d) { draw(d.room, true); }, fail);
  });
  setInterval(function () { if (!document.activeElement || !document.activeElement.closest(".tick-form")) load(); }, 3000);
  load();
})();
