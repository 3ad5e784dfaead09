/* demo-shop.h — the demo shop (600 customers in planted taste groups) for the model tests:
 * a random 80/20 holdout of its interaction matrix, and NDCG@10 overall and per taste
 * group against popularity. */
#pragma once

#include <glib/gstdio.h>

#include "sd-demo.h"
#include "sd-eval.h"
#include "sd-recommender.h"
#include "sd-split.h"

typedef struct {
  char           *dir;
  char           *db_path;
  SdInteractions *all;
  SdCatalog      *catalog;
  char          **groups;   /* taste group per dense user */
  SdSplit         split;
} DemoShop;

static inline void
demo_shop_open (DemoShop *shop)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  SdDemoOptions options;

  shop->dir = g_dir_make_tmp ("sd-factors-XXXXXX", NULL);
  shop->db_path = g_build_filename (shop->dir, "shop.sqlite", NULL);
  store = sd_store_open (shop->db_path, &error);
  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "600", &error));
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  shop->all = sd_interactions_from_store (store, NULL, NULL, &error);
  g_assert_no_error (error);
  shop->catalog = sd_catalog_from_store (store, shop->all, NULL, &error);
  g_assert_no_error (error);
  shop->groups = sd_eval_segments_from_store (store, shop->all, "taste-group", &error);
  g_assert_no_error (error);
  sd_split_random_holdout (shop->all, 0.2, 7, &shop->split);
}

static inline void
demo_shop_close (DemoShop *shop)
{
  g_autofree char *wal = g_strconcat (shop->db_path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (shop->db_path, "-shm", NULL);

  sd_split_clear (&shop->split);
  sd_eval_segments_free (shop->groups, shop->all->n_users);
  g_clear_pointer (&shop->catalog, sd_catalog_unref);
  g_clear_pointer (&shop->all, sd_interactions_unref);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (shop->db_path);
  g_rmdir (shop->dir);
  g_free (shop->db_path);
  g_free (shop->dir);
}

/* Fits @name with @params on the shop's training part and evaluates NDCG@10 on its
 * held-out part, overall and per taste group. */
static inline SdEvalResult *
demo_shop_evaluate (DemoShop    *shop,
                    const char  *name,
                    const char **params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) model = sd_recommender_new (name, &error);
  SdEvalOptions options = { (guint[]) { 10 }, 1, 10, (const char * const *) shop->groups };
  SdEvalResult *result;

  g_assert_no_error (error);
  sd_recommender_set_catalog (model, shop->catalog);
  for (guint i = 0; params && params[i]; i++)
    {
      g_auto(GStrv) kv = g_strsplit (params[i], "=", 2);

      g_assert_true (sd_recommender_set_param (model, kv[0], kv[1], &error));
      g_assert_no_error (error);
    }
  g_assert_true (sd_recommender_fit (model, shop->split.train, NULL, &error));
  g_assert_no_error (error);
  result = sd_eval_run (model, shop->split.test, &options, &error);
  g_assert_no_error (error);
  return result;
}

/* @name beats popularity by @factor overall, and in every taste group but @spare. */
static inline void
demo_shop_assert_beats_popularity (const char  *name,
                                   const char **params,
                                   double       factor,
                                   guint        spare)
{
  guint lost = 0;
  DemoShop shop = { 0 };
  g_autoptr(SdEvalResult) pop = NULL;
  g_autoptr(SdEvalResult) model = NULL;

  demo_shop_open (&shop);
  pop = demo_shop_evaluate (&shop, "popularity", NULL);
  model = demo_shop_evaluate (&shop, name, params);
  g_test_message ("demo shop (600 customers, %u evaluated): popularity NDCG@10 %.3f, %s %.3f",
                  model->overall.n_users, pop->overall.at[0].ndcg, name, model->overall.at[0].ndcg);
  g_assert_cmpfloat (model->overall.at[0].ndcg, >, factor * pop->overall.at[0].ndcg);
  g_assert_cmpuint (model->segments->len, ==, pop->segments->len);
  for (guint s = 0; s < model->segments->len; s++)
    {
      SdEvalSegment *seg = g_ptr_array_index (model->segments, s);
      SdEvalSegment *base = g_ptr_array_index (pop->segments, s);

      g_assert_cmpstr (seg->label, ==, base->label);
      g_test_message ("  %s: popularity %.3f, %s %.3f", seg->label, base->metrics.at[0].ndcg, name, seg->metrics.at[0].ndcg);
      lost += seg->metrics.at[0].ndcg <= base->metrics.at[0].ndcg;
    }
  g_assert_cmpuint (lost, <=, spare);
  demo_shop_close (&shop);
}

#include "sd-tune.h"

/* Prints the validation NDCG@10 of each point of @grid, on a validation split cut from
 * the shop's training part (never its held-out part). For choosing the parameters the
 * demo-shop tests use. */
static inline void
demo_shop_tune (const char         *name,
                const char * const *grid,
                const char * const *fixed)
{
  DemoShop shop = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTuneResult) tuned = NULL;
  SdTuneOptions options = { name, grid, fixed, 0, 3, 0.2, "ndcg@10", NULL };

  demo_shop_open (&shop);
  options.catalog = shop.catalog;
  tuned = sd_tune_run (shop.split.train, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint t = 0; t < tuned->trials->len; t++)
    {
      SdTuneTrial *trial = g_ptr_array_index (tuned->trials, t);
      g_autofree char *what = g_strjoinv (" ", trial->assignments);

      g_printerr ("%s %s: validation NDCG@10 %.4f%s\n", name, what, trial->value,
                  t == tuned->best ? "  (best)" : "");
    }
  demo_shop_close (&shop);
}
