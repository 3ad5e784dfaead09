/* sd-customer-profile.c — one customer: who they are, what they spent, what they did */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-customer-profile.h"
#include "sd-figures.h"
#include "sd-error.h"
#include "sd-product-text.h"

static void
customer_event_free (SdCustomerEvent *event)
{
  g_free (event->title);
  g_free (event->review);
  g_free (event);
}

void
sd_customer_profile_free (SdCustomerProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->external_id);
  g_free (profile->name);
  g_free (profile->country);
  g_free (profile->segment);
  g_clear_pointer (&profile->history, g_ptr_array_unref);
  g_clear_pointer (&profile->bought, g_array_unref);
  g_free (profile);
}

/* NULL for NULL or empty text. */
static char *
column_text (SdStmt *stmt,
             int     column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  return text && *text ? g_strdup (text) : NULL;
}

static gboolean
read_customer (SdCustomerProfile  *profile,
               SdStore            *store,
               GError            **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT external_id, name, country, segment, coalesce(created_at, 0) FROM customers WHERE id = ?1",
      error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, profile->id);
  switch (sqlite3_step (stmt))
    {
    case SQLITE_ROW:
      break;
    case SQLITE_DONE:
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("The customer is no longer in the shop."));
      return FALSE;
    default:
      return sd_store_fail (store, _("Reading the customer"), error);
    }
  profile->external_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  profile->name = column_text (stmt, 1);
  profile->country = column_text (stmt, 2);
  profile->segment = column_text (stmt, 3);
  profile->created_at = sqlite3_column_int64 (stmt, 4);
  return TRUE;
}

/* The customer's figures as the Overview, the Customers page and `stats` count a shop's
 * (sd-figures.h): orders counted, net merchandise sales (returns netted; postage, fees and
 * gift cards left out) and the last order counted, so one customer's spend is their share of
 * the shop's revenue, not what their orders' totals say. */
static gboolean
read_orders (SdCustomerProfile  *profile,
             SdStore            *store,
             GError            **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT coalesce(sum(counted), 0), coalesce(sum(revenue), 0),"
      "       coalesce(max(CASE WHEN counted THEN placed_at END), 0)"
      " FROM (SELECT o.placed_at,"
      "              sum(CASE WHEN " SD_SQL_MERCHANDISE_LINE_COUNTS ("o", "l", "p")
      "                  THEN " SD_SQL_LINE_REVENUE ("l") " ELSE 0 END) AS revenue,"
      "              (" SD_SQL_ORDER_IS_SALE ("o") ")"
      "               AND max(l.quantity > 0 AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p") ") AS counted"
      "         FROM orders o JOIN order_lines l ON l.order_id = o.id"
      "         LEFT JOIN products p ON p.id = l.product_id"
      "        WHERE o.customer_id = ?1 GROUP BY o.id)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, profile->id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (store, _("Reading the customer's orders"), error);
  profile->orders = sqlite3_column_int64 (stmt, 0);
  profile->lifetime_cents = sqlite3_column_int64 (stmt, 1);
  profile->last_order_at = sqlite3_column_int64 (stmt, 2);
  return TRUE;
}

static gboolean
read_event_counts (SdCustomerProfile  *profile,
                   SdStore            *store,
                   GError            **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT kind, count(*) FROM events WHERE customer_id = ?1 GROUP BY kind", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, profile->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int kind = sqlite3_column_int (stmt, 0);
      gint64 n = sqlite3_column_int64 (stmt, 1);

      if (kind >= 0 && kind < SD_N_EVENT_KINDS)
        {
          profile->events[kind] = n;
          profile->n_events += n;
        }
    }
  return rc == SQLITE_DONE || sd_store_fail (store, _("Counting the customer's events"), error);
}

static gboolean
read_history (SdCustomerProfile  *profile,
              SdStore            *store,
              guint               n_history,
              GError            **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  int rc;

  profile->history = g_ptr_array_new_with_free_func ((GDestroyNotify) customer_event_free);
  if (n_history == 0)
    return TRUE;
  stmt = sd_store_prepare (store,
      "SELECT e.kind, e.at, coalesce(e.rating, 0), e.quantity, " SD_PRODUCT_TITLE ("p") ", e.review_text"
      " FROM events e JOIN products p ON p.id = e.product_id"
      " WHERE e.customer_id = ?1 ORDER BY e.at DESC, e.id DESC LIMIT ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, profile->id);
  sqlite3_bind_int64 (stmt, 2, n_history);
  sd_product_text_bind (stmt);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdCustomerEvent *event = g_new0 (SdCustomerEvent, 1);

      event->kind = sqlite3_column_int (stmt, 0);
      event->at = sqlite3_column_int64 (stmt, 1);
      event->rating = sqlite3_column_int (stmt, 2);
      event->quantity = sqlite3_column_int (stmt, 3);
      event->title = column_text (stmt, 4);
      event->review = column_text (stmt, 5);
      g_ptr_array_add (profile->history, event);
    }
  return rc == SQLITE_DONE || sd_store_fail (store, _("Reading the customer's history"), error);
}

static gboolean
read_bought (SdCustomerProfile  *profile,
             SdStore            *store,
             GError            **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT product_id FROM events WHERE customer_id = ?1 AND kind IN (2, 3)"
      " UNION SELECT l.product_id FROM order_lines l JOIN orders o ON o.id = l.order_id"
      " WHERE o.customer_id = ?1 AND " SD_SQL_ORDER_IS_SALE ("o") " AND l.product_id IS NOT NULL"
      " ORDER BY 1", error);
  int rc;

  G_STATIC_ASSERT (SD_EVENT_PURCHASE == 2 && SD_EVENT_REVIEW == 3);
  profile->bought = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, profile->id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 product_id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (profile->bought, product_id);
    }
  return rc == SQLITE_DONE || sd_store_fail (store, _("Reading what the customer bought"), error);
}

SdCustomerProfile *
sd_customer_profile_load (SdStore  *store,
                          gint64    customer_id,
                          guint     n_history,
                          GError  **error)
{
  g_autoptr(SdCustomerProfile) profile = g_new0 (SdCustomerProfile, 1);

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  profile->id = customer_id;
  if (!read_customer (profile, store, error) ||
      !read_orders (profile, store, error) ||
      !read_event_counts (profile, store, error) ||
      !read_history (profile, store, n_history, error) ||
      !read_bought (profile, store, error))
    return NULL;
  return g_steal_pointer (&profile);
}
