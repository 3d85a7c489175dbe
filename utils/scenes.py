"""Detection scenes made from real images: MNIST digits pasted onto a larger canvas, with clutter.

Notebook 11 trains a localiser, a detector and a segmenter on these scenes. Every label is exact because we
paste the digits ourselves:

- the **box** of a digit is the tight box around its ink, the pasted pixels of value >= ``INK`` (not its 28x28
  frame), as ``(x_min, y_min, x_max, y_max)`` in pixels with ``x_max`` and ``y_max`` one past the last ink pixel,
  so ``width = x_max - x_min``;
- the **semantic mask** gives each pixel a class: 0 for background (clutter included), ``1 + digit`` for the ink
  of a digit;
- the **instance mask** gives each digit's ink pixels its own number ``1, 2, ...`` (0 for background).

Where two digits touch, a pixel goes to the digit whose ink is brighter there, so a mask holds only a digit's
*visible* ink while its box covers the whole pasted digit: the tight box of a mask can be smaller than the label
box (about 3 % of the digits of multi-digit scenes).

Clutter is made to look like parts of digits: **fragments** (crops of other digits, scaled like the digits) and
**strokes** (short lines as thick and as bright as a pen stroke). It never touches a digit's ink (it keeps ``GAP``
pixels away), so every ink pixel's label is certain, but it may lie inside a digit's box, and a fragment can be
larger than a small digit: the largest bright blob is not always the digit, and its box is not always the digit's.

Example:
    >>> (x, y), _, _ = load_mnist()
    >>> scenes = make_scenes(x[:1000], y[:1000], n=8, seed=0, objects=(1, 3))
    >>> scenes.images.shape, scenes.boxes.shape
    ((8, 64, 64, 1), (8, 3, 4))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .config import check_int

INK = 0.5  # a pixel of a pasted digit at or above this value is ink
GAP = 2  # clutter keeps this many pixels away from the ink of every digit
CLASS_NAMES = ["background", *(f"digit {d}" for d in range(10))]  # the semantic mask's 11 classes
#: 11 clearly distinct colours for the semantic classes: black background, then matplotlib's tab10 for 0-9.
CLASS_COLORS = ["#000000", "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf"]


@dataclass(frozen=True)
class Scenes:
    """A batch of scenes and their labels (rows of ``boxes``/``classes`` past ``counts`` are padding)."""

    images: np.ndarray  # (n, canvas, canvas, 1) float32 in [0, 1]
    boxes: np.ndarray  # (n, max_objects, 4) float32 (x_min, y_min, x_max, y_max) in pixels; padding rows are 0
    classes: np.ndarray  # (n, max_objects) int64 digit 0-9, -1 for padding
    counts: np.ndarray  # (n,) int64 number of digits in each scene
    semantic: np.ndarray  # (n, canvas, canvas) uint8: 0 background, 1 + digit
    instances: np.ndarray  # (n, canvas, canvas) uint8: 0 background, k + 1 for the k-th digit

    def __len__(self) -> int:
        return len(self.images)

    def objects(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """The boxes (k, 4) and classes (k,) of scene ``i``, without padding."""
        k = int(self.counts[i])
        return self.boxes[i, :k], self.classes[i, :k]


class _Digits:
    """The digit images, each turned into float32 values in [0, 1] when it is used."""

    def __init__(self, digits):
        self.digits, self.scale = digits, (1 / 255 if digits.dtype == np.uint8 else 1.0)

    def __len__(self):
        return len(self.digits)

    def __getitem__(self, index):
        return self.digits[index].astype("float32") * self.scale


def _check_range(name, value, low, high):
    if not (isinstance(value, tuple | list) and len(value) == 2):
        raise TypeError(f"{name} must be a pair (smallest, largest), got {value!r}")
    a, b = (check_int(f"{name}[{i}]", v, minimum=low) for i, v in enumerate(value))
    if a > b or b > high:
        raise ValueError(f"{name} must satisfy {low} <= smallest <= largest <= {high}, got {value!r}")
    return a, b


def _scaled(digit, size):
    """The ink crop of ``digit`` resized (bilinear) so its longer side is ``size`` pixels, keeping its shape."""
    x_min, y_min, x_max, y_max = _ink_box(digit).astype(int)
    crop = digit[y_min:y_max, x_min:x_max]  # the rows and columns holding ink
    scale = size / max(crop.shape)
    shape = [max(2, round(side * scale)) for side in crop.shape]
    zoom = (shape[0] / crop.shape[0], shape[1] / crop.shape[1])
    return np.clip(ndimage.zoom(crop, zoom, order=1, grid_mode=True, mode="nearest"), 0, 1)


def _ink_box(patch):
    """The box (x_min, y_min, x_max, y_max) of the patch's ink, relative to its top-left corner."""
    ink = patch >= INK
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return np.array([cols[0], rows[0], cols[-1] + 1, rows[-1] + 1], "float32")


def _iou(box, others):
    """IoU of one box with each row of ``others`` (boxes as x_min, y_min, x_max, y_max)."""
    if len(others) == 0:
        return np.zeros(0)
    others = np.asarray(others)
    w = np.clip(np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0]), 0, None)
    h = np.clip(np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1]), 0, None)
    inter = w * h
    area = (box[2] - box[0]) * (box[3] - box[1])
    return inter / (area + (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1]) - inter)


def _clutter_patch(rng, digits, sizes):
    """A fragment of a random digit (a crop of 30-70 % of its height and width), or a pen stroke."""
    if rng.random() < 0.6:
        for _ in range(20):
            digit = _scaled(digits[rng.integers(len(digits))], int(rng.integers(sizes[0], sizes[1] + 1)))
            h = min(digit.shape[0], max(4, int(digit.shape[0] * rng.uniform(0.3, 0.7))))
            w = min(digit.shape[1], max(4, int(digit.shape[1] * rng.uniform(0.3, 0.7))))
            top, left = rng.integers(0, digit.shape[0] - h + 1), rng.integers(0, digit.shape[1] - w + 1)
            piece = digit[top:top + h, left:left + w]
            if np.sum(piece >= INK) >= 12:
                return piece
    length, angle = rng.uniform(8, 20), rng.uniform(0, np.pi)
    side = int(np.ceil(length)) + 4
    yy, xx = np.mgrid[0:side, 0:side] - (side - 1) / 2
    along = xx * np.cos(angle) + yy * np.sin(angle)
    across = -xx * np.sin(angle) + yy * np.cos(angle)
    half_thickness = rng.uniform(0.9, 1.6)
    stroke = np.clip(half_thickness + 0.5 - np.abs(across), 0, 1) * (np.abs(along) <= length / 2)
    return (stroke * rng.uniform(0.8, 1.0)).astype("float32")


def make_scenes(digits, labels, n, seed, canvas=64, objects=(1, 1), sizes=(20, 40), clutter=(1, 3),
                max_overlap=0.1) -> Scenes:
    """Make ``n`` scenes from the images ``digits`` (uint8 0-255 or float 0-1, shape (N, 28, 28)) and ``labels``.

    Each scene holds between ``objects[0]`` and ``objects[1]`` digits, each scaled so its longer side (in pixels) is
    drawn from ``sizes``, placed at random with a box IoU of at most ``max_overlap`` with the others, and between
    ``clutter[0]`` and ``clutter[1]`` clutter pieces that keep ``GAP`` pixels away from
    the digits' ink. The same ``seed`` gives the
    same scenes.
    """
    digits = np.asarray(digits)
    labels = np.asarray(labels)
    if digits.ndim != 3 or len(digits) == 0:
        raise ValueError(f"digits must be a non-empty stack of 2-D images, shape (N, height, width), got shape "
                         f"{digits.shape}")
    if labels.shape != (len(digits),):
        raise ValueError(f"labels must hold one label per digit image, shape ({len(digits)},), got {labels.shape}")
    if not np.all(np.max(digits, axis=(1, 2)) >= INK * (255 if digits.dtype == np.uint8 else 1)):
        raise ValueError(f"digits must hold ink: every image needs pixels of at least {INK} (or {INK * 255:.0f} "
                         "for uint8 images)")
    n, seed = check_int("n", n), check_int("seed", seed, minimum=0)
    canvas = check_int("canvas", canvas, minimum=16)
    low, high = _check_range("objects", objects, 1, 16)
    sizes = _check_range("sizes", sizes, 8, canvas)
    clutter = _check_range("clutter", clutter, 0, 32)
    if not 0 <= max_overlap < 1:
        raise ValueError(f"max_overlap must be an IoU in [0, 1), got {max_overlap!r}")
    images = _Digits(digits)
    rng = np.random.default_rng(seed)
    out = Scenes(np.zeros((n, canvas, canvas, 1), "float32"), np.zeros((n, high, 4), "float32"),
                 np.full((n, high), -1, "int64"), np.zeros(n, "int64"), np.zeros((n, canvas, canvas), "uint8"),
                 np.zeros((n, canvas, canvas), "uint8"))
    for i in range(n):
        _fill_scene(out, i, rng, images, labels, int(rng.integers(low, high + 1)), sizes, clutter, max_overlap)
    return out


def _fill_scene(out, i, rng, images, labels, k, sizes, clutter, max_overlap):
    canvas = out.images.shape[1]
    image, boxes = out.images[i, :, :, 0], []
    while len(boxes) < k:  # a digit that finds no place within 50 tries is redrawn
        index = rng.integers(len(images))
        patch = _scaled(images[index], int(rng.integers(sizes[0], sizes[1] + 1)))
        ink_box = _ink_box(patch)
        for _ in range(50):
            top = int(rng.integers(0, canvas - patch.shape[0] + 1))
            left = int(rng.integers(0, canvas - patch.shape[1] + 1))
            box = ink_box + np.array([left, top, left, top], "float32")
            if np.all(_iou(box, boxes) <= max_overlap):
                break
        else:
            continue
        window = (slice(top, top + patch.shape[0]), slice(left, left + patch.shape[1]))
        ink = (patch >= INK) & (patch >= image[window])  # where this digit is the brightest ink
        out.semantic[i][window][ink] = 1 + labels[index]
        out.instances[i][window][ink] = len(boxes) + 1
        image[window] = np.maximum(image[window], patch)
        out.classes[i, len(boxes)] = labels[index]
        boxes.append(box)
    out.boxes[i, :k], out.counts[i] = boxes, k
    # the digits' ink grown by GAP pixels (a maximum filter over a square window is a binary dilation)
    keep_out = ndimage.maximum_filter(out.instances[i] > 0, size=2 * GAP + 1, mode="constant", cval=0)
    for _ in range(int(rng.integers(clutter[0], clutter[1] + 1))):
        piece = _clutter_patch(rng, images, sizes)
        drawn = piece > 0
        for _ in range(20):  # a piece that finds no place GAP pixels away from the ink in 20 tries is left out
            top = int(rng.integers(0, canvas - piece.shape[0] + 1))
            left = int(rng.integers(0, canvas - piece.shape[1] + 1))
            window = (slice(top, top + piece.shape[0]), slice(left, left + piece.shape[1]))
            if not np.any(keep_out[window] & drawn):
                image[window] = np.maximum(image[window], piece)
                break


def draw_boxes(ax, boxes, labels, color="lime", scores=None, linestyle="-", text_below=False):
    """Draw boxes (x_min, y_min, x_max, y_max in pixels) on an ``imshow`` axis, with labels (and scores).

    Labels go above each box (inside its top edge when the box touches the top of the image, so the label stays
    visible), or below it with ``text_below=True`` (to keep two sets of boxes readable); a label that would cover an
    earlier one of the same call moves a line further away from its box."""
    from matplotlib.patches import Rectangle

    placed, height = [], 4.0  # a line of 8-point text, in pixels of a 64-pixel scene
    for j, (box, label) in enumerate(zip(np.asarray(boxes, float), labels, strict=True)):
        x0, y0, x1, y1 = box - 0.5  # imshow puts pixel centres on whole numbers
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, color=color, lw=1.5, ls=linestyle))
        text = f"{label}" if scores is None else f"{label} {scores[j]:.2f}"
        downwards = text_below or y0 - 1 < height  # below the box, or inside its top edge: no room above it
        y, line = (y1 + 1 if text_below else y0 + 1, height) if downwards else (y0 - 1, -height)
        while any(abs(x0 - px) < 10 and abs(y - py) < height for px, py in placed):
            y += line
        placed.append((x0, y))
        ax.text(x0, y, text, color=color, fontsize=8, va="top" if downwards else "bottom",
                bbox=dict(facecolor="black", alpha=0.6, pad=0.5, lw=0))


def mask_colormap():
    """A colormap and norm giving each of the 11 semantic classes its colour (for ``imshow(mask, ...)``)."""
    from matplotlib.colors import BoundaryNorm, ListedColormap

    return ListedColormap(CLASS_COLORS), BoundaryNorm(np.arange(-0.5, 11), 11)
