"""Fuzzy comparison of one text with many, outside the interpreter lock.

rapidfuzz's `process.extract` holds the lock for the whole comparison, so every other chat's
answer waits behind a large one; `process.cdist` computes the same scores without it. The order
is extract's: best score first, then the earlier choice.
"""

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from rapidfuzz import process


def top_matches(
    query: str, choices: Sequence[str], scorer: Callable[..., float], cutoff: float, limit: int,
    processor: Callable[[str], str] | None = None,
) -> list[tuple[int, float]]:
    """(position in `choices`, score) of the best `limit` choices scoring at least `cutoff`."""
    if not choices:
        return []
    options: dict[str, Any] = {"processor": processor} if processor is not None else {}
    scores = process.cdist([query], choices, scorer=scorer, score_cutoff=cutoff, dtype=np.float64, workers=1, **options)[0]
    passing = np.flatnonzero(scores >= cutoff).tolist()
    best = sorted(passing, key=lambda index: (-scores[index], index))[:limit]
    return [(index, float(scores[index])) for index in best]
