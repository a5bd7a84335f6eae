// Skydd – progressive enhancement only; every page works without JavaScript.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Ask before destructive actions (buttons with data-confirm="…").
  document.querySelectorAll("[data-confirm]").forEach((element) => {
    element.addEventListener("click", (event) => {
      if (!window.confirm(element.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });
});
