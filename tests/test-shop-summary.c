/* test-shop-summary.c — the Overview's figures (sd_shop_summary_load) on a fixture shop
 *
 * The shop: the four generic fixture CSVs imported (customers, products, orders,
 * events), then by hand two more products that sell, one that only sold in a refunded
 * order, a cancelled, a refunded and a delivered order in another currency (one of its
 * lines without a product), a Chinese title and an old import. Every figure is checked
 * against the count by hand below and against plain SQL over the tables. */
#include "config.h"

#include <glib/gstdio.h>

#include "sd-error.h"
#include "sd-import.h"
#include "sd-product-text.h"
#include "sd-product-kind.h"
#include "sd-shop-summary.h"

typedef struct {
  char    *dir;
  char    *path;
  SdStore *store;
} Fixture;

static void
import_fixture (SdStore    *store,
                const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("SD_FIXTURES_DIR"), name, NULL);
  SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = sd_import_file (store, path, &options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->rows_rejected, ==, 0);
}

#define PRODUCT(ext) "(SELECT id FROM products WHERE external_id = '" ext "')"
#define ORDER(ext) "(SELECT id FROM orders WHERE external_id = '" ext "')"
#define CUSTOMER(ext) "(SELECT id FROM customers WHERE external_id = '" ext "')"

static const char hand_made[] =
  "INSERT INTO products (external_id, title, category, price_cents) VALUES"
  " ('p3', 'Wool Hat', 'Hats', 2000),"
  " ('p4', 'Silk Scarf', NULL, 100),"
  " ('p5', 'Gift Card', 'Gifts', 5000);"
  "INSERT INTO product_texts (product_id, lang, title) VALUES (" PRODUCT ("p1") ", 'zh_CN', '亚麻衬衫');"
  "INSERT INTO orders (external_id, customer_id, placed_at, status, currency) VALUES"
  " ('o3', " CUSTOMER ("c2") ", 1678000000, 'cancelled', 'USD'),"
  " ('o4', " CUSTOMER ("c2") ", 1678100000, 'refunded', 'USD'),"
  " ('o5', " CUSTOMER ("c2") ", 1678200000, 'delivered', 'USD');"
  "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES"
  " (" ORDER ("o3") ", 1, " PRODUCT ("p3") ", 50, 10000),"
  " (" ORDER ("o4") ", 1, " PRODUCT ("p5") ", 1, 5000),"
  " (" ORDER ("o5") ", 1, " PRODUCT ("p3") ", 3, 2000),"
  " (" ORDER ("o5") ", 2, " PRODUCT ("p4") ", 10, 100),"
  " (" ORDER ("o5") ", 3, NULL, 1, 700);"
  /* The highest id but the oldest: the history is newest first by time. */
  "INSERT INTO imports (file, format, started_at, finished_at, rows_read, rows_imported, rows_rejected)"
  " VALUES ('/old/legacy.csv', 'online-retail', 900, 1000, 9, 7, 2);";

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("sd-shop-summary-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
  if (data == NULL)
    return;   /* the empty shop */

  import_fixture (f->store, "customers.csv");
  import_fixture (f->store, "products.csv");
  import_fixture (f->store, "orders.csv");
  import_fixture (f->store, "events.csv");
  g_assert_true (sd_store_exec (f->store, hand_made, &error));
  g_assert_no_error (error);
  sd_product_text_set_setting ("en");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_assert_finalize_object (f->store);
  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
  sd_product_text_set_setting ("en");
}

/* sd_store_prepare() caches by the address of the SQL: only constant strings, with any
 * value bound as ?1. */
static gint64
query_int (SdStore    *store,
           const char *sql,
           const char *param)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  if (param)
    sqlite3_bind_text (stmt, 1, param, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
query_text (SdStore    *store,
            const char *sql)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static SdShopSummary *
load (Fixture *f,
      guint    top_n,
      guint    n_imports)
{
  g_autoptr(GError) error = NULL;
  SdShopSummary *summary = sd_shop_summary_load (f->store, top_n, n_imports, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (summary);
  g_assert_nonnull (summary->top_by_revenue);
  g_assert_nonnull (summary->top_by_units);
  g_assert_nonnull (summary->recent_imports);
  return summary;
}

/* Entry @i of @top is product @external_id with these figures, and its sums are those of
 * plain SQL over the lines of its orders that were paid, shipped or delivered. */
static void
assert_top (SdStore    *store,
            GPtrArray  *top,
            guint       i,
            const char *external_id,
            const char *title,
            const char *category,
            gint64      revenue_cents,
            gint64      units)
{
#define SOLD " FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id" \
             " WHERE p.external_id = ?1 AND o.status IN ('paid', 'shipped', 'delivered')"
  static const char revenue_sql[] = "SELECT sum(l.quantity * l.unit_price_cents)" SOLD;
  static const char units_sql[] = "SELECT sum(l.quantity)" SOLD;
#undef SOLD
  SdTopProduct *p;

  g_assert_cmpuint (i, <, top->len);
  p = g_ptr_array_index (top, i);
  g_assert_cmpint (p->product_id, ==,
                   query_int (store, "SELECT id FROM products WHERE external_id = ?1", external_id));
  g_assert_cmpstr (p->title, ==, title);
  g_assert_cmpstr (p->category, ==, category);
  g_assert_cmpint (p->revenue_cents, ==, revenue_cents);
  g_assert_cmpint (p->revenue_cents, ==, query_int (store, revenue_sql, external_id));
  g_assert_cmpint (p->units, ==, units);
  g_assert_cmpint (p->units, ==, query_int (store, units_sql, external_id));
}

static void
assert_import (GPtrArray  *imports,
               guint       i,
               const char *file_suffix,
               const char *format,
               gint64      rows_imported,
               gint64      rows_rejected)
{
  SdImportRecord *r;

  g_assert_cmpuint (i, <, imports->len);
  r = g_ptr_array_index (imports, i);
  g_assert_true (g_str_has_suffix (r->file, file_suffix));
  g_assert_cmpstr (r->format, ==, format);
  g_assert_cmpint (r->rows_imported, ==, rows_imported);
  g_assert_cmpint (r->rows_rejected, ==, rows_rejected);
}

/* The counts and sums, by hand and by plain SQL. */
static void
test_counts (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SdShopSummary) s = load (f, 10, 8);
  SdStoreStats stats;
  g_autofree char *currency = NULL;

  g_assert_false (sd_shop_summary_is_empty (s));

  /* c1 (DE), c2 (US), and c3, made from an order's reference, without a country */
  g_assert_cmpint (s->counts.customers, ==, 3);
  g_assert_cmpint (s->counts.customers, ==, query_int (f->store, "SELECT count(*) FROM customers", NULL));
  g_assert_cmpint (s->countries, ==, 2);
  g_assert_cmpint (s->countries, ==, query_int (f->store, "SELECT count(DISTINCT country) FROM customers", NULL));

  /* Shirts, Bags, Hats, Gifts; the scarf has no category */
  g_assert_cmpint (s->counts.products, ==, 5);
  g_assert_cmpint (s->counts.products, ==, query_int (f->store, "SELECT count(*) FROM products", NULL));
  g_assert_cmpint (s->categories, ==, 4);
  g_assert_cmpint (s->categories, ==, query_int (f->store, "SELECT count(DISTINCT category) FROM products", NULL));

  /* o1, o2 from the CSV; o3 cancelled, o4 refunded, o5 delivered */
  g_assert_cmpint (s->counts.orders, ==, 5);
  g_assert_cmpint (s->counts.orders, ==, query_int (f->store, "SELECT count(*) FROM orders", NULL));
  g_assert_cmpint (s->counts.order_lines, ==, 2 + 1 + 1 + 1 + 3);
  g_assert_cmpint (s->counts.order_lines, ==, query_int (f->store, "SELECT count(*) FROM order_lines", NULL));

  /* Revenue: the lines of o1, o2 and o5 (with its line without a product); not o3, o4. */
  g_assert_cmpint (s->counts.revenue_cents, ==, (2 * 3990 + 1500) + 3990 + (3 * 2000 + 10 * 100 + 700));
  g_assert_cmpint (s->counts.revenue_cents, ==,
                   query_int (f->store, "SELECT sum(l.quantity * l.unit_price_cents) FROM order_lines l"
                                        " JOIN orders o ON o.id = l.order_id"
                                        " WHERE o.status IN ('paid', 'shipped', 'delivered')", NULL));
  /* …over the orders counted: the sales with a merchandise line, o1, o2 and o5 */
  g_assert_cmpint (s->counts.orders_counted, ==, 3);
  g_assert_cmpint (s->average_order_cents, ==, (21170 + 1) / 3);

  /* The view, cart and review of events.csv, and a purchase per line of orders.csv */
  g_assert_cmpint (s->counts.events[SD_EVENT_VIEW], ==, 1);
  g_assert_cmpint (s->counts.events[SD_EVENT_CART], ==, 1);
  g_assert_cmpint (s->counts.events[SD_EVENT_PURCHASE], ==, 3);
  g_assert_cmpint (s->counts.events[SD_EVENT_REVIEW], ==, 1);
  for (int k = 0; k < SD_N_EVENT_KINDS; k++)
    {
      g_autofree char *kind = g_strdup_printf ("%d", k);
      g_assert_cmpint (s->counts.events[k], ==,
                       query_int (f->store, "SELECT count(*) FROM events WHERE kind = CAST (?1 AS INTEGER)", kind));
    }

  /* The same counts as the store's own, which the demo and the tests use */
  g_assert_true (sd_store_get_stats (f->store, &stats, NULL));
  g_assert_cmpmem (&stats, sizeof stats, &s->counts, sizeof s->counts);

  /* The shop's currency, recorded by the import of orders.csv (two orders in EUR), even
   * though three hand-made orders in USD came after it */
  g_assert_cmpstr (s->currency, ==, "EUR");
  currency = sd_shop_currency (f->store);
  g_assert_cmpstr (s->currency, ==, currency);
  g_clear_pointer (&currency, g_free);
  /* without that setting, the orders' most common currency */
  g_assert_true (sd_store_exec (f->store, "DELETE FROM settings WHERE key = 'shop.currency'", NULL));
  {
    g_autoptr(SdShopSummary) again = load (f, 0, 0);
    currency = query_text (f->store, "SELECT currency FROM orders GROUP BY currency ORDER BY count(*) DESC LIMIT 1");
    g_assert_cmpstr (currency, ==, "USD");
    g_assert_cmpstr (again->currency, ==, currency);
  }
}

/* Both top lists, in the shop's own titles. */
static void
test_top_products (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(SdShopSummary) s = load (f, 10, 8);

  /* p1: 2 in o1 and 1 in o2 at 39.90; p3: 3 in o5 at 20 (its 50 in the cancelled o3 do
   * not count); p2: 1 in o1 at 15; p4: 10 in o5 at 1. p5 sold only in the refunded o4,
   * and o5's line without a product belongs to no product. */
  g_assert_cmpuint (s->top_by_revenue->len, ==, 4);
  assert_top (f->store, s->top_by_revenue, 0, "p1", "Linen Shirt", "Shirts", 3 * 3990, 3);
  assert_top (f->store, s->top_by_revenue, 1, "p3", "Wool Hat", "Hats", 3 * 2000, 3);
  assert_top (f->store, s->top_by_revenue, 2, "p2", "Canvas Tote", "Bags", 1500, 1);
  assert_top (f->store, s->top_by_revenue, 3, "p4", "Silk Scarf", NULL, 10 * 100, 10);

  /* By units the scarf leads; the shirt and the hat tie at 3, the lower id first. */
  g_assert_cmpuint (s->top_by_units->len, ==, 4);
  assert_top (f->store, s->top_by_units, 0, "p4", "Silk Scarf", NULL, 10 * 100, 10);
  assert_top (f->store, s->top_by_units, 1, "p1", "Linen Shirt", "Shirts", 3 * 3990, 3);
  assert_top (f->store, s->top_by_units, 2, "p3", "Wool Hat", "Hats", 3 * 2000, 3);
  assert_top (f->store, s->top_by_units, 3, "p2", "Canvas Tote", "Bags", 1500, 1);
}

/* top_n and n_imports cut the lists; 0 skips them (the CLI's `stats`). */
static void
test_limits (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SdShopSummary) all = load (f, 10, 8);
  g_autoptr(SdShopSummary) two = load (f, 2, 2);
  g_autoptr(SdShopSummary) none = load (f, 0, 0);

  g_assert_cmpuint (two->top_by_revenue->len, ==, 2);
  assert_top (f->store, two->top_by_revenue, 0, "p1", "Linen Shirt", "Shirts", 3 * 3990, 3);
  assert_top (f->store, two->top_by_revenue, 1, "p3", "Wool Hat", "Hats", 3 * 2000, 3);
  g_assert_cmpuint (two->top_by_units->len, ==, 2);
  assert_top (f->store, two->top_by_units, 0, "p4", "Silk Scarf", NULL, 10 * 100, 10);
  assert_top (f->store, two->top_by_units, 1, "p1", "Linen Shirt", "Shirts", 3 * 3990, 3);
  g_assert_cmpuint (two->recent_imports->len, ==, 2);
  assert_import (two->recent_imports, 0, "/events.csv", "events", 3, 0);
  assert_import (two->recent_imports, 1, "/orders.csv", "orders", 3, 0);

  g_assert_cmpuint (none->top_by_revenue->len, ==, 0);
  g_assert_cmpuint (none->top_by_units->len, ==, 0);
  g_assert_cmpuint (none->recent_imports->len, ==, 0);

  /* The rest does not depend on the lists. */
  g_assert_cmpmem (&none->counts, sizeof none->counts, &all->counts, sizeof all->counts);
  g_assert_cmpint (none->countries, ==, all->countries);
  g_assert_cmpint (none->categories, ==, all->categories);
  g_assert_cmpint (none->average_order_cents, ==, all->average_order_cents);
  g_assert_cmpstr (none->currency, ==, all->currency);
}

/* The import history: newest first by time, however the rows were numbered. */
static void
test_recent_imports (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SdShopSummary) s = load (f, 10, 8);
  SdImportRecord *legacy;

  g_assert_cmpuint (s->recent_imports->len, ==, 5);
  g_assert_cmpint (s->recent_imports->len, ==, query_int (f->store, "SELECT count(*) FROM imports", NULL));
  assert_import (s->recent_imports, 0, "/events.csv", "events", 3, 0);
  assert_import (s->recent_imports, 1, "/orders.csv", "orders", 3, 0);
  assert_import (s->recent_imports, 2, "/products.csv", "products", 2, 0);
  assert_import (s->recent_imports, 3, "/customers.csv", "customers", 2, 0);
  assert_import (s->recent_imports, 4, "/old/legacy.csv", "online-retail", 7, 2);
  legacy = g_ptr_array_index (s->recent_imports, 4);
  g_assert_cmpstr (legacy->file, ==, "/old/legacy.csv");
  g_assert_cmpint (legacy->finished_at, ==, 1000);
  for (guint i = 0; i + 1 < s->recent_imports->len; i++)
    {
      SdImportRecord *a = g_ptr_array_index (s->recent_imports, i);
      SdImportRecord *b = g_ptr_array_index (s->recent_imports, i + 1);
      g_assert_cmpint (a->finished_at, >=, b->finished_at);
    }
  g_assert_cmpint (((SdImportRecord *) g_ptr_array_index (s->recent_imports, 0))->finished_at, ==,
                   query_int (f->store, "SELECT max(finished_at) FROM imports", NULL));
}

/* Titles follow the chosen language, and fall back to the shop's own. */
static void
test_chinese_titles (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SdShopSummary) zh = NULL;
  g_autoptr(SdShopSummary) en = NULL;

  sd_product_text_set_setting ("zh_CN");
  zh = load (f, 10, 0);
  assert_top (f->store, zh->top_by_revenue, 0, "p1", "亚麻衬衫", "Shirts", 3 * 3990, 3);
  assert_top (f->store, zh->top_by_revenue, 1, "p3", "Wool Hat", "Hats", 3 * 2000, 3);
  assert_top (f->store, zh->top_by_units, 1, "p1", "亚麻衬衫", "Shirts", 3 * 3990, 3);

  sd_product_text_set_setting ("en");
  en = load (f, 10, 0);
  assert_top (f->store, en->top_by_revenue, 0, "p1", "Linen Shirt", "Shirts", 3 * 3990, 3);
}

/* A new shop: nothing, and no NULL lists. */
static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SdShopSummary) s = load (f, 10, 8);
  SdStoreStats zero = { 0 };

  g_assert_true (sd_shop_summary_is_empty (s));
  g_assert_cmpmem (&s->counts, sizeof s->counts, &zero, sizeof zero);
  g_assert_cmpint (s->countries, ==, 0);
  g_assert_cmpint (s->categories, ==, 0);
  g_assert_cmpint (s->average_order_cents, ==, 0);
  g_assert_null (s->currency);
  g_assert_cmpuint (s->top_by_revenue->len, ==, 0);
  g_assert_cmpuint (s->top_by_units->len, ==, 0);
  g_assert_cmpuint (s->recent_imports->len, ==, 0);
}

/* A shop of nothing but events is not empty: the Overview shows them. */
static void
test_only_events_is_not_empty (Fixture       *f,
                               gconstpointer  data)
{
  SdShopSummary s = { { 0 } };

  g_assert_true (sd_shop_summary_is_empty (&s));
  s.counts.events[SD_EVENT_REVIEW] = 1;
  g_assert_false (sd_shop_summary_is_empty (&s));
}

static void
test_cancelled (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopSummary) s = NULL;

  g_cancellable_cancel (cancellable);
  s = sd_shop_summary_load (f->store, 10, 8, cancellable, &error);
  g_assert_null (s);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* Net merchandise sales: a cancellation (a negative line, Online Retail's C invoices) nets
 * the sale it cancels, postage is no product, and a product sold and cancelled the same day
 * is no best-seller. Checked by hand and by SQL written without sd-figures.h. */
static const char net_rows[] =
  "INSERT INTO products (external_id, title, category, price_cents) VALUES"
  " ('POST', 'POSTAGE', NULL, 1500),"
  " ('p6', 'Paper Craft, Little Birdie', 'Gifts', 80000);"
  "INSERT INTO orders (external_id, customer_id, placed_at, status, currency) VALUES"
  " ('o6', " CUSTOMER ("c1") ", 1678300000, 'paid', 'USD'),"
  " ('Co6', " CUSTOMER ("c1") ", 1678300100, 'cancelled', 'USD'),"
  " ('o7', " CUSTOMER ("c1") ", 1678400000, 'paid', 'USD'),"
  " ('Co7', " CUSTOMER ("c1") ", 1678400100, 'cancelled', 'USD'),"
  " ('o8', " CUSTOMER ("c2") ", 1678500000, 'paid', 'USD');"
  "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES"
  " (" ORDER ("o6") ", 1, " PRODUCT ("p3") ", 2, 2000),"
  " (" ORDER ("o6") ", 2, " PRODUCT ("POST") ", 1, 1500),"
  " (" ORDER ("Co6") ", 1, " PRODUCT ("p3") ", -1, 2000),"
  " (" ORDER ("o7") ", 1, " PRODUCT ("p6") ", 1, 80000),"
  " (" ORDER ("Co7") ", 1, " PRODUCT ("p6") ", -1, 80000),"
  " (" ORDER ("o8") ", 1, " PRODUCT ("POST") ", 1, 1500);";

static void
test_net_merchandise (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopSummary) s = NULL;

  g_assert_true (sd_store_exec (f->store, net_rows, &error));
  g_assert_no_error (error);
  /* Products inserted by hand have no kind yet: POSTAGE is told apart by its code and
   * title, and the hand-made "Gift Card" (only in the refunded o4) by its title. */
  g_assert_cmpint (sd_product_kinds_classify (f->store, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_product_kind_to_string (sd_product_kind_detect ("POST", "POSTAGE")), ==, "shipping");
  g_assert_cmpstr (sd_product_kind_to_string (sd_product_kind_detect ("22633", "Postage stamp set")), ==, "merchandise");

  s = load (f, 10, 0);
  /* 21,170 before; o6 adds two hats, Co6 takes one back, o7 and Co7 cancel out, and the
   * postage of o6 and o8 counts nowhere. */
  g_assert_cmpint (s->counts.revenue_cents, ==, 21170 + 2 * 2000 - 2000);
  g_assert_cmpint (s->counts.revenue_cents, ==,
                   query_int (f->store, "SELECT sum(l.quantity * l.unit_price_cents) FROM order_lines l"
                                        " JOIN orders o ON o.id = l.order_id"
                                        " LEFT JOIN products p ON p.id = l.product_id"
                                        " WHERE ((o.status IN ('paid', 'shipped', 'delivered') AND l.quantity > 0)"
                                        "        OR (l.quantity < 0 AND o.status <> 'pending'))"
                                        "   AND (p.external_id IS NULL OR p.external_id <> 'POST')", NULL));
  /* o1, o2, o5, o6 and o7; not o8, whose only line is postage, nor the cancellations */
  g_assert_cmpint (s->counts.orders_counted, ==, 5);
  g_assert_cmpint (s->average_order_cents, ==, (23170 + 2) / 5);
  {
    gint64 hats = -1;

    for (guint i = 0; i < s->top_by_revenue->len; i++)
      {
        const SdTopProduct *top = g_ptr_array_index (s->top_by_revenue, i);
        g_assert_cmpstr (top->external_id, !=, "POST");
        g_assert_cmpstr (top->external_id, !=, "p6");
        if (g_strcmp0 (top->external_id, "p3") == 0)
          hats = top->revenue_cents;
      }
    /* o5's three and o6's two hats, less the one Co6 took back */
    g_assert_cmpint (hats, ==, 3 * 2000 + 2 * 2000 - 2000);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, shop) g_test_add (path, Fixture, shop, fixture_set_up, func, fixture_tear_down)
  ADD ("/shop-summary/counts", test_counts, "fixture");
  ADD ("/shop-summary/top-products", test_top_products, "fixture");
  ADD ("/shop-summary/limits", test_limits, "fixture");
  ADD ("/shop-summary/recent-imports", test_recent_imports, "fixture");
  ADD ("/shop-summary/chinese-titles", test_chinese_titles, "fixture");
  ADD ("/shop-summary/cancelled", test_cancelled, "fixture");
  ADD ("/shop-summary/net-merchandise", test_net_merchandise, "fixture");
  ADD ("/shop-summary/empty", test_empty, NULL);
  ADD ("/shop-summary/only-events-is-not-empty", test_only_events_is_not_empty, NULL);
#undef ADD

  return g_test_run ();
}
