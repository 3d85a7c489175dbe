"""The scene generator of notebook 11: labels match the pixels, runs repeat, bad arguments are named."""

import numpy as np
import pytest

from utils.scenes import box_iou_matrix, make_scenes


def digits(n=40, seed=0):
    """Stand-in digits: random blobs of ink on 28x28 black squares, labels 0-9."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 28, 28), dtype="uint8")
    for i in range(n):
        top, left = rng.integers(2, 12, 2)
        height, width = rng.integers(6, 14, 2)
        images[i, top:top + height, left:left + width] = rng.integers(100, 256, (height, width))
    return images, np.arange(n) % 10


def ink_box(mask):
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return [cols[0], rows[0], cols[-1] + 1, rows[-1] + 1]


def test_shapes_and_padding():
    images, labels = digits()
    scenes = make_scenes(images, labels, 30, objects=(1, 3), canvas_size=48, scale=(12, 20), seed=1)
    assert scenes.images.shape == (30, 48, 48, 1) and scenes.images.dtype == np.float32
    assert scenes.boxes.shape == (30, 3, 4) and scenes.classes.shape == (30, 3)
    assert scenes.semantic.shape == scenes.instances.shape == (30, 48, 48)
    assert 0 <= scenes.images.min() and scenes.images.max() <= 1
    assert set(scenes.counts) <= {1, 2, 3} and len(set(scenes.counts)) > 1
    for i, count in enumerate(scenes.counts):
        assert np.all(scenes.classes[i, :count] >= 0) and np.all(scenes.classes[i, count:] == -1)
        assert np.all(scenes.boxes[i, count:] == 0)
        assert set(np.unique(scenes.instances[i])) <= set(range(count + 1))


def test_one_object_without_clutter_or_noise_box_and_mask_are_exactly_the_ink():
    images, labels = digits()
    scenes = make_scenes(images, labels, 50, clutter=0, noise=0.0, ink_threshold=0.5, seed=2)
    for i in range(len(scenes)):
        ink = scenes.images[i, ..., 0] >= 0.5
        assert ink_box(ink) == scenes.boxes[i, 0].tolist()
        assert np.array_equal(scenes.semantic[i], ink * (scenes.classes[i, 0] + 1))
        assert np.array_equal(scenes.instances[i], ink.astype("uint8"))


def test_every_object_mask_lies_in_its_box_and_has_its_class():
    images, labels = digits()
    scenes = make_scenes(images, labels, 40, objects=(2, 3), seed=3)
    for i in range(len(scenes)):
        for k in range(scenes.counts[i]):
            rows, cols = np.nonzero(scenes.instances[i] == k + 1)
            x0, y0, x1, y1 = scenes.boxes[i, k]
            assert len(rows) > 0
            assert cols.min() >= x0 and cols.max() < x1 and rows.min() >= y0 and rows.max() < y1
            assert np.all(scenes.semantic[i][rows, cols] == scenes.classes[i, k] + 1)
    assert np.array_equal(scenes.semantic > 0, scenes.instances > 0)


def test_boxes_respect_the_overlap_limit():
    images, labels = digits()
    scenes = make_scenes(images, labels, 60, objects=(3, 3), scale=(10, 16), max_overlap=0.1, seed=4)
    overlaps = box_iou_matrix(scenes.boxes, scenes.boxes) * (1 - np.eye(3))
    assert overlaps.max() <= 0.1 + 1e-6


def test_same_seed_same_scenes_other_seed_other_scenes():
    images, labels = digits()
    a, b = (make_scenes(images, labels, 10, objects=(1, 3), seed=5) for _ in range(2))
    c = make_scenes(images, labels, 10, objects=(1, 3), seed=6)
    for name in ("images", "boxes", "classes", "counts", "semantic", "instances"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert not np.array_equal(a.images, c.images)


def test_iou_matrix_worked_examples():
    ious = box_iou_matrix([[0, 0, 4, 4]], [[0, 0, 4, 4], [5, 5, 9, 9], [2, 0, 6, 4], [4, 0, 8, 4]])
    assert np.allclose(ious, [[1.0, 0.0, 1 / 3, 0.0]])


@pytest.mark.parametrize(("kwargs", "error", "names"), [
    ({"n_scenes": 0}, ValueError, "n_scenes"),
    ({"n_scenes": 2.5}, TypeError, "n_scenes"),
    ({"objects": (3, 1)}, ValueError, "objects"),
    ({"objects": 2}, TypeError, "objects"),
    ({"scale": (8, 100)}, ValueError, "scale"),
    ({"clutter": -1}, ValueError, "clutter"),
    ({"noise": -0.1}, ValueError, "noise"),
    ({"noise": "a little"}, TypeError, "noise"),
    ({"max_overlap": 1.5}, ValueError, "max_overlap"),
    ({"seed": -1}, ValueError, "seed"),
    ({"canvas_size": 4}, ValueError, "canvas_size"),
])
def test_bad_arguments_are_named(kwargs, error, names):
    images, labels = digits()
    arguments = {"n_scenes": 3, **kwargs}
    with pytest.raises(error, match=names):
        make_scenes(images, labels, **arguments)


def test_bad_images_and_labels_are_named():
    images, labels = digits()
    with pytest.raises(ValueError, match="images"):
        make_scenes(images[0], labels, 3)
    with pytest.raises(ValueError, match="labels"):
        make_scenes(images, labels[:-1], 3)
    with pytest.raises(ValueError, match="labels"):
        make_scenes(images, labels - 5, 3)
    with pytest.raises(ValueError, match="no ink"):
        make_scenes(np.zeros_like(images), labels, 3)
