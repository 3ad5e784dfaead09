/* sd-import-identity.c — pseudonymised identities: the shop's key and the customer keys hashed
 * with it */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-error.h"
#include "sd-import-private.h"

/* Pseudonymising identities. HMAC-SHA-256 under a key of 32 random bytes kept in the
 * shop's settings: the same person hashes alike in every import into the shop, and no one
 * without the shop file can test a guessed e-mail against a hash. Whoever has the shop
 * file has the key, so this is pseudonymisation, not anonymisation. */

#define IDENTITY_KEY_SETTING  "identity-key"
#define IDENTITY_MODE_SETTING "identities"
#define IDENTITY_KEY_BYTES    32

/* The shop's key, made on first use (inside the import's transaction). */
static gboolean
identity_key_load (SdImportContext  *ctx,
                   GError          **error)
{
  if (ctx->identity_key)
    return TRUE;
  ctx->identity_key = sd_store_secret_key (ctx->store, IDENTITY_KEY_SETTING, IDENTITY_KEY_BYTES, TRUE, error);
  if (ctx->identity_key == NULL)
    g_prefix_error (error, _("Could not make a key to hash identities with: "));
  return ctx->identity_key != NULL;
}

static char *
hash_with_key (GBytes     *key,
               const char *value)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));

  g_hmac_update (hmac, (const guchar *) value, -1);
  /* 64 bits tell a shop's customers apart and read better in tables. */
  return g_strdup_printf ("#%.16s", g_hmac_get_string (hmac));
}

/* “#” and 16 hex digits: what hash_with_key() (and earlier versions) make. */
static gboolean
looks_hashed (const char *value)
{
  if (value == NULL || value[0] != '#' || strlen (value) != 17)
    return FALSE;
  for (const char *p = value + 1; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

char *
sd_import_identity (SdImportContext *ctx,
                    const char      *value)
{
  if (value == NULL || *value == '\0')
    return NULL;
  if (ctx->hash_identities && !looks_hashed (value))
    {
      /* The key was loaded when the import began (identities_begin). */
      g_return_val_if_fail (ctx->identity_key != NULL, NULL);
      return hash_with_key (ctx->identity_key, value);
    }
  return g_strdup (value);
}

char *
sd_import_customer_key (SdImportContext *ctx,
                        const char      *external_id)
{
  if (ctx->hash_identities && strchr (external_id, '@'))
    return sd_import_identity (ctx, external_id);
  return g_strdup (external_id);
}

/* The key a clear customer key has when hashed, as the importers make it. */
static char *
hashed_key (SdImportContext *ctx,
            const char      *key)
{
  static const char *const prefixes[] = { "shopify-phone:", "shopify-name:" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (key, prefixes[i]))
      {
        g_autofree char *hashed = sd_import_identity (ctx, key + strlen (prefixes[i]));
        return g_strconcat (prefixes[i], hashed, NULL);
      }
  return sd_import_customer_key (ctx, key);
}

/* Hashing is the shop's, once asked for: the first import that hashes also hashes the
 * customers already there, in its own transaction, so a person imported before in clear
 * does not stay beside their hashed self; every later import hashes too, asked or not,
 * since a clear row could not meet its hashed one either. (Refusing to mix would leave
 * the shop's clear rows as they are, which is what hashing is meant to end.) */
gboolean
sd_import_identities_begin (SdImportContext  *ctx,
                            gboolean          asked,
                            GError          **error)
{
  g_autofree char *mode = sd_store_get_setting (ctx->store, IDENTITY_MODE_SETTING);
  gboolean shop_hashes = g_strcmp0 (mode, "hashed") == 0;
  g_autoptr(SdStmt) all = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint64 converted = 0;

  if (!asked && !shop_hashes)
    return TRUE;
  ctx->hash_identities = TRUE;
  if (!identity_key_load (ctx, error))
    return FALSE;
  if (!asked)
    sd_import_count (ctx, "identities-hashed-as-the-shop-does");
  if (shop_hashes)
    return TRUE;

  if (!(all = sd_store_prepare (ctx->store, "SELECT id, external_id, name, email FROM customers", error)))
    return FALSE;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  while (sqlite3_step (all) == SQLITE_ROW)
    {
      char **row = g_new0 (char *, 5);
      row[0] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (all, 0));
      for (int c = 1; c < 4; c++)
        row[c] = g_strdup ((const char *) sqlite3_column_text (all, c));
      g_ptr_array_add (rows, row);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      g_autofree char *key = hashed_key (ctx, row[1]);
      g_autofree char *name = sd_import_identity (ctx, row[2]);
      g_autofree char *email = sd_import_identity (ctx, row[3]);
      g_autoptr(SdStmt) update = NULL;

      if (g_str_equal (key, row[1]) && g_strcmp0 (name, row[2]) == 0 && g_strcmp0 (email, row[3]) == 0)
        continue;
      if (!(update = sd_store_prepare (ctx->store,
                                       "UPDATE customers SET external_id = ?2, name = ?3, email = ?4 WHERE id = ?1",
                                       error)))
        return FALSE;
      sqlite3_bind_int64 (update, 1, g_ascii_strtoll (row[0], NULL, 10));
      sqlite3_bind_text (update, 2, key, -1, SQLITE_STATIC);
      sd_import_bind_text_or_null (update, 3, name);
      sd_import_bind_text_or_null (update, 4, email);
      if (sqlite3_step (update) != SQLITE_DONE)
        {
          if (sqlite3_errcode (sd_store_get_db (ctx->store)) == SQLITE_CONSTRAINT)
            {
              g_set_error (error, SD_ERROR, SD_ERROR_FAILED,
                           _("Could not hash the customers already in the shop: customer “%s” is there both in "
                             "clear and hashed (from an earlier version of Shopdesk)"), row[1]);
              return FALSE;
            }
          return sd_store_fail (ctx->store, _("Could not hash the customers already in the shop"), error);
        }
      converted++;
    }
  sd_import_count_add (ctx, "existing-customers-hashed", converted);
  return sd_store_set_setting (ctx->store, IDENTITY_MODE_SETTING, "hashed", error);
}
