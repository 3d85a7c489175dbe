"""Checks for the exercises of notebook 01 (perceptron and logistic regression)."""

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, require


def _with_leading_ones(x_aug, name, n_columns):
    array = as_array(x_aug, name)
    require(array.ndim == 2 and array.shape[1] == n_columns,
            f"`{name}` should have one row per sample and {n_columns} columns, got shape {array.shape}")
    if not np.allclose(array[:, 0], 1.0):
        if np.allclose(array[:, -1], 1.0):
            raise Hint(f"the column of ones is the last column of `{name}`: put it first, so that w[0] is the bias")
        raise Hint(f"the first column of `{name}` should be all ones (the input the bias multiplies)")
    return array


@exercise(1, "the bias as the first element of w")
def ex1(x_train_aug, w_aug, b, w):
    _with_leading_ones(x_train_aug, "x_train_aug", 3)
    got = as_array(w_aug, "w_aug").reshape(-1)
    require(got.shape == (3,), f"`w_aug` should hold 3 numbers, [b, w1, w2]; got {got.size}")
    require(np.any(got != 0), "`w_aug` is still all zeros: inside the loop, compute J with the tape and update "
            "w_aug with w_aug.assign_sub(LEARNING_RATE * gradient)")
    reference = np.r_[as_number(b, "b"), as_array(w, "w").reshape(-1)]
    require(np.allclose(got, reference, atol=2e-3),
            f"[b, w1, w2] = {np.round(got, 3)}, but section 4 found {np.round(reference, 3)}; use the same "
            "learning rate (LEARNING_RATE), the same number of epochs (EPOCHS) and the whole training set per step")
    return "the same parameters: the bias is just the weight of an input that is always 1."


XOR_FEATURES = np.array([[1, 0, 0, 0], [1, 0, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1]], dtype=float)


@exercise(2, "XOR: a problem one line cannot solve")
def ex2(x_xor_product, why):
    array = as_array(x_xor_product, "x_xor_product")
    if array.shape == (4, 3):
        require(not np.allclose(array[:, 0], 1.0),
                "`x_xor_product` has 3 columns: add the product x1 * x2 as a fourth column after [1, x1, x2]")
        raise Hint("`x_xor_product` has 3 columns: start each row with a 1 (the bias input), [1, x1, x2, x1 * x2]")
    _with_leading_ones(array, "x_xor_product", 4)
    require(np.allclose(array, XOR_FEATURES),
            f"`x_xor_product` should be [1, x1, x2, x1 * x2] for the points (0,0), (0,1), (1,0), (1,1): "
            f"expected {XOR_FEATURES.astype(int).tolist()}, got {array.tolist()}")
    answer = choice(why, "why", "abc")
    require(answer != "a", "a larger or smaller learning rate only scales w; it cannot make a line separate XOR")
    require(answer != "c", "more epochs do not help: the mistakes cycle through the same pattern forever")
    return "with x1·x2 the four points become linearly separable in 3-D, and the perceptron converges."


@exercise(3, "the perceptron on overlapping classes")
def ex3(x_train_aug, w_vv, mistakes_vv, train_accuracy_vv, converges, y_train):
    x_aug = _with_leading_ones(x_train_aug, "x_train_aug", 3)
    labels = as_array(y_train, "y_train").reshape(-1)
    require(len(labels) == len(x_aug), f"`x_train_aug` has {len(x_aug)} rows but y_train {len(labels)} labels: "
            "add the column of ones to x_train, the training set of section 4")
    weights = as_array(w_vv, "w_vv").reshape(-1)
    require(weights.shape == (3,), f"`w_vv` should be the perceptron's [b, w1, w2], got {weights.size} numbers")
    mistakes = as_array(mistakes_vv, "mistakes_vv").reshape(-1)
    require(len(mistakes) == 30, f"`mistakes_vv` has {len(mistakes)} entries: train with max_epochs=30")
    require(mistakes[-1] > 0, "the last epoch made no mistake: did you train on the versicolor/virginica data "
            "(x_train, y_train of section 4)?")
    accuracy = as_number(train_accuracy_vv, "train_accuracy_vv")
    require(0 <= accuracy <= 1, f"`train_accuracy_vv` is {accuracy:g}: give the share of flowers classified "
            "correctly (between 0 and 1), not a count")
    expected = float(np.mean((x_aug @ weights >= 0).astype(int) == labels))
    require(abs(accuracy - expected) < 1e-6,
            f"`train_accuracy_vv` is {accuracy:.3f}, but the last w classifies {expected:.3f} of the training "
            "flowers correctly: compare perceptron_predict(x_train_aug, w_vv) with y_train and take the mean")
    require(isinstance(converges, bool | np.bool_), f"`converges` should be True or False, got {converges!r}")
    require(not converges, "look at mistakes_vv: it never reaches 0, so the perceptron never stops updating")
    return "no line separates these flowers, so the perceptron never settles; logistic regression does."


@exercise(4, "the gradient by hand")
def ex4(dJ_dw_formula, dJ_db_formula, dJ_dw_tape, dJ_db_tape):
    tape_w = as_array(dJ_dw_tape, "dJ_dw_tape").reshape(-1)
    tape_b = as_number(dJ_db_tape, "dJ_db_tape")
    got_w = as_array(dJ_dw_formula, "dJ_dw_formula").reshape(-1)
    got_b = as_number(dJ_db_formula, "dJ_db_formula")
    require(got_w.shape == (2,), f"`dJ_dw_formula` should hold one number per weight (2), got {got_w.size}: "
            "X^T has shape (2, m) and (y_hat - y) shape (m,)")
    if np.allclose(got_w, -tape_w, rtol=1e-3, atol=1e-6) and not np.allclose(got_w, tape_w, atol=1e-6):
        raise Hint("the sign is flipped: the formula uses y_hat - y, not y - y_hat")
    ratio = got_w / np.where(tape_w == 0, np.nan, tape_w)
    if np.all(np.isfinite(ratio)) and np.allclose(ratio, ratio[0], rtol=1e-3) and ratio[0] > 1.5:
        raise Hint(f"your dJ/dw is {ratio[0]:.0f} times the tape's: divide the sum by m, the number of samples")
    require(np.allclose(got_w, tape_w, rtol=1e-3, atol=1e-5),
            f"formula dJ/dw = {np.round(got_w, 5)}, tape {np.round(tape_w, 5)}: compute x_train.T @ error / m")
    require(np.isclose(got_b, tape_b, rtol=1e-3, atol=1e-5),
            f"formula dJ/db = {got_b:.5f}, tape {tape_b:.5f}: dJ/db is the mean of the errors y_hat - y")
    return "the tape and the formula agree: the sigmoid's derivative cancels the cross-entropy's denominators."


@exercise(5, "a learning rate too high for the mean squared error")
def ex5(mse_per_epoch, why_bounded):
    losses = np.asarray(mse_per_epoch, dtype="float64").reshape(-1)  # inf or NaN is a valid explosion
    require(len(losses) == 20, f"`mse_per_epoch` has {len(losses)} values: train for 20 epochs")
    exploded = not np.isfinite(losses[-1]) or losses[-1] > 100 * losses[0]
    require(exploded, f"the MSE went from {losses[0]:.3g} to {losses[-1]:.3g}: it should explode. Use "
            "SGD(learning_rate=1.0) and the whole dataset as one batch (batch_size=n_houses)")
    answer = choice(why_bounded, "why_bounded", "abc")
    require(answer != "c", "Keras does not clip gradients unless you ask (clipnorm=...); the difference is in "
            "the loss")
    require(answer == "a", "the cross-entropy does have a minimum (section 4 trains until J stops falling); "
            "compare how large the gradients of the two losses can get")
    return "a step too large for the MSE bowl lands higher on the other side, and every step overshoots more."


_RNG = np.random.default_rng(0)
_X3 = np.c_[np.ones(10), _RNG.normal(size=(10, 2))]
_W_REF, _B_REF = np.array([[2.362], [2.991]]), 0.263
_TAPE_W, _TAPE_B = np.array([0.12, -0.34]), 0.05
_W_VV, _Y3 = np.array([0.1, 1.0, -0.5]), np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 0])
_ACC_VV = float(np.mean((_X3 @ _W_VV >= 0) == _Y3))
EXAMPLES = [
    example(ex1, right=[_X3, np.array([[0.263], [2.362], [2.991]]), _B_REF, _W_REF],
            wrong=[_X3[:, [1, 2, 0]], np.array([[2.362], [2.991], [0.263]]), _B_REF, _W_REF],
            hint="put it first"),
    example(ex2, right=[XOR_FEATURES, "b"], wrong=[XOR_FEATURES[:, :3], "b"], hint="fourth column"),
    example(ex3, right=[_X3, _W_VV, [9, 7, 8] * 10, _ACC_VV, False, _Y3],
            wrong=[_X3, _W_VV, [9, 7, 8] * 10, 7 * _ACC_VV, False, _Y3], hint="not a count"),
    example(ex3, right=[_X3, _W_VV, [9, 7, 8] * 10, _ACC_VV, False, _Y3],
            wrong=[_X3, _W_VV, [9, 7, 8] * 10, 0.9, False, _Y3], hint="classifies"),
    example(ex4, right=[_TAPE_W, _TAPE_B, _TAPE_W, _TAPE_B], wrong=[70 * _TAPE_W, 70 * _TAPE_B, _TAPE_W, _TAPE_B],
            hint="divide the sum by m"),
    example(ex5, right=[list(np.geomspace(1e5, 1e30, 20)), "a"], wrong=[list(np.geomspace(1e5, 900, 20)), "a"],
            hint="should explode"),
]
