// Pair / trio room: polls /class/api/pair; the consultant and the customer speak, the observer ticks the
// six patterns heard in each consultant line. All text is inserted with textContent.
(function () {
  "use strict";
  var errorBox = document.getElementById("pair-error");
  var lastDrawn = "";

  var api = window.SSP.api;
  var el = window.SSP.el;
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

  function select(className, label, choices, current) {
    var box = el("select", className);
    box.setAttribute("aria-label", label);
    Object.keys(choices).forEach(function (code) {
      var option = el("option", "", choices[code]);
      option.value = code;
      option.selected = String(current) === code;
      box.appendChild(option);
    });
    return box;
  }

  function checkForm(line, room) {
    var form = el("form", "check-form");
    var probes = Object.assign({ "": "未提问探询" }, room.probes);
    var levels = Object.assign({ "": "倾听层次（未评）" }, room.listening_levels);
    var probe = select("check-probe", "探询方法", probes, line.checked_probe === undefined ? "" : line.checked_probe);
    var level = select("check-listening", "倾听层次", levels, line.checked_listening || "");
    form.appendChild(probe);
    form.appendChild(level);
    var save = el("button", "small", "记录");
    save.type = "submit";
    form.appendChild(save);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      api("POST", "/class/api/pair/check", {
        line: line.id, probe: probe.value, listening: level.value ? parseInt(level.value, 10) : null
      }).then(function (d) { draw(d.room, true); }, fail);
    });
    return form;
  }

  function drawSteps(room) {
    var box = document.getElementById("steps");
    box.hidden = !room.steps || !room.steps.length;
    var list = document.getElementById("step-list");
    list.textContent = "";
    document.getElementById("steps-note").textContent = room.role === "observer" ? "（请勾选销售顾问做到的步骤）" : "";
    (room.steps || []).forEach(function (step) {
      var li = el("li", "step");
      li.dataset.item = step.item;
      var label = el("label", "check");
      var tick = el("input");
      tick.type = "checkbox";
      tick.checked = step.ticked === true;
      tick.disabled = room.role !== "observer";
      tick.addEventListener("change", function () {
        api("POST", "/class/api/pair/step", { item: step.item, done: tick.checked })
          .then(function (d) { draw(d.room, true); }, fail);
      });
      label.appendChild(tick);
      label.appendChild(document.createTextNode(" " + (step.stage ? step.stage + " · " : "") + step.label));
      li.appendChild(label);
      var auto = step.auto === null ? "自动判断：尚无发言" : "自动判断：" + (step.auto ? "已做到" : "未做到");
      var mine = step.ticked === null || step.ticked === undefined ? "" : " · 观察员：" + (step.ticked ? "已做到" : "未做到");
      li.appendChild(el("small", "muted step-judgement", auto + mine));
      list.appendChild(li);
    });
    document.getElementById("step-agreement").textContent =
      room.step_agreement === null ? "" : "步骤检查与自动判断一致率：" + room.step_agreement + "%";
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
      if (line.probe !== undefined) li.appendChild(el("div", "auto-probe", "自动识别探询：" + (line.probe || "无")));
      if (line.checked_text) li.appendChild(el("div", "checked", "观察员记录：" + line.checked_text));
      if (room.role === "observer" && line.role === "consultant") {
        li.appendChild(tickForm(line, room.patterns));
        li.appendChild(checkForm(line, room));
      }
      list.appendChild(li);
    });
    document.getElementById("say-form").hidden = room.role === "observer";
    document.getElementById("agreement").textContent =
      room.agreement === null ? "" : "观察员与自动评分一致率：" + room.agreement + "%";
    document.getElementById("probe-agreement").textContent =
      room.probe_agreement === null ? "" : "探询方法与自动识别一致率：" + room.probe_agreement + "%";
    drawSteps(room);
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
  setInterval(function () {
    var active = document.activeElement;
    if (!active || !active.closest(".tick-form, .check-form")) load();
  }, 3000);
  load();
})();
