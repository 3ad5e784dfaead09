/* sd-job.c — long work in a GTask thread that reports to the main loop */
#include "config.h"

#include "sd-job.h"

struct _SdJob
{
  GObject         parent_instance;

  char           *title;
  SdJobFunc       func;
  gpointer        data;
  GDestroyNotify  data_destroy;
  GCancellable   *cancellable;
  GMainContext   *context;      /* where notifications are delivered */

  /* Main-thread state, what the properties report. */
  SdJobState      state;
  double          fraction;
  char           *text;
  char           *error_message;
  GArray         *points;
  gint64          started_us;
  gint64          finished_us;

  /* Filled by the worker under @lock, drained by flush() on @context. */
  GMutex          lock;
  double          pending_fraction;
  char           *pending_text;
  GPtrArray      *pending_logs;
  GArray         *pending_points;
  gboolean        flush_scheduled;

  SdStore        *run_store;    /* the worker's connection, not owned */
  gint64          run_id;
  SdStore        *watched_store; /* weak: told of the job only while the worker runs */
  gboolean        ask_before_quit;
};

G_DEFINE_FINAL_TYPE (SdJob, sd_job, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_STATE,
  PROP_FRACTION,
  PROP_TEXT,
  N_PROPS
};

enum {
  SIGNAL_LOG,
  SIGNAL_METRIC,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
sd_job_finalize (GObject *object)
{
  SdJob *self = SD_JOB (object);

  if (self->data_destroy)
    self->data_destroy (self->data);
  g_free (self->title);
  g_free (self->text);
  g_free (self->error_message);
  g_free (self->pending_text);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->points, g_array_unref);
  g_clear_pointer (&self->pending_points, g_array_unref);
  g_clear_pointer (&self->pending_logs, g_ptr_array_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sd_job_parent_class)->finalize (object);
}

static void
sd_job_get_property (GObject    *object,
                     guint       prop_id,
                     GValue     *value,
                     GParamSpec *pspec)
{
  SdJob *self = SD_JOB (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_job_class_init (SdJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sd_job_finalize;
  object_class->get_property = sd_job_get_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_int ("state", NULL, NULL, SD_JOB_PENDING, SD_JOB_FAILED, SD_JOB_PENDING,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_LOG] =
    g_signal_new ("log", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* (step, name, value): one signal a point, in the order the worker sent them. */
  signals[SIGNAL_METRIC] =
    g_signal_new ("metric", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_INT, G_TYPE_STRING, G_TYPE_DOUBLE);
}

static void
sd_job_init (SdJob *self)
{
  g_mutex_init (&self->lock);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->points = g_array_new (FALSE, FALSE, sizeof (SdMetricPoint));
  self->pending_points = g_array_new (FALSE, FALSE, sizeof (SdMetricPoint));
  self->pending_logs = g_ptr_array_new_with_free_func (g_free);
  self->pending_fraction = -1;
}

SdJob *
sd_job_new (const char     *title,
            SdJobFunc       func,
            gpointer        data,
            GDestroyNotify  data_destroy)
{
  SdJob *self = g_object_new (SD_TYPE_JOB, NULL);

  self->title = g_strdup (title);
  self->func = func;
  self->data = data;
  self->data_destroy = data_destroy;
  return self;
}

/* Delivers what the worker queued. Runs on self->context. */
static void
flush (SdJob *self)
{
  g_autoptr(GPtrArray) logs = NULL;
  g_autoptr(GArray) points = NULL;
  g_autofree char *text = NULL;
  double fraction;

  g_mutex_lock (&self->lock);
  self->flush_scheduled = FALSE;
  fraction = self->pending_fraction;
  self->pending_fraction = -1;
  text = g_steal_pointer (&self->pending_text);
  logs = g_steal_pointer (&self->pending_logs);
  points = g_steal_pointer (&self->pending_points);
  self->pending_logs = g_ptr_array_new_with_free_func (g_free);
  self->pending_points = g_array_new (FALSE, FALSE, sizeof (SdMetricPoint));
  g_mutex_unlock (&self->lock);

  g_object_freeze_notify (G_OBJECT (self));
  if (fraction >= 0 && fraction != self->fraction)
    {
      self->fraction = fraction;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
    }
  if (text != NULL && g_strcmp0 (text, self->text) != 0)
    {
      g_free (self->text);
      self->text = g_steal_pointer (&text);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
    }
  g_object_thaw_notify (G_OBJECT (self));

  for (guint i = 0; i < logs->len; i++)
    g_signal_emit (self, signals[SIGNAL_LOG], 0, g_ptr_array_index (logs, i));
  for (guint i = 0; i < points->len; i++)
    {
      SdMetricPoint *p = &g_array_index (points, SdMetricPoint, i);
      g_array_append_val (self->points, *p);
      g_signal_emit (self, signals[SIGNAL_METRIC], 0, p->step, p->name, p->value);
    }
}

static gboolean
flush_cb (gpointer user_data)
{
  flush (SD_JOB (user_data));
  return G_SOURCE_REMOVE;
}

/* Called with the lock held. One idle at a time: a worker that reports a million times
 * a second still costs the main loop one callback a frame or so. */
static void
schedule_flush_locked (SdJob *self)
{
  GSource *source;

  if (self->flush_scheduled)
    return;
  self->flush_scheduled = TRUE;
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_LOW);
  g_source_set_callback (source, flush_cb, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[shopdesk] job progress");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

void
sd_job_set_progress (SdJob      *self,
                     double      fraction,
                     const char *text)
{
  g_return_if_fail (SD_IS_JOB (self));

  g_mutex_lock (&self->lock);
  self->pending_fraction = CLAMP (fraction, 0.0, 1.0);
  if (text != NULL)
    {
      g_free (self->pending_text);
      self->pending_text = g_strdup (text);
    }
  schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);
}

void
sd_job_log (SdJob      *self,
            const char *format,
            ...)
{
  va_list args;
  char *line;

  g_return_if_fail (SD_IS_JOB (self));

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->pending_logs, line);
  schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);
}

void
sd_job_metric (SdJob      *self,
               int         step,
               const char *name,
               double      value)
{
  SdMetricPoint point = { step, value, (char *) g_intern_string (name) };

  g_return_if_fail (SD_IS_JOB (self));

  /* Only the worker touches run_store, so this needs no lock. A lost point is logged,
   * not fatal: the curve on screen is still complete. */
  if (self->run_store != NULL)
    {
      g_autoptr(GError) error = NULL;
      if (!sd_store_run_add_point (self->run_store, self->run_id, step, name, value, &error))
        g_warning ("%s", error->message);
    }

  g_mutex_lock (&self->lock);
  g_array_append_val (self->pending_points, point);
  schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);
}

static void
store_wait_cb (SdStore    *store,
               const char *text,
               gpointer    user_data)
{
  SdJob *self = user_data;

  /* The text alone: how far the work got has not changed. */
  g_mutex_lock (&self->lock);
  g_free (self->pending_text);
  self->pending_text = g_strdup (text);
  schedule_flush_locked (self);
  g_mutex_unlock (&self->lock);
}

/* A store the caller keeps after the job must not call back into a job that may be gone.
 * Runs in the worker's thread, where its store is also finalized. */
static void
unwatch_store (SdJob *self)
{
  if (self->watched_store == NULL)
    return;
  sd_store_set_wait (self->watched_store, NULL, 5000, NULL, NULL);
  g_object_remove_weak_pointer (G_OBJECT (self->watched_store), (gpointer *) &self->watched_store);
  self->watched_store = NULL;
}

void
sd_job_watch_store (SdJob   *self,
                    SdStore *store)
{
  g_return_if_fail (SD_IS_JOB (self));
  g_return_if_fail (SD_IS_STORE (store));

  sd_store_set_wait (store, self->cancellable, -1, store_wait_cb, self);
  if (self->watched_store != store)
    {
      unwatch_store (self);
      self->watched_store = store;
      g_object_add_weak_pointer (G_OBJECT (store), (gpointer *) &self->watched_store);
    }
}

void
sd_job_record_run (SdJob   *self,
                   SdStore *store,
                   gint64   run_id)
{
  self->run_store = store;
  self->run_id = run_id;
  /* A run's points and its end are written through this connection: they wait for the
   * shop like every change the job makes. */
  sd_job_watch_store (self, store);
}

static void
set_state (SdJob      *self,
           SdJobState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

/* ---- The process's worker threads ------------------------------------------------ */

/* One entry per counted thread, running or queued: its cancellable (a reference) or NULL. */
static GMutex     threads_lock;
static GCond      threads_cond;
static GPtrArray *threads;
static GPtrArray *thread_waiters;   /* GTask, completed when no thread is left */

static GQuark
thread_func_quark (void)
{
  return g_quark_from_static_string ("sd-job-thread-func");
}

static void
thread_started (GCancellable *cancellable)
{
  g_mutex_lock (&threads_lock);
  if (threads == NULL)
    threads = g_ptr_array_new ();
  g_ptr_array_add (threads, cancellable ? g_object_ref (cancellable) : NULL);
  g_mutex_unlock (&threads_lock);
}

/* Runs last in the worker thread, after the work and its store are done with. */
static void
thread_ended (GCancellable *cancellable)
{
  g_autoptr(GPtrArray) waiters = NULL;

  g_mutex_lock (&threads_lock);
  g_ptr_array_remove (threads, cancellable);
  if (threads->len == 0)
    {
      waiters = g_steal_pointer (&thread_waiters);
      g_cond_broadcast (&threads_cond);
    }
  g_mutex_unlock (&threads_lock);

  g_clear_object (&cancellable);
  for (guint i = 0; waiters && i < waiters->len; i++)
    {
      g_task_return_boolean (g_ptr_array_index (waiters, i), TRUE);
      g_object_unref (g_ptr_array_index (waiters, i));
    }
}

static void
counted_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GTaskThreadFunc func = g_object_get_qdata (G_OBJECT (task), thread_func_quark ());

  func (task, source_object, task_data, cancellable);
  thread_ended (cancellable);
}

void
sd_job_run_task_in_thread (GTask           *task,
                           GTaskThreadFunc  func)
{
  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  g_object_set_qdata (G_OBJECT (task), thread_func_quark (), func);
  thread_started (g_task_get_cancellable (task));
  g_task_run_in_thread (task, counted_thread);
}

guint
sd_job_get_n_threads (void)
{
  guint n;

  g_mutex_lock (&threads_lock);
  n = threads ? threads->len : 0;
  g_mutex_unlock (&threads_lock);
  return n;
}

void
sd_job_cancel_all (void)
{
  g_autoptr(GPtrArray) cancellables = g_ptr_array_new_with_free_func (g_object_unref);

  /* Cancelled outside the lock: a cancel handler may start or end a thread. */
  g_mutex_lock (&threads_lock);
  for (guint i = 0; threads && i < threads->len; i++)
    if (g_ptr_array_index (threads, i))
      g_ptr_array_add (cancellables, g_object_ref (g_ptr_array_index (threads, i)));
  g_mutex_unlock (&threads_lock);

  for (guint i = 0; i < cancellables->len; i++)
    g_cancellable_cancel (g_ptr_array_index (cancellables, i));
}

void
sd_job_wait_threads_async (GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, sd_job_wait_threads_async);
  g_task_set_name (task, "[shopdesk] wait for worker threads");
  g_mutex_lock (&threads_lock);
  if (threads != NULL && threads->len > 0)
    {
      if (thread_waiters == NULL)
        thread_waiters = g_ptr_array_new ();
      g_ptr_array_add (thread_waiters, g_steal_pointer (&task));
    }
  g_mutex_unlock (&threads_lock);
  if (task != NULL)
    g_task_return_boolean (task, TRUE);
}

gboolean
sd_job_wait_threads_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sd_job_wait_threads (gint64 timeout_us)
{
  gint64 end = g_get_monotonic_time () + timeout_us;
  gboolean none_left;

  g_mutex_lock (&threads_lock);
  while (!(none_left = threads == NULL || threads->len == 0) &&
         g_cond_wait_until (&threads_cond, &threads_lock, end))
    ;
  none_left = threads == NULL || threads->len == 0;
  g_mutex_unlock (&threads_lock);
  return none_left;
}

/* ---- Running a job ---------------------------------------------------------------- */

static void
run_in_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  SdJob *self = source_object;
  GError *error = NULL;

  gboolean ok = self->func (self, self->data, cancellable, &error);

  self->run_store = NULL;
  unwatch_store (self);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
finish_state (SdJob        *self,
              const GError *error)
{
  flush (self);
  self->finished_us = g_get_monotonic_time ();
  if (error == NULL)
    {
      self->fraction = 1.0;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
      set_state (self, SD_JOB_FINISHED);
    }
  else
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error->message);
      set_state (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                       ? SD_JOB_CANCELLED : SD_JOB_FAILED);
    }
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SdJob *self = SD_JOB (object);
  g_autoptr(GTask) outer = user_data;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      finish_state (self, error);
      g_task_return_error (outer, error);
    }
  else
    {
      finish_state (self, NULL);
      g_task_return_boolean (outer, TRUE);
    }
}

void
sd_job_run_async (SdJob               *self,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;
  GTask *outer;

  g_return_if_fail (SD_IS_JOB (self));
  g_return_if_fail (self->state == SD_JOB_PENDING);

  /* Two tasks: the inner one runs the thread, the outer one reports to the caller only
   * after the job's own state is final, so callbacks see a finished job. */
  outer = g_task_new (self, self->cancellable, callback, user_data);
  g_task_set_source_tag (outer, sd_job_run_async);
  /* What the worker returned is what happened: a cancel that came too late to stop it (the
   * model was already stored) must not be reported as if nothing had changed. */
  g_task_set_check_cancellable (outer, FALSE);
  g_task_set_name (outer, self->title);

  self->started_us = g_get_monotonic_time ();
  set_state (self, SD_JOB_RUNNING);

  inner = g_task_new (self, self->cancellable, job_done_cb, outer);
  g_task_set_name (inner, self->title);
  g_task_set_return_on_cancel (inner, FALSE);
  g_task_set_check_cancellable (inner, FALSE);
  sd_job_run_task_in_thread (inner, run_in_thread);
}

gboolean
sd_job_run_finish (SdJob         *self,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
sd_job_run_sync (SdJob   *self,
                 GError **error)
{
  g_autoptr(GError) local = NULL;
  gboolean ok;

  g_return_val_if_fail (self->state == SD_JOB_PENDING, FALSE);

  self->started_us = g_get_monotonic_time ();
  set_state (self, SD_JOB_RUNNING);
  ok = self->func (self, self->data, self->cancellable, &local);
  self->run_store = NULL;
  unwatch_store (self);
  finish_state (self, local);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local));
  return ok;
}

void
sd_job_cancel (SdJob *self)
{
  g_return_if_fail (SD_IS_JOB (self));
  g_cancellable_cancel (self->cancellable);
}

void
sd_job_set_ask_before_quit (SdJob    *self,
                            gboolean  ask)
{
  g_return_if_fail (SD_IS_JOB (self));
  self->ask_before_quit = ask;
}

gboolean
sd_job_get_ask_before_quit (SdJob *self)
{
  g_return_val_if_fail (SD_IS_JOB (self), FALSE);
  return self->ask_before_quit;
}

const char *
sd_job_get_title (SdJob *self)
{
  return self->title;
}

SdJobState
sd_job_get_state (SdJob *self)
{
  return self->state;
}

double
sd_job_get_fraction (SdJob *self)
{
  return self->fraction;
}

const char *
sd_job_get_text (SdJob *self)
{
  return self->text;
}

const char *
sd_job_get_error_message (SdJob *self)
{
  return self->error_message;
}

GCancellable *
sd_job_get_cancellable (SdJob *self)
{
  return self->cancellable;
}

gint64
sd_job_get_elapsed_us (SdJob *self)
{
  if (self->started_us == 0)
    return 0;
  return (self->finished_us ? self->finished_us : g_get_monotonic_time ()) - self->started_us;
}

GArray *
sd_job_get_points (SdJob *self)
{
  return self->points;
}

gpointer
sd_job_get_data (SdJob *self)
{
  return self->data;
}
