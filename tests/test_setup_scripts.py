"""Set-up finds a Python 3.10 interpreter itself, and says clearly when there is none."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIND = ROOT / "scripts" / "find_python.sh"


def _find(env):
    return subprocess.run(["bash", str(FIND)], env=env, capture_output=True, text=True)


def test_finds_a_python_310():
    found = _find({"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "SSP_PYTHON": ""})
    assert found.returncode == 0, found.stderr
    version = subprocess.run([found.stdout.strip(), "-c", "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True).stdout
    assert version.strip() == "(3, 10)"


def test_no_python_310_gives_a_clear_error(tmp_path):
    missing = _find({"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert missing.returncode == 1 and missing.stdout == ""
    assert "needs Python 3.10" in missing.stderr and "SSP_PYTHON" in missing.stderr
