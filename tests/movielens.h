/* movielens.h — MovieLens-100k for the model tests: reading the u1 split, a validation
 * split cut from u1.base, the catalogue from u.item, and the full-ranking metrics.
 *
 * Protocol (the one of issue 3 and the datasets README): positives are ratings >= 4,
 * every one of the 1,682 items is ranked, the user's training positives are excluded,
 * users without a test positive are not evaluated.
 */
#pragma once

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sd-eval.h"
#include "sd-recommender.h"

typedef struct {
  SdInteractions *train;
  SdInteractions *test;
  SdCatalog      *catalog;
} MlSplit;

static inline void
ml_split_clear (MlSplit *split)
{
  g_clear_pointer (&split->train, sd_interactions_unref);
  g_clear_pointer (&split->test, sd_interactions_unref);
  g_clear_pointer (&split->catalog, sd_catalog_unref);
}

static inline char *
ml_dir (void)
{
  const char *datasets = g_getenv ("SD_DATASETS_DIR");

  return g_build_filename (datasets ? datasets : "../shared/datasets", "movielens-100k", NULL);
}

/* FALSE (and the test skipped with a message) when the data set is not there. */
static inline gboolean
ml_available (void)
{
  g_autofree char *dir = ml_dir ();
  g_autofree char *base = g_build_filename (dir, "u1.base", NULL);

  if (!g_file_test (base, G_FILE_TEST_EXISTS))
    {
      g_autofree char *msg = g_strdup_printf ("MovieLens-100k not found at %s (see ../shared/datasets/README.md)", dir);
      g_test_skip (msg);
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  gint64 user, item;
  int    rating;
  gint64 time;
} MlRating;

static inline GArray *
ml_read (const char *name)
{
  g_autofree char *dir = ml_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GArray *ratings = g_array_new (FALSE, FALSE, sizeof (MlRating));

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    {
      MlRating r;
      long long u, it, t;

      if (sscanf (lines[i], "%lld\t%lld\t%d\t%lld", &u, &it, &r.rating, &t) != 4)
        continue;
      r.user = u;
      r.item = it;
      r.time = t;
      g_array_append_val (ratings, r);
    }
  return ratings;
}

/* Every user 1..943 and item 1..1682 gets an index, so train and test line up. */
static inline SdInteractionsBuilder *
ml_builder (void)
{
  SdInteractionsBuilder *builder = sd_interactions_builder_new ();

  for (gint64 u = 1; u <= 943; u++)
    sd_interactions_builder_add_user (builder, u);
  for (gint64 i = 1; i <= 1682; i++)
    sd_interactions_builder_add_item (builder, i);
  return builder;
}

static inline SdCatalog *
ml_catalog (SdInteractions *reference)
{
  static const char * const genres[] = {
    "unknown", "Action", "Adventure", "Animation", "Children's", "Comedy", "Crime",
    "Documentary", "Drama", "Fantasy", "Film-Noir", "Horror", "Musical", "Mystery",
    "Romance", "Sci-Fi", "Thriller", "War", "Western",
  };
  g_autofree char *dir = ml_dir ();
  g_autofree char *path = g_build_filename (dir, "u.item", NULL);
  g_autofree char *raw = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize len = 0;
  SdCatalog *catalog = sd_catalog_new (reference->n_items);

  g_assert_true (g_file_get_contents (path, &raw, &len, NULL));
  text = g_convert (raw, len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  g_assert_nonnull (text);
  lines = g_strsplit (text, "\n", -1);
  for (guint l = 0; lines[l]; l++)
    {
      g_auto(GStrv) f = g_strsplit (lines[l], "|", -1);
      g_autoptr(GString) tags = g_string_new (NULL);
      int index;
      SdCatalogItem *item;

      if (g_strv_length (f) < 24)
        continue;
      index = sd_interactions_item_index (reference, g_ascii_strtoll (f[0], NULL, 10));
      if (index < 0)
        continue;
      item = &catalog->items[index];
      item->id = g_ascii_strtoll (f[0], NULL, 10);
      item->title = g_strdup (f[1]);
      for (guint g = 0; g < G_N_ELEMENTS (genres); g++)
        if (strcmp (f[5 + g], "1") == 0)
          {
            g_string_append_printf (tags, "%s%s", tags->len ? "," : "", genres[g]);
            if (item->category == NULL)
              item->category = g_strdup (genres[g]);
          }
      item->tags = g_strdup (tags->str);
    }
  return catalog;
}

/* u1.base / u1.test positives. */
static inline void
ml_load_u1 (MlSplit *split)
{
  g_autoptr(GArray) base = ml_read ("u1.base");
  g_autoptr(GArray) test = ml_read ("u1.test");
  SdInteractionsBuilder *b = ml_builder ();
  SdInteractionsBuilder *t = ml_builder ();
  gsize dropped = 0;

  for (guint i = 0; i < base->len; i++)
    {
      MlRating *r = &g_array_index (base, MlRating, i);

      if (r->rating >= 4)
        sd_interactions_builder_add (b, r->user, r->item, 1.0f, r->time);
    }
  split->train = sd_interactions_builder_build (b);
  for (guint i = 0; i < test->len; i++)
    {
      MlRating *r = &g_array_index (test, MlRating, i);

      if (r->rating >= 4)
        sd_interactions_builder_add (t, r->user, r->item, 1.0f, r->time);
    }
  split->test = sd_interactions_builder_build_aligned (t, split->train, &dropped);
  split->catalog = ml_catalog (split->train);
}

/* For choosing hyperparameters: u1.base's positives split 80/20 per user at random
 * (seeded), never touching u1.test. */
static inline void
ml_load_validation (MlSplit *split,
                    guint32  seed)
{
  g_autoptr(GArray) base = ml_read ("u1.base");
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  SdInteractionsBuilder *b = ml_builder ();
  SdInteractionsBuilder *t = ml_builder ();
  gsize dropped = 0;

  for (guint i = 0; i < base->len; i++)
    {
      MlRating *r = &g_array_index (base, MlRating, i);

      if (r->rating < 4)
        continue;
      if (g_rand_double (rand) < 0.2)
        sd_interactions_builder_add (t, r->user, r->item, 1.0f, r->time);
      else
        sd_interactions_builder_add (b, r->user, r->item, 1.0f, r->time);
    }
  split->train = sd_interactions_builder_build (b);
  split->test = sd_interactions_builder_build_aligned (t, split->train, &dropped);
  split->catalog = ml_catalog (split->train);
}

typedef struct {
  double ndcg10;
  double recall20;
  guint  users;
} MlMetrics;

/* NDCG@10 and Recall@20 (hits / test positives) over the full catalogue, by the project's
 * evaluation code (sd-eval). */
static inline MlMetrics
ml_evaluate (SdRecommender *model,
             MlSplit       *split)
{
  static const guint ks[] = { 10, 20 };
  SdEvalOptions options = { .ks = ks, .n_ks = G_N_ELEMENTS (ks) };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdEvalResult) result = sd_eval_run (model, split->test, &options, &error);
  MlMetrics m = { 0 };

  g_assert_no_error (error);
  m.ndcg10 = sd_eval_metrics_get (&result->overall, "ndcg@10");
  m.recall20 = sd_eval_metrics_get (&result->overall, "recall@20");
  m.users = result->overall.n_users;
  return m;
}

/* Popularity on the same split: the bar every model must clear. */
static inline MlMetrics
ml_popularity (MlSplit *split)
{
  g_autoptr(SdRecommender) pop = sd_recommender_new ("popularity", NULL);

  g_assert_true (sd_recommender_fit (pop, split->train, NULL, NULL));
  return ml_evaluate (pop, split);
}

/* Fits @name with "KEY=VALUE" @params on @split and evaluates it. */
static inline MlMetrics
ml_fit_evaluate (const char  *name,
                 const char **params,
                 MlSplit     *split)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) model = sd_recommender_new (name, &error);

  g_assert_no_error (error);
  sd_recommender_set_catalog (model, split->catalog);
  for (guint i = 0; params && params[i]; i++)
    {
      g_auto(GStrv) kv = g_strsplit (params[i], "=", 2);

      g_assert_true (sd_recommender_set_param (model, kv[0], kv[1], &error));
      g_assert_no_error (error);
    }
  g_assert_true (sd_recommender_fit (model, split->train, NULL, &error));
  g_assert_no_error (error);
  return ml_evaluate (model, split);
}
