/* sd-coupons-page.c — coupon rules: list, editor, live preview of reach and cost, history
 *
 * Loading every customer's facts takes longer than a frame on a large shop, so it runs
 * in an SdJob on its own connection. Each edit is previewed in a GTask thread against
 * those facts (read-only, shared through a reference-counted box), debounced and
 * cancelled by the next edit, so typing never waits for a million customers.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sd-columns.h"
#include "sd-condition-row.h"
#include "sd-coupon-engine.h"
#include "sd-coupon-interest.h"
#include "sd-coupon-store.h"
#include "sd-audience.h"
#include "sd-coupon-usage.h"
#include "sd-coupons-page.h"
#include "sd-shop-summary.h"
#include "sd-shop-values.h"
#include "sd-csv.h"
#include "sd-customer-facts.h"
#include "sd-error.h"
#include "sd-format.h"
#include "sd-interval-bar.h"
#include "sd-job.h"
#include "sd-page-host.h"
#include "sd-list-rows.h"

#define PREVIEW_DELAY_MS 120

/* The facts, shared read-only between the page and preview threads. */
typedef struct {
  SdCustomerFacts *facts;
  SdInterest      *interest;   /* predicted interest from the shop's models, for the facts */
} FactsBox;

static void
facts_box_clear (gpointer data)
{
  FactsBox *box = data;

  g_clear_pointer (&box->interest, sd_interest_free);
  g_clear_pointer (&box->facts, sd_customer_facts_free);
}

static FactsBox *
facts_box_ref (FactsBox *box)
{
  return g_atomic_rc_box_acquire (box);
}

static void
facts_box_unref (FactsBox *box)
{
  g_atomic_rc_box_release_full (box, facts_box_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FactsBox, facts_box_unref)

struct _SdCouponsPage
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_page;
  GtkListBox      *rules_list;
  AdwEntryRow     *name_row;
  GtkSwitch       *enabled_switch;
  GtkSpinButton   *priority_spin;
  GtkSwitch       *stop_switch;
  AdwEntryRow     *starts_row;
  AdwEntryRow     *ends_row;
  GtkDropDown     *match_drop;
  GtkListBox      *conditions_list;
  AdwComboRow     *action_row;
  AdwEntryRow     *percent_row;
  AdwEntryRow     *cap_row;
  AdwEntryRow     *amount_row;
  AdwEntryRow     *buy_row;
  AdwEntryRow     *get_row;
  AdwEntryRow     *target_row;
  AdwEntryRow     *tiers_row;
  AdwEntryRow     *per_customer_row;
  AdwEntryRow     *total_uses_row;
  AdwEntryRow     *budget_row;
  GtkLabel        *problem_label;
  GtkButton       *delete_button;
  GtkLabel        *off_label;
  GtkLabel        *reach_heading;
  GtkLabel        *cost_heading;
  GtkLabel        *reach_label;
  GtkLabel        *reach_delta_label;
  GtkLabel        *cost_label;
  GtkWidget       *customers_button;
  GtkLabel        *cost_delta_label;
  GtkLabel        *budget_label;
  GtkLabel        *actual_label;
  GPtrArray       *usage;         /* SdCouponUsage: how the shop's codes were really used */
  GtkListBox      *overlap_list;
  GtkDropDown     *split_dropdown;
  GtkGrid         *split_grid;
  GArray          *split[2];        /* SdRuleSplitRow by country, by segment: the edited rule's */
  GtkListBox      *history_list;

  SdStore         *store;
  SdJob           *load_job;     /* the rules */
  SdJob           *values_job;   /* the shop's values, for the conditions */
  SdJob           *facts_job;    /* every customer's facts and the rules' reach */
  gboolean         stale;        /* the shop changed while the page was hidden */
  GtkSpinner      *facts_spinner;
  FactsBox        *facts;
  SdCouponPreview *all;          /* saved rules over all customers */
  GPtrArray       *rules;        /* SdCouponRule *, saved versions, by id */
  SdCouponRule    *saved;        /* the editor's rule as saved; NULL for a new one */
  gboolean         filling;      /* the editor is being filled: not an edit */
  gboolean         valid;        /* the editor holds a rule that can be saved */

  GCancellable    *preview_cancellable;
  guint            preview_source;
  SdRulePreview   *edit_preview;
  int              reach;

  SdShopValues    *values;       /* the shop's countries, segments, …: suggestions and checks */
  GtkWidget       *money_labels[3];   /* the currency beside cap, amount and budget */
  char            *currency;          /* the open shop's, for its money figures */
  char            *baseline;     /* the editor as filled: unlike it means unsaved changes */
  gboolean         dirty;
  gint64           pending_id;   /* the rule chosen while edits were not saved (0: a new one) */
};

G_DEFINE_FINAL_TYPE (SdCouponsPage, sd_coupons_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_preview (SdCouponsPage *self);
static void reload (SdCouponsPage *self);

/* ---------------------------------------------------------------- small helpers */

static void
toast (SdCouponsPage *self,
       const char    *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (SD_IS_PAGE_HOST (root))
    sd_page_host_toast (GTK_WIDGET (self), message);
}

static char *
money_text (SdCouponsPage *self,
            gint64         cents)
{
  return sd_format_money (cents, self->currency);
}

static const char *
entry_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

static void
set_entry_money (AdwEntryRow *row,
                 gint64       cents)
{
  g_autofree char *s = cents ? sd_format_decimal (cents / 100.0, 2) : g_strdup ("");
  set_entry (row, s);
}

static void
set_entry_int (AdwEntryRow *row,
               gint64       n)
{
  g_autofree char *s = n ? g_strdup_printf ("%" G_GINT64_FORMAT, n) : g_strdup ("");
  set_entry (row, s);
}

static void
set_entry_date (AdwEntryRow *row,
                gint64       unix_seconds)
{
  g_autoptr(GDateTime) dt = unix_seconds ? g_date_time_new_from_unix_utc (unix_seconds) : NULL;
  g_autofree char *s = dt ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("");
  set_entry (row, s);
}

/* Reads an amount, a count or a percent; empty reads as 0. Marks the row on failure. */
static gboolean
read_number (AdwEntryRow *row,
             gboolean     money,
             double       max,
             double      *out,
             GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (entry_text (row)));
  double x;

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  if (*text == '\0')
    {
      *out = 0;
      return TRUE;
    }
  /* As the user's locale writes numbers ("12,50" in German), or in English. */
  if (!sd_format_parse_decimal (text, &x) || x < 0 || x > max)
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("“%s”: enter a number from 0 to %g"), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), max);
      return FALSE;
    }
  *out = money ? round (x * 100.0) : x;
  return TRUE;
}

static gboolean
read_date (AdwEntryRow *row,
           gboolean     end_of_day,
           gint64      *out,
           GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (entry_text (row)));
  int y, m, d;
  char extra;

  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  *out = 0;
  if (*text == '\0')
    return TRUE;
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 && g_date_valid_dmy (d, m, y))
    {
      g_autoptr(GDateTime) dt = g_date_time_new_utc (y, m, d, 0, 0, 0);
      *out = g_date_time_to_unix (dt) + (end_of_day ? 86400 : 0);
      return TRUE;
    }
  gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
               _("“%s” is not a date: write it as 2025-03-31"), text);
  return FALSE;
}

/* ---------------------------------------------------------------- unsaved changes */

/* Everything the editor holds, as text: unlike the baseline means unsaved changes. */
static char *
editor_snapshot (SdCouponsPage *self)
{
  GString *s = g_string_new (NULL);
  AdwEntryRow *entries[] = { self->name_row, self->starts_row, self->ends_row, self->percent_row,
                             self->cap_row, self->amount_row, self->buy_row, self->get_row,
                             self->target_row, self->tiers_row, self->per_customer_row,
                             self->total_uses_row, self->budget_row };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_string_append_printf (s, "%s\x1f", entry_text (entries[i]));
  g_string_append_printf (s, "%d%d%d|%u|%u\x1f", gtk_switch_get_active (self->enabled_switch),
                          gtk_switch_get_active (self->stop_switch),
                          gtk_spin_button_get_value_as_int (self->priority_spin),
                          gtk_drop_down_get_selected (self->match_drop),
                          adw_combo_row_get_selected (self->action_row));
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->conditions_list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (SD_IS_CONDITION_ROW (row))
      {
        g_autofree char *cond = sd_condition_row_snapshot (SD_CONDITION_ROW (row));
        g_string_append_printf (s, "%s\x1f", cond);
      }
  return g_string_free (s, FALSE);
}

static GtkListBoxRow *
row_of_rule (SdCouponsPage *self,
             gint64         id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->rules_list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && id != 0 &&
        (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "rule-id")) == id)
      return GTK_LIST_BOX_ROW (row);
  return NULL;
}

/* The edited rule's row says "•" while its edits are not saved. */
static void
update_dirty (SdCouponsPage *self)
{
  g_autofree char *now = editor_snapshot (self);
  GtkListBoxRow *row = row_of_rule (self, self->saved ? self->saved->id : 0);

  self->dirty = g_strcmp0 (now, self->baseline) != 0;
  if (row)
    {
      GtkWidget *mark = g_object_get_data (G_OBJECT (row), "unsaved-mark");
      gtk_widget_set_visible (mark, self->dirty);
    }
}

static void
set_baseline (SdCouponsPage *self)
{
  g_free (self->baseline);
  self->baseline = editor_snapshot (self);
  update_dirty (self);
}

gboolean
sd_coupons_page_has_unsaved_changes (SdCouponsPage *self)
{
  g_return_val_if_fail (SD_IS_COUPONS_PAGE (self), FALSE);
  return self->dirty;
}

/* ---------------------------------------------------------------- editor ↔ rule */

static void
update_action_rows (SdCouponsPage *self)
{
  SdActionKind kind = adw_combo_row_get_selected (self->action_row);

  gtk_widget_set_visible (GTK_WIDGET (self->percent_row), kind == SD_ACTION_PERCENT_OFF);
  gtk_widget_set_visible (GTK_WIDGET (self->cap_row), kind == SD_ACTION_PERCENT_OFF);
  gtk_widget_set_visible (GTK_WIDGET (self->amount_row), kind == SD_ACTION_FIXED_OFF);
  gtk_widget_set_visible (GTK_WIDGET (self->buy_row), kind == SD_ACTION_BUY_X_GET_Y);
  gtk_widget_set_visible (GTK_WIDGET (self->get_row), kind == SD_ACTION_BUY_X_GET_Y);
  gtk_widget_set_visible (GTK_WIDGET (self->target_row), kind == SD_ACTION_BUY_X_GET_Y);
  gtk_widget_set_visible (GTK_WIDGET (self->tiers_row), kind == SD_ACTION_TIERED);
}

static void
editor_changed_cb (SdCouponsPage *self)
{
  if (self->filling)
    return;
  update_action_rows (self);
  update_dirty (self);
  schedule_preview (self);
}

static void remove_condition_cb (SdCouponsPage *self, SdConditionRow *row);

static void
add_condition_row (SdCouponsPage     *self,
                   const SdCondition *cond)
{
  GtkWidget *row = sd_condition_row_new (cond);
  g_autoptr(GPtrArray) audiences = self->store ? sd_audience_list (self->store, NULL) : NULL;

  sd_condition_row_set_shop (SD_CONDITION_ROW (row), self->values, self->currency);
  /* Saved audiences (a small table) as the "In audience" condition's suggestions. */
  if (audiences && audiences->len > 0)
    {
      g_autoptr(GStrvBuilder) names = g_strv_builder_new ();
      g_auto(GStrv) list = NULL;
      for (guint i = 0; i < audiences->len; i++)
        g_strv_builder_add (names, ((SdAudience *) g_ptr_array_index (audiences, i))->name);
      list = g_strv_builder_end (names);
      sd_condition_row_set_audiences (SD_CONDITION_ROW (row), (const char * const *) list);
    }
  g_signal_connect_swapped (row, "changed", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect_swapped (row, "remove", G_CALLBACK (remove_condition_cb), self);
  gtk_list_box_append (self->conditions_list, row);
}

static void
remove_condition_cb (SdCouponsPage  *self,
                     SdConditionRow *row)
{
  gtk_list_box_remove (self->conditions_list, GTK_WIDGET (row));
  editor_changed_cb (self);
}

static void
fill_editor (SdCouponsPage      *self,
             const SdCouponRule *rule)
{
  const SdAction *a = &rule->action;
  const SdCondition *top = rule->conditions;
  g_autoptr(GString) tiers = g_string_new (NULL);

  self->filling = TRUE;
  set_entry (self->name_row, rule->name);
  gtk_switch_set_active (self->enabled_switch, rule->enabled);
  gtk_spin_button_set_value (self->priority_spin, rule->priority);
  gtk_switch_set_active (self->stop_switch, rule->stop_further);
  set_entry_date (self->starts_row, rule->starts_at);
  /* The end is stored as the first second after the last day. */
  set_entry_date (self->ends_row, rule->ends_at ? rule->ends_at - 86400 : 0);

  gtk_drop_down_set_selected (self->match_drop, top->kind == SD_COND_ANY ? 1 : 0);
  sd_list_box_remove_all (self->conditions_list);
  if (top->kind == SD_COND_NOT)
    add_condition_row (self, top);
  else
    for (guint i = 0; i < top->children->len; i++)
      add_condition_row (self, g_ptr_array_index (top->children, i));

  adw_combo_row_set_selected (self->action_row, a->kind);
  {
    g_autofree char *percent = a->percent ? g_strdup_printf ("%g", a->percent) : g_strdup ("");
    set_entry (self->percent_row, percent);
  }
  set_entry_money (self->cap_row, a->cap_cents);
  set_entry_money (self->amount_row, a->amount_cents);
  set_entry_int (self->buy_row, a->buy_x);
  set_entry_int (self->get_row, a->get_y);
  set_entry (self->target_row, a->target);
  for (guint i = 0; a->tiers && i < a->tiers->len; i++)
    {
      const SdTier *t = &g_array_index (a->tiers, SdTier, i);
      g_autofree char *from = sd_format_decimal (t->min_subtotal_cents / 100.0, 2);
      g_autofree char *percent = sd_format_decimal (t->percent, t->percent == floor (t->percent) ? 0 : 2);
      /* Semicolons between tiers: a comma may be the decimal mark. */
      g_string_append_printf (tiers, "%s%s: %s", i ? "; " : "", from, percent);
    }
  set_entry (self->tiers_row, tiers->str);
  set_entry_int (self->per_customer_row, rule->uses_per_customer);
  set_entry_int (self->total_uses_row, rule->total_uses);
  set_entry_money (self->budget_row, rule->budget_cents);

  gtk_widget_set_sensitive (GTK_WIDGET (self->delete_button), rule->id != 0);
  update_action_rows (self);
  self->filling = FALSE;
}

static gboolean
read_tiers (SdCouponsPage  *self,
            GArray        **out,
            GError        **error)
{
  /* Tiers are separated by semicolons (what the editor writes), or by commas in text typed
   * the English way when there is no semicolon. */
  const char *text = entry_text (self->tiers_row);
  g_auto(GStrv) parts = g_strsplit (text, strchr (text, ';') ? ";" : ",", -1);
  g_autoptr(GArray) tiers = g_array_new (FALSE, FALSE, sizeof (SdTier));

  gtk_widget_remove_css_class (GTK_WIDGET (self->tiers_row), "error");
  for (guint i = 0; parts[i]; i++)
    {
      SdTier tier;
      double from, percent;
      char *colon = strchr (parts[i], ':');

      if (*g_strstrip (parts[i]) == '\0')
        continue;
      if (colon == NULL)
        goto bad;
      *colon = '\0';
      if (!sd_format_parse_decimal (g_strstrip (parts[i]), &from) ||
          !sd_format_parse_decimal (g_strstrip (colon + 1), &percent))
        goto bad;
      tier.min_subtotal_cents = (gint64) round (from * 100);
      tier.percent = percent;
      g_array_append_val (tiers, tier);
    }
  *out = g_steal_pointer (&tiers);
  return TRUE;

bad:
  gtk_widget_add_css_class (GTK_WIDGET (self->tiers_row), "error");
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
               _("Tiers: write each as “from amount: percent”, separated by semicolons, e.g. 20: 5; 60: 10"));
  return FALSE;
}

/* The rule as the editor shows it, or NULL with @error naming the field at fault. */
static SdCouponRule *
build_rule (SdCouponsPage  *self,
            GError        **error)
{
  g_autoptr(SdCouponRule) rule = sd_coupon_rule_new (NULL);
  SdAction *a = &rule->action;
  double x;
  GtkWidget *child;

  rule->id = self->saved ? self->saved->id : 0;
  rule->name = g_strstrip (g_strdup (entry_text (self->name_row)));
  rule->enabled = gtk_switch_get_active (self->enabled_switch);
  rule->priority = gtk_spin_button_get_value_as_int (self->priority_spin);
  rule->stop_further = gtk_switch_get_active (self->stop_switch);
  if (!read_date (self->starts_row, FALSE, &rule->starts_at, error) ||
      !read_date (self->ends_row, TRUE, &rule->ends_at, error))
    return NULL;

  sd_condition_free (rule->conditions);
  rule->conditions = sd_condition_new (gtk_drop_down_get_selected (self->match_drop) == 1 ? SD_COND_ANY : SD_COND_ALL);
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->conditions_list)); child;
       child = gtk_widget_get_next_sibling (child))
    {
      SdCondition *cond;
      if (!SD_IS_CONDITION_ROW (child))
        continue;
      if (!(cond = sd_condition_row_build (SD_CONDITION_ROW (child), error)))
        return NULL;
      sd_condition_add (rule->conditions, cond);
    }

  a->kind = adw_combo_row_get_selected (self->action_row);
  a->percent = 0;
  switch (a->kind)
    {
    case SD_ACTION_PERCENT_OFF:
      if (!read_number (self->percent_row, FALSE, 100, &a->percent, error) ||
          !read_number (self->cap_row, TRUE, 1e9, &x, error))
        return NULL;
      a->cap_cents = (gint64) x;
      break;
    case SD_ACTION_FIXED_OFF:
      if (!read_number (self->amount_row, TRUE, 1e9, &x, error))
        return NULL;
      a->amount_cents = (gint64) x;
      break;
    case SD_ACTION_BUY_X_GET_Y:
      if (!read_number (self->buy_row, FALSE, 100, &x, error))
        return NULL;
      a->buy_x = (int) x;
      if (!read_number (self->get_row, FALSE, 100, &x, error))
        return NULL;
      a->get_y = (int) x;
      a->target = g_strstrip (g_strdup (entry_text (self->target_row)));
      break;
    case SD_ACTION_TIERED:
      if (!read_tiers (self, &a->tiers, error))
        return NULL;
      break;
    default:
      break;
    }

  if (!read_number (self->per_customer_row, FALSE, 1e6, &x, error))
    return NULL;
  rule->uses_per_customer = (int) x;
  if (!read_number (self->total_uses_row, FALSE, 1e9, &x, error))
    return NULL;
  rule->total_uses = (int) x;
  if (!read_number (self->budget_row, TRUE, 1e11, &x, error))
    return NULL;
  rule->budget_cents = (gint64) x;

  if (!sd_coupon_rule_validate (rule, sd_coupon_store_model_exists, self->store, error))
    return NULL;
  return g_steal_pointer (&rule);
}

/* ---------------------------------------------------------------- preview */

typedef struct {
  FactsBox     *facts;
  SdCouponRule *edited;
  SdCouponRule *saved;    /* may be NULL */
  char         *currency; /* the shop's, for the amounts the engine writes */
  SdRulePreview *edited_preview;
  SdRulePreview *saved_preview;
  GArray        *split[2];
} PreviewWork;

static void
preview_work_free (PreviewWork *work)
{
  facts_box_unref (work->facts);
  sd_coupon_rule_free (work->edited);
  sd_coupon_rule_free (work->saved);
  g_free (work->currency);
  sd_rule_preview_free (work->edited_preview);
  sd_rule_preview_free (work->saved_preview);
  g_clear_pointer (&work->split[0], g_array_unref);
  g_clear_pointer (&work->split[1], g_array_unref);
  g_free (work);
}

static void
preview_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PreviewWork *work = task_data;
  g_autoptr(SdCouponEngine) engine = sd_coupon_engine_new (work->facts->facts);

  sd_coupon_engine_set_interest (engine, sd_interest_lookup, work->facts->interest, NULL);
  sd_coupon_engine_set_currency (engine, work->currency);
  work->edited_preview = sd_coupon_engine_preview_rule (engine, work->edited);
  /* Who it reaches, by country and by segment: does it favour or leave out a group? */
  work->split[0] = sd_coupon_engine_split (engine, work->edited, work->edited_preview, SD_RULE_SPLIT_COUNTRY);
  work->split[1] = sd_coupon_engine_split (engine, work->edited, work->edited_preview, SD_RULE_SPLIT_SEGMENT);
  if (work->saved && !g_cancellable_is_cancelled (cancellable))
    work->saved_preview = sd_coupon_engine_preview_rule (engine, work->saved);
  g_task_return_boolean (task, TRUE);
}

static GtkWidget *
overlap_row (const char *name,
             guint       both,
             guint       reach)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *count = sd_format_count (both);
  g_autofree char *subtitle = reach ? g_strdup_printf (_("%.0f %% of this rule's customers"), 100.0 * both / reach)
                                    : g_strdup ("");
  GtkWidget *label = gtk_label_new (count);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

/* Who a rule reaches can be listed once the customers are read and the rule previewed. */
static void
update_show_customers (SdCouponsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "coupons.show-customers",
                                 self->facts != NULL && self->edit_preview != NULL);
}

/* What the rule's coupon code really did, from the orders that used it (imported or
 * synced), beside the prediction above it. */
static void
show_actual (SdCouponsPage      *self,
             const SdCouponRule *rule)
{
  const SdCouponUsage *u = sd_coupon_usage_for_rule (self->usage, rule->name);
  g_autofree char *customers = NULL, *money = NULL, *first = NULL, *last = NULL, *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->actual_label), u != NULL);
  if (u == NULL)
    return;
  g_autoptr(GDateTime) first_day = g_date_time_new_from_unix_local (u->first_at);
  g_autoptr(GDateTime) last_day = g_date_time_new_from_unix_local (u->last_at);

  customers = sd_format_count (u->customers);
  money = money_text (self, u->discount_cents);
  first = g_date_time_format (first_day, "%x");
  last = g_date_time_format (last_day, "%x");
  text = g_strdup_printf (_("Actual use of code “%s”: %s customers reached, %s given, from %s to %s"),
                          u->code, customers, money, first, last);
  gtk_label_set_text (self->actual_label, text);
}

/* The groups a rule reaches: the biggest groups, each with the share of its customers the
 * rule reaches (the bar; the line marks the share over all customers) and the value it
 * gives them. */
#define SPLIT_ROWS 8

static void
show_split (SdCouponsPage *self)
{
  guint by = gtk_drop_down_get_selected (self->split_dropdown);
  GArray *rows = by < 2 ? self->split[by] : NULL;
  GtkWidget *child;
  guint total = 0, reached = 0;
  double max = 0, overall;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->split_grid))))
    gtk_grid_remove (self->split_grid, child);
  if (!rows || rows->len == 0)
    {
      GtkWidget *none = gtk_label_new (_("No preview yet"));
      gtk_widget_add_css_class (none, "dim-label");
      gtk_grid_attach (self->split_grid, none, 0, 0, 1, 1);
      return;
    }
  for (guint r = 0; r < rows->len; r++)
    {
      const SdRuleSplitRow *row = &g_array_index (rows, SdRuleSplitRow, r);
      total += row->customers;
      reached += row->reached;
      max = MAX (max, row->reach_rate);
    }
  overall = total ? (double) reached / total : 0;
  for (guint r = 0; r < MIN (rows->len, SPLIT_ROWS); r++)
    {
      const SdRuleSplitRow *row = &g_array_index (rows, SdRuleSplitRow, r);
      /* by country (0), the country named in the user's language */
      const char *name = !*row->label ? _("None given") : by == 0 ? sd_format_country (row->label) : row->label;
      g_autofree char *rate = g_strdup_printf (_("%.0f %%"), 100 * row->reach_rate);
      g_autofree char *value = sd_format_money_short (row->value_cents, self->currency);
      g_autofree char *count = sd_format_count (row->customers);
      g_autofree char *reach = sd_format_count (row->reached);
      /* TRANSLATORS: a group's line of a coupon rule's reach: "France: 12 of 40 customers, £35 expected" */
      g_autofree char *tip = g_strdup_printf (_("%s: %s of %s customers, %s expected (%.0f %% of the rule’s value)"),
                                              name, reach, count, value, 100 * row->value_share);
      GtkWidget *label = gtk_label_new (name);
      GtkWidget *bar = sd_interval_bar_new (row->reach_rate, NAN, NAN, overall, max > 0 ? max * 1.05 : 1.0);
      GtkWidget *rate_label = gtk_label_new (rate);
      GtkWidget *value_label = gtk_label_new (value);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_width_chars (GTK_LABEL (label), 13);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 16);   /* "United Kingdom", "Channel Islands" */
      gtk_widget_set_hexpand (bar, TRUE);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (rate_label), 1);
      gtk_label_set_xalign (GTK_LABEL (value_label), 1);
      gtk_widget_add_css_class (rate_label, "numeric");
      gtk_widget_add_css_class (value_label, "numeric");
      gtk_widget_add_css_class (value_label, "dim-label");
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
      {
        GtkWidget *cells[] = { label, bar, rate_label, value_label };
        for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
          {
            gtk_widget_set_tooltip_text (cells[c], tip);
            gtk_grid_attach (self->split_grid, cells[c], (int) c, (int) r, 1, 1);
          }
      }
    }
}

static void
split_selected_cb (SdCouponsPage *self)
{
  show_split (self);
}

/* A rule that is off gives nobody anything, yet the merchandiser previews it before
 * switching it on: the card then says the figures are what it would do once on, and how. */
static void
show_off_note (SdCouponsPage *self,
               gboolean       enabled)
{
  gtk_widget_set_visible (GTK_WIDGET (self->off_label), !enabled);
  gtk_label_set_text (self->off_label,
                      enabled ? "" : _("Off: nobody gets this coupon yet. Switch on Enabled and save to start it."));
  gtk_label_set_text (self->reach_heading, enabled ? _("Customers Reached") : _("Would Reach Once On"));
  gtk_label_set_text (self->cost_heading, enabled ? _("Estimated Cost") : _("Would Cost Once On"));
}

static void
show_preview (SdCouponsPage *self,
              PreviewWork   *work)
{
  SdRulePreview *p = work->edited_preview;
  SdCustomerFacts *facts = work->facts->facts;
  g_autofree char *reach = sd_format_count (p->customers);
  g_autofree char *cost = money_text (self, p->estimated_cost_cents);
  guint words = (facts->n_customers + 63) / 64;

  self->reach = p->customers;
  gtk_label_set_text (self->reach_label, reach);
  gtk_label_set_text (self->cost_label, cost);
  show_off_note (self, work->edited->enabled);

  if (work->saved_preview)
    {
      guint gained, lost;
      gint64 dcost = p->estimated_cost_cents - work->saved_preview->estimated_cost_cents;
      g_autofree char *dmoney = money_text (self, ABS (dcost));
      g_autofree char *dcost_text = NULL;
      g_autofree char *delta = NULL;

      sd_rule_preview_diff (work->saved_preview, p, facts->n_customers, &gained, &lost);
      delta = gained || lost
              ? g_strdup_printf (_("+%u gained, −%u lost against the saved rule"), gained, lost)
              : g_strdup (_("The same customers as the saved rule"));
      dcost_text = dcost == 0 ? g_strdup (_("No change against the saved rule"))
                   : g_strdup_printf (dcost > 0 ? _("%s more than the saved rule") : _("%s less than the saved rule"), dmoney);
      gtk_label_set_text (self->reach_delta_label, delta);
      gtk_label_set_text (self->cost_delta_label, dcost_text);
    }
  else
    {
      g_autofree char *count = sd_format_count (facts->n_customers);
      g_autofree char *of = g_strdup_printf (_("of %s customers — a new rule"), count);
      gtk_label_set_text (self->reach_delta_label, of);
      gtk_label_set_text (self->cost_delta_label, "");
    }

  if (p->budget_left_cents >= 0)
    {
      g_autofree char *left = money_text (self, p->budget_left_cents);
      g_autofree char *text = g_strdup_printf (_("Budget left after the estimate: %s"), left);
      gtk_label_set_text (self->budget_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->budget_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->budget_label), FALSE);

  show_actual (self, work->edited);

  /* Overlap of the edited rule with every other saved rule. */
  sd_list_box_remove_all (self->overlap_list);
  for (guint r = 0; self->all && r < self->all->n_rules; r++)
    {
      const SdRulePreview *other = &self->all->rules[r];
      guint both = 0;

      if (other->rule_id == work->edited->id || other->reached == NULL)
        continue;
      for (guint w = 0; w < words; w++)
        both += __builtin_popcountll (other->reached[w] & p->reached[w]);
      gtk_list_box_append (self->overlap_list, overlap_row (other->name, both, p->customers));
    }
  if (gtk_widget_get_first_child (GTK_WIDGET (self->overlap_list)) == NULL)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No other rules"));
      gtk_list_box_append (self->overlap_list, row);
    }

  g_clear_pointer (&self->edit_preview, sd_rule_preview_free);
  self->edit_preview = g_steal_pointer (&work->edited_preview);
  update_show_customers (self);
  for (guint b = 0; b < 2; b++)
    {
      g_clear_pointer (&self->split[b], g_array_unref);
      self->split[b] = g_steal_pointer (&work->split[b]);
    }
  show_split (self);
}

/* A rule that cannot be previewed yet (a new one, or a condition without its value) shows
 * no figures at all: never the previous rule's reach and cost beside the edit. */
static void
clear_preview (SdCouponsPage *self,
               const char    *why)
{
  GtkWidget *row = adw_action_row_new ();

  self->reach = -1;
  gtk_label_set_text (self->reach_label, "—");
  gtk_label_set_text (self->cost_label, "—");
  show_off_note (self, gtk_switch_get_active (self->enabled_switch));
  gtk_label_set_text (self->reach_delta_label, why);
  gtk_label_set_text (self->cost_delta_label, "");
  gtk_widget_set_visible (GTK_WIDGET (self->budget_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->actual_label), FALSE);
  sd_list_box_remove_all (self->overlap_list);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No preview yet"));
  gtk_list_box_append (self->overlap_list, row);
  g_clear_pointer (&self->edit_preview, sd_rule_preview_free);
  update_show_customers (self);
  g_clear_pointer (&self->split[0], g_array_unref);
  g_clear_pointer (&self->split[1], g_array_unref);
  show_split (self);
}

static void
preview_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SdCouponsPage) self = user_data;
  PreviewWork *work = g_task_get_task_data (G_TASK (result));

  if (g_task_had_error (G_TASK (result)) || g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    return;
  show_preview (self, work);
}

static gboolean
run_preview (gpointer user_data)
{
  SdCouponsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCouponRule) rule = NULL;
  g_autoptr(GTask) task = NULL;
  PreviewWork *work;

  self->preview_source = 0;
  g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);

  rule = build_rule (self, &error);
  self->valid = rule != NULL;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "coupons.save", self->valid);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), rule == NULL);
  if (rule == NULL)
    {
      /* While the rule is being written, what it still lacks is a hint, not an error:
       * the error style is for a save that fails. */
      gtk_label_set_text (self->problem_label, error->message);
      gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "dim-label");
      clear_preview (self, _("Complete the conditions to see who the rule reaches"));
      return G_SOURCE_REMOVE;
    }
  if (self->facts == NULL)
    {
      clear_preview (self, _("Reading the shop's customers…"));
      return G_SOURCE_REMOVE;
    }

  self->reach = -1;
  self->preview_cancellable = g_cancellable_new ();
  work = g_new0 (PreviewWork, 1);
  work->facts = facts_box_ref (self->facts);
  work->edited = g_steal_pointer (&rule);
  work->saved = self->saved ? sd_coupon_rule_copy (self->saved) : NULL;
  work->currency = g_strdup (self->currency);
  task = g_task_new (NULL, self->preview_cancellable, preview_done_cb, g_object_ref (self));
  g_task_set_name (task, "[shopdesk] coupon preview");
  g_task_set_task_data (task, work, (GDestroyNotify) preview_work_free);
  sd_job_run_task_in_thread (task, preview_thread);
  return G_SOURCE_REMOVE;
}

static void
schedule_preview (SdCouponsPage *self)
{
  /* A preview still running is of an older edit: its answer must not show. */
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  self->reach = -1;
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, run_preview, self);
}

/* ---------------------------------------------------------------- history */

static void
restore_clicked_cb (GtkButton     *button,
                    SdCouponsPage *self)
{
  g_autoptr(GError) error = NULL;
  int version = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "version"));
  gint64 id = self->saved ? self->saved->id : 0;
  g_autofree char *message = NULL;

  if (id == 0)
    return;
  if (!sd_coupon_rule_restore (self->store, id, version, &error))
    {
      gtk_label_set_text (self->problem_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
      return;
    }
  message = g_strdup_printf (_("Restored version %d as the newest version"), version);
  toast (self, message);
  reload (self);
  /* The offers on the Recommendations page and the chatbot's answers follow. */
  sd_store_notify_changed_detail (self->store, SD_STORE_CHANGED_COUPONS);
}

static void
fill_history (SdCouponsPage *self)
{
  g_autoptr(GPtrArray) history = NULL;

  sd_list_box_remove_all (self->history_list);
  if (self->saved == NULL || self->saved->id == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Not saved yet"));
      gtk_list_box_append (self->history_list, row);
      return;
    }
  if (!(history = sd_coupon_rule_history (self->store, self->saved->id, NULL)))
    return;

  for (guint i = 0; i < history->len; i++)
    {
      SdRuleVersion *v = g_ptr_array_index (history, i);
      GtkWidget *row = adw_expander_row_new ();
      g_autofree char *when = sd_format_time (v->saved_at);
      g_autofree char *title = g_strdup_printf (_("Version %d"), v->version);
      g_autofree char *diff = NULL;
      GtkWidget *label;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), when);
      if (i + 1 < history->len)
        {
          SdRuleVersion *older = g_ptr_array_index (history, i + 1);
          g_autoptr(SdCouponRule) a = sd_coupon_rule_from_json (older->json, NULL, NULL);
          g_autoptr(SdCouponRule) b = sd_coupon_rule_from_json (v->json, NULL, NULL);
          if (a && b)
            diff = sd_coupon_rule_diff (a, b);
        }
      label = gtk_label_new (diff && *diff ? g_strchomp (diff) : (i + 1 < history->len ? _("No change") : _("First version")));
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), label);

      if (i > 0)
        {
          GtkWidget *restore = gtk_button_new_with_label (_("Restore"));
          gtk_widget_set_valign (restore, GTK_ALIGN_CENTER);
          gtk_widget_add_css_class (restore, "flat");
          g_object_set_data (G_OBJECT (restore), "version", GINT_TO_POINTER (v->version));
          g_signal_connect (restore, "clicked", G_CALLBACK (restore_clicked_cb), self);
          adw_expander_row_add_action (ADW_EXPANDER_ROW (row), restore);
        }
      gtk_list_box_append (self->history_list, row);
    }
}

/* ---------------------------------------------------------------- the rule list */

static const SdRulePreview *
saved_preview_of (SdCouponsPage *self,
                  gint64         id)
{
  for (guint r = 0; self->all && r < self->all->n_rules; r++)
    if (self->all->rules[r].rule_id == id)
      return &self->all->rules[r];
  return NULL;
}

/* "On · 1,234 customers", or "On · —" while the reach is not known. */
static char *
rule_status (SdCouponsPage      *self,
             const SdCouponRule *rule)
{
  const SdRulePreview *p = saved_preview_of (self, rule->id);
  g_autofree char *count = p ? sd_format_count (p->customers) : NULL;
  g_autofree char *status = NULL;

  /* An off rule reaches nobody: its count is whom it would reach once on. */
  if (p && !rule->enabled)
    /* TRANSLATORS: a rule that is off, and the customers it would reach once switched on */
    return g_strdup_printf (_("Off · would reach %s"), count);
  status = g_strdup_printf ("%s · %s", rule->enabled ? _("On") : _("Off"), count ? count : "—");
  return p ? g_strdup_printf (_("%s customers"), status) : g_steal_pointer (&status);
}

static GtkWidget *
rule_row (SdCouponsPage      *self,
          const SdCouponRule *rule)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (rule->name);
  g_autofree char *status = rule_status (self, rule);
  GtkWidget *sub = gtk_label_new (status);

  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_widget_add_css_class (sub, "caption");
  gtk_widget_add_css_class (sub, "dim-label");
  if (!rule->enabled)
    gtk_widget_add_css_class (name, "dim-label");
  {
    GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
    GtkWidget *mark = gtk_label_new ("•");

    gtk_widget_set_tooltip_text (mark, _("Unsaved changes"));
    gtk_widget_add_css_class (mark, "accent");
    gtk_widget_set_visible (mark, FALSE);
    gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Unsaved changes"), -1);
    gtk_box_append (GTK_BOX (line), name);
    gtk_box_append (GTK_BOX (line), mark);
    g_object_set_data (G_OBJECT (row), "unsaved-mark", mark);
    name = line;
  }
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), sub);
  gtk_widget_set_margin_top (box, 3);
  gtk_widget_set_margin_bottom (box, 3);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "rule-id", GSIZE_TO_POINTER ((gsize) rule->id));
  g_object_set_data (G_OBJECT (row), "status-label", sub);
  return row;
}

static void
edit_rule (SdCouponsPage      *self,
           const SdCouponRule *rule)
{
  g_clear_pointer (&self->saved, sd_coupon_rule_free);
  if (rule->id != 0)
    self->saved = sd_coupon_rule_copy (rule);
  fill_editor (self, rule);
  set_baseline (self);
  fill_history (self);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
  self->reach = -1;
  schedule_preview (self);
}

static void rule_selected_cb (SdCouponsPage *self, GtkListBoxRow *row);

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SdCouponsPage    *self)
{
  GtkListBoxRow *target = self->pending_id ? row_of_rule (self, self->pending_id) : NULL;

  if (g_strcmp0 (response, "discard") == 0)
    {
      self->dirty = FALSE;
      if (target)
        {
          if (gtk_list_box_get_selected_row (self->rules_list) == target)
            rule_selected_cb (self, target);
          else
            gtk_list_box_select_row (self->rules_list, target);
        }
      else
        gtk_widget_activate_action (GTK_WIDGET (self), "coupons.new-rule", NULL);
    }
  g_object_unref (self);
}

/* Edits not saved yet are not thrown away by a click elsewhere: ask first. TRUE when the
 * question is asked (and @target, or a new rule for NULL, follows a "Discard"). */
static gboolean
ask_discard (SdCouponsPage *self,
             GtkListBoxRow *target)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog;
  g_autofree char *body = NULL;
  g_autofree char *name = g_strstrip (g_strdup (entry_text (self->name_row)));

  if (!self->dirty || !GTK_IS_WINDOW (root))
    return FALSE;
  /* TRANSLATORS: the rule's name; asked before another rule is opened */
  body = g_strdup_printf (_("The changes to “%s” are not saved. Discard them?"), *name ? name : _("New rule"));
  dialog = adw_message_dialog_new (GTK_WINDOW (root), _("Discard Changes?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Editing"),
                                    "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  self->pending_id = target ? (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (target), "rule-id")) : 0;
  g_signal_connect (dialog, "response", G_CALLBACK (discard_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

static void
rule_selected_cb (SdCouponsPage *self,
                  GtkListBoxRow *row)
{
  gint64 id;

  if (row == NULL || self->filling)
    return;
  id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "rule-id"));
  if (self->saved && self->saved->id == id && self->dirty)
    return;   /* the rule being edited, selected again */
  if (ask_discard (self, row))
    {
      /* The edited rule stays selected until the answer. */
      GtkListBoxRow *current = row_of_rule (self, self->saved ? self->saved->id : 0);
      self->filling = TRUE;
      if (current)
        gtk_list_box_select_row (self->rules_list, current);
      else
        gtk_list_box_unselect_all (self->rules_list);
      self->filling = FALSE;
      return;
    }
  for (guint i = 0; self->rules && i < self->rules->len; i++)
    {
      SdCouponRule *rule = g_ptr_array_index (self->rules, i);
      if (rule->id == id)
        {
          edit_rule (self, rule);
          return;
        }
    }
}

/* A new rule starts off, with a condition to fill in: a half-made rule never goes live
 * (with no condition it would reach every customer), and it cannot be saved until its
 * condition names someone. Switching it on is the merchandiser's own step. */
static SdCouponRule *
fresh_rule (SdCouponsPage *self)
{
  SdCouponRule *fresh = sd_coupon_rule_new (_("New rule"));
  /* A shop without segments starts with a condition it can fill in. */
  gboolean segments = self->values == NULL || sd_shop_values_get (self->values, SD_SHOP_VALUE_SEGMENT)->len > 0;

  fresh->enabled = FALSE;
  sd_condition_add (fresh->conditions, sd_condition_new (segments ? SD_COND_SEGMENT : SD_COND_COUNTRY));
  return fresh;
}

static void
fill_rules (SdCouponsPage *self,
            gint64         select_id)
{
  GtkListBoxRow *select = NULL;

  sd_list_box_remove_all (self->rules_list);
  for (guint i = 0; i < self->rules->len; i++)
    {
      SdCouponRule *rule = g_ptr_array_index (self->rules, i);
      GtkWidget *row = rule_row (self, rule);
      gtk_list_box_append (self->rules_list, row);
      if (rule->id == select_id || select == NULL)
        select = GTK_LIST_BOX_ROW (row);
    }
  if (select)
    gtk_list_box_select_row (self->rules_list, select);
  else
    {
      g_autoptr(SdCouponRule) fresh = fresh_rule (self);
      edit_rule (self, fresh);
    }
  update_dirty (self);
}

/* ---------------------------------------------------------------- loading */

/* Two jobs: the rules, what their codes did and the shop's values first (instant at any
 * size), so that the list and the editor show at once; then every customer's facts and the
 * rules' reach over them, which take seconds on a million customers, while the preview
 * says it is reading them. */
typedef struct {
  char            *db_path;
  SdShopValues    *values;
  SdCustomerFacts *facts;
  SdInterest      *interest;
  GPtrArray       *rules;
  SdCouponPreview *all;
  GPtrArray       *usage;
} LoadWork;

static void
load_work_free (LoadWork *work)
{
  g_free (work->db_path);
  g_clear_pointer (&work->values, sd_shop_values_unref);
  sd_interest_free (work->interest);
  sd_customer_facts_free (work->facts);
  g_clear_pointer (&work->rules, g_ptr_array_unref);
  g_clear_pointer (&work->usage, g_ptr_array_unref);
  sd_coupon_preview_free (work->all);
  g_free (work);
}

static gboolean
load_in_thread (SdJob         *job,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  LoadWork *work = data;
  g_autoptr(SdStore) store = sd_store_open (work->db_path, error);

  if (store == NULL)
    return FALSE;
  work->rules = sd_coupon_rules_load (store, error);
  work->usage = work->rules ? sd_coupon_usage_load (store, error) : NULL;
  return work->usage != NULL;
}

static gboolean
values_in_thread (SdJob         *job,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  LoadWork *work = data;
  g_autoptr(SdStore) store = sd_store_open (work->db_path, error);

  /* Enough of each for suggestions; a name beyond the cap is still checked as unknown. */
  if (store)
    work->values = sd_shop_values_load (store, 20000, cancellable, error);
  return work->values != NULL;
}

static gboolean
facts_in_thread (SdJob         *job,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  LoadWork *work = data;
  g_autoptr(SdStore) store = sd_store_open (work->db_path, error);
  g_autoptr(SdCouponEngine) engine = NULL;

  if (store == NULL)
    return FALSE;
  sd_job_set_progress (job, 0.1, _("Reading customers"));
  if (!(work->facts = sd_customer_facts_load (store, cancellable, error)) ||
      !(work->rules = sd_coupon_rules_load (store, error)))
    return FALSE;
  sd_job_set_progress (job, 0.7, _("Previewing the rules"));
  work->interest = sd_interest_new (work->db_path, work->facts);
  engine = sd_coupon_engine_new (work->facts);
  sd_coupon_engine_set_interest (engine, sd_interest_lookup, work->interest, NULL);
  {
    g_autofree char *currency = sd_shop_currency (store);
    sd_coupon_engine_set_currency (engine, currency);
  }
  for (guint i = 0; i < work->rules->len; i++)
    sd_coupon_engine_add_rule (engine, g_ptr_array_index (work->rules, i));
  work->all = sd_coupon_engine_preview (engine, cancellable, error);
  return work->all != NULL;
}

static void
show_load_error (SdCouponsPage *self,
                 GError        *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

static void
set_reading_facts (SdCouponsPage *self,
                   gboolean       reading)
{
  gtk_spinner_set_spinning (self->facts_spinner, reading);
  gtk_widget_set_visible (GTK_WIDGET (self->facts_spinner), reading);
  gtk_widget_set_visible (GTK_WIDGET (self->reach_label), !reading);
  update_show_customers (self);
}

/* The customer counts under the rules' names, once the reach is known. */
static void
update_rule_counts (SdCouponsPage *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->rules_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      gint64 id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "rule-id"));
      GtkLabel *sub = g_object_get_data (G_OBJECT (row), "status-label");
      g_autofree char *text = NULL;

      for (guint i = 0; sub && self->rules && i < self->rules->len; i++)
        {
          SdCouponRule *rule = g_ptr_array_index (self->rules, i);
          if (rule->id == id)
            {
              text = rule_status (self, rule);
              gtk_label_set_text (sub, text);
            }
        }
    }
}

/* Starts one of the page's loading jobs in @slot, replacing the one there. */
static void
start_load (SdCouponsPage       *self,
            SdJob              **slot,
            const char          *title,
            SdJobFunc            func,
            GAsyncReadyCallback  done)
{
  LoadWork *work = g_new0 (LoadWork, 1);

  if (*slot)
    sd_job_cancel (*slot);
  g_clear_object (slot);
  work->db_path = g_strdup (sd_store_get_path (self->store));
  *slot = sd_job_new (title, func, work, (GDestroyNotify) load_work_free);
  sd_job_run_async (*slot, done, g_object_ref (self));
}

static void
cancel_loads (SdCouponsPage *self)
{
  SdJob **slots[] = { &self->load_job, &self->values_job, &self->facts_job };

  for (guint i = 0; i < G_N_ELEMENTS (slots); i++)
    {
      if (*slots[i])
        sd_job_cancel (*slots[i]);
      g_clear_object (slots[i]);
    }
}

/* The work of a loading job that ended, or NULL when it was superseded, cancelled (nothing
 * to say) or failed (the error page says why). */
static LoadWork *
finish_load (SdCouponsPage  *self,
             SdJob         **slot,
             GObject        *object,
             GAsyncResult   *result)
{
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;

  if (job != *slot)
    return NULL;
  g_clear_object (slot);   /* the callback's reference keeps it until it returns */
  if (!sd_job_run_finish (job, result, &error))
    {
      show_load_error (self, error);
      return NULL;
    }
  return sd_job_get_data (job);
}

static void
facts_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SdCouponsPage) self = user_data;
  gboolean current = SD_JOB (object) == self->facts_job;
  LoadWork *work = finish_load (self, &self->facts_job, object, result);

  if (current)
    set_reading_facts (self, FALSE);
  if (work == NULL)
    return;

  g_clear_pointer (&self->facts, facts_box_unref);
  self->facts = g_atomic_rc_box_new0 (FactsBox);
  self->facts->facts = g_steal_pointer (&work->facts);
  self->facts->interest = g_steal_pointer (&work->interest);
  g_clear_pointer (&self->all, sd_coupon_preview_free);
  self->all = g_steal_pointer (&work->all);
  update_rule_counts (self);
  schedule_preview (self);
}

static void load_values (SdCouponsPage *self);

static void
load_facts (SdCouponsPage *self)
{
  if (self->facts == NULL)
    set_reading_facts (self, TRUE);
  start_load (self, &self->facts_job, _("Reading customers for the coupon previews"), facts_in_thread,
              facts_done_cb);
}

/* The shop's countries, segments, categories and products: the conditions' suggestions and
 * checks, given to the rows already there when they come. Then the customers. */
static void
values_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SdCouponsPage) self = user_data;
  LoadWork *work = finish_load (self, &self->values_job, object, result);

  if (work == NULL)
    return;
  g_clear_pointer (&self->values, sd_shop_values_unref);
  self->values = g_steal_pointer (&work->values);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->conditions_list)); row;
       row = gtk_widget_get_next_sibling (row))
    if (SD_IS_CONDITION_ROW (row))
      sd_condition_row_set_shop (SD_CONDITION_ROW (row), self->values, self->currency);
  /* A new rule shown before the values were known starts again with the condition this
   * shop can fill in (Country is, on a shop without segments), if it is still untouched. */
  if (self->saved == NULL && !self->dirty)
    {
      g_autoptr(SdCouponRule) fresh = fresh_rule (self);
      edit_rule (self, fresh);
    }
  if (self->store)
    load_facts (self);
}

static void
load_values (SdCouponsPage *self)
{
  start_load (self, &self->values_job, _("Reading the shop's countries, segments and products"),
              values_in_thread, values_done_cb);
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdCouponsPage) self = user_data;
  gboolean current = SD_JOB (object) == self->load_job;
  LoadWork *work = finish_load (self, &self->load_job, object, result);
  gint64 select_id = self->saved ? self->saved->id : 0;

  if (current)
    gtk_spinner_stop (self->spinner);
  if (work == NULL)
    return;

  g_clear_pointer (&self->rules, g_ptr_array_unref);
  self->rules = g_steal_pointer (&work->rules);
  g_clear_pointer (&self->usage, g_ptr_array_unref);
  self->usage = g_steal_pointer (&work->usage);

  g_free (self->currency);
  self->currency = self->store ? sd_shop_currency (self->store) : NULL;
  for (guint i = 0; i < G_N_ELEMENTS (self->money_labels); i++)
    {
      gtk_label_set_text (GTK_LABEL (self->money_labels[i]), self->currency ? self->currency : "");
      gtk_widget_set_visible (self->money_labels[i], self->currency != NULL);
    }
  gtk_stack_set_visible_child_name (self->stack, "content");
  fill_rules (self, select_id);
  if (self->store)
    {
      /* The reach is what comes next: said from now on, not once the values are in. */
      if (self->facts == NULL)
        set_reading_facts (self, TRUE);
      load_values (self);
    }
}

static void
reload (SdCouponsPage *self)
{
  cancel_loads (self);
  if (self->store == NULL)
    return;
  if (self->rules == NULL)
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  start_load (self, &self->load_job, _("Loading coupon rules"), load_in_thread, load_done_cb);
}

/* Reading every customer takes seconds on a large shop: a page that is not on screen
 * waits until it is, rather than slowing the one that is. */
static void
store_changed_cb (SdCouponsPage *self)
{
  self->stale = !gtk_widget_get_mapped (GTK_WIDGET (self));
  if (!self->stale)
    reload (self);
}

static void
sd_coupons_page_map (GtkWidget *widget)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (widget);

  GTK_WIDGET_CLASS (sd_coupons_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      reload (self);
    }
}

/* ---------------------------------------------------------------- actions */

static void
new_rule_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (widget);
  g_autoptr(SdCouponRule) fresh = NULL;

  if (ask_discard (self, NULL))
    return;
  fresh = fresh_rule (self);
  gtk_list_box_unselect_all (self->rules_list);
  edit_rule (self, fresh);
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
add_condition_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (widget);

  add_condition_row (self, NULL);
  editor_changed_cb (self);
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (widget);
  g_autoptr(SdCouponRule) fresh = NULL;

  if (self->saved)
    {
      fresh = sd_coupon_rule_copy (self->saved);
      edit_rule (self, fresh);
    }
  else
    new_rule_action (widget, NULL, NULL);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdCouponRule) rule = build_rule (self, &error);
  g_autofree char *message = NULL;

  if (rule == NULL || !sd_coupon_rule_save (self->store, rule, &error))
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->problem_label), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (self->problem_label), "error");
      gtk_label_set_text (self->problem_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
      return;
    }
  g_clear_pointer (&self->saved, sd_coupon_rule_free);
  self->saved = sd_coupon_rule_copy (rule);
  set_baseline (self);
  message = g_strdup_printf (_("Saved “%s”"), rule->name);
  toast (self, message);
  reload (self);
  sd_store_notify_changed_detail (self->store, SD_STORE_CHANGED_COUPONS);
}

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SdCouponsPage    *self)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0 || self->saved == NULL)
    return;
  if (!sd_coupon_rule_delete (self->store, self->saved->id, &error))
    {
      gtk_label_set_text (self->problem_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->problem_label), TRUE);
      return;
    }
  g_clear_pointer (&self->saved, sd_coupon_rule_free);
  reload (self);
  sd_store_notify_changed_detail (self->store, SD_STORE_CHANGED_COUPONS);
}

static void
delete_rule_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (widget);
  GtkWidget *dialog;

  if (self->saved == NULL)
    return;
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   _("Delete This Rule?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  _("“%s” and all its saved versions will be deleted."), self->saved->name);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---------------------------------------------------------------- customers reached */

typedef struct {
  GtkStringList *all;      /* one line per customer: "id\tname\tcountry\tsegment\tspend" */
} CustomersDialog;

static gboolean
customer_filter (gpointer item,
                 gpointer user_data)
{
  GtkEditable *search = user_data;
  const char *query = gtk_editable_get_text (search);
  const char *line = gtk_string_object_get_string (GTK_STRING_OBJECT (item));
  g_autofree char *fold_line = NULL, *fold_query = NULL;

  if (query == NULL || *query == '\0')
    return TRUE;
  fold_line = g_utf8_casefold (line, -1);
  fold_query = g_utf8_casefold (query, -1);
  return strstr (fold_line, fold_query) != NULL;
}

static void
setup_customer_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  gtk_list_item_set_child (item, label);
}

static void
bind_customer_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item)
{
  const char *line = gtk_string_object_get_string (gtk_list_item_get_item (item));
  g_auto(GStrv) f = g_strsplit (line, "\t", -1);
  g_autofree char *markup = NULL;

  if (g_strv_length (f) < 5)
    return;
  markup = g_markup_printf_escaped ("<b>%s</b>  %s\n<small>%s · %s · %s</small>", f[1], f[0], f[2], f[3], f[4]);
  gtk_label_set_markup (GTK_LABEL (gtk_list_item_get_child (item)), markup);
}

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    GListModel      *model)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GString) csv = g_string_new (NULL);
  g_autoptr(SdCsvWriter) writer = sd_csv_writer_new (csv);
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))))
    {
      /* Every text field quoted: ids such as 00123 stay text in a spreadsheet. */
      sd_csv_writer_set_quote_all (writer, TRUE);
      sd_csv_writer_add_row (writer, "customer", "name", "country", "segment", "spend", NULL);
      for (guint i = 0; i < g_list_model_get_n_items (model); i++)
        {
          g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);
          g_auto(GStrv) f = g_strsplit (gtk_string_object_get_string (item), "\t", -1);
          for (guint c = 0; f[c]; c++)
            sd_csv_writer_add_string (writer, f[c]);
          sd_csv_writer_end_row (writer);
        }
      if (!g_file_replace_contents (file, csv->str, csv->len, NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error))
        g_warning ("Could not export the customers: %s", error->message);
    }
  g_object_unref (chooser);
  g_object_unref (model);
}

static void
export_clicked_cb (GtkButton  *button,
                   GListModel *model)
{
  GtkNativeDialog *chooser;

  chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Export Customers"),
                                                            GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                                                            GTK_FILE_CHOOSER_ACTION_SAVE,
                                                            _("_Export"), _("_Cancel")));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), "customers.csv");
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (model));
  gtk_native_dialog_show (chooser);
}

static void
customer_activated_cb (GtkListView *view,
                       guint        position,
                       gpointer     user_data)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(GtkStringObject) item = g_list_model_get_item (model, position);
  g_auto(GStrv) f = g_strsplit (gtk_string_object_get_string (item), "\t", 2);
  GtkWidget *dialog = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (view)));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  /* The Recommendations page shows the customer's recommendations and offers. */
  if (parent && gtk_widget_activate_action (GTK_WIDGET (parent), "win.show-customer", "s", f[0]))
    gtk_window_close (GTK_WINDOW (dialog));
}

static void
show_customers_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (widget);
  SdCustomerFacts *facts;
  g_autoptr(GtkStringList) lines = gtk_string_list_new (NULL);
  GtkWidget *window, *box, *header, *search, *scroller, *list, *export;
  GtkFilterListModel *filtered;
  GtkListItemFactory *factory;
  g_autofree char *title = NULL;

  if (self->facts == NULL || self->edit_preview == NULL)
    return;
  facts = self->facts->facts;
  for (guint c = 0; c < facts->n_customers; c++)
    if (sd_rule_preview_reaches (self->edit_preview, c))
      {
        const SdCustomerFact *cf = &facts->customers[c];
        g_autofree char *spend = money_text (self, cf->spend_cents);
        g_autofree char *line = g_strdup_printf ("%s\t%s\t%s\t%s\t%s", cf->external_id,
                                                 cf->name ? cf->name : "—",
                                                 cf->country >= 0 ? (char *) g_ptr_array_index (facts->countries, cf->country) : "—",
                                                 cf->segment >= 0 ? (char *) g_ptr_array_index (facts->segments, cf->segment) : "—",
                                                 spend);
        gtk_string_list_append (lines, line);
      }

  title = g_strdup_printf (_("%s — Customers Reached"), self->edit_preview->name);
  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (widget)));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 480, 560);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  export = gtk_button_new_with_mnemonic (_("_Export CSV…"));
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), export);
  gtk_box_append (GTK_BOX (box), header);
  search = gtk_search_entry_new ();
  gtk_widget_set_margin_start (search, 12);
  gtk_widget_set_margin_end (search, 12);
  gtk_widget_set_margin_top (search, 6);
  gtk_widget_set_margin_bottom (search, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search customers"), -1);
  gtk_box_append (GTK_BOX (box), search);

  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_steal_pointer (&lines)),
                                        GTK_FILTER (gtk_custom_filter_new (customer_filter, search, NULL)));
  g_signal_connect_swapped (search, "search-changed", G_CALLBACK (gtk_filter_changed),
                            gtk_filter_list_model_get_filter (filtered));
  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_customer_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_customer_cb), NULL);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (filtered))), factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (list), TRUE);
  gtk_widget_add_css_class (list, "navigation-sidebar");
  g_signal_connect (list, "activate", G_CALLBACK (customer_activated_cb), NULL);
  g_signal_connect (export, "clicked", G_CALLBACK (export_clicked_cb),
                    gtk_single_selection_get_model (GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (list)))));
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

/* ---------------------------------------------------------------- object */

SdStore *
sd_coupons_page_get_store (SdCouponsPage *self)
{
  return self->store;
}

void
sd_coupons_page_set_store (SdCouponsPage *self,
                           SdStore       *store)
{
  g_return_if_fail (SD_IS_COUPONS_PAGE (self));

  if (self->store == store)
    return;
  if (self->store)
    g_signal_handlers_disconnect_by_func (self->store, store_changed_cb, self);
  g_set_object (&self->store, store);
  g_clear_pointer (&self->saved, sd_coupon_rule_free);
  g_clear_pointer (&self->facts, facts_box_unref);
  update_show_customers (self);
  if (store)
    /* Its own saves it reloads itself; an import or a trained model (interest) changes
     * who a rule reaches. */
    {
      g_signal_connect_swapped (store, "changed::" SD_STORE_CHANGED_DATA, G_CALLBACK (store_changed_cb), self);
      /* the currency of its money fields and figures */
      g_signal_connect_swapped (store, "changed::" SD_STORE_CHANGED_SETTINGS, G_CALLBACK (store_changed_cb), self);
    }
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  store_changed_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

int
sd_coupons_page_get_reach (SdCouponsPage *self)
{
  return self->reach;
}

gboolean
sd_coupons_page_is_loading (SdCouponsPage *self)
{
  return self->load_job != NULL || self->values_job != NULL || self->facts_job != NULL;
}

gboolean
sd_coupons_page_select_rule (SdCouponsPage *self,
                             const char    *name)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->rules_list)); row;
       row = gtk_widget_get_next_sibling (row))
    {
      gint64 id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "rule-id"));
      for (guint i = 0; self->rules && i < self->rules->len; i++)
        {
          SdCouponRule *rule = g_ptr_array_index (self->rules, i);
          if (rule->id == id && g_strcmp0 (rule->name, name) == 0)
            {
              gtk_list_box_select_row (self->rules_list, GTK_LIST_BOX_ROW (row));
              return TRUE;
            }
        }
    }
  return FALSE;
}

/* ---------------------------------------------------------------- date pickers */

static void
day_selected_cb (GtkCalendar *calendar,
                 AdwEntryRow *row)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (calendar);
  g_autofree char *text = g_date_time_format (day, "%Y-%m-%d");
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (calendar), GTK_TYPE_POPOVER);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
  if (popover)
    gtk_popover_popdown (GTK_POPOVER (popover));
}

/* The calendar opens on the row's date, or today. */
static void
picker_shown_cb (GtkPopover *popover,
                 AdwEntryRow *row)
{
  GtkCalendar *calendar = GTK_CALENDAR (gtk_popover_get_child (popover));
  int y, m, d;
  g_autoptr(GDateTime) day = NULL;

  if (sscanf (entry_text (row), "%4d-%2d-%2d", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y))
    day = g_date_time_new_local (y, m, d, 0, 0, 0);
  else
    day = g_date_time_new_now_local ();
  g_signal_handlers_block_by_func (calendar, day_selected_cb, row);
  gtk_calendar_select_day (calendar, day);
  g_signal_handlers_unblock_by_func (calendar, day_selected_cb, row);
}

static void
add_date_picker (SdCouponsPage *self,
                 AdwEntryRow   *row)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *calendar = gtk_calendar_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "x-office-calendar-symbolic");
  gtk_menu_button_set_has_frame (GTK_MENU_BUTTON (button), FALSE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Pick a Date"));
  gtk_popover_set_child (GTK_POPOVER (popover), calendar);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  g_signal_connect (calendar, "day-selected", G_CALLBACK (day_selected_cb), row);
  g_signal_connect (popover, "show", G_CALLBACK (picker_shown_cb), row);
  adw_entry_row_add_suffix (row, button);
}

static void
sd_coupons_page_dispose (GObject *object)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (object);

  g_clear_handle_id (&self->preview_source, g_source_remove);
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  g_clear_object (&self->preview_cancellable);
  cancel_loads (self);
  if (self->store)
    g_signal_handlers_disconnect_by_func (self->store, store_changed_cb, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->values, sd_shop_values_unref);
  g_clear_pointer (&self->baseline, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_COUPONS_PAGE);
  /* dispose_template leaves an unnamed top child in place. */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (sd_coupons_page_parent_class)->dispose (object);
}

static void
sd_coupons_page_finalize (GObject *object)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (object);

  g_clear_pointer (&self->facts, facts_box_unref);
  g_clear_pointer (&self->usage, g_ptr_array_unref);
  g_clear_pointer (&self->all, sd_coupon_preview_free);
  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_clear_pointer (&self->saved, sd_coupon_rule_free);
  g_clear_pointer (&self->edit_preview, sd_rule_preview_free);
  g_clear_pointer (&self->split[0], g_array_unref);
  g_clear_pointer (&self->split[1], g_array_unref);
  g_free (self->currency);

  G_OBJECT_CLASS (sd_coupons_page_parent_class)->finalize (object);
}

static void
sd_coupons_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_coupons_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sd_coupons_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_coupons_page_class_init (SdCouponsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->map = sd_coupons_page_map;
  object_class->dispose = sd_coupons_page_dispose;
  object_class->finalize = sd_coupons_page_finalize;
  object_class->get_property = sd_coupons_page_get_property;
  object_class->set_property = sd_coupons_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  g_type_ensure (SD_TYPE_COLUMNS);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-coupons-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, facts_spinner);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, rules_list);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, priority_spin);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, stop_switch);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, starts_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, ends_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, match_drop);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, conditions_list);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, action_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, percent_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, cap_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, amount_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, buy_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, get_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, target_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, tiers_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, per_customer_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, total_uses_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, budget_row);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, delete_button);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, off_label);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, reach_heading);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, cost_heading);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, reach_label);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, reach_delta_label);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, cost_label);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, customers_button);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, cost_delta_label);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, budget_label);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, actual_label);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, overlap_list);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, split_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, split_grid);
  gtk_widget_class_bind_template_child (widget_class, SdCouponsPage, history_list);
  gtk_widget_class_bind_template_callback (widget_class, rule_selected_cb);

  gtk_widget_class_install_action (widget_class, "coupons.new-rule", NULL, new_rule_action);
  gtk_widget_class_install_action (widget_class, "coupons.add-condition", NULL, add_condition_action);
  gtk_widget_class_install_action (widget_class, "coupons.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "coupons.revert", NULL, revert_action);
  gtk_widget_class_install_action (widget_class, "coupons.delete-rule", NULL, delete_rule_action);
  gtk_widget_class_install_action (widget_class, "coupons.show-customers", NULL, show_customers_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "coupons.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "coupons.new-rule", NULL);

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* A dim line that says why a list is empty. */
static GtkWidget *
list_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
sd_coupons_page_init (SdCouponsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->reach = -1;
  update_show_customers (self);
  g_signal_connect_object (self->split_dropdown, "notify::selected", G_CALLBACK (split_selected_cb), self, G_CONNECT_SWAPPED);

  gtk_list_box_set_placeholder (self->conditions_list,
                                list_placeholder (_("Everyone qualifies. Add a condition to narrow it down — "
                                                    "conditions are checked against each customer's history "
                                                    "and their typical basket.")));
  gtk_list_box_set_placeholder (self->rules_list,
                                list_placeholder (_("No rules yet. Save the new rule to make it the first.")));

  {
    AdwEntryRow *money[] = { self->cap_row, self->amount_row, self->budget_row };
    for (guint i = 0; i < G_N_ELEMENTS (money); i++)
      {
        self->money_labels[i] = gtk_label_new (NULL);
        gtk_widget_add_css_class (self->money_labels[i], "dim-label");
        gtk_widget_set_visible (self->money_labels[i], FALSE);
        adw_entry_row_add_suffix (money[i], self->money_labels[i]);
      }
  }
  add_date_picker (self, self->starts_row);
  add_date_picker (self, self->ends_row);

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect_swapped (self->enabled_switch, "notify::active", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect_swapped (self->priority_spin, "value-changed", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect_swapped (self->stop_switch, "notify::active", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect_swapped (self->starts_row, "changed", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect_swapped (self->ends_row, "changed", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect_swapped (self->match_drop, "notify::selected", G_CALLBACK (editor_changed_cb), self);
  g_signal_connect_swapped (self->action_row, "notify::selected", G_CALLBACK (editor_changed_cb), self);
  for (AdwEntryRow **row = (AdwEntryRow *[]) { self->percent_row, self->cap_row, self->amount_row, self->buy_row,
                                               self->get_row, self->target_row, self->tiers_row,
                                               self->per_customer_row, self->total_uses_row, self->budget_row, NULL };
       *row; row++)
    g_signal_connect_swapped (*row, "changed", G_CALLBACK (editor_changed_cb), self);
}
