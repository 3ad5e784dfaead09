/* test-cli-stats.c — `shopdesk-cli stats`: its exact output on the fixture shop, and
 * another application's database refused as the window refuses it */
#include "config.h"

#include <locale.h>

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

typedef struct {
  char *dir;
  char *db;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("sd-cli-stats-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "shop.sqlite", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

/* Runs shopdesk-cli --db DB ARGS…; returns its exit status. */
static int
run_cli (const char  *db,
         char       **out,
         char       **err,
         ...)
{
  const char *cli = g_getenv ("SD_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = -1;
  const char *arg;
  va_list args;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db);
  va_start (args, err);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_fixture_shop (Fixture       *f,
                   gconstpointer  data)
{
  static const char *const fixtures[] = { "customers.csv", "products.csv", "orders.csv", "events.csv" };
  g_autofree char *out = NULL, *err = NULL, *json = NULL, *json_err = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fixtures); i++)
    {
      g_autofree char *path = g_build_filename (g_getenv ("SD_FIXTURES_DIR"), fixtures[i], NULL);
      g_autofree char *o = NULL, *e = NULL;
      g_assert_cmpint (run_cli (f->db, &o, &e, "import", path, NULL), ==, 0);
    }

  /* Revenue 2 × 39.90 + 15.00 + 39.90; a purchase event per order line. */
  g_assert_cmpint (run_cli (f->db, &out, &err, "stats", NULL), ==, 0);
  {
    /* Text for people follows their locale (134,70 in German), as the CLI's does. */
    g_autofree char *expected = g_strdup_printf (
                   "Customers               3\n"
                   "Products                2\n"
                   "Orders                  2\n"
                   "Order lines             3\n"
                   "Revenue      %12.2f\n"
                   "Events: view            1\n"
                   "Events: cart            1\n"
                   "Events: purchase        3\n"
                   "Events: review          1\n", 134.70);
    g_assert_cmpstr (out, ==, expected);
  }
  g_assert_cmpstr (err, ==, "");

  g_assert_cmpint (run_cli (f->db, &json, &json_err, "stats", "--json", NULL), ==, 0);
  g_assert_cmpstr (json, ==,
                   "{\"customers\":3,\"products\":2,\"orders\":2,\"order_lines\":3,"
                   "\"revenue_cents\":13470,\"events\":{\"view\":1,\"cart\":1,"
                   "\"purchase\":3,\"review\":1}}\n");
}

/* A mistyped --db names no shop: stats says so and creates nothing (only import and demo
 * make a shop). */
static void
test_new_shop (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *out = NULL, *err = NULL;

  g_assert_cmpint (run_cli (f->db, &out, &err, "stats", "--json", NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "No such shop"));
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_foreign_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "other-app.sqlite", NULL);
  g_autofree char *text = g_build_filename (f->dir, "notes.txt", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize before_len, after_len;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (other, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE bookmarks (url TEXT)", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  g_assert_true (g_file_get_contents (other, &before, &before_len, NULL));

  g_assert_cmpint (run_cli (other, &out, &err, "stats", NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "another application"));
  g_assert_true (g_file_get_contents (other, &after, &after_len, NULL));
  g_assert_cmpmem (before, before_len, after, after_len);

  g_assert_true (g_file_set_contents (text, "not a database at all, just some words\n", -1, NULL));
  g_assert_cmpint (run_cli (text, &out2, &err2, "stats", NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "not an SQLite database"));
}

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("SD_CLI") == NULL || !g_file_test (g_getenv ("SD_CLI"), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_message ("SD_CLI does not name shopdesk-cli");
      return 77;
    }

  g_test_add ("/cli-stats/fixture-shop", Fixture, NULL, fixture_set_up, test_fixture_shop, fixture_tear_down);
  g_test_add ("/cli-stats/new-shop", Fixture, NULL, fixture_set_up, test_new_shop, fixture_tear_down);
  g_test_add ("/cli-stats/foreign-files", Fixture, NULL, fixture_set_up, test_foreign_files, fixture_tear_down);

  return g_test_run ();
}
