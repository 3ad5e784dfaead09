/* sd-interval-bar.h — a figure as a bar with its confidence interval, and a mark for
 * another value (what a change would make of it)
 *
 * Small enough for a table row: the bar runs from 0 to the value on a scale shared by the
 * rows (scale-max), a whisker spans the interval, and a tick shows the marker (NaN: none).
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SD_TYPE_INTERVAL_BAR (sd_interval_bar_get_type ())
G_DECLARE_FINAL_TYPE (SdIntervalBar, sd_interval_bar, SD, INTERVAL_BAR, GtkWidget)

GtkWidget *sd_interval_bar_new (double value,
                                double low,
                                double high,
                                double marker,
                                double scale_max);
void       sd_interval_bar_set (SdIntervalBar *self,
                                double         value,
                                double         low,
                                double         high,
                                double         marker,
                                double         scale_max);

G_END_DECLS
