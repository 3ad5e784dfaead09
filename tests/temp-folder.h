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

/* A test's own shop path in a temporary folder (the file is made by the code under test,
 * shopdesk-cli say): the fixture for g_test_add, set up and torn down around each test. */
typedef struct {
  char *dir;
  char *db;
} TempShop;

static G_GNUC_UNUSED void
temp_shop_set_up (TempShop      *f,
                  gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("sd-test-shop-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
  f->db = g_build_filename (f->dir, "shop.sqlite", NULL);
}

static G_GNUC_UNUSED void
temp_shop_tear_down (TempShop      *f,
                     gconstpointer  data)
{
  /* a test may have made its folder read-only */
  g_chmod (f->dir, 0700);
  temp_folder_remove (f->dir);
  g_free (f->db);
  g_free (f->dir);
}
