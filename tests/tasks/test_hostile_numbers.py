"""Every numeric parameter of every task refuses nan, inf and out-of-range values with one
ValueError naming it (issue 10, item 5); property-based over each task's parameter space."""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depthlab.tasks import list_tasks, make_task, resolve_params
from depthlab.tasks.params import INT_MAX, Param, check_number
from depthlab.tasks.registry import TaskTooLarge
from depthlab.tasks.validation import check_dataset_arrays

NUMERIC = [(task, p) for task, spec in list_tasks().items() for p in spec.params
           if p.kind in ("int", "float")]
SMALL_BUDGET = 64 * 2**20


def _bad_values(param: Param) -> list:
    values = [math.nan, math.inf, -math.inf, "nan", "1e400", True]
    if param.low is not None:
        values.append(param.low - 1)
    if param.high is not None:
        values.append(param.high + 1)
    if param.kind == "int":
        values += [1.5, 10**20, 2**70, "1e20"]
    return values


@pytest.mark.parametrize("task, param", NUMERIC, ids=[f"{t}.{p.name}" for t, p in NUMERIC])
def test_bad_numbers_are_refused_naming_the_parameter(task, param):
    for value in _bad_values(param):
        with pytest.raises(ValueError, match=f"^{param.name}="):
            resolve_params(task, **{param.name: value})


def test_memory_budget_and_plain_numbers():
    for budget in (math.nan, math.inf, 0, -1):
        with pytest.raises(ValueError, match="memory_budget="):
            make_task("tree-neighbors-match", radius=2, memory_budget=budget)
    assert check_number("x", "2.5") == 2.5
    with pytest.raises(ValueError, match=r"^x=inf is out of range: expected a finite float in \(0, inf\)$"):
        check_number("x", math.inf, low=0, low_open=True)
    with pytest.raises(ValueError, match=f"expected an int in \\[0, {INT_MAX}\\]"):
        check_number("n", 2**63, "int", low=0)


def test_csbm_mu_inf_and_a_split_without_test_examples():
    with pytest.raises(ValueError, match="^mu=inf"):
        make_task("csbm", mu=math.inf)
    with pytest.raises(ValueError, match="test split, which must not be empty"):
        make_task("grid-chain", radius=2, train_fraction=0.5, val_fraction=0.5)
    with pytest.raises(ValueError, match="leave no test example of 3"):
        make_task("grid-chain", radius=2, num_examples=3, train_fraction=0.7, val_fraction=0.2)


def _value(param: Param):
    """A strategy over the values ``param`` allows, kept small where it sets a size."""
    if param.choices is not None:
        return st.sampled_from(param.choices)
    if param.kind == "bool":
        return st.booleans()
    low = param.low if param.low is not None else -10
    if param.kind == "int":
        high = param.high if param.high is not None else low + 200
        return st.integers(int(math.ceil(low)), int(min(high, low + 200)))
    high = param.high if param.high is not None else low + 10
    return st.floats(low, high, allow_nan=False, allow_infinity=False, exclude_min=param.low_open)


@st.composite
def task_request(draw):
    name = draw(st.sampled_from(sorted(list_tasks())))
    params = list_tasks()[name].params
    chosen = draw(st.lists(st.sampled_from(params), unique_by=lambda p: p.name, max_size=3))
    return name, {p.name: draw(_value(p)) for p in chosen}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(task_request(), st.integers(0, 2**32))
def test_any_allowed_request_generates_a_valid_dataset_or_refuses_cleanly(request, seed):
    name, params = request
    try:
        ds = make_task(name, seed=seed, memory_budget=SMALL_BUDGET, **params)
    except (ValueError, TaskTooLarge):
        return
    check_dataset_arrays(ds)
    assert len(ds) > 0 and np.isin(ds.split, (0, 1, 2)).all()
