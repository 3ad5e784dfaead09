/* test-job.c — background jobs: delivery to the main loop, cancellation, recorded runs */
#include "config.h"

#include <glib/gstdio.h>

#include "sd-error.h"
#include "sd-job.h"

typedef struct {
  int       steps;
  gboolean  fail;
  gboolean  wait_for_cancel;
  char     *db_path;
} Work;

static gboolean
count_up (SdJob         *job,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  Work *work = data;
  g_autoptr(SdStore) store = NULL;

  if (work->db_path)
    {
      gint64 run;
      if (!(store = sd_store_open (work->db_path, error)))
        return FALSE;
      run = sd_store_run_begin (store, "test", "counter", NULL, error);
      if (run < 0)
        return FALSE;
      sd_job_record_run (job, store, run);
    }

  for (int i = 0; i < work->steps; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      sd_job_metric (job, i, "loss", 1.0 / (i + 1));
      sd_job_set_progress (job, (i + 1.0) / work->steps, "counting");
      if (i % 10 == 0)
        sd_job_log (job, "step %d", i);
    }

  while (work->wait_for_cancel)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (1000);
    }

  if (work->fail)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, "planned failure at step %d", work->steps);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  GMainLoop *loop;
  GError    *error;
  gboolean   ok;
  int        metrics_seen;
  int        last_step;
  gboolean   in_order;
  int        logs_seen;
} Outcome;

static void
metric_cb (SdJob      *job,
           int         step,
           const char *name,
           double      value,
           Outcome    *out)
{
  g_assert_cmpstr (name, ==, "loss");
  g_assert_cmpfloat_with_epsilon (value, 1.0 / (step + 1), 1e-12);
  if (step != out->last_step + 1)
    out->in_order = FALSE;
  out->last_step = step;
  out->metrics_seen++;
}

static void
log_cb (SdJob      *job,
        const char *line,
        Outcome    *out)
{
  g_assert_true (g_str_has_prefix (line, "step "));
  out->logs_seen++;
}

static void
done_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Outcome *out = user_data;

  /* The job's own state is final before the caller hears of it. */
  g_assert_cmpint (sd_job_get_state (SD_JOB (object)), !=, SD_JOB_RUNNING);
  out->ok = sd_job_run_finish (SD_JOB (object), result, &out->error);
  g_main_loop_quit (out->loop);
}

static void
run_job (SdJob   *job,
         Outcome *out)
{
  out->loop = g_main_loop_new (NULL, FALSE);
  out->last_step = -1;
  out->in_order = TRUE;
  g_signal_connect (job, "metric", G_CALLBACK (metric_cb), out);
  g_signal_connect (job, "log", G_CALLBACK (log_cb), out);
  sd_job_run_async (job, done_cb, out);
  g_assert_cmpint (sd_job_get_state (job), ==, SD_JOB_RUNNING);
  g_main_loop_run (out->loop);
  g_main_loop_unref (out->loop);
}

static void
test_delivers_in_order (void)
{
  Work work = { .steps = 5000 };
  g_autoptr(SdJob) job = sd_job_new ("count", count_up, &work, NULL);
  Outcome out = { 0 };

  run_job (job, &out);
  g_assert_no_error (out.error);
  g_assert_true (out.ok);
  g_assert_cmpint (sd_job_get_state (job), ==, SD_JOB_FINISHED);
  g_assert_cmpint (out.metrics_seen, ==, 5000);
  g_assert_true (out.in_order);
  g_assert_cmpint (out.logs_seen, ==, 500);
  g_assert_cmpint (sd_job_get_points (job)->len, ==, 5000);
  g_assert_cmpfloat (sd_job_get_fraction (job), ==, 1.0);
  g_assert_cmpstr (sd_job_get_text (job), ==, "counting");
}

static gboolean
cancel_soon (gpointer data)
{
  sd_job_cancel (SD_JOB (data));
  return G_SOURCE_REMOVE;
}

static void
test_cancel (void)
{
  Work work = { .steps = 10, .wait_for_cancel = TRUE };
  g_autoptr(SdJob) job = sd_job_new ("wait", count_up, &work, NULL);
  Outcome out = { 0 };

  g_timeout_add (20, cancel_soon, job);
  run_job (job, &out);
  g_assert_false (out.ok);
  g_assert_error (out.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sd_job_get_state (job), ==, SD_JOB_CANCELLED);
  g_clear_error (&out.error);
}

static void
test_failure (void)
{
  Work work = { .steps = 3, .fail = TRUE };
  g_autoptr(SdJob) job = sd_job_new ("fail", count_up, &work, NULL);
  Outcome out = { 0 };

  run_job (job, &out);
  g_assert_error (out.error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_cmpint (sd_job_get_state (job), ==, SD_JOB_FAILED);
  g_assert_cmpstr (sd_job_get_error_message (job), ==, "planned failure at step 3");
  g_clear_error (&out.error);
}

static void
test_records_run (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sd-job-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "shop.sqlite", NULL);
  Work work = { .steps = 40, .db_path = path };
  g_autoptr(SdJob) job = sd_job_new ("recorded", count_up, &work, NULL);
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdStmt) stmt = NULL;

  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);

  store = sd_store_open (path, &error);
  g_assert_no_error (error);
  stmt = sd_store_prepare (store, "SELECT count(*), min(value), max(step) FROM run_points", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 40);
  g_assert_cmpfloat_with_epsilon (sqlite3_column_double (stmt, 1), 1.0 / 40, 1e-12);
  g_assert_cmpint (sqlite3_column_int (stmt, 2), ==, 39);
  sd_stmt_release (g_steal_pointer (&stmt));
  g_clear_object (&store);

  {
    g_autoptr(GFile) d = g_file_new_for_path (dir);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (d, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
    GFileInfo *info;
    while ((info = g_file_enumerator_next_file (e, NULL, NULL)))
      {
        g_autoptr(GFile) child = g_file_get_child (d, g_file_info_get_name (info));
        g_file_delete (child, NULL, NULL);
        g_object_unref (info);
      }
    g_rmdir (dir);
  }
}

static void
task_waits_for_cancel (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  while (!g_cancellable_is_cancelled (cancellable))
    g_usleep (1000);
  g_task_return_boolean (task, FALSE);
}

static void
ended_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  (*(int *) user_data)++;
}

static void
waited_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_assert_true (sd_job_wait_threads_finish (result, NULL));
  /* Told only once every worker has returned. */
  g_assert_cmpuint (sd_job_get_n_threads (), ==, 0);
  *(gboolean *) user_data = TRUE;
}

/* What quitting relies on: every worker thread of the process is counted, a cancel reaches
 * them all, and the wait ends when the last has returned. */
static void
test_cancel_all (void)
{
  Work work = { .steps = 10, .wait_for_cancel = TRUE };
  g_autoptr(SdJob) job = sd_job_new ("waits", count_up, &work, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Outcome out = { .loop = g_main_loop_new (NULL, FALSE) };
  gboolean waited = FALSE;
  int ended = 0;

  g_assert_cmpuint (sd_job_get_n_threads (), ==, 0);
  g_assert_true (sd_job_wait_threads (0));
  {
    g_autoptr(GTask) task = g_task_new (NULL, cancellable, ended_cb, &ended);
    sd_job_run_task_in_thread (task, task_waits_for_cancel);
  }
  sd_job_run_async (job, done_cb, &out);
  g_assert_cmpuint (sd_job_get_n_threads (), ==, 2);
  /* Nothing ends by itself: a short wait times out. */
  g_assert_false (sd_job_wait_threads (20 * 1000));
  sd_job_wait_threads_async (NULL, waited_cb, &waited);

  sd_job_cancel_all ();
  g_assert_true (sd_job_wait_threads (10 * G_USEC_PER_SEC));
  g_assert_cmpuint (sd_job_get_n_threads (), ==, 0);
  g_main_loop_run (out.loop);
  while (!waited || ended == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (out.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (sd_job_get_state (job), ==, SD_JOB_CANCELLED);
  g_assert_cmpint (ended, ==, 1);
  g_clear_error (&out.error);
  g_main_loop_unref (out.loop);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/job/delivers-in-order", test_delivers_in_order);
  g_test_add_func ("/job/cancel", test_cancel);
  g_test_add_func ("/job/failure", test_failure);
  g_test_add_func ("/job/records-run", test_records_run);
  g_test_add_func ("/job/cancel-all", test_cancel_all);

  return g_test_run ();
}
