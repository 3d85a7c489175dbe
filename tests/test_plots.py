import matplotlib
import numpy as np
import pytest
from matplotlib.figure import Figure

import utils

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    matplotlib.pyplot.close("all")


HISTORY = {"loss": [1.0, 0.5, 0.3], "accuracy": [0.5, 0.7, 0.8], "val_loss": [1.1, 0.7, 0.6],
           "val_accuracy": [0.4, 0.6, 0.7]}


def test_plot_history_one_and_several_runs():
    fig = utils.plot_history(HISTORY)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert len(fig.axes[0].lines) == 2  # train and validation
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes] == [("epoch", "loss"), ("epoch", "accuracy")]
    fig.canvas.draw()
    ticks = fig.axes[0].get_xticks()
    assert len(ticks) and all(float(t).is_integer() for t in ticks), f"epoch ticks must be whole numbers: {ticks}"
    fig = utils.plot_history({"SGD": HISTORY, "Adam": HISTORY}, metrics="loss")
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 4


def test_plot_history_bad_input():
    with pytest.raises(ValueError, match="no metric"):
        utils.plot_history(HISTORY, metrics=["auc"])
    with pytest.raises(ValueError, match="keras History"):
        utils.plot_history([1, 2, 3])


def test_show_images_gray_colour_and_predictions():
    rng = np.random.default_rng(0)
    fig = utils.show_images(rng.integers(0, 255, (5, 28, 28), dtype=np.uint8), labels=[0, 1, 2, 3, 4],
                            class_names=list("abcde"), ncols=3)
    assert len(fig.axes) == 6 and fig.axes[0].get_title() == "a"
    fig = utils.show_images(rng.random((4, 32, 32, 3)), labels=[0, 1, 0, 1], predictions=[0, 0, 0, 1])
    assert fig.axes[1].get_title() == "0\n(true: 1)"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"images": np.zeros((4, 64))}, "reshape flat vectors"),
    ({"images": np.zeros((4, 8, 8)), "labels": [0, 1]}, "one entry per image"),
    ({"images": np.zeros((2, 8, 8)), "predictions": [0, 1]}, "need labels"),
    ({"images": np.zeros((2, 8, 8)), "labels": [0, 5], "class_names": ["a", "b"]}, "no entry in class_names"),
])
def test_show_images_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        utils.show_images(**kwargs)


def test_plot_confusion_matrix_counts():
    fig = utils.plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], class_names=["cat", "dog", "frog"])
    np.testing.assert_array_equal(fig.confusion_matrix, [[1, 0, 0], [0, 1, 1], [0, 0, 1]])
    fig = utils.plot_confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], normalize=True)
    np.testing.assert_allclose(fig.confusion_matrix[1], [0, 0.5, 0.5])


def test_plot_confusion_matrix_bad_input():
    with pytest.raises(ValueError, match="same length"):
        utils.plot_confusion_matrix([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="argmax"):
        utils.plot_confusion_matrix([0, 1], np.eye(2))
    with pytest.raises(ValueError, match="has no name"):
        utils.plot_confusion_matrix([0, 3], [0, 1], class_names=["a", "b"])


def test_plot_decision_boundary_function_sklearn_and_keras():
    import keras
    from sklearn.linear_model import LogisticRegression

    x = np.array([[0, 0], [1, 1], [0, 1], [1, 0]], dtype="float32")
    y = np.array([0, 1, 1, 0])
    fig = utils.plot_decision_boundary(lambda g: (g[:, 1] > 0.5).astype(float), x, y, title="rule")
    assert fig.axes[0].get_title() == "rule"
    utils.plot_decision_boundary(LogisticRegression().fit(x, y), x, y)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="softmax")])
    utils.plot_decision_boundary(model, x, y, resolution=20)


def test_plot_decision_boundary_bad_input():
    with pytest.raises(ValueError, match=r"shape \(N, 2\)"):
        utils.plot_decision_boundary(lambda g: g[:, 0], np.zeros((4, 3)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="same length"):
        utils.plot_decision_boundary(lambda g: g[:, 0], np.zeros((4, 2)), [0, 1])
    with pytest.raises(ValueError, match="Keras model"):
        utils.plot_decision_boundary("model", np.zeros((4, 2)), [0, 1, 0, 1])


def _boundary_x(fig):
    """x coordinates of the drawn 0.5 boundary line of a decision-boundary plot."""
    from matplotlib.contour import ContourSet

    line = [c for c in fig.axes[0].collections if isinstance(c, ContourSet) and list(c.levels) == [0.5]][-1]
    return np.concatenate([p.vertices[:, 0] for p in line.get_paths()])


VERTICAL = (np.array([[-1, -1], [1, 1], [-1, 1], [1, -1]], dtype="float32"), np.array([0, 1, 0, 1]))


def test_plot_decision_boundary_puts_logit_boundaries_at_zero():
    import keras

    x, y = VERTICAL
    fig = utils.plot_decision_boundary(lambda g: g[:, 0] - 0.25, x, y, output="logit", resolution=101)
    np.testing.assert_allclose(_boundary_x(fig), 0.25, atol=0.03)
    linear = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])  # outputs logits
    linear.set_weights([np.array([[4.0], [0.0]]), np.array([-1.0])])  # logit 0 at x1 = 0.25
    fig = utils.plot_decision_boundary(linear, x, y, resolution=101)
    np.testing.assert_allclose(_boundary_x(fig), 0.25, atol=0.03)
    sigmoid = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])
    sigmoid.set_weights([np.array([[4.0], [0.0]]), np.array([-1.0])])  # the same boundary, as probabilities
    np.testing.assert_allclose(_boundary_x(utils.plot_decision_boundary(sigmoid, x, y, resolution=101)), 0.25,
                               atol=0.03)


def test_plot_decision_boundary_refuses_to_guess_what_unlabelled_scores_are():
    x, y = VERTICAL
    with pytest.raises(ValueError, match="not probabilities; say what they are: output='logit'"):
        utils.plot_decision_boundary(lambda g: g[:, 0] - 0.25, x, y)
    with pytest.raises(ValueError, match="output must be one of"):
        utils.plot_decision_boundary(lambda g: g[:, 0], x, y, output="score")
    with pytest.raises(ValueError, match="pass output='logit'"):
        utils.plot_decision_boundary(lambda g: g[:, 0] * 3, x, y, output="probability")


def test_plot_decision_boundary_with_labels_and_sklearn_without_predict_proba():
    from sklearn.linear_model import Perceptron
    from sklearn.svm import SVC, LinearSVC

    x, y = VERTICAL
    fig = utils.plot_decision_boundary(lambda g: (g[:, 0] > 0.25).astype(int), x, y, resolution=101)
    np.testing.assert_allclose(_boundary_x(fig), 0.25, atol=0.03)
    for model in (Perceptron().fit(x, y), LinearSVC().fit(x, y), SVC().fit(x, y)):
        fig = utils.plot_decision_boundary(model, x, y, resolution=51)
        assert abs(np.mean(_boundary_x(fig))) < 0.3, type(model).__name__
    three = lambda g: np.digitize(g[:, 0], [-0.3, 0.3])  # noqa: E731 - labels 0, 1, 2
    fig = utils.plot_decision_boundary(three, np.vstack([x, [[0, 0]]]), np.r_[y, 2], resolution=30)
    assert len(fig.axes[0].collections) >= 2
    with pytest.raises(ValueError, match="class ids 0, 1"):
        utils.plot_decision_boundary(lambda g: np.sign(g[:, 0]).astype(int), x, y)


def test_plot_decision_boundary_class_legend_and_colorbar():
    x, y = VERTICAL
    fig = utils.plot_decision_boundary(lambda g: 1 / (1 + np.exp(-4 * g[:, 0])), x, y, resolution=20,
                                       class_names=["left", "right"], colorbar_label="P(right)")
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["left", "right"]
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "P(right)"  # the colour bar
    three = lambda g: np.digitize(g[:, 0], [-0.3, 0.3])  # noqa: E731 - labels 0, 1, 2
    fig = utils.plot_decision_boundary(three, np.vstack([x, [[0, 0]]]), np.r_[y, 2], resolution=20,
                                       class_names=["a", "b", "c"])
    assert len(fig.axes[0].get_legend().get_texts()) == 3
    with pytest.raises(ValueError, match="class_names has 2 names"):
        utils.plot_decision_boundary(three, np.vstack([x, [[0, 0]]]), np.r_[y, 2], class_names=["a", "b"])
    with pytest.raises(ValueError, match="colorbar_label needs a two-class model"):
        utils.plot_decision_boundary(three, np.vstack([x, [[0, 0]]]), np.r_[y, 2], colorbar_label="P")


def test_show_images_rescales_negative_images_instead_of_clipping_them():
    image = np.full((1, 4, 4, 3), -0.5, dtype="float32")
    image[0, 0, 0] = 0.5  # a [-1, 1] image, as MobileNet's preprocessing makes
    fig = utils.show_images(image)
    shown = np.asarray(fig.axes[0].images[0].get_array())
    assert shown.min() == 0 and shown.max() == 1  # clipping would give a black image with one grey pixel
    standardised = np.random.default_rng(0).normal(size=(2, 8, 8, 3)) * 3
    shown = np.asarray(utils.show_images(standardised).axes[0].images[0].get_array())
    assert 0 <= shown.min() and shown.max() <= 1 and shown.std() > 0.1


@pytest.mark.parametrize(("kwargs", "error", "message"), [
    ({"labels": np.eye(4, 3)}, ValueError, r"labels.argmax\(axis=1\)"),
    ({"labels": [0, 1, 2, 0], "predictions": np.eye(4, 3)}, ValueError, r"predictions.argmax\(axis=1\)"),
    ({"ncols": 2.0}, TypeError, "ncols must be a whole number"),
    ({"ncols": 0}, ValueError, "ncols must be a positive whole number"),
])
def test_show_images_rejects_one_hot_labels_and_bad_ncols(kwargs, error, message):
    with pytest.raises(error, match=message):
        utils.show_images(np.zeros((4, 8, 8)), **kwargs)
    fig = utils.show_images(np.zeros((4, 8, 8)), labels=np.array([[0], [1], [2], [0]]))  # (N, 1) is fine
    assert fig.axes[1].get_title() == "1"


@pytest.mark.parametrize(("y_true", "y_pred", "message"), [
    ([0, -1, 1], [0, 1, 1], "negative class id -1"),
    ([0, 1, 1], [0, 1, -1], "negative class id -1"),
    (np.eye(3), [0, 1, 2], r"y_true.argmax\(axis=1\)"),
    ([0, 1, 2], np.eye(3), r"y_pred.argmax\(axis=1\)"),
    ([0.2, 0.7, 0.9], [0, 1, 1], "integer class ids"),
    ([], [], "empty"),
])
def test_plot_confusion_matrix_rejects_what_it_would_drop_or_miscount(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        utils.plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c"])


@pytest.mark.parametrize(("history", "error", "message"), [
    ({"loss": []}, ValueError, "loss must be a non-empty list"),
    ({"loss": [1.0, 0.5], "val_loss": [1.0]}, ValueError, "val_loss has 1 values but loss has 2"),
    ({"loss": [[1.0, 0.5]]}, ValueError, "loss must be a non-empty list"),
    ({"loss": ["a", "b"]}, TypeError, "loss must hold numbers"),
])
def test_plot_history_rejects_empty_or_mismatched_series(history, error, message):
    with pytest.raises(error, match=message):
        utils.plot_history(history)
    with pytest.raises(ValueError, match="at least one metric"):
        utils.plot_history(HISTORY, metrics=[])
