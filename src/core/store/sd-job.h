/* sd-job.h — long work in a GTask thread that reports to the main loop
 *
 * A worker function runs in a thread and calls sd_job_set_progress(), sd_job_log() and
 * sd_job_metric() as often as it likes; the job batches those and delivers them on the
 * main context the job was created on, as property notifications and signals, at most
 * one idle callback at a time. Widgets bind to the job; they never see the thread.
 */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_JOB_PENDING,
  SD_JOB_RUNNING,
  SD_JOB_FINISHED,
  SD_JOB_CANCELLED,
  SD_JOB_FAILED,
} SdJobState;

typedef struct {
  int    step;
  double value;
  char  *name;   /* interned */
} SdMetricPoint;

#define SD_TYPE_JOB (sd_job_get_type ())
G_DECLARE_FINAL_TYPE (SdJob, sd_job, SD, JOB, GObject)

/* Runs in the worker thread. Returns FALSE with @error set on failure; cancellation is
 * G_IO_ERROR_CANCELLED (g_cancellable_set_error_if_cancelled). */
typedef gboolean (*SdJobFunc) (SdJob         *job,
                               gpointer       data,
                               GCancellable  *cancellable,
                               GError       **error);

SdJob         *sd_job_new             (const char          *title,
                                       SdJobFunc            func,
                                       gpointer             data,
                                       GDestroyNotify       data_destroy);
void           sd_job_run_async       (SdJob               *self,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean       sd_job_run_finish      (SdJob               *self,
                                       GAsyncResult        *result,
                                       GError             **error);
/* Runs the worker in the calling thread: for the CLI and tests. */
gboolean       sd_job_run_sync        (SdJob               *self,
                                       GError             **error);
void           sd_job_cancel          (SdJob               *self);
/* Work the person started and would have to start again (training, an import): quitting
 * while it runs asks first. Other jobs only compute what a page shows. */
void           sd_job_set_ask_before_quit (SdJob           *self,
                                       gboolean             ask);
gboolean       sd_job_get_ask_before_quit (SdJob           *self);

/* Main-thread side. */
const char    *sd_job_get_title       (SdJob               *self);
SdJobState     sd_job_get_state       (SdJob               *self);
double         sd_job_get_fraction    (SdJob               *self);
const char    *sd_job_get_text        (SdJob               *self);
const char    *sd_job_get_error_message (SdJob             *self);
GCancellable  *sd_job_get_cancellable (SdJob               *self);
gint64         sd_job_get_elapsed_us  (SdJob               *self);
/* Every metric point delivered so far, in order (SdMetricPoint). */
GArray        *sd_job_get_points      (SdJob               *self);
gpointer       sd_job_get_data        (SdJob               *self);

/* Worker side: safe from any thread. */
void           sd_job_set_progress    (SdJob               *self,
                                       double               fraction,
                                       const char          *text);
void           sd_job_log             (SdJob               *self,
                                       const char          *format,
                                       ...) G_GNUC_PRINTF (2, 3);
void           sd_job_metric          (SdJob               *self,
                                       int                  step,
                                       const char          *name,
                                       double               value);
/* Changes through @store, the worker's own connection, wait for the shop as long as the job
 * is not cancelled, and the job's text says what it waits for while it does. */
void           sd_job_watch_store     (SdJob               *self,
                                       SdStore             *store);
/* From here on, metric points are also written to run @run_id through @store, which
 * must be the worker's own connection (and is watched as by sd_job_watch_store()). */
void           sd_job_record_run      (SdJob               *self,
                                       SdStore             *store,
                                       gint64               run_id);

/* Every worker thread of the process: those of jobs run with sd_job_run_async() and those
 * of tasks run with sd_job_run_task_in_thread(). A process must not exit while one of them
 * runs (a thread inside OpenBLAS crashes the exit), so quitting cancels them all and waits
 * until none is left. */

/* g_task_run_in_thread(), counted among the process's worker threads; @task's cancellable
 * is cancelled by sd_job_cancel_all(). */
void           sd_job_run_task_in_thread (GTask            *task,
                                       GTaskThreadFunc      func);
guint          sd_job_get_n_threads   (void);
/* Cancels every job and counted task running or waiting for a thread. */
void           sd_job_cancel_all      (void);
/* Completes on the calling thread's main context once no worker thread is left. */
void           sd_job_wait_threads_async  (GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data);
gboolean       sd_job_wait_threads_finish (GAsyncResult        *result,
                                       GError             **error);
/* Blocks until no worker thread is left or @timeout_us has passed; FALSE on the timeout. */
gboolean       sd_job_wait_threads    (gint64               timeout_us);

G_END_DECLS
