/* empty-shop.h — a test's own empty shop in a temporary folder, and asking it one value
 *
 * The fixture for g_test_add (EmptyShop, set up and torn down around each test), and
 * empty_shop_int / empty_shop_text for the test's own SQL against what the code wrote.
 */
#pragma once

#include <glib/gstdio.h>

#include "sd-store.h"
#include "temp-folder.h"

typedef struct {
  char    *dir;
  char    *path;
  SdStore *store;
} EmptyShop;

static G_GNUC_UNUSED void
empty_shop_set_up (EmptyShop     *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sd-test-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
}

static G_GNUC_UNUSED void
empty_shop_tear_down (EmptyShop     *f,
                      gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  temp_folder_remove (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static G_GNUC_UNUSED sqlite3_stmt *
empty_shop_row (EmptyShop  *f,
                const char *sql)
{
  sqlite3_stmt *stmt;

  if (sqlite3_prepare_v2 (sd_store_get_db (f->store), sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (sd_store_get_db (f->store)));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return stmt;
}

static G_GNUC_UNUSED gint64
empty_shop_int (EmptyShop  *f,
                const char *sql)
{
  sqlite3_stmt *stmt = empty_shop_row (f, sql);
  gint64 value = sqlite3_column_int64 (stmt, 0);

  sqlite3_finalize (stmt);
  return value;
}

static G_GNUC_UNUSED char *
empty_shop_text (EmptyShop  *f,
                 const char *sql)
{
  sqlite3_stmt *stmt = empty_shop_row (f, sql);
  char *value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  sqlite3_finalize (stmt);
  return value;
}
