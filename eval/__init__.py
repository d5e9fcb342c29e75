"""Evaluation and benchmarks (``kutip eval``, ``kutip bench``) over the same library the chat uses.

Submodules, each small and importable on its own:

- ``eval.datasets``: SQuAD v2 JSON, BEIR folders and the user JSONL format -> one ``EvalSet``;
- ``eval.targets``: gold answers and evidence mapped onto the stored (cleaned) sentences;
- ``eval.metrics``: normalisation, answer matching, retrieval, citation and significance metrics;
- ``eval.baselines``: the ``bm25`` and ``naive`` systems kutip is compared with;
- ``eval.runner``: ``run_eval`` builds the index, runs every system, returns the JSON record;
- ``eval.report``: terminal table and Markdown report with plots;
- ``eval.summary``: ``summary.json``, a run's headline numbers with date and machine;
- ``eval.publish``: the README results table and ``docs/results.md``, from the summaries;
- ``eval.bench``: ``run_bench`` ingest/query/answer speed;
- ``eval.cli``: the flags and printing ``cli/main.py`` wires in as ``kutip eval``/``kutip bench``.
"""
