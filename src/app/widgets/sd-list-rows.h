/* sd-list-rows.h — the rows the Overview and the drill-down views fill their boxed lists with */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* An AdwActionRow of @title (plain text, two lines at most) and @subtitle (NULL or empty:
 * none) with @value at its end; @activatable adds a chevron and makes Enter or a click
 * activate it. */
GtkWidget *sd_value_row_new       (const char *title,
                                   const char *subtitle,
                                   const char *value,
                                   gboolean    activatable);
/* A dimmed row that only says @text: what an empty list shows. */
GtkWidget *sd_note_row_new        (const char *text);
/* Removes every row of @list. */
void       sd_list_box_remove_all (GtkListBox *list);

G_END_DECLS
