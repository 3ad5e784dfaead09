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
