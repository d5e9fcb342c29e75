"""Ingest: turn files, folders, URLs and feeds into stored, sentence-addressable articles.

``ingest.sources`` loads raw articles, ``ingest.clean`` drops lines that are not article content,
and the pipeline segments, chunks and stores them. Ingest depends on ``kutip`` only, never on
``qa``, so question answering can be replaced without touching how articles get in.
"""
