/* sd-coupon-usage.h — how coupon codes were actually used: the Coupons page's “actual”
 * beside a rule's predicted reach and cost */
#pragma once

#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  char   *code;            /* lower case */
  gint64  uses;            /* orders that used it, cancelled and pending ones left out */
  gint64  customers;       /* distinct customers among them (orders without one: not counted) */
  gint64  discount_cents;  /* what it gave in all */
  gint64  first_at, last_at;  /* the first and last such order, unix seconds */
} SdCouponUsage;

void           sd_coupon_usage_free     (SdCouponUsage *usage);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCouponUsage, sd_coupon_usage_free)

/* Every code the shop's orders used (coupon_uses: imports and syncs), most used first.
 * Any thread, on its own store. */
GPtrArray     *sd_coupon_usage_load     (SdStore      *store,
                                         GError      **error);
/* The code a rule stands for: one whose name is the code, or starts with it and a space,
 * colon or dash (“SPRING10: 10 % off in spring”), case ignored. NULL when none matches. */
const SdCouponUsage *sd_coupon_usage_for_rule (GPtrArray  *usage,
                                               const char *rule_name);

G_END_DECLS
