/* test-summary.c — the summary tables: right after every importer, an edit, the demo
 * generator and a first build; untouched by a cancelled import; and a tampered row is
 * found by the check `stats --verify` runs */
#include "config.h"

#include <string.h>

#include "empty-shop.h"
#include "sd-demo.h"
#include "sd-import.h"
#include "sd-product-kind.h"
#include "summary-check.h"

static char *
fixture_file (const char *name)
{
  const char *dir = g_getenv ("SD_FIXTURES_DIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static void
import (EmptyShop  *f,
        const char *name)
{
  g_autofree char *path = fixture_file (name);
  SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = sd_import_file (f->store, path, &options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
}

static void
exec (EmptyShop  *f,
      const char *sql)
{
  g_autoptr(GError) error = NULL;

  sd_store_exec (f->store, sql, &error);
  g_assert_no_error (error);
}

static int
by_text (gconstpointer a,
         gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every row of every summary table, as text: what must not change when nothing did. */
static char *
summary_dump (EmptyShop *f)
{
  static const char *const tables[] = {
    "summary_state", "summary_counts", "summary_customer_groups", "summary_order_currencies",
    "summary_dirty_orders", "summary_dirty_days", "summary_days", "summary_product_days",
    "summary_customer_days", "summary_products", "summary_active",
  };
  GString *dump = g_string_new (NULL);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s", tables[t]);
      g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
      sqlite3_stmt *stmt;

      g_assert_cmpint (sqlite3_prepare_v2 (sd_store_get_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          GString *row = g_string_new (NULL);

          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (row, "%s|", sqlite3_column_text (stmt, c)
                                               ? (const char *) sqlite3_column_text (stmt, c) : "NULL");
          g_ptr_array_add (rows, g_string_free (row, FALSE));
        }
      sqlite3_finalize (stmt);
      /* Rows in one order whatever the table's. */
      g_ptr_array_sort (rows, by_text);
      g_string_append_printf (dump, "%s:\n", tables[t]);
      for (guint i = 0; i < rows->len; i++)
        g_string_append_printf (dump, "%s\n", (const char *) g_ptr_array_index (rows, i));
    }
  return g_string_free (dump, FALSE);
}

/* A fixture of each importer, and Online Retail's again (its upserts). */
static const char *const files[] = {
  "online-retail.csv", "customers.csv", "products.csv", "orders.csv", "events.csv",
  "shopify-products.csv", "shopify-customers.csv", "shopify-orders.csv", "shopify-orders-discounts.csv",
  "woocommerce-products.csv", "woocommerce-customers.csv", "woocommerce-orders.csv",
  "movielens/u.data", "online-retail.csv",
};

/* Each importer into one shop, in turn, and one of them again (its upserts): the figures
 * agree after every one. Two currencies (GBP from Online Retail, EUR from Shopify). */
static void
test_importers (EmptyShop     *f,
                gconstpointer  data)
{
  summary_check_agree (f->store);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_test_message ("after %s", files[i]);
      import (f, files[i]);
      summary_check_agree (f->store);
    }
  g_assert_cmpint (empty_shop_int (f, "SELECT count(DISTINCT currency) FROM summary_days"), >=, 2);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM summary_products"), >, 0);
}

/* An import sums the figures of its days from the lines it holds (sd_summary_refresh_with_lines):
 * every importer's figures are those read back from the shop, byte for byte. */
static void
test_import_sums (EmptyShop     *f,
                  gconstpointer  data)
{

  /* Postage, a fee and a zero line beside goods, a return, a cancellation; a pending and a
   * refunded order, a line of a product-less order: the rules of sd-figures.h each apply. */
  g_autofree char *retail = g_build_filename (f->dir, "kinds.csv", NULL);
  g_autofree char *orders = g_build_filename (f->dir, "kinds-orders.csv", NULL);
  const char *const written[] = { retail, orders };

  g_assert_true (g_file_set_contents (retail,
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
    "536365,POST,POSTAGE,1,12/1/2010 8:26,18.00,17850,United Kingdom\n"
    "536366,POST,POSTAGE,2,12/1/2010 9:26,18.00,12583,France\n"
    "536367,BANK CHARGES,Bank Charges,1,12/1/2010 9:30,15.00,,United Kingdom\n"
    "536367,85123A,WHITE HANGING HEART T-LIGHT HOLDER,0,12/1/2010 9:30,2.55,,United Kingdom\n"
    "C536368,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-2,12/1/2010 10:00,2.55,17850,United Kingdom\n"
    "C536368,POST,POSTAGE,-1,12/1/2010 10:00,18.00,17850,United Kingdom\n"
    "536369,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-1,12/2/2010 10:00,2.55,12583,France\n", -1, NULL));
  g_assert_true (g_file_set_contents (orders,
    "order_id,customer_id,placed_at,status,currency,country,product_id,quantity,unit_price\n"
    "k1,c1,2010-12-01 11:00:00,pending,GBP,DE,85123A,3,2.55\n"
    "k1,c1,2010-12-01 11:00:00,pending,GBP,DE,85123A,-1,2.55\n"
    "k2,c2,2010-12-01 12:00:00,refunded,gbp ,DE,POST,1,18.00\n"
    "k2,c2,2010-12-01 12:00:00,refunded,gbp ,DE,85123A,-1,2.55\n"
    "k3,c2,2010-12-02 12:00:00,paid,EUR,DE,p9,1,5.00\n", -1, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (files) + G_N_ELEMENTS (written); i++)
    {
      const char *file = i < G_N_ELEMENTS (written) ? written[i] : files[i - G_N_ELEMENTS (written)];
      g_autofree char *imported = NULL;
      g_autofree char *read_back = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("after %s", file);
      if (i < G_N_ELEMENTS (written))
        {
          SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
          g_autoptr(SdImportReport) report = sd_import_file (f->store, file, &options, NULL, NULL, NULL, &error);
          g_assert_no_error (error);
        }
      else
        import (f, file);
      imported = summary_dump (f);
      /* Every day again, from the lines in the shop. */
      g_assert_true (sd_store_begin (f->store, &error));
      exec (f, "INSERT OR IGNORE INTO summary_dirty_days SELECT DISTINCT " SD_SQL_DAY ("placed_at") " FROM orders");
      g_assert_true (sd_store_commit (f->store, &error));
      g_assert_no_error (error);
      read_back = summary_dump (f);
      g_assert_cmpstr (imported, ==, read_back);
    }
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM summary_product_days"), >, 0);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM products WHERE kind IN ('shipping', 'fee')"), ==, 2);
}

/* A product sold on one day and returned weeks later nets to nothing: no row in
 * summary_products. Imported again, the two days are folded in different batches, and
 * the product's total is still nothing, and what its days' rows add up to. */
static void
test_product_totals (EmptyShop     *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "return.csv", NULL);
  const char *disagree =
    "SELECT count(*) FROM (SELECT currency, product_id, sum(revenue_cents) AS r, sum(units) AS u"
    "                      FROM summary_product_days GROUP BY currency, product_id"
    "                      HAVING sum(revenue_cents) <> 0 OR sum(units) <> 0) d"
    " FULL JOIN summary_products p USING (currency, product_id)"
    " WHERE d.r IS NOT p.revenue_cents OR d.u IS NOT p.units";

  GString *text = g_string_new ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
                                 "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,1,12/1/2010 8:26,2.55,17850,United Kingdom\n");

  /* Twenty days between them, more than a batch of days */
  for (int day = 2; day < 22; day++)
    g_string_append_printf (text, "5364%02d,22633,HAND WARMER,2,12/%d/2010 8:28,1.85,17850,United Kingdom\n", day, day);
  g_string_append (text, "C540000,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-1,1/10/2011 10:00,2.55,17850,United Kingdom\n");
  g_assert_true (g_file_set_contents (path, text->str, -1, NULL));
  g_string_free (text, TRUE);
  for (int i = 0; i < 2; i++)
    {
      SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
      g_autoptr(GError) error = NULL;
      g_autoptr(SdImportReport) report = sd_import_file (f->store, path, &options, NULL, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM summary_products"), ==, 1);
      g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM summary_product_days"), ==, 22);
      g_assert_cmpint (empty_shop_int (f, disagree), ==, 0);
    }
}

/* The shop's tables, indexes and triggers as text: an import drops some for a while. */
static char *
schema_dump (EmptyShop *f)
{
  GString *dump = g_string_new (NULL);
  sqlite3_stmt *stmt;

  g_assert_cmpint (sqlite3_prepare_v2 (sd_store_get_db (f->store),
                                       "SELECT type, name, sql FROM sqlite_master ORDER BY type, name",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (dump, "%s %s %s\n", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                            sqlite3_column_text (stmt, 2) ? (const char *) sqlite3_column_text (stmt, 2) : "-");
  sqlite3_finalize (stmt);
  return g_string_free (dump, FALSE);
}

typedef struct {
  GCancellable *cancellable;
} CancelData;

static void
cancel_at_once (guint64  done,
                guint64  total,
                guint64  rows,
                gpointer user_data)
{
  g_cancellable_cancel (((CancelData *) user_data)->cancellable);
}

/* An import cancelled after all its rows were written (the check after the last row):
 * the summaries have counted them and noted their days, and the rollback takes it all
 * back, the triggers and indexes the import dropped for its rows too. */
static void
test_cancelled_import (EmptyShop     *f,
                       gconstpointer  data)
{
  g_autofree char *path = fixture_file ("shopify-orders.csv");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelData d = { cancellable };
  SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autofree char *before = NULL, *after = NULL, *schema = NULL, *schema_after = NULL;
  gint64 orders;

  /* Into the empty shop, where the import sets aside the most. */
  schema = schema_dump (f);
  report = sd_import_file (f->store, path, &options, cancel_at_once, &d, cancellable, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_cancellable_reset (cancellable);
  schema_after = schema_dump (f);
  g_assert_cmpstr (schema_after, ==, schema);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM order_lines"), ==, 0);
  g_clear_pointer (&schema_after, g_free);

  import (f, "online-retail.csv");
  before = summary_dump (f);
  g_clear_pointer (&schema, g_free);
  schema = schema_dump (f);
  orders = empty_shop_int (f, "SELECT count(*) FROM orders");
  report = sd_import_file (f->store, path, &options, cancel_at_once, &d, cancellable, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = summary_dump (f);
  g_assert_cmpstr (after, ==, before);
  /* The triggers and indexes the import set aside are back. */
  schema_after = schema_dump (f);
  g_assert_cmpstr (schema_after, ==, schema);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM orders"), ==, orders);
  summary_check_agree (f->store);
}

/* Edits outside imports: a product's kind (the merchandiser's override), an order's
 * status and day, a customer forgotten, an event's kind, lines deleted. */
static void
test_edits (EmptyShop     *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 product, revenue;

  import (f, "online-retail.csv");
  import (f, "events.csv");
  revenue = empty_shop_int (f, "SELECT sum(revenue_cents) FROM summary_days");
  product = empty_shop_int (f, "SELECT product_id FROM summary_products ORDER BY revenue_cents DESC LIMIT 1");

  /* Not merchandise any more: its lines leave revenue. */
  g_assert_true (sd_product_kind_set (f->store, product, SD_PRODUCT_FEE, &error));
  g_assert_no_error (error);
  summary_check_agree (f->store);
  g_assert_cmpint (empty_shop_int (f, "SELECT sum(revenue_cents) FROM summary_days"), <, revenue);

  g_assert_true (sd_store_begin (f->store, &error));
  exec (f, "UPDATE orders SET status = 'refunded' WHERE id = (SELECT min(id) FROM orders)");
  exec (f, "UPDATE orders SET placed_at = placed_at + 40 * 86400, currency = 'usd'"
           " WHERE id = (SELECT max(id) FROM orders)");
  exec (f, "DELETE FROM customers WHERE id = (SELECT min(customer_id) FROM orders)");
  exec (f, "UPDATE customers SET country = 'Atlantis' WHERE id = (SELECT max(id) FROM customers)");
  exec (f, "UPDATE events SET kind = 3, rating = 4 WHERE id = (SELECT min(id) FROM events)");
  exec (f, "DELETE FROM order_lines WHERE id IN (SELECT id FROM order_lines ORDER BY id LIMIT 2)");
  g_assert_true (sd_store_commit (f->store, &error));
  g_assert_no_error (error);
  summary_check_agree (f->store);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM summary_days WHERE currency = 'USD'"), ==, 1);

  /* A deleted product takes its lines' product out of the top lists (ON DELETE SET NULL). */
  g_assert_true (sd_store_begin (f->store, &error));
  exec (f, "DELETE FROM products WHERE id = (SELECT product_id FROM summary_products"
           "                                  ORDER BY units DESC LIMIT 1)");
  g_assert_true (sd_store_commit (f->store, &error));
  summary_check_agree (f->store);
}

static void
test_demo (EmptyShop     *f,
           gconstpointer  data)
{
  SdDemoOptions options;
  g_autoptr(GError) error = NULL;

  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "300", &error));
  g_assert_true (sd_demo_generate (f->store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  summary_check_agree (f->store);
}

/* The kind of each product, by external id, as "M=merchandise,B=fee,…" in id order. */
static char *
kinds_of (EmptyShop *f)
{
  return empty_shop_text (f, "SELECT group_concat (external_id || '=' || kind, ',') FROM"
                             " (SELECT external_id, kind FROM products ORDER BY id)");
}

static void
reopen (EmptyShop *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_finalize_object (f->store);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
}

/* A shop whose kinds an older Shopdesk gave (Online Retail's codes M, S read on every shop)
 * gets today's rules when it is opened: its M and S become merchandise and their lines
 * count in revenue again, the figures agreeing; a kind a person chose (B as a fee, which
 * neither rule gives, or S chosen on the Data page later) stays, then and after. */
static void
test_kind_rules_update (EmptyShop     *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL, *version = NULL, *again = NULL, *chosen = NULL;
  gint64 revenue;

  g_assert_true (sd_store_begin (f->store, &error));
  exec (f, "INSERT INTO customers (id, external_id, country) VALUES (1, 'c1', 'France');"
           "INSERT INTO products (id, external_id, title, price_cents) VALUES"
           " (1, 'M', 'Linen tee, size M', 1990), (2, 'S', 'Silk scarf', 2500),"
           " (3, 'B', 'Canvas bag', 1200), (4, 'SHIP', 'Shipping', 495), (5, 'T', 'Teapot', 3000);"
           "INSERT INTO orders (id, external_id, customer_id, placed_at, status, total_cents, currency) VALUES"
           " (1, 'o1', 1, 1700000000, 'paid', 9675, 'EUR'), (2, 'o2', 1, 1700090000, 'paid', 3000, 'EUR');"
           "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES"
           " (1, 1, 1, 1, 1990), (1, 2, 2, 1, 2500), (1, 3, 3, 1, 1200), (1, 4, 4, 1, 495), (2, 1, 5, 1, 3000);");
  g_assert_cmpint (sd_product_kinds_classify (f->store, SD_PRODUCT_RULES_TITLES, &error), ==, 1);
  g_assert_true (sd_store_commit (f->store, &error));
  /* what an older Shopdesk left: M and S by Online Retail's codes, B a person's fee */
  g_assert_true (sd_store_begin (f->store, &error));
  exec (f, "UPDATE products SET kind = 'adjustment' WHERE external_id IN ('M', 'S');"
           "UPDATE products SET kind = 'fee' WHERE external_id = 'B';"
           "DELETE FROM settings WHERE key = 'products.kind-rules'");
  g_assert_true (sd_store_commit (f->store, &error));
  g_assert_no_error (error);
  summary_check_agree (f->store);
  revenue = empty_shop_int (f, "SELECT sum(revenue_cents) FROM summary_days");
  before = kinds_of (f);
  g_assert_cmpstr (before, ==, "M=adjustment,S=adjustment,B=fee,SHIP=shipping,T=merchandise");

  reopen (f);
  after = kinds_of (f);
  g_assert_cmpstr (after, ==, "M=merchandise,S=merchandise,B=fee,SHIP=shipping,T=merchandise");
  version = empty_shop_text (f, "SELECT value FROM settings WHERE key = 'products.kind-rules'");
  g_assert_cmpstr (version, ==, "2");
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM product_kind_choices"), ==, 1);
  summary_check_agree (f->store);
  g_assert_cmpint (empty_shop_int (f, "SELECT sum(revenue_cents) FROM summary_days"), ==, revenue + 1990 + 2500);

  /* A kind chosen on the Data page, then rules newer again: the choices stay. */
  g_assert_true (sd_product_kind_set (f->store, 2, SD_PRODUCT_FEE, &error));
  g_assert_no_error (error);
  exec (f, "UPDATE settings SET value = '1' WHERE key = 'products.kind-rules'");
  reopen (f);
  again = kinds_of (f);
  g_assert_cmpstr (again, ==, "M=merchandise,S=fee,B=fee,SHIP=shipping,T=merchandise");
  chosen = empty_shop_text (f, "SELECT group_concat (product_id) FROM product_kind_choices");
  g_assert_cmpstr (chosen, ==, "2,3");
  summary_check_agree (f->store);
}

/* A shop from before the summaries: the migration counts and notes every day, and the
 * first summary load builds the figures, which then agree. */
/* Takes the shop back to the schema before the summaries (the last migration), closed. */
static void
make_pre_summary_shop (EmptyShop *f)
{
  sqlite3_stmt *stmt;
  GString *drop = g_string_new (NULL);

  import (f, "online-retail.csv");
  import (f, "shopify-orders.csv");
  g_assert_cmpint (sqlite3_prepare_v2 (sd_store_get_db (f->store),
                                       "SELECT type, name FROM sqlite_master WHERE name LIKE 'summary%'"
                                       " AND type IN ('table', 'trigger')", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (drop, "DROP %s %s;", sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);
  g_string_append_printf (drop, "DROP INDEX orders_placed_at; PRAGMA user_version = %d;",
                          sd_store_summaries_schema_version () - 1);
  exec (f, drop->str);
  g_string_free (drop, TRUE);
  g_assert_finalize_object (f->store);
  f->store = NULL;
}

static void
test_migration (EmptyShop     *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdShopSummary) summary = NULL;

  make_pre_summary_shop (f);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sd_summary_state (f->store), ==, SD_SUMMARY_UNBUILT);
  /* Counted from the base tables until built. */
  g_assert_cmpint (empty_shop_int (f, "SELECT n FROM summary_counts WHERE what = 3"), ==,
                   empty_shop_int (f, "SELECT count(*) FROM order_lines"));
  summary = sd_shop_summary_load (f->store, 10, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (summary->counts.order_lines, ==, empty_shop_int (f, "SELECT count(*) FROM order_lines"));
  summary_check_agree (f->store);
}

typedef struct {
  GArray       *fractions;
  GCancellable *cancellable;
  guint         cancel_at;     /* cancel at this call (1-based); 0 never */
  gboolean      building;      /* a line about adding up the figures was seen */
} Progress;

static void
progress_cb (double      fraction,
             const char *text,
             gpointer    user_data)
{
  Progress *p = user_data;

  g_assert_nonnull (text);
  g_array_append_val (p->fractions, fraction);
  p->building |= strstr (text, "figures") != NULL;
  if (p->fractions->len == p->cancel_at)
    g_cancellable_cancel (p->cancellable);
}

/* What the window does, in a job, with a shop of an older schema: told that it needs
 * updating, cancelled part-way it is left exactly as it was (schema and tables), and
 * updated it reports rising progress to the end and has its summaries built and right. */
static void
test_open_updating (EmptyShop     *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GArray) fractions = g_array_new (FALSE, FALSE, sizeof (double));
  Progress p = { fractions, cancellable, 2, FALSE };
  SdStore *store;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  make_pre_summary_shop (f);
  g_assert_true (sd_store_needs_update (f->path));

  store = sd_store_open_updating (f->path, SD_STORE_OPEN_EXISTING, progress_cb, &p, cancellable, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (store);
  g_clear_error (&error);
  g_assert_cmpuint (fractions->len, >=, 2);
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT (SELECT user_version FROM pragma_user_version),"
                                           " (SELECT count(*) FROM sqlite_master WHERE name LIKE 'summary%')",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, sd_store_summaries_schema_version () - 1);
  g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  g_assert_true (sd_store_needs_update (f->path));

  g_cancellable_reset (cancellable);
  g_array_set_size (fractions, 0);
  p.cancel_at = 0;
  f->store = sd_store_open_updating (f->path, SD_STORE_OPEN_EXISTING, progress_cb, &p, cancellable, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->store);
  g_assert_true (p.building);
  for (guint i = 1; i < fractions->len; i++)
    g_assert_cmpfloat (g_array_index (fractions, double, i), >=, g_array_index (fractions, double, i - 1));
  g_assert_cmpfloat (g_array_index (fractions, double, fractions->len - 1), ==, 1.0);
  g_assert_false (sd_store_needs_update (f->path));
  summary_check_agree (f->store);
}

/* A summary row changed behind Shopdesk's back is found, by the API and by the CLI, which
 * exits non-zero naming it. */
static void
test_tampered (EmptyShop     *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  const char *cli = g_getenv ("SD_CLI");
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;

  import (f, "online-retail.csv");
  summary_check_agree (f->store);
  exec (f, "UPDATE summary_days SET revenue_cents = revenue_cents + 100"
           " WHERE day = (SELECT max(day) FROM summary_days)");
  exec (f, "UPDATE summary_counts SET n = n + 1 WHERE what = 0");
  found = sd_shop_summary_verify (f->store, 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, >=, 2);

  g_assert_nonnull (cli);
  {
    const char *argv[] = { cli, "--db", f->path, "stats", "--verify", NULL };

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
  }
  g_assert_false (g_spawn_check_wait_status (status, NULL));
  g_assert_nonnull (strstr (err, "summary tables differ"));
  g_assert_nonnull (strstr (err, "revenue_cents"));
  g_assert_nonnull (strstr (err, "customers is"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/summary/importers", EmptyShop, NULL, empty_shop_set_up, test_importers, empty_shop_tear_down);
  g_test_add ("/summary/cancelled-import", EmptyShop, NULL, empty_shop_set_up, test_cancelled_import,
              empty_shop_tear_down);
  g_test_add ("/summary/import-sums", EmptyShop, NULL, empty_shop_set_up, test_import_sums, empty_shop_tear_down);
  g_test_add ("/summary/product-totals", EmptyShop, NULL, empty_shop_set_up, test_product_totals,
              empty_shop_tear_down);
  g_test_add ("/summary/edits", EmptyShop, NULL, empty_shop_set_up, test_edits, empty_shop_tear_down);
  g_test_add ("/summary/demo", EmptyShop, NULL, empty_shop_set_up, test_demo, empty_shop_tear_down);
  g_test_add ("/summary/migration", EmptyShop, NULL, empty_shop_set_up, test_migration, empty_shop_tear_down);
  g_test_add ("/summary/kind-rules-update", EmptyShop, NULL, empty_shop_set_up, test_kind_rules_update,
              empty_shop_tear_down);
  g_test_add ("/summary/open-updating", EmptyShop, NULL, empty_shop_set_up, test_open_updating,
              empty_shop_tear_down);
  g_test_add ("/summary/tampered", EmptyShop, NULL, empty_shop_set_up, test_tampered, empty_shop_tear_down);
  return g_test_run ();
}
