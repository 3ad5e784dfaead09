/* sd-interval-bar.c — a bar, a whisker for its interval and a tick for a second value */
#include "config.h"

#include <math.h>

#include "sd-chart-draw.h"
#include "sd-interval-bar.h"

struct _SdIntervalBar
{
  GtkWidget parent_instance;

  double value, low, high, marker, scale_max;
};

G_DEFINE_FINAL_TYPE (SdIntervalBar, sd_interval_bar, GTK_TYPE_WIDGET)

static double
to_x (SdIntervalBar *self,
      double         v,
      double         width)
{
  return CLAMP (v / self->scale_max, 0.0, 1.0) * width;
}

static void
sd_interval_bar_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  SdIntervalBar *self = SD_INTERVAL_BAR (widget);
  double width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double bar = MIN (height * 0.5, 10.0), top = (height - bar) / 2;
  SdChartColors colors;
  GdkRGBA track, accent;

  if (!(self->scale_max > 0) || width <= 0)
    return;
  sd_chart_colors_lookup (widget, &colors);
  track = colors.fg;
  track.alpha = 0.1f;
  accent = colors.palette[0];
  gtk_snapshot_append_color (snapshot, &track, &GRAPHENE_RECT_INIT (0, top, width, bar));
  if (isfinite (self->value))
    {
      accent.alpha = 0.75f;
      gtk_snapshot_append_color (snapshot, &accent,
                                 &GRAPHENE_RECT_INIT (0, top, to_x (self, self->value, width), bar));
    }
  if (isfinite (self->low) && isfinite (self->high))
    {
      double x0 = to_x (self, self->low, width), x1 = to_x (self, self->high, width);
      GdkRGBA fg = colors.fg;
      fg.alpha = 0.8f;
      /* The whisker: a line across the interval with short ends. */
      gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (x0, height / 2 - 0.5, MAX (x1 - x0, 1), 1));
      gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (x0, top - 2, 1, bar + 4));
      gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (MAX (x1 - 1, 0), top - 2, 1, bar + 4));
    }
  if (isfinite (self->marker))
    {
      GdkRGBA mark = colors.palette[1];
      double x = to_x (self, self->marker, width);
      gtk_snapshot_append_color (snapshot, &mark, &GRAPHENE_RECT_INIT (MAX (x - 1.5, 0), 0, 3, height));
    }
}

static void
sd_interval_bar_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 60 : 16;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 16;
}

static void
sd_interval_bar_class_init (SdIntervalBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->snapshot = sd_interval_bar_snapshot;
  widget_class->measure = sd_interval_bar_measure;
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sd_interval_bar_init (SdIntervalBar *self)
{
  self->value = self->low = self->high = self->marker = NAN;
  self->scale_max = 1.0;
}

void
sd_interval_bar_set (SdIntervalBar *self,
                     double         value,
                     double         low,
                     double         high,
                     double         marker,
                     double         scale_max)
{
  g_return_if_fail (SD_IS_INTERVAL_BAR (self));
  self->value = value;
  self->low = low;
  self->high = high;
  self->marker = marker;
  self->scale_max = scale_max;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

GtkWidget *
sd_interval_bar_new (double value,
                     double low,
                     double high,
                     double marker,
                     double scale_max)
{
  GtkWidget *bar = g_object_new (SD_TYPE_INTERVAL_BAR, NULL);
  sd_interval_bar_set (SD_INTERVAL_BAR (bar), value, low, high, marker, scale_max);
  return bar;
}
