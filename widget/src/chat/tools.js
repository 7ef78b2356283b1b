// The header's tools (bell, options menu with "end chat", privacy and deletion, minimise), the
// emoji panel, and the sheets that cover the conversation.
import { errorText } from "../../common/errors.js";
import { call, el, isActive, LANG, roomPath, state, t, ui } from "./context.js";
import { catchUp, clearConversation, forgetRoom, roomLost, setRoom } from "./conversation.js";
import { clearStored, normalise, saveStored } from "./storage.js";
import { renderBell, renderIdentity, renderRoom, report, showError } from "./view.js";

const EMOJIS = [..."😀😊🙂😉😂😅😍🤔😮😢😕🙈👍👎👏🙏👋🙌💪👀✅❌❓❗💡🎉", "❤️", ..."⭐☕📚🎓📅"];
let lastFocus = null;

function toggleMenu(open) {
  ui.menu.hidden = !open;
  ui.options.setAttribute("aria-expanded", String(open));
  if (open) {
    toggleEmoji(false);
    ui.endChat.focus();
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

/** "End chat" asks first, and offers the conversation as a text file. */
function askToEndChat() {
  toggleMenu(false);
  if (!isActive()) return ui.options.focus();
  openSheet(ui.endSheet, ui.endNo);
}

async function endChat() {
  closeSheet(ui.endSheet, false);
  try {
    const { data } = await call("POST", roomPath(state.room.room_id, "/close"), {});
    setRoom(data, "closed");
    await catchUp().catch(() => {});
  } catch (error) {
    if (error.code === "room_closed") await catchUp().catch(() => {});
    else if (!roomLost(error)) showError(errorText(error, LANG));
  }
  focusInside();
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

function setupMenus() {
  ui.bell.addEventListener("click", () => {
    state.saved.muted = !state.saved.muted;
    saveStored(state.saved);
    renderBell();
  });
  ui.options.addEventListener("click", () => toggleMenu(ui.menu.hidden));
  ui.menu.addEventListener("keydown", (event) => event.key === "Tab" && toggleMenu(false));
  ui.endChat.addEventListener("click", askToEndChat);
  ui.endYes.addEventListener("click", endChat);
  ui.endNo.addEventListener("click", () => closeSheet(ui.endSheet));
  ui.endDownload.addEventListener("click", downloadTranscript);
  ui.endedDownload.addEventListener("click", downloadTranscript);
  ui.restart.addEventListener("click", () => {
    forgetRoom();
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
  document.addEventListener("pointerdown", (event) => {
    if (!ui.menu.hidden && !event.target.closest(".menu-anchor")) toggleMenu(false);
    if (!ui.emojiPanel.hidden && !event.target.closest("#emoji-panel, #emoji")) toggleEmoji(false);
  });
}

/**
 * The conversation as the visitor sees it, as a text file made here in the browser (a blob:
 * address): nothing is sent or stored anywhere.
 */
function downloadTranscript() {
  const lines = [...ui.messages.querySelectorAll("li")].map((item) => {
    const text = item.querySelector(".text")?.textContent ?? "";
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
function openSheet(sheet, focusTarget) {
  lastFocus = document.activeElement;
  toggleMenu(false);
  toggleEmoji(false);
  for (const part of [ui.notice, ui.logArea, ui.typing, ui.compose]) part.inert = true;
  ui.bar.inert = sheet !== ui.gone;
  sheet.hidden = false;
  focusTarget.focus();
}

function closeSheet(sheet, restoreFocus = true) {
  sheet.hidden = true;
  for (const part of [ui.bar, ui.notice, ui.logArea, ui.typing, ui.compose]) part.inert = false;
  if (restoreFocus && lastFocus?.isConnected) lastFocus.focus();
}

function showDeletionStep(confirming) {
  ui.privacyActions.hidden = confirming;
  ui.confirm.hidden = !confirming;
  (confirming ? ui.deleteYes : ui.deleteData).focus();
}

async function deleteEverything() {
  ui.deleteYes.disabled = true;
  try {
    if (state.saved.token) await call("DELETE", "/visitors/me");
  } catch (error) {
    if (error.status !== 401) {
      ui.deleteYes.disabled = false;
      return showError(errorText(error, LANG));
    }
  }
  ui.deleteYes.disabled = false;
  clearConversation();
  state.saved = normalise(null);
  clearStored(); // everything is gone, the mute setting too
  renderBell();
  renderIdentity();
  renderRoom();
  closeSheet(ui.privacy, false);
  openSheet(ui.gone, ui.goneTitle);
  report();
}

function setupPrivacy() {
  ui.trash.addEventListener("click", () => {
    renderIdentity();
    ui.confirm.hidden = true;
    ui.privacyActions.hidden = false;
    openSheet(ui.privacy, ui.deleteData);
  });
  ui.privacyBack.addEventListener("click", () => closeSheet(ui.privacy));
  ui.deleteData.addEventListener("click", () => showDeletionStep(true));
  ui.deleteNo.addEventListener("click", () => showDeletionStep(false));
  ui.deleteYes.addEventListener("click", deleteEverything);
  ui.goneRestart.addEventListener("click", () => {
    closeSheet(ui.gone, false);
    ui.text.focus();
  });
}

function minimise() {
  toggleMenu(false);
  toggleEmoji(false);
  state.visible = false;
  report();
}

function onEscape(event) {
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
  } else {
    minimise();
  }
}

export function focusInside() {
  if (!ui.privacy.hidden) ui.privacy.querySelector("button:not([hidden] *)").focus();
  else if (!ui.gone.hidden) ui.goneTitle.focus();
  else if (!ui.composer.hidden) ui.text.focus();
  else if (!ui.ended.hidden) ui.restart.focus();
  else ui.minimise.focus();
}

export function setupTools() {
  setupMenus();
  setupPrivacy();
  ui.minimise.addEventListener("click", minimise);
  document.addEventListener("keydown", onEscape);
}
