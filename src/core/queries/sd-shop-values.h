/* sd-shop-values.h — the values a shop's customers and products have, for checking and
 * suggesting what a person types
 *
 * The coupon editor's conditions name countries, segments, categories, tags and products.
 * A name the shop does not have matches nobody, silently; so the editor checks each name
 * against these lists ("No customer has country “Frnace” — did you mean France?": the
 * closest value by edit distance) and offers them as completions. Loaded once per shop in
 * a worker (distinct values over whole tables); then read-only, shared by reference.
 */
#pragma once

#include <gio/gio.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef enum {
  SD_SHOP_VALUE_COUNTRY,    /* customers.country */
  SD_SHOP_VALUE_SEGMENT,    /* customers.segment */
  SD_SHOP_VALUE_CATEGORY,   /* products.category */
  SD_SHOP_VALUE_TAG,        /* each of products.tags (comma-separated) */
  SD_SHOP_VALUE_PRODUCT,    /* products.external_id (merchandise) */
  SD_SHOP_N_VALUE_KINDS
} SdShopValueKind;

typedef struct _SdShopValues SdShopValues;

/* At most @limit values of each kind (the most used first when capped), then sorted. */
SdShopValues *sd_shop_values_load    (SdStore          *store,
                                      guint             limit,
                                      GCancellable     *cancellable,
                                      GError          **error);
SdShopValues *sd_shop_values_ref     (SdShopValues     *values);
void          sd_shop_values_unref   (SdShopValues     *values);

/* The values of @kind (char *, sorted case-insensitively), and the titles of products
 * (parallel to SD_SHOP_VALUE_PRODUCT; NULL for the other kinds). */
GPtrArray    *sd_shop_values_get     (SdShopValues     *values,
                                      SdShopValueKind   kind);
GPtrArray    *sd_shop_values_titles  (SdShopValues     *values,
                                      SdShopValueKind   kind);
/* Whether the shop has @text as a value of @kind, in any letter case. */
gboolean      sd_shop_values_has     (SdShopValues     *values,
                                      SdShopValueKind   kind,
                                      const char       *text);
/* The value of @kind closest to @text by edit distance (letter case ignored), when it is
 * close enough to be a typo (at most a third of the letters, and at most 3); else NULL. */
const char   *sd_shop_values_closest (SdShopValues     *values,
                                      SdShopValueKind   kind,
                                      const char       *text);
/* Checks a comma-separated list: FALSE at the first name the shop does not have, with
 * that name in @unknown and the closest value in @suggestion (NULL when none is close). */
gboolean      sd_shop_values_check_list (SdShopValues  *values,
                                         SdShopValueKind kind,
                                         const char     *list,
                                         char          **unknown,
                                         const char    **suggestion);

/* Levenshtein distance over Unicode characters, letter case ignored. */
guint         sd_text_distance       (const char       *a,
                                      const char       *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdShopValues, sd_shop_values_unref)

G_END_DECLS
