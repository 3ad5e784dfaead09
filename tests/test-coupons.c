/* test-coupons.c — the coupon rule engine: conditions, actions, stacking, limits,
 * versions, refusals, and the preview against direct SQL counts */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sys/wait.h>

#include "sd-coupon-engine.h"
#include "sd-coupon-interest.h"
#include "sd-demo.h"
#include "sd-train-job.h"
#include "sd-coupon-rule.h"
#include "sd-coupon-store.h"
#include "sd-number-format.h"
#include "sd-json.h"
#include "sd-customer-facts.h"
#include "sd-customer-profile.h"
#include "sd-import.h"
#include "sd-error.h"
#include "temp-folder.h"

#define DAY 86400
#define NOW 1700000000

typedef struct {
  char            *dir;
  SdStore         *store;
  SdCustomerFacts *facts;
} Fixture;

/* Five customers, four products in three categories, orders and reviews: small enough to
 * know every answer by hand. */
static const char *const fixture_sql =
  "INSERT INTO customers (id, external_id, name, country, segment) VALUES"
  " (1, 'c1', 'Ada', 'United Kingdom', 'vip'),"
  " (2, 'c2', 'Bo', 'Germany', 'regular'),"
  " (3, 'c3', 'Chen Li', 'China', 'new'),"
  " (4, 'c4', 'Dee', 'United Kingdom', 'at-risk'),"
  " (5, 'c5', 'Eve', 'France', 'regular');"
  "INSERT INTO products (id, external_id, title, category, tags, price_cents, stock) VALUES"
  " (1, 'mug', 'Heart mug', 'kitchen', 'ceramic, heart', 1000, 5),"
  " (2, 'lamp', 'Vintage lamp', 'home', 'vintage, brass', 4000, 2),"
  " (3, 'kite', 'Red kite', 'toys', 'red', 1500, 0),"
  " (4, 'bowl', 'Oak bowl', 'kitchen', 'wooden', 2500, 9);"
  /* Ada: 3 orders, spent 100.00 + 40.00 + 30.00; last order 10 days ago */
  "INSERT INTO orders (id, external_id, customer_id, placed_at, status) VALUES"
  " (1, 'o1', 1, 1700000000 - 200 * 86400, 'delivered'),"
  " (2, 'o2', 1, 1700000000 - 50 * 86400, 'delivered'),"
  " (3, 'o3', 1, 1700000000 - 10 * 86400, 'paid'),"
  /* Bo: 1 order 150 days ago (lamp + mug) */
  " (4, 'o4', 2, 1700000000 - 150 * 86400, 'delivered'),"
  /* Dee: one cancelled order only, which does not count */
  " (5, 'o5', 4, 1700000000 - 5 * 86400, 'cancelled'),"
  /* Eve: 2 orders of kites, the last 20 days ago */
  " (6, 'o6', 5, 1700000000 - 90 * 86400, 'delivered'),"
  " (7, 'o7', 5, 1700000000 - 20 * 86400, 'shipped');"
  "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES"
  " (1, 1, 2, 2, 4000), (1, 2, 4, 1, 2000),"
  " (2, 1, 2, 1, 4000),"
  " (3, 1, 1, 3, 1000),"
  " (4, 1, 2, 1, 4000), (4, 2, 1, 1, 1000),"
  " (5, 1, 4, 4, 2500),"
  " (6, 1, 3, 2, 1500),"
  " (7, 1, 3, 4, 1500);"
  "INSERT INTO events (customer_id, product_id, kind, at, rating) VALUES"
  " (1, 2, 3, 1699000000, 5), (1, 1, 3, 1699000001, 4), (5, 3, 3, 1699000002, 2);";

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("sd-coupons-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "shop.sqlite", NULL);
  f->store = sd_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (sd_store_exec (f->store, fixture_sql, &error));
  g_assert_no_error (error);
  f->facts = sd_customer_facts_load (f->store, NULL, &error);
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
  sd_customer_facts_free (f->facts);
  g_assert_finalize_object (f->store);
  remove_dir (f->dir);
  g_free (f->dir);
}

static int
customer (Fixture    *f,
          gint64      id)
{
  int idx = sd_customer_facts_find (f->facts, id);
  g_assert_cmpint (idx, >=, 0);
  return idx;
}

static SdCouponRule *
rule_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  SdCouponRule *rule = sd_coupon_rule_from_json (json, "test", &error);

  g_assert_no_error (error);
  g_assert_nonnull (rule);
  g_assert_true (sd_coupon_rule_validate (rule, NULL, NULL, &error));
  g_assert_no_error (error);
  return rule;
}

/* Which of the five customers (ids 1..5) meet @json's conditions on their typical basket,
 * as a string like "1_3__" — easy to read in a failing assertion. */
static char *
who_matches (Fixture    *f,
             const char *json)
{
  g_autoptr(SdCouponRule) rule = rule_from (json);
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (f->facts);
  char *out = g_strdup ("_____");

  for (int id = 1; id <= 5; id++)
    if (sd_coupon_engine_matches (engine, rule, customer (f, id), NULL))
      out[id - 1] = '0' + id;
  return out;
}

#define RULE(conds) \
  "{\"name\": \"t\", \"enabled\": true, \"conditions\": {\"type\": \"all\", \"conditions\": [" conds "]}," \
  " \"action\": {\"type\": \"percent_off\", \"percent\": 10}}"

static void
assert_matches (Fixture    *f,
                const char *json,
                const char *expected)
{
  g_autofree char *got = who_matches (f, json);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_facts (Fixture       *f,
            gconstpointer  data)
{
  const SdCustomerFact *ada = &f->facts->customers[customer (f, 1)];
  const SdCustomerFact *dee = &f->facts->customers[customer (f, 4)];

  g_assert_cmpint (f->facts->n_customers, ==, 5);
  g_assert_cmpint (f->facts->now, ==, NOW - 10 * DAY);   /* the newest counted order */
  g_assert_cmpint (ada->orders, ==, 3);
  g_assert_cmpint (ada->spend_cents, ==, 10000 + 4000 + 3000);
  g_assert_cmpint (ada->basket_cents, ==, 4000);          /* median of 10000, 4000, 3000 */
  g_assert_cmpint (ada->basket_len, ==, 1);               /* the last order: 3 mugs */
  g_assert_cmpint (ada->reviews, ==, 2);
  g_assert_cmpint (dee->orders, ==, 0);                   /* cancelled does not count */
  /* Typical baskets: Ada 40.00, Bo 50.00, Eve 60.00 (the later of two). */
  g_assert_cmpint (f->facts->shop_basket_cents, ==, 5000);
  g_assert_true (sd_customer_facts_has_bought (f->facts, customer (f, 2),
                                               sd_customer_facts_category (f->facts, "home")));
  g_assert_false (sd_customer_facts_has_bought (f->facts, customer (f, 2),
                                                sd_customer_facts_category (f->facts, "toys")));
}

/* A return nets the spend it takes back, as the Recommendations page counts it (the
 * customer's profile): Bo returns the mug of his one order in a cancellation of its own
 * (Online Retail's C invoices), and a paid order of nothing but a returned lamp follows. */
static void
test_spend_nets_returns (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCustomerProfile) bo = NULL;
  const SdCustomerFact *fact;

  g_assert_true (sd_store_exec (f->store,
      "INSERT INTO orders (id, external_id, customer_id, placed_at, status) VALUES"
      " (8, 'C8', 2, 1700000000 - 140 * 86400, 'cancelled'),"
      " (9, 'o9', 2, 1700000000 - 130 * 86400, 'paid');"
      "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES"
      " (8, 1, 1, -1, 1000), (9, 1, 2, -1, 4000);", &error));
  g_assert_no_error (error);
  sd_customer_facts_free (f->facts);
  f->facts = sd_customer_facts_load (f->store, NULL, &error);
  g_assert_no_error (error);

  fact = &f->facts->customers[customer (f, 2)];
  bo = sd_customer_profile_load (f->store, 2, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fact->spend_cents, ==, 5000 - 1000 - 4000);
  g_assert_cmpint (fact->spend_cents, ==, bo->lifetime_cents);
  /* The returns are no orders of his: one order, placed 150 days ago, his basket of it. */
  g_assert_cmpint (fact->orders, ==, 1);
  g_assert_cmpint (fact->orders, ==, bo->orders);
  g_assert_cmpint (fact->last_order_at, ==, bo->last_order_at);
  g_assert_cmpint (fact->basket_cents, ==, 5000);
  g_assert_cmpint (fact->basket_len, ==, 2);
  assert_matches (f, RULE ("{\"type\": \"lifetime_spend\", \"op\": \">=\", \"value\": 1}"), "1___5");
  assert_matches (f, RULE ("{\"type\": \"order_count\", \"op\": \"==\", \"value\": 1}"), "_2___");
}

/* Online Retail's customer 17841 as the Recommendations page shows them, £40,333.22 net of
 * their returns (£40,967.72 bought): a rule "lifetime spend ≥ £40,500" is not for them. */
static void
test_online_retail_spend (void)
{
  const char *datasets = g_getenv ("SD_DATASETS_DIR");
  g_autofree char *file = g_build_filename (datasets ? datasets : "../shared/datasets",
                                            "online-retail", "online_retail.csv.gz", NULL);
  g_autofree char *dir = NULL, *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autoptr(SdCustomerProfile) profile = NULL;
  g_autoptr(SdCouponEngine) engine = NULL;
  g_autoptr(SdCouponRule) over = NULL, under = NULL;
  SdCustomerFacts *facts;
  SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
  gint64 id;
  int index;

  if (!g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("online-retail/online_retail.csv.gz is not in SD_DATASETS_DIR (../shared/datasets)");
      return;
    }
  dir = g_dir_make_tmp ("sd-coupons-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "shop.sqlite", NULL);
  store = sd_store_open (path, &error);
  g_assert_no_error (error);
  report = sd_import_file (store, file, &options, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  facts = sd_customer_facts_load (store, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT id FROM customers WHERE external_id = '17841'", &error);
    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    id = sqlite3_column_int64 (stmt, 0);
  }
  index = sd_customer_facts_find (facts, id);
  g_assert_cmpint (index, >=, 0);
  profile = sd_customer_profile_load (store, id, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (profile->lifetime_cents, ==, 4033322);
  g_assert_cmpint (facts->customers[index].spend_cents, ==, profile->lifetime_cents);
  g_assert_cmpint (facts->customers[index].orders, ==, profile->orders);

  engine = sd_coupon_engine_new (facts);
  over = rule_from (RULE ("{\"type\": \"lifetime_spend\", \"op\": \">=\", \"value\": 4050000}"));
  under = rule_from (RULE ("{\"type\": \"lifetime_spend\", \"op\": \">=\", \"value\": 4033322}"));
  g_assert_false (sd_coupon_engine_matches (engine, over, index, NULL));
  g_assert_true (sd_coupon_engine_matches (engine, under, index, NULL));

  g_clear_pointer (&engine, sd_coupon_engine_free);
  sd_customer_facts_free (facts);
  g_assert_finalize_object (g_steal_pointer (&store));
  remove_dir (dir);
}

static void
test_conditions (Fixture       *f,
                 gconstpointer  data)
{
  assert_matches (f, RULE (""), "12345");
  assert_matches (f, RULE ("{\"type\": \"segment\", \"text\": \"vip, new\"}"), "1_3__");
  assert_matches (f, RULE ("{\"type\": \"country\", \"text\": \"united kingdom\"}"), "1__4_");
  /* "now" is Ada's last order: Bo's is 140 days before it, Eve's 10. */
  assert_matches (f, RULE ("{\"type\": \"recency_days\", \"op\": \">=\", \"value\": 100}"), "_2___");
  assert_matches (f, RULE ("{\"type\": \"recency_days\", \"op\": \"<=\", \"value\": 30}"), "1___5");
  assert_matches (f, RULE ("{\"type\": \"order_count\", \"op\": \">=\", \"value\": 2}"), "1___5");
  assert_matches (f, RULE ("{\"type\": \"lifetime_spend\", \"op\": \">\", \"value\": 5000}"), "1___5");
  /* Ada averages (100 + 40 + 30) / 3 = 56.67, Bo 50.00, Eve 45.00. */
  assert_matches (f, RULE ("{\"type\": \"average_order\", \"op\": \">=\", \"value\": 5000}"), "12___");
  assert_matches (f, RULE ("{\"type\": \"first_order\"}"), "__34_");
  /* Chen and Dee never ordered: their basket is the shop's median, 50.00. */
  assert_matches (f, RULE ("{\"type\": \"cart_subtotal\", \"op\": \">=\", \"value\": 5000}"), "_2345");
  assert_matches (f, RULE ("{\"type\": \"cart_subtotal\", \"op\": \">\", \"value\": 5000}"), "____5");
  assert_matches (f, RULE ("{\"type\": \"cart_items\", \"op\": \">=\", \"value\": 3}"), "1___5");
  assert_matches (f, RULE ("{\"type\": \"cart_product\", \"text\": \"lamp\"}"), "_2___");
  assert_matches (f, RULE ("{\"type\": \"cart_category\", \"text\": \"toys\"}"), "____5");
  assert_matches (f, RULE ("{\"type\": \"cart_tag\", \"text\": \"HEART\"}"), "12___");
  assert_matches (f, RULE ("{\"type\": \"bought_category\", \"text\": \"home\"}"), "12___");
  assert_matches (f, RULE ("{\"type\": \"reviews_given\", \"op\": \">=\", \"value\": 1}"), "1___5");
  /* Groups: any, not, and nesting. */
  assert_matches (f, RULE ("{\"type\": \"any\", \"conditions\": ["
                           " {\"type\": \"segment\", \"text\": \"new\"},"
                           " {\"type\": \"country\", \"text\": \"France\"}]}"), "__3_5");
  assert_matches (f, RULE ("{\"type\": \"not\", \"conditions\": [{\"type\": \"first_order\"}]}"), "12__5");
  /* A name the shop does not have reaches no one. */
  assert_matches (f, RULE ("{\"type\": \"country\", \"text\": \"Atlantis\"}"), "_____");
}

static gboolean
fake_interest (const char *model,
               guint       customer_index,
               const char *target,
               double     *score,
               int        *rank,
               gpointer    user_data)
{
  Fixture *f = user_data;
  gint64 id = f->facts->customers[customer_index].id;

  if (g_strcmp0 (model, "als") != 0)
    return FALSE;
  /* Customer n likes kitchen at n / 5 and ranks it first only for n >= 4. */
  *score = g_strcmp0 (target, "kitchen") == 0 ? id / 5.0 : 0.1;
  *rank = id >= 4 ? 1 : 2;
  return TRUE;
}

static void
test_predicted_interest (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(SdCouponRule) by_score =
    rule_from (RULE ("{\"type\": \"predicted_interest\", \"model\": \"als\", \"text\": \"kitchen\","
                     " \"op\": \">=\", \"value\": 0.6}"));
  g_autoptr(SdCouponRule) by_rank =
    rule_from (RULE ("{\"type\": \"predicted_interest\", \"model\": \"als\", \"text\": \"kitchen\", \"rank\": 1}"));
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (f->facts);
  g_autoptr(SdCouponEngine) blind = sd_coupon_engine_new (f->facts);

  sd_coupon_engine_set_interest (engine, fake_interest, f, NULL);
  for (int id = 1; id <= 5; id++)
    {
      g_assert_cmpint (sd_coupon_engine_matches (engine, by_score, customer (f, id), NULL), ==, id >= 3);
      g_assert_cmpint (sd_coupon_engine_matches (engine, by_rank, customer (f, id), NULL), ==, id >= 4);
      /* Without a model to ask, interest never holds. */
      g_assert_false (sd_coupon_engine_matches (blind, by_score, customer (f, id), NULL));
    }
}

static gint64
discount_of (Fixture    *f,
             const char *action,
             SdCart     *cart,
             gboolean   *free_shipping)
{
  g_autofree char *json = g_strdup_printf ("{\"name\": \"a\", \"action\": %s}", action);
  g_autoptr(SdCouponRule) rule = rule_from (json);
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (f->facts);

  return sd_coupon_engine_discount (engine, rule, cart, free_shipping);
}

static void
test_actions (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(SdCart) cart = sd_cart_new ();
  gboolean free_shipping = FALSE;
  int mug = sd_customer_facts_find_product (f->facts, "mug");
  int lamp = sd_customer_facts_find_product (f->facts, "lamp");

  sd_cart_add (cart, f->facts, mug, 3);    /* 30.00 */
  sd_cart_add (cart, f->facts, lamp, 1);   /* 40.00 */
  g_assert_cmpint (cart->subtotal_cents, ==, 7000);

  g_assert_cmpint (discount_of (f, "{\"type\": \"percent_off\", \"percent\": 10}", cart, NULL), ==, 700);
  g_assert_cmpint (discount_of (f, "{\"type\": \"percent_off\", \"percent\": 50, \"cap_cents\": 1000}", cart, NULL), ==, 1000);
  g_assert_cmpint (discount_of (f, "{\"type\": \"fixed_off\", \"amount_cents\": 500}", cart, NULL), ==, 500);
  /* A fixed amount never exceeds the cart. */
  g_assert_cmpint (discount_of (f, "{\"type\": \"fixed_off\", \"amount_cents\": 90000}", cart, NULL), ==, 7000);
  g_assert_cmpint (discount_of (f, "{\"type\": \"free_shipping\"}", cart, &free_shipping), ==, 0);
  g_assert_true (free_shipping);
  /* Buy 2 get 1 on kitchen: 3 mugs make one group, one mug free. */
  g_assert_cmpint (discount_of (f, "{\"type\": \"buy_x_get_y\", \"buy\": 2, \"get\": 1, \"target\": \"kitchen\"}",
                                cart, NULL), ==, 1000);
  g_assert_cmpint (discount_of (f, "{\"type\": \"buy_x_get_y\", \"buy\": 1, \"get\": 1, \"target\": \"product:lamp\"}",
                                cart, NULL), ==, 0);
  /* Tiers: 5 % from 20.00, 10 % from 60.00, 20 % from 100.00 → 10 %. */
  g_assert_cmpint (discount_of (f, "{\"type\": \"tiered\", \"tiers\": ["
                                   "{\"min_subtotal_cents\": 2000, \"percent\": 5},"
                                   "{\"min_subtotal_cents\": 6000, \"percent\": 10},"
                                   "{\"min_subtotal_cents\": 10000, \"percent\": 20}]}", cart, NULL), ==, 700);
}

static void
test_stacking_and_caps (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (f->facts);
  g_autoptr(SdCouponRule) low = rule_from ("{\"name\": \"low\", \"enabled\": true, \"priority\": 1,"
                                           " \"action\": {\"type\": \"percent_off\", \"percent\": 30}}");
  g_autoptr(SdCouponRule) high = rule_from ("{\"name\": \"high\", \"enabled\": true, \"priority\": 9,"
                                            " \"action\": {\"type\": \"percent_off\", \"percent\": 40}}");
  g_autoptr(SdCouponRule) off = rule_from ("{\"name\": \"disabled\", \"enabled\": false, \"priority\": 99,"
                                           " \"action\": {\"type\": \"percent_off\", \"percent\": 40}}");
  g_autoptr(SdCart) cart = sd_cart_new ();
  g_autoptr(GPtrArray) applied = NULL;
  SdCouponApplication *first, *second;

  low->id = 1;
  high->id = 2;
  off->id = 3;
  sd_coupon_engine_add_rule (engine, low);
  sd_coupon_engine_add_rule (engine, off);
  sd_coupon_engine_add_rule (engine, high);
  sd_cart_add (cart, f->facts, sd_customer_facts_find_product (f->facts, "lamp"), 1);   /* 40.00 */

  /* Higher priority first; together capped at 50 %, so the second gets only 10 %. */
  applied = sd_coupon_engine_apply (engine, customer (f, 1), cart);
  g_assert_cmpint (applied->len, ==, 2);
  first = g_ptr_array_index (applied, 0);
  second = g_ptr_array_index (applied, 1);
  g_assert_cmpstr (first->rule->name, ==, "high");
  g_assert_cmpint (first->discount_cents, ==, 1600);
  g_assert_false (first->capped);
  g_assert_cmpstr (second->rule->name, ==, "low");
  g_assert_cmpint (second->discount_cents, ==, 400);
  g_assert_true (second->capped);
  g_clear_pointer (&applied, g_ptr_array_unref);

  /* Even with the cap at 100 %, 40 % + 30 % + 40 % stacks to at most the cart. */
  sd_coupon_engine_set_max_combined_percent (engine, 100);
  applied = sd_coupon_engine_apply (engine, customer (f, 1), cart);
  g_assert_cmpint (applied->len, ==, 2);
  g_assert_cmpint (((SdCouponApplication *) g_ptr_array_index (applied, 1))->discount_cents, ==, 1200);
  g_clear_pointer (&applied, g_ptr_array_unref);

  /* "Stop further rules" on the first one leaves it alone. */
  {
    g_autoptr(SdCouponEngine) stop = sd_coupon_engine_new (f->facts);
    high->stop_further = TRUE;
    sd_coupon_engine_add_rule (stop, low);
    sd_coupon_engine_add_rule (stop, high);
    applied = sd_coupon_engine_apply (stop, customer (f, 1), cart);
    g_assert_cmpint (applied->len, ==, 1);
    g_assert_cmpstr (((SdCouponApplication *) g_ptr_array_index (applied, 0))->rule->name, ==, "high");
  }
}

static void
test_limits_and_window (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (f->facts);
  g_autoptr(SdCouponRule) once = rule_from ("{\"name\": \"once\", \"enabled\": true,"
                                            " \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 500},"
                                            " \"limits\": {\"uses_per_customer\": 1}}");
  g_autoptr(SdCouponRule) budget = rule_from ("{\"name\": \"budget\", \"enabled\": true,"
                                              " \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 800},"
                                              " \"limits\": {\"budget_cents\": 1000}}");
  g_autoptr(SdCouponRule) total = rule_from ("{\"name\": \"total\", \"enabled\": true,"
                                             " \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 100},"
                                             " \"limits\": {\"total_uses\": 2}}");
  g_autoptr(SdCouponRule) later = rule_from ("{\"name\": \"later\", \"enabled\": true,"
                                             " \"starts_at\": 1800000000, \"ends_at\": 1900000000,"
                                             " \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 100}}");
  g_autoptr(SdCart) cart = sd_cart_new ();
  g_autoptr(GPtrArray) applied = NULL;
  g_autoptr(GString) names = g_string_new (NULL);

  once->id = 1, budget->id = 2, total->id = 3, later->id = 4;
  sd_coupon_engine_add_rule (engine, once);
  sd_coupon_engine_add_rule (engine, budget);
  sd_coupon_engine_add_rule (engine, total);
  sd_coupon_engine_add_rule (engine, later);
  sd_coupon_engine_set_now (engine, NOW);
  sd_coupon_engine_set_max_combined_percent (engine, 100);
  sd_cart_add (cart, f->facts, sd_customer_facts_find_product (f->facts, "lamp"), 1);

  /* Ada used "once" already; "budget" has 300 left of 1000; "total" was used twice. */
  sd_coupon_engine_add_use (engine, 1, 1, 500);
  sd_coupon_engine_add_use (engine, 2, 2, 700);
  sd_coupon_engine_add_use (engine, 3, 2, 100);
  sd_coupon_engine_add_use (engine, 3, 5, 100);

  applied = sd_coupon_engine_apply (engine, customer (f, 1), cart);
  for (guint i = 0; i < applied->len; i++)
    {
      SdCouponApplication *a = g_ptr_array_index (applied, i);
      g_string_append_printf (names, "%s:%" G_GINT64_FORMAT " ", a->rule->name, a->discount_cents);
    }
  g_assert_cmpstr (names->str, ==, "budget:300 ");

  /* Bo has not used "once"; "later" opens when its window does. */
  g_clear_pointer (&applied, g_ptr_array_unref);
  sd_coupon_engine_set_now (engine, 1850000000);
  applied = sd_coupon_engine_apply (engine, customer (f, 2), cart);
  g_string_truncate (names, 0);
  for (guint i = 0; i < applied->len; i++)
    g_string_append_printf (names, "%s ", ((SdCouponApplication *) g_ptr_array_index (applied, i))->rule->name);
  g_assert_cmpstr (names->str, ==, "once budget later ");
}

/* Why a rule gives a customer nothing, as the Recommendations page says it when no rule
 * applies: the first condition they fail with their own figure, else the limit or the date
 * that stops it; nothing for a rule that applies. */
static void
test_why_not (Fixture       *f,
              gconstpointer  data)
{
  /* Ids 1…6 in this order; the engine copies each and sorts them by priority. */
  static const char *const rules[] = {
    "{\"name\": \"vip\", \"enabled\": true, \"conditions\": {\"type\": \"all\", \"conditions\": ["
    " {\"type\": \"segment\", \"text\": \"vip\"},"
    " {\"type\": \"cart_subtotal\", \"op\": \">=\", \"value\": 5000}]},"
    " \"action\": {\"type\": \"percent_off\", \"percent\": 10}}",
    RULE ("{\"type\": \"lifetime_spend\", \"op\": \">=\", \"value\": 10000}"),
    RULE ("{\"type\": \"any\", \"conditions\": [{\"type\": \"segment\", \"text\": \"new\"},"
          " {\"type\": \"country\", \"text\": \"France\"}]}"),
    "{\"name\": \"later\", \"enabled\": true, \"starts_at\": 1800000000,"
    " \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 100}}",
    "{\"name\": \"once\", \"enabled\": true, \"action\": {\"type\": \"fixed_off\", \"amount_cents\": 500},"
    " \"limits\": {\"uses_per_customer\": 1}}",
    "{\"name\": \"off\", \"action\": {\"type\": \"free_shipping\"}}",
  };
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (f->facts);
  const SdCouponRule *r[G_N_ELEMENTS (rules)];
  g_autofree char *ada_basket = sd_format_money (3000, "GBP");
  g_autofree char *at_least = sd_format_money (5000, "GBP");
  g_autofree char *bo_spent = sd_format_money (5000, "GBP");
  g_autofree char *hundred = sd_format_money (10000, "GBP");
  g_autofree char *expected = NULL;
  g_autofree char *got = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr(SdCouponRule) rule = rule_from (rules[i]);
      rule->id = i + 1;
      sd_coupon_engine_add_rule (engine, rule);
    }
  sd_coupon_engine_set_currency (engine, "GBP");
  sd_coupon_engine_set_now (engine, NOW);
  sd_coupon_engine_add_use (engine, 5, 1, 500);
  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    r[sd_coupon_engine_get_rule (engine, i)->id - 1] = sd_coupon_engine_get_rule (engine, i);

  /* Bo is regular: the segment leaves him out before his basket is asked about. */
  got = sd_coupon_engine_why_not (engine, r[0], customer (f, 2), NULL);
  g_assert_cmpstr (got, ==, "Needs: segment is VIP (theirs: Regular)");
  g_clear_pointer (&got, g_free);
  /* Ada is VIP, but her last order, three mugs, is below the minimum. */
  got = sd_coupon_engine_why_not (engine, r[0], customer (f, 1), NULL);
  expected = g_strdup_printf ("Needs: cart >= %s (theirs: %s)", at_least, ada_basket);
  g_assert_cmpstr (got, ==, expected);
  g_clear_pointer (&got, g_free);
  g_clear_pointer (&expected, g_free);
  /* She spent 170.00, so the spenders' rule applies: nothing to explain. */
  g_assert_null (sd_coupon_engine_why_not (engine, r[1], customer (f, 1), NULL));
  got = sd_coupon_engine_why_not (engine, r[1], customer (f, 2), NULL);
  expected = g_strdup_printf ("Needs: spent >= %s (theirs: %s)", hundred, bo_spent);
  g_assert_cmpstr (got, ==, expected);
  g_clear_pointer (&got, g_free);
  /* An "any" is failed as a whole. */
  got = sd_coupon_engine_why_not (engine, r[2], customer (f, 1), NULL);
  g_assert_cmpstr (got, ==, "Needs: segment is New customers or country is France");
  g_clear_pointer (&got, g_free);
  got = sd_coupon_engine_why_not (engine, r[3], customer (f, 2), NULL);
  g_assert_cmpstr (got, ==, "Not started yet");
  g_clear_pointer (&got, g_free);
  got = sd_coupon_engine_why_not (engine, r[4], customer (f, 1), NULL);
  g_assert_cmpstr (got, ==, "Used by them as often as it allows");
  g_clear_pointer (&got, g_free);
  g_assert_null (sd_coupon_engine_why_not (engine, r[4], customer (f, 2), NULL));
  got = sd_coupon_engine_why_not (engine, r[5], customer (f, 2), NULL);
  g_assert_cmpstr (got, ==, "Switched off");
  g_clear_pointer (&got, g_free);
  /* What apply() gives and why_not() agree for every customer and rule. */
  for (int id = 1; id <= 5; id++)
    {
      g_autoptr(GPtrArray) applied = sd_coupon_engine_apply (engine, customer (f, id), NULL);
      for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
        {
          gboolean given = FALSE;
          g_autofree char *why = sd_coupon_engine_why_not (engine, r[i], customer (f, id), NULL);
          for (guint a = 0; a < applied->len; a++)
            given |= ((SdCouponApplication *) g_ptr_array_index (applied, a))->rule == r[i];
          g_assert_cmpint (given, ==, why == NULL);
        }
    }
}

static void
assert_refused (const char *json,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCouponRule) rule = sd_coupon_rule_from_json (json, "test", &error);

  if (rule != NULL)
    g_assert_false (sd_coupon_rule_validate (rule, NULL, NULL, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, fragment);
}

static void
test_refusals (void)
{
  assert_refused ("{\"name\": \"\", \"action\": {\"type\": \"free_shipping\"}}", "needs a name");
  assert_refused ("{\"name\": \"w\", \"starts_at\": 200, \"ends_at\": 100,"
                  " \"action\": {\"type\": \"free_shipping\"}}", "empty date window");
  assert_refused ("{\"name\": \"p\", \"action\": {\"type\": \"percent_off\", \"percent\": 120}}", "at most 100");
  assert_refused ("{\"name\": \"p\", \"action\": {\"type\": \"percent_off\", \"percent\": 0}}", "more than 0");
  assert_refused ("{\"name\": \"f\", \"action\": {\"type\": \"fixed_off\", \"amount_cents\": -5}}", "more than zero");
  assert_refused ("{\"name\": \"b\", \"action\": {\"type\": \"buy_x_get_y\", \"buy\": 2, \"get\": 1}}", "applies to");
  assert_refused ("{\"name\": \"t\", \"action\": {\"type\": \"tiered\", \"tiers\": ["
                  "{\"min_subtotal_cents\": 5000, \"percent\": 10}, {\"min_subtotal_cents\": 1000, \"percent\": 5}]}}",
                  "go up");
  assert_refused ("{\"name\": \"c\", \"conditions\": {\"type\": \"all\", \"conditions\": ["
                  " {\"type\": \"lifetime_spend\", \"op\": \">=\", \"value\": 10000},"
                  " {\"type\": \"lifetime_spend\", \"op\": \"<=\", \"value\": 5000}]},"
                  " \"action\": {\"type\": \"free_shipping\"}}", "contradict");
  assert_refused ("{\"name\": \"c\", \"conditions\": {\"type\": \"all\", \"conditions\": ["
                  " {\"type\": \"first_order\"}, {\"type\": \"order_count\", \"op\": \">=\", \"value\": 3}]},"
                  " \"action\": {\"type\": \"free_shipping\"}}", "First order only");
  assert_refused ("{\"name\": \"n\", \"conditions\": {\"type\": \"not\", \"conditions\": []},"
                  " \"action\": {\"type\": \"free_shipping\"}}", "exactly one");
  assert_refused ("{\"name\": \"s\", \"conditions\": {\"type\": \"all\", \"conditions\": [{\"type\": \"segment\"}]},"
                  " \"action\": {\"type\": \"free_shipping\"}}", "needs a value");
  assert_refused ("{\"name\": \"u\", \"action\": {\"type\": \"half_off\"}}", "unknown action");
  assert_refused ("{\"name\": \"u\", \"conditions\": {\"type\": \"all\", \"conditions\": [{\"type\": \"zodiac\"}]},"
                  " \"action\": {\"type\": \"free_shipping\"}}", "unknown condition type");
  assert_refused ("{\"name\": \"l\", \"limits\": {\"budget_cents\": -1}, \"action\": {\"type\": \"free_shipping\"}}",
                  "cannot be negative");
  assert_refused ("[1, 2]", "JSON object");
  assert_refused ("{\"name\": \"x\", \"action\": ", "test:1");
}

static void
test_versions (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCouponRule) rule = rule_from (RULE ("{\"type\": \"segment\", \"text\": \"vip\"}"));
  g_autoptr(SdCouponRule) bad = NULL;
  g_autoptr(SdCouponRule) loaded = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autofree char *diff = NULL;

  g_assert_true (sd_coupon_rule_save (f->store, rule, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rule->id, >, 0);

  {
    SdCondition *segment = g_ptr_array_index (rule->conditions->children, 0);
    g_free (segment->text);
    segment->text = g_strdup ("new");
  }
  rule->action.percent = 15;
  g_assert_true (sd_coupon_rule_save (f->store, rule, &error));

  history = sd_coupon_rule_history (f->store, rule->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (history->len, ==, 2);
  g_assert_cmpint (((SdRuleVersion *) g_ptr_array_index (history, 0))->version, ==, 2);

  /* An invalid edit is refused and stores nothing. */
  bad = sd_coupon_rule_copy (rule);
  bad->action.percent = 150;
  g_assert_false (sd_coupon_rule_save (f->store, bad, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_clear_pointer (&history, g_ptr_array_unref);
  history = sd_coupon_rule_history (f->store, rule->id, NULL);
  g_assert_cmpint (history->len, ==, 2);

  /* A threshold on a model that is not trained is refused when saving. */
  {
    g_autoptr(SdCouponRule) interest =
      rule_from (RULE ("{\"type\": \"predicted_interest\", \"model\": \"als\", \"text\": \"toys\", \"rank\": 3}"));
    g_assert_false (sd_coupon_rule_save (f->store, interest, &error));
    g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
    g_assert_nonnull (strstr (error->message, "not trained"));
    g_clear_error (&error);
    g_assert_cmpint (interest->id, ==, 0);
  }

  /* Undo brings version 1's content back as version 3; the diff names the changes. */
  g_assert_true (sd_coupon_rule_undo (f->store, rule->id, &error));
  g_assert_no_error (error);
  loaded = sd_coupon_rule_load (f->store, rule->id, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (loaded->action.percent, ==, 10);
  diff = sd_coupon_rule_diff (loaded, rule);
  g_assert_nonnull (strstr (diff, "- action: 10 % off"));
  g_assert_nonnull (strstr (diff, "+ action: 15 % off"));
  g_assert_nonnull (strstr (diff, "- conditions.1: segment is vip"));
  g_assert_nonnull (strstr (diff, "+ conditions.1: segment is new"));
  g_assert_null (strstr (diff, "name:"));
  /* each change reads old → new: the removed line comes before the added one */
  g_assert_true (strstr (diff, "- action: 10 % off") < strstr (diff, "+ action: 15 % off"));
  g_assert_true (strstr (diff, "- conditions.1: segment is vip") < strstr (diff, "+ conditions.1: segment is new"));
}

static void
test_json_round_trip (void)
{
  const char *json =
    "{\"name\": \"All of it\", \"enabled\": true, \"starts_at\": 100, \"ends_at\": 200, \"priority\": 3,"
    " \"stop_further\": true, \"conditions\": {\"type\": \"any\", \"conditions\": ["
    "  {\"type\": \"not\", \"conditions\": [{\"type\": \"country\", \"text\": \"China\"}]},"
    "  {\"type\": \"predicted_interest\", \"model\": \"hybrid\", \"text\": \"toys\", \"op\": \">\", \"value\": 0.25}]},"
    " \"action\": {\"type\": \"tiered\", \"tiers\": [{\"min_subtotal_cents\": 0, \"percent\": 2.5},"
    "  {\"min_subtotal_cents\": 5000, \"percent\": 7}]},"
    " \"limits\": {\"uses_per_customer\": 2, \"total_uses\": 100, \"budget_cents\": 50000}}";
  g_autoptr(SdCouponRule) a = rule_from (json);
  g_autofree char *out = sd_coupon_rule_to_json (a);
  g_autoptr(SdCouponRule) b = rule_from (out);
  g_autofree char *again = sd_coupon_rule_to_json (b);

  g_assert_cmpstr (out, ==, again);
  g_assert_cmpint (b->ends_at, ==, 200);
  g_assert_cmpint (b->budget_cents, ==, 50000);
  g_assert_cmpfloat (g_array_index (b->action.tiers, SdTier, 0).percent, ==, 2.5);
  g_assert_cmpint (b->conditions->children->len, ==, 2);
}

/* A misspelt key used to be ignored, which widened the rule to every customer. */
static void
test_json_unknown_keys (void)
{
  static const struct { const char *json, *expect; } cases[] = {
    { "{\"name\": \"x\", \"condition\": {\"type\": \"country\", \"text\": \"France\"},"
      " \"action\": {\"type\": \"percent_off\", \"percent\": 10}}", "did you mean “conditions”" },
    { "{\"name\": \"x\", \"conditions\": {\"type\": \"all\", \"conditions\": ["
      "{\"type\": \"order_count\", \"op\": \">=\", \"valeu\": 2}]},"
      " \"action\": {\"type\": \"percent_off\", \"percent\": 10}}", "did you mean “value”" },
    { "{\"name\": \"x\", \"action\": {\"type\": \"percent_off\", \"percnt\": 10}}", "did you mean “percent”" },
    { "{\"name\": \"x\", \"action\": {\"type\": \"percent_off\", \"percent\": 10},"
      " \"limits\": {\"budget\": 5}}", "“budget”" },
    { "{\"name\": \"x\", \"colour\": \"red\", \"action\": {\"type\": \"free_shipping\"}}", "unknown key “colour”" },
    { "{\"name\": \"x\", \"action\": {\"type\": \"tiered\", \"tiers\": [{\"min\": 1, \"percent\": 2}]}}", "“min”" },
    { "{\"name\": \"x\", \"action\": {\"type\": \"free_shipping\"}, \"limits\": 3}", "must be an object" },
    { "{\"name\": 5, \"action\": {\"type\": \"free_shipping\"}}", "must be a string" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(SdCouponRule) rule = sd_coupon_rule_from_json (cases[i].json, "rule.json", &error);

      g_assert_null (rule);
      g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
      if (strstr (error->message, cases[i].expect) == NULL)
        g_error ("case %u: “%s” does not say %s", i, error->message, cases[i].expect);
      g_assert_true (g_str_has_prefix (error->message, "rule.json:"));
    }
}

/* What is saved means exactly what was previewed: no digits lost on the way. */
static void
test_json_keeps_precision (void)
{
  const double values[] = { 33.3333333, 1234567.5, 0.1, 1e-7, 2.0 / 3.0, 123456789.123 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      char num[G_ASCII_DTOSTR_BUF_SIZE];
      g_autofree char *json = g_strdup_printf (
        "{\"name\": \"p\", \"conditions\": {\"type\": \"all\", \"conditions\": ["
        "{\"type\": \"lifetime_spend\", \"op\": \">=\", \"value\": %s}]},"
        " \"action\": {\"type\": \"percent_off\", \"percent\": %s}}",
        g_ascii_dtostr (num, sizeof num, values[i]), num);
      /* Parsed, not validated: a percent of 1234567.5 is refused later, but is still a
       * number that must survive the trip. */
      g_autoptr(SdCouponRule) a = sd_coupon_rule_from_json (json, "a", NULL);
      g_autofree char *out = sd_coupon_rule_to_json (a);
      g_autoptr(SdCouponRule) b = sd_coupon_rule_from_json (out, "b", NULL);
      SdCondition *cond = g_ptr_array_index (b->conditions->children, 0);

      g_assert_cmpfloat (b->action.percent, ==, values[i]);
      g_assert_cmpfloat (cond->number, ==, values[i]);
    }
  /* And short where the number is short. */
  {
    g_autoptr(SdCouponRule) a = rule_from ("{\"name\": \"p\", \"action\": {\"type\": \"percent_off\", \"percent\": 33.3333333}}");
    g_autofree char *out = sd_coupon_rule_to_json (a);
    g_assert_nonnull (strstr (out, "33.3333333"));
    g_assert_null (strstr (out, "33.33333330"));
  }
}

/* "\u0000" would cut a country or category name short where C reads it. */
static void
test_json_refuses_nul (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCouponRule) rule = sd_coupon_rule_from_json (
    "{\"name\": \"x\", \"conditions\": {\"type\": \"all\", \"conditions\": ["
    "{\"type\": \"country\", \"text\": \"Fr\\u0000ance\"}]}, \"action\": {\"type\": \"free_shipping\"}}",
    "rule.json", &error);

  g_assert_null (rule);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "“text”"));
}

/* The preview's reach must equal a count made independently in SQL. */
static void
test_preview_matches_sql (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (f->facts);
  g_autoptr(SdCouponPreview) preview = NULL;
  g_autoptr(SdCouponRule) uk = rule_from (RULE ("{\"type\": \"country\", \"text\": \"United Kingdom\"}"));
  g_autoptr(SdCouponRule) loyal = rule_from (RULE ("{\"type\": \"order_count\", \"op\": \">=\", \"value\": 2}"));
  g_autoptr(SdStmt) stmt = NULL;
  int uk_sql, loyal_sql, both_sql;

  uk->id = 1;
  loyal->id = 2;
  sd_coupon_engine_add_rule (engine, uk);
  sd_coupon_engine_add_rule (engine, loyal);
  preview = sd_coupon_engine_preview (engine, NULL, &error);
  g_assert_no_error (error);

  stmt = sd_store_prepare (f->store,
                           "WITH counted AS (SELECT c.id, c.country,"
                           "   (SELECT count(*) FROM orders o WHERE o.customer_id = c.id"
                           "     AND o.status NOT IN ('cancelled', 'refunded')) AS n FROM customers c)"
                           " SELECT sum(country = 'United Kingdom'), sum(n >= 2),"
                           "        sum(country = 'United Kingdom' AND n >= 2) FROM counted", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  uk_sql = sqlite3_column_int (stmt, 0);
  loyal_sql = sqlite3_column_int (stmt, 1);
  both_sql = sqlite3_column_int (stmt, 2);

  g_assert_cmpint (preview->n_rules, ==, 2);
  g_assert_cmpint (preview->rules[0].customers, ==, uk_sql);
  g_assert_cmpint (preview->rules[1].customers, ==, loyal_sql);
  g_assert_cmpint (preview->overlap[0 * 2 + 1], ==, both_sql);
  g_assert_cmpint (preview->overlap[0], ==, uk_sql);
  /* 10 % of a typical basket, weighted by a probability in (0, 1): positive, below the sum. */
  g_assert_cmpint (preview->rules[1].estimated_cost_cents, >, 0);
  g_assert_cmpint (preview->rules[1].estimated_cost_cents, <, (4000 + 6000) / 10);
  g_assert_cmpint (preview->rules[1].budget_left_cents, ==, -1);

  /* Editing the rule: UK → UK or France gains Eve and loses no one. */
  {
    g_autoptr(SdCouponRule) edited = rule_from (RULE ("{\"type\": \"country\", \"text\": \"United Kingdom, France\"}"));
    g_autoptr(SdRulePreview) saved = sd_coupon_engine_preview_rule (engine, uk);
    g_autoptr(SdRulePreview) now = sd_coupon_engine_preview_rule (engine, edited);
    guint gained, lost;

    sd_rule_preview_diff (saved, now, f->facts->n_customers, &gained, &lost);
    g_assert_cmpint (gained, ==, 1);
    g_assert_cmpint (lost, ==, 0);
    g_assert_true (sd_rule_preview_reaches (now, customer (f, 5)));
  }
}

static void
test_examples_valid (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rules = NULL;

  g_assert_true (sd_coupon_add_examples (f->store, &error));
  g_assert_no_error (error);
  rules = sd_coupon_rules_load (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rules->len, >=, 3);
}

/* Predicted interest from a real model: customers whose favourite category by ALS is
 * Kitchen must have bought kitchenware far more often than the rest of the shop. */
static void
test_interest_from_model (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sd-interest-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "shop.sqlite", NULL);
  g_autoptr(SdStore) store = sd_store_open (path, &error);
  g_autoptr(SdCustomerFacts) facts = NULL;
  g_autoptr(SdInterest) interest = NULL;
  g_autoptr(SdCouponEngine) engine = NULL;
  g_autoptr(SdCouponRule) rule = NULL;
  g_autoptr(SdJob) job = NULL;
  const char *params[] = { "factors=16", "iterations=6", NULL };
  SdTrainOptions train;
  SdDemoOptions demo;
  guint reached = 0, reached_bought = 0, bought = 0;
  int kitchen;

  g_assert_no_error (error);
  sd_demo_options_init (&demo);
  g_assert_true (sd_demo_options_for_size (&demo, "400", &error));
  g_assert_true (sd_demo_generate (store, &demo, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  /* Before any model is trained, a rule on predicted interest is refused. */
  rule = rule_from (RULE ("{\"type\": \"predicted_interest\", \"model\": \"als\", \"text\": \"Kitchen\", \"rank\": 1}"));
  g_assert_false (sd_coupon_rule_save (store, rule, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  sd_train_options_init (&train);
  train.db_path = path;
  train.model = "als";
  train.params = params;
  train.store_model = TRUE;
  job = sd_train_job_new (&train, &error);
  g_assert_no_error (error);
  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);
  g_assert_true (sd_coupon_rule_save (store, rule, &error));
  g_assert_no_error (error);

  facts = sd_customer_facts_load (store, NULL, &error);
  g_assert_no_error (error);
  kitchen = sd_customer_facts_category (facts, "Kitchen");
  g_assert_cmpint (kitchen, >=, 0);
  interest = sd_interest_new (path, facts);
  engine = sd_coupon_engine_new (facts);
  sd_coupon_engine_set_interest (engine, sd_interest_lookup, interest, NULL);

  for (guint c = 0; c < facts->n_customers; c++)
    {
      gboolean has = sd_customer_facts_has_bought (facts, c, kitchen);
      bought += has;
      if (sd_coupon_engine_matches (engine, rule, c, NULL))
        {
          reached++;
          reached_bought += has;
        }
    }
  g_test_message ("Kitchen first by ALS: %u customers, %.0f %% of them bought kitchenware (shop: %.0f %%)",
                  reached, 100.0 * reached_bought / MAX (reached, 1), 100.0 * bought / facts->n_customers);
  g_assert_cmpuint (reached, >, 0);
  g_assert_cmpuint (reached, <, facts->n_customers);
  g_assert_cmpfloat ((double) reached_bought / reached, >, 1.5 * bought / facts->n_customers);

  /* An unknown model answers nothing, so its conditions never hold. */
  {
    double score;
    int rank;
    g_assert_false (sd_interest_lookup ("no-such-model", 0, "Kitchen", &score, &rank, interest));
    g_assert_true (sd_interest_lookup ("als", 0, "Kitchen", &score, &rank, interest) ||
                   facts->customers[0].orders == 0);
  }

  /* On the demo shop too, the preview reaches exactly the customers a direct SQL count
   * finds: UK customers with two orders or more that were not cancelled or refunded. */
  {
    g_autoptr(SdCouponRule) uk = rule_from (RULE ("{\"type\": \"country\", \"text\": \"United Kingdom\"},"
                                                  "{\"type\": \"order_count\", \"op\": \">=\", \"value\": 2}"));
    g_autoptr(SdRulePreview) preview = sd_coupon_engine_preview_rule (engine, uk);
    g_autoptr(SdStmt) stmt =
      sd_store_prepare (store,
                        "SELECT count(*) FROM customers c WHERE c.country = 'United Kingdom'"
                        " AND (SELECT count(*) FROM orders o WHERE o.customer_id = c.id"
                        "      AND o.status NOT IN ('cancelled', 'refunded')) >= 2", &error);
    g_assert_no_error (error);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_test_message ("UK, 2+ orders: preview %u, SQL %d", preview->customers, sqlite3_column_int (stmt, 0));
    g_assert_cmpint (sqlite3_column_int (stmt, 0), >, 0);
    g_assert_cmpint (preview->customers, ==, sqlite3_column_int (stmt, 0));
  }

  g_clear_object (&store);
  remove_dir (dir);
}

static int
run_cli (Fixture     *f,
         char       **out,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (f->dir, "shop.sqlite", NULL);
  const char *cli = g_getenv ("SD_CLI");
  const char *arg;
  va_list ap;
  int status = -1;

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (char *) cli);
  g_ptr_array_add (args, "--db");
  g_ptr_array_add (args, db);
  va_start (ap, first);
  for (arg = first; arg; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) args->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, out, NULL, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *good = g_build_filename (f->dir, "good.json", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.json", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (good, RULE ("{\"type\": \"country\", \"text\": \"United Kingdom\"}"), -1, NULL));
  g_assert_true (g_file_set_contents (bad, "{\"name\": \"b\", \"action\": {\"type\": \"percent_off\", \"percent\": 101}}", -1, NULL));

  g_assert_cmpint (run_cli (f, &out, "coupons", "add", "--file", good, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "coupons", "add", "--file", bad, NULL), ==, 1);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "coupons", "frobnicate", NULL), ==, 2);
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (f, &out, "coupons", "preview", "--json", NULL), ==, 0);
  {
    g_autoptr(SdJsonNode) root = sd_json_parse (out, -1, "preview --json", &error);
    SdJsonNode *rules;

    g_assert_no_error (error);
    rules = sd_json_node_get_member (root, "rules");
    g_assert_cmpuint (sd_json_node_get_length (rules), ==, 1);
    g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (sd_json_node_get_element (rules, 0), "customers")), ==, 2);
    g_assert_nonnull (sd_json_node_get_member (sd_json_node_get_element (rules, 0), "estimated_cost_cents"));
    g_assert_cmpint (sd_json_node_get_node_type (sd_json_node_get_member (root, "elapsed_ms")), ==, SD_JSON_NUMBER);
  }
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (f, &out, "coupons", "apply", "--customer", "c1", "--json", NULL), ==, 0);
  {
    g_autoptr(SdJsonNode) root = sd_json_parse (out, -1, "apply --json", &error);
    SdJsonNode *coupons;

    g_assert_no_error (error);
    coupons = sd_json_node_get_member (root, "coupons");
    g_assert_cmpuint (sd_json_node_get_length (coupons), ==, 1);
    /* 10 % of Ada's typical basket, her last order of three mugs. */
    g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (sd_json_node_get_element (coupons, 0), "discount_cents")), ==, 300);
  }
  g_clear_pointer (&out, g_free);
  /* Bo lives in Germany: no coupon, and the rule says why */
  g_assert_cmpint (run_cli (f, &out, "coupons", "apply", "--customer", "c2", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No coupon applies to c2"));
  g_assert_nonnull (strstr (out, "  t — Needs: country is United Kingdom (theirs: Germany)\n"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, "coupons", "apply", "--customer", "nobody", NULL), ==, 1);
}

/* How many coupons `coupons apply --customer c1` gives. */
static guint
cli_coupons_for_c1 (Fixture *f)
{
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJsonNode) root = NULL;

  g_assert_cmpint (run_cli (f, &out, "coupons", "apply", "--customer", "c1", "--json", NULL), ==, 0);
  root = sd_json_parse (out, -1, "apply --json", &error);
  g_assert_no_error (error);
  return sd_json_node_get_length (sd_json_node_get_member (root, "coupons"));
}

/* A rule added without "enabled": true is off: `coupons add` says so and how to switch it
 * on, `coupons apply` gives it to nobody (even with no condition, which would reach every
 * customer), and once saved on it is given. */
static void
test_cli_new_rule_off (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *half = g_build_filename (f->dir, "half.json", NULL);
  g_autofree char *on = g_build_filename (f->dir, "on.json", NULL);
  g_autofree char *out = NULL;

  g_assert_true (g_file_set_contents (half, "{\"name\": \"half-made\", \"action\": {\"type\": \"percent_off\", \"percent\": 10}}", -1, NULL));
  g_assert_true (g_file_set_contents (on, "{\"name\": \"half-made\", \"enabled\": true, \"action\": {\"type\": \"percent_off\", \"percent\": 10}}", -1, NULL));

  g_assert_cmpint (run_cli (f, &out, "coupons", "add", "--file", half, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "It is off"));
  g_assert_nonnull (strstr (out, "\"enabled\": true"));
  g_assert_nonnull (strstr (out, "--rule 1"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpuint (cli_coupons_for_c1 (f), ==, 0);

  /* the preview still says what it would do once on, marked off */
  g_assert_cmpint (run_cli (f, &out, "coupons", "preview", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "half-made (off)"));
  g_clear_pointer (&out, g_free);

  g_assert_cmpint (run_cli (f, &out, "coupons", "add", "--rule", "1", "--file", on, NULL), ==, 0);
  g_assert_null (strstr (out, "It is off"));
  g_assert_cmpuint (cli_coupons_for_c1 (f), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/coupons/facts", test_facts);
  ADD ("/coupons/spend-nets-returns", test_spend_nets_returns);
  ADD ("/coupons/conditions", test_conditions);
  ADD ("/coupons/predicted-interest", test_predicted_interest);
  ADD ("/coupons/actions", test_actions);
  ADD ("/coupons/stacking-and-caps", test_stacking_and_caps);
  ADD ("/coupons/limits-and-window", test_limits_and_window);
  ADD ("/coupons/why-not", test_why_not);
  ADD ("/coupons/versions", test_versions);
  ADD ("/coupons/preview-matches-sql", test_preview_matches_sql);
  ADD ("/coupons/examples", test_examples_valid);
  ADD ("/coupons/cli", test_cli);
  ADD ("/coupons/cli-new-rule-off", test_cli_new_rule_off);
#undef ADD
  g_test_add_func ("/coupons/refusals", test_refusals);
  g_test_add_func ("/coupons/online-retail-spend", test_online_retail_spend);
  g_test_add_func ("/coupons/interest-from-model", test_interest_from_model);
  g_test_add_func ("/coupons/json-round-trip", test_json_round_trip);
  g_test_add_func ("/coupons/json-unknown-keys", test_json_unknown_keys);
  g_test_add_func ("/coupons/json-keeps-precision", test_json_keeps_precision);
  g_test_add_func ("/coupons/json-refuses-nul", test_json_refuses_nul);

  return g_test_run ();
}
