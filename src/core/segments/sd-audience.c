/* sd-audience.c — saved groups of customers in the shop's audiences tables */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "sd-audience.h"
#include "sd-csv.h"
#include "sd-error.h"

void
sd_audience_free (SdAudience *audience)
{
  if (audience == NULL)
    return;
  g_free (audience->name);
  g_free (audience->source);
  g_free (audience->definition);
  g_free (audience);
}

#define AUDIENCE_COLUMNS \
  "SELECT a.id, a.name, a.source, a.definition, a.refresh = 'recompute', a.created_at, a.updated_at," \
  " (SELECT count(*) FROM audience_members m WHERE m.audience_id = a.id) FROM audiences a"

static SdAudience *
read_row (sqlite3_stmt *stmt)
{
  SdAudience *a = g_new0 (SdAudience, 1);

  a->id = sqlite3_column_int64 (stmt, 0);
  a->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  a->source = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  a->definition = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  a->recompute = sqlite3_column_int (stmt, 4) != 0;
  a->created_at = sqlite3_column_int64 (stmt, 5);
  a->updated_at = sqlite3_column_int64 (stmt, 6);
  a->n_members = sqlite3_column_int64 (stmt, 7);
  return a;
}

GPtrArray *
sd_audience_list (SdStore  *store,
                  GError  **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, AUDIENCE_COLUMNS " ORDER BY a.name COLLATE NOCASE, a.id", error);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_audience_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, read_row (stmt));
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the saved audiences"), error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

SdAudience *
sd_audience_find (SdStore     *store,
                  const char  *key,
                  GError     **error)
{
  g_autoptr(SdStmt) by_name = sd_store_prepare (store, AUDIENCE_COLUMNS " WHERE a.name = ?1", error);
  char *end = NULL;
  gint64 id;
  int rc;

  if (by_name == NULL)
    return NULL;
  sqlite3_bind_text (by_name, 1, key, -1, SQLITE_TRANSIENT);
  if ((rc = sqlite3_step (by_name)) == SQLITE_ROW)
    return read_row (by_name);
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the saved audiences"), error);
      return NULL;
    }
  id = g_ascii_strtoll (key, &end, 10);
  if (end != key && *end == '\0')
    {
      g_autoptr(SdStmt) by_id = sd_store_prepare (store, AUDIENCE_COLUMNS " WHERE a.id = ?1", error);
      if (by_id == NULL)
        return NULL;
      sqlite3_bind_int64 (by_id, 1, id);
      if ((rc = sqlite3_step (by_id)) == SQLITE_ROW)
        return read_row (by_id);
      if (rc != SQLITE_DONE)
        {
          sd_store_fail (store, _("Could not read the saved audiences"), error);
          return NULL;
        }
    }
  g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("No saved audience is called or numbered “%s”"), key);
  return NULL;
}

static gboolean
insert_members (SdStore       *store,
                gint64         id,
                const gint64  *ids,
                gsize          n,
                GError       **error)
{
  g_autoptr(SdStmt) clear = sd_store_prepare (store, "DELETE FROM audience_members WHERE audience_id = ?1", error);
  g_autoptr(SdStmt) add = NULL;

  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, id);
  if (sqlite3_step (clear) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not save the audience's customers"), error);
  if (!(add = sd_store_prepare (store, "INSERT OR IGNORE INTO audience_members (audience_id, customer_id) VALUES (?1, ?2)", error)))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      sqlite3_reset (add);
      sqlite3_bind_int64 (add, 1, id);
      sqlite3_bind_int64 (add, 2, ids[i]);
      if (sqlite3_step (add) != SQLITE_DONE)
        return sd_store_fail (store, _("Could not save the audience's customers"), error);
    }
  return TRUE;
}

gint64
sd_audience_save (SdStore       *store,
                  const char    *name,
                  const char    *source,
                  const char    *definition,
                  gboolean       recompute,
                  const gint64  *customer_ids,
                  gsize          n,
                  GError       **error)
{
  g_autofree char *clean = g_strstrip (g_strdup (name ? name : ""));
  g_autoptr(SdStmt) stmt = NULL;
  g_autoptr(SdAudience) existing = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC, id;

  if (*clean == '\0')
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("An audience needs a name"));
      return -1;
    }
  {
    g_autoptr(SdStmt) taken = sd_store_prepare (store, "SELECT 1 FROM audiences WHERE name = ?1", error);
    if (taken == NULL)
      return -1;
    sqlite3_bind_text (taken, 1, clean, -1, SQLITE_TRANSIENT);
    if (sqlite3_step (taken) == SQLITE_ROW)
      {
        g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                     _("An audience called “%s” exists already; choose another name or delete it first"), clean);
        return -1;
      }
  }
  if (!sd_store_begin (store, error))
    return -1;
  if (!(stmt = sd_store_prepare (store,
                                 "INSERT INTO audiences (name, source, definition, refresh, created_at, updated_at)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?5)", error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, clean, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, source, -1, SQLITE_TRANSIENT);
  if (definition)
    sqlite3_bind_text (stmt, 3, definition, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, recompute ? "recompute" : "frozen", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not save the audience"), error);
      goto fail;
    }
  id = sqlite3_last_insert_rowid (sd_store_get_db (store));
  if (!insert_members (store, id, customer_ids, n, error) || !sd_store_commit (store, error))
    goto fail;
  return id;

fail:
  sd_store_rollback (store);
  return -1;
}

gboolean
sd_audience_set_members (SdStore       *store,
                         gint64         id,
                         const gint64  *customer_ids,
                         gsize          n,
                         GError       **error)
{
  g_autoptr(SdStmt) touch = NULL;

  if (!sd_store_begin (store, error))
    return FALSE;
  if (!insert_members (store, id, customer_ids, n, error) ||
      !(touch = sd_store_prepare (store, "UPDATE audiences SET updated_at = ?2 WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (touch, 1, id);
  sqlite3_bind_int64 (touch, 2, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (touch) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not save the audience's customers"), error);
      goto fail;
    }
  return sd_store_commit (store, error) || (sd_store_rollback (store), FALSE);

fail:
  sd_store_rollback (store);
  return FALSE;
}

gboolean
sd_audience_delete (SdStore  *store,
                    gint64    id,
                    GError  **error)
{
  g_autoptr(SdStmt) members = sd_store_prepare (store, "DELETE FROM audience_members WHERE audience_id = ?1", error);
  g_autoptr(SdStmt) stmt = NULL;

  if (members == NULL || !sd_store_begin (store, error))
    return FALSE;
  sqlite3_bind_int64 (members, 1, id);
  if (sqlite3_step (members) != SQLITE_DONE ||
      !(stmt = sd_store_prepare (store, "DELETE FROM audiences WHERE id = ?1", error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    goto fail;
  return sd_store_commit (store, error) || (sd_store_rollback (store), FALSE);

fail:
  if (error && *error == NULL)
    sd_store_fail (store, _("Could not delete the audience"), error);
  sd_store_rollback (store);
  return FALSE;
}

GArray *
sd_audience_members (SdStore  *store,
                     gint64    id,
                     GError  **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
    "SELECT customer_id FROM audience_members WHERE audience_id = ?1 ORDER BY customer_id", error);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 c = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, c);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read the audience's customers"), error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

char *
sd_audience_csv (SdStore       *store,
                 const gint64  *customer_ids,
                 gsize          n,
                 GError       **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT external_id FROM customers WHERE id = ?1", error);
  GString *out = g_string_new (NULL);
  g_autoptr(SdCsvWriter) w = sd_csv_writer_new (out);

  if (stmt == NULL)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  sd_csv_writer_add_string (w, "customer_id");
  sd_csv_writer_end_row (w);
  for (gsize i = 0; i < n; i++)
    {
      sqlite3_reset (stmt);
      sqlite3_bind_int64 (stmt, 1, customer_ids[i]);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        continue;   /* deleted since it was saved */
      sd_csv_writer_add_string (w, (const char *) sqlite3_column_text (stmt, 0));
      sd_csv_writer_end_row (w);
    }
  g_clear_pointer (&w, sd_csv_writer_free);
  return g_string_free (out, FALSE);
}

gboolean
sd_audience_refresh (SdStore               *store,
                     const char            *source,
                     SdAudienceMembersFunc  members_for,
                     gpointer               user_data,
                     guint                 *n_refreshed,
                     GError               **error)
{
  g_autoptr(GPtrArray) list = sd_audience_list (store, error);

  if (list == NULL)
    return FALSE;
  for (guint i = 0; i < list->len; i++)
    {
      SdAudience *a = g_ptr_array_index (list, i);
      g_autoptr(SdJsonNode) def = NULL;
      g_autoptr(GArray) members = NULL;

      if (!a->recompute || g_strcmp0 (a->source, source) != 0 || a->definition == NULL ||
          !(def = sd_json_parse (a->definition, -1, "audience", NULL)) ||
          !(members = members_for (def, user_data)))
        continue;
      if (!sd_audience_set_members (store, a->id, (gint64 *) members->data, members->len, error))
        return FALSE;
      if (n_refreshed)
        (*n_refreshed)++;
    }
  return TRUE;
}
