/* sd-erasure.c — erasure tombstones and the audit log */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-erasure.h"
#include "sd-error.h"

#define ERASURE_KEY_SETTING "erasure-key"
#define ERASURE_KEY_BYTES   32

static GBytes *
erasure_key (SdStore  *store,
             gboolean  make,
             GError  **error)
{
  GBytes *key = sd_store_secret_key (store, ERASURE_KEY_SETTING, ERASURE_KEY_BYTES, make, error);

  if (key == NULL && make)
    g_prefix_error (error, _("Could not make the shop's erasure key: "));
  return key;
}

static char *
tombstone_with (GBytes     *key,
                const char *external_id)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));

  g_hmac_update (hmac, (const guchar *) external_id, -1);
  return g_strdup (g_hmac_get_string (hmac));
}

char *
sd_erasure_tombstone (SdStore     *store,
                      const char  *external_id,
                      GError     **error)
{
  g_autoptr(GBytes) key = erasure_key (store, TRUE, error);

  return key ? tombstone_with (key, external_id) : NULL;
}

gboolean
sd_erasure_add (SdStore     *store,
                const char  *external_id,
                GError     **error)
{
  g_autofree char *tombstone = sd_erasure_tombstone (store, external_id, error);
  g_autoptr(SdStmt) stmt = NULL;

  if (tombstone == NULL)
    return FALSE;
  if (!(stmt = sd_store_prepare (store, "INSERT OR IGNORE INTO erasures (tombstone, at) VALUES (?1, ?2)", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, tombstone, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not record the erasure"), error);
  return TRUE;
}

gint64
sd_erasure_count (SdStore *store)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT count(*) FROM erasures", NULL);

  return stmt && sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

gboolean
sd_erasure_is_forgotten (SdStore    *store,
                         const char *external_id)
{
  g_autoptr(GBytes) key = NULL;
  g_autofree char *tombstone = NULL;
  g_autoptr(SdStmt) stmt = NULL;

  if (external_id == NULL || *external_id == '\0')
    return FALSE;
  if (!(key = erasure_key (store, FALSE, NULL)))
    return FALSE;
  tombstone = tombstone_with (key, external_id);
  if (!(stmt = sd_store_prepare (store, "SELECT 1 FROM erasures WHERE tombstone = ?1", NULL)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, tombstone, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_ROW;
}

gboolean
sd_audit_log_add (SdStore     *store,
                  const char  *action,
                  const char  *detail_json,
                  GError     **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store, "INSERT INTO audit_log (at, action, detail) VALUES (?1, ?2, ?3)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_text (stmt, 2, action, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, detail_json, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not write the audit log"), error);
  return TRUE;
}
