// "Add contact" (S16): information an agent stores about an anonymous visitor.
import { addStrings, api, dialog, el, showError, showFormError, t } from "./core.js";

addStrings({
  de: {
    contactTitle: "Kontakt von {name}",
    contactName: "Name",
    contactEmail: "E-Mail-Adresse",
    contactPhone: "Telefon",
    contactNote: "Notiz",
    contactSaved: "Kontakt gespeichert.",
    contactEmpty:
      "Nichts zu speichern: Bitte füllen Sie mindestens ein Feld aus (Name, E-Mail-Adresse, Telefon oder Notiz).",
  },
  en: {
    contactTitle: "Contact of {name}",
    contactName: "Name",
    contactEmail: "Email address",
    contactPhone: "Phone",
    contactNote: "Note",
    contactSaved: "Contact saved.",
    contactEmpty:
      "Nothing to save: please fill in at least one field (name, email address, phone or note).",
  },
});

const FIELDS = [
  ["name", "contactName", "input", { maxLength: 120, autocomplete: "off" }],
  ["email", "contactEmail", "input", { type: "email", autocomplete: "off" }],
  ["phone", "contactPhone", "input", { type: "tel", maxLength: 40, autocomplete: "off" }],
  ["note", "contactNote", "textarea", { rows: 3, maxLength: 2000 }],
];

/** Ask for the contact's details and store them; the saved contact, or null when cancelled. */
export async function editContact(visitor, current) {
  const inputs = {};
  const error = el("p", { class: "form-error", role: "alert" });
  const body = [
    error,
    ...FIELDS.map(([name, label, tag, attributes]) => {
      inputs[name] = el(tag, {
        id: `contact-${name}`,
        name,
        ...attributes,
        value: current?.[name] || "",
      });
      if (tag === "textarea") inputs[name].value = current?.[name] || "";
      return el(
        "div",
        { class: "field" },
        el("label", { for: `contact-${name}`, text: t(label) }),
        inputs[name]
      );
    }),
  ];
  for (;;) {
    const save = await dialog({
      title: t("contactTitle", { name: visitor.name }),
      body,
      actions: [
        { label: t("cancel"), value: false },
        { label: t("save"), value: true, kind: "primary" },
      ],
    });
    if (!save) return null;
    const payload = {};
    for (const [name] of FIELDS) {
      const value = inputs[name].value.trim();
      if (value || current?.[name]) payload[name] = value || null;
    }
    // A new contact with nothing in it would be saved as nothing: say why it is not.
    if (!current && !Object.values(payload).some(Boolean)) {
      error.textContent = t("contactEmpty");
      inputs.name.focus();
      continue;
    }
    error.textContent = "";
    try {
      return await api("PUT", `/contacts/${visitor.visitor_id}`, payload);
    } catch (failure) {
      // The dialog opens again with what was typed, the error next to the field it names.
      if (failure.status !== 400) {
        showError(failure);
        return null;
      }
      showFormError(failure, inputs, error);
    }
  }
}
