/* test-models.c — item-kNN, user-kNN and EASE on a shop with two planted taste groups:
 * they must recommend within the group, explain why, survive save/load, refuse what they
 * cannot do and stop when cancelled */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sd-ease.h"
#include "sd-error.h"
#include "sd-item-knn.h"
#include "sd-recommender.h"
#include "sd-user-knn.h"

#define N_USERS 80
#define N_ITEMS 40

/* Users of group g (u % 2) take about 8 random items of their group's 20 (g*20 .. g*20+19),
 * plus one random item from anywhere as noise. */
static SdInteractions *
planted (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  SdInteractionsBuilder *b = sd_interactions_builder_new ();

  for (int u = 0; u < N_USERS; u++)
    {
      int g = u % 2;
      for (int j = 0; j < 8; j++)
        sd_interactions_builder_add (b, u, g * 20 + g_rand_int_range (rand, 0, 20), 1.0f, j);
      sd_interactions_builder_add (b, u, g_rand_int_range (rand, 0, N_ITEMS), 1.0f, 9);
    }
  return sd_interactions_builder_build (b);
}

static SdCatalog *
catalog (void)
{
  SdCatalog *c = sd_catalog_new (N_ITEMS);
  for (guint i = 0; i < N_ITEMS; i++)
    c->items[i].title = g_strdup_printf ("Product %u", i);
  return c;
}

static void
check_model (gconstpointer data)
{
  const char *name = data;
  g_autoptr(SdInteractions) train = planted ();
  g_autoptr(SdCatalog) cat = catalog ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) model = sd_recommender_new (name, &error);
  g_autoptr(SdRecommender) back = NULL;
  g_autoptr(GBytes) blob = NULL;
  guint in_group = 0, total = 0, explained = 0;

  g_assert_no_error (error);
  sd_recommender_set_catalog (model, cat);
  g_assert_true (sd_recommender_fit (model, train, NULL, &error));
  g_assert_no_error (error);

  for (guint u = 0; u < N_USERS; u++)
    {
      g_autoptr(GArray) top = sd_recommender_recommend (model, u, 5, NULL);
      guint g = u % 2;
      for (guint r = 0; r < top->len; r++)
        {
          guint item = g_array_index (top, SdScoredItem, r).item;
          g_autoptr(GPtrArray) why = sd_recommender_explain (model, u, item, 3);
          in_group += item / 20 == g;
          total++;
          g_assert_cmpuint (why->len, <=, 3);
          if (why->len > 0)
            {
              g_autofree char *text = sd_reason_describe (g_ptr_array_index (why, 0), cat);
              SdReason *reason = g_ptr_array_index (why, 0);
              explained++;
              if (strcmp (name, "itemknn") == 0)
                {
                  g_assert_cmpint (reason->kind, ==, SD_REASON_SIMILAR_ITEM);
                  /* how much of the reason it is, in words, not the raw similarity */
                  g_assert_true (g_str_has_prefix (text, reason->share >= 0.5 ? "mostly because they bought Product "
                                                                              : "partly because they bought Product "));
                  g_assert_cmpfloat (reason->share, >, 0);
                  g_assert_cmpfloat (reason->share, <=, 1);
                }
              else if (strcmp (name, "userknn") == 0)
                {
                  g_assert_cmpint (reason->kind, ==, SD_REASON_SIMILAR_USERS);
                  g_assert_true (g_str_has_prefix (text, "customers like you ("));
                }
              else
                /* a share of the score said in words; BPR has no share: "because of X, much like it" */
                g_assert_true (strstr (text, "because of Product ") != NULL &&
                               (reason->share > 0 ? strchr (text, '%') == NULL
                                                  : g_str_has_prefix (text, "because of Product ")));
              /* explanations name a history item of this user */
              if (reason->item != G_MAXUINT)
                {
                  gboolean in_history = FALSE;
                  for (gsize k = train->indptr[u]; k < train->indptr[u + 1]; k++)
                    in_history |= train->indices[k] == reason->item;
                  g_assert_true (in_history);
                }
            }
        }
    }
  if (g_test_verbose ())
    g_printerr ("%s: %u of %u in group, %u explained\n", name, in_group, total, explained);
  g_assert_cmpuint (total, ==, N_USERS * 5);
  g_assert_cmpuint (in_group, >=, total * 9 / 10);
  g_assert_cmpuint (explained, >=, total * 9 / 10);

  /* save → load gives the same scores */
  blob = sd_recommender_save (model);
  back = sd_recommender_load (blob, train, &error);
  g_assert_no_error (error);
  for (guint u = 0; u < N_USERS; u += 7)
    {
      float a[N_ITEMS], b[N_ITEMS];
      sd_recommender_score (model, u, a);
      sd_recommender_score (back, u, b);
      g_assert_cmpmem (a, sizeof a, b, sizeof b);
    }
  {
    g_autofree char *p1 = sd_recommender_params_to_json (model);
    g_autofree char *p2 = sd_recommender_params_to_json (back);
    g_assert_cmpstr (p1, ==, p2);
  }
}

static void
test_cancel (gconstpointer data)
{
  g_autoptr(SdInteractions) train = planted ();
  g_autoptr(SdRecommender) model = sd_recommender_new (data, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  SdFitContext context = { NULL, cancellable, NULL, NULL };

  g_cancellable_cancel (cancellable);
  g_assert_false (sd_recommender_fit (model, train, &context, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (sd_recommender_is_fitted (model));
}

static void
test_similar (void)
{
  g_autoptr(SdInteractions) train = planted ();
  g_autoptr(SdRecommender) model = sd_recommender_new ("itemknn", NULL);
  g_autoptr(GArray) similar = NULL;
  guint same = 0;

  g_assert_true (sd_recommender_set_param (model, "k", "10", NULL));
  g_assert_true (sd_recommender_fit (model, train, NULL, NULL));
  similar = sd_item_knn_similar (SD_ITEM_KNN (model), 3, 5);
  g_assert_cmpuint (similar->len, ==, 5);
  for (guint r = 0; r < similar->len; r++)
    {
      SdScoredItem *s = &g_array_index (similar, SdScoredItem, r);
      g_assert_cmpuint (s->item, !=, 3);
      g_assert_cmpfloat (s->score, >, 0.0f);
      g_assert_cmpfloat (s->score, <=, 1.0f);
      if (r > 0)
        g_assert_cmpfloat (s->score, <=, g_array_index (similar, SdScoredItem, r - 1).score);
      same += s->item < 20;
    }
  g_assert_cmpuint (same, >=, 4);
}

static void
test_user_neighbours (void)
{
  g_autoptr(SdInteractions) train = planted ();
  g_autoptr(SdRecommender) model = sd_recommender_new ("userknn", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_recommender_set_param (model, "similarity", "pearson", &error));
  g_assert_true (sd_recommender_set_param (model, "k", "10", &error));
  g_assert_true (sd_recommender_fit (model, train, NULL, &error));
  for (guint u = 0; u < N_USERS; u += 5)
    {
      g_autoptr(GArray) nbrs = sd_user_knn_neighbours (SD_USER_KNN (model), u);
      guint same = 0;
      g_assert_cmpuint (nbrs->len, <=, 10);
      g_assert_cmpuint (nbrs->len, >, 0);
      for (guint r = 0; r < nbrs->len; r++)
        {
          SdScoredItem *s = &g_array_index (nbrs, SdScoredItem, r);
          g_assert_cmpuint (s->item, !=, u);
          g_assert_cmpfloat (s->score, <=, 1.0f + 1e-5f);
          same += s->item % 2 == u % 2;
        }
      g_assert_cmpuint (same, >=, nbrs->len * 8 / 10);
    }
}

static void
test_ease_too_large (void)
{
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdRecommender) model = sd_recommender_new ("ease", NULL);
  g_autoptr(GError) error = NULL;
  SdInteractionsBuilder *b = sd_interactions_builder_new ();

  /* 2,000 items need 2000² × 12 bytes ≈ 46 MiB; a 16 MiB budget refuses it up front. */
  for (int i = 0; i < 2000; i++)
    sd_interactions_builder_add (b, i % 37, i, 1.0f, 0);
  train = sd_interactions_builder_build (b);
  g_assert_cmpuint (sd_ease_memory_needed (2000), >, 16u << 20);
  g_assert_true (sd_recommender_set_param (model, "memory-budget-mb", "16", NULL));
  g_assert_false (sd_recommender_fit (model, train, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "2000 items"));
  g_assert_nonnull (strstr (error->message, "ItemKNN or ALS"));
  if (g_test_verbose ())
    g_printerr ("%s\n", error->message);
}

/* The two ways of forming XᵀX give the same model. */
static void
test_ease_gram (void)
{
  g_autoptr(SdInteractions) train = planted ();
  g_autoptr(SdRecommender) blas = sd_recommender_new ("ease", NULL);
  g_autoptr(SdRecommender) sparse = sd_recommender_new ("ease", NULL);

  g_assert_true (sd_recommender_set_param (blas, "gram", "blas", NULL));
  g_assert_true (sd_recommender_set_param (sparse, "gram", "sparse", NULL));
  g_assert_true (sd_recommender_set_param (blas, "lambda", "3", NULL));
  g_assert_true (sd_recommender_set_param (sparse, "lambda", "3", NULL));
  g_assert_true (sd_recommender_fit (blas, train, NULL, NULL));
  g_assert_true (sd_recommender_fit (sparse, train, NULL, NULL));
  for (guint u = 0; u < N_USERS; u += 3)
    {
      float a[N_ITEMS], b[N_ITEMS];
      sd_recommender_score (blas, u, a);
      sd_recommender_score (sparse, u, b);
      for (guint i = 0; i < N_ITEMS; i++)
        g_assert_cmpfloat_with_epsilon (a[i], b[i], 1e-5);
    }
}

/* The blocked, cancellable inverse agrees with LAPACK's dpotri over several blocks. */
static void
test_ease_solvers (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdRecommender) lapack = sd_recommender_new ("ease", NULL);
  g_autoptr(SdRecommender) blocked = sd_recommender_new ("ease", NULL);
  SdInteractionsBuilder *b = sd_interactions_builder_new ();
  const guint n_items = 600;   /* three blocks of 256, the last one short */
  g_autofree float *x = g_new (float, n_items);
  g_autofree float *y = g_new (float, n_items);

  for (int u = 0; u < 300; u++)
    for (int j = 0; j < 25; j++)
      sd_interactions_builder_add (b, u, g_rand_int_range (rand, 0, n_items), 1.0f + j % 2, j);
  for (guint i = 0; i < n_items; i++)
    sd_interactions_builder_add_item (b, i);
  train = sd_interactions_builder_build (b);

  g_assert_true (sd_recommender_set_param (lapack, "solver", "lapack", NULL));
  g_assert_true (sd_recommender_set_param (blocked, "solver", "blocked", NULL));
  g_assert_true (sd_recommender_set_param (lapack, "lambda", "20", NULL));
  g_assert_true (sd_recommender_set_param (blocked, "lambda", "20", NULL));
  g_assert_true (sd_recommender_fit (lapack, train, NULL, NULL));
  g_assert_true (sd_recommender_fit (blocked, train, NULL, NULL));
  for (guint u = 0; u < 300; u += 17)
    {
      double max_diff = 0.0, max_abs = 0.0;
      sd_recommender_score (lapack, u, x);
      sd_recommender_score (blocked, u, y);
      for (guint i = 0; i < n_items; i++)
        {
          max_diff = MAX (max_diff, fabs ((double) x[i] - y[i]));
          max_abs = MAX (max_abs, fabs ((double) x[i]));
        }
      g_assert_cmpfloat (max_abs, >, 0.0);
      g_assert_cmpfloat (max_diff, <=, 1e-4 * max_abs);
    }
}

static void
test_param_ranges (void)
{
  g_autoptr(SdRecommender) knn = sd_recommender_new ("itemknn", NULL);
  g_autoptr(SdRecommender) ease = sd_recommender_new ("ease", NULL);
  g_autoptr(SdRecommender) uknn = sd_recommender_new ("userknn", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (sd_recommender_set_param (knn, "k", "0", &error));
  g_assert_cmpstr (error->message, ==, "k must be between 1 and 5000, got 0");
  g_clear_error (&error);
  g_assert_false (sd_recommender_set_param (ease, "lambda", "-5", &error));
  g_assert_nonnull (strstr (error->message, "lambda must be between"));
  g_clear_error (&error);
  g_assert_false (sd_recommender_set_param (uknn, "similarity", "jaccard", &error));
  g_assert_nonnull (strstr (error->message, "cosine, pearson"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/models/itemknn", "itemknn", check_model);
  g_test_add_data_func ("/models/userknn", "userknn", check_model);
  g_test_add_data_func ("/models/ease", "ease", check_model);
  g_test_add_data_func ("/models/cancel/itemknn", "itemknn", test_cancel);
  g_test_add_data_func ("/models/cancel/userknn", "userknn", test_cancel);
  g_test_add_data_func ("/models/cancel/ease", "ease", test_cancel);
  g_test_add_func ("/models/similar-items", test_similar);
  g_test_add_func ("/models/user-neighbours", test_user_neighbours);
  g_test_add_func ("/models/ease-too-large", test_ease_too_large);
  g_test_add_func ("/models/param-ranges", test_param_ranges);
  g_test_add_func ("/models/ease-gram", test_ease_gram);
  g_test_add_func ("/models/ease-solvers", test_ease_solvers);
  return g_test_run ();
}
