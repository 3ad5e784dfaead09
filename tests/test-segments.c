/* test-segments.c — cluster profiles against the test's own SQL on a demo shop, names,
 * renaming, the answer key (taste groups) recovered, saved audiences, the in_segment
 * coupon condition reaching exactly an audience's export, and the RFM grid */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sd-audience.h"
#include "sd-cluster.h"
#include "sd-coupon-engine.h"
#include "sd-coupon-rule.h"
#include "sd-customer-facts.h"
#include "sd-demo.h"
#include "sd-error.h"
#include "sd-json.h"
#include "sd-rfm.h"
#include "sd-segments.h"

static char *dir;
static char *path;
static SdStore *store;
static SdSegments *segments;

static void
make_shop (void)
{
  g_autoptr(GError) error = NULL;
  SdDemoOptions options;

  dir = g_dir_make_tmp ("shopdesk-segments-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "shop.sqlite", NULL);
  store = sd_store_open (path, &error);
  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "600", &error));
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  segments = sd_segments_compute (store, FALSE, 0, TRUE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (segments);
}

static void
remove_shop (void)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_pointer (&segments, sd_segments_free);
  g_clear_object (&store);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);
      g_remove (p);
    }
  g_rmdir (dir);
  g_free (path);
  g_free (dir);
}

static gint64
query_int (const char *sql,
           gint64      bind)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);
  g_assert_nonnull (stmt);
  sqlite3_bind_int64 (stmt, 1, bind);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* The test's own definitions, written out: revenue is net merchandise — positive lines of
 * orders that are not cancelled, refunded or pending, and negative lines of any order but a
 * pending one, of products that are merchandise (or unclassified). */
#define OWN_REVENUE \
  "SELECT coalesce(sum(l.quantity * l.unit_price_cents), 0) FROM order_lines l" \
  " JOIN orders o ON o.id = l.order_id LEFT JOIN products p ON p.id = l.product_id" \
  " WHERE o.customer_id = ?1 AND coalesce(p.kind, 'merchandise') = 'merchandise'" \
  " AND ((o.status NOT IN ('cancelled', 'refunded', 'pending') AND l.quantity > 0)" \
  "      OR (l.quantity < 0 AND o.status <> 'pending'))"
#define OWN_ORDERS \
  "SELECT count(*) FROM orders o WHERE o.customer_id = ?1" \
  " AND o.status NOT IN ('cancelled', 'refunded', 'pending')" \
  " AND EXISTS (SELECT 1 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id" \
  "  WHERE l.order_id = o.id AND l.quantity > 0 AND coalesce(p.kind, 'merchandise') = 'merchandise')"
#define OWN_BOUGHT_CATEGORY \
  "SELECT EXISTS (SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id" \
  " JOIN products p ON p.id = l.product_id WHERE o.customer_id = ?1 AND l.quantity > 0" \
  " AND o.status NOT IN ('cancelled', 'refunded', 'pending') AND p.category = ?2" \
  " AND coalesce(p.kind, 'merchandise') = 'merchandise')"

static void
test_profiles (void)
{
  SdCustomerMap *map = segments->map;
  gint64 all_revenue = 0;
  double share_sum = 0, revenue_share_sum = 0;
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_cmpuint (segments->profiles->len, ==, map->k);
  g_assert_true (segments->has_categories);
  for (guint i = 0; i < map->n_customers; i++)
    all_revenue += query_int (OWN_REVENUE, map->customer_ids[i]);
  g_assert_cmpint (segments->revenue_cents, ==, all_revenue);

  for (guint c = 0; c < map->k; c++)
    {
      SdSegmentProfile *p = g_ptr_array_index (segments->profiles, c);
      g_autoptr(GArray) members = sd_segments_members (segments, c);
      gint64 revenue = 0, orders = 0;

      g_assert_cmpuint (p->id, ==, c);
      g_assert_cmpuint (p->size, ==, members->len);
      for (guint m = 0; m < members->len; m++)
        {
          revenue += query_int (OWN_REVENUE, g_array_index (members, gint64, m));
          orders += query_int (OWN_ORDERS, g_array_index (members, gint64, m));
        }
      g_assert_cmpint (p->revenue_cents, ==, revenue);
      g_assert_cmpint (p->orders, ==, orders);
      g_assert_cmpint (p->aov_cents, ==, orders ? llround ((double) revenue / orders) : 0);
      g_assert_cmpfloat_with_epsilon (p->orders_per_customer, (double) orders / members->len, 1e-9);
      g_assert_cmpfloat_with_epsilon (p->revenue_share, (double) revenue / all_revenue, 1e-9);
      share_sum += p->customer_share;
      revenue_share_sum += p->revenue_share;
      g_assert_true (isfinite (p->recency_days) && p->recency_days >= 0);

      /* The top category's count of buyers, and its lift, from the test's own query. */
      g_assert_cmpuint (p->top_categories->len, >, 0);
      {
        SdSegmentTrait *top = g_ptr_array_index (p->top_categories, 0);
        guint bought = 0, bought_all = 0;
        for (guint i = 0; i < map->n_customers; i++)
          {
            g_autoptr(SdStmt) stmt = sd_store_prepare (store, OWN_BOUGHT_CATEGORY, NULL);
            sqlite3_bind_int64 (stmt, 1, map->customer_ids[i]);
            sqlite3_bind_text (stmt, 2, top->key, -1, SQLITE_STATIC);
            g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
            if (sqlite3_column_int (stmt, 0))
              {
                bought_all++;
                bought += map->customer_cluster[i] == c;
              }
          }
        g_assert_cmpuint (top->customers, ==, bought);
        g_assert_cmpfloat_with_epsilon (top->lift, ((double) bought / p->size) / ((double) bought_all / map->n_customers), 1e-9);
        g_assert_cmpfloat (top->lift, >, 1.0);
      }
      for (guint t = 1; t < p->top_categories->len; t++)
        g_assert_cmpfloat (((SdSegmentTrait *) g_ptr_array_index (p->top_categories, t - 1))->lift, >=,
                           ((SdSegmentTrait *) g_ptr_array_index (p->top_categories, t))->lift);
      g_assert_cmpuint (p->countries->len, >, 0);
      g_assert_cmpuint (p->tiers->len, >, 0);

      /* Named from what sets it apart, in both languages, and no two alike. */
      g_assert_true (p->name_en && *p->name_en && p->name_zh && *p->name_zh);
      g_assert_false (p->renamed);
      g_assert_true (g_hash_table_add (names, p->name_en));
      g_assert_nonnull (strstr (p->name_en, ((SdSegmentTrait *) g_ptr_array_index (p->top_categories, 0))->key));
      g_assert_cmpstr (p->name_zh, !=, p->name_en);   /* the demo's categories have Chinese names */
      g_test_message ("%u: %s / %s", c, p->name_en, p->name_zh);
    }
  g_assert_cmpfloat_with_epsilon (share_sum, 1.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (revenue_share_sum, 1.0, 1e-9);
}

/* The answer key, read only here: clusters match the planted groups, and each cluster's top
 * category by lift is one its group prefers. */
static void
test_taste_groups (void)
{
  SdCustomerMap *map = segments->map;
  g_autofree char *json = sd_store_get_setting (store, "demo.taste_groups");
  g_autoptr(SdJsonNode) groups = sd_json_parse (json, -1, "demo.taste_groups", NULL);
  g_autofree guint *group = g_new (guint, map->n_customers);
  guint n_groups = sd_json_node_get_length (groups);
  double ari;

  for (guint i = 0; i < map->n_customers; i++)
    group[i] = (guint) query_int ("SELECT taste_group FROM customers WHERE id = ?1", map->customer_ids[i]);
  ari = sd_adjusted_rand_index (map->customer_cluster, group, map->n_customers);
  g_print ("# %u clusters (silhouette %.3f) vs %u taste groups: ARI %.3f\n", map->k, map->silhouette, n_groups, ari);
  g_assert_cmpfloat (ari, >=, 0.6);

  for (guint c = 0; c < map->k; c++)
    {
      SdSegmentProfile *p = g_ptr_array_index (segments->profiles, c);
      g_autofree guint *count = g_new0 (guint, n_groups);
      guint major = 0;
      SdJsonNode *preferred;
      const char *top = ((SdSegmentTrait *) g_ptr_array_index (p->top_categories, 0))->key;
      gboolean found = FALSE;

      for (guint i = 0; i < map->n_customers; i++)
        if (map->customer_cluster[i] == c)
          count[group[i]]++;
      for (guint g = 1; g < n_groups; g++)
        if (count[g] > count[major])
          major = g;
      preferred = sd_json_node_get_member (sd_json_node_get_element (groups, major), "categories");
      for (guint j = 0; j < sd_json_node_get_length (preferred); j++)
        found |= g_strcmp0 (sd_json_node_get_string (sd_json_node_get_element (preferred, j)), top) == 0;
      g_test_message ("cluster %u (%s): mostly group %u, top category %s", c, p->name_en, major, top);
      g_assert_true (found);
    }
}

static void
test_rename_and_stable_ids (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSegments) again = NULL;
  SdSegmentProfile *p;

  g_assert_true (sd_segments_rename (store, segments->map->model, segments->map->k, 1, "  Our gardeners ", &error));
  g_assert_no_error (error);
  again = sd_segments_compute (store, FALSE, 0, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < again->map->n_customers; i++)
    g_assert_cmpuint (again->map->customer_cluster[i], ==, segments->map->customer_cluster[i]);
  p = g_ptr_array_index (again->profiles, 1);
  g_assert_true (p->renamed);
  g_assert_cmpstr (p->name, ==, "Our gardeners");
  g_assert_cmpstr (sd_customer_map_get_colouring (again->map, "cluster")->names[1], ==, "Our gardeners");
  g_assert_true (sd_segments_rename (store, segments->map->model, segments->map->k, 1, "", &error));
  g_clear_pointer (&again, sd_segments_free);
  again = sd_segments_compute (store, FALSE, 0, FALSE, NULL, NULL, &error);
  g_assert_false (((SdSegmentProfile *) g_ptr_array_index (again->profiles, 1))->renamed);
}

static void
test_audiences_and_coupons (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) members = sd_segments_members (segments, 2);
  g_autofree char *definition = sd_segments_definition (segments, 2);
  g_autoptr(SdAudience) found = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GHashTable) exported = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SdCustomerFacts) facts = NULL;
  g_autoptr(SdCouponEngine) engine = NULL;
  g_autoptr(SdCouponRule) rule = NULL;
  gint64 id, other;
  guint reached = 0;

  id = sd_audience_save (store, "Cluster three", "cluster", definition, TRUE,
                         (gint64 *) members->data, members->len, &error);
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  /* A taken name (in any case) is refused and nothing is written. */
  g_assert_cmpint (sd_audience_save (store, "CLUSTER THREE", "lasso", NULL, FALSE, NULL, 0, &error), ==, -1);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpint (sd_audience_save (store, "  ", "lasso", NULL, FALSE, NULL, 0, &error), ==, -1);
  g_clear_error (&error);
  other = sd_audience_save (store, "Two people", "lasso", NULL, FALSE, (gint64 *) members->data, 2, &error);
  g_assert_no_error (error);

  list = sd_audience_list (store, &error);
  g_assert_cmpuint (list->len, ==, 2);
  found = sd_audience_find (store, "cluster three", &error);
  g_assert_nonnull (found);
  g_assert_cmpint (found->n_members, ==, members->len);
  g_assert_true (found->recompute);
  g_clear_pointer (&found, sd_audience_free);
  {
    g_autofree char *key = g_strdup_printf ("%" G_GINT64_FORMAT, other);
    found = sd_audience_find (store, key, &error);
    g_assert_cmpint (found->n_members, ==, 2);
  }
  g_assert_null (sd_audience_find (store, "nobody", &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The export: a header, then one external id per member. */
  csv = sd_audience_csv (store, (gint64 *) members->data, members->len, &error);
  g_assert_no_error (error);
  lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "customer_id");
  for (guint i = 1; lines[i] && *lines[i]; i++)
    g_hash_table_add (exported, lines[i]);
  g_assert_cmpuint (g_hash_table_size (exported), ==, members->len);

  /* A rule with in_segment (and its alias) reaches exactly the exported customers. */
  rule = sd_coupon_rule_from_json ("{\"name\": \"Aud\", \"conditions\": {\"type\": \"all\", \"conditions\": [{\"type\": \"in_segment\", \"text\": \"Cluster Three\"}]},"
                                   " \"action\": {\"type\": \"percent_off\", \"percent\": 10}}", "test", &error);
  g_assert_no_error (error);
  sd_coupon_rule_validate (rule, NULL, NULL, &error);
  g_assert_no_error (error);
  facts = sd_customer_facts_load (store, NULL, &error);
  g_assert_no_error (error);
  engine = sd_coupon_engine_new (facts);
  for (guint i = 0; i < facts->n_customers; i++)
    {
      gboolean in = sd_coupon_engine_matches (engine, rule, i, NULL);
      g_assert_cmpint (in, ==, g_hash_table_contains (exported, facts->customers[i].external_id));
      reached += in;
    }
  g_assert_cmpuint (reached, ==, members->len);
  g_clear_pointer (&rule, sd_coupon_rule_free);
  {
    g_autofree char *json = g_strdup_printf ("{\"name\": \"Aud\", \"conditions\": {\"type\": \"all\", \"conditions\": [{\"type\": \"in_audience\", \"text\": \"%"
                                             G_GINT64_FORMAT "\"}]}, \"action\": {\"type\": \"percent_off\", \"percent\": 10}}", other);
    rule = sd_coupon_rule_from_json (json, "test", &error);
    g_assert_no_error (error);
    reached = 0;
    for (guint i = 0; i < facts->n_customers; i++)
      reached += sd_coupon_engine_matches (engine, rule, i, NULL);
    g_assert_cmpuint (reached, ==, 2);
  }

  /* Recompute: members found again from the definition; frozen ones stay. */
  g_assert_true (sd_audience_set_members (store, id, NULL, 0, &error));
  {
    g_autoptr(SdSegments) again = sd_segments_compute (store, FALSE, 0, TRUE, NULL, NULL, &error);
    g_autoptr(GArray) now = sd_audience_members (store, id, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (again->n_refreshed, ==, 1);
    g_assert_cmpuint (now->len, ==, members->len);
  }
  g_assert_true (sd_audience_delete (store, other, &error));
  g_assert_no_error (error);
  g_assert_null (sd_audience_find (store, "Two people", NULL));
}

static void
test_rfm (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRfm) rfm = sd_rfm_compute (store, NULL, &error);
  guint total = 0, cells = 0;
  gint64 with_orders;

  g_assert_no_error (error);
  with_orders = query_int ("SELECT count(DISTINCT o.customer_id) FROM orders o WHERE o.customer_id IS NOT NULL"
                           " AND o.status NOT IN ('cancelled', 'refunded', 'pending') AND ?1 = ?1"
                           " AND EXISTS (SELECT 1 FROM order_lines l LEFT JOIN products p ON p.id = l.product_id"
                           "  WHERE l.order_id = o.id AND l.quantity > 0 AND coalesce(p.kind, 'merchandise') = 'merchandise')", 0);
  g_assert_cmpint (rfm->n_customers, ==, with_orders);
  for (guint i = 0; i < rfm->n_customers; i++)
    {
      g_assert_true (rfm->r[i] >= 1 && rfm->r[i] <= 5 && rfm->f[i] >= 1 && rfm->f[i] <= 5 && rfm->m[i] >= 1 && rfm->m[i] <= 5);
      g_assert_cmpuint (rfm->group[i], ==, sd_rfm_group_at (rfm->r[i], rfm->f[i]));
      g_assert_cmpint (rfm->orders[i], ==, query_int (OWN_ORDERS, rfm->customer_ids[i]));
      g_assert_cmpint (rfm->spend_cents[i], ==, query_int (OWN_REVENUE, rfm->customer_ids[i]));
    }
  /* More recent and more frequent customers score higher. */
  for (guint i = 1; i < rfm->n_customers; i++)
    {
      if (rfm->recency_days[i] < rfm->recency_days[0])
        g_assert_cmpuint (rfm->r[i], >=, rfm->r[0]);
      if (rfm->orders[i] > rfm->orders[0])
        g_assert_cmpuint (rfm->f[i], >=, rfm->f[0]);
    }
  for (guint g = 0; g < SD_RFM_N_GROUPS; g++)
    {
      SdRfmGroup back;
      g_autoptr(GArray) members = sd_rfm_members (rfm, g, 0, 0);
      total += rfm->groups[g].customers;
      g_assert_cmpuint (members->len, ==, rfm->groups[g].customers);
      g_assert_true (sd_rfm_group_from_id (sd_rfm_group_id (g), &back) && back == g);
    }
  for (guint r = 0; r < 5; r++)
    for (guint f = 0; f < 5; f++)
      cells += rfm->cells[r][f].customers;
  g_assert_cmpuint (total, ==, rfm->n_customers);
  g_assert_cmpuint (cells, ==, rfm->n_customers);
  g_assert_cmpuint (rfm->groups[SD_RFM_CHAMPIONS].customers, >, 0);
  g_assert_cmpfloat (rfm->groups[SD_RFM_CHAMPIONS].recency_days, <, rfm->groups[SD_RFM_LOST].recency_days);
  g_assert_cmpfloat (rfm->groups[SD_RFM_CHAMPIONS].orders, >, rfm->groups[SD_RFM_LOST].orders);

  /* An RFM audience recomputes from its group. */
  {
    gint64 id = sd_audience_save (store, "Champions", "rfm", "{\"rfm\": \"champions\"}", TRUE, NULL, 0, &error);
    guint refreshed = 0;
    g_autoptr(GArray) now = NULL;
    g_assert_no_error (error);
    g_assert_true (sd_rfm_refresh_audiences (store, rfm, &refreshed, &error));
    g_assert_cmpuint (refreshed, ==, 1);
    now = sd_audience_members (store, id, &error);
    g_assert_cmpuint (now->len, ==, rfm->groups[SD_RFM_CHAMPIONS].customers);
  }
}

/* More clusters than the shop has tastes: several come out alike in every part of their
 * name, and each still gets a name of its own (the sanitizer build also checks the names
 * are not read after they are freed). */
static void
test_many_clusters_distinct_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdSegments) many = sd_segments_compute (store, FALSE, 24, TRUE, NULL, NULL, &error);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint numbered = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (many->profiles->len, >, 12);
  for (guint c = 0; c < many->profiles->len; c++)
    {
      SdSegmentProfile *p = g_ptr_array_index (many->profiles, c);
      g_assert_true (g_hash_table_add (names, p->name_en));
      numbered += strstr (p->name_en, " #") != NULL;
    }
  g_test_message ("%u clusters, %u named with their number", many->profiles->len, numbered);
  g_assert_cmpuint (numbered, >, 0);
}

/* An SdRfm of @n customers with @orders each, frequency scored here by mid-rank quintile
 * (sorted input: a run of equal values takes 1 + ⌊5 × (start + run / 2) / n⌋). */
static SdRfm *
rfm_of_orders (const gint64 *orders,
               guint         n)
{
  SdRfm *rfm = g_new0 (SdRfm, 1);

  rfm->n_customers = n;
  rfm->orders = g_memdup2 (orders, n * sizeof (gint64));
  rfm->f = g_new (guint8, n);
  for (guint i = 0, j; i < n; i = j)
    {
      for (j = i; j < n && orders[j] == orders[i]; j++)
        ;
      for (guint t = i; t < j; t++)
        rfm->f[t] = (guint8) MIN (5, 1 + (guint) floor (5.0 * (i + (j - i) / 2.0) / n));
    }
  return rfm;
}

/* A row of the grid no customer is in is said, with the tie that leaves it empty: a
 * shop where 35 % ordered once (as Online Retail) skips frequency 2, one where half did
 * skips 1; a shop whose ties fit their fifths has nothing to say. */
static void
test_rfm_empty_frequency (void)
{
  static const gint64 retail[] = { 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5 };
  static const gint64 half[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8 };
  static const gint64 even[] = { 1, 1, 2, 2, 3, 3, 4, 4, 5, 5 };
  g_autoptr(SdRfm) a = rfm_of_orders (retail, G_N_ELEMENTS (retail));
  g_autoptr(SdRfm) b = rfm_of_orders (half, G_N_ELEMENTS (half));
  g_autoptr(SdRfm) c = rfm_of_orders (even, G_N_ELEMENTS (even));
  g_autoptr(SdRfm) shop = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text_a = sd_rfm_describe_empty_frequency (a);
  g_autofree char *text_b = sd_rfm_describe_empty_frequency (b);
  g_autofree char *text_c = sd_rfm_describe_empty_frequency (c);
  g_autofree char *text_shop = NULL;
  gboolean shop_empty = FALSE;

  g_assert_nonnull (text_a);
  g_assert_true (g_str_has_prefix (text_a, "No customer has frequency score 2: "));
  g_assert_nonnull (strstr (text_a, "the 7 with 1 order ("));
  g_assert_nonnull (strstr (text_a, "35"));
  g_assert_nonnull (strstr (text_a, "from 1 (1 order) straight to 3 (2 orders)."));
  g_assert_null (strstr (text_a, "score 4"));

  g_assert_nonnull (text_b);
  g_assert_true (g_str_has_prefix (text_b, "No customer has frequency score 1: "));
  g_assert_nonnull (strstr (text_b, "the 10 with 1 order ("));
  g_assert_nonnull (strstr (text_b, "at 2."));

  g_assert_null (text_c);

  /* on the demo shop: said exactly when a score has no one */
  shop = sd_rfm_compute (store, NULL, &error);
  g_assert_no_error (error);
  text_shop = sd_rfm_describe_empty_frequency (shop);
  for (guint f = 0; f < 5; f++)
    {
      guint customers = 0;

      for (guint r = 0; r < 5; r++)
        customers += shop->cells[r][f].customers;
      shop_empty |= customers == 0;
    }
  g_test_message ("demo shop: %s", text_shop ? text_shop : "every frequency score has customers");
  g_assert_cmpint (text_shop != NULL, ==, shop_empty);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  make_shop ();
  g_test_add_func ("/segments/profiles", test_profiles);
  g_test_add_func ("/segments/taste-groups", test_taste_groups);
  g_test_add_func ("/segments/rename-and-stable-ids", test_rename_and_stable_ids);
  g_test_add_func ("/segments/audiences-and-coupons", test_audiences_and_coupons);
  g_test_add_func ("/segments/rfm", test_rfm);
  g_test_add_func ("/segments/rfm-empty-frequency", test_rfm_empty_frequency);
  g_test_add_func ("/segments/many-clusters-distinct-names", test_many_clusters_distinct_names);
  status = g_test_run ();
  remove_shop ();
  return status;
}
