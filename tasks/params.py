"""Declared, validated task parameters.

A task declares its parameters as a tuple of :class:`Param`; :func:`validate` turns the
user's keyword arguments into a complete, checked ``dict`` before anything is allocated.
Every error names the parameter, the value given and what is allowed.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

_TYPES = {"int": int, "float": float, "bool": bool, "str": str}


@dataclass(frozen=True)
class Param:
    """One parameter of a task.

    ``kind`` is one of ``"int"``, ``"float"``, ``"bool"``, ``"str"``. ``low``/``high`` bound
    numbers (inclusive; ``None`` for open), ``choices`` lists the allowed strings.
    ``default`` may be ``None`` for an optional parameter whose absence means "derive it".
    """

    name: str
    kind: str
    default: Any
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None

    def allowed(self) -> str:
        """A human description of the allowed values, e.g. ``"an int in [2, 20]"``."""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "bool":
            return "true or false"
        lo = "-inf" if self.low is None else f"{self.low:g}"
        hi = "inf" if self.high is None else f"{self.high:g}"
        return f"{'an' if self.kind == 'int' else 'a'} {self.kind} in [{lo}, {hi}]"

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
        try:
            coerced = kind(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name}={value!r} is invalid: expected {self.allowed()}") from None
        if self.kind == "int" and (isinstance(value, bool) or float(value) != coerced):
            raise ValueError(f"{self.name}={value!r} is invalid: expected {self.allowed()}")
        if self.choices is not None and coerced not in self.choices:
            raise ValueError(f"{self.name}={value!r} is invalid: expected {self.allowed()}")
        if self.kind in ("int", "float"):
            if coerced != coerced or (self.low is not None and coerced < self.low) or (
                self.high is not None and coerced > self.high
            ):
                raise ValueError(f"{self.name}={coerced!r} is out of range: expected {self.allowed()}")
        return coerced


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
