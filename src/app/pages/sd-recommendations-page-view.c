/* sd-recommendations-page-view.c — the Recommendations page's view of one customer: profile,
 * offers, recommendations with their reasons, similar items, export */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-csv.h"
#include "sd-error.h"
#include "sd-format.h"
#include "sd-recommendations-page-private.h"
#include "sd-shop-summary.h"

/* ---- Showing a view ------------------------------------------------------------------ */

static GtkWidget *
figure (const char *value,
        const char *caption)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *v = gtk_label_new (value);
  GtkWidget *c = gtk_label_new (caption);

  gtk_widget_add_css_class (v, "title-3");
  gtk_widget_add_css_class (v, "numeric");
  gtk_widget_add_css_class (c, "caption");
  gtk_widget_add_css_class (c, "dim-label");
  gtk_box_append (GTK_BOX (box), v);
  gtk_box_append (GTK_BOX (box), c);
  return box;
}

/* As the Overview writes a date ("9 Dec 2011"). */
static char *
format_date (gint64 at)
{
  return at > 0 ? sd_time_format_date (at) : g_strdup ("—");
}

/* An item's line under its title: "Kitchen · £7.95", and " ·" before a stock level that
 * follows. A shop none of whose products has a category (Online Retail) or a price leaves
 * that part out rather than saying "No category" on every line. */
static char *
item_meta (const char *category,
           gboolean    has_categories,
           const char *price,
           gboolean    stock_follows)
{
  GString *meta = g_string_new (NULL);

  if (has_categories)
    g_string_append (meta, category ? category : _("No category"));
  if (price)
    g_string_append_printf (meta, "%s%s", meta->len > 0 ? " · " : "", price);
  if (stock_follows && meta->len > 0)
    g_string_append (meta, " ·");
  return g_string_free (meta, FALSE);
}

/* "14911 · EIRE · Retail": the parts there are, with a dot between. Shown with
 * sd_format_word_attributes(): a narrow profile card wrapped "英|国". */
void
sd_recommendations_page_append_detail (GString    *detail,
                                       const char *part)
{
  if (part == NULL || *part == '\0')
    return;
  if (detail->len > 0)
    g_string_append (detail, " · ");
  g_string_append (detail, part);
}

/* The subtitle label of an AdwActionRow (libadwaita 1.2 has no getter), or NULL. */
GtkLabel *
sd_recommendations_page_row_subtitle_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;
      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "subtitle"))
        return GTK_LABEL (child);
      if ((found = sd_recommendations_page_row_subtitle_label (child)))
        return found;
    }
  return NULL;
}

static void
show_header (SdRecommendationsPage *self,
             ViewWork              *w)
{
  const SdCustomerProfile *p = w->profile;
  gboolean named = p->name && *p->name;
  /* the id under a name; a customer without one (Online Retail) is titled by it already */
  g_autoptr(GString) detail = g_string_new (named ? p->external_id : NULL);
  const char *name = named ? p->name : p->external_id;
  GtkWidget *child;

  gtk_label_set_text (self->name_label, name);
  adw_avatar_set_text (self->avatar, name);
  /* Initials of a name; a bare id (14911) would make an avatar saying "1". */
  adw_avatar_set_show_initials (self->avatar, named);
  sd_recommendations_page_append_detail (detail, sd_format_country (p->country));
  sd_recommendations_page_append_detail (detail, sd_format_segment (p->segment));
  if (p->created_at > 0)
    {
      g_autofree char *since = format_date (p->created_at);
      /* TRANSLATORS: %s is a date */
      g_autofree char *text = g_strdup_printf (_("customer since %s"), since);
      sd_recommendations_page_append_detail (detail, text);
    }
  sd_format_label_keep_words (self->detail_label, detail->str);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->figures_box))))
    gtk_box_remove (self->figures_box, child);
  {
    g_autofree char *orders = sd_format_count (p->orders);
    g_autofree char *spend = sd_format_money (p->lifetime_cents, self->currency);
    g_autofree char *last = format_date (p->last_order_at);
    g_autofree char *events = sd_format_count (p->n_events);
    /* Purchases only (every customer of an order export): called what they are, as the
     * activity below calls them. */
    gboolean purchases_only = p->n_events > 0 && p->n_events == p->events[SD_EVENT_PURCHASE];

    gtk_box_append (self->figures_box, figure (orders, g_dngettext (GETTEXT_PACKAGE, "order", "orders", p->orders)));
    gtk_box_append (self->figures_box, figure (spend, _("lifetime spend")));
    gtk_box_append (self->figures_box, figure (last, _("last order")));
    gtk_box_append (self->figures_box,
                    figure (events, purchases_only
                                    /* TRANSLATORS: under a customer's count of purchases (order lines) */
                                    ? g_dngettext (GETTEXT_PACKAGE, "purchase", "purchases", p->n_events)
                                    : g_dngettext (GETTEXT_PACKAGE, "event", "events", p->n_events)));
  }
}

static char *
score_text (float score)
{
  return g_strdup_printf ("%.3g", (double) score);
}

static GtkWidget *
rec_row_widget (SdRecommendationsPage *self,
                const ViewWork        *view,
                const RecRow          *row,
                guint                  rank,
                double                 fraction,
                gboolean               comparing)
{
  GtkWidget *list_row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *score_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *rank_text = g_strdup_printf ("%u", rank);
  GtkWidget *rank_label = gtk_label_new (rank_text);
  GtkWidget *title = gtk_label_new (row->title);
  g_autofree char *price = sd_format_money (row->price_cents, self->currency);
  g_autofree char *stock = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *score = score_text (row->score);
  g_autofree char *accessible = NULL;
  g_autofree char *score_tip = NULL;
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);

  /* A shop without stock or prices (a ratings data set) shows neither, rather than
   * every item "out of stock" at 0.00. */
  if (row->stock < 0 || !view->has_stock)
    stock = NULL;
  else if (row->stock == 0)
    stock = g_strdup (_("out of stock"));
  else
    stock = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d in stock", "%d in stock", row->stock), row->stock);
  meta = item_meta (row->category, view->has_categories, view->has_prices ? price : NULL, stock != NULL);

  gtk_widget_add_css_class (rank_label, "dim-label");
  gtk_widget_add_css_class (rank_label, "numeric");
  gtk_widget_add_css_class (rank_label, "title-4");
  gtk_label_set_width_chars (GTK_LABEL (rank_label), 2);
  gtk_label_set_xalign (GTK_LABEL (rank_label), 1);
  gtk_widget_set_valign (rank_label, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), rank_label);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (title_box), title);
  if (comparing && row->common)
    {
      /* TRANSLATORS: on an item both compared models recommend: its rank in the other list */
      g_autofree char *both = g_strdup_printf (_("Both · #%u"), row->other_rank);
      g_autofree char *tip = g_strdup_printf (_("The other model recommends it too, at rank %u"), row->other_rank);
      GtkWidget *pill = gtk_label_new (both);
      gtk_widget_add_css_class (pill, "sd-common-pill");
      gtk_widget_set_valign (pill, GTK_ALIGN_START);
      gtk_widget_set_tooltip_text (pill, tip);
      gtk_box_append (GTK_BOX (title_box), pill);
    }
  gtk_box_append (GTK_BOX (text), title_box);
  {
    GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
    if (*meta)
      gtk_box_append (GTK_BOX (line), sd_recommendations_page_dim_label (meta, TRUE));
    if (stock)
      {
        GtkWidget *stock_label = gtk_label_new (stock);

        gtk_widget_add_css_class (stock_label, "caption");
        /* Out of stock matters to a manager deciding what to push: it stands out. */
        gtk_widget_add_css_class (stock_label, row->stock == 0 ? "warning" : "dim-label");
        gtk_box_append (GTK_BOX (line), stock_label);
      }
    gtk_box_append (GTK_BOX (text), line);
  }
  if (row->explanation && *row->explanation)
    {
      g_auto(GStrv) lines = g_strsplit (row->explanation, "\n", -1);
      g_autofree char *bulleted = NULL;
      GtkWidget *why;

      for (guint k = 0; lines[k]; k++)
        {
          char *line = g_strconcat ("• ", lines[k], NULL);
          g_free (lines[k]);
          lines[k] = line;
        }
      bulleted = g_strjoinv ("\n", lines);
      why = gtk_label_new (bulleted);
      gtk_label_set_xalign (GTK_LABEL (why), 0);
      gtk_label_set_wrap (GTK_LABEL (why), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (why), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (why, "caption");
      gtk_widget_add_css_class (why, "sd-reason");
      /* The sentences give each reason's share; an expert finds the model's own figures
       * (contribution, similarity) on hover. */
      if (row->explanation_numbers && *row->explanation_numbers)
        {
          /* TRANSLATORS: tooltip over a recommended item's reasons: the model's raw figures follow, one line each */
          g_autofree char *tip = g_strdup_printf (_("The model's figures:\n%s"), row->explanation_numbers);
          gtk_widget_set_tooltip_text (why, tip);
        }
      gtk_box_append (GTK_BOX (text), why);
    }
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  gtk_level_bar_set_mode (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_MODE_CONTINUOUS);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (fraction, 0.0, 1.0));
  /* One colour for every value: the bar compares items, it does not grade them. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_set_size_request (bar, comparing ? 48 : 72, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Score"), -1);
  gtk_widget_set_valign (score_box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (score_box), bar);
  /* A bare "1.17" means nothing to a shop manager (it is no rating, price or chance, and
   * each model counts on its own scale): the bar says how strongly, the number is on hover. */
  score_tip = g_strdup_printf (_("How strongly the model recommends it, next to the list's first. "
                                 "Its own score, %s, only ranks items for this customer: it is "
                                 "not a rating or a chance, and models score on different scales."),
                               score);
  gtk_widget_set_tooltip_text (score_box, score_tip);
  gtk_box_append (GTK_BOX (box), score_box);

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (list_row), box);
  if (comparing && row->common)
    gtk_widget_add_css_class (list_row, "sd-common");
  gtk_widget_set_tooltip_text (list_row, _("Click for similar items"));
  /* TRANSLATORS: a recommended item for screen readers: rank, title, score, reasons */
  accessible = g_strdup_printf (_("%u. %s, score %s. %s"), rank, row->title, score,
                                row->explanation ? row->explanation : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return list_row;
}

static void
show_column (SdRecommendationsPage *self,
             const ViewWork        *view,
             guint                  c,
             RecList               *list,
             gboolean               comparing)
{
  Column *column = &self->columns[c];
  float hi = -INFINITY, lo = INFINITY;

  gtk_label_set_text (column->title, list->label);
  if (list->note)
    gtk_label_set_text (column->note, list->note);
  else if (self->n_stored == 0)
    gtk_label_set_text (column->note, _("No model is trained for this shop yet, so these are its most popular items. "
                                        "Pick a model above to train it here, or train and compare models on the "
                                        "Training page."));
  gtk_widget_set_visible (column->note_box, list->note != NULL || self->n_stored == 0);
  gtk_widget_set_visible (GTK_WIDGET (column->train_button), list->can_train);
  if (list->can_train)
    {
      /* TRANSLATORS: a button; %s is a model, e.g. "ALS (implicit feedback)" */
      g_autofree char *label = g_strdup_printf (_("Train %s Now"), list->label);
      gtk_button_set_label (column->train_button, label);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (column->train_button), "s", list->model);
      gtk_widget_set_sensitive (GTK_WIDGET (column->train_button),
                                !g_hash_table_contains (self->training, list->model));
    }

  sd_recommendations_page_clear_list (column->list);
  for (guint r = 0; r < list->rows->len; r++)
    {
      RecRow *row = g_ptr_array_index (list->rows, r);
      hi = MAX (hi, row->score);
      lo = MIN (lo, row->score);
    }
  /* Scores of different models live on different scales: the bar shows each item against
   * the list's best; with negative scores, against the list's range. */
  if (lo >= 0)
    lo = 0;
  for (guint r = 0; r < list->rows->len; r++)
    {
      RecRow *row = g_ptr_array_index (list->rows, r);
      double fraction = hi > lo ? (row->score - lo) / (hi - lo) : 1.0;
      gtk_list_box_append (column->list, rec_row_widget (self, view, row, r + 1, fraction, comparing));
    }
  if (list->rows->len == 0)
    gtk_list_box_append (column->list,
                         sd_recommendations_page_placeholder_row (_("Nothing left to recommend with these filters. Try showing items "
                                            "already bought or reviewed, or another category.")));
}

static GtkWidget *
offer_row (SdRecommendationsPage *self,
           const Offer           *offer)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *amount;
  g_autoptr(GString) value = g_string_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), offer->name);
  /* TRANSLATORS: why a customer gets a coupon; %s is the engine's reason */
  {
    g_autofree char *because = g_strdup_printf (_("Because %s"), offer->reason ? offer->reason : "");
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), because);
  }
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (offer->discount_cents > 0)
    {
      g_autofree char *money = sd_format_money (offer->discount_cents, self->currency);
      /* TRANSLATORS: a coupon's discount on the customer's typical basket */
      g_string_append_printf (value, _("%s off"), money);
    }
  if (offer->free_shipping)
    g_string_append_printf (value, "%s%s", value->len ? "\n" : "", _("free shipping"));
  if (offer->capped)
    g_string_append_printf (value, "%s%s", value->len ? "\n" : "", _("(capped)"));
  amount = gtk_label_new (value->str);
  gtk_label_set_justify (GTK_LABEL (amount), GTK_JUSTIFY_RIGHT);
  gtk_label_set_xalign (GTK_LABEL (amount), 1);
  gtk_widget_add_css_class (amount, "numeric");
  gtk_widget_add_css_class (amount, "sd-offer-amount");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), amount);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("emblem-favorite-symbolic"));
  return row;
}

/* No rule applies: the caption says so, and each switched-on rule why it leaves the
 * customer out, instead of their basket's figures above an empty list. */
static void
show_no_offers (SdRecommendationsPage *self,
                ViewWork              *w)
{
  if (w->enabled_rules == 0)
    {
      gtk_label_set_text (self->offers_caption, _("No coupon rule is switched on in this shop, so nothing is offered to this customer."));
      gtk_list_box_append (self->offers_list,
                           sd_recommendations_page_placeholder_row (_("Rules are written, previewed and switched on on the Coupons page.")));
      return;
    }
  gtk_label_set_text (self->offers_caption,
                      g_dngettext (GETTEXT_PACKAGE,
                                   "No coupon rule applies to this customer, so nothing is offered. Why the rule switched on leaves them out:",
                                   "No coupon rule applies to this customer, so nothing is offered. Why each rule switched on leaves them out:",
                                   w->enabled_rules));
  for (guint i = 0; w->misses && i < w->misses->len; i++)
    {
      const Offer *miss = g_ptr_array_index (w->misses, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), miss->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), miss->reason ? miss->reason : "");
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->offers_list, row);
    }
}

static void
show_offers (SdRecommendationsPage *self,
             ViewWork              *w)
{
  sd_recommendations_page_clear_list (self->offers_list);
  if (w->offers_error)
    {
      gtk_label_set_text (self->offers_caption, _("The coupon rules could not be read."));
      gtk_list_box_append (self->offers_list, sd_recommendations_page_placeholder_row (w->offers_error));
      return;
    }
  if (w->offers->len == 0 && w->misses)
    {
      show_no_offers (self, w);
      return;
    }
  if (w->basket_cents > 0)
    {
      g_autofree char *basket = sd_format_money (w->basket_cents, self->currency);
      g_autofree char *caption = w->basket_is_last_order
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Enabled coupon rules that apply to this customer, in the order they apply, "
                                        "with the discount on their last order (%s, %d item).",
                                        "Enabled coupon rules that apply to this customer, in the order they apply, "
                                        "with the discount on their last order (%s, %d items).", (gulong) w->basket_items),
                           basket, (int) w->basket_items)
        : g_strdup_printf (_("Enabled coupon rules that apply to this customer, in the order they apply, "
                             "with the discount on the shop's typical basket (%s): they have not ordered yet."),
                           basket);
      gtk_label_set_text (self->offers_caption, caption);
    }
  else
    gtk_label_set_text (self->offers_caption, _("Enabled coupon rules that apply to this customer, in the order they apply."));
  for (guint i = 0; i < w->offers->len; i++)
    gtk_list_box_append (self->offers_list, offer_row (self, g_ptr_array_index (w->offers, i)));
  if (w->offers->len == 0)
    gtk_list_box_append (self->offers_list,
                         sd_recommendations_page_placeholder_row (_("No enabled coupon rule applies to this customer. Rules are written "
                                            "and previewed on the Coupons page.")));
}

/* About three lines of a review in the Recent Activity column. */
#define REVIEW_CHARS 200

static const char *
history_icon (SdEventKind kind)
{
  switch (kind)
    {
    case SD_EVENT_VIEW:     return "view-reveal-symbolic";
    case SD_EVENT_CART:     return "list-add-symbolic";
    case SD_EVENT_PURCHASE: return "emblem-ok-symbolic";
    case SD_EVENT_REVIEW:   return "starred-symbolic";
    default:                return "action-unavailable-symbolic";
    }
}

static void
show_history (SdRecommendationsPage *self,
              ViewWork              *w)
{
  const SdCustomerProfile *p = w->profile;
  g_autofree char *bought = sd_format_count (p->events[SD_EVENT_PURCHASE]);
  g_autofree char *carted = sd_format_count (p->events[SD_EVENT_CART]);
  g_autofree char *viewed = sd_format_count (p->events[SD_EVENT_VIEW]);
  g_autofree char *reviewed = sd_format_count (p->events[SD_EVENT_REVIEW]);
  g_autofree char *caption = NULL;

  /* An order export (Online Retail) has purchases only: "0 carts, 0 views and 0 reviews"
   * on every customer would read as something missing from this one. */
  if (p->events[SD_EVENT_CART] == 0 && p->events[SD_EVENT_VIEW] == 0 && p->events[SD_EVENT_REVIEW] == 0)
    /* TRANSLATORS: a customer's purchases, all time, when they have no other events */
    caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s purchase in all; the latest %u:",
                                            "%s purchases in all; the latest %u:",
                                            (gulong) p->events[SD_EVENT_PURCHASE]),
                               bought, (guint) MIN (p->history->len, N_HISTORY));
  else
    /* TRANSLATORS: counts of a customer's events of each kind, all time */
    caption = g_strdup_printf (_("%s purchases, %s carts, %s views and %s reviews in all; the latest %u:"),
                               bought, carted, viewed, reviewed, (guint) MIN (p->history->len, N_HISTORY));
  gtk_label_set_text (self->history_caption, caption);

  sd_recommendations_page_clear_list (self->history_list);
  for (guint i = 0; i < p->history->len; i++)
    {
      const SdCustomerEvent *h = g_ptr_array_index (p->history, i);
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
      GtkWidget *title = gtk_label_new (h->title ? h->title : "");
      GtkWidget *subtitle = NULL;
      g_autofree char *when = sd_format_time (h->at);
      g_autoptr(GString) sub = g_string_new (sd_format_event_kind (h->kind));
      GtkWidget *icon = gtk_image_new_from_icon_name (history_icon (h->kind));

      if (h->kind == SD_EVENT_REVIEW && h->rating > 0)
        g_string_append_printf (sub, " %s", sd_format_stars (h->rating));
      else if (h->quantity > 1)
        g_string_append_printf (sub, " ×%d", h->quantity);
      g_string_append_printf (sub, " · %s", when);
      if (h->kind == SD_EVENT_REVIEW && h->review)
        {
          /* Cut here rather than by the label's lines, which need it to ellipsize too. */
          glong chars = g_utf8_strlen (h->review, -1);
          g_autofree char *review = g_utf8_substring (h->review, 0, MIN (chars, REVIEW_CHARS));

          g_string_append_printf (sub, "\n“%s%s”", review, chars > REVIEW_CHARS ? "…" : "");
        }
      subtitle = gtk_label_new (sub->str);
      /* Labels of our own, wrapping at words as the recommendations above do: an
       * AdwActionRow's wrap at any character, and GTK 4.8 then measures the title box
       * narrower with no height given than with one ("GtkBox reports a minimum width of
       * 18, but minimum width for height of 1048576 is 31. Expect overlapping widgets"
       * on every row of Online Retail in Chinese). */
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_wrap (GTK_LABEL (title), TRUE);
      gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
      gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
      gtk_widget_add_css_class (subtitle, "dim-label");
      gtk_widget_add_css_class (subtitle, "caption");
      gtk_box_append (GTK_BOX (text), title);
      gtk_box_append (GTK_BOX (text), subtitle);
      gtk_widget_set_valign (text, GTK_ALIGN_CENTER);
      gtk_widget_set_hexpand (text, TRUE);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      sd_format_event_kind (h->kind), -1);
      if (h->kind == SD_EVENT_REVIEW)
        gtk_widget_add_css_class (icon, "sd-rating");
      gtk_box_append (GTK_BOX (box), icon);
      gtk_box_append (GTK_BOX (box), text);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_widget_set_margin_top (box, 8);
      gtk_widget_set_margin_bottom (box, 8);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_append (self->history_list, row);
    }
  if (p->history->len == 0)
    gtk_list_box_append (self->history_list,
                         sd_recommendations_page_placeholder_row (_("No views, carts, purchases or reviews yet: recommendations for this "
                                            "customer come from what is popular and from product descriptions.")));
}

void
sd_recommendations_page_show_view (SdRecommendationsPage *self)
{
  ViewWork *w = sd_recommendations_page_shown_view (self);
  gboolean comparing = w->n_models == 2;

  show_header (self, w);
  for (guint c = 0; c < w->n_models; c++)
    show_column (self, w, c, &w->lists[c], comparing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stock_check), w->has_stock);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->stock_check),
                               w->has_stock ? NULL : _("This shop's products have no stock levels"));
  gtk_widget_set_visible (self->columns[1].box, comparing);
  gtk_widget_set_visible (GTK_WIDGET (self->overlap_label), comparing);
  if (comparing)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u item is in both lists (highlighted) out of %u.",
                                                            "%u items are in both lists (highlighted) out of %u.",
                                                            w->overlap),
                                               w->overlap, MAX (w->lists[0].rows->len, w->lists[1].rows->len));
      gtk_label_set_text (self->overlap_label, text);
    }
  show_offers (self, w);
  show_history (self, w);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", TRUE);
  sd_recommendations_page_customer_actions_set_enabled (self, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

/* ---- Similar items ------------------------------------------------------------------- */

static void
similar_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  SimilarWork *w = sd_job_get_data (job);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job != self->similar_job)
    return;
  sd_recommendations_page_clear_list (self->similar_list);
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_list_box_append (self->similar_list, sd_recommendations_page_placeholder_row (error->message));
      g_clear_object (&self->similar_job);
      return;
    }
  gtk_label_set_text (self->similar_caption,
                      w->by_knn ? _("Bought by the same customers (item-kNN, cosine similarity)")
                                : _("Alike in title, description, category and tags (content similarity; "
                                    "train item-kNN for what the same customers bought)"));
  for (guint i = 0; w->rows && i < w->rows->len; i++)
    {
      RecRow *r = g_ptr_array_index (w->rows, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *price = sd_format_money (r->price_cents, self->currency);
      g_autofree char *sub = item_meta (r->category, w->has_categories, w->has_prices ? price : NULL, FALSE);
      g_autofree char *sim = g_strdup_printf ("%.2f", (double) r->score);
      GtkWidget *label = gtk_label_new (sim);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      gtk_widget_add_css_class (label, "numeric");
      gtk_widget_set_tooltip_text (label, _("Similarity (1 is identical)"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_list_box_append (self->similar_list, row);
    }
  self->n_similar = w->rows ? w->rows->len : 0;
  if (self->n_similar == 0)
    gtk_list_box_append (self->similar_list, sd_recommendations_page_placeholder_row (_("No similar items found.")));
  g_clear_object (&self->similar_job);
}

void
sd_recommendations_page_show_similar (SdRecommendationsPage *self,
                                      guint                  column,
                                      guint                  index)
{
  ViewWork *view = sd_recommendations_page_shown_view (self);
  SimilarWork *w;
  RecRow *row;
  GtkListBoxRow *list_row;
  graphene_rect_t bounds;
  g_autofree char *title = NULL;

  g_return_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self));
  if (view == NULL || column >= view->n_models || index >= view->lists[column].rows->len)
    return;
  row = g_ptr_array_index (view->lists[column].rows, index);
  list_row = gtk_list_box_get_row_at_index (self->columns[column].list, (int) index);

  sd_recommendations_page_cancel_job (self, &self->similar_job);
  self->n_similar = 0;
  /* TRANSLATORS: the heading of the similar-items popover; %s is a product */
  title = g_strdup_printf (_("Similar to “%s”"), row->title);
  gtk_label_set_text (self->similar_title, title);
  gtk_label_set_text (self->similar_caption, "");
  sd_recommendations_page_clear_list (self->similar_list);
  gtk_list_box_append (self->similar_list, sd_recommendations_page_loading_row (_("Finding similar items…")));

  if (list_row && gtk_widget_compute_bounds (GTK_WIDGET (list_row), GTK_WIDGET (self->columns_box), &bounds))
    gtk_popover_set_pointing_to (GTK_POPOVER (self->similar_popover),
                                 &(GdkRectangle) { (int) bounds.origin.x, (int) bounds.origin.y,
                                                   (int) bounds.size.width, (int) bounds.size.height });
  gtk_popover_popup (GTK_POPOVER (self->similar_popover));

  w = g_new0 (SimilarWork, 1);
  w->cache = sd_recommendations_page_shop_cache_ref (self->cache);
  w->item = row->item;
  w->title = g_strdup (row->title);
  self->similar_job = sd_job_new (_("Finding similar items"), sd_recommendations_page_similar_job_func, w,
                                  (GDestroyNotify) sd_recommendations_page_similar_work_free);
  sd_job_run_async (self->similar_job, similar_done_cb, g_object_ref (self));
}

guint
sd_recommendations_page_get_n_similar (SdRecommendationsPage *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), 0);
  return self->n_similar;
}

void
sd_recommendations_page_rec_row_activated_cb (GtkListBox            *list,
                                              GtkListBoxRow         *row,
                                              SdRecommendationsPage *self)
{
  guint column = list == self->columns[1].list ? 1 : 0;
  sd_recommendations_page_show_similar (self, column, (guint) gtk_list_box_row_get_index (row));
}

/* ---- Export -------------------------------------------------------------------------- */

gboolean
sd_recommendations_page_export_csv (SdRecommendationsPage *self,
                                    const char            *path,
                                    GError               **error)
{
  ViewWork *w = sd_recommendations_page_shown_view (self);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(SdCsvWriter) csv = sd_csv_writer_new (out);

  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), FALSE);
  if (w == NULL)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("No recommendations are on show to export."));
      return FALSE;
    }
  /* CRLF, as spreadsheets on Windows expect. */
  sd_csv_writer_set_crlf (csv, TRUE);
  sd_csv_writer_add_row (csv, "customer", "model", "rank", "product_id", "title", "score", "explanation", NULL);
  for (guint c = 0; c < w->n_models; c++)
    for (guint r = 0; r < w->lists[c].rows->len; r++)
      {
        RecRow *row = g_ptr_array_index (w->lists[c].rows, r);
        g_autofree char *reasons = g_strdup (row->explanation ? row->explanation : "");

        g_strdelimit (reasons, "\n", ';');
        sd_csv_writer_add_string (csv, w->profile->external_id);
        sd_csv_writer_add_string (csv, w->lists[c].model);
        sd_csv_writer_add_int (csv, r + 1);
        sd_csv_writer_add_string (csv, row->external_id);
        sd_csv_writer_add_string (csv, row->title);
        sd_csv_writer_add_double (csv, "%.6g", row->score);
        sd_csv_writer_add_string (csv, reasons);
        sd_csv_writer_end_row (csv);
      }
  if (!g_file_set_contents (path, out->str, (gssize) out->len, error))
    return FALSE;
  return TRUE;
}

static void
export_response_cb (GtkNativeDialog       *chooser,
                    int                    response,
                    SdRecommendationsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path && sd_recommendations_page_export_csv (self, path, &error))
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *message = g_strdup_printf (_("Recommendations saved to “%s”"), base);
          sd_recommendations_page_toast (self, message);
        }
      else if (error)
        {
          g_autofree char *message = g_strdup_printf (_("Could not save the recommendations: %s"), error->message);
          sd_recommendations_page_toast (self, message);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

/* A modal Save chooser for one kind of file, @name suggested (no folder separators). */
GtkFileChooserNative *
sd_recommendations_page_save_chooser_new (GtkWidget  *widget,
                                          const char *title,
                                          const char *filter_name,
                                          const char *pattern,
                                          const char *mime_type,
                                          char       *name)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_strdelimit (name, "/\\:", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  return chooser;
}

void
sd_recommendations_page_export_action (GtkWidget  *widget,
                                       const char *action_name,
                                       GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  ViewWork *w = sd_recommendations_page_shown_view (self);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (w == NULL)
    return;
  /* TRANSLATORS: the suggested file name; %s is the customer's id */
  name = g_strdup_printf (_("recommendations-%s.csv"), w->profile->external_id);
  chooser = sd_recommendations_page_save_chooser_new (widget, _("Export Recommendations"), _("CSV files"), "*.csv", "text/csv", name);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}
