"""Loaders on the real cached data, subsetting, and the clear errors when data is missing or corrupt."""

import gzip
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tarfile
import urllib.error

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


@pytest.mark.needs_data
def test_fashion_mnist():
    (x_train, y_train), _, class_names = _check_images("fashion_mnist", 60000, 10000, (28, 28))
    assert class_names[0] == "T-shirt/top" and class_names[9] == "Ankle boot"
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert y_train[:5].tolist() == [9, 0, 0, 3, 0]  # the official file order


@pytest.mark.needs_data
def test_mnist_from_idx_files():
    (x_train, y_train), (x_test, y_test), _ = _check_images("mnist", 60000, 10000, (28, 28))
    assert y_train[:5].tolist() == [5, 0, 4, 1, 9] and y_test[:3].tolist() == [7, 2, 1]
    assert abs(x_train.mean() - 33.32) < 0.01  # the well-known MNIST mean pixel


@pytest.mark.needs_data
def test_cifar10_from_extracted_batches():
    (x_train, y_train), (x_test, y_test), class_names = _check_images("cifar10", 50000, 10000, (32, 32, 3))
    assert class_names == ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    assert np.bincount(y_train).tolist() == [5000] * 10 and np.bincount(y_test).tolist() == [1000] * 10
    np.testing.assert_allclose(x_train.reshape(-1, 3).mean(axis=0), [125.31, 122.95, 113.87], atol=0.01)


def test_digits():
    x, y, class_names = utils.load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float32 and y.shape == (1797,)
    assert x.min() == 0 and x.max() == 16 and class_names == [str(d) for d in range(10)]


@pytest.mark.needs_data
def test_imdb_reviews_as_text():
    root = utils.imdb_dir()
    assert len(list((root / "train" / "neg").glob("*.txt"))) == 12500
    train_ds, test_ds, class_names = utils.load_imdb(batch_size=8)
    texts, labels = next(iter(test_ds))
    assert class_names == ["neg", "pos"] and texts.shape == (8,) and texts.dtype.name == "string"
    assert set(labels.numpy().tolist()) <= {0, 1} and len(texts.numpy()[0]) > 50
    assert int(train_ds.cardinality()) == 25000 // 8 and int(test_ds.cardinality()) == 25000 // 8
    with pytest.raises(ValueError, match="batch_size must be a positive whole number"):
        utils.load_imdb(batch_size=0)
    assert (root / ".utils-extraction-complete").is_file()  # checked complete, then marked


@pytest.mark.needs_data
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


def test_stratified_subset_keeps_rare_classes_of_imbalanced_labels():
    y = np.repeat([0, 1, 2], [1000, 10, 10])
    x = np.arange(len(y)) * 10
    for n in (3, 20, 50, 1019):
        x_small, y_small = utils.stratified_subset(x, y, n=np.int64(n))
        assert len(y_small) == n and set(y_small) == {0, 1, 2}, (n, np.bincount(y_small))
        np.testing.assert_array_equal(y[x_small // 10], y_small)
    assert np.bincount(utils.stratified_subset(x, y, n=20)[1]).tolist() == [18, 1, 1]
    singletons = np.array([0, 0, 0, 0, 1, 2])  # classes with one member each
    assert set(utils.stratified_subset(np.arange(6), singletons, n=4)[1]) == {0, 1, 2}


def test_stratified_subset_always_returns_copies():
    x, y = np.arange(20).reshape(10, 2), np.arange(10) % 2
    for n in (4, 10):
        x_small, y_small = utils.stratified_subset(x, y, n=n)
        assert not np.shares_memory(x_small, x) and not np.shares_memory(y_small, y)
    y_column = y.reshape(-1, 1)
    assert not np.shares_memory(utils.stratified_subset(x, y_column, n=10)[1], y_column)


@pytest.mark.parametrize(("args", "error", "message"), [
    ((np.zeros(10), np.arange(9)), ValueError, "same length"),
    ((np.zeros(10), np.zeros((10, 2))), ValueError, r"shape \(N,\) or \(N, 1\)"),
    ((np.zeros(10), np.arange(10) % 2, 1), ValueError, "between the number of classes"),
    ((np.zeros(10), np.arange(10) % 2, 11), ValueError, "between the number of classes"),
    ((np.zeros(10), np.arange(10) % 2, 0), ValueError, "n must be a positive whole number"),
    ((np.zeros(10), np.arange(10) % 2, 2.5), TypeError, "n must be a whole number"),
    ((np.zeros(10), np.arange(10) % 2, 4.0), TypeError, "n must be a whole number"),
    ((np.zeros(10), np.arange(10) % 2, "4"), TypeError, "n must be a whole number"),
])
def test_stratified_subset_bad_input(args, error, message):
    x, y, *n = args
    with pytest.raises(error, match=message):
        utils.stratified_subset(x, y, n=n[0] if n else 5)
    with pytest.raises(TypeError, match="seed must be a whole number"):
        utils.stratified_subset(np.zeros(10), np.arange(10) % 2, n=4, seed=1.5)


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


@pytest.mark.needs_data
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
    assert messages["fashion_mnist"] == (f"Fashion-MNIST: the cached file {labels} fails its MD5 checksum (truncated "
                                         "or damaged; expected 25c81989df183df01b3e8a0aad5dffbe); delete that file "
                                         "and run `make data` to fetch it again.")
    assert f"the cached file {cifar / 'data_batch_1'} fails its MD5 checksum" in messages["cifar10"]


# --- damaged caches, in-process (the loaders read KERAS_HOME when called) ----------------------------------


def _cache_with(tmp_path, monkeypatch, *folders):
    for folder in folders:
        shutil.copytree(SHARED / folder, tmp_path / folder)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


SHARED = data.keras_home()


def _rewrite_gz(path, change):
    raw = bytearray(gzip.decompress(path.read_bytes()))
    change(raw)
    path.write_bytes(gzip.compress(bytes(raw)))


@pytest.mark.needs_data
def test_a_byte_flipped_mnist_label_file_is_caught_not_returned_as_label_200(tmp_path, monkeypatch):
    home = _cache_with(tmp_path, monkeypatch, "datasets/mnist-idx")
    labels = home / "datasets" / "mnist-idx" / "t10k-labels-idx1-ubyte.gz"
    _rewrite_gz(labels, lambda raw: raw.__setitem__(8, 200))  # still a valid gzip file
    with pytest.raises(utils.DataUnavailableError) as info:
        utils.load_mnist()
    message = str(info.value)
    assert f"the cached file {labels} fails its MD5 checksum" in message
    assert "delete that file and run `make data`" in message and "network" not in message


@pytest.mark.needs_data
def test_idx_structure_is_checked_even_without_a_checksum(tmp_path, monkeypatch):
    home = _cache_with(tmp_path, monkeypatch, "datasets/mnist-idx")
    labels = home / "datasets" / "mnist-idx" / "t10k-labels-idx1-ubyte.gz"
    _rewrite_gz(labels, lambda raw: raw.__setitem__(8, 200))
    with pytest.raises(utils.DataUnavailableError, match="holds label 200, outside 0..9"):
        data._check_labels("mnist", labels, data._read_idx("mnist", labels, (10000,)), 10)
    labels.write_bytes(b"not gzip at all")
    with pytest.raises(utils.DataUnavailableError, match="is not a readable gzip file") as info:
        data._read_idx("mnist", labels, (10000,))
    assert info.value.__cause__ is not None  # the original error is kept


@pytest.mark.needs_data
def test_a_garbage_cifar_batch_is_named_with_its_cause_when_md5_is_off(tmp_path, monkeypatch):
    home = _cache_with(tmp_path, monkeypatch, "datasets/cifar-10-batches-py-target")
    batch = home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py" / "data_batch_3"
    batch.write_bytes(b"\x80\x04garbage")
    with pytest.raises(utils.DataUnavailableError, match="fails its MD5 checksum"):
        utils.load_cifar10()
    with pytest.raises(utils.DataUnavailableError, match=f"{batch} is not a readable CIFAR batch") as info:
        utils.load_cifar10(check_md5=False)
    assert isinstance(info.value.__cause__, Exception)


def test_keras_home_pointing_at_a_file_is_named_as_such(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "keras_home.zip"
    not_a_folder.write_bytes(b"PK")
    monkeypatch.setenv("KERAS_HOME", str(not_a_folder))
    for load in (utils.load_mnist, utils.load_fashion_mnist, utils.load_cifar10, utils.imdb_dir,
                 lambda: utils.load_mobilenet(128)):
        with pytest.raises(utils.DataUnavailableError) as info:
            load()
        assert f"KERAS_HOME={not_a_folder} is a file, not a folder" in str(info.value)
        assert "network" not in str(info.value)


def test_an_empty_mobilenet_weights_file_is_named(tmp_path, monkeypatch):
    weights = tmp_path / "models" / "mobilenet_2_5_128_tf_no_top.h5"
    weights.parent.mkdir()
    weights.write_bytes(b"")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(utils.DataUnavailableError, match=f"the cached file {weights} is empty"):
        utils.load_mobilenet(128, include_top=False)
    weights.write_bytes(b"\x89HDF\r\n" + b"\0" * 100)  # a truncated download
    with pytest.raises(utils.DataUnavailableError, match="is not a readable HDF5 weights file") as info:
        utils.load_mobilenet(128, include_top=False)
    assert info.value.__cause__ is not None and "delete that file and run `make data`" in str(info.value)


def test_a_real_network_failure_says_no_network_and_keeps_the_cause(tmp_path, monkeypatch):
    import keras

    def offline(fname, origin, **kwargs):
        try:
            raise urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))
        except urllib.error.URLError as e:
            raise Exception(f"URL fetch failure on {origin}: None -- {e.reason}")  # noqa: B904 - as Keras does

    monkeypatch.setattr(keras.utils, "get_file", offline)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    for load, title in ((utils.load_mnist, "MNIST"), (utils.load_fashion_mnist, "Fashion-MNIST"),
                        (utils.load_cifar10, "CIFAR-10"), (utils.imdb_dir, "IMDB reviews (aclImdb)")):
        with pytest.raises(utils.DataUnavailableError) as info:
            load()
        message = str(info.value)
        assert message.startswith(f"{title} is not available (the download of ") and "no network (" in message
        assert message.count(". ") == 0 and "`make data`" in message
        assert str(info.value.__cause__).startswith("URL fetch failure")


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: utils.load_mobilenet(128.0), TypeError, "input_size must be a whole number"),
    (lambda: utils.load_mobilenet("128"), TypeError, "input_size must be a whole number"),
    (lambda: utils.load_mobilenet(100), ValueError, "input_size must be one of"),
    (lambda: utils.load_mobilenet(128, include_top="no"), TypeError, "include_top must be True or False"),
    (lambda: utils.load_mobilenet(128, alpha="0.25"), TypeError, "alpha must be a number"),
    (lambda: utils.load_mobilenet(128, alpha=0.3), ValueError, "alpha must be one of"),
    (lambda: utils.load_imdb(batch_size=32.0), TypeError, "batch_size must be a whole number"),
    (lambda: utils.load_imdb(batch_size=-1), ValueError, "batch_size must be a positive whole number"),
    (lambda: utils.load_imdb(seed="1"), TypeError, "seed must be a whole number"),
    (lambda: utils.load_cifar10(check_md5="yes"), TypeError, "check_md5 must be True or False"),
    (lambda: utils.load_dataset(3), TypeError, "name must be a dataset name"),
])
def test_bad_arguments_are_argument_errors_raised_before_any_file_is_touched(tmp_path, monkeypatch, call, error,
                                                                             message):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    monkeypatch.setenv("KERAS_HOME", str(not_a_folder))  # any file access would raise DataUnavailableError
    with pytest.raises(error, match=message):
        call()


def _tiny_imdb_archive(path, per_folder, truncate=False):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for split in ("train", "test"):
            for label in ("pos", "neg", "unsup") if split == "train" else ("pos", "neg"):
                for i in range(per_folder if label != "unsup" else 0):
                    body = f"review {split} {label} {i} ".encode() * 20
                    info = tarfile.TarInfo(f"aclImdb/{split}/{label}/{i}_7.txt")
                    info.size = len(body)
                    tar.addfile(info, io.BytesIO(body))
    raw = buffer.getvalue()
    path.write_bytes(raw[: len(raw) // 2] if truncate else raw)


def test_a_half_done_imdb_extraction_is_never_used(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(data, "IMDB_REVIEWS_PER_FOLDER", 3)
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    _tiny_imdb_archive(datasets / "aclImdb_v1_archive", per_folder=3)
    # an interrupted extraction: train and test/pos complete, test/neg cut short, no completion mark
    half = datasets / "aclImdb_v1" / "aclImdb"
    for split, label, n in (("train", "pos", 3), ("train", "neg", 3), ("test", "pos", 3), ("test", "neg", 1)):
        (half / split / label).mkdir(parents=True)
        for i in range(n):
            (half / split / label / f"{i}_7.txt").write_text("old")
    (datasets / "aclImdb_v1.partial-999999999").mkdir()  # left by a killed extraction
    root = utils.imdb_dir()
    assert root == half and (root / ".utils-extraction-complete").is_file()
    assert {f"{s}/{lab}": len(list((root / s / lab).glob("*.txt"))) for s in ("train", "test")
            for lab in ("pos", "neg")} == dict.fromkeys(["train/pos", "train/neg", "test/pos", "test/neg"], 3)
    assert (root / "test" / "neg" / "0_7.txt").read_text().startswith("review test neg 0")
    assert sorted(p.name for p in datasets.iterdir()) == ["aclImdb_v1", "aclImdb_v1_archive"]
    assert utils.imdb_dir() == root  # marked: used as it is


@pytest.mark.parametrize(("per_folder", "truncate", "message"), [
    (3, True, "cannot be extracted"), (2, False, "is incomplete")])
def test_a_damaged_imdb_archive_is_named_and_leaves_nothing_half_done(tmp_path, monkeypatch, per_folder, truncate,
                                                                      message):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(data, "IMDB_REVIEWS_PER_FOLDER", 3)
    archive = tmp_path / "datasets" / "aclImdb_v1_archive"
    archive.parent.mkdir()
    _tiny_imdb_archive(archive, per_folder=per_folder, truncate=truncate)
    with pytest.raises(utils.DataUnavailableError, match=message) as info:
        utils.imdb_dir()
    assert f"the cached file {archive}" in str(info.value) and "delete that file and run `make data`" in str(info.value)
    assert sorted(p.name for p in archive.parent.iterdir()) == ["aclImdb_v1_archive"]


def test_imdb_extraction_finished_by_another_process_meanwhile_is_kept_not_replaced(tmp_path, monkeypatch):
    """Two notebooks (make test runs two at once) may extract IMDB together: the second must not delete the
    first one's finished folder, which the first may be reading."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    finished = tmp_path / "datasets" / "aclImdb_v1" / "aclImdb"
    expected = {f"{split}/{label}": data.IMDB_REVIEWS_PER_FOLDER for split in ("train", "test")
                for label in ("pos", "neg")}

    def extract_while_another_process_finishes(archive, into):
        (into / "aclImdb").mkdir(parents=True)
        finished.mkdir(parents=True)
        (finished / data._IMDB_MARKER).write_text("the other process")

    monkeypatch.setattr(data, "_download", lambda *args, **kwargs: tmp_path / "archive")
    monkeypatch.setattr(data, "_extract_tar", extract_while_another_process_finishes)
    monkeypatch.setattr(data, "_imdb_counts", lambda root: expected)
    assert data.imdb_dir() == finished
    assert (finished / data._IMDB_MARKER).read_text() == "the other process"
    assert not list((tmp_path / "datasets").glob("aclImdb_v1.partial-*"))
