"""`make test` without the course data stops once with one sentence; on CI that stop is a failure, never a skip."""

import os
import subprocess
import sys

import pytest

import utils
from tests.conftest import EXIT_NO_DATA_CI, EXIT_NO_DATA_LOCAL


def _pytest_without_data(tmp_path, ci, workers):
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(KERAS_HOME=str(tmp_path), TF_CPP_MIN_LOG_LEVEL="3", **({"CI": "true"} if ci else {}))
    return subprocess.run([sys.executable, "-m", "pytest", "tests/test_data.py", "-q", "-p", "no:cacheprovider",
                           "-k", "fashion_mnist or stratified", *workers], env=env, cwd=utils.ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize(("ci", "code", "workers"), [(False, EXIT_NO_DATA_LOCAL, []), (True, EXIT_NO_DATA_CI, []),
                                                     (True, EXIT_NO_DATA_CI, ["-n", "2"])])  # as make test runs
def test_an_empty_cache_stops_the_run_once_with_one_clear_sentence(tmp_path, ci, code, workers):
    done = _pytest_without_data(tmp_path, ci, workers)
    out = done.stdout + done.stderr
    assert done.returncode == code != 0, out[-3000:]
    assert out.count("The course data are missing from the Keras cache") == 1, out[-3000:]
    assert f"Keras cache {tmp_path}: MNIST (" in out and "run `make data`" in out and "KERAS_HOME" in out
    assert "passed" not in out and "skipped" not in out and "Traceback" not in out


def test_a_complete_cache_has_nothing_missing():
    assert utils.data.missing_data() == [], "the test cache should be complete (see .ci/run)"
