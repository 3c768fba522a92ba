// Carepath: keyboard shortcuts. Everything works without this file.
// "/" focuses the search box, as in most tools people use all day.
document.addEventListener("keydown", function (e) {
  if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
  var t = e.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  var q = document.getElementById("q");
  if (q) {
    e.preventDefault();
    // Focus after this key is done, so that the "/" never lands in the box.
    setTimeout(function () { q.focus(); q.select(); }, 0);
  }
});
