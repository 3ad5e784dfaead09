/* sd-chart-controls.h — a header row to drop above an SdLineChart
 *
 * Smoothing slider, log-scale toggle, reset-zoom button and an Export menu (PNG or SVG
 * through a GtkFileChooserNative). Everything is bound to the chart's properties, so the
 * page only sets "chart" and never syncs anything by hand.
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-line-chart.h"

G_BEGIN_DECLS

#define SD_TYPE_CHART_CONTROLS (sd_chart_controls_get_type ())
G_DECLARE_FINAL_TYPE (SdChartControls, sd_chart_controls, SD, CHART_CONTROLS, GtkWidget)

GtkWidget    *sd_chart_controls_new              (SdLineChart     *chart);

/* Property "chart": the chart these controls drive (may be NULL). */
void          sd_chart_controls_set_chart        (SdChartControls *self,
                                                  SdLineChart     *chart);
SdLineChart  *sd_chart_controls_get_chart        (SdChartControls *self);

/* Property "export-name": the file name offered by Export, without extension ("chart"). */
void          sd_chart_controls_set_export_name  (SdChartControls *self,
                                                  const char      *name);

/* Property "show-smoothing" (default TRUE): hide the slider for charts that are not noisy. */
void          sd_chart_controls_set_show_smoothing (SdChartControls *self,
                                                    gboolean         show);

G_END_DECLS
