/* sd-coupon-engine.c — applying coupon rules to customers, and previewing them
 *
 * Rules are compiled once (names resolved to indices of the facts' countries, segments,
 * categories and products), so evaluating a rule for a customer is a walk over a small
 * tree of integer tests: a million customers take a fraction of a second.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sd-coupon-engine.h"
#include "sd-error.h"
#include "sd-number-format.h"
#include "sd-rfm.h"

#define SECONDS_PER_DAY 86400.0
#define DEFAULT_WINDOW_DAYS 30.0

typedef struct _Compiled Compiled;
struct _Compiled {
  const SdCondition *cond;
  GArray            *set;       /* int: resolved indices (countries, segments, categories, products) */
  char             **words;     /* tags, lower-case */
  guint8            *members;   /* in_segment: per customer, 1 when in the audience */
  Compiled          *children;
  guint              n_children;
};

typedef struct {
  SdCouponRule *rule;
  Compiled      compiled;
} EngineRule;

struct _SdCouponEngine {
  SdCustomerFacts *facts;
  GPtrArray       *rules;        /* EngineRule *, sorted */
  SdInterestFunc   interest;
  gpointer         interest_data;
  GDestroyNotify   interest_destroy;
  GHashTable      *uses;         /* rule id → total uses */
  GHashTable      *spent;        /* rule id → gint64 * cents */
  GHashTable      *customer_uses;/* "rule:customer" → uses */
  double           max_combined_percent;
  gint64           now;
  char            *currency;     /* the shop's, for the amounts of the reasons; NULL: none */
};

/* ---------------------------------------------------------------- carts */

SdCart *
sd_cart_new (void)
{
  SdCart *cart = g_new0 (SdCart, 1);
  cart->lines = g_array_new (FALSE, FALSE, sizeof (SdCartLine));
  return cart;
}

void
sd_cart_free (SdCart *cart)
{
  if (cart == NULL)
    return;
  g_array_unref (cart->lines);
  g_free (cart);
}

void
sd_cart_add (SdCart          *cart,
             SdCustomerFacts *facts,
             guint            product,
             int              quantity)
{
  SdCartLine line;

  g_return_if_fail (product < facts->n_products);
  line.product = product;
  line.product_id = facts->products[product].id;
  line.quantity = quantity;
  line.unit_price_cents = facts->products[product].price_cents;
  g_array_append_val (cart->lines, line);
  cart->subtotal_cents += quantity * line.unit_price_cents;
  cart->items += quantity;
}

/* A customer's last order as a cart, without copying: the lines live in the facts. */
static void
typical_cart (SdCustomerFacts *facts,
              guint            customer,
              SdCart          *cart,
              GArray          *scratch)
{
  const SdCustomerFact *c = &facts->customers[customer];

  g_array_set_size (scratch, 0);
  if (c->basket_len)
    g_array_append_vals (scratch, &g_array_index (facts->basket_lines, SdCartLine, c->basket_first),
                         c->basket_len);
  cart->lines = scratch;
  cart->subtotal_cents = 0;
  cart->items = 0;
  for (guint i = 0; i < scratch->len; i++)
    {
      SdCartLine *l = &g_array_index (scratch, SdCartLine, i);
      cart->subtotal_cents += l->quantity * l->unit_price_cents;
      cart->items += l->quantity;
    }
  /* Someone who never ordered is expected to spend what the shop's typical customer does. */
  if (c->orders == 0 && scratch->len == 0)
    {
      cart->subtotal_cents = facts->shop_basket_cents;
      cart->items = facts->shop_basket_cents > 0;
    }
}

SdCart *
sd_coupon_engine_typical_cart (SdCouponEngine *engine,
                               guint           customer)
{
  SdCart *cart = sd_cart_new ();
  const SdCustomerFact *c = &engine->facts->customers[customer];

  for (guint i = 0; i < c->basket_len; i++)
    {
      SdCartLine *l = &g_array_index (engine->facts->basket_lines, SdCartLine, c->basket_first + i);
      g_array_append_val (cart->lines, *l);
      cart->subtotal_cents += l->quantity * l->unit_price_cents;
      cart->items += l->quantity;
    }
  if (c->orders == 0 && c->basket_len == 0)
    {
      cart->subtotal_cents = engine->facts->shop_basket_cents;
      cart->items = cart->subtotal_cents > 0;
    }
  return cart;
}

/* ---------------------------------------------------------------- compiling */

static void
compiled_clear (Compiled *c)
{
  for (guint i = 0; i < c->n_children; i++)
    compiled_clear (&c->children[i]);
  g_free (c->children);
  g_clear_pointer (&c->set, g_array_unref);
  g_strfreev (c->words);
  g_free (c->members);
  memset (c, 0, sizeof *c);
}

static int
find_name (GPtrArray  *names,
           const char *name)
{
  for (guint i = 0; i < names->len; i++)
    if (g_ascii_strcasecmp (g_ptr_array_index (names, i), name) == 0)
      return i;
  return -1;
}

static void
compile (SdCouponEngine    *engine,
         const SdCondition *cond,
         Compiled          *out)
{
  SdCustomerFacts *facts = engine->facts;
  g_auto(GStrv) parts = NULL;

  memset (out, 0, sizeof *out);
  out->cond = cond;

  if (cond->children)
    {
      out->n_children = cond->children->len;
      out->children = g_new0 (Compiled, MAX (out->n_children, 1));
      for (guint i = 0; i < out->n_children; i++)
        compile (engine, g_ptr_array_index (cond->children, i), &out->children[i]);
      return;
    }
  if (cond->text == NULL)
    return;
  if (cond->kind == SD_COND_IN_SEGMENT)
    {
      /* An audience the shop does not have matches no one, as unknown names do. */
      const SdFactAudience *a = sd_customer_facts_audience (facts, cond->text);
      out->members = g_new0 (guint8, MAX (facts->n_customers, 1));
      for (guint i = 0; a && i < a->customers->len; i++)
        out->members[g_array_index (a->customers, guint, i)] = 1;
      return;
    }

  parts = g_strsplit (cond->text, ",", -1);
  out->set = g_array_new (FALSE, FALSE, sizeof (int));
  for (guint i = 0; parts[i]; i++)
    {
      char *name = g_strstrip (parts[i]);
      int idx = -1;

      if (*name == '\0')
        continue;
      switch (cond->kind)
        {
        case SD_COND_COUNTRY:
          idx = find_name (facts->countries, name);
          break;
        case SD_COND_SEGMENT:
          idx = find_name (facts->segments, name);
          break;
        case SD_COND_CART_CATEGORY:
        case SD_COND_BOUGHT_CATEGORY:
          idx = find_name (facts->categories, name);
          break;
        case SD_COND_CART_PRODUCT:
          idx = sd_customer_facts_find_product (facts, name);
          break;
        default:
          break;
        }
      /* A name the shop does not have matches no one, which is what it should do. */
      if (idx >= 0)
        g_array_append_val (out->set, idx);
    }
  if (cond->kind == SD_COND_CART_TAG)
    {
      guint n = g_strv_length (parts);
      out->words = g_new0 (char *, n + 1);
      for (guint i = 0, j = 0; i < n; i++)
        if (*parts[i])
          out->words[j++] = g_ascii_strdown (parts[i], -1);
    }
}

static gboolean
in_set (const GArray *set,
        int           value)
{
  for (guint i = 0; set && i < set->len; i++)
    if (g_array_index (set, int, i) == value)
      return TRUE;
  return FALSE;
}

static gboolean
tags_match (const char *tags,
            char      **words)
{
  g_auto(GStrv) parts = NULL;

  if (tags == NULL || words == NULL)
    return FALSE;
  parts = g_strsplit (tags, ",", -1);
  for (guint i = 0; parts[i]; i++)
    {
      char *t = g_strstrip (parts[i]);
      for (guint w = 0; words[w]; w++)
        if (g_ascii_strcasecmp (t, words[w]) == 0)
          return TRUE;
    }
  return FALSE;
}

/* ---------------------------------------------------------------- evaluating */

static gboolean
eval (SdCouponEngine *engine,
      const Compiled *c,
      guint           customer,
      const SdCart   *cart)
{
  const SdCondition *cond = c->cond;
  SdCustomerFacts *facts = engine->facts;
  const SdCustomerFact *cf = &facts->customers[customer];

  switch (cond->kind)
    {
    case SD_COND_ALL:
      for (guint i = 0; i < c->n_children; i++)
        if (!eval (engine, &c->children[i], customer, cart))
          return FALSE;
      return TRUE;
    case SD_COND_ANY:
      for (guint i = 0; i < c->n_children; i++)
        if (eval (engine, &c->children[i], customer, cart))
          return TRUE;
      return FALSE;
    case SD_COND_NOT:
      return c->n_children == 1 && !eval (engine, &c->children[0], customer, cart);
    case SD_COND_SEGMENT:
      return in_set (c->set, cf->segment);
    case SD_COND_COUNTRY:
      return in_set (c->set, cf->country);
    case SD_COND_RECENCY_DAYS:
      return cf->last_order_at != 0 &&
             sd_cmp_op_holds (cond->op, (facts->now - cf->last_order_at) / SECONDS_PER_DAY, cond->number);
    case SD_COND_ORDER_COUNT:
      return sd_cmp_op_holds (cond->op, cf->orders, cond->number);
    case SD_COND_LIFETIME_SPEND:
      return sd_cmp_op_holds (cond->op, cf->spend_cents, cond->number);
    case SD_COND_AVERAGE_ORDER:
      return cf->orders > 0 &&
             sd_cmp_op_holds (cond->op, (double) cf->spend_cents / cf->orders, cond->number);
    case SD_COND_FIRST_ORDER:
      return cf->orders == 0;
    case SD_COND_PREDICTED_INTEREST:
      {
        double score = 0;
        int rank = 0;
        if (engine->interest == NULL ||
            !engine->interest (cond->model, customer, cond->text, &score, &rank, engine->interest_data))
          return FALSE;
        if (cond->rank > 0)
          return rank >= 1 && rank <= cond->rank;
        return sd_cmp_op_holds (cond->op, score, cond->number);
      }
    case SD_COND_CART_SUBTOTAL:
      return sd_cmp_op_holds (cond->op, cart->subtotal_cents, cond->number);
    case SD_COND_CART_ITEMS:
      return sd_cmp_op_holds (cond->op, cart->items, cond->number);
    case SD_COND_CART_PRODUCT:
      for (guint i = 0; i < cart->lines->len; i++)
        if (in_set (c->set, g_array_index (cart->lines, SdCartLine, i).product))
          return TRUE;
      return FALSE;
    case SD_COND_CART_CATEGORY:
      for (guint i = 0; i < cart->lines->len; i++)
        {
          guint p = g_array_index (cart->lines, SdCartLine, i).product;
          if (p < facts->n_products && in_set (c->set, facts->products[p].category_index))
            return TRUE;
        }
      return FALSE;
    case SD_COND_CART_TAG:
      for (guint i = 0; i < cart->lines->len; i++)
        {
          guint p = g_array_index (cart->lines, SdCartLine, i).product;
          if (p < facts->n_products && tags_match (facts->products[p].tags, c->words))
            return TRUE;
        }
      return FALSE;
    case SD_COND_BOUGHT_CATEGORY:
      for (guint i = 0; c->set && i < c->set->len; i++)
        if (sd_customer_facts_has_bought (facts, customer, g_array_index (c->set, int, i)))
          return TRUE;
      return FALSE;
    case SD_COND_REVIEWS_GIVEN:
      return sd_cmp_op_holds (cond->op, cf->reviews, cond->number);
    case SD_COND_IN_SEGMENT:
      return c->members != NULL && c->members[customer];
    default:
      return FALSE;
    }
}

static int
compare_cents (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static gboolean
target_matches (SdCustomerFacts *facts,
                const char      *target,
                guint            product)
{
  if (target == NULL || product >= facts->n_products)
    return FALSE;
  if (g_str_has_prefix (target, "product:"))
    return g_strcmp0 (facts->products[product].external_id, target + strlen ("product:")) == 0;
  return facts->products[product].category &&
         g_ascii_strcasecmp (facts->products[product].category, target) == 0;
}

gint64
sd_coupon_engine_discount (SdCouponEngine     *engine,
                           const SdCouponRule *rule,
                           const SdCart       *cart,
                           gboolean           *free_shipping)
{
  const SdAction *a = &rule->action;
  gint64 off = 0;

  if (free_shipping)
    *free_shipping = FALSE;

  switch (a->kind)
    {
    case SD_ACTION_PERCENT_OFF:
      off = (gint64) llround (cart->subtotal_cents * a->percent / 100.0);
      if (a->cap_cents > 0)
        off = MIN (off, a->cap_cents);
      break;
    case SD_ACTION_FIXED_OFF:
      off = MIN (a->amount_cents, cart->subtotal_cents);
      break;
    case SD_ACTION_FREE_SHIPPING:
      if (free_shipping)
        *free_shipping = TRUE;
      break;
    case SD_ACTION_BUY_X_GET_Y:
      {
        /* Of the qualifying units, every (x + y)-th group gets its y cheapest free. */
        g_autoptr(GArray) prices = g_array_new (FALSE, FALSE, sizeof (gint64));
        guint groups, free_units;

        for (guint i = 0; i < cart->lines->len; i++)
          {
            const SdCartLine *l = &g_array_index (cart->lines, SdCartLine, i);
            if (target_matches (engine->facts, a->target, l->product))
              for (int q = 0; q < l->quantity && q < 10000; q++)
                g_array_append_val (prices, l->unit_price_cents);
          }
        groups = prices->len / (a->buy_x + a->get_y);
        free_units = groups * a->get_y;
        if (free_units)
          {
            /* The cheapest units go free, as shops do. */
            g_array_sort (prices, compare_cents);
            for (guint i = 0; i < free_units; i++)
              off += g_array_index (prices, gint64, i);
          }
      }
      break;
    case SD_ACTION_TIERED:
      for (guint i = a->tiers ? a->tiers->len : 0; i > 0; i--)
        {
          const SdTier *t = &g_array_index (a->tiers, SdTier, i - 1);
          if (cart->subtotal_cents >= t->min_subtotal_cents)
            {
              off = (gint64) llround (cart->subtotal_cents * t->percent / 100.0);
              break;
            }
        }
      break;
    default:
      break;
    }
  return CLAMP (off, 0, cart->subtotal_cents);
}

/* ---------------------------------------------------------------- the engine */

SdCouponEngine *
sd_coupon_engine_new (SdCustomerFacts *facts)
{
  SdCouponEngine *engine = g_new0 (SdCouponEngine, 1);

  engine->facts = facts;
  engine->rules = g_ptr_array_new ();
  engine->uses = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  engine->spent = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  engine->customer_uses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  engine->max_combined_percent = 50.0;
  engine->now = g_get_real_time () / G_USEC_PER_SEC;
  return engine;
}

void
sd_coupon_engine_free (SdCouponEngine *engine)
{
  if (engine == NULL)
    return;
  g_free (engine->currency);
  for (guint i = 0; i < engine->rules->len; i++)
    {
      EngineRule *er = g_ptr_array_index (engine->rules, i);
      compiled_clear (&er->compiled);
      sd_coupon_rule_free (er->rule);
      g_free (er);
    }
  g_ptr_array_unref (engine->rules);
  g_hash_table_unref (engine->uses);
  g_hash_table_unref (engine->spent);
  g_hash_table_unref (engine->customer_uses);
  if (engine->interest_destroy)
    engine->interest_destroy (engine->interest_data);
  g_free (engine);
}

static int
compare_rules (gconstpointer a,
               gconstpointer b)
{
  const EngineRule *x = *(EngineRule *const *) a, *y = *(EngineRule *const *) b;

  if (x->rule->priority != y->rule->priority)
    return y->rule->priority - x->rule->priority;
  return (x->rule->id > y->rule->id) - (x->rule->id < y->rule->id);
}

void
sd_coupon_engine_add_rule (SdCouponEngine     *engine,
                           const SdCouponRule *rule)
{
  EngineRule *er = g_new0 (EngineRule, 1);

  er->rule = sd_coupon_rule_copy (rule);
  compile (engine, er->rule->conditions, &er->compiled);
  g_ptr_array_add (engine->rules, er);
  g_ptr_array_sort (engine->rules, compare_rules);
}

guint
sd_coupon_engine_get_n_rules (SdCouponEngine *engine)
{
  return engine->rules->len;
}

const SdCouponRule *
sd_coupon_engine_get_rule (SdCouponEngine *engine,
                           guint           index)
{
  g_return_val_if_fail (index < engine->rules->len, NULL);
  return ((EngineRule *) g_ptr_array_index (engine->rules, index))->rule;
}

void
sd_coupon_engine_set_interest (SdCouponEngine *engine,
                               SdInterestFunc  func,
                               gpointer        user_data,
                               GDestroyNotify  destroy)
{
  if (engine->interest_destroy)
    engine->interest_destroy (engine->interest_data);
  engine->interest = func;
  engine->interest_data = user_data;
  engine->interest_destroy = destroy;
}

void
sd_coupon_engine_set_max_combined_percent (SdCouponEngine *engine,
                                           double          percent)
{
  engine->max_combined_percent = CLAMP (percent, 0.0, 100.0);
}

void
sd_coupon_engine_set_now (SdCouponEngine *engine,
                          gint64          now)
{
  engine->now = now;
}

void
sd_coupon_engine_add_use (SdCouponEngine *engine,
                          gint64          rule_id,
                          gint64          customer_id,
                          gint64          cents)
{
  char *ckey = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, rule_id, customer_id);
  gint64 *spent = g_hash_table_lookup (engine->spent, &rule_id);
  guint uses = GPOINTER_TO_UINT (g_hash_table_lookup (engine->uses, &rule_id));

  if (spent == NULL)
    {
      spent = g_new0 (gint64, 1);
      g_hash_table_insert (engine->spent, g_memdup2 (&rule_id, sizeof rule_id), spent);
    }
  *spent += cents;
  g_hash_table_insert (engine->uses, g_memdup2 (&rule_id, sizeof rule_id), GUINT_TO_POINTER (uses + 1));
  g_hash_table_insert (engine->customer_uses, ckey,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (engine->customer_uses, ckey)) + 1));
}

static gint64
rule_spent (SdCouponEngine *engine,
            gint64          rule_id)
{
  gint64 *spent = g_hash_table_lookup (engine->spent, &rule_id);
  return spent ? *spent : 0;
}

static EngineRule *
find_engine_rule (SdCouponEngine     *engine,
                  const SdCouponRule *rule)
{
  for (guint i = 0; i < engine->rules->len; i++)
    {
      EngineRule *er = g_ptr_array_index (engine->rules, i);
      if (er->rule == rule)
        return er;
    }
  return NULL;
}

gboolean
sd_coupon_engine_matches (SdCouponEngine     *engine,
                          const SdCouponRule *rule,
                          guint               customer,
                          const SdCart       *cart)
{
  EngineRule *er = find_engine_rule (engine, rule);
  g_autoptr(GArray) scratch = NULL;
  SdCart basket;
  Compiled local;
  gboolean result;

  g_return_val_if_fail (customer < engine->facts->n_customers, FALSE);

  if (cart == NULL)
    {
      scratch = g_array_new (FALSE, FALSE, sizeof (SdCartLine));
      typical_cart (engine->facts, customer, &basket, scratch);
      cart = &basket;
    }
  if (er)
    return eval (engine, &er->compiled, customer, cart);

  compile (engine, rule->conditions, &local);
  result = eval (engine, &local, customer, cart);
  compiled_clear (&local);
  return result;
}

void
sd_coupon_application_free (SdCouponApplication *app)
{
  if (app == NULL)
    return;
  g_free (app->reason);
  g_free (app);
}

void
sd_coupon_engine_set_currency (SdCouponEngine *engine,
                               const char     *currency)
{
  g_return_if_fail (engine != NULL);
  g_free (engine->currency);
  engine->currency = g_strdup (currency);
}

static char *
describe_reason (const SdCouponEngine *engine,
                 const SdCouponRule   *rule)
{
  /* For people: the Recommendations page and `coupons apply` show it. */
  g_autofree char *full = sd_coupon_rule_describe_for_people (rule, engine->currency);
  const char *dash = strstr (full, " — ");
  return g_strdup (dash ? dash + strlen (" — ") : full);
}

GPtrArray *
sd_coupon_engine_apply (SdCouponEngine *engine,
                        guint           customer,
                        const SdCart   *cart)
{
  GPtrArray *applied = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_coupon_application_free);
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (SdCartLine));
  SdCart basket;
  gint64 total = 0, allowed;
  gint64 customer_id;

  g_return_val_if_fail (customer < engine->facts->n_customers, applied);

  if (cart == NULL)
    {
      typical_cart (engine->facts, customer, &basket, scratch);
      cart = &basket;
    }
  customer_id = engine->facts->customers[customer].id;
  /* Stacked coupons may never take more than this off, so no order costs nothing. */
  allowed = (gint64) floor (cart->subtotal_cents * engine->max_combined_percent / 100.0);

  for (guint i = 0; i < engine->rules->len; i++)
    {
      EngineRule *er = g_ptr_array_index (engine->rules, i);
      const SdCouponRule *rule = er->rule;
      SdCouponApplication *app;
      gboolean free_shipping;
      gint64 off;

      if (!rule->enabled)
        continue;
      if ((rule->starts_at && engine->now < rule->starts_at) ||
          (rule->ends_at && engine->now >= rule->ends_at))
        continue;
      if (rule->total_uses &&
          GPOINTER_TO_UINT (g_hash_table_lookup (engine->uses, &rule->id)) >= (guint) rule->total_uses)
        continue;
      if (rule->uses_per_customer)
        {
          g_autofree char *ckey = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, rule->id, customer_id);
          if (GPOINTER_TO_UINT (g_hash_table_lookup (engine->customer_uses, ckey)) >= (guint) rule->uses_per_customer)
            continue;
        }
      if (!eval (engine, &er->compiled, customer, cart))
        continue;

      off = sd_coupon_engine_discount (engine, rule, cart, &free_shipping);
      if (rule->budget_cents)
        {
          gint64 left = rule->budget_cents - rule_spent (engine, rule->id);
          if (left <= 0)
            continue;
          off = MIN (off, left);
        }
      if (off == 0 && !free_shipping)
        continue;

      app = g_new0 (SdCouponApplication, 1);
      app->rule = rule;
      app->free_shipping = free_shipping;
      app->reason = describe_reason (engine, rule);
      if (total + off > allowed)
        {
          off = MAX (0, allowed - total);
          app->capped = TRUE;
        }
      app->discount_cents = off;
      total += off;
      if (off > 0 || free_shipping)
        g_ptr_array_add (applied, app);
      else
        sd_coupon_application_free (app);

      if (rule->stop_further)
        break;
    }
  return applied;
}

/* ---------------------------------------------------------------- why not */

/* The condition of @c that keeps @customer out: the first child of an ALL that fails,
 * else the node itself (an ANY fails as a whole, a NOT as what it negates). */
static const Compiled *
first_failing (SdCouponEngine *engine,
               const Compiled *c,
               guint           customer,
               const SdCart   *cart)
{
  if (c->cond->kind == SD_COND_ALL)
    for (guint i = 0; i < c->n_children; i++)
      if (!eval (engine, &c->children[i], customer, cart))
        return first_failing (engine, &c->children[i], customer, cart);
  return c;
}

static const char *
name_at (GPtrArray *names,
         int        index)
{
  return index >= 0 && (guint) index < names->len ? g_ptr_array_index (names, index) : NULL;
}

/* The customer's own figure for a leaf, so "cart >= £50.00" can say what their basket
 * was; NULL for a test that has none to show (a category, a tag, a model's interest). */
static char *
their_figure (SdCouponEngine    *engine,
              const SdCondition *cond,
              guint              customer,
              const SdCart      *cart)
{
  SdCustomerFacts *facts = engine->facts;
  const SdCustomerFact *cf = &facts->customers[customer];
  const char *name;

  switch (cond->kind)
    {
    case SD_COND_NOT:
      return cond->children && cond->children->len == 1
             ? their_figure (engine, g_ptr_array_index (cond->children, 0), customer, cart) : NULL;
    case SD_COND_SEGMENT:
      name = name_at (facts->segments, cf->segment);
      return g_strdup (name ? sd_rfm_segment_title (name) : C_("a customer's segment", "none"));
    case SD_COND_COUNTRY:
      name = name_at (facts->countries, cf->country);
      return g_strdup (name ? name : C_("a customer's country", "unknown"));
    case SD_COND_RECENCY_DAYS:
      if (cf->last_order_at == 0)
        return g_strdup (_("never ordered"));
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d day ago", "%d days ago",
                                           (gulong) ((facts->now - cf->last_order_at) / SECONDS_PER_DAY)),
                              (int) ((facts->now - cf->last_order_at) / SECONDS_PER_DAY));
    case SD_COND_ORDER_COUNT:
    case SD_COND_FIRST_ORDER:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d order", "%d orders", (gulong) cf->orders), cf->orders);
    case SD_COND_LIFETIME_SPEND:
      return sd_format_money (cf->spend_cents, engine->currency);
    case SD_COND_AVERAGE_ORDER:
      return cf->orders > 0 ? sd_format_money (cf->spend_cents / cf->orders, engine->currency) : g_strdup (_("never ordered"));
    case SD_COND_CART_SUBTOTAL:
      return sd_format_money (cart->subtotal_cents, engine->currency);
    case SD_COND_CART_ITEMS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d item", "%d items", (gulong) cart->items), cart->items);
    case SD_COND_REVIEWS_GIVEN:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d review", "%d reviews", (gulong) cf->reviews), cf->reviews);
    default:
      return NULL;
    }
}

char *
sd_coupon_engine_why_not (SdCouponEngine     *engine,
                          const SdCouponRule *rule,
                          guint               customer,
                          const SdCart       *cart)
{
  EngineRule *er = find_engine_rule (engine, rule);
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (SdCartLine));
  g_autofree char *needs = NULL;
  g_autofree char *theirs = NULL;
  const Compiled *failing;
  SdCart basket;
  gint64 customer_id;
  gboolean free_shipping;

  g_return_val_if_fail (er != NULL, NULL);
  g_return_val_if_fail (customer < engine->facts->n_customers, NULL);

  if (cart == NULL)
    {
      typical_cart (engine->facts, customer, &basket, scratch);
      cart = &basket;
    }
  customer_id = engine->facts->customers[customer].id;
  /* The same checks as sd_coupon_engine_apply(), in the same order. */
  if (!rule->enabled)
    return g_strdup (_("Switched off"));
  if (rule->starts_at && engine->now < rule->starts_at)
    return g_strdup (_("Not started yet"));
  if (rule->ends_at && engine->now >= rule->ends_at)
    return g_strdup (_("Ended"));
  if (rule->total_uses &&
      GPOINTER_TO_UINT (g_hash_table_lookup (engine->uses, &rule->id)) >= (guint) rule->total_uses)
    return g_strdup (_("All its uses are taken"));
  if (rule->uses_per_customer)
    {
      g_autofree char *ckey = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, rule->id, customer_id);
      if (GPOINTER_TO_UINT (g_hash_table_lookup (engine->customer_uses, ckey)) >= (guint) rule->uses_per_customer)
        return g_strdup (_("Used by them as often as it allows"));
    }
  if (eval (engine, &er->compiled, customer, cart))
    {
      if (rule->budget_cents && rule->budget_cents - rule_spent (engine, rule->id) <= 0)
        return g_strdup (_("Its budget is spent"));
      if (sd_coupon_engine_discount (engine, rule, cart, &free_shipping) == 0 && !free_shipping)
        return g_strdup (_("Takes nothing off their basket"));
      return NULL;
    }
  failing = first_failing (engine, &er->compiled, customer, cart);
  needs = sd_condition_describe_for_people (failing->cond, engine->currency);
  theirs = their_figure (engine, failing->cond, customer, cart);
  /* TRANSLATORS: why a coupon rule gives a customer nothing: "Needs: segment is vip (theirs: regular)" */
  return theirs ? g_strdup_printf (_("Needs: %s (theirs: %s)"), needs, theirs)
                /* TRANSLATORS: why a coupon rule gives a customer nothing: "Needs: has bought Candles" */
                : g_strdup_printf (_("Needs: %s"), needs);
}

/* ---------------------------------------------------------------- preview */

void
sd_rule_preview_free (SdRulePreview *preview)
{
  if (preview == NULL)
    return;
  g_free (preview->name);
  g_free (preview->reached);
  g_free (preview);
}

void
sd_coupon_preview_free (SdCouponPreview *preview)
{
  if (preview == NULL)
    return;
  for (guint i = 0; i < preview->n_rules; i++)
    {
      g_free (preview->rules[i].name);
      g_free (preview->rules[i].reached);
    }
  g_free (preview->rules);
  g_free (preview->overlap);
  g_free (preview);
}

gboolean
sd_rule_preview_reaches (const SdRulePreview *rule,
                         guint                customer)
{
  return (rule->reached[customer / 64] >> (customer % 64)) & 1;
}

static double
window_days (SdCouponEngine     *engine,
             const SdCouponRule *rule)
{
  gint64 from = MAX (engine->facts->now, rule->starts_at);

  if (rule->ends_at && rule->starts_at)
    return MAX (1.0, (rule->ends_at - rule->starts_at) / SECONDS_PER_DAY);
  if (rule->ends_at && rule->ends_at > from)
    return MAX (1.0, (rule->ends_at - from) / SECONDS_PER_DAY);
  return DEFAULT_WINDOW_DAYS;
}

/* What the rule is expected to give customer @c on @basket within @days: the chance they
 * order times the discount (and the shipping, when it is free). */
static double
expected_value (SdCouponEngine     *engine,
                const SdCouponRule *rule,
                guint               c,
                double              days,
                const SdCart       *basket)
{
  gboolean free_shipping = FALSE;
  gint64 off = sd_coupon_engine_discount (engine, rule, basket, &free_shipping);

  return sd_customer_facts_order_probability (engine->facts, c, days) *
         (off + (free_shipping ? engine->facts->shipping_cents : 0));
}

/* Reach and cost of one compiled rule over all customers. */
static void
preview_one (SdCouponEngine     *engine,
             const SdCouponRule *rule,
             const Compiled     *compiled,
             SdRulePreview      *out,
             GArray             *scratch)
{
  SdCustomerFacts *facts = engine->facts;
  guint words = (facts->n_customers + 63) / 64;
  double days = window_days (engine, rule);
  double cost = 0;
  SdCart basket;

  out->rule_id = rule->id;
  out->name = g_strdup (rule->name);
  out->reached = g_new0 (guint64, MAX (words, 1));
  out->customers = 0;

  for (guint c = 0; c < facts->n_customers; c++)
    {
      typical_cart (facts, c, &basket, scratch);
      if (!eval (engine, compiled, c, &basket))
        continue;
      out->reached[c / 64] |= G_GUINT64_CONSTANT (1) << (c % 64);
      out->customers++;
      cost += expected_value (engine, rule, c, days, &basket);
    }

  if (rule->budget_cents)
    {
      gint64 left = MAX (0, rule->budget_cents - rule_spent (engine, rule->id));
      cost = MIN (cost, (double) left);
      out->budget_left_cents = MAX (0, left - (gint64) llround (cost));
    }
  else
    out->budget_left_cents = -1;
  out->estimated_cost_cents = (gint64) llround (cost);
}

SdRulePreview *
sd_coupon_engine_preview_rule (SdCouponEngine     *engine,
                               const SdCouponRule *rule)
{
  SdRulePreview *out = g_new0 (SdRulePreview, 1);
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (SdCartLine));
  Compiled compiled;

  compile (engine, rule->conditions, &compiled);
  preview_one (engine, rule, &compiled, out, scratch);
  compiled_clear (&compiled);
  return out;
}

SdCouponPreview *
sd_coupon_engine_preview (SdCouponEngine  *engine,
                          GCancellable    *cancellable,
                          GError         **error)
{
  g_autoptr(SdCouponPreview) preview = g_new0 (SdCouponPreview, 1);
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (SdCartLine));
  guint words = (engine->facts->n_customers + 63) / 64;
  gint64 start = g_get_monotonic_time ();
  guint n = engine->rules->len;

  preview->n_rules = n;
  preview->n_customers = engine->facts->n_customers;
  preview->rules = g_new0 (SdRulePreview, MAX (n, 1));
  preview->overlap = g_new0 (guint, MAX (n * n, 1));

  for (guint r = 0; r < n; r++)
    {
      EngineRule *er = g_ptr_array_index (engine->rules, r);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      preview_one (engine, er->rule, &er->compiled, &preview->rules[r], scratch);
    }

  for (guint a = 0; a < n; a++)
    for (guint b = a; b < n; b++)
      {
        guint both = 0;
        for (guint w = 0; w < words; w++)
          both += __builtin_popcountll (preview->rules[a].reached[w] & preview->rules[b].reached[w]);
        preview->overlap[a * n + b] = preview->overlap[b * n + a] = both;
      }

  preview->elapsed_us = g_get_monotonic_time () - start;
  return g_steal_pointer (&preview);
}

void
sd_rule_preview_diff (const SdRulePreview *saved,
                      const SdRulePreview *edited,
                      guint                n_customers,
                      guint               *gained,
                      guint               *lost)
{
  guint words = (n_customers + 63) / 64;

  *gained = *lost = 0;
  for (guint w = 0; w < words; w++)
    {
      *gained += __builtin_popcountll (edited->reached[w] & ~saved->reached[w]);
      *lost += __builtin_popcountll (saved->reached[w] & ~edited->reached[w]);
    }
}

/* ---- who a rule reaches -------------------------------------------------------------------- */

static int
compare_split_rows (gconstpointer a,
                    gconstpointer b)
{
  const SdRuleSplitRow *x = a, *y = b;

  if (x->customers != y->customers)
    return x->customers > y->customers ? -1 : 1;
  return g_strcmp0 (x->label, y->label);
}

static void
split_row_clear (gpointer data)
{
  g_free (((SdRuleSplitRow *) data)->label);
}

GArray *
sd_coupon_engine_split (SdCouponEngine      *engine,
                        const SdCouponRule  *rule,
                        const SdRulePreview *preview,
                        SdRuleSplitBy        by)
{
  SdCustomerFacts *facts = engine->facts;
  GPtrArray *names = by == SD_RULE_SPLIT_COUNTRY ? facts->countries : facts->segments;
  guint n_groups = names->len + 1;   /* the last: customers without one */
  g_autofree guint *customers = g_new0 (guint, n_groups);
  g_autofree guint *reached = g_new0 (guint, n_groups);
  g_autofree double *value = g_new0 (double, n_groups);
  g_autoptr(GArray) scratch = g_array_new (FALSE, FALSE, sizeof (SdCartLine));
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (SdRuleSplitRow));
  double days = window_days (engine, rule), total = 0, scale;
  SdCart basket;

  g_array_set_clear_func (rows, split_row_clear);
  for (guint c = 0; c < facts->n_customers; c++)
    {
      int g = by == SD_RULE_SPLIT_COUNTRY ? facts->customers[c].country : facts->customers[c].segment;
      guint group = g >= 0 ? (guint) g : names->len;

      customers[group]++;
      if (!sd_rule_preview_reaches (preview, c))
        continue;
      reached[group]++;
      typical_cart (facts, c, &basket, scratch);
      value[group] += expected_value (engine, rule, c, days, &basket);
    }
  for (guint g = 0; g < n_groups; g++)
    total += value[g];
  /* A budget caps the rule's cost: each group's value is capped in proportion. */
  scale = total > 0 ? MIN (1.0, preview->estimated_cost_cents / total) : 0.0;
  for (guint g = 0; g < n_groups; g++)
    {
      SdRuleSplitRow row = { 0 };
      if (customers[g] == 0)
        continue;
      row.label = g_strdup (g < names->len ? g_ptr_array_index (names, g) : "");
      row.customers = customers[g];
      row.reached = reached[g];
      row.reach_rate = (double) reached[g] / customers[g];
      row.value_cents = (gint64) llround (value[g] * scale);
      row.value_share = total > 0 ? value[g] / total : 0.0;
      g_array_append_val (rows, row);
    }
  g_array_sort (rows, compare_split_rows);
  return rows;
}
