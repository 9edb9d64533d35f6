// A trainee's written exercise: each prompt with the customer's line and an answer box; an answer is graded
// on submit and its feedback shown under the box. What was typed stays in the box when sending fails.
// Text is inserted with textContent only.
(function () {
  "use strict";
  var root = document.getElementById("written");
  if (!root) return;
  var base = "/class/api/written/" + encodeURIComponent(root.dataset.task);
  var errorBox = document.getElementById("written-error");
  var list = document.getElementById("written-prompts");
  var maxChars = 2000;

  function api(method, path, body) {
    return window.SSP.api(method, path, body, "网络连接中断，请检查网络后重试（您写的内容仍在输入框里）。");
  }

  var el = window.SSP.el;

  function feedback(box, answer) {
    box.textContent = "";
    if (!answer) { box.hidden = true; return; }
    box.hidden = false;
    box.className = "written-feedback " + (answer.passed ? "passed" : "failed");
    box.appendChild(el("b", "verdict", (answer.passed ? "通过" : "未通过") + " · " + answer.score + " 分"));
    (answer.feedback || "").split("\n").forEach(function (line) { if (line) box.appendChild(el("p", "", line)); });
    if (answer.missing && answer.missing.length) {
      var ul = el("ul", "hints");
      answer.missing.forEach(function (hint) { ul.appendChild(el("li", "", hint)); });
      box.appendChild(ul);
    }
  }

  function promptCard(p, ended) {
    var card = el("section", "card written-prompt");
    card.dataset.prompt = String(p.number);
    card.appendChild(el("h2", "", "第 " + p.number + " 题"));
    if (p.situation) card.appendChild(el("p", "situation", p.situation));
    if (p.customer) card.appendChild(el("p", "customer-line", "客户：“" + p.customer + "”"));
    var box = el("textarea", "answer-box");
    box.rows = 4;
    box.maxLength = maxChars + 200;  // the server says when it is too long; nothing typed is cut off
    box.placeholder = "写下您的回答…";
    box.setAttribute("aria-label", "第 " + p.number + " 题的回答");
    if (p.answer) box.value = p.answer.text;
    box.disabled = ended;
    card.appendChild(box);
    var error = el("p", "error", "");
    error.hidden = true;
    error.setAttribute("role", "alert");
    card.appendChild(error);
    var send = el("button", "primary wide submit-answer", p.answer ? "重新提交" : "提交");
    send.type = "button";
    send.hidden = ended;
    card.appendChild(send);
    var fb = el("div", "written-feedback");
    card.appendChild(fb);
    feedback(fb, p.answer);
    send.addEventListener("click", function () {
      send.disabled = true;
      send.textContent = "评分中…";
      api("POST", base + "/answer", { prompt: p.number, text: box.value }).then(function (data) {
        error.hidden = true;
        var fresh = data.prompts[p.number - 1];
        feedback(fb, fresh.answer);
        send.textContent = "重新提交";
      }, function (problem) {
        error.textContent = problem.message;
        error.hidden = false;
        send.textContent = p.answer ? "重新提交" : "提交";
      }).then(function () { send.disabled = false; });
    });
    return card;
  }

  api("GET", base).then(function (data) {
    maxChars = data.max_chars || maxChars;
    document.getElementById("written-head").hidden = false;
    document.getElementById("written-title").textContent = data.title;
    document.getElementById("written-instructions").textContent = data.instructions;
    document.getElementById("written-required").textContent = data.required.join("；");
    document.getElementById("written-ended").hidden = !data.ended;
    list.textContent = "";
    data.prompts.forEach(function (p) { list.appendChild(promptCard(p, data.ended)); });
  }, function (problem) {
    errorBox.textContent = problem.message;
    errorBox.hidden = false;
  });
})();
