#!/usr/bin/env python3
"""Checks the Flatpak manifest: valid JSON, every module the build needs, no broad
filesystem access, and the same application id as the desktop file, metainfo and schema."""
import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
app_id = sys.argv[2]
failures = []

manifest_path = root / "flatpak" / f"{app_id}.json"
try:
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
except (OSError, json.JSONDecodeError) as e:
    print(f"not ok - {manifest_path}: {e}")
    sys.exit(1)

if manifest.get("id") != app_id:
    failures.append(f"manifest id {manifest.get('id')!r} is not {app_id!r}")
if manifest.get("command") != "shopdesk":
    failures.append("manifest command is not shopdesk")
if not manifest.get("runtime", "").startswith("org.gnome."):
    failures.append("the runtime is not the GNOME runtime")

modules = {m.get("name"): m for m in manifest.get("modules", []) if isinstance(m, dict)}
# SQLite, GTK, libadwaita, GLib and zlib come with the GNOME runtime; OpenBLAS does not.
for needed in ("openblas", "shopdesk"):
    if needed not in modules:
        failures.append(f"no module {needed!r}")
if "shopdesk" in modules and modules["shopdesk"].get("buildsystem") != "meson":
    failures.append("shopdesk is not built with meson")
names = list(modules)
if "openblas" in names and "shopdesk" in names and names.index("openblas") > names.index("shopdesk"):
    failures.append("openblas must be built before shopdesk")

# GNOME runtimes get about a year of updates; by the end of 2026, 48 and older are end-of-life.
try:
    if int(str(manifest.get("runtime-version", "0"))) < 49:
        failures.append(f"runtime-version {manifest.get('runtime-version')} is end-of-life")
except ValueError:
    failures.append(f"runtime-version {manifest.get('runtime-version')!r} is not a GNOME release")

# Every source the build fetches is pinned: a git source by commit, an archive by checksum.
for module in modules.values():
    for source in module.get("sources", []):
        kind = source.get("type")
        if kind == "git" and not source.get("commit"):
            failures.append(f"module {module.get('name')!r}: git source not pinned by commit")
        if kind in ("archive", "file") and not source.get("sha256"):
            failures.append(f"module {module.get('name')!r}: {kind} source without sha256")

# The runtime has no LAPACK and no Fortran compiler: OpenBLAS must build its C LAPACK, since
# meson takes LAPACK from libopenblas when it has it.
if "openblas" in modules:
    commands = " ".join(modules["openblas"].get("build-commands", []))
    if "C_LAPACK=1" not in commands or "NOFORTRAN=1" not in commands or "netlib" not in commands:
        failures.append("openblas is not built with its C LAPACK (NOFORTRAN=1 C_LAPACK=1 ... netlib)")

# SQLite keeps -wal and -shm files beside a shop, which the document portal cannot give:
# shops live in a folder the sandbox can write (see the README's Flatpak section).
if "--filesystem=xdg-documents/Shopdesk:create" not in manifest.get("finish-args", []):
    failures.append("no writable Documents/Shopdesk folder for shops (WAL needs files beside the shop)")

for arg in manifest.get("finish-args", []):
    if arg.startswith("--filesystem=") and arg.split("=", 1)[1].split(":")[0] in ("home", "host", "host-os", "~"):
        failures.append(f"finish-arg {arg} is broader than the app needs (files come through the portal)")

for path, needle in ((root / "data" / f"{app_id}.desktop.in", f"Icon={app_id}"),
                     (root / "data" / f"{app_id}.metainfo.xml.in", f"<id>{app_id}</id>"),
                     (root / "data" / f"{app_id}.gschema.xml", f'id="{app_id}"'),
                     (root / "meson.build", f"app_id = '{app_id}'")):
    if needle not in path.read_text(encoding="utf-8"):
        failures.append(f"{path.name} does not name {app_id}")

print("1..1")
if failures:
    print("not ok 1 - flatpak manifest")
    for f in failures:
        print(f"# {f}")
    sys.exit(1)
print("ok 1 - flatpak manifest")
