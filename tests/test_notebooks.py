"""Structural checks on every notebook: the anatomy in DESIGN.md and clean stored outputs."""

import json
import re

import pytest

from utils.config import REPO_SLUG, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# The lectures' worked numbers each notebook must print in a `# NBVAL_CHECK_OUTPUT` cell.
WORKED_NUMBERS = {
    "00_tensorflow_basics": ["3.75", "-3.0", "0.0", "3.0"],
    "01_perceptron": ["ReLU(-1.8) = 0.0", "ReLU(1.7) = 1.7"],
    "02_mlp_digits": ["0.8360188", "0.11314284", "0.05083836", "7.39", "2.72", "1.11", "11.21",
                      "4.61", "1.60", "0.92", "0.10", "0.01"],
    "04_cnn_cifar10": ["[[4 3 4]\n [2 4 3]\n [2 3 4]]", "[[6. 8.]\n [3. 4.]]", "[[3.25 5.25]\n [2.   2.  ]]"],
    "11_detection_segmentation": ["IoU = 1.0000", "IoU = 0.3333", "IoU = 0.1429", "IoU = 0.3600", "IoU = 0.0000",
                                  "kept by tf.image.non_max_suppression: [1, 3]", "AP by hand 0.8333 | voc_ap 0.8333"],
    "12_reinforcement_learning": ["gamma = 1.0: G = 6.0000  5.0000  5.0000  3.0000  3.0000",
                                  "gamma = 0.9: G = 4.5883  3.9870  4.4300  2.7000  3.0000",
                                  "gamma = 0.0: G = 1.0000  0.0000  2.0000  0.0000  3.0000", "G_0 = 99.34"],
}


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell["source"])


def outputs_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        parts.append("".join(out.get("text", "")))
        parts.append("".join(out.get("data", {}).get("text/plain", "")))
    return "".join(parts)


def test_there_are_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS][:2] == ["00", "01"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_anatomy(path):
    cells = load(path)["cells"]
    markdown = [source(c) for c in cells if c["cell_type"] == "markdown"]
    code = [source(c) for c in cells if c["cell_type"] == "code"]
    assert markdown[0].startswith("# "), "the first cell must be the title"
    badge = f"https://colab.research.google.com/github/{REPO_SLUG}/blob/main/notebooks/{path.name}"
    assert badge in markdown[0], f"the title cell needs the Colab badge linking to {badge}"
    assert f'REPO_URL = "https://github.com/{REPO_SLUG}"' in code[0], "the first code cell is the setup cell"
    assert f'utils.setup("{path.stem}", quick=QUICK)' in code[0]
    assert any(re.match(r"## .*Exercises", m) for m in markdown), "an '## Exercises' section is missing"
    assert sum(m.count("<details>") for m in markdown) >= 3, "exercises need solutions in <details> blocks"
    assert any("assert " in c and "utils.record_results(" in c for c in code), "a Checks cell is missing"
    assert any(m.startswith("## Summary") for m in markdown), "a '## Summary' section is missing"
    assert max(len(c.splitlines()) for c in code) <= 25, "keep code cells short (<= 25 lines)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_outputs_come_from_one_clean_full_run(path):
    assert path.stat().st_size < 2 * 1024 * 1024, "notebooks must stay under 2 MB"
    code = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), "re-run top to bottom"
    assert "full mode" in outputs_text(code[0]), "stored outputs must come from a full-mode run"
    for cell in code:
        for out in cell["outputs"]:
            assert out["output_type"] != "error", f"stored error in cell: {source(cell)[:80]}"
            assert out.get("name") != "stderr" or "Traceback" not in "".join(out.get("text", ""))
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"/work/|/tmp/|/root/|/home/\w+", text), "a stored output holds a local path"


@pytest.mark.parametrize("stem", sorted(WORKED_NUMBERS))
def test_worked_numbers_are_checked_by_nbval(stem):
    path = ROOT / "notebooks" / f"{stem}.ipynb"
    if not path.exists():
        pytest.skip(f"{stem} is not written yet")
    checked = [c for c in load(path)["cells"]
               if c["cell_type"] == "code" and source(c).startswith("# NBVAL_CHECK_OUTPUT")]
    shown = "".join(outputs_text(c) for c in checked)
    missing = [n for n in WORKED_NUMBERS[stem] if n not in shown]
    assert not missing, f"lecture numbers not printed by a # NBVAL_CHECK_OUTPUT cell: {missing}"


def test_readme_lists_every_notebook_with_its_badge():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"colab.research.google.com/github/{REPO_SLUG}/blob/main/notebooks/{path.name}" in readme


@pytest.mark.parametrize("path", [*NOTEBOOKS, ROOT / "README.md"], ids=lambda p: p.stem)
def test_links_and_mentions_point_at_notebooks_that_exist(path):
    text = path.read_text(encoding="utf-8")
    existing = {p.name for p in NOTEBOOKS}
    linked = set(re.findall(r"\]\((?:notebooks/)?(\d\d_\w+\.ipynb)\)", text))
    assert linked <= existing, f"links to notebooks that do not exist: {sorted(linked - existing)}"
    numbers = {p.name[:2] for p in NOTEBOOKS}
    mentioned = set(re.findall(r"\b[Nn]otebooks? (\d\d)\b(?! minutes)", text))
    assert mentioned <= numbers, f"mentions notebooks that do not exist: {sorted(mentioned - numbers)}"
