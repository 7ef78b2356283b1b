// The typing signal both clients send and show. Two ways are in the contract's history: "on" when
// typing starts and "off" after a pause, or "on" repeated at most every TYPING_REPEAT_MS while
// typing and timed out by the receiver. SENDS_OFF switches between them.

/** Send `typing: false` after a pause (true), or only repeat `typing: true` (false). */
export const SENDS_OFF = false;
/** While typing, "typing" is sent again at most this often (only when SENDS_OFF is false). */
export const TYPING_REPEAT_MS = 5000;
/** A pause this long ends "typing" on the sender's side. */
export const TYPING_IDLE_MS = 3000;
/** The receiver stops showing "… is typing" this long after the last signal. */
export const THEIR_TYPING_MS = 7000;

/**
 * The sender's side: call `input(hasText)` on every edit and `stop()` when the text is sent.
 * `send(typing)` sends the frame and returns whether it went out.
 */
export class TypingSignal {
  constructor(send) {
    this.send = send;
    this.sentAt = 0; // when "typing" last went out; 0 when the other side thinks we are not typing
    this.idleTimer = 0;
  }

  input(hasText) {
    if (!hasText) return this.stop();
    const now = Date.now();
    const due = SENDS_OFF ? this.sentAt === 0 : now - this.sentAt >= TYPING_REPEAT_MS;
    if (due && this.send(true)) this.sentAt = now;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.stop(), TYPING_IDLE_MS);
  }

  stop() {
    clearTimeout(this.idleTimer);
    if (this.sentAt && SENDS_OFF) this.send(false);
    this.sentAt = 0;
  }
}

/** The receiver's side: shows a name while the other side types, hides it after the timeout. */
export class TheirTyping {
  constructor(show) {
    this.show = show; // show(name or null)
    this.timer = 0;
  }

  update(name) {
    clearTimeout(this.timer);
    this.show(name);
    if (name) this.timer = setTimeout(() => this.show(null), THEIR_TYPING_MS);
  }
}
