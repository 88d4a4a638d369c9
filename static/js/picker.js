/* The search-as-you-type pickers of the self-assessment form (templates/roadmaps/_picker.html).

   Without this file a picker is a list of ticked checkboxes and a search box sent with the
   form (the page comes back with the matches to tick). With it: the checkboxes hide behind
   chips with a × button, htmx fetches the matches as the user types, a click (or Enter on
   the first match) adds a chip, and the search boxes are not sent with the form, so saving
   saves. No inline script: the Content-Security-Policy forbids it; text is set with
   textContent only. */
"use strict";

(() => {
  const enhance = (root) => {
    root.querySelectorAll("[data-picker]").forEach((picker) => {
      if (picker.dataset.pickerReady) return;
      picker.dataset.pickerReady = "1";
      picker.querySelectorAll(".picker-check").forEach((box) => box.classList.add("d-none"));
      picker.querySelectorAll("[data-picker-remove]").forEach((button) => {
        button.hidden = false;
      });
    });
  };

  const refreshEmpty = (picker) => {
    const empty = picker.querySelector("[data-picker-empty]");
    const chips = picker.querySelectorAll("[data-picker-chips] [data-picker-chip]");
    if (empty) empty.classList.toggle("d-none", chips.length > 0);
  };

  const chip = (picker, value, label, detail) => {
    const name = picker.dataset.name;
    const id = `${picker.dataset.id}_${value}`;
    const item = document.createElement("li");
    item.className =
      "badge text-bg-light border d-inline-flex align-items-center gap-1 text-wrap text-start fw-normal";
    item.dataset.pickerChip = "";
    item.dataset.value = value;
    const box = document.createElement("input");
    box.type = "checkbox";
    box.className = "form-check-input mt-0 picker-check d-none";
    box.name = name;
    box.value = value;
    box.id = id;
    box.checked = true;
    const text = document.createElement("label");
    text.className = "form-check-label";
    text.htmlFor = id;
    text.textContent = label;
    if (detail) {
      const second = document.createElement("span");
      second.className = "text-secondary";
      second.textContent = ` · ${detail}`;
      text.append(" ", second);
    }
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "btn-close picker-remove";
    remove.dataset.pickerRemove = "";
    remove.setAttribute("aria-label", `Убрать: ${label}`);
    item.append(box, text, remove);
    return item;
  };

  const add = (button) => {
    const picker = button.closest("[data-picker]");
    if (!picker) return;
    const value = button.dataset.value;
    const chips = picker.querySelector("[data-picker-chips]");
    const known = Array.from(chips.querySelectorAll("[data-picker-chip]")).some(
      (item) => item.dataset.value === value,
    );
    if (!known) chips.append(chip(picker, value, button.dataset.label, button.dataset.detail));
    const results = picker.querySelector("[data-picker-results]");
    results.replaceChildren();
    const search = picker.querySelector("[data-picker-search]");
    search.value = "";
    search.focus();
    refreshEmpty(picker);
  };

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) return;
    const adder = target.closest("[data-picker-add]");
    if (adder) {
      event.preventDefault();
      add(adder);
      return;
    }
    const remover = target.closest("[data-picker-remove]");
    if (remover) {
      event.preventDefault();
      const picker = remover.closest("[data-picker]");
      const item = remover.closest("[data-picker-chip]");
      if (item) item.remove();
      if (picker) {
        refreshEmpty(picker);
        picker.querySelector("[data-picker-search]")?.focus();
      }
    }
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLElement) || !target.matches("[data-picker-search]")) return;
    const picker = target.closest("[data-picker]");
    if (event.key === "Enter") {
      // Enter in a search box picks the first match; it never submits the whole form.
      event.preventDefault();
      const first = picker?.querySelector("[data-picker-add]");
      if (first) add(first);
    } else if (event.key === "Escape") {
      picker?.querySelector("[data-picker-results]")?.replaceChildren();
    } else if (event.key === "ArrowDown") {
      const first = picker?.querySelector("[data-picker-add]");
      if (first) {
        event.preventDefault();
        first.focus();
      }
    }
  });

  // Saving sends the chips, not what is left in the search boxes.
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    form.querySelectorAll("[data-picker-search]").forEach((search) => {
      search.disabled = true;
    });
  });

  // Back to a page left by saving (the browser's page cache): the boxes work again.
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("[data-picker-search]").forEach((search) => {
      search.disabled = false;
    });
  });

  const start = () => enhance(document);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSettle", (event) => enhance(event.target));
})();
