"""One speaker across articles: a conservative rule for grouping name variants.

"Kirby", "John Kirby" and "Juru Bicara Dewan Keamanan Nasional John Kirby" are one person, but
"Jim Kirby" is not "John Kirby", and "John" alone is nobody in particular. Merging too much
would put one person's words in another's mouth, the one mistake a citing assistant must not
make, so the rule only merges when the names agree on every token they share a position for:

* titles, degrees and any role words in front are dropped first ("Prof Dr Budi Santoso MSc",
  "Juru Bicara … John Kirby");
* two names are the same speaker when their tokens are equal, or the shorter one is a suffix of
  the longer ("Kirby" ~ "John Kirby", "Wayan Sutji" ~ "Ni Wayan Sutji"), ignoring one-letter
  initials ("John F. Kirby" ~ "John Kirby");
* a surname alone joins a group only when exactly one full name ends with it
  (:func:`group_speakers`); with "John Kirby" and "Jim Kirby" both present, "Kirby" stays apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from kutip.text.attribution import DEGREES, TITLES, split_speaker

__all__ = ["group_speakers", "name_tokens", "same_speaker"]

_PUNCT = re.compile(r"[^\w\s-]")


def name_tokens(name: str) -> tuple[str, ...]:
    """Comparable tokens of a name: role, titles and degrees dropped, case and accents folded."""
    person, _ = split_speaker(name)
    base = person or name
    folded = unicodedata.normalize("NFKD", base)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    toks = [t for t in _PUNCT.sub(" ", folded).split() if t]
    toks = [t for t in toks if t not in TITLES and t not in DEGREES]
    return tuple(toks)


def _core(toks: tuple[str, ...]) -> tuple[str, ...]:
    """Without one-letter middle initials ("john f kirby" -> "john kirby")."""
    if len(toks) <= 2:
        return toks
    return (toks[0], *[t for t in toks[1:-1] if len(t) > 1], toks[-1])


def same_speaker(a: str, b: str) -> bool:
    """Whether two speaker strings may name the same person (see the module rule)."""
    ta, tb = _core(name_tokens(a)), _core(name_tokens(b))
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) < len(tb) else (tb, ta)
    return len(short) < len(long_) and long_[-len(short) :] == short


def group_speakers(names: Iterable[str]) -> dict[str, str]:
    """Map every name to its group's canonical name (the longest, most frequent variant).

    A variant joins a longer name only when that longer name is the only candidate: "Kirby"
    with both "John Kirby" and "Jim Kirby" present stays its own group.
    """
    counts: dict[str, int] = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    ordered = sorted(counts, key=lambda n: (-len(_core(name_tokens(n))), -counts[n], n))
    canon: dict[str, str] = {}
    heads: list[str] = []
    for n in ordered:
        matches = [h for h in heads if same_speaker(n, h)]
        if len(matches) == 1:
            canon[n] = matches[0]
        else:
            canon[n] = n
            heads.append(n)
    return canon
