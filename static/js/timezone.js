// Progressive enhancement: pre-select the browser's time zone on forms that ask.
(function () {
  var select = document.querySelector('select[name="timezone"]');
  if (!select || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || select.value !== "UTC") return;
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) { select.value = zone; return; }
  }
})();
