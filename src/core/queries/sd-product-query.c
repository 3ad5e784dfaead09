/* sd-product-query.c — what the shop's catalogue holds */
#include "config.h"

#include <glib/gi18n-lib.h>
#include "sd-product-query.h"

GPtrArray *
sd_product_query_categories (SdStore  *store,
                             guint     limit,
                             GError  **error)
{
  g_autoptr(GPtrArray) categories = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  stmt = sd_store_prepare (store,
      "SELECT DISTINCT category FROM products WHERE category IS NOT NULL AND category <> ''"
      " ORDER BY category LIMIT ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (categories, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Reading the product categories"), error);
      return NULL;
    }
  return g_steal_pointer (&categories);
}
