/* test-store.c — the shop database: schema, migrations, settings, runs */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sd-error.h"
#include "sd-store.h"
#include "sd-summary.h"

typedef struct {
  char    *dir;
  char    *path;
  SdStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sd-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

  g_assert_finalize_object (f->store);
  g_unlink (f->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static int
query_int (SdStore    *store,
           const char *sql)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int (stmt, 0);
}

static void
test_schema (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SdStmt) journal = NULL;

  g_assert_cmpint (query_int (f->store, "PRAGMA user_version"), ==, sd_store_schema_version ());
  g_assert_cmpint (query_int (f->store, "PRAGMA foreign_keys"), ==, 1);
  journal = sd_store_prepare (f->store, "PRAGMA journal_mode", NULL);
  g_assert_cmpint (sqlite3_step (journal), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (journal, 0), ==, "wal");
}

static void
test_reopen_keeps_data (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) again = NULL;
  SdStoreStats stats;

  g_assert_true (sd_store_exec (f->store,
                                "INSERT INTO customers (external_id, name) VALUES ('c1', 'Ada');"
                                "INSERT INTO products (external_id, title, price_cents) VALUES ('p1', 'Mug', 450);",
                                &error));
  g_assert_no_error (error);

  again = sd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (sd_store_get_stats (again, &stats, &error));
  g_assert_cmpint (stats.customers, ==, 1);
  g_assert_cmpint (stats.products, ==, 1);
  g_assert_cmpint (stats.orders, ==, 0);
}

static void
test_foreign_keys_enforced (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* An event for a customer that does not exist must be refused. */
  g_assert_false (sd_store_exec (f->store,
                                 "INSERT INTO events (customer_id, product_id, kind, at) VALUES (99, 98, 0, 0)",
                                 &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_DATABASE);
}

static void
test_newer_schema_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) again = NULL;
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", sd_store_schema_version () + 1);

  g_assert_true (sd_store_exec (f->store, bump, NULL));
  again = sd_store_open (f->path, &error);
  g_assert_null (again);
  g_assert_error (error, SD_ERROR, SD_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "newer Shopdesk"));
}

static void
test_not_a_database (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SdStore) store = NULL;
  int fd = g_file_open_tmp ("sd-notdb-XXXXXX", &path, &error);

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "this is not sqlite, just some text that is long enough\n"
                                      "to fill a header page and then some more bytes\n", -1, NULL));
  close (fd);
  store = sd_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT);
  g_assert_nonnull (strstr (error->message, "not an SQLite database"));
  g_unlink (path);
}

static void
test_settings_and_hash (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  g_assert_null (sd_store_get_setting (f->store, "return-days"));
  g_assert_true (sd_store_set_setting (f->store, "return-days", "30", &error));
  g_assert_true (sd_store_set_setting (f->store, "return-days", "14", &error));
  g_assert_no_error (error);
  value = sd_store_get_setting (f->store, "return-days");
  g_assert_cmpstr (value, ==, "14");

}

static void
test_runs (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 run = sd_store_run_begin (f->store, "recommender", "als", "{\"factors\": 8}", &error);

  g_assert_no_error (error);
  g_assert_cmpint (run, >, 0);
  for (int step = 0; step < 5; step++)
    g_assert_true (sd_store_run_add_point (f->store, run, step, "loss", 10.0 - step, &error));
  /* The same step again replaces its value rather than adding a point. */
  g_assert_true (sd_store_run_add_point (f->store, run, 4, "loss", 1.5, &error));
  g_assert_true (sd_store_run_finish (f->store, run, "finished", "{}", &error));
  g_assert_no_error (error);

  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM run_points"), ==, 5);
  g_assert_cmpint (query_int (f->store, "SELECT value * 10 FROM run_points WHERE step = 4"), ==, 15);
  g_assert_cmpint (query_int (f->store, "SELECT status = 'finished' FROM runs"), ==, 1);
  /* A status outside the list is refused by the schema. */
  g_assert_false (sd_store_run_finish (f->store, run, "bogus", NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_DATABASE);
}

static GBytes *
file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* A schema version outside 0 … current indexed the migrations: -1 ran a string that is
 * no migration as SQL, others read out of bounds. Each is refused, the file untouched. */
static void
test_schema_version_out_of_range (Fixture       *f,
                                  gconstpointer  data)
{
  const gint64 versions[] = { -1, -5, G_MININT32, sd_store_schema_version () + 1, G_MAXINT32 };

  for (guint v = 0; v < G_N_ELEMENTS (versions); v++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdStore) again = NULL;
      g_autoptr(GBytes) before = NULL;
      g_autoptr(GBytes) after = NULL;
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, versions[v]);

      g_assert_true (sd_store_exec (f->store, bump, NULL));
      g_assert_true (sd_store_exec (f->store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
      before = file_bytes (f->path);

      again = sd_store_open (f->path, &error);
      g_assert_null (again);
      if (versions[v] < 0)
        {
          g_assert_error (error, SD_ERROR, SD_ERROR_DATABASE);
          g_assert_nonnull (strstr (error->message, "damaged"));
        }
      else
        {
          g_assert_error (error, SD_ERROR, SD_ERROR_UNSUPPORTED);
          g_assert_nonnull (strstr (error->message, "newer Shopdesk"));
        }
      after = file_bytes (f->path);
      g_assert_true (g_bytes_equal (before, after));
      g_assert_cmpint (query_int (f->store, "PRAGMA user_version"), ==, (int) versions[v]);
    }
}

/* Another application's database is refused by every way of opening, and left exactly
 * as it was: no Shopdesk tables, no WAL. */
static void
test_foreign_refused_unchanged (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-foreign-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "other.sqlite", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  sqlite3 *db = NULL;
  const SdStoreOpenFlags flags[] = { SD_STORE_OPEN_EXISTING, SD_STORE_OPEN_CREATE };

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);"
                                     "INSERT INTO notes (text) VALUES ('keep me')", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  before = file_bytes (path);

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdStore) store = sd_store_open_full (path, flags[i], &error);

      g_assert_null (store);
      g_assert_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT);
      g_assert_nonnull (strstr (error->message, "another application"));
    }
  after = file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  g_unlink (path);
  g_rmdir (dir);
}

/* Opening an existing shop never makes one: a mistyped path is "no such shop". */
static void
test_open_existing_creates_nothing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-existing-XXXXXX", NULL);
  g_autofree char *missing = g_build_filename (dir, "smal.sqlite", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.sqlite", NULL);
  g_autofree char *wal = g_strconcat (empty, "-wal", NULL);
  g_autofree char *shm = g_strconcat (empty, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  GStatBuf st;

  store = sd_store_open_full (missing, SD_STORE_OPEN_EXISTING, &error);
  g_assert_null (store);
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "No such shop"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  /* A zero-byte file is a new shop only to a caller that may create one. */
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  store = sd_store_open_full (empty, SD_STORE_OPEN_EXISTING, &error);
  g_assert_null (store);
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
  g_assert_cmpint (g_stat (empty, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 0);
  g_clear_error (&error);

  store = sd_store_open_full (empty, SD_STORE_OPEN_CREATE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (store, "PRAGMA user_version"), ==, sd_store_schema_version ());
  g_assert_false (sd_store_is_read_only (store));
  g_clear_object (&store);

  store = sd_store_open_full (empty, SD_STORE_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  g_unlink (empty);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (dir);
}

/* A shop whose pages were overwritten is called damaged, with what quick_check found. */
static void
test_damaged_shop (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) again = NULL;
  g_autofree char *garbage = g_malloc (4096 * 8);
  SdStoreStats stats;
  FILE *file;
  GStatBuf st;

  g_assert_true (sd_store_exec (f->store,
                                "WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
                                " INSERT INTO customers (external_id, name) SELECT 'c' || i, printf ('%.100c', 'x') FROM n",
                                &error));
  g_assert_no_error (error);
  g_assert_true (sd_store_exec (f->store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 4096 * 200);

  /* Overwrite eight pages in the middle of the customers table. */
  for (guint i = 0; i < 4096 * 8; i++)
    garbage[i] = (char) (g_test_rand_int () & 0xff);
  file = g_fopen (f->path, "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, (long) (st.st_size / 4096 / 2) * 4096, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (garbage, 1, 4096 * 8, file), ==, 4096 * 8);
  fclose (file);
  g_clear_object (&f->store);

  again = sd_store_open (f->path, &error);
  g_assert_no_error (error);
  /* Counted from the base tables, which read the damaged pages (the summaries do not). */
  g_assert_false (sd_summary_get_stats (again, TRUE, &stats, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_assert_nonnull (strstr (error->message, "quick check"));
  g_assert_nonnull (strstr (error->message, "Page "));
  /* The fixture checks that its store is finalized: give it one. */
  f->store = g_steal_pointer (&again);
}

/* The read-only tests run in a child that cannot write the shop: as root, the child
 * becomes nobody; otherwise the modes are taken away. */
static gboolean
drop_write_access (const char *dir,
                   const char *path,
                   gboolean    folder_too)
{
  if (geteuid () == 0)
    {
      g_assert_cmpint (g_chmod (dir, folder_too ? 0755 : 0777), ==, 0);
      g_assert_cmpint (g_chmod (path, 0644), ==, 0);
      return TRUE;
    }
  g_assert_cmpint (g_chmod (path, 0444), ==, 0);
  g_assert_cmpint (g_chmod (dir, folder_too ? 0555 : 0755), ==, 0);
  return TRUE;
}

static void
test_read_only_child (void)
{
  const char *path = g_getenv ("SD_TEST_READ_ONLY_SHOP");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  SdStoreStats stats;

  if (!g_test_subprocess ())
    {
      g_test_skip ("run in a child by /store/read-only/file and /store/read-only/folder");
      return;
    }
  if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
    g_error ("could not become nobody");
  store = sd_store_open_full (path, SD_STORE_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (sd_store_is_read_only (store));
  g_assert_true (sd_store_get_stats (store, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stats.customers, ==, 1);

  g_assert_false (sd_store_begin (store, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_DATABASE);
  g_assert_nonnull (strstr (error->message, "read-only"));
  g_clear_error (&error);
  g_assert_false (sd_store_set_setting (store, "k", "v", &error));
  g_assert_nonnull (strstr (error->message, "read-only"));
}

static void
test_read_only (gconstpointer data)
{
  gboolean folder_too = GPOINTER_TO_INT (data);
  g_autofree char *dir = g_dir_make_tmp ("sd-ro-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "shop.sqlite", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (path, &error);
    g_assert_no_error (error);
    g_assert_true (sd_store_exec (store, "INSERT INTO customers (external_id) VALUES ('c1')", NULL));
  }
  before = file_bytes (path);
  drop_write_access (dir, path, folder_too);
  g_setenv ("SD_TEST_READ_ONLY_SHOP", path, TRUE);
  g_test_trap_subprocess ("/store/read-only/child", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  after = file_bytes (path);
  g_assert_true (g_bytes_equal (before, after));

  g_chmod (dir, 0700);
  g_chmod (path, 0600);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while ((name = g_dir_read_name (d)))
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_unlink (p);
      }
  }
  g_rmdir (dir);
}

static void
test_event_kinds (void)
{
  SdEventKind kind;

  for (int k = 0; k < SD_N_EVENT_KINDS; k++)
    {
      g_assert_true (sd_event_kind_from_string (sd_event_kind_to_string (k), &kind));
      g_assert_cmpint (kind, ==, k);
    }
  g_assert_true (sd_event_kind_from_string ("Purchase", &kind));
  g_assert_cmpint (kind, ==, SD_EVENT_PURCHASE);
  g_assert_false (sd_event_kind_from_string ("wishlist", &kind));
}

/* A file in @f's folder, made by @sql with plain SQLite, or holding @text when @sql is NULL. */
static char *
make_file (Fixture    *f,
           const char *name,
           const char *sql,
           const char *text)
{
  char *path = g_build_filename (f->dir, name, NULL);
  sqlite3 *db = NULL;

  if (sql == NULL)
    {
      g_assert_true (g_file_set_contents (path, text, -1, NULL));
      return path;
    }
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  return path;
}

/* The window opens shops with sd_store_open(): what is not a shop is refused and left as
 * it was, a folder included. */
static void
test_open_refuses_non_shops (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *text = make_file (f, "notes.txt", NULL, "not a database at all, just some words\n");
  g_autofree char *other = make_file (f, "other-app.sqlite", "CREATE TABLE bookmarks (url TEXT)", NULL);
  g_autofree char *partial = make_file (f, "partial.sqlite",
                                        "PRAGMA user_version = 3; CREATE TABLE customers (id INTEGER)", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "folder.sqlite", NULL);
  const char *paths[] = { text, other, partial };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *before = NULL, *after = NULL;
      gsize before_len, after_len;
      g_autoptr(SdStore) store = NULL;

      g_assert_true (g_file_get_contents (paths[i], &before, &before_len, NULL));
      store = sd_store_open (paths[i], &error);
      g_assert_null (store);
      g_assert_nonnull (error);
      g_test_message ("%s: %s", paths[i], error->message);
      g_assert_true (g_file_get_contents (paths[i], &after, &after_len, NULL));
      g_assert_cmpmem (before, before_len, after, after_len);
      g_unlink (paths[i]);
    }
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (folder, &error);
    g_assert_null (store);
    g_assert_nonnull (error);
    g_test_message ("%s: %s", folder, error->message);
  }
  g_rmdir (folder);
}

static void
count_cb (SdStore *store,
          guint   *counter)
{
  (*counter)++;
}

/* Pages listen to the part of the shop they show: a saved coupon rule reaches the
 * Recommendations page's offers (plain "changed") without reloading the Overview
 * ("changed::data"). */
static void
test_changed_details (Fixture       *f,
                      gconstpointer  data)
{
  guint any = 0, data_only = 0, coupons_only = 0;

  g_signal_connect (f->store, "changed", G_CALLBACK (count_cb), &any);
  g_signal_connect (f->store, "changed::" SD_STORE_CHANGED_DATA, G_CALLBACK (count_cb), &data_only);
  g_signal_connect (f->store, "changed::" SD_STORE_CHANGED_COUPONS, G_CALLBACK (count_cb), &coupons_only);

  sd_store_notify_changed_detail (f->store, SD_STORE_CHANGED_COUPONS);
  g_assert_cmpuint (any, ==, 1);
  g_assert_cmpuint (data_only, ==, 0);
  g_assert_cmpuint (coupons_only, ==, 1);

  sd_store_notify_changed (f->store);
  g_assert_cmpuint (any, ==, 2);
  g_assert_cmpuint (data_only, ==, 1);
  g_assert_cmpuint (coupons_only, ==, 1);
  g_signal_handlers_disconnect_by_func (f->store, count_cb, &any);
  g_signal_handlers_disconnect_by_func (f->store, count_cb, &data_only);
  g_signal_handlers_disconnect_by_func (f->store, count_cb, &coupons_only);
}

/* A customer or product by its external id, else by its id; a number that is some other
 * row's external id finds that row first, as the CLI and the pages expect. */
static void
test_find_by_key (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_store_exec (f->store,
                                "INSERT INTO customers (id, external_id, name) VALUES (1, 'c1', 'Ada'), (2, '1', 'Bo');"
                                "INSERT INTO products (id, external_id, title, price_cents) VALUES (7, 'p1', 'Mug', 450),"
                                " (8, 'p8', 'Cup', 300);",
                                &error));
  g_assert_no_error (error);
  g_assert_cmpint (sd_store_find_customer (f->store, "c1", &error), ==, 1);
  g_assert_cmpint (sd_store_find_customer (f->store, "1", &error), ==, 2);
  g_assert_cmpint (sd_store_find_customer (f->store, "2", &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (sd_store_find_customer (f->store, "3", &error), ==, -1);
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpint (sd_store_find_product (f->store, "p1", &error), ==, 7);
  g_assert_cmpint (sd_store_find_product (f->store, "8", &error), ==, 8);
  g_assert_no_error (error);
  g_assert_cmpint (sd_store_find_product (f->store, "p1' OR 1=1 --", &error), ==, -1);
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_autoptr(GHashTable) products = sd_store_ids_by_external (f->store, SD_STORE_PRODUCTS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (products), ==, 2);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (products, "p1"), ==, 7);
  g_autoptr(GHashTable) customers = sd_store_ids_by_external (f->store, SD_STORE_CUSTOMERS, &error);
  g_assert_cmpuint (g_hash_table_size (customers), ==, 2);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (customers, "1"), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/schema", Fixture, NULL, fixture_set_up, test_schema, fixture_tear_down);
  g_test_add ("/store/find-by-key", Fixture, NULL, fixture_set_up, test_find_by_key, fixture_tear_down);
  g_test_add ("/store/open-refuses-non-shops", Fixture, NULL, fixture_set_up, test_open_refuses_non_shops, fixture_tear_down);
  g_test_add ("/store/changed-details", Fixture, NULL, fixture_set_up, test_changed_details, fixture_tear_down);
  g_test_add ("/store/reopen", Fixture, NULL, fixture_set_up, test_reopen_keeps_data, fixture_tear_down);
  g_test_add ("/store/foreign-keys", Fixture, NULL, fixture_set_up, test_foreign_keys_enforced, fixture_tear_down);
  g_test_add ("/store/newer-schema", Fixture, NULL, fixture_set_up, test_newer_schema_refused, fixture_tear_down);
  g_test_add ("/store/settings", Fixture, NULL, fixture_set_up, test_settings_and_hash, fixture_tear_down);
  g_test_add ("/store/runs", Fixture, NULL, fixture_set_up, test_runs, fixture_tear_down);
  g_test_add_func ("/store/not-a-database", test_not_a_database);
  g_test_add_func ("/store/event-kinds", test_event_kinds);
  g_test_add ("/store/schema-version-out-of-range", Fixture, NULL, fixture_set_up,
              test_schema_version_out_of_range, fixture_tear_down);
  g_test_add_func ("/store/foreign-refused-unchanged", test_foreign_refused_unchanged);
  g_test_add_func ("/store/open-existing-creates-nothing", test_open_existing_creates_nothing);
  g_test_add ("/store/damaged", Fixture, NULL, fixture_set_up, test_damaged_shop, fixture_tear_down);
  g_test_add_data_func ("/store/read-only/file", GINT_TO_POINTER (FALSE), test_read_only);
  g_test_add_data_func ("/store/read-only/folder", GINT_TO_POINTER (TRUE), test_read_only);
  g_test_add_func ("/store/read-only/child", test_read_only_child);

  return g_test_run ();
}
