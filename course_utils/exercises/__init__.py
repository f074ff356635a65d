"""Check functions for the lessons' exercises: one module per lesson (``lesson_07``, ...).

A learner writes an answer in the exercise's answer cell and calls the lesson's check, e.g.
``exercises.check_1(layers_needed)``. A check never raises for a wrong answer (so a notebook with
unanswered exercises still runs top to bottom); it prints a verdict and, where the answer is wrong, a hint,
and returns ``True`` or ``False``. The hidden solution cell ends with ``assert exercises.check_N(...)``, and
``tests/exercises/`` runs every check against a right answer (passes) and a wrong one (fails with the hint).
"""
from __future__ import annotations

from .feedback import correct, not_answered, wrong, close_to  # noqa: F401
