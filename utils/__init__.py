"""The course's shared helpers: set-up, quick mode, data loaders and plots.

A notebook starts with ``utils.setup("<notebook name>", quick=QUICK)`` and then uses, for example::

    EPOCHS = utils.epochs(full=15, quick=2)
    (x_train, y_train), (x_test, y_test), class_names = utils.load_fashion_mnist()
    utils.plot_history(history)
"""

from .config import (
    MIN_VERSIONS,
    REPO_SLUG,
    REPO_URL,
    ROOT,
    SEED,
    check_int,
    check_positive_int,
    device_name,
    epochs,
    quick_mode,
    record_results,
    scratch_dir,
    seed_everything,
    setup,
    size,
)
from .data import (
    CLASS_NAMES,
    DataUnavailableError,
    imdb_dir,
    keras_home,
    load_cifar10,
    load_dataset,
    load_digits,
    load_fashion_mnist,
    load_imdb,
    load_mnist,
    load_mobilenet,
    stratified_subset,
)
from .plots import plot_confusion_matrix, plot_decision_boundary, plot_history, show_images

__all__ = [
    "CLASS_NAMES", "MIN_VERSIONS", "QUICK", "REPO_SLUG", "REPO_URL", "ROOT", "SEED", "DataUnavailableError",
    "check_int", "check_positive_int", "device_name", "epochs", "imdb_dir", "keras_home", "load_cifar10",
    "load_dataset", "load_digits", "load_fashion_mnist", "load_imdb", "load_mnist", "load_mobilenet",
    "plot_confusion_matrix", "plot_decision_boundary", "plot_history", "quick_mode", "record_results",
    "scratch_dir", "seed_everything", "setup", "show_images", "size", "stratified_subset",
]


def __getattr__(name: str):
    # ``utils.QUICK`` is read fresh on every access (the notebooks' Checks cells use it), so it always agrees
    # with utils.quick_mode(), the QUICK environment variable and utils.setup(..., quick=True).
    if name == "QUICK":
        return quick_mode()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
