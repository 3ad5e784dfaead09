/* test-customer-map.c — the Customers page's figures on a demo shop: the heatmap order
 * shows clusters, the clusters (k by the silhouette, never from the answer key) recover the
 * planted taste groups, the map shown keeps neighbours at least as well as PCA, ids are
 * stable, a stored ALS is reused */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "sd-cluster.h"
#include "sd-customer-map.h"
#include "sd-demo.h"
#include "sd-seriation.h"
#include "sd-train-job.h"

static char *dir;
static char *path;

static void
make_shop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  SdDemoOptions options;

  dir = g_dir_make_tmp ("shopdesk-map-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "shop.sqlite", NULL);
  store = sd_store_open (path, &error);
  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "600", &error));
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
remove_shop (void)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  const char *shops[] = { "shop.sqlite", "bought.sqlite" };
  for (guint s = 0; s < G_N_ELEMENTS (shops); s++)
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *p = g_strconcat (dir, G_DIR_SEPARATOR_S, shops[s], suffixes[i], NULL);
        g_remove (p);
      }
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

static SdCustomerMap *
compute (gboolean use_stored)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJob) job = sd_customer_map_job_new (path, 120, 0, use_stored, 0);
  SdCustomerMap *map;

  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);
  map = sd_customer_map_job_steal_result (job);
  g_assert_nonnull (map);
  return map;
}

static void
test_map (void)
{
  g_autoptr(SdCustomerMap) map = compute (TRUE);
  g_autofree guint *identity = NULL;
  SdCustomerColouring *clusters;
  g_autofree guint *shuffled = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (5);
  double adjacent, baseline, shuffled_ari, ari, purity;
  guint n = map->n_similar;

  g_assert_true (map->trained_als);   /* nothing stored yet */
  g_assert_cmpuint (n, ==, 120);
  g_assert_cmpuint (g_strv_length (map->similar_labels), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpfloat_with_epsilon (map->similarity[i * n + i], 1.0, 1e-9);
      for (guint j = 0; j < n; j++)
        {
          double s = map->similarity[i * n + j];
          g_assert_cmpfloat (s, >=, 0);
          g_assert_cmpfloat (s, <=, 1 + 1e-9);
          g_assert_cmpfloat_with_epsilon (s, map->similarity[j * n + i], 1e-12);
        }
    }

  /* Neighbours in the shown order are more alike than two customers picked at random. */
  identity = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    identity[i] = i;
  adjacent = sd_seriation_adjacent_score (map->similarity, n, identity) / (n - 1);
  g_test_message ("adjacent similarity %.3f, mean %.3f", adjacent, map->similar_mean);
  g_assert_cmpfloat (adjacent, >, 1.5 * map->similar_mean);

  g_assert_cmpuint (map->n_points, ==, map->n_customers);
  g_assert_cmpfloat (map->explained[0], >=, map->explained[1]);
  g_assert_cmpfloat (map->explained[0] + map->explained[1], <=, 1 + 1e-9);
  for (guint i = 0; i < map->n_points; i++)
    g_assert_true (isfinite (map->x[i]) && isfinite (map->y[i]));

  /* Every colouring covers every point with a named category. */
  g_assert_nonnull (sd_customer_map_get_colouring (map, "segment"));
  g_assert_nonnull (sd_customer_map_get_colouring (map, "country"));
  g_assert_null (sd_customer_map_get_colouring (map, "taste-group"));
  clusters = sd_customer_map_get_colouring (map, "cluster");
  g_assert_nonnull (clusters);
  for (guint c = 0; c < map->colourings->len; c++)
    {
      SdCustomerColouring *col = g_ptr_array_index (map->colourings, c);
      guint n_names = g_strv_length (col->names);
      for (guint i = 0; i < map->n_points; i++)
        g_assert_cmpuint (col->values[i], <, n_names);
    }

  /* Heatmap rows come in blocks of one cluster each, in id order. */
  for (guint i = 1; i < n; i++)
    g_assert_cmpuint (map->similar_clusters[i - 1], <=, map->similar_clusters[i]);

  /* Ids by size, largest first. */
  {
    g_autofree guint *size = g_new0 (guint, map->k);
    g_assert_true (map->k_chosen);
    for (guint i = 0; i < map->n_customers; i++)
      size[map->customer_cluster[i]]++;
    for (guint c = 1; c < map->k; c++)
      g_assert_cmpuint (size[c - 1], >=, size[c]);
  }

  /* The answer key, read here only: k-means recovers the planted groups far better than
   * chance (the baseline is the same clusters against the groups shuffled). */
  {
    g_autoptr(SdStore) store = sd_store_open (path, NULL);
    g_autofree guint *group = g_new (guint, map->n_customers);
    for (guint i = 0; i < map->n_customers; i++)
      {
        g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT taste_group FROM customers WHERE id = ?1", NULL);
        sqlite3_bind_int64 (stmt, 1, map->customer_ids[i]);
        g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
        group[i] = sqlite3_column_int (stmt, 0);
      }
    ari = sd_adjusted_rand_index (map->customer_cluster, group, map->n_customers);
    purity = sd_cluster_purity (map->customer_cluster, group, map->n_customers);
    shuffled = g_memdup2 (group, map->n_customers * sizeof (guint));
    for (guint i = map->n_customers - 1; i > 0; i--)
      {
        guint j = g_rand_int_range (rand, 0, i + 1), t = shuffled[i];
        shuffled[i] = shuffled[j];
        shuffled[j] = t;
      }
    shuffled_ari = sd_adjusted_rand_index (map->customer_cluster, shuffled, map->n_customers);
    baseline = sd_cluster_purity (map->customer_cluster, shuffled, map->n_customers);
  }
  g_print ("# k = %u (silhouette %.3f); clusters vs taste groups: ARI %.3f (shuffled %.3f), purity %.3f\n",
           map->k, map->silhouette, ari, shuffled_ari, purity);
  g_assert_cmpfloat (ari, >=, 0.6);
  g_assert_cmpfloat (purity, >, baseline + 0.4);

  /* The map shown keeps neighbours at least as well as the principal axes. */
  g_print ("# 10-NN recall: PCA %.3f, neighbour layout %.3f; showing %s\n", map->recall_pca,
           map->recall_layout, map->chose_layout ? "the layout" : "PCA");
  g_assert_true (isfinite (map->recall_pca) && isfinite (map->recall_layout));
  g_assert_cmpfloat (MAX (map->recall_pca, map->recall_layout), >, 10.0 / map->n_points);
  g_assert_cmpfloat (map->chose_layout ? map->recall_layout : map->recall_pca, >=, map->recall_pca);

  /* The same model and k number the clusters alike every time. */
  {
    g_autoptr(SdCustomerMap) again = compute (TRUE);
    g_assert_cmpuint (again->k, ==, map->k);
    g_assert_cmpstr (again->model, ==, map->model);
    for (guint i = 0; i < map->n_customers; i++)
      g_assert_cmpuint (again->customer_cluster[i], ==, map->customer_cluster[i]);
  }
}

static void
test_reuses_stored_als (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJob) job = NULL;
  g_autoptr(SdCustomerMap) map = NULL;
  const char *params[] = { "factors=8", "iterations=3", NULL };
  SdTrainOptions options;

  sd_train_options_init (&options);
  options.db_path = path;
  options.model = "als";
  options.params = params;
  job = sd_train_job_new (&options, &error);
  g_assert_no_error (error);
  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);

  map = compute (TRUE);
  g_assert_false (map->trained_als);
  g_assert_cmpuint (map->n_factors, ==, 8);
  sd_customer_map_free (map);
  map = compute (FALSE);
  g_assert_true (map->trained_als);
  g_assert_cmpuint (map->n_factors, ==, 16);
}

static void
test_empty_shop (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = g_build_filename (dir, "empty.sqlite", NULL);
  g_autoptr(SdStore) store = sd_store_open (empty, &error);
  g_autoptr(SdCustomerMap) map = NULL;

  g_assert_no_error (error);
  map = sd_customer_map_compute (store, 0, 0, TRUE, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (map);
  g_assert_cmpuint (map->n_points, ==, 0);
  g_assert_cmpuint (map->n_similar, ==, 0);
  g_clear_object (&store);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *p = g_strconcat (empty, suffixes[i], NULL);
        g_remove (p);
      }
  }
}

/* The caption over the heatmap names what the data holds: a shop with purchases only
 * (Online Retail) has no views or carts to compare customers by. */
static void
test_event_kinds (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bought = g_build_filename (dir, "bought.sqlite", NULL);
  g_autoptr(SdStore) store = sd_store_open (bought, &error);
  g_autoptr(SdStore) demo = sd_store_open (path, &error);
  g_autoptr(SdCustomerMap) map = NULL;

  g_assert_no_error (error);
  g_assert_true (sd_store_exec (store,
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40)"
      " INSERT INTO customers (id, external_id) SELECT i, 'C' || i FROM n;"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30)"
      " INSERT INTO products (id, external_id, title) SELECT i, 'P' || i, 'Mug ' || i FROM n;"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)"
      " INSERT INTO events (customer_id, product_id, kind, at)"
      " SELECT i % 40 + 1, (i * 7 + (i % 40) / 10 * 3) % 30 + 1, 2, 1291191960 + i FROM n", &error));
  g_assert_no_error (error);
  map = sd_customer_map_compute (store, 0, 0, FALSE, 0, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (map->events[SD_EVENT_PURCHASE], ==, 600);
  g_assert_cmpint (map->events[SD_EVENT_VIEW], ==, 0);
  g_assert_cmpint (map->events[SD_EVENT_CART], ==, 0);
  g_assert_cmpint (map->events[SD_EVENT_REVIEW], ==, 0);
  g_clear_pointer (&map, sd_customer_map_free);

  /* the demo shop has every kind, counted as the shop counts them */
  map = sd_customer_map_compute (demo, 60, 200, FALSE, 3, NULL, NULL, &error);
  g_assert_no_error (error);
  for (SdEventKind k = 0; k < SD_N_EVENT_KINDS; k++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM events WHERE kind = %d", k);
      gint64 n = 0;
      g_assert_true (sd_store_count (demo, sql, &n, &error));
      g_assert_cmpint (n, >, 0);
      g_assert_cmpint (map->events[k], ==, n);
    }
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_shop ();
  g_test_add_func ("/customer-map/map", test_map);
  g_test_add_func ("/customer-map/reuses-stored-als", test_reuses_stored_als);
  g_test_add_func ("/customer-map/empty-shop", test_empty_shop);
  g_test_add_func ("/customer-map/event-kinds", test_event_kinds);
  status = g_test_run ();
  remove_shop ();
  return status;
}
