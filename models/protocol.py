"""Stopping and learning-rate rules, as pure state machines over per-epoch scores.

Scores are "higher is better": accuracy, or minus the MSE for regression.
"""
from __future__ import annotations

import math

CONTINUE, HALVE, STOP = "continue", "halve", "stop"


class Plateau:
    """Tracks the best score so far and the number of epochs since it last improved.

    ``update(score)`` returns True when ``score`` strictly beats the best so far (then
    ``stale`` resets to 0), False otherwise (``stale`` grows by 1).
    """

    def __init__(self) -> None:
        self.best = -math.inf
        self.stale = 0

    def update(self, score: float) -> bool:
        if score > self.best:
            self.best = score
            self.stale = 0
            return True
        self.stale += 1
        return False


class ReferenceSchedule:
    """Alon & Yahav's protocol on the training score, with patience P:

    after P consecutive epochs without a strict gain, halve the learning rate ("halve");
    after 2P, stop ("stop"); stop at once when the score reaches ``target`` (1.0 train
    accuracy for classification; None for regression). Otherwise "continue". A gain resets
    the count, so every later plateau halves again at P.
    """

    def __init__(self, patience: int, target: float | None = None) -> None:
        if patience < 1:
            raise ValueError(f"patience={patience} is invalid: expected an int >= 1")
        self.patience = patience
        self.target = target
        self.plateau = Plateau()

    def update(self, score: float) -> str:
        """The action after an epoch whose training score is ``score``."""
        self.plateau.update(score)
        if self.target is not None and score >= self.target:
            return STOP
        if self.plateau.stale >= 2 * self.patience:
            return STOP
        if self.plateau.stale == self.patience:
            return HALVE
        return CONTINUE
