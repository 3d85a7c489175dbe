import json
from pathlib import Path

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


@pytest.fixture
def build(tmp_path, monkeypatch):
    """A private build/ and RESULTS.md, so the tests never touch the real ones."""
    monkeypatch.setattr(runner, "BUILD", tmp_path / "build")
    monkeypatch.setattr(runner, "ROOT", tmp_path)
    if hasattr(runner, "RESULTS"):
        monkeypatch.setattr(runner, "RESULTS", tmp_path / "RESULTS.md")
    (tmp_path / "build" / "results").mkdir(parents=True)
    return tmp_path


def _record(build, stem, **metrics):
    record = {"notebook": stem, "mode": "full", "metrics": metrics or {"accuracy": 0.5}, "minutes": 1.25,
              "date": "2026-11-30", "device": "CPU (2 cores)", "versions": {"tensorflow": "2.21.0"}}
    (build / "build" / "results" / f"{stem}.full.json").write_text(json.dumps(record))


@pytest.mark.parametrize("content", ["{not json", json.dumps({"notebook": "x", "metrics": {"a": "high"}}),
                                     json.dumps({"metrics": {"a": 0.5}}), "[]"])
def test_results_table_reports_a_malformed_record_instead_of_crashing(build, content):
    stem = runner.notebook_paths()[1].stem
    _record(build, runner.notebook_paths()[0].stem)
    (build / "build" / "results" / f"{stem}.full.json").write_text(content)
    table = runner.results_table()
    assert f"| {stem} | malformed record build/results/{stem}.full.json (" in table
    assert f"| {runner.notebook_paths()[0].stem} | accuracy: 0.5 | 1.2 | 2026-11-30 |" in table


def test_make_run_nb_updates_only_that_row_of_results_md(build, monkeypatch, capsys):
    stems = [p.stem for p in runner.notebook_paths()]
    old_rows = {s: f"| {s} | old metric: 0.{i} | 9.9 | 2026-01-01 | CPU (2 cores) | tensorflow 2.21.0 |"
                for i, s in enumerate(stems)}
    (build / "RESULTS.md").write_text("# Results\n\n| Notebook | Headline metrics | Minutes (full) | Date | "
                                      "Device | Versions |\n| --- | --- | --- | --- | --- | --- |\n"
                                      + "\n".join(old_rows.values()) + "\n")

    def fake_execute(path, quick, store):  # what a notebook's record_results leaves behind
        _record(build, path.stem, **{"test accuracy": 0.9812})
        return 0.5

    monkeypatch.setattr(runner, "execute", fake_execute)
    assert runner.run(["02"], quick=False, store=False) == 0
    rows = runner.existing_rows((build / "RESULTS.md").read_text())
    assert list(rows) == stems
    assert rows["02_mlp_digits"].startswith("| 02_mlp_digits | test accuracy: 0.9812 | 1.2 | 2026-11-30 |")
    assert all(rows[s] == old_rows[s] for s in stems if s != "02_mlp_digits")
    assert "not run yet" not in (build / "RESULTS.md").read_text()
    assert "0.5 min | test accuracy: 0.9812" in capsys.readouterr().out


def test_run_reports_a_malformed_record_as_a_failure(build, monkeypatch, capsys):
    def fake_execute(path, quick, store):
        (build / "build" / "results" / f"{path.stem}.full.json").write_text('{"metrics": {"a": null}}')
        return 0.1

    monkeypatch.setattr(runner, "execute", fake_execute)
    assert runner.run(["01"], quick=False, store=False) == 1
    out = capsys.readouterr().out
    assert "its record is malformed record" in out and "1 notebook(s) failed: 01_perceptron.ipynb" in out


def test_a_failing_notebook_leaves_its_partial_outputs_in_build_and_is_not_stored(build, monkeypatch):
    import nbformat

    monkeypatch.setenv("QUICK", "1")  # execute() sets QUICK; monkeypatch restores it afterwards
    notebook = build / "notebooks" / "98_failing.ipynb"
    notebook.parent.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('reached the first cell')"),
                                         nbformat.v4.new_code_cell("raise ValueError('broken on purpose')"),
                                         nbformat.v4.new_code_cell("print('never reached')")])
    nbformat.write(nb, notebook)
    stored_before = notebook.read_text()
    with pytest.raises(RuntimeError, match=r"broken on purpose.*build/executed/98_failing.ipynb"):
        runner.execute(notebook, quick=True, store=True)
    assert notebook.read_text() == stored_before
    partial = nbformat.read(build / "build" / "executed" / "98_failing.ipynb", as_version=4)
    outputs = [cell.get("outputs", []) for cell in partial.cells]
    assert "reached the first cell" in outputs[0][0]["text"]
    assert outputs[1][0]["ename"] == "ValueError" and not outputs[2]


def test_write_timing_lists_the_slowest_cells_and_strips_the_timings(build):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# title"),
                                         nbformat.v4.new_code_cell("fast = 1"),
                                         nbformat.v4.new_code_cell("slow = 2\nmore = 3")])
    for cell, end in ((nb.cells[1], "2026-12-01T10:00:01.5Z"), (nb.cells[2], "2026-12-01T10:00:12Z")):
        cell.metadata["execution"] = {"iopub.execute_input": "2026-12-01T10:00:00Z", "shell.execute_reply": end}
    runner.write_timing(nb, Path("07_example.ipynb"), "quick")
    lines = (build / "build" / "timing" / "07_example.quick.txt").read_text().splitlines()
    assert lines[0] == "07_example (quick mode): 14 s in code cells, slowest first"
    assert lines[1].split() == ["12.0", "s", "cell", "2", "slow", "=", "2"]
    assert lines[2].split()[:4] == ["1.5", "s", "cell", "1"]
    assert all("execution" not in cell.metadata for cell in nb.cells)


def test_write_timing_reports_cpu_steal_when_known(build):
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    runner.write_timing(nb, Path("07_example.ipynb"), "full", steal=42.4)
    first = (build / "build" / "timing" / "07_example.full.txt").read_text().splitlines()[0]
    assert first.endswith("slowest first; CPU steal during the run 42 s (summed over the cores)")
    steal = runner.cpu_steal_seconds()
    assert steal is None or steal >= 0
