"""Exercise checks: each says correct to the solution's answer and gives its hint to a wrong one; every
notebook's exercises have starter cells and solutions in the layout the solved-copy builder expects."""

import importlib
import json

import pytest

from utils import exercises
from utils.config import ROOT
from utils.exercises import solutions

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _module_name(path):
    return f"nb{path.name[:2]}"


def _check_module(path):
    return importlib.import_module(f"utils.exercises.{_module_name(path)}")


def _notebook(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _all_examples():
    for path in NOTEBOOKS:
        try:
            module = _check_module(path)
        except ModuleNotFoundError:  # reported by test_exercise_layout_starters_and_solutions
            continue
        for ex in getattr(module, "EXAMPLES", []):
            yield pytest.param(ex, id=f"{_module_name(path)}-ex{ex.check.number}")


@pytest.fixture(autouse=True)
def lenient(monkeypatch):
    monkeypatch.delenv("EXERCISES_STRICT", raising=False)


@pytest.mark.parametrize("ex", list(_all_examples()))
def test_check_says_correct_to_the_solution_and_hints_at_a_wrong_answer(ex, capsys):
    assert ex.check.verdict(*ex.right, **ex.right_kwargs) is True, capsys.readouterr().out
    assert "correct!" in capsys.readouterr().out
    assert ex.check.verdict(*ex.wrong, **ex.wrong_kwargs) is False
    said = capsys.readouterr().out
    assert "not yet." in said and ex.hint in said, said


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_check_says_not_attempted_to_an_untouched_starter(path, capsys):
    module = _check_module(path)
    checks = [c for (m, _), c in exercises.REGISTRY.items() if m == module.__name__.rsplit(".", 1)[-1]]
    assert checks, f"{module.__name__} registers no check"
    for check in checks:
        import inspect

        n_args = len(inspect.signature(check.function).parameters)
        assert check.verdict(*[...] * n_args) is None
        assert "not attempted yet" in capsys.readouterr().out


def test_strict_mode_turns_a_hint_and_a_blank_into_failures(monkeypatch, capsys):
    check = exercises.REGISTRY[("nb00", 3)]
    monkeypatch.setenv("EXERCISES_STRICT", "1")
    with pytest.raises(exercises.ExerciseFailed, match="first derivatives"):
        check([-3.0, 0.0, 3.0])
    with pytest.raises(exercises.ExerciseFailed, match="not attempted"):
        check(...)
    assert check.verdict([2.0, 2.0, 2.0]) is True
    assert check([2.0, 2.0, 2.0]) is None  # a cell ending with the call shows only the printed verdict


def test_checks_turn_wrong_types_into_hints_not_tracebacks(capsys):
    check = exercises.REGISTRY[("nb00", 3)]
    assert check.verdict("two") is False
    assert "should hold numbers" in capsys.readouterr().out
    assert exercises.REGISTRY[("nb00", 5)].verdict({"/CPU:0": 1.0}, "ab") is False
    assert "one of the letters" in capsys.readouterr().out
    assert check.verdict(None) is False
    assert "is None" in capsys.readouterr().out
    assert exercises.REGISTRY[("nb00", 4)].verdict({0.01: "x", 0.09: "y", 0.11: "z"}, 0.1) is False
    assert "could not read your answer (ValueError" in capsys.readouterr().out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_layout_starters_and_solutions(path):
    notebook = _notebook(path)
    found = solutions.exercises_in(notebook, path.stem)
    assert found, f"{path.stem} has no '### Exercise N' cells"
    code = ["".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]
    first_starter = "".join(found[0].starter["source"])
    imports = f"from utils.exercises import {_module_name(path)} as check"
    assert any(imports in c for c in code[: code.index(first_starter)]), f"a cell before exercise 1 must {imports}"
    module = _check_module(path)
    for item in found:
        assert f"ex{item.number}" in vars(module), f"{module.__name__} has no check ex{item.number}"
        starter = "".join(item.starter["source"])
        assert "..." in starter, f"exercise {item.number}: the starter cell should leave blanks marked `...`"
        said = "".join("".join(o.get("text", "")) for o in item.starter.get("outputs", []))
        assert "not attempted yet" in said, f"exercise {item.number}: the stored starter cell must run untouched " \
            "and say 'not attempted yet'"


def test_solved_copy_replaces_each_starter_with_its_solution(tmp_path):
    path = NOTEBOOKS[0]
    target = solutions.solved_copy(path, tmp_path)
    solved = solutions.exercises_in(_notebook(target), path.stem)
    original = solutions.exercises_in(_notebook(path), path.stem)
    assert len(solved) == len(original)
    for before, after in zip(original, solved, strict=True):
        assert "".join(after.starter["source"]) == before.solution_code
        assert after.starter["outputs"] == []


def test_layout_errors_name_the_exercise():
    cell = {"cell_type": "markdown", "source": "### Exercise 1: x", "metadata": {}}
    with pytest.raises(ValueError, match="exercise 1: expected a starter code cell"):
        solutions.exercises_in({"cells": [cell]}, "nb")


def test_coverage_counts(capsys):
    rows, totals = [], [0, 0, 0]
    for path in NOTEBOOKS:
        found = solutions.exercises_in(_notebook(path), path.stem)
        module = _check_module(path)
        with_example = {ex.check.number for ex in getattr(module, "EXAMPLES", [])}
        counts = [len(found), sum("check.ex" in "".join(e.starter["source"]) for e in found),
                  sum(e.number in with_example for e in found)]
        rows.append(f"{path.stem:<28} {counts[0]:>9} {counts[1]:>13} {counts[2]:>26}")
        totals = [t + c for t, c in zip(totals, counts, strict=True)]
        assert counts[2] >= 1, f"{path.stem}: no exercise has a check tested with a wrong answer"
    with capsys.disabled():
        print(f"\n{'notebook':<28} exercises starter cells checks failing a wrong answer")
        print("\n".join(rows))
        print(f"{'total':<28} {totals[0]:>9} {totals[1]:>13} {totals[2]:>26} "
              f"({totals[2] / totals[0]:.0%} with a tested wrong answer)")
    assert totals[1] == totals[0], "every exercise needs a starter cell"
    assert totals[2] >= 0.8 * totals[0], "at least 80% of exercises need a check that a wrong answer fails"
