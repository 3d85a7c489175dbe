"""Maintainer commands behind the Makefile.

``python -m utils.runner run [--quick] [--store] [NOTEBOOK ...]``
    Execute notebooks top to bottom in a fresh kernel (full mode unless
    ``--quick``), write executed copies to ``build/executed/`` and HTML to
    ``build/html/``, the slowest cells to ``build/timing/``, then regenerate
    ``RESULTS.md`` from what each notebook recorded with
    :func:`utils.record_results`. ``--store`` also writes the executed notebook
    back into ``notebooks/`` (stored outputs for students, without timings).

``python -m utils.runner fork OWNER/REPO``
    Point the Colab badges, the notebooks' setup cells, the README and
    ``utils.config.REPO_SLUG`` at another GitHub repository (for a fork).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

from .config import REPO_SLUG, ROOT

NOTEBOOKS = ROOT / "notebooks"
BUILD = ROOT / "build"


def notebook_paths(names=()) -> list[Path]:
    """The notebooks to run: all of ``notebooks/*.ipynb`` in order, or those named (by stem or prefix)."""
    every = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return every
    chosen = []
    for name in names:
        matches = [p for p in every if p.stem == Path(name).stem or p.stem.startswith(Path(name).stem)]
        if len(matches) != 1:
            raise SystemExit(f"no single notebook matches {name!r}; choose from {[p.stem for p in every]}")
        chosen += matches
    return chosen


def cell_seconds(nb) -> list[tuple[float, int, str]]:
    """(seconds, cell index, first line) for each code cell that recorded its timing, slowest first."""
    from datetime import datetime

    rows = []
    for index, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        begin, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        if cell.cell_type == "code" and begin and end:
            seconds = (datetime.fromisoformat(end.replace("Z", "+00:00"))
                       - datetime.fromisoformat(begin.replace("Z", "+00:00"))).total_seconds()
            first_line = cell.source.strip().splitlines()[0][:80] if cell.source.strip() else ""
            rows.append((seconds, index, first_line))
    return sorted(rows, reverse=True)


def cpu_steal_seconds() -> float | None:
    """CPU seconds a virtual machine's host gave to others since boot, summed over the cores (Linux; else None)."""
    try:
        fields = Path("/proc/stat").read_text(encoding="ascii").split("\n", 1)[0].split()
        return int(fields[8]) / os.sysconf("SC_CLK_TCK")  # cpu user nice system idle iowait irq softirq steal
    except (OSError, IndexError, ValueError, AttributeError):
        return None


def write_timing(nb, path: Path, mode: str, steal: float | None = None) -> None:
    """Write the notebook's cell timings to build/timing/ and drop them from the notebook's metadata.

    ``steal``: CPU seconds the host took away during the run, if known (a sign that the minutes are inflated)."""
    rows = cell_seconds(nb)
    folder = BUILD / "timing"
    folder.mkdir(parents=True, exist_ok=True)
    stolen = "" if steal is None else f"; CPU steal during the run {steal:.0f} s (summed over the cores)"
    lines = [f"{path.stem} ({mode} mode): {sum(r[0] for r in rows):.0f} s in code cells, slowest first{stolen}"]
    lines += [f"{seconds:8.1f} s  cell {index:3d}  {first_line}" for seconds, index, first_line in rows]
    (folder / f"{path.stem}.{mode}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for cell in nb.cells:
        cell.get("metadata", {}).pop("execution", None)


def _since(steal_start: float | None) -> float | None:
    steal_now = cpu_steal_seconds()
    return None if steal_start is None or steal_now is None else steal_now - steal_start


def execute(path: Path, quick: bool, store: bool) -> float:
    """Run one notebook in a fresh kernel; return its wall-clock minutes."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    os.environ["QUICK"] = "1" if quick else "0"
    nb = nbformat.read(path, as_version=4)
    start, steal_start = time.perf_counter(), cpu_steal_seconds()
    client = NotebookClient(nb, timeout=3600, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    for folder in ("executed", "html"):
        (BUILD / folder).mkdir(parents=True, exist_ok=True)
    try:
        client.execute()
    except Exception as exc:  # keep the outputs up to the failing cell for diagnosis; never store them
        write_timing(nb, path, "quick" if quick else "full", _since(steal_start))
        nbformat.write(nb, BUILD / "executed" / path.name)
        raise RuntimeError(f"{describe_failure(exc)} (outputs up to the failing cell: "
                           f"build/executed/{path.name})") from exc
    minutes = (time.perf_counter() - start) / 60
    steal = _since(steal_start)
    if steal is not None and steal >= 30:
        print(f"(CPU steal {steal:.0f} s: the host gave the cores to others, so the minutes are inflated)", end=" ")
    write_timing(nb, path, "quick" if quick else "full", steal)
    nbformat.write(nb, BUILD / "executed" / path.name)
    html, _ = HTMLExporter().from_notebook_node(nb)
    (BUILD / "html" / f"{path.stem}.html").write_text(html, encoding="utf-8")
    if store:
        nbformat.write(nb, path)
    return minutes


RESULTS = ROOT / "RESULTS.md"
_HEADER = ["# Results", "",
           "Measured by `make run` (full mode), from what each notebook recorded with "
           "`utils.record_results`. Regenerated by `make run`; do not edit by hand.", "",
           "| Notebook | Headline metrics | Minutes (full) | Date | Device | Versions |",
           "| --- | --- | --- | --- | --- | --- |"]


def existing_rows(text: str | None = None) -> dict[str, str]:
    """The rows of the current RESULTS.md table, by notebook name (empty if there is no such file)."""
    if text is None:
        text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2 and re.fullmatch(r"\d\d_\w+", cells[0]):
            rows[cells[0]] = line.rstrip()
    return rows


def record_row(stem: str, record_path: Path) -> str:
    """One RESULTS.md row from a record file, or a row saying what is wrong with the record."""
    try:
        r = json.loads(record_path.read_text(encoding="utf-8"))
        metrics = ", ".join(f"{k}: {float(v):.4g}" for k, v in r["metrics"].items())
        versions = ", ".join(f"{k} {v}" for k, v in r["versions"].items())
        return (f"| {stem} | {metrics} | {float(r['minutes']):.1f} | {r['date']} | {r['device']} | "
                f"{versions} |")
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        reason = describe_failure(exc).replace("|", "/")
        return f"| {stem} | malformed record build/results/{record_path.name} ({reason}) | | | | |"


def results_table(updated=None) -> str:
    """Build RESULTS.md: rows of the notebooks in ``updated`` (all if None) come from their full-mode records
    in build/results/; every other row is kept as it is in the current RESULTS.md."""
    kept = existing_rows()
    lines = list(_HEADER)
    for path in notebook_paths():
        record_path = BUILD / "results" / f"{path.stem}.full.json"
        fresh = updated is None or path.stem in updated
        if fresh and record_path.exists():
            lines.append(record_row(path.stem, record_path))
        elif path.stem in kept:
            lines.append(kept[path.stem])
        elif record_path.exists():
            lines.append(record_row(path.stem, record_path))
        else:
            lines.append(f"| {path.stem} | not run yet | | | | |")
    return "\n".join(lines) + "\n"


def describe_failure(exc: BaseException) -> str:
    """One line for a failed notebook: the exception type and the last line of its message, if any."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[-1][:300]}" if lines else type(exc).__name__


def run(names, quick: bool, store: bool) -> int:
    paths = notebook_paths(names)
    mode = "quick" if quick else "full"
    print(f"Running {len(paths)} notebook(s) in {mode} mode")
    failed, ran = [], []
    for i, path in enumerate(paths, 1):
        print(f"[{i}/{len(paths)}] {path.name} ...", end=" ", flush=True)
        record = BUILD / "results" / f"{path.stem}.{mode}.json"
        before = record.stat().st_mtime if record.exists() else None
        try:
            minutes = execute(path, quick, store)
        except Exception as exc:  # report, then carry on with the next notebook
            failed.append(path.name)
            print(f"FAILED: {describe_failure(exc)}")
            continue
        if not record.exists() or record.stat().st_mtime == before:
            failed.append(path.name)
            print(f"ran in {minutes:.1f} min but recorded no results (call utils.record_results)")
            continue
        ran.append(path.stem)
        row = record_row(path.stem, record)
        if "| malformed record" in row:
            failed.append(path.name)
            print(f"ran in {minutes:.1f} min but its record is {row.split(' | ')[1]}")
            continue
        print(f"{minutes:.1f} min | {row.split(' | ')[1]}")
    if not quick:
        RESULTS.write_text(results_table(updated=ran), encoding="utf-8")
        print("Wrote RESULTS.md; executed notebooks in build/executed/, HTML in build/html/")
    if failed:
        print(f"{len(failed)} notebook(s) failed: {', '.join(failed)}")
    return 1 if failed else 0


def fork(slug: str) -> int:
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", slug):
        raise SystemExit(f"expected OWNER/REPO, like 'me/deep-learning-notebooks', got {slug!r}")
    files = [ROOT / "README.md", ROOT / "utils" / "config.py", *notebook_paths()]
    for path in files:
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(REPO_SLUG, slug), encoding="utf-8")
    print(f"Pointed {len(files)} files at github.com/{slug}; commit and push them to your fork.")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m utils.runner", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_p = sub.add_parser("run", help="execute notebooks and regenerate RESULTS.md")
    run_p.add_argument("notebooks", nargs="*", help="notebook names or number prefixes (default: all)")
    run_p.add_argument("--quick", action="store_true", help="quick mode (small data, few epochs)")
    run_p.add_argument("--store", action="store_true", help="also store the outputs in notebooks/")
    fork_p = sub.add_parser("fork", help="point badges and setup cells at another GitHub repository")
    fork_p.add_argument("slug", help="OWNER/REPO")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.notebooks, args.quick, args.store)
    return fork(args.slug)


if __name__ == "__main__":
    sys.exit(main())
