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


def test_cpu_features_are_read_from_the_flags_not_assumed():
    from course_utils import environment

    with_amx = "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f amx_bf16 amx_tile\n"
    without = "processor\t: 0\nflags\t\t: fpu sse2 avx2\n"
    assert environment.cpu_features(with_amx) == {"AVX2": True, "AVX-512": True, "AVX512-BF16": False, "AMX-BF16": True}
    assert environment.native_bfloat16(environment.cpu_features(with_amx)) is True
    assert environment.native_bfloat16(environment.cpu_features(without)) is False
    assert environment.cpu_features("no flags line here") is None and environment.native_bfloat16(None) in (True, False, None)


def test_the_device_line_says_where_the_models_train():
    assert environment.device_line(gpus=["NVIDIA H200"], colab=False).startswith("device: the GPU (NVIDIA H200)")
    cpu = environment.device_line(gpus=[], colab=False)
    assert cpu.startswith("device: the CPU") and "no GPU found" in cpu and "Colab" not in cpu
    assert "Runtime > Change runtime type > GPU" in environment.device_line(gpus=[], colab=True)
    import tensorflow as tf

    here = environment.device_line()                        # this machine, read from TensorFlow
    assert here.startswith("device: the GPU" if tf.config.list_physical_devices("GPU") else "device: the CPU")


def test_the_load_average_is_three_numbers_or_none_where_the_system_has_none(monkeypatch):
    load = environment.load_average()
    assert load is None or (len(load) == 3 and all(isinstance(x, float) and x >= 0 for x in load))
    import builtins
    real_open = builtins.open
    monkeypatch.setattr(builtins, "open", lambda path, *a, **k: (_ for _ in ()).throw(FileNotFoundError(path))
                        if path == "/proc/loadavg" else real_open(path, *a, **k))
    assert environment.load_average() is None        # macOS, Windows: no /proc/loadavg
