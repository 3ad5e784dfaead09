/* sd-kpi-card.c — a headline figure as a card */
#include "config.h"

#include "sd-kpi-card.h"

GtkWidget *
sd_kpi_card_new (const char *caption,
                 const char *value,
                 const char *detail,
                 const char *detail_class)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *label;
  g_autofree char *accessible = g_strdup_printf ("%s: %s. %s", caption, value, detail);

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "sd-kpi");

  /* A long caption ("Active Customers") wraps when the cards are narrow, so that it does not
   * decide alone how many cards share a line. */
  label = gtk_label_new (caption);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_widget_add_css_class (label, "dim-label");
  gtk_box_append (GTK_BOX (card), label);

  label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  /* Bounded natural width, so five cards share a line on a normal window. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 9);
  gtk_widget_set_tooltip_text (label, value);
  gtk_widget_add_css_class (label, "title-2");
  gtk_widget_add_css_class (label, "numeric");
  gtk_box_append (GTK_BOX (card), label);

  /* A comparison ("+12 % vs previous 30 days") wraps onto a second line rather than
   * losing its end. */
  label = gtk_label_new (detail);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_lines (GTK_LABEL (label), 2);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 12);
  /* No vexpand: it would spread up to the page, and on a window taller than the page every
   * card grew to hundreds of empty pixels. Cards of a line are as tall as the tallest anyway. */
  gtk_widget_set_valign (label, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (label, detail);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, detail_class ? detail_class : "dim-label");
  gtk_box_append (GTK_BOX (card), label);

  gtk_accessible_update_property (GTK_ACCESSIBLE (card),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return card;
}
