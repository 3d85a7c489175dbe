"""Quick mode, seeds, paths and the run record shared by every notebook.

Quick mode is switched on by the environment variable ``QUICK`` (``QUICK=1``);
``make test`` and ``.ci/run`` set it. It only changes sizes and epochs,
through :func:`epochs` and :func:`size`, so a notebook runs the same code in
both modes.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import numbers
import os
import platform
import random
import sys
import time
from pathlib import Path

import numpy as np

# Quieten TensorFlow's C++ log before anything imports TensorFlow: it prints spurious lines (CUDA probing,
# "NodeDef mentions attribute use_unbounded_threadpool") into notebooks; real errors still raise in Python.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: Where the course lives on GitHub. Change it for a fork with
#: ``make fork REPO=you/your-fork`` (rewrites badges and setup cells too).
REPO_SLUG = "dl-course/deep-learning-notebooks"
REPO_URL = f"https://github.com/{REPO_SLUG}"

ROOT = Path(__file__).resolve().parent.parent
SEED = 42
_TRUE_WORDS = {"1", "true", "yes", "on"}

_state = {"start": None, "notebook": None}


def quick_mode() -> bool:
    """Return True when the environment variable ``QUICK`` asks for quick mode.

    Example:
        >>> os.environ["QUICK"] = "1"; quick_mode()
        True
    """
    return os.environ.get("QUICK", "").strip().lower() in _TRUE_WORDS


QUICK = quick_mode()


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value) or value < 1:
        raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


def size(full: int, quick: int) -> int:
    """Pick a size for the current mode: ``full`` normally, ``quick`` in quick mode.

    Both must be positive whole numbers and ``quick`` may not exceed ``full``.

    Example:
        >>> N_TRAIN = size(full=60_000, quick=5_000)
    """
    full = _positive_int("full", full)
    quick = _positive_int("quick", quick)
    if quick > full:
        raise ValueError(f"quick ({quick}) should not be larger than full ({full})")
    return quick if quick_mode() else full


def epochs(full: int, quick: int) -> int:
    """Pick a number of epochs for the current mode (same rules as :func:`size`).

    Example:
        >>> EPOCHS = epochs(full=15, quick=2)
    """
    return size(full=full, quick=quick)


@contextlib.contextmanager
def _quiet_native_stderr():
    """Hide TensorFlow's C++ start-up messages (CUDA probing), which bypass Python's logging."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def seed_everything(seed: int = SEED) -> None:
    """Seed Python, NumPy and Keras/TensorFlow, and make TensorFlow ops deterministic.

    Example:
        >>> seed_everything(0)
    """
    import keras
    import tensorflow as tf

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    random.seed(seed)
    keras.utils.set_random_seed(seed)  # also seeds NumPy and TensorFlow
    tf.config.experimental.enable_op_determinism()


def device_name() -> str:
    """Describe the device TensorFlow computes on, for example ``"CPU (2 cores)"``.

    Example:
        >>> device_name().startswith(("CPU", "GPU"))
        True
    """
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        return f"GPU ({details.get('device_name', gpus[0].name)})"
    return f"CPU ({os.cpu_count()} cores)"


def scratch_dir(name: str | None = None) -> Path:
    """Return (and create) the folder a notebook may write to: ``build/scratch/<name>``.

    ``name`` defaults to the notebook given to :func:`setup`. Nothing a notebook
    writes should land anywhere else.

    Example:
        >>> path = scratch_dir("01_perceptron") / "model.keras"
    """
    name = name or _state["notebook"]
    if not name or not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"scratch_dir needs a plain folder name (the notebook's), got {name!r}")
    path = ROOT / "build" / "scratch" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def setup(notebook: str, seed: int = SEED) -> None:
    """Prepare a notebook: seeds, deterministic ops, plot style, and a one-line report.

    Prints the TensorFlow and Keras versions, the device and the mode, and
    starts the clock that :func:`record_results` reads.

    Example:
        >>> setup("00_tensorflow_basics")
        TensorFlow 2.21.0 | Keras 3.15.1 | CPU (2 cores) | full mode | seed 42
    """
    if not isinstance(notebook, str) or not notebook:
        raise ValueError(f"setup needs the notebook's name, like '01_perceptron', got {notebook!r}")
    with _quiet_native_stderr():
        import keras
        import matplotlib.pyplot as plt
        import tensorflow as tf

        seed_everything(seed)
        device = device_name()
    plt.rcParams.update(
        {
            "figure.figsize": (6.4, 4.0),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 11,
        }
    )
    _state.update(start=time.perf_counter(), notebook=notebook)
    mode = "quick" if quick_mode() else "full"
    print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | {device} | {mode} mode | seed {seed}")


def record_results(metrics: dict) -> None:
    """Save this run's headline metrics, minutes, device and versions for ``RESULTS.md``.

    Call it once at the end of a notebook, after :func:`setup`. The file goes to
    ``build/results/<notebook>.<mode>.json``; ``make run`` collects the
    full-mode files into ``RESULTS.md``.

    Example:
        >>> record_results({"test accuracy": 0.97})
    """
    import keras
    import sklearn
    import tensorflow as tf

    if _state["start"] is None:
        raise RuntimeError("call utils.setup('<notebook name>') before record_results")
    if not isinstance(metrics, dict) or not metrics:
        raise ValueError(f"metrics must be a non-empty dict of name -> number, got {metrics!r}")
    clean = {}
    for key, value in metrics.items():
        if not isinstance(key, str) or isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise ValueError(f"metric {key!r} must be a number with a text name, got {value!r}")
        clean[key] = float(value)
    record = {
        "notebook": _state["notebook"],
        "mode": "quick" if quick_mode() else "full",
        "metrics": clean,
        "minutes": round((time.perf_counter() - _state["start"]) / 60, 2),
        "date": _dt.date.today().isoformat(),
        "device": device_name(),
        "versions": {"python": platform.python_version(), "tensorflow": tf.__version__,
                     "keras": keras.__version__, "scikit-learn": sklearn.__version__},
    }
    folder = ROOT / "build" / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record['notebook']}.{record['mode']}.json"
    path.write_text(json.dumps(record, indent=2))
    shown = ", ".join(f"{k} = {v:.4g}" for k, v in clean.items())
    print(f"Recorded for RESULTS.md ({record['mode']} mode, {record['minutes']:.1f} min): {shown}")
