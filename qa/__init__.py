"""Question answering over the store: retrieve, select evidence, answer, check citations."""
