/* sd-customer-query.c — finding a customer: by what one types, or the most active */
#include "config.h"

#include <glib/gi18n-lib.h>
#include "sd-customer-query.h"

void
sd_customer_match_free (SdCustomerMatch *match)
{
  if (match == NULL)
    return;
  g_free (match->external_id);
  g_free (match->name);
  g_free (match->country);
  g_free (match->segment);
  g_free (match);
}

/* NULL for NULL or empty text. */
static char *
column_text (SdStmt *stmt,
             int     column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  return text && *text ? g_strdup (text) : NULL;
}

/* Reads rows of (id, external_id, name, country, segment[, n_events]) into a new array. */
static GPtrArray *
read_matches (SdStore       *store,
              SdStmt        *stmt,
              gboolean       with_count,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autoptr(GPtrArray) matches = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_customer_match_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdCustomerMatch *match = g_new0 (SdCustomerMatch, 1);

      match->id = sqlite3_column_int64 (stmt, 0);
      match->external_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      match->name = column_text (stmt, 2);
      match->country = column_text (stmt, 3);
      match->segment = column_text (stmt, 4);
      if (with_count)
        match->n_events = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (matches, match);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Looking up customers"), error);
      return NULL;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&matches);
}

/* A LIKE pattern that matches @text literally (%, _ and the escape \ escaped): anywhere
 * in the value, or at its start. */
static char *
like_pattern (const char *text,
              gboolean    anywhere)
{
  GString *out = g_string_new (anywhere ? "%" : "");

  for (const char *p = text; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '%');
  return g_string_free (out, FALSE);
}

GPtrArray *
sd_customer_query_search (SdStore       *store,
                          const char    *text,
                          guint          limit,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autofree char *anywhere = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(SdStmt) stmt = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (text != NULL, NULL);

  anywhere = like_pattern (text, TRUE);
  prefix = like_pattern (text, FALSE);
  stmt = sd_store_prepare (store,
      "SELECT id, external_id, name, country, segment FROM customers"
      " WHERE external_id LIKE ?1 ESCAPE '\\' OR name LIKE ?1 ESCAPE '\\'"
      " ORDER BY external_id = ?3 DESC,"
      "  (external_id LIKE ?2 ESCAPE '\\' OR name LIKE ?2 ESCAPE '\\') DESC, name, external_id"
      " LIMIT ?4", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, anywhere, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, prefix, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, limit);
  return read_matches (store, stmt, FALSE, cancellable, error);
}

GPtrArray *
sd_customer_query_most_active (SdStore       *store,
                               guint          limit,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  stmt = sd_store_prepare (store,
      "SELECT c.id, c.external_id, c.name, c.country, c.segment, t.n"
      " FROM (SELECT customer_id, count(*) AS n FROM events GROUP BY customer_id"
      "       ORDER BY n DESC, customer_id LIMIT ?1) t JOIN customers c ON c.id = t.customer_id"
      " ORDER BY t.n DESC, c.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  return read_matches (store, stmt, TRUE, cancellable, error);
}
