"""param_budget holds the parameter count near the budget as depth varies."""
from __future__ import annotations

import pytest

from depthlab.models import TaskInfo, count_parameters, list_models, make_model
from depthlab.models.budget import width_for_budget


@pytest.mark.parametrize("family", tuple(list_models()))
def test_budget_is_met_within_three_percent_across_depths(family, toy):
    """Within 3%, or within half the count step between allowed widths when that is
    coarser (graphormer: ~12 w^2 per layer at widths that are multiples of 4 heads)."""
    info = TaskInfo.from_dataset(toy("node-cls"))
    widths = []
    for depth in (1, 2, 4, 8):
        model = make_model(family, info, depth, param_budget=40_000)
        step = 4 if family in ("gat", "graphormer") else 1
        wider = count_parameters(make_model(family, info, depth, model.width + step))
        granularity = (wider - count_parameters(model)) / 2
        assert abs(count_parameters(model) - 40_000) <= max(0.03 * 40_000, granularity), (family, depth)
        widths.append(model.width)
    assert widths == sorted(widths, reverse=True)       # deeper -> narrower


@pytest.mark.parametrize("step,min_width", [(1, 1), (4, 4), (1, 3)])
def test_width_for_budget_matches_exhaustive_search(step, min_width):
    def count(w):
        return 3 * w * w + 5 * w + 7

    for budget in (200, 1_000, 12_345, 99_999):
        allowed = [w for w in range(min_width, 400) if w % step == 0]
        best = min(allowed, key=lambda w: (abs(count(w) - budget), w))
        assert width_for_budget(count, budget, step, min_width) == best


def test_linear_counts_and_errors(toy):
    assert width_for_budget(lambda w: 10 * w + 4, 1000) == 100
    with pytest.raises(ValueError, match="param_budget=5 is too small"):
        width_for_budget(lambda w: 10 * w + 4, 5, step=1)
    info = TaskInfo.from_dataset(toy("node-cls"))
    with pytest.raises(ValueError, match="width=8 and param_budget=1000 are both given"):
        make_model("gin", info, 2, 8, param_budget=1000)
