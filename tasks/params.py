"""Declared, validated task parameters.

A task declares its parameters as a tuple of :class:`Param`; :func:`validate` turns the
user's keyword arguments into a complete, checked ``dict`` before anything is allocated.
Every error names the parameter, the value given and what is allowed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

_TYPES = {"int": int, "float": float, "bool": bool, "str": str}
# Ints beyond int64 cannot reach numpy; an unbounded int parameter is bounded by this.
INT_MAX = 2**63 - 1


@dataclass(frozen=True)
class Param:
    """One parameter of a task.

    ``kind`` is one of ``"int"``, ``"float"``, ``"bool"``, ``"str"``. ``low``/``high`` bound
    numbers (inclusive, or exclusive at ``low`` with ``low_open``; ``None`` for unbounded),
    ``choices`` lists the allowed strings. Numbers are always finite (nan and inf are
    refused) and ints fit in int64. ``default`` may be ``None`` for an optional parameter
    whose absence means "derive it".
    """

    name: str
    kind: str
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    low_open: bool = False

    def allowed(self) -> str:
        """A human description of the allowed values, e.g. ``"an int in [2, 20]"``."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "bool":
            return "true or false"
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        if self.kind == "int" and self.high is None:
            hi = f"{INT_MAX}"
        brackets = ("(" if self.low_open or self.low is None else "[",
                    ")" if self.high is None and self.kind == "float" else "]")
        unbounded = self.low is None or self.high is None
        article = "an" if self.kind == "int" else "a finite" if unbounded else "a"
        return f"{article} {self.kind} in {brackets[0]}{lo}, {hi}{brackets[1]}"

    def check(self, value: Any) -> Any:
        """Return ``value`` coerced to this parameter's type; raise ``ValueError`` if invalid."""
        if value is None and self.default is None:
            return None
        kind = _TYPES[self.kind]
        if self.kind == "bool":
            if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", "yes", "no"):
                value = value.lower() in ("true", "1", "yes")
            if not isinstance(value, (bool, int)) or value not in (0, 1):
                raise ValueError(f"{self.name}={value!r} is invalid: expected {self.allowed()}")
            return bool(value)
        if self.kind in ("int", "float") and isinstance(value, bool):
            raise ValueError(f"{self.name}={value!r} is invalid: expected {self.allowed()}")
        try:
            coerced = kind(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"{self.name}={value!r} is invalid: expected {self.allowed()}") from None
        if self.kind == "int" and float(value) != coerced:
            raise ValueError(f"{self.name}={value!r} is invalid: expected {self.allowed()}")
        if self.choices is not None and coerced not in self.choices:
            raise ValueError(f"{self.name}={value!r} is invalid: expected {self.allowed()}")
        if self.kind in ("int", "float") and not self._in_range(coerced):
            raise ValueError(f"{self.name}={coerced!r} is out of range: expected {self.allowed()}")
        return coerced

    def _in_range(self, number: float) -> bool:
        if not math.isfinite(number) or abs(number) > INT_MAX and self.kind == "int":
            return False
        if self.low is not None and (number < self.low or self.low_open and number == self.low):
            return False
        return self.high is None or number <= self.high


def check_number(name: str, value: Any, kind: str = "float", low: float | None = None,
                 high: float | None = None, low_open: bool = False) -> int | float:
    """``value`` as a finite ``kind`` ("int" or "float") in the given range, checked as a
    :class:`Param` checks it (the same one-line ``ValueError``). For the numbers that are
    not task parameters: CLI flags, spec fields, tolerances, budgets."""
    return Param(name, kind, 0, "", low=low, high=high, low_open=low_open).check(value)


def validate(task: str, params: Sequence[Param], given: dict[str, Any]) -> dict[str, Any]:
    """Return every parameter of ``task``, checked, with defaults filled in.

    Raises ``ValueError`` for an unknown name (listing the known ones) or an invalid value.
    """
    by_name = {p.name: p for p in params}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(unknown)} for task {task!r}; "
            f"its parameters are: {', '.join(by_name)}"
        )
    return {p.name: p.check(given.get(p.name, p.default)) for p in params}
