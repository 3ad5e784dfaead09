/* sd-table-row.h — one row of a shop table, already formatted for display */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define SD_TYPE_TABLE_ROW (sd_table_row_get_type ())
G_DECLARE_FINAL_TYPE (SdTableRow, sd_table_row, SD, TABLE_ROW, GObject)

/* Takes @values (one string a column; NULL entries are shown empty). */
SdTableRow *sd_table_row_new       (gint64       rowid,
                                    char       **values,
                                    guint        n_values);
gint64      sd_table_row_get_rowid (SdTableRow  *self);
guint       sd_table_row_get_n_values (SdTableRow *self);
/* Never NULL: "" for a missing value or a column out of range. */
const char *sd_table_row_get_value (SdTableRow  *self,
                                    guint        column);

G_END_DECLS
