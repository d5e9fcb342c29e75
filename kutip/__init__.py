"""kutip core: configuration, the store, model loading, sentence and token utilities.

This package is the one place both ``ingest`` and ``qa`` depend on; it imports neither of them
(nor ``ui``, ``eval`` or ``cli``), so data keeps flowing one way: sources -> ingest -> store -> qa.
"""

__version__ = "0.1.0"
