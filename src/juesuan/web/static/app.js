// juesuan web app: finding ↔ cell links, drag and drop with upload progress. No dependencies.
(function () {
  "use strict";
  function clear() {
    document.querySelectorAll(".highlight").forEach(function (el) { el.classList.remove("highlight"); });
    document.querySelectorAll(".finding.active").forEach(function (el) { el.classList.remove("active"); });
  }
  function showFinding(li, scroll) {
    clear();
    li.classList.add("active");
    var ids = (li.getAttribute("data-cells") || "").split(" ").filter(Boolean);
    ids.forEach(function (id, i) {
      var td = document.getElementById(id);
      if (!td) return;
      td.classList.add("highlight");
      if (i === 0 && scroll) td.scrollIntoView({ block: "center", behavior: "instant" });
    });
  }
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a.finding-link");
    if (link) {
      ev.preventDefault();
      var li = link.closest(".finding");
      showFinding(li, true);
      history.replaceState(null, "", "#" + li.id);
      return;
    }
    var cell = ev.target.closest && ev.target.closest("a.cell-link");
    if (cell) {
      ev.preventDefault();
      var ids = (cell.getAttribute("data-findings") || "").split(" ").filter(Boolean);
      var first = document.getElementById(ids[0]);
      if (first) {
        showFinding(first, false);
        ids.forEach(function (id) { var el = document.getElementById(id); if (el) el.classList.add("active"); });
        first.scrollIntoView({ block: "center", behavior: "instant" });
        history.replaceState(null, "", "#" + ids[0]);
      }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    if (location.hash.indexOf("#f-") === 0) {
      var li = document.getElementById(location.hash.slice(1));
      if (li) showFinding(li, true);
    }
    var drop = document.getElementById("drop");
    var input = document.getElementById("files");
    var form = document.getElementById("upload-form");
    if (!drop || !input || !form) return;
    ["dragenter", "dragover"].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; showNames(); }
    });
    input.addEventListener("change", showNames);
    function showNames() {
      var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
      drop.querySelector("span").textContent = names.length ? "已选择：" + names.join("、") : "把文件拖到这里，或点击选择（可多选）";
    }
    // upload with a progress bar; the result page replaces this one
    form.addEventListener("submit", function (e) {
      if (!window.XMLHttpRequest || !window.FormData) return;
      e.preventDefault();
      var bar = document.getElementById("upload-progress");
      var button = document.getElementById("upload-submit");
      bar.hidden = false; button.disabled = true; button.textContent = "上传中…";
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (ev) { if (ev.lengthComputable) bar.value = (100 * ev.loaded) / ev.total; };
      xhr.upload.onload = function () { button.textContent = "审核中…"; };
      xhr.onload = function () { document.open(); document.write(xhr.responseText); document.close(); };
      xhr.onerror = function () { button.disabled = false; button.textContent = "上传失败，重试"; };
      xhr.send(new FormData(form));
    });
  });
})();
