// Trainer pages work without JavaScript; this only adds the print button of the report page and the
// select-all / select-none buttons of checkbox lists.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  function tick(button, name, value) {
    var form = button.closest("form");
    form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) { box.checked = value; });
  }
  document.querySelectorAll("[data-check-all]").forEach(function (button) {
    button.addEventListener("click", function () { tick(button, button.getAttribute("data-check-all"), true); });
  });
  document.querySelectorAll("[data-check-none]").forEach(function (button) {
    button.addEventListener("click", function () { tick(button, button.getAttribute("data-check-none"), false); });
  });
});
