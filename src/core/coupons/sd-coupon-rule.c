/* sd-coupon-rule.c — coupon rules as data: copy, validation, JSON */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sd-coupon-rule.h"
#include "sd-error.h"
#include "sd-json.h"
#include "sd-json-writer.h"
#include "sd-number-format.h"
#include "sd-rfm.h"

static const char *const cond_names[SD_N_COND_KINDS] = {
  "all", "any", "not", "segment", "country", "recency_days", "order_count",
  "lifetime_spend", "average_order", "first_order", "predicted_interest",
  "cart_subtotal", "cart_items", "cart_product", "cart_category", "cart_tag",
  "bought_category", "reviews_given", "in_segment",
};

static const char *const op_names[SD_N_OPS] = { ">=", ">", "<=", "<", "==" };

static const char *const action_names[SD_N_ACTION_KINDS] = {
  "percent_off", "fixed_off", "free_shipping", "buy_x_get_y", "tiered",
};

static gboolean
lookup_name (const char *const *names,
             guint               n,
             const char         *name,
             int                *out)
{
  for (guint i = 0; name && i < n; i++)
    if (strcmp (names[i], name) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

const char *
sd_cond_kind_to_string (SdCondKind kind)
{
  g_return_val_if_fail (kind < SD_N_COND_KINDS, NULL);
  return cond_names[kind];
}

gboolean
sd_cond_kind_from_string (const char *name,
                          SdCondKind *out)
{
  int i;
  if (g_strcmp0 (name, "in_audience") == 0)
    name = "in_segment";   /* the UI calls saved segments audiences */
  if (!lookup_name (cond_names, SD_N_COND_KINDS, name, &i))
    return FALSE;
  *out = i;
  return TRUE;
}

const char *
sd_cmp_op_to_string (SdCmpOp op)
{
  g_return_val_if_fail (op < SD_N_OPS, NULL);
  return op_names[op];
}

gboolean
sd_cmp_op_from_string (const char *name,
                       SdCmpOp    *out)
{
  int i;
  if (!lookup_name (op_names, SD_N_OPS, name, &i))
    return FALSE;
  *out = i;
  return TRUE;
}

const char *
sd_action_kind_to_string (SdActionKind kind)
{
  g_return_val_if_fail (kind < SD_N_ACTION_KINDS, NULL);
  return action_names[kind];
}

gboolean
sd_action_kind_from_string (const char   *name,
                            SdActionKind *out)
{
  int i;
  if (!lookup_name (action_names, SD_N_ACTION_KINDS, name, &i))
    return FALSE;
  *out = i;
  return TRUE;
}

gboolean
sd_cmp_op_holds (SdCmpOp op,
                 double  value,
                 double  threshold)
{
  switch (op)
    {
    case SD_OP_GE: return value >= threshold;
    case SD_OP_GT: return value > threshold;
    case SD_OP_LE: return value <= threshold;
    case SD_OP_LT: return value < threshold;
    case SD_OP_EQ: return fabs (value - threshold) < 1e-9;
    default: return FALSE;
    }
}

static gboolean
is_group (SdCondKind kind)
{
  return kind == SD_COND_ALL || kind == SD_COND_ANY || kind == SD_COND_NOT;
}

static gboolean
takes_text (SdCondKind kind)
{
  switch (kind)
    {
    case SD_COND_SEGMENT:
    case SD_COND_COUNTRY:
    case SD_COND_PREDICTED_INTEREST:
    case SD_COND_CART_PRODUCT:
    case SD_COND_CART_CATEGORY:
    case SD_COND_CART_TAG:
    case SD_COND_BOUGHT_CATEGORY:
    case SD_COND_IN_SEGMENT:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
takes_number (SdCondKind kind)
{
  switch (kind)
    {
    case SD_COND_RECENCY_DAYS:
    case SD_COND_ORDER_COUNT:
    case SD_COND_LIFETIME_SPEND:
    case SD_COND_AVERAGE_ORDER:
    case SD_COND_CART_SUBTOTAL:
    case SD_COND_CART_ITEMS:
    case SD_COND_REVIEWS_GIVEN:
      return TRUE;
    default:
      return FALSE;
    }
}

SdCondition *
sd_condition_new (SdCondKind kind)
{
  SdCondition *cond = g_new0 (SdCondition, 1);

  cond->kind = kind;
  cond->op = SD_OP_GE;
  if (is_group (kind))
    cond->children = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_condition_free);
  return cond;
}

void
sd_condition_free (SdCondition *cond)
{
  if (cond == NULL)
    return;
  g_free (cond->text);
  g_free (cond->model);
  g_clear_pointer (&cond->children, g_ptr_array_unref);
  g_free (cond);
}

SdCondition *
sd_condition_copy (const SdCondition *cond)
{
  SdCondition *copy = sd_condition_new (cond->kind);

  copy->op = cond->op;
  copy->number = cond->number;
  copy->text = g_strdup (cond->text);
  copy->model = g_strdup (cond->model);
  copy->rank = cond->rank;
  for (guint i = 0; cond->children && i < cond->children->len; i++)
    sd_condition_add (copy, sd_condition_copy (g_ptr_array_index (cond->children, i)));
  return copy;
}

void
sd_condition_add (SdCondition *group,
                  SdCondition *child)
{
  g_return_if_fail (group->children != NULL);
  g_ptr_array_add (group->children, child);
}

SdCouponRule *
sd_coupon_rule_new (const char *name)
{
  SdCouponRule *rule = g_new0 (SdCouponRule, 1);

  rule->name = g_strdup (name);
  rule->conditions = sd_condition_new (SD_COND_ALL);
  rule->action.kind = SD_ACTION_PERCENT_OFF;
  rule->action.percent = 10;
  return rule;
}

static void
action_clear (SdAction *action)
{
  g_clear_pointer (&action->target, g_free);
  g_clear_pointer (&action->tiers, g_array_unref);
}

void
sd_coupon_rule_free (SdCouponRule *rule)
{
  if (rule == NULL)
    return;
  g_free (rule->name);
  sd_condition_free (rule->conditions);
  action_clear (&rule->action);
  g_free (rule);
}

SdCouponRule *
sd_coupon_rule_copy (const SdCouponRule *rule)
{
  SdCouponRule *copy = g_memdup2 (rule, sizeof *rule);

  copy->name = g_strdup (rule->name);
  copy->conditions = sd_condition_copy (rule->conditions);
  copy->action.target = g_strdup (rule->action.target);
  if (rule->action.tiers)
    {
      copy->action.tiers = g_array_sized_new (FALSE, FALSE, sizeof (SdTier), rule->action.tiers->len);
      g_array_append_vals (copy->action.tiers, rule->action.tiers->data, rule->action.tiers->len);
    }
  return copy;
}

/* ---------------------------------------------------------------- validation */

/* The interval of values a numeric leaf allows; contradictions are empty intersections. */
typedef struct {
  double lo, hi;
  gboolean lo_open, hi_open;
} Interval;

static void
interval_restrict (Interval *iv,
                   SdCmpOp   op,
                   double    x)
{
  switch (op)
    {
    case SD_OP_GE:
      if (x > iv->lo || (x == iv->lo && iv->lo_open)) { if (x > iv->lo) iv->lo_open = FALSE; iv->lo = x; }
      break;
    case SD_OP_GT:
      if (x >= iv->lo) { iv->lo = x; iv->lo_open = TRUE; }
      break;
    case SD_OP_LE:
      if (x < iv->hi || (x == iv->hi && iv->hi_open)) { if (x < iv->hi) iv->hi_open = FALSE; iv->hi = x; }
      break;
    case SD_OP_LT:
      if (x <= iv->hi) { iv->hi = x; iv->hi_open = TRUE; }
      break;
    case SD_OP_EQ:
      interval_restrict (iv, SD_OP_GE, x);
      interval_restrict (iv, SD_OP_LE, x);
      break;
    default:
      break;
    }
}

static gboolean
interval_empty (const Interval *iv)
{
  return iv->lo > iv->hi || (iv->lo == iv->hi && (iv->lo_open || iv->hi_open));
}

static gboolean
validate_condition (const SdCondition *cond,
                    SdModelExistsFunc  model_exists,
                    gpointer           user_data,
                    GError           **error)
{
  const char *name = sd_cond_kind_to_string (cond->kind);

  if (cond->kind == SD_COND_NOT && (cond->children == NULL || cond->children->len != 1))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("A “not” condition needs exactly one condition inside it"));
      return FALSE;
    }

  if (is_group (cond->kind))
    {
      for (guint i = 0; i < cond->children->len; i++)
        if (!validate_condition (g_ptr_array_index (cond->children, i), model_exists, user_data, error))
          return FALSE;
    }

  if (takes_text (cond->kind))
    {
      const char *p = cond->text;
      while (p && g_ascii_isspace (*p))
        p++;
      if (p == NULL || *p == '\0')
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("The condition “%s” needs a value (which %s?)"), name,
                       cond->kind == SD_COND_COUNTRY ? _("countries") :
                       cond->kind == SD_COND_SEGMENT ? _("segments") :
                       cond->kind == SD_COND_IN_SEGMENT ? _("saved audience") :
                       cond->kind == SD_COND_CART_PRODUCT ? _("products") :
                       cond->kind == SD_COND_CART_TAG ? _("tags") : _("categories"));
          return FALSE;
        }
    }

  if (takes_number (cond->kind))
    {
      if (!isfinite (cond->number) || cond->number < 0)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("The condition “%s” needs a number of zero or more, not %g"), name, cond->number);
          return FALSE;
        }
      if (cond->number == 0 && (cond->op == SD_OP_LT))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("The condition “%s < 0” can never hold"), name);
          return FALSE;
        }
    }

  if (cond->kind == SD_COND_PREDICTED_INTEREST)
    {
      if (cond->model == NULL || *cond->model == '\0')
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("A predicted-interest condition needs a model"));
          return FALSE;
        }
      if (model_exists && !model_exists (cond->model, user_data))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("The condition on predicted interest uses the model “%s”, which is not "
                       "trained for this shop; train it on the Training page first"), cond->model);
          return FALSE;
        }
      if (cond->rank < 0 || (cond->rank == 0 && (cond->number < 0 || cond->number > 1)))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("A predicted-interest threshold is a score between 0 and 1 or a rank of 1 or more"));
          return FALSE;
        }
    }

  /* Contradictions inside one ALL: numeric leaves of the same kind with no value in
   * common, and "first order" next to a demand for past orders or spend. */
  if (cond->kind == SD_COND_ALL)
    {
      Interval ivs[SD_N_COND_KINDS];
      gboolean seen[SD_N_COND_KINDS] = { FALSE };
      gboolean first_order = FALSE;

      for (guint i = 0; i < cond->children->len; i++)
        {
          const SdCondition *c = g_ptr_array_index (cond->children, i);
          if (c->kind == SD_COND_FIRST_ORDER)
            first_order = TRUE;
          if (!takes_number (c->kind))
            continue;
          if (!seen[c->kind])
            ivs[c->kind] = (Interval) { -INFINITY, INFINITY, FALSE, FALSE };
          seen[c->kind] = TRUE;
          interval_restrict (&ivs[c->kind], c->op, c->number);
          if (interval_empty (&ivs[c->kind]))
            {
              g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("The conditions on “%s” contradict each other: no customer can meet them all"),
                           sd_cond_kind_to_string (c->kind));
              return FALSE;
            }
        }

      if (first_order)
        for (SdCondKind k = SD_COND_ORDER_COUNT; k <= SD_COND_AVERAGE_ORDER; k++)
          if (seen[k] && ivs[k].lo > 0)
            {
              g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("“First order only” contradicts “%s” above zero: a first-time customer has no past orders"),
                           sd_cond_kind_to_string (k));
              return FALSE;
            }
      if (first_order && seen[SD_COND_RECENCY_DAYS])
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("“First order only” contradicts a condition on days since the last order"));
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
sd_coupon_rule_validate (const SdCouponRule *rule,
                         SdModelExistsFunc   model_exists,
                         gpointer            user_data,
                         GError            **error)
{
  const SdAction *a = &rule->action;

  if (rule->name == NULL || *rule->name == '\0')
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("A rule needs a name"));
      return FALSE;
    }
  if (g_utf8_strlen (rule->name, -1) > 120 || !g_utf8_validate (rule->name, -1, NULL))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("A rule's name must be valid text of at most 120 characters"));
      return FALSE;
    }
  if (rule->starts_at < 0 || rule->ends_at < 0 ||
      (rule->starts_at && rule->ends_at && rule->ends_at <= rule->starts_at))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The rule “%s” has an empty date window: it ends before it starts"), rule->name);
      return FALSE;
    }
  if (rule->uses_per_customer < 0 || rule->total_uses < 0 || rule->budget_cents < 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Limits of the rule “%s” cannot be negative (0 means no limit)"), rule->name);
      return FALSE;
    }
  if (rule->priority < -1000 || rule->priority > 1000)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("The priority of “%s” must be between -1000 and 1000"), rule->name);
      return FALSE;
    }

  switch (a->kind)
    {
    case SD_ACTION_PERCENT_OFF:
      if (!(a->percent > 0 && a->percent <= 100))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("A percent off must be more than 0 and at most 100, not %g"), a->percent);
          return FALSE;
        }
      if (a->cap_cents < 0)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("The cap on a percent off cannot be negative"));
          return FALSE;
        }
      break;
    case SD_ACTION_FIXED_OFF:
      if (a->amount_cents <= 0)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("A fixed amount off must be more than zero"));
          return FALSE;
        }
      break;
    case SD_ACTION_FREE_SHIPPING:
      break;
    case SD_ACTION_BUY_X_GET_Y:
      if (a->buy_x < 1 || a->get_y < 1 || a->buy_x > 100 || a->get_y > 100)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("“Buy X get Y” needs X and Y between 1 and 100"));
          return FALSE;
        }
      if (a->target == NULL || *a->target == '\0')
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("“Buy X get Y” needs the category or product it applies to"));
          return FALSE;
        }
      break;
    case SD_ACTION_TIERED:
      if (a->tiers == NULL || a->tiers->len == 0)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("A tiered discount needs at least one tier"));
          return FALSE;
        }
      for (guint i = 0; i < a->tiers->len; i++)
        {
          const SdTier *t = &g_array_index (a->tiers, SdTier, i);
          if (!(t->percent > 0 && t->percent <= 100) || t->min_subtotal_cents < 0)
            {
              g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("Tier %u: the percent must be in (0, 100] and the subtotal zero or more"), i + 1);
              return FALSE;
            }
          if (i > 0 && t->min_subtotal_cents <= g_array_index (a->tiers, SdTier, i - 1).min_subtotal_cents)
            {
              g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("Tier %u: tiers must go up by subtotal"), i + 1);
              return FALSE;
            }
        }
      break;
    default:
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("Unknown action"));
      return FALSE;
    }

  if (rule->conditions == NULL || !is_group (rule->conditions->kind))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("A rule's conditions must be a group (all, any or not)"));
      return FALSE;
    }
  return validate_condition (rule->conditions, model_exists, user_data, error);
}

/* ---------------------------------------------------------------- JSON out */

static void
json_string (GString    *out,
             const char *s)
{
  sd_json_append_string (out, s ? s : "");
}

static void
json_number (GString *out,
             double   x)
{
  /* Whole numbers as integers; the rest in the shortest form that reads back exactly, so
   * a saved rule means exactly what was previewed. */
  if (x == (gint64) x && fabs (x) < 1e15)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, (gint64) x);
  else
    sd_json_append_double (out, x);
}

static void
condition_to_json (GString           *out,
                   const SdCondition *cond)
{
  g_string_append (out, "{\"type\": ");
  json_string (out, sd_cond_kind_to_string (cond->kind));
  if (is_group (cond->kind))
    {
      g_string_append (out, ", \"conditions\": [");
      for (guint i = 0; i < cond->children->len; i++)
        {
          if (i)
            g_string_append (out, ", ");
          condition_to_json (out, g_ptr_array_index (cond->children, i));
        }
      g_string_append (out, "]");
    }
  if (takes_number (cond->kind) || (cond->kind == SD_COND_PREDICTED_INTEREST && cond->rank == 0))
    {
      g_string_append (out, ", \"op\": ");
      json_string (out, sd_cmp_op_to_string (cond->op));
      g_string_append (out, ", \"value\": ");
      json_number (out, cond->number);
    }
  if (takes_text (cond->kind))
    {
      g_string_append (out, ", \"text\": ");
      json_string (out, cond->text);
    }
  if (cond->kind == SD_COND_PREDICTED_INTEREST)
    {
      g_string_append (out, ", \"model\": ");
      json_string (out, cond->model);
      if (cond->rank > 0)
        g_string_append_printf (out, ", \"rank\": %d", cond->rank);
    }
  g_string_append (out, "}");
}

char *
sd_coupon_rule_to_json (const SdCouponRule *rule)
{
  GString *out = g_string_new ("{\n  \"name\": ");
  const SdAction *a = &rule->action;

  json_string (out, rule->name);
  g_string_append_printf (out, ",\n  \"enabled\": %s", rule->enabled ? "true" : "false");
  if (rule->starts_at)
    g_string_append_printf (out, ",\n  \"starts_at\": %" G_GINT64_FORMAT, rule->starts_at);
  if (rule->ends_at)
    g_string_append_printf (out, ",\n  \"ends_at\": %" G_GINT64_FORMAT, rule->ends_at);
  g_string_append_printf (out, ",\n  \"priority\": %d", rule->priority);
  g_string_append_printf (out, ",\n  \"stop_further\": %s", rule->stop_further ? "true" : "false");
  g_string_append (out, ",\n  \"conditions\": ");
  condition_to_json (out, rule->conditions);

  g_string_append (out, ",\n  \"action\": {\"type\": ");
  json_string (out, sd_action_kind_to_string (a->kind));
  switch (a->kind)
    {
    case SD_ACTION_PERCENT_OFF:
      g_string_append (out, ", \"percent\": ");
      json_number (out, a->percent);
      if (a->cap_cents)
        g_string_append_printf (out, ", \"cap_cents\": %" G_GINT64_FORMAT, a->cap_cents);
      break;
    case SD_ACTION_FIXED_OFF:
      g_string_append_printf (out, ", \"amount_cents\": %" G_GINT64_FORMAT, a->amount_cents);
      break;
    case SD_ACTION_BUY_X_GET_Y:
      g_string_append_printf (out, ", \"buy\": %d, \"get\": %d, \"target\": ", a->buy_x, a->get_y);
      json_string (out, a->target);
      break;
    case SD_ACTION_TIERED:
      g_string_append (out, ", \"tiers\": [");
      for (guint i = 0; a->tiers && i < a->tiers->len; i++)
        {
          const SdTier *t = &g_array_index (a->tiers, SdTier, i);
          g_string_append_printf (out, "%s{\"min_subtotal_cents\": %" G_GINT64_FORMAT ", \"percent\": ",
                                  i ? ", " : "", t->min_subtotal_cents);
          json_number (out, t->percent);
          g_string_append (out, "}");
        }
      g_string_append (out, "]");
      break;
    default:
      break;
    }
  g_string_append (out, "}");

  g_string_append_printf (out, ",\n  \"limits\": {\"uses_per_customer\": %d, \"total_uses\": %d, "
                          "\"budget_cents\": %" G_GINT64_FORMAT "}\n}\n",
                          rule->uses_per_customer, rule->total_uses, rule->budget_cents);
  return g_string_free (out, FALSE);
}

/* ---------------------------------------------------------------- JSON in */

static gboolean
fail_at (GError          **error,
         const char       *source,
         const SdJsonNode *node,
         const char       *format,
         ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail_at (GError          **error,
         const char       *source,
         const SdJsonNode *node,
         const char       *format,
         ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, "%s:%u: %s",
               source, node ? sd_json_node_get_line (node) : 1, msg);
  return FALSE;
}

static gboolean
get_number (const SdJsonNode *obj,
            const char       *name,
            double           *out,
            const char       *source,
            GError          **error)
{
  SdJsonNode *n = sd_json_node_get_member (obj, name);

  if (n == NULL)
    return TRUE;
  if (sd_json_node_get_node_type (n) != SD_JSON_NUMBER)
    return fail_at (error, source, n, _("“%s” must be a number"), name);
  *out = sd_json_node_get_number (n);
  return TRUE;
}

static gboolean
get_int64 (const SdJsonNode *obj,
           const char       *name,
           gint64           *out,
           const char       *source,
           GError          **error)
{
  double x = (double) *out;

  if (!get_number (obj, name, &x, source, error))
    return FALSE;
  if (x != floor (x) || fabs (x) > 9e15)
    return fail_at (error, source, sd_json_node_get_member (obj, name),
                    _("“%s” must be a whole number"), name);
  *out = (gint64) x;
  return TRUE;
}

static gboolean
get_int (const SdJsonNode *obj,
         const char       *name,
         int              *out,
         const char       *source,
         GError          **error)
{
  gint64 x = *out;

  if (!get_int64 (obj, name, &x, source, error))
    return FALSE;
  if (x < G_MININT || x > G_MAXINT)
    return fail_at (error, source, sd_json_node_get_member (obj, name), _("“%s” is out of range"), name);
  *out = (int) x;
  return TRUE;
}

static gboolean
get_bool (const SdJsonNode *obj,
          const char       *name,
          gboolean         *out,
          const char       *source,
          GError          **error)
{
  SdJsonNode *n = sd_json_node_get_member (obj, name);

  if (n == NULL)
    return TRUE;
  if (sd_json_node_get_node_type (n) != SD_JSON_BOOL)
    return fail_at (error, source, n, _("“%s” must be true or false"), name);
  *out = sd_json_node_get_boolean (n);
  return TRUE;
}

/* The keys each object of a rule may hold. Anything else is refused: a misspelt key
 * ("condition" for "conditions") would otherwise be ignored and silently widen a rule to
 * every customer. */
static const char *const rule_keys[] = {
  "name", "enabled", "starts_at", "ends_at", "priority", "stop_further", "conditions",
  "action", "limits", NULL
};
static const char *const condition_keys[] = {
  "type", "op", "value", "rank", "text", "model", "conditions", NULL
};
static const char *const action_keys[] = {
  "type", "percent", "cap_cents", "amount_cents", "buy", "get", "target", "tiers", NULL
};
static const char *const tier_keys[] = { "min_subtotal_cents", "percent", NULL };
static const char *const limit_keys[] = { "uses_per_customer", "total_uses", "budget_cents", NULL };

/* Levenshtein distance, for "did you mean"; keys are short. */
static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];
      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = g_ascii_tolower (a[i - 1]) == g_ascii_tolower (b[j - 1]) ? 0 : 1;
          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

static gboolean
check_keys (const SdJsonNode  *obj,
            const char *const *allowed,
            const char        *what,
            const char        *source,
            GError           **error)
{
  for (guint i = 0; i < sd_json_node_get_length (obj); i++)
    {
      const char *key = sd_json_node_get_member_name (obj, i);
      const char *best = NULL;
      guint best_distance = G_MAXUINT;

      if (g_strv_contains (allowed, key))
        continue;
      for (guint k = 0; allowed[k]; k++)
        {
          guint d = edit_distance (key, allowed[k]);
          if (d < best_distance)
            best_distance = d, best = allowed[k];
        }
      /* A suggestion only when it is plausibly the same word. */
      if (best && best_distance <= MAX (2u, (guint) strlen (key) / 3))
        return fail_at (error, source, obj, _("unknown key “%s” in %s: did you mean “%s”?"),
                        key, what, best);
      {
        g_autofree char *list = g_strjoinv (", ", (char **) allowed);
        return fail_at (error, source, obj, _("unknown key “%s” in %s (known: %s)"), key, what, list);
      }
    }
  return TRUE;
}

/* A string member, or NULL when absent; refuses other types and embedded NULs, which
 * would cut the text short where C reads it. */
static gboolean
get_string (const SdJsonNode *obj,
            const char       *name,
            const char      **out,
            const char       *source,
            GError          **error)
{
  SdJsonNode *n = sd_json_node_get_member (obj, name);
  const char *s;

  *out = NULL;
  if (n == NULL || sd_json_node_get_node_type (n) == SD_JSON_NULL)
    return TRUE;
  if (sd_json_node_get_node_type (n) != SD_JSON_STRING)
    return fail_at (error, source, n, _("“%s” must be a string"), name);
  s = sd_json_node_get_string (n);
  if (strlen (s) != sd_json_node_get_string_length (n))
    return fail_at (error, source, n, _("“%s” contains a NUL character (\\u0000)"), name);
  *out = s;
  return TRUE;
}

static SdCondition *
condition_from_json (const SdJsonNode *node,
                     const char       *source,
                     int               depth,
                     GError          **error)
{
  g_autoptr(SdCondition) cond = NULL;
  const char *type, *op, *text, *model;
  SdCondKind kind;
  SdJsonNode *children;

  if (depth > 32)
    {
      fail_at (error, source, node, _("conditions are nested too deeply"));
      return NULL;
    }
  if (sd_json_node_get_node_type (node) != SD_JSON_OBJECT)
    {
      fail_at (error, source, node, _("a condition must be an object"));
      return NULL;
    }
  if (!check_keys (node, condition_keys, _("a condition"), source, error) ||
      !get_string (node, "type", &type, source, error))
    return NULL;
  if (!sd_cond_kind_from_string (type, &kind))
    {
      fail_at (error, source, node, _("unknown condition type “%s”"), type ? type : "(none)");
      return NULL;
    }

  cond = sd_condition_new (kind);
  if (!get_string (node, "op", &op, source, error))
    return NULL;
  if (op && !sd_cmp_op_from_string (op, &cond->op))
    {
      fail_at (error, source, node, _("unknown comparison “%s” (use >=, >, <=, < or ==)"), op);
      return NULL;
    }
  if (!get_number (node, "value", &cond->number, source, error) ||
      !get_int (node, "rank", &cond->rank, source, error))
    return NULL;
  if (!get_string (node, "text", &text, source, error) ||
      !get_string (node, "model", &model, source, error))
    return NULL;
  cond->text = g_strdup (text);
  /* Without a model named, interest comes from the shop's live model. */
  cond->model = g_strdup (model == NULL && kind == SD_COND_PREDICTED_INTEREST ? "live" : model);

  children = sd_json_node_get_member (node, "conditions");
  if (is_group (kind) && children)
    {
      if (sd_json_node_get_node_type (children) != SD_JSON_ARRAY)
        {
          fail_at (error, source, children, _("“conditions” must be a list"));
          return NULL;
        }
      for (guint i = 0; i < sd_json_node_get_length (children); i++)
        {
          SdCondition *child = condition_from_json (sd_json_node_get_element (children, i),
                                                    source, depth + 1, error);
          if (child == NULL)
            return NULL;
          sd_condition_add (cond, child);
        }
    }
  else if (children)
    {
      fail_at (error, source, children, _("only all, any and not take “conditions”"));
      return NULL;
    }
  return g_steal_pointer (&cond);
}

SdCouponRule *
sd_coupon_rule_from_json (const char  *json,
                          const char  *source,
                          GError     **error)
{
  g_autoptr(SdJsonNode) root = NULL;
  g_autoptr(SdCouponRule) rule = NULL;
  SdJsonNode *conditions, *action, *limits, *tiers;
  const char *type, *name, *target;

  source = source ? source : "rule";
  if (!(root = sd_json_parse (json, -1, source, error)))
    return NULL;
  if (sd_json_node_get_node_type (root) != SD_JSON_OBJECT)
    {
      fail_at (error, source, root, _("a rule must be a JSON object"));
      return NULL;
    }

  if (!check_keys (root, rule_keys, _("the rule"), source, error) ||
      !get_string (root, "name", &name, source, error))
    return NULL;
  rule = sd_coupon_rule_new (name);
  rule->action.percent = 0;
  if (!get_bool (root, "enabled", &rule->enabled, source, error) ||
      !get_int64 (root, "starts_at", &rule->starts_at, source, error) ||
      !get_int64 (root, "ends_at", &rule->ends_at, source, error) ||
      !get_int (root, "priority", &rule->priority, source, error) ||
      !get_bool (root, "stop_further", &rule->stop_further, source, error))
    return NULL;

  if ((conditions = sd_json_node_get_member (root, "conditions")))
    {
      SdCondition *cond = condition_from_json (conditions, source, 0, error);
      if (cond == NULL)
        return NULL;
      sd_condition_free (rule->conditions);
      rule->conditions = cond;
    }

  action = sd_json_node_get_member (root, "action");
  if (action == NULL || sd_json_node_get_node_type (action) != SD_JSON_OBJECT)
    {
      fail_at (error, source, action ? action : root, _("a rule needs an “action” object"));
      return NULL;
    }
  if (!check_keys (action, action_keys, _("the action"), source, error) ||
      !get_string (action, "type", &type, source, error))
    return NULL;
  if (!sd_action_kind_from_string (type, &rule->action.kind))
    {
      fail_at (error, source, action,
               _("unknown action “%s” (use percent_off, fixed_off, free_shipping, buy_x_get_y or tiered)"),
               type ? type : "(none)");
      return NULL;
    }
  if (!get_number (action, "percent", &rule->action.percent, source, error) ||
      !get_int64 (action, "cap_cents", &rule->action.cap_cents, source, error) ||
      !get_int64 (action, "amount_cents", &rule->action.amount_cents, source, error) ||
      !get_int (action, "buy", &rule->action.buy_x, source, error) ||
      !get_int (action, "get", &rule->action.get_y, source, error))
    return NULL;
  if (!get_string (action, "target", &target, source, error))
    return NULL;
  rule->action.target = g_strdup (target);
  if ((tiers = sd_json_node_get_member (action, "tiers")))
    {
      if (sd_json_node_get_node_type (tiers) != SD_JSON_ARRAY)
        {
          fail_at (error, source, tiers, _("“tiers” must be a list"));
          return NULL;
        }
      rule->action.tiers = g_array_new (FALSE, FALSE, sizeof (SdTier));
      for (guint i = 0; i < sd_json_node_get_length (tiers); i++)
        {
          SdJsonNode *t = sd_json_node_get_element (tiers, i);
          SdTier tier = { 0, 0 };
          if (sd_json_node_get_node_type (t) != SD_JSON_OBJECT)
            {
              fail_at (error, source, t, _("a tier must be an object"));
              return NULL;
            }
          if (!check_keys (t, tier_keys, _("a tier"), source, error) ||
              !get_int64 (t, "min_subtotal_cents", &tier.min_subtotal_cents, source, error) ||
              !get_number (t, "percent", &tier.percent, source, error))
            return NULL;
          g_array_append_val (rule->action.tiers, tier);
        }
    }

  if ((limits = sd_json_node_get_member (root, "limits")))
    {
      if (sd_json_node_get_node_type (limits) != SD_JSON_OBJECT)
        {
          fail_at (error, source, limits, _("“limits” must be an object"));
          return NULL;
        }
      if (!check_keys (limits, limit_keys, _("the limits"), source, error) ||
          !get_int (limits, "uses_per_customer", &rule->uses_per_customer, source, error) ||
          !get_int (limits, "total_uses", &rule->total_uses, source, error) ||
          !get_int64 (limits, "budget_cents", &rule->budget_cents, source, error))
        return NULL;
    }

  return g_steal_pointer (&rule);
}

/* ---------------------------------------------------------------- describing */

/* The words of a summary: in the user's language for people, as written for the rule's
 * JSON and its history, which are read by programs and compared across versions. */
#define WORDS(people, text) ((people) ? _(text) : (text))

/* For people in their locale's marks and the shop's @currency ("£15.00", "15,00 £"); for
 * the rule's JSON and history with '.' whatever the locale, as programs compare them. */
static char *
money (double      cents,
       gboolean    people,
       const char *currency)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (people)
    return sd_format_money ((gint64) llround (cents), currency);
  return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.2f", cents / 100.0));
}

static void
describe_condition (GString           *out,
                    const SdCondition *cond,
                    gboolean           top,
                    gboolean           people,
                    const char        *currency)
{
  const char *op = sd_cmp_op_to_string (cond->op);
  g_autofree char *amount = money (cond->number, people, currency);

  switch (cond->kind)
    {
    case SD_COND_ALL:
    case SD_COND_ANY:
      if (cond->children->len == 0)
        {
          g_string_append (out, cond->kind == SD_COND_ALL ? WORDS (people, N_("everyone")) : WORDS (people, N_("no one")));
          return;
        }
      if (!top)
        g_string_append_c (out, '(');
      for (guint i = 0; i < cond->children->len; i++)
        {
          if (i)
            g_string_append (out, cond->kind == SD_COND_ALL ? WORDS (people, N_(" and ")) : WORDS (people, N_(" or ")));
          describe_condition (out, g_ptr_array_index (cond->children, i), FALSE, people, currency);
        }
      if (!top)
        g_string_append_c (out, ')');
      return;
    case SD_COND_NOT:
      g_string_append (out, WORDS (people, N_("not ")));
      describe_condition (out, g_ptr_array_index (cond->children, 0), FALSE, people, currency);
      return;
    case SD_COND_SEGMENT:
      /* people read the segment's name ("VIP", "贵宾"), the rule's text keeps its code */
      g_string_append_printf (out, WORDS (people, N_("segment is %s")),
                              people ? sd_rfm_segment_title (cond->text) : cond->text);
      return;
    case SD_COND_COUNTRY:
      g_string_append_printf (out, WORDS (people, N_("country is %s")), cond->text);
      return;
    case SD_COND_IN_SEGMENT:
      g_string_append_printf (out, WORDS (people, N_("in audience %s")), cond->text);
      return;
    case SD_COND_RECENCY_DAYS:
      g_string_append_printf (out, WORDS (people, N_("last order %s %g days ago")), op, cond->number);
      return;
    case SD_COND_ORDER_COUNT:
      g_string_append_printf (out, WORDS (people, N_("orders %s %g")), op, cond->number);
      return;
    case SD_COND_LIFETIME_SPEND:
      g_string_append_printf (out, WORDS (people, N_("spent %s %s")), op, amount);
      return;
    case SD_COND_AVERAGE_ORDER:
      g_string_append_printf (out, WORDS (people, N_("average order %s %s")), op, amount);
      return;
    case SD_COND_FIRST_ORDER:
      g_string_append (out, WORDS (people, N_("first order")));
      return;
    case SD_COND_PREDICTED_INTEREST:
      if (cond->rank > 0)
        g_string_append_printf (out, WORDS (people, N_("%s in their top %d by %s")), cond->text, cond->rank, cond->model);
      else
        g_string_append_printf (out, WORDS (people, N_("interest in %s %s %.2f by %s")), cond->text, op, cond->number,
                                cond->model);
      return;
    case SD_COND_CART_SUBTOTAL:
      g_string_append_printf (out, WORDS (people, N_("cart %s %s")), op, amount);
      return;
    case SD_COND_CART_ITEMS:
      g_string_append_printf (out, WORDS (people, N_("items in cart %s %g")), op, cond->number);
      return;
    case SD_COND_CART_PRODUCT:
    case SD_COND_CART_CATEGORY:
      g_string_append_printf (out, WORDS (people, N_("cart has %s")), cond->text);
      return;
    case SD_COND_CART_TAG:
      g_string_append_printf (out, WORDS (people, N_("cart has tag %s")), cond->text);
      return;
    case SD_COND_BOUGHT_CATEGORY:
      g_string_append_printf (out, WORDS (people, N_("has bought %s")), cond->text);
      return;
    case SD_COND_REVIEWS_GIVEN:
      g_string_append_printf (out, WORDS (people, N_("reviews %s %g")), op, cond->number);
      return;
    default:
      return;
    }
}

static char *
describe (const SdCouponRule *rule,
          gboolean            people,
          const char         *currency)
{
  GString *out = g_string_new (NULL);
  const SdAction *a = &rule->action;

  switch (a->kind)
    {
    case SD_ACTION_PERCENT_OFF:
      g_string_append_printf (out, WORDS (people, N_("%g %% off")), a->percent);
      if (a->cap_cents)
        {
          g_autofree char *cap = money (a->cap_cents, people, currency);
          g_string_append_printf (out, WORDS (people, N_(" (max %s)")), cap);
        }
      break;
    case SD_ACTION_FIXED_OFF:
      {
        g_autofree char *amount = money (a->amount_cents, people, currency);
        g_string_append_printf (out, WORDS (people, N_("%s off")), amount);
      }
      break;
    case SD_ACTION_FREE_SHIPPING:
      g_string_append (out, WORDS (people, N_("free shipping")));
      break;
    case SD_ACTION_BUY_X_GET_Y:
      g_string_append_printf (out, WORDS (people, N_("buy %d get %d free (%s)")), a->buy_x, a->get_y, a->target);
      break;
    case SD_ACTION_TIERED:
      g_string_append (out, WORDS (people, N_("tiered")));
      for (guint i = 0; a->tiers && i < a->tiers->len; i++)
        {
          const SdTier *t = &g_array_index (a->tiers, SdTier, i);
          g_autofree char *from = money (t->min_subtotal_cents, people, currency);
          /* TRANSLATORS: one tier of a tiered discount, after "tiered" or a comma: " 5 % from 50.00" */
          g_string_append_printf (out, WORDS (people, N_("%s %g %% from %s")),
                                  i ? WORDS (people, N_(",")) : "", t->percent, from);
        }
      break;
    default:
      break;
    }
  /* The reward and the conditions always meet at " — ": callers split there. */
  g_string_append (out, " — ");
  describe_condition (out, rule->conditions, TRUE, people, currency);
  return g_string_free (out, FALSE);
}

char *
sd_condition_describe_for_people (const SdCondition *cond,
                                  const char        *currency)
{
  GString *out = g_string_new (NULL);

  describe_condition (out, cond, TRUE, TRUE, currency);
  return g_string_free (out, FALSE);
}

char *
sd_coupon_rule_describe (const SdCouponRule *rule)
{
  return describe (rule, FALSE, NULL);
}

char *
sd_coupon_rule_describe_for_people (const SdCouponRule *rule,
                                    const char         *currency)
{
  return describe (rule, TRUE, currency);
}
