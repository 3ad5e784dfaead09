/* sd-frame-stats.h — the largest gap between frames while something runs
 *
 * While started, a tick callback on the widget asks for a frame every refresh and
 * records the time between consecutive frames. A main loop blocked by work shows as a
 * long gap. On a loaded machine the scheduler alone makes gaps too, so the main thread's
 * CPU time between two frames is recorded as well: that one grows only with work done on
 * the main thread. The window starts it while background jobs run when the environment has
 * SHOPDESK_FRAME_STATS=1, and prints the figure when the jobs are done and on exit.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SD_TYPE_FRAME_STATS (sd_frame_stats_get_type ())
G_DECLARE_FINAL_TYPE (SdFrameStats, sd_frame_stats, SD, FRAME_STATS, GObject)

SdFrameStats *sd_frame_stats_new             (GtkWidget    *widget);
/* Whether SHOPDESK_FRAME_STATS asks for frame gaps to be measured and printed. */
gboolean      sd_frame_stats_enabled_by_env  (void);
/* Starting again keeps the figures: they cover every started stretch since reset. */
void          sd_frame_stats_start           (SdFrameStats *self);
void          sd_frame_stats_stop            (SdFrameStats *self);
void          sd_frame_stats_reset           (SdFrameStats *self);
gboolean      sd_frame_stats_is_running      (SdFrameStats *self);
gint64        sd_frame_stats_get_max_gap_us  (SdFrameStats *self);
/* The most CPU time the main thread spent between two consecutive frames. */
gint64        sd_frame_stats_get_max_busy_us (SdFrameStats *self);
/* Summed over every pair of consecutive frames: divide by n_frames - 1 for the mean. */
gint64        sd_frame_stats_get_total_busy_us (SdFrameStats *self);
guint         sd_frame_stats_get_n_frames    (SdFrameStats *self);
/* "largest frame gap 23.4 ms over 812 frames (mean 16.7 ms); main thread busy at most …" */
char         *sd_frame_stats_to_string       (SdFrameStats *self);

G_END_DECLS
