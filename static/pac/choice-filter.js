// A search box for long lists of choices (no inline script or style: the CSP refuses both).
// <fieldset data-choice-filter="Label">: hides the checkboxes (and groups) that do not match; a
// checked box always stays. <select data-choice-filter="Label">: keeps only the matching options
// (an option matches on its text or its optgroup's label); the chosen option always stays.
(function () {
  "use strict";
  const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  let count = 0;

  function searchBox(label, controls) {
    count += 1;
    const wrap = document.createElement("div");
    wrap.className = "mb-2";
    const id = `choice-filter-${count}`;
    const lab = document.createElement("label");
    lab.className = "form-label small mb-1";
    lab.htmlFor = id;
    lab.textContent = label;
    const input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "form-control form-control-sm";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", controls.id);
    const status = document.createElement("p");
    status.className = "small text-body-secondary mb-0 mt-1";
    status.setAttribute("role", "status");
    wrap.append(lab, input, status);
    return { wrap, input, status };
  }

  document.querySelectorAll("fieldset[data-choice-filter]").forEach((box) => {
    const { wrap, input, status } = searchBox(box.dataset.choiceFilter, box);
    const help = box.querySelector(":scope > .form-text") || box.querySelector(":scope > legend");
    help.after(wrap);
    const items = [...box.querySelectorAll(".form-check")];
    input.addEventListener("input", () => {
      const query = fold(input.value.trim());
      let shown = 0;
      items.forEach((item) => {
        const hit = !query || item.querySelector("input").checked || fold(item.textContent).includes(query);
        item.hidden = !hit;
        if (hit) shown += 1;
      });
      box.querySelectorAll("fieldset").forEach((group) => {
        group.hidden = !group.querySelector(".form-check:not([hidden])");
      });
      status.textContent = query ? `${shown} of ${items.length} shown` : "";
    });
  });

  document.querySelectorAll("select[data-choice-filter]").forEach((select) => {
    const { wrap, input, status } = searchBox(select.dataset.choiceFilter, select);
    select.before(wrap);
    const original = [...select.children].map((node) => node.cloneNode(true));
    const total = select.querySelectorAll("option[value]:not([value=''])").length;
    input.addEventListener("input", () => {
      const query = fold(input.value.trim());
      const chosen = select.value;
      select.replaceChildren(...original.map((node) => node.cloneNode(true)));
      let shown = 0;
      select.querySelectorAll("option").forEach((option) => {
        if (!option.value) return;
        const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
        if (!query || option.value === chosen || fold(`${option.textContent} ${group}`).includes(query)) {
          shown += 1;
        } else {
          option.remove();
        }
      });
      select.querySelectorAll("optgroup").forEach((group) => {
        if (!group.children.length) group.remove();
      });
      select.value = chosen;
      status.textContent = query ? `${shown} of ${total} shown` : "";
    });
  });
})();
