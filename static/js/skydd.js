// Skydd – progressive enhancement only; every page works without JavaScript.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, focus goes to the error summary (its links lead to the fields),
  // not back to the top of the page.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }

  // A page with unsaved changes asks before it is left. Forms that save themselves
  // (data-autosave), searches and one-button forms (data-no-unsaved-warning, .inline-form)
  // are left out; submitting the form is not leaving it.
  const watched = Array.from(document.querySelectorAll("form[method=post]")).filter(
    (form) =>
      !form.matches("[data-autosave], [data-no-unsaved-warning], .inline-form") &&
      form.querySelector("input:not([type=hidden]):not([type=submit]), textarea, select")
  );
  let unsaved = false;
  watched.forEach((form) => {
    form.addEventListener("input", () => {
      unsaved = true;
    });
    form.addEventListener("change", () => {
      unsaved = true;
    });
    form.addEventListener("submit", () => {
      unsaved = false;
    });
  });
  window.addEventListener("beforeunload", (event) => {
    if (unsaved) {
      event.preventDefault();
      event.returnValue = ""; // older browsers need a value to ask
    }
  });

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
