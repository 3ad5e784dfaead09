/* sd-product-kind.c — which products are merchandise, and which are postage, fees,
 * adjustments or gift cards */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-product-kind.h"

static const char *const kind_names[SD_N_PRODUCT_KINDS] = {
  "merchandise", "shipping", "fee", "adjustment", "gift-card",
};

const char *
sd_product_kind_to_string (SdProductKind kind)
{
  return kind < SD_N_PRODUCT_KINDS ? kind_names[kind] : kind_names[SD_PRODUCT_MERCHANDISE];
}

gboolean
sd_product_kind_from_string (const char    *str,
                             SdProductKind *out)
{
  for (guint k = 0; str && k < SD_N_PRODUCT_KINDS; k++)
    if (g_ascii_strcasecmp (str, kind_names[k]) == 0)
      {
        *out = k;
        return TRUE;
      }
  return FALSE;
}

const char *
sd_product_kind_label (SdProductKind kind)
{
  switch (kind)
    {
    case SD_PRODUCT_SHIPPING:   return _("Shipping");
    case SD_PRODUCT_FEE:        return _("Fee");
    case SD_PRODUCT_ADJUSTMENT: return _("Adjustment");
    case SD_PRODUCT_GIFT_CARD:  return _("Gift card");
    case SD_PRODUCT_MERCHANDISE:
    case SD_N_PRODUCT_KINDS:
    default:                    return _("Merchandise");
    }
}

/* Codes that Online Retail uses for lines that are not goods (SD_PRODUCT_RULES_RETAIL_CODES
 * only: elsewhere a SKU "M" may be a size). Compared case-sensitively. */
static const struct { const char *code; SdProductKind kind; } codes[] = {
  { "POST", SD_PRODUCT_SHIPPING }, { "DOT", SD_PRODUCT_SHIPPING }, { "C2", SD_PRODUCT_SHIPPING },
  { "BANK CHARGES", SD_PRODUCT_FEE }, { "AMAZONFEE", SD_PRODUCT_FEE }, { "CRUK", SD_PRODUCT_FEE },
  { "M", SD_PRODUCT_ADJUSTMENT }, { "m", SD_PRODUCT_ADJUSTMENT }, { "D", SD_PRODUCT_ADJUSTMENT },
  { "S", SD_PRODUCT_ADJUSTMENT }, { "B", SD_PRODUCT_ADJUSTMENT }, { "PADS", SD_PRODUCT_ADJUSTMENT },
};

/* Whole titles (case and surrounding space ignored) that name a line rather than goods: a
 * product called "Postage Stamp Set" stays merchandise. */
static const struct { const char *title; SdProductKind kind; } titles[] = {
  { "postage", SD_PRODUCT_SHIPPING }, { "dotcom postage", SD_PRODUCT_SHIPPING },
  { "carriage", SD_PRODUCT_SHIPPING }, { "shipping", SD_PRODUCT_SHIPPING },
  { "shipping fee", SD_PRODUCT_SHIPPING }, { "shipping cost", SD_PRODUCT_SHIPPING },
  { "delivery", SD_PRODUCT_SHIPPING }, { "delivery charge", SD_PRODUCT_SHIPPING },
  { "standard shipping", SD_PRODUCT_SHIPPING }, { "express shipping", SD_PRODUCT_SHIPPING },
  { "free shipping", SD_PRODUCT_SHIPPING }, { "flat rate", SD_PRODUCT_SHIPPING },
  { "bank charges", SD_PRODUCT_FEE }, { "amazon fee", SD_PRODUCT_FEE },
  { "cruk commission", SD_PRODUCT_FEE }, { "payment fee", SD_PRODUCT_FEE },
  { "transaction fee", SD_PRODUCT_FEE }, { "handling fee", SD_PRODUCT_FEE },
  { "manual", SD_PRODUCT_ADJUSTMENT }, { "discount", SD_PRODUCT_ADJUSTMENT },
  { "samples", SD_PRODUCT_ADJUSTMENT }, { "adjust bad debt", SD_PRODUCT_ADJUSTMENT },
  { "adjustment", SD_PRODUCT_ADJUSTMENT }, { "pads to match all cushions", SD_PRODUCT_ADJUSTMENT },
};

SdProductKind
sd_product_kind_detect (const char    *external_id,
                        const char    *title,
                        SdProductRules rules)
{
  g_autofree char *folded = NULL;

  for (guint i = 0; rules == SD_PRODUCT_RULES_RETAIL_CODES && external_id && i < G_N_ELEMENTS (codes); i++)
    if (strcmp (external_id, codes[i].code) == 0)
      return codes[i].kind;
  if (rules == SD_PRODUCT_RULES_RETAIL_CODES && external_id && g_ascii_strncasecmp (external_id, "gift_", 5) == 0)
    return SD_PRODUCT_GIFT_CARD;
  if (title == NULL)
    return SD_PRODUCT_MERCHANDISE;

  folded = g_strstrip (g_utf8_casefold (title, -1));
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    if (strcmp (folded, titles[i].title) == 0)
      return titles[i].kind;
  if (strstr (folded, "gift card") || strstr (folded, "gift voucher") || strstr (folded, "gift certificate"))
    return SD_PRODUCT_GIFT_CARD;
  return SD_PRODUCT_MERCHANDISE;
}

gint64
sd_product_kinds_classify (SdStore        *store,
                           SdProductRules  rules,
                           GError        **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) kinds = g_array_new (FALSE, FALSE, sizeof (int));
  gint64 special = 0;
  int rc;

  {
    g_autoptr(SdStmt) select = sd_store_prepare (store,
        "SELECT id, external_id, title FROM products WHERE kind IS NULL", error);
    if (select == NULL)
      return -1;
    while ((rc = sqlite3_step (select)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (select, 0);
        int kind = sd_product_kind_detect ((const char *) sqlite3_column_text (select, 1),
                                           (const char *) sqlite3_column_text (select, 2), rules);
        g_array_append_val (ids, id);
        g_array_append_val (kinds, kind);
      }
    if (rc != SQLITE_DONE)
      {
        sd_store_fail (store, _("Could not read the products"), error);
        return -1;
      }
  }
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(SdStmt) update = NULL;
      int kind = g_array_index (kinds, int, i);

      if (sd_store_set_error_if_interrupted (store, error) ||
          !(update = sd_store_prepare (store, "UPDATE products SET kind = ?2 WHERE id = ?1", error)))
        return -1;
      sqlite3_bind_int64 (update, 1, g_array_index (ids, gint64, i));
      sqlite3_bind_text (update, 2, sd_product_kind_to_string (kind), -1, SQLITE_STATIC);
      if (sqlite3_step (update) != SQLITE_DONE)
        {
          sd_store_fail (store, _("Could not mark a product's kind"), error);
          return -1;
        }
      special += kind != SD_PRODUCT_MERCHANDISE;
    }
  return special;
}

gboolean
sd_product_rules_for_shop (SdStore         *store,
                           SdProductRules  *rules,
                           GError         **error)
{
  gint64 retail = 0;

  if (!sd_store_count (store, "SELECT EXISTS (SELECT 1 FROM imports WHERE format = 'online-retail')", &retail, error))
    return FALSE;
  *rules = retail ? SD_PRODUCT_RULES_RETAIL_CODES : SD_PRODUCT_RULES_TITLES;
  return TRUE;
}

/* The shop setting that says which version of the rules its kinds were given by. */
#define RULES_VERSION_SETTING "products.kind-rules"

typedef struct {
  gint64        id;
  SdProductKind kind;
  gboolean      by_hand;
} KindChange;

/* What the rules of version 1 gave (every shop's products read by Online Retail's codes too),
 * to tell a kind those rules set from one a person chose. */
static SdProductKind
kind_by_rules_v1 (const char *external_id,
                  const char *title)
{
  return sd_product_kind_detect (external_id, title, SD_PRODUCT_RULES_RETAIL_CODES);
}

gint64
sd_product_kinds_update_rules (SdStore  *store,
                               GError  **error)
{
  g_autofree char *stored = sd_store_get_setting (store, RULES_VERSION_SETTING);
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (KindChange));
  g_autofree char *version = g_strdup_printf ("%d", SD_PRODUCT_KIND_RULES_VERSION);
  SdProductRules rules;
  gint64 changed = 0;
  gboolean own;
  int rc;

  if (stored && g_ascii_strtoll (stored, NULL, 10) >= SD_PRODUCT_KIND_RULES_VERSION)
    return 0;
  own = !sd_store_in_transaction (store);
  if (own && !sd_store_begin (store, error))
    return -1;
  if (!sd_product_rules_for_shop (store, &rules, error))
    goto failed;
  {
    g_autoptr(SdStmt) select = sd_store_prepare (store,
        "SELECT id, external_id, title, kind FROM products"
        " WHERE kind IS NOT NULL AND id NOT IN (SELECT product_id FROM product_kind_choices)", error);
    if (select == NULL)
      goto failed;
    while ((rc = sqlite3_step (select)) == SQLITE_ROW)
      {
        const char *external_id = (const char *) sqlite3_column_text (select, 1);
        const char *title = (const char *) sqlite3_column_text (select, 2);
        SdProductKind now = SD_PRODUCT_MERCHANDISE;
        KindChange change = { sqlite3_column_int64 (select, 0), sd_product_kind_detect (external_id, title, rules), FALSE };

        sd_product_kind_from_string ((const char *) sqlite3_column_text (select, 3), &now);
        if (now == change.kind)
          continue;
        /* Neither what the old rules gave nor what today's give: a person chose it (the
         * Data page's Kind menu), and it stays, remembered as their choice from now on. */
        change.by_hand = now != kind_by_rules_v1 (external_id, title);
        g_array_append_val (changes, change);
      }
    if (rc != SQLITE_DONE)
      {
        sd_store_fail (store, _("Could not read the products"), error);
        goto failed;
      }
  }
  for (guint i = 0; i < changes->len; i++)
    {
      const KindChange *change = &g_array_index (changes, KindChange, i);
      g_autoptr(SdStmt) stmt = sd_store_prepare (store, change->by_hand
                                                 ? "INSERT OR IGNORE INTO product_kind_choices (product_id) VALUES (?1)"
                                                 : "UPDATE products SET kind = ?2 WHERE id = ?1", error);
      if (stmt == NULL)
        goto failed;
      sqlite3_bind_int64 (stmt, 1, change->id);
      if (!change->by_hand)
        sqlite3_bind_text (stmt, 2, sd_product_kind_to_string (change->kind), -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          sd_store_fail (store, _("Could not mark a product's kind"), error);
          goto failed;
        }
      changed += !change->by_hand;
    }
  /* The summaries' trigger notes the orders of every product whose kind changed; the
   * commit refreshes their figures with it. */
  if (!sd_store_set_setting (store, RULES_VERSION_SETTING, version, error) ||
      (own && !sd_store_commit (store, error)))
    goto failed;
  return changed;

failed:
  if (own)
    sd_store_rollback (store);
  return -1;
}

gboolean
sd_product_kind_set (SdStore       *store,
                     gint64         product_id,
                     SdProductKind  kind,
                     GError       **error)
{
  g_autoptr(SdStmt) update = sd_store_prepare (store, "UPDATE products SET kind = ?2 WHERE id = ?1", error);

  gboolean own;

  g_return_val_if_fail (kind < SD_N_PRODUCT_KINDS, FALSE);
  if (update == NULL)
    return FALSE;
  /* In a transaction of its own unless the caller has one: the revenue in the summaries
   * changes with the kind, and goes in with it at the commit. */
  own = !sd_store_in_transaction (store);
  if (own && !sd_store_begin (store, error))
    return FALSE;
  sqlite3_bind_int64 (update, 1, product_id);
  sqlite3_bind_text (update, 2, sd_product_kind_to_string (kind), -1, SQLITE_STATIC);
  if (sqlite3_step (update) != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not mark a product's kind"), error);
      goto failed;
    }
  if (sqlite3_changes (sd_store_get_db (store)) == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("No product %lld in this shop"), (long long) product_id);
      goto failed;
    }
  sd_stmt_release (g_steal_pointer (&update));
  /* Remembered as a person's choice: newer rules never change it. */
  {
    g_autoptr(SdStmt) chosen = sd_store_prepare (store,
        "INSERT OR IGNORE INTO product_kind_choices (product_id) VALUES (?1)", error);
    if (chosen == NULL)
      goto failed;
    sqlite3_bind_int64 (chosen, 1, product_id);
    if (sqlite3_step (chosen) != SQLITE_DONE)
      {
        sd_store_fail (store, _("Could not mark a product's kind"), error);
        goto failed;
      }
  }
  if (own && !sd_store_commit (store, error))
    goto failed;
  return TRUE;

failed:
  if (own)
    sd_store_rollback (store);
  return FALSE;
}
