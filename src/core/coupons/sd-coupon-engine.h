/* sd-coupon-engine.h — which coupons a customer gets, and what a rule would cost
 *
 * The engine evaluates rules against SdCustomerFacts: for one customer (and a cart, or
 * their typical basket) it applies the rules in priority order with stacking, limits and
 * the cap on the combined discount; over all customers it previews each rule's reach,
 * the overlap between rules and the estimated cost.
 */
#pragma once

#include <gio/gio.h>

#include "sd-coupon-rule.h"
#include "sd-customer-facts.h"

G_BEGIN_DECLS

typedef struct {
  GArray *lines;              /* SdCartLine */
  gint64  subtotal_cents;
  int     items;
} SdCart;

SdCart *sd_cart_new          (void);
void    sd_cart_free         (SdCart          *cart);
void    sd_cart_add          (SdCart          *cart,
                              SdCustomerFacts *facts,
                              guint            product,
                              int              quantity);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCart, sd_cart_free)

typedef struct {
  const SdCouponRule *rule;   /* the engine's copy */
  gint64              discount_cents;
  gboolean            free_shipping;
  gboolean            capped; /* reduced by the combined-discount cap */
  char               *reason; /* why the customer qualifies */
} SdCouponApplication;

void sd_coupon_application_free (SdCouponApplication *app);

/* A customer's predicted interest in @target (a category, or "product:EXTID") by
 * @model: a score in 0..1 and the target's rank among the customer's categories
 * (1 = favourite). FALSE when the model cannot say (then the condition fails). */
typedef gboolean (*SdInterestFunc) (const char *model,
                                    guint       customer,
                                    const char *target,
                                    double     *score,
                                    int        *rank,
                                    gpointer    user_data);

typedef struct _SdCouponEngine SdCouponEngine;

/* The engine keeps a reference to nothing: @facts must outlive it. */
SdCouponEngine *sd_coupon_engine_new        (SdCustomerFacts  *facts);
void            sd_coupon_engine_free       (SdCouponEngine   *engine);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCouponEngine, sd_coupon_engine_free)

/* Copies @rule. Rules apply by priority (higher first), then by id. */
void            sd_coupon_engine_add_rule   (SdCouponEngine   *engine,
                                             const SdCouponRule *rule);
guint           sd_coupon_engine_get_n_rules (SdCouponEngine  *engine);
const SdCouponRule *sd_coupon_engine_get_rule (SdCouponEngine *engine,
                                               guint           index);
/* @destroy (may be NULL) frees @user_data with the engine. */
void            sd_coupon_engine_set_interest (SdCouponEngine *engine,
                                               SdInterestFunc  func,
                                               gpointer        user_data,
                                               GDestroyNotify  destroy);
/* The shop's currency (ISO 4217, NULL for none): the amounts of an application's reason
 * are written in it, "cart >= £50.00". */
void            sd_coupon_engine_set_currency (SdCouponEngine *engine,
                                               const char     *currency);
/* Past redemptions, for the limits: uses of @rule_id by @customer_id costing @cents. */
void            sd_coupon_engine_add_use    (SdCouponEngine   *engine,
                                             gint64            rule_id,
                                             gint64            customer_id,
                                             gint64            cents);
/* The most all coupons together may take off an order, in percent (default 50). */
void            sd_coupon_engine_set_max_combined_percent (SdCouponEngine *engine,
                                                           double          percent);
/* The time date windows are checked against (default: now). */
void            sd_coupon_engine_set_now    (SdCouponEngine   *engine,
                                             gint64            now);

/* Whether @customer meets @rule's conditions for @cart (NULL: their typical basket). */
gboolean        sd_coupon_engine_matches    (SdCouponEngine   *engine,
                                             const SdCouponRule *rule,
                                             guint             customer,
                                             const SdCart     *cart);
/* The discount @rule's action gives on @cart, before caps across rules. */
gint64          sd_coupon_engine_discount   (SdCouponEngine   *engine,
                                             const SdCouponRule *rule,
                                             const SdCart     *cart,
                                             gboolean         *free_shipping);
/* The coupons that apply to @customer, in the order applied (SdCouponApplication *).
 * Only enabled rules inside their date window count. */
GPtrArray      *sd_coupon_engine_apply      (SdCouponEngine   *engine,
                                             guint             customer,
                                             const SdCart     *cart);
/* Why @rule gives @customer nothing on @cart (NULL: their typical basket), for people:
 * switched off, outside its dates, used up, its budget spent, nothing off their basket, or
 * the first condition they fail with their own figure where there is one ("Needs: cart >=
 * £50.00 (theirs: £23.10)"). NULL when it applies. @rule is one of the engine's. */
char           *sd_coupon_engine_why_not    (SdCouponEngine   *engine,
                                             const SdCouponRule *rule,
                                             guint             customer,
                                             const SdCart     *cart);
/* The customer's typical basket as a cart (their last order; empty when none). */
SdCart         *sd_coupon_engine_typical_cart (SdCouponEngine *engine,
                                               guint           customer);

typedef struct {
  gint64   rule_id;
  char    *name;
  guint    customers;          /* reached: conditions hold on their typical basket */
  gint64   estimated_cost_cents;
  gint64   budget_left_cents;  /* -1 when the rule has no budget */
  guint64 *reached;            /* bitset over customers */
} SdRulePreview;

typedef struct {
  guint          n_rules;
  SdRulePreview *rules;
  guint         *overlap;      /* n_rules × n_rules: customers reached by both */
  guint          n_customers;
  gint64         elapsed_us;
} SdCouponPreview;

void             sd_coupon_preview_free     (SdCouponPreview *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCouponPreview, sd_coupon_preview_free)
gboolean         sd_rule_preview_reaches    (const SdRulePreview *rule,
                                             guint                customer);

/* Every rule (enabled or not: it is a preview) over every customer. The estimated cost is
 * the sum over reached customers of the chance they order within the rule's window (30
 * days when open-ended) times the discount on their typical basket, capped by the budget. */
SdCouponPreview *sd_coupon_engine_preview   (SdCouponEngine   *engine,
                                             GCancellable     *cancellable,
                                             GError          **error);
/* One rule alone: for the editor's live preview. */
SdRulePreview   *sd_coupon_engine_preview_rule (SdCouponEngine    *engine,
                                                const SdCouponRule *rule);
void             sd_rule_preview_free       (SdRulePreview    *preview);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdRulePreview, sd_rule_preview_free)

/* How a rule's reach and value split over a grouping of customers, so a merchandiser sees
 * whether it favours or leaves out a group: per country or segment (customers without one
 * as ""), its customers, those the rule reaches and their share, and the expected value it
 * gives them (capped by the budget in proportion, as the estimated cost is). */
typedef enum {
  SD_RULE_SPLIT_COUNTRY,
  SD_RULE_SPLIT_SEGMENT,
} SdRuleSplitBy;

typedef struct {
  char   *label;
  guint   customers;
  guint   reached;
  double  reach_rate;     /* reached / customers */
  gint64  value_cents;
  double  value_share;    /* of the rule's expected value */
} SdRuleSplitRow;

/* SdRuleSplitRow, the largest groups first (the array frees the labels). @preview is
 * @rule's, from this engine. */
GArray          *sd_coupon_engine_split     (SdCouponEngine      *engine,
                                             const SdCouponRule  *rule,
                                             const SdRulePreview *preview,
                                             SdRuleSplitBy        by);

/* Customers @edited reaches that @saved does not (gained) and the reverse (lost). */
void             sd_rule_preview_diff       (const SdRulePreview *saved,
                                             const SdRulePreview *edited,
                                             guint                n_customers,
                                             guint               *gained,
                                             guint               *lost);

G_END_DECLS
