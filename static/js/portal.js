/* Behaviour of the portal's pages. Pages carry no inline script or on…= handler (the
   Content-Security-Policy header forbids them); markup asks for behaviour with data-
   attributes and this file provides it. */
"use strict";

// <select data-autosubmit>: choosing a value submits its form (the year of the
// self-assessment summary). A <noscript> button stays next to it for pages without JS.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLElement) || !target.matches("[data-autosubmit]")) return;
  const form = target.closest("form");
  if (form) form.requestSubmit();
});
