"""What a lesson's setup cell reports: where it runs, with which versions, on which hardware."""
from __future__ import annotations

import os
import platform
import sys

# The versions the course is tested with (requirements.txt); older Keras 2 is not supported.
MIN_VERSIONS = {"tensorflow": (2, 16), "keras": (3, 0)}


def on_colab() -> bool:
    return "google.colab" in sys.modules


def _version_tuple(text: str) -> tuple[int, int]:
    major, minor = (text.split(".") + ["0"])[:2]
    return int(major), int("".join(ch for ch in minor if ch.isdigit()) or 0)


def check_versions(versions: dict[str, str]) -> None:
    """Raise a clear error if a package is older than the course supports (e.g. Keras 2)."""
    for name, minimum in MIN_VERSIONS.items():
        if name in versions and _version_tuple(versions[name]) < minimum:
            raise RuntimeError(f"{name} {versions[name]} is too old: the course needs {name} >= "
                               f"{'.'.join(map(str, minimum))}. Run `make lab` (local) or restart the Colab runtime.")


CPU_FEATURES = {"avx2": "AVX2", "avx512f": "AVX-512", "avx512_bf16": "AVX512-BF16", "amx_bf16": "AMX-BF16"}


def cpu_features(cpuinfo: str | None = None) -> dict | None:
    """Which of the instruction sets that matter for training speed this CPU has (``CPU_FEATURES``: AVX2, AVX-512 and
    the two with native bfloat16 arithmetic), read from Linux's ``/proc/cpuinfo`` (or the text ``cpuinfo``);
    ``None`` where that cannot be read (macOS, Windows). Lesson 16 uses it instead of assuming what the CPU has."""
    if cpuinfo is None:
        try:
            cpuinfo = open("/proc/cpuinfo").read()
        except OSError:
            return None
    flags = next((line.split(":", 1)[1].split() for line in cpuinfo.splitlines() if line.startswith("flags")), None)
    if flags is None:
        return None
    return {name: flag in flags for flag, name in CPU_FEATURES.items()}


def native_bfloat16(features: dict | None = None) -> bool | None:
    """True when the CPU computes in bfloat16 natively (AVX512-BF16 or AMX-BF16), False when not, None when unknown."""
    features = cpu_features() if features is None else features
    return None if features is None else bool(features["AVX512-BF16"] or features["AMX-BF16"])


def device_line(gpus=None, colab: bool | None = None) -> str:
    """One sentence for a lesson's setup cell: where its models will train, and what that means for the time.

    TensorFlow puts every model on a GPU by itself when it finds one, so the lessons run unchanged there and their
    time budgets buy more steps; the quality checks are judged against the steps made (``training.judge_claim``).
    ``gpus`` (names) and ``colab`` are for tests; by default they are read from TensorFlow and the runtime."""
    if gpus is None:
        import tensorflow as tf

        gpus = []
        for device in tf.config.list_physical_devices("GPU"):
            details = tf.config.experimental.get_device_details(device) or {}
            gpus.append(details.get("device_name") or device.name)
    colab = on_colab() if colab is None else colab
    if gpus:
        return (f"device: the GPU ({', '.join(gpus)}); TensorFlow places the models there by itself, and the lessons' "
                "time budgets buy more training steps than on a CPU")
    hint = " (on Colab: Runtime > Change runtime type > GPU, then run the lesson again)" if colab else ""
    return f"device: the CPU, {os.cpu_count()} cores; no GPU found{hint}"


def describe() -> dict:
    """Versions, devices and run mode, as a dict (printed by lesson 00)."""
    import keras
    import matplotlib
    import numpy as np
    import tensorflow as tf

    from .training import run_mode

    info = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras backend": keras.backend.backend(),
        "numpy": np.__version__,
        "matplotlib": matplotlib.__version__,
        "where": "Colab" if on_colab() else "local",
        "CPU cores": os.cpu_count(),
        "GPUs": [d.name for d in tf.config.list_physical_devices("GPU")],
        "CPU features": ", ".join(k for k, v in (cpu_features() or {}).items() if v) or "unknown",
        "run mode": run_mode(),
    }
    check_versions(info)
    return info


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages, or None where the system does not report them (macOS, Windows). The lessons
    that time something print it beside their measurements; the timing script and the site's build page record it."""
    try:
        with open("/proc/loadavg") as file:
            return [float(x) for x in file.read().split()[:3]]
    except OSError:
        return None
