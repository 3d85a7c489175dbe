"""Checks for the exercises of notebook 06 (transfer learning)."""

import numbers

import numpy as np

from . import Hint, as_number, choice, example, exercise, quick_mode, require


def _accuracy(value, name, bar_quick, bar_full):
    accuracy = as_number(value, name)
    require(0 <= accuracy <= 1, f"`{name}` should be a fraction between 0 and 1, got {accuracy:g}")
    bar = bar_quick if quick_mode() else bar_full
    require(accuracy > bar, f"{name} is {accuracy:.3f}, close to chance (0.1 for 10 classes): were the features and "
            "labels of the same images paired, in the same order?")
    return accuracy


def _history(value, name):
    history = getattr(value, "history", value)
    require(isinstance(history, dict) and "val_accuracy" in history,
            f"`{name}` should be what model.fit returned with validation_data=(x_val, y_val), got "
            f"{type(value).__name__}")
    return history


@exercise(1, "224 pixels instead of 128")
def ex1(val_accuracy, why_224):
    require(isinstance(val_accuracy, dict) and set(val_accuracy) == {128, 224},
            "`val_accuracy` should map the input sizes 128 and 224 to the validation accuracy of their logistic "
            "regression")
    got = {size: _accuracy(val_accuracy[size], f"val_accuracy[{size}]", 0.2, 0.6) for size in (128, 224)}
    answer = choice(why_224, "why_224", "abc")
    require(answer != "b", "Resizing interpolates between the 32 x 32 pixels: it adds no information to the image")
    require(answer == "a", "the labels are the same 1,000 for both sizes; think of the sizes of the objects "
            "MobileNet saw on ImageNet")
    return f"validation accuracy 128 px {got[128]:.3f}, 224 px {got[224]:.3f}, for about three times the cost."


# blocks 10 and 11: 128 channels, 3x3 depthwise (1,152) + 1x1 pointwise (16,384) each, no biases
BLOCK_10_WEIGHTS = 104_330 + 2 * 17_536


@exercise(2, "unfreeze more blocks")
def ex2(trainable_from_10, history_10, history_12):
    n = as_number(trainable_from_10, "trainable_from_10")
    require(n != 104_330, "104,330 is the count when fine-tuning from block 12: start at 'conv_dw_10'")
    require(n != 221_114 and n < 200_000, f"{n:,.0f} weights train: is BatchNormalization still frozen, and block 1 "
            "to 9 too?")
    require(n == BLOCK_10_WEIGHTS, f"{n:,.0f} trainable weights; from block 10 with frozen BatchNormalization "
            f"expect {BLOCK_10_WEIGHTS:,} (the head, blocks 12-13 and two blocks of 17,536)")
    ten, twelve = _history(history_10, "history_10"), _history(history_12, "history_12")
    acc_10 = _accuracy(max(ten["val_accuracy"]), "best validation accuracy from block 10", 0.15, 0.6)
    acc_12 = as_number(max(twelve["val_accuracy"]), "best validation accuracy from block 12")
    return f"best validation accuracy from block 10 {acc_10:.3f}, from block 12 {acc_12:.3f}; watch the " \
           "training accuracy run ahead."


@exercise(3, "k-nearest neighbours on the features")
def ex3(knn_accuracy, why_lower):
    require(isinstance(knn_accuracy, dict) and set(knn_accuracy) == {"ImageNet", "fine-tuned"},
            "`knn_accuracy` should map 'ImageNet' and 'fine-tuned' to the 5-NN validation accuracy")
    got = {name: _accuracy(value, f"knn_accuracy[{name!r}]", 0.15, 0.4) for name, value in knn_accuracy.items()}
    answer = choice(why_lower, "why_lower", "abc")
    require(answer != "c", "the pipeline standardises the features before k-NN; the reason is elsewhere")
    require(answer == "a", "k-NN trains no weights at all, for any number of epochs: what does the logistic "
            "regression learn that k-NN cannot?")
    return f"5-NN: ImageNet features {got['ImageNet']:.3f}, fine-tuned {got['fine-tuned']:.3f}."


@exercise(4, "choose the regularisation by cross-validation")
def ex4(search, val_accuracy, val_features, y_val):
    require(hasattr(search, "cv_results_") and hasattr(search, "best_params_"),
            "`search` should be the GridSearchCV after search.fit(labelled_features, y_labelled)")
    require(getattr(search, "n_splits_", None) == 5, f"the search used {getattr(search, 'n_splits_', '?')} folds: "
            "ask for 5-fold cross-validation with cv=5")
    grid = [float(c) for c in search.cv_results_.get("param_logisticregression__C", [])]
    require(len(grid) >= 4, f"only {len(grid)} values of C tried: try at least 4, from about 0.003 to 1")
    require(min(grid) <= 0.01 and max(grid) >= 1, f"the grid {grid} should span at least 0.01 to 1 (regularisation "
            "from strong to weak)")
    accuracy = _accuracy(val_accuracy, "val_accuracy", 0.2, 0.6)
    expected = float(search.score(val_features, y_val))
    require(abs(accuracy - expected) < 1e-6 or abs(accuracy - float(search.best_score_)) > 1e-9,
            f"{accuracy:.3f} is search.best_score_, the cross-validated accuracy on the labelled images: measure "
            "the chosen model on the validation images, search.score(imagenet_val_features, y_val)")
    require(abs(accuracy - expected) < 1e-6, f"val_accuracy is {accuracy:.3f}, but the search's best model scores "
            f"{expected:.3f} on the validation features: search.score(imagenet_val_features, y_val)")
    best = search.best_params_["logisticregression__C"]
    return f"cross-validation chose C = {best:g}; validation accuracy {accuracy:.3f}."


def _per_class(value, name):
    require(isinstance(value, dict) and len(value) >= 1,
            f"`{name}` should map each number of labels per class you trained with to a validation accuracy")
    got = {}
    for per_class, accuracy in value.items():
        if isinstance(per_class, bool) or not isinstance(per_class, numbers.Integral) or per_class < 1:
            raise Hint(f"the keys of `{name}` should be numbers of labels per class, got {per_class!r}")
        accuracy = as_number(accuracy, f"{name}[{per_class}]")
        require(0 <= accuracy <= 1, f"accuracies are fractions between 0 and 1, got {accuracy:g}")
        got[int(per_class)] = accuracy
    return got


@exercise(5, "from scratch with many more labels")
def ex5(scratch_val_accuracy, transfer_val_accuracy, gap_100, where_catch_up):
    scratch = _per_class(scratch_val_accuracy, "scratch_val_accuracy")
    transfer = _per_class(transfer_val_accuracy, "transfer_val_accuracy")
    require(set(scratch) == set(transfer), "measure transfer and from scratch on the same numbers of labels per class, "
            f"got {sorted(transfer)} and {sorted(scratch)}")
    lead_100 = as_number(gap_100, "gap_100")
    largest = max(scratch)
    lead = transfer[largest] - scratch[largest]
    measured = "a" if lead <= 0.02 else "b" if lead < lead_100 else "c"
    answer = choice(where_catch_up, "where_catch_up", "abc")
    summary = (f"with {largest} labels per class transfer leads by {100 * lead:+.1f} points of validation accuracy "
               f"(section 9: {100 * lead_100:+.1f})")
    require(answer == measured, f"{summary}: which option do these two leads match?")
    return f"{summary}: option {measured} is what you measured."


def _data(seed):
    import numpy as np

    x = np.random.default_rng(seed).normal(size=(60, 4))
    return x, (x[:, 0] > 0).astype(int)


def _search(cv):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = _data(0)
    search = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
                          {"logisticregression__C": [0.003, 0.01, 0.1, 1.0]}, cv=cv)
    return search.fit(x, y)


class _Fit:
    def __init__(self, val_accuracy):
        self.history = {"loss": [1.0, 0.8], "val_accuracy": val_accuracy}


_SEARCH, _VAL = _search(5), _data(1)
EXAMPLES = [
    example(ex1, right=[{128: 0.70, 224: 0.71}, "a"], wrong=[{128: 0.70, 224: 0.71}, "b"], hint="no information"),
    example(ex2, right=[BLOCK_10_WEIGHTS, _Fit([0.66, 0.70]), _Fit([0.67, 0.69])],
            wrong=[104_330, _Fit([0.66, 0.70]), _Fit([0.67, 0.69])], hint="start at 'conv_dw_10'"),
    example(ex3, right=[{"ImageNet": 0.57, "fine-tuned": 0.59}, "a"],
            wrong=[{"ImageNet": 0.57, "fine-tuned": 0.59}, "c"], hint="standardises"),
    example(ex4, right=[_SEARCH, _SEARCH.score(*_VAL), *_VAL], wrong=[_search(3), _SEARCH.score(*_VAL), *_VAL],
            hint="cv=5"),
    example(ex4, right=[_SEARCH, _SEARCH.score(*_VAL), *_VAL], wrong=[_SEARCH, _SEARCH.best_score_, *_VAL],
            hint="best_score_"),
    example(ex5, right=[{np.int64(500): 0.62, 4900: 0.80}, {500: 0.78, 4900: 0.84}, 0.20, "b"],
            wrong=[{500: 0.62, 4900: 0.80}, {500: 0.78, 4900: 0.84}, 0.20, "a"], hint="which option"),
    example(ex5, right=[{500: 0.62, 4900: 0.83}, {500: 0.78, 4900: 0.84}, 0.20, "a"],
            wrong=[{500: 0.62, 4900: 0.83}, {500: 0.78, 4900: 0.84}, 0.20, "c"], hint="which option"),
]
