import numpy as np
import pytest

from depthlab.theory.graph_input import message_graph, read_edge_list, simple_adjacency


def test_read_edge_list_skips_comments_and_blank_lines(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_text("# a comment\n0 1\n\n  2\t3  \n1 2\n")
    edges = read_edge_list(path)
    assert edges.u.tolist() == [0, 2, 1] and edges.v.tolist() == [1, 3, 2]
    assert edges.line.tolist() == [2, 4, 5]


@pytest.mark.parametrize("text,message", [("0 1\n1 2 3\n", "line 2: expected two integers"),
                                          ("0 1\n1 x\n", "line 2: expected two integers"),
                                          ("0 -1\n", "line 1: node ids must lie in \\[0, 9223372036854775807\\]")])
def test_read_edge_list_names_the_bad_line(tmp_path, text, message):
    path = tmp_path / "edges.txt"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_edge_list(path)


def test_read_edge_list_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        read_edge_list(tmp_path / "none.txt")


def test_simple_adjacency_drops_loops_and_repeats():
    matrix = simple_adjacency(np.array([0, 1, 2, 0]), np.array([1, 0, 2, 2]), 3)
    assert matrix.toarray().tolist() == [[0, 1, 1], [1, 0, 0], [1, 0, 0]]


def test_message_graph_checks_its_input():
    src, dst, x = message_graph(([0, 1], [1, 2], np.zeros(3)))
    assert x.shape == (3, 1) and src.dtype == np.int64
    with pytest.raises(ValueError, match="equal length"):
        message_graph((np.array([0, 1]), np.array([1]), np.zeros(3)))
    with pytest.raises(ValueError, match="x must be"):
        message_graph((np.array([0]), np.array([1]), np.zeros((3, 1, 1))))
