/* sd-coupons-page-preview.c — the Coupons page's live preview: a rule's reach and cost computed
 * off the main thread at each edit, debounced, with the split by segment */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-condition-row.h"
#include "sd-coupon-interest.h"
#include "sd-coupon-usage.h"
#include "sd-coupons-page-private.h"
#include "sd-format.h"
#include "sd-interval-bar.h"
#include "sd-list-rows.h"

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
  sd_coupons_page_facts_box_unref (work->facts);
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
void
sd_coupons_page_update_show_customers (SdCouponsPage *self)
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
  money = sd_coupons_page_money_text (self, u->discount_cents);
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

void
sd_coupons_page_split_selected_cb (SdCouponsPage *self)
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
  g_autofree char *cost = sd_coupons_page_money_text (self, p->estimated_cost_cents);
  guint words = (facts->n_customers + 63) / 64;

  self->reach = p->customers;
  gtk_label_set_text (self->reach_label, reach);
  gtk_label_set_text (self->cost_label, cost);
  show_off_note (self, work->edited->enabled);

  if (work->saved_preview)
    {
      guint gained, lost;
      gint64 dcost = p->estimated_cost_cents - work->saved_preview->estimated_cost_cents;
      g_autofree char *dmoney = sd_coupons_page_money_text (self, ABS (dcost));
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
      g_autofree char *left = sd_coupons_page_money_text (self, p->budget_left_cents);
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
  sd_coupons_page_update_show_customers (self);
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
  sd_coupons_page_update_show_customers (self);
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

  rule = sd_coupons_page_build_rule (self, &error);
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
  work->facts = sd_coupons_page_facts_box_ref (self->facts);
  work->edited = g_steal_pointer (&rule);
  work->saved = self->saved ? sd_coupon_rule_copy (self->saved) : NULL;
  work->currency = g_strdup (self->currency);
  task = g_task_new (NULL, self->preview_cancellable, preview_done_cb, g_object_ref (self));
  g_task_set_name (task, "[shopdesk] coupon preview");
  g_task_set_task_data (task, work, (GDestroyNotify) preview_work_free);
  sd_job_run_task_in_thread (task, preview_thread);
  return G_SOURCE_REMOVE;
}

void
sd_coupons_page_schedule_preview (SdCouponsPage *self)
{
  /* A preview still running is of an older edit: its answer must not show. */
  if (self->preview_cancellable)
    g_cancellable_cancel (self->preview_cancellable);
  self->reach = -1;
  g_clear_handle_id (&self->preview_source, g_source_remove);
  self->preview_source = g_timeout_add (PREVIEW_DELAY_MS, run_preview, self);
}
