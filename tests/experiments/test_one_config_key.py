"""`depthlab train --db` and `depthlab sweep` key a config the same way (issue 10, item
10): a config trained by one is not trained again by the other."""
import json

from depthlab.experiments.cli import main
from depthlab.experiments.store import Store

SPEC = """
[[task]]
name = "tree-neighbors-match"
params = { radius = 2 }
[[model]]
family = "gin"
depth = "r+1"
width = 8
[train]
epochs = 1
batch_size = 32
"""


def test_train_then_sweep_trains_once(tmp_path, capsys):
    db = tmp_path / "runs.db"
    assert main(["train", "--task", "tree-neighbors-match", "--param", "radius=2", "--model", "gin",
                 "--depth", "r+1", "--width", "8", "--train", "epochs=1", "--train", "batch_size=32",
                 "--db", str(db), "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)
    spec = tmp_path / "one.toml"
    spec.write_text(SPEC)
    assert main(["sweep", str(spec), "--db", str(db), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "1 runs in the spec, 1 already finished" in err and "0 runs to do" in err
    with Store(db) as store:
        rows = list(store.rows())
    assert len(rows) == 1 and rows[0]["key"] == trained["key"] and rows[0]["attempts"] == 1
