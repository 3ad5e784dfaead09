/* test-run-history.c — the Training page's questions of the runs and their points
 *
 * A shop is made in a temporary file and its runs recorded through the store's own run
 * API (sd_store_run_begin/add_point/finish), so every expected value below is known from
 * what the test wrote, not from the code under test.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "sd-error.h"
#include "sd-run-history.h"
#include "sd-store.h"

typedef struct {
  char    *dir;
  char    *path;
  SdStore *store;
  gint64   before;   /* unix seconds around the runs' recording */
  gint64   after;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sd-run-history-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (f->path, "-shm", NULL);

  g_assert_finalize_object (f->store);
  g_unlink (f->path);
  g_unlink (wal);
  g_unlink (shm);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
exec (Fixture    *f,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_store_exec (f->store, sql, &error));
  g_assert_no_error (error);
}

typedef struct {
  const char *name;
  int         step;
  double      value;
} Point;

/* Records one run; @status NULL leaves it running. */
static gint64
record_run (Fixture     *f,
            const char  *kind,
            const char  *model,
            const Point *points,
            guint        n_points,
            const char  *status,
            const char  *summary)
{
  g_autoptr(GError) error = NULL;
  gint64 id = sd_store_run_begin (f->store, kind, model, "{}", &error);

  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  for (guint i = 0; i < n_points; i++)
    {
      g_assert_true (sd_store_run_add_point (f->store, id, points[i].step, points[i].name,
                                             points[i].value, &error));
      g_assert_no_error (error);
    }
  if (status)
    {
      g_assert_true (sd_store_run_finish (f->store, id, status, summary, &error));
      g_assert_no_error (error);
    }
  return id;
}

/* The runs below, by id:
 *  1 import     online-retail  finished
 *  2 recommender als        finished  loss 0.9, 0.5, 0.25 (recorded out of order), ndcg 0.1, 0.2, 0.3
 *  3 recommender ease       finished  ndcg 0.25 (one point)
 *  4 recommender als        finished  not validated (no ndcg@10 in its summary)
 *  5 chatbot    intent      finished  valid_accuracy 0.875
 *  6 recommender als        failed    no summary
 *  7 recommender bpr        running   loss 0.7
 *  8 recommender item-knn   cancelled ndcg@10 in its summary
 *  9 recommender ease       finished  ndcg@10 0.27
 * 10 chatbot    intent      failed */
static void
record_runs (Fixture *f)
{
  static const Point als[] = {
    { "loss", 3, 0.25 }, { "loss", 1, 0.9 }, { "loss", 2, 0.5 },
    { "ndcg@10", 1, 0.1 }, { "ndcg@10", 2, 0.2 }, { "ndcg@10", 3, 0.3 },
    { "rows/s", 1, 1000 },
  };
  static const Point ease[] = { { "ndcg@10", 1, 0.25 } };
  static const Point bpr[] = { { "loss", 1, 0.7 } };

  f->before = g_get_real_time () / G_USEC_PER_SEC;
  g_assert_cmpint (record_run (f, "import", "online-retail", NULL, 0, "finished", "{\"rows\":10}"), ==, 1);
  g_assert_cmpint (record_run (f, "recommender", "als", als, G_N_ELEMENTS (als), "finished",
                               "{\"ndcg@10\":0.3,\"fit_seconds\":1.5,\"precision@10\":0.125}"), ==, 2);
  g_assert_cmpint (record_run (f, "recommender", "ease", ease, 1, "finished",
                               "{\"ndcg@10\":0.25,\"fit_seconds\":0.5}"), ==, 3);
  g_assert_cmpint (record_run (f, "recommender", "als", NULL, 0, "finished", "{\"fit_seconds\":2}"), ==, 4);
  g_assert_cmpint (record_run (f, "chatbot", "intent", NULL, 0, "finished", "{\"valid_accuracy\":0.875}"), ==, 5);
  g_assert_cmpint (record_run (f, "recommender", "als", NULL, 0, "failed", NULL), ==, 6);
  g_assert_cmpint (record_run (f, "recommender", "bpr", bpr, 1, NULL, NULL), ==, 7);
  g_assert_cmpint (record_run (f, "recommender", "item-knn", NULL, 0, "cancelled", "{\"ndcg@10\":0.5}"), ==, 8);
  g_assert_cmpint (record_run (f, "recommender", "ease", NULL, 0, "finished", "{\"ndcg@10\":0.27}"), ==, 9);
  g_assert_cmpint (record_run (f, "chatbot", "intent", NULL, 0, "failed", "{}"), ==, 10);
  f->after = g_get_real_time () / G_USEC_PER_SEC;
}

static void
assert_time_between (gint64 t,
                     gint64 lo,
                     gint64 hi)
{
  g_assert_cmpint (t, >=, lo);
  g_assert_cmpint (t, <=, hi);
}

static void
test_empty_shop (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = sd_run_history_list_training_runs (f->store, 40, &error);
  g_autoptr(GPtrArray) validated = NULL;
  g_autoptr(GArray) curve = NULL;
  g_autoptr(SdRunInfo) run = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (runs);
  g_assert_cmpuint (runs->len, ==, 0);

  validated = sd_run_history_newest_validated_runs (f->store, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (validated->len, ==, 0);

  g_assert_cmpint (sd_run_history_newest_run_id (f->store, "chatbot", &error), ==, 0);
  g_assert_no_error (error);

  curve = sd_run_history_get_curve (f->store, 1, "loss", 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (curve->len, ==, 0);

  run = sd_run_history_get_run (f->store, 1, &error);
  g_assert_null (run);
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_false (sd_run_history_shop_has_training_data (f->store, &error));
  g_assert_no_error (error);
}

static void
test_list_training_runs (Fixture       *f,
                         gconstpointer  data)
{
  static const struct {
    gint64      id;
    const char *kind;
    const char *model;
    const char *status;
    const char *summary;
    gboolean    has_loss;
    double      last_loss;
  } expected[] = {
    { 10, "chatbot", "intent", "failed", "{}", FALSE, 0 },
    { 9, "recommender", "ease", "finished", "{\"ndcg@10\":0.27}", FALSE, 0 },
    { 8, "recommender", "item-knn", "cancelled", "{\"ndcg@10\":0.5}", FALSE, 0 },
    { 7, "recommender", "bpr", "running", NULL, TRUE, 0.7 },
    { 6, "recommender", "als", "failed", NULL, FALSE, 0 },
    { 5, "chatbot", "intent", "finished", "{\"valid_accuracy\":0.875}", FALSE, 0 },
    { 4, "recommender", "als", "finished", "{\"fit_seconds\":2}", FALSE, 0 },
    { 3, "recommender", "ease", "finished", "{\"ndcg@10\":0.25,\"fit_seconds\":0.5}", FALSE, 0 },
    { 2, "recommender", "als", "finished", "{\"ndcg@10\":0.3,\"fit_seconds\":1.5,\"precision@10\":0.125}",
      TRUE, 0.25 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) first = NULL;

  record_runs (f);
  runs = sd_run_history_list_training_runs (f->store, 40, &error);
  g_assert_no_error (error);
  /* The import (run 1) is not a training run. */
  g_assert_cmpuint (runs->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < runs->len; i++)
    {
      const SdRunInfo *run = g_ptr_array_index (runs, i);

      g_assert_cmpint (run->id, ==, expected[i].id);
      g_assert_cmpstr (run->kind, ==, expected[i].kind);
      g_assert_cmpstr (run->model, ==, expected[i].model);
      g_assert_cmpstr (run->status, ==, expected[i].status);
      g_assert_cmpstr (run->summary, ==, expected[i].summary);
      assert_time_between (run->started_at, f->before, f->after);
      if (g_str_equal (expected[i].status, "running"))
        g_assert_cmpint (run->finished_at, ==, 0);
      else
        assert_time_between (run->finished_at, run->started_at, f->after);
      g_assert_cmpint (run->has_loss, ==, expected[i].has_loss);
      if (expected[i].has_loss)
        g_assert_cmpfloat (run->last_loss, ==, expected[i].last_loss);
      else
        g_assert_true (isnan (run->last_loss));
    }

  /* The limit keeps the newest. */
  first = sd_run_history_list_training_runs (f->store, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (((SdRunInfo *) g_ptr_array_index (first, i))->id, ==, 10 - i);
}

static void
test_get_run (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRunInfo) als = NULL;
  g_autoptr(SdRunInfo) import = NULL;
  g_autoptr(SdRunInfo) bpr = NULL;
  g_autoptr(SdRunInfo) gone = NULL;

  record_runs (f);

  als = sd_run_history_get_run (f->store, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpint (als->id, ==, 2);
  g_assert_cmpstr (als->kind, ==, "recommender");
  g_assert_cmpstr (als->model, ==, "als");
  g_assert_cmpstr (als->status, ==, "finished");
  g_assert_true (als->has_loss);
  g_assert_cmpfloat (als->last_loss, ==, 0.25);
  assert_time_between (als->started_at, f->before, f->after);
  assert_time_between (als->finished_at, als->started_at, f->after);

  /* Any kind, imports too, when asked by id. */
  import = sd_run_history_get_run (f->store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (import->kind, ==, "import");
  g_assert_cmpstr (import->model, ==, "online-retail");
  g_assert_cmpstr (import->summary, ==, "{\"rows\":10}");
  g_assert_false (import->has_loss);

  bpr = sd_run_history_get_run (f->store, 7, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bpr->status, ==, "running");
  g_assert_cmpint (bpr->finished_at, ==, 0);
  g_assert_null (bpr->summary);
  g_assert_cmpfloat (bpr->last_loss, ==, 0.7);

  gone = sd_run_history_get_run (f->store, 11, &error);
  g_assert_null (gone);
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
}

static void
assert_curve (GArray       *curve,
              const int    *steps,
              const double *values,
              guint         n)
{
  g_assert_nonnull (curve);
  g_assert_cmpuint (curve->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpint (g_array_index (curve, SdRunPoint, i).step, ==, steps[i]);
      g_assert_cmpfloat (g_array_index (curve, SdRunPoint, i).value, ==, values[i]);
    }
}

static void
test_curves (Fixture       *f,
             gconstpointer  data)
{
  static const int steps[] = { 1, 2, 3 };
  static const double loss[] = { 0.9, 0.5, 0.25 };
  static const double ndcg[] = { 0.1, 0.2, 0.3 };
  static const double one[] = { 0.25 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) a = NULL;
  g_autoptr(GArray) b = NULL;
  g_autoptr(GArray) c = NULL;
  g_autoptr(GArray) d = NULL;
  g_autoptr(GArray) e = NULL;
  g_autoptr(GArray) g = NULL;

  record_runs (f);

  /* By step, though recorded 3, 1, 2; only the metric asked for. */
  a = sd_run_history_get_curve (f->store, 2, "loss", 100000, &error);
  g_assert_no_error (error);
  assert_curve (a, steps, loss, 3);
  b = sd_run_history_get_curve (f->store, 2, "ndcg@10", 100000, &error);
  g_assert_no_error (error);
  assert_curve (b, steps, ndcg, 3);
  c = sd_run_history_get_curve (f->store, 2, "loss", 2, &error);
  g_assert_no_error (error);
  assert_curve (c, steps, loss, 2);
  d = sd_run_history_get_curve (f->store, 3, "ndcg@10", 100000, &error);
  g_assert_no_error (error);
  assert_curve (d, steps, one, 1);
  e = sd_run_history_get_curve (f->store, 3, "loss", 100000, &error);
  g_assert_no_error (error);
  assert_curve (e, NULL, NULL, 0);
  g = sd_run_history_get_curve (f->store, 42, "loss", 100000, &error);
  g_assert_no_error (error);
  assert_curve (g, NULL, NULL, 0);
}

/* Content and Hybrid runs recorded before those models stopped reporting a loss carry one
 * "loss" point of 0 at step 1: such a run has no loss, as a run recorded today; a real
 * loss that reaches 0 after other epochs, or a single point that is not 0, stays. */
static void
test_one_pass_placeholder (Fixture       *f,
                           gconstpointer  data)
{
  static const Point old_hybrid[] = { { "loss", 1, 0.0 }, { "ndcg@10", 1, 0.125 } };
  static const Point one_epoch[] = { { "loss", 1, 0.5 } };
  static const Point reaches_zero[] = { { "loss", 1, 0.5 }, { "loss", 2, 0.0 } };
  static const int steps[] = { 1, 2 };
  static const double ndcg[] = { 0.125 };
  static const double down[] = { 0.5, 0.0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRunInfo) hybrid = NULL;
  g_autoptr(SdRunInfo) one = NULL;
  g_autoptr(SdRunInfo) zero = NULL;
  g_autoptr(GArray) hybrid_loss = NULL;
  g_autoptr(GArray) hybrid_ndcg = NULL;
  g_autoptr(GArray) zero_loss = NULL;
  gint64 h = record_run (f, "recommender", "hybrid", old_hybrid, G_N_ELEMENTS (old_hybrid), "finished",
                         "{\"ndcg@10\":0.125}");
  gint64 o = record_run (f, "recommender", "bpr", one_epoch, 1, "finished", "{}");
  gint64 z = record_run (f, "recommender", "als", reaches_zero, 2, "finished", "{}");

  hybrid = sd_run_history_get_run (f->store, h, &error);
  g_assert_no_error (error);
  g_assert_false (hybrid->has_loss);
  g_assert_true (isnan (hybrid->last_loss));
  hybrid_loss = sd_run_history_get_curve (f->store, h, "loss", 100, &error);
  g_assert_no_error (error);
  assert_curve (hybrid_loss, NULL, NULL, 0);
  hybrid_ndcg = sd_run_history_get_curve (f->store, h, "ndcg@10", 100, &error);
  g_assert_no_error (error);
  assert_curve (hybrid_ndcg, steps, ndcg, 1);

  one = sd_run_history_get_run (f->store, o, &error);
  g_assert_no_error (error);
  g_assert_true (one->has_loss);
  g_assert_cmpfloat (one->last_loss, ==, 0.5);
  zero = sd_run_history_get_run (f->store, z, &error);
  g_assert_no_error (error);
  g_assert_true (zero->has_loss);
  g_assert_cmpfloat (zero->last_loss, ==, 0.0);
  zero_loss = sd_run_history_get_curve (f->store, z, "loss", 100, &error);
  g_assert_no_error (error);
  assert_curve (zero_loss, steps, down, 2);
}

static void
test_newest_run_id (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  record_runs (f);
  g_assert_cmpint (sd_run_history_newest_run_id (f->store, "chatbot", &error), ==, 10);
  g_assert_cmpint (sd_run_history_newest_run_id (f->store, "recommender", &error), ==, 9);
  g_assert_cmpint (sd_run_history_newest_run_id (f->store, "import", &error), ==, 1);
  g_assert_cmpint (sd_run_history_newest_run_id (f->store, "nothing", &error), ==, 0);
  g_assert_no_error (error);
}

static void
test_newest_validated (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GPtrArray) one = NULL;
  const SdRunInfo *als, *ease;

  record_runs (f);
  /* als: run 2 (4 and 6 have no ndcg@10); ease: run 9, newer than 3; bpr is running and
   * item-knn was cancelled. By model name. */
  runs = sd_run_history_newest_validated_runs (f->store, 50, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, 2);
  als = g_ptr_array_index (runs, 0);
  ease = g_ptr_array_index (runs, 1);
  g_assert_cmpint (als->id, ==, 2);
  g_assert_cmpstr (als->model, ==, "als");
  g_assert_cmpfloat (sd_run_info_get_summary_number (als, "ndcg@10"), ==, 0.3);
  g_assert_cmpfloat (sd_run_info_get_summary_number (als, "fit_seconds"), ==, 1.5);
  g_assert_cmpfloat (sd_run_info_get_summary_number (als, "precision@10"), ==, 0.125);
  g_assert_true (isnan (sd_run_info_get_summary_number (als, "recall@20")));
  g_assert_cmpint (ease->id, ==, 9);
  g_assert_cmpstr (ease->model, ==, "ease");
  g_assert_cmpfloat (sd_run_info_get_summary_number (ease, "ndcg@10"), ==, 0.27);
  g_assert_true (isnan (sd_run_info_get_summary_number (ease, "fit_seconds")));

  one = sd_run_history_newest_validated_runs (f->store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_cmpint (((SdRunInfo *) g_ptr_array_index (one, 0))->id, ==, 2);
}

static void
test_summary_number (void)
{
  static const struct {
    const char *summary;
    double      expected;   /* NAN: absent */
  } cases[] = {
    { "{\"ndcg@10\":0.5}", 0.5 },
    { "{\"ndcg@10\":-2e-3,\"other\":1}", -2e-3 },
    { "{\"ndcg@10\":\"high\"}", NAN },
    { "{\"ndcg@10\":null}", NAN },
    { "{\"fit_seconds\":1}", NAN },
    { "[0.5]", NAN },
    { "not json", NAN },
    { "", NAN },
    { NULL, NAN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      SdRunInfo info = { .summary = (char *) cases[i].summary };
      double value = sd_run_info_get_summary_number (&info, "ndcg@10");

      if (isnan (cases[i].expected))
        g_assert_true (isnan (value));
      else
        g_assert_cmpfloat (value, ==, cases[i].expected);
    }
}

static void
test_training_data (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Customers, products and an order without lines are nothing to learn from. */
  exec (f, "INSERT INTO customers (id, external_id) VALUES (1, 'c1');"
           "INSERT INTO products (id, external_id, title) VALUES (1, 'p1', 'Mug');"
           "INSERT INTO orders (id, external_id, customer_id, placed_at) VALUES (1, 'o1', 1, 1677664800);");
  record_runs (f);
  g_assert_false (sd_run_history_shop_has_training_data (f->store, &error));
  g_assert_no_error (error);

  exec (f, "INSERT INTO events (customer_id, product_id, kind, at) VALUES (1, 1, 0, 1677664800)");
  g_assert_true (sd_run_history_shop_has_training_data (f->store, &error));
  g_assert_no_error (error);

  exec (f, "DELETE FROM events;"
           "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)"
           " VALUES (1, 1, 1, 2, 450)");
  g_assert_true (sd_run_history_shop_has_training_data (f->store, &error));
  g_assert_no_error (error);

  exec (f, "DELETE FROM order_lines");
  g_assert_false (sd_run_history_shop_has_training_data (f->store, &error));
  g_assert_no_error (error);
}

typedef struct {
  char      *path;
  GPtrArray *runs;
  gint64     chatbot;
} WorkerData;

static gpointer
worker_thread (gpointer user_data)
{
  WorkerData *w = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (w->path, &error);

  g_assert_no_error (error);
  w->runs = sd_run_history_list_training_runs (store, 40, &error);
  g_assert_no_error (error);
  w->chatbot = sd_run_history_newest_run_id (store, "chatbot", &error);
  g_assert_no_error (error);
  return NULL;
}

/* A worker asks on its own connection and sees what the main one committed. */
static void
test_in_worker (Fixture       *f,
                gconstpointer  data)
{
  WorkerData w = { f->path, NULL, 0 };

  record_runs (f);
  g_thread_join (g_thread_new ("run-history", worker_thread, &w));
  g_assert_cmpuint (w.runs->len, ==, 9);
  g_assert_cmpint (((SdRunInfo *) g_ptr_array_index (w.runs, 0))->id, ==, 10);
  g_assert_cmpint (((SdRunInfo *) g_ptr_array_index (w.runs, 8))->id, ==, 2);
  g_assert_cmpint (w.chatbot, ==, 10);
  g_ptr_array_unref (w.runs);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/run-history/empty-shop", test_empty_shop);
  ADD ("/run-history/list-training-runs", test_list_training_runs);
  ADD ("/run-history/get-run", test_get_run);
  ADD ("/run-history/curves", test_curves);
  ADD ("/run-history/one-pass-placeholder", test_one_pass_placeholder);
  ADD ("/run-history/newest-run-id", test_newest_run_id);
  ADD ("/run-history/newest-validated", test_newest_validated);
  ADD ("/run-history/training-data", test_training_data);
  ADD ("/run-history/in-worker", test_in_worker);
#undef ADD
  g_test_add_func ("/run-history/summary-number", test_summary_number);

  return g_test_run ();
}
