"""Loaders on the real cached data, subsetting, and the clear errors when data is missing or corrupt."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import utils
from utils import data


def _check_images(name, expected_train, expected_test, image_shape, n_classes=10):
    (x_train, y_train), (x_test, y_test), class_names = utils.load_dataset(name)
    assert x_train.shape == (expected_train, *image_shape) and x_test.shape == (expected_test, *image_shape)
    assert x_train.dtype == np.uint8 and y_train.shape == (expected_train,) and y_test.shape == (expected_test,)
    assert 0 == x_train.min() and x_train.max() == 255
    assert sorted(np.unique(y_train)) == list(range(n_classes)) and len(class_names) == n_classes
    return (x_train, y_train), (x_test, y_test), class_names


def test_fashion_mnist():
    (x_train, y_train), _, class_names = _check_images("fashion_mnist", 60000, 10000, (28, 28))
    assert class_names[0] == "T-shirt/top" and class_names[9] == "Ankle boot"
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert y_train[:5].tolist() == [9, 0, 0, 3, 0]  # the official file order


def test_mnist_from_idx_files():
    (x_train, y_train), (x_test, y_test), _ = _check_images("mnist", 60000, 10000, (28, 28))
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9] and y_test[:3].tolist() == [7, 2, 1]
    assert abs(x_train.mean() - 33.32) < 0.01  # the well-known MNIST mean pixel


def test_cifar10_from_extracted_batches():
    (x_train, y_train), (x_test, y_test), class_names = _check_images("cifar10", 50000, 10000, (32, 32, 3))
    assert class_names == ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    assert np.bincount(y_train).tolist() == [5000] * 10 and np.bincount(y_test).tolist() == [1000] * 10
    np.testing.assert_allclose(x_train.reshape(-1, 3).mean(axis=0), [125.31, 122.95, 113.87], atol=0.01)


def test_digits():
    x, y, class_names = utils.load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32 and y.shape == (1797,)
    assert x.min() == 0 and x.max() == 16 and class_names == [str(d) for d in range(10)]


def test_imdb_reviews_as_text():
    root = utils.imdb_dir()
    assert len(list((root / "train" / "neg").glob("*.txt"))) == 12500
    train_ds, test_ds, class_names = utils.load_imdb(batch_size=8)
    texts, labels = next(iter(test_ds))
    assert class_names == ["neg", "pos"] and texts.shape == (8,) and texts.dtype.name == "string"
    assert set(labels.numpy().tolist()) <= {0, 1} and len(texts.numpy()[0]) > 50
    assert int(train_ds.cardinality()) == 25000 // 8 and int(test_ds.cardinality()) == 25000 // 8
    with pytest.raises(ValueError, match="batch_size"):
        utils.load_imdb(batch_size=0)


def test_mobilenet_weights_are_real():
    import keras

    model = utils.load_mobilenet(128, include_top=True)
    assert model.output_shape == (None, 1000)
    # A plain grey image is no ImageNet class, but real weights give a confident, non-uniform answer.
    probs = model.predict(np.full((1, 128, 128, 3), 0.0, dtype="float32"), verbose=0)[0]
    assert abs(probs.sum() - 1) < 1e-4 and probs.max() > 10 / 1000
    decoded = keras.applications.mobilenet.decode_predictions(probs[None], top=3)[0]
    assert len(decoded) == 3 and all(isinstance(name, str) for _, name, _ in decoded)
    assert utils.load_mobilenet(224, include_top=False).output_shape == (None, 7, 7, 256)
    with pytest.raises(ValueError, match="input_size must be one of"):
        utils.load_mobilenet(100)


def test_load_dataset_rejects_unknown_names():
    with pytest.raises(ValueError, match=r"unknown dataset 'cifar100'; expected one of \['cifar10'"):
        utils.load_dataset("cifar100")


def test_stratified_subset_keeps_every_class_and_proportion():
    y = np.repeat(np.arange(10), [400, 300, 100, 100, 100, 100, 100, 100, 100, 100])
    x = np.arange(len(y))
    x_small, y_small = utils.stratified_subset(x, y, n=150)
    assert len(x_small) == 150 and set(y_small) == set(range(10))
    assert np.bincount(y_small)[0] == 40 and np.bincount(y_small)[1] == 30
    np.testing.assert_array_equal(y[x_small], y_small)  # x and y stay paired
    again = utils.stratified_subset(x, y, n=150)[0]
    np.testing.assert_array_equal(x_small, again)  # seeded


@pytest.mark.parametrize(("args", "message"), [
    ((np.zeros(10), np.arange(9)), "same length"),
    ((np.zeros(10), np.zeros((10, 2))), r"shape \(N,\) or \(N, 1\)"),
    ((np.zeros(10), np.arange(10) % 2, 1), "between the number of classes"),
    ((np.zeros(10), np.arange(10) % 2, 11), "between the number of classes"),
    ((np.zeros(10), np.arange(10) % 2, 2.5), "between the number of classes"),
])
def test_stratified_subset_bad_input(args, message):
    x, y, *n = args
    with pytest.raises(ValueError, match=message):
        utils.stratified_subset(x, y, n=n[0] if n else 5)


OFFLINE_SCRIPT = """
import json, utils
out = {}
for name, call in [("fashion_mnist", utils.load_fashion_mnist), ("mnist", utils.load_mnist),
                   ("cifar10", utils.load_cifar10), ("imdb", utils.load_imdb),
                   ("mobilenet", lambda: utils.load_mobilenet(128))]:
    try:
        call()
        out[name] = "loaded"
    except utils.DataUnavailableError as exc:
        out[name] = str(exc)
print("RESULT" + json.dumps(out))
"""


def _run_loaders(keras_home):
    env = {**os.environ, "KERAS_HOME": str(keras_home), "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", OFFLINE_SCRIPT], env=env, capture_output=True, text=True,
                          cwd=utils.ROOT, timeout=600)
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT")]
    assert line, done.stderr[-2000:]
    return json.loads(line[0][len("RESULT"):])


def _network_is_reachable():
    import socket

    try:
        socket.create_connection(("storage.googleapis.com", 443), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(_network_is_reachable(), reason="the offline error needs a machine without network")
def test_offline_empty_cache_gives_one_clear_sentence(tmp_path):
    messages = _run_loaders(tmp_path)
    for name, message in messages.items():
        assert message.startswith(f"{data._TITLES[name]} is not available ("), message
        assert f"KERAS_HOME={tmp_path}" in message and "`make data`" in message
        assert "\n" not in message and message.count(". ") == 0 and message.endswith(".")


def test_corrupt_cached_files_are_reported(tmp_path):
    source = data.keras_home() / "datasets"
    target = tmp_path / "datasets"
    shutil.copytree(source / "fashion-mnist", target / "fashion-mnist")
    labels = target / "fashion-mnist" / "train-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:1000])  # truncated download
    cifar = target / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    cifar.mkdir(parents=True)
    for name in data.CIFAR10_MD5:
        (cifar / name).write_bytes(b"not a cifar batch")
    messages = _run_loaders(tmp_path)
    assert messages["fashion_mnist"].startswith("Fashion-MNIST is not available (a cached file looks corrupt")
    assert "fail the MD5 check" in messages["cifar10"]
