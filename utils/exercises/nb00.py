"""Checks for the exercises of notebook 00 (TensorFlow and Keras basics)."""

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, require


@exercise(1, "placeholders, modern style")
def ex1(signature, scale_and_shift):
    import tensorflow as tf

    require(isinstance(signature, list | tuple) and len(signature) == 3
            and all(isinstance(s, tf.TensorSpec) for s in signature),
            "`signature` should be a list of three tf.TensorSpec, one per argument: x, w and b")
    require(all(spec.dtype == tf.float32 for spec in signature),
            f"the dtypes are {[spec.dtype.name for spec in signature]}: all three should be tf.float32")
    x_spec, w_spec, b_spec = signature
    require(x_spec.shape.rank is None or x_spec.shape.as_list() == [None],
            f"x's spec has shape {x_spec.shape}: a vector of any length has shape [None]")
    require(w_spec.shape.rank == 0 and b_spec.shape.rank == 0,
            f"w and b are scalars, shape []: got {w_spec.shape} and {b_spec.shape}")
    require(callable(scale_and_shift), "`scale_and_shift` should be the function you defined")
    graph = scale_and_shift
    if not hasattr(graph, "experimental_get_tracing_count"):
        graph = tf.function(scale_and_shift, input_signature=signature)
    try:
        short = graph(tf.constant([1.0, 2.0, 3.0]), tf.constant(2.0), tf.constant(1.0))
        long = graph(tf.constant([10.0, 20.0]), tf.constant(2.0), tf.constant(1.0))
    except (TypeError, ValueError) as exc:
        raise Hint(f"calling it with a float32 vector of length 3, then of length 2, failed ({str(exc)[:120]}...): "
                   "a vector of any length has shape [None]") from exc
    got = (as_array(short, "scale_and_shift([1, 2, 3], 2, 1)"), as_array(long, "scale_and_shift([10, 20], 2, 1)"))
    require(np.allclose(got[0], [3, 5, 7]) and np.allclose(got[1], [21, 41]),
            f"scale_and_shift([1, 2, 3], 2, 1) gave {got[0]} and ([10, 20], 2, 1) gave {got[1]}; expected w * x + b, "
            "[3, 5, 7] and [21, 41]")
    traces = graph.experimental_get_tracing_count()
    require(traces == 1, f"it traced {traces} times: with an input_signature, one graph serves every length")
    return "one graph, traced once, serves vectors of any length."


@exercise(2, "a derivative you know")
def ex2(gradient):
    x = np.array([0.0, 1.0, 2.0])
    expected = 3 * x**2 * np.sin(x) + x**3 * np.cos(x)
    got = as_array(gradient, "gradient", shape=(3,),
                   none_hint="tape.gradient gives None for a value not computed from the variable inside the tape")
    require(not np.allclose(got, 3 * x**2 * np.sin(x), atol=1e-4),
            "that is only 3x² sin x: np.sin is invisible to the tape, so sin(x) counted as a constant; use tf.sin")
    require(not np.allclose(got, x**3 * np.sin(x), atol=1e-4),
            "these are the values of g(x) itself: ask the tape for tape.gradient(g, x)")
    require(np.allclose(got, expected, atol=1e-4),
            f"expected the derivative at x = 0, 1, 2, {np.round(expected, 4)}; got {np.round(got, 4)}")
    return "the tape agrees with 3x² sin x + x³ cos x."


@exercise(3, "second derivatives")
def ex3(second_derivative):
    got = as_array(second_derivative, "second_derivative",
                   none_hint="tape.gradient gives None for a value not computed from the variable inside the tape")
    require(got.shape == (3,), f"`second_derivative` should have one value per x (shape (3,)), got {got.shape}")
    require(not np.allclose(got, 2 * np.array([-1.5, 0.0, 1.5])),
            "these are first derivatives, 2x: differentiate `df` once more with the outer tape")
    require(np.allclose(got, 2.0), f"d²(x² − 2)/dx² is the same everywhere; got {got}")
    return "2 everywhere: a parabola curves the same at every point."


RATES = (0.01, 0.09, 0.11)


@exercise(4, "gradient descent on two variables")
def ex4(results, largest_stable_rate):
    require(isinstance(results, dict) and set(results) == set(RATES),
            f"`results` should map each rate {RATES} to the final (u, v)")
    for rate in RATES:
        point = np.asarray(results[rate], dtype="float64")  # a diverged run may hold inf or NaN: that is allowed
        require(point.shape == (2,), f"results[{rate}] should be the pair (u, v), got shape {point.shape}")
        u, v = point
        expected = (3 * (1 - (1 - 2 * rate) ** 100), -1 + (1 - 20 * rate) ** 100)
        if rate < 0.1:
            require(np.allclose((u, v), expected, atol=1e-2),
                    f"with rate {rate}, 100 steps from (0, 0) should end at {np.round(expected, 3)}, got "
                    f"({u:.3f}, {v:.3f}); update both variables with the same rate")
        else:
            require(not abs(v + 1) < 1, f"with rate {rate}, v should diverge, but it ended at {v:.3f}")
    rate = as_number(largest_stable_rate, "largest_stable_rate")
    require(rate < 0.5, "u alone would tolerate rates up to 1, but v's direction is 10 times steeper: its update "
            "multiplies the error by (1 − 20·rate)")
    require(abs(rate - 0.1) < 1e-6, f"{rate} is not the edge: find where |1 − 20·rate| reaches 1 for the steep "
            "direction v")
    return "the steepest direction sets the largest usable learning rate."


@exercise(5, "CPU vs GPU")
def ex5(seconds, why_numpy):
    require(isinstance(seconds, dict) and "/CPU:0" in seconds,
            "`seconds` should map each device name you timed, at least '/CPU:0', to the seconds it took")
    for device, value in seconds.items():
        value = as_number(value, f"seconds[{device!r}]")
        require(0 < value < 600, f"{value:.0f} s on {device} is not the duration of one product: did you subtract "
                "`start` from time.perf_counter()?")
    answer = choice(why_numpy, "why_numpy", "abc")
    require(answer != "b", "`m @ m` is a TensorFlow operation and needs no NumPy; think of when the GPU actually "
            "finishes the work")
    require(answer == "a", "`.numpy()` does not free memory; think of when the GPU actually finishes the work")
    return "operations on a GPU are queued and run asynchronously; .numpy() waits for the result."


def _signature(length):
    import tensorflow as tf

    return [tf.TensorSpec([length], tf.float32), tf.TensorSpec([], tf.float32), tf.TensorSpec([], tf.float32)]


def _scale_and_shift(x, w, b):
    return w * x + b


_X = np.array([0.0, 1.0, 2.0])
EXAMPLES = [
    example(ex1, right=[_signature(None), _scale_and_shift], wrong=[_signature(3), _scale_and_shift],
            hint="shape [None]"),
    example(ex2, right=[3 * _X**2 * np.sin(_X) + _X**3 * np.cos(_X)], wrong=[_X**3 * np.sin(_X)],
            hint="values of g(x) itself"),
    example(ex3, right=[[2.0, 2.0, 2.0]], wrong=[[-3.0, 0.0, 3.0]], hint="first derivatives"),
    example(ex4, right=[{r: (3 * (1 - (1 - 2 * r) ** 100), -1 + (1 - 20 * r) ** 100) for r in RATES}, 0.1],
            wrong=[{r: (3 * (1 - (1 - 2 * r) ** 100), -1 + (1 - 20 * r) ** 100) for r in RATES}, 1.0],
            hint="10 times steeper"),
    example(ex5, right=[{"/CPU:0": 1.2}, "a"], wrong=[{"/CPU:0": 1.2}, "b"], hint="needs no NumPy"),
    example(ex5, right=[{"/CPU:0": 0.8, "/GPU:0": 0.02}, "a"], wrong=[{"/CPU:0": 123456.0}, "a"], hint="subtract"),
    example(ex2, right=[3 * _X**2 * np.sin(_X) + _X**3 * np.cos(_X)], wrong=[3 * _X**2 * np.sin(_X)], hint="tf.sin"),
]
