"""Checks for the exercises of notebook 10 (deployment)."""

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, quick_mode, require

FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


@exercise(1, "a custom layer instead of a Lambda")
def ex1(layer_class, why_safe):
    import keras

    from ..config import scratch_dir

    require(isinstance(layer_class, type) and issubclass(layer_class, keras.layers.Layer),
            "`Standardize` should be your layer class (a subclass of keras.layers.Layer)")
    try:
        layer = layer_class(mean=2.0, std=4.0)
        config = layer.get_config()
    except TypeError as exc:
        raise Hint(f"Standardize(mean=2.0, std=4.0).get_config() failed ({exc})") from exc
    require(isinstance(config, dict), f"get_config should return a dict, got {type(config).__name__}")
    require("mean" in config and "std" in config,
            f"get_config returns the keys {sorted(config)}: add the layer's own arguments, mean and std, to "
            "super().get_config()")
    require("name" in config, "get_config should start from super().get_config() (name, dtype, ...) and add to it")
    model = keras.Sequential([keras.Input((3,)), layer])
    path = scratch_dir("10_deployment") / "exercise1_standardize.keras"
    model.save(path)
    try:
        loaded = keras.saving.load_model(path, safe_mode=True)
    except (TypeError, ValueError) as exc:
        if "register" in str(exc) or "Could not locate" in str(exc) or "Unknown layer" in str(exc):
            raise Hint("load_model cannot find the class by name: decorate it with "
                       "@keras.saving.register_keras_serializable(...)") from exc
        raise Hint(f"loading the saved model failed: {str(exc)[:160]}") from exc
    x = np.array([[2.0, 6.0, 10.0]], dtype="float32")
    got = np.asarray(loaded(x))
    require(np.allclose(got, [[0.0, 1.0, 2.0]]), f"the reloaded layer maps [2, 6, 10] to {got.ravel()} instead of "
            "[0, 1, 2]: does get_config return the mean and std given to __init__?")
    answer = choice(why_safe, "why_safe", "abc")
    require(answer != "b", "Keras does not analyse code; look at what the .keras file actually contains")
    require(answer == "a", "a custom layer is not stored as bytecode: the file keeps its name and config")
    return "saved, reloaded in safe mode, same outputs: the file holds data, not code."


@exercise(2, "int8 quantisation by hand")
def ex2(w, q, scale, max_error_in_scales, bytes_ratio):
    w = as_array(w, "w")
    s = as_number(scale, "scale")
    require(np.isclose(s, np.abs(w).max() / 127, rtol=1e-5),
            f"scale is {s:.3g}; the symmetric scale is max |w| / 127 = {np.abs(w).max() / 127:.3g}")
    q_array = np.asarray(q)
    require(q_array.shape == w.shape, f"q should have w's shape {w.shape}, got {q_array.shape}")
    require(q_array.dtype == np.int8, f"q is {q_array.dtype}: store it as np.int8 (.astype(np.int8)), one byte each")
    require(np.array_equal(q_array, np.round(w / s)), "q should be round(w / scale): some values differ (rounded "
            "down instead of to the nearest?)")
    error = as_number(max_error_in_scales, "max_error_in_scales")
    require(error != 1, "rounding to the nearest integer moves a value by at most half a step, not a whole one")
    require(not np.isclose(error, s / 2, rtol=1e-3, atol=0),
            f"{error:.3g} is scale / 2, the bound in the weights' units: give it as a multiple of scale")
    require(np.isclose(error, 0.5), f"{error} is not the bound, as a multiple of scale: how far can round() move a "
            "number?")
    ratio = as_number(bytes_ratio, "bytes_ratio")
    require(np.isclose(ratio, 4), f"w.nbytes / q.nbytes is {ratio:g}: float32 takes 4 bytes, int8 one")
    return f"the largest error here is {np.abs(w - q_array * s).max() / s:.2f} scales; the bytes shrink 4 times."


@exercise(3, "dynamic-range quantisation")
def ex3(size_bytes, float32_bytes, agreement):
    size = as_number(size_bytes, "size_bytes")
    reference = as_number(float32_bytes, "float32_bytes")
    ratio = reference / size
    require(ratio > 1.5, f"the file is {size / 1024:.0f} KB, as large as float32 ({reference / 1024:.0f} KB): set "
            "converter.optimizations = [tf.lite.Optimize.DEFAULT]")
    require(ratio >= 3, f"only {ratio:.1f} times smaller than float32: float16 halves the size, dynamic range "
            "should store the weights in one byte (no supported_types = [tf.float16])")
    share = as_number(agreement, "agreement")
    require(0 <= share <= 1, f"agreement should be a fraction between 0 and 1, got {share}")
    require(share >= (0.95 if quick_mode() else 0.98), f"only {share:.1%} of the classes agree with Keras: compare "
            "p_dynamic.argmax(1) with p_keras.argmax(1)")
    return f"{ratio:.1f} times smaller than float32, same class for {share:.2%} of the validation images."


@exercise(4, "the limits section of the model card")
def ex4(y_true, y_pred, recall, weakest):
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    got = as_array(recall, "recall", shape=(10,))
    expected = np.array([np.mean(y_pred[y_true == c] == c) for c in range(10)])
    precision = np.array([np.mean(y_true[y_pred == c] == c) if np.any(y_pred == c) else 0.0 for c in range(10)])
    require(not (np.allclose(got, precision, atol=1e-6) and not np.allclose(got, expected, atol=1e-6)),
            "this is each class's precision (of the images predicted as c, the fraction that are c); recall "
            "starts from the images that really are c: y_true == c")
    require(np.allclose(got, expected, atol=1e-6), f"recall should be {np.round(expected, 3)}, got {np.round(got, 3)}")
    require(isinstance(weakest, str), f"`weakest` should be a class name such as 'Coat', got {weakest!r}")
    right = FASHION[int(np.argmin(expected))]
    require(weakest != FASHION[int(np.argmax(expected))], f"{weakest} is the strongest class, not the weakest")
    require(weakest == right, f"{weakest!r} is not the class with the lowest recall; use np.argmin(recall)")
    return f"{right}: recall {expected.min():.1%}, the first limit to write down."


def _standardize_classes():
    import keras

    @keras.saving.register_keras_serializable(package="nb10_examples")
    class Standardize(keras.layers.Layer):
        def __init__(self, mean, std, **kwargs):
            super().__init__(**kwargs)
            self.mean, self.std = mean, std

        def call(self, x):
            return (x - self.mean) / self.std

        def get_config(self):
            return {**super().get_config(), "mean": self.mean, "std": self.std}

    class NoConfig(Standardize):
        def get_config(self):
            return keras.layers.Layer.get_config(self)

    return Standardize, NoConfig


def _ex1_example():
    right, wrong = _standardize_classes()
    return example(ex1, right=[right, "a"], wrong=[wrong, "a"], hint="add the layer's own arguments")


_W = np.random.default_rng(0).normal(0, 0.1, size=(128, 10)).astype("float32")
_S = float(np.abs(_W).max() / 127)
_Q = np.round(_W / _S).astype(np.int8)
_Y = np.repeat(np.arange(10), 20)
_P = _Y.copy()
_P[:12] = 3  # class 0 mostly wrong: the weakest
_P[20:24] = 6
_RECALL = np.array([np.mean(_P[_Y == c] == c) for c in range(10)])
_PRECISION = np.array([np.mean(_Y[_P == c] == c) for c in range(10)])

EXAMPLES = [
    _ex1_example(),
    example(ex2, right=[_W, _Q, _S, 0.5, 4.0], wrong=[_W, _Q, _S, 1.0, 4.0], hint="half a step"),
    example(ex2, right=[_W, _Q, _S, 0.5, 4.0], wrong=[_W, _Q, _S, _S / 2, 4.0], hint="as a multiple of scale"),
    example(ex3, right=[70_000, 240_000, 0.995], wrong=[240_000, 240_000, 0.995], hint="optimizations"),
    example(ex4, right=[_Y, _P, _RECALL, "T-shirt/top"], wrong=[_Y, _P, _PRECISION, "T-shirt/top"],
            hint="precision"),
]
