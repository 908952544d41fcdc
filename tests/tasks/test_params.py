import pytest

from depthlab.tasks.params import Param, validate

PARAMS = (
    Param("radius", "int", 2, "depth", low=2, high=20),
    Param("p", "float", 0.5, "probability", low=0.0, high=1.0),
    Param("loops", "bool", False, "self loops"),
    Param("family", "str", "er", "graph family", choices=("er", "regular")),
)


def test_defaults_and_coercion():
    assert validate("t", PARAMS, {"radius": "3", "loops": "true"}) == {
        "radius": 3, "p": 0.5, "loops": True, "family": "er"}


@pytest.mark.parametrize("given, message", [
    ({"radius": 1}, r"radius=1 is out of range: expected an int in \[2, 20\]"),
    ({"radius": 2.5}, "radius=2.5 is invalid"),
    ({"radius": True}, "radius=True is invalid"),
    ({"p": -0.1}, r"p=-0.1 is out of range: expected a float in \[0, 1\]"),
    ({"p": float("nan")}, "p=nan is out of range"),
    ({"loops": "maybe"}, "loops='maybe' is invalid: expected true or false"),
    ({"family": "ba"}, "family='ba' is invalid: expected one of 'er', 'regular'"),
    ({"depth": 3}, "unknown parameter.*depth.*radius, p, loops, family"),
])
def test_errors_name_parameter_value_and_range(given, message):
    with pytest.raises(ValueError, match=message):
        validate("t", PARAMS, given)
