"""depthlab.models: DGL networks of free depth and width, and their trainer.

>>> from tasks import make_task
>>> from models import TaskInfo, make_model, train
>>> ds = make_task("tree-neighbors-match", seed=0, radius=2)
>>> model = make_model("gin", TaskInfo.from_dataset(ds), depth=3, width=32)
>>> run = train(ds, {"name": "gin", "depth": 3, "width": 32}, {"epochs": 5}, seed=0)
>>> run.record.epochs
5
"""
from models.budget import count_parameters
from models.depth_model import DepthModel
from models.evaluate import evaluate, predict
from models.record import RunRecord, TrainedRun
from models.registry import list_models, make_model, resolve_model_options
from models.task_info import TaskInfo
from models.trainer import resolve_model_config, resolve_train_config, train

__all__ = ["DepthModel", "RunRecord", "TaskInfo", "TrainedRun", "count_parameters", "evaluate",
           "list_models", "make_model", "predict", "resolve_model_config",
           "resolve_model_options", "resolve_train_config", "train"]
