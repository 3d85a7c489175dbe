"""Plumbing for notebook 12 (reinforcement learning): installing Gymnasium on Colab, drawing CartPole from its state.

The lesson itself (the agent-environment loop, returns, REINFORCE, DQN) stays in the notebook.
"""

from __future__ import annotations

import numpy as np

from .serving import install_missing

#: The Gymnasium release the course is tested with (requirements.txt pins the same).
GYMNASIUM = "gymnasium==1.3.0"
#: CartPole-v1's geometry, from gymnasium.envs.classic_control.cartpole: the pole's half-length and the track's end.
POLE_HALF_LENGTH = 0.5
TRACK_LIMIT = 2.4
ANGLE_LIMIT = 12 * 2 * np.pi / 360  # the episode ends beyond 12 degrees


def install_gymnasium(only_on_colab: bool = True) -> list[str]:
    """Install Gymnasium if it is missing (on Colab only, by default), never changing TensorFlow, Keras or NumPy."""
    return install_missing({"gymnasium": GYMNASIUM}, only_on_colab=only_on_colab)


def _state(state) -> np.ndarray:
    try:
        array = np.asarray(state, dtype="float64")
    except (TypeError, ValueError):
        array = None
    if array is None or array.shape != (4,) or not np.all(np.isfinite(array)):
        raise ValueError("a CartPole state is 4 finite numbers (cart position, cart velocity, pole angle, "
                         f"pole angular velocity), got {str(state)[:60]}")
    return array


def draw_cartpole(ax, state, action: int | None = None, title: str | None = None) -> None:
    """Draw one CartPole frame on ``ax`` from the 4-number ``state`` (no display or renderer needed).

    ``action`` (0 = push left, 1 = push right) adds an arrow on the cart. Distances are in the
    environment's units (the track runs from -2.4 to 2.4; the pole is 1 long).
    """
    from matplotlib.patches import Rectangle

    x, _, angle, _ = _state(state)
    if action not in (None, 0, 1):
        raise ValueError(f"action must be 0 (left), 1 (right) or None, got {action!r}")
    ax.plot([-TRACK_LIMIT, TRACK_LIMIT], [0, 0], color="grey", lw=1)
    ax.add_patch(Rectangle((x - 0.25, -0.075), 0.5, 0.15, color="tab:blue"))
    tip = (x + 2 * POLE_HALF_LENGTH * np.sin(angle), 2 * POLE_HALF_LENGTH * np.cos(angle))
    colour = "tab:red" if abs(angle) > ANGLE_LIMIT else "tab:orange"
    ax.plot([x, tip[0]], [0, tip[1]], color=colour, lw=4, solid_capstyle="round")
    if action is not None:
        ax.annotate("", xy=(x + (0.5 if action else -0.5), -0.25), xytext=(x, -0.25),
                    arrowprops={"arrowstyle": "->", "color": "black"})
    ax.set(xlim=(-TRACK_LIMIT, TRACK_LIMIT), ylim=(-0.4, 1.2), aspect="equal", xticks=[], yticks=[])
    if title:
        ax.set_title(title, fontsize=9)


def show_frames(states, actions=None, steps=None, columns: int = 6, width: float = 10.0):
    """Draw the frames ``steps`` (default: ``columns`` frames evenly spread) of an episode; returns the figure.

    ``actions[t]`` is the action taken in ``states[t]`` (an arrow); a state without an action (the last one) has none.
    """
    import matplotlib.pyplot as plt

    states = np.asarray(states, dtype="float64")
    if states.ndim != 2 or states.shape[1] != 4 or len(states) == 0:
        raise ValueError(f"states should be an array of shape (steps, 4), got {states.shape}")
    if steps is None:
        steps = np.unique(np.linspace(0, len(states) - 1, columns).round().astype(int))
    steps = [int(s) for s in steps]
    if any(not 0 <= s < len(states) for s in steps):
        raise ValueError(f"steps must lie in 0..{len(states) - 1}, got {steps}")
    fig, axes = plt.subplots(1, len(steps), figsize=(width, width / len(steps) * 0.9), squeeze=False)
    for ax, step in zip(axes[0], steps, strict=True):
        action = None if actions is None or step >= len(actions) else int(actions[step])
        draw_cartpole(ax, states[step], action, title=f"step {step}: {np.degrees(states[step, 2]):+.1f}°")
    fig.tight_layout()
    return fig
