// When nobody can answer: the form to leave a message (instead of the conversation) with the
// department's privacy notice, linked at all times; and after any chat, its transcript by email
// (the options menu). The address goes to the server only; the window keeps none of it.
import { errorText, fieldOf } from "../../common/errors.js";
import { DEPARTMENT, LANG, roomPath, t, ui } from "./context.js";
import { closeSheet, openSheet } from "./tools.js";

/** While nobody can answer and no chat goes on, and the department takes messages. */
export const leavingMessage = (state) =>
  !state.room && state.availability?.available === false && !!state.availability.offline_messages;

function markInvalid(field, invalid) {
  if (invalid) field.setAttribute("aria-invalid", "true");
  else field.removeAttribute("aria-invalid");
}

/** The message form and the transcript sheet of the chat window's `state`. */
export class Offline {
  constructor(state, { call, composer, connection, conversation, view }) {
    Object.assign(this, { state, call, composer, connection, conversation, view });
  }

  showPrivacyLink() {
    const url = this.state.availability?.privacy_url;
    ui.privacyLine.hidden = !url;
    if (url) ui.privacyLink.href = url;
  }

  refuse(field, text) {
    markInvalid(field, true);
    this.view.showError(text);
    field.focus();
  }

  async leaveMessage(event) {
    event.preventDefault();
    const [text, email, name] = [ui.leaveText, ui.leaveEmail, ui.leaveName].map((field) =>
      field.value.trim()
    );
    markInvalid(ui.leaveText, false);
    markInvalid(ui.leaveEmail, false);
    if (!text) return this.refuse(ui.leaveText, t("leaveNoText"));
    if (!email || !ui.leaveEmail.checkValidity()) return this.refuse(ui.leaveEmail, t("badEmail"));
    ui.leaveSend.disabled = true;
    try {
      await this.composer.ensureIdentity();
      const path = `/departments/${encodeURIComponent(DEPARTMENT)}/offline-messages`;
      const body = { text, email, language: LANG, ...(name ? { name } : {}) };
      const { data } = await this.call("POST", path, body);
      ui.leave.reset();
      this.state.errorText = "";
      this.state.historyLoaded = true;
      this.conversation.setRoom(data);
      this.connection.connect();
      ui.text.focus();
    } catch (error) {
      if (fieldOf(error) === "email") this.refuse(ui.leaveEmail, t("badEmail"));
      else if (error.status === 413) this.refuse(ui.leaveText, this.composer.tooLong());
      else this.view.showError(errorText(error, LANG));
    } finally {
      ui.leaveSend.disabled = false;
    }
  }

  askForTranscript() {
    if (!this.state.room) return ui.options.focus();
    ui.transcriptForm.classList.remove("done");
    ui.transcriptResult.textContent = "";
    markInvalid(ui.transcriptEmail, false);
    openSheet(ui.transcriptSheet, ui.transcriptEmail);
  }

  async sendTranscript(event) {
    event.preventDefault();
    const email = ui.transcriptEmail.value.trim();
    if (!email || !ui.transcriptEmail.checkValidity()) {
      return this.refuse(ui.transcriptEmail, t("badEmail"));
    }
    ui.transcriptSend.disabled = true;
    let said;
    try {
      const path = roomPath(this.state.room.room_id, "/transcript");
      const { data } = await this.call("POST", path, { email, language: LANG });
      said = t(data.sent ? "transcriptNow" : "transcriptLater");
    } catch (error) {
      if (error.code === "transcript_requested") said = t("transcriptAgain");
      else if (fieldOf(error) === "email") return this.refuse(ui.transcriptEmail, t("badEmail"));
      else return this.view.showError(errorText(error, LANG));
    } finally {
      ui.transcriptSend.disabled = false;
    }
    ui.transcriptEmail.value = "";
    ui.transcriptForm.classList.add("done"); // only the answer and "back" are left
    ui.transcriptResult.textContent = said;
    ui.transcriptBack.focus();
  }

  setup() {
    ui.leave.addEventListener("submit", (event) => this.leaveMessage(event));
    ui.mailTranscript.addEventListener("click", () => this.askForTranscript());
    ui.transcriptForm.addEventListener("submit", (event) => this.sendTranscript(event));
    ui.transcriptBack.addEventListener("click", () => closeSheet(ui.transcriptSheet));
  }
}
