/* sd-customer-list.c — lists of customers to pick from */
#include "config.h"

#include <glib/gi18n-lib.h>
#include "sd-customer-list.h"

void
sd_customer_entry_free (SdCustomerEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->external_id);
  g_free (entry->name);
  g_free (entry);
}

GPtrArray *
sd_customer_list_most_orders (SdStore  *store,
                              guint     limit,
                              GError  **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  g_autoptr(GPtrArray) customers = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  stmt = sd_store_prepare (store,
                           "SELECT c.id, c.external_id, c.name, o.n FROM customers c"
                           " JOIN (SELECT customer_id, count(*) AS n FROM orders"
                           "       WHERE customer_id IS NOT NULL GROUP BY customer_id"
                           "       ORDER BY n DESC, customer_id LIMIT ?1) o ON o.customer_id = c.id"
                           " ORDER BY o.n DESC, c.id",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  customers = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_customer_entry_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdCustomerEntry *c = g_new0 (SdCustomerEntry, 1);

      c->id = sqlite3_column_int64 (stmt, 0);
      c->external_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      c->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      c->n_orders = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (customers, c);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not list the customers"), error);
      return NULL;
    }
  return g_steal_pointer (&customers);
}
