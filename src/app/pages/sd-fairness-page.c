/* sd-fairness-page.c — the fairness report of the live model, and a re-ranking to fix it
 *
 * The report is computed in a job (sd-fairness.h) on the worker's own connection; choosing
 * a re-ranking or moving the slider measures again after a short pause, cancelling a report
 * still running, so the figures follow the slider without a button.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sd-dp-export.h"
#include "sd-fairness-page.h"
#include "sd-format.h"
#include "sd-interval-bar.h"
#include "sd-model-registry.h"
#include "sd-page-host.h"
#include "sd-recommender.h"
#include "sd-rfm.h"

/* How long the slider must rest before the report is measured again. */
#define REMEASURE_MS 400

struct _SdFairnessPage
{
  GtkWidget         parent_instance;

  GtkStack         *stack;
  GtkSpinner       *spinner;
  GtkLabel         *loading_label;
  AdwStatusPage    *error_page;
  GtkLabel         *summary_label;
  AdwComboRow      *kind_row;
  AdwActionRow     *strength_row;
  GtkScale         *strength_scale;
  AdwActionRow     *save_row;
  GtkButton        *save_button;
  GtkGrid          *figures_grid;
  GtkDropDown      *group_dropdown;
  GtkGrid          *groups_grid;
  GtkLabel         *groups_caption;
  GtkGrid          *categories_grid;

  SdStore          *store;
  SdJob            *job;
  SdFairnessReport *report;
  GPtrArray        *dimension_ids;   /* the dropdown's groupings, by position */
  guint             remeasure_id;
  gboolean          chosen;          /* the person chose a re-ranking: saved ones no longer apply */
  gboolean          updating;        /* the controls are being set from a report */
  gboolean          stale;
};

G_DEFINE_FINAL_TYPE (SdFairnessPage, sd_fairness_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void measure (SdFairnessPage *self);

/* ---- formatting -------------------------------------------------------------------------- */

static char *
format_share (double v)
{
  /* TRANSLATORS: a share as a percentage, e.g. "13.3 %" */
  return isfinite (v) ? g_strdup_printf (_("%.1f %%"), 100 * v) : g_strdup (_("—"));
}

static char *
format_figure (double v)
{
  return isfinite (v) ? g_strdup_printf ("%.3f", v) : g_strdup (_("—"));
}

static char *
format_with_interval (double v,
                      double lo,
                      double hi)
{
  if (!isfinite (v))
    return g_strdup (_("—"));
  if (!isfinite (lo) || !isfinite (hi))
    return g_strdup_printf ("%.3f", v);
  /* TRANSLATORS: a figure and its 95 % interval, e.g. "0.149 (0.137–0.158)" */
  return g_strdup_printf (_("%.3f (%.3f–%.3f)"), v, lo, hi);
}

/* The change between the two figures as shown, so that the row adds up on screen: 0.274 → 0.275
 * says +0.001, not the +0.000 of the unrounded difference. */
static char *
format_change (double   before,
               double   after,
               gboolean share)
{
  /* Figures show three decimals and shares one decimal of a percent: the same step, 0.001. */
  double v = (round (after * 1000.0) - round (before * 1000.0)) / 1000.0;

  if (!isfinite (v))
    return g_strdup ("");
  if (share)
    /* TRANSLATORS: a change in percentage points, e.g. "+5.7 pts" */
    return g_strdup_printf (_("%+.1f pts"), 100 * v);
  return g_strdup_printf ("%+.3f", v);
}

/* A group's label as people read it: RFM ids and the page's own groupings translated. */
static const char *
group_title (const char *by,
             const char *label)
{
  SdRfmGroup group;

  if (g_strcmp0 (by, "rfm") == 0 && sd_rfm_group_from_id (label, &group))
    return sd_rfm_group_title (group);
  if (g_strcmp0 (by, "customer") == 0)
    return g_strcmp0 (label, "returning") == 0 ? _("Returning (two orders or more)") : _("New (one order)");
  if (g_strcmp0 (by, "activity") == 0)
    return g_strcmp0 (label, "heavy") == 0 ? _("Heavy (at or above the median)") : _("Light (below the median)");
  if (g_strcmp0 (by, "country") == 0)
    return sd_format_country (label);
  if (g_strcmp0 (by, "segment") == 0)
    return sd_format_segment (label);
  return label;
}

/* ---- tables ------------------------------------------------------------------------------- */

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))))
    gtk_grid_remove (grid, child);
}

static GtkWidget *
cell (GtkGrid    *grid,
      int         column,
      int         row,
      const char *text,
      const char *css_class,
      float       xalign)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  if (css_class)
    gtk_widget_add_css_class (label, css_class);
  if (xalign > 0.5f)
    gtk_widget_add_css_class (label, "numeric");
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return label;
}

static void
header (GtkGrid            *grid,
        const char * const *titles)
{
  for (int c = 0; titles[c]; c++)
    cell (grid, c, 0, titles[c], "caption-heading", c ? 1.0f : 0.0f);
}

static void
figure_row (SdFairnessPage *self,
            int             row,
            const char     *title,
            const char     *explanation,
            double          before,
            double          before_lo,
            double          before_hi,
            double          after,
            double          sales,
            gboolean        share)
{
  g_autofree char *b = share ? format_share (before) : format_with_interval (before, before_lo, before_hi);
  g_autofree char *a = NULL;
  g_autofree char *d = NULL;
  /* Only the figures the shop's sales have a counterpart for show one. */
  g_autofree char *s = isfinite (sales) ? (share ? format_share (sales) : format_figure (sales)) : g_strdup ("");
  GtkWidget *name = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *explained = gtk_label_new (explanation);

  /* The explanation under the name, not only on hover: NDCG, Gini and the long tail mean
   * nothing to most shop managers, and nothing says a tooltip is there. */
  gtk_label_set_xalign (GTK_LABEL (title_label), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (title_label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (explained), 0.0f);
  gtk_label_set_wrap (GTK_LABEL (explained), TRUE);
  gtk_widget_add_css_class (explained, "caption");
  gtk_widget_add_css_class (explained, "dim-label");
  gtk_box_append (GTK_BOX (name), title_label);
  gtk_box_append (GTK_BOX (name), explained);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_set_margin_bottom (name, 4);
  gtk_grid_attach (self->figures_grid, name, 0, row, 1, 1);
  cell (self->figures_grid, 1, row, b, NULL, 1.0f);
  if (self->report->after)
    {
      a = share ? format_share (after) : format_figure (after);
      d = format_change (before, after, share);
      cell (self->figures_grid, 2, row, a, NULL, 1.0f);
      cell (self->figures_grid, 3, row, d, "dim-label", 1.0f);
    }
  cell (self->figures_grid, self->report->after ? 4 : 2, row, s, "dim-label", 1.0f);
}

static void
show_figures (SdFairnessPage *self)
{
  const SdFairnessReport *r = self->report;
  const SdFairnessFigures *b = r->before, *a = r->after;
  const char *with_after[] = { "", _("Before"), _("After"), _("Change"), _("Shop’s sales"), NULL };
  const char *without[] = { "", _("Now"), _("Shop’s sales"), NULL };
  int row = 1;

  clear_grid (self->figures_grid);
  header (self->figures_grid, a ? with_after : without);
  figure_row (self, row++, _("Accuracy (NDCG@10)"),
              /* xgettext:no-c-format */
              _("How high the products each customer went on to choose rank in their top ten, on a fifth of their items held out; 95 % interval over customers"),
              b->ndcg, b->ndcg_lo, b->ndcg_hi, a ? a->ndcg : NAN, NAN, FALSE);
  /* The metric's own name in the explanation, for whoever compares it with a paper or the CLI's JSON. */
  figure_row (self, row++, _("Found again in the top 20"),
              _("Share of each customer’s held-out products found in their top twenty (Recall@20)"),
              b->recall, NAN, NAN, a ? a->recall : NAN, NAN, TRUE);
  figure_row (self, row++, _("Catalogue coverage"), _("Share of the products that appear in someone’s top ten"),
              b->coverage, NAN, NAN, a ? a->coverage : NAN, NAN, TRUE);
  figure_row (self, row++, _("Long-tail products"),
              /* xgettext:no-c-format */
              _("Share of recommendations going to products outside the best sellers that make 80 % of sales"),
              b->tail_share, NAN, NAN, a ? a->tail_share : NAN, r->sales_tail_share, TRUE);
  if (r->has_new)
    figure_row (self, row++, _("New products"), _("Share of recommendations going to products added in the last 90 days"),
                b->new_share, NAN, NAN, a ? a->new_share : NAN, r->sales_new_share, TRUE);
  figure_row (self, row++, _("Concentration (Gini)"),
              _("0: every product recommended as often; 1: all recommendations on one product"),
              b->gini, NAN, NAN, a ? a->gini : NAN, r->sales_gini, FALSE);
  figure_row (self, row++, _("Popularity bias (×)"),
              _("Mean popularity of recommended products over that of the products customers have: above 1, popular products are favoured"),
              b->popularity_lift, NAN, NAN, a ? a->popularity_lift : NAN, NAN, FALSE);
}

static void
show_groups (SdFairnessPage *self)
{
  const SdFairnessFigures *b = self->report->before, *a = self->report->after;
  guint selected = gtk_drop_down_get_selected (self->group_dropdown);
  const char *by = selected < self->dimension_ids->len ? g_ptr_array_index (self->dimension_ids, selected) : NULL;
  const SdFairnessDimension *dim = sd_fairness_figures_dimension (b, by);
  const SdFairnessDimension *after = sd_fairness_figures_dimension (a, by);
  const char *titles_after[] = { _("Group"), _("Customers"), "", _("Accuracy"), _("Gap to best"), _("After"), NULL };
  const char *titles[] = { _("Group"), _("Customers"), "", _("Accuracy"), _("Gap to best"), NULL };
  double max = 0;

  clear_grid (self->groups_grid);
  gtk_label_set_label (self->groups_caption,
                       /* xgettext:no-c-format */
                       a ? _("Bars: accuracy of each group, whiskers its 95 % interval, the orange line after re-ranking. "
                             "The gap is the best group’s accuracy (of groups of five customers or more) minus this one’s.")
                         /* xgettext:no-c-format */
                         : _("Bars: accuracy of each group, whiskers its 95 % interval. "
                             "The gap is the best group’s accuracy (of groups of five customers or more) minus this one’s."));
  if (!dim)
    {
      cell (self->groups_grid, 0, 0, _("The shop’s customers fall into fewer than two groups here."), "dim-label", 0.0f);
      return;
    }
  header (self->groups_grid, a ? titles_after : titles);
  for (guint g = 0; g < dim->groups->len; g++)
    {
      const SdFairnessGroup *grp = g_ptr_array_index (dim->groups, g);
      max = MAX (max, isfinite (grp->ndcg_hi) ? grp->ndcg_hi : grp->ndcg);
    }
  for (guint g = 0; g < dim->groups->len; g++)
    {
      const SdFairnessGroup *grp = g_ptr_array_index (dim->groups, g);
      const SdFairnessGroup *grp_after = after && g < after->groups->len ? g_ptr_array_index (after->groups, g) : NULL;
      g_autofree char *count = sd_format_count (grp->n_users);
      g_autofree char *value = format_with_interval (grp->ndcg, grp->ndcg_lo, grp->ndcg_hi);
      g_autofree char *gap = format_figure (grp->gap);
      g_autofree char *described = NULL;
      GtkWidget *bar, *name;
      int row = (int) g + 1;

      name = cell (self->groups_grid, 0, row, group_title (dim->by, grp->label), NULL, 0.0f);
      gtk_widget_set_hexpand (name, TRUE);
      cell (self->groups_grid, 1, row, count, "dim-label", 1.0f);
      bar = sd_interval_bar_new (grp->ndcg, grp->ndcg_lo, grp->ndcg_hi,
                                 grp_after ? grp_after->ndcg : NAN, max > 0 ? max * 1.05 : 1.0);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      /* TRANSLATORS: read out for a group's bar: "Germany: accuracy 0.151, 95 % interval 0.126 to 0.180" */
      described = isfinite (grp->ndcg_lo) && isfinite (grp->ndcg_hi)
                  ? g_strdup_printf (_("%s: accuracy %.3f, 95 %% interval %.3f to %.3f"),
                                     group_title (dim->by, grp->label), grp->ndcg, grp->ndcg_lo, grp->ndcg_hi)
                  /* TRANSLATORS: read out for the bar of a group under five customers */
                  : g_strdup_printf (_("%s: accuracy %.3f, too few customers for an interval"),
                                     group_title (dim->by, grp->label), grp->ndcg);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, described, -1);
      gtk_grid_attach (self->groups_grid, bar, 2, row, 1, 1);
      cell (self->groups_grid, 3, row, value, NULL, 1.0f);
      switch (sd_fairness_group_standing (dim, grp))
        {
        case SD_FAIRNESS_STANDING_BEST:
          cell (self->groups_grid, 4, row, _("best"), "success", 1.0f);
          break;
        case SD_FAIRNESS_STANDING_BEHIND:
          cell (self->groups_grid, 4, row, gap, NULL, 1.0f);
          break;
        case SD_FAIRNESS_STANDING_TOO_FEW:
        default:
          /* A group of three that scores above the best is not "best": too few to rank. */
          gtk_widget_set_tooltip_text (cell (self->groups_grid, 4, row, C_("gap to best", "too few"), "dim-label", 1.0f),
                                       _("Under five customers: too few to rank against the others"));
          break;
        }
      if (grp_after)
        {
          g_autofree char *v = format_figure (grp_after->ndcg);
          cell (self->groups_grid, 5, row, v, "dim-label", 1.0f);
        }
    }
}

static void
show_categories (SdFairnessPage *self)
{
  const SdFairnessFigures *b = self->report->before, *a = self->report->after;
  const char *titles_after[] = { _("Category"), "", _("Recommended"), _("After"), _("Sold"), NULL };
  const char *titles[] = { _("Category"), "", _("Recommended"), _("Sold"), NULL };
  double max = 0;

  clear_grid (self->categories_grid);
  if (b->categories->len == 0)
    {
      cell (self->categories_grid, 0, 0, _("The shop’s products have no categories."), "dim-label", 0.0f);
      return;
    }
  header (self->categories_grid, a ? titles_after : titles);
  for (guint c = 0; c < b->categories->len; c++)
    {
      const SdFairnessCategory *cat = g_ptr_array_index (b->categories, c);
      max = MAX (max, MAX (cat->recommended, cat->sales));
    }
  for (guint c = 0; c < b->categories->len; c++)
    {
      const SdFairnessCategory *cat = g_ptr_array_index (b->categories, c);
      const SdFairnessCategory *cat_after = a && c < a->categories->len ? g_ptr_array_index (a->categories, c) : NULL;
      g_autofree char *rec = format_share (cat->recommended);
      g_autofree char *sold = format_share (cat->sales);
      g_autofree char *described = NULL;
      GtkWidget *bar, *name;
      int row = (int) c + 1, col = 3;

      name = cell (self->categories_grid, 0, row, cat->category, NULL, 0.0f);
      gtk_widget_set_hexpand (name, TRUE);
      /* The bar: the share of recommendations; the mark: the share of sales. */
      bar = sd_interval_bar_new (cat->recommended, NAN, NAN, cat->sales,
                                 max > 0 ? max * 1.05 : 1.0);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      described = g_strdup_printf (_("%s: %.1f %% of recommendations, %.1f %% of sales"), cat->category,
                                   100 * cat->recommended, 100 * cat->sales);
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, described, -1);
      gtk_grid_attach (self->categories_grid, bar, 1, row, 1, 1);
      cell (self->categories_grid, 2, row, rec, NULL, 1.0f);
      if (cat_after)
        {
          g_autofree char *after = format_share (cat_after->recommended);
          cell (self->categories_grid, col++, row, after, NULL, 1.0f);
        }
      cell (self->categories_grid, col, row, sold, "dim-label", 1.0f);
    }
}

/* The strength row only means something with a re-ranking, and the row says what it does. */
static void
kind_selected (SdFairnessPage *self)
{
  guint kind = adw_combo_row_get_selected (self->kind_row);
  const char *futile = self->report && kind < SD_N_RERANK_KINDS ? sd_fairness_rerank_futile (self->report, kind) : NULL;

  gtk_widget_set_sensitive (GTK_WIDGET (self->strength_row), kind != SD_RERANK_NONE && kind < SD_N_RERANK_KINDS);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->kind_row),
                               futile ? futile
                                      : sd_rerank_kind_get_description (kind < SD_N_RERANK_KINDS ? kind : SD_RERANK_NONE));
}


/* A stored model as the Training page names it ("ALS (implicit feedback) #2"), not by its
 * identifier ("als #2"); a name the user gave it stays as it is. */
static char *
stored_model_title (const SdFairnessReport *r)
{
  g_autofree char *plain = g_strdup_printf ("%s #%" G_GINT64_FORMAT, r->algorithm, (gint64) r->model_id);
  g_autoptr(SdRecommender) fitted = NULL;

  if (g_strcmp0 (r->label, plain) != 0)
    return g_strdup (r->label);
  fitted = sd_recommender_new (r->algorithm, NULL);
  /* TRANSLATORS: a model's name and its number */
  return g_strdup_printf (_("%s #%ld"), fitted ? _(sd_recommender_get_label (fitted)) : r->algorithm,
                          (long) r->model_id);
}

static void
show_report (SdFairnessPage *self)
{
  const SdFairnessReport *r = self->report;
  g_autofree char *served = sd_format_count (r->n_served);
  g_autofree char *evaluated = sd_format_count (r->before->n_evaluated);
  g_autofree char *summary = NULL;
  g_autofree char *model = NULL;
  g_autoptr(GtkStringList) groupings = gtk_string_list_new (NULL);
  g_autofree char *previous = NULL;
  guint select = 0;

  if (g_strcmp0 (r->source, "default") == 0)
    {
      /* the model as the Training page names it, not its identifier */
      g_autoptr(SdRecommender) fitted = sd_recommender_new (r->algorithm, NULL);
      const char *label = fitted ? _(sd_recommender_get_label (fitted)) : r->algorithm;
      /* TRANSLATORS: %s is a model's name such as "EASE (closed form)" */
      model = g_strdup_printf (_("No model is stored yet, so %s was fitted for this report."), label);
    }
  else if (g_strcmp0 (r->source, "live") == 0)
    {
      g_autofree char *title = stored_model_title (r);
      model = g_strdup_printf (_("The live model, %s."), title);
    }
  else
    {
      g_autofree char *title = stored_model_title (r);
      model = g_strdup_printf (_("No model is live: the newest stored one, %s."), title);
    }
  /* TRANSLATORS: after the model's sentence: counts of customers */
  summary = g_strdup_printf (_("%s Each of %s customers gets a top ten; accuracy is measured on a fifth of "
                               "the items of the %s who have enough, held out from training, with 95 %% "
                               "intervals over customers."), model, served, evaluated);
  gtk_label_set_label (self->summary_label, summary);

  self->updating = TRUE;
  if (!self->chosen)
    {
      adw_combo_row_set_selected (self->kind_row, r->rerank.kind);
      if (sd_rerank_spec_is_active (&r->rerank))
        gtk_range_set_value (GTK_RANGE (self->strength_scale), r->rerank.strength);
    }
  kind_selected (self);
  if (g_strcmp0 (r->source, "live") == 0)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *saved = sd_model_registry_get_rerank (self->store, r->model_id, &error);
      SdRerankSpec spec = { SD_RERANK_NONE, 0 };
      g_autofree char *subtitle = NULL;
      if (saved)
        sd_rerank_spec_parse (saved, &spec, NULL);
      subtitle = sd_rerank_spec_is_active (&spec)
                   /* TRANSLATORS: %s is a re-ranking's name, %.2f its strength */
                   ? g_strdup_printf (_("Recommendations are served re-ranked now: %s at %.2f"),
                                      sd_rerank_kind_get_label (spec.kind), spec.strength)
                   : g_strdup (_("Recommendations are served in the model’s own order now"));
      adw_action_row_set_subtitle (self->save_row, subtitle);
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), TRUE);
    }
  else
    {
      adw_action_row_set_subtitle (self->save_row, _("Promote a model on the Training page first"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
    }

  if (gtk_drop_down_get_selected (self->group_dropdown) < self->dimension_ids->len)
    previous = g_strdup (g_ptr_array_index (self->dimension_ids, gtk_drop_down_get_selected (self->group_dropdown)));
  g_ptr_array_set_size (self->dimension_ids, 0);
  for (guint d = 0; d < r->before->dimensions->len; d++)
    {
      const SdFairnessDimension *dim = g_ptr_array_index (r->before->dimensions, d);
      gtk_string_list_append (groupings, sd_fairness_dimension_title (dim->by));
      if (g_strcmp0 (dim->by, previous) == 0)
        select = d;
      g_ptr_array_add (self->dimension_ids, g_strdup (dim->by));
    }
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (groupings));
  gtk_drop_down_set_selected (self->group_dropdown, select);
  self->updating = FALSE;

  show_figures (self);
  show_groups (self);
  show_categories (self);
  gtk_stack_set_visible_child_name (self->stack, "content");
  gtk_widget_set_opacity (gtk_stack_get_visible_child (self->stack), 1.0);
}

/* ---- the job ------------------------------------------------------------------------------ */

static void
job_text_cb (SdFairnessPage *self)
{
  const char *text = self->job ? sd_job_get_text (self->job) : NULL;
  gtk_label_set_label (self->loading_label, text && *text ? text : _("Measuring fairness…"));
}

static void
job_done_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SdFairnessPage) self = user_data;
  SdJob *job = SD_JOB (source);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job != self->job)
    return;
  gtk_spinner_set_spinning (self->spinner, FALSE);
  if (ok)
    {
      g_clear_pointer (&self->report, sd_fairness_report_free);
      self->report = sd_fairness_job_steal_report (job);
      show_report (self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (self->report)
        {
          gtk_stack_set_visible_child_name (self->stack, "content");
          gtk_widget_set_opacity (gtk_stack_get_visible_child (self->stack), 1.0);
        }
    }
  else
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
    }
  g_clear_object (&self->job);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}


static void
chosen_spec (SdFairnessPage *self,
             SdRerankSpec   *spec)
{
  guint kind = adw_combo_row_get_selected (self->kind_row);

  spec->kind = kind < SD_N_RERANK_KINDS ? (SdRerankKind) kind : SD_RERANK_NONE;
  /* To the slider's two decimals, so what is saved is what the label showed. */
  spec->strength = round (gtk_range_get_value (GTK_RANGE (self->strength_scale)) * 100) / 100;
}

static void
cancel_job (SdFairnessPage *self)
{
  if (!self->job)
    return;
  g_signal_handlers_disconnect_by_data (self->job, self);
  sd_job_cancel (self->job);
  g_clear_object (&self->job);
}

static void
measure (SdFairnessPage *self)
{
  SdFairnessOptions options = { 0 };

  g_clear_handle_id (&self->remeasure_id, g_source_remove);
  if (self->store == NULL)
    return;
  cancel_job (self);
  self->stale = FALSE;
  /* Until the person chooses, the report shows the re-ranking saved with the live model. */
  if (self->chosen)
    {
      chosen_spec (self, &options.rerank);
      options.no_saved = TRUE;
    }
  options.seed = 1;
  self->job = sd_fairness_job_new (sd_store_get_path (self->store), &options);
  g_signal_connect_object (self->job, "notify::text", G_CALLBACK (job_text_cb), self, G_CONNECT_SWAPPED);
  job_text_cb (self);
  gtk_spinner_set_spinning (self->spinner, TRUE);
  /* A report already shown stays while the next one is measured: the slider keeps its place. */
  if (!self->report)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  else
    gtk_widget_set_opacity (gtk_stack_get_visible_child (self->stack), 0.6);
  sd_page_host_run_job (GTK_WIDGET (self), self->job, job_done_cb, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static gboolean
remeasure_cb (gpointer user_data)
{
  SdFairnessPage *self = user_data;

  self->remeasure_id = 0;
  measure (self);
  return G_SOURCE_REMOVE;
}

static void
controls_changed_cb (SdFairnessPage *self)
{
  if (self->updating)
    return;
  self->chosen = TRUE;
  kind_selected (self);
  g_clear_handle_id (&self->remeasure_id, g_source_remove);
  self->remeasure_id = g_timeout_add (REMEASURE_MS, remeasure_cb, self);
}

static void
group_selected_cb (SdFairnessPage *self)
{
  if (!self->updating && self->report)
    show_groups (self);
}

/* ---- actions ------------------------------------------------------------------------------ */

static void
measure_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  measure (SD_FAIRNESS_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdFairnessPage *self = SD_FAIRNESS_PAGE (widget);

  if (self->job)
    sd_job_cancel (self->job);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdFairnessPage *self = SD_FAIRNESS_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *toast = NULL;
  SdRerankSpec spec;

  if (!self->store || !self->report || g_strcmp0 (self->report->source, "live") != 0)
    return;
  chosen_spec (self, &spec);
  text = sd_rerank_spec_to_string (&spec);
  if (!sd_model_registry_set_rerank (self->store, self->report->model_id, text, NULL, &error))
    {
      sd_page_host_toast (widget, error->message);
      return;
    }
  toast = sd_rerank_spec_is_active (&spec)
            /* TRANSLATORS: %s is a re-ranking's name */
            ? g_strdup_printf (_("Recommendations are now re-ranked: %s"), sd_rerank_kind_get_label (spec.kind))
            : g_strdup (_("Recommendations are served in the model’s own order again"));
  sd_page_host_toast (widget, toast);
  show_report (self);
}

/* The smallest group a private export shows, as the shop's other private releases. */
#define PRIVATE_THRESHOLD 20.0

static void
export_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    gpointer         user_data)
{
  g_autoptr(SdFairnessPage) self = user_data;
  double epsilon = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (chooser), "sd-epsilon-tenths")) / 10.0;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (response == GTK_RESPONSE_ACCEPT && self->report &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))))
    {
      name = g_file_get_basename (file);
      if (epsilon > 0)
        text = sd_fairness_report_release_dp (self->report, SD_DP_LAPLACE, epsilon, 0, PRIVATE_THRESHOLD, &error);
      else
        text = g_str_has_suffix (name, ".csv") ? sd_fairness_report_to_csv (self->report)
                                               : sd_fairness_report_to_json (self->report);
      if (!text || !g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error))
        {
          g_autofree char *message = g_strdup_printf (_("Could not export the report: %s"), error->message);
          sd_page_host_toast (GTK_WIDGET (self), message);
        }
    }
  g_object_unref (chooser);
}

static void
choose_file (SdFairnessPage *self,
             double          epsilon)
{
  GtkNativeDialog *chooser;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Export the Fairness Report"),
                                                            GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                            GTK_FILE_CHOOSER_ACTION_SAVE,
                                                            _("_Export"), _("_Cancel")));
  /* JSON for machines; a name ending in .csv gets a table for a spreadsheet. */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                     epsilon > 0 ? "fairness-report-private.json" : "fairness-report.json");
  g_object_set_data (G_OBJECT (chooser), "sd-epsilon-tenths", GUINT_TO_POINTER ((guint) llround (epsilon * 10)));
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  if (SD_FAIRNESS_PAGE (widget)->report)
    choose_file (SD_FAIRNESS_PAGE (widget), 0);
}

static void
private_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     gpointer          user_data)
{
  g_autoptr(SdFairnessPage) self = user_data;
  GtkSpinButton *spin = g_object_get_data (G_OBJECT (dialog), "sd-epsilon");

  if (g_strcmp0 (response, "export") == 0 && self->report)
    choose_file (self, gtk_spin_button_get_value (spin));
}

static void
export_private_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  SdFairnessPage *self = SD_FAIRNESS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog, *row, *spin;
  g_autofree char *body = NULL;

  if (!self->report)
    return;
  /* TRANSLATORS: %.0f is the smallest group shown, in customers */
  body = g_strdup_printf (_("Noise is added to every figure so that no single customer’s presence can be told "
                            "from the report, and groups of fewer than %.0f customers are left out. A smaller "
                            "budget gives more privacy and noisier figures."), PRIVATE_THRESHOLD);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Export With Differential Privacy"), body);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  gtk_box_append (GTK_BOX (row), gtk_label_new (_("Privacy budget (ε)")));
  spin = gtk_spin_button_new_with_range (0.1, 10.0, 0.1);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), 1.0);
  gtk_widget_set_hexpand (spin, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Privacy budget (ε)"), -1);
  gtk_box_append (GTK_BOX (row), spin);
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

    gtk_box_append (GTK_BOX (box), row);
    gtk_box_append (GTK_BOX (box), sd_dp_export_epsilon_help ());
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  }
  g_object_set_data (G_OBJECT (dialog), "sd-epsilon", spin);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "export", _("_Export…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  g_signal_connect (dialog, "response", G_CALLBACK (private_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- store -------------------------------------------------------------------------------- */

static void
mark_stale (SdFairnessPage *self)
{
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    measure (self);
}

static void
sd_fairness_page_map (GtkWidget *widget)
{
  SdFairnessPage *self = SD_FAIRNESS_PAGE (widget);

  GTK_WIDGET_CLASS (sd_fairness_page_parent_class)->map (widget);
  if (self->stale && self->job == NULL)
    measure (self);
}

SdStore *
sd_fairness_page_get_store (SdFairnessPage *self)
{
  g_return_val_if_fail (SD_IS_FAIRNESS_PAGE (self), NULL);
  return self->store;
}

void
sd_fairness_page_set_store (SdFairnessPage *self,
                            SdStore        *store)
{
  g_return_if_fail (SD_IS_FAIRNESS_PAGE (self));

  if (self->store == store)
    return;
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  cancel_job (self);
  g_clear_pointer (&self->report, sd_fairness_report_free);
  self->chosen = FALSE;
  gtk_stack_set_visible_child_name (self->stack, "loading");
  if (store)
    {
      g_signal_connect_object (store, "changed::" SD_STORE_CHANGED_DATA, G_CALLBACK (mark_stale), self, G_CONNECT_SWAPPED);
      mark_stale (self);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

gboolean
sd_fairness_page_get_loading (SdFairnessPage *self)
{
  g_return_val_if_fail (SD_IS_FAIRNESS_PAGE (self), FALSE);
  return self->job != NULL || self->remeasure_id != 0;
}

void
sd_fairness_page_set_rerank (SdFairnessPage     *self,
                             const SdRerankSpec *spec)
{
  g_return_if_fail (SD_IS_FAIRNESS_PAGE (self));

  self->updating = TRUE;
  adw_combo_row_set_selected (self->kind_row, spec->kind);
  gtk_range_set_value (GTK_RANGE (self->strength_scale), spec->strength);
  self->updating = FALSE;
  self->chosen = TRUE;
  measure (self);
}

const SdFairnessReport *
sd_fairness_page_get_report (SdFairnessPage *self)
{
  g_return_val_if_fail (SD_IS_FAIRNESS_PAGE (self), NULL);
  return self->report;
}

void
sd_fairness_page_show_groups (SdFairnessPage *self,
                              const char     *by)
{
  g_return_if_fail (SD_IS_FAIRNESS_PAGE (self));

  for (guint d = 0; d < self->dimension_ids->len; d++)
    if (g_strcmp0 (g_ptr_array_index (self->dimension_ids, d), by) == 0)
      gtk_drop_down_set_selected (self->group_dropdown, d);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
sd_fairness_page_dispose (GObject *object)
{
  SdFairnessPage *self = SD_FAIRNESS_PAGE (object);
  GtkWidget *child;

  g_clear_handle_id (&self->remeasure_id, g_source_remove);
  cancel_job (self);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_FAIRNESS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_pointer (&self->report, sd_fairness_report_free);
  g_clear_pointer (&self->dimension_ids, g_ptr_array_unref);
  G_OBJECT_CLASS (sd_fairness_page_parent_class)->dispose (object);
}

static void
sd_fairness_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  SdFairnessPage *self = SD_FAIRNESS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, sd_fairness_page_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_fairness_page_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_STORE:
      sd_fairness_page_set_store (SD_FAIRNESS_PAGE (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_fairness_page_class_init (SdFairnessPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_fairness_page_dispose;
  object_class->get_property = sd_fairness_page_get_property;
  object_class->set_property = sd_fairness_page_set_property;
  widget_class->map = sd_fairness_page_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-fairness-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, loading_label);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, kind_row);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, strength_row);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, strength_scale);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, save_row);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, figures_grid);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, groups_grid);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, groups_caption);
  gtk_widget_class_bind_template_child (widget_class, SdFairnessPage, categories_grid);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "fairness.measure", NULL, measure_action);
  gtk_widget_class_install_action (widget_class, "fairness.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "fairness.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "fairness.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "fairness.export-private", NULL, export_private_action);
}

static void
sd_fairness_page_init (SdFairnessPage *self)
{
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);

  self->dimension_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint k = 0; k < SD_N_RERANK_KINDS; k++)
    gtk_string_list_append (kinds, sd_rerank_kind_get_label (k));
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (kinds));
  kind_selected (self);
  g_signal_connect_object (self->kind_row, "notify::selected", G_CALLBACK (controls_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->strength_scale, "value-changed", G_CALLBACK (controls_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->group_dropdown, "notify::selected", G_CALLBACK (group_selected_cb), self, G_CONNECT_SWAPPED);
}
