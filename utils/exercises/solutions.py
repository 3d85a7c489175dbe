"""Find each notebook's exercises and build a copy with every solution filled in (what CI runs).

A notebook's exercise section is a sequence of three cells per exercise:

1. markdown starting with ``### Exercise N``: the statement;
2. code: the starter cell, ending with a call ``check.exN(...)``;
3. markdown starting with ``<details>``: the solution, whose ```` ```python ```` blocks end with the same call.

``python -m utils.exercises [NN ...]`` writes ``build/solved/<notebook>.ipynb`` with each starter cell
replaced by its solution; ``make test`` runs those copies with nbval and ``EXERCISES_STRICT=1``, so every
solution runs and its check must say "correct".
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from ..config import ROOT

NOTEBOOKS = ROOT / "notebooks"
SOLVED = ROOT / "build" / "solved"
HEADING = re.compile(r"^### Exercise (\d+)\b")
CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


@dataclass
class ExerciseCells:
    number: int
    statement: dict
    starter: dict
    solution_cell: dict

    @property
    def solution_code(self) -> str:
        return "\n".join(block.rstrip() + "\n" for block in CODE_BLOCK.findall(_source(self.solution_cell)))


def _source(cell) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def exercises_in(notebook: dict, name: str = "notebook") -> list[ExerciseCells]:
    """The exercises of a notebook (as loaded JSON), checking the three-cell layout; ValueError names a break."""
    cells = notebook["cells"]
    found = []
    for i, cell in enumerate(cells):
        match = HEADING.match(_source(cell)) if cell["cell_type"] == "markdown" else None
        if not match:
            continue
        number = int(match.group(1))
        if i + 2 >= len(cells) or cells[i + 1]["cell_type"] != "code" or cells[i + 2]["cell_type"] != "markdown" \
                or not _source(cells[i + 2]).lstrip().startswith("<details>"):
            raise ValueError(f"{name}, exercise {number}: expected a starter code cell and then a <details> solution")
        item = ExerciseCells(number, cell, cells[i + 1], cells[i + 2])
        call = f"check.ex{number}("
        if call not in _source(item.starter):
            raise ValueError(f"{name}, exercise {number}: the starter cell must call {call}...)")
        if call not in item.solution_code:
            raise ValueError(f"{name}, exercise {number}: the solution's code must call {call}...)")
        found.append(item)
    numbers = [e.number for e in found]
    if numbers != list(range(1, len(found) + 1)):
        raise ValueError(f"{name}: exercises must be numbered 1, 2, 3, ... in order, got {numbers}")
    return found


def solved_copy(path: Path, target_dir: Path = SOLVED) -> Path:
    """Write ``target_dir/<name>.ipynb``: the notebook with each starter cell replaced by its solution."""
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    for item in exercises_in(notebook, path.stem):
        item.starter["source"] = item.solution_code
        item.starter["outputs"] = []
        item.starter["execution_count"] = None
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / path.name
    nbformat.write(notebook, target)
    return target


def main(argv: list[str] | None = None) -> int:
    """``python -m utils.exercises [NN ...]``: write the solved copies of all (or the named) notebooks."""
    argv = sys.argv[1:] if argv is None else argv
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if argv:
        paths = [p for p in paths if any(p.stem.startswith(a) for a in argv)]
        if not paths:
            print(f"no notebook starts with {argv}", file=sys.stderr)
            return 2
    sources = {p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")}
    for stale in SOLVED.glob("*.ipynb"):  # copies of notebooks that no longer exist
        if stale.name not in sources:
            stale.unlink()
    for path in paths:
        solved_copy(path)
    print(f"Wrote {len(paths)} solved notebook(s) to {SOLVED.relative_to(ROOT)}/")
    return 0
