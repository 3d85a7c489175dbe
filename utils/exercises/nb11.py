"""Checks for the exercises of notebook 11 (localisation, detection and segmentation)."""

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, quick_mode, require


def _iou_corners(a, b):
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    intersection = width * height
    return intersection / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection)


def _xywh_iou(a, b):
    return _iou_corners([a[0], a[1], a[0] + a[2], a[1] + a[3]], [b[0], b[1], b[0] + b[2], b[1] + b[3]])


_XYWH_CASES = [((0, 0, 10, 10), (0, 0, 10, 10)), ((0, 0, 10, 10), (5, 0, 10, 10)), ((0, 0, 10, 10), (10, 0, 10, 10)),
               ((0, 0, 10, 10), (2, 2, 6, 6)), ((3, 4, 20, 10), (10, 8, 5, 30))]


@exercise(1, "IoU at the edges")
def ex1(iou_xywh, small_pair, large_pair, which_higher):
    require(callable(iou_xywh), "`iou_xywh` should be the function you completed")
    for a, b in _XYWH_CASES:
        try:
            got = as_number(iou_xywh(a, b), f"iou_xywh({a}, {b})")
        except Hint:
            raise
        except Exception as exc:  # an error inside the student's function becomes a hint
            raise Hint(f"iou_xywh({a}, {b}) failed ({type(exc).__name__}: {exc})") from exc
        expected = _xywh_iou(a, b)
        if abs(got - expected) > 1e-6:
            wrong_convert = _iou_corners(a, b) if a[2] > a[0] and a[3] > a[1] and b[2] > b[0] and b[3] > b[1] else None
            require(wrong_convert is None or abs(got - wrong_convert) > 1e-6, "you passed (x, y, width, height) "
                    "straight to iou: convert to corners first, x_max = x_min + width")
            raise Hint(f"iou_xywh({a}, {b}) should be {expected:.4f}, got {got:.4f}")
    require(abs(as_number(small_pair, "small_pair") - 81 / 119) < 1e-6, "small_pair should be iou_xywh((0, 0, 10, 10), "
            "(1, 1, 10, 10))")
    require(abs(as_number(large_pair, "large_pair") - 1521 / 1679) < 1e-6, "large_pair should be iou_xywh((0, 0, 40, "
            "40), (1, 1, 40, 40))")
    answer = choice(which_higher, "which_higher", "abc")
    require(answer != "c", "compare your two numbers: IoU is scale-free for a shift proportional to the size, not for "
            "a shift of 1 pixel")
    require(answer == "b", "which of your two numbers is higher?")
    return f"IoU {81 / 119:.2f} for the 10x10 pair against {1521 / 1679:.2f} for the 40x40 pair: small objects " \
           "are the hardest to box."


_NMS_EXPECTED = {0.3: [1, 3], 0.5: [1, 3], 0.8: [1, 3, 2]}


@exercise(2, "non-maximum suppression with another threshold")
def ex2(kept, kept_by_tf, higher_threshold):
    for name, value in (("kept", kept), ("kept_by_tf", kept_by_tf)):
        require(isinstance(value, dict) and set(value) == set(_NMS_EXPECTED), f"`{name}` should map each threshold "
                "0.3, 0.5 and 0.8 to a list of kept indices")
    for threshold, expected in _NMS_EXPECTED.items():
        mine = [int(k) for k in as_array(kept[threshold], f"kept[{threshold}]").ravel()]
        theirs = [int(k) for k in as_array(kept_by_tf[threshold], f"kept_by_tf[{threshold}]").ravel()]
        require(theirs == expected, f"kept_by_tf[{threshold}] should be what tf.image.non_max_suppression returns "
                f"({expected}): did you pass the boxes as (y_min, x_min, y_max, x_max) and iou_threshold={threshold}?")
        require(sorted(mine) == sorted(expected), f"at threshold {threshold} nms_by_hand should keep {expected}, "
                f"got {mine}")
    answer = choice(higher_threshold, "higher_threshold", "abc")
    require(answer != "a", "look at threshold 0.8: more boxes survive, not fewer")
    require(answer == "b", "compare the kept lists of 0.3, 0.5 and 0.8")
    return "at 0.8 only box 0 (IoU 0.82 with box 1) goes; at 0.3 and 0.5 the three boxes on the left digit become one."


_RANKED = [True, False, True, True, False, False, True, False]


def _all_point_ap(hits, n_objects):
    hits = np.asarray(hits, bool)
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(envelope[hits]) / n_objects)


@exercise(3, "average precision from a ranked list")
def ex3(precision, recall, ap, ap_false_alarm_first):
    hits = np.array(_RANKED)
    expected_p = np.cumsum(hits) / np.arange(1, 9)
    expected_r = np.cumsum(hits) / 5
    p = as_array(precision, "precision").ravel()
    r = as_array(recall, "recall").ravel()
    require(len(p) == 8 and len(r) == 8, "precision and recall need one value after each of the 8 detections")
    require(not np.allclose(p, expected_r), "precision and recall are swapped: precision divides by the detections "
            "so far, recall by the 5 objects")
    require(np.allclose(p, expected_p), f"precision after each detection should be {np.round(expected_p, 3)}: true "
            "positives so far / detections so far")
    require(np.allclose(r, expected_r), f"recall should be {np.round(expected_r, 3)}: true positives so far / 5")
    expected_ap = _all_point_ap(hits, 5)
    got = as_number(ap, "ap")
    require(abs(got - np.sum(expected_p[hits]) / 5) > 1e-6 or abs(expected_ap - np.sum(expected_p[hits]) / 5) < 1e-9,
            "that is the AP without interpolation: make precision non-increasing first (the best precision at the "
            "same or a higher recall)")
    require(abs(got - expected_ap) < 1e-4, f"the all-point AP should be {expected_ap:.4f}, got {got:.4f}")
    moved = [False, *_RANKED[:-1]]
    expected_moved = _all_point_ap(moved, 5)
    require(abs(as_number(ap_false_alarm_first, "ap_false_alarm_first") - expected_moved) < 1e-4,
            f"with the false alarm first the list is {moved}: its AP should be {expected_moved:.4f}")
    return f"AP {expected_ap:.4f}, and {expected_moved:.4f} with one confident false alarm in front."


def _dict_of_numbers(value, name, keys):
    require(isinstance(value, dict) and set(value) == set(keys), f"`{name}` should map each class 1-10 to a number")
    return {key: as_number(value[key], f"{name}[{key}]") for key in keys}


@exercise(4, "Dice and IoU")
def ex4(dice_per_class, iou_per_class, which_true, predicted=None, true=None):
    classes = range(1, 11)
    dices = _dict_of_numbers(dice_per_class, "dice_per_class", classes)
    ious = _dict_of_numbers(iou_per_class, "iou_per_class", classes)
    require(all(0 <= v <= 1 for v in (*dices.values(), *ious.values())), "Dice and IoU lie between 0 and 1")
    require(quick_mode() or max(ious.values()) > 0, "every IoU is 0: are you comparing the U-Net's classes with the "
            "true mask?")
    if predicted is not None and true is not None:  # the masks the scores should come from
        predicted, true = as_array(predicted, "predicted"), as_array(true, "true")
        require(predicted.shape == true.shape, f"predicted {predicted.shape} and true {true.shape} masks should "
                "have the same shape")
        for c in classes:
            p, t = predicted == c, true == c
            both, either = np.sum(p & t), np.sum(p | t)
            right_iou = both / either if either else 0.0
            require(abs(ious[c] - right_iou) < 1e-3, f"class {c}: your IoU is {ious[c]:.4f}, but the masks give "
                    f"{right_iou:.4f}: IoU is |P and T| / |P or T| over the pixels of class {c}")
            right_dice = 2 * both / max(1, np.sum(p) + np.sum(t))
            require(abs(dices[c] - right_dice) < 1e-3, f"class {c}: your Dice is {dices[c]:.4f}, but the masks "
                    f"give {right_dice:.4f}: Dice is 2 |P and T| / (|P| + |T|)")
    for c in classes:
        expected = 2 * ious[c] / (1 + ious[c])
        require(abs(dices[c] - expected) < 1e-3, f"class {c}: Dice {dices[c]:.4f} but IoU {ious[c]:.4f} gives "
                f"2 IoU / (1 + IoU) = {expected:.4f}: Dice is 2 |P and T| / (|P| + |T|)")
    answer = choice(which_true, "which_true", "abc")
    require(answer != "c", "compare your two dictionaries: which number is larger for each class?")
    require(answer == "a", "Dice = 2 IoU / (1 + IoU) grows with IoU: can it reverse an order?")
    return "Dice = 2 IoU / (1 + IoU): the same ranking, and Dice >= IoU."


@exercise(5, "counting digits with connected components")
def ex5(exact_4, exact_8, why_wrong):
    four = as_number(exact_4, "exact_4")
    eight = as_number(exact_8, "exact_8")
    require(0 <= four <= 1 and 0 <= eight <= 1, "exact_4 and exact_8 are shares of scenes, between 0 and 1")
    require(four < 1 and eight < 1, "a share of 1 means every count was right: did you compare the component counts "
            "with val_multi.counts?")
    require(eight > 0.5, f"only {eight:.0%} of the 8-connected counts are right: count the components of "
            "val_multi.semantic > 0 with structure=np.ones((3, 3))")
    require(four < eight, "4-connectivity splits more digits (diagonal neighbours do not connect), so its counts "
            "should be right less often: are exact_4 and exact_8 swapped?")
    answer = choice(why_wrong, "why_wrong", "abc")
    require(answer != "b", "these are the true masks: every pixel's label is right")
    require(answer == "a", "no detector is involved here; look at a scene whose count is wrong")
    return f"exact counts {four:.1%} (4-connected) and {eight:.1%} (8-connected) from perfect masks: touching " \
           "digits merge, broken ones split."


def _iou_xywh_right(a, b):
    return _xywh_iou(a, b)


def _iou_xywh_wrong(a, b):
    return _iou_corners(a, b)


_IOU10 = {c: 0.5 + c / 40 for c in range(1, 11)}
_DICE10 = {c: 2 * v / (1 + v) for c, v in _IOU10.items()}
_MASKS = np.random.default_rng(0).integers(0, 11, size=(2, 4, 16, 16))  # predicted, true


def _mask_scores(iou_of):
    p_all, t_all = _MASKS
    ious = {c: iou_of(p_all == c, t_all == c) for c in range(1, 11)}
    return {c: 2 * v / (1 + v) for c, v in ious.items()}, ious


_MASK_DICE, _MASK_IOU = _mask_scores(lambda p, t: np.sum(p & t) / np.sum(p | t))
_WRONG_DICE, _WRONG_IOU = _mask_scores(lambda p, t: np.sum(p & t) / np.sum(t))  # intersection over the true area
_P = np.cumsum(_RANKED) / np.arange(1, 9)
_R = np.cumsum(_RANKED) / 5
EXAMPLES = [
    example(ex1, right=[_iou_xywh_right, 81 / 119, 1521 / 1679, "b"],
            wrong=[_iou_xywh_wrong, 81 / 119, 1521 / 1679, "b"], hint="convert to corners"),
    example(ex2, right=[_NMS_EXPECTED, _NMS_EXPECTED, "b"], wrong=[_NMS_EXPECTED, _NMS_EXPECTED, "a"],
            hint="more boxes survive"),
    example(ex3, right=[_P, _R, _all_point_ap(_RANKED, 5), _all_point_ap([False, *_RANKED[:-1]], 5)],
            wrong=[_R, _P, 0.7, 0.5], hint="swapped"),
    example(ex4, right=[_DICE10, _IOU10, "a"], wrong=[_IOU10, _IOU10, "a"], hint="2 IoU / (1 + IoU)"),
    example(ex4, right=[_MASK_DICE, _MASK_IOU, "a", *_MASKS], wrong=[_WRONG_DICE, _WRONG_IOU, "a", *_MASKS],
            hint="the masks give"),
    example(ex5, right=[0.8, 0.9, "a"], wrong=[0.8, 0.9, "b"], hint="true masks"),
    example(ex5, right=[0.8, 0.9, "a"], wrong=[0.9, 0.8, "a"], hint="swapped"),
]
