"""Checks for the exercises of notebook 07 (RNN and LSTM)."""

import numpy as np

from . import as_array, as_number, choice, example, exercise, quick_mode, require


def _history(value, name):
    """A Keras ``History`` or its ``.history`` dict, as the dict; a hint for anything else."""
    history = getattr(value, "history", value)
    require(isinstance(history, dict) and "loss" in history,
            f"`{name}` should be what model.fit returned (a History), got {type(value).__name__}")
    return history


def _final_val_accuracy(history, name):
    require("val_accuracy" in history, f"`{name}` has no val_accuracy: fit with validation_data=val_pipe and "
            "metrics=['accuracy'] (fit_classifier does both)")
    return as_number(history["val_accuracy"][-1], f"{name} val_accuracy")


def _compare_with_lstm(acc, lstm_acc, name):
    """Full mode: within 5 points of the LSTM(64). Quick mode trains on 3 batches: only that it ran."""
    if not quick_mode():
        require(acc > lstm_acc - 0.05, f"the {name} ends at {acc:.3f} validation accuracy against the LSTM's "
                f"{lstm_acc:.3f}: did it train with build_classifier's recipe for IMDB_EPOCHS epochs on all batches?")


@exercise(1, "GRU instead of LSTM")
def ex1(gru_params_by_hand, gru_history, lstm_history):
    params = as_number(gru_params_by_hand, "gru_params_by_hand")
    require(params != 5248, "5,248 is the LSTM(32)'s count: the GRU has 3 weight sets (update gate, reset gate, "
            "candidate), not 4")
    require(params != 3936, "3 x (32*8 + 32*32 + 32) = 3,936 counts one bias per weight set; Keras's GRU "
            "(reset_after=True) keeps two bias vectors, one for the input and one for the recurrent part")
    require(params == 4032, f"{params:g} is not the GRU's count: 3 x (32*8 input weights + 32*32 recurrent weights + "
            "2*32 biases)")
    gru, lstm = _history(gru_history, "gru_history"), _history(lstm_history, "lstm_history")
    gru_acc, lstm_acc = _final_val_accuracy(gru, "gru_history"), _final_val_accuracy(lstm, "lstm_history")
    _compare_with_lstm(gru_acc, lstm_acc, "GRU")
    return f"GRU(32) has 4,032 weights against the LSTM's 5,248; validation accuracy GRU {gru_acc:.3f}, " \
           f"LSTM {lstm_acc:.3f}."


@exercise(2, "longer memory needed")
def ex2(rnn_norms, first_lag_below, cost_of_500):
    norms = as_array(rnn_norms, "rnn_norms")
    require(norms.ndim == 1 and len(norms) == 300,
            f"`rnn_norms` should hold one gradient norm per lag of a 300-step sequence, got shape {norms.shape}")
    below = np.flatnonzero(norms < 1e-7 * norms[0])
    require(len(below) > 0, "the SimpleRNN's gradient never falls below 1e-7 of its lag-0 value: is rnn_norms the "
            "SimpleRNN's curve?")
    lag = as_number(first_lag_below, "first_lag_below")
    require(lag != below[0] - 1, f"lag {lag:g} is the last lag still above the threshold; the first below is "
            f"one step further")
    require(lag == below[0], f"in your curve the first lag with norm < 1e-7 x lag 0 is {below[0]}, not {lag:g}: "
            "np.argmax(rnn_norms < 1e-7 * rnn_norms[0])")
    answer = choice(cost_of_500, "cost_of_500", "abc")
    require(answer != "b", "the weights do not grow with the length, but the work does: the LSTM makes one step per "
            "position, padding included")
    require(answer == "a", "each step costs the same and the steps are walked one after the other: the cost grows "
            "in proportion to SEQ_LEN, not with its square")
    return f"below 1e-7 after {lag:g} steps: compare with the 100-step curve of section 4 (the decay per step does " \
           "not depend on the length); 500 words cost about 5/3 the time of 300."


@exercise(3, "a 1-D convolutional network for text")
def ex3(cnn_history, lstm_history, why_faster):
    cnn, lstm = _history(cnn_history, "cnn_history"), _history(lstm_history, "lstm_history")
    cnn_acc, lstm_acc = _final_val_accuracy(cnn, "cnn_history"), _final_val_accuracy(lstm, "lstm_history")
    _compare_with_lstm(cnn_acc, lstm_acc, "CNN")
    answer = choice(why_faster, "why_faster", "abc")
    require(answer != "b", "the CNN does not have fewer weights: both classifiers are dominated by the 1.28 million "
            "of the embedding, and Conv1D(64, 5) on 64-dimensional vectors has about 20,000 against the LSTM(64)'s "
            "33,000; the difference is elsewhere")
    require(answer == "a", "both classifiers read the same word vectors; think of what the LSTM must wait for at "
            "each step")
    return f"validation accuracy CNN {cnn_acc:.3f}, LSTM {lstm_acc:.3f}; the convolution computes every position " \
           "at once."


@exercise(4, "forecast further ahead")
def ex4(val_forecasts, val_actual):
    actual = as_array(val_actual, "val_actual")
    names = ("naive", "seasonal naive", "seasonal difference", "LSTM")
    require(isinstance(val_forecasts, dict) and set(names) <= set(val_forecasts),
            "`val_forecasts` should map 'naive', 'seasonal naive', 'seasonal difference' and 'LSTM' to their "
            "forecasts of the validation months")
    got = {}
    for name in names:
        got[name] = as_array(val_forecasts[name], f"val_forecasts[{name!r}]")
        if got[name].size == actual.size:  # a (months, 1) column from model.predict is fine too
            got[name] = got[name].reshape(actual.shape)
        require(got[name].shape == actual.shape, f"val_forecasts[{name!r}] has shape {got[name].shape}, "
                f"val_actual {actual.shape}: one forecast per validation month")
    naive, seasonal = got["naive"], got["seasonal naive"]
    require(not np.allclose(naive[1:], actual[:-1]), "your naive forecast repeats last month's value, y[t-1]; six "
            "months ahead the last value known is y[t-6]")
    require(np.allclose(naive[6:], actual[:-6]), "the naive forecast of month t is y[t-6], the last value known "
            "six months earlier: co2_ppm[train_end - 6:val_end - 6]")
    require(np.allclose(seasonal[12:], actual[:-12]), "the seasonal naive forecast of month t is y[t-12]: "
            "co2_ppm[train_end - 12:val_end - 12]")
    require(np.allclose(got["seasonal difference"][18:], actual[6:-12] + actual[12:-6] - actual[:-18]),
            "the six-month seasonal difference of month t is y[t-12] + (y[t-6] - y[t-18]): last year's value plus "
            "the latest twelve-month change known six months ahead (not y[t-1] + y[t-12] - y[t-13])")
    mae = {name: float(np.abs(forecast - actual).mean()) for name, forecast in got.items()}
    require(not np.allclose(got["LSTM"], naive, atol=0.05),
            "the LSTM's forecast equals the naive one: add the predicted 6-month change (unscaled with the "
            "training mean and standard deviation) to y[t-6]")
    bar = 1.0 if quick_mode() else 0.6
    require(mae["LSTM"] < bar * mae["naive"],
            f"LSTM MAE {mae['LSTM']:.2f} ppm against {mae['naive']:.2f} for the naive forecast: did you undo the "
            "scaling (x ahead_std + ahead_mean) and add the change to y[t-6], not to y[t-1]?")
    gain = 1 - mae["LSTM"] / mae["seasonal difference"]
    return "validation MAE (ppm): " + ", ".join(f"{name} {value:.2f}" for name, value in mae.items()) + \
        f"; the LSTM's error is {abs(gain):.0%} {'below' if gain > 0 else 'above'} the seasonal difference's."


def _fake_history(val_accuracy):
    return {"loss": [0.6, 0.4], "val_loss": [0.5, 0.4], "accuracy": [0.7, 0.9], "val_accuracy": val_accuracy}


def _co2_like():
    months = np.arange(120)
    series = 350 + 0.12 * months + 3 * np.sin(2 * np.pi * months / 12)
    actual = series[60:]
    forecasts = {"naive": series[54:-6], "seasonal naive": series[48:-12],
                 "seasonal difference": series[48:-12] + series[54:-6] - series[42:-18], "LSTM": actual + 0.2}
    return forecasts, actual


_RIGHT4, _ACTUAL4 = _co2_like()
_WRONG4 = dict(_RIGHT4, naive=np.concatenate([[_RIGHT4["naive"][0]], _ACTUAL4[:-1]]))
_NORMS = 2.0 * 10.0 ** (-np.arange(300) / 7.3)  # falls tenfold every 7.3 steps
_LAG = int(np.argmax(_NORMS < 1e-7 * _NORMS[0]))  # 52
EXAMPLES = [
    example(ex1, right=[4032, _fake_history([0.86, 0.88]), _fake_history([0.86, 0.88])],
            wrong=[3936, _fake_history([0.86, 0.88]), _fake_history([0.86, 0.88])], hint="two bias vectors"),
    example(ex2, right=[_NORMS, _LAG, "a"], wrong=[_NORMS, _LAG, "b"], hint="the work does"),
    example(ex3, right=[_fake_history([0.86, 0.88]), _fake_history([0.86, 0.88]), "a"],
            wrong=[_fake_history([0.86, 0.88]), _fake_history([0.86, 0.88]), "b"], hint="embedding"),
    example(ex4, right=[_RIGHT4, _ACTUAL4], wrong=[_WRONG4, _ACTUAL4], hint="y[t-1]"),
]
