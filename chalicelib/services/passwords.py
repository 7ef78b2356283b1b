"""How guessable a new password is, judged by zxcvbn (a well-kept estimator of the guesses an
attacker needs, with dictionaries of common passwords, words, names and keyboard patterns)."""

from __future__ import annotations

from chalicelib.errors import InvalidInput

MIN_LENGTH = 12
# zxcvbn's scores: 0 and 1 fall to online guessing, 2 to a slow offline attack; 3 takes about
# 10^8 guesses or more.
MIN_SCORE = 3
# zxcvbn refuses longer input; a longer password is at least as strong as its beginning.
ESTIMATED_LENGTH = 72


def check_strength(password: str, *personal: str, field: str = "password") -> None:
    """400 `weak_password` that says why, naming the `field`; `personal` (email, name) counts
    as guessable."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput(
            f"{field}: at least {MIN_LENGTH} characters are needed ({len(password)} given)",
            "weak_password",
        )
    from zxcvbn import zxcvbn  # its dictionaries cost a cold start time: only new passwords pay

    result = zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=[p for p in personal if p])
    if result["score"] >= MIN_SCORE:
        return
    feedback = result["feedback"]
    why = feedback["warning"] or "It follows a pattern that is easy to guess."
    advice = " ".join(feedback["suggestions"])
    raise InvalidInput(f"{field}: too easy to guess. {why} {advice}".strip(), "weak_password")
