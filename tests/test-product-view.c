/* test-product-view.c — the Data page's drill-down questions on the fixture shop: one
 * order with its lines (sd_order_detail_load) and one product's view (sd_product_view_load,
 * sd_product_similar_load), each checked by hand and against SQL of the test's own. */
#include "config.h"

#include "fixture-shop.h"
#include "sd-error.h"
#include "sd-order-lines.h"
#include "sd-product-text.h"
#include "sd-product-view.h"

#define ORDER(ext) "(SELECT id FROM orders WHERE external_id = '" ext "')"
#define PRODUCT(ext) "(SELECT id FROM products WHERE external_id = '" ext "')"
#define CUSTOMER(ext) "(SELECT id FROM customers WHERE external_id = '" ext "')"

/* Beyond fixture-shop.h: postage in o1 (not merchandise), a C invoice taking back one of
 * c1's shirts, and c2's five shirts in another currency. */
static const char more_rows[] =
  "INSERT INTO products (external_id, title, price_cents, kind) VALUES ('POST', 'POSTAGE', 1800, 'shipping');"
  "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)"
  " VALUES (" ORDER ("o1") ", 9, " PRODUCT ("POST") ", 1, 1800);"
  "INSERT INTO orders (external_id, customer_id, placed_at, status, currency) VALUES"
  " ('Co1', " CUSTOMER ("c1") ", 1677700000, 'cancelled', 'EUR'),"
  " ('o9', " CUSTOMER ("c2") ", 1680600000, 'paid', 'USD');"
  "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES"
  " (" ORDER ("Co1") ", 1, " PRODUCT ("p1") ", -1, 3990),"
  " (" ORDER ("o9") ", 1, " PRODUCT ("p1") ", 5, 100),"
  " (" ORDER ("o9") ", 2, " PRODUCT ("p2") ", 1, 100);";

typedef FixtureShop Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture_shop_open (f);
  g_assert_true (sd_store_exec (f->store, more_rows, &error));
  g_assert_no_error (error);
  sd_product_text_set_setting ("en");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  fixture_shop_close (f);
}

static gint64
sql_for (SdStore    *store,
         const char *sql,
         gint64      id)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  g_assert_nonnull (stmt);
  sqlite3_bind_int64 (stmt, 1, id);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static void
test_order (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 o1 = fixture_shop_int (f->store, "SELECT id FROM orders WHERE external_id = 'o1'");
  g_autoptr(SdOrderDetail) d = sd_order_detail_load (f->store, o1, &error);
  const SdOrderLine *line;

  g_assert_no_error (error);
  g_assert_cmpstr (d->external_id, ==, "o1");
  g_assert_cmpstr (d->customer_external_id, ==, "c1");
  g_assert_cmpstr (d->customer_name, ==, "Ann Lee");
  g_assert_cmpstr (d->status, ==, "paid");
  g_assert_cmpstr (d->currency, ==, "EUR");
  g_assert_cmpint (d->placed_at, ==, 1677664800);
  /* Two shirts, a tote and the postage, in line order */
  g_assert_cmpuint (d->lines->len, ==, 3);
  line = g_ptr_array_index (d->lines, 0);
  g_assert_cmpstr (line->external_id, ==, "p1");
  g_assert_cmpstr (line->title, ==, "Linen Shirt");
  g_assert_cmpint (line->quantity, ==, 2);
  g_assert_cmpint (line->unit_price_cents, ==, 3990);
  g_assert_cmpint (line->amount_cents, ==, 7980);
  g_assert_cmpstr (line->kind, ==, "merchandise");
  line = g_ptr_array_index (d->lines, 2);
  g_assert_cmpstr (line->external_id, ==, "POST");
  g_assert_cmpstr (line->kind, ==, "shipping");
  g_assert_cmpint (d->lines_cents, ==, 7980 + 1500 + 1800);
  g_assert_cmpint (d->lines_cents, ==,
                   sql_for (f->store, "SELECT sum(quantity * unit_price_cents) FROM order_lines WHERE order_id = ?1", o1));
  g_assert_cmpint (d->total_cents, ==, sql_for (f->store, "SELECT total_cents FROM orders WHERE id = ?1", o1));
  g_clear_pointer (&d, sd_order_detail_free);

  /* o5 names no currency: it is in the shop's */
  d = sd_order_detail_load (f->store, fixture_shop_int (f->store, "SELECT id FROM orders WHERE external_id = 'o5'"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (d->status, ==, "delivered");
  g_assert_cmpstr (d->currency, ==, "EUR");
  g_assert_cmpstr (d->customer_name, ==, "Bob Ray");
  g_clear_pointer (&d, sd_order_detail_free);

  g_assert_null (sd_order_detail_load (f->store, 999999, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
}

static void
test_product (Fixture       *f,
              gconstpointer  data)
{
  gint64 p1 = fixture_shop_id (f, "products", "p1");
  g_autoptr(GError) error = NULL;
  g_autoptr(SdProductView) v = sd_product_view_load (f->store, p1, 10, NULL, &error);
  const SdProductBuyer *buyer;
  const SdProductPeer *peer;
  gint64 units = 0, revenue = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (v->external_id, ==, "p1");
  g_assert_cmpstr (v->title, ==, "Linen Shirt");
  g_assert_cmpstr (v->category, ==, "Shirts");
  g_assert_cmpstr (v->kind, ==, "merchandise");
  g_assert_cmpstr (v->currency, ==, "EUR");
  /* o1's two and o2's one at 39.90, less the one Co1 took back; o9's dollars are not
   * added to the euros, but its five shirts are units */
  g_assert_cmpint (v->revenue_cents, ==, 3 * 3990 - 3990);
  g_assert_cmpint (v->units, ==, 2 + 1 - 1 + 5);
  g_assert_cmpint (v->units, ==,
                   sql_for (f->store, "SELECT sum(l.quantity) FROM order_lines l JOIN orders o ON o.id = l.order_id"
                                      " WHERE l.product_id = ?1 AND ((o.status IN ('paid', 'shipped', 'delivered')"
                                      "   AND l.quantity > 0) OR l.quantity < 0)", p1));
  /* o1, o2, o9 by c1, c3, c2 */
  g_assert_cmpint (v->orders, ==, 3);
  g_assert_cmpint (v->customers, ==, 3);
  g_assert_cmpint (v->first_sold_at, ==, 1677664800);
  g_assert_cmpint (v->last_sold_at, ==, 1680600000);

  /* 1 March to 4 April: a bar a day, summing to the figures */
  g_assert_cmpint (v->bucket, ==, SD_TIME_BUCKET_DAY);
  g_assert_cmpuint (v->series->len, ==, 35);
  for (guint i = 0; i < v->series->len; i++)
    {
      const SdProductBucket *b = &g_array_index (v->series, SdProductBucket, i);
      units += b->units;
      revenue += b->revenue_cents;
    }
  g_assert_cmpint (units, ==, v->units);
  g_assert_cmpint (revenue, ==, v->revenue_cents);

  /* c2's five first, then c3's one; c1 bought two and cancelled one: one */
  g_assert_cmpuint (v->buyers->len, ==, 3);
  buyer = g_ptr_array_index (v->buyers, 0);
  g_assert_cmpstr (buyer->external_id, ==, "c2");
  g_assert_cmpint (buyer->units, ==, 5);
  g_assert_cmpstr (buyer->name, ==, "Bob Ray");
  buyer = g_ptr_array_index (v->buyers, 1);
  g_assert_cmpstr (buyer->external_id, ==, "c1");
  g_assert_cmpint (buyer->units, ==, 1);
  g_assert_cmpint (buyer->orders, ==, 1);
  buyer = g_ptr_array_index (v->buyers, 2);
  g_assert_cmpstr (buyer->external_id, ==, "c3");

  /* The tote, in o1 and o9; never the postage */
  g_assert_cmpuint (v->bought_together->len, ==, 1);
  peer = g_ptr_array_index (v->bought_together, 0);
  g_assert_cmpstr (peer->external_id, ==, "p2");
  g_assert_cmpfloat (peer->score, ==, 2);
  g_assert_cmpint ((gint64) peer->score, ==,
                   sql_for (f->store, "SELECT count(DISTINCT a.order_id) FROM order_lines a"
                                      " JOIN order_lines b ON b.order_id = a.order_id"
                                      " JOIN orders o ON o.id = a.order_id"
                                      " WHERE a.product_id = ?1 AND b.product_id = (SELECT id FROM products WHERE external_id = 'p2')"
                                      "   AND a.quantity > 0 AND b.quantity > 0 AND o.status = 'paid'", p1));
  g_clear_pointer (&v, sd_product_view_free);

  /* The postage's own view: bought with the shirts and the tote, not merchandise itself */
  v = sd_product_view_load (f->store, fixture_shop_id (f, "products", "POST"), 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (v->kind, ==, "shipping");
  g_assert_cmpuint (v->bought_together->len, ==, 2);
  g_clear_pointer (&v, sd_product_view_free);

  /* Never sold: no bars, no buyers */
  v = sd_product_view_load (f->store, fixture_shop_id (f, "products", "p3"), 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (v->units, ==, 0);
  g_assert_cmpuint (v->series->len, ==, 0);
  g_assert_cmpuint (v->buyers->len, ==, 0);
  g_clear_pointer (&v, sd_product_view_free);

  g_assert_null (sd_product_view_load (f->store, 999999, 10, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_NOT_FOUND);
}

/* No item-kNN model is stored (the fixture's rows have no parameters): similar by text. The
 * shirt and the scarf share their category; postage is nobody's similar item. */
static void
test_similar (Fixture       *f,
              gconstpointer  data)
{
  gint64 p1 = fixture_shop_id (f, "products", "p1");
  g_autoptr(GError) error = NULL;
  const char *source = NULL;
  g_autoptr(GPtrArray) similar = sd_product_similar_load (f->store, p1, 5, &source, NULL, &error);
  gboolean scarf = FALSE;

  g_assert_no_error (error);
  g_assert_nonnull (similar);
  g_assert_cmpstr (source, ==, "content");
  for (guint i = 0; i < similar->len; i++)
    {
      const SdProductPeer *peer = g_ptr_array_index (similar, i);
      g_assert_cmpint (peer->product_id, !=, p1);
      g_assert_cmpstr (peer->external_id, !=, "POST");
      if (i > 0)
        g_assert_cmpfloat (peer->score, <=, ((SdProductPeer *) g_ptr_array_index (similar, i - 1))->score);
      scarf |= g_strcmp0 (peer->external_id, "p3") == 0;
    }
  g_assert_true (scarf);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/product-view/order", Fixture, NULL, fixture_set_up, test_order, fixture_tear_down);
  g_test_add ("/product-view/product", Fixture, NULL, fixture_set_up, test_product, fixture_tear_down);
  g_test_add ("/product-view/similar", Fixture, NULL, fixture_set_up, test_similar, fixture_tear_down);
  return g_test_run ();
}
