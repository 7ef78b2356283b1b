// Editing and deleting one's own staff message (the server allows both for 15 minutes after
// sending): the buttons under the message, the editor in its place and the confirmation before
// a deletion. A refusal (the window passed meanwhile) stands next to the message.
import {
  addStrings,
  api,
  confirmDialog,
  el,
  errorText,
  session,
  showFormError,
  t,
} from "./core.js";

addStrings({
  de: {
    editMessage: "Bearbeiten",
    editMessageLabel: "Nachricht bearbeiten",
    deleteMessage: "Löschen",
    deleteMessageTitle: "Nachricht löschen?",
    deleteMessageText:
      "Die Nachricht wird für alle Mitglieder gelöscht; an ihrer Stelle steht „Nachricht gelöscht“.",
  },
  en: {
    editMessage: "Edit",
    editMessageLabel: "Edit message",
    deleteMessage: "Delete",
    deleteMessageTitle: "Delete message?",
    deleteMessageText:
      "The message is deleted for all members; “Message deleted” stands in its place.",
  },
});

const lineOf = (screen, seq) => screen.list.querySelector(`[data-seq="${seq}"]`);

function showRefusal(screen, seq, failure) {
  const line = lineOf(screen, seq);
  if (!line) return;
  let box = line.querySelector(".message-error");
  if (!box) {
    box = el("p", { class: "form-error message-error", role: "alert" });
    line.append(box);
  }
  box.textContent = errorText(failure);
}

/** The "Bearbeiten" and "Löschen" buttons of one's own message, described by its text. */
export function messageActions(screen, message, textId) {
  const button = (label, onclick) =>
    el("button", {
      type: "button",
      class: "link",
      text: label,
      "aria-describedby": textId,
      onclick,
    });
  return el(
    "div",
    { class: "message-actions" },
    button(t("editMessage"), () => edit(screen, message)),
    button(t("deleteMessage"), () => remove(screen, message))
  );
}

function edit(screen, message) {
  const line = lineOf(screen, message.seq);
  const text = line.querySelector(".text");
  const actions = line.querySelector(".message-actions");
  const id = `message-${message.seq}-edit`;
  const input = el("textarea", {
    id,
    name: "text",
    rows: 2,
    required: true,
    maxLength: session.maxMessageLength,
  });
  input.value = message.text;
  const error = el("p", { class: "form-error", role: "alert" });
  const close = () => {
    form.replaceWith(text);
    actions.hidden = false;
    actions.querySelector("button").focus();
  };
  const form = el(
    "form",
    { class: "message-edit" },
    el(
      "div",
      { class: "field" },
      el("label", { for: id, class: "visually-hidden", text: t("editMessageLabel") }),
      input
    ),
    error,
    el(
      "div",
      { class: "actions" },
      el("button", { type: "submit", class: "primary", text: t("save") }),
      el("button", { type: "button", class: "secondary", text: t("cancel"), onclick: close })
    )
  );
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape") close();
    if (event.key !== "Enter" || event.shiftKey) return;
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) save(screen, message.seq, input, error);
  });
  text.replaceWith(form);
  actions.hidden = true;
  input.focus();
}

async function save(screen, seq, input, error) {
  try {
    const changed = await api("PATCH", `/rooms/${screen.roomId}/messages/${seq}`, {
      text: input.value.trim(),
    });
    screen.show(changed);
    lineOf(screen, seq)?.querySelector(".message-actions button")?.focus();
  } catch (failure) {
    showFormError(failure, { text: input }, error);
  }
}

async function remove(screen, message) {
  const confirmed = await confirmDialog(
    t("deleteMessageTitle"),
    t("deleteMessageText"),
    t("deleteMessage")
  );
  if (!confirmed) return;
  try {
    await api("DELETE", `/rooms/${screen.roomId}/messages/${message.seq}`);
    // The socket brings the same change; without it the line must change all the same.
    screen.show({ ...message, text: "", deleted_at: new Date().toISOString() });
    screen.input.focus();
  } catch (failure) {
    showRefusal(screen, message.seq, failure);
  }
}
