import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from utils.config import ROOT
from utils.data import _keras_home_path, missing_data

#: pytest's exit code for a run stopped by missing data: a usage error locally, a test failure on CI.
EXIT_NO_DATA_LOCAL = pytest.ExitCode.USAGE_ERROR
EXIT_NO_DATA_CI = pytest.ExitCode.TESTS_FAILED


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_data: the test reads the course's datasets from the Keras cache")


def _needs_data(item) -> bool:
    return item.get_closest_marker("needs_data") is not None or str(item.path).endswith(".ipynb")


def _stop_if_data_missing():
    """Stop once, with one sentence, when tests that need the course data would run without it.

    On CI (the environment variable CI is set) the run fails; it never skips those tests silently.
    """
    missing = missing_data()
    if not missing:
        return
    on_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    message = (f"The course data are missing from the Keras cache {_keras_home_path()}: {'; '.join(missing)}; "
               "run `make data` (needs internet once), or point KERAS_HOME at a filled cache "
               "(for example KERAS_HOME=../shared/keras_home)"
               + (" -- failing, because CI must run the data tests." if on_ci else "."))
    pytest.exit(message, returncode=EXIT_NO_DATA_CI if on_ci else EXIT_NO_DATA_LOCAL)


def pytest_collection_modifyitems(session, config, items):
    if hasattr(config, "workerinput"):
        return  # a pytest-xdist worker: the controlling process checks once (below), or each worker would stop
    if any(_needs_data(item) for item in items):
        _stop_if_data_missing()


def _id_needs_data(nodeid: str) -> bool:
    path = ROOT / nodeid.split("::")[0]
    return path.suffix == ".ipynb" or (path.suffix == ".py" and "pytest.mark.needs_data" in path.read_text())


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    """With `pytest -n N` (make test), the controlling process sees the collected test ids before any runs."""
    if any(_id_needs_data(nodeid) for nodeid in ids):
        _stop_if_data_missing()
