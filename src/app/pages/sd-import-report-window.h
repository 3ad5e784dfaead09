/* sd-import-report-window.h — what an import did: a window built from its report */
#pragma once

#include <adwaita.h>

#include "sd-job.h"

G_BEGIN_DECLS

/* A modal window over @parent showing the report of the finished import @job (from
 * sd_import_job_new), with "Save Rejected Rows…" when rows were rejected. The window
 * keeps a reference on @job for as long as it is open. */
GtkWindow *sd_import_report_window_new (GtkWindow *parent,
                                        SdJob     *job);

G_END_DECLS
