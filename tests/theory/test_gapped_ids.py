"""Edge lists with large or gapped node ids (issue 10, item 4): memory grows with the
edges, not the largest id, and the CLI and the API agree under the user's ids."""
import json

import networkx as nx
import numpy as np
import pytest

from depthlab.theory.curvature import balanced_forman_curvature
from tests.hostile import run_cli

HUGE = np.array([0, 100_000_000, 10**12, 2**62, 5, 77, 3 * 10**17])


def _graph():
    graph = nx.petersen_graph()
    graph.add_edges_from([(0, 10), (10, 11), (11, 6)])
    edges = np.array(graph.edges(), dtype=np.int64)
    return edges[:, 0], edges[:, 1]


def test_api_relabels_gapped_ids():
    u, v = _graph()
    ids = np.concatenate([HUGE, np.arange(10**9, 10**9 + 5)])
    assert np.array_equal(balanced_forman_curvature(ids[u], ids[v]), balanced_forman_curvature(u, v))


@pytest.mark.parametrize("command", ["curvature", "resistance"])
def test_cli_with_huge_ids_matches_the_api_with_bounded_memory(tmp_path, command):
    u, v = _graph()
    ids = np.concatenate([HUGE, np.arange(10**9, 10**9 + 5)])
    path = tmp_path / "edges.txt"
    path.write_text("".join(f"{a} {b}\n" for a, b in zip(ids[u], ids[v])))
    extra = ["--pair", f"{ids[0]},{ids[3]}"] if command == "resistance" else []
    result = run_cli("theory", command, str(path), "--json", *extra)
    assert result.code == 0, result.err
    assert result.peak_mib < 400, result.peak_mib
    out = json.loads(result.out)
    if command == "curvature":
        assert [(e["u"], e["v"]) for e in out["edges"]] == list(zip(ids[u].tolist(), ids[v].tolist()))
        assert np.allclose([e["curvature"] for e in out["edges"]], balanced_forman_curvature(u, v))
    else:
        from depthlab.theory.resistance import effective_resistance, total_effective_resistance

        assert out["pairs"][0]["resistance"] == pytest.approx(effective_resistance(u, v, [(0, 3)])[0])
        assert out["total"] == pytest.approx(total_effective_resistance(u, v))


def test_ids_beyond_int64_are_one_line(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_text(f"0 1\n1 {2**64}\n")
    run_cli("theory", "curvature", str(path)).assert_refused("line 2: node ids must lie in [0, ")
