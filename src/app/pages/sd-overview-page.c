/* sd-overview-page.c — the shop at a glance: KPIs, events, top products, imports
 *
 * The figures (sd-shop-summary.h) sum over whole tables, which on a large shop takes
 * longer than a frame, so an SdJob loads them on its own connection and the page shows
 * them when it is done.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-demo.h"
#include "sd-format.h"
#include "sd-import.h"
#include "sd-job.h"
#include "sd-overview-page.h"
#include "sd-shop-settings.h"
#include "sd-shop-summary.h"

#define TOP_N 10
#define HISTORY_N 8

/* A load in a job: the shop's path in, its summary out. */
typedef struct {
  char          *db_path;
  SdShopSummary *summary;
} Load;

static void
load_free (Load *load)
{
  g_free (load->db_path);
  g_clear_pointer (&load->summary, sd_shop_summary_free);
  g_free (load);
}

struct _SdOverviewPage
{
  GtkWidget        parent_instance;

  GtkStack        *stack;
  GtkSpinner      *spinner;
  AdwStatusPage   *error_page;
  GtkFlowBox      *kpis;
  GtkListBox      *events_list;
  GtkListBox      *top_list;
  GtkListBox      *imports_list;
  GtkToggleButton *by_revenue;
  GtkWidget       *demo_button;
  GtkWidget       *updating;
  GtkSpinner      *updating_spinner;
  GtkLabel        *shop_name;
  GtkLabel        *shop_facts;

  SdStore         *store;
  SdJob           *job;          /* the load in flight */
  SdShopSummary   *summary;      /* the last load's result */
};

G_DEFINE_FINAL_TYPE (SdOverviewPage, sd_overview_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- Worker ---------------------------------------------------------------------- */

static gboolean
load_summary (SdJob         *job,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  Load *load = data;
  g_autoptr(SdStore) store = sd_store_open (load->db_path, error);

  if (store == NULL)
    return FALSE;
  load->summary = sd_shop_summary_load (store, TOP_N, HISTORY_N, cancellable, error);
  return load->summary != NULL;
}

/* ---- Showing --------------------------------------------------------------------- */

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

static GtkWidget *
make_kpi (const char *caption,
          const char *value,
          const char *detail)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label;
  g_autofree char *accessible = g_strdup_printf ("%s: %s. %s", caption, value, detail);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "sd-kpi");

  label = gtk_label_new (caption);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (card), label);

  label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* Bounded natural width, so four cards share a line on a normal window. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 9);
  gtk_widget_set_tooltip_text (label, value);
  gtk_widget_add_css_class (label, "title-1");
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (card), label);

  label = gtk_label_new (detail);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
  gtk_widget_set_tooltip_text (label, detail);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (card), label);

  gtk_accessible_update_property (GTK_ACCESSIBLE (card),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return card;
}

static GtkWidget *
make_bar_row (const char *title,
              const char *subtitle,
              const char *value,
              double      fraction)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *bar = gtk_progress_bar_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle && *subtitle)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 1);

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar), CLAMP (fraction, 0, 1));
  gtk_widget_set_size_request (bar, 140, -1);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_width_chars (GTK_LABEL (label), 12);
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), label);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  return row;
}

static GtkWidget *
make_note_row (const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static void
show_kpis (SdOverviewPage *self,
           SdShopSummary  *s)
{
  g_autofree char *customers = sd_format_count (s->counts.customers);
  g_autofree char *products = sd_format_count (s->counts.products);
  g_autofree char *orders = sd_format_count (s->counts.orders);
  g_autofree char *revenue = sd_format_money_short (s->counts.revenue_cents, s->currency);
  g_autofree char *countries = NULL, *categories = NULL, *lines = NULL, *per_order = NULL;
  g_autofree char *avg = NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->kpis))))
    gtk_flow_box_remove (self->kpis, child);

  /* gettext cannot see through G_GINT64_FORMAT, so the counts are passed as long */
  countries = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "from %ld country",
                                            "from %ld countries", s->countries),
                               (long) s->countries);
  /* Online Retail's export has no categories: say so rather than "in 0 categories". */
  categories = s->categories == 0
               ? g_strdup (_("without categories"))
               : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %ld category",
                                               "in %ld categories", s->categories),
                                  (long) s->categories);
  {
    g_autofree char *n = sd_format_count (s->counts.order_lines);
    lines = g_strdup_printf (_("%s order lines"), n);
  }
  avg = sd_format_money (s->average_order_cents, s->currency);
  per_order = g_strdup_printf (_("%s per order"), avg);

  gtk_flow_box_append (self->kpis, make_kpi (_("Customers"), customers, countries));
  gtk_flow_box_append (self->kpis, make_kpi (_("Products"), products, categories));
  gtk_flow_box_append (self->kpis, make_kpi (_("Orders"), orders, lines));
  gtk_flow_box_append (self->kpis, make_kpi (_("Revenue"), revenue, per_order));

  /* Cards are not choices: the flow box children should not take focus. */
  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->kpis)); child;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
}

static void
show_events (SdOverviewPage *self,
             SdShopSummary  *s)
{
  gint64 total = 0, max = 0;

  clear_list (self->events_list);
  for (guint k = 0; k < SD_N_EVENT_KINDS; k++)
    {
      total += s->counts.events[k];
      max = MAX (max, s->counts.events[k]);
    }
  if (total == 0)
    {
      gtk_list_box_append (self->events_list,
                           make_note_row (_("No behaviour events yet: views, carts, purchases and reviews show here once imported.")));
      return;
    }
  for (guint k = 0; k < SD_N_EVENT_KINDS; k++)
    {
      g_autofree char *count = sd_format_count (s->counts.events[k]);
      g_autofree char *share = g_strdup_printf (_("%.1f %% of events"),
                                                100.0 * s->counts.events[k] / total);
      gtk_list_box_append (self->events_list,
                           make_bar_row (sd_format_event_kind (k), share, count,
                                         max ? (double) s->counts.events[k] / max : 0));
    }
}

static gint64
ranked_value (const SdTopProduct *product,
              gboolean            by_revenue)
{
  return by_revenue ? product->revenue_cents : product->units;
}

static void
show_top (SdOverviewPage *self)
{
  SdShopSummary *s = self->summary;
  gboolean by_revenue = gtk_toggle_button_get_active (self->by_revenue);
  GPtrArray *items;
  gint64 max;

  clear_list (self->top_list);
  if (s == NULL)
    return;
  items = by_revenue ? s->top_by_revenue : s->top_by_units;
  if (items->len == 0)
    {
      gtk_list_box_append (self->top_list,
                           make_note_row (_("No orders yet: products rank here once orders are imported.")));
      return;
    }
  max = ranked_value (g_ptr_array_index (items, 0), by_revenue);
  for (guint i = 0; i < items->len; i++)
    {
      SdTopProduct *item = g_ptr_array_index (items, i);
      g_autofree char *value = by_revenue ? sd_format_money (item->revenue_cents, s->currency)
                                          : sd_format_count (item->units);
      g_autofree char *title = g_strdup_printf ("%u. %s", i + 1, item->title ? item->title : "");
      gtk_list_box_append (self->top_list,
                           make_bar_row (title, item->category, value,
                                         max > 0 ? (double) ranked_value (item, by_revenue) / max : 0));
    }
}

static void
rank_toggled_cb (SdOverviewPage *self)
{
  show_top (self);
}

static void
show_imports (SdOverviewPage *self,
              SdShopSummary  *s)
{
  clear_list (self->imports_list);
  if (s->recent_imports->len == 0)
    {
      gtk_list_box_append (self->imports_list,
                           make_note_row (_("No imports yet: this shop's data did not come from a file import.")));
      return;
    }
  for (guint i = 0; i < s->recent_imports->len; i++)
    {
      SdImportRecord *item = g_ptr_array_index (s->recent_imports, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *base = g_path_get_basename (item->file ? item->file : "");
      g_autofree char *when = sd_format_time (item->finished_at);
      SdImportFormat format;
      const char *format_label = item->format && sd_import_format_from_string (item->format, &format)
                                 ? sd_import_format_get_label (format) : item->format;
      g_autofree char *subtitle = g_strdup_printf ("%s · %s", format_label ? format_label : "", when);
      g_autofree char *rows = sd_format_count (item->rows_imported);
      g_autofree char *rows_text = g_strdup_printf (_("%s rows"), rows);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      GtkWidget *label = gtk_label_new (rows_text);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), base);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_tooltip_text (row, item->file);
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
      gtk_box_append (GTK_BOX (box), label);
      if (item->rows_rejected > 0)
        {
          g_autofree char *rejected = sd_format_count (item->rows_rejected);
          g_autofree char *text = g_strdup_printf (_("%s rejected"), rejected);
          label = gtk_label_new (text);
          gtk_label_set_xalign (GTK_LABEL (label), 1);
          gtk_widget_add_css_class (label, "numeric");
          gtk_widget_add_css_class (label, "caption");
          gtk_widget_add_css_class (label, "warning");
          gtk_box_append (GTK_BOX (box), label);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
      gtk_list_box_append (self->imports_list, row);
    }
}

static void
show_summary (SdOverviewPage *self)
{
  SdShopSummary *s = self->summary;

  if (sd_shop_summary_is_empty (s))
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  show_kpis (self, s);
  show_events (self, s);
  show_top (self);
  show_imports (self, s);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

/* The shop's own name and currency (Shop Settings), above its figures. */
static void
show_shop_header (SdOverviewPage *self)
{
  const char *key = g_str_has_prefix (g_get_language_names ()[0], "zh") ? "shop.name.zh_CN" : "shop.name.en";
  g_autofree char *name = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *zone = NULL;
  g_autoptr(GString) facts = g_string_new (NULL);

  if (self->store == NULL)
    return;
  name = sd_store_get_setting (self->store, key);
  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = sd_store_get_setting (self->store, "shop.name.en");
    }
  if (name == NULL || *name == '\0')
    {
      g_free (name);
      name = g_path_get_basename (sd_store_get_path (self->store));
      /* "or.sqlite" reads as "or" */
      if (strrchr (name, '.') && strrchr (name, '.') != name)
        *strrchr (name, '.') = '\0';
    }
  gtk_label_set_text (self->shop_name, name);

  currency = sd_shop_currency (self->store);
  zone = sd_store_get_setting (self->store, "shop.timezone");
  if (currency)
    /* TRANSLATORS: the shop's currency under its name: "Pound Sterling (GBP)" */
    g_string_append_printf (facts, _("%s (%s)"), sd_currency_name (currency) ? sd_currency_name (currency) : currency, currency);
  else
    g_string_append (facts, _("No currency set"));
  g_string_append (facts, " · ");
  g_string_append (facts, zone && *zone ? zone : _("UTC"));
  gtk_label_set_text (self->shop_facts, facts->str);
}

static void reload (SdOverviewPage *self);

static void
settings_changed_cb (SdOverviewPage *self)
{
  show_shop_header (self);
  reload (self);   /* the figures in the new currency */
}

static void
load_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdOverviewPage) self = user_data;
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job != self->job)
    return;   /* a newer load replaced this one */
  g_clear_object (&self->job);
  gtk_spinner_stop (self->spinner);
  gtk_spinner_stop (self->updating_spinner);
  gtk_widget_set_visible (self->updating, FALSE);

  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
    }
  else
    {
      Load *load = sd_job_get_data (job);
      g_clear_pointer (&self->summary, sd_shop_summary_free);
      /* Steal the summary from the job: it frees only what is left in its data. */
      self->summary = g_steal_pointer (&load->summary);
      show_summary (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
reload (SdOverviewPage *self)
{
  Load *load;

  if (self->job)
    {
      sd_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  if (self->store == NULL)
    {
      /* No shop yet (the demo shop is being made on first start): say that it is coming. */
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
      return;
    }

  load = g_new0 (Load, 1);
  load->db_path = g_strdup (sd_store_get_path (self->store));
  self->job = sd_job_new (_("Shop overview"), load_summary, load, (GDestroyNotify) load_free);
  /* Keep showing the old figures while new ones come; only a first load shows a spinner. */
  if (self->summary == NULL)
    {
      gtk_spinner_start (self->spinner);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }
  else
    {
      gtk_spinner_start (self->updating_spinner);
      gtk_widget_set_visible (self->updating, TRUE);
    }
  sd_job_run_async (self->job, load_done_cb, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

SdStore *
sd_overview_page_get_store (SdOverviewPage *self)
{
  g_return_val_if_fail (SD_IS_OVERVIEW_PAGE (self), NULL);
  return self->store;
}

void
sd_overview_page_set_store (SdOverviewPage *self,
                            SdStore        *store)
{
  g_return_if_fail (SD_IS_OVERVIEW_PAGE (self));

  if (self->store == store)
    return;
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (store)
    {
      g_signal_connect_object (store, "changed::" SD_STORE_CHANGED_DATA, G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (store, "changed::" SD_STORE_CHANGED_SETTINGS, G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
    }
  g_clear_pointer (&self->summary, sd_shop_summary_free);
  show_shop_header (self);
  if (store)
    {
      /* Offering the demo shop on the (empty) demo shop itself would do nothing. */
      g_autofree char *demo = sd_demo_default_path ();
      gtk_widget_set_visible (self->demo_button, g_strcmp0 (demo, sd_store_get_path (store)) != 0);
    }
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
sd_overview_page_get_loading (SdOverviewPage *self)
{
  g_return_val_if_fail (SD_IS_OVERVIEW_PAGE (self), FALSE);
  return self->job != NULL;
}

static void
sd_overview_page_dispose (GObject *object)
{
  SdOverviewPage *self = SD_OVERVIEW_PAGE (object);

  if (self->job)
    sd_job_cancel (self->job);
  g_clear_object (&self->job);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->summary, sd_shop_summary_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_OVERVIEW_PAGE);
  /* dispose_template leaves the unnamed top child in place: unparent whatever is left. */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (sd_overview_page_parent_class)->dispose (object);
}

static void
sd_overview_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SdOverviewPage *self = SD_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->job != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_overview_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  SdOverviewPage *self = SD_OVERVIEW_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sd_overview_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_overview_page_class_init (SdOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_overview_page_dispose;
  object_class->get_property = sd_overview_page_get_property;
  object_class->set_property = sd_overview_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/sd-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, kpis);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, events_list);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, top_list);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, imports_list);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, by_revenue);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, demo_button);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, updating);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, updating_spinner);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, shop_name);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, shop_facts);
  gtk_widget_class_bind_template_callback (widget_class, rank_toggled_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
sd_overview_page_init (SdOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_spinner_start (self->spinner);
}
