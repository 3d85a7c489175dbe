"""Checks for the exercises of notebook 05 (data augmentation)."""

import numpy as np

from . import Hint, as_array, as_number, example, exercise, quick_mode, require

DATASETS = ("digits", "cifar10", "xray", "satellite")
SAFE = {
    "horizontal_flip": {"digits": False, "cifar10": True, "xray": False, "satellite": True},
    "vertical_flip": {"digits": False, "cifar10": False, "xray": False, "satellite": True},
    "any_rotation": {"digits": False, "cifar10": False, "xray": False, "satellite": True},
}


@exercise(1, "which augmentations are safe?")
def ex1(horizontal_flip, vertical_flip, any_rotation):
    for name, answer in (("horizontal_flip", horizontal_flip), ("vertical_flip", vertical_flip),
                         ("any_rotation", any_rotation)):
        require(isinstance(answer, dict) and set(answer) == set(DATASETS),
                f"`{name}` should map each of {list(DATASETS)} to True (safe) or False")
        for dataset in DATASETS:
            value = answer[dataset]
            require(isinstance(value, bool | np.bool_), f"{name}[{dataset!r}] should be True or False, got {value!r}")
            require(value == SAFE[name][dataset], f"{name}[{dataset!r}] = {value}: think again; "
                    + ("does the label survive, and would the model ever meet such an image?" if value
                       else "the transformed image keeps its class and is one the model could meet"))
    return "which transformations are safe is a property of the data, not of the network."


def _check_mixup_function(mixup_batch):
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(10, 4, 4, 3)).astype("uint8")
    y = np.eye(10)  # image i has class i; float64, like keras.utils.to_categorical
    try:
        result = mixup_batch(tf.constant(x), tf.constant(y))
        x_mixed, y_mixed = (np.asarray(r, dtype="float64") for r in result)
    except Exception as exc:  # the student's function: report any failure as a hint
        hint = f"calling mixup_batch on a batch of uint8 images and float64 one-hot labels failed: " \
               f"{type(exc).__name__}: {str(exc)[:200]}"
        if "float64" in str(exc) or "double" in str(exc):
            hint += " (cast the labels to float32 too)"
        raise Hint(hint) from exc
    require(x_mixed.shape == x.shape, f"the mixed images should keep the batch's shape {x.shape}, got {x_mixed.shape}")
    require(y_mixed.shape == y.shape, f"the mixed labels should keep the shape {y.shape}, got {y_mixed.shape}")
    require(np.allclose(y_mixed.sum(axis=1), 1, atol=1e-4), "every mixed label should still sum to 1: "
            "lam * y + (1 - lam) * y[partner]")
    require(not np.allclose(y_mixed, y), "the labels are unchanged: mix them with the same lam and partner as the "
            "images")
    for i in range(10):
        lam = y_mixed[i, i]
        others = np.delete(np.arange(10), i)
        partner = others[np.argmax(y_mixed[i, others])] if lam < 1 - 1e-4 else i
        expected = lam * x[i] + (1 - lam) * x[partner]
        require(np.allclose(x_mixed[i], expected, atol=0.05),
                f"mixed image {i} is not lam * x + (1 - lam) * x[partner] with the lam and partner of its label "
                f"(lam = {lam:.3f}): mix images and labels with the same lam and partner")


@exercise(2, "train with mixup")
def ex2(mixup_batch, mixup_val_accuracy):
    require(callable(mixup_batch), "`mixup_batch` should be the function you wrote")
    _check_mixup_function(mixup_batch)
    accuracy = as_number(mixup_val_accuracy, "mixup_val_accuracy")
    least = 0.15 if quick_mode() else 0.45
    require(0 <= accuracy <= 1, f"`mixup_val_accuracy` is {accuracy:g}: give the validation accuracy (0 to 1)")
    require(accuracy >= least, f"validation accuracy {accuracy:.2f} is close to chance (0.10): did the model train "
            "on the mixed batches with loss='categorical_crossentropy'?")
    return f"mixup reaches {accuracy:.3f} on the validation images; compare it with section 4's table."


@exercise(3, "class weights instead of new images")
def ex3(class_weight, weighted_recall, imbalanced_recall, rare):
    require(isinstance(class_weight, dict) and set(class_weight) == set(range(10)),
            "`class_weight` should be a dict with one weight per class, keys 0 to 9")
    weights = np.array([as_number(class_weight[k], f"class_weight[{k}]") for k in range(10)])
    rare = list(rare)
    common = [k for k in range(10) if k not in rare]
    ratio = weights[rare].mean() / weights[common].mean()
    require(not np.isclose(ratio, 0.1, rtol=0.05), "the rare classes get the smallest weight: invert it, "
            "counts.max() / counts[k], so that a mistake on a rare class costs more")
    require(np.isclose(ratio, 10, rtol=0.05), f"the rare classes weigh {ratio:.2f} times the others: they have "
            "10 times fewer images, so give them 10 times the weight")
    recall = as_array(weighted_recall, "weighted_recall").reshape(-1)
    require(recall.size == 10, f"`weighted_recall` should hold one recall per class (10), got {recall.size}: "
            "recall_score(..., average=None)")
    before = as_array(imbalanced_recall, "imbalanced_recall").reshape(-1)[rare].mean()
    after = recall[rare].mean()
    margin = 0.0 if quick_mode() else 0.05
    require(after >= before + margin, f"the rare classes' mean recall is {after:.3f}, against {before:.3f} without "
            "weights: did you pass class_weight to fit?")
    return f"the rare classes' mean recall goes from {before:.2f} (imbalanced) to {after:.2f} with class weights."


@exercise(4, "test-time augmentation")
def ex4(probabilities, tta_accuracy, y_val):
    if isinstance(probabilities, np.ndarray) or hasattr(probabilities, "numpy"):  # stacked: (passes, images, 10)
        stacked = as_array(probabilities, "probabilities")
        require(stacked.ndim == 3, f"`probabilities` should be a list of (images, 10) arrays, or them stacked as "
                f"(passes, images, 10); got an array of shape {stacked.shape}")
        probabilities = list(stacked)
    require(isinstance(probabilities, list | tuple),
            "`probabilities` should be a list: the plain prediction, then one per augmented pass")
    require(len(probabilities) >= 3, f"only {len(probabilities)} prediction(s): append classifier(shifted).numpy() "
            "inside the loop")
    arrays = [as_array(p, f"probabilities[{i}]") for i, p in enumerate(probabilities)]
    labels = np.asarray(y_val).reshape(-1)
    shapes = {a.shape for a in arrays}
    require(shapes == {(len(labels), 10)}, f"each prediction should have shape ({len(labels)}, 10), got {shapes}")
    require(not all(np.allclose(a, arrays[0]) for a in arrays[1:]),
            "every pass gives the same probabilities: call the augmentation layer with training=True, or it "
            "passes the images through unchanged")
    expected = float(np.mean(np.mean(arrays, axis=0).argmax(axis=1) == labels))
    got = as_number(tta_accuracy, "tta_accuracy")
    last_only = float(np.mean(arrays[-1].argmax(axis=1) == labels))
    require(np.isclose(got, expected, atol=1e-6) or not np.isclose(got, last_only, atol=1e-6),
            "`tta_accuracy` is the accuracy of the last pass alone: average all the probabilities first")
    require(np.isclose(got, expected, atol=1e-6), f"tta_accuracy = {got:.4f}, but averaging the {len(arrays)} "
            f"predictions and taking the argmax gives {expected:.4f}")
    return f"TTA over {len(arrays)} predictions: {got:.3f} on the validation images."


def _good_mixup(x, y, alpha=0.2):
    import tensorflow as tf

    x, y = tf.cast(x, "float32"), tf.cast(y, "float32")
    g1, g2 = tf.random.gamma([tf.shape(x)[0]], alpha), tf.random.gamma([tf.shape(x)[0]], alpha)
    lam = g1 / (g1 + g2)
    partner = tf.random.shuffle(tf.range(tf.shape(x)[0]))
    x_mixed = lam[:, None, None, None] * x + (1 - lam[:, None, None, None]) * tf.gather(x, partner)
    y_mixed = lam[:, None] * y + (1 - lam[:, None]) * tf.gather(y, partner)
    return x_mixed, y_mixed


def _uncast_mixup(x, y, alpha=0.2):  # the old solution: float64 labels times a float32 lam
    import tensorflow as tf

    x = tf.cast(x, "float32")
    g1, g2 = tf.random.gamma([tf.shape(x)[0]], alpha), tf.random.gamma([tf.shape(x)[0]], alpha)
    lam = g1 / (g1 + g2)
    partner = tf.random.shuffle(tf.range(tf.shape(x)[0]))
    x_mixed = lam[:, None, None, None] * x + (1 - lam[:, None, None, None]) * tf.gather(x, partner)
    return x_mixed, lam[:, None] * y + (1 - lam[:, None]) * tf.gather(y, partner)


_RARE = [1, 3, 7]
_COUNTS = np.array([500, 50, 500, 50, 500, 500, 500, 50, 500, 500])
_CW = {k: 500 / _COUNTS[k] for k in range(10)}
_BEFORE = np.array([0.6, 0.0, 0.4, 0.05, 0.6, 0.5, 0.7, 0.1, 0.7, 0.6])
_AFTER = np.array([0.5, 0.4, 0.3, 0.3, 0.4, 0.4, 0.6, 0.4, 0.6, 0.5])
_Y = np.arange(20) % 10
_P = [np.random.default_rng(i).dirichlet(np.ones(10), size=20) for i in range(4)]
_TTA = float(np.mean(np.mean(_P, axis=0).argmax(axis=1) == _Y))
EXAMPLES = [
    example(ex1, right=[SAFE["horizontal_flip"], SAFE["vertical_flip"], SAFE["any_rotation"]],
            wrong=[SAFE["horizontal_flip"], {**SAFE["vertical_flip"], "cifar10": True}, SAFE["any_rotation"]],
            hint="vertical_flip['cifar10']"),
    example(ex2, right=[_good_mixup, 0.6], wrong=[_uncast_mixup, 0.6], hint="cast the labels to float32"),
    example(ex3, right=[_CW, _AFTER, _BEFORE, _RARE],
            wrong=[{k: 1 / v for k, v in _CW.items()}, _AFTER, _BEFORE, _RARE],
            hint="invert it"),
    example(ex4, right=[_P, _TTA, _Y], wrong=[[_P[0]] * 4, _TTA, _Y], hint="training=True"),
    example(ex4, right=[np.stack(_P), _TTA, _Y], wrong=[_P[:1], _TTA, _Y], hint="append classifier(shifted)"),
]
