import numpy as np
import pytest

from depthlab.tasks.dataset import TaskDataset


def test_sizes_and_metadata(tiny_dataset):
    ds = tiny_dataset
    assert (ds.num_graphs, ds.num_nodes, ds.num_edges, len(ds)) == (3, 9, 6, 3)
    assert ds.required_radius == 3
    assert ds.split_sizes() == {"train": 2, "val": 0, "test": 1}
    assert ds.split_indices("train").tolist() == [0, 1]
    assert ds.chance_accuracy("train") == 0.5
    summary = ds.summary()
    assert summary["radius_min"] == 1 and summary["radius_max"] == 3
    assert "tiny" in repr(ds)


def test_graph_arrays_are_local(tiny_dataset):
    src, dst, x = tiny_dataset.graph_arrays(2)
    assert src.tolist() == [1, 2, 3] and dst.tolist() == [0, 1, 2]
    assert len(x) == 4
    assert tiny_dataset.local_target(2) == 0


def test_to_networkx_keeps_structure_and_features(tiny_dataset):
    graph = tiny_dataset.to_networkx(2)
    assert sorted(graph.edges) == [(1, 0), (2, 1), (3, 2)]
    assert graph.nodes[3]["x"] == tuple(tiny_dataset.x[8].tolist())
    assert graph.graph == {"target": 0, "label": 2, "radius": 3}


def test_bad_split_name(tiny_dataset):
    with pytest.raises(ValueError, match="split='dev'"):
        tiny_dataset.split_indices("dev")


@pytest.mark.parametrize("change, message", [
    ({"level": "edge"}, "level"),
    ({"src": np.array([1, 2, 4, 6, 7])}, "edge_ptr ends at 6: expected len.src. = 5"),
    ({"y": np.array([1, 0, 3])}, r"array y entry 2 is 3, outside \[0, 3\)"),
    ({"radius": np.array([1, 1])}, "equal lengths"),
])
def test_inconsistent_arrays_are_refused(tiny_dataset, change, message):
    fields = {k: getattr(tiny_dataset, k) for k in (
        "name", "params", "seed", "level", "num_classes", *tiny_dataset.arrays())}
    fields.update(change)
    with pytest.raises(ValueError, match=message):
        TaskDataset(**fields)


def test_graph_level_needs_no_targets(tiny_graph_dataset):
    assert (tiny_graph_dataset.target == -1).all()
    assert tiny_graph_dataset.local_target(0) == -1


def test_extras_and_info_are_saved_and_loaded(tiny_dataset, tmp_path):
    from dataclasses import replace

    from depthlab.tasks import load_task

    ds = replace(tiny_dataset, extras={"score": np.array([0.5, 1.5, 2.5]),
                                       "pairs": np.array([[0, 1], [3, 4]])},
                 info={"made_by": "hand", "counts": [1, 2]})
    assert list(ds.arrays())[-2:] == ["extra.pairs", "extra.score"]
    assert ds.summary()["extras"] == {"score": {"min": 0.5, "max": 2.5}}
    ds.save(tmp_path)
    back = load_task(tmp_path)
    assert back.info == ds.info and back.extras.keys() == ds.extras.keys()
    assert all(np.array_equal(back.extras[k], v) for k, v in ds.extras.items())


def test_non_numeric_extras_are_refused(tiny_dataset):
    from dataclasses import replace

    with pytest.raises(ValueError, match="extra 'names' must be a numeric numpy array"):
        replace(tiny_dataset, extras={"names": np.array(["a", "b", "c"])})
