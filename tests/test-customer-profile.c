/* test-customer-profile.c — sd_customer_profile_load(): every field on the hand-counted
 * fixture shop (sales only, titles in the chosen language, what was bought), an unknown
 * customer, a worker's own connection, and every customer of a demo shop against direct
 * SQL */
#include "config.h"

#include <glib/gstdio.h>

#include "fixture-shop.h"
#include "sd-customer-profile.h"
#include "sd-demo.h"
#include "sd-error.h"
#include "sd-import.h"
#include "sd-product-text.h"
#include "sd-shop-summary.h"

static int
compare_id (gconstpointer a,
            gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static void
assert_bought (SdCustomerProfile *profile,
               FixtureShop       *shop,
               const char *const *external_ids)
{
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; external_ids[i]; i++)
    {
      gint64 id = fixture_shop_id (shop, "products", external_ids[i]);
      g_array_append_val (expected, id);
    }
  g_array_sort (expected, compare_id);
  g_assert_cmpuint (profile->bought->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpint (g_array_index (profile->bought, gint64, i), ==, g_array_index (expected, gint64, i));
}

static void
assert_event (SdCustomerProfile *profile,
              guint              index,
              SdEventKind        kind,
              gint64             at,
              int                rating,
              int                quantity,
              const char        *title,
              const char        *review)
{
  SdCustomerEvent *event;

  g_assert_cmpuint (index, <, profile->history->len);
  event = g_ptr_array_index (profile->history, index);
  g_assert_cmpint (event->kind, ==, kind);
  g_assert_cmpint (event->at, ==, at);
  g_assert_cmpint (event->rating, ==, rating);
  g_assert_cmpint (event->quantity, ==, quantity);
  g_assert_cmpstr (event->title, ==, title);
  g_assert_cmpstr (event->review, ==, review);
}

static void
test_fixture (void)
{
  FixtureShop shop;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCustomerProfile) c1 = NULL;
  g_autoptr(SdCustomerProfile) c2 = NULL;
  g_autoptr(SdCustomerProfile) c3 = NULL;
  g_autoptr(SdCustomerProfile) c4 = NULL;
  g_autoptr(SdCustomerProfile) latest = NULL;
  gint64 o1_total;

  fixture_shop_open (&shop);
  sd_product_text_set_setting ("en");
  o1_total = fixture_shop_int (shop.store, "SELECT total_cents FROM orders WHERE external_id = 'o1'");
  g_assert_cmpint (o1_total, ==, 2 * 3990 + 1500);

  c1 = sd_customer_profile_load (shop.store, fixture_shop_id (&shop, "customers", "c1"), 12, &error);
  g_assert_no_error (error);
  g_assert_cmpint (c1->id, ==, fixture_shop_id (&shop, "customers", "c1"));
  g_assert_cmpstr (c1->external_id, ==, "c1");
  g_assert_cmpstr (c1->name, ==, "Ann Lee");
  g_assert_cmpstr (c1->country, ==, "DE");
  g_assert_cmpstr (c1->segment, ==, "vip");
  g_assert_cmpint (c1->created_at, ==, 1672876800);        /* 2023-01-05 */
  /* o1 only: o3 was cancelled and o4 refunded, though both are later and larger. */
  g_assert_cmpint (c1->orders, ==, 1);
  g_assert_cmpint (c1->lifetime_cents, ==, o1_total);
  g_assert_cmpint (c1->last_order_at, ==, 1677664800);     /* 2023-03-01 10:00 */
  g_assert_cmpint (c1->events[SD_EVENT_VIEW], ==, 2);
  g_assert_cmpint (c1->events[SD_EVENT_CART], ==, 1);
  g_assert_cmpint (c1->events[SD_EVENT_PURCHASE], ==, 3);   /* o1's two lines, and p4 */
  g_assert_cmpint (c1->events[SD_EVENT_REVIEW], ==, 0);
  g_assert_cmpint (c1->n_events, ==, 6);
  /* Newest first; at the same time, the event stored last first (o1's lines were
   * imported before the events CSV). */
  g_assert_cmpuint (c1->history->len, ==, 6);
  assert_event (c1, 0, SD_EVENT_PURCHASE, 1680000100, 0, 3, "Gift Card", NULL);
  assert_event (c1, 1, SD_EVENT_VIEW, 1680000000, 0, 1, "Wool Scarf", NULL);
  assert_event (c1, 2, SD_EVENT_CART, 1677664900, 0, 1, "Linen Shirt", NULL);
  assert_event (c1, 3, SD_EVENT_VIEW, 1677664800, 0, 1, "Linen Shirt", NULL);
  assert_event (c1, 4, SD_EVENT_PURCHASE, 1677664800, 0, 1, "Canvas Tote", NULL);
  assert_event (c1, 5, SD_EVENT_PURCHASE, 1677664800, 0, 2, "Linen Shirt", NULL);
  /* o1's lines and the purchase event; not p3, only viewed and in orders that are no sales. */
  assert_bought (c1, &shop, (const char *[]) { "p1", "p2", "p4", NULL });

  c2 = sd_customer_profile_load (shop.store, fixture_shop_id (&shop, "customers", "c2"), 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c2->name, ==, "Bob Ray");
  g_assert_cmpstr (c2->country, ==, "US");
  g_assert_null (c2->segment);                             /* empty in the CSV */
  g_assert_cmpint (c2->created_at, ==, 1676016000);        /* 2023-02-10T08:00:00Z */
  g_assert_cmpint (c2->orders, ==, 1);
  g_assert_cmpint (c2->lifetime_cents, ==, 1234);
  g_assert_cmpint (c2->last_order_at, ==, 1680480000);
  g_assert_cmpint (c2->events[SD_EVENT_REVIEW], ==, 2);
  g_assert_cmpint (c2->events[SD_EVENT_VIEW], ==, 1);
  g_assert_cmpint (c2->n_events, ==, 3);
  /* Capped at two, newest first: the review without rating or text, then the view. */
  g_assert_cmpuint (c2->history->len, ==, 2);
  assert_event (c2, 0, SD_EVENT_REVIEW, 1680000300, 0, 1, "Linen Shirt", NULL);
  assert_event (c2, 1, SD_EVENT_VIEW, 1680000200, 0, 1, "Wool Scarf", NULL);
  /* Reviews say they have it; the delivered order's line too. */
  assert_bought (c2, &shop, (const char *[]) { "p1", "p2", "p4", NULL });

  /* The rated review, in Chinese where the product has a Chinese title. */
  sd_product_text_set_setting ("zh_CN");
  latest = sd_customer_profile_load (shop.store, c2->id, 12, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (latest->history->len, ==, 3);
  assert_event (latest, 0, SD_EVENT_REVIEW, 1680000300, 0, 1, "亚麻衬衫", NULL);
  assert_event (latest, 1, SD_EVENT_VIEW, 1680000200, 0, 1, "Wool Scarf", NULL);
  assert_event (latest, 2, SD_EVENT_REVIEW, 1678006800, 4, 1, "Canvas Tote", "Sturdy, roomy.");
  sd_product_text_set_setting ("en");

  /* Made by its order: no name, country or creation time; the shipped order counts. */
  c3 = sd_customer_profile_load (shop.store, fixture_shop_id (&shop, "customers", "c3"), 12, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c3->external_id, ==, "c3");
  g_assert_null (c3->name);
  g_assert_cmpint (c3->orders, ==, 1);
  g_assert_cmpint (c3->lifetime_cents, ==,
                   fixture_shop_int (shop.store, "SELECT total_cents FROM orders WHERE external_id = 'o2'"));
  g_assert_cmpint (c3->last_order_at, ==, 1677758400);     /* 2023-03-02 12:00 */
  g_assert_cmpint (c3->n_events, ==, 1);                   /* o2's line */
  g_assert_cmpint (c3->events[SD_EVENT_PURCHASE], ==, 1);
  g_assert_cmpuint (c3->history->len, ==, 1);
  assert_event (c3, 0, SD_EVENT_PURCHASE, 1677758400, 0, 1, "Linen Shirt", NULL);
  assert_bought (c3, &shop, (const char *[]) { "p1", NULL });

  /* Nothing at all; and no history asked for. */
  c4 = sd_customer_profile_load (shop.store, fixture_shop_id (&shop, "customers", "c4"), 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (c4->name, ==, "Cy");
  g_assert_null (c4->country);
  g_assert_cmpint (c4->created_at, ==, 0);
  g_assert_cmpint (c4->orders, ==, 0);
  g_assert_cmpint (c4->lifetime_cents, ==, 0);
  g_assert_cmpint (c4->last_order_at, ==, 0);
  for (guint k = 0; k < SD_N_EVENT_KINDS; k++)
    g_assert_cmpint (c4->events[k], ==, 0);
  g_assert_nonnull (c4->history);
  g_assert_cmpuint (c4->history->len, ==, 0);
  g_assert_nonnull (c4->bought);
  g_assert_cmpuint (c4->bought->len, ==, 0);

  g_clear_pointer (&c1, sd_customer_profile_free);
  g_clear_pointer (&c2, sd_customer_profile_free);
  g_clear_pointer (&c3, sd_customer_profile_free);
  g_clear_pointer (&c4, sd_customer_profile_free);
  g_clear_pointer (&latest, sd_customer_profile_free);
  fixture_shop_close (&shop);
}

static void
test_not_found (void)
{
  FixtureShop shop;
  g_autoptr(GError) error = NULL;
  gint64 missing;

  fixture_shop_open (&shop);
  missing = fixture_shop_int (shop.store, "SELECT max(id) + 1 FROM customers");
  g_assert_null (sd_customer_profile_load (shop.store, missing, 12, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
  fixture_shop_close (&shop);
}

/* A worker opens its own connection and loads there; the answer is the same. */
typedef struct {
  const char *path;
  gint64      customer_id;
} ThreadData;

static gpointer
load_in_thread (gpointer data)
{
  ThreadData *t = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (t->path, &error);
  SdCustomerProfile *profile;

  g_assert_no_error (error);
  profile = sd_customer_profile_load (store, t->customer_id, 12, &error);
  g_assert_no_error (error);
  return profile;
}

static void
test_worker (void)
{
  FixtureShop shop;
  ThreadData data;
  g_autoptr(SdCustomerProfile) here = NULL;
  g_autoptr(SdCustomerProfile) there = NULL;

  fixture_shop_open (&shop);
  sd_product_text_set_setting ("en");
  data.path = shop.path;
  data.customer_id = fixture_shop_id (&shop, "customers", "c1");
  there = g_thread_join (g_thread_new ("profile", load_in_thread, &data));
  here = sd_customer_profile_load (shop.store, data.customer_id, 12, NULL);
  g_assert_nonnull (there);
  g_assert_cmpstr (there->name, ==, here->name);
  g_assert_cmpint (there->lifetime_cents, ==, here->lifetime_cents);
  g_assert_cmpint (there->n_events, ==, here->n_events);
  g_assert_cmpuint (there->history->len, ==, here->history->len);
  g_assert_cmpuint (there->bought->len, ==, here->bought->len);
  g_clear_pointer (&here, sd_customer_profile_free);
  g_clear_pointer (&there, sd_customer_profile_free);
  fixture_shop_close (&shop);
}

/* The shop file at @path, its journal files and the folder @dir it was made in. */
static void
remove_shop (const char *dir,
             const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *p = g_strconcat (path, suffixes[i], NULL);
      g_remove (p);
    }
  g_rmdir (dir);
}

/* Every customer of a demo shop (cancelled and refunded orders, reviews, Chinese titles)
 * against SQL written out here. */
static void
test_demo (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-profile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "shop.sqlite", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  g_autoptr(SdStmt) customers = NULL;
  SdDemoOptions options;
  guint n_customers = 0, n_with_history = 0, n_excluded_orders = 0;

  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, "150", &error));
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  sd_product_text_set_setting ("zh_CN");

  customers = sd_store_prepare (store,
      "SELECT c.id, c.external_id, c.name,"
      " (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND o.status IN ('paid', 'shipped', 'delivered')),"
      " (SELECT total(o.total_cents) FROM orders o WHERE o.customer_id = c.id"
      "   AND o.status IN ('paid', 'shipped', 'delivered')),"
      " (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND o.status IN ('cancelled', 'refunded')),"
      " (SELECT count(*) FROM events e WHERE e.customer_id = c.id),"
      " (SELECT count(*) FROM events e WHERE e.customer_id = c.id AND e.kind = 2)"
      " FROM customers c ORDER BY c.id", NULL);
  g_assert_nonnull (customers);
  g_assert_cmpint (fixture_shop_int (store, "SELECT count(*) FROM orders WHERE status NOT IN"
                                            " ('paid', 'shipped', 'delivered', 'cancelled', 'refunded')"), ==, 0);
  while (sqlite3_step (customers) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (customers, 0);
      g_autoptr(SdCustomerProfile) profile = sd_customer_profile_load (store, id, 5, &error);
      g_autoptr(SdStmt) latest = NULL;
      g_autoptr(SdStmt) has = NULL;
      gint64 n_events = sqlite3_column_int64 (customers, 6);

      g_assert_no_error (error);
      g_assert_cmpstr (profile->external_id, ==, (const char *) sqlite3_column_text (customers, 1));
      g_assert_cmpstr (profile->name, ==, (const char *) sqlite3_column_text (customers, 2));
      g_assert_cmpint (profile->orders, ==, sqlite3_column_int64 (customers, 3));
      g_assert_cmpint (profile->lifetime_cents, ==, (gint64) sqlite3_column_double (customers, 4));
      g_assert_cmpint (profile->n_events, ==, n_events);
      g_assert_cmpint (profile->events[SD_EVENT_PURCHASE], ==, sqlite3_column_int64 (customers, 7));
      g_assert_cmpint (profile->events[SD_EVENT_VIEW] + profile->events[SD_EVENT_CART] +
                       profile->events[SD_EVENT_PURCHASE] + profile->events[SD_EVENT_REVIEW], ==, n_events);
      g_assert_cmpuint (profile->history->len, ==, MIN (n_events, 5));
      n_customers++;
      n_with_history += profile->history->len > 0;
      n_excluded_orders += sqlite3_column_int64 (customers, 5) > 0;

      /* The newest event first, its title as product_texts has it. */
      latest = sd_store_prepare (store,
          "SELECT e.at, coalesce(t.title, p.title) FROM events e JOIN products p ON p.id = e.product_id"
          " LEFT JOIN product_texts t ON t.product_id = p.id AND t.lang = 'zh_CN'"
          " WHERE e.customer_id = ?1 ORDER BY e.at DESC, e.id DESC LIMIT 1", NULL);
      sqlite3_bind_int64 (latest, 1, id);
      if (sqlite3_step (latest) == SQLITE_ROW)
        {
          SdCustomerEvent *first = g_ptr_array_index (profile->history, 0);
          g_assert_cmpint (first->at, ==, sqlite3_column_int64 (latest, 0));
          g_assert_cmpstr (first->title, ==, (const char *) sqlite3_column_text (latest, 1));
        }
      for (guint i = 1; i < profile->history->len; i++)
        g_assert_cmpint (((SdCustomerEvent *) g_ptr_array_index (profile->history, i - 1))->at, >=,
                         ((SdCustomerEvent *) g_ptr_array_index (profile->history, i))->at);

      /* As many products as they purchased or reviewed or have in lines of sales; each once,
       * ascending. */
      has = sd_store_prepare (store,
          "SELECT count(DISTINCT product_id) FROM ("
          " SELECT e.product_id FROM events e WHERE e.customer_id = ?1 AND e.kind IN (2, 3)"
          " UNION ALL SELECT l.product_id FROM order_lines l JOIN orders o ON o.id = l.order_id"
          "  WHERE o.customer_id = ?1 AND o.status IN ('paid', 'shipped', 'delivered'))", NULL);
      sqlite3_bind_int64 (has, 1, id);
      g_assert_cmpint (sqlite3_step (has), ==, SQLITE_ROW);
      g_assert_cmpint (profile->bought->len, ==, sqlite3_column_int64 (has, 0));
      for (guint i = 1; i < profile->bought->len; i++)
        g_assert_cmpint (g_array_index (profile->bought, gint64, i - 1), <, g_array_index (profile->bought, gint64, i));
    }
  g_assert_cmpuint (n_customers, ==, 150);
  g_assert_cmpuint (n_with_history, >, 100);
  g_assert_cmpuint (n_excluded_orders, >, 0);   /* the demo has cancelled or refunded orders */
  sd_product_text_set_setting ("en");

  g_clear_pointer (&customers, sd_stmt_release);
  g_assert_finalize_object (g_steal_pointer (&store));
  remove_shop (dir, path);
}

/* A customer's orders and spend are counted as the shop's figures are (sd-figures.h): on an
 * Online Retail export, postage and an adjustment are not merchandise, a cancellation nets
 * what it returns, and an order of postage alone is no order counted. The customers' sums are
 * the Overview's. */
static void
test_online_retail_figures (void)
{
  static const char csv[] =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n"
    "536365,POST,POSTAGE,1,2010-12-01 08:26:00,18.00,17850,United Kingdom\n"
    "536366,22633,HAND WARMER UNION JACK,6,2010-12-02 08:28:00,1.85,17850,United Kingdom\n"
    "C536379,85123A,WHITE HANGING HEART T-LIGHT HOLDER,-2,2010-12-03 09:41:00,2.55,17850,United Kingdom\n"
    "C536380,D,Discount,-1,2010-12-03 09:45:00,5.00,17850,United Kingdom\n"
    "536367,84879,ASSORTED COLOUR BIRD ORNAMENT,32,2010-12-01 08:34:00,1.69,13047,France\n"
    "536368,POST,POSTAGE,2,2010-12-04 08:34:00,18.00,13047,France\n";
  g_autofree char *dir = g_dir_make_tmp ("sd-profile-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "shop.sqlite", NULL);
  g_autofree char *file = g_build_filename (dir, "online_retail.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  g_autoptr(SdImportReport) report = NULL;
  g_autoptr(SdShopSummary) summary = NULL;
  g_autoptr(SdCustomerProfile) a = NULL;
  g_autoptr(SdCustomerProfile) b = NULL;
  SdImportOptions options = { SD_IMPORT_ONLINE_RETAIL, FALSE };

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (file, csv, -1, &error));
  report = sd_import_file (store, file, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->rows_rejected, ==, 0);

  a = sd_customer_profile_load (store, fixture_shop_int (store, "SELECT id FROM customers WHERE external_id = '17850'"),
                                0, &error);
  g_assert_no_error (error);
  /* 536365 and 536366; the cancellations are no orders. Six hearts and six warmers, less
   * the two hearts returned: not the postage (18.00) nor the discount line. */
  g_assert_cmpint (a->orders, ==, 2);
  g_assert_cmpint (a->lifetime_cents, ==, 6 * 255 + 6 * 185 - 2 * 255);
  g_assert_cmpint (a->last_order_at, ==, 1291278480);      /* 2010-12-02 08:28 */

  b = sd_customer_profile_load (store, fixture_shop_int (store, "SELECT id FROM customers WHERE external_id = '13047'"),
                                0, &error);
  g_assert_no_error (error);
  /* 536368 is postage alone: neither an order counted nor the last order. */
  g_assert_cmpint (b->orders, ==, 1);
  g_assert_cmpint (b->lifetime_cents, ==, 32 * 169);
  g_assert_cmpint (b->last_order_at, ==, 1291192440);      /* 2010-12-01 08:34 */

  /* Every order has a customer here, so the two are the whole shop. */
  summary = sd_shop_summary_load (store, 0, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->lifetime_cents + b->lifetime_cents, ==,
                   ((SdCurrencyFigures *) g_ptr_array_index (summary->currencies, 0))->now.revenue_cents);
  g_assert_cmpint (a->orders + b->orders, ==,
                   ((SdCurrencyFigures *) g_ptr_array_index (summary->currencies, 0))->now.orders_counted);

  g_assert_finalize_object (g_steal_pointer (&store));
  g_remove (file);
  remove_shop (dir, path);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/customer-profile/fixture", test_fixture);
  g_test_add_func ("/customer-profile/not-found", test_not_found);
  g_test_add_func ("/customer-profile/worker", test_worker);
  g_test_add_func ("/customer-profile/demo", test_demo);
  g_test_add_func ("/customer-profile/online-retail-figures", test_online_retail_figures);
  return g_test_run ();
}
