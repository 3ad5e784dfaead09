/* sd-coupon-interest.h — predicted interest for coupon conditions, from the shop's models
 *
 * A rule may target customers by what a recommender predicts they like ("interest in
 * Garden ≥ 0.6 by ALS", "Toys in their top 3 by hybrid"). This answers those questions
 * with the newest model of each name stored for the shop, loaded on first use; the name
 * "live" (a rule's default) is the live coupon-interest model, else the live
 * recommendations one, else the newest stored recommender. A
 * customer's interest in a category is the model's best score among the category's
 * products, scaled to 0..1 across the categories for that customer.
 */
#pragma once

#include "sd-coupon-engine.h"
#include "sd-customer-facts.h"

G_BEGIN_DECLS

typedef struct _SdInterest SdInterest;

#define SD_INTEREST_LIVE_MODEL "live"

/* @facts must outlive the SdInterest. Models are read through a connection of its own. */
SdInterest *sd_interest_new     (const char      *db_path,
                                 SdCustomerFacts *facts);
void        sd_interest_free    (SdInterest      *interest);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdInterest, sd_interest_free)

/* An SdInterestFunc: pass the SdInterest as user data. Thread-safe. */
gboolean    sd_interest_lookup  (const char      *model,
                                 guint            customer,
                                 const char      *target,
                                 double          *score,
                                 int             *rank,
                                 gpointer         interest);

G_END_DECLS
