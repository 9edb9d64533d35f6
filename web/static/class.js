// The trainee's class page: join with the class code, then the class's exercises, each started with one tap
// (the chat opens in this tab with ?assignment=…). Text is inserted with textContent only.
(function () {
  "use strict";
  var form = document.getElementById("join-form");
  var mine = document.getElementById("my-class");
  var errorBox = document.getElementById("join-error");

  var api = window.SSP.api;

  function showTasks(data) {
    form.hidden = true;
    mine.hidden = false;
    document.getElementById("class-name").textContent = data["class"].name + " " + data["class"].day;
    document.getElementById("member-name").textContent = data.member.name;
    document.getElementById("member-group").textContent = data.member.group ? "第" + data.member.group + "组" : "";
    var list = document.getElementById("tasks");
    list.textContent = "";
    data.assignments.forEach(function (task) {
      var li = document.createElement("li");
      li.className = "task" + (task.ended ? " ended" : "");
      var title = document.createElement("span");
      title.textContent = task.title;
      li.appendChild(title);
      if (task.ended) {
        var done = document.createElement("small");
        done.textContent = "已结束";
        li.appendChild(done);
      } else {
        var start = document.createElement("a");
        start.className = "button primary start-task";
        start.href = task.href;
        start.textContent = "开始练习";
        li.appendChild(start);
      }
      list.appendChild(li);
    });
    document.getElementById("no-tasks").hidden = data.assignments.length > 0;
  }

  function load() {
    return api("GET", "/class/api/me").then(function (data) {
      if (data.member) showTasks(data);
      else { form.hidden = false; mine.hidden = true; }
    }, function (error) { errorBox.textContent = error.message; errorBox.hidden = false; form.hidden = false; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    api("POST", "/class/api/join", {
      code: document.getElementById("join-code").value,
      name: document.getElementById("join-name").value,
      employee_no: document.getElementById("join-number").value
    }).then(function () { errorBox.hidden = true; load(); },
            function (error) { errorBox.textContent = error.message; errorBox.hidden = false; });
  });
  setInterval(function () { if (!mine.hidden) load(); }, 5000);
  load();
})();
