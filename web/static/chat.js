// Trainee chat window: talks to this web app's /api/* (same origin, CSRF header), never to Rasa directly.
// Every message is inserted with textContent, so whatever anyone types is shown as text.
(function () {
  "use strict";
  var COACH = "【教练】";
  var SCORECARD = COACH + "成绩单";
  var csrfToken = document.querySelector('meta[name="csrf-token"]').content;
  var log = document.getElementById("log");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var typing = document.getElementById("typing");
  var statusBox = document.getElementById("status");
  var statusText = document.getElementById("status-text");
  var retryButton = document.getElementById("status-retry");
  var foldToggle = document.getElementById("fold-toggle");
  var busy = false;
  var folded = false;
  var retryAction = null;
  var lastScorecard = null;
  var header = document.getElementById("rp-header");
  var nextButton = document.getElementById("rp-next");
  var PLACEHOLDER = input.placeholder;
  var headerRequest = 0;
  // This tab's own conversation (signed by the server): another tab's 新对话 does not take it over.
  var TAB_KEY = "ssp-conversation";
  var endingAssignment = false;
  var assignmentPoll = null;

  function tabConversation() {
    try { return window.sessionStorage.getItem(TAB_KEY) || ""; } catch (e) { return ""; }
  }
  function keepConversation(token) {
    if (!token) return;
    try { window.sessionStorage.setItem(TAB_KEY, token); } catch (e) { /* private mode: the cookie's one */ }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRF-Token": csrfToken } };
    if (tabConversation()) options.headers["X-Conversation"] = tabConversation();
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(path, options).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) {
          var error = new Error(data.error || "服务暂时不可用（HTTP " + resp.status + "），请稍后重试。");
          error.coach = data.coach || "";   // a coach note to show in the chat (e.g. the customer is restarting)
          throw error;
        }
        return data;
      });
    }, function () { throw new Error("网络连接中断，请检查网络后重试。您输入的内容已保留。"); });
  }

  function showStatus(message, retry) {
    statusText.textContent = message;
    statusBox.hidden = false;
    retryAction = retry || null;
    retryButton.hidden = !retry;
  }
  function clearStatus() { statusBox.hidden = true; retryAction = null; }

  function roleTag(kind, text) { return el("span", "role-tag " + kind, text); }

  function addTrainee(text) {
    var row = el("div", "msg trainee");
    row.appendChild(roleTag("trainee", "我"));
    row.appendChild(el("div", "bubble", text));
    log.appendChild(row);
    scrollDown();
    return row;
  }

  function addButtons(parent, buttons) {
    var box = el("div", "buttons");
    buttons.forEach(function (b) {
      var button = el("button", "choice", b.title || b.payload);
      button.type = "button";
      button.disabled = busy;   // enabled again when the whole answer has been shown
      button.addEventListener("click", function () { send(b.payload, b.title || b.payload); });
      box.appendChild(button);
    });
    parent.appendChild(box);
  }

  function addImage(src) {
    if (typeof src !== "string" || src.indexOf("data:image/") !== 0) return;
    var img = el("img", "radar");
    img.alt = "六种话术雷达图";
    img.src = src;
    (lastScorecard || log).appendChild(img);
    scrollDown();
  }

  // The scorecard for a phone: total and outcome first, then the tips, the rest folded; P-level and TMD
  // explained in place (texts from the page's "explain" meta: content/prospect_levels.yml).
  var EXPLAIN = (function () {
    try { return JSON.parse(document.querySelector('meta[name="explain"]').content); } catch (e) { return {}; }
  })();

  function scorecardBody(text) {
    var lines = text.split("\n");
    var body = el("div", "card-body");
    var head = el("div", "card-head");
    var total = /总分\s*([\d.]+)\s*\/\s*100/.exec(lines[0] || "");
    if (total) {
      var big = el("span", "card-total");
      big.appendChild(el("b", "", total[1]));
      big.appendChild(el("span", "", "/100"));
      head.appendChild(big);
    }
    head.appendChild(el("span", "card-outcome", (lines[0] || "").replace(/总分\s*[\d.]+\s*\/\s*100\s*·?\s*/, "")));
    body.appendChild(head);
    var level = /（(P\d)）/.exec(lines[0] || "");
    if (level && EXPLAIN.p_levels && EXPLAIN.p_levels[level[1]]) {
      body.appendChild(el("p", "card-explain", EXPLAIN.p_levels[level[1]]));
    }
    var tipsAt = lines.indexOf("改进建议：");
    if (tipsAt >= 0) {
      body.appendChild(el("h3", "card-tips-title", "改进建议"));
      var list = el("ol", "card-tips");
      lines.slice(tipsAt + 1).forEach(function (line) {
        var tip = /^\d+\.\s*(.*)$/.exec(line);
        if (tip) { list.appendChild(el("li", "", tip[1])); }
        else if (line.trim() && list.lastChild) { list.lastChild.appendChild(el("div", "card-example", line.trim())); }
      });
      body.appendChild(list);
    }
    var rest = lines.slice(1, tipsAt >= 0 ? tipsAt : lines.length).filter(function (l) { return l.trim(); });
    if (rest.length) {
      var more = el("details", "card-details");
      more.appendChild(el("summary", "", "详细得分"));
      rest.forEach(function (line) { more.appendChild(el("p", "", line)); });
      if (EXPLAIN.tmd && /客户信息|TMD|预算|购车时间|决策人/.test(rest.join(""))) {
        more.appendChild(el("p", "card-explain", EXPLAIN.tmd));
      }
      body.appendChild(more);
    }
    return body;
  }

  function addBot(message) {
    if (message.image && !message.text) { addImage(message.image); return; }
    var text = message.text || "";
    var row;
    if (text.indexOf(SCORECARD) === 0) {
      row = el("section", "msg scorecard");
      row.appendChild(roleTag("coach", "教练 · 成绩单"));
      row.appendChild(scorecardBody(text.slice(SCORECARD.length).replace(/^\s+/, "")));
      lastScorecard = row;
    } else if (text.indexOf(COACH) === 0) {
      row = el("details", "msg coach");
      row.open = !folded;
      var body = text.slice(COACH.length);
      var summary = el("summary");
      summary.appendChild(roleTag("coach", "教练"));
      summary.appendChild(el("span", "coach-preview", body.split("\n")[0]));
      row.appendChild(summary);
      row.appendChild(el("div", "coach-body", body));
    } else {
      row = el("div", "msg customer");
      row.appendChild(roleTag("customer", "客户"));
      row.appendChild(el("div", "bubble", text));
    }
    if (message.buttons && message.buttons.length) addButtons(row, message.buttons);
    log.appendChild(row);
    if (message.image) addImage(message.image);
    scrollDown();
  }

  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    sendButton.disabled = value;
    document.querySelectorAll(".choice, .chip").forEach(function (b) { b.disabled = value; });
    if (value) scrollDown();
  }

  function setText(id, text) { document.getElementById(id).textContent = text || ""; }

  // The header: who the customer is, the stage (and in practice mode the next course step and the
  // trust meter), the turn count. Filled from /api/header, which reads the conversation's slots.
  function showHeader(h) {
    header.className = "rp " + (h.phase || "setup");
    var trust = document.getElementById("rp-trust");
    var inRoleplay = h.phase === "roleplay" || h.phase === "ended";
    document.getElementById("rp-who").hidden = !inRoleplay;
    document.getElementById("rp-turns").hidden = !inRoleplay;
    setText("rp-customer", h.customer);
    setText("rp-type", h.customer_type);
    setText("rp-scenario", inRoleplay ? h.scenario : "");
    setText("rp-turns", "第 " + (h.turns || 0) + " 轮");
    var stage = "";
    if (h.phase === "roleplay") {
      stage = h.stage ? "阶段 " + h.stage_no + "/" + h.stages + " " + h.stage : "";
      if (!h.practice) stage += (stage ? " · " : "") + "考核";
    } else if (h.phase === "ended") {
      stage = "练习已结束" + (h.outcome ? "（" + h.outcome + "）" : "");
    } else {
      stage = "尚未开始练习：在下方选择客户类型、场景和模式";
    }
    setText("rp-stage-text", stage);
    var showTrust = h.practice && typeof h.trust === "number";
    trust.hidden = !showTrust;
    if (showTrust) {
      var bar = document.getElementById("rp-trust-bar");
      bar.style.width = h.trust + "%";
      bar.className = h.trust >= 60 ? "high" : (h.trust < 30 ? "low" : "");
      setText("rp-trust-value", String(h.trust));
      trust.setAttribute("aria-valuenow", String(h.trust));
    }
    var next = "";
    if (h.phase === "roleplay" && h.next) next = "下一步：" + h.next;
    if (h.phase === "ended") next = "直接输入任意内容，即可开始新的练习";
    nextButton.hidden = !next;
    nextButton.textContent = next;
    nextButton.dataset.short = next;
    nextButton.dataset.full = next + ((h.steps || []).length ? "（课程步骤：" + h.steps.join(" → ") + "）" : "");
    nextButton.setAttribute("aria-expanded", "false");
    nextButton.title = nextButton.dataset.full;
    input.placeholder = h.phase === "ended" ? "输入任意内容，开始新的练习…" : PLACEHOLDER;
    header.hidden = false;
  }

  function refreshHeader() {
    var mine = ++headerRequest;   // only the latest answer is shown
    return api("GET", "/api/header").then(function (h) {
      if (mine === headerRequest) { showHeader(h); followAssignment(h); }
    }, function () { if (mine === headerRequest) header.hidden = true; });
  }

  // A class assignment: when the trainer ends it (or its time is up) the running role-play is ended
  // and scored; while it runs, the header is checked every few seconds for that.
  function followAssignment(h) {
    var running = h.assignment && h.phase === "roleplay";
    if (running && h.assignment.ended && !endingAssignment && !busy) {
      endingAssignment = true;
      showStatus("培训师已结束本次练习，正在为您评分…");
      send("/end", null, false, function () { endingAssignment = false; clearStatus(); });
    }
    if (running && !assignmentPoll) {
      assignmentPoll = setInterval(function () { if (!busy) refreshHeader(); }, 4000);
    } else if (!running && assignmentPoll) {
      clearInterval(assignmentPoll);
      assignmentPoll = null;
    }
  }

  function revealInTurn(messages, i, after) {
    if (i >= messages.length) {
      setBusy(false); input.focus(); refreshHeader();
      if (after) after();
      return;
    }
    addBot(messages[i]);
    setTimeout(function () { revealInTurn(messages, i + 1, after); }, 250);
  }

  // text: what Rasa receives; shown: what the trainee sees (a button's title), null = nothing shown.
  // after: called once the answer has been shown (used to chain /start and /start_roleplay).
  function send(text, shown, fromInput, after) {
    if (busy || !text.trim()) return;
    clearStatus();
    var bubble = shown === null ? null : addTrainee(shown || text);
    if (fromInput) input.value = "";
    setBusy(true);
    api("POST", "/api/chat", { message: text }).then(function (data) {
      if (!(data.messages || []).length) {   // never leave the trainee with no answer at all
        var empty = new Error("没有收到回应，您输入的内容已保留，请点“重试”。");
        empty.coach = "";
        throw empty;
      }
      revealInTurn(data.messages, 0, after);
    }).catch(function (error) {
      setBusy(false);
      if (error.coach) {
        var previous = log.querySelector(".msg.coach.notice");
        if (previous) previous.remove();
        addBot({ text: error.coach });
        var notes = log.querySelectorAll(".msg.coach");
        if (notes.length) notes[notes.length - 1].classList.add("notice");
      }
      if (bubble) { bubble.classList.add("failed"); bubble.appendChild(el("small", "failed-note", "未送达")); }
      if (fromInput && !input.value) input.value = text;   // the typed text is never lost
      showStatus(error.message, function () {
        if (bubble) bubble.remove();
        send(text, shown, fromInput && input.value === text, after);
      });
    });
  }

  // 再练一次 on the progress page links here with ?customer_type=…&scenario=…[&mode=…]: a new conversation
  // opens with /start (which carries the trainee) and then goes straight to that role-play.
  var assignmentId = (function () {
    var id = new URLSearchParams(window.location.search).get("assignment") || "";
    return /^[0-9a-f]{16}$/.test(id) ? id : "";
  })();
  var again = (function () {
    var params = new URLSearchParams(window.location.search);
    var code = /^[a-z_]{1,40}$/;
    var ctype = params.get("customer_type"), scenario = params.get("scenario"), mode = params.get("mode");
    if (!code.test(ctype || "") || !code.test(scenario || "")) return null;
    var choice = { customer_type: ctype, scenario: scenario };
    if (code.test(mode || "")) choice.mode = mode;
    return "/start_roleplay" + JSON.stringify(choice);
  })();
  if (window.location.search && window.history.replaceState) window.history.replaceState(null, "", "/");

  function takeAgain() {
    var message = again;
    again = null;
    return message;
  }

  function startConversation(startMessage) {
    header.hidden = true;
    log.textContent = "";
    lastScorecard = null;
    var next = takeAgain();
    send(startMessage, null, false, next ? function () { send(next, null); } : null);
  }

  // The name dialog is modal: the page behind it is inert, Tab cycles inside it, and once a trainee is
  // known Esc, 取消 or a click outside close it and give focus back to what opened it.
  var identify = document.getElementById("identify");
  var identifyForm = document.getElementById("identify-form");
  var identifyCancel = document.getElementById("identify-cancel");
  var appRoot = document.getElementById("app");
  var identifyOpener = null;

  function currentTrainee() {
    return document.getElementById("who").hidden ? "" : document.getElementById("who-name").textContent;
  }

  function openIdentify(opener) {
    identifyOpener = opener || null;
    identifyCancel.hidden = !currentTrainee();
    identify.hidden = false;
    appRoot.setAttribute("inert", "");
    appRoot.setAttribute("aria-hidden", "true");
    document.getElementById("trainee-input").focus();
  }

  function closeIdentify() {
    identify.hidden = true;
    appRoot.removeAttribute("inert");
    appRoot.removeAttribute("aria-hidden");
    document.getElementById("identify-error").hidden = true;
    if (identifyOpener && document.contains(identifyOpener)) identifyOpener.focus();
    else input.focus();
    identifyOpener = null;
  }

  function cancelIdentify() {
    if (!identify.hidden && currentTrainee()) closeIdentify();
  }

  function dialogFocusables() {
    return Array.prototype.filter.call(
      identifyForm.querySelectorAll("button, input, [href], select, textarea, [tabindex]:not([tabindex='-1'])"),
      function (node) { return !node.disabled && !node.hidden && node.offsetParent !== null; });
  }

  document.addEventListener("keydown", function (event) {
    if (identify.hidden) return;
    if (event.key === "Escape") { event.preventDefault(); cancelIdentify(); return; }
    if (event.key !== "Tab") return;
    var nodes = dialogFocusables();
    if (!nodes.length) return;
    var first = nodes[0], last = nodes[nodes.length - 1];
    var inside = identifyForm.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) { event.preventDefault(); last.focus(); }
    else if (!event.shiftKey && (document.activeElement === last || !inside)) { event.preventDefault(); first.focus(); }
  });
  document.addEventListener("focusin", function (event) {
    if (!identify.hidden && !identifyForm.contains(event.target)) document.getElementById("trainee-input").focus();
  });
  identify.addEventListener("click", function (event) { if (event.target === identify) cancelIdentify(); });
  identifyCancel.addEventListener("click", cancelIdentify);

  function showTrainee(name) {
    document.getElementById("who-name").textContent = name;
    document.getElementById("who").hidden = false;
    if (!identify.hidden) closeIdentify();
  }

  function loadHistory() {
    return api("GET", "/api/history").then(function (data) {
      clearStatus();
      if (!data.trainee) { openIdentify(null); return; }
      showTrainee(data.trainee);
      log.textContent = "";
      lastScorecard = null;
      (data.messages || []).forEach(function (m) {
        if (m.sender === "trainee") addTrainee(m.text); else addBot(m);
      });
      keepConversation(data.conversation);
      if (assignmentId) {
        var id = assignmentId;
        assignmentId = "";
        api("POST", "/api/new", { assignment: id }).then(function (d) {
          keepConversation(d.conversation);
          again = d.then || null;
          startConversation(d.start);
        }, function (error) { showStatus(error.message); });
      } else if (!(data.messages || []).length || again) {
        api("POST", "/api/new").then(function (d) { keepConversation(d.conversation); startConversation(d.start); });
      } else {
        refreshHeader();
      }
    }, function (error) { showStatus(error.message, loadHistory); });
  }

  document.getElementById("identify-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var name = document.getElementById("trainee-input").value.trim();
    var errorBox = document.getElementById("identify-error");
    api("POST", "/api/identify", { trainee: name }).then(function (data) {
      errorBox.hidden = true;
      keepConversation(data.conversation);
      showTrainee(data.trainee);
      startConversation(data.start);
    }, function (error) { errorBox.textContent = error.message; errorBox.hidden = false; });
  });

  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value, undefined, true);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(input.value, undefined, true);
    }
  });
  document.querySelectorAll(".chip[data-command]").forEach(function (chip) {
    chip.addEventListener("click", function () { send(chip.dataset.command, chip.dataset.command); });
  });
  document.getElementById("new-chat").addEventListener("click", function () {
    if (busy) return;
    api("POST", "/api/new").then(function (data) { keepConversation(data.conversation); startConversation(data.start); },
                                 function (error) { showStatus(error.message); });
  });
  document.getElementById("switch-trainee").addEventListener("click", function () {
    if (busy) return;
    document.getElementById("trainee-input").value = "";
    openIdentify(document.getElementById("switch-trainee"));
  });
  foldToggle.addEventListener("click", function () {
    folded = !folded;
    foldToggle.setAttribute("aria-pressed", String(folded));
    foldToggle.textContent = folded ? "展开教练点评" : "收起教练点评";
    document.querySelectorAll("details.coach").forEach(function (d) { d.open = !folded; });
  });
  nextButton.addEventListener("click", function () {
    var open = nextButton.getAttribute("aria-expanded") !== "true";
    nextButton.setAttribute("aria-expanded", String(open));
    nextButton.textContent = open ? nextButton.dataset.full : nextButton.dataset.short;
  });
  retryButton.addEventListener("click", function () { if (retryAction) retryAction(); });
  window.addEventListener("online", function () { if (!busy) loadHistory(); });

  loadHistory();
})();
