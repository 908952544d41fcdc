"""depthlab.models: DGL networks of free depth and width, and their trainer.

Names are exported lazily (imported on first use), so that ``depthlab.models.facts`` (the
families' facts for theory) imports without torch or DGL.

>>> from depthlab.tasks import make_task
>>> from depthlab.models import TaskInfo, make_model, train
>>> ds = make_task("tree-neighbors-match", seed=0, radius=2)
>>> model = make_model("gin", TaskInfo.from_dataset(ds), depth=3, width=32)
>>> run = train(ds, {"name": "gin", "depth": 3, "width": 32}, {"epochs": 5}, seed=0)
>>> run.record.epochs
5
"""
from __future__ import annotations

from depthlab.lazy import lazy_exports

_EXPORTS = {
    "count_parameters": "depthlab.models.budget", "DepthModel": "depthlab.models.depth_model",
    "evaluate": "depthlab.models.evaluate", "predict": "depthlab.models.evaluate",
    "RunRecord": "depthlab.models.record", "TrainedRun": "depthlab.models.record",
    "list_models": "depthlab.models.registry", "make_model": "depthlab.models.registry",
    "model_size": "depthlab.models.registry",
    "reads_targets_only": "depthlab.models.registry",
    "resolve_model_options": "depthlab.models.registry", "TaskInfo": "depthlab.models.task_info",
    "resolve_model_config": "depthlab.models.trainer",
    "resolve_train_config": "depthlab.models.trainer", "train": "depthlab.models.trainer",
    "ModelFacts": "depthlab.models.facts", "facts_of": "depthlab.models.facts",
}
__all__ = sorted(_EXPORTS)

__getattr__ = lazy_exports(__name__, _EXPORTS)
