/* sd-product-kind.h — which products are merchandise, and which are postage, fees,
 * adjustments or gift cards */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

/* Shop exports carry lines that are not goods: Online Retail's POST, DOT and C2 (postage and
 * carriage), BANK CHARGES and AMAZONFEE, M (manual), D (discount), gift vouchers; Shopify's
 * and WooCommerce's shipping lines. They are kept (an order's total includes them) but are
 * never top products, recommendations, similar items or coupon items, and revenue figures
 * leave them out. */
typedef enum {
  SD_PRODUCT_MERCHANDISE = 0,
  SD_PRODUCT_SHIPPING,
  SD_PRODUCT_FEE,
  SD_PRODUCT_ADJUSTMENT,
  SD_PRODUCT_GIFT_CARD,
  SD_N_PRODUCT_KINDS
} SdProductKind;

/* "merchandise", "shipping", "fee", "adjustment", "gift-card": the values of products.kind. */
const char    *sd_product_kind_to_string   (SdProductKind kind);
gboolean       sd_product_kind_from_string (const char   *str,
                                            SdProductKind *out);
/* A person's name for it, translated. */
const char    *sd_product_kind_label       (SdProductKind kind);

/* Which rules a product's kind is read by. Online Retail's stock codes (POST, M, S, B, …,
 * gift_…) are that export's own: on a Shopify or WooCommerce shop a SKU "M" or "B" may
 * well be a product (a size M), so only its titles' rules ("Postage", "Shipping fee", "gift
 * card", …) hold for every shop. */
typedef enum {
  SD_PRODUCT_RULES_TITLES,          /* titles only: every format but Online Retail's */
  SD_PRODUCT_RULES_RETAIL_CODES,    /* Online Retail's stock codes, then the titles */
} SdProductRules;

/* The kind @rules give a product by its code and title (the README lists them). */
SdProductKind  sd_product_kind_detect      (const char    *external_id,
                                            const char    *title,
                                            SdProductRules rules);

/* Gives every product without a kind the one its code and title say by @rules (after an
 * import or a migration, inside the caller's transaction if there is one). Returns how
 * many products were given one of the non-merchandise kinds, or -1 with @error. */
gint64         sd_product_kinds_classify   (SdStore       *store,
                                            SdProductRules rules,
                                            GError       **error);

/* The merchandiser's choice, kept over what the rules say. */
gboolean       sd_product_kind_set         (SdStore      *store,
                                            gint64        product_id,
                                            SdProductKind kind,
                                            GError      **error);

G_END_DECLS
