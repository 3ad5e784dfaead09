/* test-import-real.c — the shop importers on real Shopify and WooCommerce exports
 *
 * The files are in SD_DATASETS_DIR/shop-exports/real (see SOURCES.md there); each test
 * skips when they are absent. Every expected figure was counted from the file itself
 * with Python's csv module, not taken from the importer. Where a real file lacks a case
 * that real shops produce (an empty Billing Country, a spreadsheet's day-first dates,
 * the older customers header), the test derives it from a real file the way that
 * happens in the wild, and says so.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sd-catalog.h"
#include "sd-csv.h"
#include "sd-error.h"
#include "sd-html-text.h"
#include "sd-import-private.h"
#include "sd-interactions.h"
#include "sd-recommender.h"
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

  f->dir = g_dir_make_tmp ("sd-import-real-XXXXXX", &error);
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

/* The path of a real export, or NULL after marking the test skipped. */
static char *
real_file (const char *name)
{
  const char *dir = g_getenv ("SD_DATASETS_DIR");
  g_autofree char *path = dir ? g_build_filename (dir, "shop-exports", "real", name, NULL) : NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_autofree char *message =
        g_strdup_printf ("%s is not in SD_DATASETS_DIR/shop-exports/real (../shared/datasets)", name);
      g_test_skip (message);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static SdImportReport *
import_as (Fixture        *f,
           const char     *path,
           SdImportFormat  format)
{
  g_autoptr(GError) error = NULL;
  SdImportOptions options = { format, FALSE };
  SdImportReport *report = sd_import_file (f->store, path, &options, NULL, NULL, NULL, &error);

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

static void
csv_append (GString    *out,
            const char *value)
{
  if (strpbrk (value, ",\"\r\n") == NULL)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

/* Returns the new text of a field, or NULL to drop the column. */
typedef char *(*FieldEdit) (const char *column, const char *value, gboolean header);

/* A copy of the CSV @src in the fixture's folder with each field passed through @edit:
 * what a spreadsheet or an older exporter would have written. */
static char *
rewrite_csv (Fixture    *f,
             const char *src,
             const char *name,
             FieldEdit   edit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCsvReader) reader = sd_csv_reader_new_for_path (src, &error);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GPtrArray) header = g_ptr_array_new_with_free_func (g_free);
  char *path = g_build_filename (f->dir, name, NULL);
  gboolean first = TRUE;

  g_assert_no_error (error);
  while (sd_csv_reader_next (reader, &error))
    {
      gboolean any = FALSE;
      for (guint i = 0; i < sd_csv_reader_get_n_fields (reader); i++)
        {
          const char *value = sd_csv_reader_get_field (reader, i, NULL);
          g_autofree char *edited = NULL;

          if (first)
            g_ptr_array_add (header, g_strdup (g_str_has_prefix (value, "\xEF\xBB\xBF") ? value + 3 : value));
          edited = edit (i < header->len ? header->pdata[i] : "", value, first);
          if (edited == NULL)
            continue;
          if (any)
            g_string_append_c (out, ',');
          csv_append (out, edited);
          any = TRUE;
        }
      g_string_append_c (out, '\n');
      first = FALSE;
    }
  g_assert_no_error (error);
  g_file_set_contents (path, out->str, out->len, &error);
  g_assert_no_error (error);
  return path;
}

/* Item 20: WooCommerce's batch exporter writes its first records before it knows every
 * column: 50 records of 130 and 50 of 151 fields under a header of 152. */
static void
test_woocommerce_short_records (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *path = real_file ("woocommerce-products-marroxo.csv");
  g_autoptr(SdImportReport) report = NULL;
  g_autofree char *title = NULL;

  if (path == NULL)
    return;
  report = import_as (f, path, SD_IMPORT_AUTO);
  g_assert_cmpuint (report->rows_read, ==, 243);
  g_assert_cmpuint (report->rows_imported, ==, 243);
  g_assert_cmpuint (report->rows_rejected, ==, 0);
  g_assert_cmpuint (sd_import_report_get_count (report, "short-records-padded"), ==, 100);
  /* 243 records, 243 distinct keys (SKU, else woo-<ID>): no fragment rows. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products"), ==, 243);
  /* ID 20 is one of the 130-field records. */
  title = query_text (f->store, "SELECT title FROM products WHERE external_id = 'woo-20'");
  g_assert_cmpstr (title, ==, "GTA Recovery Packs");
  /* Published 0 on 20 records. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE status = 'draft'"), ==, 20);
}

/* Item 21: the order's own Total, Discount Amount, Shipping and Taxes. */
static void
test_shopify_order_charges (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = real_file ("shopify-orders-devstore-ramkumar.csv");
  g_autoptr(SdImportReport) report = NULL;

  if (path == NULL)
    return;
  report = import_as (f, path, SD_IMPORT_AUTO);
  g_assert_cmpuint (report->rows_rejected, ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM orders"), ==, 51);
  /* Sum of Total over the 51 orders 590,683.29; of the lines 585,942.00; of Taxes 4,741.29. */
  g_assert_cmpint (query_int (f->store, "SELECT sum(total_cents) FROM orders"), ==, 59068329);
  g_assert_cmpint (query_int (f->store, "SELECT sum(quantity * unit_price_cents) FROM order_lines"), ==, 58594200);
  g_assert_cmpint (query_int (f->store, "SELECT sum(tax_cents) FROM orders"), ==, 474129);
  /* #1001: lines 24,995.00, Taxes 2,249.55, Total 27,244.55. */
  g_assert_cmpint (query_int (f->store, "SELECT total_cents FROM orders WHERE external_id = '#1001'"), ==, 2724455);
  g_assert_cmpint (query_int (f->store, "SELECT tax_cents FROM orders WHERE external_id = '#1001'"), ==, 224955);
  g_assert_cmpint (query_int (f->store, "SELECT sum(discount_cents) + sum(shipping_cents) FROM orders"), ==, 0);
}

/* Item 22: drafts, archived and unpublished products keep their status and are never
 * recommended. */
static void
test_shopify_product_status (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = real_file ("shopify-products-vietjewelers.csv");
  g_autoptr(SdImportReport) report = NULL;
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(GArray) top = NULL;
  g_autoptr(GError) error = NULL;
  SdInteractionWeights weights;
  guint off_sale = 0;

  if (path == NULL)
    return;
  report = import_as (f, path, SD_IMPORT_AUTO);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products"), ==, 1243);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE status = 'draft'"), ==, 619);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE status = 'archived'"), ==, 47);
  /* Status active but Published false: hidden from the online store. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE status = 'unpublished'"), ==, 11);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE status = 'active'"), ==, 566);

  /* One customer who bought one active product: everything else on sale is a candidate. */
  g_assert_true (sd_store_exec (f->store,
                                "INSERT INTO customers (id, external_id) VALUES (1, 'c1');"
                                "INSERT INTO events (customer_id, product_id, kind, at)"
                                " SELECT 1, id, 2, 0 FROM products WHERE external_id = 'multi-circle-interwine-silver-ring'",
                                &error));
  g_assert_no_error (error);
  sd_interactions_weights_default (&weights);
  train = sd_interactions_from_store (f->store, &weights, NULL, &error);
  g_assert_no_error (error);
  catalog = sd_catalog_from_store (f->store, train, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < catalog->n_items; i++)
    off_sale += catalog->items[i].off_sale;
  g_assert_cmpuint (off_sale, ==, 619 + 47 + 11);

  model = sd_recommender_new ("popularity", NULL);
  sd_recommender_set_catalog (model, catalog);
  g_assert_true (sd_recommender_fit (model, train, NULL, NULL));
  top = sd_recommender_recommend (model, 0, train->n_items, NULL);
  g_assert_cmpuint (top->len, ==, 566 - 1);
  for (guint k = 0; k < top->len; k++)
    g_assert_false (catalog->items[g_array_index (top, SdScoredItem, k).item].off_sale);
}

/* Item 23: variant SKUs from a products export find the product of an order line. */
static void
test_shopify_variant_skus (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = real_file ("shopify-products-dna-alvor.csv");
  g_autofree char *orders = NULL;
  g_autofree char *handle = NULL;
  g_autoptr(SdImportReport) products = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;
  products = import_as (f, path, SD_IMPORT_AUTO);
  /* 7 SKUs: 001-001…001-005 of jetski-rental, 002-001 and 002-002 of the towables. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM product_skus"), ==, 7);
  g_assert_cmpint (query_int (f->store,
                              "SELECT count(*) FROM product_skus s JOIN products p ON p.id = s.product_id"
                              " WHERE p.external_id = 'jetski-rental'"), ==, 5);

  /* An order line names the variant by SKU and a name that is not the title. */
  orders = g_build_filename (f->dir, "orders.csv", NULL);
  g_file_set_contents (orders,
                       "Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n"
                       "#1,a@example.com,2024-06-01 10:00:00 +0100,1,Jet ski - 2 hours,150.00,001-004\n", -1, &error);
  g_assert_no_error (error);
  report = import_as (f, orders, SD_IMPORT_AUTO);
  g_assert_cmpuint (sd_import_report_get_count (report, "products-made-from-line-items"), ==, 0);
  handle = query_text (f->store, "SELECT p.external_id FROM order_lines l JOIN products p ON p.id = l.product_id");
  g_assert_cmpstr (handle, ==, "jetski-rental");
}

/* Item 24: the 2021–22 header: Standardized Product Type, Custom Product Type. */
static void
test_shopify_standardized_type (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *path = real_file ("shopify-products-standardized-type.csv");
  g_autoptr(SdImportReport) report = NULL;
  g_autofree char *gown = NULL;
  g_autofree char *top = NULL;

  if (path == NULL)
    return;
  report = import_as (f, path, SD_IMPORT_AUTO);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products"), ==, 158);
  /* 35 with a standardized type, 120 more with a custom type only, 3 with neither. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE category IS NOT NULL"), ==, 155);
  gown = query_text (f->store, "SELECT category FROM products WHERE external_id = 'celeste-black-satin-corset-gown'");
  g_assert_cmpstr (gown, ==, "Dresses");
  top = query_text (f->store, "SELECT category FROM products WHERE external_id = 'quinn-sage-green-embroidered-jacquard-corset-top'");
  g_assert_cmpstr (top, ==, "Top");
}

/* Item 25: HTML bodies read as a browser shows them. */
static void
test_html_text (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *viet = real_file ("shopify-products-vietjewelers.csv");
  g_autofree char *styled = NULL;
  g_autoptr(SdImportReport) a = NULL;
  g_autoptr(SdImportReport) b = NULL;
  g_autofree char *citizen = NULL;
  g_autofree char *entities = sd_html_to_text ("<p>&eacute;t&eacute; &rsquo;s &#39;x&#39; &amp;&nbsp;&lt;b&gt;</p>");

  g_autofree char *hidden = sd_html_to_text ("<style>p { color: red }</style><script>go ()</script><p>Shown</p>");

  g_assert_cmpstr (entities, ==, "été ’s 'x' & <b>");
  g_assert_cmpstr (hidden, ==, "Shown");
  if (viet == NULL)
    return;
  styled = real_file ("shopify-products-standardized-type.csv");
  if (styled == NULL)
    return;
  a = import_as (f, viet, SD_IMPORT_AUTO);
  b = import_as (f, styled, SD_IMPORT_AUTO);

  /* “by <strong …>Citizen</strong>, featuring”: no space before the comma. */
  citizen = query_text (f->store, "SELECT description FROM products WHERE external_id = 'citizen-chere-ladies-vintage-watch'");
  g_assert_nonnull (strstr (citizen, "by Citizen, featuring"));
  /* 33 + 169 bodies' &amp; and 90 &quot; are all decoded, 11 &gt; too. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE description LIKE '%&amp;%'"
                                        " OR description LIKE '%&quot;%' OR description LIKE '%&gt;%'"), ==, 0);
  /* The two bodies that begin with a <style> block (its CSS inside a comment): the text
   * starts with the first paragraph. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE description LIKE '%mso-data-placement%'"), ==, 0);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE external_id = 'pixie-powder-blue-puff-corset-dress'"
                                        " AND description LIKE 'Our Pixie Lavender Puff Corset Dress is here %'"), ==, 1);
}

/* Item 26: a Shopify category path is one path, commas and all. */
static void
test_shopify_category_comma (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = real_file ("shopify-products-vietjewelers.csv");
  g_autoptr(SdImportReport) report = NULL;
  g_autofree char *hair = NULL;

  if (path == NULL)
    return;
  report = import_as (f, path, SD_IMPORT_AUTO);
  hair = query_text (f->store, "SELECT category FROM products WHERE external_id = 'twist-ribbon-silver-ep'");
  g_assert_cmpstr (hair, ==, "Hair Pins, Claws & Clips");
  /* “Hardware > … > Chain, Wire & Rope > Chains”: the leaf after the comma. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE category = 'Chains'"), ==, 4);
}

/* Item 27: WooCommerce's literal \n in descriptions. */
static void
test_woocommerce_line_breaks (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *path = real_file ("woocommerce-products-marroxo.csv");
  g_autoptr(SdImportReport) report = NULL;
  g_autofree char *text = NULL;

  if (path == NULL)
    return;
  report = import_as (f, path, SD_IMPORT_AUTO);
  /* 73 descriptions (and 54 short ones) hold a literal \n; none is left. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE description LIKE '%\\n%'"), ==, 0);
  text = query_text (f->store, "SELECT description FROM products WHERE external_id = 'woo-20'");
  g_assert_true (g_str_has_prefix (text, "GTA 5 Account Recoveries Recoveries are where we log onto your account"));
}

/* Item 28: an order not paid makes no purchase. */
static void
test_shopify_pending_orders (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = real_file ("shopify-orders-forezia-devstore.csv");
  g_autoptr(SdImportReport) report = NULL;
  g_autofree char *status = NULL;

  if (path == NULL)
    return;
  report = import_as (f, path, SD_IMPORT_AUTO);
  status = query_text (f->store, "SELECT status FROM orders WHERE external_id = '#1013'");
  g_assert_cmpstr (status, ==, "pending");
  /* Distinct (e-mail, product, time) of the lines of paid orders with an e-mail: 16;
   * #1013's two pending lines would make 18. */
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events WHERE kind = 2"), ==, 16);
}

/* #1013's financial status as Shopify writes it for an authorisation, or one that lapsed. */
static char *
authorized (const char *column,
            const char *value,
            gboolean    header)
{
  return g_strdup (!header && g_str_equal (column, "Financial Status") && g_str_equal (value, "pending") ? "authorized" : value);
}

static char *
expired (const char *column,
         const char *value,
         gboolean    header)
{
  return g_strdup (!header && g_str_equal (column, "Financial Status") && g_str_equal (value, "pending") ? "expired" : value);
}

static void
test_shopify_unpaid_orders (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = real_file ("shopify-orders-forezia-devstore.csv");
  g_autofree char *held = NULL;
  g_autofree char *lapsed = NULL;
  g_autofree char *held_status = NULL;
  g_autofree char *lapsed_status = NULL;
  g_autoptr(SdImportReport) a = NULL;
  g_autoptr(SdImportReport) b = NULL;

  if (path == NULL)
    return;
  held = rewrite_csv (f, path, "authorized.csv", authorized);
  a = import_as (f, held, SD_IMPORT_AUTO);
  held_status = query_text (f->store, "SELECT status FROM orders WHERE external_id = '#1013'");
  g_assert_cmpstr (held_status, ==, "pending");
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events WHERE kind = 2"), ==, 16);

  lapsed = rewrite_csv (f, path, "expired.csv", expired);
  b = import_as (f, lapsed, SD_IMPORT_AUTO);
  lapsed_status = query_text (f->store, "SELECT status FROM orders WHERE external_id = '#1013'");
  g_assert_cmpstr (lapsed_status, ==, "cancelled");
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM events WHERE kind = 2"), ==, 16);
}

/* The order's Billing Country moved to Shipping Country: what a shop that ships
 * without billing addresses (TikTok shop orders) exports. */
static char *
billing_to_shipping (const char *column,
                     const char *value,
                     gboolean    header)
{
  static char *billing = NULL;

  if (header)
    return g_strdup (value);
  if (g_str_equal (column, "Billing Country"))
    {
      g_free (billing);
      billing = g_strdup (value);
      return g_strdup ("");
    }
  if (g_str_equal (column, "Shipping Country"))
    return g_strdup (billing ? billing : "");
  return g_strdup (value);
}

/* Shopify's Created at as a spreadsheet saved outside the US writes it. */
static char *
day_first_dates (const char *column,
                 const char *value,
                 gboolean    header)
{
  int y, mo, d, h, mi;

  if (header || !g_str_equal (column, "Created at") || *value == '\0')
    return g_strdup (value);
  g_assert_cmpint (sscanf (value, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi), ==, 5);
  return g_strdup_printf ("%02d/%02d/%04d %02d:%02d", d, mo, y, h, mi);
}

/* Items 29 and 30: countries, and dates with the day first. */
static void
test_shopify_orders_derived (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *ramkumar = real_file ("shopify-orders-devstore-ramkumar.csv");
  g_autofree char *forezia = NULL;
  g_autofree char *shipped = NULL;
  g_autofree char *dated = NULL;
  g_autofree char *ambiguous = NULL;
  g_autofree char *country = NULL;
  g_autoptr(SdImportReport) a = NULL;
  g_autoptr(SdImportReport) b = NULL;
  g_autoptr(SdImportReport) c = NULL;

  if (ramkumar == NULL || (forezia = real_file ("shopify-orders-forezia-devstore.csv")) == NULL)
    return;

  /* #1044 and #1002 are the two orders with a country (IN). */
  shipped = rewrite_csv (f, ramkumar, "shipping-only.csv", billing_to_shipping);
  a = import_as (f, shipped, SD_IMPORT_AUTO);
  g_assert_cmpuint (sd_import_report_get_count (a, "countries-from-shipping"), ==, 2);
  country = query_text (f->store, "SELECT country FROM orders WHERE external_id = '#1044'");
  g_assert_cmpstr (country, ==, "IN");
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM orders WHERE country = 'IN'"), ==, 2);

  /* forezia's 19 orders (40 rows, each with its date) are of 11–17 May 2025: 13/05/2025 tells the day comes first. */
  dated = rewrite_csv (f, forezia, "day-first.csv", day_first_dates);
  b = import_as (f, dated, SD_IMPORT_AUTO);
  g_assert_cmpuint (b->rows_rejected, ==, 0);
  g_assert_cmpuint (sd_import_report_get_count (b, "dates-read-day-first"), ==, 40);
  /* #1001: 2025-05-11 09:55 (the zone is lost in the spreadsheet: UTC). */
  g_assert_cmpint (query_int (f->store, "SELECT placed_at FROM orders WHERE external_id = '#1001'"), ==, 1746957300);

  /* ramkumar's 51 orders (121 rows) are all of 6 December 2025: 06/12/2025 could be 12 June. */
  ambiguous = rewrite_csv (f, ramkumar, "ambiguous.csv", day_first_dates);
  c = import_as (f, ambiguous, SD_IMPORT_SHOPIFY_ORDERS);
  g_assert_cmpuint (sd_import_report_get_count (c, "dates-ambiguous-read-month-first"), ==, 121);
}

/* The Customer ID column as the older header (no column) or with Shopify's apostrophe. */
static char *
without_customer_id (const char *column,
                     const char *value,
                     gboolean    header)
{
  return g_str_equal (column, "Customer ID") ? NULL : g_strdup (value);
}

static char *
apostrophe_customer_id (const char *column,
                        const char *value,
                        gboolean    header)
{
  if (header || !g_str_equal (column, "Customer ID"))
    return g_strdup (value);
  return g_strdup_printf ("'%.0f", g_ascii_strtod (value, NULL));
}

/* Item 29: customers without e-mail, and Shopify's apostrophe before ids. */
static void
test_shopify_customers (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = real_file ("shopify-customers-devstore-skrish.csv");
  g_autofree char *older = NULL;
  g_autofree char *quoted = NULL;
  g_autoptr(SdImportReport) a = NULL;
  g_autoptr(SdImportReport) b = NULL;

  if (path == NULL)
    return;
  /* 8 customers, 3 without e-mail (User Four, User Test, Sree Test), each with a phone. */
  older = rewrite_csv (f, path, "older.csv", without_customer_id);
  a = import_as (f, older, SD_IMPORT_AUTO);
  g_assert_cmpuint (a->rows_rejected, ==, 0);
  g_assert_cmpuint (sd_import_report_get_count (a, "customers-without-email"), ==, 3);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers"), ==, 8);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers WHERE external_id = 'shopify-phone:16672391818'"
                                        " AND name = 'User Test'"), ==, 1);

  /* 7.06971E+12 (User Four) written as '7069710000000. */
  quoted = rewrite_csv (f, path, "quoted.csv", apostrophe_customer_id);
  b = import_as (f, quoted, SD_IMPORT_AUTO);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers WHERE external_id = 'shopify-7069710000000'"
                                        " AND name = 'User Four'"), ==, 1);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM customers WHERE external_id LIKE '%''%'"), ==, 0);
}

/* Item 30: negative variant stock is summed, and counted. */
static void
test_shopify_negative_stock (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = real_file ("shopify-products-parispousse.csv");
  g_autoptr(SdImportReport) report = NULL;

  if (path == NULL)
    return;
  report = import_as (f, path, SD_IMPORT_AUTO);
  g_assert_cmpuint (sd_import_report_get_count (report, "variants-with-negative-stock"), ==, 32);
  /* Variants -3, -2 and 1. */
  g_assert_cmpint (query_int (f->store, "SELECT stock FROM products WHERE external_id = 'pot-horticole-terre-naturelle'"), ==, -4);
  /* The 40 products' variants add up to -102. */
  g_assert_cmpint (query_int (f->store, "SELECT sum(stock) FROM products"), ==, -102);
}

/* Item 30: WooCommerce files with a SKU and no ID, a translated header, a forced format. */
static void
test_woocommerce_variants (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *luk = real_file ("woocommerce-products-lukstore-generated.csv");
  g_autofree char *vino = NULL;
  g_autofree char *ru = NULL;
  g_autoptr(SdImportReport) a = NULL;
  g_autoptr(SdImportReport) b = NULL;
  g_autoptr(SdImportReport) c = NULL;

  if (luk == NULL || (vino = real_file ("woocommerce-products-vinoteka-generated.csv")) == NULL ||
      (ru = real_file ("woocommerce-products-ru-artur.csv")) == NULL)
    return;

  /* Every ID empty, 69 distinct SKUs. */
  a = import_as (f, luk, SD_IMPORT_AUTO);
  g_assert_cmpuint (a->rows_imported, ==, 69);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products"), ==, 69);
  /* No ID column at all, 404 distinct SKUs. */
  b = import_as (f, vino, SD_IMPORT_AUTO);
  g_assert_cmpint (b->format, ==, SD_IMPORT_WOOCOMMERCE_PRODUCTS);
  g_assert_cmpuint (b->rows_imported, ==, 404);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products"), ==, 69 + 404);

  /* “\n\t” before the BOM, Russian column names; ID 41: Базовая цена 1200, Мужская одежда. */
  c = import_as (f, ru, SD_IMPORT_AUTO);
  g_assert_cmpint (c->format, ==, SD_IMPORT_WOOCOMMERCE_PRODUCTS);
  g_assert_cmpuint (c->rows_imported, ==, 9);
  g_assert_cmpint (query_int (f->store, "SELECT price_cents FROM products WHERE external_id = 'woo-41'"), ==, 120000);
  g_assert_cmpint (query_int (f->store, "SELECT count(*) FROM products WHERE external_id = 'woo-41'"
                                        " AND category = 'Мужская одежда'"), ==, 1);
}

static void
test_forced_format_names_column (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *products = real_file ("shopify-products-dna-alvor.csv");
  g_autofree char *customers = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  SdImportOptions woo = { SD_IMPORT_WOOCOMMERCE_PRODUCTS, FALSE };
  SdImportOptions orders = { SD_IMPORT_SHOPIFY_ORDERS, FALSE };

  if (products == NULL || (customers = real_file ("shopify-customers-devstore-skrish.csv")) == NULL)
    return;
  g_assert_null (sd_import_file (f->store, products, &woo, NULL, NULL, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT);
  g_assert_nonnull (strstr (error->message, "“id” or “sku”"));
  g_assert_nonnull (strstr (error->message, "Shopify products"));
  g_assert_null (sd_import_file (f->store, customers, &orders, NULL, NULL, NULL, &error2));
  g_assert_error (error2, SD_ERROR, SD_ERROR_WRONG_FORMAT);
  g_assert_nonnull (strstr (error2->message, "“name”"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/import-real/woocommerce/short-records", test_woocommerce_short_records);
  ADD ("/import-real/shopify-orders/charges", test_shopify_order_charges);
  ADD ("/import-real/shopify-products/status", test_shopify_product_status);
  ADD ("/import-real/shopify-products/variant-skus", test_shopify_variant_skus);
  ADD ("/import-real/shopify-products/standardized-type", test_shopify_standardized_type);
  ADD ("/import-real/html", test_html_text);
  ADD ("/import-real/shopify-products/category-comma", test_shopify_category_comma);
  ADD ("/import-real/woocommerce/line-breaks", test_woocommerce_line_breaks);
  ADD ("/import-real/shopify-orders/pending", test_shopify_pending_orders);
  ADD ("/import-real/shopify-orders/unpaid", test_shopify_unpaid_orders);
  ADD ("/import-real/shopify-orders/derived", test_shopify_orders_derived);
  ADD ("/import-real/shopify-customers", test_shopify_customers);
  ADD ("/import-real/shopify-products/negative-stock", test_shopify_negative_stock);
  ADD ("/import-real/woocommerce/variants", test_woocommerce_variants);
  ADD ("/import-real/forced-format", test_forced_format_names_column);
#undef ADD

  return g_test_run ();
}
