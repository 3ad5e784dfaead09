/* test-train-job.c — training on a shop (the demo shop, whose customers have planted
 * taste groups): the job records the run and its curves, stores a model that loads back,
 * leaves no model when cancelled, and the models recover the taste groups */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "sd-json.h"
#include "sd-demo.h"
#include "sd-error.h"
#include "sd-eval.h"
#include "sd-model-store.h"
#include "sd-split.h"
#include "sd-train-job.h"
#include "sd-tune.h"
#include "sd-user-knn.h"

static char *dir;
static char *db_path;

static void
make_shop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  SdDemoOptions options;

  dir = g_dir_make_tmp ("sd-train-XXXXXX", NULL);
  db_path = g_build_filename (dir, "shop.sqlite", NULL);
  store = sd_store_open (db_path, &error);
  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "600", &error));
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static gint64
count (SdStore *store, const char *sql, gint64 arg)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);
  sqlite3_bind_int64 (stmt, 1, arg);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* @model trained on the shop with validation and stored, the job run to its end. */
static SdJob *
run_validated (const char *model,
               const char **params)
{
  SdTrainOptions options;
  g_autoptr(GError) error = NULL;
  SdJob *job;

  sd_train_options_init (&options);
  options.db_path = db_path;
  options.model = model;
  options.params = params;
  options.validate = TRUE;
  job = sd_train_job_new (&options, &error);
  g_assert_no_error (error);
  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return job;
}

static void
test_train_and_store (void)
{
  const char *params[] = { "k=50", NULL };
  g_autoptr(SdJob) job = run_validated ("itemknn", params);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdRecommender) model = NULL;
  gint64 run, model_id = 0;

  run = sd_train_job_get_run_id (job);
  g_assert_cmpint (run, >, 0);
  g_assert_cmpint (sd_train_job_get_model_id (job), >, 0);
  {
    g_autoptr(SdJsonNode) metrics = sd_json_parse (sd_train_job_get_metrics (job), -1, "metrics", &error);
    g_assert_no_error (error);
    g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (metrics, "ndcg@10")), ==, SD_JSON_NUMBER);
    g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (metrics, "fit_seconds")), ==, SD_JSON_NUMBER);
  }

  store = sd_store_open (db_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (store, "SELECT count(*) FROM runs WHERE id = ?1 AND status = 'finished'", run), ==, 1);
  g_assert_cmpint (count (store, "SELECT count(*) FROM run_points WHERE run_id = ?1 AND name = 'ndcg@10'", run), ==, 1);
  g_assert_cmpint (count (store, "SELECT count(*) FROM models WHERE run_id = ?1 AND name = 'itemknn'", run), ==, 1);

  train = sd_interactions_from_store (store, NULL, NULL, &error);
  model = sd_model_store_load (store, "itemknn", train, &model_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (model_id, ==, sd_train_job_get_model_id (job));
  {
    g_autofree char *p = sd_recommender_params_to_json (model);
    g_assert_cmpstr (p, ==, "{\"k\":50,\"shrink\":10}");
  }
  g_clear_object (&model);
  g_assert_null (sd_model_store_load (store, "ease", train, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
}

/* ALS through the job as the Training page runs it (validated, stored): the model goes
 * into its row a piece at a time and comes back whole — the stored bytes are exactly what
 * the loaded model saves again (float user factors read back as floats, widened the same
 * way) — and the metrics say how many held-out customers the validation scored. */
static void
test_als_stored_in_pieces (void)
{
  const char *params[] = { "factors=16", "iterations=3", NULL };
  g_autoptr(SdJob) job = run_validated ("als", params);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(SdJsonNode) metrics = NULL;
  g_autoptr(SdStmt) stmt = NULL;
  g_autoptr(GBytes) again = NULL;
  gint64 model_id = 0;
  gsize size;
  const guint8 *data;

  metrics = sd_json_parse (sd_train_job_get_metrics (job), -1, "metrics", &error);
  g_assert_no_error (error);
  /* 600 customers: fewer than the sample, so every one with a held-out product is scored */
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (metrics, "users_evaluated")), >, 100);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (metrics, "users_evaluated")), ==,
                     sd_json_node_get_number (sd_json_node_get_member (metrics, "users_held_out")));
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (metrics, "fit_cpu_seconds")), >=, 0);

  store = sd_store_open (db_path, &error);
  g_assert_no_error (error);
  /* the model was fitted on the training part of the split; its shape is the shop's */
  train = sd_interactions_from_store (store, NULL, NULL, &error);
  model = sd_model_store_load (store, "als", train, &model_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (model_id, ==, sd_train_job_get_model_id (job));
  again = sd_recommender_save (model);
  stmt = sd_store_prepare (store, "SELECT blob FROM models WHERE id = ?1", &error);
  sqlite3_bind_int64 (stmt, 1, model_id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  data = g_bytes_get_data (again, &size);
  g_assert_cmpmem (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0), data, size);
}

static void
test_refused_and_cancelled (void)
{
  const char *bad[] = { "k=0", NULL };
  SdTrainOptions options;
  g_autoptr(SdJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  gint64 models_before;

  sd_train_options_init (&options);
  options.db_path = db_path;
  options.model = "itemknn";
  options.params = bad;
  g_assert_null (sd_train_job_new (&options, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "k must be between 1 and 5000, got 0");
  g_clear_error (&error);

  store = sd_store_open (db_path, &error);
  models_before = count (store, "SELECT count(*) + ?1 FROM models", 0);
  options.params = NULL;
  options.model = "ease";
  job = sd_train_job_new (&options, &error);
  sd_job_cancel (job);
  g_assert_false (sd_job_run_sync (job, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (count (store, "SELECT count(*) + ?1 FROM models", 0), ==, models_before);
  if (sd_train_job_get_run_id (job) > 0)
    g_assert_cmpint (count (store, "SELECT count(*) FROM runs WHERE id = ?1 AND status = 'cancelled'",
                            sd_train_job_get_run_id (job)), ==, 1);
}

/* Held-out items of the demo shop: every model beats popularity overall and in every
 * taste group, and user-kNN's neighbours mostly share the customer's planted group. */
static void
test_taste_groups (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (db_path, &error);
  g_autoptr(SdInteractions) all = sd_interactions_from_store (store, NULL, NULL, &error);
  char **groups = sd_eval_segments_from_store (store, all, "taste-group", &error);
  const char *names[] = { "popularity", "itemknn", "userknn", "ease" };
  double pop_overall = 0.0;
  g_autofree double *pop_group = NULL;
  guint n_groups = 0;
  SdSplit split = { NULL };

  g_assert_no_error (error);
  sd_split_random_holdout (all, 0.2, 7, &split);
  for (guint m = 0; m < G_N_ELEMENTS (names); m++)
    {
      g_autoptr(SdRecommender) model = sd_recommender_new (names[m], NULL);
      g_autoptr(SdEvalResult) result = NULL;
      SdEvalOptions options = { (guint[]) { 10 }, 1, 10, (const char * const *) groups };

      /* Hyperparameters from the model's default grid, on a validation split cut from
       * the training part only. */
      if (sd_tune_default_grid (names[m]))
        {
          SdTuneOptions tune = { names[m], NULL, NULL, 0, 3, 0.2, "ndcg@10", NULL };
          g_autoptr(SdTuneResult) tuned = sd_tune_run (split.train, &tune, NULL, NULL, &error);
          SdTuneTrial *best;
          g_assert_no_error (error);
          best = g_ptr_array_index (tuned->trials, tuned->best);
          for (guint a = 0; best->assignments[a]; a++)
            {
              g_auto(GStrv) kv = g_strsplit (best->assignments[a], "=", 2);
              g_assert_true (sd_recommender_set_param (model, kv[0], kv[1], NULL));
            }
          g_test_message ("%s: chose %s", names[m], best->params_json);
        }
      g_assert_true (sd_recommender_fit (model, split.train, NULL, &error));
      result = sd_eval_run (model, split.test, &options, &error);
      g_assert_no_error (error);
      g_test_message ("%-10s NDCG@10 %.4f over %u customers", names[m],
                      result->overall.at[0].ndcg, result->overall.n_users);
      if (m == 0)
        {
          pop_overall = result->overall.at[0].ndcg;
          n_groups = result->segments->len;
          g_assert_cmpuint (n_groups, >=, 5);
          pop_group = g_new (double, n_groups);
          for (guint s = 0; s < n_groups; s++)
            pop_group[s] = ((SdEvalSegment *) g_ptr_array_index (result->segments, s))->metrics.at[0].ndcg;
          continue;
        }
      g_assert_cmpfloat (result->overall.at[0].ndcg, >, pop_overall * 1.2);
      g_assert_cmpuint (result->segments->len, ==, n_groups);
      for (guint s = 0; s < n_groups; s++)
        {
          SdEvalSegment *seg = g_ptr_array_index (result->segments, s);
          g_assert_cmpfloat (seg->metrics.at[0].ndcg, >, pop_group[s]);
        }
    }

  {
    g_autoptr(SdRecommender) knn = sd_recommender_new ("userknn", NULL);
    guint same = 0, total = 0;
    double chance;
    sd_recommender_set_param (knn, "k", "10", NULL);
    g_assert_true (sd_recommender_fit (knn, all, NULL, NULL));
    for (guint u = 0; u < all->n_users; u++)
      {
        g_autoptr(GArray) nbrs = sd_user_knn_neighbours (SD_USER_KNN (knn), u);
        if (!groups[u])
          continue;
        for (guint r = 0; r < nbrs->len; r++)
          {
            const char *g = groups[g_array_index (nbrs, SdScoredItem, r).item];
            same += g && strcmp (g, groups[u]) == 0;
            total++;
          }
      }
    chance = 1.0 / sd_demo_n_taste_groups ();
    g_test_message ("user-kNN neighbours in the same taste group: %.2f (chance %.2f)",
                    (double) same / total, chance);
    g_assert_cmpfloat ((double) same / total, >, 2.5 * chance);
  }
  sd_eval_segments_free (groups, all->n_users);
  sd_split_clear (&split);
}

static void
test_tune_job (void)
{
  const char *grid[] = { "k=10,50", NULL };
  SdTuneOptions options = { "itemknn", grid, NULL, 0, 1, 0.2, "recall@20", NULL };
  g_autoptr(SdJob) job = sd_tune_job_new (db_path, &options);
  g_autoptr(GError) error = NULL;
  SdTuneResult *result;
  GArray *points;

  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  result = sd_tune_job_get_result (job);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->trials->len, ==, 2);
  g_assert_cmpstr (result->metric, ==, "recall@20");
  points = sd_job_get_points (job);
  g_assert_cmpuint (points->len, ==, 2);
  g_assert_cmpstr (g_array_index (points, SdMetricPoint, 1).name, ==, "recall@20");
  g_assert_cmpint (g_array_index (points, SdMetricPoint, 1).step, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_shop ();
  g_test_add_func ("/train-job/train-and-store", test_train_and_store);
  g_test_add_func ("/train-job/als-stored-in-pieces", test_als_stored_in_pieces);
  g_test_add_func ("/train-job/refused-and-cancelled", test_refused_and_cancelled);
  g_test_add_func ("/train-job/taste-groups", test_taste_groups);
  g_test_add_func ("/train-job/tune-job", test_tune_job);
  status = g_test_run ();

  {
    const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *p = g_strconcat (db_path, suffixes[i], NULL);
        g_remove (p);
      }
    g_rmdir (dir);
  }
  g_free (db_path);
  g_free (dir);
  return status;
}
