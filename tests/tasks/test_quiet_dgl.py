"""Importing depthlab's DGL leaves the logger, the environment and the home directory alone."""
from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json, logging, os, warnings
logging.getLogger("dgl").setLevel(logging.INFO)
import depthlab.tasks
assert "dgl" not in __import__("sys").modules
filters = len(warnings.filters)
import depthlab.tasks.quiet_dgl
print(json.dumps({"level": logging.getLogger("dgl").level,
                  "backend": os.environ.get("DGLBACKEND"),
                  "filters": len(warnings.filters) - filters}))
"""


def _probe(tmp_path, backend: str | None) -> tuple[dict, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DGLBACKEND", "DGLDEFAULTDIR")}
    env["HOME"] = str(tmp_path)
    if backend is not None:
        env["DGLBACKEND"] = backend
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr


def test_import_restores_logger_and_environment(tmp_path):
    state, stderr = _probe(tmp_path, None)
    assert state == {"level": 20, "backend": None, "filters": 0}
    assert stderr == ""
    assert not (tmp_path / ".dgl").exists()


def test_import_keeps_a_users_backend_setting(tmp_path):
    state, _ = _probe(tmp_path, "pytorch")
    assert state["backend"] == "pytorch"
