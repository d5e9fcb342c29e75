"""The ``kutip`` command end to end, as a user runs it (fast backends: hash embedder, no LLM)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def run(tmp_path: Path):  # type: ignore[no-untyped-def]
    env = {
        **os.environ,
        "KUTIP_STORE": str(tmp_path / "store"),
        "KUTIP_EMBEDDING": "hash",
        "KUTIP_LLM": "none",
        "KUTIP_RELEVANCE_FLOOR": "0",
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )

    return run


def test_ingest_reports_each_bad_input_and_keeps_going(run, tmp_path: Path, sample_article):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02binary")
    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "x", "text": ')
    result = run(
        "ingest",
        "-q",
        str(empty),
        str(binary),
        str(broken),
        str(tmp_path / "missing.txt"),
        str(sample_article),
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("kutip: error:")]
    assert len(errors) == 4
    for path, problem in (
        (empty, "empty"),
        (binary, "binary"),
        (broken, "invalid JSON"),
        (tmp_path / "missing.txt", "no such file"),
    ):
        assert any(str(path) in e and problem in e for e in errors), (path, errors)
    assert "added 1," in result.stdout and "failed 4" in result.stdout

    listed = json.loads(run("list", "--json").stdout)
    assert len(listed) == 1 and listed[0]["lang"] == "id"


def test_bad_input_leaves_the_store_unchanged(run, tmp_path: Path, sample_article):
    assert run("ingest", "-q", str(sample_article)).returncode == 0
    before = run("list", "--json").stdout
    bad = tmp_path / "bad.xyz"
    bad.write_text("text")
    result = run("ingest", "-q", str(bad))
    assert result.returncode == 1 and "unsupported file type '.xyz'" in result.stderr
    assert run("list", "--json").stdout == before


def test_ask_json_schema_and_delete(run, sample_article):
    run("ingest", "-q", str(sample_article))
    result = run("ask", "--json", "--no-llm", "John Kirby rencana pasukan")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"question", "answer", "refused", "citations", "related", "timings_ms"}
    assert set(data["timings_ms"]) == {"retrieve", "first_token", "total"}
    cite = data["citations"][0]
    assert set(cite) == {
        "n",
        "article_id",
        "title",
        "source",
        "sentence_index",
        "start",
        "end",
        "text",
    }
    text = sample_article.read_text(encoding="utf-8")
    assert cite["text"] in text and "[1]" in data["answer"]

    article_id = cite["article_id"]
    assert run("delete", article_id).returncode == 0
    missing = run("delete", article_id)
    assert missing.returncode == 1 and f"{article_id}: no such article" in missing.stderr
    assert json.loads(run("list", "--json").stdout) == []


def test_config_errors_are_one_line(run):
    result = run("list", "--collection", "no spaces allowed")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "collection" in result.stderr
    result = run("ask", "--embedding", "bogus", "hello")
    assert result.returncode == 2 and "unknown embedding backend 'bogus'" in result.stderr


def test_ask_format_markdown_quotes_each_cited_sentence(run, sample_article):
    from test_export import read_footnotes

    run("ingest", "-q", str(sample_article))
    question = "John Kirby rencana pasukan"
    result = run("ask", "--format", "markdown", "--no-llm", question)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"## {question}\n\n")
    data = json.loads(run("ask", "--format", "json", "--no-llm", question).stdout)
    footnotes = read_footnotes(result.stdout)
    assert sorted(footnotes) == [c["n"] for c in data["citations"]] and footnotes
    text = sample_article.read_text(encoding="utf-8")
    for c in data["citations"]:
        line, quoted = footnotes[c["n"]]
        assert quoted == c["text"] and quoted in text
        assert c["title"].split()[0] in line


def test_ask_json_flag_and_format_json_print_the_same_schema(run, sample_article):
    run("ingest", "-q", str(sample_article))
    old = json.loads(run("ask", "--json", "--no-llm", "John Kirby").stdout)
    new = json.loads(run("ask", "--format", "json", "--no-llm", "John Kirby").stdout)
    for data in (old, new):
        data.pop("timings_ms")
    assert old == new and old["citations"]


@pytest.mark.parametrize(
    ("flags", "problem"),
    [
        (["--format", "yaml"], "--format 'yaml': expected one of text, markdown, json"),
        (["--json", "--format", "markdown"], "--json contradicts --format markdown: use only one"),
    ],
)
@pytest.mark.parametrize("command", [["ask", "anything"], ["quotes"]])
def test_a_bad_format_is_one_line(run, flags, problem, command):
    result = run(command[0], *flags, *command[1:])
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.strip() == f"kutip: error: {problem}"
