/* sd-job-result.c — a job's end on a view's stack */
#include "config.h"

#include "sd-job-result.h"

gboolean
sd_job_result_show (SdJob         *job,
                    GAsyncResult  *result,
                    GtkStack      *stack,
                    AdwStatusPage *error_page)
{
  g_autoptr(GError) error = NULL;

  if (sd_job_run_finish (job, result, &error))
    return TRUE;
  /* Cancelled means replaced or closed: nothing to say. */
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      adw_status_page_set_description (error_page, error->message);
      gtk_stack_set_visible_child_name (stack, "error");
    }
  return FALSE;
}
