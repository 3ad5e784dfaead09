/* sd-job-list.c — the header-bar button that shows running and recent background jobs */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-job-list.h"

#define MAX_ENDED 10   /* ended jobs kept in the list; older ones drop off */

struct _SdJobList
{
  GtkWidget       parent_instance;

  GtkMenuButton  *button;
  GtkDrawingArea *indicator;
  GtkListBox     *list;
  GtkButton      *clear_button;

  GListStore     *jobs;
};

G_DEFINE_FINAL_TYPE (SdJobList, sd_job_list, GTK_TYPE_WIDGET)

static gboolean
job_is_active (SdJob *job)
{
  SdJobState state = sd_job_get_state (job);
  return state == SD_JOB_PENDING || state == SD_JOB_RUNNING;
}

guint
sd_job_list_get_n_running (SdJobList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  guint running = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);
      running += job_is_active (job);
    }
  return running;
}

/* The indicator: a pie of the running jobs' mean progress, a full disc when idle. */
static void
draw_indicator (GtkDrawingArea *area,
                cairo_t        *cr,
                int             width,
                int             height,
                gpointer        user_data)
{
  SdJobList *self = user_data;
  GtkStyleContext *style = gtk_widget_get_style_context (GTK_WIDGET (area));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  double sum = 0, radius = MIN (width, height) / 2.0 - 1, cx = width / 2.0, cy = height / 2.0;
  guint running = 0;
  GdkRGBA fg;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SdJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);
      if (job_is_active (job))
        {
          sum += sd_job_get_fraction (job);
          running++;
        }
    }

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
G_GNUC_END_IGNORE_DEPRECATIONS

  cairo_set_line_width (cr, 1.5);
  gdk_cairo_set_source_rgba (cr, &fg);
  cairo_arc (cr, cx, cy, radius, 0, 2 * G_PI);
  if (running == 0)
    {
      cairo_fill (cr);
      return;
    }
  cairo_stroke (cr);
  cairo_move_to (cr, cx, cy);
  cairo_arc (cr, cx, cy, radius - 2, -G_PI / 2, -G_PI / 2 + 2 * G_PI * (sum / running));
  cairo_close_path (cr);
  cairo_fill (cr);
}

static void
update (SdJobList *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->jobs));
  guint running = sd_job_list_get_n_running (self);
  g_autofree char *tooltip = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self), n > 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->clear_button), running < n);
  if (running > 0)
    tooltip = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u task running",
                                            "%u tasks running", running), running);
  else
    tooltip = g_strdup (_("Background tasks"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), tooltip);
  gtk_widget_queue_draw (GTK_WIDGET (self->indicator));
}

static void
job_changed_cb (SdJobList *self)
{
  update (self);
}

static void
cancel_clicked_cb (GtkButton *button,
                   SdJob     *job)
{
  sd_job_cancel (job);
}

static char *
status_text (SdJob *job)
{
  const char *text = sd_job_get_text (job);

  switch (sd_job_get_state (job))
    {
    case SD_JOB_PENDING:
      return g_strdup (_("Waiting…"));
    case SD_JOB_RUNNING:
      return g_strdup (text ? text : _("Running…"));
    case SD_JOB_FINISHED:
      return text ? g_strdup_printf (_("Finished: %s"), text) : g_strdup (_("Finished"));
    case SD_JOB_CANCELLED:
      return g_strdup (_("Cancelled"));
    case SD_JOB_FAILED:
      return g_strdup_printf (_("Failed: %s"), sd_job_get_error_message (job));
    default:
      return g_strdup ("");
    }
}

typedef struct {
  GtkWidget *progress;
  GtkWidget *status;
  GtkWidget *cancel;
} RowParts;

static void
row_update (SdJob    *job,
            RowParts *parts)
{
  g_autofree char *text = status_text (job);
  gboolean active = job_is_active (job);

  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (parts->progress), sd_job_get_fraction (job));
  gtk_widget_set_visible (parts->progress, active);
  gtk_widget_set_visible (parts->cancel, active);
  gtk_label_set_text (GTK_LABEL (parts->status), text);
  if (sd_job_get_state (job) == SD_JOB_FAILED)
    gtk_widget_add_css_class (parts->status, "error");
}

static void
row_job_notify_cb (SdJob      *job,
                   GParamSpec *pspec,
                   GtkWidget  *row)
{
  row_update (job, g_object_get_data (G_OBJECT (row), "sd-row-parts"));
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  SdJob *job = item;
  RowParts *parts = g_new0 (RowParts, 1);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *title = gtk_label_new (sd_job_get_title (job));
  g_autofree char *cancel_label = g_strdup_printf (_("Cancel “%s”"), sd_job_get_title (job));

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (top), title);

  parts->cancel = gtk_button_new_from_icon_name ("process-stop-symbolic");
  gtk_widget_set_valign (parts->cancel, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (parts->cancel, "flat");
  gtk_widget_add_css_class (parts->cancel, "circular");
  gtk_widget_set_tooltip_text (parts->cancel, _("Cancel"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (parts->cancel),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, cancel_label, -1);
  g_signal_connect_object (parts->cancel, "clicked", G_CALLBACK (cancel_clicked_cb), job, 0);
  gtk_box_append (GTK_BOX (top), parts->cancel);
  gtk_box_append (GTK_BOX (box), top);

  parts->progress = gtk_progress_bar_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (parts->progress),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, sd_job_get_title (job), -1);
  gtk_box_append (GTK_BOX (box), parts->progress);

  parts->status = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (parts->status), 0);
  gtk_label_set_wrap (GTK_LABEL (parts->status), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (parts->status), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (parts->status, "dim-label");
  gtk_widget_add_css_class (parts->status, "caption");
  gtk_widget_add_css_class (parts->status, "numeric");
  gtk_box_append (GTK_BOX (box), parts->status);

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* The row lives as long as the job is listed; parts die with the row. */
  g_object_set_data_full (G_OBJECT (row), "sd-row-parts", parts, g_free);
  g_signal_connect_object (job, "notify", G_CALLBACK (row_job_notify_cb), row, 0);
  row_update (job, parts);
  return row;
}

void
sd_job_list_clear_finished (SdJobList *self)
{
  g_return_if_fail (SD_IS_JOB_LIST (self));

  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); i > 0; i--)
    {
      g_autoptr(SdJob) job = g_list_model_get_item (G_LIST_MODEL (self->jobs), i - 1);
      if (!job_is_active (job))
        g_list_store_remove (self->jobs, i - 1);
    }
  update (self);
}

static void
clear_clicked_cb (SdJobList *self)
{
  sd_job_list_clear_finished (self);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->jobs)) == 0)
    gtk_menu_button_popdown (self->button);
}

void
sd_job_list_add (SdJobList *self,
                 SdJob     *job)
{
  guint ended = 0;

  g_return_if_fail (SD_IS_JOB_LIST (self));
  g_return_if_fail (SD_IS_JOB (job));

  /* Keep the list short: the oldest ended jobs make room. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->jobs)); )
    {
      g_autoptr(SdJob) other = g_list_model_get_item (G_LIST_MODEL (self->jobs), i);
      if (!job_is_active (other) && ++ended >= MAX_ENDED)
        g_list_store_remove (self->jobs, i);
      else
        i++;
    }

  /* The row's handler is disconnected by g_signal_connect_object when the list goes. */
  g_signal_connect_object (job, "notify::state", G_CALLBACK (job_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (job, "notify::fraction", G_CALLBACK (job_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_list_store_insert (self->jobs, 0, job);
  update (self);
}

GListModel *
sd_job_list_get_jobs (SdJobList *self)
{
  g_return_val_if_fail (SD_IS_JOB_LIST (self), NULL);
  return G_LIST_MODEL (self->jobs);
}

static void
sd_job_list_dispose (GObject *object)
{
  SdJobList *self = SD_JOB_LIST (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_JOB_LIST);
  /* dispose_template leaves the unnamed top child in place: unparent whatever is left. */
  {
    GtkWidget *child;
    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->jobs);

  G_OBJECT_CLASS (sd_job_list_parent_class)->dispose (object);
}

static void
sd_job_list_class_init (SdJobListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_job_list_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-job-list.ui");
  gtk_widget_class_bind_template_child (widget_class, SdJobList, button);
  gtk_widget_class_bind_template_child (widget_class, SdJobList, indicator);
  gtk_widget_class_bind_template_child (widget_class, SdJobList, list);
  gtk_widget_class_bind_template_child (widget_class, SdJobList, clear_button);
  gtk_widget_class_bind_template_callback (widget_class, clear_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sd-job-list");
}

static void
sd_job_list_init (SdJobList *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->jobs = g_list_store_new (SD_TYPE_JOB);
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->jobs), create_row, self, NULL);
  placeholder = gtk_label_new (_("No background tasks"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 18);
  gtk_widget_set_margin_bottom (placeholder, 18);
  gtk_list_box_set_placeholder (self->list, placeholder);
  gtk_drawing_area_set_draw_func (self->indicator, draw_indicator, self, NULL);
  update (self);
}

GtkWidget *
sd_job_list_new (void)
{
  return g_object_new (SD_TYPE_JOB_LIST, NULL);
}
