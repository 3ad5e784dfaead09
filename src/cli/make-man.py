#!/usr/bin/env python3
"""Writes shopdesk-cli's man page from the program's own --help texts, at build time, so the
page lists every command and option the binary really has.
   make-man.py SHOPDESK-CLI VERSION OUT.1"""
import re
import subprocess
import sys

cli, version, out = sys.argv[1:4]
env = {"LC_ALL": "C.UTF-8", "LANGUAGE": "", "PATH": "/usr/bin:/bin"}


def run(*args):
    return subprocess.run([cli, *args], capture_output=True, text=True, env=env).stdout


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return re.sub(r"^([.'])", r"\\&\1", text, flags=re.M)


top = run("--help")
commands = []
for line in top.splitlines():
    m = re.match(r"^  (\S+)\s{2,}(.*)$", line)
    if m:
        commands.append((m.group(1), m.group(2)))
if not commands:
    sys.exit("make-man.py: no commands in shopdesk-cli --help")

page = [
    f'.TH SHOPDESK\\-CLI 1 "" "Shopdesk {version}" "User Commands"',
    ".ad l",
    ".SH NAME",
    "shopdesk\\-cli \\- Shopdesk's shop database, models, coupons and chatbot from a terminal",
    ".SH SYNOPSIS",
    ".B shopdesk\\-cli",
    "[\\fB\\-\\-db\\fR \\fISHOP.sqlite\\fR] \\fICOMMAND\\fR [\\fIOPTION\\fR...]",
    ".SH DESCRIPTION",
    "Everything the Shopdesk window computes, for scripts and machines without a display: "
    "imports shop exports into a SQLite shop, trains and evaluates recommendation models, "
    "previews coupon rules and talks to the customer-service chatbot. Without \\fB\\-\\-db\\fR the "
    "demo shop in the user data directory is used. Only \\fBimport\\fR and \\fBdemo\\fR create a "
    "shop that does not exist yet.",
    ".SH COMMANDS",
]
for name, summary in commands:
    page += [f".SS {roff(name)}", roff(summary) + "."]
    help_text = run(name, "--help")
    usage = re.search(r"Usage:\n\s+(.*)", help_text)
    if usage:
        page += [".PP", ".B " + roff(usage.group(1).strip())]
    options = re.split(r"\n(?=Application Options:)", help_text, maxsplit=1)
    if len(options) == 2:
        for line in options[1].splitlines()[1:]:
            m = re.match(r"^\s+(-\S.*?)\s{2,}(.*)$", line)
            if m:
                page += [".TP", "\\fB" + roff(m.group(1)) + "\\fR", roff(m.group(2))]
            elif line.strip() and page[-1] != ".TP":
                page[-1] += " " + roff(line.strip())
page += [
    ".SH EXIT STATUS",
    ".TP", "0", "Success.",
    ".TP", "1", "The work failed as a whole (a bad file, a shop that cannot be opened); nothing changed.",
    ".TP", "2", "Bad usage: an unknown command or option, or a parameter out of range.",
    ".TP", "3", "Some rows of an import were rejected (listed with \\fB\\-\\-rejects\\fR); the rest were imported.",
    ".TP", "130, 143", "Interrupted (Ctrl+C) or terminated; a cancelled import or training changes nothing.",
    ".SH ENVIRONMENT",
    ".TP", "OPENBLAS_NUM_THREADS", "Threads for the linear algebra of model training.",
    ".SH FILES",
    ".TP", "\\fI$XDG_DATA_HOME/shopdesk/demo\\-shop.sqlite\\fR",
    "The demo shop, used when no \\fB\\-\\-db\\fR is given.",
    ".SH EXAMPLES",
    ".nf",
    "shopdesk\\-cli \\-\\-db shop.sqlite import \\-\\-rejects rejects.csv online_retail.csv.gz",
    "shopdesk\\-cli \\-\\-db shop.sqlite stats \\-\\-json",
    "shopdesk\\-cli \\-\\-db shop.sqlite train \\-\\-model als \\-\\-validate",
    "shopdesk\\-cli \\-\\-db shop.sqlite recommend \\-\\-customer 12347",
    "echo 'where is my order?' | shopdesk\\-cli \\-\\-db shop.sqlite chat \\-\\-customer 12347",
    ".fi",
    ".SH SEE ALSO",
    "\\fBshopdesk\\fR(1) opens the same shops in a window; its README documents every import format.",
]
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(page) + "\n")
