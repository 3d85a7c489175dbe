"""Exercise checks that answer back: "correct", "not attempted yet", or a hint naming what is wrong.

Each notebook's exercises live in one module, ``utils/exercises/nbNN.py``. A notebook's exercise section
starts with ``from utils.exercises import nb02 as check`` and every starter cell ends with a call such as
``check.ex1(updates_per_epoch)``. A check never raises at a student: it prints one line, "correct", a hint, or
"not attempted yet" when some argument is still ``...`` (``check.ex1.verdict(...)`` returns True, False or None).

CI runs every solution with ``EXERCISES_STRICT=1``: then a hint or "not attempted" raises
:class:`ExerciseFailed`, so a solution whose check does not pass fails the build.

Writing a check::

    @exercise(1, "Epochs and batches")
    def ex1(updates_per_epoch):
        require(updates_per_epoch == 40, f"{updates_per_epoch} updates: divide 1257 samples by the batch size")
        return "40 batches of 32 make one epoch"   # optional extra line shown with "correct"

    EXAMPLES = [
        example(ex1, right=[40], wrong=[1257], hint="batch size"),  # tests feed both to the check
    ]
"""

from __future__ import annotations

import functools
import math
import numbers
import os
from dataclasses import dataclass, field

import numpy as np

from ..config import quick_mode

__all__ = ["ExerciseFailed", "Hint", "REGISTRY", "example", "exercise", "quick_mode", "require", "strict_mode"]


class Hint(Exception):
    """Raised inside a check to say what is wrong with the student's answer."""


class ExerciseFailed(AssertionError):
    """Raised in strict mode (CI running the solutions) when a check does not say "correct"."""


#: Every check, by (notebook module, exercise number).
REGISTRY: dict[tuple[str, int], Check] = {}


def strict_mode() -> bool:
    """True when ``EXERCISES_STRICT`` is set (CI runs the solutions this way)."""
    return os.environ.get("EXERCISES_STRICT", "").strip().lower() in {"1", "true", "yes", "on"}


def _attempted(value) -> bool:
    if value is Ellipsis:
        return False
    if isinstance(value, list | tuple | set):
        return all(_attempted(v) for v in value)
    if isinstance(value, dict):
        return all(_attempted(v) for v in value.values())
    return True


@dataclass
class Check:
    """One exercise's check: a function of the student's answer(s) that raises :class:`Hint` when wrong."""

    module: str
    number: int
    title: str
    function: object
    examples: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"Exercise {self.number} ({self.title})"

    def __call__(self, *args, **kwargs) -> None:
        """Check the answer and print the verdict (returns nothing, so a notebook cell shows only the message)."""
        __tracebackhide__ = True
        self.verdict(*args, **kwargs)

    def verdict(self, *args, **kwargs):
        """Like calling the check, and return True (correct), False (a hint) or None (not attempted)."""
        __tracebackhide__ = True
        if not all(_attempted(a) for a in (*args, *kwargs.values())):
            return self._say(None, "not attempted yet: replace each `...` in the cell above, then run it again.")
        try:
            extra = self.function(*args, **kwargs)
        except Hint as hint:
            return self._say(False, f"not yet. {hint}")
        except Exception as exc:  # never a traceback for the student; the tests' right answers catch a broken check
            return self._say(False, f"not yet. The check could not read your answer ({type(exc).__name__}: "
                             f"{str(exc)[:150]}); compare its type and shape with the comment in the starter cell.")
        return self._say(True, "correct!" + (f" {extra}" if isinstance(extra, str) and extra else ""))

    def _say(self, ok, message):
        __tracebackhide__ = True
        print(f"{'✅' if ok else '❌' if ok is False else '⏳'} {self.label}: {message}")
        if strict_mode() and not ok:
            raise ExerciseFailed(f"{self.label}: {message}")
        return ok


def exercise(number: int, title: str):
    """Register the decorated function as the check of exercise ``number`` of its notebook module."""

    def register(function):
        module = function.__module__.rsplit(".", 1)[-1]
        check = Check(module, number, title, function)
        functools.update_wrapper(check, function)
        if (module, number) in REGISTRY and REGISTRY[(module, number)].function.__qualname__ != function.__qualname__:
            raise ValueError(f"{module} registers exercise {number} twice")
        REGISTRY[(module, number)] = check
        return check

    return register


@dataclass
class Example:
    """A right and a wrong answer for a check; the tests feed both to it."""

    check: Check
    right: list
    wrong: list
    hint: str
    right_kwargs: dict = field(default_factory=dict)
    wrong_kwargs: dict = field(default_factory=dict)


def example(check: Check, right, wrong, hint: str, right_kwargs=None, wrong_kwargs=None) -> Example:
    """Record that ``check(*right)`` says correct and ``check(*wrong)`` gives a hint containing ``hint``."""
    if not isinstance(check, Check):
        raise TypeError(f"example() needs a check made with @exercise, got {check!r}")
    made = Example(check, list(right), list(wrong), hint, right_kwargs or {}, wrong_kwargs or {})
    check.examples.append(made)
    return made


def require(condition, hint: str) -> None:
    """Raise :class:`Hint` with ``hint`` unless ``condition`` holds."""
    if not condition:
        raise Hint(hint)


# ---- small helpers the checks share ---------------------------------------------------------------------------

def as_array(value, name: str, shape=None, none_hint: str = "") -> np.ndarray:
    """``value`` as a float array (tensors accepted); a hint when it is not numbers or has the wrong shape.

    ``none_hint`` adds the likely cause of a None for this particular answer to the hint."""
    if value is None:
        raise Hint(f"`{name}` is None: did a function end without `return`, or a call return nothing?"
                   + (f" ({none_hint})" if none_hint else ""))
    if hasattr(value, "numpy"):
        value = value.numpy()
    try:
        array = np.asarray(value, dtype="float64")
    except (TypeError, ValueError) as exc:
        raise Hint(f"`{name}` should hold numbers, got {type(value).__name__}") from exc
    if shape is not None and array.shape != tuple(shape):
        raise Hint(f"`{name}` should have shape {tuple(shape)}, got {array.shape}")
    if not np.all(np.isfinite(array)):
        raise Hint(f"`{name}` contains NaN or infinity: did the computation blow up?")
    return array


def as_number(value, name: str) -> float:
    """``value`` as a float, with a hint when it is not a single finite number."""
    if value is None:
        raise Hint(f"`{name}` is None: did something return nothing?")
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(-1)[0]
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise Hint(f"`{name}` should be a number, got {type(value).__name__}")
    if not math.isfinite(float(value)):
        raise Hint(f"`{name}` is {value}: did the computation blow up?")
    return float(value)


def choice(value, name: str, options: str) -> str:
    """A multiple-choice answer: one letter among ``options`` (case-insensitive)."""
    answer = value.strip().lower() if isinstance(value, str) else None
    if answer is None or len(answer) != 1 or answer not in options.lower():
        raise Hint(f"`{name}` should be one of the letters {', '.join(repr(o) for o in options)}, got {value!r}")
    return answer
