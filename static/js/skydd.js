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

  // Protection follows the family (issue 11): choosing the role child or relative proposes
  // the protected person's level, until the handler picks a level themselves.
  document.querySelectorAll("[data-proposed-protection]").forEach((select) => {
    const role = document.getElementById(select.getAttribute("data-role-field"));
    if (!role) {
      return;
    }
    const roles = select.getAttribute("data-proposed-roles").split(" ");
    let touched = false;
    select.addEventListener("change", () => {
      touched = true;
    });
    role.addEventListener("change", () => {
      if (!touched && roles.includes(role.value)) {
        select.value = select.getAttribute("data-proposed-protection");
      }
    });
  });
});
