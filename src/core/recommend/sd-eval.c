/* sd-eval.c — ranking metrics over the full catalogue, per user and per segment */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-eval.h"
#include "sd-json-writer.h"
#include "sd-rerank.h"

/* ---- one list ------------------------------------------------------------------------ */

static gboolean
contains (const guint *sorted,
          guint        n,
          guint        item)
{
  guint lo = 0, hi = n;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      if (sorted[mid] == item)
        return TRUE;
      if (sorted[mid] < item)
        lo = mid + 1;
      else
        hi = mid;
    }
  return FALSE;
}

static guint
hits_at (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k)
{
  guint hits = 0;
  for (guint r = 0; r < MIN (k, n_ranked); r++)
    hits += contains (relevant, n_relevant, ranked[r]);
  return hits;
}

double
sd_metric_precision (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k)
{
  return k ? (double) hits_at (ranked, n_ranked, relevant, n_relevant, k) / k : 0.0;
}

double
sd_metric_recall (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k)
{
  return n_relevant ? (double) hits_at (ranked, n_ranked, relevant, n_relevant, k) / n_relevant : 0.0;
}

double
sd_metric_hit (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k)
{
  return hits_at (ranked, n_ranked, relevant, n_relevant, k) > 0 ? 1.0 : 0.0;
}

double
sd_metric_ndcg (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k)
{
  double dcg = 0.0, idcg = 0.0;

  for (guint r = 0; r < MIN (k, n_ranked); r++)
    if (contains (relevant, n_relevant, ranked[r]))
      dcg += 1.0 / log2 (r + 2.0);
  for (guint r = 0; r < MIN (k, n_relevant); r++)
    idcg += 1.0 / log2 (r + 2.0);
  return idcg > 0.0 ? dcg / idcg : 0.0;
}

double
sd_metric_ap (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k)
{
  double sum = 0.0;
  guint hits = 0;

  for (guint r = 0; r < MIN (k, n_ranked); r++)
    if (contains (relevant, n_relevant, ranked[r]))
      {
        hits++;
        sum += (double) hits / (r + 1);
      }
  return MIN (k, n_relevant) ? sum / MIN (k, n_relevant) : 0.0;
}

/* ---- the run ------------------------------------------------------------------------- */

enum { M_PRECISION, M_RECALL, M_NDCG, M_HIT, M_MAP, N_PER_K };

typedef struct {
  SdRecommender  *model;
  SdInteractions *train;
  SdInteractions *test;
  const guint    *users;
  guint           n_eval;
  const guint    *ks;
  guint           n_ks;
  guint           list_k;
  guint           max_k;
  GQuark        **features;      /* per item, 0-terminated, sorted; NULL: no diversity */
  const double   *self_info;     /* per item −log2 popularity */
  double         *values;        /* n_eval × stride */
  guint           stride;
  guint          *lists;         /* n_eval × list_k, G_MAXUINT padded */
  gint64         *latency_us;    /* n_eval */
  gint            next;          /* atomic */
  gint            done;          /* atomic */
  SdJob          *job;
  GCancellable   *cancellable;
} Run;

static gpointer
run_worker (gpointer data)
{
  Run *run = data;
  guint n_items = run->train->n_items;
  g_autofree float *scores = g_new (float, n_items);
  g_autofree guint *ranked = g_new (guint, run->max_k);

  for (;;)
    {
      guint e = (guint) g_atomic_int_add (&run->next, 1);
      guint u, n_ranked, n_rel, n_list;
      gint64 start;
      const guint *rel;
      double *v;
      g_autoptr(GArray) top = NULL;

      if (e >= run->n_eval || g_cancellable_is_cancelled (run->cancellable))
        break;
      u = run->users[e];
      start = g_get_monotonic_time ();
      sd_recommender_score (run->model, u, scores);
      sd_recommender_apply_filter (run->model, u, NULL, scores);
      top = sd_top_n (scores, n_items, run->max_k);
      run->latency_us[e] = g_get_monotonic_time () - start;
      n_ranked = top->len;
      for (guint r = 0; r < n_ranked; r++)
        ranked[r] = g_array_index (top, SdScoredItem, r).item;

      rel = run->test->indices + run->test->indptr[u];
      n_rel = (guint) (run->test->indptr[u + 1] - run->test->indptr[u]);
      v = run->values + (gsize) e * run->stride;
      for (guint c = 0; c < run->n_ks; c++)
        {
          guint k = run->ks[c];
          v[c * N_PER_K + M_PRECISION] = sd_metric_precision (ranked, n_ranked, rel, n_rel, k);
          v[c * N_PER_K + M_RECALL] = sd_metric_recall (ranked, n_ranked, rel, n_rel, k);
          v[c * N_PER_K + M_NDCG] = sd_metric_ndcg (ranked, n_ranked, rel, n_rel, k);
          v[c * N_PER_K + M_HIT] = sd_metric_hit (ranked, n_ranked, rel, n_rel, k);
          v[c * N_PER_K + M_MAP] = sd_metric_ap (ranked, n_ranked, rel, n_rel, k);
        }

      n_list = MIN (run->list_k, n_ranked);
      {
        double novelty = 0.0, sim = 0.0;
        guint pairs = 0;
        for (guint r = 0; r < n_list; r++)
          {
            novelty += run->self_info[ranked[r]];
            if (run->features)
              for (guint s = r + 1; s < n_list; s++, pairs++)
                sim += sd_item_features_jaccard (run->features[ranked[r]], run->features[ranked[s]]);
          }
        v[run->n_ks * N_PER_K] = n_list ? novelty / n_list : NAN;
        v[run->n_ks * N_PER_K + 1] = pairs ? 1.0 - sim / pairs : NAN;
      }
      for (guint r = 0; r < run->list_k; r++)
        run->lists[(gsize) e * run->list_k + r] = r < n_list ? ranked[r] : G_MAXUINT;

      if (run->job && (g_atomic_int_add (&run->done, 1) & 63) == 0)
        sd_job_set_progress (run->job, (double) g_atomic_int_get (&run->done) / run->n_eval,
                             _("Measuring on the held-out part"));
    }
  return NULL;
}

static int
compare_int64 (const void *a,
               const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static void
aggregate (const Run     *run,
           const guint   *members,   /* indices into the evaluated users */
           guint          n_members,
           SdEvalMetrics *out)
{
  g_autofree gboolean *seen = g_new0 (gboolean, MAX (run->train->n_items, 1));
  guint n_covered = 0, n_div = 0, n_nov = 0;
  double div = 0.0, nov = 0.0;

  memset (out, 0, sizeof *out);
  out->n_users = n_members;
  out->n_ks = run->n_ks;
  for (guint c = 0; c < run->n_ks; c++)
    out->at[c].k = run->ks[c];

  for (guint m = 0; m < n_members; m++)
    {
      const double *v = run->values + (gsize) members[m] * run->stride;
      for (guint c = 0; c < run->n_ks; c++)
        {
          out->at[c].precision += v[c * N_PER_K + M_PRECISION];
          out->at[c].recall += v[c * N_PER_K + M_RECALL];
          out->at[c].ndcg += v[c * N_PER_K + M_NDCG];
          out->at[c].hit += v[c * N_PER_K + M_HIT];
          out->at[c].map += v[c * N_PER_K + M_MAP];
        }
      if (!isnan (v[run->n_ks * N_PER_K]))
        {
          nov += v[run->n_ks * N_PER_K];
          n_nov++;
        }
      if (!isnan (v[run->n_ks * N_PER_K + 1]))
        {
          div += v[run->n_ks * N_PER_K + 1];
          n_div++;
        }
      for (guint r = 0; r < run->list_k; r++)
        {
          guint item = run->lists[(gsize) members[m] * run->list_k + r];
          if (item != G_MAXUINT && !seen[item])
            {
              seen[item] = TRUE;
              n_covered++;
            }
        }
    }
  if (n_members)
    for (guint c = 0; c < run->n_ks; c++)
      {
        out->at[c].precision /= n_members;
        out->at[c].recall /= n_members;
        out->at[c].ndcg /= n_members;
        out->at[c].hit /= n_members;
        out->at[c].map /= n_members;
      }
  out->coverage = run->train->n_items ? (double) n_covered / run->train->n_items : 0.0;
  out->novelty = n_nov ? nov / n_nov : NAN;
  out->diversity = n_div ? div / n_div : NAN;
}

static void
segment_free (SdEvalSegment *segment)
{
  g_free (segment->label);
  g_free (segment);
}

void
sd_eval_result_free (SdEvalResult *result)
{
  if (!result)
    return;
  g_clear_pointer (&result->segments, g_ptr_array_unref);
  g_free (result);
}

static int
compare_segments (gconstpointer a,
                  gconstpointer b)
{
  const SdEvalSegment *x = *(SdEvalSegment * const *) a;
  const SdEvalSegment *y = *(SdEvalSegment * const *) b;
  return g_strcmp0 (x->label, y->label);
}

SdEvalResult *
sd_eval_run (SdRecommender       *model,
             SdInteractions      *test,
             const SdEvalOptions *options,
             GError             **error)
{
  static const guint default_ks[] = { 5, 10, 20 };
  SdEvalOptions defaults = { NULL };
  SdInteractions *train;
  Run run = { NULL };
  g_autoptr(GArray) users = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree double *self_info = NULL;
  g_autofree guint *counts = NULL;
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  SdEvalResult *result;
  gint64 start = g_get_monotonic_time ();
  guint n_threads;

  g_return_val_if_fail (SD_IS_RECOMMENDER (model), NULL);
  g_return_val_if_fail (sd_recommender_is_fitted (model), NULL);
  g_return_val_if_fail (test != NULL, NULL);

  if (!options)
    options = &defaults;
  train = sd_recommender_get_train (model);
  if (test->n_users != train->n_users || test->n_items != train->n_items)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The test split (%u users, %u items) does not line up with the training data "
                   "(%u users, %u items)"), test->n_users, test->n_items, train->n_users, train->n_items);
      return NULL;
    }

  run.model = model;
  run.train = train;
  run.test = test;
  run.ks = options->ks ? options->ks : default_ks;
  run.n_ks = MIN (options->ks ? options->n_ks : G_N_ELEMENTS (default_ks), SD_EVAL_MAX_KS);
  run.list_k = options->list_k ? options->list_k : 10;
  run.max_k = run.list_k;
  for (guint c = 0; c < run.n_ks; c++)
    run.max_k = MAX (run.max_k, run.ks[c]);
  run.job = options->job;
  run.cancellable = options->cancellable;

  for (guint u = 0; u < test->n_users; u++)
    if (test->indptr[u + 1] > test->indptr[u])
      g_array_append_val (users, u);
  if (options->max_users && users->len > options->max_users)
    {
      /* Evenly spaced, so a subsample is reproducible and spans the index range. */
      for (guint e = 0; e < options->max_users; e++)
        g_array_index (users, guint, e) = g_array_index (users, guint, (guint64) e * users->len / options->max_users);
      g_array_set_size (users, options->max_users);
    }
  run.users = (const guint *) users->data;
  run.n_eval = users->len;

  counts = sd_interactions_item_counts (train);
  self_info = g_new (double, MAX (train->n_items, 1));
  for (guint i = 0; i < train->n_items; i++)
    self_info[i] = -log2 ((double) MAX (counts[i], 1) / MAX (train->n_users, 1));
  run.self_info = self_info;
  run.features = sd_item_features_new (sd_recommender_get_catalog (model), train->n_items);

  run.stride = run.n_ks * N_PER_K + 2;
  run.values = g_new0 (double, (gsize) MAX (run.n_eval, 1) * run.stride);
  run.lists = g_new (guint, (gsize) MAX (run.n_eval, 1) * run.list_k);
  run.latency_us = g_new0 (gint64, MAX (run.n_eval, 1));

  n_threads = options->n_threads ? options->n_threads : 2;
  n_threads = MIN (n_threads, MAX (run.n_eval / 64, 1));
  for (guint t = 1; t < n_threads; t++)
    g_ptr_array_add (threads, g_thread_new ("sd-eval", run_worker, &run));
  run_worker (&run);
  for (guint t = 0; t < threads->len; t++)
    g_thread_join (g_ptr_array_index (threads, t));

  if (g_cancellable_set_error_if_cancelled (options->cancellable, error))
    {
      sd_item_features_free (run.features, train->n_items);
      g_free (run.values);
      g_free (run.lists);
      g_free (run.latency_us);
      return NULL;
    }

  result = g_new0 (SdEvalResult, 1);
  result->list_k = run.list_k;
  result->segments = g_ptr_array_new_with_free_func ((GDestroyNotify) segment_free);
  {
    g_autofree guint *all = g_new (guint, MAX (run.n_eval, 1));
    for (guint e = 0; e < run.n_eval; e++)
      all[e] = e;
    aggregate (&run, all, run.n_eval, &result->overall);
  }
  if (options->user_segments)
    {
      g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            (GDestroyNotify) g_array_unref);
      GHashTableIter iter;
      gpointer key, value;

      for (guint e = 0; e < run.n_eval; e++)
        {
          const char *label = options->user_segments[run.users[e]];
          GArray *members;
          if (!label)
            continue;
          if (!(members = g_hash_table_lookup (groups, label)))
            {
              members = g_array_new (FALSE, FALSE, sizeof (guint));
              g_hash_table_insert (groups, (gpointer) label, members);
            }
          g_array_append_val (members, e);
        }
      g_hash_table_iter_init (&iter, groups);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          SdEvalSegment *segment = g_new0 (SdEvalSegment, 1);
          GArray *members = value;
          segment->label = g_strdup (key);
          aggregate (&run, (const guint *) members->data, members->len, &segment->metrics);
          g_ptr_array_add (result->segments, segment);
        }
      g_ptr_array_sort (result->segments, compare_segments);
    }

  if (run.n_eval)
    {
      qsort (run.latency_us, run.n_eval, sizeof (gint64), compare_int64);
      result->latency_median_ms = run.latency_us[run.n_eval / 2] / 1e3;
      result->latency_p99_ms = run.latency_us[MIN (run.n_eval - 1, (guint) ceil (0.99 * run.n_eval) - 1)] / 1e3;
    }
  sd_item_features_free (run.features, train->n_items);
  g_free (run.values);
  g_free (run.lists);
  g_free (run.latency_us);
  result->seconds = (g_get_monotonic_time () - start) / 1e6;
  return result;
}

double
sd_eval_metrics_get (const SdEvalMetrics *m,
                     const char          *name)
{
  const char *at = strchr (name, '@');

  if (strcmp (name, "coverage") == 0)
    return m->coverage;
  if (strcmp (name, "diversity") == 0)
    return m->diversity;
  if (strcmp (name, "novelty") == 0)
    return m->novelty;
  if (at)
    {
      guint64 k;
      g_autofree char *metric = g_strndup (name, at - name);
      if (!g_ascii_string_to_unsigned (at + 1, 10, 1, G_MAXUINT, &k, NULL))
        return NAN;
      for (guint c = 0; c < m->n_ks; c++)
        if (m->at[c].k == k)
          {
            if (strcmp (metric, "precision") == 0)
              return m->at[c].precision;
            if (strcmp (metric, "recall") == 0)
              return m->at[c].recall;
            if (strcmp (metric, "ndcg") == 0)
              return m->at[c].ndcg;
            if (strcmp (metric, "hit") == 0)
              return m->at[c].hit;
            if (strcmp (metric, "map") == 0)
              return m->at[c].map;
          }
    }
  return NAN;
}

static void
write_metrics (SdJsonWriter        *w,
               const SdEvalMetrics *m)
{
  static const char * const names[] = { "precision", "recall", "ndcg", "hit", "map" };

  for (guint c = 0; c < m->n_ks; c++)
    for (guint n = 0; n < G_N_ELEMENTS (names); n++)
      {
        g_autofree char *key = g_strdup_printf ("%s@%u", names[n], m->at[c].k);
        sd_json_writer_member_fixed (w, key, sd_eval_metrics_get (m, key), 6);
      }
  sd_json_writer_member_fixed (w, "coverage", m->coverage, 6);
  sd_json_writer_member_fixed (w, "novelty", m->novelty, 6);
  sd_json_writer_member_fixed (w, "diversity", m->diversity, 6);
  sd_json_writer_member_int (w, "users_evaluated", m->n_users);
}

void
sd_eval_result_write_json (const SdEvalResult *result,
                           SdJsonWriter       *w)
{
  write_metrics (w, &result->overall);
  sd_json_writer_member_fixed (w, "latency_median_ms", result->latency_median_ms, 6);
  sd_json_writer_member_fixed (w, "latency_p99_ms", result->latency_p99_ms, 6);
  if (result->segments->len)
    {
      /* The fairness gap: best minus worst group, per headline metric. */
      static const char * const gap_metrics[] = { "ndcg@10", "recall@20", "hit@10", "coverage", "novelty" };

      sd_json_writer_key (w, "segment_gap");
      sd_json_writer_begin_object (w);
      for (guint g = 0; g < G_N_ELEMENTS (gap_metrics); g++)
        {
          double lo = INFINITY, hi = -INFINITY;
          for (guint s = 0; s < result->segments->len; s++)
            {
              const SdEvalSegment *seg = g_ptr_array_index (result->segments, s);
              double v = sd_eval_metrics_get (&seg->metrics, gap_metrics[g]);
              if (!isnan (v))
                {
                  lo = MIN (lo, v);
                  hi = MAX (hi, v);
                }
            }
          if (hi >= lo)
            sd_json_writer_member_fixed (w, gap_metrics[g], hi - lo, 6);
        }
      sd_json_writer_end_object (w);
      sd_json_writer_key (w, "segments");
      sd_json_writer_begin_object (w);
      for (guint s = 0; s < result->segments->len; s++)
        {
          const SdEvalSegment *seg = g_ptr_array_index (result->segments, s);
          sd_json_writer_key (w, seg->label ? seg->label : "");
          sd_json_writer_begin_object (w);
          write_metrics (w, &seg->metrics);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_object (w);
    }
}

char *
sd_eval_result_to_json_fields (const SdEvalResult *result)
{
  g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
  g_autofree char *object = NULL;
  gsize len;

  sd_json_writer_begin_object (w);
  sd_eval_result_write_json (result, w);
  sd_json_writer_end_object (w);
  object = sd_json_writer_finish (g_steal_pointer (&w));
  /* The members without their braces, to be spliced into a larger object. */
  len = strlen (object);
  return g_strndup (object + 1, len - 2);
}

char **
sd_eval_segments_from_store (SdStore        *store,
                             SdInteractions *users,
                             const char     *by,
                             GError        **error)
{
  const char *sql;
  g_autoptr(SdStmt) stmt = NULL;
  char **labels;
  int rc;

  /* One constant statement per column: a column name is never bound or pasted. */
  if (g_strcmp0 (by, "country") == 0)
    sql = "SELECT id, country FROM customers WHERE country IS NOT NULL AND country != ''";
  else if (g_strcmp0 (by, "segment") == 0)
    sql = "SELECT id, segment FROM customers WHERE segment IS NOT NULL AND segment != ''";
  else if (g_strcmp0 (by, "taste-group") == 0 || g_strcmp0 (by, "taste_group") == 0)
    sql = "SELECT id, 'group ' || taste_group FROM customers WHERE taste_group IS NOT NULL";
  else
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Customers can be grouped by country, segment or taste-group, not “%s”"), by);
      return NULL;
    }
  if (!(stmt = sd_store_prepare (store, sql, error)))
    return NULL;
  labels = g_new0 (char *, (gsize) users->n_users + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int u = sd_interactions_user_index (users, sqlite3_column_int64 (stmt, 0));
      if (u >= 0)
        {
          g_free (labels[u]);
          labels[u] = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
        }
    }
  if (rc != SQLITE_DONE)
    {
      sd_eval_segments_free (labels, users->n_users);
      sd_store_fail (store, _("Could not read the customers' groups"), error);
      return NULL;
    }
  return labels;
}

void
sd_eval_segments_free (char  **segments,
                       guint   n_users)
{
  if (!segments)
    return;
  for (guint u = 0; u < n_users; u++)
    g_free (segments[u]);
  g_free (segments);
}

/* ---- validation during training ------------------------------------------------------ */

struct _SdEvalMonitor
{
  SdInteractions *validation;
  SdJob          *job;
  guint           k;
  guint           max_users;
  GArray         *values;
};

SdEvalMonitor *
sd_eval_monitor_new (SdInteractions *validation,
                     SdJob          *job,
                     guint           k,
                     guint           max_users)
{
  SdEvalMonitor *monitor = g_new0 (SdEvalMonitor, 1);

  monitor->validation = sd_interactions_ref (validation);
  monitor->job = job ? g_object_ref (job) : NULL;
  monitor->k = k ? k : 10;
  monitor->max_users = max_users;
  monitor->values = g_array_new (FALSE, FALSE, sizeof (double));
  return monitor;
}

void
sd_eval_monitor_free (SdEvalMonitor *monitor)
{
  if (!monitor)
    return;
  sd_interactions_unref (monitor->validation);
  g_clear_object (&monitor->job);
  g_array_unref (monitor->values);
  g_free (monitor);
}

static void
monitor_epoch_done (SdRecommender *model,
                    int            epoch,
                    double         loss,
                    gpointer       user_data)
{
  SdEvalMonitor *monitor = user_data;
  guint ks[] = { monitor->k };
  /* One thread: the fit that called us is already using the other core. */
  SdEvalOptions options = { ks, 1, monitor->k, NULL, 1, monitor->max_users, NULL, NULL };
  g_autoptr(SdEvalResult) result = sd_eval_run (model, monitor->validation, &options, NULL);
  double v;
  g_autofree char *name = NULL;

  if (!result)
    return;
  v = result->overall.at[0].ndcg;
  g_array_append_val (monitor->values, v);
  if (monitor->job)
    {
      name = g_strdup_printf ("ndcg@%u", monitor->k);
      sd_job_metric (monitor->job, epoch, g_intern_string (name), v);
    }
}

void
sd_eval_monitor_install (SdEvalMonitor *monitor,
                         SdFitContext  *context)
{
  context->epoch_done = monitor_epoch_done;
  context->user_data = monitor;
}

GArray *
sd_eval_monitor_get_values (SdEvalMonitor *monitor)
{
  return monitor->values;
}
