/* sd-kpi-card.h — a headline figure as a card: caption, value, and a line under it */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A card of @caption ("Revenue"), @value ("£1.23 M") and @detail ("+12 % vs previous 30
 * days"), the detail styled with @detail_class ("success", "error"; NULL: dimmed). The
 * card is one accessible label. */
GtkWidget *sd_kpi_card_new (const char *caption,
                            const char *value,
                            const char *detail,
                            const char *detail_class);

G_END_DECLS
