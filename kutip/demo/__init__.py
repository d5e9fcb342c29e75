"""The bundled demo corpus: one Indonesian news article (Purna Warta, dateline Baghdad).

Shipped inside the package so the first command works offline on a fresh machine.
"""

from __future__ import annotations

from pathlib import Path

EXAMPLE_QUESTIONS = [
    "who denied ground troop plans?",
    "How many US troops were deployed to Iraq?",
    "How many Palestinians has Israel killed, according to the Gaza health ministry?",
    "Siapa yang membantah rencana pasukan darat?",
]


def sample_article_path() -> Path:
    """Path of the bundled sample article."""
    return Path(__file__).with_name("purnawarta-us-troops-iraq-gaza.id.txt")
