/* sd-chart-controls.c — smoothing, log scale, reset zoom and export for a line chart */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "sd-chart-controls.h"

struct _SdChartControls
{
  GtkWidget             parent_instance;

  GtkWidget            *smoothing_box;
  GtkAdjustment        *smoothing_adjustment;
  GtkToggleButton      *log_toggle;
  GtkWidget            *reset_button;
  GtkWidget            *export_button;

  SdLineChart          *chart;
  GBinding             *smoothing_binding;
  GBinding             *log_binding;
  gulong                zoomed_handler;
  gulong                has_data_handler;
  char                 *export_name;
  GtkFileChooserNative *chooser;
  gboolean              chooser_svg;
};

G_DEFINE_FINAL_TYPE (SdChartControls, sd_chart_controls, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CHART,
  PROP_EXPORT_NAME,
  PROP_SHOW_SMOOTHING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_actions (SdChartControls *self)
{
  gboolean has_data = self->chart && sd_line_chart_get_has_data (self->chart);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "controls.reset-view",
                                 has_data && sd_line_chart_get_zoomed (self->chart));
  /* On an empty chart (no run yet) neither would change anything to see. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->log_toggle), has_data);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->log_toggle),
                               has_data ? _("Logarithmic y axis") : _("No values to scale yet: the chart is empty"));
  gtk_widget_set_tooltip_text (self->reset_button,
                               has_data ? _("Reset Zoom (double click on the chart)")
                                        : _("Nothing to zoom yet: the chart is empty"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "controls.export-png", self->chart != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "controls.export-svg", self->chart != NULL);
}

static void
show_error (SdChartControls *self,
            const char      *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Could Not Export the Chart"), message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     SdChartControls *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  const char *ext = self->chooser_svg ? ".svg" : ".png";
  int width, height;

  if (response == GTK_RESPONSE_ACCEPT && self->chart != NULL)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (file);
      g_autofree char *msg = g_strdup_printf (_("“%s” is not a local file."), uri);
      show_error (self, msg);
      return;
    }
  if (!g_str_has_suffix (path, ext))
    {
      char *with_ext = g_strconcat (path, ext, NULL);
      g_free (path);
      path = with_ext;
    }

  /* At least a presentation-sized picture, in the proportions shown on screen. */
  width = gtk_widget_get_width (GTK_WIDGET (self->chart));
  height = gtk_widget_get_height (GTK_WIDGET (self->chart));
  if (width < 100 || height < 100)
    {
      width = 1200;
      height = 700;
    }
  else if (width < 1000)
    {
      height = height * 1000 / width;
      width = 1000;
    }

  if (!(self->chooser_svg ? sd_line_chart_export_svg : sd_line_chart_export_png)
        (self->chart, path, width, height, &error))
    show_error (self, error->message);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdChartControls *self = SD_CHART_CONTROLS (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  gboolean svg = g_str_equal (action_name, "controls.export-svg");

  if (self->chart == NULL || self->chooser != NULL)
    return;

  self->chooser_svg = svg;
  self->chooser = gtk_file_chooser_native_new (svg ? _("Export Chart as SVG") : _("Export Chart as PNG"),
                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, svg ? _("SVG image") : _("PNG image"));
  gtk_file_filter_add_mime_type (filter, svg ? "image/svg+xml" : "image/png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  name = g_strconcat (self->export_name, svg ? ".svg" : ".png", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
reset_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdChartControls *self = SD_CHART_CONTROLS (widget);

  if (self->chart)
    sd_line_chart_reset_view (self->chart);
}

/* the chart zoomed or unzoomed, or got its first point or lost its last */
static void
zoomed_changed_cb (SdChartControls *self)
{
  update_actions (self);
}

static void
disconnect_chart (SdChartControls *self)
{
  if (self->chart == NULL)
    return;
  g_clear_pointer (&self->smoothing_binding, g_binding_unbind);
  g_clear_pointer (&self->log_binding, g_binding_unbind);
  g_clear_signal_handler (&self->zoomed_handler, self->chart);
  g_clear_signal_handler (&self->has_data_handler, self->chart);
  g_clear_object (&self->chart);
}

static void
sd_chart_controls_dispose (GObject *object)
{
  SdChartControls *self = SD_CHART_CONTROLS (object);

  disconnect_chart (self);
  if (self->chooser)
    {
      gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
      g_clear_object (&self->chooser);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_CHART_CONTROLS);
  G_OBJECT_CLASS (sd_chart_controls_parent_class)->dispose (object);
}

static void
sd_chart_controls_finalize (GObject *object)
{
  SdChartControls *self = SD_CHART_CONTROLS (object);

  g_free (self->export_name);
  G_OBJECT_CLASS (sd_chart_controls_parent_class)->finalize (object);
}

static void
sd_chart_controls_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SdChartControls *self = SD_CHART_CONTROLS (object);

  switch (prop_id)
    {
    case PROP_CHART:
      g_value_set_object (value, self->chart);
      break;
    case PROP_EXPORT_NAME:
      g_value_set_string (value, self->export_name);
      break;
    case PROP_SHOW_SMOOTHING:
      g_value_set_boolean (value, gtk_widget_get_visible (self->smoothing_box));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_chart_controls_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  SdChartControls *self = SD_CHART_CONTROLS (object);

  switch (prop_id)
    {
    case PROP_CHART:
      sd_chart_controls_set_chart (self, g_value_get_object (value));
      break;
    case PROP_EXPORT_NAME:
      sd_chart_controls_set_export_name (self, g_value_get_string (value));
      break;
    case PROP_SHOW_SMOOTHING:
      sd_chart_controls_set_show_smoothing (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_chart_controls_class_init (SdChartControlsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_chart_controls_dispose;
  object_class->finalize = sd_chart_controls_finalize;
  object_class->get_property = sd_chart_controls_get_property;
  object_class->set_property = sd_chart_controls_set_property;

  properties[PROP_CHART] =
    g_param_spec_object ("chart", NULL, NULL, SD_TYPE_LINE_CHART,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXPORT_NAME] =
    g_param_spec_string ("export-name", NULL, NULL, "chart",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_SMOOTHING] =
    g_param_spec_boolean ("show-smoothing", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-chart-controls.ui");
  gtk_widget_class_bind_template_child (widget_class, SdChartControls, smoothing_box);
  gtk_widget_class_bind_template_child (widget_class, SdChartControls, smoothing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SdChartControls, log_toggle);
  gtk_widget_class_bind_template_child (widget_class, SdChartControls, reset_button);
  gtk_widget_class_bind_template_child (widget_class, SdChartControls, export_button);

  gtk_widget_class_install_action (widget_class, "controls.export-png", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "controls.export-svg", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "controls.reset-view", NULL, reset_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sd-chart-controls");
}

static void
sd_chart_controls_init (SdChartControls *self)
{
  self->export_name = g_strdup ("chart");
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))), 12);
  update_actions (self);
}

GtkWidget *
sd_chart_controls_new (SdLineChart *chart)
{
  return g_object_new (SD_TYPE_CHART_CONTROLS, "chart", chart, NULL);
}

void
sd_chart_controls_set_chart (SdChartControls *self,
                             SdLineChart     *chart)
{
  g_return_if_fail (SD_IS_CHART_CONTROLS (self));
  g_return_if_fail (chart == NULL || SD_IS_LINE_CHART (chart));

  if (self->chart == chart)
    return;
  disconnect_chart (self);
  if (chart)
    {
      self->chart = g_object_ref (chart);
      self->smoothing_binding =
        g_object_bind_property (chart, "smoothing", self->smoothing_adjustment, "value",
                                G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
      self->log_binding =
        g_object_bind_property (chart, "log-scale", self->log_toggle, "active",
                                G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
      self->zoomed_handler = g_signal_connect_swapped (chart, "notify::zoomed",
                                                       G_CALLBACK (zoomed_changed_cb), self);
      self->has_data_handler = g_signal_connect_swapped (chart, "notify::has-data",
                                                         G_CALLBACK (zoomed_changed_cb), self);
    }
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHART]);
}

SdLineChart *
sd_chart_controls_get_chart (SdChartControls *self)
{
  g_return_val_if_fail (SD_IS_CHART_CONTROLS (self), NULL);
  return self->chart;
}

void
sd_chart_controls_set_export_name (SdChartControls *self,
                                   const char      *name)
{
  g_return_if_fail (SD_IS_CHART_CONTROLS (self));

  if (g_strcmp0 (self->export_name, name) == 0)
    return;
  g_free (self->export_name);
  self->export_name = g_strdup (name && *name ? name : "chart");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPORT_NAME]);
}

void
sd_chart_controls_set_show_smoothing (SdChartControls *self,
                                      gboolean         show)
{
  g_return_if_fail (SD_IS_CHART_CONTROLS (self));

  if (gtk_widget_get_visible (self->smoothing_box) == !!show)
    return;
  gtk_widget_set_visible (self->smoothing_box, show);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_SMOOTHING]);
}
