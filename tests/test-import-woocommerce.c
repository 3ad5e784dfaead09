/* test-import-woocommerce.c — WooCommerce's order and customer CSV exports, and coupon
 * usage from them and from Shopify's Discount Code, on fixtures written for this test */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "empty-shop.h"
#include "sd-import.h"

static SdImportReport *
import (EmptyShop      *f,
        const char     *name,
        SdImportFormat  expected)
{
  g_autofree char *path = g_build_filename (g_getenv ("SD_FIXTURES_DIR"), name, NULL);
  SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
  g_autoptr(GError) error = NULL;
  SdImportReport *report = sd_import_file (f->store, path, &options, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (report->format, ==, expected);
  return report;
}

static void
test_orders (EmptyShop     *f,
             gconstpointer  data)
{
  g_autoptr(SdImportReport) report = import (f, "woocommerce-orders.csv", SD_IMPORT_WOOCOMMERCE_ORDERS);
  g_autoptr(SdImportReport) again = NULL;
  g_autofree char *status = NULL, *name = NULL;

  /* 504's status is unknown and 505 has no line items: both rejected, with reasons. */
  g_assert_cmpuint (report->rows_read, ==, 5);
  g_assert_cmpuint (report->rows_rejected, ==, 2);
  g_assert_nonnull (strstr (((SdImportReject *) report->rejects->pdata[0])->reason, "wc-teleported"));
  g_assert_nonnull (strstr (((SdImportReject *) report->rejects->pdata[1])->reason, "line_item_1"));
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM orders"), ==, 3);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM order_lines"), ==, 5);
  /* Keyed like the product export (SKU, else woo-ID) and like the sync (e-mail, lower case). */
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM products WHERE external_id IN ('HD-BL', 'woo-20', 'SO-1', 'woo-21')"), ==, 4);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers"), ==, 2);
  name = empty_shop_text (f, "SELECT name FROM customers WHERE external_id = 'zoe@example.com'");
  g_assert_cmpstr (name, ==, "Zoë Müller");
  /* A line's price is its sub_total over its quantity; the order keeps what it charged. */
  g_assert_cmpint (empty_shop_int (f, "SELECT unit_price_cents FROM order_lines l JOIN orders o ON o.id = l.order_id"
                                " WHERE o.external_id = '501' AND l.line_no = 1"), ==, 2000);
  g_assert_cmpint (empty_shop_int (f, "SELECT total_cents FROM orders WHERE external_id = '501'"), ==, 7690);
  g_assert_cmpint (empty_shop_int (f, "SELECT discount_cents FROM orders WHERE external_id = '503'"), ==, 750);
  status = empty_shop_text (f, "SELECT status FROM orders WHERE external_id = '502'");
  g_assert_cmpstr (status, ==, "cancelled");
  g_free (status);
  status = empty_shop_text (f, "SELECT status FROM orders WHERE external_id = '501'");
  g_assert_cmpstr (status, ==, "delivered");
  /* Purchases only for sales: 501's two lines and 503's two, not the cancelled 502's. */
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM events WHERE kind = 2"), ==, 4);
  /* Coupons, codes in lower case: spring10 twice, vip once. */
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM coupon_uses WHERE code = 'spring10'"), ==, 2);
  g_assert_cmpint (empty_shop_int (f, "SELECT sum(discount_cents) FROM coupon_uses"), ==, 400 + 500 + 250);
  g_assert_cmpuint (sd_import_report_get_count (report, "coupon-uses"), ==, 3);

  /* Importing again duplicates nothing. */
  again = import (f, "woocommerce-orders.csv", SD_IMPORT_WOOCOMMERCE_ORDERS);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM order_lines"), ==, 5);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM coupon_uses"), ==, 3);
}

static void
test_customers (EmptyShop     *f,
                gconstpointer  data)
{
  g_autoptr(SdImportReport) plugin = import (f, "woocommerce-customers.csv", SD_IMPORT_WOOCOMMERCE_CUSTOMERS);
  g_autoptr(SdImportReport) analytics = NULL, shopify = NULL;
  g_autofree char *name = NULL, *country = NULL;

  g_assert_cmpuint (plugin->rows_read, ==, 3);
  g_assert_cmpuint (plugin->rows_rejected, ==, 1);     /* no e-mail */
  g_assert_nonnull (strstr (((SdImportReject *) plugin->rejects->pdata[0])->reason, "user_email"));
  name = empty_shop_text (f, "SELECT name FROM customers WHERE external_id = 'zoe@example.com'");
  g_assert_cmpstr (name, ==, "Zoë Müller");
  g_assert_cmpint (empty_shop_int (f, "SELECT created_at FROM customers WHERE external_id = 'li.lei@example.cn'"), ==, 1705320000);

  analytics = import (f, "woocommerce-analytics-customers.csv", SD_IMPORT_WOOCOMMERCE_CUSTOMERS);
  g_assert_cmpuint (analytics->rows_rejected, ==, 0);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM customers"), ==, 3);   /* Zoë met again, Ann new */
  country = empty_shop_text (f, "SELECT country FROM customers WHERE external_id = 'ann@example.com'");
  g_assert_cmpstr (country, ==, "GB");

  /* Shopify's customers export is still told apart. */
  shopify = import (f, "shopify-customers.csv", SD_IMPORT_SHOPIFY_CUSTOMERS);
}

static void
test_shopify_discount_codes (EmptyShop     *f,
                             gconstpointer  data)
{
  g_autoptr(SdImportReport) report = import (f, "shopify-orders-discounts.csv", SD_IMPORT_SHOPIFY_ORDERS);

  g_assert_cmpuint (report->rows_rejected, ==, 0);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(*) FROM coupon_uses"), ==, 2);
  g_assert_cmpint (empty_shop_int (f, "SELECT count(DISTINCT code) FROM coupon_uses"), ==, 1);
  g_assert_cmpint (empty_shop_int (f, "SELECT sum(discount_cents) FROM coupon_uses WHERE code = 'welcome5'"), ==, 1000);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/import/woocommerce/orders", EmptyShop, NULL, empty_shop_set_up, test_orders, empty_shop_tear_down);
  g_test_add ("/import/woocommerce/customers", EmptyShop, NULL, empty_shop_set_up, test_customers, empty_shop_tear_down);
  g_test_add ("/import/shopify/discount-codes", EmptyShop, NULL, empty_shop_set_up, test_shopify_discount_codes, empty_shop_tear_down);
  return g_test_run ();
}
