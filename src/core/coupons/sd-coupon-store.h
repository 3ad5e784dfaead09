/* sd-coupon-store.h — coupon rules in the shop's database, with every version kept
 *
 * Every save of a rule is a new version (so edits can be undone, diffed and restored);
 * a rule that does not validate is refused before anything is written.
 */
#pragma once

#include "sd-coupon-engine.h"
#include "sd-coupon-rule.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64  rule_id;
  int     version;
  gint64  saved_at;
  char   *json;
} SdRuleVersion;

void       sd_rule_version_free       (SdRuleVersion *version);

/* The current version of every rule (SdCouponRule *), by id. */
GPtrArray *sd_coupon_rules_load       (SdStore        *store,
                                       GError        **error);
SdCouponRule *sd_coupon_rule_load     (SdStore        *store,
                                       gint64          rule_id,
                                       GError        **error);
/* Validates (predicted-interest conditions against the models trained in @store) and
 * saves @rule as a new version; a new rule (id 0) gets its id set. Nothing is written
 * when validation fails. */
gboolean   sd_coupon_rule_save        (SdStore        *store,
                                       SdCouponRule   *rule,
                                       GError        **error);
gboolean   sd_coupon_rule_delete      (SdStore        *store,
                                       gint64          rule_id,
                                       GError        **error);
/* Versions of a rule, newest first (SdRuleVersion *). */
GPtrArray *sd_coupon_rule_history     (SdStore        *store,
                                       gint64          rule_id,
                                       GError        **error);
/* Saves version @version's content again as the newest version. */
gboolean   sd_coupon_rule_restore     (SdStore        *store,
                                       gint64          rule_id,
                                       int             version,
                                       GError        **error);
/* Restores the version before the current one. */
gboolean   sd_coupon_rule_undo        (SdStore        *store,
                                       gint64          rule_id,
                                       GError        **error);
/* A readable diff of two rules, one change a line: "- segment is vip" / "+ segment is new". */
char      *sd_coupon_rule_diff        (const SdCouponRule *before,
                                       const SdCouponRule *after);

/* Whether a model of this name is trained in the shop (for validation). */
gboolean   sd_coupon_store_model_exists (const char   *model,
                                         gpointer      store);
/* Loads the rules and past redemptions of @store into @engine. */
gboolean   sd_coupon_engine_load_rules (SdCouponEngine *engine,
                                        SdStore        *store,
                                        GError        **error);
/* The demo shop's example rules, named in the language of the moment (gettext). */
gboolean   sd_coupon_add_examples     (SdStore        *store,
                                       GError        **error);

G_END_DECLS
