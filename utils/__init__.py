"""The course's shared helpers: set-up, quick mode, data loaders and plots.

A notebook starts with ``utils.setup("<notebook name>")`` and then uses, for example::

    EPOCHS = utils.epochs(full=15, quick=2)
    (x_train, y_train), (x_test, y_test), class_names = utils.load_fashion_mnist()
    utils.plot_history(history)
"""

from .config import (
    QUICK,
    REPO_SLUG,
    REPO_URL,
    ROOT,
    SEED,
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
    "CLASS_NAMES", "QUICK", "REPO_SLUG", "REPO_URL", "ROOT", "SEED", "DataUnavailableError", "device_name",
    "epochs", "imdb_dir", "keras_home", "load_cifar10", "load_dataset", "load_digits", "load_fashion_mnist",
    "load_imdb", "load_mnist", "load_mobilenet", "plot_confusion_matrix", "plot_decision_boundary",
    "plot_history", "quick_mode", "record_results", "scratch_dir", "seed_everything", "setup", "show_images",
    "size", "stratified_subset",
]
