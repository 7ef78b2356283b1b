// The header's tools (bell, options menu with "end chat", privacy and deletion, minimise), the
// emoji panel, and the sheets that cover the conversation.
import { errorText } from "../../common/errors.js";
import { el, isActive, LANG, roomPath, t, ui } from "./context.js";
import { clearStored, normalise, saveStored } from "./storage.js";

const EMOJIS = [..."😀😊🙂😉😂😅😍🤔😮😢😕🙈👍👎👏🙏👋🙌💪👀✅❌❓❗💡🎉", "❤️", ..."⭐☕📚🎓📅"];
let lastFocus = null;

export function toggleMenu(open) {
  ui.menu.hidden = !open;
  ui.options.setAttribute("aria-expanded", String(open));
  if (open) {
    toggleEmoji(false);
    ui.endChat.focus();
  }
}

/** Arrows move between the menu's shown items (as in any menu); Tab leaves it. */
function moveInMenu(event) {
  const items = [...ui.menu.querySelectorAll("[role=menuitem]:not([hidden])")];
  const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
  if (step) {
    event.preventDefault();
    const index = items.indexOf(document.activeElement);
    items[(index + step + items.length) % items.length].focus();
  } else if (event.key === "Tab") {
    toggleMenu(false);
  }
}

function toggleEmoji(open) {
  ui.emojiPanel.hidden = !open;
  ui.emoji.setAttribute("aria-expanded", String(open));
  if (open) {
    toggleMenu(false);
    ui.emojiPanel.querySelector("button").focus();
  }
}

function insertEmoji(emoji) {
  const start = ui.text.selectionStart ?? ui.text.value.length;
  const end = ui.text.selectionEnd ?? start;
  ui.text.setRangeText(emoji, start, end, "end");
  toggleEmoji(false);
  ui.text.focus();
  ui.text.dispatchEvent(new Event("input"));
}

function moveInEmojiPanel(event) {
  const buttons = [...ui.emojiPanel.querySelectorAll("button")];
  const index = buttons.indexOf(document.activeElement);
  const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 }[event.key];
  if (step && index >= 0) {
    event.preventDefault();
    buttons[(index + step + buttons.length) % buttons.length].focus();
  } else if (event.key === "Tab") {
    toggleEmoji(false);
  }
}

/**
 * The conversation as the visitor sees it, as a text file made here in the browser (a blob:
 * address): nothing is sent or stored anywhere.
 */
function downloadTranscript() {
  const lines = [...ui.messages.querySelectorAll("li")].map((item) => {
    const said = item.querySelector(".text")?.textContent ?? "";
    const file = item.dataset.file && t("transcriptFile", { name: item.dataset.file });
    const text = [said, file].filter(Boolean).join(" ");
    const meta = item.querySelector(".meta")?.textContent;
    return meta ? `${meta}\n${text}\n` : `— ${text} —\n`;
  });
  const date = new Date().toLocaleDateString(LANG);
  const file = new Blob([`${t("transcript", { date })}\n\n${lines.join("\n")}`], {
    type: "text/plain;charset=utf-8",
  });
  const link = el("a");
  link.href = URL.createObjectURL(file);
  link.download = `live-chat-${new Date().toISOString().slice(0, 10)}.txt`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

// Sheets cover everything under the header, which is inert meanwhile: the privacy notice and
// "end the chat?" are modal dialogs (the header too is inert), "your data is gone" keeps the
// header's tools.
export function openSheet(sheet, focusTarget) {
  lastFocus = document.activeElement;
  toggleMenu(false);
  toggleEmoji(false);
  for (const part of [ui.notice, ui.privacyLine, ui.logArea, ui.leave, ui.typing, ui.compose]) {
    part.inert = true;
  }
  ui.bar.inert = sheet !== ui.gone;
  sheet.hidden = false;
  focusTarget.focus();
}

export function closeSheet(sheet, restoreFocus = true) {
  sheet.hidden = true;
  const parts = [ui.bar, ui.notice, ui.privacyLine, ui.logArea, ui.leave, ui.typing, ui.compose];
  for (const part of parts) part.inert = false;
  if (restoreFocus && lastFocus?.isConnected) lastFocus.focus();
}

function showDeletionStep(confirming) {
  ui.privacyActions.hidden = confirming;
  ui.confirm.hidden = !confirming;
  (confirming ? ui.deleteYes : ui.deleteData).focus();
}

export function focusInside() {
  if (!ui.privacy.hidden) ui.privacy.querySelector("button:not([hidden] *)").focus();
  else if (!ui.gone.hidden) ui.goneTitle.focus();
  else if (!ui.leave.hidden) ui.leaveText.focus();
  else if (!ui.composer.hidden) ui.text.focus();
  else if (!ui.ended.hidden) ui.restart.focus();
  else ui.minimise.focus();
}

/** The tools of the chat window's `state` that change it, with the parts they use. */
export class Tools {
  constructor(state, { call, conversation, view }) {
    Object.assign(this, { state, call, conversation, view });
  }

  /** "End chat" asks first, and offers the conversation as a text file. */
  askToEndChat() {
    toggleMenu(false);
    if (!isActive(this.state.room)) return ui.options.focus();
    openSheet(ui.endSheet, ui.endNo);
  }

  async endChat() {
    closeSheet(ui.endSheet, false);
    try {
      const { data } = await this.call("POST", roomPath(this.state.room.room_id, "/close"), {});
      this.conversation.setRoom(data, "closed");
      await this.conversation.catchUp().catch(() => {});
    } catch (error) {
      if (error.code === "room_closed") await this.conversation.catchUp().catch(() => {});
      else if (!this.conversation.roomLost(error)) this.view.showError(errorText(error, LANG));
    }
    focusInside();
  }

  setupMenus() {
    ui.bell.addEventListener("click", () => {
      this.state.saved.muted = !this.state.saved.muted;
      saveStored(this.state.saved);
      this.view.renderBell();
    });
    ui.options.addEventListener("click", () => toggleMenu(ui.menu.hidden));
    ui.menu.addEventListener("keydown", moveInMenu);
    ui.endChat.addEventListener("click", () => this.askToEndChat());
    ui.endYes.addEventListener("click", () => this.endChat());
    ui.endNo.addEventListener("click", () => closeSheet(ui.endSheet));
    ui.endDownload.addEventListener("click", downloadTranscript);
    ui.endedDownload.addEventListener("click", downloadTranscript);
    ui.restart.addEventListener("click", () => {
      this.conversation.forgetRoom();
      ui.text.focus();
    });
    for (const emoji of EMOJIS) {
      const button = el("button", "", emoji);
      button.type = "button";
      button.addEventListener("click", () => insertEmoji(emoji));
      ui.emojiPanel.append(button);
    }
    ui.emoji.addEventListener("click", () => toggleEmoji(ui.emojiPanel.hidden));
    ui.emojiPanel.addEventListener("keydown", moveInEmojiPanel);
    document.addEventListener("pointerdown", ({ target }) => {
      if (!ui.menu.hidden && !target.closest(".menu-anchor")) toggleMenu(false);
      if (!ui.emojiPanel.hidden && !target.closest("#emoji-panel, #emoji")) toggleEmoji(false);
    });
  }

  async deleteEverything() {
    ui.deleteYes.disabled = true;
    try {
      if (this.state.saved.token) await this.call("DELETE", "/visitors/me");
    } catch (error) {
      if (error.status !== 401) {
        ui.deleteYes.disabled = false;
        return this.view.showError(errorText(error, LANG));
      }
    }
    ui.deleteYes.disabled = false;
    this.conversation.clearConversation();
    this.state.saved = normalise(null);
    clearStored(); // everything is gone, the mute setting too
    this.view.renderBell();
    this.view.renderIdentity();
    this.view.renderRoom();
    closeSheet(ui.privacy, false);
    openSheet(ui.gone, ui.goneTitle);
    this.view.report();
  }

  setupPrivacy() {
    ui.trash.addEventListener("click", () => {
      this.view.renderIdentity();
      ui.confirm.hidden = true;
      ui.privacyActions.hidden = false;
      openSheet(ui.privacy, ui.deleteData);
    });
    ui.privacyBack.addEventListener("click", () => closeSheet(ui.privacy));
    ui.deleteData.addEventListener("click", () => showDeletionStep(true));
    ui.deleteNo.addEventListener("click", () => showDeletionStep(false));
    ui.deleteYes.addEventListener("click", () => this.deleteEverything());
    ui.goneRestart.addEventListener("click", () => {
      closeSheet(ui.gone, false);
      ui.text.focus();
    });
  }

  minimise() {
    toggleMenu(false);
    toggleEmoji(false);
    this.state.visible = false;
    this.view.report();
  }

  onEscape(event) {
    if (event.key !== "Escape") return;
    if (!ui.menu.hidden) {
      toggleMenu(false);
      ui.options.focus();
    } else if (!ui.emojiPanel.hidden) {
      toggleEmoji(false);
      ui.emoji.focus();
    } else if (!ui.privacy.hidden) {
      closeSheet(ui.privacy);
    } else if (!ui.endSheet.hidden) {
      closeSheet(ui.endSheet);
    } else if (!ui.transcriptSheet.hidden) {
      closeSheet(ui.transcriptSheet);
    } else {
      this.minimise();
    }
  }

  setupTools() {
    this.setupMenus();
    this.setupPrivacy();
    ui.minimise.addEventListener("click", () => this.minimise());
    document.addEventListener("keydown", (event) => this.onEscape(event));
  }
}
