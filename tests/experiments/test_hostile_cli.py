"""Numbers and paths on the command line (issue 10, items 5-7): one verbatim line, exit 2,
nothing left behind."""
import os

import pytest

from depthlab.experiments.cli import main
from depthlab.tasks import load_task
from tests.hostile import run_cli


def test_markup_in_a_message_prints_verbatim(tmp_path):
    strange = tmp_path / "a[/]b[[task]]"
    result = run_cli("describe", str(strange))
    result.assert_refused(f"{strange}/meta.json not found")


def test_long_messages_stay_on_one_line(tmp_path):
    deep = tmp_path / ("x" * 150)
    run_cli("describe", str(deep)).assert_refused(str(deep))


def _leftovers(directory):
    return sorted(p.name for p in directory.iterdir())


def test_existing_output_is_refused_unless_force(tmp_path):
    out = tmp_path / "ds"
    assert main(["generate", "tree-neighbors-match", "--radius", "2", "--out", str(out), "--json"]) == 0
    before = (out / "arrays.npz").read_bytes()
    result = run_cli("generate", "tree-neighbors-match", "--radius", "3", "--out", str(out))
    result.assert_refused(f"{out} already exists", "--force")
    assert (out / "arrays.npz").read_bytes() == before
    assert main(["generate", "tree-neighbors-match", "--radius", "3", "--out", str(out),
                 "--force", "--json"]) == 0
    assert load_task(out).required_radius == 3
    assert _leftovers(tmp_path) == ["ds"] and _leftovers(out) == ["arrays.npz", "meta.json"]


def test_force_never_replaces_a_directory_that_is_not_a_dataset(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    run_cli("generate", "tree-neighbors-match", "--radius", "2", "--out", str(tmp_path),
            "--force").assert_refused("not a previous --out dataset")
    assert _leftovers(tmp_path) == ["notes.txt"]


def test_empty_out_is_an_error():
    run_cli("generate", "tree-neighbors-match", "--radius", "2", "--out", "").assert_refused(
        "--out dataset path '' is empty")


def test_unwritable_out_is_one_line(tmp_path):
    (tmp_path / "file").write_text("in the way")
    run_cli("generate", "tree-neighbors-match", "--radius", "2", "--out",
            str(tmp_path / "file" / "ds")).assert_refused(f"cannot write {tmp_path / 'file' / 'ds'}")
    assert _leftovers(tmp_path) == ["file"]


def test_failed_save_leaves_nothing(tmp_path, monkeypatch, capsys):
    import numpy as np

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np.lib.format, "write_array", disk_full)
    out = tmp_path / "ds"
    assert main(["generate", "tree-neighbors-match", "--radius", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"cannot write {out}: No space left on device" in err and "Traceback" not in err
    assert _leftovers(tmp_path) == []


def test_interrupted_save_leaves_nothing(tmp_path, monkeypatch, capsys):
    import numpy as np

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, "write_array", interrupt)
    assert main(["generate", "tree-neighbors-match", "--radius", "2", "--out", str(tmp_path / "ds")]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("args, fragment", [
    (["--memory-budget", "inf"], "--memory-budget=inf is out of range"),
    (["--memory-budget", "nan"], "--memory-budget=nan is out of range"),
    (["--memory-budget", "-1"], "--memory-budget=-1.0 is out of range"),
    (["--radius", "1e20"], "radius='1e20' is invalid"),
    (["--max-examples", "1e400"], "max_examples='1e400' is invalid"),
    (["--train-fraction", "nan"], "train_fraction=nan is out of range"),
])
def test_generate_numbers_are_refused(args, fragment, capsys):
    assert main(["generate", "tree-neighbors-match", *args]) == 2
    err = capsys.readouterr().err
    assert fragment in err and len(err.strip().splitlines()) == 1


def test_report_output_is_written_atomically(tmp_path, monkeypatch):
    from depthlab.tasks.atomic_files import write_text_atomic

    target = tmp_path / "report.md"
    write_text_atomic(target, "old\n")
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(OSError, match=f"cannot write {target}: No space left on device"):
        write_text_atomic(target, "new\n")
    assert target.read_text() == "old\n" and _leftovers(tmp_path) == ["report.md"]


@pytest.mark.parametrize("field, fragment", [
    ("depth = 100000000000000000000", "depth=100000000000000000000 is invalid: expected an int in [0, 100000]"),
    ("depth = 2\nwidth = inf", "width=inf is invalid"),
    ("depth = 2\nwidth = nan", "width=nan is invalid"),
])
def test_spec_numbers_are_refused(tmp_path, field, fragment):
    spec = tmp_path / "s.toml"
    body = f'[[task]]\nname = "tree-neighbors-match"\nparams = {{ radius = 2 }}\n[[model]]\nfamily = "gin"\n{field}\n'
    if "width" not in field:
        body += "width = 8\n"
    spec.write_text(body + "[train]\nepochs = 1\n")
    run_cli("sweep", str(spec), "--db", str(tmp_path / "r.db")).assert_refused(fragment)
    assert not (tmp_path / "r.db").exists()


@pytest.mark.parametrize("args, fragment", [
    (["--depth", "100000000000000000000"], "depth=100000000000000000000 is invalid"),
    (["--train", "lr=nan"], "lr=nan is out of range"),
    (["--train", "epochs=1e20"], "epochs="),
    (["--param", "radius=1e20"], "radius="),
])
def test_train_numbers_are_refused(args, fragment):
    run_cli("train", "--task", "tree-neighbors-match", "--param", "radius=2", "--model", "gin",
            *args).assert_refused(fragment)


def test_theory_and_sweep_bounds(tmp_path):
    run_cli("theory", "bottleneck", "--radius", "100000000000000000000").assert_refused(
        "radius=100000000000000000000 is invalid: expected an int in [1, 4096]")
    run_cli("sweep", "quick", "--workers", "100000000000000000000", "--db",
            str(tmp_path / "r.db")).assert_refused("workers=100000000000000000000 is out of range")
    assert not (tmp_path / "r.db").exists()
