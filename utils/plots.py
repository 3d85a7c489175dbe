"""Plot helpers: training curves, image grids, confusion matrices, decision boundaries.

Each helper validates its inputs, draws with matplotlib and returns the
figure, so a notebook can save it or add to it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def _as_history(run):
    history = getattr(run, "history", run)
    if not isinstance(history, dict) or not history:
        raise ValueError("expected a keras History (what fit returns) or a dict of metric name -> list of "
                         f"values, got {type(run).__name__}")
    return history


def plot_history(runs, metrics=None, title=None):
    """Plot loss and metric curves of one or several training runs, train solid, validation dashed.

    ``runs`` is what ``model.fit`` returns (a ``History``), its ``.history``
    dict, or a dict ``{"run name": History, ...}`` to compare runs.
    ``metrics`` defaults to every metric of the first run (``loss`` first).

    Example:
        >>> history = model.fit(x, y, validation_split=0.2, epochs=5, verbose=0)
        >>> fig = plot_history(history)
        >>> fig = plot_history({"SGD": h_sgd, "Adam": h_adam}, metrics=["loss"])
    """
    if isinstance(runs, dict) and runs and all(not isinstance(v, list | tuple | np.ndarray) for v in runs.values()):
        named = {str(name): _as_history(run) for name, run in runs.items()}
    else:
        named = {"": _as_history(runs)}
    first = next(iter(named.values()))
    if metrics is None:
        metrics = [m for m in first if not m.startswith("val_") and m not in ("learning_rate", "lr")]
    if isinstance(metrics, str):
        metrics = [metrics]
    for name, history in named.items():
        missing = [m for m in metrics if m not in history]
        if missing:
            raise ValueError(f"run {name or '(single)'} has no metric {missing}; it has {sorted(history)}")
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.6 * len(metrics), 3.4), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        for i, (name, history) in enumerate(named.items()):
            color = f"C{i}"
            epochs = np.arange(1, len(history[metric]) + 1)
            ax.plot(epochs, history[metric], color=color, label=f"{name} train".strip())
            if f"val_{metric}" in history:
                ax.plot(epochs, history[f"val_{metric}"], color=color, linestyle="--",
                        label=f"{name} validation".strip())
        ax.set_xlabel("epoch")
        ax.set_title(metric)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_images(images, labels=None, predictions=None, class_names=None, ncols=8, cmap="gray"):
    """Show a grid of images with their labels, and predictions in green (right) or red (wrong).

    ``images`` has shape (N, H, W) or (N, H, W, 1 or 3); integers 0..255 or
    floats. ``labels`` and ``predictions`` are integer class ids of length N.

    Example:
        >>> fig = show_images(x_test[:16], y_test[:16], predictions=y_pred[:16], class_names=class_names)
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim not in (3, 4) or (images.ndim == 4 and images.shape[-1] != 3) or len(images) == 0:
        raise ValueError("images must have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3) with N > 0, "
                         f"got {images.shape}; reshape flat vectors first, e.g. x.reshape(-1, 8, 8)")
    n = len(images)
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} must have one entry per image ({n}), got {len(values)}")
    if predictions is not None and labels is None:
        raise ValueError("predictions need labels to be compared with")
    if not isinstance(ncols, int) or ncols < 1:
        raise ValueError(f"ncols must be a positive int, got {ncols!r}")

    def name_of(k):
        k = int(k)
        if class_names is None:
            return str(k)
        if not 0 <= k < len(class_names):
            raise ValueError(f"label {k} has no entry in class_names (which has {len(class_names)})")
        return class_names[k]

    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.5 * ncols, 1.7 * nrows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        image = images[i]
        if image.ndim == 3 and image.dtype != np.uint8:
            image = np.clip(image, 0, 255 if image.max() > 1.0 else 1.0)
            image = image / 255.0 if image.max() > 1.0 else image
        ax.imshow(image, cmap=cmap if image.ndim == 2 else None)
        if labels is not None and predictions is None:
            ax.set_title(name_of(labels[i]), fontsize=8)
        elif labels is not None:
            right = int(predictions[i]) == int(labels[i])
            text = name_of(predictions[i]) if right else f"{name_of(predictions[i])}\n(true: {name_of(labels[i])})"
            ax.set_title(text, fontsize=8, color="green" if right else "red")
    fig.tight_layout()
    return fig


def plot_confusion_matrix(y_true, y_pred, class_names=None, normalize=False):
    """Draw the confusion matrix (rows: true class, columns: predicted class).

    ``normalize=True`` shows each row as fractions (the recall of each class on
    the diagonal). Returns the figure; the counts are in ``fig.confusion_matrix``.

    Example:
        >>> fig = plot_confusion_matrix(y_test, model.predict(x_test).argmax(1), class_names)
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    y_true, y_pred = np.asarray(y_true).reshape(-1), np.asarray(y_pred)
    if y_pred.ndim != 1:
        raise ValueError(f"y_pred must hold class ids of shape (N,), got {y_pred.shape}; "
                         "take probs.argmax(axis=1) first")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred must have the same length, got {len(y_true)} and {len(y_pred)}")
    labels = None
    if class_names is not None:
        labels = np.arange(len(class_names))
        top = int(max(y_true.max(), y_pred.max()))
        if top >= len(class_names):
            raise ValueError(f"class id {top} has no name: class_names has {len(class_names)} entries")
    size = 1.6 + 0.55 * (len(class_names) if class_names is not None else len(np.unique(y_true)))
    fig, ax = plt.subplots(figsize=(size, size))
    display = ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, labels=labels, display_labels=class_names, normalize="true" if normalize else None,
        values_format=".2f" if normalize else "d", cmap="Blues", colorbar=False, ax=ax,
        xticks_rotation=45 if class_names is not None and max(map(len, class_names)) > 3 else "horizontal")
    ax.grid(False)
    fig.tight_layout()
    fig.confusion_matrix = display.confusion_matrix
    return fig


def plot_decision_boundary(model, x, y, ax=None, resolution=200, title=None):
    """Colour the plane by a 2-D classifier's prediction and draw the samples on top.

    ``model`` is a Keras model, a scikit-learn classifier, or any function
    mapping an (M, 2) array to probabilities (M,) / (M, 1) for two classes or
    (M, K) for K classes. ``x`` is (N, 2) and ``y`` (N,) integer labels.

    Example:
        >>> fig = plot_decision_boundary(model, x, y, title="2 hidden neurons")
    """
    x, y = np.asarray(x, dtype="float32"), np.asarray(y).reshape(-1)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (N, 2) (two features to draw), got {x.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    if not isinstance(resolution, int) or resolution < 10:
        raise ValueError(f"resolution must be an int >= 10, got {resolution!r}")
    pad = 0.1 * (x.max(axis=0) - x.min(axis=0)) + 1e-6
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[g0.ravel(), g1.ravel()].astype("float32")
    if hasattr(model, "predict_proba"):
        scores = model.predict_proba(grid)
    elif hasattr(model, "predict") and hasattr(model, "layers"):
        scores = model.predict(grid, verbose=0, batch_size=4096)
    elif callable(model):
        scores = model(grid)
    else:
        raise ValueError(f"model must be a Keras model, a scikit-learn classifier or a function, got {model!r}")
    scores = np.asarray(scores)
    if scores.ndim == 2 and scores.shape[1] == 2 and hasattr(model, "predict_proba"):
        scores = scores[:, 1]
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if ax is None:
        fig, ax = plt.subplots(figsize=(4, 4))
    else:
        fig = ax.figure
    if scores.ndim == 1:
        ax.contourf(g0, g1, scores.reshape(g0.shape), levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
        ax.contour(g0, g1, scores.reshape(g0.shape), levels=[0.5], colors="k", linewidths=1)
    else:
        ax.contourf(g0, g1, scores.argmax(axis=1).reshape(g0.shape), alpha=0.4, cmap="tab10",
                    levels=np.arange(scores.shape[1] + 1) - 0.5)
    ax.scatter(x[:, 0], x[:, 1], c=y, cmap="bwr" if scores.ndim == 1 else "tab10", s=16, edgecolors="k",
               linewidths=0.5)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return fig
