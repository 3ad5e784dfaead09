#!/usr/bin/env python3
"""Fails when po/ is not complete: a source file with translatable strings missing from
POTFILES, a job's title or progress text not marked for translation, zh_CN missing from
LINGUAS, a msgid of the freshly extracted template untranslated or fuzzy in a language's .po,
or `msgfmt --check` rejecting a .po."""
import os
import re
import subprocess
import sys
import tempfile

srcdir = sys.argv[1]
po_dir = os.path.join(srcdir, 'po')
failures = []

# Same keywords and flags as meson's i18n 'glib' preset, so this sees what shopdesk-pot sees.
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format',
]

with open(os.path.join(po_dir, 'POTFILES')) as f:
    potfiles = [l.strip() for l in f if l.strip() and not l.startswith('#')]
with open(os.path.join(po_dir, 'LINGUAS')) as f:
    linguas = [w for l in f if not l.startswith('#') for w in l.split()]

for p in potfiles:
    if not os.path.exists(os.path.join(srcdir, p)):
        failures.append(f'po/POTFILES names {p}, which does not exist')

marker = re.compile(r'(?<![A-Za-z0-9_])(N?C?_|ngettext|g_dngettext)\s*\(|translatable="yes"')
for top in ('src', 'ui', 'data'):
    for dirpath, _, names in os.walk(os.path.join(srcdir, top)):
        for name in sorted(names):
            if not re.search(r'\.(c|ui|in|gschema\.xml)$', name):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, srcdir)
            with open(path, encoding='utf-8', errors='replace') as f:
                text = f.read()
            is_translatable = (marker.search(text) is not None or
                               (name.endswith(('.desktop.in', '.metainfo.xml.in', '.gschema.xml'))))
            if is_translatable and rel not in potfiles:
                failures.append(f'{rel} has translatable strings but is not in po/POTFILES')

# A job's title and progress text show in the window's job list, so they are translated
# (the CLI's own jobs print nothing of theirs).
job_text = re.compile(r'\bsd_job_(?:new|set_progress)\s*\((?:[^;"]*?,\s*)?"')
for top in ('src/core', 'src/app'):
    for dirpath, _, names in os.walk(os.path.join(srcdir, top)):
        for name in sorted(n for n in names if n.endswith('.c')):
            path = os.path.join(dirpath, name)
            with open(path, encoding='utf-8', errors='replace') as f:
                for number, line in enumerate(f, 1):
                    if job_text.search(line):
                        failures.append(f'{os.path.relpath(path, srcdir)}:{number}: a job\'s text not marked '
                                        f'for translation: {line.strip()}')

if 'zh_CN' not in linguas:
    failures.append('po/LINGUAS does not list zh_CN')

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, 'shopdesk.pot')
    subprocess.run(['xgettext', *XGETTEXT_ARGS, '--directory=' + srcdir,
                    '--files-from=' + os.path.join(po_dir, 'POTFILES'), '-o', pot],
                   check=True)
    for lang in linguas:
        po = os.path.join(po_dir, lang + '.po')
        if not os.path.exists(po):
            failures.append(f'po/LINGUAS lists {lang} but po/{lang}.po does not exist')
            continue
        check = subprocess.run(['msgfmt', '--check', '-o', os.devnull, po],
                               capture_output=True, text=True)
        if check.returncode != 0:
            failures.append(f'msgfmt --check po/{lang}.po:\n{check.stderr}')
        merged = os.path.join(tmp, lang + '.po')
        subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot],
                       check=True)
        for what, flag in (('untranslated', '--untranslated'), ('fuzzy', '--only-fuzzy')):
            out = subprocess.run(['msgattrib', flag, '--no-obsolete', '--no-wrap', merged],
                                 capture_output=True, text=True, check=True).stdout
            ids = [m.replace('"\n"', '') for m in
                   re.findall(r'^msgid (".*"(?:\n".*")*)', out, re.M) if m != '""']
            if ids:
                listing = '\n'.join('  ' + i for i in ids[:40])
                failures.append(f'{len(ids)} {what} message(s) in po/{lang}.po '
                                f'(run `meson compile -C build shopdesk-update-po`):\n{listing}')

for f in failures:
    print('FAIL:', f)
if not failures:
    print(f'{len(potfiles)} files in POTFILES; every message translated in {", ".join(linguas)}')
sys.exit(1 if failures else 0)
