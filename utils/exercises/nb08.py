"""Checks for the exercises of notebook 08 (autoencoders)."""

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, quick_mode, require

SIZES = (2, 4, 8, 16, 32, 64)
CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot")
TOPS = ("T-shirt/top", "Pullover", "Coat", "Shirt")


@exercise(1, "how big should the bottleneck be?")
def ex1(ae_errors, pca_errors, advantage_where):
    require(isinstance(ae_errors, dict) and isinstance(pca_errors, dict)
            and set(ae_errors) == set(SIZES) == set(pca_errors),
            f"`ae_errors` and `pca_errors` should map each code size {SIZES} to a validation MSE")
    ae = np.array([as_number(ae_errors[s], f"ae_errors[{s}]") for s in SIZES])
    pca = np.array([as_number(pca_errors[s], f"pca_errors[{s}]") for s in SIZES])
    require(np.all((ae > 0) & (ae < 0.2)) and np.all((pca > 0) & (pca < 0.2)),
            "MSEs per image should lie between 0 and about 0.1 (pixels in [0, 1]): average (x - x̂)² over pixels")
    require(np.all(np.diff(pca) < 0), f"PCA's error should fall with every component added, got "
            f"{np.round(pca, 4)}: did you refit PCA with n_components=size each time?")
    require(ae[0] > ae[-1], f"the autoencoder's error should fall from 2 to 64 numbers, got {np.round(ae, 4)}: "
            "did you build each model with dense_autoencoder(size)?")
    if not quick_mode():
        require(ae[0] < pca[0], f"with 2 numbers the autoencoder ({ae[0]:.4f}) should beat PCA ({pca[0]:.4f}): did "
                "it train on the training images for the epochs given?")
    answer = choice(advantage_where, "advantage_where", "abc")
    require(answer != "b", "look at the curves again: at 64 numbers PCA keeps most of the variance and the two come "
            "close; the gap is elsewhere")
    ahead = [size for size, a, p in zip(SIZES, ae, pca, strict=True) if a < p]
    require(answer == "a" or not ahead, f"on your plot the autoencoder is ahead of PCA at code sizes {ahead}: where "
            "is its curve furthest below PCA's?")
    require(answer == "a", "PCA is the best *flat* (linear) code; on your plot the autoencoder has not overtaken it "
            "after so few epochs, but a curved code space can do better: at which sizes does a flat subspace fit "
            "worst?")
    ratio = ae[0] / pca[0]
    at_64 = "ahead of" if ae[-1] < pca[-1] else "behind"
    large = f" At 64 numbers it is {at_64} PCA ({ae[-1]:.4f} against {pca[-1]:.4f})."
    if ratio < 1:
        return f"with 2 numbers the autoencoder's error is {ratio:.2f} of PCA's: a curved code space fits where a " \
               "flat one cannot." + large
    return f"with 2 numbers your autoencoder's error is still {ratio:.2f} times PCA's: after so few epochs it has " \
           "not caught up; trained longer (full mode) it falls below PCA's at small codes." + large


def _same_class(neighbours, labels):
    return float((labels[neighbours[:, 1:]] == labels[:, None]).mean())


@exercise(2, "find similar items with the codes")
def ex2(neighbours, same_class, y_val):
    labels = np.asarray(y_val).ravel()
    require(isinstance(neighbours, dict) and set(neighbours) == {"codes", "pixels"}
            and isinstance(same_class, dict) and set(same_class) == {"codes", "pixels"},
            "`neighbours` and `same_class` should each have the keys 'codes' and 'pixels'")
    for space in ("codes", "pixels"):
        found = np.asarray(neighbours[space])
        require(found.shape == (len(labels), 8), f"neighbours[{space!r}] should be the (images, 8) indices that "
                f"kneighbors returns with n_neighbors=8, got shape {found.shape}")
        require(np.mean(found[:, 0] == np.arange(len(labels))) > 0.9,
                f"neighbours[{space!r}][:, 0] should be each image itself: search the same images you fitted on")
        expected = _same_class(found, labels)
        got = as_number(same_class[space], f"same_class[{space!r}]")
        with_self = float((labels[found] == labels[:, None]).mean())
        require(not (abs(got - with_self) < 1e-6 and abs(expected - with_self) > 1e-6),
                f"same_class[{space!r}] counts each image as its own neighbour: skip column 0")
        require(abs(got - expected) < 1e-6, f"same_class[{space!r}] is {got:.3f} but your neighbours give "
                f"{expected:.3f}: the share of the 7 neighbours (columns 1 to 7) with the image's class")
    bar = 0.5 if quick_mode() else 0.7
    require(same_class["codes"] > bar, f"only {same_class['codes']:.1%} of the code-space neighbours share the "
            "class: did you encode the images with the trained `encoder`?")
    return f"codes {same_class['codes']:.1%}, pixels {same_class['pixels']:.1%} same-class neighbours, with codes " \
           "24.5 times shorter."


@exercise(3, "a convolutional denoiser")
def ex3(denoising_factors):
    require(isinstance(denoising_factors, dict) and set(denoising_factors) == {"dense", "conv"},
            "`denoising_factors` should map 'dense' and 'conv' to noisy MSE / denoised MSE on the validation images")
    factors = {name: as_number(value, f"denoising_factors[{name!r}]") for name, value in denoising_factors.items()}
    for name, factor in factors.items():
        require(factor > 0, f"the {name} factor should be a positive ratio of two MSEs")
        require(factor >= 1, f"the {name} factor is {factor:.2f}, below 1: the output is further from the clean "
                f"images than the noisy input. Did the {name} denoiser train (the `...` line), and is it noisy MSE / "
                "denoised MSE, both against x_val?")
    bar = 1.5 if quick_mode() else 4.0
    require(factors["conv"] > bar, f"the convolutional denoiser only lowers the error {factors['conv']:.1f}-fold: "
            "did it train on (noisy, clean) pairs reshaped to 28x28x1?")
    winner, loser = sorted(factors, key=factors.get, reverse=True)
    return f"dense {factors['dense']:.1f}x, convolutional {factors['conv']:.1f}x lower error, on the same images: " \
           f"the {winner} denoiser wins, its error {1 - factors[loser] / factors[winner]:.0%} below the {loser} one's."


@exercise(4, "which anomalies are hard?")
def ex4(scores, y_val, auc, hardest):
    from sklearn.metrics import roc_auc_score

    labels = np.asarray(y_val).ravel().astype(int)
    values = as_array(scores, "scores", shape=labels.shape)
    tops = [CLASS_NAMES.index(name) for name in TOPS]
    is_anomaly = ~np.isin(labels, tops)
    expected = roc_auc_score(is_anomaly, values)
    got = as_number(auc, "auc")
    require(abs(got - (1 - expected)) > 1e-6 or abs(expected - 0.5) < 1e-6,
            f"your AUC {got:.3f} is 1 minus the right one: the positive class is 'anomaly' (not a top)")
    require(abs(got - expected) < 1e-4, f"from your scores the AUC is {expected:.3f}, not {got:.3f}: "
            "roc_auc_score(is_anomaly, scores) with is_anomaly True for the six non-top classes")
    require(expected > (0.7 if quick_mode() else 0.85), f"AUC {expected:.3f} is low: did the autoencoder train "
            "on the tops only, and are the scores reconstruction errors per image?")
    require(isinstance(hardest, str) and hardest in CLASS_NAMES,
            f"`hardest` should be a class name, one of {', '.join(CLASS_NAMES)}")
    means = {c: values[labels == c].mean() for c in range(10) if c not in tops}
    lowest = CLASS_NAMES[min(means, key=means.get)]
    require(hardest not in TOPS, f"{hardest} is a top, a normal class: look among the six anomaly classes")
    require(hardest == lowest, f"in your scores the anomaly class with the lowest mean error is {lowest}, not "
            f"{hardest}")
    return f"AUC {expected:.3f}; the hardest anomaly is {lowest}: of the six anomaly classes, the model trained on " \
           f"tops reconstructs it best. Look at a few {lowest} images: what do they share with the tops?"


@exercise(5, "teaser: a variational autoencoder")
def ex5(kl_to_standard_normal, generated, why_vae):
    import tensorflow as tf

    require(callable(kl_to_standard_normal), "`kl_to_standard_normal` should be the function you defined")
    mean = tf.constant([[0.0, 0.0], [1.0, -2.0]])
    log_var = tf.constant([[0.0, 0.0], [np.log(4.0), 0.0]], dtype="float32")
    try:
        zero = kl_to_standard_normal(mean[:1], log_var[:1])
        value = kl_to_standard_normal(mean, log_var)
    except Exception as exc:  # any error in the student's function becomes a hint
        raise Hint(f"calling kl_to_standard_normal(z_mean, z_log_var) on (2, 2) tensors failed: {exc}") from exc
    require(abs(as_number(zero, "KL of N(0, I)")) < 1e-5,
            "the KL divergence of N(0, I) to itself should be 0: -0.5 * (1 + log_var - mean² - exp(log_var))")
    # per sample: 0 and 0.5 * (4 - 1 - ln 4 + 1) + 0.5 * 4 = 3.3069; averaged over the batch
    expected = (0.0 + 0.5 * (4 - 1 - np.log(4) + 1) + 0.5 * 4) / 2
    per_sample = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=object)
    require(per_sample.size == 1, f"kl_to_standard_normal returned {per_sample.size} numbers for a batch of 2: "
            "average over the batch (keras.ops.mean) to get one number")
    got = as_number(value, "kl_to_standard_normal(...)")
    require(abs(got - 2 * expected) > 1e-4, "you summed over the batch: sum over the code dimensions, then average "
            "over the batch")
    require(abs(got - expected / 2) > 1e-4, "you averaged over the code dimensions too: sum over them, average "
            "over the batch")
    require(abs(got - expected) < 1e-4, f"for means [[0, 0], [1, -2]] and variances [[1, 1], [4, 1]] the KL "
            f"averaged over the batch is {expected:.4f}, got {got:.4f}")
    images = as_array(generated, "generated")
    require(images.shape == (50, 784), f"`generated` should be the 50 decoded grid points (50, 784), got "
            f"{images.shape}")
    require(images.min() >= 0 and images.max() <= 1, "decoded images should be sigmoid outputs in [0, 1]")
    require(images.std(axis=0).mean() > 0.01, "all 50 decoded images are the same: did the VAE train?")
    answer = choice(why_vae, "why_vae", "abc")
    require(answer != "b", "the VAE here has about as many weights as a plain autoencoder; what changes is the loss")
    require(answer == "a", "sampling noise alone would not fill the code space: which term pulls every code "
            "towards N(0, I)?")
    return "the KL term packs the codes around N(0, I), so random normal points decode to plausible garments."


def _kl(z_mean, z_log_var):
    import tensorflow as tf

    return -0.5 * tf.reduce_mean(tf.reduce_sum(1 + z_log_var - z_mean**2 - tf.exp(z_log_var), axis=1))


def _kl_wrong(z_mean, z_log_var):
    import tensorflow as tf

    return -0.5 * tf.reduce_mean(1 + z_log_var - z_mean**2 - tf.exp(z_log_var))


_AE = {2: 0.028, 4: 0.022, 8: 0.017, 16: 0.013, 32: 0.011, 64: 0.010}
_PCA = {2: 0.042, 4: 0.033, 8: 0.025, 16: 0.019, 32: 0.015, 64: 0.009}
_LABELS = np.repeat(np.arange(10), 8)  # 80 images, 8 per class; neighbours: 6 of the class, 1 of the next class
_NEIGHBOURS = np.array([[i] + [j for j in range(8 * (i // 8), 8 * (i // 8) + 8) if j != i][:6] + [(i + 8) % 80]
                        for i in range(80)])
_SHARE = _same_class(_NEIGHBOURS, _LABELS)
_SCORES = np.where(np.isin(_LABELS, [0, 2, 4, 6]), 0.01, 0.03) + 0.0003 * np.arange(80)
_SCORES[_LABELS == 3] -= 0.015  # dresses: anomalies that look like tops


def _auc():
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(~np.isin(_LABELS, [0, 2, 4, 6]), _SCORES))


_GRID_IMAGES = np.random.default_rng(0).uniform(0, 1, size=(50, 784))
EXAMPLES = [
    example(ex1, right=[_AE, _PCA, "a"], wrong=[_AE, _PCA, "b"], hint="PCA keeps most of the variance"),
    example(ex2, right=[{"codes": _NEIGHBOURS, "pixels": _NEIGHBOURS}, {"codes": _SHARE, "pixels": _SHARE}, _LABELS],
            wrong=[{"codes": _NEIGHBOURS, "pixels": _NEIGHBOURS},
                   {"codes": float((_LABELS[_NEIGHBOURS] == _LABELS[:, None]).mean()), "pixels": _SHARE}, _LABELS],
            hint="its own neighbour"),
    example(ex3, right=[{"dense": 6.8, "conv": 6.1}], wrong=[{"dense": 6.8, "conv": 1 / 6.1}],
            hint="Did the conv denoiser train"),
    example(ex4, right=[_SCORES, _LABELS, _auc(), "Dress"], wrong=[_SCORES, _LABELS, _auc(), "Shirt"],
            hint="is a top"),
    example(ex5, right=[_kl, _GRID_IMAGES, "a"], wrong=[_kl_wrong, _GRID_IMAGES, "a"], hint="code dimensions too"),
]
