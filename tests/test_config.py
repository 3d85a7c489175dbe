import json
import os
from pathlib import Path

import numpy as np
import pytest

import utils
from utils import config


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_quick_mode_reads_the_environment(monkeypatch, value, expected):
    monkeypatch.setenv("QUICK", value)
    assert utils.quick_mode() is expected


def test_epochs_and_size_follow_the_mode(monkeypatch):
    monkeypatch.setenv("QUICK", "1")
    assert utils.epochs(full=15, quick=2) == 2
    assert utils.size(full=60000, quick=5000) == 5000
    monkeypatch.setenv("QUICK", "0")
    assert utils.epochs(full=15, quick=2) == 15
    assert utils.size(full=60000, quick=5000) == 60000


@pytest.mark.parametrize(("full", "quick", "error", "message"), [
    (0, 1, ValueError, "full must be a positive whole number"),
    (10, -1, ValueError, "quick must be a positive whole number"),
    (10, 2.5, TypeError, "quick must be a whole number"),
    (10, 2.0, TypeError, "quick must be a whole number"),
    ("10", 2, TypeError, "full must be a whole number"),
    (True, 1, TypeError, "full must be a whole number"),
    (None, 1, TypeError, "full must be a whole number"),
    (5, 8, ValueError, "should not be larger than full"),
])
def test_epochs_rejects_bad_values(full, quick, error, message):
    with pytest.raises(error, match=message):
        utils.epochs(full=full, quick=quick)


def test_positive_int_accepts_numpy_integers(monkeypatch):
    monkeypatch.setenv("QUICK", "0")
    assert utils.size(full=np.int64(100), quick=np.int32(10)) == 100
    assert type(utils.size(full=np.int64(100), quick=np.int32(10))) is int
    assert utils.check_int("seed", np.uint8(0), minimum=0) == 0
    with pytest.raises(TypeError, match="seed must be a whole number"):
        utils.check_int("seed", np.float64(1.0), minimum=0)


def test_quick_is_one_dynamic_source_of_truth(monkeypatch):
    monkeypatch.setenv("QUICK", "1")
    assert utils.QUICK is True and config.QUICK is True and utils.quick_mode() is True
    monkeypatch.setenv("QUICK", "0")
    assert utils.QUICK is False and config.QUICK is False and utils.epochs(full=3, quick=1) == 3


def test_scratch_dir_stays_inside_build_scratch():
    path = utils.scratch_dir("test_scratch")
    assert path.is_dir()
    assert path.parent == utils.ROOT / "build" / "scratch"
    for bad in ("../escape", "", ".hidden", "a/b"):
        with pytest.raises(ValueError, match="plain folder name"):
            utils.scratch_dir(bad)


def test_seed_everything_makes_runs_repeatable():
    import keras

    utils.seed_everything(7)
    first = (np.random.rand(3), keras.random.normal((3,)).numpy())  # noqa: NPY002 - the global seed is the point
    utils.seed_everything(7)
    second = (np.random.rand(3), keras.random.normal((3,)).numpy())  # noqa: NPY002
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    with pytest.raises(ValueError, match="seed must be"):
        utils.seed_everything(-1)


def test_setup_reports_versions_device_and_mode(capsys, monkeypatch):
    monkeypatch.setenv("QUICK", "1")
    import keras
    import tensorflow as tf

    utils.setup("test_setup")
    line = capsys.readouterr().out.strip()
    assert line.startswith(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | {utils.device_name()} | ")
    assert " | quick mode | seed 42 | " in line and "\n" not in line
    assert line.endswith(("| deterministic ops", "| GPU ops not deterministic (seeded)"))
    with pytest.raises(ValueError, match="plain folder name"):
        utils.setup("")


@pytest.mark.parametrize("bad", ["../../x", "a/b", "..", ".hidden", "a\\b", "x" * 200, "white space"])
def test_setup_and_scratch_dir_share_one_name_check(bad):
    with pytest.raises(ValueError, match="plain folder name"):
        utils.setup(bad)
    with pytest.raises(ValueError, match="plain folder name"):
        utils.scratch_dir(bad)
    with pytest.raises(TypeError, match="plain folder name"):
        utils.setup(Path("x"))


def test_setup_quick_switch_sets_the_environment_and_false_leaves_it(monkeypatch, capsys):
    monkeypatch.delenv("QUICK", raising=False)
    utils.setup("test_setup", quick=True)
    assert os.environ["QUICK"] == "1" and utils.QUICK is True and utils.epochs(full=9, quick=1) == 1
    assert "quick mode" in capsys.readouterr().out
    utils.setup("test_setup", quick=False)  # CI's QUICK=1 still wins
    assert utils.QUICK is True and "quick mode" in capsys.readouterr().out
    monkeypatch.setenv("QUICK", "0")
    utils.setup("test_setup", quick=False)
    assert "full mode" in capsys.readouterr().out
    for bad in ("yes", 1, None):
        with pytest.raises(TypeError, match="quick must be True or False"):
            utils.setup("test_setup", quick=bad)


def test_setup_on_a_gpu_seeds_but_leaves_op_determinism_off(monkeypatch, capsys):
    import tensorflow as tf

    def refuse():
        raise AssertionError("op determinism must stay off on a GPU")

    monkeypatch.setattr(config, "_gpu_count", lambda: 1)
    monkeypatch.setattr(tf.config.experimental, "enable_op_determinism", refuse)
    utils.setup("test_setup")
    assert capsys.readouterr().out.strip().endswith("| seed 42 | GPU ops not deterministic (seeded)")
    first = np.random.rand(2)  # noqa: NPY002 - the global seed is the point
    utils.setup("test_setup")
    np.testing.assert_array_equal(first, np.random.rand(2))  # noqa: NPY002


@pytest.mark.parametrize(("tf_version", "keras_version", "named"), [
    ("2.15.1", "3.15.1", "TensorFlow 2.15.1"), ("2.21.0", "3.12.0", "Keras 3.12.0"), ("2.9.0", "2.9.0", "Keras 2.9.0")])
def test_setup_fails_fast_on_a_too_old_tensorflow_or_keras(monkeypatch, tf_version, keras_version, named):
    import keras
    import tensorflow as tf

    monkeypatch.setattr(tf, "__version__", tf_version)
    monkeypatch.setattr(keras, "__version__", keras_version)
    with pytest.raises(RuntimeError, match="needs at least TensorFlow 2.20 and Keras 3.13") as info:
        utils.setup("test_setup")
    assert named in str(info.value) and str(info.value).count(". ") == 0
    config.check_versions("2.20.0", "3.13.0")  # the oldest supported pair passes
    config.check_versions("2.21.0rc1", "3.15.1")


def test_record_results_writes_what_results_md_reads(monkeypatch, capsys):
    monkeypatch.setenv("QUICK", "1")
    monkeypatch.setitem(config._state, "start", None)
    with pytest.raises(RuntimeError, match="call utils.setup"):
        utils.record_results({"accuracy": 0.9})
    utils.setup("test_record")
    utils.record_results({"test accuracy": np.float32(0.5), "epochs": 3})
    path = utils.ROOT / "build" / "results" / "test_record.quick.json"
    record = json.loads(path.read_text())
    assert path.name == "test_record.quick.json"
    assert record["metrics"] == {"test accuracy": 0.5, "epochs": 3.0}
    assert record["mode"] == "quick" and record["minutes"] >= 0
    assert {"tensorflow", "keras", "python", "scikit-learn"} <= set(record["versions"])
    assert "test accuracy = 0.5, epochs = 3" in capsys.readouterr().out
    for bad, error in (({}, ValueError), ({"accuracy": "high"}, TypeError), ({"ok": True}, TypeError),
                       ([0.9], TypeError), ({3: 0.5}, TypeError)):
        with pytest.raises(error, match="metric"):
            utils.record_results(bad)
    path.unlink()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -np.inf, np.float32("nan")])
def test_record_results_rejects_nan_and_infinity(monkeypatch, value):
    monkeypatch.setenv("QUICK", "1")
    utils.setup("test_record_nan")
    with pytest.raises(ValueError, match="'loss' must be a finite number"):
        utils.record_results({"accuracy": 0.5, "loss": value})
    assert not (utils.ROOT / "build" / "results" / "test_record_nan.quick.json").exists()
