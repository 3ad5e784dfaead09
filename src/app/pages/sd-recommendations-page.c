/* sd-recommendations-page.c — one customer, their offers and their recommendations
 *
 * The page writes no SQL: it asks the core's questions (src/core/queries) and draws the
 * answers. On the main thread it asks only the capped ones (the stored models, the
 * categories); the customer search runs in a thread and the most active customers in a
 * job, each on a connection of its own. A "view" job (ViewWork) loads the customer's
 * profile (sd_customer_profile_load) through its own connection, loads
 * what is missing into the shop's cache (the interaction matrix and catalogue, each stored
 * model asked for, the coupon engine's facts and rules), applies the coupon rules and
 * ranks the items; the main thread only builds rows from its result. The cache is shared
 * by jobs under its mutex and thrown away when the shop changes, so the first customer of
 * a shop pays for the loading and the next ones, or a changed filter, take milliseconds.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-customer-query.h"
#include "sd-format.h"
#include "sd-list-rows.h"
#include "sd-model-query.h"
#include "sd-model-store.h"
#include "sd-page-host.h"
#include "sd-product-query.h"
#include "sd-recommendations-page-private.h"
#include "sd-shop-summary.h"
#include "sd-train-job.h"

#define N_SUGGESTIONS 20
#define N_CATEGORIES  200

/* Models offered first when several are stored: the blends and the strongest first. */
static const char *const model_preference[] = {
  "hybrid", "ease", "als", "bpr", "itemknn", "userknn", "content", "popularity",
};

/* ---- The page ------------------------------------------------------------------------ */

G_DEFINE_FINAL_TYPE (SdRecommendationsPage, sd_recommendations_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_view (SdRecommendationsPage *self);

static GtkWindow *
get_window (SdRecommendationsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  return SD_IS_PAGE_HOST (root) ? GTK_WINDOW (root) : NULL;
}

void
sd_recommendations_page_toast (SdRecommendationsPage *self,
                               const char            *message)
{
  sd_page_host_toast (GTK_WIDGET (self), message);
}

void
sd_recommendations_page_clear_list (GtkListBox *list)
{
  sd_list_box_remove_all (list);
}

void
sd_recommendations_page_cancel_job (SdRecommendationsPage *self,
                                    SdJob                **job)
{
  if (*job)
    {
      g_signal_handlers_disconnect_by_data (*job, self);
      sd_job_cancel (*job);
      g_clear_object (job);
    }
}

ViewWork *
sd_recommendations_page_shown_view (SdRecommendationsPage *self)
{
  return self->shown ? sd_job_get_data (self->shown) : NULL;
}

GtkWidget *
sd_recommendations_page_dim_label (const char *text,
                                   gboolean    caption)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "dim-label");
  if (caption)
    gtk_widget_add_css_class (label, "caption");
  return label;
}

/* A row for an empty list, saying why it is empty. */
GtkWidget *
sd_recommendations_page_placeholder_row (const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = sd_recommendations_page_dim_label (text, FALSE);

  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

GtkWidget *
sd_recommendations_page_loading_row (const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), sd_recommendations_page_dim_label (text, FALSE));
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

/* ---- Model and category pickers ------------------------------------------------------ */

static const char *
dropdown_model (SdRecommendationsPage *self,
                GtkDropDown           *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  return selected < self->model_names->len ? g_ptr_array_index (self->model_names, selected) : NULL;
}

const char *
sd_recommendations_page_get_model (SdRecommendationsPage *self,
                                   guint                  column)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), NULL);
  return dropdown_model (self, column == 0 ? self->model_dropdown : self->model2_dropdown);
}

static const char *
dropdown_category (SdRecommendationsPage *self,
                   GtkDropDown           *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  return selected >= 1 && selected - 1 < self->categories->len
         ? g_ptr_array_index (self->categories, selected - 1) : NULL;
}

static int
model_position (SdRecommendationsPage *self,
                const char            *name)
{
  for (guint i = 0; name && i < self->model_names->len; i++)
    if (g_str_equal (g_ptr_array_index (self->model_names, i), name))
      return (int) i;
  return -1;
}

/* Stored models first (in order of preference), then the others, marked untrained: one
 * can be trained from here. Keeps each dropdown's model when it is still listed. */
/* What the model does in plain words, for the picker's tooltip: its name alone (ALS, EASE,
 * kNN) tells a shop manager nothing. */
static char *
model_summary (const char *name)
{
  gboolean live = name && g_str_has_prefix (name, LIVE_PREFIX);
  g_autoptr(SdRecommender) model = name ? sd_recommender_new (live ? name + strlen (LIVE_PREFIX) : name, NULL) : NULL;

  if (model == NULL)
    return NULL;
  /* TRANSLATORS: the model picker's tooltip for the live model: its summary, then this */
  return live ? g_strdup_printf (_("%s. Customers get this model’s recommendations."), sd_recommender_get_summary (model))
              : g_strdup (sd_recommender_get_summary (model));
}

static void
model_tooltip_cb (GtkDropDown           *dropdown,
                  GParamSpec            *pspec,
                  SdRecommendationsPage *self)
{
  g_autofree char *summary = model_summary (dropdown_model (self, dropdown));

  gtk_widget_set_tooltip_text (GTK_WIDGET (dropdown), summary);
}

static void
fill_models (SdRecommendationsPage *self)
{
  g_autoptr(GHashTable) stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *keep1 = g_strdup (dropdown_model (self, self->model_dropdown));
  g_autofree char *keep2 = g_strdup (dropdown_model (self, self->model2_dropdown));
  const char **names = sd_recommender_list_names ();
  int pos1, pos2;

  if (self->store)
    {
      g_autoptr(GPtrArray) kept = sd_model_query_stored_names (self->store, "recommender", NULL);
      for (guint i = 0; kept && i < kept->len; i++)
        g_hash_table_add (stored, g_strdup (g_ptr_array_index (kept, i)));
    }

  self->n_stored = g_hash_table_size (stored);
  g_ptr_array_set_size (self->model_names, 0);
  /* The live model first: the page starts on what customers get. */
  if (self->store)
    {
      gint64 live = sd_model_registry_live_id (self->store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL);
      g_autoptr(SdModelInfo) info = live > 0 ? sd_model_registry_get (self->store, live, NULL) : NULL;
      if (info && g_strv_contains (names, info->algorithm))
        {
          g_autofree char *name = g_strconcat (LIVE_PREFIX, info->algorithm, NULL);
          g_autofree char *label = sd_recommendations_page_model_label (name);
          g_ptr_array_add (self->model_names, g_steal_pointer (&name));
          gtk_string_list_append (labels, label);
        }
      /* A model promoted since the last look: the first column moves to it. */
      if (live != self->live_model_id)
        g_clear_pointer (&keep1, g_free);
      self->live_model_id = live;
    }
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (model_preference) + g_strv_length ((char **) names); i++)
        {
          const char *name = i < G_N_ELEMENTS (model_preference) ? model_preference[i]
                                                                 : names[i - G_N_ELEMENTS (model_preference)];
          gboolean is_stored = g_hash_table_contains (stored, name) || g_str_equal (name, "popularity");
          g_autofree char *label = NULL;
          g_autofree char *text = NULL;

          if ((pass == 0) != is_stored || model_position (self, name) >= 0 ||
              !g_strv_contains (names, name))
            continue;
          label = sd_recommendations_page_model_label (name);
          /* TRANSLATORS: a model in the model picker that has not been trained for this shop */
          text = is_stored ? g_strdup (label) : g_strdup_printf (_("%s (not trained)"), label);
          g_ptr_array_add (self->model_names, g_strdup (name));
          gtk_string_list_append (labels, text);
        }
    }

  self->updating = TRUE;
  gtk_drop_down_set_model (self->model_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_model (self->model2_dropdown, G_LIST_MODEL (labels));
  pos1 = model_position (self, keep1);
  pos2 = model_position (self, keep2);
  gtk_drop_down_set_selected (self->model_dropdown, pos1 >= 0 ? (guint) pos1 : 0);
  /* The second column starts on another model: comparing a model with itself says nothing. */
  if (pos2 < 0)
    pos2 = self->model_names->len > 1 ? (gtk_drop_down_get_selected (self->model_dropdown) == 0 ? 1 : 0) : 0;
  gtk_drop_down_set_selected (self->model2_dropdown, (guint) pos2);
  self->updating = FALSE;
  /* the same position may now hold another model */
  model_tooltip_cb (self->model_dropdown, NULL, self);
  model_tooltip_cb (self->model2_dropdown, NULL, self);
}

static void
set_category_menu_usable (GtkWidget *menu,
                          gboolean   usable)
{
  gtk_widget_set_sensitive (menu, usable);
  gtk_widget_set_tooltip_text (menu, usable ? NULL : _("This shop's products have no categories"));
}

static void
fill_categories (SdRecommendationsPage *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *keep_boost = g_strdup (dropdown_category (self, self->boost_dropdown));
  g_autofree char *keep_bury = g_strdup (dropdown_category (self, self->bury_dropdown));
  guint boost = 0, bury = 0;

  g_ptr_array_set_size (self->categories, 0);
  /* TRANSLATORS: no category boosted or buried */
  gtk_string_list_append (labels, C_("category", "None"));
  if (self->store)
    {
      g_autoptr(GPtrArray) found = sd_product_query_categories (self->store, N_CATEGORIES, NULL);
      for (guint i = 0; found && i < found->len; i++)
        {
          const char *name = g_ptr_array_index (found, i);
          g_ptr_array_add (self->categories, g_strdup (name));
          gtk_string_list_append (labels, name);
          if (g_strcmp0 (name, keep_boost) == 0)
            boost = self->categories->len;
          if (g_strcmp0 (name, keep_bury) == 0)
            bury = self->categories->len;
        }
    }
  self->updating = TRUE;
  gtk_drop_down_set_model (self->boost_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_model (self->bury_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->boost_dropdown, boost);
  gtk_drop_down_set_selected (self->bury_dropdown, bury);
  self->updating = FALSE;
  /* Online Retail has no categories: two menus holding only None would look broken. */
  set_category_menu_usable (GTK_WIDGET (self->boost_dropdown), self->categories->len > 0);
  set_category_menu_usable (GTK_WIDGET (self->bury_dropdown), self->categories->len > 0);
}

/* ---- Computing a view ---------------------------------------------------------------- */

gboolean
sd_recommendations_page_get_loading (SdRecommendationsPage *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), FALSE);
  return self->job != NULL || (self->stale && self->customer_id >= 0);
}

static void
view_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  ViewWork *w = sd_job_get_data (job);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job != self->job)
    return;   /* superseded */
  if (ok)
    {
      w->cache->warm_base = TRUE;
      w->cache->warm_coupons = TRUE;
      for (guint c = 0; c < w->n_models; c++)
        g_hash_table_add (w->cache->warm_models, g_strdup (w->models[c]));
      g_set_object (&self->shown, job);
      g_clear_object (&self->job);
      sd_recommendations_page_show_view (self);
    }
  else
    {
      g_clear_object (&self->job);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
show_loading (SdRecommendationsPage *self)
{
  for (guint c = 0; c < 2; c++)
    {
      sd_recommendations_page_clear_list (self->columns[c].list);
      gtk_list_box_append (self->columns[c].list, sd_recommendations_page_loading_row (_("Ranking the shop's items…")));
      gtk_widget_set_visible (self->columns[c].note_box, FALSE);
    }
  sd_recommendations_page_clear_list (self->offers_list);
  gtk_list_box_append (self->offers_list, sd_recommendations_page_loading_row (_("Applying the coupon rules…")));
  sd_recommendations_page_clear_list (self->history_list);
  gtk_label_set_text (self->offers_caption, "");
  gtk_label_set_text (self->history_caption, "");
  gtk_label_set_text (self->detail_label, "");
  while (gtk_widget_get_first_child (GTK_WIDGET (self->figures_box)))
    gtk_box_remove (self->figures_box, gtk_widget_get_first_child (GTK_WIDGET (self->figures_box)));
}

static void
start_view (SdRecommendationsPage *self)
{
  GtkWindow *window = get_window (self);
  gboolean comparing = gtk_toggle_button_get_active (self->compare_button);
  ViewWork *w;
  gboolean slow;

  if (self->store == NULL || self->customer_id < 0 || self->model_names->len == 0)
    return;
  sd_recommendations_page_cancel_job (self, &self->job);
  self->stale = FALSE;

  w = g_new0 (ViewWork, 1);
  w->cache = sd_recommendations_page_shop_cache_ref (self->cache);
  w->customer_id = self->customer_id;
  w->models[0] = g_strdup (dropdown_model (self, self->model_dropdown));
  w->n_models = 1;
  if (comparing)
    w->models[w->n_models++] = g_strdup (dropdown_model (self, self->model2_dropdown));
  w->n = (guint) gtk_spin_button_get_value_as_int (self->count_spin);
  w->exclude_bought = gtk_check_button_get_active (self->bought_check);
  w->exclude_out_of_stock = gtk_check_button_get_active (self->stock_check);
  w->boost = g_strdup (dropdown_category (self, self->boost_dropdown));
  w->bury = g_strdup (dropdown_category (self, self->bury_dropdown));

  slow = !self->cache->warm_base || !self->cache->warm_coupons;
  for (guint c = 0; c < w->n_models; c++)
    slow |= !g_hash_table_contains (self->cache->warm_models, w->models[c]);

  self->job = sd_job_new (_("Loading a customer's recommendations"), sd_recommendations_page_view_job_func, w,
                          (GDestroyNotify) sd_recommendations_page_view_work_free);
  /* Loading models is worth a line in the task list; re-ranking with cached models is
   * over in milliseconds and would only make it flicker. */
  if (slow && window)
    sd_page_host_run_job (GTK_WIDGET (self), self->job, view_done_cb, g_object_ref (self));
  else
    sd_job_run_async (self->job, view_done_cb, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
settings_changed_cb (SdRecommendationsPage *self)
{
  if (self->updating)
    return;
  start_view (self);
}

static void
compare_toggled_cb (SdRecommendationsPage *self)
{
  settings_changed_cb (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);

  if (self->store == NULL)
    return;
  g_clear_pointer (&self->cache, sd_recommendations_page_shop_cache_unref);
  self->cache = sd_recommendations_page_shop_cache_new (sd_store_get_path (self->store));
  fill_models (self);
  fill_categories (self);
  start_view (self);
}

/* ---- Choosing a customer ------------------------------------------------------------- */

gboolean
sd_recommendations_page_show_customer (SdRecommendationsPage *self,
                                       const char            *key)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), FALSE);

  if (self->store == NULL || key == NULL || (id = sd_store_find_customer (self->store, key, &error)) < 0)
    return FALSE;
  if (id != self->customer_id || self->shown == NULL)
    {
      self->customer_id = id;
      g_clear_object (&self->shown);
      gtk_label_set_text (self->name_label, key);
      adw_avatar_set_text (self->avatar, key);
      adw_avatar_set_show_initials (self->avatar, FALSE);
      show_loading (self);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", FALSE);
  sd_recommendations_page_customer_actions_set_enabled (self, FALSE);
      sd_recommendations_page_customer_actions_set_enabled (self, FALSE);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
                                  gtk_widget_get_ancestor (GTK_WIDGET (self->figures_box), GTK_TYPE_SCROLLED_WINDOW))), 0);
      gtk_stack_set_visible_child_name (self->stack, "content");
      start_view (self);
    }
  return TRUE;
}

static void start_quick (SdRecommendationsPage *self);

/* Leaves the customer for the most active customers, the page's start: what its back
 * button, Escape and Alt+← do, as a GNOME app goes back from an item to its list. */
void
sd_recommendations_page_show_start (SdRecommendationsPage *self)
{
  sd_recommendations_page_cancel_job (self, &self->job);
  sd_recommendations_page_cancel_job (self, &self->similar_job);
  self->customer_id = -1;
  g_clear_object (&self->shown);
  sd_recommendations_page_customer_actions_set_enabled (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  /* A customer opened from another page skipped the list, or the shop changed under it. */
  if (!self->quick_loaded && self->quick_job == NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_quick (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);

  sd_recommendations_page_show_start (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The way back exists only away from the start. */
static void
stack_child_cb (SdRecommendationsPage *self)
{
  gboolean away = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") != 0;

  gtk_widget_set_visible (self->back_button, away);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.back", away);
}

/* Other pages open a customer here through the window's win.show-customer, which
 * activates this on the page: the window never calls into a page's own functions. */
static void
show_customer_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  const char *key = g_variant_get_string (parameter, NULL);

  if (!sd_recommendations_page_show_customer (self, key))
    {
      g_autofree char *message = g_strdup_printf (_("No customer “%s” in this shop"), key);
      sd_recommendations_page_toast (self, message);
    }
}

gint64
sd_recommendations_page_get_customer_id (SdRecommendationsPage *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), -1);
  return self->customer_id;
}

static void
suggestion_activated_cb (SdRecommendationsPage *self,
                         GtkListBoxRow         *row)
{
  const char *key = g_object_get_data (G_OBJECT (row), "external-id");

  if (key == NULL)
    return;
  gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
  if (!sd_recommendations_page_show_customer (self, key))
    sd_recommendations_page_toast (self, _("That customer is no longer in the shop"));
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  self->updating = FALSE;
}

static GtkWidget *
customer_row (const SdCustomerMatch *customer,
              const char            *extra)
{
  GtkWidget *row = adw_action_row_new ();
  gboolean named = customer->name && *customer->name;
  g_autoptr(GString) sub = g_string_new (named ? customer->external_id : NULL);

  sd_recommendations_page_append_detail (sub, sd_format_country (customer->country));
  sd_recommendations_page_append_detail (sub, sd_format_segment (customer->segment));
  sd_recommendations_page_append_detail (sub, extra);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), named ? customer->name : customer->external_id);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub->str);
  {
    GtkLabel *subtitle = sd_recommendations_page_row_subtitle_label (row);
    if (subtitle)
      sd_format_label_keep_words (subtitle, sub->str);
  }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), "external-id", g_strdup (customer->external_id), g_free);
  /* A click must not take the focus from the search entry: that would close the
   * suggestions before the row is activated. */
  gtk_widget_set_focus_on_click (row, FALSE);
  return row;
}

/* Suggestions are looked up in a thread on a connection of its own: a LIKE over the
 * names of a million customers takes longer than a frame. */
typedef struct {
  char      *db_path;
  char      *text;
  GPtrArray *rows;     /* SdCustomerMatch */
} SearchWork;

static void
search_work_free (SearchWork *w)
{
  g_free (w->db_path);
  g_free (w->text);
  g_clear_pointer (&w->rows, g_ptr_array_unref);
  g_free (w);
}

static void
search_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  SearchWork *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (w->db_path, &error);

  if (store == NULL ||
      !(w->rows = sd_customer_query_search (store, w->text, N_SUGGESTIONS, cancellable, &error)))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
search_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);
  SearchWork *w = g_task_get_task_data (G_TASK (result));

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))) ||
      !g_task_propagate_boolean (G_TASK (result), NULL))
    return;

  sd_recommendations_page_clear_list (self->suggest_list);
  for (guint i = 0; i < w->rows->len; i++)
    gtk_list_box_append (self->suggest_list, customer_row (g_ptr_array_index (w->rows, i), NULL));
  if (w->rows->len == 0)
    gtk_list_box_append (self->suggest_list, sd_recommendations_page_placeholder_row (_("No customer’s name or id contains that.")));
  else
    gtk_list_box_select_row (self->suggest_list, gtk_list_box_get_row_at_index (self->suggest_list, 0));
  gtk_widget_set_size_request (self->suggest_popover, gtk_widget_get_width (GTK_WIDGET (self->search_entry)), -1);
  gtk_popover_popup (GTK_POPOVER (self->suggest_popover));
}

static void
search_changed_cb (SdRecommendationsPage *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  g_autoptr(GTask) task = NULL;
  SearchWork *w;

  if (self->updating)
    return;
  if (self->search_cancellable)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  if (*text == '\0' || self->store == NULL)
    {
      sd_recommendations_page_clear_list (self->suggest_list);
      gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
      return;
    }

  w = g_new0 (SearchWork, 1);
  w->db_path = g_strdup (sd_store_get_path (self->store));
  w->text = g_steal_pointer (&text);
  self->search_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->search_cancellable, search_done_cb, NULL);
  g_task_set_name (task, "[shopdesk] customer search");
  g_task_set_task_data (task, w, (GDestroyNotify) search_work_free);
  sd_job_run_task_in_thread (task, search_thread);
}

static void
search_activate_cb (SdRecommendationsPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->suggest_list);

  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->suggest_list, 0);
  if (row && g_object_get_data (G_OBJECT (row), "external-id"))
    suggestion_activated_cb (self, row);
  else
    {
      /* An id typed in full, before the suggestions arrived. */
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
      if (*text && sd_recommendations_page_show_customer (self, text))
        {
          gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
          gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
        }
    }
}

/* Escape closes the suggestions, then clears the search, then goes back to the start. */
static void
stop_search_cb (SdRecommendationsPage *self)
{
  if (gtk_widget_get_visible (self->suggest_popover))
    gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
  else if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)))
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "recommendations.back", NULL);
}

/* The suggestions popover does not take the focus, so the arrows move through it from
 * the entry, the way an entry completion does. */
static gboolean
search_key_cb (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               SdRecommendationsPage *self)
{
  GtkListBoxRow *row;
  int index, n = 0;

  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_Up) || !gtk_widget_get_visible (self->suggest_popover))
    return FALSE;
  while (gtk_list_box_get_row_at_index (self->suggest_list, n))
    n++;
  if (n == 0)
    return FALSE;
  row = gtk_list_box_get_selected_row (self->suggest_list);
  index = row ? gtk_list_box_row_get_index (row) : -1;
  index = keyval == GDK_KEY_Down ? MIN (index + 1, n - 1) : MAX (index - 1, 0);
  gtk_list_box_select_row (self->suggest_list, gtk_list_box_get_row_at_index (self->suggest_list, index));
  return TRUE;
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
quick_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  QuickWork *w = sd_job_get_data (job);
  gboolean ok = sd_job_run_finish (job, result, NULL);

  if (job != self->quick_job)
    return;
  sd_recommendations_page_clear_list (self->quick_list);
  for (guint i = 0; ok && i < w->rows->len; i++)
    {
      SdCustomerMatch *m = g_ptr_array_index (w->rows, i);
      g_autofree char *count = sd_format_count (m->n_events);
      /* An order export's events are its order lines: "7,477 events" would be a word for
       * something the shop never recorded. */
      g_autofree char *events = g_strdup_printf (w->purchases_only
                                                 /* TRANSLATORS: a customer's purchases (order lines), all time */
                                                 ? g_dngettext (GETTEXT_PACKAGE, "%s purchase", "%s purchases", m->n_events)
                                                 : g_dngettext (GETTEXT_PACKAGE, "%s event", "%s events", m->n_events),
                                                 count);
      gtk_list_box_append (self->quick_list, customer_row (m, events));
    }
  gtk_widget_set_visible (self->quick_box, ok && w->rows->len > 0);
  self->quick_loaded = ok;
  g_clear_object (&self->quick_job);
}

static void
start_quick (SdRecommendationsPage *self)
{
  QuickWork *w;

  sd_recommendations_page_cancel_job (self, &self->quick_job);
  gtk_widget_set_visible (self->quick_box, FALSE);
  self->quick_loaded = FALSE;
  if (self->store == NULL)
    return;
  /* Counting every customer's events takes seconds on a large shop: the list says it is
   * coming rather than appearing out of nowhere, and the search box works meanwhile. */
  sd_recommendations_page_clear_list (self->quick_list);
  {
    GtkWidget *row = adw_action_row_new ();
    GtkWidget *spinner = gtk_spinner_new ();

    gtk_spinner_start (GTK_SPINNER (spinner));
    gtk_widget_add_css_class (spinner, "sd-part-loading");
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Counting each customer's events…"));
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), spinner);
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
    gtk_list_box_append (self->quick_list, row);
    gtk_widget_set_visible (self->quick_box, TRUE);
  }
  w = g_new0 (QuickWork, 1);
  w->db_path = g_strdup (sd_store_get_path (self->store));
  self->quick_job = sd_job_new (_("Finding the most active customers"), sd_recommendations_page_quick_job_func, w,
                                (GDestroyNotify) sd_recommendations_page_quick_work_free);
  sd_job_run_async (self->quick_job, quick_done_cb, g_object_ref (self));
}

/* ---- Training a missing model ------------------------------------------------------- */

static void
train_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  const char *name = g_object_get_data (object, "model-name");
  g_autoptr(GError) error = NULL;
  g_autofree char *label = sd_recommendations_page_model_label (name);

  g_hash_table_remove (self->training, name);
  if (sd_job_run_finish (job, result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("%s trained: its recommendations are on show"), label);
      sd_recommendations_page_toast (self, message);
      /* Every page that lists models or runs hears of it; this page reloads its cache. */
      if (self->store)
        sd_store_notify_changed (self->store);
    }
  else
    {
      g_autofree char *message = NULL;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = g_strdup_printf (_("Training %s cancelled"), label);
      else
        message = g_strdup_printf (_("Training %s failed: %s"), label, error->message);
      sd_recommendations_page_toast (self, message);
      if (self->shown)
        sd_recommendations_page_show_view (self);
    }
}

static void
train_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  GtkWindow *window = get_window (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJob) job = NULL;
  SdTrainOptions options;

  if (self->store == NULL || window == NULL || g_hash_table_contains (self->training, name))
    return;
  sd_train_options_init (&options);
  options.db_path = sd_store_get_path (self->store);
  options.model = name;
  options.store_model = TRUE;
  if (!(job = sd_train_job_new (&options, &error)))
    {
      sd_recommendations_page_toast (self, error->message);
      return;
    }
  g_object_set_data_full (G_OBJECT (job), "model-name", g_strdup (name), g_free);
  g_hash_table_add (self->training, g_strdup (name));
  for (guint c = 0; c < 2; c++)
    gtk_widget_set_sensitive (GTK_WIDGET (self->columns[c].train_button), FALSE);
  sd_job_set_ask_before_quit (job, TRUE);
  sd_page_host_run_job (GTK_WIDGET (self), job, train_done_cb, g_object_ref (self));
}

/* ---- Store --------------------------------------------------------------------------- */

static void
store_changed_cb (SdRecommendationsPage *self)
{
  /* Shop Settings may have given the shop another currency. */
  g_free (self->currency);
  self->currency = sd_shop_currency (self->store);
  g_clear_pointer (&self->cache, sd_recommendations_page_shop_cache_unref);
  self->cache = sd_recommendations_page_shop_cache_new (sd_store_get_path (self->store));
  /* The most active customers change with the shop; a list behind an open customer is stale. */
  self->quick_loaded = FALSE;
  fill_models (self);
  fill_categories (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      start_view (self);
      if (self->customer_id < 0)
        start_quick (self);
    }
  else
    self->stale = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

SdStore *
sd_recommendations_page_get_store (SdRecommendationsPage *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), NULL);
  return self->store;
}

void
sd_recommendations_page_set_store (SdRecommendationsPage *self,
                                   SdStore               *store)
{
  g_return_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self));

  if (self->store == store)
    return;
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  sd_recommendations_page_cancel_job (self, &self->job);
  sd_recommendations_page_cancel_job (self, &self->similar_job);
  g_clear_object (&self->shown);
  g_clear_pointer (&self->cache, sd_recommendations_page_shop_cache_unref);
  g_clear_pointer (&self->currency, g_free);
  self->customer_id = -1;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", FALSE);
  sd_recommendations_page_customer_actions_set_enabled (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  if (store)
    {
      self->currency = sd_shop_currency (store);
      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
      store_changed_cb (self);
      /* The empty state's list is wanted as soon as the page shows. */
      self->stale = TRUE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
sd_recommendations_page_map (GtkWidget *widget)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);

  GTK_WIDGET_CLASS (sd_recommendations_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      if (self->customer_id >= 0)
        start_view (self);
      else
        start_quick (self);
    }
  if (self->customer_id < 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ---- For tests and other pages ------------------------------------------------------ */

gboolean
sd_recommendations_page_select_model (SdRecommendationsPage *self,
                                      guint                  column,
                                      const char            *name)
{
  int pos = model_position (self, name);

  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), FALSE);
  if (pos < 0 || column > 1)
    return FALSE;
  gtk_drop_down_set_selected (column == 0 ? self->model_dropdown : self->model2_dropdown, (guint) pos);
  return TRUE;
}

void
sd_recommendations_page_set_count (SdRecommendationsPage *self,
                                   guint                  n)
{
  g_return_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self));
  gtk_spin_button_set_value (self->count_spin, n);
}

void
sd_recommendations_page_set_compare (SdRecommendationsPage *self,
                                     gboolean               compare)
{
  g_return_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self));
  gtk_toggle_button_set_active (self->compare_button, compare);
}

static RecRow *
item_at (SdRecommendationsPage *self,
         guint                  column,
         guint                  index)
{
  ViewWork *w = sd_recommendations_page_shown_view (self);

  if (w == NULL || column >= w->n_models || index >= w->lists[column].rows->len)
    return NULL;
  return g_ptr_array_index (w->lists[column].rows, index);
}

guint
sd_recommendations_page_get_n_items (SdRecommendationsPage *self,
                                     guint                  column)
{
  ViewWork *w = sd_recommendations_page_shown_view (self);
  return w && column < w->n_models ? w->lists[column].rows->len : 0;
}

gint64
sd_recommendations_page_get_item_product (SdRecommendationsPage *self,
                                          guint                  column,
                                          guint                  index)
{
  RecRow *row = item_at (self, column, index);
  return row ? row->product_id : -1;
}

const char *
sd_recommendations_page_get_item_reasons (SdRecommendationsPage  *self,
                                          guint                   column,
                                          guint                   index,
                                          const char            **numbers)
{
  RecRow *row = item_at (self, column, index);

  if (numbers)
    *numbers = row ? row->explanation_numbers : NULL;
  return row ? row->explanation : NULL;
}

const char *
sd_recommendations_page_get_item_explanation (SdRecommendationsPage *self,
                                              guint                  column,
                                              guint                  index)
{
  return sd_recommendations_page_get_item_reasons (self, column, index, NULL);
}

guint
sd_recommendations_page_get_overlap (SdRecommendationsPage *self)
{
  ViewWork *w = sd_recommendations_page_shown_view (self);
  return w ? w->overlap : 0;
}

guint
sd_recommendations_page_get_n_offers (SdRecommendationsPage *self)
{
  ViewWork *w = sd_recommendations_page_shown_view (self);
  return w && w->offers ? w->offers->len : 0;
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
build_column (SdRecommendationsPage *self,
              guint                  c)
{
  Column *column = &self->columns[c];
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  column->header = header;
  column->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  column->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (column->title, 0);
  gtk_widget_add_css_class (GTK_WIDGET (column->title), "heading");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (column->title));

  column->note_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  gtk_widget_add_css_class (column->note_box, "card");
  gtk_widget_add_css_class (column->note_box, "sd-note-card");
  {
    GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
    GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");

    gtk_widget_set_valign (icon, GTK_ALIGN_START);
    column->note = GTK_LABEL (sd_recommendations_page_dim_label (NULL, FALSE));
    gtk_widget_set_hexpand (GTK_WIDGET (column->note), TRUE);
    gtk_box_append (GTK_BOX (line), icon);
    gtk_box_append (GTK_BOX (line), GTK_WIDGET (column->note));
    gtk_box_append (GTK_BOX (column->note_box), line);
  }
  column->train_button = GTK_BUTTON (gtk_button_new ());
  gtk_widget_set_halign (GTK_WIDGET (column->train_button), GTK_ALIGN_START);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (column->train_button), "s", "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (column->train_button), "recommendations.train");
  gtk_widget_add_css_class (GTK_WIDGET (column->train_button), "suggested-action");
  gtk_box_append (GTK_BOX (column->note_box), GTK_WIDGET (column->train_button));
  gtk_widget_set_visible (column->note_box, FALSE);
  gtk_box_append (GTK_BOX (header), column->note_box);
  gtk_box_append (GTK_BOX (column->box), header);

  column->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (column->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (column->list), "boxed-list");
  gtk_widget_set_valign (GTK_WIDGET (column->list), GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (column->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  c == 0 ? _("Recommended items") : _("Recommended items of the second model"), -1);
  g_signal_connect_object (column->list, "row-activated", G_CALLBACK (sd_recommendations_page_rec_row_activated_cb), self, 0);
  gtk_box_append (GTK_BOX (column->box), GTK_WIDGET (column->list));
  gtk_box_append (self->columns_box, column->box);
}

static GtkWidget *
build_similar_popover (SdRecommendationsPage *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->similar_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->similar_title, 0);
  gtk_label_set_wrap (self->similar_title, TRUE);
  gtk_label_set_max_width_chars (self->similar_title, 40);
  gtk_widget_add_css_class (GTK_WIDGET (self->similar_title), "heading");
  self->similar_caption = GTK_LABEL (sd_recommendations_page_dim_label (NULL, TRUE));
  gtk_label_set_max_width_chars (self->similar_caption, 50);
  self->similar_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->similar_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->similar_list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->similar_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Similar items"), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 480);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->similar_list));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->similar_title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->similar_caption));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_widget_set_size_request (box, 380, -1);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_popover_set_position (GTK_POPOVER (popover), GTK_POS_BOTTOM);
  gtk_widget_set_parent (popover, GTK_WIDGET (self->columns_box));
  return popover;
}

static GtkWidget *
build_suggest_popover (SdRecommendationsPage *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->suggest_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->suggest_list, GTK_SELECTION_SINGLE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->suggest_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Matching customers"), -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->suggest_list), "navigation-sidebar");
  g_signal_connect_object (self->suggest_list, "row-activated", G_CALLBACK (suggestion_activated_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 420);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->suggest_list));
  gtk_popover_set_child (GTK_POPOVER (popover), scroller);
  /* Typing goes on in the entry while the suggestions show. */
  gtk_popover_set_autohide (GTK_POPOVER (popover), FALSE);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_popover_set_position (GTK_POPOVER (popover), GTK_POS_BOTTOM);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  gtk_widget_set_parent (popover, GTK_WIDGET (self->search_entry));
  return popover;
}

static void
search_focus_leave_cb (SdRecommendationsPage *self)
{
  gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
}

static void
sd_recommendations_page_dispose (GObject *object)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);
  GtkWidget *child;

  sd_recommendations_page_cancel_job (self, &self->job);
  sd_recommendations_page_cancel_job (self, &self->similar_job);
  sd_recommendations_page_cancel_job (self, &self->quick_job);
  if (self->search_cancellable)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_object (&self->shown);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->suggest_popover, gtk_widget_unparent);
  g_clear_pointer (&self->similar_popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_RECOMMENDATIONS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_pointer (&self->cache, sd_recommendations_page_shop_cache_unref);
  g_clear_pointer (&self->model_names, g_ptr_array_unref);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->training, g_hash_table_unref);
  g_clear_pointer (&self->currency, g_free);

  G_OBJECT_CLASS (sd_recommendations_page_parent_class)->dispose (object);
}

static void
sd_recommendations_page_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, sd_recommendations_page_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_recommendations_page_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sd_recommendations_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_recommendations_page_class_init (SdRecommendationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_recommendations_page_dispose;
  object_class->get_property = sd_recommendations_page_get_property;
  object_class->set_property = sd_recommendations_page_set_property;
  widget_class->map = sd_recommendations_page_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-recommendations-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, quick_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, quick_list);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, detail_label);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, figures_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, compare_button);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, model2_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, model2_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, count_spin);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, bought_check);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, stock_check);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, boost_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, bury_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, controls_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, overlap_label);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, columns_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, offers_caption);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, offers_list);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, history_caption);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, history_list);
  gtk_widget_class_bind_template_callback (widget_class, settings_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, compare_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, suggestion_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "recommendations.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "recommendations.export", NULL, sd_recommendations_page_export_action);
  gtk_widget_class_install_action (widget_class, "recommendations.export-customer", NULL, sd_recommendations_page_export_customer_action);
  gtk_widget_class_install_action (widget_class, "recommendations.forget-customer", NULL, sd_recommendations_page_forget_customer_action);
  gtk_widget_class_install_action (widget_class, "recommendations.train", "s", train_action);
  gtk_widget_class_install_action (widget_class, "recommendations.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "recommendations.show-customer", "s", show_customer_action);
  gtk_widget_class_install_action (widget_class, "recommendations.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "recommendations.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "recommendations.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "recommendations.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "recommendations.export", NULL);
}

static void
sd_recommendations_page_init (SdRecommendationsPage *self)
{
  GtkEventController *keys;
  GtkEventController *focus;

  self->customer_id = -1;
  self->model_names = g_ptr_array_new_with_free_func (g_free);
  self->categories = g_ptr_array_new_with_free_func (g_free);
  self->training = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self->model_dropdown, "notify::selected", G_CALLBACK (model_tooltip_cb), self);
  g_signal_connect (self->model2_dropdown, "notify::selected", G_CALLBACK (model_tooltip_cb), self);

  /* The flow box only wraps the groups of controls: its children are not stops of their own. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->controls_box)); child;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
  build_column (self, 0);
  build_column (self, 1);
  gtk_widget_set_visible (self->columns[1].box, FALSE);
  /* The second model is picked at the head of its own column, where it is compared. */
  g_object_ref (self->model2_box);
  gtk_box_remove (GTK_BOX (gtk_widget_get_parent (self->model2_box)), self->model2_box);
  gtk_widget_set_visible (GTK_WIDGET (self->columns[1].title), FALSE);
  gtk_box_prepend (GTK_BOX (self->columns[1].header), self->model2_box);
  gtk_widget_set_visible (self->model2_box, TRUE);
  g_object_unref (self->model2_box);
  {
    /* Both lists start at the same height, the dropdown's header being the taller. */
    g_autoptr(GtkSizeGroup) group = gtk_size_group_new (GTK_SIZE_GROUP_VERTICAL);
    gtk_size_group_add_widget (group, GTK_WIDGET (self->columns[0].title));
    gtk_size_group_add_widget (group, self->model2_box);
  }
  self->suggest_popover = build_suggest_popover (self);
  self->similar_popover = build_similar_popover (self);

  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate", G_CALLBACK (search_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "stop-search", G_CALLBACK (stop_search_cb), self, G_CONNECT_SWAPPED);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (search_key_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (search_focus_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), focus);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", FALSE);
  sd_recommendations_page_customer_actions_set_enabled (self, FALSE);
  g_signal_connect_object (self->stack, "notify::visible-child-name", G_CALLBACK (stack_child_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  stack_child_cb (self);
}
