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


def test_debian_packages_whose_program_is_present_are_not_installed(tmp_path):
    """scripts/install_debian_packages.sh (set-up of the tests, the scaled run and the benchmark): a package whose
    program exists is left alone; a missing one is named and handed to apt-get (here a stand-in on PATH records the
    call, so the test needs no network and no root)."""
    script = ROOT / "scripts" / "install_debian_packages.sh"
    present = subprocess.run(["bash", str(script), "coreutils=/bin/ls", "bash=/bin/bash"], capture_output=True,
                             text=True)
    assert present.returncode == 0 and present.stdout == "" and present.stderr == ""
    calls = tmp_path / "calls"
    for tool, body in (("apt-get", f'echo "apt-get $*" >> {calls}'), ("sudo", 'exec "$@"')):
        (tmp_path / tool).write_text(f"#!/bin/sh\n{body}\n")
        (tmp_path / tool).chmod(0o755)
    missing = subprocess.run(["bash", str(script), "no-such-package=/nonexistent/prog", "coreutils=/bin/ls"],
                             capture_output=True, text=True, env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
    assert missing.returncode == 0, missing.stderr
    assert "installing Debian packages: no-such-package" in missing.stdout
    assert "install -y -qq no-such-package" in calls.read_text() and "coreutils" not in calls.read_text()
