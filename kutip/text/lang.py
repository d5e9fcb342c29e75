"""Tell Indonesian from English by counting function words.

The product only has to route between two languages (tagging ingested articles, choosing the
answer language for a question), and questions are often four or five words long. Character
n-gram detectors need more text than that and a model file; closed-class words ("yang", "the",
"siapa", "who") are decisive even in a short question, cost one set lookup per word, and need no
download. A few affix cues break ties when no function word occurs ("Pasukan darat dikerahkan").

Names and titles are not the language around them: a capitalised word inside a sentence is
left out ("Kapan novel We Need to Talk About Kevin dirilis?" read as English, and the model was
told to answer an Indonesian question in English), and a short question's first
interrogative decides outright. On the dev sets that took the Indonesian questions read as
English from 38 to 0 (docs/evaluation.md).
"""

from __future__ import annotations

import re
from itertools import islice

__all__ = ["ENGLISH_WORDS", "INDONESIAN_WORDS", "detect_language"]


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


#: Indonesian closed-class and very frequent words. None of them is an English word, so a hit
#: is evidence for Indonesian alone ("di" and "dan" can be names, but rarely in running text).
INDONESIAN_WORDS: frozenset[str] = _words(
    """
    yang dan di ke dari untuk dengan adalah ialah ini itu tidak tak bukan pada dalam akan telah
    sudah sedang oleh bahwa juga karena sebab atau serta sebagai mereka kami kita saya aku kamu
    anda dia ia beliau nya apa siapa kapan mana dimana bagaimana berapa mengapa kenapa apakah
    bilamana manakah siapakah tersebut para sejak hingga sampai ketika saat setelah sesudah
    sebelum selama sementara namun tetapi tapi meski meskipun walaupun jika kalau apabila maka
    sehingga agar supaya bagi atas antara tentang terhadap menurut kepada daripada seperti
    sangat lebih paling banyak semua seluruh setiap beberapa masih belum pernah bisa dapat harus
    perlu ingin mau ada adanya yaitu yakni pun lagi hanya saja punya sendiri lain kini sekarang
    kemarin besok tahun bulan hari pukul lalu kemudian bahkan tentu secara sekitar kurang
    tanpa melalui hal salah satu dua tiga juta ribu miliar orang warga negara
    pemerintah presiden menteri serangan perang pasukan mengatakan katanya kata ujar tambahnya
    """
)

#: English closed-class and very frequent words, chosen not to be Indonesian words.
ENGLISH_WORDS: frozenset[str] = _words(
    """
    the of and to in is are was were be been being for that on with by as at from this these
    those it its he she they we you i his her their our my your him them us who whom whose what
    when where which how why did does do done has have had will would shall should can could may
    might must not yes but or if then than so because while after before about into over
    under between during against through also only just very more most some any all each every
    there here an a one two three million thousand people said says say told according
    government president minister war troops forces attack nor whether until since though
    although however meanwhile within without around across
    """
)

# Suffixes and prefixes that mark Indonesian morphology (-nya, -kan, -lah, meng-, ber-, ...)
# and English morphology (-ing, -tion, -ly, th-), weighted below a function word.
_ID_AFFIX = re.compile(
    r"^(?:meng|meny|mem|men|peng|peny|ber|diper|memper)\w{3,}|\w{3,}(?:nya|kan|lah|kah)$"
)
_EN_AFFIX = re.compile(r"\w{2,}(?:ing|tion|tions|ness|ment|ments|ly|ied)$|^th\w+|^wh\w+")
# "didn't", "Israel's", "they're" are English; "Ma'ruf", "Jum'at", "Qur'an" are not.
_EN_CONTRACTION = re.compile(r"['’](?:s|t|re|ll|ve|d|m)$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_AFFIX_WEIGHT = 0.5
#: Enough words to be sure; scanning a whole article is wasted work.
_MAX_WORDS = 400
# A question's interrogative names its language, whatever title it asks about:
# "Kapan novel We Need to Talk About Kevin dirilis?" is Indonesian (facqa, TyDi).
_ID_INTERROGATIVES = _words("apa siapa kapan mana dimana bagaimana berapa mengapa kenapa bilamana")
_EN_INTERROGATIVES = _words("who whom whose what when where which how why")
_QUESTION_WORDS = 30
# A capital inside a sentence starts a name or a title ("Dolly", "The Longest Ride"), which
# says nothing about the language around it: only words after ., !, ?, a quote or a line
# break, or at the start, may be capitalised and still count.
_SENTENCE_BREAKS = frozenset(".!?:;\"“”'‘(\n")


def _starts_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _SENTENCE_BREAKS


def _interrogative_language(text: str, matches: list[re.Match[str]]) -> str | None:
    """The language of a short question's first interrogative ("In what year ...", "Jenis
    anjing apakah ..."; ``apakah`` = ``apa``), names and titles skipped."""
    if len(matches) > _QUESTION_WORDS:
        return None
    for match in matches:
        word = match.group()
        if word[0].isupper() and not _starts_sentence(text, match.start()):
            continue
        word = word.lower()
        if word in _EN_INTERROGATIVES:
            return "en"
        if (word[:-3] if word.endswith("kah") else word) in _ID_INTERROGATIVES:
            return "id"
    return None


def _score(word: str) -> tuple[float, float]:
    """(Indonesian, English) evidence of one lower-cased word."""
    if word in INDONESIAN_WORDS:
        return 1.0, 0.0
    if word in ENGLISH_WORDS or _EN_CONTRACTION.search(word):
        return 0.0, 1.0
    return (
        _AFFIX_WEIGHT if _ID_AFFIX.match(word) else 0.0,
        _AFFIX_WEIGHT if _EN_AFFIX.match(word) else 0.0,
    )


def detect_language(text: str) -> str:
    """Return ``"id"``, ``"en"`` or ``"und"`` (undetermined) for ``text``.

    ``"und"`` means no evidence either way (a name, a number, another script) or an exact tie;
    callers should then fall back to a default rather than guess.
    """
    matches = list(islice(_WORD.finditer(text), _MAX_WORDS))
    asked = _interrogative_language(text, matches)
    if asked is not None:
        return asked
    # Words outside names first; a headline in title case has only names (its first word's
    # affix alone decides nothing: "Pesaing" is not English), and is read whole.
    plain = [0.0, 0.0]
    every = [0.0, 0.0]
    for match in matches:
        word = match.group()
        id_hit, en_hit = _score(word.lower())
        every[0] += id_hit
        every[1] += en_hit
        if not word[0].isupper() or _starts_sentence(text, match.start()):
            plain[0] += id_hit
            plain[1] += en_hit
    id_score, en_score = plain if max(plain) >= 1 and plain[0] != plain[1] else every
    if id_score == en_score:
        return "und"
    return "id" if id_score > en_score else "en"
