/* test-import.c — the importers: every format on good and bad files, rollback on
 * failure and cancellation, re-imports, hashed identities, and the real data sets */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "sd-shop-summary.h"
#include "sd-error.h"
#include "sd-import-private.h"
#include "sd-product-kind.h"
#include "step-cancel.h"
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

  f->dir = g_dir_make_tmp ("sd-import-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  temp_folder_remove (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static char *
fixture_file (const char *name)
{
  const char *dir = g_getenv ("SD_FIXTURES_DIR");
  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static char *
dataset_file (const char *name)
{
  const char *dir = g_getenv ("SD_DATASETS_DIR");
  return dir ? g_build_filename (dir, name, NULL) : g_strdup (name);
}

static char *
write_temp (Fixture    *f,
            const char *name,
            const char *data,
            gssize      len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static SdImportReport *
import_with (Fixture        *f,
             const char     *path,
             SdImportFormat  format,
             gboolean        hash,
             GError        **error)
{
  SdImportOptions options = { format, hash };
  return sd_import_file (f->store, path, &options, NULL, NULL, NULL, error);
}

/* Imports a fixture that must work. */
static SdImportReport *
import_ok (Fixture        *f,
           const char     *name,
           SdImportFormat  format)
{
  g_autofree char *path = fixture_file (name);
  g_autoptr(GError) error = NULL;
  SdImportReport *report = import_with (f, path, format, FALSE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static gint64
query_int (SdStore    *store,
           const char *sql)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static char *
query_text (SdStore    *store,
            const char *sql)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/* A checksum of every row of the shop's tables: equal sums mean equal content. */
static char *
content_checksum (SdStore  *store,
                  gboolean  with_imports)
{
  static const char *const tables[] = {
    "SELECT * FROM customers ORDER BY 1",
    "SELECT * FROM products ORDER BY 1",
    "SELECT * FROM product_texts ORDER BY 1, 2",
    "SELECT * FROM orders ORDER BY 1",
    "SELECT * FROM order_lines ORDER BY 1",
    "SELECT * FROM events ORDER BY 1",
    "SELECT * FROM runs ORDER BY 1",
    "SELECT * FROM run_points ORDER BY 1, 2, 3",
    "SELECT * FROM models ORDER BY 1",
    "SELECT * FROM settings ORDER BY 1",
    "SELECT * FROM imports ORDER BY 1",
  };
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint t = 0; t < G_N_ELEMENTS (tables) - (with_imports ? 0 : 1); t++)
    {
      g_autoptr(SdStmt) stmt = sd_store_prepare (store, tables[t], NULL);
      int rc;

      g_assert_nonnull (stmt);
      g_checksum_update (sum, (const guchar *) tables[t], -1);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          {
            const void *data = sqlite3_column_blob (stmt, c);
            int len = sqlite3_column_bytes (stmt, c);
            char type = '0' + sqlite3_column_type (stmt, c);
            g_checksum_update (sum, (const guchar *) &type, 1);
            if (data)
              g_checksum_update (sum, data, len);
            g_checksum_update (sum, (const guchar *) "\x1f", 1);
          }
      g_assert_cmpint (rc, ==, SQLITE_DONE);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static void
assert_stats_equal (const SdStoreStats *a,
                    const SdStoreStats *b)
{
  g_assert_cmpint (a->customers, ==, b->customers);
  g_assert_cmpint (a->products, ==, b->products);
  g_assert_cmpint (a->orders, ==, b->orders);
  g_assert_cmpint (a->order_lines, ==, b->order_lines);
  g_assert_cmpint (a->revenue_cents, ==, b->revenue_cents);
  for (int k = 0; k < SD_N_EVENT_KINDS; k++)
    g_assert_cmpint (a->events[k], ==, b->events[k]);
}

/* Parsers */

static void
test_parse_cents (void)
{
  static const struct { const char *text; gint64 cents; gboolean rounded; } good[] = {
    { "2.55", 255, FALSE }, { "3", 300, FALSE }, { "0.1", 10, FALSE }, { ".5", 50, FALSE },
    { "-11062.06", -1106206, FALSE }, { "+4.20", 420, FALSE }, { "0.001", 0, TRUE },
    { "1.005", 101, TRUE }, { "-1.005", -101, TRUE }, { "19.994", 1999, TRUE },
    { "0.10", 10, FALSE }, { "123456789012.34", 12345678901234, FALSE },
  };
  static const char *const bad[] = { "", "12,5", "1.2.3", "1e3", "abc", "$4", "-", ".", "1 000" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 cents = -1;
      gboolean rounded = !good[i].rounded;
      g_assert_true (sd_import_parse_cents (good[i].text, &cents, &rounded));
      g_assert_cmpint (cents, ==, good[i].cents);
      g_assert_cmpint (rounded, ==, good[i].rounded);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 cents;
      g_assert_false (sd_import_parse_cents (bad[i], &cents, NULL));
    }
}

static void
test_parse_time (void)
{
  static const struct { const char *text; gint64 at; } good[] = {
    { "2010-12-01 08:26:00", 1291191960 },
    { "2010-12-01T08:26:00Z", 1291191960 },
    { "2010-12-01 08:26", 1291191960 },
    { "12/1/2010 8:26", 1291191960 },
    { "12/01/2010 08:26:00", 1291191960 },
    { "2023-03-01 10:00:00 +0100", 1677661200 },
    { "2023-03-01T10:00:00+01:00", 1677661200 },
    { "2023-03-02 11:30:00 -0500", 1677774600 },
    { "2023-01-05", 1672876800 },
    { "2000-02-29 23:59:59", 951868799 },
    { "881250949", 881250949 },
    { "1/5/2011 4:15 PM", 1294244100 },
    { "2011-12-09 12:50:00.000", 1323435000 },
  };
  static const char *const bad[] = {
    "", "2010-13-01", "2010-12-32", "2011-02-29", "2/30/2011 10:00", "12/1/10 8:26",
    "2010-12-01 25:00", "2010-12-01 08:61", "yesterday", "2010-12-01 08:26:00 +99", "2010/12/01",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gint64 at = 0;
      if (!sd_import_parse_time (good[i].text, &at))
        g_error ("could not parse “%s”", good[i].text);
      g_assert_cmpint (at, ==, good[i].at);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gint64 at;
      if (sd_import_parse_time (bad[i], &at))
        g_error ("parsed “%s” as %" G_GINT64_FORMAT, bad[i], at);
    }
}

static void
test_parse_int (void)
{
  gint64 v;

  g_assert_true (sd_import_parse_int ("17850", &v));
  g_assert_cmpint (v, ==, 17850);
  g_assert_true (sd_import_parse_int ("17850.0", &v));
  g_assert_cmpint (v, ==, 17850);
  g_assert_true (sd_import_parse_int ("-80995", &v));
  g_assert_cmpint (v, ==, -80995);
  g_assert_false (sd_import_parse_int ("6x", &v));
  g_assert_false (sd_import_parse_int ("1.5", &v));
  g_assert_false (sd_import_parse_int ("", &v));
  g_assert_false (sd_import_parse_int ("99999999999999999999", &v));
}

static void
test_format_names (void)
{
  for (guint i = 0; i < SD_N_IMPORT_FORMATS; i++)
    {
      SdImportFormat back = SD_N_IMPORT_FORMATS;
      const char *name = sd_import_format_to_string (i);
      g_assert_true (sd_import_format_from_string (name, &back));
      g_assert_cmpint (back, ==, i);
      g_assert_nonnull (sd_import_format_get_label (i));
    }
  g_assert_cmpstr (sd_import_format_to_string (SD_IMPORT_SHOPIFY_ORDERS), ==, "shopify-orders");
  g_assert_false (sd_import_format_from_string ("excel", &(SdImportFormat) { 0 }));

  {
    g_autofree char *one = sd_import_rows_to_text (1);
    g_autofree char *many = sd_import_rows_to_text (120000);
    g_autofree char *huge = sd_import_rows_to_text (20541909);
    g_assert_cmpstr (one, ==, "1 row");
    g_assert_cmpstr (many, ==, "120,000 rows");
    g_assert_cmpstr (huge, ==, "20,541,909 rows");
  }
  /* Grouped as the user's locale groups, not with a ',' written in: German "120.000". */
  {
    g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));

    if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL)
      g_test_message ("no de_DE.UTF-8 locale: German grouping not checked");
    else
      {
        g_autofree char *many = sd_import_rows_to_text (120000);
        g_assert_cmpstr (many, ==, "120.000 rows");
      }
    setlocale (LC_ALL, saved);
  }
}

static void
test_detect (void)
{
  static const struct { const char *file; SdImportFormat format; } cases[] = {
    { "online-retail.csv", SD_IMPORT_ONLINE_RETAIL },
    { "online-retail-latin1.csv", SD_IMPORT_ONLINE_RETAIL },
    { "movielens/u.data", SD_IMPORT_MOVIELENS },
    { "movielens/u.item", SD_IMPORT_MOVIELENS },
    { "movielens-csv/ratings.csv", SD_IMPORT_MOVIELENS },
    { "movielens-csv/movies.csv", SD_IMPORT_MOVIELENS },
    { "shopify-products.csv", SD_IMPORT_SHOPIFY_PRODUCTS },
    { "shopify-products-2024.csv", SD_IMPORT_SHOPIFY_PRODUCTS },
    { "shopify-orders.csv", SD_IMPORT_SHOPIFY_ORDERS },
    { "shopify-customers.csv", SD_IMPORT_SHOPIFY_CUSTOMERS },
    { "woocommerce-products.csv", SD_IMPORT_WOOCOMMERCE_PRODUCTS },
    { "customers.csv", SD_IMPORT_CUSTOMERS },
    { "products.csv", SD_IMPORT_PRODUCTS },
    { "orders.csv", SD_IMPORT_ORDERS },
    { "events.csv", SD_IMPORT_EVENTS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = fixture_file (cases[i].file);
      g_autoptr(GError) error = NULL;
      SdImportFormat format = SD_IMPORT_AUTO;

      g_assert_true (sd_import_detect_format (path, &format, &error));
      g_assert_no_error (error);
      if (format != cases[i].format)
        g_error ("%s detected as %s", cases[i].file, sd_import_format_to_string (format));
    }
}

/* Formats */

static void
test_online_retail (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(SdImportReport) report = import_ok (f, "online-retail.csv", SD_IMPORT_AUTO);
  g_autofree char *title = NULL;
  SdStoreStats stats;

  g_assert_cmpint (report->format, ==, SD_IMPORT_ONLINE_RETAIL);
  g_assert_cmpuint (report->rows_read, ==, 10);
  g_assert_cmpuint (report->rows_imported, ==, 10);
  g_assert_cmpuint (report->rows_rejected, ==, 0);
  g_assert_cmpuint (sd_import_report_get_count (report, "cancellations"), ==, 1);
  g_assert_cmpuint (sd_import_report_get_count (report, "negative-quantities"), ==, 2);
  g_assert_cmpuint (sd_import_report_get_count (report, "rows-without-customer"), ==, 3);

  g_assert_true (sd_store_get_stats (f->store, &stats, NULL));
  g_assert_cmpint (stats.orders, ==, 8);
  g_assert_cmpint (stats.order_lines, ==, 10);
  g_assert_cmpint (stats.products, ==, 7);
  g_assert_cmpint (stats.customers, ==, 2);
  /* Two lines of one basket for the same product are one event with both quantities. */
  g_assert_cmpint (stats.events[SD_EVENT_PURCHASE], ==, 5);
  g_assert_cmpint (query_int (f->store, "SELECT quantity FROM events e JOIN products p ON p.id = e.product_id"
                                        " WHERE p.external_id = '71053'"), ==, 8);
  g_assert_cmpstr ((title = query_text (f->store, "SELECT status FROM orders WHERE external_id = 'C536379'")), ==, "cancelled");
  g_clear_pointer (&title, g_free);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM orders WHERE customer_id IS NULL"), ==, 3);
  /* Both date styles, as UTC. */
  g_assert_cmpint (query_int (f->store, "SELECT placed_at FROM orders WHERE external_id = '536366'"), ==, 1291192080);
  g_assert_cmpint (query_int (f->store, "SELECT placed_at FROM orders WHERE external_id = '536365'"), ==, 1291191960);
  /* The latest ordinary sale names and prices the product; quotes survive. */
  title = query_text (f->store, "SELECT title FROM products WHERE external_id = '22633'");
  g_assert_cmpstr (title, ==, "HAND WARMER \"UNION JACK\", RED");
  g_assert_cmpint (query_int (f->store, "SELECT price_cents FROM products WHERE external_id = '22633'"), ==, 210);
  g_assert_cmpint (query_int (f->store, "SELECT total_cents FROM orders WHERE external_id = '536365'"), ==, 6 * 255 + 8 * 339);
  /* Net sales: C536379 takes one holder back. */
  g_assert_cmpint (stats.revenue_cents, ==, 6 * 255 + 8 * 339 + 6 * 185 + 32 * 169 + 251 + 3 * 210 - 255);
  /* The import is on record, in the same transaction. */
  g_assert_cmpint (query_int (f->store, "SELECT rows_imported FROM imports"), ==, 10);
  /* and so is the shop's currency, from its orders, for every page to show money in */
  {
    g_autofree char *currency = sd_store_get_setting (f->store, "shop.currency");
    g_assert_cmpstr (currency, ==, "GBP");
  }
}

/* The 2009–2011 release names a few columns differently and went through a spreadsheet. */
static void
test_online_retail_ii (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = write_temp (f, "online_retail_II.csv",
                                      "Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country\n"
                                      "489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,12/1/2009 7:45,6.95,13085.0,United Kingdom\n"
                                      "489434,79323P,PINK CHERRY LIGHTS,12,12/1/2009 7:45,6.75,13085.0,United Kingdom\n"
                                      "489435,22350,CAT BOWL ,12,12/1/2009 7:46,2.55,13085,United Kingdom\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = import_with (f, path, SD_IMPORT_AUTO, FALSE, &error);
  g_autofree char *id = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (report->format, ==, SD_IMPORT_ONLINE_RETAIL);
  g_assert_cmpuint (report->rows_imported, ==, 3);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers"), ==, 1);
  id = query_text (f->store, "SELECT external_id FROM customers");
  g_assert_cmpstr (id, ==, "13085");
  g_assert_cmpint (query_int (f->store, "SELECT placed_at FROM orders WHERE external_id = '489434'"), ==, 1259653500);
}

/* Online Retail has no list price: a product's is the one its ordinary sales have most
 * often, ties to the latest; not its last sale's, nor a cancellation's or an adjustment's. */
static void
test_online_retail_usual_price (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *path = write_temp (f, "online_retail.csv",
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
      "536365,22423,REGENCY CAKESTAND 3 TIER,2,12/1/2010 8:26,12.75,17850,United Kingdom\n"
      "536366,22423,REGENCY CAKESTAND 3 TIER,1,12/2/2010 8:26,10.95,17850,United Kingdom\n"
      "536367,22423,REGENCY CAKESTAND 3 TIER,4,12/3/2010 8:26,12.75,13047,United Kingdom\n"
      "536368,22423,REGENCY CAKESTAND 3 TIER,1,12/4/2010 8:26,24.96,,United Kingdom\n"
      "C536369,22423,REGENCY CAKESTAND 3 TIER,-1,12/5/2010 8:26,24.96,13047,United Kingdom\n"
      "C536370,22423,REGENCY CAKESTAND 3 TIER,-1,12/5/2010 9:26,24.96,13047,United Kingdom\n"
      "536371,22423,damaged,-3,12/6/2010 8:26,0,,United Kingdom\n"
      /* two prices twice each: the later wins */
      "536372,21212,PACK OF 72 RETROSPOT CAKE CASES,24,12/1/2010 8:26,0.55,17850,United Kingdom\n"
      "536373,21212,PACK OF 72 RETROSPOT CAKE CASES,24,12/2/2010 8:26,0.42,17850,United Kingdom\n"
      "536374,21212,PACK OF 72 RETROSPOT CAKE CASES,24,12/3/2010 8:26,0.42,17850,United Kingdom\n"
      "536375,21212,PACK OF 72 RETROSPOT CAKE CASES,24,12/4/2010 8:26,0.55,17850,United Kingdom\n"
      "536376,21212,PACK OF 72 RETROSPOT CAKE CASES,1,12/5/2010 8:26,1.25,,United Kingdom\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = import_with (f, path, SD_IMPORT_ONLINE_RETAIL, FALSE, &error);
  g_autofree char *title = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (report->rows_imported, ==, 12);
  g_assert_cmpint (query_int (f->store, "SELECT price_cents FROM products WHERE external_id = '22423'"), ==, 1275);
  g_assert_cmpint (query_int (f->store, "SELECT price_cents FROM products WHERE external_id = '21212'"), ==, 55);
  /* the title stays the latest ordinary sale's, not an adjustment's note */
  title = query_text (f->store, "SELECT title FROM products WHERE external_id = '22423'");
  g_assert_cmpstr (title, ==, "REGENCY CAKESTAND 3 TIER");
}

/* A product sold under another name before its latest keeps that name as an alias (85123A
 * was WHITE HANGING HEART T-LIGHT HOLDER, now CREAM …); an adjustment's note is none, and a
 * later import that goes back to an old name makes it the title, and the title it replaces an
 * alias. */
/* Imports Online Retail @rows (after the file's header) as file @name. */
static SdImportReport *
import_retail_rows (Fixture *f, const char *name, const char *rows)
{
  g_autofree char *text = g_strconcat ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n",
                                       rows, NULL);
  g_autofree char *path = write_temp (f, name, text, -1);
  g_autoptr(GError) error = NULL;
  SdImportReport *report = import_with (f, path, SD_IMPORT_ONLINE_RETAIL, FALSE, &error);

  g_assert_no_error (error);
  return report;
}

static void
test_online_retail_aliases (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SdImportReport) report = import_retail_rows (f, "online_retail.csv",
      "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/1/2010 8:26,2.55,17850,United Kingdom\n"
      "536366,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/2/2010 8:26,2.55,17850,United Kingdom\n"
      "536367,85123A,wrongly marked carton 22804,-8,12/3/2010 8:26,0,,United Kingdom\n"
      "536368,85123A,CREAM HANGING HEART T-LIGHT HOLDER,6,12/4/2010 8:26,2.95,17850,United Kingdom\n"
      "536369,22423,REGENCY CAKESTAND 3 TIER,2,12/1/2010 8:26,12.75,17850,United Kingdom\n");
  g_autofree char *title = query_text (f->store, "SELECT title FROM products WHERE external_id = '85123A'");
  g_autofree char *alias = query_text (f->store, "SELECT group_concat (title, '|') FROM product_aliases");

  g_assert_cmpstr (title, ==, "CREAM HANGING HEART T-LIGHT HOLDER");
  g_assert_cmpstr (alias, ==, "WHITE HANGING HEART T-LIGHT HOLDER");
  g_assert_cmpint (query_int (f->store, "SELECT product_id FROM product_aliases"), ==,
                   query_int (f->store, "SELECT id FROM products WHERE external_id = '85123A'"));

  g_autoptr(SdImportReport) again = import_retail_rows (f, "online_retail_2.csv",
      "536370,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,12/5/2010 8:26,2.55,17850,United Kingdom\n");
  g_autofree char *title2 = query_text (f->store, "SELECT title FROM products WHERE external_id = '85123A'");
  g_autofree char *alias2 = query_text (f->store, "SELECT group_concat (title, '|') FROM product_aliases");
  g_assert_cmpstr (title2, ==, "WHITE HANGING HEART T-LIGHT HOLDER");
  g_assert_cmpstr (alias2, ==, "CREAM HANGING HEART T-LIGHT HOLDER");
}

static void
test_reimport (Fixture       *f,
               gconstpointer  data)
{
  static const char *const files[] = {
    "online-retail.csv", "shopify-products.csv", "shopify-customers.csv", "shopify-orders.csv",
    "woocommerce-products.csv", "customers.csv", "products.csv", "orders.csv", "events.csv",
    "movielens/u.data", "movielens-csv/ratings.csv",
  };
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  SdStoreStats a, b;

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    sd_import_report_free (import_ok (f, files[i], SD_IMPORT_AUTO));
  g_assert_true (sd_store_get_stats (f->store, &a, NULL));
  first = content_checksum (f->store, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    sd_import_report_free (import_ok (f, files[i], SD_IMPORT_AUTO));
  g_assert_true (sd_store_get_stats (f->store, &b, NULL));
  second = content_checksum (f->store, FALSE);

  assert_stats_equal (&a, &b);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM imports"), ==, 2 * G_N_ELEMENTS (files));
}

static void
test_latin1 (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SdImportReport) report = import_ok (f, "online-retail-latin1.csv", SD_IMPORT_ONLINE_RETAIL);
  g_autofree char *title = query_text (f->store, "SELECT title FROM products WHERE external_id = '22960'");

  g_assert_cmpuint (report->rows_imported, ==, 2);
  g_assert_cmpuint (sd_import_report_get_count (report, "re-encoded-latin1"), ==, 1);
  g_assert_cmpstr (title, ==, "CAFÉ SET – JAM MAKING");
}

static void
test_bad_rows (Fixture       *f,
               gconstpointer  data)
{
  static const struct { guint64 line; const char *words; } expected[] = {
    { 3, "Quantity" }, { 4, "InvoiceDate" }, { 5, "UnitPrice" }, { 6, "columns" },
    { 7, "quote" }, { 10, "InvoiceNo" },
  };
  g_autoptr(SdImportReport) report = import_ok (f, "online-retail-bad.csv", SD_IMPORT_AUTO);
  g_autofree char *rejects = g_build_filename (f->dir, "rejects.csv", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (report->rows_read, ==, 10);
  g_assert_cmpuint (report->rows_imported, ==, 4);
  g_assert_cmpuint (report->rows_rejected, ==, 6);
  g_assert_cmpuint (report->rejects->len, ==, 6);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      SdImportReject *r = report->rejects->pdata[i];
      g_assert_cmpuint (r->line, ==, expected[i].line);
      if (!strstr (r->reason, expected[i].words))
        g_error ("line %" G_GUINT64_FORMAT ": “%s” does not mention %s", r->line, r->reason, expected[i].words);
      g_assert_cmpstr (r->raw, !=, "");
    }
  /* No good row is lost, not even those after the unbalanced quote. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM orders WHERE external_id IN"
                                        " ('536365', '536370', '536371', '536372')"), ==, 4);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM order_lines"), ==, 4);

  text = sd_import_report_to_text (report);
  g_assert_nonnull (strstr (text, "online-retail-bad.csv line 3: bad number “12,5x” in column Quantity"));

  g_assert_true (sd_import_report_save_rejects (report, rejects, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (rejects, &saved, NULL, NULL));
  lines = g_strsplit (saved, "\n", -1);
  g_assert_cmpstr (lines[0], ==, "line,reason,raw");
  g_assert_true (g_str_has_prefix (lines[1], "3,\"bad number “12,5x” in column Quantity\","));
  g_assert_cmpuint (g_strv_length (lines), ==, 8);   /* header, 6 rows, the empty tail */
}

static void
test_huge_field (Fixture       *f,
                 gconstpointer  data)
{
  GString *text = g_string_new ("customer_id,name,email\nc1,Ann,ann@example.com\nc2,\"");
  g_autofree char *path = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  SdImportReject *r;

  for (int i = 0; i < 10 * 1024 * 1024; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\",big@example.com\nc3,Cy,cy@example.com\n");
  path = write_temp (f, "huge.csv", text->str, text->len);
  g_string_free (text, TRUE);

  report = import_with (f, path, SD_IMPORT_CUSTOMERS, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->rows_imported, ==, 2);
  g_assert_cmpuint (report->rows_rejected, ==, 1);
  r = report->rejects->pdata[0];
  g_assert_cmpuint (r->line, ==, 3);
  g_assert_nonnull (strstr (r->reason, "1 MiB"));
  g_assert_cmpuint (strlen (r->raw), <=, 1024);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers WHERE external_id IN ('c1', 'c3')"), ==, 2);
}

typedef struct {
  const char     *name;
  const char     *data;
  gssize          len;
  SdImportFormat  format;
  int             code;
  const char     *words;
} WholeFileCase;

static void
test_whole_file_failures (Fixture       *f,
                          gconstpointer  data)
{
  static const WholeFileCase cases[] = {
    { "empty.csv", "", 0, SD_IMPORT_AUTO, SD_ERROR_INVALID_INPUT, "empty" },
    { "blank.csv", "\n\n\n", -1, SD_IMPORT_CUSTOMERS, SD_ERROR_INVALID_INPUT, "empty" },
    { "image.csv", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20, SD_IMPORT_AUTO, SD_ERROR_INVALID_INPUT, "PNG" },
    /* gzip is told by its bytes, not the name: this one is only a header, cut short. */
    { "packed.csv", "\x1f\x8b\x08\0\0\0\0\0\0\x03", 10, SD_IMPORT_ORDERS, SD_ERROR_INVALID_INPUT, "truncated" },
    { "sheet.csv", "PK\x03\x04\x14\0\0\0", 8, SD_IMPORT_AUTO, SD_ERROR_INVALID_INPUT, "ZIP" },
    { "nul.csv", "customer_id,name\nc9,Zed\nc10,Z\0e\n", 32, SD_IMPORT_CUSTOMERS, SD_ERROR_INVALID_INPUT, "binary" },
    { "unknown.csv", "foo,bar\n1,2\n", -1, SD_IMPORT_AUTO, SD_ERROR_WRONG_FORMAT, "no known header" },
    { "orders-as-retail.csv", "Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price\n#1,a@b.c,2023-01-01,1,X,1\n",
      -1, SD_IMPORT_ONLINE_RETAIL, SD_ERROR_WRONG_FORMAT, "Shopify orders" },
    { "products-as-events.csv", "product_id,title\np9,Thing\n", -1, SD_IMPORT_EVENTS, SD_ERROR_WRONG_FORMAT, "Events" },
  };
  g_autoptr(SdImportReport) seed = import_ok (f, "online-retail.csv", SD_IMPORT_AUTO);
  g_autofree char *before = content_checksum (f->store, TRUE);
  SdStoreStats stats_before, stats_after;

  g_assert_true (sd_store_get_stats (f->store, &stats_before, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = write_temp (f, cases[i].name, cases[i].data, cases[i].len);
      g_autoptr(GError) error = NULL;
      g_autoptr(SdImportReport) report = import_with (f, path, cases[i].format, FALSE, &error);
      g_autofree char *after = NULL;

      g_assert_null (report);
      g_assert_error (error, SD_ERROR, cases[i].code);
      if (!strstr (error->message, cases[i].name) || !strstr (error->message, " line ") ||
          !strstr (error->message, cases[i].words))
        g_error ("%s: message “%s” lacks the file, the line or “%s”", cases[i].name, error->message, cases[i].words);
      g_assert_false (sd_store_in_transaction (f->store));
      after = content_checksum (f->store, TRUE);
      g_assert_cmpstr (after, ==, before);
    }
  g_assert_true (sd_store_get_stats (f->store, &stats_after, NULL));
  assert_stats_equal (&stats_before, &stats_after);
}

/* @utf8 in @charset, with a byte order mark when @bom. */
static char *
write_wide (Fixture    *f,
            const char *name,
            const char *utf8,
            const char *charset,
            gboolean    bom)
{
  g_autofree char *text = g_strconcat (bom ? "\xef\xbb\xbf" : "", utf8, NULL);
  gsize len;
  g_autofree char *wide = g_convert (text, -1, charset, "UTF-8", NULL, &len, NULL);

  g_assert_nonnull (wide);
  return write_temp (f, name, wide, len);
}

/* Issue 10, item 9: files a user really has, each with a message naming its problem, or
 * read as what they are. */
static void
test_file_problems (Fixture       *f,
                    gconstpointer  data)
{
  static const char customers[] = "customer_id,name,country\nc1,Zoë,DE\nc2,李雷,CN\n";
  static const char *const wide[][2] = {
    { "le.csv", "UTF-16LE" }, { "be.csv", "UTF-16BE" }, { "le32.csv", "UTF-32LE" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *udata = NULL, *plain_gz = NULL, *cut_gz = NULL, *wide_header = NULL;
  g_autoptr(SdImportReport) report = NULL;
  GString *header;

  /* u.data has no header, yet its errors name the column. */
  udata = write_temp (f, "u.data", "196\t242\t3\t881250949\n186\t302\tx\t891717742\n", -1);
  report = import_with (f, udata, SD_IMPORT_AUTO, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->rows_rejected, ==, 1);
  g_assert_nonnull (strstr (((SdImportReject *) report->rejects->pdata[0])->reason, "column rating"));
  g_clear_pointer (&report, sd_import_report_free);

  /* UTF-16 and UTF-32 (Excel's “Unicode text”), with a byte order mark or without. */
  for (guint i = 0; i < G_N_ELEMENTS (wide); i++)
    for (int bom = 0; bom < 2; bom++)
      {
        g_autofree char *path = write_wide (f, wide[i][0], customers, wide[i][1], bom);
        g_autofree char *name = NULL;

        report = import_with (f, path, SD_IMPORT_AUTO, FALSE, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (report->rows_imported, ==, 2);
        g_assert_cmpuint (sd_import_report_get_count (report, g_str_has_prefix (wide[i][1], "UTF-16")
                                                      ? "converted-from-utf16" : "converted-from-utf32"), ==, 1);
        g_clear_pointer (&report, sd_import_report_free);
        name = query_text (f->store, "SELECT name FROM customers WHERE external_id = 'c2'");
        g_assert_cmpstr (name, ==, "李雷");
        g_assert_true (sd_store_exec (f->store, "DELETE FROM customers", NULL));
      }

  /* A plain CSV named .gz is read as the text it is. */
  plain_gz = write_temp (f, "plain.csv.gz", customers, -1);
  report = import_with (f, plain_gz, SD_IMPORT_AUTO, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->rows_imported, ==, 2);
  g_assert_cmpuint (sd_import_report_get_count (report, "named-gz-but-plain-text"), ==, 1);
  g_clear_pointer (&report, sd_import_report_free);

  /* A gzip file cut short says so. */
  {
    GString *text = g_string_new ("customer_id,name\n");
    g_autoptr(GBytes) packed = NULL;
    g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
    g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable ();
    g_autoptr(GOutputStream) out = g_converter_output_stream_new (mem, G_CONVERTER (gz));

    for (guint i = 0; i < 20000; i++)
      g_string_append_printf (text, "c%u,name %u\n", i, i * 7919);
    g_assert_true (g_output_stream_write_all (out, text->str, text->len, NULL, NULL, NULL));
    g_assert_true (g_output_stream_close (out, NULL, NULL));
    packed = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (mem));
    cut_gz = write_temp (f, "cut.csv.gz", g_bytes_get_data (packed, NULL), g_bytes_get_size (packed) * 2 / 3);
    g_string_free (text, TRUE);
  }
  g_assert_null (import_with (f, cut_gz, SD_IMPORT_AUTO, FALSE, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "truncated"));
  g_assert_nonnull (strstr (error->message, "cut.csv.gz"));
  g_clear_error (&error);

  g_assert_null (import_with (f, "", SD_IMPORT_AUTO, FALSE, &error));
  g_assert_nonnull (strstr (error->message, "path is empty"));
  g_clear_error (&error);

  header = g_string_new ("customer_id");
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (header, ",c%u", i);
  g_string_append (header, "\nc1\n");
  wide_header = write_temp (f, "wide.csv", header->str, header->len);
  g_string_free (header, TRUE);
  g_assert_null (import_with (f, wide_header, SD_IMPORT_AUTO, FALSE, &error));
  g_assert_nonnull (strstr (error->message, "more than 4,095 columns"));
  g_clear_error (&error);
}

/* A file big enough to span many progress reports, failing near its end. */
static char *
write_events (Fixture    *f,
              const char *name,
              guint       rows,
              gboolean    nul_at_end)
{
  GString *text = g_string_new ("customer_id,product_id,kind,at,quantity\n");
  char *path;

  for (guint i = 0; i < rows; i++)
    g_string_append_printf (text, "u%u,p%u,%s,%u,1\n", i % 997, i % 101, i % 2 ? "view" : "cart", 1600000000 + i);
  if (nul_at_end)
    g_string_append_len (text, "u1,p\0,view,1,1\n", 15);
  path = write_temp (f, name, text->str, text->len);
  g_string_free (text, TRUE);
  return path;
}

static void
test_failure_after_rows (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SdImportReport) seed = import_ok (f, "events.csv", SD_IMPORT_AUTO);
  g_autofree char *before = content_checksum (f->store, TRUE);
  g_autofree char *path = write_events (f, "late-nul.csv", 30000, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = import_with (f, path, SD_IMPORT_AUTO, FALSE, &error);
  g_autofree char *after = content_checksum (f->store, TRUE);

  g_assert_null (report);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "line 30002"));
  g_assert_cmpstr (after, ==, before);
}

typedef struct {
  GCancellable *cancellable;
  guint         calls;
  guint64       last_rows;
} CancelData;

static void
cancel_on_progress (guint64  done,
                    guint64  total,
                    guint64  rows,
                    gpointer user_data)
{
  CancelData *d = user_data;

  g_assert_cmpuint (done, <=, total);
  d->calls++;
  d->last_rows = rows;
  if (rows >= 8192)
    g_cancellable_cancel (d->cancellable);
}

/* Imports the events file @path, cancelled by cancel_on_progress. */
static void
import_cancelled (Fixture    *f,
                  const char *path,
                  CancelData *d)
{
  SdImportOptions options = { SD_IMPORT_EVENTS, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = sd_import_file (f->store, path, &options, cancel_on_progress, d,
                                                     d->cancellable, &error);

  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(SdImportReport) seed = import_ok (f, "customers.csv", SD_IMPORT_AUTO);
  g_autofree char *before = content_checksum (f->store, TRUE);
  g_autofree char *path = write_events (f, "many.csv", 40000, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelData d = { cancellable, 0, 0 };
  g_autofree char *after = NULL;

  import_cancelled (f, path, &d);
  after = content_checksum (f->store, TRUE);
  g_assert_cmpuint (d.last_rows, <, 40000);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (sd_store_in_transaction (f->store));
}

static void
cancel_from_sql (sqlite3_context  *context,
                 int               argc,
                 sqlite3_value   **argv)
{
  g_cancellable_cancel (sqlite3_user_data (context));
  sqlite3_result_null (context);
}

/* A cancel after the last row, while the import totals its orders and adds up its figures
 * (over a second on Online Retail, where quitting the app or Ctrl+C came and the import
 * was kept all the same): still taken back, up to the commit. */
static void
test_cancel_after_rows (Fixture       *f,
                        gconstpointer  data)
{
  /* Not the shop's first import, which may reopen the connection (issue 17). */
  g_autoptr(SdImportReport) seed = import_ok (f, "customers.csv", SD_IMPORT_AUTO);
  g_autofree char *path = fixture_file ("online-retail.csv");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  SdImportOptions options = { SD_IMPORT_ONLINE_RETAIL, FALSE };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* Cancelled once every row is in, by the first order total written (a trigger of the
   * shop's own schema: the import drops temporary ones when it sets temp_store). */
  g_assert_cmpint (sqlite3_create_function (sd_store_get_db (f->store), "test_cancel", 0, SQLITE_UTF8, cancellable,
                                            cancel_from_sql, NULL, NULL), ==, SQLITE_OK);
  g_assert_true (sd_store_exec (f->store, "CREATE TRIGGER test_cancel_late AFTER UPDATE OF total_cents ON orders"
                                          " BEGIN SELECT test_cancel (); END", &error));
  g_assert_no_error (error);
  before = content_checksum (f->store, TRUE);
  report = sd_import_file (f->store, path, &options, NULL, NULL, cancellable, &error);
  g_assert_true (g_cancellable_is_cancelled (cancellable));
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  after = content_checksum (f->store, TRUE);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (sd_store_in_transaction (f->store));
  g_assert_true (sd_store_exec (f->store, "DROP TRIGGER test_cancel_late", NULL));
}

/* An Online Retail file of @lines lines: an order of four lines every four, over 500
 * products, 300 customers and 200 days, enough for each of the import's last steps to run
 * tens of thousands of SQLite's steps. */
static char *
write_retail (Fixture    *f,
              const char *name,
              guint       lines)
{
  GString *text = g_string_new ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
  char *path;

  for (guint i = 0; i < lines; i++)
    g_string_append_printf (text, "%u,P%u,PRODUCT %u,%u,2011-%02u-%02u 10:%02u:00,%u.%02u,%u,United Kingdom\n",
                            600000 + i / 4, i * 7 % 500, i * 7 % 500, 1 + i % 5, 1 + i / 4 % 200 / 28,
                            1 + i / 4 % 200 % 28, i % 60, 1 + i % 9, i % 100, 12000 + i / 4 % 300);
  path = write_temp (f, name, text->str, text->len);
  g_string_free (text, TRUE);
  return path;
}

/* What else a cancel must leave as it was: the schema (the indexes an import drops and
 * builds again) and the summaries' figures. */
static char *
schema_and_figures (SdStore *store)
{
  static const char *const queries[] = {
    "SELECT type, name, sql FROM sqlite_master ORDER BY name",
    "SELECT * FROM summary_counts ORDER BY 1",
    "SELECT * FROM summary_days ORDER BY 1",
    "SELECT * FROM summary_state",
  };
  GString *out = g_string_new (NULL);

  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(SdStmt) stmt = sd_store_prepare (store, queries[q], NULL);

      g_assert_nonnull (stmt);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        for (int c = 0; c < sqlite3_column_count (stmt); c++)
          g_string_append_printf (out, "%s%s", c ? "|" : "\n", (const char *) sqlite3_column_text (stmt, c));
    }
  return g_string_free (out, FALSE);
}

/* A cancel inside each of the steps after the last row (the index builds, the summaries'
 * counts, the orders' totals, the products' kinds, the summaries' days: up to 0.8 s each
 * on Online Retail) stops that step's statement where it is, and runs nothing more than
 * the rollback's: the shop, its schema and its figures are as before. */
static void
test_cancel_inside_last_steps (Fixture       *f,
                               gconstpointer  data)
{
  static const char *const steps[] = {
    "INSERT INTO summary_order_currencies",
    "CREATE INDEX",
    "UPDATE orders SET total_cents",
    "UPDATE products SET kind",
    "INSERT INTO summary_days",
  };
  /* Not the shop's first import, which may reopen the connection (issue 17). */
  g_autoptr(SdImportReport) seed = import_ok (f, "customers.csv", SD_IMPORT_AUTO);
  g_autofree char *path = write_retail (f, "retail.csv", 40000);
  g_autofree char *before = content_checksum (f->store, TRUE);
  g_autofree char *schema_before = schema_and_figures (f->store);
  sqlite3 *db = sd_store_get_db (f->store);

  for (guint s = 0; s < G_N_ELEMENTS (steps); s++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_auto(StepCancel) c = { cancellable, steps[s], g_ptr_array_new_with_free_func (g_free) };
      SdImportOptions options = { SD_IMPORT_ONLINE_RETAIL, FALSE };
      g_autoptr(GError) error = NULL;
      g_autoptr(SdImportReport) report = NULL;
      g_autofree char *checksum = NULL, *schema = NULL;

      g_test_message ("cancelled at the start of “%s…”", steps[s]);
      step_cancel_watch (db, &c);
      report = sd_import_file (f->store, path, &options, NULL, NULL, cancellable, &error);
      step_cancel_watch (db, NULL);
      g_assert_true (g_cancellable_is_cancelled (cancellable));
      g_assert_null (report);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      step_cancel_assert_stopped (&c);
      checksum = content_checksum (f->store, TRUE);
      schema = schema_and_figures (f->store);
      g_assert_cmpstr (checksum, ==, before);
      g_assert_cmpstr (schema, ==, schema_before);
      g_assert_false (sd_store_in_transaction (f->store));
    }
}

static char *
journal_mode (SdStore *store)
{
  return query_text (store, "PRAGMA journal_mode");
}

/* Issue 17: a first import into an empty shop that nobody else has open is written with
 * the rollback journal (once, not into the log and again at the checkpoint); cancelled,
 * it leaves the shop empty; either way the shop has its write-ahead log again after, and
 * with another connection open nothing is switched at all. */
static void
test_first_import_journal (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = write_events (f, "first.csv", 40000, FALSE);
  g_autofree char *empty = content_checksum (f->store, TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CancelData d = { cancellable, 0, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autoptr(SdImportReport) again = NULL;
  g_autoptr(SdStore) other = NULL;
  g_autofree char *mode = NULL;
  g_autofree char *after = NULL;
  g_autofree char *journal = g_strconcat (f->path, "-journal", NULL);

  import_cancelled (f, path, &d);
  g_assert_cmpuint (d.last_rows, <, 40000);
  g_assert_cmpstr ((after = content_checksum (f->store, TRUE)), ==, empty);
  g_assert_cmpstr ((mode = journal_mode (f->store)), ==, "wal");
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));

  /* Switched: the journal is what SQLite keeps while it writes. */
  g_assert_true (sd_store_journal_for_first_import (f->store));
  g_clear_pointer (&mode, g_free);
  g_assert_cmpstr ((mode = journal_mode (f->store)), ==, "delete");
  sd_store_journal_restore (f->store);
  g_clear_pointer (&mode, g_free);
  g_assert_cmpstr ((mode = journal_mode (f->store)), ==, "wal");

  report = import_with (f, path, SD_IMPORT_EVENTS, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events"), ==, 40000);
  g_clear_pointer (&mode, g_free);
  g_assert_cmpstr ((mode = journal_mode (f->store)), ==, "wal");
  /* A shop with rows keeps its log. */
  g_assert_false (sd_store_journal_for_first_import (f->store));

  /* Empty again, but open elsewhere: nothing to switch, and the import still works. */
  g_assert_true (sd_store_exec (f->store, "DELETE FROM events; DELETE FROM customers; DELETE FROM products", NULL));
  other = sd_store_open (f->path, &error);
  g_assert_no_error (error);
  g_clear_pointer (&mode, g_free);
  g_assert_cmpstr ((mode = journal_mode (other)), ==, "wal");
  g_assert_false (sd_store_journal_for_first_import (f->store));
  again = import_with (f, path, SD_IMPORT_EVENTS, FALSE, &error);
  g_assert_no_error (error);
  g_clear_pointer (&mode, g_free);
  g_assert_cmpstr ((mode = journal_mode (other)), ==, "wal");
  g_assert_cmpint (query_int (other, "SELECT count(*) FROM events"), ==, 40000);
}

/* The Data page's cancel button: the job's cancellable, checked inside the row loop. */
static void
test_job_cancel (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SdImportReport) seed = import_ok (f, "products.csv", SD_IMPORT_AUTO);
  g_autofree char *before = content_checksum (f->store, TRUE);
  g_autofree char *path = write_events (f, "job.csv", 20000, FALSE);
  g_autoptr(SdJob) job = sd_import_job_new (f->path, path, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  sd_job_cancel (job);
  g_assert_false (sd_job_run_sync (job, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (sd_job_get_state (job), ==, SD_JOB_CANCELLED);
  g_assert_null (sd_import_job_get_report (job));
  after = content_checksum (f->store, TRUE);
  g_assert_cmpstr (after, ==, before);
}

typedef struct {
  const char *external_id;
  const char *kind;
} KindCase;

/* Each product of @cases has its kind in the shop. */
static void
assert_kinds (Fixture        *f,
              const KindCase *cases,
              guint           n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStmt) stmt = sd_store_prepare (f->store, "SELECT kind FROM products WHERE external_id = ?1", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, cases[i].external_id, -1, SQLITE_STATIC);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_test_message ("%s: %s", cases[i].external_id, sqlite3_column_text (stmt, 0));
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, cases[i].kind);
    }
}

/* Online Retail's stock codes (M manual, S samples, B bad debt, gift_…) are that export's:
 * in a shop's own catalogue a SKU "M" or "B" is a product (a size M, a bag). Titles that
 * name a line rather than goods ("Shipping", "Postage") hold for every format. */
static void
test_product_kind_rules (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *catalogue = write_temp (f, "catalogue.csv",
      "product_id,title,price\n"
      "M,\"Linen tee, size M\",19.90\n"
      "B,Canvas bag,12.00\n"
      "S,Silk scarf,25.00\n"
      "gift_wrap,Gift wrap,2.00\n"
      "SHIP-STD,Shipping,4.95\n"
      "p-post,Postage,1.20\n"
      "p-card,Gift card (£20),20.00\n", -1);
  g_autofree char *retail = write_temp (f, "retail.csv",
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
      "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
      "536366,S,SAMPLES SENT TO A SHOP,1,2010-12-01 08:28:00,5.00,17850,United Kingdom\n"
      "536367,m,Manual,1,2010-12-01 08:34:00,3.00,13047,United Kingdom\n"
      "536368,gift_0001_20,Dotcom voucher 20,1,2010-12-01 08:35:00,20.00,13047,United Kingdom\n"
      "536369,POST,POSTAGE,1,2010-12-01 08:36:00,18.00,13047,United Kingdom\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = import_with (f, catalogue, SD_IMPORT_PRODUCTS, FALSE, &error);

  static const KindCase catalogue_kinds[] = {
    { "M", "merchandise" }, { "B", "merchandise" }, { "S", "merchandise" }, { "gift_wrap", "merchandise" },
    { "SHIP-STD", "shipping" }, { "p-post", "shipping" }, { "p-card", "gift-card" },
  };
  static const KindCase retail_kinds[] = {
    { "85123A", "merchandise" }, { "S", "merchandise" }, { "M", "merchandise" },
    { "m", "adjustment" }, { "gift_0001_20", "gift-card" }, { "POST", "shipping" },
  };

  g_assert_no_error (error);
  assert_kinds (f, catalogue_kinds, G_N_ELEMENTS (catalogue_kinds));
  g_assert_cmpuint (sd_import_report_get_count (report, "non-merchandise-products"), ==, 3);

  /* The same shop later imports Online Retail: its codes go by Online Retail's rules, and
   * the catalogue's M, B and S stay what they were. */
  g_clear_pointer (&report, sd_import_report_free);
  report = import_with (f, retail, SD_IMPORT_ONLINE_RETAIL, FALSE, &error);
  g_assert_no_error (error);
  assert_kinds (f, retail_kinds, G_N_ELEMENTS (retail_kinds));

  /* the rules themselves */
  g_assert_cmpint (sd_product_kind_detect ("S", "SAMPLES SENT TO A SHOP", SD_PRODUCT_RULES_RETAIL_CODES), ==,
                   SD_PRODUCT_ADJUSTMENT);
  g_assert_cmpint (sd_product_kind_detect ("S", "SAMPLES SENT TO A SHOP", SD_PRODUCT_RULES_TITLES), ==,
                   SD_PRODUCT_MERCHANDISE);
  g_assert_cmpint (sd_product_kind_detect ("B", "Canvas bag", SD_PRODUCT_RULES_RETAIL_CODES), ==, SD_PRODUCT_ADJUSTMENT);
  g_assert_cmpint (sd_product_kind_detect ("B", "Adjust bad debt", SD_PRODUCT_RULES_TITLES), ==, SD_PRODUCT_ADJUSTMENT);
}

static void
test_own_transaction (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = fixture_file ("customers.csv");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autofree char *probe = NULL;

  /* A caller's open transaction is neither joined nor rolled back. */
  g_assert_true (sd_store_begin (f->store, NULL));
  g_assert_true (sd_store_set_setting (f->store, "probe", "kept", NULL));
  report = import_with (f, path, SD_IMPORT_AUTO, FALSE, &error);
  g_assert_null (report);
  g_assert_error (error, SD_ERROR, SD_ERROR_FAILED);
  g_assert_true (sd_store_in_transaction (f->store));
  g_assert_true (sd_store_commit (f->store, NULL));
  probe = sd_store_get_setting (f->store, "probe");
  g_assert_cmpstr (probe, ==, "kept");
}

static void
test_hash_identities (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *customers = fixture_file ("shopify-customers.csv");
  g_autofree char *orders = fixture_file ("shopify-orders.csv");
  g_autoptr(SdImportReport) a = import_with (f, customers, SD_IMPORT_AUTO, TRUE, NULL);
  g_autoptr(SdImportReport) b = import_with (f, orders, SD_IMPORT_AUTO, TRUE, NULL);
  g_autofree char *name = NULL;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->rows_imported, ==, 3);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers"), ==, 3);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers WHERE external_id LIKE '%@%'"
                                        " OR email LIKE '%@%' OR name LIKE '%Ann%' OR name LIKE '%Lee%'"), ==, 0);
  name = query_text (f->store, "SELECT name FROM customers WHERE country = 'DE'");
  g_assert_true (g_str_has_prefix (name, "#"));
  /* The orders found the hashed customers: Ann's two orders share her row. */
  g_assert_cmpint (query_int (f->store, "SELECT count(DISTINCT customer_id) FROM orders"), ==, 2);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM orders WHERE customer_id IS NULL"), ==, 0);
}

/* Issue 10, item 17: e-mails used as customer_id in Shopdesk CSVs stayed in clear. */
static void
test_hash_shopdesk_ids (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *customers = write_temp (f, "customers.csv",
                                           "customer_id,name,email\nAnn@Example.com,Ann Lee,ann@example.com\nc2,Bob Ray,\n", -1);
  g_autofree char *orders = write_temp (f, "orders.csv",
                                        "order_id,customer_id,placed_at,product_id,quantity,unit_price\n"
                                        "o1,Ann@Example.com,2023-03-01,p1,1,5.00\no2,cy@example.com,2023-03-02,p1,1,5.00\n", -1);
  g_autofree char *events = write_temp (f, "events.csv",
                                        "customer_id,product_id,kind,at\nAnn@Example.com,p1,view,1677664800\n", -1);
  g_autoptr(SdImportReport) a = import_with (f, customers, SD_IMPORT_AUTO, TRUE, NULL);
  g_autoptr(SdImportReport) b = import_with (f, orders, SD_IMPORT_AUTO, TRUE, NULL);
  g_autoptr(SdImportReport) c = import_with (f, events, SD_IMPORT_AUTO, TRUE, NULL);
  g_autofree char *key = sd_store_get_setting (f->store, "identity-key");
  g_autofree char *ann = query_text (f->store, "SELECT external_id FROM customers WHERE id = (SELECT customer_id FROM events)");
  g_autoptr(GHmac) hmac = NULL;
  guchar raw[32];
  g_autofree char *expected = NULL;

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_nonnull (c);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers WHERE external_id LIKE '%@%'"
                                        " OR email LIKE '%@%' OR name LIKE '%Ann%'"), ==, 0);
  /* c2 is no e-mail: kept; the order and the event found Ann's hashed row. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers WHERE external_id = 'c2'"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers"), ==, 3);
  g_assert_cmpint (query_int (f->store, "SELECT customer_id FROM orders WHERE external_id = 'o1'"), ==,
                   query_int (f->store, "SELECT customer_id FROM events"));

  /* HMAC-SHA-256 under 32 random bytes kept in the shop. */
  g_assert_nonnull (key);
  g_assert_cmpuint (strlen (key), ==, 64);
  for (guint i = 0; i < 32; i++)
    raw[i] = g_ascii_xdigit_value (key[2 * i]) * 16 + g_ascii_xdigit_value (key[2 * i + 1]);
  hmac = g_hmac_new (G_CHECKSUM_SHA256, raw, sizeof raw);
  g_hmac_update (hmac, (const guchar *) "Ann@Example.com", -1);
  expected = g_strdup_printf ("#%.16s", g_hmac_get_string (hmac));
  g_assert_cmpstr (ann, ==, expected);
}

/* Issue 10, item 17: Shopify customers imported in clear and then hashed must not leave a
 * clear row beside a hashed one: the first hashed import hashes the shop's customers too,
 * and the shop keeps hashing after that. */
static void
test_hash_after_clear (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *customers = fixture_file ("shopify-customers.csv");
  g_autofree char *orders = fixture_file ("shopify-orders.csv");
  g_autoptr(SdImportReport) clear = import_with (f, customers, SD_IMPORT_AUTO, FALSE, NULL);
  g_autoptr(SdImportReport) hashed = import_with (f, customers, SD_IMPORT_AUTO, TRUE, NULL);
  g_autoptr(SdImportReport) again = NULL;

  g_assert_nonnull (clear);
  g_assert_nonnull (hashed);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers"), ==, 3);
  g_assert_cmpuint (sd_import_report_get_count (hashed, "existing-customers-hashed"), ==, 3);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers WHERE external_id LIKE '%@%'"
                                        " OR email LIKE '%@%' OR name LIKE '%Ann%' OR name LIKE '%Lee%'"), ==, 0);

  /* Without the option now: the shop hashes all the same. */
  again = import_with (f, orders, SD_IMPORT_AUTO, FALSE, NULL);
  g_assert_nonnull (again);
  g_assert_cmpuint (sd_import_report_get_count (again, "identities-hashed-as-the-shop-does"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers WHERE external_id LIKE '%@%'"
                                        " OR email LIKE '%@%' OR name LIKE '%Ann%'"), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers"), ==, 3);
}

static void
test_shopify_products (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(SdImportReport) classic = import_ok (f, "shopify-products.csv", SD_IMPORT_SHOPIFY_PRODUCTS);
  g_autoptr(SdImportReport) modern = import_ok (f, "shopify-products-2024.csv", SD_IMPORT_AUTO);
  g_autofree char *description = query_text (f->store, "SELECT description FROM products WHERE external_id = 'linen-shirt'");
  g_autofree char *category = query_text (f->store, "SELECT category FROM products WHERE external_id = 'linen-shirt'");
  g_autofree char *tags = query_text (f->store, "SELECT tags FROM products WHERE external_id = 'desk-lamp'");
  g_autofree char *path = NULL;
  g_autoptr(SdImportReport) orphan = NULL;

  g_assert_cmpuint (classic->rows_imported, ==, 4);
  g_assert_cmpuint (sd_import_report_get_count (classic, "continuation-rows"), ==, 2);
  g_assert_cmpuint (modern->rows_imported, ==, 3);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products"), ==, 4);
  g_assert_cmpint (query_int (f->store, "SELECT stock FROM products WHERE external_id = 'linen-shirt'"), ==, 12);
  g_assert_cmpint (query_int (f->store, "SELECT price_cents FROM products WHERE external_id = 'linen-shirt'"), ==, 3990);
  g_assert_cmpint (query_int (f->store, "SELECT stock FROM products WHERE external_id = 'wool-scarf'"), ==, 7);
  g_assert_cmpint (query_int (f->store, "SELECT price_cents FROM products WHERE external_id = 'desk-lamp'"), ==, 4950);
  g_assert_cmpstr (description, ==, "A light shirt & more.");
  g_assert_cmpstr (category, ==, "Shirts & Tops");
  g_assert_cmpstr (tags, ==, "home,office");

  /* A variant row whose product row is missing is rejected, with its line. */
  path = write_temp (f, "orphan.csv", "Handle,Title,Variant SKU,Variant Price\nghost,,G-1,5\nreal,Real,R-1,6\n", -1);
  orphan = import_with (f, path, SD_IMPORT_AUTO, FALSE, NULL);
  g_assert_nonnull (orphan);
  g_assert_cmpuint (orphan->rows_imported, ==, 1);
  g_assert_cmpuint (orphan->rows_rejected, ==, 1);
  g_assert_cmpuint (((SdImportReject *) orphan->rejects->pdata[0])->line, ==, 2);
}

static void
test_shopify_orders (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(SdImportReport) products = import_ok (f, "shopify-products.csv", SD_IMPORT_AUTO);
  g_autoptr(SdImportReport) more = import_ok (f, "shopify-products-2024.csv", SD_IMPORT_AUTO);
  g_autoptr(SdImportReport) report = import_ok (f, "shopify-orders.csv", SD_IMPORT_AUTO);
  g_autofree char *status = NULL;

  g_assert_cmpuint (report->rows_imported, ==, 4);
  g_assert_cmpuint (sd_import_report_get_count (report, "continuation-rows"), ==, 1);
  g_assert_cmpuint (sd_import_report_get_count (report, "cancellations"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM orders"), ==, 3);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers"), ==, 2);   /* Bob's e-mail case folded */
  g_assert_cmpint (query_int (f->store, "SELECT total_cents FROM orders WHERE external_id = '#1001'"), ==, 2 * 3990 + 2400);
  g_assert_cmpint (query_int (f->store, "SELECT placed_at FROM orders WHERE external_id = '#1002'"), ==, 1677774600);
  status = query_text (f->store, "SELECT status FROM orders WHERE external_id = '#1003'");
  g_assert_cmpstr (status, ==, "cancelled");
  /* Line items found the products by name, not as new products of their own. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products"), ==, 4);
  g_assert_cmpuint (sd_import_report_get_count (report, "products-made-from-line-items"), ==, 0);
  /* Purchases of the cancelled order are not behaviour. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events WHERE kind = 2"), ==, 3);
}

static void
test_woocommerce (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SdImportReport) report = import_ok (f, "woocommerce-products.csv", SD_IMPORT_AUTO);
  g_autofree char *shared = dataset_file ("shop-exports/woocommerce_sample_products.csv");
  g_autofree char *category = query_text (f->store, "SELECT category FROM products WHERE external_id = 'tee-red'");
  g_autofree char *mug = query_text (f->store, "SELECT category FROM products WHERE external_id = 'mug'");
  g_autoptr(SdImportReport) sample = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (report->rows_imported, ==, 4);
  g_assert_cmpstr (category, ==, "Tshirts");
  g_assert_cmpstr (mug, ==, "Mugs");
  g_assert_cmpint (query_int (f->store, "SELECT price_cents FROM products WHERE external_id = 'mug'"), ==, 950);
  g_assert_cmpint (query_int (f->store, "SELECT stock FROM products WHERE external_id = 'mug'"), ==, 20);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE external_id = 'woo-13'"), ==, 1);

  if (!g_file_test (shared, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("the WooCommerce sample export is not in SD_DATASETS_DIR");
      return;
    }
  sample = import_with (f, shared, SD_IMPORT_AUTO, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sample->format, ==, SD_IMPORT_WOOCOMMERCE_PRODUCTS);
  g_assert_cmpuint (sample->rows_read, ==, 24);
  g_assert_cmpuint (sample->rows_imported, ==, 24);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE external_id LIKE 'c%-%'"), ==, 24);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE external_id LIKE 'c%-%' AND category IS NULL"), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE category = 'Hoodies'"), ==, 9);
  g_assert_cmpint (query_int (f->store, "SELECT price_cents FROM products WHERE external_id = 'cc-beanie'"), ==, 2000);
}

static void
test_movielens (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SdImportReport) ratings = import_ok (f, "movielens/u.data", SD_IMPORT_AUTO);
  g_autoptr(SdImportReport) items = import_ok (f, "movielens/u.item", SD_IMPORT_MOVIELENS);
  g_autoptr(SdImportReport) newer = import_ok (f, "movielens-csv/ratings.csv", SD_IMPORT_MOVIELENS);
  g_autofree char *title = query_text (f->store, "SELECT title FROM products WHERE external_id = 'ml-302'");
  g_autofree char *tags = query_text (f->store, "SELECT tags FROM products WHERE external_id = 'ml-302'");
  g_autofree char *latin1 = query_text (f->store, "SELECT title FROM products WHERE external_id = 'ml-1300'");

  g_assert_cmpuint (ratings->rows_imported, ==, 5);
  g_assert_cmpuint (sd_import_report_get_count (ratings, "movies-from-movie-file"), ==, 5);
  g_assert_cmpstr (title, ==, "L.A. Confidential (1997)");
  g_assert_cmpstr (tags, ==, "Crime,Film-Noir,Mystery,Thriller");
  g_assert_cmpstr (latin1, ==, "Á köld (1994)");
  g_assert_cmpuint (items->rows_imported, ==, 5);
  g_assert_cmpint (query_int (f->store, "SELECT rating FROM events e JOIN customers c ON c.id = e.customer_id"
                                        " JOIN products p ON p.id = e.product_id"
                                        " WHERE c.external_id = 'ml-196' AND p.external_id = 'ml-302'"), ==, 5);
  /* Half stars round up: 0.5 → 1, 4.5 → 5. */
  g_assert_cmpuint (newer->rows_imported, ==, 4);
  g_assert_cmpuint (sd_import_report_get_count (newer, "half-star-ratings-rounded-up"), ==, 2);
  g_assert_cmpint (query_int (f->store, "SELECT min(rating) FROM events e JOIN customers c ON c.id = e.customer_id"
                                        " WHERE c.external_id = 'ml-2'"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events WHERE kind = 3"), ==, 9);
}

static void
test_generic (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SdImportReport) c = import_ok (f, "customers.csv", SD_IMPORT_AUTO);
  g_autoptr(SdImportReport) p = import_ok (f, "products.csv", SD_IMPORT_AUTO);
  g_autoptr(SdImportReport) o = import_ok (f, "orders.csv", SD_IMPORT_AUTO);
  g_autoptr(SdImportReport) e = import_ok (f, "events.csv", SD_IMPORT_AUTO);
  g_autofree char *review = query_text (f->store, "SELECT review_text FROM events WHERE kind = 3");
  g_autofree char *path = NULL;
  g_autoptr(SdImportReport) bad = NULL;

  g_assert_cmpint (query_int (f->store, "SELECT created_at FROM customers WHERE external_id = 'c2'"), ==, 1676016000);
  g_assert_cmpint (query_int (f->store, "SELECT price_cents FROM products WHERE external_id = 'p1'"), ==, 3990);
  g_assert_cmpint (query_int (f->store, "SELECT total_cents FROM orders WHERE external_id = 'o1'"), ==, 2 * 3990 + 1500);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers"), ==, 3);   /* c3 came with an order */
  g_assert_cmpuint (sd_import_report_get_count (o, "customers-made-from-references"), ==, 1);
  g_assert_cmpuint (sd_import_report_get_count (o, "products-made-from-references"), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events"), ==, 6);
  g_assert_cmpstr (review, ==, "Sturdy, roomy.");

  path = write_temp (f, "bad-events.csv",
                     "customer_id,product_id,kind,at,rating\n"
                     "c1,p2,view,1677664800,\n"
                     "c1,p2,like,1677664800,\n"
                     "c1,p2,review,1677664800,7\n"
                     "c1,p2,review,last tuesday,4\n"
                     ",p2,view,1677664801,\n", -1);
  bad = import_with (f, path, SD_IMPORT_AUTO, FALSE, NULL);
  g_assert_nonnull (bad);
  g_assert_cmpuint (bad->rows_imported, ==, 1);
  g_assert_cmpuint (bad->rows_rejected, ==, 4);
  g_assert_nonnull (strstr (((SdImportReject *) bad->rejects->pdata[0])->reason, "like"));
  g_assert_nonnull (strstr (((SdImportReject *) bad->rejects->pdata[1])->reason, "between 1 and 5"));
  g_assert_nonnull (strstr (((SdImportReject *) bad->rejects->pdata[2])->reason, "bad date"));
  g_assert_cmpuint (((SdImportReject *) bad->rejects->pdata[3])->line, ==, 6);
}

/* Purchases are written once per key at the end of the rows: the lines of a key add up,
 * the first line's rating and review stay, a purchase already in the shop takes the
 * import's quantity, and the other kinds are written as they come. */
static void
test_purchases (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *first = write_temp (f, "first.csv",
                                       "customer_id,product_id,kind,at,quantity,rating,review_text\n"
                                       "c1,p1,purchase,1677664800,5,,\n"
                                       "c1,p2,purchase,1677664800,1,,\n", -1);
  g_autofree char *second = write_temp (f, "second.csv",
                                        "customer_id,product_id,kind,at,quantity,rating,review_text\n"
                                        "c1,p1,purchase,1677664800,2,4,Good\n"
                                        "c2,p1,view,1677664800,1,,\n"
                                        "c1,p1,purchase,1677664800,3,2,Bad\n"
                                        "c0,p1,purchase,1677664799,1,,\n", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdImportReport) a = import_with (f, first, SD_IMPORT_EVENTS, FALSE, &error);
  g_autoptr(SdImportReport) b = NULL;
  g_autoptr(SdImportReport) c = NULL;
  g_autofree char *review = NULL;
  SdStoreStats stats;

  g_assert_no_error (error);
  b = import_with (f, second, SD_IMPORT_EVENTS, FALSE, &error);
  g_assert_no_error (error);
  /* 5 before, then this file's 2 + 3: set, not added to. */
  g_assert_cmpint (query_int (f->store, "SELECT quantity FROM events e JOIN products p ON p.id = e.product_id"
                                        " JOIN customers c ON c.id = e.customer_id"
                                        " WHERE c.external_id = 'c1' AND p.external_id = 'p1'"), ==, 5);
  g_assert_cmpint (query_int (f->store, "SELECT rating FROM events e JOIN customers c ON c.id = e.customer_id"
                                        " WHERE c.external_id = 'c1' AND e.kind = 2 AND e.quantity = 5"
                                        " AND e.product_id = (SELECT id FROM products WHERE external_id = 'p1')"), ==, 4);
  review = query_text (f->store, "SELECT review_text FROM events WHERE rating = 4");
  g_assert_cmpstr (review, ==, "Good");
  g_assert_cmpint (query_int (f->store, "SELECT quantity FROM events e JOIN products p ON p.id = e.product_id"
                                        " WHERE p.external_id = 'p2'"), ==, 1);
  g_assert_true (sd_store_get_stats (f->store, &stats, NULL));
  g_assert_cmpint (stats.events[SD_EVENT_PURCHASE], ==, 3);
  g_assert_cmpint (stats.events[SD_EVENT_VIEW], ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events"), ==, 4);

  /* Again: the same numbers. */
  c = import_with (f, second, SD_IMPORT_EVENTS, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f->store, "SELECT sum(quantity) FROM events WHERE kind = 2"), ==, 5 + 1 + 1);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events"), ==, 4);
}

static void
test_gzip (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *plain = fixture_file ("online-retail.csv");
  g_autofree char *path = g_build_filename (f->dir, "retail.csv.gz", NULL);
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) raw = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (plain, &contents, &len, NULL));
  raw = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, 0, NULL, &error));
  out = g_converter_output_stream_new (raw, G_CONVERTER (gz));
  g_assert_true (g_output_stream_write_all (out, contents, len, NULL, NULL, &error));
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_assert_no_error (error);

  report = import_with (f, path, SD_IMPORT_AUTO, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (report->format, ==, SD_IMPORT_ONLINE_RETAIL);
  g_assert_cmpuint (report->rows_imported, ==, 10);
}

/* The real data sets */

static void
test_dataset_online_retail (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = dataset_file ("online-retail/online_retail.csv.gz");
  SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
  g_autoptr(SdJob) job = NULL;
  g_autoptr(GError) error = NULL;
  SdImportReport *report;
  SdStoreStats stats;
  GArray *points;
  guint rate_points = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("online_retail.csv.gz is not in SD_DATASETS_DIR (../shared/datasets)");
      return;
    }

  /* Through the job, as the Data page runs it: its own connection, rate points. */
  job = sd_import_job_new (f->path, path, &options);
  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);
  report = sd_import_job_get_report (job);
  g_assert_nonnull (report);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  points = sd_job_get_points (job);
  for (guint i = 0; i < points->len; i++)
    if (g_str_equal (g_array_index (points, SdMetricPoint, i).name, "rows/s"))
      {
        g_assert_cmpfloat (g_array_index (points, SdMetricPoint, i).value, >, 0);
        rate_points++;
      }
  g_test_message ("imported %" G_GUINT64_FORMAT " rows in %.2f s (%.0f rows/s), %u rate points",
                  report->rows_imported, report->elapsed_us / 1e6,
                  report->rows_imported / (report->elapsed_us / 1e6), rate_points);
  g_assert_cmpuint (rate_points, >, 0);

  /* The figures in ../shared/datasets/README.md */
  g_assert_cmpuint (report->rows_read, ==, 541909);
  g_assert_cmpuint (report->rows_imported, ==, 541909);
  g_assert_cmpuint (report->rows_rejected, ==, 0);
  g_assert_cmpuint (sd_import_report_get_count (report, "rows-without-customer"), ==, 135080);
  g_assert_true (sd_store_get_stats (f->store, &stats, NULL));
  g_assert_cmpint (stats.orders, ==, 25900);
  g_assert_cmpint (stats.customers, ==, 4372);
  g_assert_cmpint (stats.products, ==, 4070);
  g_assert_cmpint (stats.order_lines, ==, 541909);
  g_assert_cmpint (query_int (f->store, "SELECT count(DISTINCT country) FROM orders"), ==, 38);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM orders WHERE status = 'cancelled'"), ==,
                   query_int (f->store, "SELECT count(*) FROM orders WHERE external_id LIKE 'C%'"));
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM orders WHERE status = 'cancelled'"), >, 0);

  /* The lines that are not goods: postage and carriage, fees, manual adjustments,
   * discounts, samples, bad debt, the gift vouchers (one of them, 22016, known by its title
   * only) and a product titled "adjustment" (23595). */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE kind <> 'merchandise'"), ==,
                   query_int (f->store, "SELECT count(*) FROM products WHERE external_id IN"
                                        " ('POST', 'DOT', 'C2', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'M', 'm',"
                                        "  'D', 'S', 'B', 'PADS', '22016', '23595') OR external_id LIKE 'gift\\_%' ESCAPE '\\'"));
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE kind = 'shipping'"), ==, 3);

  /* Net merchandise revenue, by SQL that shares nothing with sd-figures.h: every positive
   * line of a paid invoice, less every cancelled line, neither of a product above. */
  {
    g_autoptr(SdShopSummary) summary = sd_shop_summary_load (f->store, 10, 0, NULL, &error);
    gint64 revenue = query_int (f->store,
        "SELECT sum(l.quantity * l.unit_price_cents) FROM order_lines l"
        " JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id"
        " WHERE ((o.status = 'paid' AND l.quantity > 0) OR l.quantity < 0)"
        "   AND p.external_id NOT IN ('POST', 'DOT', 'C2', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'M', 'm',"
        "                             'D', 'S', 'B', 'PADS', '22016', '23595') AND p.external_id NOT LIKE 'gift%'");

    const SdFigures *figures;

    g_assert_no_error (error);
    figures = &sd_shop_summary_main (summary)->now;
    g_assert_cmpint (summary->counts.revenue_cents, ==, revenue);
    /* One currency (GBP): the shop's figures are the whole shop's. */
    g_assert_cmpuint (summary->currencies->len, ==, 1);
    g_assert_cmpint (figures->revenue_cents, ==, revenue);
    g_assert_cmpint (figures->orders_counted, ==, summary->counts.orders_counted);
    g_assert_cmpint (figures->average_order_cents, ==,
                     (gint64) llround ((double) revenue / summary->counts.orders_counted));
    g_test_message ("net merchandise revenue %" G_GINT64_FORMAT " cents over %" G_GINT64_FORMAT
                    " orders counted: average order %" G_GINT64_FORMAT " cents", revenue,
                    summary->counts.orders_counted, figures->average_order_cents);
    /* No postage or fee in the top ten, and not "PAPER CRAFT , LITTLE BIRDIE", sold for
     * £168k and cancelled the same day. */
    g_assert_cmpuint (summary->top_by_revenue->len, ==, 10);
    for (guint i = 0; i < summary->top_by_revenue->len; i++)
      {
        const SdTopProduct *top = g_ptr_array_index (summary->top_by_revenue, i);
        g_assert_cmpstr (top->external_id, !=, "23843");
        g_assert_cmpstr (top->external_id, !=, "DOT");
        g_assert_cmpstr (top->external_id, !=, "POST");
        g_assert_cmpstr (top->external_id, !=, "M");
      }
  }

  /* The last 30 days end with the newest invoice's day, 9 December 2011, and are compared
   * with the 30 before; by SQL of its own over the same non-goods list. */
  {
    SdRange last30 = { SD_RANGE_LAST_30_DAYS, 0, 0 };
    g_autoptr(SdShopSummary) summary = sd_shop_summary_load_range (f->store, &last30, 0, 0, NULL, &error);
    const SdCurrencyFigures *gbp;
#define OR_REVENUE_SINCE(from, to) \
    "SELECT sum(l.quantity * l.unit_price_cents) FROM order_lines l" \
    " JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id" \
    " WHERE ((o.status = 'paid' AND l.quantity > 0) OR l.quantity < 0)" \
    "   AND p.external_id NOT IN ('POST', 'DOT', 'C2', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'M', 'm'," \
    "                             'D', 'S', 'B', 'PADS', '22016', '23595') AND p.external_id NOT LIKE 'gift%'" \
    "   AND o.placed_at >= strftime('%s', '" from "') AND o.placed_at < strftime('%s', '" to "')"

    g_assert_no_error (error);
    gbp = sd_shop_summary_main (summary);
    g_assert_cmpstr (gbp->currency, ==, "GBP");
    g_assert_cmpint (summary->from, ==, 1320883200);   /* 2011-11-10 */
    g_assert_cmpint (summary->to, ==, 1323475200);     /* 2011-12-10 */
    g_assert_cmpint (gbp->now.revenue_cents, ==, query_int (f->store, OR_REVENUE_SINCE ("2011-11-10", "2011-12-10")));
    g_assert_cmpint (gbp->before.revenue_cents, ==, query_int (f->store, OR_REVENUE_SINCE ("2011-10-11", "2011-11-10")));
    g_test_message ("last 30 days: %" G_GINT64_FORMAT " cents over %" G_GINT64_FORMAT " orders counted;"
                    " the 30 before: %" G_GINT64_FORMAT " over %" G_GINT64_FORMAT,
                    gbp->now.revenue_cents, gbp->now.orders_counted,
                    gbp->before.revenue_cents, gbp->before.orders_counted);
#undef OR_REVENUE_SINCE
  }
}

/* Counts lines, and lines with an empty or missing field, by a plain scan: a second
 * opinion that shares no code with the importer. (Not g_strsplit: under AddressSanitizer
 * its strstr checks the rest of the file on every call.) */
static guint
count_movielens_lines (const char *path,
                       guint      *with_empty_field)
{
  g_autofree char *contents = NULL;
  gsize len;
  guint n = 0, fields = 1, empty = 0;
  gsize field_len = 0, line_len = 0;

  *with_empty_field = 0;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  for (gsize i = 0; i <= len; i++)
    {
      char c = i < len ? contents[i] : '\n';
      if (c == '\t' || c == '\n')
        {
          if (field_len == 0 && fields <= 3)
            empty++;
          field_len = 0;
          if (c == '\t')
            {
              fields++;
              line_len++;
              continue;
            }
          if (line_len > 0)
            {
              n++;
              if (fields != 4 || empty > 0)
                (*with_empty_field)++;
            }
          fields = 1;
          empty = 0;
          line_len = 0;
        }
      else
        {
          field_len++;
          line_len++;
        }
    }
  return n;
}

static void
test_dataset_movielens (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *base = dataset_file ("movielens-100k/u1.base");
  g_autofree char *test = dataset_file ("movielens-100k/u1.test");
  g_autofree char *full = dataset_file ("movielens-100k/u.data");
  g_autoptr(SdImportReport) a = NULL;
  g_autoptr(SdImportReport) b = NULL;
  g_autoptr(SdImportReport) c = NULL;
  g_autoptr(GError) error = NULL;
  guint lines, damaged;

  if (!g_file_test (base, G_FILE_TEST_EXISTS) || !g_file_test (full, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("MovieLens 100K is not in SD_DATASETS_DIR (../shared/datasets)");
      return;
    }

  /* u1.base + u1.test is the whole of the 100K ratings, split 80/20. */
  a = import_with (f, base, SD_IMPORT_AUTO, FALSE, &error);
  g_assert_no_error (error);
  b = import_with (f, test, SD_IMPORT_MOVIELENS, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->format, ==, SD_IMPORT_MOVIELENS);
  g_assert_cmpuint (a->rows_imported + b->rows_imported, ==, 100000);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events WHERE kind = 3"), ==, 100000);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers"), ==, 943);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products"), ==, 1682);
  g_assert_cmpint (query_int (f->store, "SELECT count(DISTINCT product_id) FROM events"), ==, 1682);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE title = external_id"), ==, 0);

  /* u.data as shipped in ../shared/datasets: every line is read; a line with an empty
   * field is rejected with its line number, the rest is kept. */
  lines = count_movielens_lines (full, &damaged);
  c = import_with (f, full, SD_IMPORT_AUTO, FALSE, &error);
  g_assert_no_error (error);
  g_test_message ("u.data: %u lines, %u with an empty field", lines, damaged);
  g_assert_cmpuint (c->rows_read, ==, lines);
  g_assert_cmpuint (lines, ==, 100000);
  g_assert_cmpuint (c->rows_rejected, ==, damaged);
  g_assert_cmpuint (c->rows_imported, ==, lines - damaged);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/import/parse/cents", test_parse_cents);
  g_test_add_func ("/import/parse/time", test_parse_time);
  g_test_add_func ("/import/parse/int", test_parse_int);
  g_test_add_func ("/import/format-names", test_format_names);
  g_test_add_func ("/import/detect", test_detect);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/import/online-retail", test_online_retail);
  ADD ("/import/product-kind-rules", test_product_kind_rules);
  ADD ("/import/online-retail-ii", test_online_retail_ii);
  ADD ("/import/online-retail-usual-price", test_online_retail_usual_price);
  ADD ("/import/online-retail-aliases", test_online_retail_aliases);
  ADD ("/import/reimport", test_reimport);
  ADD ("/import/latin1", test_latin1);
  ADD ("/import/bad-rows", test_bad_rows);
  ADD ("/import/huge-field", test_huge_field);
  ADD ("/import/whole-file-failures", test_whole_file_failures);
  ADD ("/import/file-problems", test_file_problems);
  ADD ("/import/failure-after-rows", test_failure_after_rows);
  ADD ("/import/cancel", test_cancel);
  ADD ("/import/cancel-after-rows", test_cancel_after_rows);
  ADD ("/import/cancel-inside-last-steps", test_cancel_inside_last_steps);
  ADD ("/import/first-import-journal", test_first_import_journal);
  ADD ("/import/hash-identities", test_hash_identities);
  ADD ("/import/hash-shopdesk-ids", test_hash_shopdesk_ids);
  ADD ("/import/hash-after-clear", test_hash_after_clear);
  ADD ("/import/own-transaction", test_own_transaction);
  ADD ("/import/job-cancel", test_job_cancel);
  ADD ("/import/shopify-products", test_shopify_products);
  ADD ("/import/shopify-orders", test_shopify_orders);
  ADD ("/import/woocommerce", test_woocommerce);
  ADD ("/import/movielens", test_movielens);
  ADD ("/import/generic", test_generic);
  ADD ("/import/purchases", test_purchases);
  ADD ("/import/gzip", test_gzip);
  ADD ("/import/dataset/online-retail", test_dataset_online_retail);
  ADD ("/import/dataset/movielens", test_dataset_movielens);
#undef ADD

  return g_test_run ();
}
