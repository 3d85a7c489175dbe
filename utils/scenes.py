"""Synthetic scenes for localisation, detection and segmentation (notebook 11).

Real digit images (MNIST) are scaled and pasted at random positions onto a dark canvas, over a little clutter
(small fragments of other digits, which are never labelled) and pixel noise. Because we paste them, every label is
known exactly:

- a **box** per object, ``(x0, y0, x1, y1)`` in pixels with ``x1``/``y1`` exclusive: the tight box of the pasted
  digit's own ink (its pixels at or above ``ink_threshold``);
- a **class** per object (the digit);
- a **semantic mask**: 0 for background, ``1 + digit`` for the ink pixels of a digit;
- an **instance mask**: 0 for background, ``1 + k`` for the ink of the scene's k-th object.

Where two objects overlap, the canvas keeps the brighter pixel and the masks give it to the brighter object.

Example:
    >>> (x_train, y_train), _, _ = utils.load_mnist()
    >>> scenes = make_scenes(x_train, y_train, 1000, objects=(1, 3), seed=0)
    >>> scenes.images.shape, scenes.boxes.shape
    ((1000, 64, 64, 1), (1000, 3, 4))
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from .config import check_int

__all__ = ["Scenes", "box_iou_matrix", "make_scenes"]


@dataclass(frozen=True)
class Scenes:
    """A batch of scenes. ``K`` is the largest number of objects a scene may hold; unused slots are padding."""

    images: np.ndarray  # (n, size, size, 1) float32 in [0, 1]
    boxes: np.ndarray  # (n, K, 4) float32 pixel boxes (x0, y0, x1, y1); padding rows are 0
    classes: np.ndarray  # (n, K) int64 digit of each object; padding is -1
    counts: np.ndarray  # (n,) int64 number of objects in each scene
    semantic: np.ndarray  # (n, size, size) uint8: 0 background, 1 + digit on a digit's ink
    instances: np.ndarray  # (n, size, size) uint8: 0 background, 1 + k on the ink of object k

    def __len__(self) -> int:
        return len(self.images)


def _bilinear_matrix(size_out: int, size_in: int) -> np.ndarray:
    """A (size_out, size_in) matrix that resamples a 1-D signal linearly (pixel centres aligned)."""
    centres = (np.arange(size_out) + 0.5) * size_in / size_out - 0.5
    low = np.clip(np.floor(centres).astype(int), 0, size_in - 1)
    high = np.clip(low + 1, 0, size_in - 1)
    weight = np.clip(centres - low, 0.0, 1.0)
    matrix = np.zeros((size_out, size_in))
    np.add.at(matrix, (np.arange(size_out), low), 1 - weight)
    np.add.at(matrix, (np.arange(size_out), high), weight)
    return matrix


def box_iou_matrix(boxes_a, boxes_b) -> np.ndarray:
    """Intersection over union of every box in ``boxes_a`` (..., m, 4) with every box in ``boxes_b`` (..., n, 4).

    Boxes are ``(x0, y0, x1, y1)``; leading axes broadcast, so a batch of scenes is one call. Returns (..., m, n).
    """
    a, b = np.asarray(boxes_a, dtype=float)[..., :, None, :], np.asarray(boxes_b, dtype=float)[..., None, :, :]
    width = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None)
    height = np.clip(np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None)
    inter = width * height
    area_a = (a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
    area_b = (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])
    union = area_a + area_b - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def _check_pair(name, value, low, high):
    if not (isinstance(value, tuple | list) and len(value) == 2):
        raise TypeError(f"{name} must be a pair (smallest, largest), got {value!r}")
    first, second = (check_int(name, v, minimum=low) for v in value)
    if first > second or second > high:
        raise ValueError(f"{name} must be (smallest, largest) with {low} <= smallest <= largest <= {high}, "
                         f"got {value!r}")
    return first, second


def _check_number(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise TypeError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    if not low <= value <= high:
        raise ValueError(f"{name} must lie in [{low}, {high}], got {value!r}")
    return float(value)


def _digits_at_sizes(digits, sizes, ink_threshold):
    """Resize each 28x28 digit to its own square size, grouped by size (one matrix product per size).

    Returns the resized digits (a list) and the tight box (x0, y0, x1, y1) of each one's ink inside its square.
    """
    resized, inner = [None] * len(digits), np.zeros((len(digits), 4), dtype="float32")
    for size in np.unique(sizes):
        where = np.flatnonzero(sizes == size)
        matrix = _bilinear_matrix(int(size), digits.shape[1])
        batch = matrix @ digits[where] @ matrix.T  # (s, 28) @ (n, 28, 28) @ (28, s)
        batch = (batch / np.maximum(batch.max(axis=(1, 2), keepdims=True), 1e-6)).astype("float32")  # max 1
        ink = batch >= ink_threshold
        rows, cols = ink.any(axis=2), ink.any(axis=1)
        inner[where] = np.stack([cols.argmax(1), rows.argmax(1), size - cols[:, ::-1].argmax(1),
                                 size - rows[:, ::-1].argmax(1)], axis=1)
        for i, image in zip(where, batch, strict=True):
            resized[i] = image
    return resized, inner


def make_scenes(images, labels, n_scenes, *, objects=(1, 1), canvas_size=64, scale=(16, 32), clutter=2,
                noise=0.05, max_overlap=0.2, ink_threshold=0.5, seed=0) -> Scenes:
    """Paste ``objects`` (smallest, largest) random digits from ``images``/``labels`` onto each of ``n_scenes``
    canvases of ``canvas_size`` pixels, each scaled to a random square of ``scale`` (smallest, largest) pixels.

    ``clutter`` fragments (8x8 crops of other digits) go under the objects and are never labelled; Gaussian
    ``noise`` (its standard deviation) is added last. An object is placed so that its box overlaps each earlier
    box with an IoU of at most ``max_overlap`` (the best of 50 tries is kept if none qualifies). The same ``seed``
    gives the same scenes. Bad arguments raise ``TypeError``/``ValueError`` naming the argument.
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1] != images.shape[2] or len(images) == 0:
        raise ValueError(f"images must be a non-empty (N, side, side) array of grey digits, got shape {images.shape}")
    labels = np.asarray(labels)
    if labels.shape != (len(images),) or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be {len(images)} whole numbers (one per image), got {labels.dtype} "
                         f"{labels.shape}")
    if labels.min() < 0 or labels.max() > 254:
        raise ValueError(f"labels must be class numbers from 0 to 254, got {labels.min()} to {labels.max()}")
    n_scenes = check_int("n_scenes", n_scenes)
    canvas_size = check_int("canvas_size", canvas_size, minimum=8)
    smallest, largest = _check_pair("objects", objects, 1, 9)
    low, high = _check_pair("scale", scale, 4, canvas_size)
    clutter = check_int("clutter", clutter, minimum=0)
    noise = _check_number("noise", noise, 0.0, 1.0)
    max_overlap = _check_number("max_overlap", max_overlap, 0.0, 1.0)
    ink_threshold = _check_number("ink_threshold", ink_threshold, 0.01, 1.0)
    seed = check_int("seed", seed, minimum=0)
    if images.max() <= 0:
        raise ValueError("images are all black: there is no ink to paste")
    pixels = images.astype("float32") / (255.0 if images.dtype == np.uint8 else 1.0)

    rng = np.random.default_rng(seed)
    counts = rng.integers(smallest, largest + 1, n_scenes)
    slots = np.arange(largest)[None, :] < counts[:, None]  # (n, K): which slots hold an object
    chosen = np.full((n_scenes, largest), -1)
    chosen[slots] = rng.integers(0, len(images), counts.sum())
    sizes = np.zeros((n_scenes, largest), dtype=int)
    sizes[slots] = rng.integers(low, high + 1, counts.sum())
    digits, inner = _digits_at_sizes(pixels[chosen[slots]], sizes[slots], ink_threshold)
    order = np.full((n_scenes, largest), -1)
    order[slots] = np.arange(counts.sum())  # position of each object in `digits`
    boxes = np.zeros((n_scenes, largest, 4), dtype="float32")
    corners = np.zeros((n_scenes, largest, 2), dtype=int)  # where each digit's square goes
    for k in range(largest):  # place slot k of every scene at once, away from slots 0..k-1
        active = np.flatnonzero(counts > k)
        room = canvas_size - sizes[active, k] + 1
        tries = (rng.random((len(active), 50, 2)) * room[:, None, None]).astype(int)
        candidates = inner[order[active, k]][:, None, :] + tries[..., [0, 1, 0, 1]]
        pick = np.zeros(len(active), dtype=int)
        if k:
            worst = box_iou_matrix(candidates, boxes[active, :k]).max(axis=2)  # (m, 50)
            fits = worst <= max_overlap
            pick = np.where(fits.any(axis=1), fits.argmax(axis=1), worst.argmin(axis=1))
        boxes[active, k] = candidates[np.arange(len(active)), pick]
        corners[active, k] = tries[np.arange(len(active)), pick]
    canvases = np.zeros((n_scenes, canvas_size, canvas_size), dtype="float32")
    semantic = np.zeros((n_scenes, canvas_size, canvas_size), dtype="uint8")
    instances = np.zeros_like(semantic)
    side, fragment = pixels.shape[1], min(8, pixels.shape[1], canvas_size)
    for _ in range(clutter):  # fragments first, so objects lie on top of them
        sources = rng.integers(0, len(pixels), n_scenes)
        rows, cols = rng.integers(side // 4, max(side - side // 4 - fragment, side // 4) + 1, (2, n_scenes))
        ys, xs = rng.integers(0, canvas_size - fragment + 1, (2, n_scenes))
        for i in range(n_scenes):
            region = canvases[i, ys[i]:ys[i] + fragment, xs[i]:xs[i] + fragment]
            np.maximum(region, pixels[sources[i], rows[i]:rows[i] + fragment, cols[i]:cols[i] + fragment], out=region)
    classes = np.where(slots, labels.astype("int64")[np.maximum(chosen, 0)], -1)
    for i, k in zip(*np.nonzero(slots), strict=True):
        digit, (x, y) = digits[order[i, k]], corners[i, k]
        size = len(digit)
        region = canvases[i, y:y + size, x:x + size]
        wins = (digit >= ink_threshold) & (digit >= region)  # the brighter object owns a pixel where objects overlap
        semantic[i, y:y + size, x:x + size][wins] = classes[i, k] + 1
        instances[i, y:y + size, x:x + size][wins] = k + 1
        np.maximum(region, digit, out=region)
    if noise:
        canvases = np.clip(canvases + rng.normal(0.0, noise, canvases.shape).astype("float32"), 0.0, 1.0)
    return Scenes(canvases[..., None], boxes, classes, counts.astype("int64"), semantic, instances)
