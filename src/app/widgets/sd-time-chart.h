/* sd-time-chart.h — bars over calendar time: revenue or orders per day, week or month
 *
 * One bar per bucket (sd-chart-time.h), the x axis ticked on dates, the y axis in the
 * values' unit (money in a currency, or a count). Hovering a bar highlights it and its
 * tooltip names the bucket and its value; the accessible description sums the series up.
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-chart-time.h"

G_BEGIN_DECLS

#define SD_TYPE_TIME_CHART (sd_time_chart_get_type ())
G_DECLARE_FINAL_TYPE (SdTimeChart, sd_time_chart, SD, TIME_CHART, GtkWidget)

GtkWidget  *sd_time_chart_new             (void);

/* @n bars starting at @starts (unix seconds, sorted), each @bucket long. With @currency
 * the values are cents shown as money in it; without, they are counts. */
void        sd_time_chart_set_bars        (SdTimeChart   *self,
                                           SdTimeBucket   bucket,
                                           const gint64  *starts,
                                           const gint64  *values,
                                           guint          n,
                                           gboolean       money,
                                           const char    *currency);
/* The days the bars count, [@from, @to): a bar whose week or month the range covers only in
 * part is drawn lighter, and its tooltip says how many of its days count. G_MININT64 and
 * G_MAXINT64 (the default) count every bar whole. */
void        sd_time_chart_set_shown       (SdTimeChart   *self,
                                           gint64         from,
                                           gint64         to);
/* Whether bar @i counts only some of its days. */
gboolean    sd_time_chart_bar_is_partial  (SdTimeChart   *self,
                                           guint          i);
void        sd_time_chart_set_y_title     (SdTimeChart   *self,
                                           const char    *title);
/* "Revenue per week, 5 Dec 2010 to 5 Dec 2011: highest £1.2 M in the week of …" */
const char *sd_time_chart_get_description (SdTimeChart   *self);

G_END_DECLS
