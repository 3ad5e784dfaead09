/* test-fairness.c — re-ranking (each kind on a matrix made by hand), the fairness report of
 * `shopdesk-cli fairness --json` on a demo shop (sales shares against the test's own SQL,
 * intervals around each group's NDCG@10, a re-ranking raising coverage and the long tail's
 * share with its NDCG@10 cost beside it) and on MovieLens-100k u1 imported as a shop, and a
 * re-ranking saved with the live model serving wherever the live model does */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cli-run.h"
#include "sd-coupon-engine.h"
#include "sd-coupon-rule.h"
#include "sd-customer-facts.h"
#include "sd-error.h"
#include "sd-fairness.h"
#include "sd-json.h"
#include "sd-model-registry.h"
#include "sd-model-store.h"
#include "sd-rerank.h"
#include "sd-store.h"

/* ---- running the CLI ------------------------------------------------------------------------ */

#define run_cli cli_run

static SdJsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  SdJsonNode *node = sd_json_parse (text, -1, "stdout", &error);
  g_assert_no_error (error);
  return node;
}

static double
number (SdJsonNode *node,
        const char *key)
{
  SdJsonNode *member = sd_json_node_get_member (node, key);
  g_assert_nonnull (member);
  return sd_json_node_get_number (member);
}

static char *
temp_shop (char **dir)
{
  *dir = g_dir_make_tmp ("sd-fairness-XXXXXX", NULL);
  return g_build_filename (*dir, "shop.sqlite", NULL);
}

static void
remove_shop (char *dir,
             char *db)
{
  g_autofree char *wal = g_strconcat (db, "-wal", NULL);
  g_autofree char *shm = g_strconcat (db, "-shm", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (db);
  g_rmdir (dir);
}

/* ---- re-ranking by hand ---------------------------------------------------------------------- */

static void
test_spec (void)
{
  SdRerankSpec spec;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_true (sd_rerank_spec_parse ("mmr=0.5", &spec, &error));
  g_assert_cmpint (spec.kind, ==, SD_RERANK_MMR);
  g_assert_cmpfloat (spec.strength, ==, 0.5);
  text = sd_rerank_spec_to_string (&spec);
  g_assert_cmpstr (text, ==, "mmr=0.5");
  g_assert_true (sd_rerank_spec_parse ("none", &spec, &error));
  g_assert_false (sd_rerank_spec_is_active (&spec));
  g_assert_false (sd_rerank_spec_parse ("fair=0.5", &spec, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "exposure"));
  g_clear_error (&error);
  g_assert_false (sd_rerank_spec_parse ("exposure=1.5", &spec, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (sd_rerank_spec_parse ("exposure=0,5", &spec, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
}

/* 40 items: item i ≥ 2 is had by 39 − i of 40 users (so popularity falls with the index);
 * categories "a" (even items) and "b" (odd ones); user 0 has items 0 and 1 only. */
typedef struct {
  SdInteractions *train;
  SdCatalog      *catalog;
  SdRerankItems  *items;
} Hand;

static void
hand_make (Hand *h)
{
  SdInteractionsBuilder *b = sd_interactions_builder_new ();

  /* Item 39 has nobody: it still needs its place. */
  for (gint64 i = 0; i < 40; i++)
    sd_interactions_builder_add_item (b, i);
  for (gint64 u = 0; u < 40; u++)
    for (gint64 i = 0; i < 40; i++)
      if (u == 0 ? i < 2 : u < 40 - i)
        sd_interactions_builder_add (b, u, i, 1.0f, 1);
  h->train = sd_interactions_builder_build (b);
  h->catalog = sd_catalog_new (40);
  for (guint i = 0; i < 40; i++)
    {
      h->catalog->items[i].id = i;
      h->catalog->items[i].title = g_strdup_printf ("item %u", i);
      h->catalog->items[i].category = g_strdup (i % 2 ? "b" : "a");
      h->catalog->items[i].tags = g_strdup (i % 4 < 2 ? "red" : "blue");
    }
  h->items = sd_rerank_items_new (h->train, h->catalog, NULL);
}

static void
hand_clear (Hand *h)
{
  g_clear_pointer (&h->items, sd_rerank_items_unref);
  g_clear_pointer (&h->catalog, sd_catalog_unref);
  g_clear_pointer (&h->train, sd_interactions_unref);
}

static void
test_exposure_floor (void)
{
  Hand h;
  float scores[40];
  guint plain[10], floor[10], n_tail = 0, n_head = 0;
  SdRerankSpec none = { SD_RERANK_NONE, 0 }, spec = { SD_RERANK_EXPOSURE, 1.0 };

  hand_make (&h);
  /* The head holds 80 % of 40 + 39 + … interactions: the items up to index ~21. */
  for (guint i = 0; i < 40; i++)
    {
      n_tail += h.items->tail[i];
      if (i > 0)
        g_assert_true (h.items->tail[i] >= h.items->tail[i - 1]);
    }
  g_assert_cmpuint (n_tail, >, 10);
  g_assert_cmpuint (n_tail, <, 30);
  g_assert_false (h.items->has_new);

  for (guint i = 0; i < 40; i++)
    scores[i] = 40.0f - i;   /* the model likes popular items */
  g_assert_cmpuint (sd_rerank_list (h.items, h.train, 5, &none, scores, plain, 10), ==, 10);
  for (guint r = 0; r < 10; r++)
    g_assert_cmpuint (plain[r], ==, r);
  g_assert_cmpuint (sd_rerank_list (h.items, h.train, 5, &spec, scores, floor, 10), ==, 10);
  for (guint r = 0; r < 10; r++)
    {
      n_head += !h.items->tail[floor[r]];
      /* The floor takes the lowest places: the model's best five keep theirs. */
      if (r < 5)
        g_assert_cmpuint (floor[r], ==, r);
      else
        g_assert_true (h.items->tail[floor[r]]);
    }
  g_assert_cmpuint (n_head, ==, 5);
  hand_clear (&h);
}

static void
test_mmr_and_calibration (void)
{
  Hand h;
  float scores[40];
  guint list[10];
  guint same_plain = 0, same_mmr = 0, b_plain = 0, b_cal = 0;
  SdRerankSpec none = { SD_RERANK_NONE, 0 };
  SdRerankSpec mmr = { SD_RERANK_MMR, 0.7 };
  SdRerankSpec cal = { SD_RERANK_CALIBRATE, 1.0 };
  SdRerankSpec zero = { SD_RERANK_MMR, 0.0 };

  hand_make (&h);
  /* The model likes category "a": every "a" item above every "b" item. */
  for (guint i = 0; i < 40; i++)
    scores[i] = (i % 2 ? 0.0f : 100.0f) - i;
  scores[0] = scores[1] = -INFINITY;   /* user 0's own items, filtered */

  sd_rerank_list (h.items, h.train, 0, &none, scores, list, 10);
  for (guint r = 0; r < 10; r++)
    {
      b_plain += list[r] % 2;
      for (guint s = r + 1; s < 10; s++)
        same_plain += (list[r] % 2 == list[s] % 2) && (list[r] % 4 < 2) == (list[s] % 4 < 2);
    }
  g_assert_cmpuint (b_plain, ==, 0);
  {
    guint again[10];
    /* Strength 0 is the model's own order. */
    sd_rerank_list (h.items, h.train, 0, &zero, scores, again, 10);
    g_assert_cmpmem (again, sizeof again, list, sizeof list);
  }

  sd_rerank_list (h.items, h.train, 0, &mmr, scores, list, 10);
  for (guint r = 0; r < 10; r++)
    for (guint s = r + 1; s < 10; s++)
      same_mmr += (list[r] % 2 == list[s] % 2) && (list[r] % 4 < 2) == (list[s] % 4 < 2);
  g_assert_cmpuint (same_mmr, <, same_plain);

  /* User 0's history is half "a" (item 0), half "b" (item 1): calibration brings "b" in. */
  sd_rerank_list (h.items, h.train, 0, &cal, scores, list, 10);
  for (guint r = 0; r < 10; r++)
    {
      g_assert_true (list[r] > 1);
      b_cal += list[r] % 2;
    }
  g_assert_cmpuint (b_cal, >=, 4);
  g_assert_cmpuint (b_cal, <=, 6);
  {
    /* Half the strength, part of the way. */
    SdRerankSpec half = { SD_RERANK_CALIBRATE, 0.5 };
    guint b_half = 0;
    sd_rerank_list (h.items, h.train, 0, &half, scores, list, 10);
    for (guint r = 0; r < 10; r++)
      b_half += list[r] % 2;
    g_assert_cmpuint (b_half, >=, b_plain);
    g_assert_cmpuint (b_half, <=, b_cal);
  }
  hand_clear (&h);
}

/* ---- the report on a demo shop ----------------------------------------------------------------- */

static void
check_groups (SdJsonNode *figures,
              const char *by,
              guint       min_groups)
{
  SdJsonNode *dim = sd_json_node_get_member (sd_json_node_get_member (figures, "groups"), by);
  SdJsonNode *groups;
  const char *best;
  gboolean best_seen = FALSE;
  double max_gap = 0;

  g_assert_nonnull (dim);
  groups = sd_json_node_get_member (dim, "groups");
  best = sd_json_node_get_member_string (dim, "best");
  g_assert_cmpuint (sd_json_node_get_length (groups), >=, min_groups);
  for (guint g = 0; g < sd_json_node_get_length (groups); g++)
    {
      SdJsonNode *group = sd_json_node_get_element (groups, g);
      SdJsonNode *ci = sd_json_node_get_member (group, "ndcg@10_ci");
      double ndcg = number (group, "ndcg@10"), gap = number (group, "gap");

      g_assert_cmpfloat (ndcg, >=, 0);
      g_assert_cmpfloat (ndcg, <=, 1);
      g_assert_cmpfloat (gap, >=, 0);
      if (number (group, "users") >= 5)
        {
          double lo = sd_json_node_get_number (sd_json_node_get_element (ci, 0));
          double hi = sd_json_node_get_number (sd_json_node_get_element (ci, 1));
          /* An interval around the mean, and a real one: customers differ. */
          g_assert_cmpfloat (lo, <=, ndcg + 1e-6);
          g_assert_cmpfloat (hi, >=, ndcg - 1e-6);
          g_assert_cmpfloat (hi - lo, >, 0);
          max_gap = MAX (max_gap, gap);
        }
      if (g_strcmp0 (sd_json_node_get_member_string (group, "label"), best) == 0)
        {
          best_seen = TRUE;
          g_assert_cmpfloat (gap, ==, 0);
        }
    }
  g_assert_true (best_seen);
  g_assert_cmpfloat_with_epsilon (number (dim, "max_gap"), max_gap, 1e-6);
}

/* Each category's share of the units sold in sales of merchandise, by the test's own SQL. */
static GHashTable *
sales_shares (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (db, &error);
  g_autoptr(SdStmt) stmt = NULL;
  GHashTable *shares = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  double total = 0;
  GHashTableIter iter;
  gpointer value;

  g_assert_no_error (error);
  stmt = sd_store_prepare (store,
      "SELECT p.category, sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id"
      " JOIN products p ON p.id = l.product_id"
      " WHERE o.status NOT IN ('cancelled', 'refunded', 'pending') AND l.quantity > 0"
      " AND coalesce(p.kind, 'merchandise') = 'merchandise' AND p.category IS NOT NULL"
      " GROUP BY p.category", &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double *v = g_new (double, 1);
      *v = (double) sqlite3_column_int64 (stmt, 1);
      total += *v;
      g_hash_table_insert (shares, g_strdup ((const char *) sqlite3_column_text (stmt, 0)), v);
    }
  g_hash_table_iter_init (&iter, shares);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    *(double *) value /= total;
  return shares;
}

static void
check_exposure_raised (SdJsonNode *root,
                       const char *what)
{
  SdJsonNode *before = sd_json_node_get_member (root, "before");
  SdJsonNode *after = sd_json_node_get_member (root, "after");
  SdJsonNode *change = sd_json_node_get_member (root, "change");

  g_assert_nonnull (after);
  g_test_message ("%s: NDCG@10 %.4f → %.4f, coverage %.3f → %.3f, long tail %.3f → %.3f, Gini %.3f → %.3f",
                  what, number (before, "ndcg@10"), number (after, "ndcg@10"),
                  number (before, "coverage"), number (after, "coverage"),
                  number (before, "long_tail_share"), number (after, "long_tail_share"),
                  number (before, "gini"), number (after, "gini"));
  g_assert_cmpfloat (number (after, "coverage"), >, number (before, "coverage"));
  g_assert_cmpfloat (number (after, "long_tail_share"), >, number (before, "long_tail_share"));
  g_assert_cmpfloat (number (after, "gini"), <, number (before, "gini"));
  /* The accuracy it costs, printed beside: before minus after. */
  g_assert_cmpfloat_with_epsilon (number (change, "ndcg@10_cost"),
                                  number (before, "ndcg@10") - number (after, "ndcg@10"), 2e-6);
  g_assert_cmpfloat_with_epsilon (number (change, "coverage"),
                                  number (after, "coverage") - number (before, "coverage"), 2e-6);
  /* A floor for the long tail trades a little accuracy, never most of it. */
  g_assert_cmpfloat (number (after, "ndcg@10"), >, 0.5 * number (before, "ndcg@10"));
}

static void
test_demo_report (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = temp_shop (&dir);
  g_autofree char *out = NULL, *made = NULL, *bad = NULL;
  g_autoptr(SdJsonNode) root = NULL;
  g_autoptr(GHashTable) shares = NULL;
  SdJsonNode *before, *categories;
  double rec_sum = 0, sales_sum = 0;

  g_assert_cmpint (run_cli (db, &made, "demo", "--size", "600", NULL), ==, 0);
  g_assert_cmpint (run_cli (db, &bad, "fairness", "--rerank", "fair=1", NULL), ==, 2);
  g_assert_cmpint (run_cli (db, &out, "fairness", "--rerank", "exposure=0.6", "--bootstrap", "100", "--json", NULL), ==, 0);
  root = parse (out);
  g_assert_cmpstr (sd_json_node_get_member_string (root, "rerank"), ==, "exposure=0.6");
  g_assert_cmpstr (sd_json_node_get_member_string (sd_json_node_get_member (root, "sales"), "basis"), ==, "orders");
  before = sd_json_node_get_member (root, "before");
  g_assert_cmpfloat (number (before, "ndcg@10"), >, 0.05);
  check_groups (before, "segment", 3);
  check_groups (before, "country", 5);
  check_groups (before, "rfm", 5);
  check_groups (before, "customer", 2);
  check_groups (sd_json_node_get_member (root, "after"), "segment", 3);
  check_exposure_raised (root, "demo shop, exposure=0.6");

  /* Popularity bias: both means are shares of customers, so within 0..1. */
  g_assert_cmpfloat (number (before, "recommended_popularity"), >, 0);
  g_assert_cmpfloat (number (before, "recommended_popularity"), <, 1);
  g_assert_cmpfloat_with_epsilon (number (before, "popularity_lift"),
                                  number (before, "recommended_popularity") / number (before, "bought_popularity"), 1e-4);

  shares = sales_shares (db);
  categories = sd_json_node_get_member (before, "categories");
  g_assert_cmpuint (sd_json_node_get_length (categories), ==, g_hash_table_size (shares));
  for (guint c = 0; c < sd_json_node_get_length (categories); c++)
    {
      SdJsonNode *cat = sd_json_node_get_element (categories, c);
      const double *want = g_hash_table_lookup (shares, sd_json_node_get_member_string (cat, "category"));
      g_assert_nonnull (want);
      g_assert_cmpfloat_with_epsilon (number (cat, "sales_share"), *want, 2e-6);
      rec_sum += number (cat, "recommended_share");
      sales_sum += number (cat, "sales_share");
    }
  g_assert_cmpfloat_with_epsilon (rec_sum, 1.0, 1e-4);
  g_assert_cmpfloat_with_epsilon (sales_sum, 1.0, 1e-4);

  /* The CSV for a spreadsheet: the same overall figure, with a dot under any locale. */
  {
    g_autofree char *csv = NULL;
    g_auto(GStrv) lines = NULL, cells = NULL;
    g_assert_cmpint (run_cli (db, &csv, "fairness", "--rerank", "exposure=0.6", "--bootstrap", "100", "--csv", NULL), ==, 0);
    lines = g_strsplit (csv, "\n", -1);
    g_assert_cmpstr (lines[0], ==, "side,kind,group,label,users,ndcg_at_10,ndcg_ci_low,ndcg_ci_high,gap,recommended_share,sales_share");
    g_assert_true (g_str_has_prefix (lines[1], "\"before\",\"overall\""));
    cells = g_strsplit (lines[1], ",", -1);
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (cells[5], NULL), number (before, "ndcg@10"), 1e-6);
  }

  /* Released with differential privacy: the whole budget spent, nothing from fewer than the
   * threshold of customers, and the figures noisy, not the exact ones. */
  {
    g_autofree char *released = NULL;
    g_autoptr(SdJsonNode) dp = NULL;
    SdJsonNode *groups, *countries;
    gboolean differs = FALSE;

    g_assert_cmpint (run_cli (db, &released, "fairness", "--rerank", "exposure=0.6", "--dp", "2",
                              "--dp-threshold", "40", NULL), ==, 0);
    dp = parse (released);
    g_assert_cmpfloat_with_epsilon (number (dp, "epsilon_spent"), 2.0, 1e-9);
    g_assert_cmpfloat (number (sd_json_node_get_member (dp, "privacy"), "count_noise_scale"), >, 0);
    groups = sd_json_node_get_member (sd_json_node_get_member (dp, "before"), "groups");
    countries = sd_json_node_get_member (groups, "country");
    for (guint g = 0; g < sd_json_node_get_length (countries); g++)
      {
        SdJsonNode *cell = sd_json_node_get_element (countries, g);
        const char *label = sd_json_node_get_member_string (cell, "label");
        SdJsonNode *exact = NULL, *all = sd_json_node_get_member (sd_json_node_get_member (sd_json_node_get_member (before, "groups"), "country"), "groups");
        if (!label)
          continue;   /* the count of groups left out */
        for (guint e = 0; e < sd_json_node_get_length (all); e++)
          if (g_strcmp0 (sd_json_node_get_member_string (sd_json_node_get_element (all, e), "label"), label) == 0)
            exact = sd_json_node_get_element (all, e);
        g_assert_nonnull (exact);
        g_assert_cmpfloat (number (exact, "users"), >=, 40);
        g_assert_cmpfloat (number (cell, "customers"), >=, 40);
        differs |= number (cell, "customers") != number (exact, "users");
      }
    g_assert_true (differs);
    g_assert_null (sd_json_node_get_member (dp, "seconds"));
  }
  remove_shop (dir, db);
}

static void
test_movielens_report (void)
{
  const char *datasets = g_getenv ("SD_DATASETS_DIR");
  g_autofree char *ml = g_build_filename (datasets ? datasets : "../shared/datasets", "movielens-100k", NULL);
  g_autofree char *base = g_build_filename (ml, "u1.base", NULL);
  g_autofree char *users = g_build_filename (ml, "u.user", NULL);
  g_autofree char *groups = g_strconcat ("gender=", users, NULL);
  g_autofree char *dir = NULL, *db = NULL;
  g_autofree char *out = NULL, *imported = NULL;
  g_autoptr(SdJsonNode) root = NULL;

  if (!g_file_test (base, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("MovieLens-100k u1.base not found (see ../shared/datasets/README.md)");
      return;
    }
  db = temp_shop (&dir);
  g_assert_cmpint (run_cli (db, &imported, "import", base, NULL), ==, 0);
  g_assert_cmpint (run_cli (db, &out, "fairness", "--rerank", "exposure=0.6", "--groups", groups,
                            "--bootstrap", "100", "--json", NULL), ==, 0);
  root = parse (out);
  g_assert_cmpstr (sd_json_node_get_member_string (sd_json_node_get_member (root, "sales"), "basis"), ==, "interactions");
  g_assert_cmpfloat (number (root, "customers_served"), ==, 943);
  check_groups (sd_json_node_get_member (root, "before"), "gender", 2);
  check_groups (sd_json_node_get_member (root, "before"), "activity", 2);
  check_exposure_raised (root, "MovieLens-100k u1, exposure=0.6");
  remove_shop (dir, db);
}

/* ---- a re-ranking saved with the live model ------------------------------------------------- */

static void
test_saved_rerank (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = temp_shop (&dir);
  g_autofree char *made = NULL, *trained = NULL, *promoted = NULL, *saved = NULL, *rec = NULL;
  g_autofree char *report = NULL, *bad = NULL;
  g_autoptr(SdJsonNode) rec_json = NULL, report_json = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdInteractions) all = NULL;
  g_autoptr(SdRecommender) live = NULL;
  g_autoptr(SdRecommender) plain = NULL;
  g_autoptr(GArray) top = NULL;
  g_autofree char *spec = NULL;
  gint64 live_id = 0;
  guint tail_live = 0, tail_plain = 0;

  g_assert_cmpint (run_cli (db, &made, "demo", "--size", "300", NULL), ==, 0);
  g_assert_cmpint (run_cli (db, &trained, "train", "--model", "ease", NULL), ==, 0);
  g_assert_cmpint (run_cli (db, &promoted, "models", "promote", "1", NULL), ==, 0);
  g_assert_cmpint (run_cli (db, &bad, "fairness", "save", "--rerank", "exposure=2", NULL), ==, 2);
  g_assert_cmpint (run_cli (db, &saved, "fairness", "save", "--rerank", "exposure=1", NULL), ==, 0);

  store = sd_store_open (db, &error);
  g_assert_no_error (error);
  spec = sd_model_registry_get_rerank (store, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (spec, ==, "exposure=1");
  all = sd_interactions_from_store (store, NULL, NULL, &error);
  g_assert_no_error (error);
  live = sd_model_store_load_live (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, all, &live_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (live_id, ==, 1);
  g_assert_true (SD_IS_RERANKED (live));
  g_assert_cmpstr (sd_recommender_get_base_name (live), ==, "ease");
  /* Coupon interest and the chatbot take the same live model. */
  {
    g_autoptr(SdRecommender) coupons = sd_model_store_load_live_or_newest (store, SD_MODEL_PURPOSE_COUPON_INTEREST, all, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (SD_IS_RERANKED (coupons));
  }
  plain = sd_model_store_load_id (store, 1, all, &error);
  g_assert_no_error (error);
  {
    g_autoptr(SdRerankItems) items = sd_rerank_items_from_store (store, all, sd_recommender_get_catalog (live), &error);
    guint served = 0;
    g_assert_no_error (error);
    for (guint u = 0; u < all->n_users && served < 50; u += 7)
      {
        g_autoptr(GArray) a = NULL, b = NULL;
        if (all->indptr[u + 1] == all->indptr[u])
          continue;
        served++;
        a = sd_recommender_recommend (live, u, 10, NULL);
        b = sd_recommender_recommend (plain, u, 10, NULL);
        for (guint r = 0; r < a->len; r++)
          tail_live += items->tail[g_array_index (a, SdScoredItem, r).item] || items->is_new[g_array_index (a, SdScoredItem, r).item];
        for (guint r = 0; r < b->len; r++)
          tail_plain += items->tail[g_array_index (b, SdScoredItem, r).item] || items->is_new[g_array_index (b, SdScoredItem, r).item];
      }
    /* Five of every ten places, at least, for long-tail and new products. */
    g_assert_cmpuint (tail_live, >=, served * 5);
    g_assert_cmpuint (tail_live, >, tail_plain);
  }

  /* The CLI's recommend says which re-ranking served. */
  {
    gint64 customer = all->user_ids[0];
    g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, customer);
    g_assert_cmpint (run_cli (db, &rec, "recommend", "--customer", id, "--json", NULL), ==, 0);
    rec_json = parse (rec);
    g_assert_cmpstr (sd_json_node_get_member_string (rec_json, "model"), ==, "ease");
    g_assert_cmpstr (sd_json_node_get_member_string (rec_json, "rerank"), ==, "exposure=1");
  }
  /* The report measures the saved re-ranking when none is asked for. */
  g_assert_cmpint (run_cli (db, &report, "fairness", "--bootstrap", "20", "--json", NULL), ==, 0);
  report_json = parse (report);
  g_assert_cmpstr (sd_json_node_get_member_string (report_json, "rerank"), ==, "exposure=1");
  g_assert_cmpstr (sd_json_node_get_member_string (sd_json_node_get_member (report_json, "model"), "source"), ==, "live");
  g_clear_pointer (&saved, g_free);
  g_assert_cmpint (run_cli (db, &saved, "fairness", "save", "--rerank", "none", NULL), ==, 0);
  g_clear_pointer (&spec, g_free);
  spec = sd_model_registry_get_rerank (store, 1, &error);
  g_assert_no_error (error);
  g_assert_null (spec);
  g_clear_object (&store);
  remove_shop (dir, db);
}

/* ---- a coupon rule's reach and value over countries and segments ---------------------------- */

static void
test_coupon_split (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = temp_shop (&dir);
  g_autofree char *made = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdCustomerFacts) facts = NULL;
  g_autoptr(SdCouponEngine) engine = NULL;
  g_autoptr(SdCouponRule) rule = NULL;
  g_autoptr(SdRulePreview) preview = NULL;
  g_autoptr(GArray) by_country = NULL, by_segment = NULL;
  g_autoptr(SdStmt) stmt = NULL;
  gint64 value = 0;
  guint reached = 0, rows = 0;

  g_assert_cmpint (run_cli (db, &made, "demo", "--size", "400", NULL), ==, 0);
  store = sd_store_open (db, &error);
  g_assert_no_error (error);
  facts = sd_customer_facts_load (store, NULL, &error);
  g_assert_no_error (error);
  engine = sd_coupon_engine_new (facts);
  rule = sd_coupon_rule_from_json ("{\"name\": \"VIP five off\", \"enabled\": true,"
                                   " \"conditions\": {\"type\": \"segment\", \"text\": \"vip\"},"
                                   " \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 500}}", "test", &error);
  g_assert_no_error (error);
  preview = sd_coupon_engine_preview_rule (engine, rule);
  g_assert_cmpuint (preview->customers, >, 0);

  /* Per country: its customers, and its VIPs (whom the rule reaches), by the test's own SQL. */
  by_country = sd_coupon_engine_split (engine, rule, preview, SD_RULE_SPLIT_COUNTRY);
  stmt = sd_store_prepare (store,
      "SELECT coalesce(country, ''), count(*), sum(segment = 'vip') FROM customers GROUP BY 1", &error);
  g_assert_no_error (error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *country = (const char *) sqlite3_column_text (stmt, 0);
      gboolean found = FALSE;
      for (guint r = 0; r < by_country->len; r++)
        {
          const SdRuleSplitRow *row = &g_array_index (by_country, SdRuleSplitRow, r);
          if (g_strcmp0 (row->label, country) != 0)
            continue;
          found = TRUE;
          g_assert_cmpuint (row->customers, ==, sqlite3_column_int64 (stmt, 1));
          g_assert_cmpuint (row->reached, ==, sqlite3_column_int64 (stmt, 2));
          g_assert_cmpfloat_with_epsilon (row->reach_rate, (double) row->reached / row->customers, 1e-12);
        }
      g_assert_true (found);
      rows++;
    }
  g_assert_cmpuint (rows, ==, by_country->len);
  for (guint r = 0; r < by_country->len; r++)
    {
      const SdRuleSplitRow *row = &g_array_index (by_country, SdRuleSplitRow, r);
      reached += row->reached;
      value += row->value_cents;
      if (r > 0)
        g_assert_cmpuint (row->customers, <=, g_array_index (by_country, SdRuleSplitRow, r - 1).customers);
    }
  g_assert_cmpuint (reached, ==, preview->customers);
  /* The groups' values add up to the estimate, give or take each group's rounding. */
  g_assert_cmpint (ABS (value - preview->estimated_cost_cents), <=, (gint64) by_country->len);

  /* Per segment: the rule reaches every VIP and nobody else. */
  by_segment = sd_coupon_engine_split (engine, rule, preview, SD_RULE_SPLIT_SEGMENT);
  for (guint r = 0; r < by_segment->len; r++)
    {
      const SdRuleSplitRow *row = &g_array_index (by_segment, SdRuleSplitRow, r);
      g_assert_cmpfloat (row->reach_rate, ==, g_strcmp0 (row->label, "vip") == 0 ? 1.0 : 0.0);
      g_assert_cmpfloat (row->value_share, ==, g_strcmp0 (row->label, "vip") == 0 ? 1.0 : 0.0);
    }
  g_clear_pointer (&stmt, sd_stmt_release);
  g_clear_object (&store);
  remove_shop (dir, db);
}

/* The best is the best of the groups large enough to rank; a group of three scoring above
 * it has a gap of 0 but is not the best, and says it is too few. */
static void
test_standing (void)
{
  SdFairnessGroup a = { .label = (char *) "A", .n_users = 10, .ndcg = 0.4, .gap = 0 };
  SdFairnessGroup b = { .label = (char *) "B", .n_users = 8, .ndcg = 0.3, .gap = 0.1 };
  SdFairnessGroup c = { .label = (char *) "C", .n_users = 3, .ndcg = 0.5, .gap = 0 };
  SdFairnessGroup d = { .label = (char *) "D", .n_users = 2, .ndcg = 0.2, .gap = 0.2 };
  SdFairnessGroup e = { .label = (char *) "E", .n_users = 9, .ndcg = 0.4, .gap = 0 };
  SdFairnessDimension dim = { .by = (char *) "country", .best = (char *) "A", .max_gap = 0.2 };

  g_assert_cmpint (sd_fairness_group_standing (&dim, &a), ==, SD_FAIRNESS_STANDING_BEST);
  g_assert_cmpint (sd_fairness_group_standing (&dim, &b), ==, SD_FAIRNESS_STANDING_BEHIND);
  g_assert_cmpint (sd_fairness_group_standing (&dim, &c), ==, SD_FAIRNESS_STANDING_TOO_FEW);
  g_assert_cmpint (sd_fairness_group_standing (&dim, &d), ==, SD_FAIRNESS_STANDING_TOO_FEW);
  /* tied with the best, not named it: behind by nothing */
  g_assert_cmpint (sd_fairness_group_standing (&dim, &e), ==, SD_FAIRNESS_STANDING_BEHIND);
}

/* The text report as a person reads it: a group under five customers has no interval and
 * says so rather than printing "[nan, nan]", and a shop whose products have no categories
 * (Online Retail) says that instead of an empty list. */
static void
test_text_report (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = temp_shop (&dir);
  g_autofree char *groups = g_build_filename (dir, "cohorts.csv", NULL);
  g_autofree char *made = NULL, *out = NULL, *arg = NULL;
  g_autoptr(GString) csv = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  gboolean tiny_seen = FALSE;

  g_assert_cmpint (run_cli (db, &made, "demo", "--size", "300", NULL), ==, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdStore) store = sd_store_open (db, &error);
    g_autoptr(SdStmt) stmt = NULL;
    guint n = 0;

    g_assert_no_error (error);
    g_assert_true (sd_store_exec (store, "UPDATE products SET category = NULL", &error));
    g_assert_no_error (error);
    stmt = sd_store_prepare (store, "SELECT external_id FROM customers ORDER BY id LIMIT 40", &error);
    g_assert_no_error (error);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_string_append_printf (csv, "%s,%s\n", sqlite3_column_text (stmt, 0), n++ < 2 ? "tiny" : "big");
    g_assert_cmpuint (n, ==, 40);
  }
  g_assert_true (g_file_set_contents (groups, csv->str, -1, NULL));
  arg = g_strconcat ("cohort=", groups, NULL);
  g_assert_cmpint (run_cli (db, &out, "fairness", "--bootstrap", "20", "--groups", arg, NULL), ==, 0);
  g_assert_null (strstr (out, "nan"));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (g_strstrip (lines[i]), "tiny "))
      {
        tiny_seen = TRUE;
        g_assert_nonnull (strstr (lines[i], "(too few)"));
        g_assert_true (g_str_has_suffix (lines[i], "gap -"));
      }
  g_assert_true (tiny_seen);
  g_assert_nonnull (strstr (out, "categories: the shop's products have none"));

  /* Calibration follows categories: with none it changes nothing, and says so; MMR still
   * has the demo's tags to go by. */
  {
    g_autofree char *calibrated = NULL, *mmr = NULL;
    g_autoptr(SdJsonNode) root = NULL;
    SdJsonNode *catalogue;

    g_assert_cmpint (run_cli (db, &calibrated, "fairness", "--bootstrap", "20", "--rerank", "calibrate=0.5", NULL), ==, 0);
    g_assert_nonnull (strstr (calibrated, "no categories, which this re-ranking follows: it changes nothing here"));
    g_assert_cmpint (run_cli (db, &mmr, "fairness", "--bootstrap", "20", "--rerank", "mmr=0.5", "--json", NULL), ==, 0);
    root = parse (mmr);
    catalogue = sd_json_node_get_member (root, "catalogue");
    g_assert_cmpfloat (number (catalogue, "categorised_items"), ==, 0);
    g_assert_cmpfloat (number (catalogue, "tagged_items"), >, 0);
  }
  g_unlink (groups);
  remove_shop (dir, db);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fairness/spec", test_spec);
  g_test_add_func ("/fairness/exposure-floor", test_exposure_floor);
  g_test_add_func ("/fairness/mmr-and-calibration", test_mmr_and_calibration);
  g_test_add_func ("/fairness/demo-report", test_demo_report);
  g_test_add_func ("/fairness/text-report", test_text_report);
  g_test_add_func ("/fairness/standing", test_standing);
  g_test_add_func ("/fairness/movielens-report", test_movielens_report);
  g_test_add_func ("/fairness/saved-rerank", test_saved_rerank);
  g_test_add_func ("/fairness/coupon-split", test_coupon_split);
  return g_test_run ();
}
