/* sd-demo.h — a deterministic demo shop, in English and Chinese
 *
 * The generator fills a store with products over fourteen categories, customers from a
 * mix of countries, their orders and their behaviour (views, carts, purchases, reviews),
 * and the shop settings the chatbot quotes. The same seed and size always give the
 * same table contents, byte for byte, on every platform: it uses its own PRNG and no
 * libm, and everything is dated relative to a fixed reference time, not to "now".
 *
 * Each customer belongs to a hidden taste group (customers.taste_group) that prefers a
 * few categories and tags; behaviour is drawn mostly from the group's preferences, with
 * noise and popularity, so a recommender trained on it should recover the groups. The
 * groups are described in the setting "demo.taste_groups" (JSON).
 *
 * Settings written (sd_store_get_setting):
 *   shop.name.en, shop.name.zh_CN, shop.currency, shop.website, support.email,
 *   support.hours.en, support.hours.zh_CN,
 *   policy.returns.days, policy.returns.en, policy.returns.zh_CN,
 *   policy.shipping.en, policy.shipping.zh_CN, policy.cancellation.en, policy.cancellation.zh_CN,
 *   policy.payment.en, policy.payment.zh_CN, policy.warranty.en, policy.warranty.zh_CN,
 *   policy.invoices.en, policy.invoices.zh_CN, policy.account.en, policy.account.zh_CN,
 *   shipping.regions ("uk,eu,us,cn,world"), and per region R:
 *   shipping.R.name.en, shipping.R.name.zh_CN, shipping.R.days ("1-2"), shipping.R.cost_cents,
 *   shipping.R.free_over_cents (absent: never free), shipping.R.express_days,
 *   shipping.R.express_cost_cents;
 *   shipping.country_regions (JSON object: country name → region),
 *   categories.zh_CN (JSON object: category → Chinese name),
 *   demo.seed, demo.size, demo.reference_time (unix seconds), demo.taste_groups (JSON).
 */
#pragma once

#include <gio/gio.h>

#include "sd-job.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  guint64  seed;
  guint    n_customers;
  guint    n_products;
  guint    events_per_customer;   /* a target on average; the result is near it */
  gboolean force;                 /* replace the data of a shop that has some */
} SdDemoOptions;

#define SD_DEMO_DEFAULT_SEED 20261101

/* "small" (the default: 2,000 customers, 500 products, ~60k events), "large"
 * (1M customers, 100k products, ~20M events) or a number of customers, with the rest
 * scaled. Leaves seed and force as they were. */
gboolean     sd_demo_options_for_size    (SdDemoOptions  *options,
                                          const char     *size,
                                          GError        **error);
void         sd_demo_options_init        (SdDemoOptions  *options);

/* The fixed date the demo shop's history ends at (unix seconds, UTC). */
gint64       sd_demo_reference_time      (void);
guint        sd_demo_n_taste_groups      (void);
const char  *sd_demo_taste_group_name    (guint           group);
guint        sd_demo_n_categories        (void);
const char  *sd_demo_category_name       (guint           category);

typedef void (*SdDemoProgressFunc) (double      fraction,
                                    const char *text,
                                    gpointer    user_data);

/* TRUE when the shop holds no customers, products, orders or events. */
gboolean     sd_demo_store_is_empty      (SdStore        *store,
                                          gboolean       *empty,
                                          GError        **error);

/* Generates the demo shop into @store in one transaction. Refuses a shop that has data
 * unless options->force. On failure or cancellation (G_IO_ERROR_CANCELLED) the database
 * is left exactly as it was. */
gboolean     sd_demo_generate            (SdStore             *store,
                                          const SdDemoOptions *options,
                                          SdDemoProgressFunc   progress,
                                          gpointer             user_data,
                                          GCancellable        *cancellable,
                                          GError             **error);

/* A job that opens its own connection to @db_path and generates the shop there. */
SdJob       *sd_demo_job_new             (const char          *db_path,
                                          const SdDemoOptions *options);

/* The shop the app opens when no other is chosen, made on first start in the user data
 * dir (the folder is created here). */
char *sd_demo_default_path (void);

G_END_DECLS
