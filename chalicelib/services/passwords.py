"""How guessable a new password is, judged by zxcvbn (a well-kept estimator of the guesses an
attacker needs, with dictionaries of common passwords, words, names and keyboard patterns)."""

from __future__ import annotations

import re

from chalicelib.errors import InvalidInput

MIN_LENGTH = 12
# zxcvbn's scores: 0 and 1 fall to online guessing, 2 to a slow offline attack; 3 takes about
# 10^8 guesses or more.
MIN_SCORE = 3
# zxcvbn refuses longer input; a longer password is at least as strong as its beginning.
ESTIMATED_LENGTH = 72
# Words that, with a number, a year or symbols around them, make the passwords found most often
# in leaked lists and in organisations' password audits. zxcvbn scores some of these as strong
# ("Sommer2024!!", "Wintersemester2026", "Livechat2026!"), so they are refused by name.
COMMON_WORDS = frozenset(
    {
        # seasons and months, German and English
        *("frühling", "fruehling", "sommer", "herbst", "winter"),
        *("spring", "summer", "autumn", "fall"),
        *("januar", "februar", "märz", "maerz", "april", "mai", "juni", "juli", "august"),
        *("september", "oktober", "november", "dezember"),
        *("january", "february", "march", "may", "june", "july", "october", "december"),
        *("sommersemester", "wintersemester", "semester"),
        # the place and the product
        *("hochschule", "universität", "universitaet", "university", "uni", "campus"),
        *("livechat", "chat", "support", "beratung", "studienberatung", "bibliothek"),
        # the perennial ones
        *("password", "passwort", "kennwort", "geheim", "secret", "welcome", "willkommen"),
        *("hallo", "hello", "admin", "administrator", "letmein", "changeme", "start"),
        *("qwertz", "qwerty", "iloveyou", "mustermann", "fussball", "football", "schalke"),
    }
)
_DECORATED = re.compile(r"[\d\W_]*(?P<word>.*?)[\d\W_]*")


def _common(password: str) -> bool:
    """A common word, maybe with digits and symbols before or after it ("Sommer2024!!")."""
    match = _DECORATED.fullmatch(password.casefold())
    return match is not None and match.group("word") in COMMON_WORDS


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
    if result["score"] < MIN_SCORE:
        feedback = result["feedback"]
        why = feedback["warning"] or "It follows a pattern that is easy to guess."
        advice = " ".join(feedback["suggestions"])
        raise InvalidInput(f"{field}: too easy to guess. {why} {advice}".strip(), "weak_password")
    if _common(password):  # what zxcvbn lets through
        raise InvalidInput(
            f"{field}: too easy to guess. A common word with a number or symbols added is among "
            "the most common passwords. Add another word or two, uncommon ones.",
            "weak_password",
        )
