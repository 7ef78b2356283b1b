// The visitor rates their chat (issue 23): 1 to 5 stars and an optional comment, once per chat.
// Offered when a chat someone answered has ended, and from the options menu while it is open;
// a rated room carries its `rating`, so a reload offers it no more.
import { errorText } from "../../common/errors.js";
import { el, LANG, roomPath, t, ui } from "./context.js";
import { toggleMenu } from "./tools.js";

/** Where the visitor goes on once the form is gone: writing, or a new chat. */
function focusAfter(room) {
  (room?.state === "closed" ? ui.restart : ui.text).focus();
}

/** The rating of the chat window's `state`, with the parts it uses handed in. */
export class Rating {
  constructor(state, { call, conversation, view }) {
    Object.assign(this, { state, call, conversation, view });
    this.askedFor = null; // the room whose rating the visitor asked for from the menu
    this.declinedFor = null; // the room whose offer the visitor turned down
    this.sentFor = null; // the room rated in this window (thanked while it stays open)
  }

  /** A room someone answered and nobody rated yet. */
  rateable() {
    const { room } = this.state;
    return Boolean(room?.taken_at) && room.state !== "queued" && !room.rating;
  }

  render() {
    const { room } = this.state;
    const id = room?.room_id;
    const closed = room?.state === "closed";
    const rateable = this.rateable() && this.declinedFor !== id;
    ui.rateChat.hidden = !rateable || closed;
    ui.rating.hidden = !rateable || !(closed || this.askedFor === id);
    const thanked = Boolean(room?.rating) && (closed || this.sentFor === id);
    ui.ratingThanks.textContent = thanked ? t("rateThanks") : "";
  }

  ask() {
    toggleMenu(false);
    this.askedFor = this.state.room?.room_id;
    this.render();
    ui.stars.querySelector("input").focus();
  }

  decline() {
    this.declinedFor = this.state.room?.room_id;
    this.render();
    focusAfter(this.state.room);
  }

  async send(event) {
    event.preventDefault();
    const chosen = ui.stars.querySelector("input:checked");
    if (!chosen) {
      this.view.showError(t("rateChoose"));
      return ui.stars.querySelector("input").focus();
    }
    const roomId = this.state.room.room_id;
    const comment = ui.ratingComment.value.trim();
    ui.ratingSend.disabled = true;
    try {
      const body = { score: Number(chosen.value), ...(comment ? { comment } : {}) };
      const { data } = await this.call("POST", roomPath(roomId, "/rating"), body);
      this.sentFor = roomId;
      this.conversation.setRoom(data);
      ui.rating.reset();
      focusAfter(data);
    } catch (error) {
      if (error.code === "already_rated") await this.conversation.catchUp().catch(() => {});
      else if (!this.conversation.roomLost(error)) this.view.showError(errorText(error, LANG));
    } finally {
      ui.ratingSend.disabled = false;
      this.render();
    }
  }

  setup() {
    for (let n = 1; n <= 5; n++) {
      const input = el("input");
      Object.assign(input, { type: "radio", name: "score", value: String(n) });
      const star = el("span", "", "★");
      star.setAttribute("aria-hidden", "true");
      const label = el("label", "star");
      label.append(input, star, el("span", "visually-hidden", t("rateStar", { n })));
      ui.stars.append(label);
    }
    ui.stars.addEventListener("change", () => {
      const score = Number(ui.stars.querySelector("input:checked")?.value || 0);
      for (const [index, label] of [...ui.stars.children].entries()) {
        label.classList.toggle("lit", index < score);
      }
    });
    ui.rating.addEventListener("submit", (event) => this.send(event));
    ui.rating.addEventListener("reset", () => {
      for (const label of ui.stars.children) label.classList.remove("lit");
    });
    ui.ratingLater.addEventListener("click", () => this.decline());
    ui.rateChat.addEventListener("click", () => this.ask());
  }
}
