// After htmx swaps part of a page, move keyboard and screen-reader focus to the new
// content's marked heading, the way a full page load would start at the top.
document.addEventListener("htmx:afterSettle", function (event) {
  var id = event.detail.target && event.detail.target.id;
  var swapped = id && document.getElementById(id);
  var heading = swapped && swapped.querySelector("[data-focus-after-swap]");
  if (heading) heading.focus();
});
