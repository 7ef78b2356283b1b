// Which messages of a room a client holds, and where it resumes. A room's seq numbers have no
// holes, and a message is readable as soon as any later one is; pushes may still arrive out of
// order or be lost in a socket cut. So a client resumes after the highest seq up to which it has
// every message (`resumeAfter`), never after the highest it has seen: a push of n whose n−1 was
// lost must not make it skip n−1.

export class SeqLog {
  constructor() {
    this.seen = new Set();
    this.complete = 0; // every seq from 1 to this one is held
  }

  has(seq) {
    return this.seen.has(seq);
  }

  /** Records a seq; false when it was held already (a double push or an overlapping fetch). */
  add(seq) {
    if (this.seen.has(seq)) return false;
    this.seen.add(seq);
    this.advance();
    return true;
  }

  /**
   * A fetch (`after=` to its last page) returned everything readable up to `last`: nothing at or
   * below it can still come, so the log is complete up to there (a server of before the no-holes
   * contract may have skipped numbers, which then never arrive).
   */
  fetchedThrough(last) {
    if (last > this.complete) this.complete = last;
    this.advance();
  }

  get resumeAfter() {
    return this.complete;
  }

  get size() {
    return this.seen.size;
  }

  clear() {
    this.seen.clear();
    this.complete = 0;
  }

  advance() {
    while (this.seen.has(this.complete + 1)) this.complete += 1;
  }
}
