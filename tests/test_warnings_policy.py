"""Deprecation warnings fail the tests (pyproject.toml, filterwarnings): they announce the next Keras, TensorFlow or
NumPy break, and a test suite that hides them learns of it only when the break comes."""
import warnings

import pytest


@pytest.mark.parametrize("category", [DeprecationWarning, PendingDeprecationWarning, FutureWarning])
def test_a_deprecation_warning_is_an_error(category):
    with pytest.raises(category):
        warnings.warn("this helper is going away", category)


def test_the_named_keras_exception_covers_only_that_warning_from_that_module():
    text = "__array__ implementation doesn't accept a copy keyword, so passing copy=False failed."
    with pytest.raises(DeprecationWarning):   # the same words from anywhere but Keras's core module still fail
        warnings.warn(text, DeprecationWarning)
    warnings.warn_explicit(text, DeprecationWarning, "core.py", 172, module="keras.src.backend.tensorflow.core")
