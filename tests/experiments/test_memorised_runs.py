"""The demo report names runs that fit their training split but are at chance on test."""
import pandas as pd

from depthlab.experiments.api import _memorised_lines, _stopping_summary


def _frame(rows):
    base = {"task": "t", "task_params": "{}", "model": "gin", "depth": 3, "seed": 0,
            "stop_reason": "fitted", "epochs": 100}
    return pd.DataFrame([{**base, **row} for row in rows])


def test_fitted_at_chance_is_memorised_and_fitted_above_chance_is_not():
    frame = _frame([
        {"train_acc": 1.0, "test_acc": 0.14, "chance": 0.125, "n_test": 100},  # at chance
        {"train_acc": 1.0, "test_acc": 0.95, "chance": 0.125, "n_test": 100},  # generalises
        {"train_acc": 0.50, "test_acc": 0.13, "chance": 0.125, "n_test": 100},  # did not fit
        {"train_acc": 1.0, "test_acc": 0.30, "chance": 0.25, "n_test": 20},    # 20 tests: undecided
    ])
    lines = _memorised_lines(frame)
    assert lines[0].startswith("Memorised: 2 run(s)")
    assert len(lines) == 3 and "test_acc 0.140" in lines[1] and "test_acc 0.300" in lines[2]
    assert "Memorised" in _stopping_summary(frame)


def test_regression_runs_and_clean_sweeps_add_nothing():
    frame = _frame([{"train_acc": None, "test_acc": None, "chance": None, "n_test": 50},
                    {"train_acc": 1.0, "test_acc": 0.9, "chance": 0.5, "n_test": 200}])
    assert _memorised_lines(frame) == []
