/* sd-promote-dialog.c — the candidate against the live model, then Promote */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-format.h"
#include "sd-promote-dialog.h"

static GtkWidget *
label (const char *text,
       gboolean    heading)
{
  GtkWidget *l = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (l), heading ? 0 : 1);
  if (heading)
    gtk_widget_add_css_class (l, "heading");
  return l;
}

GtkWidget *
sd_promote_dialog_new (GtkWindow  *parent,
                       const char *candidate,
                       const char *live,
                       const char *purpose)
{
  /* TRANSLATORS: a dialog's title; %s is a run, e.g. "EASE (closed form) #4" */
  g_autofree char *title = g_strdup_printf (_("Promote %s?"), candidate);
  /* TRANSLATORS: %s are a purpose ("Recommendations") and the model live for it now */
  g_autofree char *body = g_strdup_printf (_("%s uses %s now. Both are being refitted on the same part of the shop "
                                             "and measured on the same held-out data…"), purpose, live);
  GtkWidget *dialog = adw_message_dialog_new (parent, title, body);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_box_append (GTK_BOX (box), spinner);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_object_set_data_full (G_OBJECT (dialog), "sd-box", g_object_ref (box), g_object_unref);
  g_object_set_data_full (G_OBJECT (dialog), "sd-candidate", g_strdup (candidate), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "sd-live", g_strdup (live), g_free);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "promote", _("_Promote"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "promote", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  return dialog;
}

static void
clear_box (GtkWidget *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (box)))
    gtk_box_remove (GTK_BOX (box), child);
}

void
sd_promote_dialog_set_comparison (GtkWidget               *dialog,
                                  const SdModelComparison *c)
{
  GtkWidget *box = g_object_get_data (G_OBJECT (dialog), "sd-box");
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());
  GtkGrid *people = GTK_GRID (gtk_grid_new ());
  const SdModelCompareSide *sides[] = { &c->candidate, &c->live };
  const char *names[] = { g_object_get_data (G_OBJECT (dialog), "sd-candidate"),
                          g_object_get_data (G_OBJECT (dialog), "sd-live") };
  g_autofree char *count = sd_format_count (c->n_test_users);
  GtkWidget *heading;
  /* TRANSLATORS: %s is a number of customers */
  g_autofree char *body = g_strdup_printf (_("Both refitted on the same four fifths of each customer's products "
                                             "and measured on the other fifth (%s customers):"), count);

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  clear_box (box);
  gtk_grid_set_column_spacing (grid, 18);
  gtk_grid_set_row_spacing (grid, 6);
  gtk_grid_attach (grid, label ("", TRUE), 0, 0, 1, 1);
  /* Named as the Fairness page names them, the metrics' own names on hover. */
  heading = label (_("Accuracy"), TRUE);
  gtk_widget_set_tooltip_text (heading, _("NDCG@10: how high the products each customer went on to choose rank in their top ten"));
  gtk_grid_attach (grid, heading, 1, 0, 1, 1);
  heading = label (_("Found again in the top 20"), TRUE);
  gtk_widget_set_tooltip_text (heading, _("Share of each customer’s held-out products found in their top twenty (Recall@20)"));
  gtk_grid_attach (grid, heading, 2, 0, 1, 1);
  heading = label (_("Catalogue coverage"), TRUE);
  gtk_widget_set_tooltip_text (heading, _("Share of the products that appear in someone’s top ten"));
  gtk_grid_attach (grid, heading, 3, 0, 1, 1);
  for (guint r = 0; r < 2; r++)
    {
      const SdModelCompareSide *s = sides[r];
      double values[] = { s->ndcg10, s->recall20, s->coverage };
      double others[] = { sides[1 - r]->ndcg10, sides[1 - r]->recall20, sides[1 - r]->coverage };

      gtk_grid_attach (grid, label (names[r], TRUE), 0, r + 1, 1, 1);
      for (guint m = 0; m < G_N_ELEMENTS (values); m++)
        {
          g_autofree char *text = sd_format_decimal (values[m], 3);
          GtkWidget *cell = label (text, FALSE);
          if (values[m] > others[m])
            gtk_widget_add_css_class (cell, "sd-differs");
          gtk_grid_attach (grid, cell, m + 1, r + 1, 1, 1);
        }
    }
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (grid));

  {
    GtkWidget *caption = gtk_label_new (_("Of the top ten each would show these customers now, how many are the same:"));
    gtk_label_set_wrap (GTK_LABEL (caption), TRUE);
    gtk_label_set_xalign (GTK_LABEL (caption), 0);
    gtk_box_append (GTK_BOX (box), caption);
  }
  gtk_grid_set_column_spacing (people, 18);
  gtk_grid_set_row_spacing (people, 4);
  for (guint i = 0; i < c->customers->len; i++)
    {
      SdModelCompareCustomer *row = &g_array_index (c->customers, SdModelCompareCustomer, i);
      /* TRANSLATORS: how many of two top-ten lists are the same, e.g. "4 of 10" */
      g_autofree char *text = g_strdup_printf (_("%u of %u"), row->overlap, row->n);
      gtk_grid_attach (people, label (row->external_id, TRUE), 0, i, 1, 1);
      gtk_grid_attach (people, label (text, FALSE), 1, i, 1, 1);
    }
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (people));
}

void
sd_promote_dialog_set_error (GtkWidget  *dialog,
                             const char *message)
{
  GtkWidget *box = g_object_get_data (G_OBJECT (dialog), "sd-box");
  g_autofree char *body = g_strdup_printf (_("The two could not be compared: %s"), message);

  clear_box (box);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
}
