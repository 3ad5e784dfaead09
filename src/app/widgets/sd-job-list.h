/* sd-job-list.h — the header-bar button that shows running and recent background jobs */
#pragma once

#include <gtk/gtk.h>

#include "sd-job.h"

G_BEGIN_DECLS

#define SD_TYPE_JOB_LIST (sd_job_list_get_type ())
G_DECLARE_FINAL_TYPE (SdJobList, sd_job_list, SD, JOB_LIST, GtkWidget)

GtkWidget  *sd_job_list_new          (void);
/* Shows @job (pending or running) until it is cleared after it ended. */
void        sd_job_list_add          (SdJobList *self,
                                      SdJob     *job);
/* The jobs shown, newest first (SdJob). */
GListModel *sd_job_list_get_jobs     (SdJobList *self);
guint       sd_job_list_get_n_running (SdJobList *self);
/* Forgets the jobs that ended. */
void        sd_job_list_clear_finished (SdJobList *self);

G_END_DECLS
