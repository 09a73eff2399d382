"""The class benchmark's pieces that need no hub: its summary, N, and memory readings."""

import json
import os

import pytest

import bench_class

MIB = 2**20


def test_summary_counts_ready_and_failed_and_takes_median_and_slowest():
    starts = {"a": 10.0, "b": 30.0, "c": None, "d": 20.0, "e": 50.0}
    summary = bench_class.summarize(6, starts)
    assert summary["learners"] == 6
    # "c" failed, and the sixth learner never got an answer: failed too.
    assert summary["ready"] == 4 and summary["failed"] == 2
    assert summary["median_start_s"] == 25.0
    assert summary["slowest_start_s"] == 50.0
    assert summary["fastest_start_s"] == 10.0


def test_summary_of_a_class_where_nothing_started():
    summary = bench_class.summarize(3, {"a": None})
    assert summary["ready"] == 0 and summary["failed"] == 3
    assert summary["median_start_s"] is None and summary["slowest_start_s"] is None
    assert summary["idle_server_mib"] is None


def test_memory_is_the_median_server_in_mib_pss_first():
    servers = [
        {"pss": 90 * MIB, "rss": 120 * MIB, "uss": 80 * MIB},
        {"pss": 100 * MIB, "rss": 130 * MIB, "uss": 85 * MIB},
        {"pss": 300 * MIB, "rss": 330 * MIB, "uss": 290 * MIB},
    ]
    graders = [{"pss": 110 * MIB, "rss": 140 * MIB, "uss": 100 * MIB}]
    summary = bench_class.summarize(3, {"a": 1.0, "b": 2.0, "c": 3.0}, servers, graders)
    assert summary["idle_server_mib"] == 100.0
    assert summary["idle_server_rss_mib"] == 130.0
    assert summary["idle_server_uss_mib"] == 85.0
    assert summary["idle_formgrader_mib"] == 110.0 and summary["formgraders"] == 1
    assert summary["visited_server_mib"] is None


def test_servers_whose_course_page_was_opened_are_measured_apart():
    idle = [{"pss": 80 * MIB, "rss": 95 * MIB, "uss": 79 * MIB}]
    visited = [{"pss": 92 * MIB, "rss": 110 * MIB, "uss": 91 * MIB}]
    summary = bench_class.summarize(1, {"a": 1.0}, idle, visited_memory=visited)
    assert summary["idle_server_mib"] == 80.0
    assert summary["visited_server_mib"] == 92.0 and summary["visited_server_rss_mib"] == 110.0


def test_summary_is_one_line_of_json():
    summary = bench_class.summarize(2, {"a": 1.26, "b": 2.0}, extra={"cores": 2})
    line = json.dumps(summary)
    assert "\n" not in line and json.loads(line)["cores"] == 2
    assert json.loads(line)["median_start_s"] == 1.6


@pytest.mark.parametrize(
    ("arg", "environ", "expected"),
    [
        (None, {}, 100),
        (None, {"ISOKO_BENCH_LEARNERS": "20"}, 20),
        (5, {"ISOKO_BENCH_LEARNERS": "20"}, 5),
    ],
)
def test_learner_count_from_argument_then_environment_then_100(arg, environ, expected):
    assert bench_class.learner_count(arg, environ) == expected


@pytest.mark.parametrize("text", ["many", "0", "-3"])
def test_a_bad_learner_count_is_refused(text):
    with pytest.raises(ValueError, match="ISOKO_BENCH_LEARNERS|between"):
        bench_class.learner_count(None, {"ISOKO_BENCH_LEARNERS": text})


SMAPS_ROLLUP = """\
55d0c0a00000-7ffd2b7fe000 ---p 00000000 00:00 0                          [rollup]
Rss:              131072 kB
Pss:              104448 kB
Pss_Dirty:         90112 kB
Shared_Clean:      26624 kB
Shared_Dirty:          0 kB
Private_Clean:     10240 kB
Private_Dirty:     92160 kB
Swap:                  0 kB
"""


def test_smaps_rollup_gives_rss_pss_and_uss_in_bytes():
    measured = bench_class.parse_smaps_rollup(SMAPS_ROLLUP)
    assert measured == {"rss": 128 * MIB, "pss": 102 * MIB, "uss": 100 * MIB}


def test_memory_of_this_process_is_measured():
    measured = bench_class.memory_of([os.getpid()])
    assert 0 < measured["uss"] <= measured["pss"] <= measured["rss"]
