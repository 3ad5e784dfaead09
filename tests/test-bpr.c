/* test-bpr.c — BPR: loss, determinism, optimisers, save/load, and quality on
 * MovieLens-100k u1 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sd-bpr.h"
#include "sd-error.h"
#include "movielens.h"
#include "demo-shop.h"

/* Two taste groups: users 0..29 pick among items 0..19, users 30..59 among 20..39. */
static SdInteractions *
planted (guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  SdInteractionsBuilder *builder = sd_interactions_builder_new ();

  for (gint64 u = 0; u < 60; u++)
    {
      gint64 base = u < 30 ? 0 : 20;

      for (int n = 0; n < 8; n++)
        sd_interactions_builder_add (builder, u, base + g_rand_int_range (rand, 0, 20), 1.0f, 1000 + n);
    }
  return sd_interactions_builder_build (builder);
}

static void
record_loss (SdRecommender *model,
             int            epoch,
             double         loss,
             gpointer       user_data)
{
  g_array_append_val ((GArray *) user_data, loss);
}

static SdRecommender *
fit_bpr (SdInteractions *train,
         const char     *optimizer,
         const char     *learning_rate,
         guint           seed,
         GArray         *losses)
{
  g_autoptr(GError) error = NULL;
  SdRecommender *model = sd_recommender_new ("bpr", &error);
  SdFitContext ctx = { .epoch_done = losses ? record_loss : NULL, .user_data = losses };
  g_autofree char *seed_text = g_strdup_printf ("%u", seed);

  g_assert_no_error (error);
  g_assert_true (sd_recommender_set_param (model, "factors", "8", &error));
  g_assert_true (sd_recommender_set_param (model, "epochs", "40", &error));
  g_assert_true (sd_recommender_set_param (model, "optimizer", optimizer, &error));
  g_assert_true (sd_recommender_set_param (model, "learning-rate", learning_rate, &error));
  g_assert_true (sd_recommender_set_param (model, "seed", seed_text, &error));
  g_assert_true (sd_recommender_fit (model, train, &ctx, &error));
  g_assert_no_error (error);
  return model;
}

static double
mean_of (GArray *values,
         guint   from,
         guint   to)
{
  double sum = 0;

  for (guint i = from; i < to; i++)
    sum += g_array_index (values, double, i);
  return sum / (to - from);
}

static void
check_loss_decreases (const char *optimizer,
                      const char *learning_rate)
{
  g_autoptr(SdInteractions) train = planted (1);
  g_autoptr(GArray) losses = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(SdRecommender) model = fit_bpr (train, optimizer, learning_rate, 42, losses);
  guint rises = 0;

  g_assert_cmpuint (losses->len, ==, 40);
  /* it starts at ln 2 (random factors, zero biases) */
  g_assert_cmpfloat (fabs (g_array_index (losses, double, 0) - log (2.0)), <, 0.1);
  for (guint i = 1; i < losses->len; i++)
    rises += g_array_index (losses, double, i) > g_array_index (losses, double, i - 1);
  if (g_test_verbose ())
    g_printerr ("%s: loss %.4f → %.4f, %u rises\n", optimizer, g_array_index (losses, double, 0),
                g_array_index (losses, double, losses->len - 1), rises);
  /* sampled, so not every epoch; but clearly down, and down over each stretch */
  g_assert_cmpfloat (mean_of (losses, 30, 40), <, 0.6 * mean_of (losses, 0, 10));
  g_assert_cmpfloat (mean_of (losses, 10, 20), <, mean_of (losses, 0, 10));
  g_assert_cmpfloat (mean_of (losses, 20, 30), <, mean_of (losses, 10, 20));
  g_assert_cmpuint (rises, <, 20);
}

static void
test_loss_sgd (void)
{
  check_loss_decreases ("sgd", "0.05");
}

static void
test_loss_adam (void)
{
  check_loss_decreases ("adam", "0.01");
}

static void
test_planted_groups (void)
{
  g_autoptr(SdInteractions) train = planted (2);
  g_autoptr(SdRecommender) model = fit_bpr (train, "sgd", "0.05", 7, NULL);
  guint in_group = 0, total = 0;

  for (guint u = 0; u < train->n_users; u++)
    {
      g_autoptr(GArray) top = sd_recommender_recommend (model, u, 3, NULL);
      gboolean first = train->user_ids[u] < 30;

      for (guint r = 0; r < top->len; r++)
        {
          in_group += first == (train->item_ids[g_array_index (top, SdScoredItem, r).item] < 20);
          total++;
        }
    }
  g_assert_cmpuint (in_group, >=, total * 9 / 10);
}

static void
test_deterministic (void)
{
  g_autoptr(SdInteractions) train = planted (3);
  g_autoptr(SdRecommender) a = fit_bpr (train, "adam", "0.01", 5, NULL);
  g_autoptr(SdRecommender) b = fit_bpr (train, "adam", "0.01", 5, NULL);
  g_autoptr(SdRecommender) c = fit_bpr (train, "adam", "0.01", 6, NULL);
  float sa[40], sb[40], sc[40];
  gboolean differs = FALSE;

  for (guint u = 0; u < train->n_users; u++)
    {
      sd_recommender_score (a, u, sa);
      sd_recommender_score (b, u, sb);
      sd_recommender_score (c, u, sc);
      g_assert_cmpmem (sa, sizeof sa, sb, sizeof sb);
      differs |= memcmp (sa, sc, sizeof sa) != 0;
    }
  g_assert_true (differs);
}

static void
test_save_load (void)
{
  g_autoptr(SdInteractions) train = planted (4);
  g_autoptr(SdRecommender) model = fit_bpr (train, "sgd", "0.05", 1, NULL);
  g_autoptr(GBytes) blob = sd_recommender_save (model);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) loaded = sd_recommender_load (blob, train, &error);
  float a[40], b[40];

  g_assert_no_error (error);
  g_assert_true (SD_IS_BPR (loaded));
  for (guint u = 0; u < train->n_users; u++)
    {
      sd_recommender_score (model, u, a);
      sd_recommender_score (loaded, u, b);
      g_assert_cmpmem (a, sizeof a, b, sizeof b);
    }
}

static void
test_explain (void)
{
  g_autoptr(SdInteractions) train = planted (5);
  g_autoptr(SdRecommender) model = fit_bpr (train, "sgd", "0.05", 1, NULL);
  g_autoptr(GArray) top = sd_recommender_recommend (model, 0, 1, NULL);
  g_autoptr(GPtrArray) reasons = sd_recommender_explain (model, 0, g_array_index (top, SdScoredItem, 0).item, 3);

  g_assert_cmpuint (reasons->len, >, 0);
  g_assert_cmpuint (reasons->len, <=, 3);
  for (guint r = 0; r < reasons->len; r++)
    {
      SdReason *reason = g_ptr_array_index (reasons, r);

      g_assert_cmpint (reason->kind, ==, SD_REASON_FACTOR);
      g_assert_cmpfloat (reason->weight, >, 0);
      g_assert_cmpfloat (reason->weight, <=, 1.0 + 1e-6);
      /* the history of user 0 is in the first group */
      g_assert_cmpint (train->item_ids[reason->item], <, 20);
    }
}

static void
test_bad_optimizer (void)
{
  g_autoptr(SdInteractions) train = planted (6);
  g_autoptr(SdRecommender) model = sd_recommender_new ("bpr", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (sd_recommender_set_param (model, "optimizer", "rmsprop", &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "adam"));
}

/* Chosen on a validation split cut from u1.base (20 % of each user's positives, seed 7),
 * never on u1.test, by the grid in test_tune:
 *   SD_TUNE=1 build/tests/test-bpr -p /bpr/tune
 * Best validation NDCG@10: sgd, learning rate 0.05, reg 0.02, 150 epochs: 0.200 (Recall@20
 * 0.298); sgd 0.05/0.01/60 epochs 0.198; adam 0.005/0.01/60 epochs 0.193. The test runs
 * the 60-epoch point (within 0.002, at 40 % of the time: this test also runs under the
 * sanitizers); on u1 the 150-epoch point gives 0.392 / 0.299.
 */
static const char *ml_params[] = {
  "factors=64", "optimizer=sgd", "learning-rate=0.05", "reg=0.01", "epochs=60", "seed=42", NULL
};

static void
test_movielens (void)
{
  MlSplit split = { 0 };
  MlMetrics pop, bpr;

  if (!ml_available ())
    return;
  ml_load_u1 (&split);
  pop = ml_popularity (&split);
  bpr = ml_fit_evaluate ("bpr", ml_params, &split);
  g_test_message ("MovieLens-100k u1 (%u users): popularity NDCG@10 %.3f Recall@20 %.3f; "
                  "BPR NDCG@10 %.3f Recall@20 %.3f",
                  bpr.users, pop.ndcg10, pop.recall20, bpr.ndcg10, bpr.recall20);
  g_assert_cmpfloat (bpr.ndcg10, >, pop.ndcg10 + 0.05);
  g_assert_cmpfloat (bpr.recall20, >, pop.recall20);
  ml_split_clear (&split);
}

static void
test_tune (void)
{
  MlSplit split = { 0 };
  const char *grid[][4] = {
    { "optimizer=sgd", "learning-rate=0.05", "reg=0.01", "epochs=60" },
    { "optimizer=sgd", "learning-rate=0.05", "reg=0.002", "epochs=60" },
    { "optimizer=sgd", "learning-rate=0.1", "reg=0.01", "epochs=100" },
    { "optimizer=sgd", "learning-rate=0.1", "reg=0.005", "epochs=150" },
    { "optimizer=sgd", "learning-rate=0.05", "reg=0.02", "epochs=150" },
    { "optimizer=adam", "learning-rate=0.005", "reg=0.01", "epochs=60" },
    { "optimizer=adam", "learning-rate=0.002", "reg=0.001", "epochs=60" },
  };

  if (!g_getenv ("SD_TUNE"))
    {
      g_test_skip ("set SD_TUNE=1 to run the hyperparameter search");
      return;
    }
  if (!ml_available ())
    return;
  ml_load_validation (&split, 7);
  for (guint g = 0; g < G_N_ELEMENTS (grid); g++)
    {
      const char *params[] = { "factors=64", grid[g][0], grid[g][1], grid[g][2], grid[g][3], NULL };
      MlMetrics m = ml_fit_evaluate ("bpr", params, &split);

      g_printerr ("bpr %s %s %s %s: validation NDCG@10 %.4f Recall@20 %.4f\n",
                  grid[g][0], grid[g][1], grid[g][2], grid[g][3], m.ndcg10, m.recall20);
    }
  ml_split_clear (&split);
}

/* The demo shop's planted taste groups, with the default parameters: better than
 * popularity overall and for every group. */
static void
test_demo_shop (void)
{
  demo_shop_assert_beats_popularity ("bpr", NULL, 1.2, 0);
}

static void
test_demo_tune (void)
{
  const char *grid[] = { "learning-rate=0.02,0.05,0.1", "reg=0.002,0.01,0.05", NULL };
  const char *fixed[] = { "epochs=60", NULL };

  if (!g_getenv ("SD_TUNE"))
    {
      g_test_skip ("set SD_TUNE=1 to run the hyperparameter search");
      return;
    }
  demo_shop_tune ("bpr", grid, fixed);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/bpr/loss-sgd", test_loss_sgd);
  g_test_add_func ("/bpr/loss-adam", test_loss_adam);
  g_test_add_func ("/bpr/planted-groups", test_planted_groups);
  g_test_add_func ("/bpr/deterministic", test_deterministic);
  g_test_add_func ("/bpr/save-load", test_save_load);
  g_test_add_func ("/bpr/explain", test_explain);
  g_test_add_func ("/bpr/bad-optimizer", test_bad_optimizer);
  g_test_add_func ("/bpr/movielens", test_movielens);
  g_test_add_func ("/bpr/demo-shop", test_demo_shop);
  g_test_add_func ("/bpr/tune", test_tune);
  g_test_add_func ("/bpr/demo-tune", test_demo_tune);

  return g_test_run ();
}
