"""Checks for the exercises of notebook 03 (Fashion-MNIST: capacity, regularisation, callbacks)."""

from . import Hint, as_number, choice, example, exercise, quick_mode, require


def _accuracy(value, name):
    if isinstance(value, list | tuple) and len(value) >= 2:
        raise Hint(f"`{name}` is a list: model.evaluate returns [loss, accuracy, ...], keep only the accuracy")
    number = as_number(value, name)
    require(0 <= number <= 1, f"`{name}` = {number:.3f} is not an accuracy between 0 and 1: is it a loss?")
    return number


def _history(history, name="history"):
    if hasattr(history, "history"):
        history = history.history
    require(isinstance(history, dict) and "val_accuracy" in history and history["val_accuracy"],
            f"`{name}` should be the `history` dict of a fit with validation data (it needs 'val_accuracy')")
    return history


@exercise(1, "a big network with linear activations")
def ex1(linear_deep, linear_history, why):
    import keras

    dense = [layer for layer in getattr(linear_deep, "layers", []) if isinstance(layer, keras.layers.Dense)]
    require(len(dense) == 4, f"`linear_deep` should be a Keras model with three hidden Dense(256) layers and the "
            f"Dense(10) output; it has {len(dense)} Dense layers")
    for layer in dense[:-1]:
        require(layer.units == 256, f"hidden layer {layer.name} has {layer.units} units: the deep network of "
                "section 4 has three hidden layers of 256")
        activation = getattr(layer.activation, "__name__", str(layer.activation))
        require(activation == "linear", f"hidden layer {layer.name} uses {activation}: the exercise removes the "
                "non-linearity (activation=None)")
    require(getattr(dense[-1].activation, "__name__", "") == "softmax",
            "the output layer stays softmax over 10 classes")
    history = _history(linear_history, "linear_history")
    val = _accuracy(history["val_accuracy"][-1], "the last validation accuracy")
    best = _accuracy(max(history["val_accuracy"]), "the best validation accuracy")
    train = _accuracy(history["accuracy"][-1], "the last training accuracy") if history.get("accuracy") else None
    floor = 0.4 if quick_mode() else 0.75
    require(val >= floor, f"validation accuracy {val:.3f} is low even for a linear model (expected at least {floor}); "
            "did it train with train_demo?")
    letter = choice(why, "why", "abc")
    require(letter != "b", "parameters are not the problem: the 335,000 weights could all be used, yet the function "
            "class is what limits it. What is a linear map of a linear map?")
    require(letter == "a", "Adam trains linear layers perfectly well; what is a linear map of a linear map?")
    trained = f"training accuracy {train:.3f}, " if train is not None else ""
    return (f"{trained}best validation accuracy {best:.3f} (compare the deep ReLU network of sections 4 and 5): "
            "W3(W2(W1 x + b1) + b2) + b3 is one linear map, so this is softmax regression with extra steps.")


STRENGTHS = (1e-5, 1e-4, 1e-3)


@exercise(2, "how strong should L1 be?")
def ex2(results, choose_by):
    require(isinstance(results, dict) and set(results) == set(STRENGTHS),
            f"`results` should map each strength {STRENGTHS} to (fraction near zero, validation accuracy)")
    near_zero, val = {}, {}
    for strength in STRENGTHS:
        pair = results[strength]
        require(isinstance(pair, list | tuple) and len(pair) == 2,
                f"results[{strength:g}] should be a pair (fraction near zero, validation accuracy), got {pair!r}")
        near_zero[strength] = as_number(pair[0], f"the fraction near zero for {strength:g}")
        require(0 <= near_zero[strength] <= 1, f"the fraction near zero for {strength:g} is "
                f"{near_zero[strength]:.3f}: a fraction is between 0 and 1 (np.mean of a boolean array)")
        val[strength] = _accuracy(pair[1], f"the validation accuracy for {strength:g}")
    require(near_zero[1e-3] >= near_zero[1e-5] - 0.005,
            f"the fraction of near-zero weights falls from {near_zero[1e-5]:.1%} (1e-5) to {near_zero[1e-3]:.1%} "
            "(1e-3): a stronger L1 penalty should zero more weights. Did you measure |w| < 0.001 on the first layer?")
    if not quick_mode():
        require(near_zero[1e-3] > near_zero[1e-5] + 0.3,
                f"with the full epoch budget L1 1e-3 should zero far more weights than 1e-5 ({near_zero[1e-3]:.1%} vs "
                f"{near_zero[1e-5]:.1%}); measure np.mean(np.abs(model.layers[0].kernel.numpy()) < 1e-3)")
    letter = choice(choose_by, "choose_by", "abc")
    require(letter != "b", "choosing on the test set makes the test score optimistic: it is touched once, at the end")
    require(letter == "a", "the largest strength that still trains is not a criterion: too strong a penalty "
            "under-fits. How were width and depth chosen?")
    table = "; ".join(f"{s:g}: {near_zero[s]:.0%} near zero, val acc {val[s]:.3f}" for s in STRENGTHS)
    return table + "."


def _is_binary_crossentropy(loss):
    import keras

    if isinstance(loss, str):
        return loss.lower().replace("_", "") in {"binarycrossentropy", "bce"}
    return isinstance(loss, keras.losses.BinaryCrossentropy) or loss is keras.losses.binary_crossentropy


@exercise(3, "the sigmoid + BCE row: Shirt or T-shirt?")
def ex3(output_layer, loss, pair_val_accuracy, ten_class_pair_accuracy):
    import keras

    require(isinstance(output_layer, keras.layers.Dense), "`output_layer` should be a Dense layer")
    activation = getattr(output_layer.activation, "__name__", str(output_layer.activation))
    require(output_layer.units == 1, f"Dense({output_layer.units}): two classes need one unit, P(Shirt); "
            "P(T-shirt) = 1 − P(Shirt)")
    require(activation != "softmax", "a softmax over a single unit always outputs 1: use activation='sigmoid'")
    require(activation == "sigmoid", f"the output uses {activation}: a probability needs activation='sigmoid'")
    require(_is_binary_crossentropy(loss), f"{loss!r} does not go with a sigmoid output: use 'binary_crossentropy'")
    require(not getattr(loss, "from_logits", False),
            "the sigmoid already gives a probability; from_logits=True expects raw scores")
    val = _accuracy(pair_val_accuracy, "pair_val_accuracy")
    ten = _accuracy(ten_class_pair_accuracy, "ten_class_pair_accuracy")
    floor = 0.6 if quick_mode() else 0.8
    require(val >= floor, f"validation accuracy {val:.3f} on the pair (chance is 0.5, expected at least {floor}); "
            "are the labels 0/1 (y == 6) and did you train on x_pair?")
    points = 100 * (val - ten)
    if abs(points) <= 1:
        verdict = ("about the same: a specialist does not make the pair easier, the images themselves are "
                   "ambiguous at 28x28")
    elif points > 0:
        verdict = f"the specialist is {points:.1f} points better: the other eight classes cost the 10-class model some"
    else:
        verdict = (f"the specialist is {-points:.1f} points worse: more capacity or data for the pair alone did not "
                   "help, the images themselves are ambiguous")
    return (f"specialist {val:.3f} vs 10-class model {ten:.3f} on the same validation images of the pair: {verdict} "
            "(on about 2,000 images, a point is near the noise).")


@exercise(4, "the other early-stopping recipe")
def ex4(target, val_losses, why_cap, best_val_loss):
    if isinstance(target, list | tuple):
        raise Hint("`target` is a list: evaluate returns [loss, accuracy, cross-entropy], keep only the loss, [0]")
    goal = as_number(target, "target")
    require(0 < goal < 5, f"target {goal:.3f} is not a cross-entropy loss of a trained model")
    best = as_number(best_val_loss, "best_val_loss")
    require(goal < best, f"target {goal:.4f} is not below the validation loss at the best epoch ({best:.4f}): "
            "measure the target on x_subtrain, the images the model trained on")
    require(isinstance(val_losses, list) and 1 <= len(val_losses) <= 10,
            "`val_losses` should be the list of validation losses after each extra epoch (1 to 10 of them)")
    losses = [as_number(v, "a validation loss") for v in val_losses]
    require(all(v >= goal for v in losses[:-1]), "the loop went on after the validation loss dropped below the "
            "target: stop at the first epoch where it does")
    require(losses[-1] < goal or len(losses) == 10, "the loop stopped before the validation loss reached the target "
            "(and before the cap of 10 epochs)")
    letter = choice(why_cap, "why_cap", "abc")
    require(letter != "b", "the test set plays no part in this loop; what guarantees that it ends?")
    require(letter == "a", "the learning rate is not what runs out; what guarantees that the loop ends?")
    reached = "reached" if losses[-1] < goal else "not reached (capped)"
    return f"target {goal:.4f} {reached} after {len(losses)} extra epoch(s)."


@exercise(5, "a loss that is kinder to outliers")
def ex5(val_mae, choose_by):
    require(isinstance(val_mae, dict) and set(val_mae) == {"mse", "mae", "huber"},
            "`val_mae` should map 'mse', 'mae' and 'huber' to the validation MAE of each network")
    mae = {name: as_number(value, f"val_mae[{name!r}]") for name, value in val_mae.items()}
    for name, value in mae.items():
        require(value > 5, f"val_mae[{name!r}] = {value:.2f} looks like an error in standardised units: convert the "
                "predictions back with * fit_std + fit_mean before comparing with yd_val")
        require(value < 100, f"val_mae[{name!r}] = {value:.1f} is about the size of the target itself (mean ≈ 150): "
                "are the predictions still standardised? Convert them with * fit_std + fit_mean")
        require(value < 60, f"val_mae[{name!r}] = {value:.1f} is no better than always predicting the training mean "
                "(about 64): multiply the standardised predictions by fit_std before adding fit_mean")
    letter = choice(choose_by, "choose_by", "abc")
    require(letter != "b", "on 89 validation patients a difference of a point or two is within the noise of the "
            "split: the smallest number is not a reliable criterion")
    require(letter == "a", "the loss decides which errors the network cares about; what do you care about?")
    return "validation MAE: " + ", ".join(f"{name} {value:.1f}" for name, value in mae.items()) + "."


def _linear_model(activation, units=256):
    import keras
    from keras import layers

    return keras.Sequential([keras.Input(shape=(784,))] + [layers.Dense(units, activation=activation) for _ in range(3)]
                            + [layers.Dense(10, activation="softmax")])


def _bce(from_logits):
    import keras

    return keras.losses.BinaryCrossentropy(from_logits=from_logits)


def _output(activation, units=1):
    from keras import layers

    return layers.Dense(units, activation=activation)


_HISTORY = {"accuracy": [0.80, 0.85], "val_accuracy": [0.80, 0.83]}
_L1 = {1e-5: (0.2, 0.86), 1e-4: (0.5, 0.86), 1e-3: (0.97, 0.84)}
EXAMPLES = [
    example(ex1, right=[_linear_model(None), _HISTORY, "a"], wrong=[_linear_model("relu"), _HISTORY, "a"],
            hint="uses relu"),
    example(ex2, right=[_L1, "a"], wrong=[_L1, "b"], hint="test set"),
    example(ex3, right=[_output("sigmoid"), "binary_crossentropy", 0.88, 0.87],
            wrong=[_output("softmax"), "binary_crossentropy", 0.5, 0.87], hint="always outputs 1"),
    example(ex4, right=[0.25, [0.31, 0.27, 0.24], "a", 0.31], wrong=[0.25, [0.31, 0.24, 0.22], "a", 0.31],
            hint="first epoch where"),
    example(ex4, right=[0.25, [0.31, 0.27, 0.24], "a", 0.31], wrong=[0.31, [0.31, 0.27, 0.24], "a", 0.31],
            hint="measure the target on x_subtrain"),
    example(ex5, right=[{"mse": 41.2, "mae": 40.5, "huber": 40.9}, "a"],
            wrong=[{"mse": 0.71, "mae": 0.70, "huber": 0.70}, "a"], hint="standardised units"),
    example(ex5, right=[{"mse": 41.2, "mae": 40.5, "huber": 40.9}, "a"],
            wrong=[{"mse": 63.3, "mae": 62.8, "huber": 63.0}, "a"], hint="multiply the standardised predictions"),
    example(ex5, right=[{"mse": 41.2, "mae": 40.5, "huber": 40.9}, "a"],
            wrong=[{"mse": 165.0, "mae": 164.0, "huber": 165.0}, "a"], hint="still standardised"),
    example(ex1, right=[_linear_model(None), _HISTORY, "a"], wrong=[_linear_model(None, 8), _HISTORY, "a"],
            hint="8 units"),
    example(ex3, right=[_output("sigmoid"), "BinaryCrossentropy", 0.88, 0.87],
            wrong=[_output("sigmoid"), _bce(from_logits=True), 0.88, 0.87], hint="from_logits=True"),
]
