"""The verdicts every exercise check prints: one format, so learners learn to read it once."""
from __future__ import annotations

import numpy as np


def correct(message: str = "") -> bool:
    """Print a pass and return ``True``."""
    print("Correct." + (f" {message}" if message else ""))
    return True


def wrong(hint: str) -> bool:
    """Print a fail with a hint that says what to look at, and return ``False``."""
    print(f"Not yet. Hint: {hint}")
    return False


def not_answered(what: str) -> bool:
    """For an answer still ``None`` (the answer cell untouched): say what to fill in, return ``False``."""
    print(f"Not answered yet: {what}")
    return False


def close_to(value, expected, rtol: float = 1e-3, atol: float = 1e-6) -> bool:
    """``True`` where a number (or array) the learner gave matches the expected one within tolerance."""
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    expected = np.asarray(expected, dtype=np.float64)
    return value.shape == expected.shape and bool(np.all(np.isfinite(value))) and \
        bool(np.allclose(value, expected, rtol=rtol, atol=atol))


def as_scalar(value):
    """A finite float, or None where the answer is not a single number."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    return float(array.ravel()[0]) if array.size == 1 and np.all(np.isfinite(array)) else None


def evaluate(fn, *args):
    """Call a learner's function: ``(values as a float array, None)``, ``(None, None)`` where it returned None (the
    untouched skeleton), or ``(None, a verdict-ready description of what went wrong)``. Never raises."""
    try:
        value = fn(*args)
    except Exception as error:  # the learner's function may fail in any way: report it, do not raise
        return None, f"calling it raised {type(error).__name__}: {error}"
    if value is None:
        return None, None
    try:
        return np.asarray(value, dtype=np.float64), None
    except (TypeError, ValueError):
        return None, f"it returned {type(value).__name__}, not numbers"


def as_numbers(value):
    """A float64 array, or None where the answer is not numeric."""
    if value is None or isinstance(value, (str, bytes)):
        return None
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
