// Canned responses: the composer's picker (type "/" or use its button) offering the agent's own
// texts and those of the chat's department, and the lists where they are managed (the
// department's by admins under Administration → Abteilungen, one's own under Mein Konto).
import {
  addStrings,
  api,
  clearFormErrors,
  confirmDialog,
  el,
  icon,
  replace,
  session,
  showError,
  showFormError,
  t,
  toast,
} from "./core.js";

addStrings({
  de: {
    canned: "Textbausteine",
    cannedNone: "Keine Textbausteine. Sie legen eigene unter »Mein Konto« an.",
    cannedNoMatch: "Kein Textbaustein passt zu »/{query}«.",
    cannedMine: "eigener",
    cannedShortcut: "Kürzel",
    cannedShortcutHint: "Kleinbuchstaben, Ziffern, - und _; im Eingabefeld mit / davor.",
    cannedText: "Text",
    cannedTextHint:
      "Höchstens {max} Zeichen, wie eine Nachricht; höchstens 100 Textbausteine je Liste.",
    cannedAdd: "Textbaustein hinzufügen",
    cannedAdded: "Der Textbaustein /{shortcut} ist gespeichert.",
    cannedEdit: "Bearbeiten",
    cannedSave: "Speichern",
    cannedDelete: "Löschen",
    cannedDeleteTitle: "Textbaustein /{shortcut} löschen?",
    cannedDeleteText: "Er wird beim Tippen von / nicht mehr angeboten.",
    cannedDeleted: "Der Textbaustein /{shortcut} ist gelöscht.",
    cannedEmpty: "Noch keine Textbausteine.",
    cannedMyTitle: "Meine Textbausteine",
    cannedMyIntro: "Nur Sie sehen diese Texte. Im Eingabefeld fügt / mit dem Kürzel sie ein.",
    cannedDepartmentTitle: "Textbausteine von {name}",
    cannedDepartmentIntro: "Alle Chat-Agent:innen der Abteilung können diese Texte einfügen.",
  },
  en: {
    canned: "Canned responses",
    cannedNone: "No canned responses. Add your own under “My account”.",
    cannedNoMatch: "No canned response matches “/{query}”.",
    cannedMine: "own",
    cannedShortcut: "Shortcut",
    cannedShortcutHint: "Lowercase letters, digits, - and _; typed with / before it.",
    cannedText: "Text",
    cannedTextHint:
      "At most {max} characters, as a message; at most 100 canned responses per list.",
    cannedAdd: "Add canned response",
    cannedAdded: "The canned response /{shortcut} is saved.",
    cannedEdit: "Edit",
    cannedSave: "Save",
    cannedDelete: "Delete",
    cannedDeleteTitle: "Delete the canned response /{shortcut}?",
    cannedDeleteText: "It is no longer offered when typing /.",
    cannedDeleted: "The canned response /{shortcut} is deleted.",
    cannedEmpty: "No canned responses yet.",
    cannedMyTitle: "My canned responses",
    cannedMyIntro: "Only you see these texts. In the composer, / with the shortcut inserts them.",
    cannedDepartmentTitle: "Canned responses of {name}",
    cannedDepartmentIntro: "Every agent of the department can insert these texts.",
  },
});

const TRIGGER = /^\/([a-z0-9_-]*)$/;

async function responsesFor(departmentId) {
  const [own, department] = await Promise.allSettled([
    api("GET", "/me/canned-responses"),
    api("GET", `/departments/${encodeURIComponent(departmentId)}/canned-responses`),
  ]);
  const listed = (answer) => (answer.status === "fulfilled" ? answer.value.responses : []);
  return [...listed(department), ...listed(own)];
}

/**
 * The composer's picker for `text`: typing "/" (then part of a shortcut) as the whole input, or
 * the button, opens a list; arrows choose, Enter or Tab inserts, Escape closes. Its keydown
 * listener must be added before the composer's own, so that Enter picks instead of sending.
 */
export function cannedPicker(text, departmentId) {
  const picker = new CannedPicker(text, departmentId);
  return { button: picker.button, panel: picker.panel };
}

class CannedPicker {
  constructor(text, departmentId) {
    this.text = text;
    this.departmentId = departmentId;
    this.responses = null;
    this.shown = [];
    this.active = 0;
    this.fromButton = false;
    this.list = el("ul", {
      class: "canned-list",
      role: "listbox",
      id: "canned-list",
      "aria-label": t("canned"),
    });
    this.note = el("p", { class: "canned-note", role: "status" });
    this.panel = el("div", { class: "canned-panel" }, this.list, this.note);
    this.panel.hidden = true;
    this.button = el("button", {
      type: "button",
      class: "icon-button",
      id: "canned-button",
      "aria-label": t("canned"),
      "aria-expanded": "false",
      "aria-controls": "canned-list",
    });
    this.button.append(icon("bubble"));
    text.setAttribute("aria-controls", "canned-list");
    text.addEventListener("input", () => this.onInput());
    text.addEventListener("keydown", (event) => this.onKey(event));
    this.button.addEventListener("click", () => this.onButton());
  }

  get query() {
    return this.fromButton ? "" : TRIGGER.exec(this.text.value)?.[1] || "";
  }

  onInput() {
    if (TRIGGER.test(this.text.value)) {
      this.fromButton = false;
      this.open().catch(showError);
    } else if (!this.fromButton) this.close();
  }

  onButton() {
    if (!this.panel.hidden) return this.close();
    this.fromButton = true;
    this.active = 0;
    this.text.focus();
    this.open().catch(showError);
  }

  onKey(event) {
    if (this.panel.hidden) return;
    const moves = { ArrowDown: 1, ArrowUp: -1 };
    const count = this.shown.length;
    if (event.key in moves && count) {
      this.active = (this.active + moves[event.key] + count) % count;
      this.render();
    } else if ((event.key === "Enter" || event.key === "Tab") && count) {
      this.choose(this.active);
    } else if (event.key === "Escape") {
      this.close();
    } else return;
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  async open() {
    if (this.responses === null) this.responses = await responsesFor(this.departmentId);
    this.panel.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    this.render();
  }

  close() {
    this.panel.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    this.text.removeAttribute("aria-activedescendant");
  }

  choose(index) {
    const chosen = this.shown[index];
    if (!chosen) return;
    const text = this.text;
    if (this.fromButton) {
      const start = text.selectionStart ?? text.value.length;
      const end = text.selectionEnd ?? start;
      text.value = text.value.slice(0, start) + chosen.text + text.value.slice(end);
    } else {
      text.value = chosen.text;
    }
    text.selectionStart = text.selectionEnd = text.value.length;
    this.fromButton = false;
    this.close();
    text.dispatchEvent(new Event("input"));
    text.focus();
  }

  render() {
    const query = this.query;
    this.shown = this.responses.filter((r) => r.shortcut.startsWith(query));
    this.active = Math.min(this.active, Math.max(this.shown.length - 1, 0));
    replace(
      this.list,
      this.shown.map((r, index) => this.option(r, index))
    );
    const empty = this.responses.length ? t("cannedNoMatch", { query }) : t("cannedNone");
    this.note.textContent = this.shown.length ? "" : empty;
    if (this.shown.length) this.text.setAttribute("aria-activedescendant", `canned-${this.active}`);
    else this.text.removeAttribute("aria-activedescendant");
  }

  option(response, index) {
    return el(
      "li",
      {
        role: "option",
        id: `canned-${index}`,
        "aria-selected": String(index === this.active),
        onmousedown: (event) => event.preventDefault(), // the input keeps the focus
        onclick: () => this.choose(index),
      },
      el("span", { class: "canned-shortcut", text: `/${response.shortcut}` }),
      response.department_id
        ? null
        : el("span", { class: "canned-mine", text: `(${t("cannedMine")})` }),
      el("span", { class: "canned-text", text: response.text })
    );
  }
}

/**
 * One owner's canned responses with a form to add and, per row, edit and delete: `listPath`
 * lists them, `base` adds, `${base}/{shortcut}` changes and deletes.
 */
export function cannedManager({ listPath, base, idPrefix }) {
  return new CannedManager(listPath, base, idPrefix).container;
}

class CannedManager {
  constructor(listPath, base, idPrefix) {
    this.listPath = listPath;
    this.base = base;
    this.editing = null;
    this.rows = el("ul", { class: "canned-rows plain-list" });
    this.shortcut = el("input", {
      id: `${idPrefix}-shortcut`,
      name: "shortcut",
      autocomplete: "off",
      maxLength: 32,
      "aria-describedby": `${idPrefix}-shortcut-hint`,
    });
    this.shortcut.spellcheck = false;
    this.textInput = el("textarea", {
      id: `${idPrefix}-text`,
      name: "text",
      rows: 3,
      maxLength: session.maxMessageLength,
      "aria-describedby": `${idPrefix}-text-hint`,
    });
    this.error = el("p", { class: "form-error", role: "alert" });
    this.submit = el("button", { type: "submit", class: "primary", text: t("cannedAdd") });
    this.form = el(
      "form",
      { class: "canned-form", "aria-label": t("cannedAdd") },
      this.error,
      el(
        "div",
        { class: "field" },
        el("label", { for: this.shortcut.id, text: t("cannedShortcut") }),
        this.shortcut,
        el("small", {
          class: "hint",
          id: `${idPrefix}-shortcut-hint`,
          text: t("cannedShortcutHint"),
        })
      ),
      el(
        "div",
        { class: "field" },
        el("label", { for: this.textInput.id, text: t("cannedText") }),
        this.textInput,
        el("small", {
          class: "hint",
          id: `${idPrefix}-text-hint`,
          text: t("cannedTextHint", { max: session.maxMessageLength }),
        })
      ),
      el("div", { class: "actions" }, this.submit)
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.save();
    });
    this.container = el("div", { class: "canned-manager" }, this.rows, this.form);
    this.load().catch(showError);
  }

  async load() {
    const { responses } = await api("GET", this.listPath);
    replace(
      this.rows,
      responses.length ? responses.map((r) => this.row(r)) : el("li", { text: t("cannedEmpty") })
    );
  }

  row(response) {
    const name = `/${response.shortcut}`;
    return el(
      "li",
      { class: "canned-row", "data-shortcut": response.shortcut },
      el("code", { text: name }),
      el("span", { class: "canned-text", text: response.text }),
      el(
        "span",
        { class: "actions" },
        el("button", {
          type: "button",
          class: "secondary",
          text: t("cannedEdit"),
          "aria-label": `${t("cannedEdit")}: ${name}`,
          onclick: () => this.edit(response),
        }),
        el("button", {
          type: "button",
          class: "danger",
          text: t("cannedDelete"),
          "aria-label": `${t("cannedDelete")}: ${name}`,
          onclick: () => this.remove(response.shortcut),
        })
      )
    );
  }

  edit(response) {
    this.editing = response.shortcut;
    this.shortcut.value = response.shortcut;
    this.textInput.value = response.text;
    this.submit.textContent = t("cannedSave");
    this.textInput.focus();
  }

  async remove(shortcut) {
    const title = t("cannedDeleteTitle", { shortcut });
    if (!(await confirmDialog(title, t("cannedDeleteText"), t("cannedDelete")))) return;
    try {
      await api("DELETE", `${this.base}/${encodeURIComponent(shortcut)}`);
      toast(t("cannedDeleted", { shortcut }));
    } catch (failure) {
      showError(failure);
    }
    await this.load();
  }

  async save() {
    const body = {
      shortcut: this.shortcut.value.trim().replace(/^\//, ""),
      text: this.textInput.value,
    };
    const inputs = { shortcut: this.shortcut, text: this.textInput };
    clearFormErrors(inputs, this.error);
    try {
      if (this.editing) {
        await api("PUT", `${this.base}/${encodeURIComponent(this.editing)}`, body);
      } else await api("POST", this.base, body);
    } catch (failure) {
      if (![400, 404, 409, 413].includes(failure.status)) return showError(failure);
      return showFormError(failure, inputs, this.error);
    }
    toast(t("cannedAdded", { shortcut: body.shortcut }));
    this.editing = null;
    this.form.reset();
    this.submit.textContent = t("cannedAdd");
    await this.load();
  }
}
