/* sd-frame-stats.c — the largest gap between frames while something runs */
#include "config.h"

#include <time.h>

#include "sd-clock.h"
#include "sd-frame-stats.h"

struct _SdFrameStats
{
  GObject    parent_instance;

  GtkWidget *widget;       /* weak */
  guint      tick_id;
  gint64     last_us;      /* 0: the next frame starts a new stretch */
  gint64     last_cpu_us;
  gint64     max_gap_us;
  gint64     max_busy_us;
  gint64     total_busy_us;
  gint64     total_us;
  guint      n_frames;
  guint      n_gaps;
};

G_DEFINE_FINAL_TYPE (SdFrameStats, sd_frame_stats, G_TYPE_OBJECT)

#define STARTUP_FRAMES 10

/* Monotonic time when the tick runs, not the frame clock's frame time: the frame
 * clock smooths its timestamps toward the refresh rate and would hide a stall. */
static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  SdFrameStats *self = user_data;
  gint64 now = g_get_monotonic_time ();
  gint64 cpu = sd_thread_cpu_us ();

  /* A window's first frames load fonts, themes and icons: a start-up cost, not a stall
   * caused by the work being measured (the demo shop is made while the window opens). */
  if (gdk_frame_clock_get_frame_counter (clock) < STARTUP_FRAMES)
    {
      self->last_us = 0;
      return G_SOURCE_CONTINUE;
    }

  if (self->last_us != 0)
    {
      gint64 gap = now - self->last_us;
      self->max_gap_us = MAX (self->max_gap_us, gap);
      self->max_busy_us = MAX (self->max_busy_us, cpu - self->last_cpu_us);
      self->total_busy_us += cpu - self->last_cpu_us;
      self->total_us += gap;
      self->n_gaps++;
    }
  self->last_us = now;
  self->last_cpu_us = cpu;
  self->n_frames++;
  return G_SOURCE_CONTINUE;
}

gboolean
sd_frame_stats_enabled_by_env (void)
{
  const char *env = g_getenv ("SHOPDESK_FRAME_STATS");
  return env != NULL && *env != '\0' && g_strcmp0 (env, "0") != 0;
}

void
sd_frame_stats_start (SdFrameStats *self)
{
  g_return_if_fail (SD_IS_FRAME_STATS (self));

  if (self->tick_id != 0 || self->widget == NULL)
    return;
  self->last_us = 0;
  self->tick_id = gtk_widget_add_tick_callback (self->widget, tick_cb, self, NULL);
}

void
sd_frame_stats_stop (SdFrameStats *self)
{
  g_return_if_fail (SD_IS_FRAME_STATS (self));

  if (self->tick_id != 0 && self->widget != NULL)
    gtk_widget_remove_tick_callback (self->widget, self->tick_id);
  self->tick_id = 0;
  self->last_us = 0;
}

void
sd_frame_stats_reset (SdFrameStats *self)
{
  g_return_if_fail (SD_IS_FRAME_STATS (self));

  self->last_us = 0;
  self->max_gap_us = 0;
  self->max_busy_us = 0;
  self->total_busy_us = 0;
  self->total_us = 0;
  self->n_frames = 0;
  self->n_gaps = 0;
}

gboolean
sd_frame_stats_is_running (SdFrameStats *self)
{
  g_return_val_if_fail (SD_IS_FRAME_STATS (self), FALSE);
  return self->tick_id != 0;
}

gint64
sd_frame_stats_get_max_gap_us (SdFrameStats *self)
{
  g_return_val_if_fail (SD_IS_FRAME_STATS (self), 0);
  return self->max_gap_us;
}

gint64
sd_frame_stats_get_max_busy_us (SdFrameStats *self)
{
  g_return_val_if_fail (SD_IS_FRAME_STATS (self), 0);
  return self->max_busy_us;
}

gint64
sd_frame_stats_get_total_busy_us (SdFrameStats *self)
{
  g_return_val_if_fail (SD_IS_FRAME_STATS (self), 0);
  return self->total_busy_us;
}

guint
sd_frame_stats_get_n_frames (SdFrameStats *self)
{
  g_return_val_if_fail (SD_IS_FRAME_STATS (self), 0);
  return self->n_frames;
}

char *
sd_frame_stats_to_string (SdFrameStats *self)
{
  g_return_val_if_fail (SD_IS_FRAME_STATS (self), NULL);

  if (self->n_gaps == 0)
    return g_strdup ("no frames measured (over before the window had finished starting)");
  return g_strdup_printf ("largest frame gap %.1f ms over %u frames (mean %.1f ms); "
                          "main thread busy at most %.1f ms between two frames (mean %.1f ms)",
                          self->max_gap_us / 1000.0, self->n_frames,
                          self->total_us / 1000.0 / self->n_gaps,
                          self->max_busy_us / 1000.0,
                          self->total_busy_us / 1000.0 / self->n_gaps);
}

static void
sd_frame_stats_dispose (GObject *object)
{
  SdFrameStats *self = SD_FRAME_STATS (object);

  sd_frame_stats_stop (self);
  if (self->widget)
    g_object_remove_weak_pointer (G_OBJECT (self->widget), (gpointer *) &self->widget);
  self->widget = NULL;

  G_OBJECT_CLASS (sd_frame_stats_parent_class)->dispose (object);
}

static void
sd_frame_stats_class_init (SdFrameStatsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sd_frame_stats_dispose;
}

static void
sd_frame_stats_init (SdFrameStats *self)
{
}

SdFrameStats *
sd_frame_stats_new (GtkWidget *widget)
{
  SdFrameStats *self = g_object_new (SD_TYPE_FRAME_STATS, NULL);

  self->widget = widget;
  g_object_add_weak_pointer (G_OBJECT (widget), (gpointer *) &self->widget);
  return self;
}
