/* sd-job-result.h — a job's end shown on a view's stack: its content, or what went wrong */
#pragma once

#include <adwaita.h>

#include "sd-job.h"

G_BEGIN_DECLS

/* Ends @job's run (@result, from its callback). TRUE when it did its work; FALSE when it
 * was cancelled, or failed: its message is then the description of @error_page and @stack
 * shows its "error" child. */
gboolean sd_job_result_show (SdJob         *job,
                             GAsyncResult  *result,
                             GtkStack      *stack,
                             AdwStatusPage *error_page);

G_END_DECLS
