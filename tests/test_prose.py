"""A cheap guard against prose drifting from outputs (evaluation discipline, rule 3).

Every decimal number (84.2, 0.0109), every percentage (65 %) and every number written with thousands separators
(14,000) in a notebook's markdown must be shown by the same notebook: printed in a stored output or written in its
code, at the precision the prose uses (0.8417 in an output backs "84.2 %" and "0.84"). After a re-run moves a
result, the sentence that quotes the old number fails here. Numbers after "about", "around", "roughly" or "~" may
differ by up to 5 %.
References (section 7.2, algorithm 7.3, TensorFlow 2.20) are not results and are skipped. A number that is
right but is not printed (a figure quoted from a paper) goes in ALLOWED with its reason.
"""

import json
import re

import pytest

from utils.config import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# Numbers the prose may quote without an output, with the reason.
ALLOWED = {
    "02_mlp_digits": {"8.3", "0.665", "0.245"},  # a book section; probabilities printed by exercise 7's solution
    "03_fashion_mnist": {"70,000", "335,000", "7.1", "7.12"},  # dataset size; the parameter count of exercise 1's
    # network; sections of Goodfellow et al.
    "04_cnn_cifar10": {"3,072"},  # 32·32·3
    "06_transfer_learning": {"9.8", "17,536"},  # 50,000·128²·3·4 bytes; 3·3·128 + 128·128 weights per block
    "09_generative_models": {"2,048"},  # the size of Inception-v3's pooled features, which FID uses
    "12_reinforcement_learning": {"10,019", "20,099"},  # the last seeds of ranges that start at 10_000 and 20_000
}

PROSE_NUMBER = re.compile(r"(?<![\w.^_{\\/-])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+(?=\s?%))(?![\w]|\.\d)")
ANY_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?")
REFERENCE = re.compile(r"(?:sections?|algorithms?|chapters?|equations?|figures?|tables?|versions?|TensorFlow|Keras|"
                       r"Python|NumPy|scikit-learn|matplotlib|Gymnasium|pandas|Colab|v|§)\s*(?:[\d.]+\s*(?:,|and|to|/"
                       r"|or)\s*)*$", re.IGNORECASE)
APPROXIMATE = re.compile(r"(?:about|around|roughly|nearly|almost|~|≈)\s*$", re.IGNORECASE)


def prose(markdown):
    """The running text of a markdown cell: no code, maths, link targets or HTML tags."""
    for pattern in (r"```.*?```", r"\$\$.*?\$\$", r"\$[^$\n]*\$", r"`[^`\n]*`", r"\]\([^)]*\)", r"<[^>]+>"):
        markdown = re.sub(pattern, " ", markdown, flags=re.DOTALL)
    return markdown


def shown_numbers(notebook):
    """Every number in the code and the stored text outputs, also as a percentage and as a fraction."""
    found = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        texts = ["".join(cell["source"])]
        for out in cell.get("outputs", []):
            texts += ["".join(out.get("text", "")), "".join(out.get("data", {}).get("text/plain", ""))]
        for token in ANY_NUMBER.findall(re.sub(r"(?<=\d)_(?=\d)", "", "\n".join(texts))):  # 10_000 in code
            try:
                found.add(float(token.replace(",", "")))
            except ValueError:
                continue
    return found | {x * 100 for x in found} | {x / 100 for x in found}


def unbacked_numbers(notebook, allowed=()):
    shown = shown_numbers(notebook)
    missing = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        text = prose("".join(cell["source"]))
        for match in PROSE_NUMBER.finditer(text):
            token = match.group(1)
            before = text[max(0, match.start() - 40):match.start()]
            if token in allowed or REFERENCE.search(before):
                continue
            value = float(token.replace(",", ""))
            decimals = len(token.split(".")[1]) if "." in token else 0
            tolerance = 0.05 * value if APPROXIMATE.search(before) else 0.5 * 10**-decimals + 1e-9
            if decimals == 0:
                tolerance = max(tolerance, 0.5)
            if not any(abs(x - value) <= tolerance for x in shown):
                context = text[max(0, match.start() - 50):match.end() + 20].replace("\n", " ")
                missing.append(f"cell {index}: {token!r} in '...{context}...'")
    return missing


def test_the_guard_catches_a_stale_number():
    notebook = {"cells": [
        {"cell_type": "code", "source": ["print(accuracy)"], "outputs": [{"text": ["test accuracy 0.8417\n"]}]},
        {"cell_type": "markdown", "source": ["The CNN gets 84.2 % (about 84 %), not 83.0 % (section 5.7), nor 86 %."]},
    ]}
    assert [entry.split(" in ")[0] for entry in unbacked_numbers(notebook)] == ["cell 1: '83.0'", "cell 1: '86'"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_numbers_are_shown_by_the_notebook(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    missing = unbacked_numbers(notebook, ALLOWED.get(path.stem, set()))
    assert not missing, (f"{path.name}: numbers in the prose that no output or code of the notebook shows (stale "
                         "after a re-run, or derived and never printed: print them, round them, or list them in "
                         "ALLOWED with a reason):\n" + "\n".join(missing))


MAKING_OF = re.compile(r"reference machine|while (?:writing|designing)|we saw|in (?:the|a) (?:design|earlier) run|"
                       r"in the (?:stored )?run above", re.IGNORECASE)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_notes_about_how_the_notebook_was_made(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notes = [f"cell {i}: {m.group()!r}" for i, cell in enumerate(notebook["cells"]) if cell["cell_type"] == "markdown"
             for m in MAKING_OF.finditer("".join(cell["source"]))]
    assert not notes, f"{path.name}: prose about how the notebook was made (rule 3):\n" + "\n".join(notes)
