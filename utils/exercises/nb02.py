"""Checks for the exercises of notebook 02 (multilayer perceptron on digits)."""

import math

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, quick_mode, require

BATCHES = {"keras": 32, "sklearn": 200}


@exercise(1, "epochs and batches")
def ex1(updates_per_epoch, total_updates, n_train, epochs_run):
    keys = {"keras", "sklearn", "toy"}
    require(isinstance(updates_per_epoch, dict) and set(updates_per_epoch) == keys,
            f"`updates_per_epoch` should have the keys {sorted(keys)}")
    require(isinstance(total_updates, dict) and set(total_updates) == keys,
            f"`total_updates` should have the keys {sorted(keys)}")
    n_train = int(n_train)
    for name, batch in BATCHES.items():
        got = as_number(updates_per_epoch[name], f"updates_per_epoch[{name!r}]")
        right = math.ceil(n_train / batch)
        require(got != n_train // batch or got == right,
                f"updates_per_epoch[{name!r}] = {got:g}: {n_train} samples in batches of {batch} leave a last, "
                "smaller batch, which is one more update: round up (math.ceil)")
        require(got == right, f"updates_per_epoch[{name!r}] = {got:g}: one update per batch, {n_train} samples "
                f"in batches of {batch}")
    require(as_number(updates_per_epoch["toy"], "updates_per_epoch['toy']") == 1,
            "train_toy passes the whole data set as one batch: one update per epoch")
    for name in keys:
        got = as_number(total_updates[name], f"total_updates[{name!r}]")
        right = as_number(updates_per_epoch[name], name) * int(epochs_run[name])
        require(got == right, f"total_updates[{name!r}] = {got:g}: multiply the updates per epoch by the "
                f"{epochs_run[name]} epochs it ran")
    return "an epoch is one pass over the training set; the number of updates is the number of batches."


@exercise(2, "ReLU and tiny networks")
def ex2(active_fraction, why_relu_fails, why_linear_fails):
    fractions = as_array(active_fraction, "active_fraction").reshape(-1)
    require(fractions.size == 3, f"`active_fraction` should hold one number per hidden neuron (3), got "
            f"{fractions.size}: average over the points (axis=0)")
    require(np.all((fractions >= 0) & (fractions <= 1)), f"`active_fraction` is {fractions}: give the share of "
            "points (between 0 and 1) on which each neuron's output is > 0, not a count")
    answer = choice(why_relu_fails, "why_relu_fails", "abc")
    require(answer != "b", "ReLU is not linear: section 5 showed that one ReLU breaks the collapse")
    require(answer == "a", "ReLU does not saturate for positive inputs; look at neurons active on none of the points")
    answer = choice(why_linear_fails, "why_linear_fails", "abc")
    require(answer == "b", "no amount of training or width helps: redo the algebra of section 5 for three layers")
    dead = int(np.sum(fractions == 0))
    return f"{dead} of your 3 ReLU neurons {'is' if dead == 1 else 'are'} dead here (active on no point)."


@exercise(3, "one neuron, fewer features")
def ex3(squares, product, circle_accuracy, xor_accuracy, radius, circle_weights):
    squares = as_array(squares, "squares")
    require(squares.ndim == 2 and squares.shape[1] == 2, f"`squares` should have 2 columns, x1² and x2²; got "
            f"shape {squares.shape}")
    require(np.all(squares >= 0), "`squares` has negative values: square both coordinates (points**2)")
    product = as_array(product, "product")
    require(product.ndim == 2 and product.shape[1] == 1, f"`product` should have one column (shape (300, 1)), got "
            f"{product.shape}: a neuron's input is a 2-D array; add [:, None]")
    least = 0.85 if quick_mode() else 0.9
    for name, value in (("circle_accuracy", circle_accuracy), ("xor_accuracy", xor_accuracy)):
        accuracy = as_number(value, name)
        require(accuracy >= least, f"{name} = {accuracy:.2f}: one neuron on the right feature should reach "
                f"{least}; did you train on the new features?")
    kernel, bias = (np.asarray(w, dtype="float64") for w in circle_weights)
    w_mean, b = kernel.reshape(-1).mean(), float(bias.reshape(-1)[0])
    expected = math.sqrt(-b / w_mean) if -b / w_mean > 0 else float("nan")
    got = as_number(radius, "radius")
    require(not math.isclose(got, expected**2, rel_tol=1e-3) or math.isclose(got, expected, rel_tol=1e-3),
            f"{got:.2f} is the radius squared: x1² + x2² = -b / w, so take the square root")
    require(math.isclose(got, expected, rel_tol=1e-3), f"radius {got:.3f}, but the neuron's weights give "
            f"sqrt(-b / w) = {expected:.3f}, with w the mean of the two weights")
    require(0.5 < got < 1, f"a radius of {got:.2f} is not between the two rings (0.5 and 1)")
    return "a circle between the rings, from a single neuron with the right features."


@exercise(4, "what do hidden neurons learn?")
def ex4(activity, each_neuron_is):
    activity = as_array(activity, "activity")
    require(activity.ndim == 2, f"`activity` should be (grid points, neurons), got shape {activity.shape}")
    require(activity.shape[1] != 1, "`activity` has one column: that is the network's output; build the model "
            "up to the hidden layer, network.layers[0].output")
    require(activity.shape == (10_000, 8), f"`activity` should be (10000, 8): 100×100 grid points, 8 neurons; "
            f"got {activity.shape}")
    require(np.all(np.abs(activity) <= 1 + 1e-6), "tanh outputs lie in [-1, 1]: is `activity` the hidden layer?")
    answer = choice(each_neuron_is, "each_neuron_is", "abc")
    require(answer == "a", "look at one panel: where does the colour change, along a curve or along a straight line?")
    return "each neuron is a soft step across a line; the output neuron combines the steps into a ring."


@exercise(5, "regularisation")
def ex5(weight_stats, sparse_penalty):
    require(isinstance(weight_stats, dict) and set(weight_stats) == {"none", "L2", "L1"},
            "`weight_stats` should have the keys 'none', 'L2' and 'L1' (run the loop)")
    mean_abs = {k: as_number(v["mean |w|"], f"weight_stats[{k!r}]['mean |w|']") for k, v in weight_stats.items()}
    near_zero = {k: as_number(v["share ≈ 0"], f"weight_stats[{k!r}]['share ≈ 0']") for k, v in weight_stats.items()}
    require(mean_abs["L2"] < 0.8 * mean_abs["none"], f"with L2 the mean |w| is {mean_abs['L2']:.3f}, without "
            f"{mean_abs['none']:.3f}: pass keras.regularizers.L2(0.01) as the 'L2' regulariser")
    require(near_zero["L1"] > near_zero["none"] + 0.1 and near_zero["L1"] > near_zero["L2"],
            f"with L1 only {near_zero['L1']:.0%} of the weights are below 0.01 (L2: {near_zero['L2']:.0%}): pass "
            "keras.regularizers.L1(0.01) as the 'L1' regulariser, and count np.abs(kernels) < 0.01")
    penalty = sparse_penalty.strip().upper() if isinstance(sparse_penalty, str) else sparse_penalty
    require(penalty in ("L1", "L2"), f"`sparse_penalty` should be 'L1' or 'L2', got {sparse_penalty!r}")
    require(penalty == "L1", "compare the titles of the histograms: which one has the most weights below 0.01?")
    return "L2 shrinks every weight a little; L1 pushes many to zero (a sparse network)."


def _n_params(key):
    sizes = [64, *(int(n) for n in key.strip("[] ").split(",")), 10]
    return sum(a * b + b for a, b in zip(sizes, sizes[1:], strict=False))


@exercise(6, "width and depth on the digits")
def ex6(val_accuracy, pick):
    require(isinstance(val_accuracy, dict) and len(val_accuracy) == 5,
            "`val_accuracy` should map each of the 5 hidden-layer lists (as a string) to its validation accuracy")
    accuracy = {k: as_number(v, f"val_accuracy[{k!r}]") for k, v in val_accuracy.items()}
    least = 0.8 if quick_mode() else 0.9
    for key, value in accuracy.items():
        require(value >= least, f"{key} reaches only {value:.2f} on validation (chance is 0.10): did you fit it on "
                "(x_fit, y_fit) before evaluating on (x_val, y_val)?")
    if isinstance(pick, list | tuple):  # [32] as a list is a natural answer too
        pick = str(list(pick))
    require(isinstance(pick, str) and pick in accuracy, f"`pick` should be one of {list(accuracy)} (a string), "
            f"got {pick!r}")
    best = max(accuracy.values())
    plateau = [k for k, v in accuracy.items() if v >= best - 0.01]
    require(pick in plateau, f"{pick} is more than 0.01 below the best validation accuracy ({best:.3f})")
    smallest = min(plateau, key=_n_params)
    require(pick == smallest, f"{smallest} ({_n_params(smallest):,} parameters) is within 0.01 of the best too, "
            f"with fewer parameters than {pick} ({_n_params(pick):,}): prefer the smallest network on the plateau")
    return f"{pick}: the smallest network within 0.01 of the best, chosen without touching the test set."


@exercise(7, "a softmax that does not overflow")
def ex7(stable_softmax, what_goes_wrong):
    big = np.array([1000.0, 999.0, 998.0])
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            got = np.asarray(stable_softmax(big), dtype="float64")
            lecture = np.asarray(stable_softmax(np.array([3.0, 1.0, 0.2])), dtype="float64")
    except Exception as exc:  # the student's function: report any failure as a hint
        raise Hint(f"calling stable_softmax(np.array([1000.0, 999.0, 998.0])) failed: {type(exc).__name__}: "
                   f"{exc}") from exc
    require(not np.any(np.isnan(got)), "stable_softmax([1000, 999, 998]) gives nan: e^1000 overflows; subtract the "
            "largest score before exponentiating")
    require(np.allclose(got, [0.66524096, 0.24472847, 0.09003057], atol=1e-6), f"stable_softmax([1000, 999, 998]) "
            f"= {got}; expected the probabilities of [2, 1, 0]: [0.665, 0.245, 0.090]")
    with np.errstate(over="ignore", invalid="ignore"):
        wide = np.asarray(stable_softmax(np.array([1000.0, 0.0, -1000.0])), dtype="float64")
    require(np.allclose(wide, [1, 0, 0], atol=1e-6), f"stable_softmax([1000, 0, -1000]) = {wide}: subtract the "
            "largest score, not the smallest (e^2000 overflows too)")
    require(np.allclose(lecture, [0.8360188, 0.11314284, 0.05083836], atol=1e-6),
            f"stable_softmax([3.0, 1.0, 0.2]) = {lecture}; the lecture's answer is [0.836, 0.113, 0.051]")
    answer = choice(what_goes_wrong, "what_goes_wrong", "abc")
    require(answer == "a", "print softmax(np.array([1000.0, 999.0, 998.0])): what is e^1000 in float64?")
    return "subtracting the maximum changes nothing mathematically and avoids the overflow."


@exercise(8, "the loss before training")
def ex8(expected_loss, measured_loss):
    expected = as_number(expected_loss, "expected_loss")
    require(not math.isclose(expected, 0.1), "0.1 is the probability of the true class; the loss is -log of it")
    require(not math.isclose(expected, 1.0, rel_tol=1e-3), "1.0 is -log10(1/10): the cross-entropy uses the natural "
            "logarithm (np.log)")
    require(not math.isclose(expected, math.log2(10), abs_tol=0.01), "3.32 is log2(10): the cross-entropy uses the "
            "natural logarithm (np.log)")
    require(math.isclose(expected, math.log(10), abs_tol=0.01), f"expected_loss = {expected:.3f}; with uniform "
            "probabilities every image gives -log(1/10)")
    measured = as_number(measured_loss, "measured_loss")
    require(1.5 < measured < 5, f"a fresh network's loss of {measured:.2f} is far from ln 10: did you evaluate an "
            "untrained build_mlp([128]) on the training data?")
    return f"ln 10 = {math.log(10):.2f} expected, {measured:.2f} measured on the untrained network."


def _stable(scores):
    shifted = scores - scores.max()
    return np.exp(shifted) / np.sum(np.exp(shifted))


def _naive(scores):
    return np.exp(scores) / np.sum(np.exp(scores))


_PER_EPOCH = {"keras": 40, "sklearn": 7, "toy": 1}
_EPOCHS = {"keras": 30, "sklearn": 134, "toy": 300}
_TOTAL = {k: _PER_EPOCH[k] * _EPOCHS[k] for k in _PER_EPOCH}
_W, _B = np.array([[-5.95], [-5.17]]), np.array([3.41])
_R = math.sqrt(3.41 / 5.56)
_VAL = {"[32]": 0.978, "[128]": 0.98, "[512]": 0.985, "[128, 128]": 0.975, "[128, 128, 128]": 0.98}
_GRID = np.tanh(np.random.default_rng(0).normal(size=(10_000, 8)))
_STATS = {"none": {"mean |w|": 0.3, "share ≈ 0": 0.01}, "L2": {"mean |w|": 0.05, "share ≈ 0": 0.02},
          "L1": {"mean |w|": 0.02, "share ≈ 0": 0.6}}
EXAMPLES = [
    example(ex1, right=[_PER_EPOCH, _TOTAL, 1257, _EPOCHS],
            wrong=[{**_PER_EPOCH, "keras": 39}, _TOTAL, 1257, _EPOCHS], hint="round up"),
    example(ex2, right=[[0.0, 0.0, 0.52], "a", "b"], wrong=[[0, 0, 156], "a", "b"], hint="not a count"),
    example(ex3, right=[np.ones((300, 2)), np.ones((300, 1)), 0.97, 0.99, _R, (_W, _B)],
            wrong=[np.ones((300, 2)), np.ones((300, 1)), 0.97, 0.99, _R**2, (_W, _B)], hint="radius squared"),
    example(ex4, right=[_GRID, "a"], wrong=[_GRID[:, :1], "a"], hint="network's output"),
    example(ex5, right=[_STATS, "L1"], wrong=[_STATS, "L2"], hint="histograms"),
    example(ex6, right=[_VAL, "[32]"], wrong=[_VAL, "[512]"], hint="prefer the smallest"),
    example(ex7, right=[_stable, "a"], wrong=[_naive, "a"], hint="gives nan"),
    example(ex8, right=[math.log(10), 2.6], wrong=[1.0, 2.6], hint="natural"),
]
# more wrong answers students give: the smallest score subtracted; log2; ln 10 rounded and a list pick (must pass)
EXAMPLES += [
    example(ex7, right=[_stable, "a"], wrong=[lambda z: np.exp(z - z.min()) / np.sum(np.exp(z - z.min())), "a"],
            hint="not the smallest"),
    example(ex8, right=[2.3, 2.6], wrong=[math.log2(10), 2.6], hint="log2"),
    example(ex6, right=[_VAL, [32]], wrong=[_VAL, [512]], hint="prefer the smallest"),
]
