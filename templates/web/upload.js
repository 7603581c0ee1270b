// Upload progress for the batch and self-check forms (progressive enhancement: without this
// script the forms post as usual).  The form is sent with XMLHttpRequest so the page can show
// how much has been sent; the number of files goes in a header so the server can refuse too
// many before reading the body; on a refusal the message is shown here and the chosen files
// stay chosen.
(function () {
  "use strict";
  function mb(n) { return (n / 1048576).toFixed(1); }
  function setup(form) {
    var box = document.getElementById("upload-progress");
    if (!box || !window.FormData || !window.XMLHttpRequest) { return; }
    var bar = box.querySelector("progress"), text = box.querySelector(".text");
    var msg = document.getElementById("upload-message");
    var maxFiles = parseInt(form.getAttribute("data-max-files"), 10) || 0;
    var maxBytes = (parseFloat(form.getAttribute("data-max-mb")) || 0) * 1048576;
    form.addEventListener("submit", function (ev) {
      var count = 0, size = 0;
      Array.prototype.forEach.call(form.querySelectorAll("input[type=file]"), function (input) {
        Array.prototype.forEach.call(input.files || [], function (f) { count += 1; size += f.size; });
      });
      var limits = "每次最多 " + form.getAttribute("data-max-mb") + " MB、" + maxFiles + " 个文件";
      msg.textContent = "";
      msg.className = "";
      if ((maxFiles && count > maxFiles) || (maxBytes && size > maxBytes)) {
        ev.preventDefault();
        msg.className = "error";
        msg.textContent = "选择了 " + count + " 个文件、共 " + mb(size) + " MB，超过限制（" + limits +
          "）。请分几次上传；已选择的文件仍保留在上面。";
        return;
      }
      ev.preventDefault();
      var xhr = new XMLHttpRequest(), started = Date.now();
      var button = form.querySelector("button[type=submit]");
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Qhsme-Files", String(count));
      xhr.upload.onprogress = function (e) {
        if (!e.lengthComputable) { return; }
        bar.max = e.total; bar.value = e.loaded;
        var secs = (Date.now() - started) / 1000, rate = e.loaded / Math.max(secs, 0.1);
        var left = rate > 0 ? Math.round((e.total - e.loaded) / rate) : 0;
        text.textContent = "正在上传：已上传 " + mb(e.loaded) + " / " + mb(e.total) + " MB（" +
          Math.floor(100 * e.loaded / e.total) + "%）" + (e.loaded < e.total ? "，约剩 " + left + " 秒" : "，服务器正在接收……");
      };
      xhr.onload = function () {
        if (xhr.status < 400 && xhr.responseURL && xhr.responseURL.indexOf("/jobs/") >= 0) {
          text.textContent = "上传完成，正在打开处理页面……";
          window.location.href = xhr.responseURL;
          return;
        }
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var m = doc.getElementById("message");
        box.className = ""; button.disabled = false;
        msg.className = "error";
        msg.textContent = (m ? m.textContent : "上传失败（" + xhr.status + "）") + " 已选择的文件仍保留在上面，可改正后再次上传。";
        if (xhr.status === 303 || (xhr.responseURL && xhr.responseURL.indexOf("/login") >= 0)) {
          window.location.href = xhr.responseURL;
        }
      };
      xhr.onerror = function () {
        box.className = ""; button.disabled = false;
        msg.className = "error";
        msg.textContent = "上传中断（网络连接断开或服务器已关闭）。已选择的文件仍保留在上面，请稍后再试。";
      };
      box.className = "on"; button.disabled = true;
      bar.removeAttribute("value");
      text.textContent = "正在上传……";
      xhr.send(new FormData(form));
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-upload]"), setup);
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
}());
