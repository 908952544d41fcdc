"""The model registry: `make_model`, `list_models`, `resolve_model_options`.

Options shared by every family (defaults in brackets): preset ["none"; or "alon-yahav":
the published setup's options, models.presets, which the other given options override],
residual [False], norm ["none"; one of none, batch, layer, pair, node], norm_position
["after_conv"; or "after_residual", models.block], pairnorm_scale [1.0], dropout [0.0],
activation ["relu"], jk ["none"; none, cat, max], pool ["sum"; graph-level readout, sum or
mean], fully_adjacent_last [False], fully_adjacent_all [False; every layer's graph gains the
fully-adjacent edges, see models.depth_model], self_loops [True for gcn, gat, mixhop, sign;
False otherwise], output_bias [True], param_budget [None: use the given width]. Family
options: gat and graphormer heads [4]; graphormer max_distance [8], max_degree [16]; mixhop
max_power [2]; gin mlp_batchnorm [False]; gcn degree_norm ["out-in"; or "in-in"]. Family defaults: ggnn and
graphormer activation "identity" (a GRU / a transformer layer is non-linear), sign jk "cat"
(SIGN's concatenation). Widths: gat's and graphormer's must be a multiple of heads, mixhop's
at least max_power + 1 (one column per power). Options a family cannot change (sign: residual;
graphormer: the fully-adjacent options) raise ``ValueError`` when set.
Receptive field per layer: one hop, except mixhop (max_power hops), graphormer (the whole
graph) and any layer made fully adjacent; sign's depth is its number of hops K. What theory
needs of a family (hops per layer, degrees, message passing) is declared in
``models.facts`` (torch- and DGL-free, so that results tables and theory read it cheaply);
this module refuses to load with a registered family left undeclared.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
from torch import nn

from depthlab.models.block import ACTIVATIONS, NORM_POSITIONS
from depthlab.models.budget import count_parameters, width_for_budget
from depthlab.models.depth_model import DepthModel
from depthlab.models.facts import FAMILY_FACTS, ModelFacts, facts_of
from depthlab.models.gat import GATLayer
from depthlab.models.gcn import DEGREE_NORMS, GCNLayer
from depthlab.models.ggnn import GGNNLayer
from depthlab.models.gin import GINLayer
from depthlab.models.graphormer import GraphormerConv, GraphormerModel
from depthlab.models.mixhop import MixHopLayer
from depthlab.models.norms import NORMS
from depthlab.models.presets import MODEL_PRESETS, preset_options
from depthlab.models.readout import JK_MODES, POOLS
from depthlab.models.sage import SAGELayer
from depthlab.models.sign import HopProjection, SignModel
from depthlab.models.task_info import TaskInfo
from depthlab.tasks.params import Param

# Beyond these a network cannot be built on any machine depthlab targets; larger values
# are refused as out of range before any estimate.
MAX_DEPTH = 100_000
MAX_WIDTH = 1_000_000

COMMON_OPTIONS = (
    Param("residual", "bool", False, "add each layer's input to its output"),
    Param("norm", "str", "none", "normalisation after each convolution", choices=NORMS),
    Param("norm_position", "str", "after_conv", "normalise after the conv, or after the "
          "residual sum (conv -> act -> +x -> norm)", choices=NORM_POSITIONS),
    Param("pairnorm_scale", "float", 1.0, "PairNorm's s (root mean squared row norm)", low=1e-6),
    Param("dropout", "float", 0.0, "dropout probability after each layer", low=0.0, high=0.95),
    Param("activation", "str", "relu", "non-linearity after each layer", choices=tuple(ACTIVATIONS)),
    Param("jk", "str", "none", "jumping knowledge over the layers' states", choices=JK_MODES),
    Param("pool", "str", "sum", "graph-level readout over a graph's nodes", choices=POOLS),
    Param("fully_adjacent_last", "bool", False, "last layer links every node to the target(s)"),
    Param("fully_adjacent_all", "bool", False, "every layer links every node to the target(s)"),
    Param("self_loops", "bool", False, "add one self-loop per node to the message graph"),
    Param("output_bias", "bool", True, "the output layer has a bias"),
    Param("param_budget", "int", None, "pick the width whose parameter count is nearest this",
          low=1),
    Param("preset", "str", "none", "a published setup's options (given options override)",
          choices=MODEL_PRESETS),
)


@dataclass(frozen=True)
class Family:
    """A registered model family.

    ``layer(width, options)`` builds one conv module; ``params`` are the family's own
    options; ``defaults`` override the common defaults; ``width_step(options)`` is the
    granularity widths must respect (gat: the number of heads); ``min_width(options)`` the
    least width (mixhop: max_power + 1, one column per power); ``fixed`` maps an option the
    family cannot change to (its only value, why).
    """

    name: str
    summary: str
    layer: Callable[[int, dict[str, Any]], nn.Module]
    model_class: type = DepthModel
    params: tuple[Param, ...] = ()
    defaults: dict[str, Any] = field(default_factory=dict)
    width_step: Callable[[dict[str, Any]], int] = lambda options: 1
    min_width: Callable[[dict[str, Any]], int] = lambda options: 1
    fixed: dict[str, tuple[Any, str]] = field(default_factory=dict)

    @property
    def facts(self) -> ModelFacts:
        """What theory needs to know about this family (``models.facts``)."""
        return facts_of(self.name)

    def options(self) -> tuple[Param, ...]:
        """Every option of this family with the family's defaults applied."""
        common = tuple(Param(p.name, p.kind, self.defaults.get(p.name, p.default), p.help,
                             p.low, p.high, p.choices) for p in COMMON_OPTIONS)
        return common + self.params


_FAMILIES = {f.name: f for f in (
    Family("gcn", "GraphConv, symmetric degree normalisation (Kipf & Welling)",
           lambda width, o: GCNLayer(width, o["degree_norm"]), defaults={"self_loops": True},
           params=(Param("degree_norm", "str", "out-in", "edge weights 1/sqrt(d_out(u) "
                         "d_in(v)) (DGL) or 1/sqrt(d_in(u) d_in(v)) (PyG)",
                         choices=DEGREE_NORMS),)),
    Family("gin", "GINConv, sum aggregation and a 2-layer MLP (GIN-0)",
           lambda width, o: GINLayer(width, o["mlp_batchnorm"]),
           params=(Param("mlp_batchnorm", "bool", False, "BatchNorm and ReLU after both "
                         "MLP layers (Alon & Yahav's GIN)"),)),
    Family("gat", "GATConv, multi-head attention, heads concatenated",
           lambda width, o: GATLayer(width, o["heads"]), defaults={"self_loops": True},
           params=(Param("heads", "int", 4, "attention heads (width must be a multiple)",
                         low=1, high=64),),
           width_step=lambda o: o["heads"]),
    Family("ggnn", "GatedGraphConv, one GRU step per layer, own weights per layer",
           lambda width, o: GGNNLayer(width), defaults={"activation": "identity"}),
    Family("sage", "SAGEConv, mean aggregator plus a self term",
           lambda width, o: SAGELayer(width)),
    Family("sign", "SIGN: A_hat^k X for k = 0..depth, per-hop projection, MLP on the concat",
           lambda width, o: HopProjection(width), model_class=SignModel,
           defaults={"self_loops": True, "jk": "cat"},
           fixed={"residual": (False, "its hops are not stacked layers")}),
    Family("mixhop", "MixHop: [X W0 || A_hat X W1 || ... || A_hat^P X W_P] per layer",
           lambda width, o: MixHopLayer(width, o["max_power"]), defaults={"self_loops": True},
           params=(Param("max_power", "int", 2, "powers A_hat^0..A_hat^P per layer (P hops)",
                         low=1, high=32),),
           min_width=lambda o: o["max_power"] + 1),
    Family("graphormer", "Graphormer: attention over all nodes of a graph, shortest-path "
           "bias, degree encoding (not message passing)",
           lambda width, o: GraphormerConv(width, o["heads"], o["max_distance"]),
           model_class=GraphormerModel, defaults={"activation": "identity"},
           params=(Param("heads", "int", 4, "attention heads (width must be a multiple)",
                         low=1, high=64),
                   Param("max_distance", "int", 8, "hop distances with a learned bias "
                         "(farther pairs get none)", low=1, high=64),
                   Param("max_degree", "int", 16, "degrees with their own embedding "
                         "(larger ones share the last)", low=1, high=1024)),
           width_step=lambda o: o["heads"],
           fixed={"fully_adjacent_last": (False, "attention already spans every node"),
                  "fully_adjacent_all": (False, "attention already spans every node")}),
)}

_UNDECLARED = sorted(set(_FAMILIES) - set(FAMILY_FACTS))
if _UNDECLARED:
    raise ImportError(f"model famil(ies) {', '.join(_UNDECLARED)} registered without facts for "
                      "theory: declare them in depthlab.models.facts.FAMILY_FACTS")


def list_models() -> dict[str, Family]:
    """All registered families by name."""
    return dict(sorted(_FAMILIES.items()))


def get_family(name: str) -> Family:
    """The family ``name``; ``ValueError`` listing the choices otherwise."""
    if name not in _FAMILIES:
        raise ValueError(f"unknown model {name!r}; choose one of: {', '.join(sorted(_FAMILIES))}")
    return _FAMILIES[name]


def resolve_model_options(name: str, **options: Any) -> dict[str, Any]:
    """Every option of family ``name``, checked, with defaults filled in.

    Raises ``ValueError`` for an unknown option (listing the known ones) or a bad value.
    """
    params = get_family(name).options()
    known = {p.name: p for p in params}
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(unknown)} for model {name!r}; "
                         f"its options are: {', '.join(known)}")
    preset = known["preset"].check(options.get("preset", "none"))
    options = {**preset_options(preset, name), **options}
    resolved = {p.name: p.check(options.get(p.name, p.default)) for p in params}
    for option, (value, why) in get_family(name).fixed.items():
        if resolved[option] != value:
            raise ValueError(f"{option}={resolved[option]!r} is invalid for model {name!r}: "
                             f"{why}; expected {option}={value!r}")
    if resolved["fully_adjacent_last"] and resolved["fully_adjacent_all"]:
        raise ValueError("fully_adjacent_last=True is redundant with fully_adjacent_all=True: "
                         "set only one of them")
    return resolved


def make_model(name: str, task_info: TaskInfo, depth: int, width: int | None = None,
               **options: Any) -> DepthModel:
    """A ``name`` network of ``depth`` layers for ``task_info``.

    ``depth`` >= 0 (0: no message passing). Give ``width`` or the option ``param_budget``
    (then the width is chosen by models.budget.width_for_budget and the model's ``width``
    attribute holds it).
    Raises ``ValueError`` naming the bad name, option, depth or width.
    """
    family = get_family(name)
    resolved = resolve_model_options(name, **options)
    depth, width = _sized(family, task_info, depth, width, resolved)
    return _build(family, task_info, depth, width, resolved)


def model_size(name: str, task_info: TaskInfo, depth: int, width: int | None = None,
               **options: Any) -> tuple[int, int]:
    """``(width, parameter count)`` of ``make_model(name, task_info, depth, width,
    **options)``, checked as it checks them, without building that network.

    Every family's count is ``A(w) + depth * B(w)`` with A and B quadratic in the width w
    (per-layer weights, plus encoder, readout and the depth-wide jumping-knowledge or
    SIGN concatenation), so six networks of depth 0 and 1 at the three smallest widths fix
    it exactly (tested against building). Costs milliseconds at any depth and width.
    """
    family = get_family(name)
    resolved = resolve_model_options(name, **options)
    depth, width = _sized(family, task_info, depth, width, resolved)
    return width, _parameter_count(family, task_info, resolved)(depth, width)


def _sized(family: Family, info: TaskInfo, depth: Any, width: Any,
           resolved: dict[str, Any]) -> tuple[int, int]:
    """``(depth, width)`` checked (ranges, the width step), the width chosen by
    ``width_for_budget`` when the option ``param_budget`` is set."""
    depth = _as_int("depth", depth, 0, MAX_DEPTH)
    step = family.width_step(resolved)
    budget = resolved["param_budget"]
    if budget is not None:
        if width is not None:
            raise ValueError(f"width={width!r} and param_budget={budget} are both given: "
                             "expected one of them")
        count = _parameter_count(family, info, resolved)
        width = width_for_budget(lambda w: count(depth, w), budget, step,
                                 family.min_width(resolved))
    width = _as_int("width", width, family.min_width(resolved), MAX_WIDTH)
    if width % step:
        raise ValueError(f"width={width} is invalid for model {family.name!r} with heads={step}: "
                         f"expected a multiple of {step}")
    return depth, width


def reads_targets_only(name: str, task_info: TaskInfo, **options: Any) -> bool:
    """Whether a ``name`` network with ``options`` and depth >= 1 computes only its targets'
    receptive fields on node-level batches (``DepthModel.reads_targets_only``), asked of a
    depth-1 network of the least width. Raises ``ValueError`` as ``make_model`` does."""
    family = get_family(name)
    resolved = resolve_model_options(name, **options)
    return _build(family, task_info, 1, _least_width(family, resolved), resolved).reads_targets_only()


def _least_width(family: Family, options: dict[str, Any]) -> int:
    """The least width the family accepts with ``options``."""
    step = family.width_step(options)
    return step * -(-family.min_width(options) // step)


def _parameter_count(family: Family, info: TaskInfo, options: dict[str, Any]):
    """``count(depth, width)``: the family's exact parameter count (see :func:`model_size`)."""
    step, least = family.width_step(options), _least_width(family, options)
    widths = [least + step * k for k in range(3)]
    counts = np.array([[count_parameters(_build(family, info, d, w, options)) for w in widths]
                       for d in (0, 1)], dtype=np.float64)
    fits = [np.polyfit(widths, row, 2) for row in (counts[0], counts[1] - counts[0])]

    def count(depth: int, width: int) -> int:
        base, per_layer = (int(round(np.polyval(fit, width))) for fit in fits)
        return base + depth * per_layer

    return count


def _as_int(name: str, value: Any, minimum: int, maximum: int) -> int:
    """``value`` as an int in [minimum, maximum] (numpy integers accepted; bools and floats
    not)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
            minimum <= value <= maximum):
        raise ValueError(f"{name}={value!r} is invalid: expected an int in [{minimum}, {maximum}]")
    return int(value)


def _build(family: Family, info: TaskInfo, depth: int, width: int,
           options: dict[str, Any]) -> DepthModel:
    return family.model_class(family.name, info, depth, width,
                              lambda: family.layer(width, options), options)
