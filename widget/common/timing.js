// Timings both clients share.

/** Reconnect backoff: 1 s, 2 s, 4 s … up to 30 s, each ±25 % so that clients spread out. */
export function backoffDelay(attempts) {
  return Math.min(30000, 1000 * 2 ** attempts) * (0.75 + Math.random() / 2);
}

/** A send with no echo after this long is sent again, with the same client_id. */
export const RESEND_AFTER_MS = 8000;
