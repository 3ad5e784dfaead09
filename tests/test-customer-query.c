/* test-customer-query.c — finding customers on the fixture shop: search by id or name
 * (exact id first, then prefixes, LIKE's wildcards taken literally, the limit,
 * cancellation) and the most active customers, against hand-counted events */
#include "config.h"

#include "fixture-shop.h"
#include "sd-customer-query.h"

static void
add_customers (FixtureShop *shop)
{
  g_autoptr(GError) error = NULL;

  /* Names made to trip the ordering and LIKE: "c1" inside ids and names, a literal % and _. */
  g_assert_true (sd_store_exec (shop->store,
      "INSERT INTO customers (external_id, name, country, segment) VALUES"
      " ('x-c1', 'Abc1 Zed', '', ''),"
      " ('c10', 'Zoe Ray', 'FR', 'new'),"
      " ('p%1', '50% Off', NULL, NULL),"
      " ('u_1', 'Under Score', NULL, NULL);",
      &error));
  g_assert_no_error (error);
}

static const char *
external_id_at (GPtrArray *matches,
                guint      i)
{
  g_assert_cmpuint (i, <, matches->len);
  return ((SdCustomerMatch *) g_ptr_array_index (matches, i))->external_id;
}

static void
test_search (void)
{
  FixtureShop shop;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;
  SdCustomerMatch *m;

  fixture_shop_open (&shop);
  add_customers (&shop);

  /* The exact id first; then what starts with "c1" (c10); then what merely contains it
   * (x-c1, whose name Abc1 Zed contains it too). */
  found = sd_customer_query_search (shop.store, "c1", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 3);
  g_assert_cmpstr (external_id_at (found, 0), ==, "c1");
  g_assert_cmpstr (external_id_at (found, 1), ==, "c10");
  g_assert_cmpstr (external_id_at (found, 2), ==, "x-c1");
  m = g_ptr_array_index (found, 0);
  g_assert_cmpint (m->id, ==, fixture_shop_id (&shop, "customers", "c1"));
  g_assert_cmpstr (m->name, ==, "Ann Lee");
  g_assert_cmpstr (m->country, ==, "DE");
  g_assert_cmpstr (m->segment, ==, "vip");
  g_assert_cmpint (m->n_events, ==, 0);
  m = g_ptr_array_index (found, 2);
  g_assert_null (m->country);      /* empty text reads as none */
  g_assert_null (m->segment);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* Names count as well as ids, in any ASCII case; among equals, by name. */
  found = sd_customer_query_search (shop.store, "ra", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpstr (external_id_at (found, 0), ==, "c2");    /* Bob Ray */
  g_assert_cmpstr (external_id_at (found, 1), ==, "c10");   /* Zoe Ray */
  g_clear_pointer (&found, g_ptr_array_unref);

  /* % and _ are the characters themselves, not wildcards. */
  found = sd_customer_query_search (shop.store, "%", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (external_id_at (found, 0), ==, "p%1");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = sd_customer_query_search (shop.store, "_", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (external_id_at (found, 0), ==, "u_1");
  g_clear_pointer (&found, g_ptr_array_unref);

  /* The limit; nothing found is an empty list, not an error. */
  found = sd_customer_query_search (shop.store, "c", 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_clear_pointer (&found, g_ptr_array_unref);

  /* A name that starts with the text comes before an id that only contains it. */
  found = sd_customer_query_search (shop.store, "Ab", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  g_assert_cmpstr (external_id_at (found, 0), ==, "x-c1");
  g_clear_pointer (&found, g_ptr_array_unref);
  found = sd_customer_query_search (shop.store, "z", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 2);
  g_assert_cmpstr (external_id_at (found, 0), ==, "c10");    /* Zoe Ray */
  g_assert_cmpstr (external_id_at (found, 1), ==, "x-c1");   /* Abc1 Zed: by name it would come first */
  g_clear_pointer (&found, g_ptr_array_unref);
  found = sd_customer_query_search (shop.store, "nobody", 20, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 0);
  g_clear_pointer (&found, g_ptr_array_unref);

  fixture_shop_close (&shop);
}

static void
test_cancel (void)
{
  FixtureShop shop;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  fixture_shop_open (&shop);
  g_cancellable_cancel (cancellable);
  g_assert_null (sd_customer_query_search (shop.store, "c", 20, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_null (sd_customer_query_most_active (shop.store, 5, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  fixture_shop_close (&shop);
}

static void
test_most_active (void)
{
  FixtureShop shop;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) active = NULL;
  SdCustomerMatch *m;

  fixture_shop_open (&shop);
  add_customers (&shop);

  /* c1 has six events, c2 three, c3 one (its order's line); c4 and the added ones none,
   * so they are left out. */
  active = sd_customer_query_most_active (shop.store, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (active->len, ==, 3);
  m = g_ptr_array_index (active, 0);
  g_assert_cmpstr (m->external_id, ==, "c1");
  g_assert_cmpint (m->id, ==, fixture_shop_id (&shop, "customers", "c1"));
  g_assert_cmpstr (m->name, ==, "Ann Lee");
  g_assert_cmpint (m->n_events, ==, 6);
  m = g_ptr_array_index (active, 1);
  g_assert_cmpstr (m->external_id, ==, "c2");
  g_assert_null (m->segment);
  g_assert_cmpint (m->n_events, ==, 3);
  g_assert_cmpint (m->n_events, ==,
                   fixture_shop_int (shop.store, "SELECT count(*) FROM events e JOIN customers c"
                                                 " ON c.id = e.customer_id WHERE c.external_id = 'c2'"));
  m = g_ptr_array_index (active, 2);
  g_assert_cmpstr (m->external_id, ==, "c3");
  g_assert_null (m->name);
  g_assert_cmpint (m->n_events, ==, 1);
  g_clear_pointer (&active, g_ptr_array_unref);

  /* Two more events for c3 tie it with c2: the older customer comes first. */
  g_assert_true (sd_store_exec (shop.store,
      "INSERT INTO events (customer_id, product_id, kind, at)"
      " SELECT c.id, p.id, 0, 1690000000 FROM customers c, products p"
      " WHERE c.external_id = 'c3' AND p.external_id IN ('p3', 'p4')", &error));
  g_assert_no_error (error);
  active = sd_customer_query_most_active (shop.store, 2, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (active->len, ==, 2);
  g_assert_cmpstr (external_id_at (active, 0), ==, "c1");
  g_assert_cmpstr (external_id_at (active, 1), ==, "c2");
  g_assert_cmpint (((SdCustomerMatch *) g_ptr_array_index (active, 1))->n_events, ==, 3);
  g_clear_pointer (&active, g_ptr_array_unref);
  active = sd_customer_query_most_active (shop.store, 5, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (active->len, ==, 3);
  g_assert_cmpstr (external_id_at (active, 2), ==, "c3");
  g_assert_cmpint (((SdCustomerMatch *) g_ptr_array_index (active, 2))->n_events, ==, 3);
  g_clear_pointer (&active, g_ptr_array_unref);

  fixture_shop_close (&shop);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/customer-query/search", test_search);
  g_test_add_func ("/customer-query/cancel", test_cancel);
  g_test_add_func ("/customer-query/most-active", test_most_active);
  return g_test_run ();
}
