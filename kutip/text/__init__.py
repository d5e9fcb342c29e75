"""Text utilities every layer shares: sentence offsets, token counts, language detection.

They live in the core (not in ``ingest``) because question answering needs the same sentence
boundaries and token counts that ingest used, or citations and budgets would drift apart.
Importing this package is cheap: tiktoken is loaded on the first token count, not here.
"""

from kutip.text.lang import detect_language
from kutip.text.sentences import Span, split_sentences
from kutip.text.tokens import count_tokens, encoding, truncate_to_tokens

__all__ = [
    "Span",
    "count_tokens",
    "detect_language",
    "encoding",
    "split_sentences",
    "truncate_to_tokens",
]
