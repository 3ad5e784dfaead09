/* test-demo.c — the demo shop: determinism, sizes, texts, valid events, recoverable
 * taste groups, refusal, cancellation, the job and the CLI */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "sd-demo.h"
#include "sd-error.h"
#include "temp-folder.h"

typedef struct {
  char    *dir;
  char    *path;
  SdStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sd-demo-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
remove_dir (const char *dir)
{
  temp_folder_remove (dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  remove_dir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static gint64
count (SdStore    *store,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, &error);

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* A digest of every row of every table the generator writes, in key order. */
static char *
content_checksum (SdStore *store)
{
  static const char *const queries[] = {
    "SELECT * FROM customers ORDER BY id",
    "SELECT * FROM products ORDER BY id",
    "SELECT * FROM product_texts ORDER BY product_id, lang",
    "SELECT * FROM orders ORDER BY id",
    "SELECT * FROM order_lines ORDER BY id",
    "SELECT * FROM events ORDER BY id",
    "SELECT * FROM settings ORDER BY key",
    "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
  };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdStmt) stmt = sd_store_prepare (store, queries[q], &error);
      int rc;

      g_assert_no_error (error);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            guchar type = sqlite3_column_type (stmt, c);
            const guchar *text = sqlite3_column_text (stmt, c);

            g_checksum_update (sum, &type, 1);
            if (text)
              g_checksum_update (sum, text, sqlite3_column_bytes (stmt, c));
            g_checksum_update (sum, (const guchar *) "", 1);
          }
      g_assert_cmpint (rc, ==, SQLITE_DONE);
      g_checksum_update (sum, (const guchar *) "\n", 1);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static void
generate (SdStore *store, guint n_customers, guint64 seed, gboolean force)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *size = g_strdup_printf ("%u", n_customers);
  SdDemoOptions options;

  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, size, &error));
  options.seed = seed;
  options.force = force;
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
test_determinism (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_path = g_build_filename (f->dir, "other.sqlite", NULL);
  g_autofree char *third_path = g_build_filename (f->dir, "third.sqlite", NULL);
  g_autoptr(SdStore) other = sd_store_open (other_path, &error);
  g_autoptr(SdStore) third = sd_store_open (third_path, &error);
  g_autofree char *a = NULL, *b = NULL, *c = NULL;

  g_assert_no_error (error);
  generate (f->store, 300, 7, FALSE);
  generate (other, 300, 7, FALSE);
  generate (third, 300, 8, FALSE);

  a = content_checksum (f->store);
  b = content_checksum (other);
  c = content_checksum (third);
  g_assert_cmpstr (a, ==, b);
  g_assert_cmpstr (a, !=, c);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM events"), >, 0);
}

static void
test_sizes (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SdDemoOptions options;
  SdStoreStats stats;
  gint64 events;

  sd_demo_options_init (&options);
  g_assert_cmpuint (options.n_customers, ==, 2000);
  g_assert_cmpuint (options.n_products, ==, 500);
  g_assert_true (sd_demo_options_for_size (&options, "large", &error));
  g_assert_cmpuint (options.n_customers, ==, 1000000);
  g_assert_cmpuint (options.n_products, ==, 100000);
  g_assert_true (sd_demo_options_for_size (&options, "12000", &error));
  g_assert_cmpuint (options.n_customers, ==, 12000);
  g_assert_cmpuint (options.n_products, ==, 3000);
  g_assert_false (sd_demo_options_for_size (&options, "huge", &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (sd_demo_options_for_size (&options, "12x", &error));
  g_clear_error (&error);
  g_assert_false (sd_demo_options_for_size (&options, "0", &error));
  g_clear_error (&error);

  sd_demo_options_init (&options);
  g_assert_true (sd_demo_generate (f->store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sd_store_get_stats (f->store, &stats, &error));
  events = stats.events[0] + stats.events[1] + stats.events[2] + stats.events[3];
  g_test_message ("small: %" G_GINT64_FORMAT " orders, %" G_GINT64_FORMAT " events",
                  stats.orders, events);
  g_assert_cmpint (stats.customers, ==, 2000);
  g_assert_cmpint (stats.products, ==, 500);
  g_assert_cmpint (events, >=, 45000);
  g_assert_cmpint (events, <=, 80000);
  for (int k = 0; k < SD_N_EVENT_KINDS; k++)
    g_assert_cmpint (stats.events[k], >, 0);
  /* Views outnumber carts, carts purchases, purchases reviews: a believable funnel. */
  g_assert_cmpint (stats.events[SD_EVENT_VIEW], >, stats.events[SD_EVENT_CART]);
  g_assert_cmpint (stats.events[SD_EVENT_CART], >, stats.events[SD_EVENT_PURCHASE]);
  g_assert_cmpint (stats.events[SD_EVENT_PURCHASE], >, stats.events[SD_EVENT_REVIEW]);
  g_assert_cmpint (stats.orders, >, 1000);
  g_assert_cmpint (stats.revenue_cents, >, 0);

  g_assert_cmpint (count (f->store, "SELECT count(DISTINCT category) FROM products"), >=, 12);
  g_assert_cmpint (count (f->store, "SELECT count(DISTINCT status) FROM orders"), ==, 5);
  g_assert_cmpint (count (f->store, "SELECT count(DISTINCT segment) FROM customers"), ==, 4);
  g_assert_cmpint (count (f->store, "SELECT count(DISTINCT taste_group) FROM customers"), ==,
                   sd_demo_n_taste_groups ());
  g_assert_cmpint (count (f->store, "SELECT count(DISTINCT country) FROM customers WHERE country IN"
                          " ('United Kingdom', 'Germany', 'France', 'China', 'United States')"), ==, 5);
  /* Mixed names: some written in Chinese characters, most in Latin letters. */
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM customers WHERE unicode(name) >= 19968"), >, 100);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM customers WHERE unicode(name) < 128"), >, 1000);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM products WHERE stock = 0"), >, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM products WHERE stock > 0"), >, 400);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM orders WHERE external_id NOT GLOB 'SD-[0-9][0-9][0-9][0-9][0-9][0-9]'"), ==, 0);

  /* The indexes the schema declares are there after the bulk load. */
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                          " AND name IN ('products_category', 'orders_customer',"
                          " 'order_lines_product', 'events_product')"), ==, 4);

  /* A number scales the rest. */
  {
    g_autofree char *path = g_build_filename (f->dir, "n.sqlite", NULL);
    g_autoptr(SdStore) store = sd_store_open (path, &error);
    generate (store, 120, 1, FALSE);
    g_assert_cmpint (count (store, "SELECT count(*) FROM customers"), ==, 120);
    g_assert_cmpint (count (store, "SELECT count(*) FROM products"), ==, 50);
  }
}

static void
test_texts (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *returns_en = NULL, *returns_zh = NULL, *groups = NULL;

  generate (f->store, 400, 3, FALSE);

  g_assert_cmpint (count (f->store,
                          "SELECT count(*) FROM products p LEFT JOIN product_texts t"
                          " ON t.product_id = p.id AND t.lang = 'zh_CN'"
                          " WHERE t.title IS NULL OR t.description IS NULL"
                          " OR length(t.title) < 3 OR length(t.description) < 20"), ==, 0);
  /* Chinese texts really are Chinese, English ones English. */
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM product_texts"
                          " WHERE title NOT GLOB '*[一-龥]*'"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM products"
                          " WHERE title GLOB '*[一-龥]*' OR description GLOB '*[一-龥]*'"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(DISTINCT title) - count(*) FROM products"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(DISTINCT title) - count(*) FROM product_texts"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM products WHERE tags IS NULL OR tags = ''"
                          " OR price_cents <= 0"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM products WHERE ',' || tags || ',' GLOB '*,vintage,*'"), >, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM products WHERE ',' || tags || ',' GLOB '*,heart,*'"), >, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM products WHERE ',' || tags || ',' GLOB '*,wooden,*'"), >, 0);

  /* Reviews in both languages, with text. */
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM events WHERE kind = 3 AND review_text GLOB '*[一-龥]*'"), >, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM events WHERE kind = 3 AND review_text NOT GLOB '*[一-龥]*'"), >, 0);

  /* What the chatbot quotes. */
  returns_en = sd_store_get_setting (f->store, "policy.returns.en");
  returns_zh = sd_store_get_setting (f->store, "policy.returns.zh_CN");
  g_assert_nonnull (returns_en);
  g_assert_nonnull (strstr (returns_en, "30 days"));
  g_assert_nonnull (returns_zh);
  g_assert_nonnull (strstr (returns_zh, "30 天"));
  for (const char *const *key = (const char *const[]) {
         "shop.name.en", "shop.name.zh_CN", "support.hours.en", "support.hours.zh_CN",
         "policy.shipping.en", "policy.shipping.zh_CN", "shipping.uk.cost_cents",
         "shipping.cn.days", "shipping.country_regions", "categories.zh_CN",
         "demo.taste_groups", "demo.reference_time", NULL }; *key; key++)
    {
      g_autofree char *value = sd_store_get_setting (f->store, *key);
      g_assert_nonnull (value);
      g_assert_cmpuint (strlen (value), >, 0);
    }
  groups = sd_store_get_setting (f->store, "demo.taste_groups");
  g_assert_nonnull (strstr (groups, "\"Vintage romantics\""));
}

static void
test_events_valid (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStmt) fk = NULL;
  gint64 ref = sd_demo_reference_time ();
  g_autofree char *ref_text = g_strdup_printf ("%" G_GINT64_FORMAT, ref);

  generate (f->store, 400, 4, FALSE);

  fk = sd_store_prepare (f->store, "PRAGMA foreign_key_check", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (fk), ==, SQLITE_DONE);

  g_assert_cmpint (count (f->store, "SELECT count(*) FROM (SELECT 1 FROM events"
                          " GROUP BY customer_id, product_id, kind, at HAVING count(*) > 1)"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM events WHERE (kind = 3) <> (rating IS NOT NULL)"
                          " OR (kind = 3) <> (review_text IS NOT NULL)"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM events WHERE quantity < 1"), ==, 0);
  /* History ends at the fixed reference date and starts when the customer signed up. */
  g_assert_cmpint (count (f->store, "SELECT max(at) FROM events"), <, ref);
  g_assert_cmpint (count (f->store, "SELECT max(placed_at) FROM orders"), <, ref);
  g_assert_cmpint (count (f->store, "SELECT min(placed_at) FROM orders"), >, ref - 560 * 86400);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM events e JOIN customers c ON c.id = e.customer_id"
                          " WHERE e.at < c.created_at"), ==, 0);
  /* Orders add up, and every purchase is a line of one of the customer's orders. */
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM orders o WHERE total_cents <>"
                          " (SELECT sum(quantity * unit_price_cents) FROM order_lines WHERE order_id = o.id)"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM events e WHERE kind = 2 AND NOT EXISTS"
                          " (SELECT 1 FROM orders o JOIN order_lines l ON l.order_id = o.id"
                          "  WHERE o.customer_id = e.customer_id AND o.placed_at = e.at"
                          "  AND l.product_id = e.product_id AND l.quantity = e.quantity"
                          "  AND o.status <> 'cancelled')"), ==, 0);
  /* Reviews come after a purchase of the same product. */
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM events r WHERE kind = 3 AND NOT EXISTS"
                          " (SELECT 1 FROM events p WHERE p.kind = 2 AND p.customer_id = r.customer_id"
                          "  AND p.product_id = r.product_id AND p.at < r.at)"), ==, 0);
}

static int
category_index (const char *name)
{
  for (guint c = 0; c < sd_demo_n_categories (); c++)
    if (g_strcmp0 (name, sd_demo_category_name (c)) == 0)
      return c;
  g_assert_not_reached ();
}

static void
test_taste_groups (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint n_cust = 1500, n_prod, n_cat = sd_demo_n_categories ();
  g_autofree int *group = g_new0 (int, n_cust + 1);
  g_autofree double *profile = g_new0 (double, (gsize) (n_cust + 1) * n_cat);
  g_autofree double *norm = g_new0 (double, n_cust + 1);
  g_autofree int *product_category = NULL;
  g_autofree double *popularity = NULL;
  g_autoptr(GArray) held_out = g_array_new (FALSE, TRUE, sizeof (gint64));
  double within = 0, across = 0;
  gint64 n_within = 0, n_across = 0;
  int hits_pop = 0, hits_cat = 0, evaluated = 0;

  generate (f->store, n_cust, 11, FALSE);
  n_prod = count (f->store, "SELECT count(*) FROM products");
  product_category = g_new0 (int, n_prod + 1);
  popularity = g_new0 (double, n_prod + 1);
  g_array_set_size (held_out, n_cust + 1);

  {
    g_autoptr(SdStmt) stmt = sd_store_prepare (f->store, "SELECT id, taste_group FROM customers", &error);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      group[sqlite3_column_int (stmt, 0)] = sqlite3_column_int (stmt, 1);
  }
  {
    g_autoptr(SdStmt) stmt = sd_store_prepare (f->store, "SELECT id, category FROM products", &error);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      product_category[sqlite3_column_int (stmt, 0)] =
        category_index ((const char *) sqlite3_column_text (stmt, 1));
  }
  /* Hold out each customer's last purchase; the rest is the training data. */
  {
    g_autoptr(SdStmt) stmt =
      sd_store_prepare (f->store,
                        "SELECT customer_id, product_id, at = max(at) OVER (PARTITION BY customer_id),"
                        " count(*) OVER (PARTITION BY customer_id)"
                        " FROM events WHERE kind = 2 ORDER BY customer_id, at, product_id", &error);
    g_assert_no_error (error);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        int c = sqlite3_column_int (stmt, 0), p = sqlite3_column_int (stmt, 1);
        gboolean last = sqlite3_column_int (stmt, 2);
        int n = sqlite3_column_int (stmt, 3);

        if (last && n >= 3 && g_array_index (held_out, gint64, c) == 0)
          {
            g_array_index (held_out, gint64, c) = p;
            continue;
          }
        profile[(gsize) c * n_cat + product_category[p]] += 1;
        popularity[p] += 1;
      }
  }

  /* Customers of one group buy in the same categories; across groups they do not. */
  for (guint c = 1; c <= n_cust; c++)
    {
      for (guint k = 0; k < n_cat; k++)
        norm[c] += profile[(gsize) c * n_cat + k] * profile[(gsize) c * n_cat + k];
      norm[c] = sqrt (norm[c]);
    }
  for (guint a = 1; a <= n_cust; a++)
    for (guint b = a + 1; b <= n_cust; b++)
      {
        double dot = 0;
        if (norm[a] == 0 || norm[b] == 0)
          continue;
        for (guint k = 0; k < n_cat; k++)
          dot += profile[(gsize) a * n_cat + k] * profile[(gsize) b * n_cat + k];
        dot /= norm[a] * norm[b];
        if (group[a] == group[b])
          within += dot, n_within++;
        else
          across += dot, n_across++;
      }
  within /= n_within;
  across /= n_across;
  g_test_message ("category cosine of purchases: within groups %.3f, across %.3f", within, across);
  g_assert_cmpfloat (within, >, 0.5);
  g_assert_cmpfloat (within, >, 3 * across);

  /* A recommender that only knows each customer's favourite categories beats popularity
   * clearly on the held-out purchases: the groups are there to be learnt. */
  for (guint c = 1; c <= n_cust; c++)
    {
      gint64 target = g_array_index (held_out, gint64, c);
      double target_pop, target_cat;
      int above_pop = 0, above_cat = 0;

      if (target == 0)
        continue;
      evaluated++;
      target_pop = popularity[target];
      target_cat = (profile[(gsize) c * n_cat + product_category[target]] + 0.01) * (popularity[target] + 1);
      for (guint p = 1; p <= n_prod; p++)
        {
          double s_cat = (profile[(gsize) c * n_cat + product_category[p]] + 0.01) * (popularity[p] + 1);
          if (p == target)
            continue;
          /* Ties count against the model, so neither gets lucky. */
          above_pop += popularity[p] >= target_pop;
          above_cat += s_cat >= target_cat;
        }
      hits_pop += above_pop < 10;
      hits_cat += above_cat < 10;
    }
  g_test_message ("hit@10 on %d held-out purchases: popularity %.3f, category profile %.3f",
                  evaluated, (double) hits_pop / evaluated, (double) hits_cat / evaluated);
  g_assert_cmpint (evaluated, >, 300);
  g_assert_cmpfloat ((double) hits_cat, >, 1.5 * hits_pop);
}

static void
test_refuses_non_empty (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL, *forced = NULL, *fresh = NULL;
  g_autofree char *other_path = g_build_filename (f->dir, "fresh.sqlite", NULL);
  g_autoptr(SdStore) other = NULL;
  SdDemoOptions options;

  generate (f->store, 100, 1, FALSE);
  before = content_checksum (f->store);

  sd_demo_options_init (&options);
  options.seed = 2;
  g_assert_false (sd_demo_generate (f->store, &options, NULL, NULL, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "force"));
  g_clear_error (&error);
  after = content_checksum (f->store);
  g_assert_cmpstr (before, ==, after);

  /* Forced, it replaces the data: the result is the same as in a fresh file. */
  generate (f->store, 150, 2, TRUE);
  forced = content_checksum (f->store);
  other = sd_store_open (other_path, &error);
  g_assert_no_error (error);
  generate (other, 150, 2, FALSE);
  fresh = content_checksum (other);
  g_assert_cmpstr (forced, ==, fresh);
}

typedef struct {
  GCancellable *cancellable;
  double        cancel_at;
  double        last;
  int           calls;
} CancelAt;

static void
cancel_progress (double      fraction,
                 const char *text,
                 gpointer    user_data)
{
  CancelAt *c = user_data;

  g_assert_cmpfloat (fraction, >=, c->last);
  c->last = fraction;
  c->calls++;
  if (fraction >= c->cancel_at)
    g_cancellable_cancel (c->cancellable);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *empty = content_checksum (f->store);
  g_autofree char *after = NULL, *before = NULL, *kept = NULL;
  SdDemoOptions options;
  CancelAt at = { cancellable, 0.5, 0, 0 };
  gboolean is_empty = FALSE;

  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "600", &error));
  g_assert_false (sd_demo_generate (f->store, &options, cancel_progress, &at, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (at.calls, >, 1);
  g_assert_false (sd_store_in_transaction (f->store));
  after = content_checksum (f->store);
  g_assert_cmpstr (empty, ==, after);
  g_assert_true (sd_demo_store_is_empty (f->store, &is_empty, &error));
  g_assert_true (is_empty);

  /* A forced run cancelled half way keeps the old shop, indexes included. */
  generate (f->store, 100, 5, FALSE);
  before = content_checksum (f->store);
  g_cancellable_reset (cancellable);
  at.last = 0;
  at.cancel_at = 0.9;   /* while rebuilding the indexes */
  options.force = TRUE;
  g_assert_false (sd_demo_generate (f->store, &options, cancel_progress, &at, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  kept = content_checksum (f->store);
  g_assert_cmpstr (before, ==, kept);
}

static void
test_job (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJob) job = NULL;
  SdDemoOptions options;

  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "200", &error));
  job = sd_demo_job_new (f->path, &options);
  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM customers"), ==, 200);
}

static int
run_cli (const char  *db,
         const char  *const *args,
         char       **err_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  const char *cli = g_getenv ("SD_CLI");
  int status = 0;

  g_ptr_array_add (argv, (gpointer) cli);
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, (gpointer) db);
  g_ptr_array_add (argv, (gpointer) "demo");
  for (; *args; args++)
    g_ptr_array_add (argv, (gpointer) *args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                               NULL, NULL, NULL, err_out, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *db = g_build_filename (f->dir, "cli.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autofree char *before = NULL, *after = NULL;
  char *err = NULL;

  if (g_getenv ("SD_CLI") == NULL)
    {
      g_test_skip ("SD_CLI is not set (run through meson test)");
      return;
    }

  g_assert_cmpint (run_cli (db, (const char *[]) { "--size", "150", "--seed", "9", NULL }, &err), ==, 0);
  g_free (err);
  store = sd_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (store, "SELECT count(*) FROM customers"), ==, 150);
  before = content_checksum (store);

  g_assert_cmpint (run_cli (db, (const char *[]) { "--size", "150", NULL }, &err), ==, 1);
  g_assert_nonnull (strstr (err, "--force"));
  g_free (err);
  after = content_checksum (store);
  g_assert_cmpstr (before, ==, after);

  g_assert_cmpint (run_cli (db, (const char *[]) { "--size", "120", "--force", NULL }, &err), ==, 0);
  g_free (err);
  g_assert_cmpint (count (store, "SELECT count(*) FROM customers"), ==, 120);

  g_assert_cmpint (run_cli (db, (const char *[]) { "--size", "enormous", NULL }, &err), ==, 2);
  g_assert_nonnull (strstr (err, "enormous"));
  g_free (err);
  g_assert_cmpint (run_cli (db, (const char *[]) { "--seed", "abc", NULL }, &err), ==, 2);
  g_free (err);
  g_assert_cmpint (run_cli (db, (const char *[]) { "--bogus", NULL }, &err), ==, 2);
  g_free (err);
  g_assert_cmpint (run_cli (db, (const char *[]) { "extra", NULL }, &err), ==, 2);
  g_free (err);
  g_assert_cmpint (run_cli (db, (const char *[]) { "--help", NULL }, &err), ==, 0);
  g_free (err);
  g_assert_cmpint (count (store, "SELECT count(*) FROM customers"), ==, 120);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/demo/determinism", test_determinism);
  ADD ("/demo/sizes", test_sizes);
  ADD ("/demo/texts", test_texts);
  ADD ("/demo/events-valid", test_events_valid);
  ADD ("/demo/taste-groups", test_taste_groups);
  ADD ("/demo/refuses-non-empty", test_refuses_non_empty);
  ADD ("/demo/cancel", test_cancel);
  ADD ("/demo/job", test_job);
  ADD ("/demo/cli", test_cli);
#undef ADD

  return g_test_run ();
}
