/* sd-model-query.c — which trained models the shop keeps */
#include "config.h"

#include <glib/gi18n-lib.h>
#include "sd-model-query.h"

GPtrArray *
sd_model_query_stored_names (SdStore     *store,
                             const char  *kind,
                             GError     **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  stmt = sd_store_prepare (store, "SELECT DISTINCT name FROM models WHERE kind = ?1 ORDER BY name", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Reading the stored models"), error);
      return NULL;
    }
  return g_steal_pointer (&names);
}
