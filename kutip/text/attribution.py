"""Who said what: find reported speech in an article's sentences, by rules (Indonesian, English).

News is mostly reported speech, and "who said X?" needs the speaker, the words and the exact
sentence, not a guess by the answer model. The rules are deliberately narrow (precision first):
a sentence is attributed only when a known cue (``mengatakan``, ``kata``, ``menurut``, ``said``,
``according to`` …) stands next to a speaker phrase of a recognisable shape:

* a trailing cue after the quote: ``“…,” kata Agus``, ``…, ujar Ketua X Budi``, ``…,” he said``;
* a possessive or pronoun cue: ``tambahnya``, ``katanya``, ``kata dia``, ``he added``, which take
  the speaker of the nearest earlier attribution in the same article;
* a leading subject and a reporting verb: ``Juru Bicara … John Kirby mengatakan “…”``,
  ``Kirby, the spokesman, said that …``;
* ``menurut X, …`` / ``according to X, …``, and passives like ``diungkapkan X``;
* continuations: a quote that opens in one sentence and closes, attributed, in a later one, and
  first-person sentences (``Kami …``) right before an unquoted ``…, kata X`` in the same
  paragraph.

The speaker phrase is split into a name and a role ("John Kirby" / "Juru Bicara Dewan Keamanan
Nasional"). There is no named-entity model offline, so the split uses word lists: role and
organisation words, titles and degrees; the name is the run of capitalised words after them.
Sources that are not people or named organisations ("laporan itu", "para pemimpin") are kept as
speech with no speaker. Everything here is a pure function of the text, so ingest (through the
store) and question answering see the same attributions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["RULES_VERSION", "Attribution", "attribute", "split_speaker"]

#: Bump when the rules change: stores rebuild their quotes table on open when it differs.
RULES_VERSION = "3"

Span = tuple[int, int]


@dataclass(frozen=True)
class Attribution:
    """One sentence's reported speech; offsets are into the article text."""

    sentence_index: int
    speaker: str | None
    """The name ("John Kirby") or a named organisation; None for unnamed sources."""
    role: str | None
    """What the text says the speaker is ("Juru Bicara Dewan Keamanan Nasional")."""
    cue: str
    quote_start: int
    quote_end: int
    direct: bool
    """The words are inside quotation marks."""
    inherited: bool
    """The speaker comes from an earlier sentence (pronoun cue or continuation)."""


# -- word lists ------------------------------------------------------------------------------
def _set(words: str) -> frozenset[str]:
    return frozenset(words.casefold().split())


# Trailing cues: "…, kata X" / "…, ujarnya". Ambiguous ones (jelas, tegas …) need a speaker.
_TRAIL_ID = (
    "kata ujar ungkap tutur tegas jelas papar sebut imbuh tambah lanjut terang ucap tandas "
    "seru tanya aku urai jawab pungkas timpal kilah bantah sergah"
)
_LEAD_ID = (
    "mengatakan menyatakan menegaskan menambahkan menjelaskan mengungkapkan membantah "
    "menuturkan menyebutkan mengemukakan memaparkan menilai mengakui menekankan melaporkan "
    "menuliskan mengklaim menyampaikan mengumumkan mencontohkan menerangkan menandaskan "
    "berkata bertanya mengingatkan memperingatkan mengaku membenarkan memperkirakan "
    "mengutip menduga berpendapat menanggapi menuding menuduh mengecam mengkritik mengutuk "
    "meramalkan memprediksi menyerukan mengimbau mendesak meminta membeberkan mencatat"
)
# Phrase cues: a speech act named by a noun ("membuat pernyataan bahwa", "memberi peringatan").
_LEAD_PHRASES = (
    r"(?:membuat|memberikan|memberi|mengeluarkan|melontarkan)\s+"
    r"(?:pernyataan|keterangan|peringatan|warning|kecaman|kritik|tudingan|imbauan|seruan)"
)
_LEAD_EN = (
    "said says told added stated denied explained announced warned claimed insisted noted "
    "argued reported wrote confirmed acknowledged admitted asked replied estimated"
)
_TRAIL_EN = "said says added told explained noted wrote warned insisted stated argued asked"
_PASSIVE_ID = (
    "diungkapkan disampaikan dikatakan ditegaskan dijelaskan dinyatakan diumumkan dilaporkan "
    "dinilai dikemukakan dipaparkan dilontarkan dituturkan diutarakan"
)
PRONOUNS = _set("dia ia beliau mereka he she they")
# Person roles: a phrase made only of these (and organisations) names nobody.
ROLE_WORDS = _set(
    """
    juru bicara jubir menteri menko menneg mendagri menlu presiden wapres wakil ketua kepala
    direktur dirut komisaris sekretaris sekjen gubernur bupati wali wali kota walikota camat
    lurah kapolri kapolda kapolres kapolsek panglima pangdam jaksa hakim pengacara kuasa hukum
    anggota pengamat peneliti ahli pakar analis ekonom aktivis pelatih manajer manager
    koordinator pimpinan pemimpin pejabat staf kabag kasubag kabid humas kasubdit dekan rektor
    guru besar dosen dokter perdana pm raja ratu pangeran sultan duta besar dubes konsul
    senator pendiri founder chairman chief executive ceo president spokesman spokeswoman
    spokesperson minister secretary director head official officer governor mayor senator
    judge lawyer analyst economist researcher professor prof expert adviser advisor general
    affair country deputy vice prime ambassador commander leader manajer presdir mantan former
    laksamana muda madya marsekal jenderal letjen mayjen brigjen kolonel kol mayor kapten
    letnan kombes akbp irjen komjen tni polri kapuspen kasad kasal kasau staf ketum
    wartawan reporter editor redaktur penulis kolumnis sumber source warga
    komandan danramil dandim danrem danlanal danlantamal kasat kasatreskrim kapten koordinator
    epidemiolog ilmuwan sejarawan budayawan seniman petani nelayan pengusaha
    """
)
# Organisation words: they belong to a role ("Dewan Keamanan Nasional") or an organisation
# speaker ("Pemerintah Uzbekistan"), never to a person's name.
ORG_WORDS = _set(
    """
    pemerintah pemerintahan kementerian kementrian departemen badan dinas dewan komisi lembaga
    balai pusat kantor biro direktorat ditjen subdirektorat subdit sub-dinas bidang bagian
    divisi seksi unit tim satuan komando armada kawasan markas kodam polda polres polsek
    angkatan udara darat laut universitas institut sekolah fakultas rumah sakit rs rsud puskesmas
    yayasan asosiasi perhimpunan persatuan ikatan himpunan serikat liga gerakan front partai
    fraksi majelis mahkamah pengadilan kejaksaan kejati kejari kepolisian pengurus besar pb
    pt tbk persero pte ltd inc corp llc plc gmbh bhd bank perusahaan organisasi federasi komite
    konsorsium koperasi business consulting holding holdings capital securities sekuritas
    chamber forum
    keamanan nasional internasional daerah umum utama negara negeri luar dalam republik
    kesehatan keuangan pertahanan perdagangan perindustrian pertanian kehutanan perikanan
    kelautan pendidikan kebudayaan pariwisata energi sumber daya mineral hukum hak asasi
    manusia sosial agama perhubungan pekerjaan tenaga kerja lingkungan hidup statistik
    pengawas pasar modal bursa efek pelayanan pencegahan penyakit penelitian pengembangan
    teknologi rekayasa desain sistem kota kabupaten provinsi kecamatan desa kelurahan
    distrik wilayah regional council committee ministry department agency office bureau
    house white national security state federal government university institute
    association union party court commission service services authority board
    organization organisation center centre foundation group company corporation airlines
    hospital college school laboratory laboratorium observatorium museum panitia juri
    airways media harian majalah koran surat kabar kantor berita news agency pengadilan
    tinggi agung konstitusi militer sipil staf usaha bumn swasta indonesia as amerika serikat
    israel irak iran palestina china cina jepang korea india inggris rusia eropa uni arab
    jakarta bandung surabaya medan makassar semarang yogyakarta solo bali denpasar lampung
    papua aceh sumatera jawa kalimantan sulawesi utara selatan barat timur tengah gaza
    washington baghdad london tokyo beijing
    perekonomian kuba venezuela brasil brazil jerman perancis prancis italia spanyol belanda
    australia malaysia singapura thailand filipina vietnam myanmar kamboja mesir suriah
    yordania turki afganistan afghanistan pakistan bangladesh nepal kanada meksiko argentina
    chili peru kolombia ukraina polandia swedia norwegia denmark swiss austria belgia yunani
    portugal taiwan hongkong singapore pekanbaru padang palembang pontianak banjarmasin
    balikpapan samarinda manado kupang mataram jayapura ambon kendari palu jambi bengkulu
    serang bogor depok bekasi tangerang malang cirebon
    """
)
TITLES = _set(
    """
    dr dr. prof prof. drh ir ir. drs drs. dra h h. hj hj. kh kh. mr mr. mrs mrs. ms ms.
    sir bapak pak ibu bu sdr sdri tuan nyonya haji
    """
)
DEGREES = _set(
    """
    sh mh se mm msc m.sc phd ph.d ma mba skm ms mt st skom spd mpd mkes mars sked spog sp
    mhum msi m.si s.sos sip dea sth mag apt apu mph dsc mpa msc. mkom spa spd. spb sppd
    """
)
# Words whose next word names a place or a company ("Kota Sorong", "PT Telkom").
_NAMES_NEXT = _set("kota kabupaten provinsi kecamatan desa kelurahan distrik pt cv bank")
# Plural or indefinite heads: speech, but of a group nobody named.
GROUP_HEADS = _set("para sejumlah beberapa banyak kalangan seorang sebuah salah some many")
# Data nouns whose owner is the source ("menurut hitungan Kementerian Kesehatan Gaza").
DATA_HEADS = _set("data hitungan catatan keterangan pernyataan versi figures data statement")
# Words that end the speaker phrase (time, place and circumstance follow it).
_STOP = _set(
    """
    yang saat ketika seusai usai setelah sebelum sesudah dalam di pada kepada kpd dari
    kemarin tadi pagi siang sore malam senin selasa rabu kamis jumat sabtu minggu
    dan serta sambil seraya melalui lewat via untuk atas tentang mengenai terkait usai ketika
    on in at to during after before who which that while when told from of last this yesterday
    monday tuesday wednesday thursday friday saturday sunday
    januari februari maret april mei juni juli agustus september oktober november desember
    january february march june july august october december bulan tahun hari pekan
    """
)
_CLAUSE_OPENERS = _set(
    "ketika saat bahwa setelah sebelum karena sementara sedangkan namun tetapi tapi sehingga "
    "when while after before because but that although as"
)
_ADVERBS = _set(
    "pun juga kemarin telah sudah pernah kerap sering lalu kembali lagi secara resmi terpisah "
    "tegas hanya justru bahkan juga also later earlier then again on tuesday"
)
_MODALS = _set(
    "akan bakal hendak ingin mau harus will would may might could should must to "
    "untuk agar supaya dapat bisa mampu sempat"
)
# Words that open a circumstance segment between a speaker and the cue ("…, seperti dikutip
# AFP, mengatakan", "…, ketika dihubungi, mengatakan").
_CIRCUMSTANCE = _set(
    "seperti sebagaimana dihubungi ditemui dikutip secara saat ketika seusai usai selaku "
    "sambil seraya namun bahkan pun"
)
# Time words that are never a speaker; a segment opening with a weekday ("Sabtu kemarin",
# "Rabu (7/9)") is a time, not the subject.
_WEEKDAYS = _set(
    "senin selasa rabu kamis jumat sabtu minggu kemarin monday tuesday wednesday thursday "
    "friday saturday sunday"
)
_TIME_WORDS = _WEEKDAYS | _set(
    "januari februari maret april mei juni juli agustus september oktober november desember"
)
_NEGATIONS = _set("tidak tak belum enggan menolak bukan not never declined refused")
# Capitalised words that are never a speaker's name: pronouns, sentence adverbs and connectives
# ("Kemudian, …"), and common nouns that open sentences ("Penelitian", "Logam").
_CONNECTIVES = _set(
    """
    kemudian selanjutnya namun sementara sedangkan bahkan selain lalu akhirnya sebelumnya
    sesudahnya setelahnya karena jadi maka sehingga tetapi tapi padahal meskipun walaupun
    apalagi adapun oleh bahwa jika kalau bila apabila agar supaya menurut berdasarkan
    however meanwhile then also but and so yet still
    """
)
_NOT_NAMES = _CONNECTIVES | _set(
    """
    kami kita saya aku kamu anda engkau ia dia beliau mereka we i you it hal
    penelitian riset studi survei kajian analisis pengamatan temuan hasil laporan data logam
    uji percobaan eksperimen metode teknologi sistem program proyek kebijakan kondisi situasi
    keadaan harga pasar produk alat cara upaya langkah rencana keputusan putusan aturan
    peraturan undang-undang dokumen surat pesan informasi berita kabar isu masalah
    the this that these those
    """
)
# Trailing cues that may stand in the middle of the words ("X, kata Budi, …").
_ASIDE_CUES = _set("kata ujar tutur ungkap papar")
# Cues that report speech only before a comma or "bahwa" ("KSEI mencatat, …").
_COMMA_CUES = _set("mencatat")
# First-person subjects ("Kami memperkirakan …") are a speaker's own words, not a speaker.
_FIRST_PERSON_WORDS = _set("saya kami aku kita we i")
# Balinese names open with "I" ("I Made Subadia", "I Gusti Ngurah"): not the English "I".
_BALINESE = _set("made wayan ketut nyoman putu komang kadek gede gusti nengah gst ngurah")
# Adverbs that may follow a possessive cue: "…,” katanya tegas."
_AFTER_NYA = _set("tegas singkat lagi pula pelan lirih kemudian menambahkan santai serius")
# Participles between a speaker and the cue: "X mewakili Menteri Y menegaskan".
_SPEAKER_QUALIFIERS = _set("mewakili didampingi bersama selaku atas nama")
_FIRST_PERSON = re.compile(r"\b(?:saya|kami|aku|kita|i|we|my|our|us)\b", re.IGNORECASE)

_QUOTES = "“”\"‘’'«»"
_OPEN = "“\"‘'«"
_WORD = re.compile(r"[^\s,;:()“”\"«»]+")
_PARTICLE = re.compile(r"^(?:al|el|bin|binti|ibn|van|von|de|da|der|den|du|dos|la|le)(?:-.+)?$")
_DATELINE = re.compile(r"^[A-Z][\w .]{0,30},\s*[\w ]{0,25}?\s*[-–—]\s*(?=[A-Z])")
_PAREN = re.compile(r"\s*\([^()]*\)")
_REDUPLICATED = re.compile(r"^(\w+)-\1$")
# A desk's initials after the last sentence of a story: "…, ujarnya. (DOT)", "(AFP/AP/LUK)".
_DESK_TAG = re.compile(r"(?<=[.!?”\"])\s*\([A-Z]{2,6}(?:\s*/\s*[A-Z]{2,})*\)\s*$")
# Degrees written as two tokens: "S Sos" (S.Sos), "S Ag", "M Si".
_SPLIT_DEGREE = _set("sos ag pd si kom ked hum ip hi e h t p pt kes ikom kep ak ars")
# Time phrases that open a subject: "Kamis lalu Apache Corp mengatakan", "Jauh-jauh hari X".
_TIME_LEAD = _set(
    "jauh-jauh kemarin tadi pekan bulan tahun hari minggu lalu ini pagi siang sore malam "
    "beberapa waktu silam"
)

_TRAIL_RE = re.compile(
    r"(?P<sep>[,”\"’']|\.\.\.|…)\s*(?P<cue>(?:" + "|".join(_TRAIL_ID.split()) + r"))"
    r"(?P<nya>nya)?\b(?P<rest>[^,”\"]*(?:,.*)?)$",
    re.IGNORECASE,
)
_TRAIL_EN_RE = re.compile(
    r"(?P<sep>[,”\"’'])\s*(?:(?P<spk>[^,”\"]{1,80}?)\s+(?P<cue>"
    + "|".join(_TRAIL_EN.split())
    + r")\b|(?P<cue2>"
    + "|".join(_TRAIL_EN.split())
    + r")\s+(?P<spk2>[^,”\".]{1,80}))(?P<rest>.*)$"
)
_LEAD_RE = re.compile(
    r"\b(?P<cue>" + _LEAD_PHRASES + "|" + "|".join((_LEAD_ID + " " + _LEAD_EN).split()) + r")\b",
    re.IGNORECASE,
)
_MENURUT_RE = re.compile(r"\b(?P<cue>[Mm]enurut|[Aa]ccording to)\s+(?P<rest>.+)$")
_DEMIKIAN_RE = re.compile(r",\s*(?P<cue>demikian)\s+(?:[a-z]+\s+)?(?P<rest>[A-Z].*)$")
_PASSIVE_RE = re.compile(
    r"\b(?P<cue>" + "|".join(_PASSIVE_ID.split()) + r")\s+"
    r"(?:(?:[a-z]+\s+){0,3}?oleh\s+)?(?P<rest>[A-Z].*)$"
)
# The agent before the verb: "…, oleh Sekretaris Jenderal JMI Dag Franzen dinilai penting".
_OLEH_BEFORE_RE = re.compile(
    r"\boleh\s+(?P<rest>[A-Z][^,;:]{2,80}?)\s+(?P<cue>" + "|".join(_PASSIVE_ID.split()) + r")\b"
)


# -- names and roles -------------------------------------------------------------------------
def _tokens(phrase: str) -> list[str]:
    return _WORD.findall(_PAREN.sub("", phrase))


def _is_name_token(tok: str) -> bool:
    low = tok.casefold().rstrip(".")
    if low in ORG_WORDS or low in ROLE_WORDS or low in TITLES or low in DEGREES or low in _STOP:
        return False
    if low in _NOT_NAMES:
        return False
    if low.endswith("s") and (low[:-1] in ROLE_WORDS or low[:-2] in ROLE_WORDS):
        return False  # "Officials", "Analysts": a plural role, nobody named
    if _REDUPLICATED.match(low):
        return False  # "Foto-foto", "Jauh-jauh": a reduplicated plural or adverb
    if len(tok) >= 2 and tok.isupper() and tok.isalpha():
        return False  # an acronym ("BPS", "ETRI") names an organisation
    return tok[:1].isupper() or bool(_PARTICLE.match(tok))


def split_speaker(phrase: str) -> tuple[str | None, str | None]:
    """Split a speaker phrase into ``(name, role)``; the name is None when nobody is named.

    "Juru Bicara Dewan Keamanan Nasional John Kirby" -> ("John Kirby", "Juru Bicara Dewan
    Keamanan Nasional"); "Pemerintah Uzbekistan" -> ("Pemerintah Uzbekistan", None), an
    organisation speaking; "laporan itu" -> (None, "laporan itu").
    """
    phrase = phrase.strip(" ,.;:-–—" + _QUOTES)
    toks = _tokens(phrase)
    if not toks:
        return None, None
    while toks:
        low = toks[-1].casefold().rstrip(".")
        if low in DEGREES | TITLES:
            toks.pop()
        elif len(toks) >= 3 and low in _SPLIT_DEGREE and toks[-2] in ("S", "M", "D"):
            del toks[-2:]  # "Ruben Marey S Sos": a degree (S.Sos) written as two tokens
        else:
            break
    if not toks:
        return None, None
    head = toks[0].casefold()
    if head in GROUP_HEADS or toks[-1].casefold() in _set("ini itu tersebut"):
        return None, phrase
    if head in PRONOUNS:
        return None, None
    # The name: the run of name tokens at the end, after roles, organisations and titles.
    # The word right after "Kota", "Provinsi", "PT" … names the place or company, not a person.
    i = len(toks)
    if (
        len(toks) >= 2
        and toks[-1].isupper()
        and toks[-1].isalpha()
        and len(toks[-1]) <= 3
        and _is_name_token(toks[-2])
        and toks[-1].casefold() not in ORG_WORDS
    ):
        i -= 1  # trailing initials belong to the name: "Mayor Laut Wirahadi AW"
    while i > 0 and _is_name_token(toks[i - 1]):
        if i >= 2 and toks[i - 2].casefold() in _NAMES_NEXT:
            break
        i -= 1
    name = toks[i:]
    role = toks[:i]
    while role and role[-1].casefold().rstrip(".") in TITLES:
        role.pop()
    if len(name) > 4:
        return None, None  # a long capitalised run is a title or a heading, not a name
    if (
        len(name) == 1
        and role
        and role[-1].casefold() in ORG_WORDS
        and role[0].casefold() not in ROLE_WORDS
    ):
        name, role = [], role + name  # "Dinas Kesehatan Jember": a place, not a person
    if name:
        return " ".join(name), " ".join(role) or None
    if (
        role
        and role[0][:1].isupper()
        and role[0].casefold() not in ROLE_WORDS | _NOT_NAMES | _TIME_WORDS
        and role[0].casefold().rstrip("s") not in ROLE_WORDS
        and not _REDUPLICATED.match(role[0].casefold())
        and all(t[:1].isupper() or t.casefold() in _set("dan of and atau or") for t in role)
    ):
        return " ".join(role), None  # an organisation speaking: "Badan Pusat Statistik"
    if head in DATA_HEADS:
        owner = [t for t in role[1:] if t[:1].isupper()]
        if owner:
            start = next(k for k, t in enumerate(role) if t == owner[0])
            return " ".join(role[start:]), None
    return None, " ".join(role) or None


def _joins(toks: list[str], k: int) -> bool:
    """Whether ``toks[k]`` joins capitalised words: "Penyakit dan Penyehatan", "Menteri Dalam
    Negeri" (a capitalised "Dalam" between capitalised words is part of a title)."""
    low = toks[k].casefold()
    if k + 1 >= len(toks) or not toks[k + 1][:1].isupper():
        return False
    if low in ("dan", "and", "&"):
        return True
    return low == "dalam" and toks[k][:1].isupper() and k > 0 and toks[k - 1][:1].isupper()


def _speaker_phrase(rest: str) -> str:
    """Cut the words after a trailing cue at the first time, place or circumstance word."""
    out: list[str] = []
    toks = _WORD.findall(_PAREN.sub("", rest.split(",", 1)[0]))
    for k, tok in enumerate(toks):
        low = tok.casefold()
        joins = _joins(toks, k)
        if out and ((low in _STOP and not joins) or tok[:1].isdigit()):
            break
        out.append(tok)
    return " ".join(out)


def _appositive(rest: str) -> str | None:
    """The role after a comma: "…, kata U Lwin, juru bicara NLD, …" -> "juru bicara NLD"."""
    parts = rest.split(",")
    if len(parts) < 2:
        return None
    cand = parts[1].strip()
    cut = re.split(r"\s+(?:yang|who|which)\s+", cand, maxsplit=1)[0].strip(" .")
    toks = cut.split()
    if toks and toks[0].casefold() in ROLE_WORDS | _set("seorang the a an") and len(toks) <= 14:
        return cut
    return None


def _named_appositive(phrase: str, rest: str) -> str | None:
    """The name after a role that names nobody: "…, kata jubir Apache Corp, Bill Mintz"."""
    if split_speaker(phrase)[0] is not None:
        return None
    toks = _tokens(phrase)
    if not toks or toks[0].casefold() not in ROLE_WORDS:
        return None
    if any(t[:1].islower() and t.casefold() not in ROLE_WORDS | ORG_WORDS for t in toks):
        return None  # "pengagum musisi jazz asal Inggris, John McLaughlin": not a role
    parts = rest.split(",")
    if len(parts) < 2:
        return None
    if len(parts) > 2 and parts[2].split()[:1] in (["dan"], ["serta"], ["and"], ["atau"]):
        return None  # "Organisasi Pendidikan, Ilmu Pengetahuan, dan Kebudayaan": a list
    return _pure_name(parts[1].strip(" ." + _QUOTES))


def _long_name(phrase: str, firsts: set[str]) -> tuple[str, str] | None:
    """A capitalised run too long to be a name, cut where a first name used alone elsewhere in
    the article starts: "Ketua Fraksi Partai Bintang Reformasi Raden Muhammad Syafii" with
    "ujar Raden" later -> ("Raden Muhammad Syafii", "Ketua Fraksi Partai Bintang Reformasi")."""
    toks = _tokens(phrase.strip(" ,.;:" + _QUOTES))
    i = len(toks)
    while i > 0 and _is_name_token(toks[i - 1]):
        i -= 1
    run = toks[i:]
    if len(run) <= 4:
        return None
    for k in range(1, len(run) - 1):
        if run[k] in firsts and len(run) - k <= 4:
            return " ".join(run[k:]), " ".join(toks[:i] + run[:k])
    return None


def _looks_like_speaker(phrase: str) -> bool:
    toks = _tokens(phrase)
    if not toks:
        return False
    if split_speaker(phrase)[0] is not None:
        return True  # "health ministry spokesman Ashraf al-Qudra"
    first = toks[0]
    low = first.casefold().rstrip(".")
    return (
        first[:1].isupper()
        or low in ROLE_WORDS
        or low in PRONOUNS
        or low in GROUP_HEADS
        or low in TITLES
        or low in DATA_HEADS
        or low in _set("laporan dokumen memo surat report document")
    )


def _quoted(text: str, lo: int, hi: int) -> Span | None:
    """The first quotation inside ``text[lo:hi]`` (quote marks excluded), if any."""
    m = re.search(r"[“\"]\s*(.+?)[\s,]*[”\"]", text[lo:hi])
    if m is None or len(m.group(1)) < 12:
        return None
    return lo + m.start(1), lo + m.end(1)


def _trim(text: str, lo: int, hi: int) -> Span:
    while lo < hi and (text[lo].isspace() or text[lo] in _QUOTES + ",:"):
        lo += 1
    while hi > lo and (text[hi - 1].isspace() or text[hi - 1] in _QUOTES + ",.:"):
        hi -= 1
    return lo, hi


@dataclass(frozen=True)
class _Found:
    phrase: str | None  # speaker phrase; None means a pronoun (inherit)
    cue: str
    quote: Span
    direct: bool
    trailing: bool
    role: str | None = None


# -- the rules, one sentence at a time -----------------------------------------------------
def _all_matches(pattern: re.Pattern[str], sent: str) -> list[re.Match[str]]:
    """Matches starting at every position (``finditer`` would let the first one swallow a
    later cue: "…, jelas akan memperlambat …,” kata Pradeep")."""
    out = []
    pos = 0
    while (m := pattern.search(sent, pos)) is not None:
        out.append(m)
        pos = m.start() + 1
    return out


def _trailing(sent: str) -> _Found | None:
    """``“…,” kata X`` / ``…, ujarnya`` / ``“…,” Kirby said`` / ``…, he added``."""
    m = _DEMIKIAN_RE.search(sent)
    if m is not None and m.start() >= 12:  # "…, demikian laporan Reuters"
        phrase = _speaker_phrase(m.group("rest"))
        if phrase:
            return _Found(phrase, "demikian", _trim(sent, 0, m.start()), False, True)
    for m in reversed(_all_matches(_TRAIL_RE, sent)):
        cue = m.group("cue").casefold()
        rest = m.group("rest")
        before = sent[: m.start("sep") + (1 if m.group("sep") in "”\"’'" else 0)]
        # "McLaughlin, kata Balawan, bersama kelompoknya, …": a cue set in the middle of the
        # words, after a short opening.
        aside = (
            m.group("sep") == ","
            and not m.group("nya")
            and cue in _ASIDE_CUES
            and "," in rest
            and len(rest.split(",", 1)[1].strip()) >= 20
        )
        if len(before.strip(' ,“"')) < 12 and not aside:
            continue
        aside = aside and len(before.strip(' ,“"')) < 12
        quote = _quoted(sent, 0, m.start("cue")) or _trim(sent, 0, m.start("sep"))
        direct = _quoted(sent, 0, m.start("cue")) is not None
        if m.group("nya"):
            tail = rest.strip(" .!?" + _QUOTES)
            if tail.casefold() in _AFTER_NYA:
                tail = ""
            if tail and not re.match(r"(?:kepada|pada|di|saat|ketika|usai|seusai|,)\b", tail):
                continue
            return _Found(None, cue + "nya", quote, direct, True)
        phrase = _speaker_phrase(rest)
        if not phrase or not _looks_like_speaker(phrase):
            continue
        if cue in _set("jelas tegas tambah lanjut terang sebut tanya aku seru") and not (
            phrase[:1].isupper() or phrase.split()[0].casefold() in PRONOUNS
        ):
            continue
        if aside:
            if split_speaker(phrase)[0] is None:
                continue
            quote, direct = _trim(sent, 0, len(sent)), False
        if phrase.split()[0].casefold() in PRONOUNS:
            return _Found(None, cue, quote, direct, True)
        named = _named_appositive(phrase, rest)
        if named is not None:
            return _Found(named, cue, quote, direct, True, phrase)
        return _Found(phrase, cue, quote, direct, True, _appositive(rest))
    for m in reversed(_all_matches(_TRAIL_EN_RE, sent)):
        cue = (m.group("cue") or m.group("cue2")).casefold()
        phrase = (m.group("spk") or m.group("spk2") or "").strip()
        if not phrase or len(phrase.split()) > 8 or not _looks_like_speaker(phrase):
            continue
        if len(sent[: m.start("sep")].strip(' ,“"')) < 12:
            continue
        phrase = _speaker_phrase(phrase)
        quote = _quoted(sent, 0, m.start("sep") + 1) or _trim(sent, 0, m.start("sep"))
        direct = _quoted(sent, 0, m.start("sep") + 1) is not None
        if phrase.split()[0].casefold() in PRONOUNS:
            return _Found(None, cue, quote, direct, True)
        return _Found(phrase, cue, quote, direct, True, _appositive(m.group("rest")))
    return None


def _subject(before: str) -> tuple[str, str | None] | None:
    """The speaker phrase that ends right before a leading cue verb, and an appositive role."""
    before = _DATELINE.sub("", before)
    segs = [s.strip() for s in before.split(",")]
    first = segs[-1].split()[0].casefold() if segs[-1].split() else ""
    if len(segs) > 1 and first in _set("yang who which"):
        return None  # "Bush, yang mudah mengecam …": the cue is in a relative clause
    # Trailing segments of time and manner ("Kamis (22/12)", "kemarin", "dalam siaran pers",
    # "Sabtu kemarin"); a segment that opens with a verb ("mendukung kebijakan …") is a clause.
    while len(segs) > 1 and not segs[-1]:
        segs.pop()
    if (
        len(segs) >= 3
        and segs[-2].split()[:1] in (["di"], ["in"])
        and all(t[:1].isupper() for t in _tokens(segs[-2])[1:])
        and 0 < len(_tokens(segs[-1])) <= 3
        and all(t.casefold() in ORG_WORDS or t.isupper() for t in _tokens(segs[-1]))
    ):
        segs.pop()  # "…, di Pontianak, Kalimantan Barat, mengatakan": the province
    while segs and (
        not segs[-1]
        or (segs[-1][:1].islower() and segs[-1].split()[0].casefold() not in ROLE_WORDS | PRONOUNS)
        or _PAREN.sub("", segs[-1]).split()[0].casefold() in _WEEKDAYS
    ):
        if len(segs) == 1:
            break
        lead = segs[-1].split()[0].casefold() if segs[-1].split() else ""
        if lead and lead not in _STOP | _ADVERBS | _WEEKDAYS | _CIRCUMSTANCE:
            break  # "mendukung kebijakan …", "seorang peramal": a clause or the subject itself
        segs.pop()
    if not segs:
        return None
    # "Sabri, seorang pekerja hutan …, mengatakan": a name, then a lowercase appositive role.
    if len(segs) >= 2 and segs[-1][:1].islower() and _pure_name(segs[-2]):
        role = re.split(r"\s+(?:yang|who|which)\s+", segs[-1], maxsplit=1)[0]
        if segs[-1].split()[0].casefold() not in PRONOUNS | _CLAUSE_OPENERS:
            return _pure_name(segs[-2]) or "", role
    # "John Anderson, ekonom senior di UBS, Hongkong, meramalkan": name, role, then a place.
    if (
        len(segs) >= 3
        and len(_tokens(segs[-1])) <= 3
        and all(t[:1].isupper() for t in _tokens(segs[-1]))
        and _tokens(segs[-2])[:1]
        and _tokens(segs[-2])[0].casefold() in ROLE_WORDS
        and _pure_name(segs[-3])
    ):
        return _pure_name(segs[-3]) or "", f"{segs[-2]}, {segs[-1]}"
    last = re.split(r"\s+(?:yang|who|which)\s+", segs[-1], maxsplit=1)[0]
    words = last.split()
    for k in range(len(words) - 1, -1, -1):
        if words[k].casefold() in _CLAUSE_OPENERS:
            words = words[k + 1 :]
            break
    while words and words[-1].casefold() in _ADVERBS:
        words.pop()
    while len(words) > 1 and words[0].casefold() in _ADVERBS | _CONNECTIVES:
        words = words[1:]  # "Bahkan Amerika Serikat menyatakan"
    if words and words[0].casefold() in _TIME_LEAD | _TIME_WORDS:
        # "Kamis lalu Apache Corp mengatakan", "Jauh-jauh hari Plato menekankan": a time
        # phrase before the subject.
        k = 0
        while k < len(words) and (
            words[k].casefold() in _TIME_LEAD | _TIME_WORDS or words[k][:1] in "(0123456789"
        ):
            k += 1
        words = words[k:]
    if words and words[-1].casefold() in _NEGATIONS:
        return None
    balinese = len(words) > 1 and words[0] == "I" and words[1].casefold() in _BALINESE
    if words and words[0].casefold() in _FIRST_PERSON_WORDS and not balinese:
        return None  # "Kami memperkirakan …": the speaker's own words (see continuations)
    # Cut circumstance words ("dalam siaran pers", "seusai penetapan …") off the end, and what
    # follows a qualifier ("X mewakili Menteri Y"); "dan" before a capital joins a name.
    for k, w in enumerate(words):
        low = w.casefold()
        joins = _joins(words, k)
        stop = low in _STOP - _set("dari of") or low == "beberapa"
        if k and ((stop and not joins) or low in _SPEAKER_QUALIFIERS):
            words = words[:k]
            break
    head = " ".join(words)
    if not head or not _looks_like_speaker(head):
        return None
    if len(words) > 14 and not (len(words) <= 24 and all(split_speaker(head))):
        return None  # a long phrase is a clause, unless it is a role ending in a name
    if any(w[:1].islower() and w.casefold().startswith(("me", "ber", "di")) for w in words[1:]):
        return None  # a verb inside: this is a clause, not a subject
    # "Michael Shifter, Wakil Presiden X, mengatakan": a pure-name segment is the name.
    if len(segs) >= 2:
        prev = segs[-2]
        ptoks = _tokens(prev)
        while ptoks and ptoks[0].casefold().rstrip(".") in TITLES:
            ptoks = ptoks[1:]  # "Dr Jatna Supriatna, Direktur …, mengatakan"
        if (
            ptoks
            and len(ptoks) <= 4
            and all(_is_name_token(t) for t in ptoks)
            and words[0].casefold() in ROLE_WORDS | _set("seorang the a an")
        ):
            return " ".join(ptoks), head
        if (
            all(_is_name_token(t) for t in _tokens(head))
            and len(_tokens(head)) <= 4
            and _tokens(prev)[:1]
            and _tokens(prev)[0].casefold() in ROLE_WORDS
        ):
            return head, prev
    return head, None


def _pure_name(seg: str) -> str | None:
    """A comma segment that is only a name (titles in front dropped), else None."""
    toks = _tokens(seg)
    while toks and toks[0].casefold().rstrip(".") in TITLES:
        toks = toks[1:]
    if toks and len(toks) <= 4 and all(_is_name_token(t) for t in toks):
        return " ".join(toks)
    return None


def _leading(sent: str) -> _Found | None:
    """``Juru Bicara … John Kirby mengatakan “…”`` / ``Kirby said on Tuesday that …``."""
    for m in _LEAD_RE.finditer(sent):
        if m.start() == 0:
            continue
        cue = m.group("cue")
        if cue[:1].isupper():
            continue
        prior = sent[: m.start()].split()
        if prior and prior[-1].casefold() in _MODALS:
            continue  # "akan mengumumkan", "will announce": nothing said yet
        if prior and prior[-1].casefold() in _set("yang who which"):
            continue  # "Foto-foto yang memaparkan …": the cue is in a relative clause
        if cue.casefold() in _COMMA_CUES and not re.match(r"\s*(?:[,:]|bahwa\b)", sent[m.end() :]):
            continue  # "mencatat rekor" records; "mencatat, …" reports
        found = _subject(sent[: m.start()])
        if found is None:
            continue
        phrase, role = found
        lo = m.end()
        after = re.match(r"[\s,:]*(?:\S+\s+){0,3}?(?:bahwa|that)[\s,:]+", sent[lo:])
        after = after or re.match(r"[\s,:]*", sent[lo:])
        lo += after.end() if after else 0
        if len(sent[lo:].strip(" .")) < 8:
            continue
        quote = _quoted(sent, lo, len(sent)) or _trim(sent, lo, len(sent))
        direct = _quoted(sent, lo, len(sent)) is not None
        if phrase.split()[0].casefold() in PRONOUNS:
            return _Found(None, cue.casefold(), quote, direct, False)
        return _Found(phrase, " ".join(cue.casefold().split()), quote, direct, False, role)
    return None


def _menurut(sent: str) -> _Found | None:
    """``Menurut X, …`` and ``…, menurut X.`` (``according to X``)."""
    m = _MENURUT_RE.search(sent)
    if m is None:
        return None
    rest = m.group("rest")
    parts = [p.strip() for p in rest.split(",")]
    phrase = re.split(r"\s+(?:yang|who|which|that)\s+", parts[0], maxsplit=1)[0]
    phrase = re.split(r"\s+di\s+(?=[A-Z])", phrase, maxsplit=1)[0]  # "Menurut X di Manado, …"
    role = None
    if m.start() > 0 and sent[: m.start()].rstrip().endswith(","):
        quote = _trim(sent, 0, m.start())  # "…, menurut X."
    else:
        skip = 1
        if len(parts) > 2:
            name, _ = split_speaker(parts[1])
            first_name, _ = split_speaker(phrase)
            second = _tokens(parts[1])
            if name and not first_name:
                phrase, role, skip = parts[1], phrase, 2  # "Menurut ahli X, Dr Y, …"
            elif (
                first_name
                and second
                and len(second) <= 14
                and any(t.casefold() in ROLE_WORDS | ORG_WORDS for t in second)
            ):
                role, skip = parts[1], 2  # "Menurut Arie, General Affair Manager BPPT, …"
        cut = m.start("rest") + sum(len(p) + 1 for p in rest.split(",")[:skip])
        quote = _trim(sent, min(cut, len(sent)), len(sent))
    if not _looks_like_speaker(phrase) or quote[1] - quote[0] < 8:
        return None
    return _Found(phrase, m.group("cue").casefold(), quote, False, False, role)


def _passive(sent: str) -> _Found | None:
    """``Hal ini diungkapkan Dekan X Budi dalam jumpa pers`` / ``… dinilai LIPI …``."""
    m = _PASSIVE_RE.search(sent)
    if m is None:
        b = _OLEH_BEFORE_RE.search(sent)
        if b is None or split_speaker(b.group("rest"))[0] is None:
            return None
        quote = _trim(sent, 0, len(sent))
        return _Found(b.group("rest"), b.group("cue"), quote, False, False)
    phrase = _speaker_phrase(m.group("rest"))
    toks = _tokens(phrase)
    # Stop at the first lowercase word that is not part of a role ("memenuhi syarat").
    for k, t in enumerate(toks):
        lower = t[:1].islower() and t.casefold() not in ROLE_WORDS | ORG_WORDS | TITLES
        if k and lower and not _joins(toks, k) and not _PARTICLE.match(t):
            toks = toks[:k]
            break
    if not toks or not toks[0][:1].isupper():
        return None
    quote = _trim(sent, 0, m.start())
    if quote[1] - quote[0] < 3:
        return None
    return _Found(" ".join(toks), m.group("cue").casefold(), quote, False, False)


def _one(sent: str) -> _Found | None:
    tag = _DESK_TAG.search(sent)
    if tag is not None and tag.start() > 0:
        sent = sent[: tag.start()]  # "…, ujarnya. (DOT)": offsets before the tag are unchanged
    return _trailing(sent) or _menurut(sent) or _leading(sent) or _passive(sent)


def _opens_quote(sent: str) -> bool:
    """An opening quotation mark that does not close in the same sentence."""
    curly = sent.count("“") - sent.count("”")
    straight = sent.count('"') % 2
    doubled = sent.count("' '") % 2
    return curly > 0 or straight == 1 or doubled == 1


def attribute(text: str, spans: Sequence[Span]) -> list[Attribution]:
    """Attributions of an article's sentences (``spans`` as stored), in sentence order.

    Pronoun and possessive cues take the speaker of the nearest earlier attribution that
    named one; when there is none the sentence is still speech, with no speaker.
    """
    found: dict[int, _Found] = {}
    for i, (s, e) in enumerate(spans):
        f = _one(text[s:e])
        if f is not None:
            found[i] = f
    # Names of one word ("ujar Raden"): they may mark where a long capitalised run's name starts.
    firsts = set()
    for f in found.values():
        one = split_speaker(f.phrase)[0] if f.phrase else None
        if one is not None and len(one.split()) == 1:
            firsts.add(one)
    out: dict[int, Attribution] = {}
    last: tuple[str, str | None] | None = None
    for i, (s, _e) in enumerate(spans):
        f = found.get(i)
        if f is None:
            continue
        name: str | None
        role: str | None
        if f.phrase is None:
            name, role = last if last else (None, None)
            inherited = last is not None
        else:
            name, role = split_speaker(f.phrase)
            if name is None and firsts:
                name, role = _long_name(f.phrase, firsts) or (name, role)
            if f.role:
                role = f.role if role is None else f"{role}, {f.role}"
            inherited = False
            if name is not None and last is not None and _same_person(name, last[0]):
                name, role = last[0], role or last[1]  # "Kirby" after "John Kirby"
            if name is not None:
                last = (name, role)
        qs, qe = f.quote
        out[i] = Attribution(i, name, role, f.cue, s + qs, s + qe, f.direct, inherited)
    _continuations(text, spans, out)
    return [out[i] for i in sorted(out)]


def _same_person(short: str, full: str) -> bool:
    """ "Kirby" after "John Kirby" in one article: a surname alone takes the full name, and so
    does a first name ("kata Guntur" after "Guntur Pasaribu"), as Indonesian news often writes.
    """
    st, ft = short.split(), full.split()
    return (
        len(st) == 1 and len(ft) > 1 and st[0].casefold() in (ft[-1].casefold(), ft[0].casefold())
    )


def _continuations(text: str, spans: Sequence[Span], out: dict[int, Attribution]) -> None:
    """Sentences inside a quote attributed later: a quote that opens in sentence i and closes
    in an attributed sentence, and first-person sentences before an unquoted ``…, kata X``."""
    for i, (s, e) in enumerate(spans):
        if i in out or not _opens_quote(text[s:e]):
            continue
        for j in range(i + 1, min(i + 5, len(spans))):
            a = out.get(j)
            if a is not None and a.direct is False and j in out:
                # The closing sentence: its quote is the start of the sentence.
                a = out[j]
            if a is not None:
                if a.quote_start <= spans[j][0] + 2 and a.speaker is not None:
                    for k in range(i, j):
                        if k not in out:
                            ks, ke = _trim(text, *spans[k])
                            out[k] = Attribution(k, a.speaker, a.role, a.cue, ks, ke, True, True)
                break
            if "”" in text[spans[j][0] : spans[j][1]]:
                break
    # A quote opened by an attributed sentence ("X mengatakan, “…") runs on, unattributed,
    # until the sentence that closes it, in the same paragraph.
    for i in sorted(out):
        a = out[i]
        s, e = spans[i]
        if a.speaker is None or a.inherited or not _opens_quote(text[s:e]):
            continue
        run = []
        for j in range(i + 1, min(i + 5, len(spans))):
            if j in out or "\n" in text[spans[j - 1][1] : spans[j][0]]:
                run = []
                break
            sent = text[spans[j][0] : spans[j][1]].strip()
            if sent[:1] in '“"' and sum(sent.count(q) for q in '“”"') == 1:
                break  # '" Cuaca …': the quote closed at the end of the sentence before
            run.append(j)
            if any(q in sent for q in '”"'):
                break
        else:
            run = []
        for k in run:
            ks, ke = _trim(text, *spans[k])
            out[k] = Attribution(k, a.speaker, a.role, a.cue, ks, ke, True, True)
    for j in sorted(out, reverse=True):
        a = out[j]
        if a.speaker is None or a.direct or a.quote_start > spans[j][0] + 2:
            continue
        # First-person sentences before "…, kata X" in one paragraph are X's words, and so is
        # one sentence without a first-person word between two of them ("Saya gembira.
        # Perlombaan yang ketat. Saya ingin menang, kata X").
        k = j - 1
        pending: list[int] = []
        while k >= 0 and k not in out:
            ks, ke = spans[k]
            between = text[ke : spans[k + 1][0]]
            sent = text[ks:ke]
            if "\n" in between or any(q in sent for q in _QUOTES):
                break
            if _FIRST_PERSON.search(sent):
                for n in [*pending, k]:
                    ns, ne = spans[n]
                    out[n] = Attribution(n, a.speaker, a.role, a.cue, ns, ne, False, True)
                pending = []
            elif pending:
                break
            else:
                pending.append(k)
            k -= 1
