/* sd-customers-page.c — similarity heatmap and map of taste of the shop's customers
 *
 * Everything is computed by sd_segments_job_new() in a worker; this file only shows the
 * result, and saves audiences and names the merchandiser asks for. The maps are computed lazily: when the page is first shown, and again when
 * the shop changes while it is on screen (a change while hidden marks it stale).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sd-customers-page.h"
#include "sd-dp-export.h"
#include "sd-format.h"
#include "sd-heatmap.h"
#include "sd-rfm-grid.h"
#include "sd-scatter.h"
#include "sd-page-host.h"
#include "sd-audience.h"
#include "sd-segments.h"
#include "sd-shop-summary.h"
#include "sd-summary.h"

struct _SdCustomersPage
{
  GtkWidget       parent_instance;

  GtkStack       *stack;
  GtkSpinner     *spinner;
  GtkLabel       *loading_label;
  GtkLabel       *loading_title;
  GtkProgressBar *loading_bar;
  AdwStatusPage  *error_page;
  GtkLabel       *summary_label;
  GtkDropDown    *source_dropdown;
  SdHeatmap      *heatmap;
  GtkLabel       *heat_caption;
  GtkDropDown    *colour_dropdown;
  SdScatter      *scatter;
  GtkLabel       *map_caption;
  GtkLabel       *agreement_label;
  GtkBox         *profiles_box;
  GtkBox         *rfm_box;
  SdRfmGrid      *rfm_grid;
  GtkLabel       *rfm_note;       /* why a frequency row is empty, when one is */

  SdStore        *store;
  SdJob          *job;
  SdSegments     *segments;
  SdCustomerMap  *map;           /* segments->map */
  char           *currency;
  gboolean        stale;
  gboolean        updating;
  /* The stored ALS model was asked for and none fits the shop: the source menu shows the
   * model made for the map, which is what the map is drawn from. */
  gboolean        fell_back;
  GPtrArray      *colour_ids;   /* dropdown position → colouring id */
};

G_DEFINE_FINAL_TYPE (SdCustomersPage, sd_customers_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_job (SdCustomersPage *self);
static void show_segments (SdCustomersPage *self);
static void show_customer (SdCustomersPage *self, const char *external_id);

static GtkWindow *
get_window (SdCustomersPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  return SD_IS_PAGE_HOST (root) ? GTK_WINDOW (root) : NULL;
}

static const char *
colouring_title (const char *id)
{
  if (g_str_equal (id, "segment"))
    return _("Segment");
  if (g_str_equal (id, "country"))
    return _("Country");
  if (g_str_equal (id, "cluster"))
    return _("k-Means Cluster");
  if (g_str_equal (id, "taste-group"))
    return _("Taste Group");
  return id;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* The generated name in the UI's language. */
static const char *
ui_name (SdSegmentProfile *p)
{
  const char *lang = g_getenv ("LANGUAGE");
  const char *const *names = g_get_language_names ();
  gboolean zh = lang && *lang ? g_str_has_prefix (lang, "zh") : names[0] && g_str_has_prefix (names[0], "zh");
  return zh ? p->name_zh : p->name_en;
}

/* ---- Showing the result ----------------------------------------------------------- */

static void
show_colouring (SdCustomersPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->colour_dropdown);
  SdCustomerColouring *colouring;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) names = NULL;

  if (self->map == NULL || self->map->n_points == 0 || selected >= self->colour_ids->len)
    return;
  colouring = sd_customer_map_get_colouring (self->map, g_ptr_array_index (self->colour_ids, selected));
  if (colouring == NULL)
    return;

  for (guint i = 0; colouring->names[i]; i++)
    {
      const char *name = colouring->names[i];
      if (*name == '\0')
        g_strv_builder_add (builder, _("Not set"));
      else if (g_str_equal (name, "other") && !g_str_equal (colouring->id, "taste-group"))
        g_strv_builder_add (builder, _("Other"));
      else if (g_str_equal (colouring->id, "segment"))
        g_strv_builder_add (builder, sd_format_segment (name));
      else if (g_str_equal (colouring->id, "country"))
        g_strv_builder_add (builder, sd_format_country (name));
      else
        g_strv_builder_add (builder, name);
    }
  names = g_strv_builder_end (builder);
  sd_scatter_set_points (self->scatter, self->map->x, self->map->y, colouring->values,
                         (const char * const *) self->map->labels, self->map->n_points);
  sd_scatter_set_categories (self->scatter, (const char * const *) names);

  /* Clusters named where they are: at the median of their points, which sits inside the
   * blob even when a few members stray. */
  if (g_str_equal (colouring->id, "cluster"))
    {
      guint k = g_strv_length (names);
      g_autofree double *nx = g_new (double, MAX (k, 1));
      g_autofree double *ny = g_new (double, MAX (k, 1));
      g_autoptr(GArray) xs = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) ys = g_array_new (FALSE, FALSE, sizeof (double));
      guint shown = 0;
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();

      for (guint c = 0; c < k; c++)
        {
          g_array_set_size (xs, 0);
          g_array_set_size (ys, 0);
          for (guint i = 0; i < self->map->n_points; i++)
            if (colouring->values[i] == c)
              {
                g_array_append_val (xs, self->map->x[i]);
                g_array_append_val (ys, self->map->y[i]);
              }
          if (xs->len == 0)
            continue;
          g_array_sort (xs, compare_double);
          g_array_sort (ys, compare_double);
          nx[shown] = g_array_index (xs, double, xs->len / 2);
          ny[shown] = g_array_index (ys, double, ys->len / 2);
          g_ptr_array_add (labels, names[c]);
          shown++;
        }
      sd_scatter_set_notes (self->scatter, nx, ny, (const char * const *) labels->pdata, shown);
    }
  else
    sd_scatter_set_notes (self->scatter, NULL, NULL, NULL, 0);
}

gboolean
sd_customers_page_colour_by (SdCustomersPage *self,
                             const char      *id)
{
  g_return_val_if_fail (SD_IS_CUSTOMERS_PAGE (self), FALSE);
  for (guint i = 0; i < self->colour_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->colour_ids, i), id))
      {
        gtk_drop_down_set_selected (self->colour_dropdown, i);
        show_colouring (self);
        return TRUE;
      }
  return FALSE;
}

static void
colour_selected_cb (SdCustomersPage *self)
{
  if (!self->updating)
    show_colouring (self);
}

static void
source_selected_cb (SdCustomersPage *self)
{
  if (!self->updating)
    start_job (self);
}

/* The source menu set without measuring again. */
static void
show_source (SdCustomersPage *self,
             guint            source)
{
  self->updating = TRUE;
  gtk_drop_down_set_selected (self->source_dropdown, source);
  self->updating = FALSE;
}

static char *
map_caption (SdCustomersPage *self)
{
  SdCustomerMap *map = self->map;
  GString *text = g_string_new (NULL);

  if (map->chose_layout)
    g_string_append (text,
                     _("Each dot is a customer, placed by what they tend to buy: their taste factors from a matrix "
                       "factorisation model (ALS), laid out so that customers with similar taste sit together "
                       "(distances between groups mean less than closeness within one). Hover a dot for the name "
                       "and group; click it to open the customer's recommendations."));
  else
    g_string_append_printf (text,
                            _("Each dot is a customer, placed by what they tend to buy: their taste factors from a "
                              "matrix factorisation model (ALS), flattened to two dimensions by principal component "
                              "analysis (the axes carry %.0f %% and %.0f %% of the differences). Customers close "
                              "together like similar things. Hover a dot for the name; click it to open the "
                              "customer's recommendations."),
                            100 * map->explained[0], 100 * map->explained[1]);
  g_string_append_c (text, ' ');
  g_string_append (text, _("Shift+drag draws a lasso around customers to save them as an audience."));
  g_string_append_c (text, ' ');
  if (!map->trained_als)
    g_string_append (text, _("The factors come from the newest ALS model stored with the shop."));
  else if (self->fell_back)
    g_string_append (text, _("No ALS model that fits the shop is stored yet (train one on the Training page), so the "
                             "factors come from a small model made for this map."));
  else
    g_string_append (text, _("The factors come from a small, strongly regularised model made for this map; the stored models are unchanged."));
  return g_string_free (text, FALSE);
}

/* How the clusters and the map were made, in words a manager can weigh. */
static char *
agreement_text (SdCustomersPage *self)
{
  SdCustomerMap *map = self->map;
  g_autofree char *clusters = NULL;

  if (map->k_chosen)
    clusters = g_strdup_printf (_("The customers fall into %u groups of similar taste: the number that separates "
                                  "them best (silhouette %.2f; 1: clear groups, 0: overlapping)."),
                                map->k, map->silhouette);
  else
    clusters = g_strdup_printf (_("The customers are split into %u groups of similar taste (silhouette %.2f; 1: "
                                  "clear groups, 0: overlapping)."), map->k, map->silhouette);
  if (isnan (map->recall_pca) || isnan (map->recall_layout))
    return g_steal_pointer (&clusters);
  return g_strdup_printf (_("%s Of each customer's 10 most similar customers, the map shows %.0f %% nearby (%s); "
                            "the other map would show %.0f %%."),
                          clusters,
                          100 * (map->chose_layout ? map->recall_layout : map->recall_pca),
                          map->chose_layout ? _("a layout that keeps neighbours together")
                                            : _("the two principal axes"),
                          100 * (map->chose_layout ? map->recall_pca : map->recall_layout));
}

/* The shop's data holds purchases and nothing else (Online Retail). */
static gboolean
purchases_only (const SdCustomerMap *map)
{
  return map->events[SD_EVENT_PURCHASE] > 0 && map->events[SD_EVENT_VIEW] == 0 &&
         map->events[SD_EVENT_CART] == 0 && map->events[SD_EVENT_REVIEW] == 0;
}

/* The kinds of event the shop's data holds, as a list in a sentence: "purchases", "views,
 * carts and purchases". */
static char *
event_kinds_text (const SdCustomerMap *map)
{
  static const char *const names[SD_N_EVENT_KINDS] = {
    [SD_EVENT_VIEW] = NC_("event kinds in a sentence", "views"),
    [SD_EVENT_CART] = NC_("event kinds in a sentence", "carts"),
    [SD_EVENT_PURCHASE] = NC_("event kinds in a sentence", "purchases"),
    [SD_EVENT_REVIEW] = NC_("event kinds in a sentence", "reviews"),
  };
  const char *present[SD_N_EVENT_KINDS];
  g_autoptr(GString) list = g_string_new (NULL);
  guint n = 0;

  for (SdEventKind k = 0; k < SD_N_EVENT_KINDS; k++)
    if (map->events[k] > 0)
      present[n++] = g_dpgettext2 (GETTEXT_PACKAGE, "event kinds in a sentence", names[k]);
  if (n == 0)
    return g_strdup (g_dpgettext2 (GETTEXT_PACKAGE, "event kinds in a sentence", names[SD_EVENT_PURCHASE]));
  for (guint i = 0; i + 1 < n; i++)
    {
      if (i > 0)
        /* TRANSLATORS: between the names of event kinds in a list: "View, Review" */
        g_string_append (list, C_("between event kinds", ", "));
      g_string_append (list, present[i]);
    }
  if (n == 1)
    return g_strdup (present[0]);
  /* TRANSLATORS: the last two of a list: "views, carts and purchases" */
  return g_strdup_printf (_("%s and %s"), list->str, present[n - 1]);
}

static void
show_map (SdCustomersPage *self)
{
  SdCustomerMap *map = self->map;
  g_autoptr(GtkStringList) titles = gtk_string_list_new (NULL);
  g_autofree char *customers = NULL, *summary = NULL, *heat = NULL, *caption = NULL, *kinds = NULL;
  const char *previous = NULL;
  guint select = 0;

  if (map == NULL)
    return;
  if (map->n_points == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  /* "The stored ALS model" beside a map drawn from another would say the shop has one,
   * when the Recommendations and Fairness pages say it has none. */
  if (map->trained_als && gtk_drop_down_get_selected (self->source_dropdown) == 0)
    {
      self->fell_back = TRUE;
      show_source (self, 1);
    }

  {
    guint selected = gtk_drop_down_get_selected (self->colour_dropdown);
    if (selected < self->colour_ids->len)
      previous = g_intern_string (g_ptr_array_index (self->colour_ids, selected));
  }
  self->updating = TRUE;
  g_ptr_array_set_size (self->colour_ids, 0);
  for (guint i = 0; i < map->colourings->len; i++)
    {
      SdCustomerColouring *c = g_ptr_array_index (map->colourings, i);
      g_ptr_array_add (self->colour_ids, g_strdup (c->id));
      gtk_string_list_append (titles, colouring_title (c->id));
      if (previous ? g_str_equal (c->id, previous) : g_str_equal (c->id, "cluster"))
        select = i;
    }
  gtk_drop_down_set_model (self->colour_dropdown, G_LIST_MODEL (titles));
  gtk_drop_down_set_selected (self->colour_dropdown, select);
  self->updating = FALSE;
  show_colouring (self);

  sd_heatmap_set_matrix (self->heatmap, map->similarity, map->n_similar,
                         (const char * const *) map->similar_labels);
  sd_heatmap_set_title (self->heatmap, _("cosine similarity"));
  {
    SdCustomerColouring *clusters = sd_customer_map_get_colouring (map, "cluster");
    if (clusters && map->similar_clusters)
      sd_heatmap_set_blocks (self->heatmap, map->similar_clusters, (const char * const *) clusters->names);
  }
  /* The diagonal (1) aside, similarities of real customers rarely pass 0.5: fixing the
   * bottom at 0 keeps weak pairs dark and shows blocks as bright squares. */
  sd_heatmap_set_range (self->heatmap, 0, NAN);

  customers = sd_format_count (map->n_customers);
  if (purchases_only (map))
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%s customer has bought something.",
                                            "%s customers have bought something.",
                                            map->n_customers),
                               customers);
  else
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%s customer has viewed, carted or bought something.",
                                            "%s customers have viewed, carted or bought something.",
                                            map->n_customers),
                               customers);
  if (map->n_points < map->n_customers)
    {
      g_autofree char *shown = sd_format_count (map->n_points);
      g_autofree char *more = g_strdup_printf (_("The map shows the %s most active."), shown);
      g_autofree char *joined = g_strconcat (summary, " ", more, NULL);
      g_free (summary);
      summary = g_steal_pointer (&joined);
    }
  gtk_label_set_text (self->summary_label, summary);

  kinds = event_kinds_text (map);
  /* TRANSLATORS: the second %s lists what the shop's data holds: "purchases", "views, carts,
   * purchases and reviews" */
  heat = g_strdup_printf (_("The %u most active customers, each a row and a column. The brighter a cell, the more "
                            "alike two customers' %s are (cosine similarity; on average %.2f). Rows are ordered so "
                            "that similar customers sit together: bright squares along the diagonal are groups "
                            "with a shared taste. Hover a cell to see who they are."),
                          map->n_similar, kinds, map->similar_mean);
  gtk_label_set_text (self->heat_caption, heat);
  caption = map_caption (self);
  /* A neighbour-preserving layout keeps who is near whom, and nothing else: its
   * coordinates have no unit, so numbers on its axes would say nothing true. */
  sd_scatter_set_show_ticks (self->scatter, !map->chose_layout);
  if (map->chose_layout)
    sd_scatter_set_axis_titles (self->scatter, _("Nearer together: more alike in taste"), NULL);
  else
    sd_scatter_set_axis_titles (self->scatter, _("First taste axis"), _("Second taste axis"));
  gtk_label_set_text (self->map_caption, caption);
  {
    g_autofree char *agreement = agreement_text (self);
    gtk_label_set_text (self->agreement_label, agreement);
  }
  gtk_stack_set_visible_child_name (self->stack, "content");
}

SdCustomerMap *
sd_customers_page_get_map (SdCustomersPage *self)
{
  g_return_val_if_fail (SD_IS_CUSTOMERS_PAGE (self), NULL);
  return self->map;
}

/* ---- Segments and RFM -------------------------------------------------------------- */

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))))
    gtk_box_remove (box, child);
}

static GtkWidget *
caption_label (const char *text,
               gboolean    dim)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "caption");
  if (dim)
    gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static void
save_audience (SdCustomersPage *self,
               const char      *name,
               const char      *source,
               const char      *definition,
               GArray          *members)
{
  g_autoptr(GError) error = NULL;
  gint64 id = sd_audience_save (self->store, name, source, definition, FALSE,
                                (gint64 *) members->data, members->len, &error);
  g_autofree char *text = NULL;

  if (id < 0)
    text = g_strdup (error->message);
  else
    {
      g_autofree char *count = sd_format_count (members->len);
      /* TRANSLATORS: a toast; %s is the audience's name, %s the number of customers */
      text = g_strdup_printf (_("Saved the audience “%s” with %s customers; coupon rules can target it"), name, count);
      sd_store_notify_changed_detail (self->store, SD_STORE_CHANGED_COUPONS);
    }
  sd_page_host_toast (GTK_WIDGET (self), text);
}

static void
save_cluster_cb (GtkButton       *button,
                 SdCustomersPage *self)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "cluster"));
  SdSegmentProfile *p;
  g_autoptr(GArray) members = NULL;
  g_autofree char *definition = NULL;

  if (self->segments == NULL || id >= self->segments->profiles->len)
    return;
  p = g_ptr_array_index (self->segments->profiles, id);
  members = sd_segments_members (self->segments, id);
  definition = sd_segments_definition (self->segments, id);
  save_audience (self, p->name, "cluster", definition, members);
}

static void
save_rfm_cb (GtkButton       *button,
             SdCustomersPage *self)
{
  SdRfmGroup group = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "group"));
  g_autoptr(GArray) members = NULL;
  g_autofree char *definition = NULL;

  if (self->segments == NULL || self->segments->rfm == NULL)
    return;
  members = sd_rfm_members (self->segments->rfm, group, 0, 0);
  definition = g_strdup_printf ("{\"rfm\": \"%s\"}", sd_rfm_group_id (group));
  save_audience (self, sd_rfm_group_title (group), "rfm", definition, members);
}

static void
rename_cb (GtkEntry        *entry,
           SdCustomersPage *self)
{
  guint id = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "cluster"));
  g_autoptr(GError) error = NULL;
  SdSegmentProfile *p;
  const char *text;

  if (self->segments == NULL || id >= self->segments->profiles->len)
    return;
  p = g_ptr_array_index (self->segments->profiles, id);
  text = gtk_editable_get_text (GTK_EDITABLE (entry));
  if (g_strcmp0 (text, p->name) == 0)
    return;
  /* One setting written: a few milliseconds, on the main thread like the coupon editor's saves. */
  if (!sd_segments_rename (self->store, self->map->model, self->map->k, id, text, &error))
    {
      sd_page_host_toast (GTK_WIDGET (self), error->message);
      return;
    }
  g_free (p->name);
  p->name = g_strdup (*text ? text : ui_name (p));
  p->renamed = *text != '\0';
  if (!p->renamed)
    gtk_editable_set_text (GTK_EDITABLE (entry), p->name);
  {
    /* TRANSLATORS: a toast; %s is a segment's new name */
    g_autofree char *done = g_strdup_printf (_("Renamed to “%s”"), p->name);
    sd_page_host_toast (GTK_WIDGET (self), done);
  }
  {
    SdCustomerColouring *colouring = sd_customer_map_get_colouring (self->map, "cluster");
    if (colouring && id < g_strv_length (colouring->names))
      {
        g_free (colouring->names[id]);
        colouring->names[id] = g_strdup (p->name);
        if (self->map->similar_clusters)
          sd_heatmap_set_blocks (self->heatmap, self->map->similar_clusters, (const char * const *) colouring->names);
      }
  }
  show_colouring (self);
}

static void
lasso_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   SdCustomersPage  *self)
{
  GtkEditable *entry = g_object_get_data (G_OBJECT (dialog), "entry");
  GArray *members = g_object_get_data (G_OBJECT (dialog), "members");
  g_autofree char *definition = NULL;

  if (g_strcmp0 (response, "save") != 0 || self->store == NULL)
    return;
  definition = g_strdup_printf ("{\"points\": %u}", members->len);
  save_audience (self, gtk_editable_get_text (entry), "lasso", definition, members);
}

/* A lasso on the map: name the customers inside it and keep them as a (frozen) audience. */
static void
lasso_selected_cb (SdScatter       *scatter,
                   guint            n,
                   SdCustomersPage *self)
{
  GtkWindow *window = get_window (self);
  const guint *picked;
  GArray *members;
  GtkWidget *dialog, *entry;
  g_autofree char *count = NULL, *body = NULL;

  if (n == 0 || self->map == NULL || window == NULL)
    return;
  picked = sd_scatter_get_lasso (scatter, &n);
  members = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  for (guint i = 0; i < n; i++)
    if (picked[i] < self->map->n_points)
      g_array_append_val (members, self->map->customer_ids[picked[i]]);
  count = sd_format_count (members->len);
  body = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Keep the %s customer inside the lasso as an audience that coupon rules can target.",
                                       "Keep the %s customers inside the lasso as an audience that coupon rules can target.",
                                       members->len), count);
  dialog = adw_message_dialog_new (window, _("Save as Audience"), body);
  entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Audience name"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Audience name"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data (G_OBJECT (dialog), "entry", entry);
  g_object_set_data_full (G_OBJECT (dialog), "members", members, (GDestroyNotify) g_array_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (lasso_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_customer_cb (GtkButton       *button,
                  SdCustomersPage *self)
{
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER);

  if (popover)
    gtk_popover_popdown (GTK_POPOVER (popover));
  show_customer (self, g_object_get_data (G_OBJECT (button), "customer"));
}

static int
compare_spend (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  const SdRfm *rfm = user_data;
  gint64 x = rfm->spend_cents[*(const guint *) a], y = rfm->spend_cents[*(const guint *) b];
  return x > y ? -1 : x < y;
}

/* The customers of an RFM group, or of its cell (@r, @f) when @r > 0, the biggest spenders
 * first, each a button that opens the customer. */
static GtkWidget *
member_list (SdCustomersPage *self,
             SdRfmGroup       group,
             guint            r,
             guint            f)
{
  SdRfm *rfm = self->segments->rfm;
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autoptr(GArray) members = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autofree char *more = NULL;

  for (guint i = 0; i < rfm->n_customers; i++)
    if (r > 0 ? rfm->r[i] == r && rfm->f[i] == f : rfm->group[i] == group)
      g_array_append_val (members, i);
  g_array_sort_with_data (members, compare_spend, rfm);
  for (guint m = 0; m < members->len && m < 50; m++)
    {
      guint i = g_array_index (members, guint, m);
      g_autofree char *spend = sd_format_money (rfm->spend_cents[i], self->currency);
      g_autofree char *orders = sd_format_count (rfm->orders[i]);
      /* TRANSLATORS: a customer's id, what they spent and their number of orders */
      g_autofree char *text = g_strdup_printf (_("%s — %s in %s orders"), rfm->external_ids[i], spend, orders);
      GtkWidget *row = gtk_button_new_with_label (text);

      gtk_widget_add_css_class (row, "flat");
      gtk_label_set_xalign (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (row))), 0);
      g_object_set_data_full (G_OBJECT (row), "customer", g_strdup (rfm->external_ids[i]), g_free);
      g_signal_connect_object (row, "clicked", G_CALLBACK (open_customer_cb), self, 0);
      gtk_box_append (GTK_BOX (list), row);
    }
  if (members->len > 50)
    {
      g_autofree char *count = sd_format_count (members->len - 50);
      more = g_strdup_printf (_("and %s more: save the group as an audience and export it for all of them"), count);
      gtk_box_append (GTK_BOX (list), caption_label (more, TRUE));
    }
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 360);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  return scroller;
}

/* An RFM group's name that opens its customers. */
static GtkWidget *
group_button (SdCustomersPage *self,
              SdRfmGroup       group)
{
  GtkWidget *button = gtk_menu_button_new ();
  GtkWidget *popover = gtk_popover_new ();

  gtk_popover_set_child (GTK_POPOVER (popover), member_list (self, group, 0, 0));
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (button), popover);
  gtk_menu_button_set_label (GTK_MENU_BUTTON (button), sd_rfm_group_title (group));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "heading");
  return button;
}

static void
save_rfm_cell_cb (GtkButton       *button,
                  SdCustomersPage *self)
{
  guint r = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "r"));
  guint f = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "f"));
  SdRfmGroup group = sd_rfm_group_at (r, f);
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER);
  g_autoptr(GArray) members = NULL;
  g_autofree char *definition = NULL, *name = NULL;

  if (popover)
    gtk_popover_popdown (GTK_POPOVER (popover));
  if (self->segments == NULL || self->segments->rfm == NULL)
    return;
  members = sd_rfm_members (self->segments->rfm, group, r, f);
  definition = g_strdup_printf ("{\"rfm\": \"%s\", \"r\": %u, \"f\": %u}", sd_rfm_group_id (group), r, f);
  /* TRANSLATORS: an audience saved from one RFM grid cell: the group's name, the recency and
   * frequency scores */
  name = g_strdup_printf (_("%s (recency %u, frequency %u)"), sd_rfm_group_title (group), r, f);
  save_audience (self, name, "rfm", definition, members);
}

/* A cell of the grid: its customers, and saving the cell or its whole group. */
static void
rfm_cell_activated_cb (SdRfmGrid       *grid,
                       guint            r,
                       guint            f,
                       SdCustomersPage *self)
{
  SdRfmGroup group = sd_rfm_group_at (r, f);
  GtkWidget *popover, *box, *buttons, *save_cell, *save_group;
  g_autofree char *heading = NULL;
  GdkRectangle rect;

  if (self->segments == NULL || self->segments->rfm == NULL)
    return;
  /* The last cell's popover stays parented to the grid until the next one replaces it. */
  while ((popover = gtk_widget_get_first_child (GTK_WIDGET (grid))))
    gtk_widget_unparent (popover);
  popover = gtk_popover_new ();
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  heading = sd_rfm_grid_describe_cell (grid, r, f);
  gtk_box_append (GTK_BOX (box), caption_label (heading, FALSE));
  gtk_box_append (GTK_BOX (box), caption_label (sd_rfm_group_advice (group), TRUE));
  gtk_box_append (GTK_BOX (box), member_list (self, group, r, f));
  save_cell = gtk_button_new_with_mnemonic (_("Save Cell as _Audience"));
  g_object_set_data (G_OBJECT (save_cell), "r", GUINT_TO_POINTER (r));
  g_object_set_data (G_OBJECT (save_cell), "f", GUINT_TO_POINTER (f));
  g_signal_connect_object (save_cell, "clicked", G_CALLBACK (save_rfm_cell_cb), self, 0);
  save_group = gtk_button_new_with_mnemonic (_("Save _Group as Audience"));
  g_object_set_data (G_OBJECT (save_group), "group", GUINT_TO_POINTER (group));
  g_signal_connect_object (save_group, "clicked", G_CALLBACK (save_rfm_cb), self, 0);
  gtk_box_append (GTK_BOX (buttons), save_cell);
  gtk_box_append (GTK_BOX (buttons), save_group);
  gtk_box_append (GTK_BOX (box), buttons);
  gtk_widget_set_size_request (box, 340, -1);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_widget_set_parent (popover, GTK_WIDGET (grid));
  if (sd_rfm_grid_cell_rect (grid, r, f, &rect))
    gtk_popover_set_pointing_to (GTK_POPOVER (popover), &rect);
  gtk_popover_popup (GTK_POPOVER (popover));
}

static void
show_rfm_grid (SdCustomersPage *self)
{
  SdRfm *rfm = self->segments->rfm;
  SdRfmGridCell cells[25];
  const char *names[SD_RFM_N_GROUPS + 1] = { NULL };

  for (guint g = 0; g < SD_RFM_N_GROUPS; g++)
    names[g] = sd_rfm_group_title (g);
  for (guint r = 1; r <= 5; r++)
    for (guint f = 1; f <= 5; f++)
      cells[(r - 1) * 5 + f - 1] = (SdRfmGridCell) {
        .customers = rfm->cells[r - 1][f - 1].customers,
        .revenue_cents = rfm->cells[r - 1][f - 1].revenue_cents,
        .group = sd_rfm_group_at (r, f),
      };
  sd_rfm_grid_set_cells (self->rfm_grid, cells, names, self->currency);
  {
    /* an empty row reads as a fault unless the page says why */
    g_autofree char *empty = sd_rfm_describe_empty_frequency (rfm);

    gtk_label_set_label (self->rfm_note, empty ? empty : "");
    gtk_widget_set_visible (GTK_WIDGET (self->rfm_note), empty != NULL);
  }
}

static char *
traits_text (GPtrArray *traits,
             guint      max)
{
  GString *text = g_string_new (NULL);
  for (guint t = 0; t < traits->len && t < max; t++)
    {
      SdSegmentTrait *trait = g_ptr_array_index (traits, t);
      /* TRANSLATORS: one thing a segment buys more than the shop does, and how many times more */
      g_string_append_printf (text, t ? _(", %s ×%.1f") : _("%s ×%.1f"), trait->label, trait->lift);
    }
  return g_string_free (text, FALSE);
}

static void
show_segments (SdCustomersPage *self)
{
  SdSegments *s = self->segments;

  clear_box (self->profiles_box);
  clear_box (self->rfm_box);
  if (s == NULL || s->map == NULL || s->map->n_customers == 0)
    return;

  for (guint c = 0; c < s->profiles->len; c++)
    {
      SdSegmentProfile *p = g_ptr_array_index (s->profiles, c);
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      GtkWidget *head = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *name = gtk_entry_new ();
      GtkWidget *save = gtk_button_new_with_mnemonic (_("Save as _Audience"));
      g_autofree char *count = sd_format_count (p->size);
      g_autofree char *aov = sd_format_money (p->aov_cents, self->currency);
      g_autofree char *figures = NULL, *buys = NULL, *buys_line = NULL, *where = NULL;
      GPtrArray *taste = s->has_categories ? p->top_categories : p->top_words;

      /* An entry, not a label: a long name must not widen the page, and renaming is typing. */
      gtk_editable_set_text (GTK_EDITABLE (name), p->name);
      gtk_editable_set_width_chars (GTK_EDITABLE (name), 12);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_widget_add_css_class (name, "heading");
      gtk_widget_add_css_class (name, "flat");
      gtk_widget_set_tooltip_text (name, _("Type a new name and press Enter to rename this segment; an empty name restores the generated one"));
      g_object_set_data (G_OBJECT (name), "cluster", GUINT_TO_POINTER (c));
      g_signal_connect_object (name, "activate", G_CALLBACK (rename_cb), self, 0);
      gtk_accessible_update_property (GTK_ACCESSIBLE (name), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Segment name"), -1);
      g_object_set_data (G_OBJECT (save), "cluster", GUINT_TO_POINTER (c));
      g_signal_connect_object (save, "clicked", G_CALLBACK (save_cluster_cb), self, 0);
      gtk_widget_add_css_class (save, "flat");
      gtk_box_append (GTK_BOX (head), name);
      gtk_box_append (GTK_BOX (head), save);
      gtk_box_append (GTK_BOX (row), head);

      figures = isnan (p->recency_days)
        ? g_strdup_printf (_("%s customers (%.0f %%) · %.0f %% of revenue · average order %s · %.1f orders each"),
                           count, 100 * p->customer_share, 100 * p->revenue_share, aov, p->orders_per_customer)
        : g_strdup_printf (_("%s customers (%.0f %%) · %.0f %% of revenue · average order %s · %.1f orders each · last order %.0f days ago (median)"),
                           count, 100 * p->customer_share, 100 * p->revenue_share, aov, p->orders_per_customer,
                           p->recency_days);
      gtk_box_append (GTK_BOX (row), caption_label (figures, FALSE));
      buys = traits_text (taste, 4);
      if (*buys)
        {
          buys_line = g_strdup_printf (_("Buys more than the shop as a whole: %s"), buys);
          gtk_box_append (GTK_BOX (row), caption_label (buys_line, TRUE));
        }
      {
        GString *w = g_string_new (NULL);
        for (guint t = 0; t < p->countries->len; t++)
          {
            SdSegmentTrait *trait = g_ptr_array_index (p->countries, t);
            g_autofree char *share = sd_format_share (trait->share);
            if (t > 0)
              /* TRANSLATORS: between two items of a list in a sentence */
              g_string_append (w, _(", "));
            /* TRANSLATORS: a country and its share of a cluster's customers, "Germany 3 %" */
            g_string_append_printf (w, _("%s %s"), *trait->key ? sd_format_country (trait->key) : _("Not set"), share);
          }
        where = g_string_free (w, FALSE);
        g_free (buys_line);
        buys_line = g_strdup_printf (_("Countries: %s"), where);
        gtk_box_append (GTK_BOX (row), caption_label (buys_line, TRUE));
      }
      gtk_widget_set_margin_bottom (row, 6);
      gtk_box_append (self->profiles_box, row);
    }

  if (s->rfm)
    show_rfm_grid (self);
  if (s->rfm)
    for (guint g = 0; g < SD_RFM_N_GROUPS; g++)
      {
        const SdRfmStats *st = &s->rfm->groups[g];
        GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
        GtkWidget *text_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
        GtkWidget *title = group_button (self, g);
        GtkWidget *save = gtk_button_new_from_icon_name ("document-save-symbolic");
        g_autofree char *count = sd_format_count (st->customers);
        g_autofree char *spend = sd_format_money ((gint64) llround (st->spend_cents), self->currency);
        g_autofree char *line = g_strdup_printf (_("%s customers · %.0f %% of revenue · last order %.0f days ago · %.1f orders · %s spent (means)"),
                                                 count,
                                                 s->rfm->revenue_cents ? 100.0 * st->revenue_cents / s->rfm->revenue_cents : 0,
                                                 st->recency_days, st->orders, spend);

        if (st->customers == 0)
          continue;
        gtk_widget_set_halign (title, GTK_ALIGN_START);
        gtk_widget_set_tooltip_text (title, sd_rfm_group_advice (g));
        gtk_box_append (GTK_BOX (text_box), title);
        gtk_box_append (GTK_BOX (text_box), caption_label (line, TRUE));
        gtk_widget_set_hexpand (text_box, TRUE);
        gtk_widget_set_tooltip_text (save, _("Save as an audience"));
        gtk_accessible_update_property (GTK_ACCESSIBLE (save), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Save as an audience"), -1);
        gtk_widget_add_css_class (save, "flat");
        gtk_widget_set_valign (save, GTK_ALIGN_CENTER);
        g_object_set_data (G_OBJECT (save), "group", GUINT_TO_POINTER (g));
        g_signal_connect_object (save, "clicked", G_CALLBACK (save_rfm_cb), self, 0);
        gtk_box_append (GTK_BOX (row), text_box);
        gtk_box_append (GTK_BOX (row), save);
        gtk_box_append (self->rfm_box, row);
      }
}

/* ---- Opening a customer ----------------------------------------------------------- */

static void
show_customer (SdCustomersPage *self,
               const char      *external_id)
{
  GtkWindow *window = get_window (self);

  if (external_id == NULL)
    return;
  /* The Recommendations page installs the action; until it exists, say so. */
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.show-customer", "s", external_id) && window)
    sd_page_host_toast (GTK_WIDGET (self), _("Customer recommendations are not available in this version"));
}

static void
point_activated_cb (SdScatter       *scatter,
                    guint            index,
                    SdCustomersPage *self)
{
  if (self->map && index < self->map->n_points)
    {
      sd_scatter_set_selected (scatter, (int) index);
      show_customer (self, self->map->external_ids[index]);
    }
}

static void
cell_activated_cb (SdHeatmap       *heatmap,
                   guint            row,
                   guint            column,
                   SdCustomersPage *self)
{
  if (self->map && row < self->map->n_similar)
    show_customer (self, self->map->similar_ids[row]);
}

/* ---- Computing -------------------------------------------------------------------- */

gboolean
sd_customers_page_get_loading (SdCustomersPage *self)
{
  g_return_val_if_fail (SD_IS_CUSTOMERS_PAGE (self), FALSE);
  return self->job != NULL || (self->stale && self->store != NULL);
}

static void
job_text_cb (SdCustomersPage *self)
{
  const char *text = self->job ? sd_job_get_text (self->job) : NULL;
  gtk_label_set_text (self->loading_label, text && *text ? text : _("Comparing customers…"));
  double fraction = self->job ? sd_job_get_fraction (self->job) : 0;

  /* An empty bar looks stuck: the spinner says it works until there is a share to show. */
  gtk_progress_bar_set_fraction (self->loading_bar, fraction);
  gtk_widget_set_visible (GTK_WIDGET (self->loading_bar), fraction > 0);
}

/* What the page is about to show, said at once: on a large shop the maps take minutes, and
 * the count (from the summaries, instant) says why. */
static void
show_loading_title (SdCustomersPage *self)
{
  SdStoreStats stats;
  g_autofree char *count = NULL;
  g_autofree char *title = NULL;

  if (!sd_summary_usable (self->store) || !sd_store_get_stats (self->store, &stats, NULL))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->loading_title), FALSE);
      return;
    }
  count = sd_format_count (stats.customers);
  /* TRANSLATORS: %s is a number of customers, e.g. 1,000,000 */
  title = g_strdup_printf (ngettext ("Mapping %s customer by taste", "Mapping %s customers by taste",
                                     stats.customers), count);
  gtk_label_set_text (self->loading_title, title);
  gtk_widget_set_visible (GTK_WIDGET (self->loading_title), TRUE);
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SdCustomersPage) self = user_data;
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job != self->job)
    return;   /* superseded by a newer computation */
  g_signal_handlers_disconnect_by_data (job, self);
  gtk_spinner_set_spinning (self->spinner, FALSE);

  if (ok)
    {
      g_clear_pointer (&self->segments, sd_segments_free);
      self->segments = sd_segments_job_steal_result (job);
      self->map = self->segments ? self->segments->map : NULL;
      g_clear_object (&self->job);
      show_map (self);
      show_segments (self);
    }
  else
    {
      g_clear_object (&self->job);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      else if (self->map)
        show_map (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
start_job (SdCustomersPage *self)
{
  GtkWindow *window = get_window (self);
  /* After a fall-back the stored model is asked for again: one may have been trained since. */
  gboolean use_stored = gtk_drop_down_get_selected (self->source_dropdown) == 0 || self->fell_back;

  if (self->store == NULL || window == NULL)
    return;
  if (self->job)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      sd_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  self->stale = FALSE;
  if (self->fell_back)
    {
      self->fell_back = FALSE;
      show_source (self, 0);
    }
  self->job = sd_segments_job_new (sd_store_get_path (self->store), use_stored, 0);
  g_free (self->currency);
  self->currency = sd_shop_currency (self->store);
  g_signal_connect_object (self->job, "notify::text", G_CALLBACK (job_text_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->job, "notify::fraction", G_CALLBACK (job_text_cb), self, G_CONNECT_SWAPPED);
  job_text_cb (self);
  show_loading_title (self);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  sd_page_host_run_job (GTK_WIDGET (self), self->job, job_done_cb, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  start_job (SD_CUSTOMERS_PAGE (widget));
}

static void
mark_stale (SdCustomersPage *self)
{
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_job (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
sd_customers_page_map (GtkWidget *widget)
{
  SdCustomersPage *self = SD_CUSTOMERS_PAGE (widget);

  GTK_WIDGET_CLASS (sd_customers_page_parent_class)->map (widget);
  if (self->stale && self->job == NULL)
    start_job (self);
}

/* ---- Store ------------------------------------------------------------------------ */

SdStore *
sd_customers_page_get_store (SdCustomersPage *self)
{
  g_return_val_if_fail (SD_IS_CUSTOMERS_PAGE (self), NULL);
  return self->store;
}

void
sd_customers_page_set_store (SdCustomersPage *self,
                             SdStore         *store)
{
  g_return_if_fail (SD_IS_CUSTOMERS_PAGE (self));

  if (self->store == store)
    return;
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  if (self->job)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      sd_job_cancel (self->job);
      g_clear_object (&self->job);
    }
  g_clear_pointer (&self->segments, sd_segments_free);
  self->map = NULL;
  gtk_stack_set_visible_child_name (self->stack, "loading");
  if (store)
    {
      g_signal_connect_object (store, "changed::" SD_STORE_CHANGED_DATA, G_CALLBACK (mark_stale), self, G_CONNECT_SWAPPED);
      mark_stale (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

/* ---- GObject ---------------------------------------------------------------------- */

static void
sd_customers_page_dispose (GObject *object)
{
  SdCustomersPage *self = SD_CUSTOMERS_PAGE (object);
  GtkWidget *child;

  if (self->job)
    {
      g_signal_handlers_disconnect_by_data (self->job, self);
      sd_job_cancel (self->job);
    }
  g_clear_object (&self->job);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_CUSTOMERS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_pointer (&self->segments, sd_segments_free);
  self->map = NULL;
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->colour_ids, g_ptr_array_unref);

  G_OBJECT_CLASS (sd_customers_page_parent_class)->dispose (object);
}

static void
sd_customers_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SdCustomersPage *self = SD_CUSTOMERS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, sd_customers_page_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_customers_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SdCustomersPage *self = SD_CUSTOMERS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sd_customers_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* The segments as they are on show, handed to the worker: names and members. */
typedef struct {
  GPtrArray *names;     /* char * */
  GPtrArray *members;   /* GArray * of customers.id */
} PrivateSegments;

static void
private_segments_free (gpointer data)
{
  PrivateSegments *p = data;

  g_ptr_array_unref (p->names);
  g_ptr_array_unref (p->members);
  g_free (p);
}

static SdDpReport *
release_segments (SdStore            *store,
                  const SdDpOptions  *options,
                  gpointer            data,
                  GError            **error)
{
  PrivateSegments *p = data;

  return sd_dp_report_groups (store, options, (const char *const *) p->names->pdata,
                              (GArray **) p->members->pdata, p->names->len, error);
}

static void
export_private_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SdCustomersPage *self = SD_CUSTOMERS_PAGE (widget);
  PrivateSegments *p;

  if (self->store == NULL || self->segments == NULL)
    {
      sd_page_host_toast (widget, _("The segments are not computed yet"));
      return;
    }
  p = g_new0 (PrivateSegments, 1);
  p->names = g_ptr_array_new_with_free_func (g_free);
  p->members = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  for (guint c = 0; c < self->segments->profiles->len; c++)
    {
      SdSegmentProfile *profile = g_ptr_array_index (self->segments->profiles, c);

      /* Generated names come from what the members buy: only a name people gave goes out. */
      g_ptr_array_add (p->names, profile->renamed ? g_strdup (profile->name)
                                                  /* TRANSLATORS: a segment in a private export; %u is its number */
                                                  : g_strdup_printf (_("Segment %u"), profile->id));
      g_ptr_array_add (p->members, sd_segments_members (self->segments, profile->id));
    }
  /* TRANSLATORS: the suggested file name of segment profiles released with differential privacy */
  sd_dp_export_start (widget, sd_store_get_path (self->store), _("segments-private.json"),
                      release_segments, p, private_segments_free);
}

static void
sd_customers_page_class_init (SdCustomersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_customers_page_dispose;
  object_class->get_property = sd_customers_page_get_property;
  object_class->set_property = sd_customers_page_set_property;
  widget_class->map = sd_customers_page_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SD_TYPE_HEATMAP);
  g_type_ensure (SD_TYPE_SCATTER);
  g_type_ensure (SD_TYPE_RFM_GRID);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-customers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, loading_label);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, loading_title);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, loading_bar);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, source_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, heatmap);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, heat_caption);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, colour_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, scatter);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, map_caption);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, agreement_label);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, profiles_box);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, rfm_box);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, rfm_grid);
  gtk_widget_class_bind_template_child (widget_class, SdCustomersPage, rfm_note);
  gtk_widget_class_bind_template_callback (widget_class, colour_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, source_selected_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "customers.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "customers.export-private", NULL, export_private_action);
}

static void
sd_customers_page_init (SdCustomersPage *self)
{
  self->colour_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_stack_set_visible_child_name (self->stack, "loading");
  sd_scatter_set_axis_titles (self->scatter, _("First taste axis"), _("Second taste axis"));
  g_signal_connect_object (self->scatter, "point-activated", G_CALLBACK (point_activated_cb), self, 0);
  g_signal_connect_object (self->scatter, "lasso-selected", G_CALLBACK (lasso_selected_cb), self, 0);
  g_signal_connect_object (self->heatmap, "cell-activated", G_CALLBACK (cell_activated_cb), self, 0);
  g_signal_connect_object (self->rfm_grid, "cell-activated", G_CALLBACK (rfm_cell_activated_cb), self, 0);
}
