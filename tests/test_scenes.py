"""The scene generator of notebook 11: exact boxes and masks, determinism, clear errors."""

import matplotlib
import numpy as np
import pytest

from utils import scenes
from utils.scenes import INK, Scenes, draw_boxes, make_scenes, mask_colormap

matplotlib.use("Agg")


def _digits(n=40, seed=0):
    """Stand-ins for MNIST digits (uint8, 28x28): rings and bars of random size and thickness."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:28, 0:28]
    images = np.zeros((n, 28, 28), "uint8")
    for i in range(n):
        cy, cx, r = rng.uniform(11, 17), rng.uniform(11, 17), rng.uniform(5, 9)
        ring = np.abs(np.hypot(yy - cy, xx - cx) - r) < rng.uniform(1, 2.5)
        bar = (np.abs(xx - cx) < 1.5) & (np.abs(yy - cy) < r + 2)
        images[i] = np.where(ring if i % 2 else bar, 255, 0)
    return images, np.arange(n) % 10


@pytest.fixture(scope="module")
def made():
    digits, labels = _digits()
    return make_scenes(digits, labels, 60, seed=3, objects=(1, 3), sizes=(12, 30), clutter=(2, 5))


def test_shapes_types_and_ranges(made):
    assert isinstance(made, Scenes) and len(made) == 60
    assert made.images.shape == (60, 64, 64, 1) and made.images.dtype == np.float32
    assert 0 <= made.images.min() and made.images.max() <= 1
    assert made.boxes.shape == (60, 3, 4) and made.classes.shape == (60, 3)
    assert made.semantic.shape == made.instances.shape == (60, 64, 64)
    assert set(made.counts) <= {1, 2, 3} and len(set(made.counts)) > 1
    for i in range(len(made)):
        assert np.all(made.classes[i, made.counts[i]:] == -1) and np.all(made.classes[i, :made.counts[i]] >= 0)


def test_boxes_are_tight_around_the_ink_and_masks_agree_with_boxes(made):
    for i in range(len(made)):
        boxes, classes = made.objects(i)
        for k, ((x0, y0, x1, y1), digit) in enumerate(zip(boxes.astype(int), classes, strict=True)):
            own = made.instances[i] == k + 1
            assert own.any(), "every digit keeps some visible ink"
            rows, cols = np.nonzero(own)
            assert x0 <= cols.min() and cols.max() < x1 and y0 <= rows.min() and rows.max() < y1
            assert np.all(made.semantic[i][own] == 1 + digit)
            window = made.images[i, y0:y1, x0:x1, 0]
            # tight: the first and last row and column of the box hold ink of this image
            assert window[0].max() >= INK and window[-1].max() >= INK
            assert window[:, 0].max() >= INK and window[:, -1].max() >= INK
        assert np.array_equal(made.semantic[i] > 0, made.instances[i] > 0)
        assert np.all(made.images[i, :, :, 0][made.semantic[i] > 0] >= INK), "mask pixels are ink"


def test_boxes_overlap_at_most_max_overlap(made):
    for i in range(len(made)):
        boxes = made.objects(i)[0]
        for a in range(len(boxes)):
            others = np.delete(boxes, a, axis=0)
            assert np.all(scenes._iou(boxes[a], others) <= 0.1 + 1e-6)


def test_clutter_keeps_away_from_the_ink():
    from scipy import ndimage

    digits, labels = _digits()
    for seed in range(10):  # the first scene's digits are drawn before its clutter: the same with and without
        cluttered = make_scenes(digits, labels, 1, seed=seed, objects=(1, 3), sizes=(12, 30), clutter=(3, 5))
        clean = make_scenes(digits, labels, 1, seed=seed, objects=(1, 3), sizes=(12, 30), clutter=(0, 0))
        assert np.array_equal(cluttered.instances, clean.instances)
        added = cluttered.images[0, :, :, 0] != clean.images[0, :, :, 0]
        assert added.any(), "the clutter adds pixels"
        near_ink = ndimage.binary_dilation(clean.instances[0] > 0, np.ones((2 * scenes.GAP + 1,) * 2, bool))
        assert not np.any(added & near_ink)


def test_same_seed_same_scenes_other_seed_other_scenes():
    digits, labels = _digits()
    a = make_scenes(digits, labels, 10, seed=7, objects=(1, 2))
    b = make_scenes(digits, labels, 10, seed=7, objects=(1, 2))
    c = make_scenes(digits, labels, 10, seed=8, objects=(1, 2))
    for name in ("images", "boxes", "classes", "counts", "semantic", "instances"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert not np.array_equal(a.images, c.images)


def test_float_digits_give_the_same_scenes_as_uint8():
    digits, labels = _digits(10)
    a = make_scenes(digits, labels, 5, seed=1)
    b = make_scenes(digits.astype("float32") / 255, labels, 5, seed=1)
    assert np.allclose(a.images, b.images, atol=1e-5) and np.array_equal(a.boxes, b.boxes)


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"n": 0}, ValueError, "n must be a positive whole number"),
    ({"n": 2.0}, TypeError, "n must be a whole number"),
    ({"seed": -1}, ValueError, "seed must be a whole number >= 0"),
    ({"objects": (2, 1)}, ValueError, "objects must satisfy"),
    ({"objects": 3}, TypeError, "objects must be a pair"),
    ({"sizes": (10, 80)}, ValueError, "sizes must satisfy 8 <= smallest <= largest <= 64"),
    ({"clutter": (0, 40)}, ValueError, "clutter must satisfy"),
    ({"max_overlap": 1.0}, ValueError, "max_overlap must be an IoU"),
    ({"canvas": 8}, ValueError, "canvas must be a whole number >= 16"),
])
def test_bad_arguments_name_the_problem(kwargs, error, message):
    digits, labels = _digits(5)
    arguments = {"digits": digits, "labels": labels, "n": 2, "seed": 0, **kwargs}
    with pytest.raises(error, match=message):
        make_scenes(**arguments)


def test_bad_digits_and_labels_name_the_problem():
    digits, labels = _digits(5)
    with pytest.raises(ValueError, match=r"digits must be a non-empty stack of 2-D images"):
        make_scenes(digits[0], labels, 2, seed=0)
    with pytest.raises(ValueError, match=r"labels must hold one label per digit image"):
        make_scenes(digits, labels[:3], 2, seed=0)
    with pytest.raises(ValueError, match=r"digits must hold ink"):
        make_scenes(np.zeros((3, 28, 28), "uint8"), labels[:3], 2, seed=0)


def test_draw_boxes_and_mask_colormap():
    import matplotlib.pyplot as plt

    cmap, norm = mask_colormap()
    colours = {tuple(cmap(norm(c))) for c in range(11)}
    assert len(colours) == 11, "each class gets its own colour"
    fig, ax = plt.subplots()
    ax.imshow(np.zeros((64, 64)))
    draw_boxes(ax, [[1, 2, 10, 20], [30, 30, 40, 50]], [3, 7], scores=[0.9, 0.5])
    assert len(ax.patches) == 2 and [t.get_text() for t in ax.texts] == ["3 0.90", "7 0.50"]
    assert [t.get_position()[1] for t in ax.texts] == [2.5, 28.5], "pixel edges at -0.5: first label inside its box"
    assert [t.get_va() for t in ax.texts] == ["top", "bottom"], "no room above the first box; the second has room"
    draw_boxes(ax, [[1, 2, 10, 20]], [4], text_below=True)
    assert ax.texts[-1].get_position()[1] == 20.5 and ax.texts[-1].get_va() == "top", "label below the box"
    draw_boxes(ax, [[30, 10, 50, 40], [31, 12, 49, 40], [5, 12, 20, 40]], [2, 8, 1], text_below=True)
    assert [t.get_position()[1] for t in ax.texts[-3:]] == [40.5, 44.5, 40.5], "the second label moves a line down"
    plt.close(fig)
