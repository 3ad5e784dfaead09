/* test-eval.c — ranking metrics on hand-made lists, splits, the evaluation run, segments,
 * per-epoch validation, hyperparameter search */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sd-json.h"
#include "sd-error.h"
#include "sd-eval.h"
#include "sd-split.h"
#include "sd-tune.h"

#define EPS 1e-6

static void
test_metrics_by_hand (void)
{
  const guint ranked[] = { 3, 1, 4, 9, 5 };
  const guint relevant[] = { 1, 5, 7 };

  /* K = 5: hits at ranks 2 and 5 of 3 relevant items.
   *   precision = 2/5; recall = 2/3; hit = 1
   *   DCG  = 1/log2(3) + 1/log2(6) = 0.630930 + 0.386853 = 1.017783
   *   IDCG = 1 + 1/log2(3) + 1/log2(4) = 2.130930 (three relevant items fit in 5)
   *   NDCG = 0.477624
   *   AP   = (1/2 + 2/5) / min(5, 3) = 0.3 */
  g_assert_cmpfloat_with_epsilon (sd_metric_precision (ranked, 5, relevant, 3, 5), 0.4, EPS);
  g_assert_cmpfloat_with_epsilon (sd_metric_recall (ranked, 5, relevant, 3, 5), 2.0 / 3, EPS);
  g_assert_cmpfloat_with_epsilon (sd_metric_hit (ranked, 5, relevant, 3, 5), 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (sd_metric_ndcg (ranked, 5, relevant, 3, 5), 0.477624, EPS);
  g_assert_cmpfloat_with_epsilon (sd_metric_ap (ranked, 5, relevant, 3, 5), 0.3, EPS);

  /* K = 2: one hit at rank 2.
   *   precision 1/2; recall 1/3; NDCG = 0.630930 / (1 + 0.630930) = 0.386853;
   *   AP = (1/2) / min(2, 3) = 0.25 */
  g_assert_cmpfloat_with_epsilon (sd_metric_precision (ranked, 5, relevant, 3, 2), 0.5, EPS);
  g_assert_cmpfloat_with_epsilon (sd_metric_recall (ranked, 5, relevant, 3, 2), 1.0 / 3, EPS);
  g_assert_cmpfloat_with_epsilon (sd_metric_ndcg (ranked, 5, relevant, 3, 2), 0.386853, EPS);
  g_assert_cmpfloat_with_epsilon (sd_metric_ap (ranked, 5, relevant, 3, 2), 0.25, EPS);

  /* K = 1: a miss. */
  g_assert_cmpfloat (sd_metric_hit (ranked, 5, relevant, 3, 1), ==, 0.0);
  g_assert_cmpfloat (sd_metric_ndcg (ranked, 5, relevant, 3, 1), ==, 0.0);
  g_assert_cmpfloat (sd_metric_ap (ranked, 5, relevant, 3, 1), ==, 0.0);

  /* A perfect list scores 1 everywhere; a list shorter than K counts the missing ranks as misses. */
  {
    const guint perfect[] = { 7, 1, 5 };
    g_assert_cmpfloat_with_epsilon (sd_metric_ndcg (perfect, 3, relevant, 3, 10), 1.0, EPS);
    g_assert_cmpfloat_with_epsilon (sd_metric_ap (perfect, 3, relevant, 3, 10), 1.0, EPS);
    g_assert_cmpfloat_with_epsilon (sd_metric_precision (perfect, 3, relevant, 3, 10), 0.3, EPS);
  }
  /* Nothing relevant: zeros, never NaN. */
  g_assert_cmpfloat (sd_metric_ndcg (ranked, 5, relevant, 0, 5), ==, 0.0);
  g_assert_cmpfloat (sd_metric_recall (ranked, 5, relevant, 0, 5), ==, 0.0);
  g_assert_cmpfloat (sd_metric_ap (ranked, 5, relevant, 0, 5), ==, 0.0);
}

/* 40 users; user u has items u % 7 .. u % 7 + 9 with times 1..10 (item order reversed for
 * odd users, so "newest" is not always the highest index). */
static SdInteractions *
grid_matrix (void)
{
  SdInteractionsBuilder *b = sd_interactions_builder_new ();

  for (int u = 0; u < 40; u++)
    for (int j = 0; j < 10; j++)
      {
        int item = u % 7 + j;
        gint64 time = u % 2 ? 10 - j : j + 1;
        sd_interactions_builder_add (b, u, item, 1.0f + (j % 3), time);
      }
  return sd_interactions_builder_build (b);
}

static gboolean
has_cell (SdInteractions *m, guint u, guint i)
{
  for (gsize k = m->indptr[u]; k < m->indptr[u + 1]; k++)
    if (m->indices[k] == i)
      return TRUE;
  return FALSE;
}

static void
test_splits (void)
{
  g_autoptr(SdInteractions) all = grid_matrix ();
  SdSplit a = { NULL }, b = { NULL }, c = { NULL }, last = { NULL };
  gboolean differs = FALSE;

  sd_split_random_holdout (all, 0.3, 42, &a);
  sd_split_random_holdout (all, 0.3, 42, &b);
  sd_split_random_holdout (all, 0.3, 43, &c);
  g_assert_cmpuint (a.train->n_users, ==, all->n_users);
  g_assert_cmpuint (a.test->n_items, ==, all->n_items);
  g_assert_cmpuint (a.n_dropped, ==, 0);
  for (guint u = 0; u < all->n_users; u++)
    {
      g_assert_cmpuint (a.test->indptr[u + 1] - a.test->indptr[u], ==, 3);
      g_assert_cmpuint (a.train->indptr[u + 1] - a.train->indptr[u], ==, 7);
      for (gsize k = all->indptr[u]; k < all->indptr[u + 1]; k++)
        {
          guint i = all->indices[k];
          /* each cell in exactly one half */
          g_assert_true (has_cell (a.train, u, i) != has_cell (a.test, u, i));
          g_assert_true (has_cell (a.test, u, i) == has_cell (b.test, u, i));
          differs |= has_cell (a.test, u, i) != has_cell (c.test, u, i);
        }
    }
  g_assert_true (differs);

  sd_split_leave_last_out (all, &last);
  for (guint u = 0; u < all->n_users; u++)
    {
      guint newest = u % 2 ? u % 7 : u % 7 + 9;
      g_assert_cmpuint (last.test->indptr[u + 1] - last.test->indptr[u], ==, 1);
      g_assert_cmpuint (last.test->indices[last.test->indptr[u]], ==,
                        (guint) sd_interactions_item_index (all, newest));
    }
  sd_split_clear (&a);
  sd_split_clear (&b);
  sd_split_clear (&c);
  sd_split_clear (&last);
}

static void
test_run_and_segments (void)
{
  g_autoptr(SdInteractions) all = grid_matrix ();
  g_autoptr(SdRecommender) model = sd_recommender_new ("itemknn", NULL);
  g_autoptr(SdEvalResult) result = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  SdSplit split = { NULL };
  const char *segments[40];
  const guint ks[] = { 3, 5 };
  SdEvalOptions options = { ks, 2, 5, segments, 2, 0, NULL, NULL };
  double ndcg = 0.0, recall = 0.0;
  guint n_users = 0, n_covered = 0;
  g_autofree gboolean *covered = NULL;

  sd_split_random_holdout (all, 0.3, 1, &split);
  catalog = sd_catalog_new (all->n_items);
  for (guint i = 0; i < catalog->n_items; i++)
    catalog->items[i].category = g_strdup (i < 8 ? "low" : "high");
  sd_recommender_set_catalog (model, catalog);
  g_assert_true (sd_recommender_fit (model, split.train, NULL, &error));
  for (guint u = 0; u < 40; u++)
    segments[u] = u < 10 ? "first" : (u % 2 ? "odd" : NULL);

  result = sd_eval_run (model, split.test, &options, &error);
  g_assert_no_error (error);

  /* The same numbers from the lists recommend() gives, computed here one user at a time. */
  covered = g_new0 (gboolean, all->n_items);
  for (guint u = 0; u < 40; u++)
    {
      g_autoptr(GArray) top = sd_recommender_recommend (model, u, 5, NULL);
      guint ranked[5];
      for (guint r = 0; r < top->len; r++)
        {
          ranked[r] = g_array_index (top, SdScoredItem, r).item;
          if (!covered[ranked[r]])
            n_covered++;
          covered[ranked[r]] = TRUE;
        }
      ndcg += sd_metric_ndcg (ranked, top->len, split.test->indices + split.test->indptr[u],
                              split.test->indptr[u + 1] - split.test->indptr[u], 5);
      recall += sd_metric_recall (ranked, top->len, split.test->indices + split.test->indptr[u],
                                  split.test->indptr[u + 1] - split.test->indptr[u], 3);
      n_users++;
    }
  g_assert_cmpuint (result->overall.n_users, ==, n_users);
  g_assert_cmpuint (result->overall.n_ks, ==, 2);
  g_assert_cmpfloat_with_epsilon (result->overall.at[1].ndcg, ndcg / n_users, 1e-9);
  g_assert_cmpfloat_with_epsilon (result->overall.at[0].recall, recall / n_users, 1e-9);
  g_assert_cmpfloat_with_epsilon (sd_eval_metrics_get (&result->overall, "ndcg@5"), ndcg / n_users, 1e-9);
  g_assert_true (isnan (sd_eval_metrics_get (&result->overall, "ndcg@7")));
  g_assert_cmpfloat_with_epsilon (result->overall.coverage, (double) n_covered / all->n_items, 1e-9);
  g_assert_cmpfloat (result->overall.novelty, >, 0.0);
  g_assert_cmpfloat (result->overall.diversity, >=, 0.0);
  g_assert_cmpfloat (result->overall.diversity, <=, 1.0);
  g_assert_cmpfloat (result->overall.at[0].ndcg, >, 0.3);   /* item-kNN finds the neighbours */

  /* Segments: labelled users only, sorted by label, and they add up. */
  g_assert_cmpuint (result->segments->len, ==, 2);
  {
    SdEvalSegment *first = g_ptr_array_index (result->segments, 0);
    SdEvalSegment *odd = g_ptr_array_index (result->segments, 1);
    g_assert_cmpstr (first->label, ==, "first");
    g_assert_cmpstr (odd->label, ==, "odd");
    g_assert_cmpuint (first->metrics.n_users, ==, 10);
    g_assert_cmpuint (odd->metrics.n_users, ==, 15);
  }
  {
    g_autofree char *fields = sd_eval_result_to_json_fields (result);
    g_autofree char *json = g_strdup_printf ("{%s}", fields);
    g_autoptr(GError) json_error = NULL;
    g_autoptr(SdJsonNode) root = sd_json_parse (json, -1, "eval", &json_error);
    SdJsonNode *gap;

    g_assert_no_error (json_error);
    g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (root, "ndcg@5")), ==, SD_JSON_NUMBER);
    g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (root, "users_evaluated")), ==, 40);
    g_assert_nonnull (sd_json_node_get_member (sd_json_node_get_member (root, "segments"), "first"));
    /* only the gaps of metrics this run has (no @10 or @20 here) */
    gap = sd_json_node_get_member (root, "segment_gap");
    g_assert_cmpstr (sd_json_node_get_member_name (gap, 0), ==, "coverage");
    g_assert_null (sd_json_node_get_member (gap, "ndcg@10"));
  }
  sd_split_clear (&split);
}

static void
test_misaligned (void)
{
  g_autoptr(SdInteractions) all = grid_matrix ();
  g_autoptr(SdInteractions) other = NULL;
  g_autoptr(SdRecommender) model = sd_recommender_new ("popularity", NULL);
  g_autoptr(GError) error = NULL;
  SdInteractionsBuilder *b = sd_interactions_builder_new ();

  sd_interactions_builder_add (b, 1, 1, 1, 1);
  other = sd_interactions_builder_build (b);
  g_assert_true (sd_recommender_fit (model, all, NULL, NULL));
  g_assert_null (sd_eval_run (model, other, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
}

typedef struct {
  SdRecommender  *model;
  SdInteractions *train;
  SdEvalMonitor  *monitor;
} MonitorWork;

static gboolean
monitored_fit (SdJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  MonitorWork *work = data;
  SdFitContext context = { job, cancellable, NULL, NULL };
  sd_eval_monitor_install (work->monitor, &context);
  return sd_recommender_fit (work->model, work->train, &context, error);
}

static void
test_monitor (void)
{
  g_autoptr(SdInteractions) all = grid_matrix ();
  g_autoptr(SdRecommender) model = sd_recommender_new ("popularity", NULL);
  g_autoptr(SdJob) job = NULL;
  g_autoptr(SdEvalMonitor) monitor = NULL;
  g_autoptr(SdEvalResult) direct = NULL;
  g_autoptr(GError) error = NULL;
  SdSplit split = { NULL };
  MonitorWork work;
  GArray *points;
  gboolean saw_ndcg = FALSE, saw_loss = FALSE;

  sd_split_random_holdout (all, 0.2, 5, &split);
  job = sd_job_new ("fit", monitored_fit, &work, NULL);
  monitor = sd_eval_monitor_new (split.test, job, 10, 0);
  work = (MonitorWork) { model, split.train, monitor };
  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  direct = sd_eval_run (model, split.test, &(SdEvalOptions) { (guint[]) { 10 }, 1, 10 }, NULL);
  g_assert_cmpuint (sd_eval_monitor_get_values (monitor)->len, ==, 1);
  g_assert_cmpfloat_with_epsilon (g_array_index (sd_eval_monitor_get_values (monitor), double, 0),
                                  direct->overall.at[0].ndcg, 1e-12);
  points = sd_job_get_points (job);
  for (guint p = 0; p < points->len; p++)
    {
      SdMetricPoint *pt = &g_array_index (points, SdMetricPoint, p);
      saw_ndcg |= g_strcmp0 (pt->name, "ndcg@10") == 0 && pt->step == 1;
      saw_loss |= g_strcmp0 (pt->name, "loss") == 0 && pt->step == 1;
    }
  g_assert_true (saw_ndcg);
  g_assert_false (saw_loss);   /* a closed-form model has no loss to plot */
  sd_split_clear (&split);
}

static void
test_tune (void)
{
  g_autoptr(SdInteractions) all = grid_matrix ();
  g_autoptr(SdTuneResult) result = NULL;
  g_autoptr(GError) error = NULL;
  const char *grid[] = { "k=1,5,20", "shrink=0,5", NULL };
  const char *bad_grid[] = { "k", NULL };
  SdTuneOptions options = { "itemknn", grid, NULL, 0, 3, 0.3, "ndcg@5", NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  result = sd_tune_run (all, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->trials->len, ==, 6);
  {
    SdTuneTrial *first = g_ptr_array_index (result->trials, 0);
    SdTuneTrial *best = g_ptr_array_index (result->trials, result->best);
    g_assert_cmpstr (first->assignments[0], ==, "k=1");
    g_assert_cmpstr (first->assignments[1], ==, "shrink=0");
    for (guint t = 0; t < result->trials->len; t++)
      g_assert_cmpfloat (((SdTuneTrial *) g_ptr_array_index (result->trials, t))->value, <=, best->value);
  }
  g_clear_pointer (&result, sd_tune_result_free);

  options.n_random = 2;
  result = sd_tune_run (all, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->trials->len, ==, 2);
  g_clear_pointer (&result, sd_tune_result_free);

  options.grid = bad_grid;
  g_assert_null (sd_tune_run (all, &options, NULL, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  options.grid = grid;
  options.metric = "wrong@5";
  g_assert_null (sd_tune_run (all, &options, NULL, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  options.metric = NULL;
  g_cancellable_cancel (cancellable);
  g_assert_null (sd_tune_run (all, &options, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/eval/metrics-by-hand", test_metrics_by_hand);
  g_test_add_func ("/eval/splits", test_splits);
  g_test_add_func ("/eval/run-and-segments", test_run_and_segments);
  g_test_add_func ("/eval/misaligned", test_misaligned);
  g_test_add_func ("/eval/monitor", test_monitor);
  g_test_add_func ("/eval/tune", test_tune);
  return g_test_run ();
}
