import pytest

from course_utils import environment


def test_describe_reports_keras3_on_tensorflow(monkeypatch):
    monkeypatch.setenv("COURSE_MODE", "quick")
    info = environment.describe()
    assert info["keras backend"] == "tensorflow"
    assert info["keras"].startswith("3.")
    assert info["run mode"] == "quick" and info["where"] == "local"


def test_old_keras_is_refused():
    with pytest.raises(RuntimeError, match="keras 2.15.0 is too old"):
        environment.check_versions({"keras": "2.15.0", "tensorflow": "2.21.0"})
    environment.check_versions({"keras": "3.15.1", "tensorflow": "2.21.0"})
