"""The TOML schema of user hypotheses: a full example, and every kind of bad input."""
from __future__ import annotations

import pytest

from depthlab.theory.hypothesis_spec import (
    ColumnRef,
    Comparison,
    Condition,
    Statistics,
    TrendClaim,
    load_hypotheses,
    parse_hypothesis,
)

EXAMPLE = """
[[hypothesis]]
name = "shallow-at-chance"
statement = "below the radius GIN is at chance"
quantity = "test_acc"
op = "<="
against = "chance"
tolerance = 0.05

[hypothesis.filter]
task = "tree-neighbors-match"
model = ["gin", "gcn"]
depth = { lt = { column = "radius" }, ge = 1 }
"model.residual" = { eq = false, or_missing = true }

[hypothesis.statistics]
method = "wilson"
confidence = 0.9
min_trials = 10

[[hypothesis]]
name = "falls"
kind = "trend"
quantity = "train_acc"
group_by = ["model", "width"]
"""


def test_example_file_parses_to_the_data_model(tmp_path):
    path = tmp_path / "h.toml"
    path.write_text(EXAMPLE)
    first, second = load_hypotheses(path)
    assert first == Comparison(
        name="shallow-at-chance", quantity="test_acc", op="<=", against="chance", tolerance=0.05,
        filter=(Condition("task", "eq", "tree-neighbors-match"),
                Condition("model", "in", ("gin", "gcn")),
                Condition("depth", "lt", ColumnRef("radius")),
                Condition("depth", "ge", 1),
                Condition("model.residual", "eq", False, or_missing=True)),
        statistics=Statistics(method="wilson", confidence=0.9, min_trials=10),
        statement="below the radius GIN is at chance")
    assert second == TrendClaim(name="falls", quantity="train_acc", over="radius",
                                direction="decreasing", group_by=("model", "width"))


@pytest.mark.parametrize("table, message", [
    ({"quantity": "x", "op": "<=", "against": 1}, "name=None is invalid"),
    ({"name": "h", "op": "<=", "against": 1}, "quantity=None is invalid"),
    ({"name": "h", "quantity": "x", "op": "<", "against": 1}, "op='<' is invalid: expected one of <=, >=, =="),
    ({"name": "h", "quantity": "x", "op": "<=", "against": True}, "against=True is invalid"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "tolerance": -1}, "tolerance=-1 is invalid"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "tolerance": float("nan")},
     "tolerance=nan is invalid: expected a finite number"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "tolerance": float("inf")},
     "tolerance=inf is invalid"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "over": "radius"}, "unknown key(s) over"),
    ({"name": "h", "kind": "guess", "quantity": "x"}, "kind='guess' is invalid"),
    ({"name": "h", "kind": "trend", "quantity": "x", "direction": "up"}, "direction='up' is invalid"),
    ({"name": "h", "kind": "trend", "quantity": "x", "group_by": "model"}, "group_by='model' is invalid"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "filter": {"depth": {"below": 3}}},
     "filter depth operator='below' is invalid"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "filter": {"depth": {"in": 3}}},
     "in needs a list"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "filter": {"depth": {"or_missing": True}}},
     "no operator given"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "filter": {"depth": {"lt": {"col": "r"}}}},
     "a table value must be"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "statistics": {"confidence": 1.0}},
     "confidence=1.0 is invalid"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "statistics": {"method": "bayes"}},
     "method='bayes' is invalid"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "statistics": {"min_rows": 0}},
     "min_rows=0 is invalid"),
    ({"name": "h", "quantity": "x", "op": "<=", "against": 1, "statistics": {"alpha": 0.1}},
     "unknown statistics key(s) alpha"),
])
def test_bad_hypotheses_name_key_value_and_choices(table, message):
    with pytest.raises(ValueError) as error:
        parse_hypothesis(table)
    assert message in str(error.value)


def test_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_hypotheses(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[hypothesis]\n")
    with pytest.raises(ValueError, match="invalid TOML"):
        load_hypotheses(bad)
    bad.write_text("title = 'no hypotheses'\n")
    with pytest.raises(ValueError, match=r"one or more \[\[hypothesis\]\]"):
        load_hypotheses(bad)
    twice = '[[hypothesis]]\nname = "a"\nquantity = "x"\nop = "<="\nagainst = 1\n'
    bad.write_text(twice + twice)
    with pytest.raises(ValueError, match="duplicate hypothesis name"):
        load_hypotheses(bad)
