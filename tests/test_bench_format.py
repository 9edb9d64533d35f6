"""bench/turn_profile.py's table: given numbers in, the expected ms/turn, shares and order out."""
import importlib.util
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location(
    "turn_profile", Path(__file__).resolve().parent.parent / "bench" / "turn_profile.py")
turn_profile = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(turn_profile)  # type: ignore[union-attr]


def test_format_table_ms_per_turn_share_cpu_and_order():
    # 10 turns: 0.3 s wall (0.25 s CPU) of NLU -> 30 ms/turn, 75 %, 25 CPU ms;
    # 0.1 s wall (0.02 s CPU) of tracker writes over 20 calls -> 10 ms, 25 %, 2 CPU ms, 2 calls/turn
    table = turn_profile.format_table([("tracker store: write", 0.1, 0.02, 20), ("NLU: DIET", 0.3, 0.25, 10)],
                                      turns=10)
    lines = table.splitlines()
    assert lines[0].split() == ["stage", "ms/turn", "share", "CPU", "ms", "calls/turn"]
    assert lines[2].split() == ["NLU:", "DIET", "30.00", "75.0%", "25.00", "1.0"]  # largest first
    assert lines[3].split() == ["tracker", "store:", "write", "10.00", "25.0%", "2.00", "2.0"]
    assert lines[-1].split() == ["TOTAL", "40.00", "100.0%", "27.00"]


def test_format_table_without_turns_or_time():
    lines = turn_profile.format_table([("idle", 0.0, 0.0, 0)], turns=0).splitlines()
    assert lines[2].split() == ["idle", "0.00", "0.0%", "0.00", "0.0"]
    assert lines[-1].split() == ["TOTAL", "0.00", "0.0%", "0.00"]
