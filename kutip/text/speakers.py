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
    return _same_core(_core(name_tokens(a)), _core(name_tokens(b)))


def _same_core(ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
    """:func:`same_speaker` on names already reduced to their core tokens."""
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
    # Tokens once per name, and heads looked up by their last token (two names can only be
    # the same speaker when their last tokens agree): an archive quotes thousands of names,
    # and comparing each with every head re-tokenized both a million times.
    cores = {n: _core(name_tokens(n)) for n in counts}
    ordered = sorted(counts, key=lambda n: (-len(cores[n]), -counts[n], n))
    canon: dict[str, str] = {}
    heads: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for n in ordered:
        tn = cores[n]
        near = heads.get(tn[-1], []) if tn else []
        matches = [h for h, th in near if _same_core(tn, th)]
        if len(matches) == 1:
            canon[n] = matches[0]
        else:
            canon[n] = n
            if tn:
                heads.setdefault(tn[-1], []).append((n, tn))
    return canon
