/* test-shop-busy.c — a shop another connection is writing to: a training run that ends
 * meanwhile waits and keeps its model and its curve, a failing one is marked failed, a
 * cancel ends the wait, two imports queue, and runs of a process that died are marked
 * interrupted */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "sd-demo.h"
#include "sd-train-job.h"
#include "temp-folder.h"

/* Longer than the 5 s SQLite was once told to wait. */
#define HOLD_US (5500 * G_TIME_SPAN_MILLISECOND)

typedef TempShop Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  SdDemoOptions options;

  temp_shop_set_up (f, data);
  store = sd_store_open (f->db, &error);
  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "300", &error));
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static sqlite3 *
raw_open (const char *db)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (handle, 5000);
  return handle;
}

static gint64
query_int (const char *db,
           const char *sql)
{
  sqlite3 *handle = raw_open (db);
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (handle);
  return value;
}

typedef struct {
  gboolean done;
  gboolean ok;
  GError  *error;
  gboolean told_waiting;
} JobResult;

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  JobResult *r = user_data;

  r->ok = sd_job_run_finish (SD_JOB (object), result, &r->error);
  r->done = TRUE;
}

static void
job_text_cb (SdJob      *job,
             GParamSpec *pspec,
             JobResult  *r)
{
  if (g_strcmp0 (sd_job_get_text (job), "Waiting for the shop to be free") == 0)
    r->told_waiting = TRUE;
}

static SdJob *
start_training (Fixture   *f,
                JobResult *r)
{
  const char *params[] = { "epochs=100", NULL };
  g_autoptr(GError) error = NULL;
  SdTrainOptions options;
  SdJob *job;

  sd_train_options_init (&options);
  options.db_path = f->db;
  options.model = "bpr";
  options.params = params;
  job = sd_train_job_new (&options, &error);
  g_assert_no_error (error);
  g_signal_connect (job, "notify::text", G_CALLBACK (job_text_cb), r);
  sd_job_run_async (job, job_done_cb, r);
  return job;
}

/* Once the run is recorded, takes the shop's write lock from another connection, as an
 * import would, and holds it for @hold_us (or until the job ends); returns the handle, still
 * in its transaction. */
static sqlite3 *
hold_shop_during_run (Fixture   *f,
                      SdJob     *job,
                      JobResult *r,
                      gint64     hold_us)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  sqlite3 *handle;
  gint64 until;

  while (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'running'") == 0)
    {
      g_assert_false (r->done);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 200);
    }
  handle = raw_open (f->db);
  g_assert_cmpint (sqlite3_exec (handle, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (r->done);   /* the training itself outlasts the look above */

  until = g_get_monotonic_time () + hold_us;
  while (g_get_monotonic_time () < until && !r->done)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 100);
    }
  return handle;
}

static void
wait_for (JobResult *r)
{
  while (!r->done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_train_waits (Fixture       *f,
                  gconstpointer  data)
{
  JobResult r = { 0 };
  g_autoptr(SdJob) job = start_training (f, &r);
  sqlite3 *handle = hold_shop_during_run (f, job, &r, HOLD_US);

  /* Still waiting for the shop after well over 5 s, and saying so. */
  g_assert_false (r.done);
  g_assert_true (r.told_waiting);
  sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (handle);
  wait_for (&r);

  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpint (sd_train_job_get_model_id (job), >, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM models"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'finished'"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status <> 'finished'"), ==, 0);
  /* Every point of the curve, also those of the epochs that ended while the shop was held. */
  g_assert_cmpint (sd_job_get_points (job)->len, >, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM run_points"), ==, sd_job_get_points (job)->len);
}

static void
test_train_fails_while_held (Fixture       *f,
                             gconstpointer  data)
{
  JobResult r = { 0 };
  g_autoptr(SdJob) job = NULL;
  sqlite3 *handle = raw_open (f->db);

  /* Storing the model fails, as on a full disk. */
  g_assert_cmpint (sqlite3_exec (handle, "CREATE TRIGGER no_models BEFORE INSERT ON models"
                                 " BEGIN SELECT RAISE (ABORT, 'no room for models'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);

  job = start_training (f, &r);
  handle = hold_shop_during_run (f, job, &r, HOLD_US);
  sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (handle);
  wait_for (&r);

  g_assert_false (r.ok);
  g_assert_nonnull (r.error);
  g_assert_nonnull (strstr (r.error->message, "no room for models"));
  g_clear_error (&r.error);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM models"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'failed'"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status <> 'failed'"), ==, 0);
}

static void
test_cancel_while_waiting (Fixture       *f,
                           gconstpointer  data)
{
  JobResult r = { 0 };
  g_autoptr(SdJob) job = start_training (f, &r);
  sqlite3 *handle = hold_shop_during_run (f, job, &r, G_USEC_PER_SEC / 10);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  gint64 cancelled_at;

  /* Cancelled while it waits for the shop, once it has said so. */
  while (!r.told_waiting)
    {
      g_assert_false (r.done);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (G_USEC_PER_SEC / 100);
    }
  g_assert_false (r.done);
  cancelled_at = g_get_monotonic_time ();
  sd_job_cancel (job);
  /* Freed soon after, as by an import that ends: the run is marked cancelled. */
  while (g_get_monotonic_time () - cancelled_at < G_USEC_PER_SEC / 5)
    g_main_context_iteration (NULL, FALSE);
  sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
  wait_for (&r);
  /* The cancel ends the wait within a moment, not when the shop is free. */
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 2 * G_USEC_PER_SEC);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  sqlite3_close (handle);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM models"), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'cancelled'"), ==, 1);
}

static void
test_interrupted (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) first = sd_store_open (f->db, &error);
  g_autoptr(SdStore) second = NULL;
  g_autoptr(SdStore) third = NULL;
  g_autoptr(SdStore) reader = NULL;
  gint64 run;

  g_assert_no_error (error);
  run = sd_store_run_begin (first, "recommender", "bpr", "{}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (run, >, 0);

  /* A run in progress, even of this very process, stays running. */
  second = sd_store_open (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'running'"), ==, 1);

  /* Its connection gone without finishing it, as when the process is killed. */
  g_clear_object (&first);
  reader = sd_store_open_full (f->db, SD_STORE_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'interrupted'"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE finished_at IS NULL"), ==, 0);

  /* A run finished as usual is left alone. */
  run = sd_store_run_begin (second, "recommender", "bpr", "{}", &error);
  g_assert_true (sd_store_run_finish (second, run, "finished", NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&second);
  third = sd_store_open (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'finished'"), ==, 1);
}

/* A run of a CLI process that was killed (SIGKILL: no chance to tidy up). */
static void
test_killed_cli (Fixture       *f,
                 gconstpointer  data)
{
  const char *argv[] = { g_getenv ("SD_CLI"), "--db", f->db, "train", "--model", "bpr",
                         "--param", "epochs=10000", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  GPid pid;
  int status;

  g_assert_nonnull (argv[0]);
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  while (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'running'") == 0)
    {
      g_assert_cmpint (waitpid (pid, &status, WNOHANG), ==, 0);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 100);
    }
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);

  store = sd_store_open (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'interrupted'"), ==, 1);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM runs WHERE status = 'running'"), ==, 0);
}

/* Far more rows than a moment's work. */
static char *
write_events_file (const char *dir,
                   const char *name,
                   guint       rows,
                   guint       salt)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GString) csv = g_string_new ("customer_id,product_id,kind,at\n");

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (csv, "CUS-X%u,PRD-X%u,view,%u\n", i % 7000, (i + salt) % 900, 1700000000u + i);
  g_assert_true (g_file_set_contents (path, csv->str, (gssize) csv->len, NULL));
  return path;
}

static gboolean
shop_is_being_written (const char *db)
{
  sqlite3 *handle = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open_v2 (db, &handle, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  rc = sqlite3_exec (handle, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (handle);
  return rc == SQLITE_BUSY;
}

static void
test_two_imports (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *big = write_events_file (f->dir, "big.csv", 1000000, 0);
  g_autofree char *small = write_events_file (f->dir, "small.csv", 50, 7);
  const char *first[] = { g_getenv ("SD_CLI"), "--db", f->db, "import", big, NULL };
  const char *second[] = { g_getenv ("SD_CLI"), "--db", f->db, "import", small, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  int status = -1, first_status = -1;
  GPid pid;

  g_assert_nonnull (first[0]);
  g_assert_true (g_spawn_async (NULL, (char **) first, NULL, G_SPAWN_DO_NOT_REAP_CHILD |
                                G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  while (!shop_is_being_written (f->db))
    {
      g_assert_cmpint (waitpid (pid, &first_status, WNOHANG), ==, 0);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (G_USEC_PER_SEC / 100);
    }

  g_assert_true (g_spawn_sync (NULL, (char **) second, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (waitpid (pid, &first_status, 0), ==, pid);
  g_spawn_close_pid (pid);

  /* The second said what it waited for, and then imported. */
  g_assert_nonnull (strstr (err, "Waiting for another import to finish"));
  g_assert_null (strstr (err, "locked"));
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_true (WIFEXITED (first_status));
  g_assert_cmpint (WEXITSTATUS (first_status), ==, 0);
  g_assert_cmpint (query_int (f->db, "SELECT count(*) FROM imports"), ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/shop-busy/train-waits", Fixture, NULL, fixture_set_up, test_train_waits, temp_shop_tear_down);
  g_test_add ("/shop-busy/train-fails-while-held", Fixture, NULL, fixture_set_up, test_train_fails_while_held, temp_shop_tear_down);
  g_test_add ("/shop-busy/cancel-while-waiting", Fixture, NULL, fixture_set_up, test_cancel_while_waiting, temp_shop_tear_down);
  g_test_add ("/shop-busy/interrupted", Fixture, NULL, fixture_set_up, test_interrupted, temp_shop_tear_down);
  g_test_add ("/shop-busy/killed-cli", Fixture, NULL, fixture_set_up, test_killed_cli, temp_shop_tear_down);
  g_test_add ("/shop-busy/two-imports", Fixture, NULL, fixture_set_up, test_two_imports, temp_shop_tear_down);

  return g_test_run ();
}
