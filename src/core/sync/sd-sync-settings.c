/* sd-sync-settings.c — a shop's sync settings: the source's address, whether to sync on
 * opening, the last sync, and the password kept in the keyring */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

#include "sd-erasure.h"
#include "sd-error.h"
#include "sd-import-private.h"
#include "sd-sync-private.h"
#include "sd-sync-source-private.h"

char *
sd_sync_settings_get_uri (SdStore *store)
{
  return sd_store_get_setting (store, "sync.uri");
}

gboolean
sd_sync_settings_set_uri (SdStore     *store,
                          const char  *uri,
                          GError     **error)
{
  g_autoptr(SdSyncUri) parsed = sd_sync_uri_parse (uri, error);
  g_autofree char *id = NULL;

  if (parsed == NULL)
    return FALSE;
  /* Never the password: it belongs in the keyring. */
  id = sd_sync_uri_to_id (parsed);
  return sd_store_set_setting (store, "sync.uri", id, error);
}

gboolean
sd_sync_settings_get_on_open (SdStore *store)
{
  g_autofree char *value = sd_store_get_setting (store, "sync.on_open");

  return g_strcmp0 (value, "1") == 0;
}

gboolean
sd_sync_settings_set_on_open (SdStore   *store,
                              gboolean   on_open,
                              GError   **error)
{
  return sd_store_set_setting (store, "sync.on_open", on_open ? "1" : "0", error);
}

gint64
sd_sync_settings_get_last (SdStore  *store,
                           char    **summary)
{
  g_autofree char *at = sd_store_get_setting (store, "sync.last_at");
  gint64 when = 0;

  if (summary)
    *summary = sd_store_get_setting (store, "sync.last_result");
  if (at && !sd_import_parse_int (at, &when))
    when = 0;
  return when;
}

gboolean
sd_sync_customer_is_forgotten (SdStore    *store,
                               const char *external_id)
{
  return sd_erasure_is_forgotten (store, external_id);
}

static const SecretSchema *
password_schema (void)
{
  static const SecretSchema schema = {
    "io.github.shopdesk.Shopdesk.Database", SECRET_SCHEMA_NONE,
    { { "uri", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
    0, 0, 0, 0, 0, 0, 0, 0,
  };
  return &schema;
}

/* Whether a session bus (and so maybe a keyring) is there: without one, libsecret would
 * only fail, after trying to start a bus. */
static gboolean
have_session_bus (void)
{
  g_autofree char *socket = NULL;

  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS"))
    return TRUE;
  socket = g_build_filename (g_get_user_runtime_dir (), "bus", NULL);
  return g_file_test (socket, G_FILE_TEST_EXISTS);
}

static char *
password_key (const char  *uri,
              GError     **error)
{
  g_autoptr(SdSyncUri) parsed = sd_sync_uri_parse (uri, error);

  return parsed ? sd_sync_uri_to_id (parsed) : NULL;
}

char *
sd_sync_password_lookup (const char  *uri,
                         GError     **error)
{
  const char *env = g_getenv ("SHOPDESK_DB_PASSWORD");
  g_autofree char *key = NULL;
  g_autoptr(GError) local_error = NULL;
  char *password;

  if (env)
    return g_strdup (env);
  if (!have_session_bus () || !(key = password_key (uri, error)))
    return NULL;
  password = secret_password_lookup_sync (password_schema (), NULL, &local_error, "uri", key, NULL);
  if (local_error)
    g_debug ("No password from the keyring: %s", local_error->message);
  return password;
}

gboolean
sd_sync_password_store (const char  *uri,
                        const char  *password,
                        GError     **error)
{
  g_autofree char *key = password_key (uri, error);
  g_autofree char *label = NULL;

  if (key == NULL)
    return FALSE;
  if (!have_session_bus ())
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                           _("No keyring is running to keep the password in"));
      return FALSE;
    }
  label = g_strdup_printf (_("Shopdesk: database password for %s"), key);
  return secret_password_store_sync (password_schema (), SECRET_COLLECTION_DEFAULT, label, password, NULL, error,
                                     "uri", key, NULL);
}
