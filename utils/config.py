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
import math
import numbers
import os
import platform
import random
import re
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
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")

#: The oldest TensorFlow / Keras pair the course supports (Colab's runtime when this was written).
MIN_VERSIONS = {"tensorflow": (2, 20), "keras": (3, 13)}

_state = {"start": None, "notebook": None}


def quick_mode() -> bool:
    """Return True when the environment variable ``QUICK`` asks for quick mode.

    Example:
        >>> os.environ["QUICK"] = "1"; quick_mode()
        True
    """
    return os.environ.get("QUICK", "").strip().lower() in _TRUE_WORDS


def __getattr__(name: str):
    # ``QUICK`` is computed on every access, so it always agrees with quick_mode() and the environment.
    if name == "QUICK":
        return quick_mode()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def check_int(name: str, value, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` if it is a whole number >= ``minimum``, else raise naming ``name``.

    Python and NumPy integers are accepted; ``bool``, floats (even ``2.0``) and
    strings raise ``TypeError``; a value below ``minimum`` raises ``ValueError``.

    Example:
        >>> check_int("epochs", np.int64(3))
        3
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a whole number (an int), got {type(value).__name__} {value!r}")
    if value < minimum:
        kind = "a positive whole number" if minimum == 1 else f"a whole number >= {minimum}"
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    return int(value)


def check_positive_int(name: str, value) -> int:
    """:func:`check_int` with ``minimum=1``: the one check for sizes, counts and epochs."""
    return check_int(name, value, minimum=1)


def check_bool(name: str, value) -> bool:
    """Return ``value`` if it is a ``bool`` (or NumPy bool), else raise ``TypeError`` naming ``name``."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def check_notebook_name(value, what: str = "notebook") -> str:
    """Return ``value`` if it is a plain folder name such as ``"01_perceptron"``, else raise.

    Used by :func:`setup` and :func:`scratch_dir`, so nothing a notebook writes
    can land outside ``build/``.
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a plain folder name (the notebook's name, like '01_perceptron'), "
                        f"got {type(value).__name__} {value!r}")
    if not _PLAIN_NAME.fullmatch(value):
        raise ValueError(f"{what} must be a plain folder name (the notebook's name, like '01_perceptron'): "
                         f"letters, digits, '_', '-' and '.', not starting with '.', got {value!r}")
    return value


def size(full: int, quick: int) -> int:
    """Pick a size for the current mode: ``full`` normally, ``quick`` in quick mode.

    Both must be positive whole numbers and ``quick`` may not exceed ``full``.

    Example:
        >>> N_TRAIN = size(full=60_000, quick=5_000)
    """
    full = check_positive_int("full", full)
    quick = check_positive_int("quick", quick)
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
    """Hide what C++ code writes straight to stderr (TensorFlow's CUDA probing, LiteRT's log lines)."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def seed_everything(seed: int = SEED) -> str:
    """Seed Python, NumPy and Keras/TensorFlow, and make TensorFlow ops deterministic where that is safe.

    On a CPU, op determinism is switched on (same numbers on every run). On a
    GPU it is left off: with it, TensorFlow raises ``UnimplementedError`` for
    the ops that have no deterministic GPU kernel (for example the backprop of
    ``ResizeNearestNeighbor``, ``CropAndResize``, a fused batch norm with
    training disabled, ``AdjustContrast``, ``SparseTensorDenseMatMul`` and
    some segment reductions), so a notebook could crash in the middle. Runs on
    a GPU are seeded but may differ in the last digits. Returns what it chose,
    for the report line of :func:`setup`.

    Example:
        >>> seed_everything(0)
        'deterministic ops'
    """
    import keras
    import tensorflow as tf

    seed = check_int("seed", seed, minimum=0)
    random.seed(seed)
    keras.utils.set_random_seed(seed)  # also seeds NumPy and TensorFlow
    if _gpu_count():
        return "GPU ops not deterministic (seeded)"
    tf.config.experimental.enable_op_determinism()
    return "deterministic ops"


def _gpu_count() -> int:
    import tensorflow as tf

    return len(tf.config.list_physical_devices("GPU"))


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


def _version_tuple(text: str) -> tuple[int, int]:
    found = re.match(r"(\d+)\.(\d+)", str(text))
    return (int(found[1]), int(found[2])) if found else (0, 0)


def check_versions(tensorflow_version: str, keras_version: str) -> None:
    """Raise ``RuntimeError`` (one sentence) if TensorFlow or Keras is older than :data:`MIN_VERSIONS`.

    Example:
        >>> check_versions("2.21.0", "3.15.1")
    """
    old = [f"{name} {version}" for name, version in (("TensorFlow", tensorflow_version), ("Keras", keras_version))
           if _version_tuple(version) < MIN_VERSIONS[name.lower()]]
    if old:
        need = " and ".join(f"{name} {'.'.join(map(str, MIN_VERSIONS[name.lower()]))}"
                            for name in ("TensorFlow", "Keras"))
        raise RuntimeError(f"This course needs at least {need} but found {' and '.join(old)}: run `make setup` "
                           "(or `pip install -r requirements.txt`), or on Colab use the current runtime.")


def scratch_dir(name: str | None = None) -> Path:
    """Return (and create) the folder a notebook may write to: ``build/scratch/<name>``.

    ``name`` defaults to the notebook given to :func:`setup`. Nothing a notebook
    writes should land anywhere else.

    Example:
        >>> path = scratch_dir("01_perceptron") / "model.keras"
    """
    if name is None:
        name = _state["notebook"]
        if name is None:
            raise RuntimeError("call utils.setup('<notebook name>') first, or pass scratch_dir a name")
    name = check_notebook_name(name, "scratch_dir's name")
    path = ROOT / "build" / "scratch" / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def setup(notebook: str, seed: int = SEED, quick: bool = False) -> None:
    """Prepare a notebook: seeds, deterministic ops, plot style, and a one-line report.

    ``quick=True`` (the setup cell's Colab checkbox) switches quick mode on for
    this process by setting the environment variable ``QUICK=1``, so every
    helper agrees; ``quick=False`` leaves the environment variable in charge
    (``QUICK=1 make test`` still gives quick mode). Fails at once, in one
    sentence, on a TensorFlow or Keras older than :data:`MIN_VERSIONS`.

    Prints the TensorFlow and Keras versions, the device, the mode, the seed and
    what was chosen about deterministic ops, and starts the clock that
    :func:`record_results` reads.

    Example:
        >>> setup("00_tensorflow_basics")
        TensorFlow 2.21.0 | Keras 3.15.1 | CPU (2 cores) | full mode | seed 42 | deterministic ops
    """
    notebook = check_notebook_name(notebook, "setup's notebook")
    seed = check_int("seed", seed, minimum=0)
    quick = check_bool("quick", quick)
    if quick:  # the setup cell's QUICK switch; False leaves the environment variable in charge
        os.environ["QUICK"] = "1"
    with _quiet_native_stderr():
        import keras
        import matplotlib.pyplot as plt
        import tensorflow as tf

        check_versions(tf.__version__, keras.__version__)
        determinism = seed_everything(seed)
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
    print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | {device} | {mode} mode | seed {seed} "
          f"| {determinism}")


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
    if not isinstance(metrics, dict):
        raise TypeError(f"metrics must be a dict of name -> number, got {type(metrics).__name__} {metrics!r}")
    if not metrics:
        raise ValueError("metrics must hold at least one metric, got an empty dict")
    clean = {}
    for key, value in metrics.items():
        if not isinstance(key, str) or not key.strip():
            raise TypeError(f"metric names must be non-empty text, got {key!r}")
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise TypeError(f"metric {key!r} must be a number, got {type(value).__name__} {value!r}")
        if not math.isfinite(value):
            raise ValueError(f"metric {key!r} must be a finite number, got {value!r} (did training diverge?)")
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
