/* sd-coupons-page-editor.c — the Coupons page's rule editor: the rule shown in the form and
 * read back, unsaved changes, the rule's saved versions */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-audience.h"
#include "sd-condition-row.h"
#include "sd-coupon-interest.h"
#include "sd-coupon-store.h"
#include "sd-coupons-page-private.h"
#include "sd-error.h"
#include "sd-format.h"
#include "sd-list-rows.h"
#include "sd-page-host.h"

/* ---------------------------------------------------------------- small helpers */

void
sd_coupons_page_toast (SdCouponsPage *self,
                       const char    *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (SD_IS_PAGE_HOST (root))
    sd_page_host_toast (GTK_WIDGET (self), message);
}

char *
sd_coupons_page_money_text (SdCouponsPage *self,
                            gint64         cents)
{
  return sd_format_money (cents, self->currency);
}

const char *
sd_coupons_page_entry_text (AdwEntryRow *row)
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
  g_autofree char *text = g_strstrip (g_strdup (sd_coupons_page_entry_text (row)));
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
  g_autofree char *text = g_strstrip (g_strdup (sd_coupons_page_entry_text (row)));
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
    g_string_append_printf (s, "%s\x1f", sd_coupons_page_entry_text (entries[i]));
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

GtkListBoxRow *
sd_coupons_page_row_of_rule (SdCouponsPage *self,
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
void
sd_coupons_page_update_dirty (SdCouponsPage *self)
{
  g_autofree char *now = editor_snapshot (self);
  GtkListBoxRow *row = sd_coupons_page_row_of_rule (self, self->saved ? self->saved->id : 0);

  self->dirty = g_strcmp0 (now, self->baseline) != 0;
  if (row)
    {
      GtkWidget *mark = g_object_get_data (G_OBJECT (row), "unsaved-mark");
      gtk_widget_set_visible (mark, self->dirty);
    }
}

void
sd_coupons_page_set_baseline (SdCouponsPage *self)
{
  g_free (self->baseline);
  self->baseline = editor_snapshot (self);
  sd_coupons_page_update_dirty (self);
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

void
sd_coupons_page_editor_changed_cb (SdCouponsPage *self)
{
  if (self->filling)
    return;
  update_action_rows (self);
  sd_coupons_page_update_dirty (self);
  sd_coupons_page_schedule_preview (self);
}

static void remove_condition_cb (SdCouponsPage *self, SdConditionRow *row);

void
sd_coupons_page_add_condition_row (SdCouponsPage     *self,
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
  g_signal_connect_swapped (row, "changed", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
  g_signal_connect_swapped (row, "remove", G_CALLBACK (remove_condition_cb), self);
  gtk_list_box_append (self->conditions_list, row);
}

static void
remove_condition_cb (SdCouponsPage  *self,
                     SdConditionRow *row)
{
  gtk_list_box_remove (self->conditions_list, GTK_WIDGET (row));
  sd_coupons_page_editor_changed_cb (self);
}

void
sd_coupons_page_fill_editor (SdCouponsPage      *self,
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
    sd_coupons_page_add_condition_row (self, top);
  else
    for (guint i = 0; i < top->children->len; i++)
      sd_coupons_page_add_condition_row (self, g_ptr_array_index (top->children, i));

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
  const char *text = sd_coupons_page_entry_text (self->tiers_row);
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
SdCouponRule *
sd_coupons_page_build_rule (SdCouponsPage  *self,
                            GError        **error)
{
  g_autoptr(SdCouponRule) rule = sd_coupon_rule_new (NULL);
  SdAction *a = &rule->action;
  double x;
  GtkWidget *child;

  rule->id = self->saved ? self->saved->id : 0;
  rule->name = g_strstrip (g_strdup (sd_coupons_page_entry_text (self->name_row)));
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
      a->target = g_strstrip (g_strdup (sd_coupons_page_entry_text (self->target_row)));
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
  sd_coupons_page_toast (self, message);
  sd_coupons_page_reload (self);
  /* The offers on the Recommendations page and the chatbot's answers follow. */
  sd_store_notify_changed_detail (self->store, SD_STORE_CHANGED_COUPONS);
}

void
sd_coupons_page_fill_history (SdCouponsPage *self)
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
