/* test-job-list.c — the header-bar list of background jobs: rows, cancel, clear; and
 * emptying a list keeps the line that says why it is empty */
#include "config.h"

#include <adwaita.h>

#include "sd-job-list.h"
#include "sd-list-rows.h"
#include "sd-resources.h"

static gboolean
wait_for_cancel (SdJob         *job,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  sd_job_set_progress (job, 0.25, "a quarter done");
  while (!g_cancellable_is_cancelled (cancellable))
    g_usleep (1000);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
quick (SdJob         *job,
       gpointer       data,
       GCancellable  *cancellable,
       GError       **error)
{
  sd_job_set_progress (job, 1.0, "done");
  return TRUE;
}

static void
run_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  gboolean *done = user_data;
  sd_job_run_finish (SD_JOB (object), result, NULL);
  *done = TRUE;
}

static GtkWidget *
find_button_labelled (GtkWidget  *widget,
                      const char *tooltip)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0 &&
      gtk_widget_get_visible (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button_labelled (child, tooltip);
      if (found)
        return found;
    }
  return NULL;
}

static void
iterate_until (gboolean *flag)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!*flag)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
test_rows_cancel_clear (void)
{
  GtkWidget *window = gtk_window_new ();
  SdJobList *list = SD_JOB_LIST (sd_job_list_new ());
  g_autoptr(SdJob) slow = sd_job_new ("Slow work", wait_for_cancel, NULL, NULL);
  g_autoptr(SdJob) fast = sd_job_new ("Fast work", quick, NULL, NULL);
  GListModel *jobs = sd_job_list_get_jobs (list);
  gboolean slow_done = FALSE, fast_done = FALSE;
  GtkWidget *popover_content, *cancel;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (list));
  gtk_window_present (GTK_WINDOW (window));

  /* Nothing to show: the button hides. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (list)));

  sd_job_list_add (list, slow);
  sd_job_run_async (slow, run_done_cb, &slow_done);
  sd_job_list_add (list, fast);
  sd_job_run_async (fast, run_done_cb, &fast_done);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (list)));
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 2);
  g_assert_cmpuint (sd_job_list_get_n_running (list), ==, 2);
  {
    g_autoptr(SdJob) newest = g_list_model_get_item (jobs, 0);
    g_assert_true (newest == fast);   /* newest first */
  }

  iterate_until (&fast_done);
  g_assert_cmpuint (sd_job_list_get_n_running (list), ==, 1);

  /* The slow job's row has a Cancel button; the finished one's does not show it. */
  popover_content = gtk_popover_get_child (gtk_menu_button_get_popover (
                      GTK_MENU_BUTTON (gtk_widget_get_first_child (GTK_WIDGET (list)))));
  cancel = find_button_labelled (popover_content, "Cancel");
  g_assert_nonnull (cancel);
  g_signal_emit_by_name (cancel, "clicked");
  iterate_until (&slow_done);
  g_assert_cmpint (sd_job_get_state (slow), ==, SD_JOB_CANCELLED);
  g_assert_cmpuint (sd_job_list_get_n_running (list), ==, 0);
  g_assert_null (find_button_labelled (popover_content, "Cancel"));

  sd_job_list_clear_finished (list);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (list)));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Emptying a list removes its rows, not its placeholder: a list filled, emptied and left
 * empty says so again. */
static void
test_remove_all_keeps_placeholder (void)
{
  GtkListBox *list = GTK_LIST_BOX (g_object_ref_sink (gtk_list_box_new ()));
  GtkWidget *placeholder = gtk_label_new ("Nothing here yet");

  gtk_list_box_set_placeholder (list, placeholder);
  for (int round = 0; round < 2; round++)
    {
      gtk_list_box_append (list, sd_note_row_new ("one"));
      gtk_list_box_append (list, sd_note_row_new ("two"));
      g_assert_nonnull (gtk_list_box_get_row_at_index (list, 1));
      sd_list_box_remove_all (list);
      g_assert_null (gtk_list_box_get_row_at_index (list, 0));
      g_assert_true (gtk_widget_get_parent (placeholder) == GTK_WIDGET (list));
    }
  g_object_unref (list);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  sd_register_resource ();
  g_test_add_func ("/job-list/rows-cancel-clear", test_rows_cancel_clear);
  g_test_add_func ("/list-rows/remove-all-keeps-placeholder", test_remove_all_keeps_placeholder);
  return g_test_run ();
}
