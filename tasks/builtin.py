"""Importing this module registers the built-in tasks."""
from depthlab.tasks import csbm, grid_chain, motif_count, transfer, tree_neighbors_match  # noqa: F401
