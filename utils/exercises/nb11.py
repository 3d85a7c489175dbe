"""Checks for the exercises of notebook 11 (localisation, detection and segmentation)."""

import numpy as np

from . import Hint, as_array, as_number, choice, example, exercise, quick_mode, require

# (box a, box b, IoU): identical, disjoint, touching at an edge, nested, partial overlap
_PAIRS = [((0, 0, 4, 4), (0, 0, 4, 4), 1.0), ((0, 0, 2, 2), (5, 5, 8, 8), 0.0), ((0, 0, 2, 2), (2, 0, 4, 2), 0.0),
          ((0, 0, 10, 10), (2, 2, 4, 4), 0.04), ((0, 0, 4, 4), (2, 0, 6, 4), 1 / 3), ((1, 1, 5, 3), (3, 0, 7, 4), 0.2)]


def _call(function, *args):
    try:
        return as_number(function(*args), "the value your function returns")
    except Hint:
        raise
    except Exception as exc:  # any error in the student's function becomes a hint
        raise Hint(f"calling your function on {args} failed ({type(exc).__name__}: {exc})") from exc


@exercise(1, "IoU of two boxes, by hand")
def ex1(iou, shifted_iou):
    require(callable(iou), "`iou` should be the function you completed")
    for a, b, expected in _PAIRS:
        got = _call(iou, a, b)
        if expected == 0 and got > 0:
            raise Hint(f"iou{a, b} gave {got:.4f} but these boxes do not overlap: clip the intersection's width and "
                       "height at 0 (max(0, ...)) before multiplying")
        require(abs(got - expected) < 1e-6, f"iou{a, b} should be {expected:.4f}, got {got:.4f}: intersection "
                f"= overlap width x overlap height, union = area a + area b - intersection")
    value = as_number(shifted_iou, "shifted_iou")
    require(abs(value - 0.25) > 1e-6, "0.25 is the intersection over the area of one box; the union is larger: "
            "100 + 100 - 25")
    require(abs(value - 1 / 7) < 1e-3, f"{value:.4f} is not it: the two squares share a 5x5 square; divide by the "
            "union")
    return "IoU((0, 0, 10, 10), (5, 5, 15, 15)) = 25 / 175 = 1/7: half a size of error in both directions."


@exercise(2, "the NMS threshold")
def ex2(kept, keeps_most, what_goes_wrong):
    require(isinstance(kept, dict) and set(kept) == {0.1, 0.5, 0.9}, "`kept` should map each threshold 0.1, 0.5 "
            "and 0.9 to a number of boxes")
    counts = {t: as_number(kept[t], f"kept[{t}]") for t in kept}
    require(all(1 <= c <= 20 and c == int(c) for c in counts.values()), "each count is a whole number between 1 and "
            "20 (len of what nms_by_hand returns for the 20 boxes)")
    require(counts[0.1] <= counts[0.5] <= counts[0.9], f"your counts {counts} do not grow with the threshold: NMS "
            "removes a box only when its IoU with a kept box is above the threshold")
    most = max(counts, key=counts.get)
    require(as_number(keeps_most, "keeps_most") == most, f"in your counts the most boxes are kept at {most}")
    answer = choice(what_goes_wrong, "what_goes_wrong", "abc")
    require(answer != "b", "a box is removed when its overlap is above the threshold: a low threshold removes more")
    require(answer == "a", "look at your counts: they change with the threshold")
    return f"kept {counts[0.1]:.0f} / {counts[0.5]:.0f} / {counts[0.9]:.0f} boxes at 0.1 / 0.5 / 0.9."


@exercise(3, "average precision of a ranked list")
def ex3(ranked_ap, list_ap, best_possible):
    require(callable(ranked_ap), "`ranked_ap` should be the function you completed")
    for flags, n_truth, expected in [([True, False, True, False, True], 3, 34 / 45), ([True, True], 2, 1.0),
                                     ([False, True, True, False, True], 4, 0.29 / 0.6)]:
        got = _call(ranked_ap, flags, n_truth)
        require(abs(got - expected) < 1e-6, f"ranked_ap({flags}, {n_truth}) should be {expected:.4f}, got {got:.4f}: "
                "recall = tp / n_truth, precision = tp / (tp + fp), interpolated = the best precision at the same "
                "or a later position")
    value = as_number(list_ap, "list_ap")
    require(abs(value - 0.55) < 1e-6, f"list_ap should be 0.55, got {value:.4f}")
    answer = choice(best_possible, "best_possible", "abc")
    require(answer != "a", "reordering cannot find the 2 true boxes that no detection hits: recall stops at 3/5")
    require(answer == "b", "AP is an area under precision over recall: how far along the recall axis can it go?")
    return "AP = (1 + 1 + 3/4) / 5 = 0.55; at most 3/5 = 0.6, since two true boxes are never detected."


@exercise(4, "pixel accuracy and mean IoU of a lazy segmenter")
def ex4(lazy_accuracy, lazy_miou, unet_miou, which_score):
    accuracy, miou = as_number(lazy_accuracy, "lazy_accuracy"), as_number(lazy_miou, "lazy_miou")
    unet = as_number(unet_miou, "unet_miou")
    require(0 <= accuracy <= 1 and 0 <= miou <= 1, "both scores lie between 0 and 1: use segmentation_scores(...)[0] "
            "and [1]")
    require(accuracy > 0.9, f"a pixel accuracy of {accuracy:.3f} is too low for a mask that gets every background "
            "pixel right: did you put class 2 (digit 1) on the ink and 0 elsewhere?")
    require(accuracy < 0.9999, "a pixel accuracy of 1 means you compared the true masks with themselves")
    require(miou < 0.3, f"a mean IoU of {miou:.3f} is too high for a mask with only two right classes: did you use "
            "class 2 for every digit pixel?")
    require(quick_mode() or unet > miou, "the U-Net's mean IoU should be above the lazy segmenter's")
    answer = choice(which_score, "which_score", "abc")
    require(answer != "a", f"its pixel accuracy is {accuracy:.3f}: high, because most pixels are background")
    require(answer == "b", "compare the two scores with the U-Net's")
    return f"pixel accuracy {accuracy:.4f} but mean IoU {miou:.3f}: background and one digit class right, nine at 0."


@exercise(5, "counting instances in a mask")
def ex5(my_counts, true_counts, true_masks, why_wrong):
    counts = as_array(my_counts, "my_counts").ravel()
    truth = as_array(true_counts, "true_counts").ravel()
    masks = np.asarray(true_masks)
    require(len(counts) == len(truth) == len(masks), f"one count per mask: {len(counts)} counts for {len(masks)} "
            "masks")
    from scipy import ndimage

    expected = np.array([sum(int(np.sum(np.bincount(ndimage.label(mask == d)[0].ravel())[1:] >= 8))
                             for d in np.unique(mask[mask > 0])) for mask in masks])
    require(not np.array_equal(counts, np.array([len(np.unique(m[m > 0])) for m in masks])) or
            np.array_equal(counts, expected), "you counted the classes present, not the components of each class: "
            "add the number of components (of at least MIN_PIXELS pixels) that ndimage.label finds")
    require(np.array_equal(counts, expected), f"your counts differ from the components of at least 8 pixels in "
            f"{int(np.sum(counts != expected))} masks: label mask == digit for each digit present, and count the "
            "components with np.bincount(labelled.ravel())[1:] >= MIN_PIXELS")
    answer = choice(why_wrong, "why_wrong", "abc")
    require(answer != "c", "clutter is never in the masks: the generator labels only the pasted digits")
    require(answer == "b", "ndimage.label is deterministic: look at a scene whose count is wrong")
    return f"right count in {np.mean(counts == truth):.1%} of the masks: components follow pixels, not objects."


def _iou(a, b):
    w, h = max(0, min(a[2], b[2]) - max(a[0], b[0])), max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return w * h / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h)


def _iou_unclipped(a, b):
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    return w * h / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h)


def _ranked_ap(is_tp, n_truth, interpolate=True):
    is_tp = np.asarray(is_tp, dtype=bool)
    tp, fp = np.cumsum(is_tp), np.cumsum(~is_tp)
    precision, recall = tp / (tp + fp), tp / n_truth
    if interpolate:
        precision = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * precision))


def _ranked_ap_raw(is_tp, n_truth):
    return _ranked_ap(is_tp, n_truth, interpolate=False)


_MASKS = np.zeros((3, 12, 12), dtype="uint8")
_MASKS[0, 1:4, 1:4] = 4  # one 3
_MASKS[1, 1:4, 1:4], _MASKS[1, 6:9, 6:9] = 2, 2  # two separate 1s
_MASKS[2, 1:4, 1:4], _MASKS[2, 1:4, 4:7] = 6, 8  # a 5 touching a 7
_TRUE_COUNTS = np.array([1, 2, 2])
EXAMPLES = [
    example(ex1, right=[_iou, 1 / 7], wrong=[_iou_unclipped, 1 / 7], hint="do not overlap"),
    example(ex2, right=[{0.1: 2, 0.5: 3, 0.9: 6}, 0.9, "a"], wrong=[{0.1: 2, 0.5: 3, 0.9: 6}, 0.9, "b"],
            hint="above the threshold"),
    example(ex3, right=[_ranked_ap, 0.55, "b"], wrong=[_ranked_ap_raw, 0.55, "b"], hint="interpolated"),
    example(ex4, right=[0.97, 0.17, 0.8, "b"], wrong=[0.97, 0.17, 0.8, "a"], hint="most pixels are background"),
    example(ex5, right=[[1, 2, 2], _TRUE_COUNTS, _MASKS, "b"], wrong=[[1, 1, 2], _TRUE_COUNTS, _MASKS, "b"],
            hint="classes present"),
]
