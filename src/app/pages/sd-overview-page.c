/* sd-overview-page.c — the shop at a glance: figures over a date range, sales over time,
 * events, top products, imports
 *
 * The figures (sd-shop-summary.h) sum over whole tables, which on a large shop takes
 * longer than a frame, so an SdJob loads them on its own connection and the page shows
 * them when it is done. Choosing another range loads them again the same way.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-demo.h"
#include "sd-format.h"
#include "sd-import.h"
#include "sd-job-result.h"
#include "sd-kpi-card.h"
#include "sd-list-rows.h"
#include "sd-dp-export.h"
#include "sd-overview-page.h"
#include "sd-product-window.h"
#include "sd-shop-settings.h"
#include "sd-shop-summary.h"
#include "sd-time-chart.h"

#define TOP_N 10
#define HISTORY_N 8

/* A load in a job: the shop's path in, its summary out. */
typedef struct {
  char          *db_path;
  SdRange        range;
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
  GtkLabel        *range_label;
  GtkDropDown     *range_dropdown;
  GtkBox          *figures_box;
  GtkLabel        *shop_label;
  GtkToggleButton *chart_revenue;
  SdTimeChart     *chart;
  GtkLabel        *chart_note;
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
  GSettings       *settings;     /* keeps the range chosen; NULL without the schema */
  SdRange          range;        /* the one chosen */
  guint            choice;       /* the dropdown's item for it, to go back to when Custom… is cancelled */
  gboolean          stale;      /* a shop given while hidden: loaded when shown */
};

/* The range dropdown's items, in the order of the template. */
enum {
  CHOICE_30_DAYS,
  CHOICE_90_DAYS,
  CHOICE_12_MONTHS,
  CHOICE_ALL,
  CHOICE_CUSTOM,
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
  load->summary = sd_shop_summary_load_range (store, &load->range, TOP_N, HISTORY_N, cancellable, error);
  return load->summary != NULL;
}

/* ---- Showing --------------------------------------------------------------------- */

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

/* "previous 30 days", the period a figure is compared with. */
static char *
previous_name (const SdShopSummary *s)
{
  gint64 days = (s->previous_to - s->previous_from + SD_SECONDS_PER_DAY - 1) / SD_SECONDS_PER_DAY;

  switch (s->range_kind)
    {
    case SD_RANGE_LAST_12_MONTHS:
      return g_strdup (_("previous 12 months"));
    default:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "previous %ld day", "previous %ld days", days),
                              (long) days);
    }
}

/* "+12 % vs previous 30 days" and whether that is up or down; for All time, what the
 * figure counts (@meaning). */
static char *
compare (const SdShopSummary  *s,
         gint64                now,
         gint64                before,
         const char           *meaning,
         const char          **css_class)
{
  g_autofree char *previous = NULL;
  double change;

  *css_class = NULL;
  if (!s->has_previous)
    return g_strdup (meaning);
  previous = previous_name (s);
  if (before == 0)
    /* TRANSLATORS: %s is "previous 30 days" */
    return now == 0 ? g_strdup_printf (_("none, as in the %s"), previous)
                    : g_strdup_printf (_("none in the %s"), previous);
  change = 100.0 * (double) (now - before) / (double) llabs (before);
  if (fabs (change) < 0.5)
    /* TRANSLATORS: %s is "previous 30 days" */
    return g_strdup_printf (_("same as the %s"), previous);
  *css_class = change > 0 ? "success" : "error";
  /* TRANSLATORS: "+12 % vs previous 30 days" */
  return g_strdup_printf (_("%+.0f %% vs %s"), change, previous);
}

static GtkWidget *
make_figures (SdOverviewPage          *self,
              const SdShopSummary     *s,
              const SdCurrencyFigures *c)
{
  GtkWidget *box = gtk_flow_box_new ();
  const SdFigures *now = &c->now, *before = &c->before;
  const char *css;
  GtkWidget *child;

  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (box), GTK_SELECTION_NONE);
  /* Cards are not controls: a flow box would keep Tab on its first card, which cannot take
   * it, so Tab passes the figures by. */
  gtk_widget_set_can_focus (box, FALSE);
  gtk_flow_box_set_homogeneous (GTK_FLOW_BOX (box), TRUE);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (box), 2);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (box), 5);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (box), 8);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (box), 12);

  {
    g_autofree char *value = sd_format_money_short (now->revenue_cents, c->currency);
    g_autofree char *detail = compare (s, now->revenue_cents, before->revenue_cents,
                                       _("net merchandise sales"), &css);
    gtk_flow_box_append (GTK_FLOW_BOX (box), sd_kpi_card_new (_("Revenue"), value, detail, css));
  }
  {
    g_autofree char *value = sd_format_count (now->orders_counted);
    g_autofree char *detail = compare (s, now->orders_counted, before->orders_counted,
                                       _("sales of merchandise"), &css);
    gtk_flow_box_append (GTK_FLOW_BOX (box), sd_kpi_card_new (_("Orders"), value, detail, css));
  }
  {
    g_autofree char *value = sd_format_money (now->average_order_cents, c->currency);
    g_autofree char *detail = compare (s, now->average_order_cents, before->average_order_cents,
                                       _("revenue per order"), &css);
    gtk_flow_box_append (GTK_FLOW_BOX (box), sd_kpi_card_new (_("Average Order"), value, detail, css));
  }
  {
    g_autofree char *value = sd_format_count (now->units);
    g_autofree char *detail = compare (s, now->units, before->units, _("net of returns"), &css);
    gtk_flow_box_append (GTK_FLOW_BOX (box), sd_kpi_card_new (_("Units Sold"), value, detail, css));
  }
  {
    g_autofree char *value = sd_format_count (now->customers_active);
    g_autofree char *detail = compare (s, now->customers_active, before->customers_active,
                                       _("with an order counted"), &css);
    gtk_flow_box_append (GTK_FLOW_BOX (box), sd_kpi_card_new (_("Active Customers"), value, detail, css));
  }

  /* Cards are not choices: the flow box children should not take focus. */
  for (child = gtk_widget_get_first_child (box); child; child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
  return box;
}

/* "Last 30 days to 9 Dec 2011, the newest order". */
static char *
range_text (const SdShopSummary *s)
{
  g_autofree char *newest = sd_time_format_date (s->newest_order_at);
  g_autofree char *first = sd_time_format_date (s->shown_from);
  g_autofree char *last = sd_time_format_date (s->shown_to - 1);

  if (s->shown_to <= s->shown_from)
    return g_strdup (_("No orders counted yet"));
  switch (s->range_kind)
    {
    case SD_RANGE_LAST_30_DAYS:
      return g_strdup_printf (_("Last 30 days to %s, the newest order"), newest);
    case SD_RANGE_LAST_90_DAYS:
      return g_strdup_printf (_("Last 90 days to %s, the newest order"), newest);
    case SD_RANGE_LAST_12_MONTHS:
      return g_strdup_printf (_("Last 12 months to %s, the newest order"), newest);
    case SD_RANGE_CUSTOM:
      /* TRANSLATORS: a range of days, both counted: "1 Nov 2011 to 30 Nov 2011" */
      return g_strdup_printf (_("%s to %s"), first, last);
    case SD_RANGE_ALL:
    default:
      return g_strdup_printf (_("All time: %s to %s, the newest order"), first, last);
    }
}

static void
show_figures (SdOverviewPage *self,
              SdShopSummary  *s)
{
  g_autofree char *range = range_text (s);
  g_autofree char *customers = sd_format_count (s->counts.customers);
  g_autofree char *products = sd_format_count (s->counts.products);
  g_autofree char *orders = sd_format_count (s->counts.orders);
  g_autofree char *lines = sd_format_count (s->counts.order_lines);
  g_autofree char *who = NULL, *what = NULL, *sold = NULL, *shop = NULL;
  GtkWidget *child;

  gtk_label_set_text (self->range_label, range);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->figures_box))))
    gtk_box_remove (self->figures_box, child);
  for (guint i = 0; i < s->currencies->len; i++)
    {
      const SdCurrencyFigures *c = g_ptr_array_index (s->currencies, i);

      /* One set of figures per currency, never added up: each says which it is in. */
      if (s->currencies->len > 1)
        {
          g_autofree char *heading = i == 0
                                     ? g_strdup_printf (_("In %s, the shop's currency"), c->currency ? c->currency : "—")
                                     : g_strdup_printf (_("In %s"), c->currency ? c->currency : "—");
          GtkWidget *label = gtk_label_new (heading);
          gtk_label_set_xalign (GTK_LABEL (label), 0);
          gtk_widget_add_css_class (label, "heading");
          gtk_box_append (self->figures_box, label);
        }
      gtk_box_append (self->figures_box, make_figures (self, s, c));
    }

  /* gettext cannot see through G_GINT64_FORMAT, so the counts are passed as long */
  /* TRANSLATORS: "4,372 customers from 37 countries" */
  who = s->countries == 0
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customer", "%s customers", (gulong) s->counts.customers),
                           customers)
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s customers from %ld country",
                                        "%s customers from %ld countries", s->countries),
                           customers, (long) s->countries);
  /* Online Retail's export has no categories: say so rather than "in 0 categories". */
  what = s->categories == 0
         ? g_strdup_printf (_("%s products without categories"), products)
         : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s products in %ld category",
                                         "%s products in %ld categories", s->categories),
                            products, (long) s->categories);
  sold = g_strdup_printf (_("%s orders of %s lines"), orders, lines);
  /* TRANSLATORS: the whole shop, whatever the range: customers · products · orders */
  shop = g_strdup_printf (_("In the whole shop: %s · %s · %s"), who, what, sold);
  gtk_label_set_text (self->shop_label, shop);
}

/* Under the chart, the bars the range counts in part, so that the last month of an export
 * ending on the 9th does not read as a slump: "December 2011: 9 of its 31 days". */
static void
show_chart_note (SdOverviewPage *self)
{
  SdShopSummary *s = self->summary;
  g_autoptr(GString) list = g_string_new (NULL);
  g_autofree char *note = NULL;

  for (guint i = 0; i < s->series->len; i++)
    {
      gint64 start = g_array_index (s->series, SdShopBucket, i).start;
      guint whole = 0, days = sd_time_bucket_days_within (s->bucket, start, s->shown_from, s->shown_to, &whole);
      g_autofree char *label = NULL;

      if (days >= whole)
        continue;
      label = sd_time_bucket_label (s->bucket, start);
      if (list->len > 0)
        /* TRANSLATORS: between the partly counted bars of the chart's note */
        g_string_append (list, C_("partial bars", "; "));
      /* TRANSLATORS: a partly counted bar: "December 2011: 9 of its 31 days" */
      g_string_append_printf (list, g_dngettext (GETTEXT_PACKAGE, "%s: %u of its %u days",
                                                 "%s: %u of its %u days", whole),
                              label, days, whole);
    }
  if (list->len > 0)
    note = s->bucket == SD_TIME_BUCKET_WEEK
           /* TRANSLATORS: under the chart; %s lists the weeks, "Week of 5 Dec 2011: 5 of its 7 days" */
           ? g_strdup_printf (_("Lighter bars are weeks the range covers only in part (%s)."), list->str)
           /* TRANSLATORS: under the chart; %s lists the months, "December 2011: 9 of its 31 days" */
           : g_strdup_printf (_("Lighter bars are months the range covers only in part (%s)."), list->str);
  gtk_label_set_text (self->chart_note, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->chart_note), note != NULL);
}

static void
show_chart (SdOverviewPage *self)
{
  SdShopSummary *s = self->summary;
  gboolean revenue = gtk_toggle_button_get_active (self->chart_revenue);
  g_autofree gint64 *starts = NULL, *values = NULL;
  g_autofree char *title = NULL;
  const char *per;

  if (s == NULL)
    return;
  starts = g_new (gint64, MAX (1, s->series->len));
  values = g_new (gint64, MAX (1, s->series->len));
  for (guint i = 0; i < s->series->len; i++)
    {
      const SdShopBucket *b = &g_array_index (s->series, SdShopBucket, i);
      starts[i] = b->start;
      values[i] = revenue ? b->revenue_cents : b->orders_counted;
    }
  per = s->bucket == SD_TIME_BUCKET_DAY ? _("per day")
        : s->bucket == SD_TIME_BUCKET_WEEK ? _("per week") : _("per month");
  /* TRANSLATORS: "Revenue per week (GBP)", "Orders per day" */
  title = revenue && s->currency ? g_strdup_printf (_("Revenue %s (%s)"), per, s->currency)
          : revenue ? g_strdup_printf (_("Revenue %s"), per)
          : g_strdup_printf (_("Orders %s"), per);
  sd_time_chart_set_y_title (self->chart, title);
  sd_time_chart_set_bars (self->chart, s->bucket, starts, values, s->series->len, revenue, s->currency);
  sd_time_chart_set_shown (self->chart, s->shown_from, s->shown_to);
  show_chart_note (self);
}

static void
chart_toggled_cb (SdOverviewPage *self)
{
  show_chart (self);
}

static void
show_events (SdOverviewPage *self,
             SdShopSummary  *s)
{
  gint64 total = 0, max = 0;
  g_autoptr(GString) missing = g_string_new (NULL);
  guint n_missing = 0;

  sd_list_box_remove_all (self->events_list);
  for (guint k = 0; k < SD_N_EVENT_KINDS; k++)
    {
      total += s->counts.events[k];
      max = MAX (max, s->counts.events[k]);
    }
  if (total == 0)
    {
      gtk_list_box_append (self->events_list,
                           sd_note_row_new (_("No behaviour events yet: views, carts, purchases and reviews show here once imported.")));
      return;
    }
  /* A kind the shop's data never has (an order export has only purchases) is no 0 % of
   * anything: its row is left out, and one line says why. */
  for (guint k = 0; k < SD_N_EVENT_KINDS; k++)
    {
      g_autofree char *count = NULL, *share = NULL;

      if (s->counts.events[k] == 0)
        {
          /* TRANSLATORS: between the names of event kinds in a list: "View, Review" */
          g_string_append_printf (missing, "%s%s", n_missing++ ? C_("between event kinds", ", ") : "",
                                  sd_format_event_kind (k));
          continue;
        }
      count = sd_format_count (s->counts.events[k]);
      share = g_strdup_printf (_("%.1f %% of events"), 100.0 * s->counts.events[k] / total);
      gtk_list_box_append (self->events_list,
                           make_bar_row (sd_format_event_kind (k), share, count,
                                         max ? (double) s->counts.events[k] / max : 0));
    }
  if (n_missing == SD_N_EVENT_KINDS - 1 && s->counts.events[SD_EVENT_PURCHASE] > 0)
    gtk_list_box_append (self->events_list,
                         sd_note_row_new (_("This shop's data has purchases only: it records no views, carts or reviews.")));
  else if (n_missing > 0)
    {
      /* TRANSLATORS: %s lists event kinds: "View, Review" */
      g_autofree char *note = g_strdup_printf (_("Not in this shop's data: %s."), missing->str);
      gtk_list_box_append (self->events_list, sd_note_row_new (note));
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

  sd_list_box_remove_all (self->top_list);
  if (s == NULL)
    return;
  items = by_revenue ? s->top_by_revenue : s->top_by_units;
  if (items->len == 0)
    {
      gtk_list_box_append (self->top_list,
                           sd_note_row_new (_("No orders yet: products rank here once orders are imported.")));
      return;
    }
  max = ranked_value (g_ptr_array_index (items, 0), by_revenue);
  for (guint i = 0; i < items->len; i++)
    {
      SdTopProduct *item = g_ptr_array_index (items, i);
      g_autofree char *value = by_revenue ? sd_format_money (item->revenue_cents, s->currency)
                                          : sd_format_count (item->units);
      g_autofree char *title = g_strdup_printf ("%u. %s", i + 1, item->title ? item->title : "");
      GtkWidget *row = make_bar_row (title, item->category, value,
                                     max > 0 ? (double) ranked_value (item, by_revenue) / max : 0);

      /* A product opens its own view: sales over time, buyers, similar items. */
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_widget_set_tooltip_text (row, _("Open the product"));
      g_object_set_data_full (G_OBJECT (row), "product-id", g_memdup2 (&item->product_id, sizeof (gint64)), g_free);
      gtk_list_box_append (self->top_list, row);
    }
}

static void
rank_toggled_cb (SdOverviewPage *self)
{
  show_top (self);
}

static void
top_activated_cb (SdOverviewPage *self,
                  GtkListBoxRow  *row)
{
  const gint64 *product_id = g_object_get_data (G_OBJECT (row), "product-id");

  if (product_id && self->store)
    sd_product_window_show (GTK_WIDGET (self), self->store, *product_id);
}

static void
show_imports (SdOverviewPage *self,
              SdShopSummary  *s)
{
  sd_list_box_remove_all (self->imports_list);
  if (s->recent_imports->len == 0)
    {
      gtk_list_box_append (self->imports_list,
                           sd_note_row_new (_("No imports yet: this shop's data did not come from a file import.")));
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
  show_figures (self, s);
  show_chart (self);
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

  if (job != self->job)
    {
      sd_job_run_finish (job, result, NULL);   /* a newer load replaced this one */
      return;
    }
  g_clear_object (&self->job);
  gtk_spinner_stop (self->spinner);
  gtk_spinner_stop (self->updating_spinner);
  gtk_widget_set_visible (self->updating, FALSE);

  if (sd_job_result_show (job, result, self->stack, self->error_page))
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
  load->range = self->range;
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

/* ---- The range ---------------------------------------------------------------------- */

static void
select_day (GtkCalendar *calendar,
            gint64       t)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (t);

  if (utc)
    gtk_calendar_select_day (calendar, utc);
}

/* The start of the day a calendar shows selected, read as a UTC date like every order. */
static gint64
calendar_day (GtkCalendar *calendar)
{
  g_autoptr(GDateTime) local = gtk_calendar_get_date (calendar);
  g_autoptr(GDateTime) utc = NULL;
  int y, m, d;

  g_date_time_get_ymd (local, &y, &m, &d);
  utc = g_date_time_new_utc (y, m, d, 0, 0, 0);
  return g_date_time_to_unix (utc);
}

static guint
choice_of (SdRangeKind kind)
{
  static const guint choices[] = {
    [SD_RANGE_ALL] = CHOICE_ALL,
    [SD_RANGE_LAST_30_DAYS] = CHOICE_30_DAYS,
    [SD_RANGE_LAST_90_DAYS] = CHOICE_90_DAYS,
    [SD_RANGE_LAST_12_MONTHS] = CHOICE_12_MONTHS,
    [SD_RANGE_CUSTOM] = CHOICE_CUSTOM,
  };

  return choices[kind];
}

/* Shows @self->range in the menu and keeps it for the next start. */
static void
choose (SdOverviewPage *self)
{
  guint choice = choice_of (self->range.kind);

  /* Going back to the previous item must not open the dialog again. */
  g_signal_handlers_block_matched (self->range_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  gtk_drop_down_set_selected (self->range_dropdown, choice);
  g_signal_handlers_unblock_matched (self->range_dropdown, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  self->choice = choice;
  if (self->settings)
    {
      g_autofree char *text = sd_range_to_string (&self->range);
      g_settings_set_string (self->settings, "overview-range", text);
    }
}

static void
custom_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    SdOverviewPage   *self)
{
  GtkCalendar *first = g_object_get_data (G_OBJECT (dialog), "first");
  GtkCalendar *last = g_object_get_data (G_OBJECT (dialog), "last");
  gint64 a, b;

  if (g_strcmp0 (response, "apply") != 0)
    {
      choose (self);
      return;
    }
  a = calendar_day (first);
  b = calendar_day (last);
  /* Days picked the wrong way round still name one range. */
  if (b < a)
    {
      gint64 t = a;
      a = b;
      b = t;
    }
  self->range = (SdRange) { SD_RANGE_CUSTOM, a, b + SD_SECONDS_PER_DAY };
  choose (self);
  reload (self);
}

static GtkWidget *
labelled_calendar (const char   *title,
                   GtkCalendar **out)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *calendar = gtk_calendar_new ();

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (calendar), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), calendar);
  *out = GTK_CALENDAR (calendar);
  return box;
}

static void
ask_custom_range (SdOverviewPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Custom Range"),
                                              _("The figures count the orders placed from the first day to the last, both included (UTC)."));
  GtkWidget *days = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 18);
  GtkCalendar *first, *last;
  SdShopSummary *s = self->summary;

  gtk_widget_set_halign (days, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (days), labelled_calendar (_("First Day"), &first));
  gtk_box_append (GTK_BOX (days), labelled_calendar (_("Last Day"), &last));
  if (s && s->shown_to > s->shown_from)
    {
      select_day (first, s->shown_from);
      select_day (last, s->shown_to - 1);
    }
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), days);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "apply", _("_Apply"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "apply", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "apply");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "first", first);
  g_object_set_data (G_OBJECT (dialog), "last", last);
  g_signal_connect_object (dialog, "response", G_CALLBACK (custom_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
range_selected_cb (SdOverviewPage *self)
{
  static const SdRangeKind kinds[] = {
    [CHOICE_30_DAYS] = SD_RANGE_LAST_30_DAYS,
    [CHOICE_90_DAYS] = SD_RANGE_LAST_90_DAYS,
    [CHOICE_12_MONTHS] = SD_RANGE_LAST_12_MONTHS,
    [CHOICE_ALL] = SD_RANGE_ALL,
  };
  guint choice = gtk_drop_down_get_selected (self->range_dropdown);

  if (choice == CHOICE_CUSTOM)
    {
      ask_custom_range (self);
      return;
    }
  if (choice >= G_N_ELEMENTS (kinds))
    return;
  self->range = (SdRange) { kinds[choice], 0, 0 };
  choose (self);
  reload (self);
}

void
sd_overview_page_set_range (SdOverviewPage *self,
                            const SdRange  *range)
{
  g_return_if_fail (SD_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (range != NULL && range->kind <= SD_RANGE_CUSTOM);
  g_return_if_fail (range->kind != SD_RANGE_CUSTOM || range->from < range->to);

  self->range = *range;
  choose (self);
  reload (self);
}

/* A shop opened on another page: its figures wait until this one shows, rather than
 * taking a core from the page on screen. */
static void
reload_when_shown (SdOverviewPage *self)
{
  self->stale = self->store != NULL && !gtk_widget_get_mapped (GTK_WIDGET (self));
  if (self->stale)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  else
    reload (self);
}

static void
sd_overview_page_map (GtkWidget *widget)
{
  SdOverviewPage *self = SD_OVERVIEW_PAGE (widget);

  GTK_WIDGET_CLASS (sd_overview_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      reload (self);
    }
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
      g_signal_connect_object (store, "changed::" SD_STORE_CHANGED_DATA, G_CALLBACK (reload_when_shown), self, G_CONNECT_SWAPPED);
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
  reload_when_shown (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
sd_overview_page_get_loading (SdOverviewPage *self)
{
  g_return_val_if_fail (SD_IS_OVERVIEW_PAGE (self), FALSE);
  return self->job != NULL || self->stale;
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
  g_clear_object (&self->settings);
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

static SdDpReport *
release_shop (SdStore            *store,
              const SdDpOptions  *options,
              gpointer            data,
              GError            **error)
{
  return sd_dp_report_shop (store, options, error);
}

static void
export_private_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SdOverviewPage *self = SD_OVERVIEW_PAGE (widget);

  if (self->store == NULL)
    return;
  /* TRANSLATORS: the suggested file name of the shop's figures released with differential privacy */
  sd_dp_export_start (widget, sd_store_get_path (self->store), _("shop-figures-private.json"),
                      release_shop, NULL, NULL);
}

static void
sd_overview_page_class_init (SdOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_overview_page_dispose;
  widget_class->map = sd_overview_page_map;
  object_class->get_property = sd_overview_page_get_property;
  object_class->set_property = sd_overview_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SD_TYPE_TIME_CHART);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/ui/sd-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, range_label);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, range_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, figures_box);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, shop_label);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, chart_revenue);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, chart);
  gtk_widget_class_bind_template_child (widget_class, SdOverviewPage, chart_note);
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
  gtk_widget_class_bind_template_callback (widget_class, top_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, chart_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, range_selected_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_install_action (widget_class, "overview.export-private", NULL, export_private_action);
}

static void
sd_overview_page_init (SdOverviewPage *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;

  self->range = (SdRange) { SD_RANGE_ALL, 0, 0 };
  self->choice = CHOICE_ALL;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_spinner_start (self->spinner);

  /* The range chosen last time, when the schema is installed (it is not in some tests). */
  if (schema && g_settings_schema_has_key (schema, "overview-range"))
    {
      g_autofree char *text = NULL;

      self->settings = g_settings_new (APP_ID);
      text = g_settings_get_string (self->settings, "overview-range");
      if (!sd_range_from_string (text, &self->range))
        self->range = (SdRange) { SD_RANGE_ALL, 0, 0 };
      choose (self);
    }
}
