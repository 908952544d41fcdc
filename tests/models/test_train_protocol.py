"""The reference protocol's halving and stopping rules on fake accuracy sequences."""
from __future__ import annotations

import pytest

from depthlab.models.protocol import CONTINUE, HALVE, STOP, Plateau, ReferenceSchedule


def actions(scores, patience, target=1.0):
    schedule = ReferenceSchedule(patience, target)
    return [schedule.update(s) for s in scores]


def test_halve_after_p_stale_epochs_and_stop_after_2p():
    scores = [0.1, 0.2, 0.2, 0.15, 0.2, 0.2]
    assert actions(scores, 2) == [CONTINUE, CONTINUE, CONTINUE, HALVE, CONTINUE, STOP]


def test_a_gain_resets_the_count_so_later_plateaus_halve_again():
    scores = [0.1, 0.1, 0.1, 0.3, 0.3, 0.3, 0.3, 0.3]
    assert actions(scores, 2) == [CONTINUE, CONTINUE, HALVE, CONTINUE, CONTINUE, HALVE,
                                  CONTINUE, STOP]


def test_stop_at_perfect_training_accuracy():
    assert actions([0.5, 1.0, 0.9], 5) == [CONTINUE, STOP, CONTINUE]
    assert actions([-3.0, -0.0], 5, target=None) == [CONTINUE, CONTINUE]   # regression: -MSE


def test_plateau_counts_epochs_since_a_strict_gain():
    plateau = Plateau()
    assert [plateau.update(s) for s in (0.5, 0.5, 0.7, 0.6)] == [True, False, True, False]
    assert (plateau.best, plateau.stale) == (0.7, 1)
    with pytest.raises(ValueError, match="patience=0"):
        ReferenceSchedule(0)
