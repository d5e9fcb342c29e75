"""The store: article catalog (SQLite), chunk/sentence vectors (Chroma), keyword index (BM25)."""

from kutip.store.store import ArticleWrite, Hit, Store, open_store

__all__ = ["ArticleWrite", "Hit", "Store", "open_store"]
