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
