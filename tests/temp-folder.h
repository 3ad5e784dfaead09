/* temp-folder.h — removing a test's temporary folder (made by g_dir_make_tmp) and the files
 * the test left in it, one level deep: shops, their -wal and -shm files, exports. */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

static G_GNUC_UNUSED void
temp_folder_remove (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_remove (file);
    }
  g_rmdir (path);
}
