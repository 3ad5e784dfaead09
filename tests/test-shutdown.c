/* test-shutdown.c — quitting the app while background jobs run, under Xvfb
 *
 * Each case runs the whole application (g_application_run on a demo shop) in a child
 * process, starts a long job through a page as a person would, then quits (app.quit, as
 * Ctrl+Q does) or closes the window. The child must end by itself with status 0 and no
 * worker thread left (a thread still inside OpenBLAS crashed the exit); the parent then
 * checks that the shop's data is as it was before: a cancelled job's transaction rolled
 * back. Training and imports ask first ("Stop … and Quit?"); a page's own computation,
 * such as the Customers map, is stopped without a word.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-notifications.h"
#include "ui-test-util.h"

#include <adwaita.h>

#include "sd-application.h"
#include "sd-customers-page.h"
#include "sd-data-page.h"
#include "sd-demo.h"
#include "sd-training-page.h"
#include "sd-window.h"

typedef enum {
  QUIT_BY_ACTION,     /* app.quit: Ctrl+Q */
  QUIT_BY_CLOSING,    /* the window's close button */
} QuitHow;

typedef enum {
  JOB_TRAINING,
  JOB_IMPORT,
  JOB_CUSTOMER_MAP,
} JobKind;

typedef struct {
  JobKind        kind;
  QuitHow        how;
  SdApplication *app;
  SdWindow      *window;
  int            step;
  gboolean       asked;       /* the "Stop … and Quit?" dialog came */
  gint64         stopped_at;  /* when the jobs were told to stop */
  gint64         last_tick;
  gint64         max_gap_us;  /* the main loop's longest stall after that */
  guint          threads_at_stop;
  guint          watchdog_s;
} Driver;

static char *dir;
static char *shop_path;
static char *csv_path;

/* ---- the shop's data, as a digest ------------------------------------------------ */

/* Every table but the record of training runs (a cancelled run is kept, marked so), row by
 * row: one line a table, its name, rows and hash, so a difference names the table. */
static char *
shop_digest (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdStmt) tables = NULL;
  g_autoptr(GString) digest = g_string_new (NULL);
  guint n_tables = 0;

  g_assert_no_error (error);
  tables = sd_store_prepare (store, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                    "AND name NOT IN ('runs', 'run_points') AND name NOT LIKE '%fts%' ORDER BY name",
                             &error);
  g_assert_no_error (error);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM \"%s\"", name);
      g_autoptr(SdStmt) rows = sd_store_prepare (store, sql, &error);
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      guint64 n_rows = 0;

      g_assert_no_error (error);
      while (sqlite3_step (rows) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (rows); c++)
            {
              const void *blob = sqlite3_column_blob (rows, c);
              g_checksum_update (sum, blob ? blob : (const void *) "\1", blob ? sqlite3_column_bytes (rows, c) : 1);
            }
          n_rows++;
        }
      g_string_append_printf (digest, "%s %" G_GUINT64_FORMAT " %.12s\n", name, n_rows, g_checksum_get_string (sum));
      n_tables++;
    }
  g_assert_cmpuint (n_tables, >, 5);
  return g_string_free (g_steal_pointer (&digest), FALSE);
}

static gint64
count_rows (const char *sql)
{
  return ui_test_count (shop_path, sql);
}

/* ---- the child: the app, driven ------------------------------------------------- */

/* The "Stop … and Quit?" dialog, or NULL. */
static GtkWidget *
find_quit_dialog (void)
{
  AdwMessageDialog *dialog = ui_test_find_message_dialog ();

  return dialog && g_str_equal (gtk_widget_get_name (GTK_WIDGET (dialog)), "quit-dialog") ? GTK_WIDGET (dialog) : NULL;
}

static gboolean
job_started (Driver *d)
{
  switch (d->kind)
    {
    case JOB_TRAINING:
      {
        SdTrainingPage *page = SD_TRAINING_PAGE (sd_window_get_page (d->window, "training"));
        /* Inside the epochs, where OpenBLAS works: a loss point or two drawn. */
        return sd_training_page_get_training (page) && sd_training_page_get_n_live_loss_points (page) >= 1;
      }
    case JOB_IMPORT:
      {
        SdDataPage *page = SD_DATA_PAGE (sd_window_get_page (d->window, "data"));
        GListModel *jobs = sd_window_get_jobs (d->window);
        g_autoptr(SdJob) job = g_list_model_get_n_items (jobs) ? g_list_model_get_item (jobs, 0) : NULL;
        /* Rows written inside the import's transaction. */
        return sd_data_page_get_importing (page) && job && sd_job_get_fraction (job) > 0.05;
      }
    case JOB_CUSTOMER_MAP:
      /* Its job in its thread, not only asked for. */
      return sd_customers_page_get_loading (SD_CUSTOMERS_PAGE (sd_window_get_page (d->window, "customers"))) &&
             sd_job_get_n_threads () > 0;
    }
  g_assert_not_reached ();
}

/* Starts the job as a person would; FALSE while the page is not ready for it yet. */
static gboolean
start_job (Driver *d)
{
  g_autoptr(GError) error = NULL;

  switch (d->kind)
    {
    case JOB_TRAINING:
      {
        SdTrainingPage *page = SD_TRAINING_PAGE (sd_window_get_page (d->window, "training"));
        gtk_widget_activate_action (GTK_WIDGET (d->window), "win.show-page", "s", "training");
        g_assert_true (sd_training_page_select_model (page, "bpr"));
        /* Far more epochs than the test waits for. */
        g_assert_true (sd_training_page_set_param (page, "epochs", "2000", &error));
        g_assert_no_error (error);
        gtk_widget_activate_action (GTK_WIDGET (page), "training.train", NULL);
        return sd_training_page_get_training (page);
      }
    case JOB_IMPORT:
      gtk_widget_activate_action (GTK_WIDGET (d->window), "win.show-page", "s", "data");
      return sd_data_page_import_file (SD_DATA_PAGE (sd_window_get_page (d->window, "data")),
                                       csv_path, SD_IMPORT_ONLINE_RETAIL, FALSE);
    case JOB_CUSTOMER_MAP:
      /* The page computes its map when it is first shown. */
      gtk_widget_activate_action (GTK_WIDGET (d->window), "win.show-page", "s", "customers");
      return TRUE;
    }
  g_assert_not_reached ();
}

/* Every few milliseconds from the stop on: how long the main loop was kept from running. */
static gboolean
tick_cb (gpointer user_data)
{
  Driver *d = user_data;
  gint64 now = g_get_monotonic_time ();

  d->max_gap_us = MAX (d->max_gap_us, now - d->last_tick);
  d->last_tick = now;
  return G_SOURCE_CONTINUE;
}

static void
mark_stop (Driver *d)
{
  d->stopped_at = d->last_tick = g_get_monotonic_time ();
  d->threads_at_stop = sd_job_get_n_threads ();
  g_timeout_add (5, tick_cb, d);
}

static gboolean
drive_cb (gpointer user_data)
{
  Driver *d = user_data;

  switch (d->step)
    {
    case 0:   /* the shop open on every page */
      if (d->window == NULL || sd_window_get_store (d->window) == NULL || !gtk_widget_get_mapped (GTK_WIDGET (d->window)))
        return G_SOURCE_CONTINUE;
      if (start_job (d))
        d->step++;
      return G_SOURCE_CONTINUE;
    case 1:
      if (!job_started (d))
        {
          /* A map computed between two looks (a fast machine, a small shop): changed data
           * sets it computing again. */
          if (d->kind == JOB_CUSTOMER_MAP &&
              !sd_customers_page_get_loading (SD_CUSTOMERS_PAGE (sd_window_get_page (d->window, "customers"))))
            sd_store_notify_changed_detail (sd_window_get_store (d->window), SD_STORE_CHANGED_DATA);
          return G_SOURCE_CONTINUE;
        }
      g_assert_cmpuint (sd_job_get_n_threads (), >, 0);
      if (d->kind == JOB_CUSTOMER_MAP)
        mark_stop (d);   /* nothing asks: the stop is now */
      if (d->how == QUIT_BY_ACTION)
        g_action_group_activate_action (G_ACTION_GROUP (d->app), "quit", NULL);
      else
        gtk_window_close (GTK_WINDOW (d->window));
      d->step++;
      return G_SOURCE_CONTINUE;
    case 2:
      {
        GtkWidget *dialog = find_quit_dialog ();

        if (d->kind == JOB_CUSTOMER_MAP)
          {
            /* A page's own computation goes without a question; the window at once. */
            g_assert_null (dialog);
            g_assert_false (gtk_widget_get_visible (GTK_WIDGET (d->window)));
            return G_SOURCE_REMOVE;
          }
        if (dialog == NULL)
          return G_SOURCE_CONTINUE;
        d->asked = TRUE;
        g_test_message ("asked: %s", adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)));
        /* Keep Working first: nothing stops, the window stays. */
        adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
        g_assert_true (gtk_widget_get_visible (GTK_WIDGET (d->window)));
        g_assert_cmpuint (sd_job_get_n_threads (), >, 0);
        g_assert_true (job_started (d));
        /* Then again, and stop. */
        if (d->how == QUIT_BY_ACTION)
          g_action_group_activate_action (G_ACTION_GROUP (d->app), "quit", NULL);
        else
          gtk_window_close (GTK_WINDOW (d->window));
        dialog = find_quit_dialog ();
        g_assert_nonnull (dialog);
        mark_stop (d);
        adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "stop");
        g_assert_false (gtk_widget_get_visible (GTK_WIDGET (d->window)));
        return G_SOURCE_REMOVE;
      }
    }
  g_assert_not_reached ();
}

static void
window_added_cb (GtkApplication *app,
                 GtkWindow      *window,
                 Driver         *d)
{
  if (SD_IS_WINDOW (window) && d->window == NULL)
    d->window = SD_WINDOW (window);
}

/* Stops the child, so that a hang fails rather than waits for meson's timeout. */
static gboolean
watchdog_cb (gpointer user_data)
{
  Driver *d = user_data;

  g_error ("the app was still running %u s after it started (step %d, window %p, shop %p, mapped %d)",
           d->watchdog_s, d->step,
           (gpointer) d->window, d->window ? (gpointer) sd_window_get_store (d->window) : NULL,
           d->window && gtk_widget_get_mapped (GTK_WIDGET (d->window)));
  return G_SOURCE_REMOVE;
}

static void
run_app (JobKind kind,
         QuitHow how)
{
  Driver d = { kind, how };
  char *argv[] = { (char *) "shopdesk", shop_path, NULL };
  int status;
  gint64 ended;

  d.app = sd_application_new ();
  g_application_set_flags (G_APPLICATION (d.app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_signal_connect (d.app, "window-added", G_CALLBACK (window_added_cb), &d);
  g_timeout_add (50, drive_cb, &d);
  /* Generous: on a 2-core machine shared with builds, opening the demo shop on every page
   * before the job starts took over 120 s once; a hang still fails well before the
   * subprocess's own 300 s limit. */
  d.watchdog_s = g_getenv ("SD_TEST_WATCHDOG") ? (guint) atoi (g_getenv ("SD_TEST_WATCHDOG")) : 240;
  g_timeout_add_seconds (d.watchdog_s, watchdog_cb, &d);

  status = g_application_run (G_APPLICATION (d.app), 2, argv);
  ended = g_get_monotonic_time ();

  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (d.stopped_at, >, 0);
  g_assert_true (d.asked == (kind != JOB_CUSTOMER_MAP));
  /* Every worker has returned before the process goes on to exit. */
  g_assert_cmpuint (sd_job_get_n_threads (), ==, 0);
  g_printerr ("# %u threads stopped; the app ended %.0f ms after the stop, the main loop stalled at most %.0f ms meanwhile\n",
              d.threads_at_stop, (ended - d.stopped_at) / 1000.0, d.max_gap_us / 1000.0);
  /* A cancellation point is never far: not seconds of OpenBLAS or SQLite after the stop. */
  g_assert_cmpfloat ((ended - d.stopped_at) / 1000.0, <, 5000);
  g_object_unref (d.app);
}

/* ---- the parent: the process and the data ---------------------------------------- */

/* Runs the current test in a child process that quits the app while @kind of job runs. */
static void
check_quit (JobKind kind,
            QuitHow how)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (g_test_subprocess ())
    {
      run_app (kind, how);
      return;
    }
  before = shop_digest ();
  g_test_trap_subprocess (NULL, 300 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  after = shop_digest ();
  g_assert_cmpstr (after, ==, before);
}

static void
test_quit_while_training (void)
{
  gint64 cancelled = count_rows ("SELECT count(*) FROM runs WHERE status = 'cancelled'");

  check_quit (JOB_TRAINING, QUIT_BY_ACTION);
  if (g_test_subprocess ())
    return;
  /* The run is on record as cancelled, not left "running". */
  g_assert_cmpint (count_rows ("SELECT count(*) FROM runs WHERE status = 'cancelled'"), ==, cancelled + 1);
  g_assert_cmpint (count_rows ("SELECT count(*) FROM runs WHERE status = 'running'"), ==, 0);
}

/* Lines enough for an import that takes seconds, of customers and products the demo shop
 * does not have. */
static void
write_retail_csv (void)
{
  g_autoptr(GString) csv = g_string_new ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 150000; i++)
    g_string_append_printf (csv, "%u,T%u,TEST ITEM %u,%u,2011-0%u-1%u 10:%02u:00,%u.%02u,%u,United Kingdom\n",
                            600000 + i / 4, i % 3000, i % 3000, 1 + i % 7, 1 + i % 9, i % 10, i % 60,
                            1 + i % 20, i % 100, 90000 + i / 40);
  csv_path = g_build_filename (dir, "retail.csv", NULL);
  g_assert_true (g_file_set_contents (csv_path, csv->str, csv->len, &error));
  g_assert_no_error (error);
}

static void
test_close_while_importing (void)
{
  gint64 customers = count_rows ("SELECT count(*) FROM customers");

  check_quit (JOB_IMPORT, QUIT_BY_CLOSING);
  if (g_test_subprocess ())
    return;
  g_assert_cmpint (count_rows ("SELECT count(*) FROM customers"), ==, customers);
}

static void
test_close_while_mapping (void)
{
  check_quit (JOB_CUSTOMER_MAP, QUIT_BY_CLOSING);
}

/* The test's folder with what the app and Mesa cached under it (folders of folders). */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) folder = g_dir_open (path, 0, NULL);
  const char *name;

  while (folder && (name = g_dir_read_name (folder)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  gboolean child = FALSE;
  int status;

  /* Before GTK reads XDG_DATA_HOME, so before g_test_subprocess() can tell. */
  for (int i = 1; i < argc; i++)
    child |= g_str_equal (argv[i], "--GTestSubprocess");
  if (!child)
    {
      g_autoptr(GError) error = NULL;

      dir = g_dir_make_tmp ("shopdesk-shutdown-XXXXXX", &error);
      g_assert_no_error (error);
      /* Inherited by the children: the same shop, the same folders. */
      g_setenv ("XDG_DATA_HOME", dir, TRUE);
      g_setenv ("XDG_CACHE_HOME", dir, TRUE);
      g_setenv ("SD_TEST_SHUTDOWN_DIR", dir, TRUE);
    }
  else
    dir = g_strdup (g_getenv ("SD_TEST_SHUTDOWN_DIR"));
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  ui_notifications_tolerate ();
  adw_init ();

  shop_path = g_build_filename (dir, "demo.sqlite", NULL);
  csv_path = g_build_filename (dir, "retail.csv", NULL);
  if (!g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
      SdDemoOptions options;

      g_assert_no_error (error);
      sd_demo_options_init (&options);
      g_assert_true (sd_demo_options_for_size (&options, "small", &error));
      g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
      g_assert_no_error (error);
      g_clear_pointer (&csv_path, g_free);
      write_retail_csv ();
    }

  g_test_add_func ("/shutdown/quit-while-training", test_quit_while_training);
  g_test_add_func ("/shutdown/close-while-importing", test_close_while_importing);
  g_test_add_func ("/shutdown/close-while-mapping", test_close_while_mapping);
  status = g_test_run ();

  if (!g_test_subprocess ())
    remove_tree (dir);
  g_free (shop_path);
  g_free (csv_path);
  g_free (dir);
  return status;
}
