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

/* The rules a shop's products are read by: Online Retail's codes where the shop has an
 * Online Retail import on record, else the titles only. */
gboolean       sd_product_rules_for_shop   (SdStore        *store,
                                            SdProductRules *rules,
                                            GError        **error);

/* The version of the rules above. 1: Online Retail's codes read on every shop's products;
 * 2: only on a shop with an Online Retail import. Bump it when the rules change, and every
 * shop's kinds follow the next time it is opened for writing. */
#define SD_PRODUCT_KIND_RULES_VERSION 2

/* Brings the kinds of a shop given by older rules (its setting "products.kind-rules" says
 * which; none is 1) to today's: a kind the old rules gave is given again by the new ones;
 * one that neither gives was a person's choice and stays (and is remembered as one, in
 * product_kind_choices); so does any kind chosen on the Data page. The summaries follow
 * in the same transaction (the caller's, or its own). Returns how many kinds changed, 0
 * when the shop is up to date, or -1 with @error. */
gint64         sd_product_kinds_update_rules (SdStore      *store,
                                              GError      **error);

/* The merchandiser's choice, kept over what the rules say, now and after the rules change. */
gboolean       sd_product_kind_set         (SdStore      *store,
                                            gint64        product_id,
                                            SdProductKind kind,
                                            GError      **error);

G_END_DECLS
