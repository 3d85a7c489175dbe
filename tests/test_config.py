import json

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


@pytest.mark.parametrize(("full", "quick", "message"), [
    (0, 1, "full must be a positive whole number"),
    (10, -1, "quick must be a positive whole number"),
    (10, 2.5, "quick must be a positive whole number"),
    ("10", 2, "full must be a positive whole number"),
    (True, 1, "full must be a positive whole number"),
    (5, 8, "should not be larger than full"),
])
def test_epochs_rejects_bad_values(full, quick, message):
    with pytest.raises(ValueError, match=message):
        utils.epochs(full=full, quick=quick)


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
    line = capsys.readouterr().out
    assert line.startswith(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | CPU")
    assert "quick mode" in line and utils.device_name() in line
    with pytest.raises(ValueError, match="notebook's name"):
        utils.setup("")


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
    for bad in ({}, {"accuracy": "high"}, {"ok": True}, [0.9]):
        with pytest.raises(ValueError, match="metric"):
            utils.record_results(bad)
    path.unlink()
