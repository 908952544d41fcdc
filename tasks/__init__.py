"""Task generators with a known required radius, as concatenated-array datasets.

>>> from depthlab.tasks import make_task
>>> ds = make_task("tree-neighbors-match", seed=0, radius=2)
>>> ds.required_radius, len(ds)
(2, 96)
"""
from depthlab.tasks.dataset import TaskDataset
from depthlab.tasks.evaluator import Evaluator
from depthlab.tasks.params import Param
from depthlab.tasks.registry import TaskSpec, TaskTooLarge, list_tasks, make_task, resolve_params
from depthlab.tasks.rewiring import rewire
from depthlab.tasks.storage import load_task

__all__ = ["Evaluator", "Param", "TaskDataset", "TaskSpec", "TaskTooLarge", "list_tasks", "load_task",
           "make_task", "resolve_params", "rewire"]
