"""Showing course code inside a lesson.

Code that later lessons reuse lives in ``course_utils``; the lesson that teaches it shows it with
:func:`show_source`, so the learner reads the very code that runs, and it is never pasted twice."""
from __future__ import annotations

import inspect


def show_source(*objects) -> None:
    """Display the source of functions or classes, syntax-highlighted (plain text outside Jupyter)."""
    if not objects:
        raise ValueError("show_source needs at least one function or class.")
    text = "\n\n".join(inspect.getsource(obj) for obj in objects)
    try:
        from IPython import get_ipython
        from IPython.display import Code, display

        if get_ipython() is not None:
            display(Code(text, language="python"))
            return
    except ImportError:
        pass
    print(text)
