"""Plot helpers: training curves, image grids, confusion matrices, decision boundaries.

Each helper validates its inputs, draws with matplotlib and returns the
figure, so a notebook can save it or add to it.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .config import check_positive_int


def _as_history(run):
    history = getattr(run, "history", run)
    if not isinstance(history, dict) or not history:
        raise ValueError("expected a keras History (what fit returns) or a dict of metric name -> list of "
                         f"values, got {type(run).__name__}")
    return history


def _check_series(run: str, key: str, values) -> None:
    if isinstance(values, str | bytes | dict) or not hasattr(values, "__len__"):
        raise TypeError(f"run {run or '(single)'}: {key} must be a list of numbers (one per epoch), "
                        f"got {type(values).__name__}")
    array = np.asarray(values)
    if array.ndim != 1 or len(array) == 0:
        raise ValueError(f"run {run or '(single)'}: {key} must be a non-empty list of numbers (one per epoch), "
                         f"got {len(values)} values of shape {array.shape}")
    if not np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_:
        raise TypeError(f"run {run or '(single)'}: {key} must hold numbers, got {array.dtype}")


def plot_history(runs, metrics=None, title=None):
    """Plot loss and metric curves of one or several training runs, train solid, validation dashed.

    ``runs`` is what ``model.fit`` returns (a ``History``), its ``.history``
    dict, or a dict ``{"run name": History, ...}`` to compare runs.
    ``metrics`` defaults to every metric of the first run, in the order its history lists them
    (which need not start with ``loss``: pass ``metrics=["loss", "accuracy"]`` to fix the order).

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
    if not metrics:
        raise ValueError("metrics must name at least one metric to plot, got an empty list")
    for name, history in named.items():
        missing = [m for m in metrics if m not in history]
        if missing:
            raise ValueError(f"run {name or '(single)'} has no metric {missing}; it has {sorted(history)}")
        for metric in metrics:
            for key in (metric, f"val_{metric}"):
                if key in history:
                    _check_series(name, key, history[key])
            if f"val_{metric}" in history and len(history[f"val_{metric}"]) != len(history[metric]):
                raise ValueError(f"run {name or '(single)'}: val_{metric} has {len(history[f'val_{metric}'])} "
                                 f"values but {metric} has {len(history[metric])}; they must have one per epoch")
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
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.legend(fontsize=8, loc="best")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def _class_ids(name: str, values):
    """Labels or predictions as a 1-D array of class ids; (N, 1) is flattened, one-hot / scores are refused."""
    if values is None:
        return None
    array = np.asarray(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{name} must be class ids of shape (N,), got shape {array.shape}; for one-hot labels or "
                         f"class scores pass {name}.argmax(axis=1)")
    return array


def _displayable_rgb(image: np.ndarray) -> np.ndarray:
    """A float RGB image scaled into 0..1 for imshow: 0..255 is divided by 255, 0..1 is kept, and anything
    with negative values (standardised, or -1..1 as MobileNet expects) is stretched from its own min..max."""
    image = image.astype("float32")
    low, high = float(image.min()), float(image.max())
    if low < 0:
        return (image - low) / (high - low) if high > low else np.zeros_like(image)
    if high > 1.0:
        return np.clip(image / 255.0, 0, 1)
    return image


def show_images(images, labels=None, predictions=None, class_names=None, ncols=8, cmap="gray"):
    """Show a grid of images with their labels, and predictions in green (right) or red (wrong).

    ``images`` has shape (N, H, W) or (N, H, W, 1 or 3); integers 0..255 or
    floats (0..255, 0..1, or with negative values, which are rescaled to fit,
    not clipped). ``labels`` and ``predictions`` are integer class ids of
    length N (not one-hot: take ``.argmax(axis=1)`` first).

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
    labels, predictions = _class_ids("labels", labels), _class_ids("predictions", predictions)
    for name, values in (("labels", labels), ("predictions", predictions)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} must have one entry per image ({n}), got {len(values)}")
    if predictions is not None and labels is None:
        raise ValueError("predictions need labels to be compared with")
    ncols = check_positive_int("ncols", ncols)

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
            image = _displayable_rgb(image)
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

    y_true, y_pred = _class_ids("y_true", y_true), _class_ids("y_pred", y_pred)
    if y_true is None or y_pred is None:
        raise TypeError("y_true and y_pred must both be arrays of class ids, got None")
    if len(y_true) != len(y_pred):
        raise ValueError(f"y_true and y_pred must have the same length, got {len(y_true)} and {len(y_pred)}")
    if len(y_true) == 0:
        raise ValueError("y_true and y_pred are empty: there is nothing to count")
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if not (np.issubdtype(values.dtype, np.integer) or np.issubdtype(values.dtype, np.floating)) \
                or values.dtype == np.bool_ or not np.all(values == np.round(values)):
            raise ValueError(f"{name} must hold integer class ids 0..K-1, got values like {values[:3]!r}; "
                             "for probabilities take .argmax(axis=1), for a sigmoid output (p > 0.5)")
        if values.min() < 0:
            raise ValueError(f"{name} holds the negative class id {values.min():g}: class ids must be 0..K-1 "
                             "(remap labels such as -1/+1 to 0/1 first)")
    y_true, y_pred = y_true.astype(int), y_pred.astype(int)
    labels = None
    if class_names is not None:
        labels = np.arange(len(class_names))
        top = int(max(y_true.max(), y_pred.max()))
        if top >= len(class_names):
            raise ValueError(f"class id {top} has no name: class_names has {len(class_names)} entries")
    size = 1.6 + 0.55 * (len(class_names) if class_names is not None else len(np.union1d(y_true, y_pred)))
    fig, ax = plt.subplots(figsize=(size, size))
    display = ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, labels=labels, display_labels=class_names, normalize="true" if normalize else None,
        values_format=".2f" if normalize else "d", cmap="Blues", colorbar=False, ax=ax,
        xticks_rotation=45 if class_names is not None and max(map(len, class_names)) > 3 else "horizontal")
    ax.grid(False)
    fig.tight_layout()
    fig.confusion_matrix = display.confusion_matrix
    return fig


_OUTPUTS = ("probability", "logit", "label")


def _final_activation(model) -> str | None:
    """``"sigmoid"``/``"softmax"``/``"linear"``/... of a Keras model's last layer, or None if unknown."""
    layers = getattr(model, "layers", None)
    if not layers:
        return None
    activation = getattr(layers[-1], "activation", None)
    return getattr(activation, "__name__", None)


def _model_scores(model, grid, output):
    """Evaluate ``model`` on the grid and say what its numbers are: probability, logit or label."""
    is_keras = hasattr(model, "predict") and hasattr(model, "layers")
    if hasattr(model, "predict_proba") and output in (None, "probability"):
        return np.asarray(model.predict_proba(grid)), "probability", True
    if is_keras:
        scores = np.asarray(model.predict(grid, verbose=0, batch_size=4096))
        if output is None:
            output = {"sigmoid": "probability", "softmax": "probability", "linear": "logit"}.get(
                _final_activation(model))
        return scores, output, False
    if hasattr(model, "predict") and not callable(model):  # a scikit-learn classifier without predict_proba
        if output == "logit" and hasattr(model, "decision_function"):
            return np.asarray(model.decision_function(grid)), "logit", False
        return np.asarray(model.predict(grid)), output or "label", False
    if callable(model):
        return np.asarray(model(grid)), output, False
    raise ValueError(f"model must be a Keras model, a scikit-learn classifier or a function, got {model!r}")


def _infer_output(scores: np.ndarray) -> str:
    """Say what unlabelled outputs are, or refuse when a wrong guess would move the boundary."""
    if np.issubdtype(scores.dtype, np.integer) or scores.dtype == np.bool_:
        return "label"
    if scores.ndim == 1:
        if scores.min() >= 0 and scores.max() <= 1:
            return "probability"
        raise ValueError(f"the model's outputs run from {scores.min():.3g} to {scores.max():.3g}, so they are not "
                         "probabilities; say what they are: output='logit' (boundary at 0) or output='label'")
    # several columns: argmax is the same for probabilities and logits, so the regions are right either way
    return "probability" if scores.min() >= 0 and np.allclose(scores.sum(axis=1), 1, atol=1e-3) else "logit"


def plot_decision_boundary(model, x, y, ax=None, resolution=200, title=None, output=None, class_names=None,
                           colorbar_label=None):
    """Colour the plane by a 2-D classifier's prediction and draw the samples on top.

    ``model`` is a Keras model, a scikit-learn classifier (with or without
    ``predict_proba``), or any function of an (M, 2) array. ``output`` says what
    the model returns: ``"probability"`` (of class 1, shape (M,) or (M, 1), or
    (M, K) for K classes; boundary at 0.5), ``"logit"`` (boundary at 0) or
    ``"label"`` (class ids). Left as None, it is read from the model (a
    scikit-learn ``predict_proba``, a Keras model's final sigmoid/softmax or
    linear activation, class ids as integers) or from the values; when a single
    output column lies outside 0..1 and nothing says what it is, the function
    asks instead of guessing. ``x`` is (N, 2) and ``y`` (N,) integer labels.
    ``class_names`` (one name per class id) adds a legend of the samples' colours;
    ``colorbar_label`` adds a colour bar with that label for the probability of
    class 1 (two classes only).

    Example:
        >>> fig = plot_decision_boundary(model, x, y, title="2 hidden neurons")
        >>> fig = plot_decision_boundary(lambda g: g @ w + b, x, y, output="logit")
        >>> fig = plot_decision_boundary(model, x, y, class_names=["cat", "dog"], colorbar_label="P(dog)")
    """
    if output is not None and output not in _OUTPUTS:
        raise ValueError(f"output must be one of {_OUTPUTS} or None (work it out), got {output!r}")
    x, y = np.asarray(x, dtype="float32"), np.asarray(y).reshape(-1)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (N, 2) (two features to draw), got {x.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    resolution = check_positive_int("resolution", resolution)
    if resolution < 10:
        raise ValueError(f"resolution must be at least 10, got {resolution!r}")
    pad = 0.1 * (x.max(axis=0) - x.min(axis=0)) + 1e-6
    lo, hi = x.min(axis=0) - pad, x.max(axis=0) + pad
    g0, g1 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[g0.ravel(), g1.ravel()].astype("float32")
    scores, output, from_proba = _model_scores(model, grid, output)
    if scores.ndim == 2 and scores.shape[1] == 2 and from_proba:
        scores = scores[:, 1]
    if scores.ndim == 2 and scores.shape[1] == 1:
        scores = scores[:, 0]
    if scores.ndim not in (1, 2) or len(scores) != len(grid):
        raise ValueError(f"the model must return one score or label per point ({len(grid)}, ...), "
                         f"got shape {scores.shape}")
    output = output or _infer_output(scores)
    if output == "logit":
        scores = 1 / (1 + np.exp(-scores.astype("float64"))) if scores.ndim == 1 else scores
    elif output == "label":
        if scores.ndim != 1:
            raise ValueError(f"labels must be one class id per point, got shape {scores.shape}")
        if scores.min() < 0 or not np.all(scores == np.round(scores)):
            raise ValueError("output='label' needs class ids 0, 1, ..., K-1, got values like "
                             f"{np.unique(scores)[:4]}; for -1/+1 labels pass (labels > 0)")
        n_classes = int(scores.max()) + 1
        if n_classes > 2:  # several classes: draw the regions like argmax of scores
            scores = np.eye(n_classes)[scores.astype(int)]
        else:
            scores = scores.astype("float64")
    elif scores.ndim == 1 and (scores.min() < 0 or scores.max() > 1):
        raise ValueError(f"output='probability' but the model returned values from {scores.min():.3g} to "
                         f"{scores.max():.3g}; pass output='logit' if these are logits")
    if ax is None:
        fig, ax = plt.subplots(figsize=(4, 4))
    else:
        fig = ax.figure
    if colorbar_label is not None and scores.ndim != 1:
        raise ValueError("colorbar_label needs a two-class model (one probability per point); for several "
                         "classes pass class_names for a legend instead")
    if scores.ndim == 1:
        filled = ax.contourf(g0, g1, scores.reshape(g0.shape), levels=np.linspace(0, 1, 11), cmap="RdBu_r",
                             alpha=0.35)
        ax.contour(g0, g1, scores.reshape(g0.shape), levels=[0.5], colors="k", linewidths=1)
        if colorbar_label is not None:
            fig.colorbar(filled, ax=ax, label=colorbar_label, ticks=np.linspace(0, 1, 6))
    else:
        ax.contourf(g0, g1, scores.argmax(axis=1).reshape(g0.shape), alpha=0.4, cmap="tab10",
                    levels=np.arange(scores.shape[1] + 1) - 0.5)
    cmap = "bwr" if scores.ndim == 1 else "tab10"
    if class_names is None:
        ax.scatter(x[:, 0], x[:, 1], c=y, cmap=cmap, s=16, edgecolors="k", linewidths=0.5)
    else:
        class_names = list(class_names)
        if len(class_names) <= int(y.max()):
            raise ValueError(f"class_names has {len(class_names)} names but y has class ids up to {int(y.max())}")
        norm = plt.Normalize(y.min(), y.max())  # the same colours as scatter(c=y) without names
        for k, name in enumerate(class_names):
            if np.any(y == k):
                ax.scatter(*x[y == k].T, color=plt.get_cmap(cmap)(norm(k)), s=16, edgecolors="k", linewidths=0.5,
                           label=name)
        ax.legend(loc="best", fontsize=8)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return fig
