"""`rasa data validate`, failing on any warning that is not explained in scripts/validate_explained.yml.

Rasa cannot see responses that custom actions send by name, so it reports them as unused; each such
class of warning is listed with the reason it is expected. Anything else fails the build.
"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
# Python warnings ("…UserWarning: text") and logged ones ("… WARNING  rasa.validator  - text").
WARNING = re.compile(r"(?:(?:User|Future|Deprecation)Warning: (.+))|(?:\sWARNING\s+\S+\s+-\s+(.+))")


def main() -> int:
    explained = yaml.safe_load((ROOT / "scripts" / "validate_explained.yml").read_text(encoding="utf-8"))
    # no flags: config.yml, domain.yml and data/ are Rasa's defaults from the project root
    run = subprocess.run([str(Path(sys.executable).parent / "rasa"), "data", "validate"], cwd=ROOT,
                         capture_output=True, text=True)
    output = run.stdout + run.stderr
    warnings = sorted({(m.group(1) or m.group(2)).strip() for m in WARNING.finditer(output)})
    unexplained = []
    for warning in warnings:
        reason = next((e["why"] for e in explained if re.search(e["pattern"], warning)), None)
        if reason:
            print(f"explained: {warning}\n    why: {reason}")
        else:
            unexplained.append(warning)
    for warning in unexplained:
        print(f"UNEXPLAINED WARNING: {warning}")
    if run.returncode != 0:
        print(output[-3000:])
        print(f"rasa data validate failed (exit {run.returncode})")
        return 1
    print(f"rasa data validate: {len(warnings)} warning(s), {len(unexplained)} unexplained")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
