/* sd-coupon-rule.h — a coupon or promotion rule: who qualifies, what they get, limits
 *
 * A rule is plain data: conditions (a tree of all/any/not over leaf tests), one action,
 * limits and stacking. It is stored as JSON (the format the README documents) and checked
 * by sd_coupon_rule_validate() before anything is saved, so a rule that cannot work is
 * refused with a message and never half-stored.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_COND_ALL,               /* every child holds (no children: always) */
  SD_COND_ANY,               /* at least one child holds */
  SD_COND_NOT,               /* its one child does not hold */
  SD_COND_SEGMENT,           /* text: comma-separated segments */
  SD_COND_COUNTRY,           /* text: comma-separated countries */
  SD_COND_RECENCY_DAYS,      /* days since the last order <op> number (no order: never) */
  SD_COND_ORDER_COUNT,       /* frequency: orders placed <op> number */
  SD_COND_LIFETIME_SPEND,    /* monetary: money spent, in cents, <op> number */
  SD_COND_AVERAGE_ORDER,     /* average order value in cents <op> number */
  SD_COND_FIRST_ORDER,       /* has never ordered */
  SD_COND_PREDICTED_INTEREST,/* model's interest in text (a category, or "product:EXTID") */
  SD_COND_CART_SUBTOTAL,     /* cents <op> number */
  SD_COND_CART_ITEMS,        /* item count <op> number */
  SD_COND_CART_PRODUCT,      /* text: external ids, one of them in the cart */
  SD_COND_CART_CATEGORY,     /* text: categories */
  SD_COND_CART_TAG,          /* text: tags */
  SD_COND_BOUGHT_CATEGORY,   /* has bought in one of the categories in text */
  SD_COND_REVIEWS_GIVEN,     /* reviews written <op> number */
  SD_COND_IN_SEGMENT,        /* text: a saved audience's name or id (sd-audience.h); alias "in_audience" */
  SD_N_COND_KINDS
} SdCondKind;

typedef enum {
  SD_OP_GE,
  SD_OP_GT,
  SD_OP_LE,
  SD_OP_LT,
  SD_OP_EQ,
  SD_N_OPS
} SdCmpOp;

typedef struct _SdCondition SdCondition;
struct _SdCondition {
  SdCondKind  kind;
  SdCmpOp     op;
  double      number;
  char       *text;
  /* SD_COND_PREDICTED_INTEREST: the model ("als", "hybrid"…), and either a score
   * threshold (number, 0..1 after per-customer normalisation, with op) or, when rank > 0,
   * "among the customer's top @rank". */
  char       *model;
  int         rank;
  GPtrArray  *children;      /* SdCondition *, for ALL/ANY/NOT */
};

typedef enum {
  SD_ACTION_PERCENT_OFF,     /* percent of the subtotal, capped at cap_cents when > 0 */
  SD_ACTION_FIXED_OFF,       /* amount_cents off, never more than the subtotal */
  SD_ACTION_FREE_SHIPPING,
  SD_ACTION_BUY_X_GET_Y,     /* buy buy_x of target (category or product), get_y of them free */
  SD_ACTION_TIERED,          /* percent by subtotal tier: the highest tier reached */
  SD_N_ACTION_KINDS
} SdActionKind;

typedef struct {
  gint64 min_subtotal_cents;
  double percent;
} SdTier;

typedef struct {
  SdActionKind kind;
  double       percent;
  gint64       cap_cents;
  gint64       amount_cents;
  int          buy_x;
  int          get_y;
  char        *target;       /* BUY_X_GET_Y: a category, or "product:EXTID" */
  GArray      *tiers;        /* SdTier, ascending by min_subtotal_cents */
} SdAction;

typedef struct {
  gint64       id;           /* 0 until stored */
  char        *name;
  gboolean     enabled;
  gint64       starts_at;    /* unix seconds; 0 = open */
  gint64       ends_at;      /* unix seconds; 0 = open */
  int          priority;     /* higher applies first */
  gboolean     stop_further; /* no rule after this one applies */
  SdCondition *conditions;   /* never NULL: an empty ALL means everyone */
  SdAction     action;
  int          uses_per_customer; /* 0 = unlimited */
  int          total_uses;        /* 0 = unlimited */
  gint64       budget_cents;      /* 0 = unlimited */
} SdCouponRule;

SdCondition  *sd_condition_new            (SdCondKind          kind);
void          sd_condition_free           (SdCondition        *cond);
SdCondition  *sd_condition_copy           (const SdCondition  *cond);
void          sd_condition_add            (SdCondition        *group,
                                           SdCondition        *child);

SdCouponRule *sd_coupon_rule_new          (const char         *name);
void          sd_coupon_rule_free         (SdCouponRule       *rule);
SdCouponRule *sd_coupon_rule_copy         (const SdCouponRule *rule);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCouponRule, sd_coupon_rule_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCondition, sd_condition_free)

/* The names used in the JSON format: "segment", "recency_days", "percent_off", ">=", … */
const char   *sd_cond_kind_to_string      (SdCondKind          kind);
gboolean      sd_cond_kind_from_string    (const char         *name,
                                           SdCondKind         *out);
const char   *sd_cmp_op_to_string         (SdCmpOp             op);
gboolean      sd_cmp_op_from_string       (const char         *name,
                                           SdCmpOp            *out);
const char   *sd_action_kind_to_string    (SdActionKind        kind);
gboolean      sd_action_kind_from_string  (const char         *name,
                                           SdActionKind       *out);
gboolean      sd_cmp_op_holds             (SdCmpOp             op,
                                           double              value,
                                           double              threshold);

/* Models a rule may name in a predicted-interest condition; validation refuses others. */
typedef gboolean (*SdModelExistsFunc) (const char *model,
                                       gpointer    user_data);

/* Refuses a rule that cannot work: an empty name, an empty or reversed date window, a
 * percent outside (0, 100], a negative amount, a tier list out of order, a threshold on
 * a model that is not trained (when @model_exists is given), a NOT without exactly one
 * child, and contradictory conditions (e.g. first order and at least 3 orders, or
 * spend >= 100 and spend <= 50 in the same ALL). The message says what is wrong. */
gboolean      sd_coupon_rule_validate     (const SdCouponRule *rule,
                                           SdModelExistsFunc   model_exists,
                                           gpointer            user_data,
                                           GError            **error);

/* JSON, as documented in the README. */
char         *sd_coupon_rule_to_json      (const SdCouponRule *rule);
SdCouponRule *sd_coupon_rule_from_json    (const char         *json,
                                           const char         *source,
                                           GError            **error);

/* A one-line summary: "10 % off (max 5.00) — segment is vip and spent >= 100.00", as the
 * rule's JSON and its history write it (in English, whatever the language). */
char         *sd_coupon_rule_describe     (const SdCouponRule *rule);
/* The same in the user's language, for people, amounts as sd_format_money() writes them in
 * the shop's @currency (NULL: none): "立减 10 %（最多 £5.00） — 客户群为 vip 且
 * 消费 >= £100.00". The two parts still meet at " — ". */
char         *sd_coupon_rule_describe_for_people (const SdCouponRule *rule,
                                                  const char         *currency);
/* One condition as the rule's summary for people words it: "cart >= £50.00". */
char         *sd_condition_describe_for_people (const SdCondition *cond,
                                                const char        *currency);

G_END_DECLS
