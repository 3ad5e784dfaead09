/* sd-time-chart.c — bars over calendar time, drawn on the shared chart frame */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "sd-chart-draw.h"
#include "sd-format.h"
#include "sd-time-chart.h"

struct _SdTimeChart
{
  GtkWidget     parent_instance;

  SdTimeBucket  bucket;
  GArray       *starts;    /* gint64 */
  GArray       *values;    /* gint64 */
  gboolean      money;
  char         *currency;
  char         *y_title;
  char         *description;
  gint64        shown_from, shown_to;

  SdChartFrame  frame;     /* as last drawn, for hovering */
  gboolean      has_frame;
  int           hover;     /* the bar under the pointer, or -1 */
};

G_DEFINE_FINAL_TYPE (SdTimeChart, sd_time_chart, GTK_TYPE_WIDGET)

/* Money in whole units on the axis; counts as they are. */
static double
axis_value (SdTimeChart *self,
            gint64       v)
{
  return self->money ? v / 100.0 : (double) v;
}

static char *
format_value (SdTimeChart *self,
              gint64       v)
{
  return self->money ? sd_format_money (v, self->currency) : sd_format_count (v);
}

static gint64
bar_end (SdTimeChart *self,
         guint        i)
{
  return sd_time_bucket_next (self->bucket, g_array_index (self->starts, gint64, i));
}

static void
update_description (SdTimeChart *self)
{
  guint best = 0;
  g_autofree char *label = NULL, *value = NULL, *first = NULL, *last = NULL;

  g_clear_pointer (&self->description, g_free);
  if (self->starts->len == 0)
    {
      self->description = g_strdup (_("No orders in this range"));
      goto out;
    }
  for (guint i = 1; i < self->values->len; i++)
    if (g_array_index (self->values, gint64, i) > g_array_index (self->values, gint64, best))
      best = i;
  label = sd_time_bucket_label (self->bucket, g_array_index (self->starts, gint64, best));
  value = format_value (self, g_array_index (self->values, gint64, best));
  first = sd_time_format_date (g_array_index (self->starts, gint64, 0));
  last = sd_time_format_date (bar_end (self, self->starts->len - 1) - 1);
  /* TRANSLATORS: "Revenue, 1 Dec 2010 to 9 Dec 2011: highest £1,234.00 in Week of 5 Dec 2011" */
  self->description = g_strdup_printf (_("%s, %s to %s: highest %s in %s"),
                                       self->y_title ? self->y_title : "", first, last, value, label);
out:
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  self->description, -1);
}

void
sd_time_chart_set_bars (SdTimeChart  *self,
                        SdTimeBucket  bucket,
                        const gint64 *starts,
                        const gint64 *values,
                        guint         n,
                        gboolean      money,
                        const char   *currency)
{
  g_return_if_fail (SD_IS_TIME_CHART (self));
  g_return_if_fail (n == 0 || (starts && values));

  self->bucket = bucket;
  g_array_set_size (self->starts, 0);
  g_array_set_size (self->values, 0);
  g_array_append_vals (self->starts, starts, n);
  g_array_append_vals (self->values, values, n);
  self->money = money;
  g_free (self->currency);
  self->currency = g_strdup (currency);
  self->hover = -1;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_time_chart_set_shown (SdTimeChart *self,
                         gint64       from,
                         gint64       to)
{
  g_return_if_fail (SD_IS_TIME_CHART (self));
  self->shown_from = from;
  self->shown_to = to;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The days of bar @i the range counts, and of the bar's bucket. */
static guint
bar_days (SdTimeChart *self,
          guint        i,
          guint       *days_in_bucket)
{
  return sd_time_bucket_days_within (self->bucket, g_array_index (self->starts, gint64, i),
                                     self->shown_from, self->shown_to, days_in_bucket);
}

gboolean
sd_time_chart_bar_is_partial (SdTimeChart *self,
                              guint        i)
{
  guint whole = 0;

  g_return_val_if_fail (SD_IS_TIME_CHART (self), FALSE);
  g_return_val_if_fail (i < self->starts->len, FALSE);
  return bar_days (self, i, &whole) < whole;
}

void
sd_time_chart_set_y_title (SdTimeChart *self,
                           const char  *title)
{
  g_return_if_fail (SD_IS_TIME_CHART (self));
  g_free (self->y_title);
  self->y_title = g_strdup (title);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
sd_time_chart_get_description (SdTimeChart *self)
{
  g_return_val_if_fail (SD_IS_TIME_CHART (self), NULL);
  return self->description;
}

/* ---- Drawing ------------------------------------------------------------------------ */

static void
compute_scales (SdTimeChart  *self,
                SdChartScale *xs,
                SdChartScale *ys)
{
  double lo = 0, hi = 0, d0, d1;

  if (self->starts->len == 0)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      sd_chart_scale_init (xs, SD_CHART_SCALE_TIME, now - 30 * SD_SECONDS_PER_DAY, now, 0, 1);
    }
  else
    sd_chart_scale_init (xs, SD_CHART_SCALE_TIME, g_array_index (self->starts, gint64, 0),
                         bar_end (self, self->starts->len - 1), 0, 1);
  for (guint i = 0; i < self->values->len; i++)
    {
      double v = axis_value (self, g_array_index (self->values, gint64, i));
      lo = MIN (lo, v);
      hi = MAX (hi, v);
    }
  if (hi <= lo)
    hi = lo + 1;
  sd_chart_scale_fit (SD_CHART_SCALE_LINEAR, lo, hi, &d0, &d1);
  /* Bars grow from zero: the axis starts there, whatever padding the fit added. */
  if (lo >= 0)
    d0 = 0;
  sd_chart_scale_init (ys, SD_CHART_SCALE_LINEAR, d0, d1, 1, 0);
}

/* Labels under the bars' middles, not on their edges: a bar is a whole bucket. */
static GArray *
bar_ticks (const SdChartScale *x,
           guint               max_ticks,
           gpointer            data)
{
  SdTimeChart *self = data;

  return sd_time_bucket_ticks (self->bucket, x->d0, x->d1, max_ticks);
}

/* Money on the y axis reads as money: "£150万", not a bare "150万". */
static void
money_tick_label (SdChartTick *tick,
                  gpointer     data)
{
  SdTimeChart *self = data;
  g_autofree char *label = sd_format_money_label (tick->label, self->currency);

  g_strlcpy (tick->label, label, sizeof tick->label);
}

static void
draw_chart (SdTimeChart    *self,
            SdChartPainter *painter,
            double          width,
            double          height,
            SdChartFrame   *frame)
{
  GtkWidget *widget = GTK_WIDGET (self);
  SdChartColors colors;
  SdChartScale xs, ys;
  cairo_t *cr;
  double zero;

  sd_chart_colors_lookup (widget, &colors);
  compute_scales (self, &xs, &ys);
  frame->x_ticks_func = self->starts->len > 0 ? bar_ticks : NULL;
  frame->x_ticks_data = self;
  frame->y_label_func = self->money ? money_tick_label : NULL;
  frame->y_label_data = self;
  sd_chart_frame_layout (frame, widget, width, height, &xs, &ys, NULL, self->y_title, NULL, 0);

  cr = sd_chart_painter_begin (painter, width, height);
  sd_chart_frame_draw (frame, widget, cr, &colors, NULL, 0);
  cairo_destroy (cr);

  zero = sd_chart_scale_to_pixel (&frame->y, 0);
  for (guint i = 0; i < self->starts->len; i++)
    {
      double x0 = sd_chart_scale_to_pixel (&frame->x, g_array_index (self->starts, gint64, i));
      double x1 = sd_chart_scale_to_pixel (&frame->x, bar_end (self, i));
      double y = sd_chart_scale_to_pixel (&frame->y, axis_value (self, g_array_index (self->values, gint64, i)));
      /* A gap between bars while they are wide enough to spare one. */
      double gap = x1 - x0 > 6 ? MIN (4.0, (x1 - x0) * 0.2) : 0;
      GdkRGBA color = colors.palette[0];

      if ((int) i == self->hover)
        color = colors.fg;
      else if (self->hover >= 0)
        color.alpha = 0.75;
      /* A month of which the range counts nine days is not a slump: lighter, as unfinished. */
      if ((int) i != self->hover && sd_time_chart_bar_is_partial (self, i))
        color.alpha *= 0.45;
      sd_chart_painter_fill (painter, &color, x0 + gap / 2, MIN (y, zero),
                             MAX (1.0, x1 - x0 - gap), fabs (zero - y));
    }
}

static void
sd_time_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  SdTimeChart *self = SD_TIME_CHART (widget);
  SdChartPainter painter = { .snapshot = snapshot };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width < 8 || height < 8)
    return;
  sd_chart_frame_clear (&self->frame);
  draw_chart (self, &painter, width, height, &self->frame);
  self->has_frame = TRUE;
}

static void
sd_time_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 220;
}

/* ---- Hovering ----------------------------------------------------------------------- */

static int
bar_at (SdTimeChart *self,
        double       x,
        double       y)
{
  double t;
  guint lo = 0, hi;

  if (!self->has_frame || self->starts->len == 0 ||
      !graphene_rect_contains_point (&self->frame.plot, &GRAPHENE_POINT_INIT (x, y)))
    return -1;
  t = sd_chart_scale_from_pixel (&self->frame.x, x);
  hi = self->starts->len;
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;
      if (g_array_index (self->starts, gint64, mid) <= t)
        lo = mid;
      else
        hi = mid;
    }
  return t >= g_array_index (self->starts, gint64, lo) && t < bar_end (self, lo) ? (int) lo : -1;
}

static void
set_hover (SdTimeChart *self,
           int          hover)
{
  if (self->hover == hover)
    return;
  self->hover = hover;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           SdTimeChart              *self)
{
  set_hover (self, bar_at (self, x, y));
}

static void
leave_cb (GtkEventControllerMotion *motion,
          SdTimeChart              *self)
{
  set_hover (self, -1);
}

static gboolean
query_tooltip_cb (SdTimeChart *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  int i = bar_at (self, x, y);
  g_autofree char *label = NULL, *value = NULL, *markup = NULL;
  guint days, whole = 0;

  if (i < 0)
    return FALSE;
  label = sd_time_bucket_label (self->bucket, g_array_index (self->starts, gint64, i));
  value = format_value (self, g_array_index (self->values, gint64, i));
  markup = g_markup_printf_escaped ("<b>%s</b>\n%s: %s", label, self->y_title ? self->y_title : "", value);
  days = bar_days (self, i, &whole);
  if (days < whole)
    {
      /* TRANSLATORS: under a bar of a chart whose week or month the range covers in part */
      g_autofree char *part = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Only %u of its %u days counted",
                                                            "Only %u of its %u days counted", whole),
                                               days, whole);
      g_autofree char *more = g_markup_printf_escaped ("%s\n<i>%s</i>", markup, part);
      g_free (markup);
      markup = g_steal_pointer (&more);
    }
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

/* ---- Life ---------------------------------------------------------------------------- */

static void
sd_time_chart_finalize (GObject *object)
{
  SdTimeChart *self = SD_TIME_CHART (object);

  sd_chart_frame_clear (&self->frame);
  g_array_unref (self->starts);
  g_array_unref (self->values);
  g_free (self->currency);
  g_free (self->y_title);
  g_free (self->description);
  G_OBJECT_CLASS (sd_time_chart_parent_class)->finalize (object);
}

static void
sd_time_chart_class_init (SdTimeChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sd_time_chart_finalize;
  widget_class->snapshot = sd_time_chart_snapshot;
  widget_class->measure = sd_time_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "sd-time-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sd_time_chart_init (SdTimeChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->values = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->hover = -1;
  self->shown_from = G_MININT64;
  self->shown_to = G_MAXINT64;
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  update_description (self);
}

GtkWidget *
sd_time_chart_new (void)
{
  return g_object_new (SD_TYPE_TIME_CHART, NULL);
}
