"""A hypothesis's verdict, its statuses, and the columns its evidence rows show."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

SUPPORTED, REFUTED, INCONCLUSIVE = "supported", "refuted", "inconclusive"
MEASURED = "measured"   # a Measurement's status: no claim, never decides an AllOf
VIOLATES, CONFIRMS, UNDECIDED, VACUOUS, THIN = ("violates", "confirms", "undecided", "vacuous",
                                                "thin")
ROW_STATUSES = (VIOLATES, CONFIRMS, UNDECIDED, VACUOUS, THIN)
CONFIG_COLUMNS = ("task", "task_params", "transform", "data_seed", "model", "depth", "width",
                  "model_options", "train_config")
ID_COLUMNS = ("task", "radius", "model", "depth", "width", "seed")


@dataclass
class Verdict:
    """The outcome of checking one hypothesis.

    ``status``: supported / refuted / inconclusive (measured for a Measurement); ``reason``: one sentence why;
    ``claim``: the hypothesis in words; ``matched``: rows passing the filter;
    ``evidence``: the rows (or configs, or groups) judged, with their intervals and status;
    ``theory``: the value compared against and its range over the evidence;
    ``statistics``: method, confidence, correction, counts, and the spread over seeds per
    config; ``parts``: the verdicts of an AllOf's parts.
    """

    name: str
    status: str
    reason: str
    claim: str
    statement: str = ""
    matched: int = 0
    evidence: pd.DataFrame = field(default_factory=pd.DataFrame)
    theory: dict[str, Any] = field(default_factory=dict)
    statistics: dict[str, Any] = field(default_factory=dict)
    parts: list["Verdict"] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (NaN as null; evidence as a list of row dicts)."""
        return _jsonable({
            "name": self.name, "status": self.status, "reason": self.reason,
            "claim": self.claim, "statement": self.statement, "matched": self.matched,
            "theory": self.theory, "statistics": self.statistics,
            "evidence": self.evidence.to_dict(orient="records"),
            "parts": [p.to_dict() for p in self.parts],
        })


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def identifying_columns(rows: pd.DataFrame, fixed: tuple[str, ...]) -> list[str]:
    """The ``fixed`` columns present, plus the ``task.``/``model.``/``train.`` columns that
    tell apart rows the fixed ones do not."""
    present = [c for c in fixed if c in rows.columns]
    return present + [c for c in rows.columns if c.startswith(("task.", "transform.", "model.", "train."))
                      and varies_within(rows, present, c)]


def varies_within(rows: pd.DataFrame, keys: list[str], column: str) -> bool:
    """Whether ``column`` takes two values (null counting as one) in some group of ``keys``."""
    values = rows[column].astype(str)
    if not keys:
        return values.nunique() > 1
    return bool(values.groupby([rows[k].astype(str) for k in keys]).nunique().max() > 1)

