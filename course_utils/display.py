"""Showing things inside a lesson: the course's own code, and figures that widgets redraw.

Code that later lessons reuse lives in ``course_utils``; the lesson that teaches it shows it with
:func:`show_source`, so the learner reads the very code that runs, and it is never pasted twice.

:func:`interactive_figure` is the one way the lessons put sliders and menus next to a figure."""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Callable, Mapping

from IPython.display import display


def show_source(*objects) -> None:
    """Display the source of functions or classes, syntax-highlighted (plain text outside Jupyter)."""
    if not objects:
        raise ValueError("show_source needs at least one function or class.")
    text = "\n\n".join(inspect.getsource(obj) for obj in objects)
    try:
        from IPython import get_ipython
        from IPython.display import Code

        if get_ipython() is not None:
            display(Code(text, language="python"))
            return
    except ImportError:
        pass
    print(text)


def interactive_figure(draw: Callable[..., Any], controls: Mapping[str, Any], save_to: str | Path | None = None):
    """Show widget ``controls`` above the figure ``draw`` makes, and redraw it whenever a control changes.

    ``draw(**values)`` is called with each control's current ``value`` under its name in ``controls`` and returns
    a matplotlib figure, or a pair ``(figure, result)``. It is drawn once at once (so a notebook run, CI included,
    exercises it), then again on every change. ``save_to`` also saves each drawing as a PNG. Returns the first
    drawing's ``result`` (the figure itself when ``draw`` returns only a figure).

    The figure is an ordinary image output with a display id, replaced in place (``DisplayHandle.update``);
    it is not captured in an ipywidgets ``Output`` widget. That choice is deliberate: notebook runners built on
    nbclient (``jupyter nbconvert --execute``, the course's load-mode test, site builders) imitate an ``Output``
    widget by sending its contents back to the kernel on the channel they are reading the cell's reply from, and
    then sometimes miss that reply until the cell's timeout: the run stalls with an idle kernel
    (jupyter/nbclient#312; measured in course issue 13). A plain output also stays visible as a still image in a
    notebook saved with its outputs, where a widget would need its JavaScript.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if not controls:
        raise ValueError("interactive_figure needs at least one control, e.g. {'seed': widgets.IntSlider()}.")
    for name, control in controls.items():
        if not isinstance(control, widgets.ValueWidget):
            raise TypeError(f"control {name!r} is a {type(control).__name__}, not an ipywidgets control with a value "
                            "(IntSlider, FloatSlider, Dropdown, ...).")
    if not callable(draw):
        raise TypeError(f"draw must be a function that returns a matplotlib figure, got {type(draw).__name__}.")

    def render():
        drawn = draw(**{name: control.value for name, control in controls.items()})
        figure, result = drawn if isinstance(drawn, tuple) and len(drawn) == 2 else (drawn, drawn)
        if not isinstance(figure, Figure):
            raise TypeError(f"draw must return a matplotlib figure or (figure, result), got {type(figure).__name__}.")
        if save_to is not None:
            figure.savefig(save_to, dpi=90)
        plt.close(figure)   # shown through the display handle only, not again at the end of the cell
        return figure, result

    figure, result = render()
    display(widgets.HBox(list(controls.values())))
    handle = display(figure, display_id=True)

    def redraw(change=None):
        handle.update(render()[0])

    for control in controls.values():
        control.observe(redraw, names="value")
    return result
