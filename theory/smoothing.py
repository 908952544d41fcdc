"""Over-smoothing measures of node states and the Oono-Suzuki contraction rate.

All measures treat the graph as the simple undirected graph underlying ``(src, dst)``
(each pair ``{u, v}``, ``u != v``, once; self-loops and repeats dropped; see
``theory.spectrum.undirected_edges``), with ``d_u`` its degree. Node states ``h`` are
(N, d) arrays (numpy, or torch tensors, which are detached and copied to the CPU); a batch
of graphs is one block-diagonal graph, so energies add over graphs.

References: Cai & Wang (2020), "A note on over-smoothing for graph neural networks";
Chen et al. (2020), "Measuring and relieving the over-smoothing problem for graph neural
networks from the topological view" (MAD); Oono & Suzuki (2020), "Graph neural networks
exponentially lose expressive power for node classification".
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import LinearOperator, eigsh

from depthlab.theory.spectrum import augmented_adjacency, undirected_degrees, undirected_edges

DENSE_SPECTRUM_LIMIT = 2048
MAD_CHUNK_ROWS = 1024
MAD_ZERO = 1e-12


def node_states(h) -> np.ndarray:
    """``h`` as a float64 (N, d) numpy array; a 1-D input is one feature per node."""
    if hasattr(h, "detach"):
        h = h.detach().cpu().numpy()
    h = np.asarray(h, dtype=np.float64)
    if h.ndim == 1:
        h = h[:, None]
    if h.ndim != 2:
        raise ValueError(f"node states must be (N, d), got shape {h.shape}")
    return h


def dirichlet_energy(h, src, dst) -> float:
    """Cai & Wang's normalised Dirichlet energy ``tr(X^T (I - P) X)`` with ``P`` the
    augmented normalised adjacency, i.e. ``1/2 sum_{(u,v) in E} ||x_u/sqrt(1+d_u) -
    x_v/sqrt(1+d_v)||^2`` over both orientations of every undirected edge — equivalently
    the sum over undirected edges counted once. This is the energy the ``energy`` column
    of the results table holds."""
    x = node_states(h)
    u, v = undirected_edges(src, dst, len(x))
    scale = 1.0 / np.sqrt(1.0 + undirected_degrees(u, v, len(x)))
    return _edge_energy(x * scale[:, None], u, v)


def dirichlet_energy_unnormalised(h, src, dst) -> float:
    """``tr(X^T L X) = sum over undirected edges {u, v} of ||x_u - x_v||^2`` with ``L`` the
    combinatorial Laplacian ``D - A``."""
    x = node_states(h)
    u, v = undirected_edges(src, dst, len(x))
    return _edge_energy(x, u, v)


def _edge_energy(x: np.ndarray, u: np.ndarray, v: np.ndarray) -> float:
    return float(np.sum((x[u] - x[v]) ** 2))


def mean_average_distance(h, src=None, dst=None) -> float:
    """MAD of Chen et al. (2020): the cosine distance ``D_uv = 1 - cos(x_u, x_v)`` averaged
    first per node over its pairs with ``D_uv > 0``, then over nodes whose average is > 0
    (their two-stage average; 0 when no distance is positive). Distances up to
    ``MAD_ZERO`` (rounding of parallel rows) count as 0.

    Pairs: with ``src``/``dst`` given, the neighbour pairs of the undirected graph (their
    ``MAD^neb``); without, all ordered pairs ``u != v`` of the N rows (their global MAD;
    for a batch of graphs this includes pairs across graphs). A zero vector has cosine
    similarity 0 with everything (distance 1), as in scikit-learn.
    """
    x = node_states(h)
    norms = np.linalg.norm(x, axis=1)
    unit = x / np.where(norms > 0, norms, 1.0)[:, None]
    n = len(x)
    if src is None and dst is None:
        sums, counts = _all_pair_distance_sums(unit)
    elif src is None or dst is None:
        raise ValueError("give both src and dst (neighbour pairs) or neither (all pairs)")
    else:
        u, v = undirected_edges(src, dst, n)
        d = _cosine_distance(np.einsum("ij,ij->i", unit[u], unit[v]))
        ends = np.concatenate([u, v])
        sums = np.bincount(ends, weights=np.concatenate([d, d]), minlength=n)
        counts = np.bincount(ends, weights=np.concatenate([d > 0, d > 0]), minlength=n)
    per_node = sums / np.maximum(counts, 1)
    positive = per_node > 0
    return float(per_node[positive].mean()) if positive.any() else 0.0


def _cosine_distance(similarity: np.ndarray) -> np.ndarray:
    d = np.clip(1.0 - similarity, 0.0, 2.0)
    return np.where(d > MAD_ZERO, d, 0.0)


def _all_pair_distance_sums(unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row u: sum of ``D_uv`` and count of ``D_uv > 0`` over ``v != u``, in row chunks."""
    n = len(unit)
    sums, counts = np.zeros(n), np.zeros(n)
    for lo in range(0, n, MAD_CHUNK_ROWS):
        hi = min(lo + MAD_CHUNK_ROWS, n)
        d = _cosine_distance(unit[lo:hi] @ unit.T)
        d[np.arange(hi - lo), np.arange(lo, hi)] = 0.0
        sums[lo:hi] = d.sum(axis=1)
        counts[lo:hi] = (d > 0).sum(axis=1)
    return sums, counts


def invariant_subspace_basis(src, dst, num_nodes: int) -> sp.csr_matrix:
    """Orthonormal basis (N, M) of Oono & Suzuki's invariant subspace: one column per
    connected component C of the undirected graph, ``D~^{1/2} 1_C / ||D~^{1/2} 1_C||`` with
    ``D~ = D + I``. These span the eigenvalue-1 eigenspace of the augmented normalised
    adjacency ``P``."""
    u, v = undirected_edges(src, dst, num_nodes)
    weight = np.sqrt(1.0 + undirected_degrees(u, v, num_nodes))
    adjacency = sp.csr_matrix((np.ones(len(u)), (u, v)), shape=(num_nodes, num_nodes))
    count, component = connected_components(adjacency, directed=False)
    norm = np.sqrt(np.bincount(component, weights=weight ** 2, minlength=count))
    values = weight / norm[component]
    return sp.csr_matrix((values, (np.arange(num_nodes), component)), shape=(num_nodes, count))


def invariant_distance(h, src, dst) -> float:
    """Oono & Suzuki's ``d_M(X) = min_{Y in M (x) R^d} ||X - Y||_F``: the Frobenius norm of
    the part of ``X`` orthogonal to the invariant subspace M
    (:func:`invariant_subspace_basis`)."""
    x = node_states(h)
    basis = invariant_subspace_basis(src, dst, len(x))
    residual = x - basis @ (basis.T @ x)
    return float(np.linalg.norm(residual))


def oono_suzuki_lambda(src, dst, num_nodes: int) -> float:
    """Oono & Suzuki's ``lambda = max(|1 - mu_{M+1}|, |1 - mu_N|)``, with ``mu_1 <= ... <=
    mu_N`` the eigenvalues of the augmented normalised Laplacian ``I - P`` of the
    undirected graph and M its number of connected components: the largest magnitude of an
    eigenvalue of ``P`` on the complement of the invariant subspace (0 when every component
    is one node). ``lambda < 1``.

    Dense ``eigvalsh`` up to ``DENSE_SPECTRUM_LIMIT`` nodes; above, ARPACK (``eigsh``) on
    ``P`` with the invariant subspace projected out.
    """
    p = augmented_adjacency(src, dst, num_nodes)
    basis = invariant_subspace_basis(src, dst, num_nodes)
    if basis.shape[1] == num_nodes:
        return 0.0
    if num_nodes <= DENSE_SPECTRUM_LIMIT:
        eig = np.sort(np.linalg.eigvalsh(p.toarray()))[::-1]
        rest = eig[basis.shape[1]:]
        return float(max(abs(rest[0]), abs(rest[-1])))
    basis_t = sp.csr_matrix(basis.T)

    def matvec(z: np.ndarray) -> np.ndarray:
        z = np.ravel(z)
        z = z - basis @ (basis_t @ z)
        out = p @ z
        return out - basis @ (basis_t @ out)

    operator = LinearOperator((num_nodes, num_nodes), matvec=matvec, dtype=np.float64)
    value = eigsh(operator, k=1, which="LM", tol=1e-10, return_eigenvectors=False)
    return float(abs(value[0]))


def oono_suzuki_bound(initial_distance: float, lam: float, singular_values) -> np.ndarray:
    """Oono & Suzuki's bound on ``d_M(X^(l))`` for ``l = 0 .. L`` for a GCN stack
    ``X^(l+1) = sigma(P X^(l) W_l)`` with ``sigma`` ReLU or identity (Theorem 1 with
    Lemma 1-2): ``d_M(X^(l)) <= (prod_{k<l} s_k) lambda^l d_M(X^(0))``, ``s_k`` the largest
    singular value of ``W_k``. Returns a (L+1,) array; ``singular_values`` has length L."""
    s = np.asarray(singular_values, dtype=np.float64).ravel()
    factors = np.concatenate([[1.0], np.cumprod(s * lam)])
    return initial_distance * factors


def cai_wang_rate_bound(energies, layer_weights, lam: float, constant_energy: float) -> float:
    """Bound on the geometric-mean per-layer energy rate ``(E_L / E_0)^(1/L)`` of a GCN
    stack ``X^(l+1) = sigma(P X^(l) W_l + 1 b_l^T)``, ``sigma`` ReLU or identity, ``P`` the
    augmented normalised adjacency of a simple undirected graph (Cai & Wang 2020,
    Lemmas 3.1-3.3 and Theorem 3.1: ``E(P X) <= lambda^2 E(X)``, ``E(X W) <= s^2 E(X)``,
    ``E(sigma(X)) <= E(X)``; the bias by the triangle inequality of the seminorm
    ``sqrt(E)``: ``sqrt(E(Y + 1 b^T)) <= sqrt(E(Y)) + |b| sqrt(E(1))``). Per layer

        E_(l+1) / E_l <= (s_l lambda + |b_l| sqrt(E(1) / E_l))^2,

    ``s_l`` the largest singular value of ``W_l``; the product over layers bounds
    ``E_L / E_0``. ``energies``: the L + 1 measured energies (:func:`dirichlet_energy`);
    ``layer_weights``: L dicts with ``top_singular_value`` and ``bias_norm``;
    ``constant_energy``: ``E(1)`` of an all-ones column. NaN when a layer's weights are
    unknown, L = 0, or an energy before the last is not positive."""
    e = np.asarray(energies, dtype=np.float64)
    if len(e) < 2 or len(layer_weights) != len(e) - 1 or any(w is None for w in layer_weights) \
            or not np.all(e[:-1] > 0):
        return float("nan")
    s = np.array([w["top_singular_value"] for w in layer_weights], dtype=np.float64)
    b = np.array([w["bias_norm"] for w in layer_weights], dtype=np.float64)
    rates = (s * lam + b * np.sqrt(constant_energy / e[:-1])) ** 2
    return float(np.exp(np.mean(np.log(rates)))) if np.all(rates > 0) else 0.0


def smoothing_profile(states: list, src, dst) -> dict[str, list[float]]:
    """Per-layer over-smoothing measures of ``states = [h^(0), ..., h^(L)]`` (each (N, d))
    on one graph: ``energy`` (:func:`dirichlet_energy`), ``energy_unnormalised``, ``mad``
    (:func:`mean_average_distance` over neighbour pairs) and ``invariant_distance``; each a
    list of L+1 floats."""
    measures = {
        "energy": lambda h: dirichlet_energy(h, src, dst),
        "energy_unnormalised": lambda h: dirichlet_energy_unnormalised(h, src, dst),
        "mad": lambda h: mean_average_distance(h, src, dst),
        "invariant_distance": lambda h: invariant_distance(h, src, dst),
    }
    return {name: [measure(h) for h in states] for name, measure in measures.items()}
