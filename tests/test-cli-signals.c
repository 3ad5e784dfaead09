/* test-cli-signals.c — Ctrl+C (SIGINT) and SIGTERM during `import`, `demo` and `train`:
 * the work is cancelled, the shop is as before, exit status 130 or 143 */
#include "config.h"

#include <glib/gstdio.h>
#include <glib-unix.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli-run.h"
#include "temp-folder.h"

typedef TempShop Fixture;

static GPtrArray *
cli_argv (const char  *db,
          const char **args)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_assert_nonnull (g_getenv ("SD_CLI"));
  g_ptr_array_add (argv, (char *) g_getenv ("SD_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return argv;
}

static int
run_cli (const char  *db,
         char       **out,
         const char **args)
{
  return cli_run_argv (&(CliRun) { .db = db }, out, NULL, args);
}

static char *
shop_stats (const char *db)
{
  char *out = NULL;

  g_assert_cmpint (run_cli (db, &out, (const char *[]) { "stats", "--json", NULL }), ==, 0);
  return out;
}

static gint64
query_int (const char *db,
           const char *sql)
{
  sqlite3 *handle = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (handle, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return value;
}

/* TRUE once another connection holds the shop's write transaction: the import or the
 * demo has started writing. */
static gboolean
shop_is_being_written (const char *db)
{
  sqlite3 *handle = NULL;
  int rc;

  if (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      sqlite3_close (handle);
      return FALSE;
    }
  rc = sqlite3_exec (handle, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (handle);
  return rc == SQLITE_BUSY;
}

typedef gboolean (*StartedFunc) (const char *db);

static gboolean
training_has_started (const char *db)
{
  return query_int (db, "SELECT count(*) FROM runs WHERE status = 'running'") > 0;
}

/* Starts shopdesk-cli with @args, waits until @started says the work is under way, sends
 * @signo, and returns the exit status and what the CLI wrote on stderr. */
static int
interrupt_cli (const char  *db,
               const char **args,
               StartedFunc  started,
               int          signo,
               char       **err_out)
{
  g_autoptr(GPtrArray) argv = cli_argv (db, args);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) err = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  GPid pid;
  int err_fd = -1;
  int status = -1;
  char buffer[4096];
  gssize n;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, NULL, &err_fd, &error));
  g_assert_no_error (error);
  while (!started (db))
    {
      g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, 0);   /* still running */
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 100);
    }
  g_assert_cmpint (kill (pid, signo), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  while ((n = read (err_fd, buffer, sizeof buffer)) > 0)
    g_string_append_len (err, buffer, n);
  close (err_fd);
  g_spawn_close_pid (pid);

  *err_out = g_strdup (err->str);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
make_demo_shop (const char *db)
{
  g_autofree char *out = NULL;

  g_assert_cmpint (run_cli (db, &out, (const char *[]) { "demo", "--size", "300", NULL }), ==, 0);
}

/* Far more rows than the import reads between two looks at the cancellable. */
static char *
write_big_events_file (const char *dir)
{
  char *path = g_build_filename (dir, "events.csv", NULL);
  g_autoptr(GString) csv = g_string_new ("customer_id,product_id,kind,at\n");

  for (guint i = 0; i < 400000; i++)
    g_string_append_printf (csv, "CUS-X%u,PRD-X%u,view,%u\n", i % 7000, i % 900, 1700000000u + i);
  g_assert_true (g_file_set_contents (path, csv->str, (gssize) csv->len, NULL));
  return path;
}

static void
test_import_sigint (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *csv = write_big_events_file (f->dir);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *err = NULL;

  make_demo_shop (f->db);
  before = shop_stats (f->db);
  g_assert_cmpint (interrupt_cli (f->db, (const char *[]) { "import", csv, NULL },
                                  shop_is_being_written, SIGINT, &err), ==, 130);
  g_assert_nonnull (strstr (err, "cancelled, nothing changed"));
  after = shop_stats (f->db);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM imports"), ==, 0);
}

static void
test_demo_sigterm (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *err = NULL;

  make_demo_shop (f->db);
  before = shop_stats (f->db);
  g_assert_cmpint (interrupt_cli (f->db, (const char *[]) { "demo", "--size", "200000", "--force", NULL },
                                  shop_is_being_written, SIGTERM, &err), ==, 143);
  g_assert_nonnull (strstr (err, "cancelled, nothing changed"));
  after = shop_stats (f->db);
  g_assert_cmpstr (after, ==, before);
}

static void
test_train_sigint (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *err = NULL;

  make_demo_shop (f->db);
  g_assert_cmpint (interrupt_cli (f->db, (const char *[]) { "train", "--model", "bpr", "--param", "epochs=10000", NULL },
                                  training_has_started, SIGINT, &err), ==, 130);
  g_assert_nonnull (strstr (err, "cancelled, no model was stored"));
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM models"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'cancelled'"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status <> 'cancelled'"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cli-signals/import-sigint", Fixture, NULL, temp_shop_set_up, test_import_sigint, temp_shop_tear_down);
  g_test_add ("/cli-signals/demo-sigterm", Fixture, NULL, temp_shop_set_up, test_demo_sigterm, temp_shop_tear_down);
  g_test_add ("/cli-signals/train-sigint", Fixture, NULL, temp_shop_set_up, test_train_sigint, temp_shop_tear_down);

  return g_test_run ();
}
