"""Dataset and weight loaders: real data, Keras's own cache, clear offline errors.

Every loader goes through the stock Keras / scikit-learn loader where that
loader can read the cache, and reads the cached files directly where it
cannot (MNIST as IDX files, CIFAR-10 as extracted batches, IMDB as review
text). The cache is Keras's: ``$KERAS_HOME`` (default ``~/.keras``).
When a file is neither cached nor downloadable, or is corrupt, the loader
raises :class:`DataUnavailableError` with one sentence saying what to do.

Run ``python -m utils.data`` (``make data``) to fill the cache once, and
``python -m utils.data --pack course-data.zip`` to pack it for a classroom.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sys
import zipfile
from pathlib import Path

import numpy as np

from .config import SEED

CLASS_NAMES = {
    "digits": [str(d) for d in range(10)],
    "mnist": [str(d) for d in range(10)],
    "fashion_mnist": ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    "cifar10": ["airplane", "automobile", "bird", "cat", "deer",
                "dog", "frog", "horse", "ship", "truck"],
    "imdb": ["neg", "pos"],
}

_TITLES = {"digits": "scikit-learn digits", "mnist": "MNIST", "fashion_mnist": "Fashion-MNIST",
           "cifar10": "CIFAR-10", "imdb": "IMDB reviews (aclImdb)", "mobilenet": "MobileNet weights"}

IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"

# Official MD5 of each file in cifar-10-python.tar.gz (also what torchvision checks).
CIFAR10_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
}


class DataUnavailableError(RuntimeError):
    """A dataset or weight file is neither in the Keras cache nor downloadable (or is corrupt)."""


def keras_home() -> Path:
    """The Keras cache folder: ``$KERAS_HOME``, else ``~/.keras`` (as Keras decides it).

    Example:
        >>> (keras_home() / "datasets").name
        'datasets'
    """
    return Path(os.path.expanduser(os.environ.get("KERAS_HOME") or "~/.keras"))


def _unavailable(name: str, reason: str) -> DataUnavailableError:
    return DataUnavailableError(
        f"{_TITLES[name]} is not available ({reason}) and is not in the Keras cache "
        f"(KERAS_HOME={keras_home()}): run `make data` on a machine with internet access, "
        "or copy a prepared cache into that folder."
    )


def _is_network_error(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return isinstance(exc, OSError) or "URL fetch failure" in text or "urlopen" in text


def _fetch(name: str, load):
    """Run a stock loader, turning network failures and corrupt files into one clear error."""
    __tracebackhide__ = True
    try:
        return load()
    except DataUnavailableError:
        raise
    except Exception as exc:  # every failure below becomes one sentence
        if _is_network_error(exc):
            raise _unavailable(name, "the download failed: no network?") from None
        raise _unavailable(name, f"a cached file looks corrupt, {type(exc).__name__}: {exc}; "
                           "delete it so it can be fetched again") from None


def _check_arrays(name, arrays, expected_shapes):
    for array, shape in zip(arrays, expected_shapes, strict=True):
        if array.shape != shape:
            raise _unavailable(name, f"a cached file looks corrupt, an array has shape {array.shape}, "
                               f"expected {shape}; delete it so it can be fetched again")


def load_digits():
    """scikit-learn's 8x8 handwritten digits (1,797 images, shipped with scikit-learn).

    Returns ``x`` (1797, 64) float32 pixel intensities 0..16, ``y`` (1797,) int
    labels 0..9, and the class names. Split it yourself (that is part of the lesson).

    Example:
        >>> x, y, class_names = load_digits()
        >>> x.shape, y.shape
        ((1797, 64), (1797,))
    """
    from sklearn.datasets import load_digits as sk_load_digits

    digits = sk_load_digits()
    return digits.data.astype("float32"), digits.target.astype("int64"), CLASS_NAMES["digits"]


def load_fashion_mnist():
    """Fashion-MNIST through ``keras.datasets.fashion_mnist`` (60,000 train + 10,000 test).

    Returns ``(x_train, y_train), (x_test, y_test), class_names`` with uint8
    images (N, 28, 28) in 0..255 and uint8 labels (N,).

    Example:
        >>> (x_train, y_train), (x_test, y_test), class_names = load_fashion_mnist()
        >>> x_train.shape, class_names[9]
        ((60000, 28, 28), 'Ankle boot')
    """
    __tracebackhide__ = True
    import keras

    (x_train, y_train), (x_test, y_test) = _fetch("fashion_mnist", keras.datasets.fashion_mnist.load_data)
    _check_arrays("fashion_mnist", [x_train, y_train, x_test, y_test],
                  [(60000, 28, 28), (60000,), (10000, 28, 28), (10000,)])
    return (x_train, y_train), (x_test, y_test), CLASS_NAMES["fashion_mnist"]


def _read_idx(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_mnist():
    """MNIST handwritten digits (60,000 train + 10,000 test).

    Reads the original IDX files from ``$KERAS_HOME/datasets/mnist-idx/`` when
    they are there, otherwise uses ``keras.datasets.mnist.load_data()``.
    Returns ``(x_train, y_train), (x_test, y_test), class_names`` (uint8).

    Example:
        >>> (x_train, y_train), (x_test, y_test), class_names = load_mnist()
        >>> x_test.shape
        (10000, 28, 28)
    """
    __tracebackhide__ = True
    import keras

    folder = keras_home() / "datasets" / "mnist-idx"
    names = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    if all((folder / n).exists() for n in names):
        arrays = _fetch("mnist", lambda: [_read_idx(folder / n) for n in names])
    else:
        (x_train, y_train), (x_test, y_test) = _fetch("mnist", keras.datasets.mnist.load_data)
        arrays = [x_train, y_train, x_test, y_test]
    _check_arrays("mnist", arrays, [(60000, 28, 28), (60000,), (10000, 28, 28), (10000,)])
    x_train, y_train, x_test, y_test = arrays
    return (x_train, y_train), (x_test, y_test), CLASS_NAMES["mnist"]


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def load_cifar10(check_md5: bool = True):
    """CIFAR-10 (50,000 train + 10,000 test 32x32 colour images, 10 classes).

    Reads the extracted batches in ``$KERAS_HOME/datasets/cifar-10-batches-py-target/``
    when they are there (no 170 MB re-extraction), checking each file's official
    MD5; otherwise uses ``keras.datasets.cifar10.load_data()``. Returns
    ``(x_train, y_train), (x_test, y_test), class_names``: uint8 images
    (N, 32, 32, 3) channels-last, uint8 labels (N,).

    Example:
        >>> (x_train, y_train), (x_test, y_test), class_names = load_cifar10()
        >>> x_train.shape, class_names[3]
        ((50000, 32, 32, 3), 'cat')
    """
    __tracebackhide__ = True
    import keras

    folder = keras_home() / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    if all((folder / n).exists() for n in CIFAR10_MD5):
        if check_md5:
            bad = [n for n, md5 in CIFAR10_MD5.items() if _md5(folder / n) != md5]
            if bad:
                raise _unavailable("cifar10", f"cached file(s) {', '.join(bad)} in {folder} fail the MD5 check; "
                                   "delete that folder so it can be fetched again") from None
        from keras.src.datasets.cifar import load_batch

        def read():
            parts = [load_batch(str(folder / f"data_batch_{i}")) for i in range(1, 6)]
            x_tr = np.concatenate([p[0] for p in parts])
            y_tr = np.concatenate([np.asarray(p[1]) for p in parts])
            x_te, y_te = load_batch(str(folder / "test_batch"))
            return [x_tr, y_tr, x_te, np.asarray(y_te)]

        x_train, y_train, x_test, y_test = _fetch("cifar10", read)
        x_train, x_test = x_train.transpose(0, 2, 3, 1), x_test.transpose(0, 2, 3, 1)
    else:
        (x_train, y_train), (x_test, y_test) = _fetch("cifar10", keras.datasets.cifar10.load_data)
    arrays = [x_train, y_train.reshape(-1).astype("uint8"), x_test, y_test.reshape(-1).astype("uint8")]
    _check_arrays("cifar10", arrays, [(50000, 32, 32, 3), (50000,), (10000, 32, 32, 3), (10000,)])
    x_train, y_train, x_test, y_test = arrays
    return (x_train, y_train), (x_test, y_test), CLASS_NAMES["cifar10"]


def imdb_dir() -> Path:
    """The folder holding ``train/`` and ``test/`` of the aclImdb reviews, fetched if needed.

    Uses the extracted folder when it is already in the cache; otherwise
    ``keras.utils.get_file("aclImdb_v1", ..., untar=True)``, which extracts the
    cached archive (about 30 s) or downloads it.

    Example:
        >>> sorted(p.name for p in imdb_dir().iterdir() if p.is_dir())
        ['test', 'train']
    """
    __tracebackhide__ = True
    import keras

    extracted = keras_home() / "datasets" / "aclImdb_v1" / "aclImdb"
    if not (extracted / "test" / "pos").is_dir():
        root = _fetch("imdb", lambda: keras.utils.get_file("aclImdb_v1", IMDB_URL, untar=True))
        extracted = Path(root) / "aclImdb"
    counts = {split: len(list((extracted / split / "pos").glob("*.txt"))) for split in ("train", "test")}
    if counts != {"train": 12500, "test": 12500}:
        raise _unavailable("imdb", f"the extracted reviews in {extracted} are incomplete, {counts} positive "
                           "reviews where 12,500 each are expected; delete that folder so it can be extracted again")
    return extracted


def load_imdb(batch_size: int = 32, seed: int = SEED):
    """IMDB movie reviews as raw text: 25,000 train and 25,000 test, labels 0=neg, 1=pos.

    Returns ``train_ds, test_ds, class_names`` where each dataset is a batched
    ``tf.data.Dataset`` of ``(review_text, label)`` from
    ``keras.utils.text_dataset_from_directory``; the training set is shuffled
    with ``seed``.

    Example:
        >>> train_ds, test_ds, class_names = load_imdb(batch_size=64)
        >>> class_names
        ['neg', 'pos']
    """
    __tracebackhide__ = True
    import keras

    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
    root = imdb_dir()
    common = {"batch_size": batch_size, "class_names": CLASS_NAMES["imdb"], "verbose": False}
    train_ds = keras.utils.text_dataset_from_directory(root / "train", shuffle=True, seed=seed, **common)
    test_ds = keras.utils.text_dataset_from_directory(root / "test", shuffle=False, **common)
    return train_ds, test_ds, CLASS_NAMES["imdb"]


MOBILENET_SIZES = (128, 160, 192, 224)


def load_mobilenet(input_size: int = 224, include_top: bool = True, alpha: float = 0.25):
    """An ImageNet-pretrained MobileNet v1 from ``keras.applications``.

    The offline cache holds ``alpha=0.25`` at 224 and 128 pixels, with and
    without the classifier top; other variants download as usual.

    Example:
        >>> model = load_mobilenet(128, include_top=False)
        >>> model.output_shape
        (None, 4, 4, 256)
    """
    __tracebackhide__ = True
    import keras

    if input_size not in MOBILENET_SIZES:
        raise ValueError(f"input_size must be one of {MOBILENET_SIZES}, got {input_size!r}")
    if alpha not in (0.25, 0.5, 0.75, 1.0):
        raise ValueError(f"alpha must be one of 0.25, 0.5, 0.75, 1.0, got {alpha!r}")
    return _fetch("mobilenet", lambda: keras.applications.MobileNet(
        input_shape=(input_size, input_size, 3), alpha=alpha, include_top=include_top, weights="imagenet"))


_LOADERS = {"digits": load_digits, "mnist": load_mnist, "fashion_mnist": load_fashion_mnist,
            "cifar10": load_cifar10, "imdb": load_imdb}


def load_dataset(name: str, **kwargs):
    """Call the loader of the dataset called ``name`` (one of :data:`CLASS_NAMES`' keys).

    Example:
        >>> (x_train, y_train), (x_test, y_test), names = load_dataset("fashion_mnist")
    """
    __tracebackhide__ = True
    if name not in _LOADERS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {sorted(_LOADERS)}")
    return _LOADERS[name](**kwargs)


def stratified_subset(x, y, n: int, seed: int = SEED):
    """Take ``n`` samples of ``(x, y)`` keeping the class proportions (every class stays).

    ``y`` holds integer labels, shape (N,) or (N, 1). Useful for quick mode and
    for "few labels" experiments.

    Example:
        >>> x_small, y_small = stratified_subset(x_train, y_train, n=size(full=60000, quick=5000))
    """
    from sklearn.model_selection import train_test_split

    x, y = np.asarray(x), np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.reshape(-1)
    if y.ndim != 1:
        raise ValueError(f"y must hold integer labels of shape (N,) or (N, 1), got shape {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    n_classes = len(np.unique(y))
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not n_classes <= n <= len(y):
        raise ValueError(f"n must be an int between the number of classes ({n_classes}) and len(y) ({len(y)}), "
                         f"got {n!r}")
    if n == len(y):
        return x, y
    index = np.arange(len(y))
    chosen, _ = train_test_split(index, train_size=int(n), stratify=y, random_state=seed)
    chosen = np.sort(chosen)
    return x[chosen], y[chosen]


def download_all(verbose: bool = True) -> list[str]:
    """Fetch every dataset and weight file the course uses into the Keras cache.

    Example:
        >>> download_all()  # doctest: +SKIP
    """
    import keras

    steps = [("scikit-learn digits", load_digits), ("MNIST", load_mnist),
             ("Fashion-MNIST", load_fashion_mnist), ("CIFAR-10", load_cifar10), ("IMDB reviews", imdb_dir),
             ("IMDB word index", keras.datasets.imdb.get_word_index)]
    for size in (224, 128):
        for top in (True, False):
            steps.append((f"MobileNet 0.25 {size}px {'with' if top else 'without'} top",
                          lambda s=size, t=top: load_mobilenet(s, include_top=t)))
    steps.append(("ImageNet class index",
                  lambda: keras.applications.imagenet_utils.decode_predictions(np.eye(1, 1000))))
    failed = []
    for title, step in steps:
        try:
            step()
            status = "ok"
        except Exception as exc:  # report and carry on with the rest
            failed.append(title)
            status = f"FAILED: {exc}"
        if verbose:
            print(f"  {title:<36} {status}", flush=True)
    return failed


def pack_cache(target: str | os.PathLike) -> Path:
    """Zip the Keras cache (``datasets/`` and ``models/``) into ``target`` to hand around.

    Unzip it into another machine's ``~/.keras`` (or its ``$KERAS_HOME``).

    Example:
        >>> pack_cache("course-data.zip")  # doctest: +SKIP
    """
    target = Path(target).resolve()
    home = keras_home()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for sub in ("datasets", "models"):
            for path in sorted((home / sub).rglob("*")):
                if path.is_file() and "aclImdb_v1/" not in path.as_posix():  # the archive is enough
                    archive.write(path, path.relative_to(home).as_posix())
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m utils.data [--pack FILE]``: fill the cache, optionally pack it."""
    argv = sys.argv[1:] if argv is None else argv
    print(f"Filling the Keras cache at {keras_home()}")
    failed = download_all()
    if failed:
        print(f"{len(failed)} item(s) could not be fetched: {', '.join(failed)}")
        return 1
    if argv[:1] == ["--pack"] and len(argv) == 2:
        print(f"Packed the cache into {pack_cache(argv[1])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
