/* sd-train-job.c — fit a recommender on a shop in a worker thread, record and store it */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-catalog.h"
#include "sd-clock.h"
#include "sd-error.h"
#include "sd-eval.h"
#include "sd-model-store.h"
#include "sd-recommender.h"
#include "sd-split.h"
#include "sd-train-job.h"

/* Held-out customers the final validation scores at most (evenly spaced, so the same ones
 * for every model on the same shop). Each is scored against the whole catalogue: on a
 * million customers and 100,000 products all of them would take CPU hours, and 20,000
 * give NDCG@10 to about ±0.002. The run's metrics say how many there were. */
#define VALIDATION_MAX_USERS 20000

typedef struct {
  char                 *db_path;
  char                 *model;
  char                **params;
  gboolean              validate;
  gboolean              store_model;
  SdInteractionWeights  weights;
  gboolean              fit_only;
  void                (*prepare_model) (SdRecommender *, gpointer);
  gpointer              prepare_data;

  /* results, written by the worker before the job finishes */
  gint64                run_id;
  gint64                model_id;
  char                 *metrics;
  double                fit_seconds;
} TrainData;

static void
train_data_free (TrainData *d)
{
  g_free (d->db_path);
  g_free (d->model);
  g_strfreev (d->params);
  g_free (d->metrics);
  g_free (d);
}

void
sd_train_options_init (SdTrainOptions *options)
{
  *options = (SdTrainOptions) { NULL };
  options->store_model = TRUE;
  sd_interactions_weights_default (&options->weights);
}

static SdRecommender *
make_model (const char          *name,
            const char * const  *params,
            GError             **error)
{
  g_autoptr(SdRecommender) model = sd_recommender_new (name, error);

  if (!model)
    return NULL;
  for (guint i = 0; params && params[i]; i++)
    {
      const char *eq = strchr (params[i], '=');
      g_autofree char *key = NULL;
      if (!eq)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("A parameter is KEY=VALUE; got “%s”"), params[i]);
          return NULL;
        }
      key = g_strndup (params[i], eq - params[i]);
      if (!sd_recommender_set_param (model, key, eq + 1, error))
        return NULL;
    }
  return g_steal_pointer (&model);
}

static gint64
count_orders (SdStore *store)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT COUNT(*) FROM orders", NULL);

  return stmt && sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

static gboolean
train_func (SdJob         *job,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  TrainData *d = data;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(SdInteractions) all = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(SdEvalMonitor) monitor = NULL;
  g_autofree char *params = NULL;
  g_autoptr(GError) local = NULL;
  SdSplit split = { NULL };
  SdFitContext context = { job, cancellable, NULL, NULL };
  g_autofree char *summary = NULL;
  SdInteractions *train;
  guint n_users, n_items;
  gsize nnz;
  gint64 newest = 0;
  double cpu_start, fit_cpu_seconds;

  if (!(store = sd_store_open_full (d->db_path, d->fit_only ? SD_STORE_OPEN_EXISTING : SD_STORE_OPEN_CREATE, error)) ||
      !(model = make_model (d->model, (const char * const *) d->params, error)))
    return FALSE;
  sd_job_watch_store (job, store);
  if (d->prepare_model)
    d->prepare_model (model, d->prepare_data);

  sd_job_set_progress (job, 0.0, _("Reading the shop"));
  if (!(all = sd_interactions_from_store (store, &d->weights, cancellable, error)) ||
      !(catalog = sd_catalog_from_store (store, all, NULL, error)))
    return FALSE;
  sd_recommender_set_catalog (model, catalog);

  /* What the run's summary says the model saw, taken now: with a split the whole matrix
   * is let go before the fit (on a million customers, hundreds of MB). */
  n_users = all->n_users;
  n_items = all->n_items;
  nnz = all->nnz;
  for (gsize c = 0; all->times && c < all->nnz; c++)
    newest = MAX (newest, all->times[c]);

  /* The split is seeded: every rank of a distributed fit holds out the same cells. */
  train = all;
  if (d->validate)
    {
      sd_split_random_holdout (all, 0.2, 1, &split);
      train = split.train;
      g_clear_pointer (&all, sd_interactions_unref);
    }

  if (d->fit_only)
    {
      gboolean ok = sd_recommender_fit (model, train, &context, error);

      d->fit_seconds = sd_recommender_get_fit_seconds (model);
      sd_split_clear (&split);
      return ok;
    }

  params = sd_recommender_params_to_json (model);
  d->run_id = sd_store_run_begin (store, "recommender", d->model, params, error);
  if (d->run_id < 0)
    {
      sd_split_clear (&split);
      return FALSE;
    }
  sd_job_record_run (job, store, d->run_id);
  sd_job_log (job, "%s on %u customers × %u products, %" G_GSIZE_FORMAT " interactions",
              sd_recommender_get_label (model), n_users, n_items, nnz);

  if (d->validate)
    {
      monitor = sd_eval_monitor_new (split.test, job, 10, 2000);
      sd_eval_monitor_install (monitor, &context);
    }

  cpu_start = sd_process_cpu_us () / 1e6;
  if (!sd_recommender_fit (model, train, &context, &local))
    goto fail;
  d->fit_seconds = sd_recommender_get_fit_seconds (model);
  fit_cpu_seconds = sd_process_cpu_us () / 1e6 - cpu_start;

  if (d->validate)
    {
      const guint ks[] = { 10, 20 };
      SdEvalOptions options = { ks, 2, 10, NULL, 1, VALIDATION_MAX_USERS, job, cancellable };
      g_autoptr(SdEvalResult) result = sd_eval_run (model, split.test, &options, &local);
      g_autoptr(SdJsonWriter) w = NULL;
      guint held_out = 0;

      if (!result)
        goto fail;
      for (guint u = 0; u < split.test->n_users; u++)
        held_out += split.test->indptr[u + 1] > split.test->indptr[u];
      w = sd_json_writer_new ();
      sd_json_writer_begin_object (w);
      sd_eval_result_write_json (result, w);
      /* beside users_evaluated: fewer evaluated than held out means a sample */
      sd_json_writer_member_int (w, "users_held_out", held_out);
      sd_json_writer_member_fixed (w, "fit_seconds", d->fit_seconds, 3);
      sd_json_writer_member_fixed (w, "fit_cpu_seconds", fit_cpu_seconds, 3);
      sd_json_writer_end_object (w);
      d->metrics = sd_json_writer_finish (g_steal_pointer (&w));
    }
  else
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
      sd_json_writer_begin_object (w);
      sd_json_writer_member_fixed (w, "fit_seconds", d->fit_seconds, 3);
      sd_json_writer_member_fixed (w, "fit_cpu_seconds", fit_cpu_seconds, 3);
      sd_json_writer_end_object (w);
      d->metrics = sd_json_writer_finish (g_steal_pointer (&w));
    }

  /* The run's summary: the metrics and what the model saw, so the Training page can say
   * what a run learned from and how much the shop has changed since. */
  {
    /* {"a":1} + ,"shop":{…} */
    {
      g_autoptr(GString) s = g_string_new (d->metrics);
      g_autoptr(SdJsonWriter) shop = sd_json_writer_new ();
      g_autofree char *shop_json = NULL;

      sd_json_writer_begin_object (shop);
      sd_json_writer_member_int (shop, "customers", n_users);
      sd_json_writer_member_int (shop, "products", n_items);
      sd_json_writer_member_int (shop, "interactions", nnz);
      sd_json_writer_member_int (shop, "orders", count_orders (store));
      sd_json_writer_member_int (shop, "newest_event", newest);
      sd_json_writer_end_object (shop);
      shop_json = sd_json_writer_finish (g_steal_pointer (&shop));
      if (s->len > 1 && s->str[s->len - 1] == '}')
        {
          g_string_truncate (s, s->len - 1);
          g_string_append_printf (s, "%s\"shop\":%s}", s->len > 1 ? "," : "", shop_json);
        }
      g_free (summary);
      summary = g_string_free (g_steal_pointer (&s), FALSE);
    }
  }

  /* The model and the run's end in one transaction, which waits for the shop to be free:
   * a model is never kept for a run that says it failed, nor a finished run without it. */
  d->model_id = -1;
  if (!sd_store_begin (store, &local))
    goto fail;
  /* A cancel during the wait may have come just as the shop became free. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &local))
    {
      sd_store_rollback (store);
      goto fail;
    }
  if ((d->store_model &&
       (d->model_id = sd_model_store_save (store, model, d->run_id, d->metrics, &local)) < 0) ||
      !sd_store_run_finish (store, d->run_id, "finished", summary, &local) ||
      !sd_store_commit (store, &local))
    {
      sd_store_rollback (store);
      d->model_id = -1;
      goto fail;
    }
  sd_split_clear (&split);
  return TRUE;

fail:
  sd_split_clear (&split);
  {
    gboolean cancelled = g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_autoptr(GError) mark_error = NULL;

    /* Marking the run is not cut short by the cancel that ended it, but a cancel does not
     * wait long for it either: a shop still busy leaves the run to the next opening, which
     * calls it interrupted. */
    sd_store_set_wait (store, NULL, cancelled ? 1000 : 30000, NULL, NULL);
    g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
    g_autofree char *summary = NULL;

    sd_json_writer_begin_object (w);
    sd_json_writer_member_string (w, "error", local->message);
    sd_json_writer_end_object (w);
    summary = sd_json_writer_finish (g_steal_pointer (&w));
    if (!sd_store_run_finish (store, d->run_id, cancelled ? "cancelled" : "failed", summary, &mark_error))
      g_debug ("%s", mark_error->message);
  }
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

SdJob *
sd_train_job_new (const SdTrainOptions  *options,
                  GError               **error)
{
  g_autoptr(SdRecommender) check = NULL;
  g_autofree char *title = NULL;
  TrainData *d;

  g_return_val_if_fail (options != NULL && options->db_path != NULL, NULL);

  if (!(check = make_model (options->model ? options->model : "", options->params, error)))
    return NULL;

  d = g_new0 (TrainData, 1);
  d->db_path = g_strdup (options->db_path);
  d->model = g_strdup (options->model);
  d->params = g_strdupv ((char **) options->params);
  d->validate = options->validate;
  d->store_model = options->store_model;
  d->weights = options->weights;
  d->fit_only = options->fit_only;
  d->prepare_model = options->prepare_model;
  d->prepare_data = options->prepare_data;
  d->run_id = -1;
  d->model_id = -1;
  /* TRANSLATORS: a job: %s is a model, "ALS (implicit)" */
  title = g_strdup_printf (_("Training %s"), sd_recommender_get_label (check));
  return sd_job_new (title, train_func, d, (GDestroyNotify) train_data_free);
}

gint64
sd_train_job_get_run_id (SdJob *job)
{
  return ((TrainData *) sd_job_get_data (job))->run_id;
}

gint64
sd_train_job_get_model_id (SdJob *job)
{
  return ((TrainData *) sd_job_get_data (job))->model_id;
}

const char *
sd_train_job_get_metrics (SdJob *job)
{
  return ((TrainData *) sd_job_get_data (job))->metrics;
}

double
sd_train_job_get_fit_seconds (SdJob *job)
{
  return ((TrainData *) sd_job_get_data (job))->fit_seconds;
}
