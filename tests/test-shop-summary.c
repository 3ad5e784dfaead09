/* test-shop-summary.c — the Overview's figures (sd_shop_summary_load) on a fixture shop
 *
 * The shop: the four generic fixture CSVs imported (customers, products, orders,
 * events), then by hand two more products that sell, one that only sold in a refunded
 * order, a cancelled, a refunded and a delivered order naming no currency (one of its
 * lines without a product), a Chinese title and an old import. Date ranges and several
 * currencies have orders of their own. Every figure is checked
 * against the count by hand below and against plain SQL over the tables. */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>

#include "sd-error.h"
#include "sd-import.h"
#include "sd-product-text.h"
#include "sd-product-kind.h"
#include "sd-shop-summary.h"
#include "temp-folder.h"

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
  /* Orders that name no currency are in the shop's (EUR, from orders.csv). */
  "INSERT INTO orders (external_id, customer_id, placed_at, status, currency) VALUES"
  " ('o3', " CUSTOMER ("c2") ", 1678000000, 'cancelled', NULL),"
  " ('o4', " CUSTOMER ("c2") ", 1678100000, 'refunded', ''),"
  " ('o5', " CUSTOMER ("c2") ", 1678200000, 'delivered', NULL);"
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
  g_assert_finalize_object (f->store);
  temp_folder_remove (f->dir);
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
  const SdCurrencyFigures *main;

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
  /* One currency: the shop's figures over All time are these. */
  g_assert_cmpuint (s->currencies->len, ==, 1);
  main = sd_shop_summary_main (s);
  g_assert_cmpstr (main->currency, ==, "EUR");
  g_assert_cmpint (main->now.revenue_cents, ==, s->counts.revenue_cents);
  g_assert_cmpint (main->now.orders_counted, ==, 3);
  g_assert_cmpint (main->now.average_order_cents, ==, (21170 + 1) / 3);
  /* p1 ×3, p2, p3 ×3, p4 ×10 and o5's line without a product */
  g_assert_cmpint (main->now.units, ==, 3 + 1 + 3 + 10 + 1);
  /* c1 (o1), c3 (o2), c2 (o5) */
  g_assert_cmpint (main->now.customers_active, ==, 3);
  g_assert_false (s->has_previous);
  g_assert_cmpint (s->range_kind, ==, SD_RANGE_ALL);
  g_assert_cmpint (s->first_order_at, ==, 1677664800);
  g_assert_cmpint (s->newest_order_at, ==, 1678200000);

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

  /* The shop's currency, recorded by the import of orders.csv (two orders in EUR) */
  g_assert_cmpstr (s->currency, ==, "EUR");
  currency = sd_shop_currency (f->store);
  g_assert_cmpstr (s->currency, ==, currency);
  g_clear_pointer (&currency, g_free);
  /* without that setting, the orders' most common currency, in upper case */
  g_assert_true (sd_store_exec (f->store, "DELETE FROM settings WHERE key = 'shop.currency';"
                                          "UPDATE orders SET currency = 'usd' WHERE external_id IN ('o3', 'o4', 'o5')",
                                NULL));
  {
    g_autoptr(SdShopSummary) again = load (f, 0, 0);
    currency = query_text (f->store, "SELECT currency FROM orders GROUP BY currency ORDER BY count(*) DESC LIMIT 1");
    g_assert_cmpstr (currency, ==, "usd");
    g_assert_cmpstr (again->currency, ==, "USD");
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
  g_assert_cmpint (sd_shop_summary_main (none)->now.average_order_cents, ==,
                   sd_shop_summary_main (all)->now.average_order_cents);
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

  /* Categories too, where the shop names them in that language (the demo shop does). */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SdShopSummary) named = NULL;

    g_assert_true (sd_store_set_setting (f->store, "categories.zh_CN", "{\"Shirts\": \"衬衫\"}", &error));
    g_assert_no_error (error);
    named = load (f, 10, 0);
    assert_top (f->store, named->top_by_revenue, 0, "p1", "亚麻衬衫", "衬衫", 3 * 3990, 3);
    assert_top (f->store, named->top_by_revenue, 1, "p3", "Wool Hat", "Hats", 3 * 2000, 3);
  }

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
  g_assert_cmpint (sd_shop_summary_main (s)->now.average_order_cents, ==, 0);
  g_assert_null (s->currency);
  g_assert_cmpuint (s->currencies->len, ==, 0);
  g_assert_cmpuint (s->series->len, ==, 0);
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
  " ('o6', " CUSTOMER ("c1") ", 1678300000, 'paid', 'EUR'),"
  " ('Co6', " CUSTOMER ("c1") ", 1678300100, 'cancelled', 'EUR'),"
  " ('o7', " CUSTOMER ("c1") ", 1678400000, 'paid', 'EUR'),"
  " ('Co7', " CUSTOMER ("c1") ", 1678400100, 'cancelled', 'EUR'),"
  " ('o8', " CUSTOMER ("c2") ", 1678500000, 'paid', 'EUR');"
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
  g_assert_cmpint (sd_product_kinds_classify (f->store, SD_PRODUCT_RULES_RETAIL_CODES, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_product_kind_to_string (sd_product_kind_detect ("POST", "POSTAGE", SD_PRODUCT_RULES_TITLES)), ==, "shipping");
  g_assert_cmpstr (sd_product_kind_to_string (sd_product_kind_detect ("22633", "Postage stamp set", SD_PRODUCT_RULES_RETAIL_CODES)), ==, "merchandise");

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
  g_assert_cmpint (sd_shop_summary_main (s)->now.average_order_cents, ==, (23170 + 2) / 5);
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

/* ---- Date ranges ------------------------------------------------------------------ */

/* June 2023, UTC: [JUNE, JULY) is the custom range, the 30 days before it the previous one. */
#define JUNE 1685577600      /* 2023-06-01 00:00:00 */
#define JULY 1688169600      /* 2023-07-01 00:00:00 */
#define DAY 86400

/* The edges: r-first on the range's first second (in), r-last on its last (in), r-after on
 * the first second after it (out: the newest order), r-before on the last second of the
 * previous period, r-cancel a C invoice in the range taking back one shirt sold before it,
 * r-older before the previous period. Orders name no currency: the shop's (EUR). */
static const char range_rows[] =
  "INSERT INTO orders (external_id, customer_id, placed_at, status) VALUES"
  " ('r-first', " CUSTOMER ("c1") ", 1685577600, 'paid'),"
  " ('r-last', " CUSTOMER ("c2") ", 1688169599, 'shipped'),"
  " ('r-after', " CUSTOMER ("c1") ", 1688169600, 'paid'),"
  " ('r-before', " CUSTOMER ("c3") ", 1685577599, 'delivered'),"
  " ('r-cancel', " CUSTOMER ("c1") ", 1686000000, 'cancelled'),"
  " ('r-older', " CUSTOMER ("c3") ", 1682899199, 'paid');"
  "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES"
  " (" ORDER ("r-first") ", 1, " PRODUCT ("p1") ", 1, 1000),"
  " (" ORDER ("r-last") ", 1, " PRODUCT ("p2") ", 2, 500),"
  " (" ORDER ("r-after") ", 1, " PRODUCT ("p1") ", 1, 7000),"
  " (" ORDER ("r-before") ", 1, " PRODUCT ("p1") ", 1, 4000),"
  " (" ORDER ("r-cancel") ", 1, " PRODUCT ("p1") ", -1, 1000),"
  " (" ORDER ("r-older") ", 1, " PRODUCT ("p2") ", 1, 900);";

/* The same figures by SQL of the test's own, without sd-figures.h: lines of paid, shipped or
 * delivered orders, and negative lines of any order but a pending one, placed in [?1, ?2). */
static gint64
sql_in_period (SdStore    *store,
               const char *sql,
               gint64      from,
               gint64      to)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

#define LINES_IN_PERIOD " FROM order_lines l JOIN orders o ON o.id = l.order_id" \
  " WHERE o.placed_at >= ?1 AND o.placed_at < ?2" \
  "   AND ((o.status IN ('paid', 'shipped', 'delivered') AND l.quantity > 0)" \
  "        OR (l.quantity < 0 AND o.status <> 'pending'))"
static const char sql_revenue[] = "SELECT coalesce(sum(l.quantity * l.unit_price_cents), 0)" LINES_IN_PERIOD;
static const char sql_units[] = "SELECT coalesce(sum(l.quantity), 0)" LINES_IN_PERIOD;
static const char sql_orders[] = "SELECT count(DISTINCT o.id)" LINES_IN_PERIOD " AND l.quantity > 0";
static const char sql_customers[] = "SELECT count(DISTINCT o.customer_id)" LINES_IN_PERIOD " AND l.quantity > 0";
#undef LINES_IN_PERIOD

static void
assert_figures_match_sql (SdStore         *store,
                          const SdFigures *f,
                          gint64           from,
                          gint64           to)
{
  g_assert_cmpint (f->revenue_cents, ==, sql_in_period (store, sql_revenue, from, to));
  g_assert_cmpint (f->units, ==, sql_in_period (store, sql_units, from, to));
  g_assert_cmpint (f->orders_counted, ==, sql_in_period (store, sql_orders, from, to));
  g_assert_cmpint (f->customers_active, ==, sql_in_period (store, sql_customers, from, to));
  g_assert_cmpint (f->average_order_cents, ==,
                   f->orders_counted ? (gint64) llround ((double) f->revenue_cents / f->orders_counted) : 0);
}

static SdShopSummary *
load_range (Fixture     *f,
            SdRangeKind  kind,
            gint64       from,
            gint64       to)
{
  SdRange range = { kind, from, to };
  g_autoptr(GError) error = NULL;
  SdShopSummary *summary = sd_shop_summary_load_range (f->store, &range, 10, 0, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (summary);
  return summary;
}

/* A custom range counts orders from its first second up to, not including, the second
 * after it; the period before is as long; a cancellation counts when it was made. */
static void
test_range_edges (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopSummary) s = NULL;
  const SdCurrencyFigures *main;

  g_assert_true (sd_store_exec (f->store, range_rows, &error));
  g_assert_no_error (error);
  s = load_range (f, SD_RANGE_CUSTOM, JUNE, JULY);
  main = sd_shop_summary_main (s);

  g_assert_cmpint (s->from, ==, JUNE);
  g_assert_cmpint (s->to, ==, JULY);
  g_assert_true (s->has_previous);
  g_assert_cmpint (s->previous_to, ==, JUNE);
  g_assert_cmpint (s->previous_from, ==, JUNE - 30 * DAY);
  g_assert_cmpstr (main->currency, ==, "EUR");

  /* r-first 10.00 and r-last 2 × 5.00, less the shirt r-cancel took back; not r-after */
  g_assert_cmpint (main->now.revenue_cents, ==, 1000 + 2 * 500 - 1000);
  g_assert_cmpint (main->now.units, ==, 1 + 2 - 1);
  g_assert_cmpint (main->now.orders_counted, ==, 2);
  g_assert_cmpint (main->now.average_order_cents, ==, 500);
  g_assert_cmpint (main->now.customers_active, ==, 2);
  assert_figures_match_sql (f->store, &main->now, JUNE, JULY);
  /* r-before alone; r-older is a second before the previous period */
  g_assert_cmpint (main->before.revenue_cents, ==, 4000);
  g_assert_cmpint (main->before.orders_counted, ==, 1);
  g_assert_cmpint (main->before.customers_active, ==, 1);
  assert_figures_match_sql (f->store, &main->before, JUNE - 30 * DAY, JUNE);

  /* Thirty days: a bar a day, summing to the range's figures, r-cancel's day negative */
  g_assert_cmpint (s->bucket, ==, SD_TIME_BUCKET_DAY);
  g_assert_cmpuint (s->series->len, ==, 30);
  {
    gint64 revenue = 0, orders = 0;

    for (guint i = 0; i < s->series->len; i++)
      {
        const SdShopBucket *b = &g_array_index (s->series, SdShopBucket, i);
        g_assert_cmpint (b->start, ==, JUNE + (gint64) i * DAY);
        revenue += b->revenue_cents;
        orders += b->orders_counted;
      }
    g_assert_cmpint (revenue, ==, main->now.revenue_cents);
    g_assert_cmpint (orders, ==, main->now.orders_counted);
    g_assert_cmpint (g_array_index (s->series, SdShopBucket, 0).revenue_cents, ==, 1000);
    g_assert_cmpint (g_array_index (s->series, SdShopBucket, 4).revenue_cents, ==, -1000);
    g_assert_cmpint (g_array_index (s->series, SdShopBucket, 29).revenue_cents, ==, 1000);
  }

  /* Top products in the range: the tote (2 in r-last); the shirt nets to nothing */
  g_assert_cmpuint (s->top_by_revenue->len, ==, 1);
  g_assert_cmpstr (((SdTopProduct *) g_ptr_array_index (s->top_by_revenue, 0))->external_id, ==, "p2");
  g_assert_cmpint (((SdTopProduct *) g_ptr_array_index (s->top_by_revenue, 0))->units, ==, 2);
}

/* The relative ranges end with the day of the newest counted order (r-after, 1 July),
 * not today. */
static void
test_range_relative (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopSummary) s30 = NULL;
  g_autoptr(SdShopSummary) s12 = NULL;
  g_autoptr(SdShopSummary) all = NULL;
  const gint64 end = JULY + DAY;

  g_assert_true (sd_store_exec (f->store, range_rows, &error));
  g_assert_no_error (error);

  s30 = load_range (f, SD_RANGE_LAST_30_DAYS, 0, 0);
  g_assert_cmpint (s30->newest_order_at, ==, JULY);
  g_assert_cmpint (s30->to, ==, end);
  g_assert_cmpint (s30->from, ==, end - 30 * DAY);
  g_assert_cmpint (s30->previous_from, ==, end - 60 * DAY);
  /* r-last, r-after and r-cancel; r-first (1 June) falls in the 30 days before */
  g_assert_cmpint (sd_shop_summary_main (s30)->now.revenue_cents, ==, 2 * 500 + 7000 - 1000);
  g_assert_cmpint (sd_shop_summary_main (s30)->before.revenue_cents, ==, 1000 + 4000);
  assert_figures_match_sql (f->store, &sd_shop_summary_main (s30)->now, end - 30 * DAY, end);
  assert_figures_match_sql (f->store, &sd_shop_summary_main (s30)->before, end - 60 * DAY, end - 30 * DAY);

  /* Twelve calendar months back from 2 July 2023: 2 July 2022; a bar a month */
  s12 = load_range (f, SD_RANGE_LAST_12_MONTHS, 0, 0);
  g_assert_cmpint (s12->from, ==, 1656720000);
  g_assert_cmpint (s12->bucket, ==, SD_TIME_BUCKET_MONTH);
  g_assert_cmpuint (s12->series->len, ==, 13);   /* July 2022 … July 2023 */
  assert_figures_match_sql (f->store, &sd_shop_summary_main (s12)->now, s12->from, s12->to);

  /* All time: no previous period, everything counted */
  all = load_range (f, SD_RANGE_ALL, 0, 0);
  g_assert_false (all->has_previous);
  assert_figures_match_sql (f->store, &sd_shop_summary_main (all)->now, G_MININT64, G_MAXINT64);
  g_assert_cmpint (all->shown_from, ==, 1677628800);   /* 1 March 2023, o1's day */
  g_assert_cmpint (all->shown_to, ==, end);
}

/* A range without orders: zeros, an empty bar per day, no top products; a range that ends
 * before it starts is refused. */
static void
test_range_empty (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SdShopSummary) s = load_range (f, SD_RANGE_CUSTOM, 1577836800, 1577836800 + 7 * DAY);
  const SdCurrencyFigures *main = sd_shop_summary_main (s);
  g_autoptr(GError) error = NULL;
  SdRange backwards = { SD_RANGE_CUSTOM, JULY, JUNE };

  g_assert_cmpuint (s->currencies->len, ==, 1);
  g_assert_cmpint (main->now.revenue_cents, ==, 0);
  g_assert_cmpint (main->now.orders_counted, ==, 0);
  g_assert_cmpint (main->now.average_order_cents, ==, 0);
  g_assert_cmpint (main->before.orders_counted, ==, 0);
  g_assert_cmpuint (s->series->len, ==, 7);
  for (guint i = 0; i < s->series->len; i++)
    g_assert_cmpint (g_array_index (s->series, SdShopBucket, i).revenue_cents, ==, 0);
  g_assert_cmpuint (s->top_by_revenue->len, ==, 0);
  g_assert_cmpuint (s->top_by_units->len, ==, 0);

  g_assert_null (sd_shop_summary_load_range (f->store, &backwards, 10, 0, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
}

/* The range as settings keep it, and back. */
static void
test_range_strings (void)
{
  SdRange range = { SD_RANGE_ALL, 0, 0 };
  g_autofree char *june = NULL, *last = NULL;

  g_assert_true (sd_range_from_string ("last-90-days", &range));
  g_assert_cmpint (range.kind, ==, SD_RANGE_LAST_90_DAYS);
  last = sd_range_to_string (&range);
  g_assert_cmpstr (last, ==, "last-90-days");

  g_assert_true (sd_range_from_string ("2023-06-01..2023-06-30", &range));
  g_assert_cmpint (range.kind, ==, SD_RANGE_CUSTOM);
  g_assert_cmpint (range.from, ==, JUNE);
  g_assert_cmpint (range.to, ==, JULY);
  june = sd_range_to_string (&range);
  g_assert_cmpstr (june, ==, "2023-06-01..2023-06-30");

  /* A single day is a range; a backwards one, a half one or a word is not */
  g_assert_true (sd_range_from_string ("2023-06-01..2023-06-01", &range));
  g_assert_cmpint (range.to - range.from, ==, DAY);
  g_assert_false (sd_range_from_string ("2023-06-30..2023-06-01", &range));
  g_assert_false (sd_range_from_string ("2023-06-01..", &range));
  g_assert_false (sd_range_from_string ("last-week", &range));
  g_assert_false (sd_range_from_string (NULL, &range));
  g_assert_cmpint (range.kind, ==, SD_RANGE_CUSTOM);
}

/* Two currencies: figures for each, never summed; the shop's first even when another
 * earned more; top products in the shop's currency alone. */
static const char dollar_rows[] =
  "INSERT INTO orders (external_id, customer_id, placed_at, status, currency) VALUES"
  " ('x1', " CUSTOMER ("c2") ", 1678300000, 'paid', 'USD'),"
  " ('x2', " CUSTOMER ("c2") ", 1678400000, 'paid', ' usd '),"
  " ('x3', " CUSTOMER ("c1") ", 1678500000, 'cancelled', 'USD');"
  "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES"
  " (" ORDER ("x1") ", 1, " PRODUCT ("p1") ", 2, 100000),"
  " (" ORDER ("x2") ", 1, " PRODUCT ("p2") ", 1, 500),"
  " (" ORDER ("x3") ", 1, " PRODUCT ("p2") ", 9, 500);";

static void
test_currencies (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopSummary) s = NULL;
  const SdCurrencyFigures *eur, *usd;

  g_assert_true (sd_store_exec (f->store, dollar_rows, &error));
  g_assert_no_error (error);
  s = load (f, 10, 0);

  g_assert_cmpuint (s->currencies->len, ==, 2);
  eur = g_ptr_array_index (s->currencies, 0);
  usd = g_ptr_array_index (s->currencies, 1);
  g_assert_true (eur == sd_shop_summary_main (s));
  g_assert_cmpstr (eur->currency, ==, "EUR");
  g_assert_cmpstr (usd->currency, ==, "USD");
  /* As before the dollars came */
  g_assert_cmpint (eur->now.revenue_cents, ==, 21170);
  g_assert_cmpint (eur->now.orders_counted, ==, 3);
  g_assert_cmpint (eur->now.average_order_cents, ==, (21170 + 1) / 3);
  /* x1 and x2 (its code written loosely); not the cancelled x3 */
  g_assert_cmpint (usd->now.revenue_cents, ==, 2 * 100000 + 500);
  g_assert_cmpint (usd->now.revenue_cents, ==,
                   query_int (f->store, "SELECT sum(l.quantity * l.unit_price_cents) FROM order_lines l"
                                        " JOIN orders o ON o.id = l.order_id"
                                        " WHERE upper(trim(o.currency)) = ?1 AND o.status = 'paid'", "USD"));
  g_assert_cmpint (usd->now.orders_counted, ==, 2);
  g_assert_cmpint (usd->now.average_order_cents, ==, (200500 + 1) / 2);
  g_assert_cmpint (usd->now.customers_active, ==, 1);
  /* The store's own sum adds currencies up; the figures never do */
  g_assert_cmpint (s->counts.revenue_cents, ==, eur->now.revenue_cents + usd->now.revenue_cents);

  /* The shirt's dollars are not added to its euros */
  {
    const SdTopProduct *top = g_ptr_array_index (s->top_by_revenue, 0);
    g_assert_cmpstr (top->external_id, ==, "p1");
    g_assert_cmpint (top->revenue_cents, ==, 3 * 3990);
    g_assert_cmpint (top->units, ==, 3);
  }
  /* The chart is in euros */
  {
    gint64 revenue = 0;
    for (guint i = 0; i < s->series->len; i++)
      revenue += g_array_index (s->series, SdShopBucket, i).revenue_cents;
    g_assert_cmpint (revenue, ==, eur->now.revenue_cents);
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
  ADD ("/shop-summary/range-edges", test_range_edges, "fixture");
  ADD ("/shop-summary/range-relative", test_range_relative, "fixture");
  ADD ("/shop-summary/range-empty", test_range_empty, "fixture");
  ADD ("/shop-summary/currencies", test_currencies, "fixture");
  g_test_add_func ("/shop-summary/range-strings", test_range_strings);
  ADD ("/shop-summary/empty", test_empty, NULL);
  ADD ("/shop-summary/only-events-is-not-empty", test_only_events_is_not_empty, NULL);
#undef ADD

  return g_test_run ();
}
