"""Plumbing of notebook 12 (utils/rl.py): CartPole frames drawn from the state, bad inputs refused, Gymnasium's
geometry as the drawing assumes it, and the Colab-only installer doing nothing elsewhere."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import rl

ROOT = Path(__file__).resolve().parents[1]


def test_draw_cartpole_draws_the_pole_at_its_angle():
    fig, ax = plt.subplots()
    rl.draw_cartpole(ax, [1.0, 0.0, np.radians(30), 0.0], action=1, title="frame")
    (pole,) = [line for line in ax.lines if line.get_linewidth() == 4]
    xs, ys = pole.get_data()
    assert xs[0] == pytest.approx(1.0) and xs[1] == pytest.approx(1.0 + np.sin(np.radians(30)))
    assert ys[1] == pytest.approx(np.cos(np.radians(30)))
    assert pole.get_color() == "tab:red"  # beyond the 12-degree limit
    assert ax.get_title() == "frame" and len(ax.patches) == 1 and len(ax.texts) == 1  # cart and push arrow
    plt.close(fig)


def test_show_frames_spreads_frames_and_allows_a_last_state_without_action():
    states = np.zeros((21, 4))
    states[:, 2] = np.linspace(0, 0.1, 21)
    fig = rl.show_frames(states, actions=[0] * 20, columns=5)
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split(":")[0] for t in titles] == ["step 0", "step 5", "step 10", "step 15", "step 20"]
    assert len(fig.axes[-1].texts) == 0 and len(fig.axes[0].texts) == 1  # no action after the last state
    plt.close(fig)


@pytest.mark.parametrize("state", [[0, 0, 0], [0, 0, np.nan, 0], "abcd"])
def test_draw_cartpole_refuses_a_bad_state(state):
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="4 finite numbers"):
        rl.draw_cartpole(ax, state)
    plt.close(fig)


def test_bad_actions_and_steps_are_named():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="action must be 0"):
        rl.draw_cartpole(ax, [0, 0, 0, 0], action=2)
    plt.close(fig)
    with pytest.raises(ValueError, match="shape"):
        rl.show_frames(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="steps must lie"):
        rl.show_frames(np.zeros((5, 4)), steps=[7])


def test_geometry_matches_gymnasium():
    import gymnasium as gym  # pinned in requirements.txt: a missing install must fail, not skip

    env = gym.make("CartPole-v1").unwrapped
    assert env.length == rl.POLE_HALF_LENGTH and env.x_threshold == rl.TRACK_LIMIT
    assert env.theta_threshold_radians == pytest.approx(rl.ANGLE_LIMIT)


def test_install_gymnasium_does_nothing_outside_colab():
    assert rl.install_gymnasium() == []
    assert rl.GYMNASIUM.startswith("gymnasium==")
    assert rl.GYMNASIUM in (ROOT / "requirements.txt").read_text()


def test_install_gymnasium_asks_for_the_pinned_version(monkeypatch):
    calls = []
    monkeypatch.setattr(rl, "install_missing", lambda packages, only_on_colab: calls.append(packages) or [])
    rl.install_gymnasium()
    assert calls == [{"gymnasium": "gymnasium==1.3.0"}]
