#!/usr/bin/env python3
"""Checks the generated man page: a section for every command the CLI has, an EXIT STATUS
section, and groff reading it without a warning.   check-man.py PAGE SHOPDESK-CLI"""
import re
import shutil
import subprocess
import sys

page_path, cli = sys.argv[1:3]
page = open(page_path, encoding="utf-8").read()
env = {"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"}
top = subprocess.run([cli, "--help"], capture_output=True, text=True, env=env).stdout
commands = re.findall(r"^  (\S+)\s{2,}", top, flags=re.M)
failures = []
if not commands:
    failures.append("shopdesk-cli --help lists no commands")
for name in commands:
    if f".SS {name.replace('-', chr(92) + '-')}\n" not in page:
        failures.append(f"no section for the command {name}")
    for option in set(re.findall(r"--[a-z][a-z0-9-]*",
                                 subprocess.run([cli, name, "--help"], capture_output=True,
                                                text=True, env=env).stdout)):
        if option != "--help" and option.replace("-", "\\-") not in page:
            failures.append(f"{name}: option {option} is missing")
for section in ("NAME", "SYNOPSIS", "EXIT STATUS", "EXAMPLES"):
    if f".SH {section}\n" not in page:
        failures.append(f"no {section} section")
if shutil.which("groff"):
    r = subprocess.run(["groff", "-k", "-man", "-ww", "-z", "-Tutf8", page_path], capture_output=True, text=True)
    if r.stderr.strip():
        failures.append("groff warns: " + r.stderr.strip().splitlines()[0])
print("1..1")
if failures:
    print("not ok 1 - man page")
    for f in failures:
        print("# " + f)
    sys.exit(1)
print(f"ok 1 - man page ({len(commands)} commands)")
