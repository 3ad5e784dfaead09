/* sd-coupons-page.c — coupon rules: list, editor, live preview of reach and cost, history
 *
 * Loading every customer's facts takes longer than a frame on a large shop, so it runs
 * in an SdJob on its own connection. Each edit is previewed in a GTask thread against
 * those facts (read-only, shared through a reference-counted box), debounced and
 * cancelled by the next edit, so typing never waits for a million customers.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-columns.h"
#include "sd-condition-row.h"
#include "sd-coupon-interest.h"
#include "sd-coupon-store.h"
#include "sd-coupon-usage.h"
#include "sd-coupons-page-private.h"
#include "sd-format.h"
#include "sd-list-rows.h"
#include "sd-shop-summary.h"

static void
facts_box_clear (gpointer data)
{
  FactsBox *box = data;

  g_clear_pointer (&box->interest, sd_interest_free);
  g_clear_pointer (&box->facts, sd_customer_facts_free);
}

FactsBox *
sd_coupons_page_facts_box_ref (FactsBox *box)
{
  return g_atomic_rc_box_acquire (box);
}

void
sd_coupons_page_facts_box_unref (FactsBox *box)
{
  g_atomic_rc_box_release_full (box, facts_box_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FactsBox, sd_coupons_page_facts_box_unref)

G_DEFINE_FINAL_TYPE (SdCouponsPage, sd_coupons_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

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
  sd_coupons_page_fill_editor (self, rule);
  sd_coupons_page_set_baseline (self);
  sd_coupons_page_fill_history (self);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_label), FALSE);
  self->reach = -1;
  sd_coupons_page_schedule_preview (self);
}

static void rule_selected_cb (SdCouponsPage *self, GtkListBoxRow *row);

static void
discard_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     SdCouponsPage    *self)
{
  GtkListBoxRow *target = self->pending_id ? sd_coupons_page_row_of_rule (self, self->pending_id) : NULL;

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
  g_autofree char *name = g_strstrip (g_strdup (sd_coupons_page_entry_text (self->name_row)));

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
      GtkListBoxRow *current = sd_coupons_page_row_of_rule (self, self->saved ? self->saved->id : 0);
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
  sd_coupons_page_update_dirty (self);
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
  sd_coupons_page_update_show_customers (self);
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

  g_clear_pointer (&self->facts, sd_coupons_page_facts_box_unref);
  self->facts = g_atomic_rc_box_new0 (FactsBox);
  self->facts->facts = g_steal_pointer (&work->facts);
  self->facts->interest = g_steal_pointer (&work->interest);
  g_clear_pointer (&self->all, sd_coupon_preview_free);
  self->all = g_steal_pointer (&work->all);
  update_rule_counts (self);
  sd_coupons_page_schedule_preview (self);
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

void
sd_coupons_page_reload (SdCouponsPage *self)
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
    sd_coupons_page_reload (self);
}

static void
sd_coupons_page_map (GtkWidget *widget)
{
  SdCouponsPage *self = SD_COUPONS_PAGE (widget);

  GTK_WIDGET_CLASS (sd_coupons_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      sd_coupons_page_reload (self);
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

  sd_coupons_page_add_condition_row (self, NULL);
  sd_coupons_page_editor_changed_cb (self);
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
  g_autoptr(SdCouponRule) rule = sd_coupons_page_build_rule (self, &error);
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
  sd_coupons_page_set_baseline (self);
  message = g_strdup_printf (_("Saved “%s”"), rule->name);
  sd_coupons_page_toast (self, message);
  sd_coupons_page_reload (self);
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
  sd_coupons_page_reload (self);
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
  g_clear_pointer (&self->facts, sd_coupons_page_facts_box_unref);
  sd_coupons_page_update_show_customers (self);
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

  if (sscanf (sd_coupons_page_entry_text (row), "%4d-%2d-%2d", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y))
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

  g_clear_pointer (&self->facts, sd_coupons_page_facts_box_unref);
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
  gtk_widget_class_install_action (widget_class, "coupons.show-customers", NULL, sd_coupons_page_show_customers_action);
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
  sd_coupons_page_update_show_customers (self);
  g_signal_connect_object (self->split_dropdown, "notify::selected", G_CALLBACK (sd_coupons_page_split_selected_cb), self, G_CONNECT_SWAPPED);

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

  g_signal_connect_swapped (self->name_row, "changed", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
  g_signal_connect_swapped (self->enabled_switch, "notify::active", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
  g_signal_connect_swapped (self->priority_spin, "value-changed", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
  g_signal_connect_swapped (self->stop_switch, "notify::active", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
  g_signal_connect_swapped (self->starts_row, "changed", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
  g_signal_connect_swapped (self->ends_row, "changed", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
  g_signal_connect_swapped (self->match_drop, "notify::selected", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
  g_signal_connect_swapped (self->action_row, "notify::selected", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
  for (AdwEntryRow **row = (AdwEntryRow *[]) { self->percent_row, self->cap_row, self->amount_row, self->buy_row,
                                               self->get_row, self->target_row, self->tiers_row,
                                               self->per_customer_row, self->total_uses_row, self->budget_row, NULL };
       *row; row++)
    g_signal_connect_swapped (*row, "changed", G_CALLBACK (sd_coupons_page_editor_changed_cb), self);
}
