"""Checks for the exercises of notebook 12 (reinforcement learning)."""

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, require

_REWARD_LISTS = [([1, 0, 2, 0, 3], 0.9), ([1, 1, 1, 1, 1], 1.0), ([5, -1, 2], 0.0), ([0, 0, 10], 0.5)]


def _returns(rewards, gamma):
    returns, future = np.zeros(len(rewards)), 0.0
    for t in reversed(range(len(rewards))):
        future = rewards[t] + gamma * future
        returns[t] = future
    return returns


@exercise(1, "returns, backwards")
def ex1(my_returns, endless_return):
    require(callable(my_returns), "`my_returns` should be the function you completed")
    for rewards, gamma in _REWARD_LISTS:
        try:
            got = as_array(my_returns(list(rewards), gamma), f"my_returns({rewards}, {gamma})")
        except (TypeError, ValueError, IndexError) as exc:
            raise Hint(f"my_returns({rewards}, {gamma}) failed ({exc})") from exc
        expected = _returns(rewards, gamma)
        require(got.shape == expected.shape, f"my_returns({rewards}, {gamma}) should give one return per step "
                f"({len(rewards)}), got shape {got.shape}")
        if np.allclose(got, np.sum(rewards)) and not np.allclose(expected, np.sum(rewards)):
            raise Hint(f"my_returns({rewards}, {gamma}) gives the whole sum at every step: G_t counts only the "
                       "rewards from step t on, each discounted by gamma once per step of delay")
        require(np.allclose(got, expected), f"my_returns({rewards}, {gamma}) gave {np.round(got, 4)}, expected "
                f"{np.round(expected, 4)}: future = rewards[t] + gamma * future")
    value = as_number(endless_return, "endless_return")
    require(not np.isclose(value, 99.34, atol=0.01), "99.34 is a 500-step episode; an endless one sums "
            "1 + 0.99 + 0.99² + ... forever, a geometric series")
    require(np.isclose(value, 100, atol=0.01), f"{value} is not it: 1 + γ + γ² + ... = 1 / (1 − γ)")
    return "G_t = r_t + γ G_(t+1); with γ = 0.99 an endless +1 is worth 100."


def _play_rule(rule, seeds):
    import gymnasium as gym

    returns = []
    for seed in seeds:
        env = gym.make("CartPole-v1")
        state, _ = env.reset(seed=int(seed))
        total, done = 0.0, False
        while not done:
            action = int(np.asarray(rule(np.asarray(state, dtype="float32")[None, :])).reshape(-1)[0])
            state, reward, terminated, truncated, _ = env.step(action)
            total, done = total + reward, terminated or truncated
        returns.append(total)
    return float(np.mean(returns))


@exercise(2, "a better hand-written rule")
def ex2(better_rule, better_validation, rule_validation, what_it_says):
    require(callable(better_rule), "`better_rule` should be the function you wrote")
    probe = np.array([[0, 0, 0.05, 0.5], [0, 0, -0.05, -0.5], [0, 0, 0.02, -1.0]], dtype="float32")
    try:
        actions = np.asarray(better_rule(probe)).reshape(-1)
    except Exception as exc:  # any failure of the student's function becomes a hint
        raise Hint(f"better_rule on a batch of 3 states failed ({type(exc).__name__}: {exc})") from exc
    require(actions.shape == (3,) and set(actions.tolist()) <= {0, 1},
            f"better_rule should give one action, 0 or 1, per state; on 3 states it gave {actions}")
    mine = as_number(better_validation, "better_validation")
    rule = as_number(rule_validation, "rule_validation")
    require(8 <= mine <= 500, f"better_validation is {mine}: a CartPole return lies between about 8 and 500")
    played = _play_rule(better_rule, range(50_000, 50_005))
    require(played > 2 * rule and mine > 2 * rule, f"better_rule returns {mine:.1f} on validation and {played:.1f} "
            f"on the check's episodes, not clearly better than the rule ({rule:.1f}): push towards where the pole "
            "is going, for example angle + angular velocity > 0")
    answer = choice(what_it_says, "what_it_says", "abc")
    require(answer != "a", "the rule works because CartPole is simple physics; think of Go or a data centre")
    require(answer == "b", "the agents are judged on episodes they never trained on; think about what the rule shows")
    return f"validation return {mine:.1f} against the rule's {rule:.1f}."


_NEXT_Q = np.array([[10.0, 12.0], [50.0, 40.0], [3.0, 2.0], [90.0, 95.0]])
_TERMINATED = np.array([0.0, 0.0, 1.0, 0.0])
_TRUNCATED = np.array([0.0, 0.0, 0.0, 1.0])


@exercise(3, "Bellman targets by hand")
def ex3(targets, gamma):
    gamma = as_number(gamma, "GAMMA")
    got = as_array(targets, "targets")
    require(got.shape == (4,), f"`targets` should hold one number per transition (shape (4,)), got {got.shape}")
    best = _NEXT_Q.max(axis=1)
    expected = 1.0 + gamma * (1 - _TERMINATED) * best
    require(not np.allclose(got, 1.0 + gamma * (1 - np.maximum(_TERMINATED, _TRUNCATED)) * best),
            "the fourth target drops the future, but that transition was only truncated by the time limit: the pole "
            "was still up, so keep the bootstrap term there")
    require(not np.allclose(got, 1.0 + gamma * best), "the third transition terminated: nothing follows it, so "
            "multiply the bootstrap term by (1 - terminated)")
    require(not np.allclose(got, 1.0 + gamma * (1 - _TERMINATED) * _NEXT_Q.mean(axis=1)),
            "the target uses the best next action, the max over a', not the average")
    require(np.allclose(got, expected), f"expected r + γ (1 − terminated) max Q: {np.round(expected, 2)}, got "
            f"{np.round(got, 2)}")
    return "a terminal step ends the sum; a time limit does not."


@exercise(4, "sampled or greedy?")
def ex4(sampled_returns, greedy_returns, why_greedy):
    sampled = as_array(sampled_returns, "sampled_returns")
    greedy = as_array(greedy_returns, "greedy_returns")
    require(sampled.shape == (20,), f"`sampled_returns` should hold the 20 validation returns, got shape "
            f"{sampled.shape}: total_rewards(play(sample_policy, VALIDATION_SEEDS))")
    require(greedy.shape == (20,), f"`greedy_returns` should hold 20 returns, got shape {greedy.shape}")
    require(np.all((sampled >= 8) & (sampled <= 500)), "CartPole returns lie between about 8 and 500")
    answer = choice(why_greedy, "why_greedy", "abc")
    require(answer != "a", "both cost one forward pass; think about what the number should measure")
    require(answer != "c", "the environment is the same whatever the agent does; think about exploration noise "
            "and which episodes were used for choices")
    return f"sampled {sampled.mean():.1f}, greedy {greedy.mean():.1f} on the validation episodes."


def _better_rule(states):
    return (states[:, 2] + states[:, 3] > 0).astype(int)


def _angle_rule(states):
    return (states[:, 2] > 0).astype(int)


def _forward_sum(rewards, gamma):
    return np.full(len(rewards), float(np.sum(rewards)))


_VALID = np.array([10, 12, 9, 200, 500, 480, 33, 12, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160.0])
EXAMPLES = [
    example(ex1, right=[_returns, 100.0], wrong=[_forward_sum, 100.0], hint="whole sum"),
    example(ex2, right=[_better_rule, 480.0, 42.0, "b"], wrong=[_angle_rule, 42.0, 42.0, "b"],
            hint="angular velocity > 0"),
    example(ex3, right=[1.0 + 0.99 * (1 - _TERMINATED) * _NEXT_Q.max(axis=1), 0.99],
            wrong=[1.0 + 0.99 * (1 - np.maximum(_TERMINATED, _TRUNCATED)) * _NEXT_Q.max(axis=1), 0.99],
            hint="time limit"),
    example(ex4, right=[_VALID, _VALID, "b"], wrong=[_VALID, _VALID, "a"], hint="forward pass"),
]
