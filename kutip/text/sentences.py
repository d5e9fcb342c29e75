"""Split news text into sentences, as character offsets, for Indonesian and English.

Citations point at exact characters of the stored article, so the splitter returns ``(start,
end)`` offsets instead of strings: ``text[start:end]`` is the sentence with surrounding
whitespace removed, and nothing is ever rewritten. It is a small scanner rather than an NLP
model because the product must run offline and the hard cases in news text are few and
mechanical:

* a line break always ends a sentence (scraped articles are one paragraph a line, and headings
  or datelines carry no final period);
* a terminator (``.``, ``?``, ``!``, ``…``) ends one only when whitespace follows and the next
  word does not start in lowercase, so ``2.000``, ``3.5``, ``kompas.id`` and ``“Siapa?”
  tanyanya`` stay whole;
* a ``.`` after an abbreviation does not end one: titles and ranks (``Dr.``, ``Letjen.``) never,
  and others (``U.S.``, ``Inc.``, ``dll.``, ``Jan.``, initials like ``F.``) only when the next
  word is a typical sentence opener (``U.S. The`` splits, ``U.S. Army`` and ``Jan. 5`` do not);
* a terminator inside a quotation that closes later on the same line does not end the sentence,
  so a quoted statement stays with its attribution and ``… di Israel”.`` is one sentence. A
  quote that never closes on its line (news style for quotes running over several paragraphs)
  protects nothing, and neither does a very long one;
* a news dateline at the start of one of the first lines (``Yogyakarta, Kompas-Drh Yuda …``,
  ``Baghdad, Purna Warta – Pasukan …``, ``JAKARTA (ANTARA) - …``, ``WASHINGTON (Reuters) -
  …``) is a sentence of its own: glued to the story it put a place the story is not about
  into its first sentence ("Jakarta" copied as where a meeting held "dari Missouri" took
  place) and words that exist nowhere else ("Kompas-Drh", "Minggu-Badan") into the copy;
* numbered citation markers right after a terminator (``… kata Kirby. [2] Namun …``) belong to
  the sentence before them, as they do in generated answers, and so do reference marks glued
  to it (Wikipedia's ``… ibu kota Georgia.[1] Saat ini …``, 117 times in TyDi's 383 passages;
  unsplit, the two sentences were stored, retrieved and quoted as one).
"""

from __future__ import annotations

import re

__all__ = ["Span", "dateline_end", "is_dateline", "split_sentences", "without_markers"]

Span = tuple[int, int]

# Everything ``str.splitlines`` treats as a line break.
_LINE = re.compile(r"[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")
# A run of terminators, each run optionally followed by closing quotes or brackets:
# ``.``, ``?!``, ``...``, ``.”``, ``”.`` (the period after the quote), ``.”)``.
_CLOSERS = "”\"’'»›)]}"
_TERMINATOR = re.compile(r"(?:[.!?…。！？‼⁇⁈⁉]+[" + re.escape(_CLOSERS) + r"]*)+")
# Characters that are not whitespace for ``str.isspace`` but are as invisible at a span's edge.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_LEADING_PUNCT = "\"“‘'«„‹([{-–—/"
_NO_BREAK_BEFORE = ",;:"
# "1." "a." "IV." "(2)." at the start of a sentence are list markers, not sentences.
_ENUMERATOR = re.compile(r"[(\[]?(?:\d{1,3}|[^\W\d_]|[ivxlcIVXLC]{1,6})[)\]]?")
# Letter groups joined by dots: "U.S", "S.H", "M.Si", "Ph.D", "a.m", "e.g".
_DOTTED = re.compile(r"(?:[^\W\d_]{1,3}\.)+[^\W\d_]{1,3}")
_WORD = re.compile(r"[^\W\d_]+")
# Numbered citation markers, "[2]" or "[1, 3][4]", as in generated answers and footnoted text.
_MARKER = r"\[\d{1,3}(?:\s*[,;]\s*\d{1,3})*\]"
_MARKERS = re.compile(rf"{_MARKER}(?:[ \t]*{_MARKER})*")
_SPACED_MARKER = re.compile(rf"\s*{_MARKER}")
# A bracketed tag of at most three words, maybe with a terminator: "(nat)", "(AFP/AP/MON)",
# "(2001).", "(hal 7)."
_TAG = re.compile(r"\((?:[^\s()]+(?:\s+[^\s()]+){0,2})?\)[.!?…]*")
# A dateline: a place of one to four capitalised words, then the source or the day after a
# comma ("Kupang, Kompas-", "Quito, Jumat-", "LONDON, March 5 (Reuters) -"), or the source in
# brackets ("JAKARTA (ANTARA) -"), or only a spaced dash ("Jakarta - "); then the story, which
# opens with a capital letter or a quote. The dash may touch the story only after a comma form.
_CAP = r"[^\W\d_][\w'’.&]*"
_DATELINE = re.compile(
    rf"(?P<place>{_CAP}(?: {_CAP}){{0,3}})"
    rf"(?P<comma>, ?(?:{_CAP}|\d{{1,2}})(?: (?:{_CAP}|\d{{1,4}})){{0,2}})?"
    r"(?P<source> ?\([^()\n]{1,30}\))?"
    r"(?P<dash> ?[-–—]+ ?)[ \t]*"
)
#: Only the first lines of a text can hold its dateline (a title or subtitle may come first).
DATELINE_LINES = 3
#: Longest dateline, in characters.
MAX_DATELINE = 60


def without_markers(text: str) -> str:
    """``text`` without numbered markers ("[1]", "[1, 3]") and the space before them.

    A page's own reference marks ("Georgia.[1] Saat") stay in the stored sentence (offsets
    point at exact characters), but read as kutip's citations in a prompt or a quote.
    """
    return _SPACED_MARKER.sub("", text)


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


#: Longest quotation (in characters) that keeps its inner terminators from splitting.
MAX_QUOTE = 600

#: Abbreviations that always precede more of the same sentence: titles, ranks, "e.g.".
NEVER_FINAL: frozenset[str] = _words(
    """
    mr mrs ms messrs mme mlle dr prof sdr sdri bpk bp yth hj kol jend letjen mayjen brigjen
    laksma laksda laksdya marsma marsda marsdya kapt kombes kompol akbp akp iptu ipda aiptu
    ir drs dra gen lt col capt cmdr sgt maj sen rep gov rev hon supt st mt ny tn kh ust mgr
    jl jln e.g i.e cf vs viz a.n u.p ttd
    """
)
#: Abbreviations that may also end a sentence ("… and others etc. The next").
MAYBE_FINAL: frozenset[str] = _words(
    """
    etc dll dsb dst dkk tsb inc ltd co corp llc plc bros tbk pt cv jr sr no nos nr vol hlm tgl
    hal ed eds pp ibid al approx est dept univ assoc ave blvd rd kec kab kel prov rp
    inf kav art arh czi cpm pnb
    jan feb mar apr jun jul aug agu agt ags sep sept oct okt nov dec des
    mon tue tues wed thu thur thurs fri sat sun
    """
)
#: Words that typically open a sentence; after a MAYBE_FINAL abbreviation they signal a break.
SENTENCE_OPENERS: frozenset[str] = _words(
    """
    the a an it its he she they we i you this that these those there here but and or however
    in on at for as if when while after before his her their our my your some many most not
    so yet also since according meanwhile what who why how where both all one another such
    despite although though because still even earlier later
    namun tetapi tapi dan ia dia mereka kami kita saya aku anda ini itu hal pada dalam di ke
    dari untuk dengan sementara selain menurut sejak saat ketika setelah sebelum sebelumnya
    kemudian lalu sedangkan bahkan oleh jika kalau apabila meski meskipun walaupun karena
    akibatnya adapun para sebanyak sekitar selama hingga sampai ada tidak yang juga begitu
    demikian adalah bagi atas terkait sehingga maka selanjutnya seperti misalnya kini sekarang
    berdasarkan sebagai salah semua seluruh beberapa banyak sebagian tak bukan apa siapa kapan
    bagaimana mengapa berapa
    """
)


def split_sentences(text: str) -> list[Span]:
    """Return ``(start, end)`` offsets of the sentences of ``text``, in order.

    Spans are non-empty, non-overlapping and increasing; each excludes surrounding whitespace,
    and together they cover every visible character of ``text``.
    """
    spans: list[Span] = []
    for number, line in enumerate(_LINE.finditer(text)):
        line_start, line_end = line.span()
        regions = _quote_regions(text, line_start, line_end)
        start = line_start
        dateline = dateline_end(text, line_start, line_end) if number < DATELINE_LINES else None
        if dateline is not None:
            _add(spans, text, line_start, dateline, line_start)
            start = dateline
        for match in _TERMINATOR.finditer(text, start, line_end):
            end = match.end()
            glued = _MARKERS.match(text, end, line_end)
            if glued is not None:  # "Georgia.[1] Saat": the reference mark ends the sentence
                end = glued.end()
            if end >= line_end or not _blank(text[end]):
                continue
            following = end + 1
            while following < line_end and _blank(text[following]):
                following += 1
            if following >= line_end:
                continue
            if _is_break(text, match, start, following, regions):
                marker = _MARKERS.match(text, following, line_end)
                if marker is not None:  # "… said. [2] Then …": the [2] cites what came before
                    end = marker.end()
                _add(spans, text, start, end, line_start)
                start = end
        _add(spans, text, start, line_end, line_start)
    return spans


def dateline_end(text: str, start: int = 0, end: int | None = None) -> int | None:
    """Where the story starts after a dateline opening ``text[start:end]``, or None.

    The place's words must all be capitalised, the story must open with a capital letter or
    a quote, and a dash that touches the story ("Kompas-Drh") counts only after a comma form:
    "Al-Aqsa …", "Imperium Britania - 33.4 juta km²" and "Abraham Lincoln, Presiden Amerika
    Serikat ke-16, …" are not datelines.
    """
    end = len(text) if end is None else end
    match = _DATELINE.match(text, start, min(end, start + MAX_DATELINE + 1))
    if match is None or match.end() >= end or match.end() - start > MAX_DATELINE:
        return None
    dash = match.group("dash")
    spaced = dash.startswith(" ") and dash.endswith(" ")
    if match.group("comma") is None and match.group("source") is None and not spaced:
        return None
    if not spaced and match.group("comma") is None and not dash.endswith(" "):
        return None
    words = (match.group("place") + " " + (match.group("comma") or "").lstrip(", ")).split()
    if not all(w[0].isupper() or w.isdigit() for w in words):
        return None
    if not dash.endswith(" "):  # "Undang-Undang", "Kupu-Kupu": a word repeated, not a dateline
        before = _WORD.findall(text, start, match.start("dash"))
        after = _WORD.match(text, match.end(), end)
        if before and after is not None and before[-1].lower() == after.group().lower():
            return None
    story = text[match.end()]
    if not (story.isupper() or story in "\"“‘'«"):
        return None
    return match.end()


def is_dateline(sentence: str) -> bool:
    """Whether a stored sentence is only a dateline (the story split off after it)."""
    text = sentence.strip()
    return bool(text) and dateline_end(text + " X") == len(text) + 1


def _add(spans: list[Span], text: str, start: int, end: int, line_start: int) -> None:
    """Append ``[start, end)`` trimmed of whitespace and invisible characters, if any is left.

    A piece without a letter or digit ("tahun. . Dalam", "…") joins the sentence before it on
    the same line: alone it would be stored, embedded and retrieved as a "sentence" whose
    vector sits close to every query (machine-translated and scraped text has such pieces).
    So does a short bracketed tag: a reporter's initials after the last sentence ("(nat)",
    "(AFP/AP/MON)", 13 times in facqa's 273 articles) or a year left over ("(2001).").
    """
    while start < end and _blank(text[start]):
        start += 1
    while end > start and _blank(text[end - 1]):
        end -= 1
    if start >= end:
        return
    piece = text[start:end]
    joins = not any(c.isalnum() for c in piece) or _TAG.fullmatch(piece) is not None
    if spans and spans[-1][0] >= line_start and joins:
        spans[-1] = (spans[-1][0], end)
    else:
        spans.append((start, end))


def _blank(ch: str) -> bool:
    return ch.isspace() or ch in _INVISIBLE


def _is_break(
    text: str, match: re.Match[str], start: int, following: int, regions: list[Span]
) -> bool:
    """Decide whether the terminator run ``match`` ends the sentence begun at ``start``.

    ``following`` is the first non-space character after the run (on the same line).
    """
    end = match.end()
    if any(open_ < end <= close for open_, close in regions):
        return False
    nxt = text[following]
    if nxt.islower() or nxt in _NO_BREAK_BEFORE:
        return False
    if match.group() != ".":
        return True
    token_start = match.start()
    while token_start > start and not _blank(text[token_start - 1]):
        token_start -= 1
    if match.start() - start <= 12 and _ENUMERATOR.fullmatch(
        text[start : match.start()].strip(" \t" + _INVISIBLE)
    ):
        return False
    token = text[token_start : match.start()].lstrip(_LEADING_PUNCT).lower()
    if not token:
        return True
    if token in NEVER_FINAL:
        return False
    if token in MAYBE_FINAL or (len(token) == 1 and token.isalpha()) or _DOTTED.fullmatch(token):
        word = _WORD.match(text, following)
        if word is None:  # an opening quote or a dash may start a sentence; a digit does not,
            # nor a bracket after a word abbreviation: "Monsters, Inc. (2001)", "Tbk. () adalah"
            # ("... di kelas C. (Karena ...)" after an initial does start one)
            return not nxt.isdigit() and not (nxt in "([" and token in MAYBE_FINAL)
        return word.group().lower() in SENTENCE_OPENERS
    return True


def _quote_regions(text: str, start: int, end: int) -> list[Span]:
    """Positions ``(open, close)`` of the quotation marks that pair up on one line.

    Straight quotes and curly ones used the wrong way round are common in scraped news, so a
    mark's role comes from its neighbours: after a space and before a word it opens, after a
    word it closes. ``’`` and ``'`` between letters are apostrophes (``don’t``, ``Ma'ruf``).
    """
    stack: list[tuple[str, int]] = []
    regions: list[Span] = []
    for i in range(start, end):
        ch = text[i]
        if ch in "“„«‘‹":
            role = "open"
        elif ch in "”»›\"’'":
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            if ch in "’'" and before.isalpha() and after.isalpha():
                continue
            opens_left = before.isspace() or before in "([{“‘«„—–-/"
            opens_right = not (after.isspace() or after in ".,;:!?…)]}" or after in _CLOSERS)
            if opens_left and opens_right:
                role = "open"
            elif not opens_left:
                role = "close"
            else:
                continue
        else:
            continue
        kind = "single" if ch in "‘‹’›'" else "double"
        if role == "open":
            stack.append((kind, i))
            continue
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == kind:
                open_ = stack[depth][1]
                del stack[depth:]
                if i - open_ <= MAX_QUOTE:
                    regions.append((open_, i))
                break
    return regions
