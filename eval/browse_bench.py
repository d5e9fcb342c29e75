"""``python -m eval.browse_bench``: do the Articles and Quotes tabs open fast over an archive?

Issue 30 asks the Articles tab to open in under 1 s over a 10k-article store. This builds such
a store and times what the page does, through the same handlers the page calls
(:class:`ui.handlers.Handlers`) over the real :class:`kutip.store.Store`:

- the first render (``on_load``: the summary line and the first page of the list), cold (the
  first call after opening the store) and warm (median of ``--repeats``);
- a search (a common word, a rare one, a title prefix, best match first), filters (language,
  date range), sorting, paging (next page, a page deep in the list) and opening an article;
- the Quotes tab: opening it, a search, one speaker's quotes.

**How the store is built, honestly.** The tabs read only the SQLite catalog, so the articles are
written straight into it (``Catalog.insert_pending`` then ``mark_ready``, the store's own write
path minus the vectors): no embedder runs and the store has no sentence or chunk vectors, so
it cannot answer questions. Its texts are real: sentences of the bundled sample article and,
when ``../shared/evaldata`` is there, of its SQuAD/TyDi passages, shuffled into articles of 6
to 30 sentences; every third article gets one reported-speech sentence ("“…,” kata NAME.")
from a fixed list of 1,600 names, so the Quotes tab has an archive's worth of speakers.

The targets are here, not in timed tests: ``first_render_ms`` warm and cold under 1,000 ms, and
every other step under 1,000 ms too (a search is typed, so it should feel immediate).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from kutip.config import Settings, load_settings
from kutip.demo import sample_article_path
from kutip.schema import Article, Sentence
from kutip.store import Store, open_store
from kutip.text.injection import is_instruction
from kutip.text.sentences import split_sentences

TARGET_MS = 1000.0
"""Issue 30: the Articles tab opens in under 1 s over 10k articles; the same bar for the rest."""

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "evaldata"
PASSAGE_SETS = ("squad2-en.dev.json", "tydiqa-id.train.json", "facqa-id.train.json")
SOURCES = (
    "Purna Warta",
    "Kompas",
    "Antara",
    "Tempo",
    "Detik",
    "Reuters",
    "AP",
    "BBC",
    "The Jakarta Post",
    "Republika",
)
FIRST = str.split(
    "Budi Ani Joko Siti Agus Dewi Rudi Sri Andi Rina Hendra Yuni Bambang Wati Eko Lestari "
    "John Mary James Linda Robert Susan Michael Karen David Nancy Ahmad Fatimah Hasan Nur "
    "Rahmat Indah Yusuf Maria Peter Anna Thomas Laura Daniel Sarah"
)
LAST = str.split(
    "Santoso Wijaya Kusuma Pratama Hidayat Saputra Nugroho Setiawan Gunawan Hartono Sutrisno "
    "Wibowo Halim Siregar Nasution Simanjuntak Smith Johnson Brown Miller Davis Wilson Moore "
    "Taylor Anderson Thomas Jackson White Harris Martin Kirby Clark Lewis Walker Hall Allen "
    "Young King Wright Scott"
)
PHRASES = (
    "Kami tidak punya rencana itu",
    "Harga beras akan turun bulan depan",
    "Pemerintah akan memeriksa laporan tersebut",
    "Tidak ada alasan untuk khawatir",
    "Kami sedang menyelidiki kasus ini",
    "Stok pangan nasional aman",
)


def _sentences_of(text: str) -> list[str]:
    return [text[s:e].strip() for s, e in split_sentences(text) if e - s > 20]


def sentence_pool(max_passages: int = 4000) -> tuple[list[tuple[str, str]], str]:
    """``([(sentence, lang), ...], what it was made of)``: the sample article's sentences
    and, when the shared evaluation sets are there, their passages' sentences."""
    pool = [(s, "id") for s in _sentences_of(sample_article_path().read_text(encoding="utf-8"))]
    origin = "the sample article"
    used = 0
    for name in PASSAGE_SETS:
        path = SHARED / name
        if not path.exists():
            continue
        lang = "en" if "-en" in name else "id"
        data = json.loads(path.read_text(encoding="utf-8"))
        for doc in data["data"]:
            for para in doc.get("paragraphs", []):
                if used >= max_passages:
                    break
                pool.extend((s, lang) for s in _sentences_of(para["context"]))
                used += 1
        origin += f" + {name}"
    return pool, f"{origin} ({len(pool):,} sentences)"


def synthetic_articles(
    n: int, pool: Sequence[tuple[str, str]], seed: int = 7
) -> Iterator[tuple[Article, list[Sentence]]]:
    """``n`` articles shuffled from ``pool`` with exact sentence offsets (paragraphs of three
    sentences, one a line); 5% undated, the rest published 2015-2025."""
    rng = random.Random(seed)
    by_lang = {lang: [s for s, lg in pool if lg == lang] for lang in sorted({lg for _, lg in pool})}
    langs = sorted(by_lang)
    start = datetime(2015, 1, 1)
    flags: dict[str, bool] = {}
    for i in range(n):
        lang = langs[i % len(langs)]
        picked = rng.sample(by_lang[lang], min(len(by_lang[lang]), rng.randint(6, 30)))
        if i % 3 == 0:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            said = rng.choice(PHRASES)
            quote = f"“{said},” kata {name}." if lang == "id" else f'"{said}," {name} said.'
            picked.insert(rng.randrange(len(picked) + 1), quote)
        title = " ".join(picked[0].split()[:8]).rstrip(".,;:") + f" ({i})"
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        at = 0
        for j, sentence in enumerate(picked):
            if j:
                sep = "\n" if j % 3 == 0 else " "
                parts.append(sep)
                at += len(sep)
            spans.append((at, at + len(sentence)))
            parts.append(sentence)
            at += len(sentence)
        text = "".join(parts)
        aid = hashlib.sha256(f"{title}\n\n{text}".encode()).hexdigest()[:20]
        published = None if rng.random() < 0.05 else start + timedelta(days=rng.randrange(4000))
        article = Article(
            id=aid,
            key=f"bench://article/{i}",
            title=title,
            text=text,
            source=rng.choice(SOURCES),
            url=f"https://news.example/{i}",
            published=published,
            lang=lang,
            ingested_at=start + timedelta(seconds=i),
            n_sentences=len(spans),
        )
        for sentence in picked:
            if sentence not in flags:  # the pool repeats: flag each sentence once
                flags[sentence] = is_instruction(sentence)
        sentences = [
            Sentence(aid, k, s, e, text[s:e], flags[text[s:e]]) for k, (s, e) in enumerate(spans)
        ]
        yield article, sentences


def build_catalog_store(
    settings: Settings,
    n: int,
    seed: int = 7,
    progress: Callable[[int], None] | None = None,
) -> str:
    """Write ``n`` synthetic articles into the catalog of ``settings``'s store (no vectors:
    see the module docstring); returns what the texts were made of."""
    pool, origin = sentence_pool()
    store = open_store(settings)
    try:
        for i, (article, sentences) in enumerate(synthetic_articles(n, pool, seed), start=1):
            store.catalog.insert_pending(article, sentences, [])
            store.catalog.mark_ready(article.id)
            if progress and i % 1000 == 0:
                progress(i)
    finally:
        store.close()
    return origin


class _NoAssistant:
    """The tabs never ask a question; the workspace only needs something in its place."""

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        raise RuntimeError("browse_bench asks no questions")


def _timed(fn: Callable[[], Any], repeats: int) -> tuple[dict[str, float], Any]:
    times: list[float] = []
    out: Any = None
    for _ in range(max(1, repeats)):
        started = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - started) * 1000)
    return {
        "first_ms": round(times[0], 1),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
    }, out


def measure(settings: Settings, repeats: int = 5) -> dict[str, Any]:
    """Time the tabs' handlers over the store of ``settings`` (opened here, cold)."""
    from ui.handlers import Handlers
    from ui.state import Workspace

    started = time.perf_counter()
    store: Store = open_store(settings)
    open_ms = (time.perf_counter() - started) * 1000
    results: dict[str, Any] = {"open_store_ms": round(open_ms, 1)}
    try:
        workspace = Workspace(settings, store, _NoAssistant(), lambda s, st: None)  # type: ignore[arg-type, return-value]
        handlers = Handlers(workspace, settings, Path(tempfile.gettempdir()) / "kutip-bench-up")
        name = settings.collection
        steps: dict[str, Callable[[], Any]] = {
            "first_render": lambda: handlers.on_load(name),
            "search_common_word": lambda: handlers.browse_articles(
                name, "yang", "", "", "", "newest"
            ),
            "search_common_word_best_match": lambda: handlers.browse_articles(
                name, "yang", "", "", "", "relevance"
            ),
            "search_rare_word": lambda: handlers.browse_articles(
                name, "Kirby", "", "", "", "newest"
            ),
            "search_two_word_prefix": lambda: handlers.browse_articles(
                name, "pasuk amer", "", "", "", "newest"
            ),
            "filter_lang_and_year_by_title": lambda: handlers.browse_articles(
                name, "", "en", "2020-01-01", "2020-12-31", "title"
            ),
            "sort_by_sentences": lambda: handlers.browse_articles(
                name, "", "", "", "", "sentences"
            ),
        }
        for step, fn in steps.items():
            results[step], out = _timed(fn, repeats)
        first_query = handlers.browse_articles(name, "", "", "", "", "newest")[2]
        results["next_page"], _ = _timed(
            lambda: handlers.next_page(name, None, first_query), repeats
        )
        deep = first_query.at(100)
        results["page_100"], out = _timed(lambda: handlers.next_page(name, None, deep), repeats)
        results["page_100"]["page"] = out[2].page
        _, _, query = handlers.browse_articles(name, "yang", "", "", "", "newest")
        results["search_common_word"]["matches"] = _total(store, query)
        results["search_rare_word"]["matches"] = _total(
            store, handlers.browse_articles(name, "Kirby", "", "", "", "newest")[2]
        )
        some_id = store.article_page(first_query).rows[0].id
        event = type("Event", (), {"_data": {"article": some_id}})()
        results["open_article"], _ = _timed(
            lambda: handlers.open_article(name, first_query, event),
            repeats,  # type: ignore[arg-type]
        )
        results["first_render_html_kb"] = round(len(handlers.on_load(name)[1]) / 1024, 1)
        quotes: dict[str, Callable[[], Any]] = {
            "quotes_open": lambda: handlers.quotes_page(name, "", "", "", 1),
            "quotes_search": lambda: handlers.quotes_page(name, "beras", "", "", 1),
            "quotes_next_page": lambda: handlers.quotes_page(name, "", "", "", 2),
        }
        for step, fn in quotes.items():
            results[step], out = _timed(fn, repeats)
        top = store.quote_page().speakers[0][0]
        results["quotes_one_speaker"], _ = _timed(
            lambda: handlers.quotes_page(name, "", top, "", 1), repeats
        )
        results["before"] = _before(store)
        summary = store.article_summary()
        page = store.quote_page()
        results["store"] = {
            "articles": summary.articles,
            "sentences": summary.sentences,
            "quotes": page.quotes,
            "speaker_groups": len(page.speakers),
            "catalog_mb": round(
                sum(
                    p.stat().st_size
                    for p in store.catalog.path.parent.glob("catalog.sqlite*")
                    if p.is_file()
                )
                / 2**20,
                1,
            ),
            "fts5": store.catalog.fts,
        }
    finally:
        store.close()
    timed = {k: v for k, v in results.items() if isinstance(v, dict) and "max_ms" in v}
    results["slowest_step"] = max(timed, key=lambda k: timed[k]["max_ms"])
    results["target_ms"] = TARGET_MS
    results["target_met"] = all(v["max_ms"] < TARGET_MS for v in timed.values())
    return results


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


def measure_browser(settings: Settings, repeats: int = 3) -> dict[str, Any]:
    """The same tab in headless Chromium over the served page (the app ``kutip chat`` serves,
    over this store): page load until the chat's question box shows (Gradio's own start, the
    baseline) and until the Articles tab shows its rows, a switch back to the tab, a search
    typed and submitted, and the next page, each until the page shows the result."""
    import socket

    from playwright.sync_api import sync_playwright

    from ui.app import build_real_app, serve

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    real = build_real_app(settings)
    url = serve(real.app, host="127.0.0.1", port=port, block=False, quiet=True)
    line = "#kutip-article-table .kutip-page-line"
    times: dict[str, list[float]] = {}

    def clock(name: str, since: float) -> None:
        times.setdefault(name, []).append((time.perf_counter() - since) * 1000)

    def shows(text: str) -> str:
        return f"() => document.querySelector({line!r})?.textContent.includes({text!r})"

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for _ in range(max(1, repeats)):
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                started = time.perf_counter()
                page.goto(url)
                page.locator("#kutip-question textarea").wait_for()
                clock("browser_page_load_to_chat_box", started)  # Gradio's start alone
                page.get_by_role("tab", name="Articles").click()
                page.locator("#kutip-article-table tr.kutip-article-row").first.wait_for()
                clock("browser_page_load_to_rows", started)
                page.get_by_role("tab", name="Chat").click()
                started = time.perf_counter()
                page.get_by_role("tab", name="Articles").click()
                page.locator("#kutip-article-table tr.kutip-article-row").first.wait_for()
                clock("browser_tab_switch_to_rows", started)
                box = page.locator("#kutip-article-search textarea")
                box.fill("yang")
                started = time.perf_counter()
                box.press("Enter")
                page.wait_for_function(shows("matching “yang”"))
                clock("browser_search", started)
                started = time.perf_counter()
                page.locator("#kutip-article-next").click()
                page.wait_for_function(shows("Showing 51–"))
                clock("browser_next_page", started)
                page.close()
            browser.close()
    finally:
        real.app.close()
        real.store.close()
    return {
        name: {
            "first_ms": round(values[0], 1),
            "median_ms": round(statistics.median(values), 1),
            "max_ms": round(max(values), 1),
        }
        for name, values in times.items()
    }


def _before(store: Store) -> dict[str, float]:
    """What the tabs did before they paged (once each, same store): every article read and
    rendered into one table with every article in the dropdown; every quote read, grouped,
    filtered and tabled."""
    from ui import quotes as quotes_view
    from ui import render

    started = time.perf_counter()
    articles = store.list_articles()
    html = render.render_article_table(articles)
    choices = [render.article_choice(a) for a in articles]
    articles_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    found = store.quotes()
    quotes_view.speaker_choices(found)
    rows = quotes_view.table_rows(quotes_view.filter_quotes(found, "", ""))
    quotes_ms = (time.perf_counter() - started) * 1000
    return {
        "all_articles_one_table_ms": round(articles_ms, 1),
        "all_articles_table_kb": round((len(html) + len(str(choices))) / 1024, 1),
        "all_quotes_ms": round(quotes_ms, 1),
        "all_quotes_rows": len(rows),
    }


def _total(store: Store, query: Any) -> int:
    return store.article_page(query).total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.browse_bench", description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--store", type=Path, help="reuse (or build once into) this folder; default: a temp one"
    )
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument(
        "--browser",
        action="store_true",
        help="also time the served page in headless Chromium (/usr/bin/chromium)",
    )
    args = parser.parse_args(argv)
    folder = args.store or Path(tempfile.mkdtemp(prefix="kutip-browse-bench-"))
    try:
        return _run(args, folder, argv)
    finally:
        if args.store is None:
            shutil.rmtree(folder, ignore_errors=True)


def _run(args: argparse.Namespace, folder: Path, argv: Sequence[str] | None) -> int:
    settings = load_settings(store_dir=folder / "store", embedding="hash", llm="none")
    catalog = settings.store_dir / "collections" / settings.collection / "catalog.sqlite"
    built: dict[str, Any] = {"reused": catalog.exists()}
    if not catalog.exists():
        started = time.perf_counter()
        built["texts"] = build_catalog_store(
            settings,
            args.articles,
            args.seed,
            lambda i: print(f"built {i:,} articles", file=sys.stderr, flush=True),
        )
        built["build_s"] = round(time.perf_counter() - started, 1)
    result = {
        "command": "python -m eval.browse_bench " + " ".join(argv or sys.argv[1:]),
        "date": datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "build": built,
        **measure(settings, args.repeats),
    }
    if args.browser:
        browser = measure_browser(settings, args.repeats)
        result["browser"] = browser
        # Page load includes Gradio's own start (its scripts, the page config, the load
        # event), which no store makes faster: reported, and held to the bar separately.
        result["browser_target_met"] = all(
            v["median_ms"] < TARGET_MS
            for k, v in browser.items()
            if k != "browser_page_load_to_rows"
        )
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
