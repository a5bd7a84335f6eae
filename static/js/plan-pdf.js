// "PDF:en skapas…" (cases/plan/plan_pdf_wait.html): start the download at once. The PDF is
// an attachment, so the page stays and keeps telling what is happening; without JS the
// page's link does the same.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const link = document.querySelector("[data-pdf-download]");
  if (link) {
    window.location.assign(link.getAttribute("href"));
  }
});
