"""Dataset and weight loaders: real data, Keras's own cache, errors that name the true cause.

Every file comes through Keras's own download machinery (``keras.utils.get_file``,
``keras.applications``) into Keras's cache, ``$KERAS_HOME`` (default ``~/.keras``),
and is read from there: MNIST and Fashion-MNIST as their original IDX files,
CIFAR-10 as its extracted python batches, IMDB as review text.

Every cached file that has a published checksum is checked before it is used
(MD5 below, with the source of each value); for the others, what can be checked
is (sizes, shapes, label ranges, counts). A failure raises
:class:`DataUnavailableError` with one sentence naming the true cause:

* no network (only for a real network failure while downloading),
* a damaged cached file (named, with the fix: delete that file and run ``make data``),
* ``KERAS_HOME`` pointing at a file.

A wrong argument raises ``TypeError`` / ``ValueError`` naming the parameter,
before any file is touched.

Run ``python -m utils.data`` (``make data``) to fill the cache once, and
``python -m utils.data --pack course-data.zip`` to pack it for a classroom.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import numbers
import os
import pickle
import shutil
import socket
import sys
import tarfile
import urllib.error
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .config import SEED, check_bool, check_int, check_positive_int

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
#: Reviews expected in each of aclImdb's train/pos, train/neg, test/pos and test/neg folders.
IMDB_REVIEWS_PER_FOLDER = 12500
_IMDB_MARKER = ".utils-extraction-complete"

# Official MD5 of each file in cifar-10-python.tar.gz: the values torchvision checks
# (github.com/pytorch/vision, torchvision/datasets/cifar.py), verified against the cached files.
CIFAR10_MD5 = {
    "data_batch_1": "c99cafc152244af753f735de768cd75f",
    "data_batch_2": "d4bba439e000b95fd0a9bffe97cbabec",
    "data_batch_3": "54ebc095f3ab1f0389bbae665268c751",
    "data_batch_4": "634d18415352ddfa80567beed471001a",
    "data_batch_5": "482c414d41f54cd18b22e5b47cb7c3cb",
    "test_batch": "40351d587109b95175f43aff81a1287e",
}

# The official archive and the SHA-256 keras.datasets.cifar10.load_data() checks (keras/src/datasets/cifar10.py).
CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_ARCHIVE_SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"

# MNIST IDX files: the MD5s torchvision checks (github.com/pytorch/vision, torchvision/datasets/mnist.py,
# MNIST.resources), verified against the cached files. Origin: torchvision's mirror of the original files.
MNIST_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"
MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
}

# Fashion-MNIST: the official MD5s published in the "Get the Data" table of
# github.com/zalandoresearch/fashion-mnist (README.md), verified against the cached files.
# Origin: the files keras.datasets.fashion_mnist downloads, cached where it caches them.
FASHION_MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
FASHION_MNIST_MD5 = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
}

_IDX_SHAPES = {"train-images-idx3-ubyte.gz": (60000, 28, 28), "train-labels-idx1-ubyte.gz": (60000,),
               "t10k-images-idx3-ubyte.gz": (10000, 28, 28), "t10k-labels-idx1-ubyte.gz": (10000,)}

MOBILENET_SIZES = (128, 160, 192, 224)
MOBILENET_ALPHAS = (0.25, 0.5, 0.75, 1.0)


class DataUnavailableError(RuntimeError):
    """A dataset or weight file cannot be used: not cached and not downloadable, damaged, or a bad cache folder."""


def _keras_home_path() -> Path:
    return Path(os.path.expanduser(os.environ.get("KERAS_HOME") or "~/.keras"))


def keras_home() -> Path:
    """The Keras cache folder: ``$KERAS_HOME``, else ``~/.keras`` (as Keras decides it).

    Raises :class:`DataUnavailableError` when that path exists but is not a folder.

    Example:
        >>> (keras_home() / "datasets").name
        'datasets'
    """
    home = _keras_home_path()
    if home.exists() and not home.is_dir():
        where = "KERAS_HOME" if os.environ.get("KERAS_HOME") else "the Keras cache path"
        raise DataUnavailableError(f"{where}={home} is a file, not a folder: point KERAS_HOME at the folder "
                                   "that holds the Keras cache (its datasets/ and models/), or unset it to use "
                                   "~/.keras.")
    return home


def _unavailable(name: str, reason: str) -> DataUnavailableError:
    return DataUnavailableError(
        f"{_TITLES[name]} is not available ({reason}) and is not in the Keras cache "
        f"(KERAS_HOME={_keras_home_path()}): run `make data` on a machine with internet access, "
        "or copy a prepared cache into that folder."
    )


def _damaged(name: str, path: Path, problem: str) -> DataUnavailableError:
    return DataUnavailableError(
        f"{_TITLES[name]}: the cached file {path} {problem}; delete that file and run `make data` "
        "to fetch it again."
    )


_NETWORK_ERRORS = (urllib.error.URLError, socket.timeout, socket.gaierror, ConnectionError, TimeoutError)


def _network_cause(exc: BaseException) -> BaseException | None:
    """The network error behind ``exc`` (Keras wraps URLError in a plain Exception), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, _NETWORK_ERRORS) or str(exc).startswith("URL fetch failure"):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _short(exc: BaseException) -> str:
    """``Type: first line of the message``, short and without sentence breaks, for a one-sentence error."""
    text = str(exc).strip().splitlines()[0][:150] if str(exc).strip() else ""
    text = text.replace(". ", "; ").rstrip(".")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _download(name: str, fname: str, origin: str, subdir: str, file_hash: str | None = None,
              untar: bool = False) -> Path:
    """``keras.utils.get_file`` into ``$KERAS_HOME/<subdir>``; a network failure becomes one clear sentence.

    ``file_hash`` is an MD5 (32 hex digits) or SHA-256 (64); Keras checks the download against it.
    """
    import keras

    home = keras_home()
    with contextlib.suppress(OSError):  # Keras falls back to /tmp/.keras when the folder does not exist yet
        home.mkdir(parents=True, exist_ok=True)
    algorithm = "md5" if file_hash and len(file_hash) == 32 else "sha256"
    try:
        path = keras.utils.get_file(fname, origin, cache_dir=str(home), cache_subdir=subdir, untar=untar,
                                    file_hash=file_hash, hash_algorithm=algorithm)
    except Exception as exc:
        cause = _network_cause(exc)
        if cause is not None:
            raise _unavailable(name, f"the download of {fname} failed, no network ({type(cause).__name__})") from exc
        if isinstance(exc, ValueError) and "corrupted" in str(exc):
            raise _damaged(name, home / subdir / fname, f"was downloaded but fails its {algorithm} checksum") from exc
        if isinstance(exc, OSError):
            raise DataUnavailableError(f"{_TITLES[name]}: cannot write into the Keras cache {home / subdir} "
                                       f"({_short(exc)}); check that folder's permissions or point KERAS_HOME "
                                       "at a writable folder.") from exc
        raise
    return Path(path)


_VERIFIED: dict[tuple, bool] = {}


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_md5(name: str, path: Path, expected: str) -> None:
    """Raise a "damaged file" error naming ``path`` unless its MD5 is ``expected`` (memoised per file state)."""
    try:
        stat = path.stat()
        key = (str(path), stat.st_size, stat.st_mtime_ns, expected)
        if key not in _VERIFIED:
            _VERIFIED[key] = _md5(path) == expected
    except OSError as exc:
        raise _damaged(name, path, f"cannot be read ({_short(exc)})") from exc
    if not _VERIFIED[key]:
        raise _damaged(name, path, f"fails its MD5 checksum (truncated or damaged; expected {expected})")


def _cached_or_download(name: str, folder: str, fname: str, origin: str, md5: str) -> Path:
    """The cached file ``datasets/<folder>/<fname>``, MD5-checked; downloaded (and checked) if missing."""
    path = keras_home() / "datasets" / folder / fname
    if not path.exists():
        path = _download(name, fname, origin + fname, f"datasets/{folder}", file_hash=md5)
    _check_md5(name, path, md5)
    return path


def _read_idx(name: str, path: Path, shape: tuple[int, ...]) -> np.ndarray:
    """Read a gzipped IDX file (uint8) and check its header, shape and size, naming the file on failure."""
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as exc:
        raise _damaged(name, path, f"is not a readable gzip file ({_short(exc)})") from exc
    ndim = len(shape)
    header = 4 + 4 * ndim
    if len(data) < header or data[:3] != b"\x00\x00\x08" or data[3] != ndim:
        raise _damaged(name, path, f"has no valid IDX header for a {ndim}-D uint8 array")
    dims = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    if dims != shape or len(data) != header + int(np.prod(shape)):
        raise _damaged(name, path, f"holds {len(data) - header} values of shape {dims}, expected shape {shape}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape).copy()


def _check_labels(name: str, path: Path, labels: np.ndarray, n_classes: int) -> None:
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
        raise _damaged(name, path, f"holds label {int(labels.max())}, outside 0..{n_classes - 1}")


def _load_idx_dataset(name: str, folder: str, origin: str, md5s: dict[str, str]):
    arrays = {}
    for fname, md5 in md5s.items():
        path = _cached_or_download(name, folder, fname, origin, md5)
        arrays[fname] = _read_idx(name, path, _IDX_SHAPES[fname])
        if "labels" in fname:
            _check_labels(name, path, arrays[fname], 10)
    return ((arrays["train-images-idx3-ubyte.gz"], arrays["train-labels-idx1-ubyte.gz"]),
            (arrays["t10k-images-idx3-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"]))


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
    """Fashion-MNIST (60,000 train + 10,000 test), from the files ``keras.datasets.fashion_mnist`` uses.

    The four IDX files are cached in ``$KERAS_HOME/datasets/fashion-mnist/``
    (where Keras keeps them; downloaded from the same address if missing) and
    each is checked against Zalando's published MD5 before it is read.
    Returns ``(x_train, y_train), (x_test, y_test), class_names`` with uint8
    images (N, 28, 28) in 0..255 and uint8 labels (N,).

    Example:
        >>> (x_train, y_train), (x_test, y_test), class_names = load_fashion_mnist()
        >>> x_train.shape, class_names[9]
        ((60000, 28, 28), 'Ankle boot')
    """
    __tracebackhide__ = True
    train, test = _load_idx_dataset("fashion_mnist", "fashion-mnist", FASHION_MNIST_URL, FASHION_MNIST_MD5)
    return train, test, CLASS_NAMES["fashion_mnist"]


def load_mnist():
    """MNIST handwritten digits (60,000 train + 10,000 test), from the original IDX files.

    The files are cached in ``$KERAS_HOME/datasets/mnist-idx/`` (downloaded
    with ``keras.utils.get_file`` if missing) and each is checked against its
    published MD5 before it is read. Returns ``(x_train, y_train), (x_test, y_test), class_names`` (uint8).

    Example:
        >>> (x_train, y_train), (x_test, y_test), class_names = load_mnist()
        >>> x_test.shape
        (10000, 28, 28)
    """
    __tracebackhide__ = True
    train, test = _load_idx_dataset("mnist", "mnist-idx", MNIST_URL, MNIST_MD5)
    return train, test, CLASS_NAMES["mnist"]


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickle only what a CIFAR batch holds (dicts, lists, bytes, NumPy arrays): no arbitrary code."""

    _ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"), ("numpy.core.multiarray", "_reconstruct"),
                ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "scalar"),
                ("numpy._core.multiarray", "scalar")}

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected object {module}.{name} in a CIFAR batch")


def _read_cifar_batch(path: Path, n: int) -> tuple[np.ndarray, np.ndarray]:
    """One CIFAR-10 python batch: (n, 3, 32, 32) uint8 images and (n,) uint8 labels 0..9."""
    try:
        with open(path, "rb") as f:
            batch = _ArrayUnpickler(f, encoding="bytes").load()
        data = np.asarray(batch[b"data"], dtype=np.uint8)
        labels = np.asarray(batch[b"labels"])
    except Exception as exc:  # any failure to unpickle means the file is damaged
        raise _damaged("cifar10", path, f"is not a readable CIFAR batch ({_short(exc)})") from exc
    if data.shape != (n, 3 * 32 * 32) or labels.shape != (n,):
        raise _damaged("cifar10", path, f"holds arrays of shape {data.shape} and {labels.shape}, "
                       f"expected ({n}, 3072) and ({n},)")
    _check_labels("cifar10", path, labels, 10)
    return data.reshape(n, 3, 32, 32), labels.astype(np.uint8)


def load_cifar10(check_md5: bool = True):
    """CIFAR-10 (50,000 train + 10,000 test 32x32 colour images, 10 classes).

    Reads the extracted batches in ``$KERAS_HOME/datasets/cifar-10-batches-py-target/``
    when they are there (no 170 MB re-extraction), checking each file's official
    MD5; otherwise uses ``keras.datasets.cifar10.load_data()``, which downloads
    and extracts the official archive (checked by SHA-256) into that folder.
    Returns ``(x_train, y_train), (x_test, y_test), class_names``: uint8 images
    (N, 32, 32, 3) channels-last, uint8 labels (N,).

    Example:
        >>> (x_train, y_train), (x_test, y_test), class_names = load_cifar10()
        >>> x_train.shape, class_names[3]
        ((50000, 32, 32, 3), 'cat')
    """
    __tracebackhide__ = True
    check_md5 = check_bool("check_md5", check_md5)
    folder = keras_home() / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    if not all((folder / n).exists() for n in CIFAR10_MD5):
        # What keras.datasets.cifar10.load_data() does: fetch the official archive (checked by SHA-256)
        # and extract it into datasets/cifar-10-batches-py-target/.
        root = _download("cifar10", "cifar-10-batches-py-target", CIFAR10_URL, "datasets",
                         file_hash=CIFAR10_ARCHIVE_SHA256, untar=True)
        folder = root / "cifar-10-batches-py"
    missing = [n for n in CIFAR10_MD5 if not (folder / n).exists()]
    if missing:
        archive = keras_home() / "datasets" / "cifar-10-batches-py-target_archive"
        raise _damaged("cifar10", archive, f"did not extract {', '.join(missing)} into {folder}")
    parts = {}
    for n, md5 in CIFAR10_MD5.items():
        if check_md5:
            _check_md5("cifar10", folder / n, md5)
        parts[n] = _read_cifar_batch(folder / n, 10000)
    x_train = np.concatenate([parts[f"data_batch_{i}"][0] for i in range(1, 6)]).transpose(0, 2, 3, 1)
    y_train = np.concatenate([parts[f"data_batch_{i}"][1] for i in range(1, 6)])
    x_test, y_test = parts["test_batch"][0].transpose(0, 2, 3, 1), parts["test_batch"][1]
    return (x_train, y_train), (x_test, y_test), CLASS_NAMES["cifar10"]


def _imdb_counts(root: Path) -> dict[str, int]:
    counts = {}
    for split in ("train", "test"):
        for label in ("pos", "neg"):
            folder = root / split / label
            counts[f"{split}/{label}"] = (sum(1 for e in os.scandir(folder)
                                              if e.name.endswith(".txt") and e.is_file() and e.stat().st_size > 0)
                                          if folder.is_dir() else 0)
    return counts


def _process_alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _extract_tar(archive: Path, into: Path) -> None:
    """Extract a .tar.gz with only plain files and folders under ``into`` (no links, no absolute or .. paths)."""
    with tarfile.open(archive, "r:*") as tar:
        members = [m for m in tar.getmembers() if (m.isfile() or m.isdir()) and not Path(m.name).is_absolute()
                   and ".." not in Path(m.name).parts]
        kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(into, members=members, **kwargs)


def imdb_dir() -> Path:
    """The folder holding ``train/`` and ``test/`` of the aclImdb reviews, extracted (and fetched) if needed.

    The archive is fetched with ``keras.utils.get_file`` (from the cache,
    ``datasets/aclImdb_v1_archive``, or downloaded) and extracted into a
    temporary folder that becomes ``datasets/aclImdb_v1/`` only once it is
    checked complete (12,500 non-empty reviews in each of train/pos,
    train/neg, test/pos, test/neg) and marked so. An interrupted extraction
    therefore never looks finished, and a folder without the mark (left by an
    older extraction) is replaced rather than trusted. Extracting takes about 30 s.

    Example:
        >>> sorted(p.name for p in imdb_dir().iterdir() if p.is_dir())
        ['test', 'train']
    """
    __tracebackhide__ = True
    datasets = keras_home() / "datasets"
    target = datasets / "aclImdb_v1"
    extracted = target / "aclImdb"
    if (extracted / _IMDB_MARKER).is_file():
        return extracted
    expected = {f"{split}/{label}": IMDB_REVIEWS_PER_FOLDER for split in ("train", "test") for label in ("pos", "neg")}
    for stale in datasets.glob("aclImdb_v1.partial-*"):  # left by an interrupted extraction
        if not _process_alive(stale.name.rsplit("-", 1)[-1]):
            shutil.rmtree(stale, ignore_errors=True)
    archive = _download("imdb", "aclImdb_v1_archive", IMDB_URL, "datasets")
    partial = datasets / f"aclImdb_v1.partial-{os.getpid()}"
    try:
        _extract_tar(archive, partial)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:  # a truncated or damaged download
        shutil.rmtree(partial, ignore_errors=True)
        raise _damaged("imdb", archive, f"cannot be extracted ({_short(exc)})") from exc
    counts = _imdb_counts(partial / "aclImdb")
    if counts != expected:
        shutil.rmtree(partial, ignore_errors=True)
        raise _damaged("imdb", archive, f"is incomplete: it holds {counts} non-empty reviews where "
                       f"{IMDB_REVIEWS_PER_FOLDER} per folder are expected")
    (partial / "aclImdb" / _IMDB_MARKER).write_text(json.dumps(counts))
    if (extracted / _IMDB_MARKER).is_file():  # another process finished first, and may be reading it: keep it
        shutil.rmtree(partial, ignore_errors=True)
        return extracted
    if target.exists():  # an unmarked (half-done or unchecked) extraction: replace it
        trash = datasets / f"aclImdb_v1.partial-old-{os.getpid()}"
        with contextlib.suppress(OSError):
            target.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
    try:
        partial.rename(target)
    except OSError:  # another process finished first: use its (marked) extraction
        shutil.rmtree(partial, ignore_errors=True)
        if not (extracted / _IMDB_MARKER).is_file():
            raise
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

    batch_size = check_positive_int("batch_size", batch_size)
    seed = check_int("seed", seed, minimum=0)
    root = imdb_dir()
    common = {"batch_size": batch_size, "class_names": CLASS_NAMES["imdb"], "verbose": False}
    train_ds = keras.utils.text_dataset_from_directory(root / "train", shuffle=True, seed=seed, **common)
    test_ds = keras.utils.text_dataset_from_directory(root / "test", shuffle=False, **common)
    return train_ds, test_ds, CLASS_NAMES["imdb"]


def _mobilenet_file(input_size: int, include_top: bool, alpha: float) -> str:
    """The weight file name ``keras.applications.MobileNet`` caches in ``$KERAS_HOME/models/``."""
    alpha_text = {0.25: "2_5", 0.5: "5_0", 0.75: "7_5", 1.0: "1_0"}[alpha]
    return f"mobilenet_{alpha_text}_{input_size}_tf{'' if include_top else '_no_top'}.h5"


def _check_hdf5(name: str, path: Path) -> None:
    """MobileNet weights publish no checksum: check the file is non-empty and a readable HDF5 file."""
    import h5py

    if path.stat().st_size == 0:
        raise _damaged(name, path, "is empty (0 bytes)")
    try:
        with h5py.File(path, "r") as f:
            n_groups = len(f.keys())
    except Exception as exc:
        raise _damaged(name, path, f"is not a readable HDF5 weights file ({type(exc).__name__})") from exc
    if n_groups == 0:
        raise _damaged(name, path, "is an HDF5 file with no weights in it")


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
    input_size = check_positive_int("input_size", input_size)
    if input_size not in MOBILENET_SIZES:
        raise ValueError(f"input_size must be one of {MOBILENET_SIZES}, got {input_size!r}")
    include_top = check_bool("include_top", include_top)
    if isinstance(alpha, bool | np.bool_) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"alpha must be a number, one of {MOBILENET_ALPHAS}, got {type(alpha).__name__} {alpha!r}")
    if float(alpha) not in MOBILENET_ALPHAS:
        raise ValueError(f"alpha must be one of {MOBILENET_ALPHAS}, got {alpha!r}")
    alpha = float(alpha)
    import keras

    path = keras_home() / "models" / _mobilenet_file(input_size, include_top, alpha)
    if path.exists():
        _check_hdf5("mobilenet", path)

    def build():
        return keras.applications.MobileNet(input_shape=(input_size, input_size, 3), alpha=alpha,
                                            include_top=include_top, weights="imagenet")

    try:
        return build()
    except Exception as exc:
        if _network_cause(exc) is not None:
            raise _unavailable("mobilenet", f"the download of {path.name} failed, no network "
                               f"({type(_network_cause(exc)).__name__})") from exc
        if path.exists() and isinstance(exc, ValueError | KeyError | OSError | IndexError):
            # the arguments were checked above, so the weight file is at fault
            raise _damaged("mobilenet", path, f"does not hold these weights ({_short(exc)})") from exc
        raise


_LOADERS = {"digits": load_digits, "mnist": load_mnist, "fashion_mnist": load_fashion_mnist,
            "cifar10": load_cifar10, "imdb": load_imdb}


def load_dataset(name: str, **kwargs):
    """Call the loader of the dataset called ``name`` (one of :data:`CLASS_NAMES`' keys).

    Example:
        >>> (x_train, y_train), (x_test, y_test), names = load_dataset("fashion_mnist")
    """
    __tracebackhide__ = True
    if not isinstance(name, str):
        raise TypeError(f"name must be a dataset name (text), got {type(name).__name__} {name!r}")
    if name not in _LOADERS:
        raise ValueError(f"unknown dataset {name!r}; expected one of {sorted(_LOADERS)}")
    return _LOADERS[name](**kwargs)


def stratified_subset(x, y, n: int, seed: int = SEED):
    """Take ``n`` samples of ``(x, y)`` keeping the class proportions and every class.

    ``y`` holds integer labels, shape (N,) or (N, 1). ``n`` must be at least the
    number of classes: each class keeps at least one sample, even a rare one.
    Always returns new arrays (copies), never views of ``x`` and ``y``. Useful
    for quick mode and for "few labels" experiments.

    Example:
        >>> x_small, y_small = stratified_subset(x_train, y_train, n=size(full=60000, quick=5000))
    """
    from sklearn.model_selection import train_test_split

    n = check_positive_int("n", n)
    seed = check_int("seed", seed, minimum=0)
    x, y = np.asarray(x), np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.reshape(-1)
    if y.ndim != 1:
        raise ValueError(f"y must hold integer labels of shape (N,) or (N, 1), got shape {y.shape}")
    if len(x) != len(y):
        raise ValueError(f"x and y must have the same length, got {len(x)} and {len(y)}")
    classes, counts = np.unique(y, return_counts=True)
    if not len(classes) <= n <= len(y):
        raise ValueError(f"n must be between the number of classes ({len(classes)}) and len(y) ({len(y)}), "
                         f"got {n!r}")
    if n == len(y):
        return x.copy(), y.copy()
    index = np.arange(len(y))
    chosen = None
    try:  # the selection the notebooks were stored with
        chosen, _ = train_test_split(index, train_size=n, stratify=y, random_state=seed)
    except ValueError:  # a class with a single member, or too few left over for the test side
        chosen = None
    if chosen is not None and len(np.unique(y[chosen])) < len(classes):  # a rare class was rounded away
        chosen = None
    if chosen is None:
        chosen = _allocate(y, classes, counts, n, seed)
    chosen = np.sort(chosen)
    return x[chosen], y[chosen]


def _allocate(y, classes, counts, n, seed):
    """Stratified choice of ``n`` indices with at least one per class (largest remainders for the rest)."""
    rng = np.random.default_rng(seed)
    take = np.ones(len(classes), dtype=int)
    share = (n - len(classes)) * (counts - 1) / max(1, counts.sum() - len(classes))
    take += np.floor(share).astype(int)
    for i in np.argsort(-(share - np.floor(share)), kind="stable")[: n - take.sum()]:
        take[i] += 1
    return np.concatenate([rng.choice(np.flatnonzero(y == c), size=k, replace=False)
                           for c, k in zip(classes, take, strict=True)])


def missing_data() -> list[str]:
    """What the course's tests and notebooks need from the Keras cache but is not there (empty if complete).

    Presence only (the loaders check checksums). Example:
        >>> missing_data()
        []
    """
    home = _keras_home_path()
    if home.exists() and not home.is_dir():
        return [f"KERAS_HOME={home} is a file, not a folder"]
    datasets, models = home / "datasets", home / "models"
    needed = {"MNIST": [datasets / "mnist-idx" / n for n in MNIST_MD5],
              "Fashion-MNIST": [datasets / "fashion-mnist" / n for n in FASHION_MNIST_MD5],
              "CIFAR-10": [datasets / "cifar-10-batches-py-target" / "cifar-10-batches-py" / n for n in CIFAR10_MD5],
              "MobileNet weights": [models / _mobilenet_file(s, t, 0.25) for s in (224, 128) for t in (True, False)],
              "ImageNet class index": [models / "imagenet_class_index.json"]}
    missing = [f"{title} ({', '.join(p.name for p in paths if not p.is_file())})"
               for title, paths in needed.items() if not all(p.is_file() for p in paths)]
    if not (datasets / "aclImdb_v1_archive").is_file() and not (datasets / "aclImdb_v1" / "aclImdb").is_dir():
        missing.append("IMDB reviews (aclImdb_v1_archive)")
    return missing


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
