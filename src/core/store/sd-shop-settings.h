/* sd-shop-settings.h — the shop's own settings as one typed, checked struct
 *
 * What a shop says about itself lives in its `settings` table (never GSettings, so it
 * travels with the shop file): its name per language, its currency, its time zone, the
 * shapes of its order numbers and the policies the chatbot quotes. This reads them all at
 * once, checks what a person typed before anything is written, and writes them in one
 * transaction, under the keys the chatbot and the pages already read (README, "What the
 * chatbot says").
 *
 * Order numbers: a format is a pattern in which '#' stands for one digit and any other
 * character for itself ("######" for Online Retail's 581433, "SD-######" for the demo
 * shop). A shop that has not set its formats gets the ones learned from its orders.
 */
#pragma once

#include "sd-store.h"

G_BEGIN_DECLS

/* The languages the shop's texts are kept in, as the key suffixes use them. */
typedef enum {
  SD_SHOP_LANG_EN,
  SD_SHOP_LANG_ZH_CN,
  SD_SHOP_N_LANGS
} SdShopLang;

/* The policies the chatbot quotes, each a text per language. */
typedef enum {
  SD_SHOP_POLICY_RETURNS,        /* policy.returns.LANG */
  SD_SHOP_POLICY_SHIPPING,       /* policy.shipping.LANG */
  SD_SHOP_POLICY_HOURS,          /* support.hours.LANG */
  SD_SHOP_POLICY_WARRANTY,       /* policy.warranty.LANG */
  SD_SHOP_POLICY_PAYMENT,        /* policy.payment.LANG */
  SD_SHOP_POLICY_CANCELLATION,   /* policy.cancellation.LANG */
  SD_SHOP_POLICY_INVOICES,       /* policy.invoices.LANG: how a customer gets an invoice */
  SD_SHOP_POLICY_ACCOUNT,        /* policy.account.LANG: passwords, details, signing in */
  SD_SHOP_N_POLICIES
} SdShopPolicy;

/* One shipping region (shipping.regions lists their ids). Money in cents; -1: not set. */
typedef struct {
  char   *id;                      /* "uk", "eu", … */
  char   *name[SD_SHOP_N_LANGS];
  char   *days;                    /* "1-2" */
  gint64  cost_cents;
  gint64  free_over_cents;
} SdShippingRegion;

typedef struct {
  char       *name[SD_SHOP_N_LANGS];
  char       *currency;            /* ISO 4217, or NULL when neither set nor imported */
  char       *timezone;            /* an IANA identifier ("Europe/London"); NULL: UTC */
  GStrv       order_formats;       /* never NULL; empty when the shop has no orders */
  gboolean    order_formats_learned;   /* not set by the shop: learned from its orders */
  char       *policy[SD_SHOP_N_POLICIES][SD_SHOP_N_LANGS];
  int         returns_days;        /* -1: not set */
  GPtrArray  *regions;             /* of SdShippingRegion */
} SdShopSettings;

/* "en", "zh_CN" */
const char     *sd_shop_lang_code              (SdShopLang     lang);
/* "policy.returns", "support.hours", …: the key before ".LANG" */
const char     *sd_shop_policy_key             (SdShopPolicy   policy);

SdShopSettings *sd_shop_settings_new           (void);
SdShopSettings *sd_shop_settings_load          (SdStore        *store);
/* Checks @settings and writes them all, or nothing (SD_ERROR_INVALID_INPUT naming the
 * field and the reason). Empty texts unset a policy. Emits no signal: the caller (the
 * main thread) says SD_STORE_CHANGED_SETTINGS. */
gboolean        sd_shop_settings_save          (SdStore        *store,
                                                const SdShopSettings *settings,
                                                GError        **error);
gboolean        sd_shop_settings_validate      (const SdShopSettings *settings,
                                                GError        **error);
void            sd_shop_settings_free          (SdShopSettings *settings);
SdShippingRegion *sd_shipping_region_new       (const char     *id);
void            sd_shipping_region_free        (SdShippingRegion *region);

/* The order-number formats of the shop: set ones, else learned (up to four shapes that
 * cover at least 2% of the newest 20,000 orders, most used first). Never NULL. */
GStrv           sd_shop_order_formats          (SdStore        *store,
                                                gboolean       *learned);
GStrv           sd_order_formats_learn         (SdStore        *store,
                                                GError        **error);
/* "581433" → "######"; NULL for text that is no order number shape (no digit, too long). */
char           *sd_order_format_of             (const char     *number);
/* Whether @text is an order number of @format ('#' a digit, letters in any case). */
gboolean        sd_order_format_matches        (const char     *format,
                                                const char     *text);
/* The newest of the shop's order numbers of @format, or NULL (scans up to 20,000 orders:
 * for a worker). */
char           *sd_order_format_newest         (SdStore        *store,
                                                const char     *format);
/* The format's digits filled in order: "SD-######" → "SD-123456". */
char           *sd_order_format_example        (const char     *format);
/* For people: "6 digits, e.g. 581433", "“SD-” and 6 digits, e.g. SD-123456" (@example
 * NULL: the format's own example). */
char           *sd_order_format_describe       (const char     *format,
                                                const char     *example);
/* Whether @code is an ISO 4217 code Shopdesk knows, and its name for people. */
gboolean        sd_currency_is_known           (const char     *code);
const char     *sd_currency_name               (const char     *code);
/* The codes known, sorted: for choosers. */
const char *const *sd_currency_codes           (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdShopSettings, sd_shop_settings_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdShippingRegion, sd_shipping_region_free)

G_END_DECLS
