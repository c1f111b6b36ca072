"""Audit the installed Python packages for known vulnerabilities with pip-audit.

Fails on any known vulnerability. pip-audit reads advisories from PyPI's JSON API; where that
service cannot be reached (this workplace reaches only PyPI's package index), every package comes
back "could not be audited": say so loudly instead of printing pip-audit's "No known
vulnerabilities found", which would claim a check that did not happen.
"""

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main():
    run = subprocess.run(  # noqa: S603 (our own venv's pip-audit, fixed arguments)
        [str(PIP_AUDIT), "--progress-spinner", "off", "--format", "json"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(run.stdout, run.stderr, sep="\n")
        print("pip-audit gave no report", file=sys.stderr)
        return 1
    packages = report["dependencies"]
    vulnerable = [p for p in packages if p.get("vulns")]
    skipped = [p for p in packages if p.get("skip_reason")]
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            print(f"VULNERABLE {package['name']} {package['version']}: {vuln['id']} (fixed in {fixes})")
    audited = len(packages) - len(skipped)
    print(f"pip-audit: {audited} of {len(packages)} packages audited, {len(vulnerable)} with known vulnerabilities")
    if skipped:
        print(f"WARNING: {len(skipped)} packages could not be audited (advisory service unreachable?): "
              + ", ".join(p["name"] for p in skipped[:10]) + (" …" if len(skipped) > 10 else ""))
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
