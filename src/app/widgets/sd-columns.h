/* sd-columns.h — columns side by side that stack when the width runs short
 *
 * libadwaita 1.2 has no breakpoints, and a GtkBox asks for the sum of its columns' widths,
 * which keeps a window from getting narrower. SdColumns asks only for its widest column:
 * given at least `threshold` pixels and room for every column's minimum, it lays them side
 * by side (each a full-height column that scrolls by itself); otherwise it stacks them and
 * the page scrolls as a whole. Its direct children that are GtkScrolledWindows, and the
 * scrolled window around the outermost SdColumns, get the vertical scrollbar policy that
 * goes with each layout; GtkSeparators between columns turn with it. SdColumns may nest
 * (a stacked outer one makes the inner ones' columns grow to their content too).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SD_TYPE_COLUMNS (sd_columns_get_type ())
G_DECLARE_FINAL_TYPE (SdColumns, sd_columns, SD, COLUMNS, GtkWidget)

GtkWidget *sd_columns_new           (void);
gboolean   sd_columns_get_stacked   (SdColumns *self);
void       sd_columns_set_threshold (SdColumns *self,
                                     int        threshold);

G_END_DECLS
