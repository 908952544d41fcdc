"""Stopping and learning-rate rules, as pure state machines over per-epoch (or per-block)
scores.

Scores are "higher is better": accuracy, or minus the MSE for regression.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

CONTINUE, HALVE, STOP = "continue", "halve", "stop"
COUNTS = ("stale", "lr_bad")  # counters of epochs (blocks); the others are scores


class Counters:
    """``state_dict()`` / ``load_state_dict(state)`` over the counters named in ``COUNTERS``
    (what a resumed run needs; models.checkpoint). Loading raises ``ValueError`` naming a
    counter that is missing, not a number (NaN included), or a negative count."""

    COUNTERS: tuple[str, ...] = ()

    def state_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in self.COUNTERS}

    def load_state_dict(self, state: dict[str, float]) -> None:
        for name in self.COUNTERS:
            value = state.get(name) if isinstance(state, dict) else None
            counts = name in COUNTS
            if (isinstance(value, bool) or not isinstance(value, int if counts else (int, float))
                    or value != value or (counts and value < 0)):
                kind = "a count >= 0" if counts else "a number"
                raise ValueError(f"schedule state lacks {kind} for {name!r}")
            setattr(self, name, value)


class Plateau(Counters):
    """Tracks the best score so far and the number of epochs since it last improved.

    ``update(score)`` returns True when ``score`` strictly beats the best so far (then
    ``stale`` resets to 0), False otherwise (``stale`` grows by 1).
    """

    COUNTERS = ("best", "stale")

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

    def state_dict(self) -> dict[str, float]:
        return self.plateau.state_dict()

    def load_state_dict(self, state: dict[str, float]) -> None:
        self.plateau.load_state_dict(state)

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


@dataclass(frozen=True)
class BlockDecision:
    """What :class:`AlonYahavSchedule` decides after one evaluation block.

    ``improved``: the block's score beat the best by more than the threshold (this block is
    the selected one so far); ``halve``: multiply the learning rate by the factor now;
    ``stop``: None to go on, else the reason ("fitted": a new best equal to the target,
    "plateau": ``patience`` blocks without improvement).
    """

    improved: bool
    halve: bool
    stop: str | None


class AlonYahavSchedule(Counters):
    """The published Tree-NeighborsMatch rule (Alon & Yahav 2021, tech-srl/bottleneck), per
    evaluation block, on the block's training score (accuracy accumulated over its passes).

    Two counters run side by side, as in the published code:

    - learning rate (torch's ReduceLROnPlateau, mode "max", absolute threshold): best starts
      at -inf; a score above best + ``threshold`` resets the count of bad blocks, any other
      adds one; when the count exceeds ``lr_patience`` the rate is halved ("halve") and the
      count restarts at 0.
    - stopping: best starts at 0.0 (-inf without a target); a score above best + ``threshold`` is an improvement
      (and stops the run with "fitted" when it equals ``target``); ``patience`` consecutive
      blocks without one stop it with "plateau".

    The cap on passes is the trainer's (it counts blocks). ``target`` None (regression)
    never fits. Raises ``ValueError`` for a patience below 1 or a negative threshold.
    """

    COUNTERS = ("lr_best", "lr_bad", "best", "stale")

    def __init__(self, patience: int = 20, lr_patience: int = 10, threshold: float = 1e-4,
                 target: float | None = 1.0) -> None:
        if patience < 1 or lr_patience < 0:
            raise ValueError(f"patience={patience}, lr_patience={lr_patience} are invalid: "
                             "expected patience >= 1 and lr_patience >= 0")
        if not threshold >= 0:
            raise ValueError(f"threshold={threshold!r} is invalid: expected a float >= 0")
        self.patience, self.lr_patience = patience, lr_patience
        self.threshold, self.target = threshold, target
        self.lr_best, self.lr_bad = -math.inf, 0
        # 0.0 as published for accuracy; -inf for -MSE, which is never above 0
        self.best, self.stale = (0.0 if target is not None else -math.inf), 0

    def update(self, score: float) -> BlockDecision:
        """The decision after a block whose training score is ``score``."""
        if score > self.lr_best + self.threshold:
            self.lr_best, self.lr_bad = score, 0
        else:
            self.lr_bad += 1
        halve = self.lr_bad > self.lr_patience
        if halve:
            self.lr_bad = 0
        improved = score > self.best + self.threshold
        if improved:
            self.best, self.stale = score, 0
        else:
            self.stale += 1
        if improved and self.target is not None and score == self.target:
            return BlockDecision(True, halve, "fitted")
        if self.stale >= self.patience:
            return BlockDecision(improved, halve, "plateau")
        return BlockDecision(improved, halve, None)
