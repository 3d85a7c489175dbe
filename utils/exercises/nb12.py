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


_VALIDATION_SEEDS = range(10_000, 10_020)  # the notebook's VALIDATION_SEEDS


def _play_returns(policy, seeds):
    """Each seed's CartPole return under ``policy`` (a batch of states -> actions), the episodes side by side."""
    import gymnasium as gym

    envs = [gym.make("CartPole-v1") for _ in seeds]
    states = [env.reset(seed=int(seed))[0] for env, seed in zip(envs, seeds, strict=True)]
    totals, running = np.zeros(len(envs)), list(range(len(envs)))
    while running:
        actions = np.asarray(policy(np.array([states[i] for i in running], dtype="float32"))).reshape(-1)
        still_running = []
        for i, action in zip(running, actions, strict=True):
            states[i], reward, terminated, truncated, _ = envs[i].step(int(action))
            totals[i] += reward
            if not (terminated or truncated):
                still_running.append(i)
        running = still_running
    return totals


def _play_rule(rule, seeds):
    return float(_play_returns(rule, seeds).mean())


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
    measured = _play_rule(better_rule, _VALIDATION_SEEDS)
    require(np.isclose(mine, measured), f"better_validation is {mine:.2f}, but better_rule returns {measured:.2f} on "
            "the 20 validation episodes (seeds 10,000 to 10,019): use VALIDATION_SEEDS")
    rule_measured = _play_rule(_angle_rule, _VALIDATION_SEEDS)
    require(np.isclose(rule, rule_measured), f"rule_validation is {rule:.2f}, but rule_policy returns "
            f"{rule_measured:.2f} on the 20 validation episodes (seeds 10,000 to 10,019): use VALIDATION_SEEDS")
    played = _play_rule(better_rule, range(50_000, 50_005))
    require(measured > 2 * rule_measured and played > 2 * rule_measured, f"better_rule returns {measured:.1f} on "
            f"validation and {played:.1f} on the check's episodes, not clearly better than the rule "
            f"({rule_measured:.1f}): push towards where the pole is going, for example angle + w * angular velocity "
            "> 0, and compare a few weights w on the validation episodes")
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
    for i in range(4):
        if not np.isclose(got[i], expected[i]):
            row, name = _NEXT_Q[i], f"target {i + 1} is {got[i]:.2f}"
            if _TERMINATED[i]:
                raise Hint(f"{name}: that transition terminated (the pole fell), so nothing follows: the target is "
                           "just its reward")
            if np.isclose(got[i], 1.0 + gamma * row.min()):
                raise Hint(f"{name}: take the max of next_q row {i + 1} ({row.max():g}), not the smaller value "
                           f"({row.min():g})")
            raise Hint(f"{name}: it should be the reward (1) plus γ = {gamma} times the max of next_q row {i + 1} "
                       f"({row.max():g})")
    return "a terminal step ends the sum; a time limit does not."


@exercise(4, "sampled or greedy?")
def ex4(sample_policy, sampled_returns, greedy_returns, why_greedy):
    require(callable(sample_policy), "`sample_policy` should be the notebook's function of that name")
    sampled = as_array(sampled_returns, "sampled_returns")
    greedy = as_array(greedy_returns, "greedy_returns")
    require(sampled.shape == (20,), f"`sampled_returns` should hold the 20 validation returns, got shape "
            f"{sampled.shape}: total_rewards(play(sample_policy, VALIDATION_SEEDS))")
    require(greedy.shape == (20,), f"`greedy_returns` should hold 20 returns, got shape {greedy.shape}")
    require(np.all((sampled >= 8) & (sampled <= 500)), "CartPole returns lie between about 8 and 500")
    try:  # sampling is random: replay the same 20 episodes and compare the means, allowing for the noise
        replayed = _play_returns(sample_policy, _VALIDATION_SEEDS)
    except Exception as exc:  # any failure of the policy becomes a hint
        raise Hint(f"sample_policy failed on a batch of states ({type(exc).__name__}: {exc})") from exc
    noise = 3 * np.sqrt((sampled.var() + replayed.var()) / 20) + 10
    copied = " (it equals greedy_returns)" if np.array_equal(sampled, greedy) else ""
    require(abs(sampled.mean() - replayed.mean()) <= noise, f"sampled_returns average {sampled.mean():.1f}{copied}, "
            f"but sample_policy replayed on the 20 validation episodes averages {replayed.mean():.1f}: "
            "total_rewards(play(sample_policy, VALIDATION_SEEDS))")
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


# _angle_rule's returns on the 20 validation episodes (deterministic): a stand-in for sample_policy's
_ANGLE_VALIDATION = np.array([59, 41, 57, 39, 42, 41, 46, 46, 57, 64, 54, 51, 52, 32, 46, 36, 35, 45, 48, 38.0])
_ALWAYS_RIGHT_VALIDATION = np.full(20, 500.0)  # a (wrong) claim that sampling reached 500 everywhere
EXAMPLES = [
    example(ex1, right=[_returns, 100.0], wrong=[_forward_sum, 100.0], hint="whole sum"),
    example(ex2, right=[_better_rule, 485.2, 46.45, "b"], wrong=[_angle_rule, 46.45, 46.45, "b"],
            hint="angular velocity > 0"),
    example(ex2, right=[_better_rule, 485.2, 46.45, "b"], wrong=[_better_rule, 500.0, 46.45, "b"],
            hint="use VALIDATION_SEEDS"),
    example(ex3, right=[1.0 + 0.99 * (1 - _TERMINATED) * _NEXT_Q.max(axis=1), 0.99],
            wrong=[1.0 + 0.99 * (1 - np.maximum(_TERMINATED, _TRUNCATED)) * _NEXT_Q.max(axis=1), 0.99],
            hint="time limit"),
    example(ex3, right=[1.0 + 0.99 * (1 - _TERMINATED) * _NEXT_Q.max(axis=1), 0.99],
            wrong=[1.0 + 0.99 * (1 - _TERMINATED) * _NEXT_Q[:, 0], 0.99], hint="target 1 is 10.90"),
    example(ex4, right=[_angle_rule, _ANGLE_VALIDATION, _ANGLE_VALIDATION, "b"],
            wrong=[_angle_rule, _ANGLE_VALIDATION, _ANGLE_VALIDATION, "a"], hint="forward pass"),
    example(ex4, right=[_angle_rule, _ANGLE_VALIDATION, _ALWAYS_RIGHT_VALIDATION, "b"],
            wrong=[_angle_rule, _ALWAYS_RIGHT_VALIDATION, _ALWAYS_RIGHT_VALIDATION, "b"], hint="replayed"),
]
