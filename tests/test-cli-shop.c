/* test-cli-shop.c — `shopdesk-cli` on files that are not shops, damaged, read-only or
 * from a newer Shopdesk: refused unchanged, with a message and exit status 1 */
#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>
#include "cli-run.h"
#include "temp-folder.h"

typedef TempShop Fixture;

/* As root the CLI runs as nobody, who cannot write what root's modes keep to root. */
static void
become_nobody (gpointer data)
{
  if (setgid (65534) != 0 || setuid (65534) != 0)
    _exit (99);
}

/* A crash fails the test. */
#define run_cli(db, out, err, ...) cli_run_full ((db), NULL, (out), (err), __VA_ARGS__)

static void
make_demo_shop (const char *db)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (db, &out, &err, "demo", "--size", "200", NULL), ==, 0);
}

static GBytes *
file_bytes (const char *path)
{
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_bytes_new_take (contents, length);
}

static char *
fixture_file (const char *name)
{
  return g_build_filename (g_getenv ("SD_FIXTURES_DIR"), name, NULL);
}

static void
set_user_version (const char *db,
                  gint64      version)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version);
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
}

/* A schema version out of range used to crash `stats` (INT_MIN, -5) or run a string that
 * is no migration as SQL (-1). */
static void
test_schema_version (Fixture       *f,
                     gconstpointer  data)
{
  const gint64 versions[] = { G_MININT32, -5, -1, 99, G_MAXINT32 };

  make_demo_shop (f->db);
  for (guint v = 0; v < G_N_ELEMENTS (versions); v++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GBytes) before = NULL;
      g_autoptr(GBytes) after = NULL;

      set_user_version (f->db, versions[v]);
      before = file_bytes (f->db);
      g_assert_cmpint (run_cli (f->db, &out, &err, "stats", NULL), ==, 1);
      g_assert_nonnull (strstr (err, versions[v] < 0 ? "is damaged" : "made by a newer Shopdesk"));
      g_assert_cmpstr (out, ==, "");
      after = file_bytes (f->db);
      g_assert_true (g_bytes_equal (before, after));
    }
}

/* Another application's database is refused by reading and writing commands alike, and
 * left byte for byte as it was. */
static void
test_foreign_database (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->db, "-wal", NULL);
  g_autofree char *csv = fixture_file ("events.csv");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  sqlite3 *handle = NULL;
  const char *const commands[][4] = {
    { "stats", NULL },
    { "recommend", "--customer", "1", NULL },
    { "coupons", "list", NULL },
    { "import", csv, NULL },
    { "demo", NULL },
    { "train", "--model", "popularity", NULL },
  };

  g_assert_cmpint (sqlite3_open (f->db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL);"
                                         "INSERT INTO invoices (total) VALUES (12.5)", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (handle);
  before = file_bytes (f->db);

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_test_message ("shopdesk-cli %s", commands[c][0]);
      g_assert_cmpint (cli_run_argv (&(CliRun) { .db = f->db }, &out, &err, commands[c]), ==, 1);
      g_assert_nonnull (strstr (err, "another application, not a Shopdesk shop"));
    }
  after = file_bytes (f->db);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

/* A mistyped --db is "no such shop", and makes no empty shop; import and demo make one. */
static void
test_no_such_shop (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *csv = fixture_file ("events.csv");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *out3 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *out4 = NULL;
  g_autofree char *err4 = NULL;
  GStatBuf st;

  g_assert_cmpint (run_cli (f->db, &out, &err, "stats", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "No such shop"));
  g_assert_cmpstr (out, ==, "");
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));

  g_assert_cmpint (run_cli (f->db, &out2, &err2, "recommend", "--customer", "1", NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "No such shop"));
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));

  /* A zero-byte file is a shop only to import and demo. */
  g_assert_true (g_file_set_contents (f->db, "", 0, NULL));
  g_assert_cmpint (run_cli (f->db, &out3, &err3, "stats", NULL), ==, 1);
  g_assert_nonnull (strstr (err3, "empty file"));
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);

  g_assert_cmpint (run_cli (f->db, &out4, &err4, "import", csv, NULL), ==, 0);
  g_clear_pointer (&out4, g_free);
  g_clear_pointer (&err4, g_free);
  g_assert_cmpint (run_cli (f->db, &out4, &err4, "stats", "--json", NULL), ==, 0);
  g_assert_null (strstr (out4, "\"customers\":0,"));
}

/* A shop nobody may write: reading commands read it, writing ones say it is read-only
 * (not that it is no Shopdesk database, nor that a line of the CSV is wrong). */
static void
check_read_only (Fixture  *f,
                 gboolean  folder_too)
{
  g_autofree char *csv = fixture_file ("events.csv");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  /* as nobody where we are root */
  const CliRun unprivileged = { .db = f->db, .setup = geteuid () == 0 ? become_nobody : NULL };
  const char *const writers[][4] = {
    { "import", csv, NULL },
    { "demo", "--force", NULL },
    { "train", "--model", "popularity", NULL },
  };

  make_demo_shop (f->db);
  g_assert_cmpint (run_cli (f->db, &expected, &err, "stats", "--json", NULL), ==, 0);
  g_clear_pointer (&err, g_free);
  before = file_bytes (f->db);
  if (geteuid () == 0)
    {
      g_assert_cmpint (g_chmod (f->dir, folder_too ? 0755 : 0777), ==, 0);
      g_assert_cmpint (g_chmod (f->db, 0644), ==, 0);
    }
  else
    {
      g_assert_cmpint (g_chmod (f->db, 0444), ==, 0);
      g_assert_cmpint (g_chmod (f->dir, folder_too ? 0555 : 0755), ==, 0);
    }

  g_assert_cmpint (cli_run_as (&unprivileged, &out, &err, "stats", "--json", NULL), ==, 0);
  g_assert_cmpstr (out, ==, expected);
  for (guint c = 0; c < G_N_ELEMENTS (writers); c++)
    {
      g_autofree char *wout = NULL;
      g_autofree char *werr = NULL;

      g_test_message ("shopdesk-cli %s", writers[c][0]);
      g_assert_cmpint (cli_run_argv (&unprivileged, &wout, &werr, writers[c]), ==, 1);
      g_assert_nonnull (strstr (werr, "is read-only"));
      g_assert_null (strstr (werr, "line"));
      g_assert_null (strstr (werr, "not a Shopdesk"));
    }
  after = file_bytes (f->db);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_read_only_file (Fixture       *f,
                     gconstpointer  data)
{
  check_read_only (f, FALSE);
}

static void
test_read_only_folder (Fixture       *f,
                       gconstpointer  data)
{
  check_read_only (f, TRUE);
}

/* Pages overwritten in the middle of the shop: "damaged", with what quick_check found. */
static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *garbage = g_malloc (4096 * 4);
  GStatBuf st;
  FILE *file;

  make_demo_shop (f->db);
  g_assert_cmpint (g_stat (f->db, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 4096 * 100);
  memset (garbage, 0xa5, 4096 * 4);
  file = g_fopen (f->db, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, (long) (st.st_size / 4096 - 10) * 4096, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (garbage, 1, 4096 * 4, file), ==, 4096 * 4);
  fclose (file);

  g_assert_cmpint (run_cli (f->db, &out, &err, "stats", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "is damaged (quick check: "));
  g_assert_cmpstr (out, ==, "");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-shop/schema-version", Fixture, NULL, temp_shop_set_up, test_schema_version, temp_shop_tear_down);
  g_test_add ("/cli-shop/foreign-database", Fixture, NULL, temp_shop_set_up, test_foreign_database, temp_shop_tear_down);
  g_test_add ("/cli-shop/no-such-shop", Fixture, NULL, temp_shop_set_up, test_no_such_shop, temp_shop_tear_down);
  g_test_add ("/cli-shop/read-only-file", Fixture, NULL, temp_shop_set_up, test_read_only_file, temp_shop_tear_down);
  g_test_add ("/cli-shop/read-only-folder", Fixture, NULL, temp_shop_set_up, test_read_only_folder, temp_shop_tear_down);
  g_test_add ("/cli-shop/damaged", Fixture, NULL, temp_shop_set_up, test_damaged, temp_shop_tear_down);

  return g_test_run ();
}
