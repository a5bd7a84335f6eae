// Risk assessment form: autosave of the draft (progressive enhancement; the form works
// without it). Posts the same form with the header X-Skydd-Autosave and gets JSON back with
// the new version, so that the optimistic lock stays in step with the server.
// Saved shortly after every change (a rating at once, typing when it pauses) and when the
// page is left; while something is not saved yet, leaving the page asks first.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  const status = document.getElementById("ra-autosave-status");
  const CHANGE_DELAY_MS = 400; // a rating, a checkbox, a choice
  const TYPING_DELAY_MS = 1500; // text: when typing pauses
  let timer = null;
  let dirty = false;
  let busy = false;
  let stopped = false;
  let pendingSubmitter = null;

  const setVersion = (version) => {
    document.querySelectorAll("input[name=version]").forEach((input) => {
      input.value = String(version);
    });
  };
  const say = (text) => {
    if (status) {
      status.textContent = text;
    }
  };

  const save = async (leaving = false) => {
    if (timer) {
      window.clearTimeout(timer);
      timer = null;
    }
    if (!dirty || busy || stopped) {
      return;
    }
    busy = true;
    dirty = false;
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-Skydd-Autosave": "1" },
        credentials: "same-origin",
        redirect: "error", // an expired session answers with a redirect to the login page
        keepalive: leaving, // the request outlives the page that is being left
      });
      const data = await response.json();
      if (response.ok) {
        setVersion(data.version);
        say(`${form.dataset.msgSaved} ${data.saved}`);
      } else {
        say(data.error || form.dataset.msgFailed);
        if (response.status === 409) {
          stopped = true; // someone else saved: the user decides, nothing is overwritten
        } else {
          dirty = true;
        }
      }
    } catch (error) {
      say(form.dataset.msgFailed);
      dirty = true;
    } finally {
      busy = false;
    }
    if (pendingSubmitter) {
      const submitter = pendingSubmitter;
      pendingSubmitter = null;
      stopped = true;
      form.requestSubmit(submitter);
    }
  };

  const schedule = (delay) => {
    dirty = true;
    if (timer) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(() => save(), delay);
  };
  form.addEventListener("input", (event) => {
    const typing = event.target.matches("textarea, input[type=text], input:not([type])");
    schedule(typing ? TYPING_DELAY_MS : CHANGE_DELAY_MS);
  });
  // The "N ratings not made yet" note follows what has been answered.
  const unrated = document.getElementById("ra-unrated");
  const countUnrated = () => {
    if (!unrated) {
      return;
    }
    const groups = new Set();
    const answered = new Set();
    form.querySelectorAll("input[type=radio][name^='r_']").forEach((radio) => {
      groups.add(radio.name);
      if (radio.checked) {
        answered.add(radio.name);
      }
    });
    const n = groups.size - answered.size;
    if (n === 0) {
      unrated.textContent = "";
    } else if (n === 1) {
      unrated.textContent = unrated.dataset.msgOne;
    } else {
      unrated.textContent = unrated.dataset.msgMany.replace("%s", String(n));
    }
  };
  form.addEventListener("change", () => {
    schedule(CHANGE_DELAY_MS);
    countUnrated();
  });
  form.addEventListener("submit", (event) => {
    if (busy) {
      // Let the running autosave finish first, or the button would meet a stale version.
      event.preventDefault();
      pendingSubmitter = event.submitter;
      return;
    }
    stopped = true;
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      save(true);
    }
  });
  window.addEventListener("pagehide", () => save(true));
  window.addEventListener("beforeunload", (event) => {
    if (!stopped && (dirty || busy)) {
      save(true);
      event.preventDefault();
      event.returnValue = ""; // older browsers need a value to ask
    }
  });
});
