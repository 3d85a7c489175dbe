import pytest

from utils import runner


def test_describe_failure_handles_empty_and_multiline_messages():
    assert runner.describe_failure(RuntimeError()) == "RuntimeError"
    message = "Traceback...\n  lines\nValueError: bad"
    assert runner.describe_failure(ValueError(message)) == "ValueError: ValueError: bad"


def test_notebook_paths_match_by_number_and_reject_unknown_names():
    assert [p.stem for p in runner.notebook_paths(["00"])] == ["00_tensorflow_basics"]
    with pytest.raises(SystemExit, match="no single notebook matches"):
        runner.notebook_paths(["99"])


def test_fork_rejects_a_malformed_slug():
    with pytest.raises(SystemExit, match="OWNER/REPO"):
        runner.fork("not a slug")


def test_results_table_has_a_row_per_notebook():
    table = runner.results_table()
    assert "| Notebook | Headline metrics |" in table
    assert all(p.stem in table for p in runner.notebook_paths())
