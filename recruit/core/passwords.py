"""Whether a staff password will do: long enough, and not among what guessers try first."""

from __future__ import annotations

import re
from collections.abc import Iterable

MIN_LENGTH = 12
MAX_LENGTH = 200
# zxcvbn's own limit: its matching grows steeply with length, and 72 characters decide.
_ESTIMATED = 72
# zxcvbn's score 3 is "safely unguessable" (about 10^8 guesses): below it are common
# passwords, words with digits, keyboard runs, repeats and dates ("1234567890ab", "aaaa...").
_MIN_SCORE = 3


def password_weakness(password: str, hints: Iterable[str] = ()) -> str | None:
    """Return why `password` is too weak ("short", "long", "common"), or None if it will do.

    `hints` are the account's own words (e-mail, name): a password made of them is common.
    """
    # zxcvbn builds its ranked word lists when imported (~30 ms): only when a password is set,
    # not in every command, worker and reader that imports the accounts service.
    from zxcvbn import zxcvbn

    if len(password) < MIN_LENGTH:
        return "short"
    if len(password) > MAX_LENGTH:
        return "long"
    # "ana.popescu@example.com" and "Ana Popescu" lend "anapopescu", "ana" and "popescu", so
    # that "anapopescu2024" and "popescu2024!" count as the guesses they are.
    inputs = []
    for hint in hints:
        words = [w for w in re.split(r"[\W_]+", hint.lower().split("@")[0]) if len(w) >= 3]
        inputs += ["".join(words), *words]
    if zxcvbn(password[:_ESTIMATED], user_inputs=inputs)["score"] < _MIN_SCORE:
        return "common"
    return None
