"""depthlab.models: DGL networks of free depth and width, and their trainer.

>>> from depthlab.tasks import make_task
>>> from depthlab.models import TaskInfo, make_model, train
>>> ds = make_task("tree-neighbors-match", seed=0, radius=2)
>>> model = make_model("gin", TaskInfo.from_dataset(ds), depth=3, width=32)
>>> run = train(ds, {"name": "gin", "depth": 3, "width": 32}, {"epochs": 5}, seed=0)
>>> run.record.epochs
5
"""
from depthlab.models.budget import count_parameters
from depthlab.models.depth_model import DepthModel
from depthlab.models.evaluate import evaluate, predict
from depthlab.models.record import RunRecord, TrainedRun
from depthlab.models.registry import list_models, make_model, resolve_model_options
from depthlab.models.task_info import TaskInfo
from depthlab.models.trainer import resolve_model_config, resolve_train_config, train

__all__ = ["DepthModel", "RunRecord", "TaskInfo", "TrainedRun", "count_parameters", "evaluate",
           "list_models", "make_model", "predict", "resolve_model_config",
           "resolve_model_options", "resolve_train_config", "train"]
