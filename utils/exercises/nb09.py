"""Checks for the exercises of notebook 09 (generative models)."""

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, quick_mode, require

_MEAN = np.array([[0.0, 0.0, 0.5], [1.0, -2.0, 0.0]], dtype="float32")
_LOG_VAR = np.log(np.array([[1.0, 1.0, 0.25], [4.0, 1.0, 2.0]], dtype="float32"))
_EPSILON = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]], dtype="float32")


def _kl(z_mean, z_log_var):
    return -0.5 * np.sum(1 + z_log_var - z_mean**2 - np.exp(z_log_var), axis=1)


def _call(function, name, *args):
    try:
        return as_array(function(*args), f"{name}(...)")
    except Hint:
        raise
    except Exception as exc:  # any error in the student's function becomes a hint
        raise Hint(f"calling {name} on (2, 3) NumPy arrays failed ({type(exc).__name__}: {exc})") from exc


@exercise(1, "the reparameterisation trick and the KL term by hand")
def ex1(reparameterise, kl_per_image, why_trick):
    require(callable(reparameterise) and callable(kl_per_image),
            "`reparameterise` and `kl_per_image` should be the functions you completed")
    z = _call(reparameterise, "reparameterise", _MEAN, _LOG_VAR, _EPSILON)
    expected = _MEAN + np.exp(0.5 * _LOG_VAR) * _EPSILON
    require(z.shape == expected.shape, f"reparameterise should return one code per row, shape {expected.shape}, "
            f"got {z.shape}")
    require(not np.allclose(z, _MEAN + np.exp(_LOG_VAR) * _EPSILON),
            "you multiplied epsilon by the variance exp(log_var); sigma is its square root, exp(log_var / 2)")
    require(not np.allclose(z, _MEAN + _LOG_VAR * _EPSILON), "log_var is a log-variance: sigma = exp(log_var / 2)")
    require(np.allclose(z, expected, atol=1e-5), f"for the check's numbers z should be {np.round(expected, 4)}, got "
            f"{np.round(z, 4)}: z = mean + exp(log_var / 2) * epsilon")
    kl = _call(kl_per_image, "kl_per_image", _MEAN, _LOG_VAR)
    expected_kl = _kl(_MEAN, _LOG_VAR)
    require(kl.shape == (2,), f"kl_per_image should give one number per image (2 here), got shape {kl.shape}: "
            "sum over the code numbers, axis=1")
    require(not np.allclose(kl, -expected_kl), "the sign is flipped: KL = -0.5 * sum(1 + log_var - mean² - var)")
    require(np.allclose(kl, expected_kl, atol=1e-4), f"the KL per image should be {np.round(expected_kl, 4)}, got "
            f"{np.round(kl, 4)}")
    answer = choice(why_trick, "why_trick", "abc")
    require(answer != "b", "drawing from N(mu, sigma²) directly is just as fast; what matters is the gradient")
    require(answer == "a", "the KL term stays; think about what the gradient of the loss needs to reach")
    return f"KL per image {np.round(expected_kl, 4)}: the noise epsilon is an input, so d z / d mu = 1 and " \
           "d z / d sigma = epsilon, and back-propagation reaches the encoder."


def _dict_of_numbers(value, name, keys):
    require(isinstance(value, dict) and set(value) == set(keys), f"`{name}` should map each of {list(keys)} to a "
            "number")
    return {key: as_number(value[key], f"{name}[{key!r}]") for key in keys}


TEMPERATURES = (0.5, 1.0, 1.5)


@exercise(2, "temperature: what the scale of the code does")
def ex2(fids, entropies, best_temperature, what_small_t_does):
    distances = _dict_of_numbers(fids, "fids", TEMPERATURES)
    bits = _dict_of_numbers(entropies, "entropies", TEMPERATURES)
    require(all(d > 0 for d in distances.values()), "Fréchet distances are positive: frechet_distance(features of "
            "the samples, reference_features)")
    require(all(0 <= b <= np.log2(10) + 1e-6 for b in bits.values()),
            "a class entropy in bits lies between 0 and log2(10) = 3.32: use class_entropy(images)[0]")
    best = min(distances, key=distances.get)
    require(as_number(best_temperature, "best_temperature") == best,
            f"in your results the lowest Fréchet distance is at t = {best}, not {best_temperature}")
    answer = choice(what_small_t_does, "what_small_t_does", "abc")
    require(answer != "b", "look at the row t = 0.5 and at its class entropy: codes nearer the centre of the prior "
            "decode to average digits, greyer and less varied")
    require(answer == "a", "compare the rows of samples: the scale of the code changes what the decoder draws")
    return f"distances {', '.join(f't={t}: {d:.1f}' for t, d in distances.items())}; a small t only gives " \
           "typical, average images, less varied and no sharper; the distance notices."


@exercise(3, "what a Fréchet distance cannot see")
def ex3(copier_fid, floor, gan_nearest, copier_nearest, what_it_proves):
    copier = as_number(copier_fid, "copier_fid")
    real_floor = as_number(floor, "floor")
    require(copier > 0, "the copier's distance should be a positive number from frechet_distance")
    require(copier < 3 * real_floor + 1, f"the copier's distance {copier:.2f} is far above the floor "
            f"{real_floor:.2f}: did you compute it on training images (x_fit), against reference_features?")
    gan = as_array(gan_nearest, "gan_nearest")
    copies = as_array(copier_nearest, "copier_nearest")
    require(gan.ndim == 1 and copies.shape == gan.shape and len(gan) >= 50,
            "gan_nearest and copier_nearest should each hold one distance per sample (the same number of samples)")
    require(np.allclose(copies, 0, atol=1e-6), "a copied training image has itself in the training set: its nearest "
            "distance should be 0. Did you search x_fit?")
    require(np.all(gan >= 0) and np.median(gan) > 1e-4, "the GAN's nearest distances should be positive mean squared "
            "errors: are you comparing its samples with the training images?")
    answer = choice(what_it_proves, "what_it_proves", "abc")
    require(answer != "c", "the copier scores as well as real images, and it generates nothing new")
    require(answer == "b", "a low distance says the samples have the statistics of real images; does it say they "
            "are new?")
    return f"the copier is at {copier:.2f} (floor {real_floor:.2f}) without generating anything; the GAN's samples " \
           f"are at a median squared distance of {np.median(gan):.4f} from their nearest training image, not copies."


@exercise(4, "same style, another digit")
def ex4(grid_labels, grid_predicted, which_decides):
    labels = as_array(grid_labels, "grid_labels").astype(int).ravel()
    predicted = as_array(grid_predicted, "grid_predicted").astype(int).ravel()
    require(len(labels) == 80 and len(predicted) == 80, f"the grid should hold 8 codes x 10 digits = 80 images, got "
            f"{len(labels)} labels and {len(predicted)} predictions")
    require(np.array_equal(labels, np.tile(np.arange(10), 8)), "grid_labels should be 0, 1, ..., 9 repeated for each "
            "of the 8 codes (np.tile(np.arange(10), 8))")
    agreement = float(np.mean(labels == predicted))
    require(agreement > (0.15 if quick_mode() else 0.7), f"the judge agrees with only {agreement:.0%} of the "
            "requested digits: did you decode [codes, one-hot labels] with cvae.decoder?")
    answer = choice(which_decides, "which_decides", "abc")
    require(answer != "b", "look at a column of your grid: the same label gives the same digit in different styles")
    require(answer == "a", "look along a row: one code, ten labels; what stays the same and what changes?")
    return f"the judge agrees with {agreement:.0%} of the 80 requests: the label picks the digit, the code the hand."


@exercise(5, "which digit is generated worst?")
def ex5(per_digit_fid, worst_digit, why_per_class):
    distances = _dict_of_numbers(per_digit_fid, "per_digit_fid", range(10))
    require(all(d > 0 for d in distances.values()), "each distance should be a positive frechet_distance")
    worst = max(distances, key=distances.get)
    require(as_number(worst_digit, "worst_digit") == worst, f"the largest distance in your results is for digit "
            f"{worst}, not {worst_digit}")
    answer = choice(why_per_class, "why_per_class", "abc")
    require(answer != "c", "per class, the samples are compared with real images of the same digit: it asks more, "
            "not less")
    require(answer == "a", "think of one badly generated digit among nine good ones: how much does it move the "
            "overall distance?")
    best = min(distances, key=distances.get)
    return f"digit {worst} is furthest from real {worst}s ({distances[worst]:.1f}), digit {best} closest " \
           f"({distances[best]:.1f})."


def _reparameterise(z_mean, z_log_var, epsilon):
    return z_mean + np.exp(0.5 * z_log_var) * epsilon


def _reparameterise_variance(z_mean, z_log_var, epsilon):
    return z_mean + np.exp(z_log_var) * epsilon


_FIDS = {0.5: 9.0, 1.0: 4.0, 1.5: 6.0}
_ENTROPIES = {0.5: 3.0, 1.0: 3.2, 1.5: 3.25}
_NEAREST = np.linspace(0.01, 0.05, 100)
_PER_DIGIT = {d: 2.0 + d % 4 for d in range(10)}
_GRID_LABELS = np.tile(np.arange(10), 8)
EXAMPLES = [
    example(ex1, right=[_reparameterise, _kl, "a"], wrong=[_reparameterise_variance, _kl, "a"],
            hint="square root"),
    example(ex2, right=[_FIDS, _ENTROPIES, 1.0, "a"], wrong=[_FIDS, _ENTROPIES, 0.5, "a"], hint="lowest Fréchet"),
    example(ex3, right=[1.0, 0.8, _NEAREST, np.zeros(100), "b"], wrong=[1.0, 0.8, _NEAREST, np.zeros(100), "c"],
            hint="generates nothing new"),
    example(ex4, right=[_GRID_LABELS, _GRID_LABELS, "a"], wrong=[_GRID_LABELS, _GRID_LABELS, "b"],
            hint="same label gives the same digit"),
    example(ex5, right=[_PER_DIGIT, 3, "a"], wrong=[_PER_DIGIT, 0, "a"], hint="not 0"),
]
