"""Checks for the exercises of notebook 04 (convolutional networks on CIFAR-10)."""

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, quick_mode, require

LECTURE_IMAGE = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1],
                          [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], dtype="float32")
LECTURE_KERNEL = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype="float32")


def _strided_reference(image, kernel, stride):
    k = kernel.shape[0]
    size = (image.shape[0] - k) // stride + 1
    return np.array([[np.sum(image[i * stride:i * stride + k, j * stride:j * stride + k] * kernel)
                      for j in range(size)] for i in range(size)], dtype="float32")


@exercise(1, "output size, stride and padding")
def ex1(conv2d_strided, same_shape):
    require(callable(conv2d_strided), "`conv2d_strided` should be the function you defined")
    rng = np.random.default_rng(0)
    cases = [(LECTURE_IMAGE, LECTURE_KERNEL, 1), (LECTURE_IMAGE, LECTURE_KERNEL, 2),
             (rng.normal(size=(7, 7)).astype("float32"), rng.normal(size=(3, 3)).astype("float32"), 2),
             (rng.normal(size=(8, 8)).astype("float32"), rng.normal(size=(3, 3)).astype("float32"), 3)]
    for image, kernel, stride in cases:
        try:
            got = conv2d_strided(image, kernel, stride=stride)
        except Exception as exc:  # the student's code: any error becomes a hint
            raise Hint(f"conv2d_strided(image, kernel, stride={stride}) on a {image.shape[0]}×{image.shape[0]} "
                       f"image failed with {type(exc).__name__}: {exc}. Is every `...` replaced?") from exc
        expected = _strided_reference(image, kernel, stride)
        got = as_array(got, f"conv2d_strided(..., stride={stride})")
        n = image.shape[0]
        if got.shape != expected.shape:
            if got.shape == (n - 2, n - 2) and stride > 1:
                raise Hint(f"with stride {stride} the output is still {got.shape}: the window should jump "
                           f"`stride` pixels, so the output has (n - k) // stride + 1 = {expected.shape[0]} per side")
            raise Hint(f"on a {n}×{n} image with stride {stride} the output should be {expected.shape}, got "
                       f"{got.shape}: (n - k) // stride + 1 per side")
        require(np.allclose(got, expected, atol=1e-4),
                f"with stride {stride} on a {n}×{n} image the values are wrong (got {np.round(got, 2).tolist()}, "
                f"expected {np.round(expected, 2).tolist()}): output (i, j) starts at row i·stride, column j·stride")
    try:
        shape = tuple(int(s) for s in same_shape)
    except (TypeError, ValueError) as exc:
        raise Hint(f"`same_shape` should be a pair (rows, columns), got {same_shape!r}") from exc
    require(shape != (3, 3), "(3, 3) is the 'valid' output: padding='same' adds p = 1 ring of zeros around the 5×5 "
            "image, so (5 + 2 - 3) // 1 + 1 = 5")
    require(shape == (5, 5), f"padding='same' with stride 1 keeps the input's size; got {shape}")
    return "stride 2 gives [[4, 4], [2, 4]]; 'same' padding keeps 5×5."


@exercise(2, "count the parameters by hand")
def ex2(first_conv_params, second_conv_params, first_bn_params, mlp_dense_params):
    first = as_number(first_conv_params, "first_conv_params")
    require(first != 3 * 3 * 32 and first != 3 * 3 * 3, f"{first:.0f}: a filter spans all 3 input channels, and there "
            "are 32 filters: k·k·c·filters")
    require(first != 3 * 3 * 3 * 32 + 32, f"{first:.0f} counts a bias per filter, but the convolutions use "
            "use_bias=False (BatchNormalization's β does that job)")
    require(first == 864, f"block1_conv1 has 3·3·3·32 = 864 weights, got {first:.0f}")
    second = as_number(second_conv_params, "second_conv_params")
    require(second != 3 * 3 * 3 * 64, f"{second:.0f}: the second convolution's input has 32 channels (the first "
            "block's filters), not 3")
    require(second == 3 * 3 * 32 * 64, f"block2_conv1 has 3·3·32·64 weights (no bias), got {second:.0f}")
    bn = as_number(first_bn_params, "first_bn_params")
    require(bn != 2 * 32, f"{bn:.0f} counts only γ and β: Keras also stores the running mean and variance "
            "(4 per channel, 2 of them not trained)")
    require(bn == 4 * 32, f"BatchNormalization keeps 4 numbers per channel, and block 1 has 32 channels; got {bn:.0f}")
    dense = as_number(mlp_dense_params, "mlp_dense_params")
    require(dense != 32 * 32 * 3 * 512, f"{dense:.0f} forgets the 512 biases of the Dense layer")
    require(dense == 32 * 32 * 3 * 512 + 512, f"the MLP's first Dense(512) sees 32·32·3 = 3,072 inputs: "
            f"3,072·512 + 512; got {dense:.0f}")
    return "a convolution's count does not depend on the image size; a Dense layer's grows with it."


@exercise(3, "what does BatchNormalization buy?")
def ex3(train_accuracy, answer):
    require(isinstance(train_accuracy, dict) and set(train_accuracy) == {True, False},
            "`bn_train_accuracy` should map batch_norm=True and batch_norm=False to the list of training accuracies "
            f"per epoch, got {train_accuracy!r}")
    curves = {}
    for key, value in train_accuracy.items():
        curve = as_array(value, f"bn_train_accuracy[{key}]").ravel()
        require(curve.size >= 2, f"bn_train_accuracy[{key}] should hold one training accuracy per epoch (at least "
                "two epochs): return history.history['accuracy']")
        require(np.all((curve >= 0) & (curve <= 1)), f"bn_train_accuracy[{key}] has values outside 0..1: is it "
                "the loss? Return history.history['accuracy']")
        curves[key] = curve
    with_bn, without_bn = curves[True][-1], curves[False][-1]
    require(with_bn >= without_bn + 0.05,
            f"in your runs the final training accuracy is {with_bn:.3f} with BatchNormalization and {without_bn:.3f} "
            "without: the difference should be large. Did both runs use SGD(learning_rate=0.1) and the same epochs, "
            "and does small_cnn(False) really leave BatchNormalization out?")
    letter = choice(answer, "answer", "abc")
    require(letter != "b", "over-fitting shows as a gap between training and validation accuracy over many epochs; "
            "in this short run, look at how far each model got on its training images in the same number of steps")
    require(letter == "a", "BatchNormalization works during training too: it rescales each channel of every batch, "
            "which changes how large a step the optimiser can safely take")
    def show(curve):
        return ", ".join(f"{a:.3f}" for a in curve)

    return (f"training accuracy per epoch with BatchNormalization {show(curves[True])}; without "
            f"{show(curves[False])}, with the same optimiser and learning rate.")


def _convolutional_part():
    import keras
    from keras import layers

    part = [layers.Rescaling(1 / 255)]
    for filters, n_convs in [(32, 1), (64, 2), (128, 2)]:
        for i in range(n_convs):
            part.append(layers.Conv2D(filters, 3, padding="same", use_bias=False))
            part += [layers.MaxPooling2D(2)] if i == 0 else []
            part += [layers.BatchNormalization(momentum=0.9), layers.ReLU()]
    part.append(layers.Flatten())
    keras.Sequential([keras.Input(shape=(32, 32, 3)), *part])  # build the layers, as build_cnn does
    return part


@exercise(4, "Flatten in practice")
def ex4(convolutional_part, head, dense_by_hand, most_weights):
    import keras

    require(isinstance(head, list | tuple) and head, "`head` should be a list of layers, for example "
            "[layers.Dense(256, activation='relu'), layers.Dropout(0.3), layers.Dense(10, activation='softmax')]")
    try:
        model = keras.Sequential([keras.Input(shape=(32, 32, 3)), *convolutional_part, *head])
        shape = tuple(model(np.zeros((1, 32, 32, 3), dtype="float32")).shape)
    except Exception as exc:  # the student's layers: any error becomes a hint
        raise Hint(f"stacking the convolutional part and your head failed with {type(exc).__name__}: {exc}") from exc
    require(shape == (1, 10), f"the model should end with 10 class probabilities, its output for one image has "
            f"shape {shape}")
    dense = [layer for layer in head if isinstance(layer, keras.layers.Dense)]
    require(len(dense) == 2 and dense[0].units == 256, "the head should have a hidden Dense(256, activation='relu') "
            "and then the Dense(10) classifier")
    total = model.count_params()
    hidden = dense[0].count_params()
    by_hand = as_number(dense_by_hand, "dense_by_hand")
    require(by_hand != 4 * 4 * 128 * 256, f"{by_hand:.0f} forgets the 256 biases")
    require(by_hand == hidden, f"the Dense(256) after Flatten sees 4·4·128 = 2,048 numbers: 2,048·256 + 256 = "
            f"{hidden:,}; got {by_hand:.0f}")
    letter = choice(most_weights, "most_weights", "abc")
    convs = sum(layer.count_params() for layer in convolutional_part)
    require(letter == "b", f"count them: the convolutional part (with BatchNormalization) has {convs:,} parameters, "
            f"the Dense(256) after Flatten {hidden:,}, the final Dense(10) {dense[1].count_params():,}")
    return (f"{total:,} parameters, {hidden / total:.0%} of them in the one Dense layer after Flatten, "
            "where such networks over-fit most.")


def _step_images(n=9):
    rows, cols = np.mgrid[0:n, 0:n]
    return {"diagonal (↘)": (cols > rows), "diagonal (↗)": (rows + cols > n - 1),
            "vertical": (cols >= n // 2), "horizontal": (rows >= n // 2)}


def _max_pool(array):
    rows, cols = array.shape[0] // 2 * 2, array.shape[1] // 2 * 2
    return array[:rows, :cols].reshape(rows // 2, 2, cols // 2, 2).max(axis=(1, 3))


@exercise(5, "your own kernel")
def ex5(diagonal, rectified, pooled_map):
    kernel = as_array(diagonal, "diagonal", shape=(3, 3))
    require(np.any(kernel), "your kernel is all zeros: it responds to nothing")
    require(abs(kernel.sum()) <= 1e-6 * np.abs(kernel).sum(),
            f"the entries sum to {kernel.sum():g}, so the kernel also responds to flat regions: make them sum to 0 "
            "(positive on one side, negative on the other)")
    response = {}
    for name, step in _step_images().items():
        image = step.astype("float64")
        response[name] = max(abs(np.sum(image[i:i + 3, j:j + 3] * kernel))
                             for i in range(image.shape[0] - 2) for j in range(image.shape[1] - 2))
    best = max(response, key=response.get)
    diagonal_best = max(response["diagonal (↘)"], response["diagonal (↗)"])
    straight_best = max(response["vertical"], response["horizontal"])
    require(diagonal_best > 1.1 * straight_best,
            f"your kernel responds most to {best} edges (strongest responses to a unit step: "
            + ", ".join(f"{k} {v:g}" for k, v in response.items())
            + "); make it positive on one side of a diagonal and negative on the other")
    relu = as_array(rectified, "rectified")
    require(relu.ndim == 2, f"`rectified` should be a 2-D map, got shape {relu.shape}")
    require(relu.min() >= 0, f"`rectified` has negative values (min {relu.min():.1f}): apply ReLU, np.maximum(x, 0)")
    pooled = np.squeeze(as_array(pooled_map, "pooled_map"))
    expected = _max_pool(relu)
    require(pooled.shape == expected.shape, f"2×2 pooling of a {relu.shape} map gives {expected.shape}, got "
            f"{pooled.shape}")
    rows, cols = expected.shape
    average = relu[:rows * 2, :cols * 2].reshape(rows, 2, cols, 2).mean(axis=(1, 3))
    require(np.allclose(pooled, expected, atol=1e-3) or not np.allclose(pooled, average, atol=1e-3),
            "that is average pooling: take the maximum of each 2×2 window")
    require(np.allclose(pooled, expected, atol=1e-3), "`pooled_map` is not the 2×2 max pooling of `rectified`")
    return f"it responds most to {best} edges."


@exercise(6, "accuracy against training epochs")
def ex6(val_accuracy, answer):
    require(isinstance(val_accuracy, dict) and len(val_accuracy) >= 2,
            "`budget_val_accuracy` should map each number of epochs (at least two budgets) to a validation "
            "accuracy")
    acc = {}
    for key, value in val_accuracy.items():
        require(isinstance(key, int | np.integer) and key >= 1, f"the keys should be numbers of epochs, got {key!r}")
        if isinstance(value, list | tuple) and len(value) == 2:
            raise Hint("model.evaluate returned [loss, accuracy]: keep only the accuracy, [1]")
        acc[int(key)] = as_number(value, f"budget_val_accuracy[{key}]")
        require(0 <= acc[int(key)] <= 1, f"budget_val_accuracy[{key}] = {acc[int(key)]:.3f} is not an accuracy "
                "between 0 and 1: is it the loss?")
    longest = max(acc)
    floor = 0.25 if quick_mode() else 0.5
    require(acc[longest] >= floor, f"after {longest} epochs the CNN reaches only {acc[longest]:.3f} on the validation "
            f"images (chance is 0.10, expected at least {floor}); did the schedule cover all the run's steps?")
    letter = choice(answer, "answer", "abc")
    require(letter != "c", "a run that over-fits shows it as a validation accuracy that falls; here the schedule is "
            "what differs between a short run and the start of a long one")
    require(letter == "a", "the runs do start from different random weights, but that moves results by about a "
            "point; what differs systematically is the learning rate at the end of each run")
    curve = ", ".join(f"{epochs} epochs {value:.3f}" for epochs, value in sorted(acc.items()))
    return f"validation accuracy: {curve}."


def _strided(image, kernel, stride=1):
    return _strided_reference(np.asarray(image), np.asarray(kernel), stride)


def _not_strided(image, kernel, stride=1):
    return _strided_reference(np.asarray(image), np.asarray(kernel), 1)


def _example_maps():
    image = np.random.default_rng(1).normal(size=(12, 12))
    diagonal = np.array([[2, 1, 0], [1, 0, -1], [0, -1, -2]], dtype="float32")
    response = np.array([[np.sum(image[i:i + 3, j:j + 3] * diagonal) for j in range(10)] for i in range(10)])
    rectified = np.maximum(response, 0)
    return diagonal, rectified, _max_pool(rectified)


def _head(hidden=True):
    from keras import layers

    return ([layers.Dense(256, activation="relu"), layers.Dropout(0.3)] if hidden else []) + \
        [layers.Dense(10, activation="softmax")]


_DIAGONAL, _RECTIFIED, _POOLED = _example_maps()
_SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype="float32")
_PART = _convolutional_part()
EXAMPLES = [
    example(ex1, right=[_strided, (5, 5)], wrong=[_not_strided, (5, 5)], hint="still (3, 3)"),
    example(ex2, right=[864, 18_432, 128, 1_573_376], wrong=[896, 18_432, 128, 1_573_376], hint="use_bias=False"),
    example(ex3, right=[{True: [0.35, 0.51], False: [0.15, 0.23]}, "a"],
            wrong=[{True: [0.35, 0.51], False: [0.15, 0.23]}, "b"], hint="short run"),
    example(ex4, right=[_PART, _head(), 524_544, "b"], wrong=[_PART, _head(), 524_288, "b"], hint="256 biases"),
    example(ex5, right=[_DIAGONAL, _RECTIFIED, _POOLED], wrong=[_SOBEL_X, _RECTIFIED, _POOLED], hint="vertical"),
    example(ex6, right=[{1: 0.2, 2: 0.6}, "a"], wrong=[{1: 0.2, 2: 0.6}, "c"], hint="over-fits"),
]
