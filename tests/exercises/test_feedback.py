"""The shared verdicts of the exercise checks."""
import numpy as np

from course_utils.exercises import close_to, correct, not_answered, wrong


def test_verdicts_print_and_return(capsys):
    assert correct("well done") is True
    assert wrong("look at the batch axis") is False
    assert not_answered("set `answer`") is False
    out = capsys.readouterr().out
    assert "Correct. well done" in out and "Hint: look at the batch axis" in out and "Not answered yet" in out


def test_close_to():
    assert close_to(1.0005, 1.0)
    assert not close_to(1.1, 1.0)
    assert close_to([1.0, 2.0], np.array([1.0, 2.0]))
    assert not close_to([1.0, 2.0], [1.0, 2.0, 3.0])  # wrong shape
    assert not close_to("one", 1.0) and not close_to(None, 1.0) and not close_to(np.nan, 1.0)


def test_as_scalar():
    from course_utils.exercises.feedback import as_scalar
    assert as_scalar(3) == 3.0 and as_scalar(np.array([[2.5]])) == 2.5
    assert as_scalar(None) is None and as_scalar("4") is None and as_scalar([1, 2]) is None and as_scalar(np.inf) is None
