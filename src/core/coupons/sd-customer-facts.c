/* sd-customer-facts.c — every customer's facts for the coupon engine, in one load */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sd-audience.h"
#include "sd-customer-facts.h"
#include "sd-error.h"
#include "sd-figures.h"

#define SECONDS_PER_DAY 86400.0

void
sd_customer_facts_free (SdCustomerFacts *facts)
{
  if (facts == NULL)
    return;
  g_free (facts->customers);
  g_free (facts->products);
  g_free (facts->bought);
  g_clear_pointer (&facts->countries, g_ptr_array_unref);
  g_clear_pointer (&facts->segments, g_ptr_array_unref);
  g_clear_pointer (&facts->categories, g_ptr_array_unref);
  g_clear_pointer (&facts->basket_lines, g_array_unref);
  g_clear_pointer (&facts->strings, g_string_chunk_free);
  g_clear_pointer (&facts->customer_index, g_hash_table_unref);
  g_clear_pointer (&facts->product_index, g_hash_table_unref);
  g_clear_pointer (&facts->product_by_ext, g_hash_table_unref);
  g_clear_pointer (&facts->audiences, g_ptr_array_unref);
  g_free (facts);
}

/* Index of @value in @names (adding it), or -1 for NULL/empty. */
static int
intern_index (SdCustomerFacts *facts,
              GPtrArray       *names,
              GHashTable      *lookup,
              const char      *value)
{
  gpointer found;
  char *s;

  if (value == NULL || *value == '\0')
    return -1;
  if (g_hash_table_lookup_extended (lookup, value, NULL, &found))
    return GPOINTER_TO_INT (found);
  s = g_string_chunk_insert_const (facts->strings, value);
  g_ptr_array_add (names, s);
  g_hash_table_insert (lookup, s, GINT_TO_POINTER (names->len - 1));
  return names->len - 1;
}

static const char *
col_text (sqlite3_stmt *stmt,
          int           col)
{
  return (const char *) sqlite3_column_text (stmt, col);
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static gboolean
load_products (SdCustomerFacts *facts,
               SdStore         *store,
               GHashTable      *category_lookup,
               GError         **error)
{
  g_autoptr(SdStmt) count = sd_store_prepare (store, "SELECT count(*) FROM products", error);
  g_autoptr(SdStmt) rows = NULL;
  guint i = 0;
  int rc;

  if (count == NULL || sqlite3_step (count) != SQLITE_ROW)
    return count ? sd_store_fail (store, _("Could not count products"), error) : FALSE;
  facts->n_products = sqlite3_column_int (count, 0);
  facts->products = g_new0 (SdFactProduct, MAX (facts->n_products, 1));

  rows = sd_store_prepare (store,
                           "SELECT id, external_id, category, tags, price_cents FROM products ORDER BY id",
                           error);
  if (rows == NULL)
    return FALSE;
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW && i < facts->n_products)
    {
      SdFactProduct *p = &facts->products[i];
      p->id = sqlite3_column_int64 (rows, 0);
      p->external_id = g_string_chunk_insert_const (facts->strings, col_text (rows, 1));
      if (col_text (rows, 2))
        p->category = g_string_chunk_insert_const (facts->strings, col_text (rows, 2));
      if (col_text (rows, 3))
        p->tags = g_string_chunk_insert_const (facts->strings, col_text (rows, 3));
      p->price_cents = sqlite3_column_int64 (rows, 4);
      p->category_index = intern_index (facts, facts->categories, category_lookup, p->category);
      g_hash_table_insert (facts->product_index, GSIZE_TO_POINTER ((gsize) p->id), GUINT_TO_POINTER (i + 1));
      g_hash_table_insert (facts->product_by_ext, p->external_id, GUINT_TO_POINTER (i + 1));
      i++;
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sd_store_fail (store, _("Could not read products"), error);
  facts->n_products = i;
  return TRUE;
}

static gboolean
load_customers (SdCustomerFacts *facts,
                SdStore         *store,
                GError         **error)
{
  g_autoptr(SdStmt) count = sd_store_prepare (store, "SELECT count(*) FROM customers", error);
  g_autoptr(SdStmt) rows = NULL;
  g_autoptr(GHashTable) countries = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) segments = g_hash_table_new (g_str_hash, g_str_equal);
  guint i = 0;
  int rc;

  if (count == NULL || sqlite3_step (count) != SQLITE_ROW)
    return count ? sd_store_fail (store, _("Could not count customers"), error) : FALSE;
  facts->n_customers = sqlite3_column_int (count, 0);
  facts->customers = g_new0 (SdCustomerFact, MAX (facts->n_customers, 1));

  rows = sd_store_prepare (store,
                           "SELECT id, external_id, name, country, segment FROM customers ORDER BY id",
                           error);
  if (rows == NULL)
    return FALSE;
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW && i < facts->n_customers)
    {
      SdCustomerFact *c = &facts->customers[i];
      c->id = sqlite3_column_int64 (rows, 0);
      c->external_id = g_string_chunk_insert_const (facts->strings, col_text (rows, 1));
      c->name = col_text (rows, 2) ? g_string_chunk_insert (facts->strings, col_text (rows, 2)) : NULL;
      c->country = intern_index (facts, facts->countries, countries, col_text (rows, 3));
      c->segment = intern_index (facts, facts->segments, segments, col_text (rows, 4));
      g_hash_table_insert (facts->customer_index, GSIZE_TO_POINTER ((gsize) c->id), GUINT_TO_POINTER (i + 1));
      i++;
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return sd_store_fail (store, _("Could not read customers"), error);
  facts->n_customers = i;
  return TRUE;
}

/* Walks every order line that counts of every customer, in customer and time order, once.
 * The lines, orders and spend are the shop's figures (sd-figures.h), as the Overview, the
 * Customers and the Recommendations pages count them: a return or cancellation (Online
 * Retail's C invoices) nets the spend it takes back, and an order counts when it is a sale
 * with a merchandise line bought; within an order the bought lines come first, so the order
 * starts with them. */
static gboolean
load_orders (SdCustomerFacts *facts,
             SdStore         *store,
             GCancellable    *cancellable,
             GError         **error)
{
  g_autoptr(SdStmt) rows =
    sd_store_prepare (store,
                      "SELECT o.customer_id, o.id, o.placed_at, l.product_id, l.quantity, l.unit_price_cents,"
                      "       " SD_SQL_ORDER_IS_SALE ("o") " AND l.quantity > 0"
                      " FROM orders o JOIN order_lines l ON l.order_id = o.id"
                      " LEFT JOIN products p ON p.id = l.product_id"
                      " WHERE o.customer_id IS NOT NULL AND " SD_SQL_MERCHANDISE_LINE_COUNTS ("o", "l", "p")
                      " ORDER BY o.customer_id, o.placed_at, o.id, l.quantity < 0",
                      error);
  g_autoptr(GArray) order_values = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 cur_customer = -1, cur_order = -1;
  gboolean order_counted = FALSE;
  SdCustomerFact *c = NULL;
  gint64 order_value = 0;
  guint64 n = 0;
  int rc;

  if (rows == NULL)
    return FALSE;

  /* Closes the customer being read: the median order value is their typical basket. */
#define FINISH_CUSTOMER() G_STMT_START {                                           \
    if (c != NULL && order_values->len > 0) {                                      \
      g_array_index (order_values, gint64, order_values->len - 1) = order_value;   \
      g_array_sort (order_values, compare_gint64);                                 \
      c->basket_cents = g_array_index (order_values, gint64, order_values->len / 2); \
    }                                                                              \
    g_array_set_size (order_values, 0);                                            \
  } G_STMT_END

  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      gint64 customer_id = sqlite3_column_int64 (rows, 0);
      gint64 order_id = sqlite3_column_int64 (rows, 1);
      gint64 placed_at = sqlite3_column_int64 (rows, 2);
      gint64 product_id = sqlite3_column_int64 (rows, 3);
      SdCartLine line = { product_id, 0, sqlite3_column_int (rows, 4), sqlite3_column_int64 (rows, 5) };
      guint pidx = GPOINTER_TO_UINT (g_hash_table_lookup (facts->product_index, GSIZE_TO_POINTER ((gsize) product_id)));

      if ((++n & 0xffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      if (customer_id != cur_customer)
        {
          guint idx = GPOINTER_TO_UINT (g_hash_table_lookup (facts->customer_index,
                                                             GSIZE_TO_POINTER ((gsize) customer_id)));
          FINISH_CUSTOMER ();
          cur_customer = customer_id;
          cur_order = -1;
          c = idx ? &facts->customers[idx - 1] : NULL;
        }
      if (c == NULL)
        continue;

      if (order_id != cur_order)
        {
          gint64 zero = 0;

          cur_order = order_id;
          /* Only returns: they net the spend, but are no order of the customer's. */
          order_counted = sqlite3_column_int (rows, 6) != 0;
          if (!order_counted)
            {
              c->spend_cents += line.quantity * line.unit_price_cents;
              continue;
            }
          if (order_values->len > 0)
            g_array_index (order_values, gint64, order_values->len - 1) = order_value;
          g_array_append_val (order_values, zero);
          order_value = 0;
          c->orders++;
          if (c->first_order_at == 0)
            c->first_order_at = placed_at;
          c->last_order_at = placed_at;
          facts->now = MAX (facts->now, placed_at);
          /* The basket is the last order's lines: start it afresh. */
          c->basket_first = facts->basket_lines->len;
          c->basket_len = 0;
        }

      c->spend_cents += line.quantity * line.unit_price_cents;
      if (!order_counted)
        continue;
      order_value += line.quantity * line.unit_price_cents;
      if (pidx)
        {
          SdFactProduct *p = &facts->products[pidx - 1];
          line.product = pidx - 1;
          if (p->category_index >= 0)
            facts->bought[(gsize) (c - facts->customers) * facts->n_category_words + p->category_index / 64] |=
              G_GUINT64_CONSTANT (1) << (p->category_index % 64);
          g_array_append_val (facts->basket_lines, line);
          c->basket_len++;
        }
    }
  FINISH_CUSTOMER ();
#undef FINISH_CUSTOMER

  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not read orders"), error);
  return TRUE;
}

static gboolean
load_reviews (SdCustomerFacts *facts,
              SdStore         *store,
              GError         **error)
{
  g_autoptr(SdStmt) rows =
    sd_store_prepare (store,
                      "SELECT customer_id, count(*) FROM events WHERE kind = 3 GROUP BY customer_id",
                      error);
  int rc;

  if (rows == NULL)
    return FALSE;
  while ((rc = sqlite3_step (rows)) == SQLITE_ROW)
    {
      int idx = sd_customer_facts_find (facts, sqlite3_column_int64 (rows, 0));
      if (idx >= 0)
        facts->customers[idx].reviews = sqlite3_column_int (rows, 1);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not count reviews"), error);
  return TRUE;
}

static void
fact_audience_free (SdFactAudience *a)
{
  g_free (a->name);
  g_array_unref (a->customers);
  g_free (a);
}

/* Saved audiences with their members, for the in_segment condition. */
static gboolean
load_audiences (SdCustomerFacts  *facts,
                SdStore          *store,
                GError          **error)
{
  g_autoptr(GPtrArray) list = sd_audience_list (store, error);

  facts->audiences = g_ptr_array_new_with_free_func ((GDestroyNotify) fact_audience_free);
  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      SdAudience *a = g_ptr_array_index (list, i);
      g_autoptr(GArray) ids = sd_audience_members (store, a->id, error);
      SdFactAudience *fa;

      if (ids == NULL)
        return FALSE;
      fa = g_new0 (SdFactAudience, 1);
      fa->id = a->id;
      fa->name = g_strdup (a->name);
      fa->customers = g_array_new (FALSE, FALSE, sizeof (guint));
      for (guint m = 0; m < ids->len; m++)
        {
          int index = sd_customer_facts_find (facts, g_array_index (ids, gint64, m));
          if (index >= 0)
            {
              guint u = (guint) index;
              g_array_append_val (fa->customers, u);
            }
        }
      g_ptr_array_add (facts->audiences, fa);
    }
  return TRUE;
}

SdCustomerFacts *
sd_customer_facts_load (SdStore       *store,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr(SdCustomerFacts) facts = g_new0 (SdCustomerFacts, 1);
  g_autoptr(GHashTable) category_lookup = g_hash_table_new (g_str_hash, g_str_equal);

  facts->strings = g_string_chunk_new (64 * 1024);
  facts->countries = g_ptr_array_new ();
  facts->segments = g_ptr_array_new ();
  facts->categories = g_ptr_array_new ();
  facts->basket_lines = g_array_new (FALSE, FALSE, sizeof (SdCartLine));
  facts->customer_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  facts->product_index = g_hash_table_new (g_direct_hash, g_direct_equal);
  facts->product_by_ext = g_hash_table_new (g_str_hash, g_str_equal);

  /* One read transaction, so the facts are one consistent snapshot. */
  if (!sd_store_exec (store, "BEGIN", error))
    return NULL;
  if (!load_products (facts, store, category_lookup, error) ||
      !load_customers (facts, store, error))
    {
      sd_store_rollback (store);
      return NULL;
    }
  facts->n_category_words = MAX (1, (facts->categories->len + 63) / 64);
  facts->bought = g_new0 (guint64, (gsize) MAX (facts->n_customers, 1) * facts->n_category_words);
  if (!load_orders (facts, store, cancellable, error) ||
      !load_reviews (facts, store, error) ||
      !load_audiences (facts, store, error))
    {
      sd_store_rollback (store);
      return NULL;
    }
  sd_store_rollback (store);

  if (facts->now == 0)
    facts->now = g_get_real_time () / G_USEC_PER_SEC;

  {
    g_autoptr(GArray) baskets = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autofree char *shipping = sd_store_get_setting (store, "coupons.shipping-cost-cents");

    for (guint i = 0; i < facts->n_customers; i++)
      if (facts->customers[i].orders > 0)
        g_array_append_val (baskets, facts->customers[i].basket_cents);
    if (baskets->len)
      {
        g_array_sort (baskets, compare_gint64);
        facts->shop_basket_cents = g_array_index (baskets, gint64, baskets->len / 2);
      }
    if (shipping == NULL)
      shipping = sd_store_get_setting (store, "shipping.uk.cost_cents");
    facts->shipping_cents = shipping ? g_ascii_strtoll (shipping, NULL, 10) : 495;
  }
  return g_steal_pointer (&facts);
}

const SdFactAudience *
sd_customer_facts_audience (SdCustomerFacts *facts,
                            const char      *key)
{
  g_autofree char *clean = g_strstrip (g_strdup (key ? key : ""));
  char *end = NULL;
  gint64 id;

  for (guint i = 0; facts->audiences && i < facts->audiences->len; i++)
    {
      SdFactAudience *a = g_ptr_array_index (facts->audiences, i);
      if (g_utf8_collate (a->name, clean) == 0 || g_ascii_strcasecmp (a->name, clean) == 0)
        return a;
    }
  id = g_ascii_strtoll (clean, &end, 10);
  if (end == clean || *end != '\0')
    return NULL;
  for (guint i = 0; facts->audiences && i < facts->audiences->len; i++)
    {
      SdFactAudience *a = g_ptr_array_index (facts->audiences, i);
      if (a->id == id)
        return a;
    }
  return NULL;
}

int
sd_customer_facts_find (SdCustomerFacts *facts,
                        gint64           customer_id)
{
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (facts->customer_index,
                                                      GSIZE_TO_POINTER ((gsize) customer_id))) - 1;
}

int
sd_customer_facts_find_product (SdCustomerFacts *facts,
                                const char      *external_id)
{
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (facts->product_by_ext, external_id)) - 1;
}

int
sd_customer_facts_category (SdCustomerFacts *facts,
                            const char      *name)
{
  for (guint i = 0; i < facts->categories->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (facts->categories, i), name) == 0)
      return i;
  return -1;
}

gboolean
sd_customer_facts_has_bought (SdCustomerFacts *facts,
                              guint            customer,
                              int              category)
{
  if (category < 0 || (guint) category >= facts->categories->len)
    return FALSE;
  return (facts->bought[(gsize) customer * facts->n_category_words + category / 64] >> (category % 64)) & 1;
}

double
sd_customer_facts_order_probability (SdCustomerFacts *facts,
                                     guint            customer,
                                     double           days)
{
  const SdCustomerFact *c = &facts->customers[customer];
  double span_days, rate, idle_days;

  if (c->orders == 0)
    return 1.0 - exp (-days / 365.0);   /* roughly one first order a year among sign-ups */

  /* Orders per day over the time we have known them, at least a quarter so one order
   * last week does not read as a daily habit; lapsed customers fade with idle time. */
  span_days = MAX ((c->last_order_at - c->first_order_at) / SECONDS_PER_DAY + 30.0, 90.0);
  rate = c->orders / span_days;
  idle_days = MAX (0.0, (facts->now - c->last_order_at) / SECONDS_PER_DAY);
  rate *= exp (-idle_days / 365.0);
  return 1.0 - exp (-rate * days);
}
