/* sd-tune.c — grid and random search over a model's hyperparameters */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sd-error.h"
#include "sd-eval.h"
#include "sd-recommender.h"
#include "sd-split.h"
#include "sd-store.h"
#include "sd-tune.h"

/* Grids around the values that do well on MovieLens-100k and the demo shop. Models of
 * other files may add theirs here. */
static const struct {
  const char        *model;
  const char * const grid[4];
} default_grids[] = {
  { "itemknn", { "k=50,100,200,400", "shrink=0,10,50", NULL } },
  { "userknn", { "k=25,50,100", "similarity=cosine,pearson", NULL } },
  /* λ is absolute (as in the paper): binary MovieLens wants ~300–500, a shop whose cells
   * add weighted views, carts and purchases wants far more, so the grid is wide. */
  { "ease", { "lambda=100,300,1000,3000,10000,30000,100000", NULL } },
  /* ALS: binary MovieLens peaks at reg 50, alpha 10; the demo shop at reg 50, alpha 1. */
  { "als", { "reg=10,50,200", "alpha=1,3,10", NULL } },
  { "bpr", { "learning-rate=0.02,0.05", "reg=0.01,0.05", NULL } },
  { "content", { "popularity-prior=0,0.5,1", "tag-weight=1,4", NULL } },
};

const char * const *
sd_tune_default_grid (const char *model)
{
  for (guint i = 0; i < G_N_ELEMENTS (default_grids); i++)
    if (g_strcmp0 (default_grids[i].model, model) == 0)
      return default_grids[i].grid;
  return NULL;
}

static void
trial_free (SdTuneTrial *trial)
{
  g_strfreev (trial->assignments);
  g_free (trial->params_json);
  g_free (trial);
}

void
sd_tune_result_free (SdTuneResult *result)
{
  if (!result)
    return;
  g_free (result->model);
  g_free (result->metric);
  g_clear_pointer (&result->trials, g_ptr_array_unref);
  g_free (result);
}

static gboolean
set_all (SdRecommender       *model,
         const char * const  *assignments,
         GError             **error)
{
  for (guint i = 0; assignments && assignments[i]; i++)
    {
      const char *eq = strchr (assignments[i], '=');
      g_autofree char *key = NULL;

      if (!eq)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("“%s” is not KEY=VALUE"), assignments[i]);
          return FALSE;
        }
      key = g_strndup (assignments[i], eq - assignments[i]);
      if (!sd_recommender_set_param (model, key, eq + 1, error))
        return FALSE;
    }
  return TRUE;
}

SdTuneResult *
sd_tune_run (SdInteractions       *train,
             const SdTuneOptions  *options,
             SdJob                *job,
             GCancellable         *cancellable,
             GError              **error)
{
  const char * const *grid;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GRand) rand = NULL;
  g_autoptr(SdTuneResult) result = NULL;
  SdSplit split = { NULL };
  guint64 n_points = 1, n_trials;
  const char *metric;
  double best = -INFINITY;
  gint64 started = g_get_monotonic_time ();
  gboolean random_points = FALSE;
  guint k = 10;

  g_return_val_if_fail (train != NULL && options != NULL && options->model != NULL, NULL);

  metric = options->metric ? options->metric : "ndcg@10";
  {
    const char *at = strchr (metric, '@');
    guint64 v;
    if (at && g_ascii_string_to_unsigned (at + 1, 10, 1, 1000, &v, NULL))
      k = (guint) v;
  }

  grid = options->grid ? options->grid : sd_tune_default_grid (options->model);
  if (!grid || !grid[0])
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("There is nothing to search for %s: give a grid such as “lambda=100,500”"),
                   options->model);
      return NULL;
    }
  for (guint i = 0; grid[i]; i++)
    {
      const char *eq = strchr (grid[i], '=');
      char **list;
      if (!eq || !eq[1])
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("A search grid entry is KEY=V1,V2,…; got “%s”"), grid[i]);
          return NULL;
        }
      g_ptr_array_add (keys, g_strndup (grid[i], eq - grid[i]));
      list = g_strsplit (eq + 1, ",", -1);
      g_ptr_array_add (values, list);
      n_points *= g_strv_length (list);
    }
  n_trials = options->n_random ? options->n_random : n_points;
  /* A budget smaller than the grid: that many points drawn at random from it. */
  if (options->max_trials > 0 && n_trials > options->max_trials)
    {
      n_trials = options->max_trials;
      random_points = TRUE;
    }

  rand = g_rand_new_with_seed (options->seed);
  sd_split_random_holdout (train, options->validation_ratio > 0 ? options->validation_ratio : 0.2,
                           options->seed, &split);

  result = g_new0 (SdTuneResult, 1);
  result->model = g_strdup (options->model);
  result->metric = g_strdup (metric);
  result->trials = g_ptr_array_new_with_free_func ((GDestroyNotify) trial_free);
  result->n_planned = (guint) MIN (n_trials, G_MAXUINT);

  for (guint64 t = 0; t < n_trials; t++)
    {
      g_autoptr(SdRecommender) model = NULL;
      g_autoptr(SdEvalResult) eval = NULL;
      g_autoptr(GPtrArray) assignments = g_ptr_array_new_with_free_func (g_free);
      SdFitContext context = { NULL, cancellable, NULL, NULL };
      SdEvalOptions eval_options = { NULL };
      guint64 point = options->n_random || random_points
                      ? (guint64) g_rand_int_range (rand, 0, (gint32) MIN (n_points, G_MAXINT32)) : t;
      SdTuneTrial *trial;
      guint ks[2] = { k, 10 };

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto fail;
      if (t > 0 && options->max_seconds > 0 &&
          (g_get_monotonic_time () - started) / 1e6 >= options->max_seconds)
        {
          result->out_of_time = TRUE;
          break;
        }
      if (job)
        {
          /* TRANSLATORS: tuning progress (the progress panel, the job list) */
          g_autofree char *text = g_strdup_printf (_("Trial %u of %u"), (guint) MIN (t + 1, G_MAXUINT),
                                                   (guint) MIN (n_trials, G_MAXUINT));
          sd_job_set_progress (job, (double) t / n_trials, text);
        }

      /* Mixed radix: the last parameter varies fastest. */
      for (guint d = keys->len; d-- > 0;)
        {
          char **list = g_ptr_array_index (values, d);
          guint len = g_strv_length (list);
          g_ptr_array_insert (assignments, 0, g_strdup_printf ("%s=%s", (char *) g_ptr_array_index (keys, d),
                                                               g_strstrip (list[point % len])));
          point /= len;
        }
      g_ptr_array_add (assignments, NULL);

      if (!(model = sd_recommender_new (options->model, error)) ||
          !set_all (model, options->fixed, error) ||
          !set_all (model, (const char * const *) assignments->pdata, error))
        goto fail;
      if (options->catalog)
        sd_recommender_set_catalog (model, options->catalog);
      if (!sd_recommender_fit (model, split.train, &context, error))
        goto fail;

      eval_options.ks = ks;
      eval_options.n_ks = 2;
      eval_options.list_k = k;
      eval_options.cancellable = cancellable;
      if (!(eval = sd_eval_run (model, split.test, &eval_options, error)))
        goto fail;

      trial = g_new0 (SdTuneTrial, 1);
      trial->assignments = (char **) g_ptr_array_free (g_steal_pointer (&assignments), FALSE);
      trial->params_json = sd_recommender_params_to_json (model);
      trial->value = sd_eval_metrics_get (&eval->overall, metric);
      trial->fit_seconds = sd_recommender_get_fit_seconds (model);
      if (isnan (trial->value))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("Unknown metric “%s”; use e.g. ndcg@10, recall@20, precision@10, hit@10, map@10"),
                       metric);
          trial_free (trial);
          goto fail;
        }
      result->validation_users = eval->overall.n_users;
      if (trial->value > best)
        {
          best = trial->value;
          result->best = result->trials->len;
        }
      if (job)
        {
          sd_job_metric (job, (int) t + 1, g_intern_string (metric), trial->value);
          sd_job_log (job, "%s → %s %.4f", trial->params_json, metric, trial->value);
        }
      g_ptr_array_add (result->trials, trial);
      if (options->trial_done)
        options->trial_done (trial, result->trials->len - 1, options->trial_data);
    }

  sd_split_clear (&split);
  if (job)
    sd_job_set_progress (job, 1.0, NULL);
  return g_steal_pointer (&result);

fail:
  sd_split_clear (&split);
  return NULL;
}

typedef struct {
  char          *db_path;
  char          *model;
  char         **grid;
  char         **fixed;
  char          *metric;
  SdTuneOptions  options;
  SdTuneResult  *result;
} TuneJobData;

static void
tune_job_data_free (TuneJobData *d)
{
  g_free (d->db_path);
  g_free (d->model);
  g_strfreev (d->grid);
  g_strfreev (d->fixed);
  g_free (d->metric);
  sd_tune_result_free (d->result);
  g_free (d);
}

static gboolean
tune_job_func (SdJob         *job,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  TuneJobData *d = data;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  SdTuneOptions options = d->options;

  if (!(store = sd_store_open (d->db_path, error)) ||
      !(train = sd_interactions_from_store (store, NULL, cancellable, error)) ||
      !(catalog = sd_catalog_from_store (store, train, NULL, error)))
    return FALSE;
  options.catalog = catalog;
  d->result = sd_tune_run (train, &options, job, cancellable, error);
  return d->result != NULL;
}

SdJob *
sd_tune_job_new (const char          *db_path,
                 const SdTuneOptions *options)
{
  TuneJobData *d;
  g_autofree char *title = NULL;

  g_return_val_if_fail (db_path != NULL && options != NULL && options->model != NULL, NULL);

  d = g_new0 (TuneJobData, 1);
  d->db_path = g_strdup (db_path);
  d->model = g_strdup (options->model);
  d->grid = g_strdupv ((char **) options->grid);
  d->fixed = g_strdupv ((char **) options->fixed);
  d->metric = g_strdup (options->metric);
  d->options = *options;
  d->options.model = d->model;
  d->options.grid = (const char * const *) d->grid;
  d->options.fixed = (const char * const *) d->fixed;
  d->options.metric = d->metric;
  d->options.catalog = NULL;
  {
    g_autoptr(SdRecommender) model = sd_recommender_new (options->model, NULL);

    /* TRANSLATORS: a job: %s is a model, "ALS (implicit)" */
    title = g_strdup_printf (_("Tuning %s"), model ? sd_recommender_get_label (model) : options->model);
  }
  return sd_job_new (title, tune_job_func, d, (GDestroyNotify) tune_job_data_free);
}

SdTuneResult *
sd_tune_job_get_result (SdJob *job)
{
  return ((TuneJobData *) sd_job_get_data (job))->result;
}

SdTuneTrial *
sd_tune_trial_copy (const SdTuneTrial *trial)
{
  SdTuneTrial *copy = g_new0 (SdTuneTrial, 1);

  copy->assignments = g_strdupv (trial->assignments);
  copy->params_json = g_strdup (trial->params_json);
  copy->value = trial->value;
  copy->fit_seconds = trial->fit_seconds;
  return copy;
}

void
sd_tune_trial_free (SdTuneTrial *trial)
{
  trial_free (trial);
}
