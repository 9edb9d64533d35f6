// What every class page's script shares: JSON calls to the app with the page's CSRF token, and elements
// built with textContent only (never HTML from data). Loaded (deferred) before the page's own script.
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');

  // `offline`: the message when the network is down (e.g. that what was typed is still in the box).
  function api(method, path, body, offline) {
    var options = { method: method, credentials: "same-origin", headers: {} };
    if (meta) options.headers["X-CSRF-Token"] = meta.content;
    if (body) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    return fetch(path, options).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) throw new Error(data.error || "服务暂时不可用（HTTP " + resp.status + "）。");
        return data;
      });
    }, function () { throw new Error(offline || "网络连接中断，请检查网络后重试。"); });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  window.SSP = { api: api, el: el };
})();
